/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sock.h - one record per TCP or UDP socket from the inet_diag dump, and the table. */
#ifndef SOCKMEM_SOCK_H
#define SOCKMEM_SOCK_H

#include <stddef.h>
#include <stdint.h>

#include "util/idmap.h"

/* SK_MEMINFO_* indexes, in the kernel's order (ss labels). */
enum skm {
	SKM_R,	/* RMEM_ALLOC   sk_rmem_alloc */
	SKM_RB, /* RCVBUF       sk_rcvbuf */
	SKM_T,	/* WMEM_ALLOC   sk_wmem_alloc - 1 */
	SKM_TB, /* SNDBUF       sk_sndbuf */
	SKM_F,	/* FWD_ALLOC    sk_forward_alloc */
	SKM_W,	/* WMEM_QUEUED  sk_wmem_queued */
	SKM_O,	/* OPTMEM       sk_omem_alloc */
	SKM_BL, /* BACKLOG      sk_backlog.len (3.6+) */
	SKM_D,	/* DROPS        sk_drops (4.7+), a count */
	SKM_N
};

/* tcp_info fields sockmem keeps; see diag.c for offsets and sizes. */
enum ti {
	TI_RCV_SPACE,
	TI_RCV_SSTHRESH,
	TI_RCV_WND,
	TI_SND_WND,
	TI_NOTSENT_BYTES,
	TI_BYTES_RECEIVED,
	TI_BYTES_ACKED,
	TI_RTT,
	TI_RTTVAR,
	TI_RCV_MSS,
	TI_SND_MSS,
	TI_SND_WSCALE, /* window scale shifts, present only if TCPI_OPT_WSCALE */
	TI_RCV_WSCALE,
	TI_N
};

/* TCP states as the kernel numbers them (include/net/tcp_states.h), in
 * sock_rec.state and in the inet_diag state mask (bit 1 << state). glibc's
 * <netinet/tcp.h> lacks the last two and clashes with <linux/tcp.h>. */
enum sock_tcp_state {
	SOCK_TCP_ESTABLISHED = 1,
	SOCK_TCP_SYN_SENT,
	SOCK_TCP_SYN_RECV,
	SOCK_TCP_FIN_WAIT1,
	SOCK_TCP_FIN_WAIT2,
	SOCK_TCP_TIME_WAIT,
	SOCK_TCP_CLOSE,
	SOCK_TCP_CLOSE_WAIT,
	SOCK_TCP_LAST_ACK,
	SOCK_TCP_LISTEN,
	SOCK_TCP_CLOSING,
	SOCK_TCP_NEW_SYN_RECV,	 /* request socket (4.4+) */
	SOCK_TCP_BOUND_INACTIVE, /* bound, not listening (6.8+); dumps show CLOSE */
	SOCK_TCP_NSTATES
};

/* Transport protocol of a record. TCP is 0 so that a zeroed record (and a
 * snapshot written before UDP was collected) is TCP. */
enum sock_proto {
	SOCK_PROTO_TCP = 0,
	SOCK_PROTO_UDP = 1,
	SOCK_PROTO_N
};

/* "tcp" or "udp" (the JSON/TSV spelling); "?" if out of range. */
const char *sock_proto_name(unsigned proto);

/* ss-style flag bits for present optional parts of a record. */
#define SOCK_HAS_CGROUP 0x1u

struct sock_rec {
	uint64_t cookie;
	uint64_t cgroup_id;    /* valid iff flags & SOCK_HAS_CGROUP */
	uint64_t netns_ino;    /* namespace the dump ran in (0 = unknown) */
	uint64_t ti[TI_N];     /* tcp_info subset, valid per ti_mask */
	uint32_t skmem[SKM_N]; /* valid for indexes < skmem_n */
	uint32_t inode;
	uint32_t uid;
	uint32_t rqueue; /* idiag_rqueue (Recv-Q) */
	uint32_t wqueue; /* idiag_wqueue (Send-Q) */
	uint32_t ifindex;
	uint32_t own_first;    /* index into report owner links */
	uint32_t own_n;	       /* number of (pid, fd) holders */
	uint16_t ti_mask;      /* bit i set: ti[i] present */
	uint16_t sport, dport; /* host byte order */
	uint8_t saddr[16], daddr[16];
	uint8_t family;	 /* AF_INET or AF_INET6 */
	uint8_t state;	 /* enum sock_tcp_state */
	uint8_t skmem_n; /* 0 = no skmem (TIME-WAIT, SYN-RECV) */
	uint8_t flags;
	uint8_t protocol; /* enum sock_proto */
};

/*
 * Growable array of records with a cookie index for deduplication.
 *
 * A table may stream (sock_table_stream): every flush_at new records it
 * hands them to flush, which keeps what it still needs with
 * sock_table_retain; the rest are dropped, so memory stays bounded however
 * many sockets the dump returns. A dump sends a record twice only when it
 * resumed inside a hash bucket between two replies, so a streaming table
 * dedupes against the current and the previous batch (and the retained
 * records), not against every record ever added; or, with a window
 * (sock_table_dedup_window), against the last window to 2 x window records
 * and more, however small the batches.
 */
struct sock_table;
typedef int (*sock_flush_fn)(void *ctx, struct sock_table *t);
struct sock_table {
	struct sock_rec *v;
	size_t n, cap;
	struct idmap cookies; /* cookie -> record index (streaming: the current generation) */
	uint64_t dup_dropped; /* records dropped as duplicates (same cookie) */
	/* streaming (flush != NULL): */
	sock_flush_fn flush;
	void *flush_ctx;
	size_t flush_at;     /* new records that trigger a flush */
	size_t kept;	     /* v[0..kept) were retained by earlier flushes, v[kept..n) are new */
	struct idmap prev;   /* cookies of the previous batch (generation) */
	uint64_t flushed;    /* records handed to flush, each once */
	size_t window;	     /* records a generation of cookies holds at least (0: a batch) */
	size_t gen_n;	     /* records added in the current generation */
};

/* Makes t stream: flush(ctx, t) sees v[t->kept..t->n) once every batch new
 * records (and once more from sock_table_flush). */
void sock_table_stream(struct sock_table *t, sock_flush_fn flush, void *ctx, size_t batch);

/* Keeps the cookies of a streaming table's last `window` records at least
 * (up to twice that and a batch), whatever the batch size: records of
 * dumps received at once interleave, so one dump's repeat may come more
 * than a batch after its first copy. */
void sock_table_dedup_window(struct sock_table *t, size_t window);

/* Hands the records added since the last flush to a streaming table's
 * flush (no-op when there are none or t does not stream). Returns 0 or the
 * flush's error. */
int sock_table_flush(struct sock_table *t);

/* After a flush: keeps only records idx[0..n) (ascending indexes, each
 * below t->n), moved to the front in that order; the batch's cookies become
 * the previous batch's. Returns 0 or -ENOMEM (t unchanged). */
int sock_table_retain(struct sock_table *t, const uint32_t *idx, size_t n);

/* Frees the table's memory; the table is left empty and reusable. */
void sock_table_free(struct sock_table *t);

/* Appends a copy of rec unless a record with the same cookie exists (for a
 * streaming table: in this or the previous batch, or retained); then
 * flushes a full batch. Returns 1 if added, 0 if a duplicate, -ENOMEM on
 * allocation failure, or the flush's error. */
int sock_table_add(struct sock_table *t, const struct sock_rec *rec);

/* Bytes the kernel charges to tcp_mem for this socket: r + w + f (0 if no skmem). */
uint64_t sock_charged_bytes(const struct sock_rec *s);

/* Whether skmem index i is present in this record. */
static inline int sock_has_skm(const struct sock_rec *s, enum skm i)
{
	return (unsigned)i < s->skmem_n;
}

/* Whether uid is real: TIME-WAIT and request (NEW_SYN_RECV) minisockets
 * carry a placeholder 0 from the kernel, not an owner. */
static inline int sock_has_uid(const struct sock_rec *s)
{
	return s->state != SOCK_TCP_TIME_WAIT && s->state != SOCK_TCP_NEW_SYN_RECV;
}

/*
 * What kind of socket no process can hold a descriptor of, from what the
 * dump gives (state, inode, whether skmem came back):
 *  - SOCK_CAT_TIME_WAIT: a TIME-WAIT minisocket. Its state is TIME-WAIT, or
 *    the substate it entered time-wait from (FIN-WAIT-2 after an orphan's FIN
 *    was acked): an inode-0 record without skmem in any state but SYN-RECV;
 *  - SOCK_CAT_REQUEST: a request socket (NEW_SYN_RECV, or SYN-RECV without skmem);
 *  - SOCK_CAT_UNACCEPTED: a full socket with inode 0 in ESTABLISHED,
 *    SYN-RECV (Fast Open) or CLOSE-WAIT: a child in a listener's accept queue;
 *  - SOCK_CAT_ORPHAN: any other full socket with inode 0 (FIN-WAIT-1,
 *    FIN-WAIT-2, CLOSING, LAST-ACK...): closed by its process, still alive in
 *    the kernel, counted in sockstat "orphan";
 *  - SOCK_CAT_INODE: a socket with an inode, which a file may hold.
 */
enum sock_cat {
	SOCK_CAT_INODE,
	SOCK_CAT_TIME_WAIT,
	SOCK_CAT_REQUEST,
	SOCK_CAT_ORPHAN,
	SOCK_CAT_UNACCEPTED,
};

/* The category of s (see enum sock_cat). */
enum sock_cat sock_category(const struct sock_rec *s);

/* Whether tcp_info field i is present in this record. */
static inline int sock_has_ti(const struct sock_rec *s, enum ti i)
{
	return (s->ti_mask >> i) & 1u;
}

/* ss's spelling of a TCP state ("ESTAB", "TIME-WAIT", ...); "UNKNOWN" if out of range. */
const char *sock_state_name(unsigned state);

/* Buffer size that holds any endpoint sock_fmt_endpoint writes. */
#define SOCK_ENDPOINT_MAX 80

/* Formats "addr:port" the way `ss -n` does (IPv6 in brackets, port 0 as '*',
 * "%ifname" after the address when ifname is non-NULL).
 * Writes at most len bytes including NUL; returns the length written. */
size_t sock_fmt_endpoint(char *buf, size_t len, int family, const uint8_t *addr, uint16_t port,
			 const char *ifname);

/* Byte offset and size of each kept tcp_info field (enum ti order). Size 1
 * is a 4-bit half of the byte at off (the wscale bitfields), which counts
 * only when tcpi_options has TCPI_OPT_WSCALE. */
struct diag_ti_field {
	const char *name; /* JSON/TSV name, e.g. "rcv_space" */
	uint16_t off, size;
};

/* tcpi_options (byte 5 of struct tcp_info) and its window-scale bit. */
#define DIAG_TI_OPTIONS_OFF 5
#define DIAG_TI_OPT_WSCALE  4
extern const struct diag_ti_field diag_ti_fields[TI_N];

/* Dump statistics, for --stats and tests. */
struct diag_stats {
	uint64_t messages;   /* sock_diag replies parsed */
	uint64_t recv_calls; /* recvmsg() calls */
	uint64_t bytes;	     /* bytes received */
	uint64_t malformed;  /* replies diag_parse rejected (not counted as sockets) */
	uint64_t dumps;	     /* dumps requested (retries included) */
	uint64_t dumps_unthreaded; /* of them received on the caller's thread */
	uint64_t both_refused; /* namespaces whose kernel refused TCPDIAG_GETSOCK */
};

#endif
