// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * findings.c - rules over a view: the rules table, the per-socket rules'
 * collectors (folded batch by batch) and running the table. The host-wide
 * rules' functions are in findings_host.c, the per-socket predicates in
 * findings_sock.c.
 *
 * Each finding comes from one row of rules[] below: its id, severity and
 * explanation are data; a host-wide rule has a match and a fill function (the
 * summary line and evidence), a per-socket rule a predicate over one socket,
 * the phrase its summary uses and the thresholds it adds as evidence. Rows
 * run in table order, which is the order of the findings.
 */
#include "model/findings.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/findings_host.h"
#include "model/findings_sock.h"
#include "model/view.h"

const char *findings_sev_name(enum sev s)
{
	return s == SEV_CRITICAL ? "critical" : s == SEV_WARNING ? "warning" : "info";
}

int findings_worst(const struct finding *f, size_t n)
{
	int w = -1;

	for (size_t i = 0; i < n; i++)
		if ((int)f[i].sev > w)
			w = (int)f[i].sev;
	return w;
}

/* ---- the rules ---- */

struct rule {
	const char *id; /* stable; rows may share one: the first that fires wins */
	enum sev sev;
	/* host-wide: whether it fires; its summary and evidence */
	bool (*match)(const struct view *v);
	void (*fill)(struct finding *f, const struct view *v);
	/* per-socket: whether one socket offends (sc: its namespace's sysctls);
	 * the summary's "N sockets <what>"; thresholds added to the evidence */
	bool (*sock_match)(const struct sock_rec *s, const struct sysctls *sc,
			   const struct find_opts *fo);
	const char *what;
	void (*thresholds)(struct finding *f, const struct sysctls *nsc,
			   const struct find_opts *fo);
	bool ev_unread; /* per-socket: add the offenders' unread payload (recv_q) */
	bool udp;	/* per-socket: judges UDP sockets (every other rule: TCP ones) */
	bool by_drops;	/* per-socket: offenders ranked by d, not by charged bytes */
	const char *explanation; /* what the kernel does in this state */
};

/* clang-format off */
/* Explanations two rows share. */
static const char tcp_mem_pressure_why[] = "Above tcp_mem[1] __sk_mem_raise_allocated() calls tcp_enter_memory_pressure() (TCPMemoryPressures): buffers and windows stop growing (tcp_clamp_window(), tcp_grow_window() and tcp_should_expand_sndbuf() check the flag), and new memory is granted only to a socket below its tcp_rmem[0]/tcp_wmem[0] minimum or within its fair share of tcp_mem[2]. The flag is sticky: it is cleared only by the next allocation or free after usage falls below tcp_mem[0], so it can read yes after usage has dropped.";
static const char growing_why[] = "The receiver is not reading and its peer sends small segments: each one costs its skb truesize in r, many times its payload (compare r with recv_q). When r reaches rb, tcp_try_rmem_schedule() calls tcp_prune_queue() (PruneCalled), and below tcp_rmem[2] tcp_clamp_window() raises rb to r instead of collapsing the queue (TCPRcvCollapsed and RcvPruned stay still). The window stays open: tcp_select_window() never shrinks a window it has offered (TCPWantZeroWindowAdv counts the times it wanted to) and rounds what is left up to a multiple of 2^rcv_wscale, so segments smaller than that never close it, and rb climbs to tcp_rmem[2]; only there does the kernel collapse and drop. Fix the reader. On 6.5+, net.ipv4.tcp_shrink_window=1 (per network namespace; its value is in the evidence, absent on older kernels) lets tcp_select_window() shrink the window instead, which keeps rb near tcp_rmem[1]. A bigger tcp_rmem only lets every such socket hold more.";
static const char orphans_why[] = "tcp_too_many_orphans() compares orphans << shift with tcp_max_orphans; shift is 0, plus 1 for an orphan idle past 2 x TCP_RTO_MAX or being aborted, plus 1 more with a soft error. When it fires the connection is reset (TCPAbortOnMemory) and \"TCP: too many orphaned sockets\" is logged, so it can fire at a quarter of the limit. Old kernels printed \"Out of socket memory\" for this and for tcp_mem alike, which sent people to tune memory for an orphan problem.";

static const struct rule rules[] = {
	{
		.id = "tcp_mem_unavailable", .sev = SEV_INFO,
		.match = fh_mem_unreadable, .fill = fh_fill_mem_unreadable,
		.explanation = "tcp_mem is host-global and only visible in the initial network namespace; sockstat mem is host-wide. Run sockmem on the host to compare usage with the limits.",
	},
	{
		.id = "tcp_mem_pressure", .sev = SEV_WARNING,
		.match = fh_mem_unreadable_pressure, .fill = fh_fill_mem_unreadable_pressure,
		.explanation = tcp_mem_pressure_why,
	},
	{
		.id = "tcp_mem_high", .sev = SEV_CRITICAL,
		.match = fh_mem_high, .fill = fh_fill_mem_usage,
		.explanation = "Above tcp_mem[2] __sk_mem_raise_allocated() refuses new socket memory: receivers drop segments (TCPRcvQDrop, RcvPruned), a sender's buffer is cut (sk_stream_moderate_sndbuf()), and tcp_out_of_resources() resets sockets with queued data from their retransmit and probe timers (tcp_out_of_memory(): \"TCP: out of memory -- consider tuning tcp_mem\", TCPAbortOnMemory). Find the holders below before raising the limit.",
	},
	{
		.id = "tcp_mem_pressure", .sev = SEV_WARNING,
		.match = fh_mem_pressure, .fill = fh_fill_mem_usage,
		.explanation = tcp_mem_pressure_why,
	},
	{
		.id = "tcp_mem_low", .sev = SEV_INFO,
		.match = fh_mem_low, .fill = fh_fill_mem_usage,
		.explanation = "Above tcp_mem[0] the only change is that tcp_clamp_window() no longer raises a receive buffer that its queue has outgrown; pressure starts above tcp_mem[1] (__sk_mem_raise_allocated()). Watch the trend and the holders.",
	},
	{
		.id = "orphans", .sev = SEV_CRITICAL,
		.match = fh_orphans_over_limit, .fill = fh_fill_orphans,
		.explanation = orphans_why,
	},
	{
		.id = "orphans", .sev = SEV_WARNING,
		.match = fh_orphans_near_limit, .fill = fh_fill_orphans,
		.explanation = orphans_why,
	},
	{
		.id = "growing_rcvbuf", .sev = SEV_WARNING,
		.sock_match = fs_growing_rcvbuf, .thresholds = fs_ev_growing, .ev_unread = true,
		.what = "hold unread small segments whose truesize has raised rb above tcp_rmem default",
		.explanation = growing_why,
	},
	{
		.id = "growing_rcvbuf", .sev = SEV_INFO,
		.sock_match = fs_growing_rcvbuf_fixed, .thresholds = fs_ev_growing, .ev_unread = true,
		.what = "hold unread small segments, with tcp_shrink_window=1 in effect",
		.explanation = "tcp_shrink_window is 1 in this network namespace and these sockets have a window scale, so tcp_select_window() shrinks the window as r fills rb instead of keeping it open: the fix for a growing receive buffer is on, rb stays near tcp_rmem[1] (tcp_clamp_window() is not reached while the sender is held by the closed window) and the peer waits on a zero window (see unread_backlog, TCPToZeroWindowAdv). What remains is the reader that does not read.",
	},
	{
		.id = "rcvbuf_at_max", .sev = SEV_INFO,
		.sock_match = fs_rcvbuf_at_max, .thresholds = fs_ev_rmem_max,
		.what = "have a receive budget (rb) at or above tcp_rmem max",
		.explanation = "Receive autotuning (tcp_rcv_space_adjust(); tcp_clamp_window() for a queue that outgrew rb) grows rb up to tcp_rmem[2] (or SO_RCVBUF set it there); each such socket may hold that much unread data, so many of them can drive the host into tcp_mem pressure. Look at why they fill (slow readers, large BDP) before raising tcp_rmem or tcp_mem.",
	},
	{
		.id = "rcv_over_budget", .sev = SEV_INFO,
		.sock_match = fs_rcv_over_budget,
		.what = "hold more receive memory (r) than their budget (rb)",
		.explanation = "r counts skb truesize, so overhead from small segments pushes it past rb. When the next segment arrives, tcp_try_rmem_schedule() calls tcp_prune_queue() (PruneCalled). Below tcp_rmem[2], with the buffer not locked by SO_RCVBUF and TCP memory below tcp_mem[0] and not under pressure, tcp_clamp_window() raises rb to r and the segment is queued: the buffer grows (see growing_rcvbuf). Otherwise the queue is collapsed (tcp_collapse(), TCPRcvCollapsed), out-of-order data is dropped (OfoPruned) and, failing that, the segment is dropped (RcvPruned). A full queue behind a zero window is usually unread_backlog.",
	},
	{
		.id = "sndbuf_at_max", .sev = SEV_INFO,
		.sock_match = fs_sndbuf_at_max, .thresholds = fs_ev_wmem_max_unsent,
		.what = "have a send budget (tb) at tcp_wmem max with large unsent data",
		.explanation = "The application writes faster than the path drains; send autotuning (tcp_sndbuf_expand()) has reached tcp_wmem[2], so writes now block or return EAGAIN (sk_stream_memory_free()). Unsent data is charged to tcp_mem; TCP_NOTSENT_LOWAT limits it without lowering throughput.",
	},
	{
		.id = "unread_backlog", .sev = SEV_WARNING,
		.sock_match = fs_unread_backlog, .thresholds = fs_ev_unread_opts,
		.what = "hold unread receive data while advertising a zero or near-zero window",
		.explanation = "The reading process is not reading: the data stays charged to tcp_mem, and the window tcp_select_window() advertises has closed to less than a segment, so the peer stops sending and probes (zero windows sent count in TCPToZeroWindowAdv). Fix the reader; bigger buffers only let it hold more.",
	},
	{
		.id = "locked_buffers", .sev = SEV_INFO,
		.sock_match = fs_locked_buffers, .thresholds = fs_ev_wscale_floor,
		.what = "have a receive buffer fixed with SO_RCVBUF before their handshake (rcv_wscale below the floor)",
		.explanation = "SO_RCVBUF sets SOCK_RCVBUF_LOCK: the kernel no longer autotunes rb (tcp_rcv_space_adjust() and tcp_clamp_window() skip locked sockets) and later tcp_rmem changes do not apply. inet_diag does not report the lock; it shows in the window scale: tcp_select_initial_window() sizes rcv_wscale for max(tcp_rmem[2], rmem_max), so never below rcv_wscale_floor, unless the window was capped at the handshake, which SO_RCVBUF on the socket or its listener does. A lock set after the handshake, and SO_SNDBUF, cannot be seen (outside_autotuning lists what lies outside the range). TCP_WINDOW_CLAMP, a route's window, or rmem_max raised since the connection was made look the same.",
	},
	{
		.id = "outside_autotuning", .sev = SEV_INFO,
		.sock_match = fs_outside_autotuning, .thresholds = fs_ev_autotuning_range,
		.what = "have rb or tb outside the current autotuning range (SO_RCVBUF/SO_SNDBUF, or created before a tcp_rmem/tcp_wmem change)",
		.explanation = "Autotuning keeps rb and tb between the default and the max of tcp_rmem/tcp_wmem as they were when the socket was created: it starts at the default (tcp_init_sock()) and grows toward the max (tcp_rcv_space_adjust(), tcp_clamp_window(), tcp_sndbuf_expand()); a later tcp_rmem/tcp_wmem change does not move existing sockets. A value outside the current range therefore comes from SO_RCVBUF/SO_SNDBUF, from a socket older than a tuning change, or (tb) from sk_stream_moderate_sndbuf() under memory pressure; inet_diag does not say which. Sockets whose SO_RCVBUF lock is known are under locked_buffers; values set inside the range cannot be told apart.",
	},
	{
		.id = "drops_and_collapse", .sev = SEV_INFO,
		.match = fh_drops_seen, .fill = fh_fill_drops,
		.explanation = "PruneCalled: tcp_prune_queue() ran for a receive queue over budget (below tcp_rmem[2] tcp_clamp_window() may just raise rb); RcvPruned: pruning failed and segments were dropped; OfoPruned: out-of-order data was dropped to make room (tcp_prune_ofo_queue()); TCPRcvCollapsed: skbs were copied together to save memory (tcp_collapse()); TCPRcvQDrop: a segment dropped because tcp_try_rmem_schedule() could not make room (the next ACK then advertises a zero window); TCPAbortOnMemory: connections reset by tcp_out_of_resources() for tcp_mem or orphan limits; TCPWantZeroWindowAdv: tcp_select_window() computed a zero window but kept the window already offered, because it does not shrink one (tcp_shrink_window=0, or no window scale): not a zero window sent, which TCPToZeroWindowAdv counts; TCPZeroWindowDrop: data arrived for a zero window and was dropped (tcp_data_queue()). These count since boot: compare two runs to see if they still grow.",
	},
	{
		.id = "udp_mem_high", .sev = SEV_CRITICAL,
		.match = fh_udp_mem_high, .fill = fh_fill_udp_mem,
		.explanation = "UDP sockets (IPv4 and IPv6 share udp_memory_allocated) are charged when a datagram is queued (__udp_enqueue_schedule_skb() -> __sk_mem_raise_allocated()). Above udp_mem[2] that charge fails for every socket: each arriving datagram is dropped and counted in MemErrors and InErrors (not RcvbufErrors). Find the sockets holding unread datagrams below before raising udp_mem.",
	},
	{
		.id = "udp_mem_pressure", .sev = SEV_WARNING,
		.match = fh_udp_mem_pressure, .fill = fh_fill_udp_mem,
		.explanation = "Above udp_mem[1], __sk_mem_raise_allocated() grants a UDP socket new memory only while it is below udp_rmem_min or within its share of udp_mem[2]; datagrams for the others are dropped (MemErrors). UDP has no sticky pressure flag (its /proc/net/protocols press column reads NI): the comparison is with sockstat UDP mem, which lags the per-CPU reserves.",
	},
	{
		.id = "udp_rcvbuf_capped", .sev = SEV_WARNING,
		.sock_match = fh_udp_rcvbuf_capped, .thresholds = fh_ev_rmem_max_core, .udp = true,
		.what = "asked for a receive buffer above net.core.rmem_max: rb is capped at 2 x rmem_max",
		.explanation = "SO_RCVBUF doubles the value asked for and caps it at net.core.rmem_max (sk_setsockopt()), so rb = 2 x rmem_max means the application asked for more than the host allows; QUIC servers (quic-go, Caddy, Traefik) then warn that they \"failed to sufficiently increase receive buffer size\". rmem_max is host-wide (read-only inside a child network namespace); SO_RCVBUFFORCE with CAP_NET_ADMIN bypasses it.",
	},
	{
		.id = "udp_drops", .sev = SEV_WARNING,
		.sock_match = fh_udp_dropping, .udp = true, .by_drops = true, .ev_unread = true,
		.what = "dropped datagrams (d > 0)",
		.explanation = "d counts datagrams the socket dropped since it was created. A queue whose r reached rb refuses the next datagram (__udp_enqueue_schedule_skb(): RcvbufErrors and InErrors): the reader is too slow or rb too small. When UDP memory is above udp_mem the charge itself fails (MemErrors). RcvbufErrors and MemErrors are per network namespace, since boot or its creation: they tie the drops to the limit, d ties them to the socket.",
	},
	{
		.id = "reconcile_gap", .sev = SEV_WARNING,
		.match = fh_reconcile_gap, .fill = fh_fill_reconcile,
		.explanation = "sockstat's mem is host-wide (tcp_memory_allocated, read by sockstat_seq_show) and the dump covered every network namespace sockmem found, or it found no other. A positive gap is memory charged to sockets the dump cannot see: sockets reset while their fd stays open (unhashed, charged, invisible to sock_diag), or network namespaces no process and no /run/netns name holds. A negative gap means memory outside tcp_mem accounting or a dump racing heavy traffic.",
	},
	{
		.id = "reconcile_other_netns", .sev = SEV_INFO,
		.match = fh_gap_other_netns, .fill = fh_fill_other_netns,
		.explanation = "sockstat's mem is host-wide (tcp_memory_allocated, read by sockstat_seq_show) while a sock_diag dump sees one network namespace, so the gap can be the memory of the namespaces that were not dumped and is no fault. As root in the host's initial network namespace sockmem dumps every namespace by default; --this-netns, -N, a container or a user without CAP_SYS_ADMIN limit it to one.",
	},
};
/* clang-format on */

#define NRULES (sizeof(rules) / sizeof(rules[0]))

/* ---- offenders of a per-socket rule ---- */

struct collector {
	uint64_t sockets, r, w, charged;
	uint64_t rq; /* unread payload (Recv-Q) */
	uint64_t drops, full; /* d, and sockets with r >= rb */
	bool by_drops;	      /* top ranked by d */
	uint32_t top[FIND_TOP]; /* socket indexes by charged bytes, largest first */
	size_t ntop;
	struct off_proc *per_proc; /* nprocs entries */
	uint64_t orphaned, unaccepted; /* inode 0: no process can hold them */
	uint64_t no_descriptor;	       /* an inode, but no descriptor the walk saw */
};

/* What a collector ranks its top sockets by. */
static uint64_t rank_of(const struct collector *c, const struct sock_rec *s)
{
	return c->by_drops ? s->skmem[SKM_D] : sock_charged_bytes(s);
}

/* Whether socket a ranks above socket b: a larger rank, or an equal one
 * and a smaller cookie, so that the top list does not depend on the order
 * the sockets came in (dumps run at once interleave). */
static bool ranks_above(const struct collector *c, const struct sock_rec *a, uint64_t ra,
			const struct sock_rec *b)
{
	uint64_t rb = rank_of(c, b);

	return ra > rb || (ra == rb && a->cookie < b->cookie);
}

/* Inserts socket si into the small top list, kept largest first. */
static void top_insert(struct collector *c, const struct snapshot *r, uint32_t si, uint64_t ch)
{
	size_t pos = c->ntop;
	const struct sock_rec *s = &r->socks.v[si];

	while (pos > 0 && ranks_above(c, s, ch, &r->socks.v[c->top[pos - 1]]))
		pos--;
	if (pos >= FIND_TOP)
		return;
	size_t end = c->ntop < FIND_TOP ? c->ntop : FIND_TOP - 1;

	memmove(&c->top[pos + 1], &c->top[pos], (end - pos) * sizeof(c->top[0]));
	c->top[pos] = si;
	if (c->ntop < FIND_TOP)
		c->ntop++;
}

static void collect(struct collector *c, const struct snapshot *r, uint32_t si)
{
	const struct sock_rec *s = &r->socks.v[si];
	uint64_t ch = sock_charged_bytes(s);
	uint32_t last = UINT32_MAX;

	c->sockets++;
	c->r += s->skmem[SKM_R];
	c->rq += s->rqueue;
	c->w += s->skmem[SKM_W];
	c->charged += ch;
	c->drops += sock_has_skm(s, SKM_D) ? s->skmem[SKM_D] : 0;
	/* full: r within 1/8 of rb, where the next datagram's truesize does not fit */
	c->full += s->skmem[SKM_R] >= s->skmem[SKM_RB] - s->skmem[SKM_RB] / 8;
	top_insert(c, r, si, rank_of(c, s));
	switch (sock_category(s)) {
	case SOCK_CAT_ORPHAN: c->orphaned++; return;
	case SOCK_CAT_UNACCEPTED: c->unaccepted++; return;
	case SOCK_CAT_INODE: break;
	default: return; /* minisockets: no buffers, never judged */
	}
	if (!r->owners_scanned)
		return;
	if (s->own_n == 0) {
		c->no_descriptor++;
		return;
	}
	/* links are sorted by process: count each holder once */
	for (uint32_t k = 0; k < s->own_n; k++) {
		uint32_t p = r->owners.links[s->own_first + k].proc;

		if (p == last)
			continue;
		last = p;
		c->per_proc[p].proc = p;
		c->per_proc[p].sockets++;
		c->per_proc[p].charged_bytes += ch;
	}
}

/* One pass over the kept sockets among indexes from..to feeds every
 * per-socket rule's collector. */
static void collect_sockets(struct collector *col, const struct view *v, const struct find_opts *fo,
			    size_t from, size_t to)
{
	const struct snapshot *r = v->snap;

	for (size_t i = from; i < to; i++) {
		const struct sock_rec *s = &r->socks.v[i];

		/* without w, a record has no buffers to judge */
		if (!view_keeps(v, i) || s->skmem_n <= SKM_W)
			continue;
		const struct sysctls *sc = snapshot_sysctls(r, s->netns_ino);

		for (size_t k = 0; k < NRULES; k++)
			if (rules[k].sock_match && rules[k].udp == (s->protocol == SOCK_PROTO_UDP) &&
			    rules[k].sock_match(s, sc, fo))
				collect(&col[k], r, (uint32_t)i);
	}
}

/* Copies the collector's top sockets and top processes into the finding. */
static void fill_offenders(struct finding *f, const struct collector *c, size_t nprocs)
{
	memcpy(f->socks, c->top, c->ntop * sizeof(c->top[0]));
	f->nsocks = c->ntop;
	for (size_t p = 0; p < nprocs; p++) {
		const struct off_proc *o = &c->per_proc[p];

		if (!o->sockets)
			continue;
		size_t pos = f->nprocs;

		while (pos > 0 && f->procs[pos - 1].charged_bytes < o->charged_bytes)
			pos--;
		if (pos >= FIND_TOP)
			continue;
		size_t end = f->nprocs < FIND_TOP ? f->nprocs : FIND_TOP - 1;

		memmove(&f->procs[pos + 1], &f->procs[pos], (end - pos) * sizeof(f->procs[0]));
		f->procs[pos] = *o;
		if (f->nprocs < FIND_TOP)
			f->nprocs++;
	}
}

/* Summary, evidence and offenders of a per-socket rule that fired. */
static void fill_sock_finding(struct finding *f, const struct rule *rl, const struct collector *c,
			      const struct view *v, const struct find_opts *fo)
{
	const struct snapshot *r = v->snap;

	snprintf(f->summary, sizeof(f->summary), "%llu sockets %s; they hold %llu bytes (r %llu)",
		 (unsigned long long)c->sockets, rl->what, (unsigned long long)c->charged,
		 (unsigned long long)c->r);
	ev(f, "sockets", EV_COUNT, mu(c->sockets));
	ev(f, "charged_bytes", EV_BYTES, mu(c->charged));
	ev(f, "r", EV_BYTES, mu(c->r));
	if (rl->ev_unread)
		ev(f, "recv_q", EV_BYTES, mu(c->rq));
	ev(f, "w", EV_BYTES, mu(c->w));
	ev(f, "sockets_orphaned", EV_COUNT, mu(c->orphaned));
	ev(f, "sockets_unaccepted", EV_COUNT, mu(c->unaccepted));
	/* unknown without the owner walk (--no-owners) */
	ev(f, "sockets_no_descriptor", EV_COUNT,
	   r->owners_scanned ? mu(c->no_descriptor) : maybe_none());
	if (rl->thresholds)
		rl->thresholds(f, snapshot_sysctls(r, r->socks.v[c->top[0]].netns_ino), fo);
	fill_offenders(f, c, r->owners.nprocs);
	if (rl->by_drops)
		fh_udp_drops_extra(f, r, c->drops, c->full);
}

/* ---- running the table ---- */

/* A growing array of findings. */
struct flist {
	struct finding *v;
	size_t n, cap;
};

/* A new zeroed finding at the end of l, or NULL when out of memory. */
static struct finding *flist_add(struct flist *l)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 8;
		struct finding *v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return NULL;
		l->v = v;
		l->cap = cap;
	}
	memset(&l->v[l->n], 0, sizeof(l->v[0]));
	return &l->v[l->n++];
}

/* Whether a finding with this id is already in l. */
static bool flist_has(const struct flist *l, const char *id)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i].id, id) == 0)
			return true;
	return false;
}

/* Adds rule rl's finding to l if it fires and no earlier row with its id
 * did (an id appears at most once). Returns 0 or -ENOMEM. */
static int run_rule(const struct rule *rl, const struct collector *c, const struct view *v,
		    const struct find_opts *fo, struct flist *l)
{
	struct finding *f;

	if (rl->sock_match ? c->sockets == 0 : !rl->match(v))
		return 0;
	if (flist_has(l, rl->id))
		return 0;
	f = flist_add(l);
	if (!f)
		return -ENOMEM;
	f->id = rl->id;
	f->sev = rl->sev;
	f->explanation = rl->explanation;
	if (rl->sock_match)
		fill_sock_finding(f, rl, c, v, fo);
	else
		rl->fill(f, v);
	return 0;
}

struct find_acc {
	struct collector col[NRULES];
};

void findings_acc_free(struct find_acc *a)
{
	if (!a)
		return;
	for (size_t k = 0; k < NRULES; k++)
		free(a->col[k].per_proc);
	free(a);
}

int findings_begin(const struct view *v, struct find_acc **out)
{
	struct find_acc *a = calloc(1, sizeof(*a));
	int err = a ? 0 : -ENOMEM;

	for (size_t k = 0; k < NRULES && !err; k++)
		if (rules[k].sock_match) {
			a->col[k].per_proc =
			    calloc(v->snap->owners.nprocs + 1, sizeof(struct off_proc));
			a->col[k].by_drops = rules[k].by_drops;
			err = a->col[k].per_proc ? 0 : -ENOMEM;
		}
	if (err) {
		findings_acc_free(a);
		return err;
	}
	*out = a;
	return 0;
}

void findings_fold(struct find_acc *a, const struct view *v, const struct find_opts *fo,
		   size_t from, size_t to)
{
	collect_sockets(a->col, v, fo, from, to);
}

size_t findings_acc_max(void)
{
	return NRULES * FIND_TOP;
}

static int u32_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

size_t findings_acc_socks(const struct find_acc *a, uint32_t *idx)
{
	size_t n = 0, k = 0;

	for (size_t r = 0; r < NRULES; r++)
		for (size_t i = 0; i < a->col[r].ntop; i++)
			idx[n++] = a->col[r].top[i];
	if (n)
		qsort(idx, n, sizeof(*idx), u32_cmp);
	for (size_t i = 0; i < n; i++)
		if (k == 0 || idx[k - 1] != idx[i])
			idx[k++] = idx[i];
	return k;
}

void findings_acc_renumber(struct find_acc *a, const uint32_t *idx, size_t n)
{
	for (size_t r = 0; r < NRULES; r++)
		for (size_t i = 0; i < a->col[r].ntop; i++) {
			const uint32_t *p = bsearch(&a->col[r].top[i], idx, n, sizeof(*idx), u32_cmp);

			a->col[r].top[i] = p ? (uint32_t)(p - idx) : 0;
		}
}

int findings_end(struct find_acc *a, const struct view *v, const struct find_opts *fo,
		 struct finding **out)
{
	struct flist l = { 0 };
	int err = 0;

	for (size_t k = 0; k < NRULES && !err; k++)
		err = run_rule(&rules[k], &a->col[k], v, fo, &l);
	findings_acc_free(a);
	if (err) {
		free(l.v);
		return err;
	}
	*out = l.v;
	return (int)l.n;
}

int findings_run(const struct view *v, const struct find_opts *fo, struct finding **out)
{
	struct find_acc *a;
	int err = findings_begin(v, &a);

	if (err)
		return err;
	findings_fold(a, v, fo, 0, v->snap->socks.n);
	return findings_end(a, v, fo, out);
}

/* Whether rules[k] repeats the id and severity of an earlier row. */
static bool known_earlier(size_t k)
{
	for (size_t j = 0; j < k; j++)
		if (rules[j].sev == rules[k].sev && strcmp(rules[j].id, rules[k].id) == 0)
			return true;
	return false;
}

bool findings_known(size_t i, const char **id, enum sev *sev)
{
	for (size_t k = 0; k < NRULES; k++) {
		if (known_earlier(k))
			continue;
		if (i-- == 0) {
			*id = rules[k].id;
			*sev = rules[k].sev;
			return true;
		}
	}
	return false;
}
