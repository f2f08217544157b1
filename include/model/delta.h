/* SPDX-License-Identifier: GPL-2.0-or-later */
/* delta.h - pure comparison of two samples of one host and one boot (watch,
 * diff): counter deltas and rates, sysctl changes, pressure transitions,
 * groups matched by a stable key, sockets matched by cookie, findings that
 * appeared or cleared. Works on plain collected data and derived groups, so
 * it does not care whether a sample came live or from a snapshot. */
#ifndef SOCKMEM_MODEL_DELTA_H
#define SOCKMEM_MODEL_DELTA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/agg.h"
#include "model/findings.h"
#include "model/netns.h"
#include "model/owners.h"
#include "model/sock.h"
#include "model/sysinfo.h"
#include "util/maybe.h"

/* One sample as the comparison sees it (everything borrowed, nothing owned). */
struct delta_side {
	const struct sysinfo *sys;
	const struct netns_ent *netns; /* per-namespace sysctls; may be NULL */
	size_t nnetns;
	uint64_t page_size;
	const struct sock_table *socks;
	const unsigned char *keep; /* keep[i]: socket i is in the sample's view; NULL: every one */
	const struct owners *owners;
	bool owners_scanned;
	enum group_by by;
	const struct group *groups; /* derived for by, every group (not capped) */
	size_t ngroups;
	const struct finding *findings;
	size_t nfindings;
	int64_t t_ms; /* when it was collected, on the same clock for both sides */
	bool udp;     /* UDP sockets and values were collected (coverage) */
};

/* The stable identity of a group across samples. A process is its pid and
 * its start time: a pid reused by another process is another group. */
enum delta_gkind {
	DG_PROCESS, /* pid + start time */
	DG_ROW,	    /* a --by process row of sockets without a process (AGG_ rows) */
	DG_KEY	    /* the key of another --by */
};

struct delta_gkey {
	enum delta_gkind kind;
	int32_t pid;		/* DG_PROCESS */
	struct maybe start;	/* DG_PROCESS: start time in clock ticks after boot */
	uint64_t key;		/* DG_ROW: the AGG_ row; DG_KEY: the --by key value
				 * (AGG_NO_KEY: none) */
};

#define DELTA_NONE UINT32_MAX

/* A group of either sample (or both). Charged bytes are absent on the side
 * where the group does not exist; delta then counts it as 0 there (all its
 * sockets opened or closed). */
struct delta_group {
	struct delta_gkey key;
	uint32_t old_g, new_g; /* indexes into each side's groups, or DELTA_NONE */
	struct maybe before, after; /* charged bytes */
	int64_t charged_delta;
	uint64_t sockets;	 /* sockets after (0 when gone) */
	uint64_t opened, closed; /* sockets (by cookie) in one sample only */
};

/* A socket of either sample (or both), by index into each side's table. */
struct delta_sock {
	uint32_t old_i, new_i; /* DELTA_NONE where absent */
	int64_t charged_delta, rb_delta, tb_delta, r_delta; /* 0 unless in both */
	int64_t d_delta; /* drops (skmem d); 0 unless in both with d on each side */
};

/* A sysctl whose value differs. netns 0: a host-wide sysctl; otherwise the
 * namespace inode of a per-namespace one (tcp_rmem...). */
struct delta_sysctl {
	const char *name; /* "net.ipv4.tcp_rmem" */
	uint64_t netns;
	unsigned n; /* values: 1 or 3 */
	struct maybe old[3], new[3];
};

/* What delta_build lists besides counts (diff lists sockets; watch needs
 * only movers and counts). */
#define DELTA_CHANGED 1u /* sockets in both whose rb or tb changed (and, when the
			  * new sample collected UDP, whose d changed) */
#define DELTA_OPENED  2u /* sockets in the new sample only */

struct delta {
	int64_t ms;		/* new t_ms - old t_ms */
	struct maybe mem_pages; /* sockstat mem change */
	struct maybe tcpext[TX_N]; /* change; absent if absent on a side or went down */
	struct maybe pressure_old, pressure_new;
	/* both samples collected UDP: its sockstat changes (inuse, inuse6:
	 * per namespace; mem: host-wide pages) and Udp/Udp6 counter changes
	 * (absent if absent on a side or went down); all absent otherwise */
	bool has_udp;
	struct maybe udp_inuse, udp_inuse6, udp_mem_pages;
	struct maybe udp[UC_N], udp6[UC_N];
	struct delta_sysctl *sysctls;
	size_t nsysctls;
	struct delta_group *groups; /* the new groups in their order, then the gone ones */
	size_t ngroups;
	size_t ngroups_new; /* groups[0..ngroups_new) are the new side's, in order */
	struct delta_sock *movers; /* in both, charged or rb grew; largest first */
	size_t nmovers;
	struct delta_sock *changed; /* DELTA_CHANGED: in both, rb or tb differs */
	size_t nchanged;
	struct delta_sock *opened; /* DELTA_OPENED: new sample only, in its order */
	size_t nopened;
	uint64_t common, opened_total, closed_total;
	uint64_t rb_changed, tb_changed; /* sockets in both whose rb / tb differs */
	const char **appeared, **cleared; /* finding ids (static strings) */
	size_t nappeared, ncleared;
};

/*
 * Compares old with new (same host and boot: cookies and start times are
 * then unique). movers_max caps movers (0: every socket that grew); lists
 * is DELTA_CHANGED | DELTA_OPENED. Returns 0 or -ENOMEM (d then empty).
 * d owns its arrays (delta_free); indexes point into the two sides.
 */
int delta_build(const struct delta_side *old, const struct delta_side *new, size_t movers_max,
		unsigned lists, struct delta *d);

void delta_free(struct delta *d);

/* Per-second rate of a change over ms milliseconds: false when the change is
 * absent or ms <= 0. The rate is change / (ms / 1000.0), so a reader that
 * divides the printed change by the printed seconds gets the same double. */
bool delta_rate(struct maybe change, int64_t ms, double *per_s);

/* Sorts groups by |charged_delta| (largest first; ties by charged after,
 * then key), for diff. */
void delta_sort_abs(struct delta *d);

/* Whether a sock_rec's receive buffer is known to be locked by SO_RCVBUF
 * (findings_rcvbuf_locked: the window scale shows it). Absent when sc lacks
 * tcp_rmem/tcp_wmem, s has no buffers of its own or is not TCP (a UDP
 * socket's buffers are not tcp_rmem's). */
struct maybe delta_locked(const struct sock_rec *s, const struct sysctls *sc);

/* Whether its rb or tb lies outside [default, max] of the namespace's
 * tcp_rmem / tcp_wmem now without a known lock: SO_RCVBUF/SO_SNDBUF, or a
 * socket older than a tuning change (inet_diag cannot say which). */
struct maybe delta_outside(const struct sock_rec *s, const struct sysctls *sc);

/* The tcp_rmem/tcp_wmem that apply to namespace ino on side s (the
 * namespace's own values, else the sample's). */
const struct sysctls *delta_sysctls(const struct delta_side *s, uint64_t ino);

#endif
