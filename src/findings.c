// SPDX-License-Identifier: GPL-2.0-or-later
/* findings.c - rules over a report: tcp_mem, orphans, per-socket buffer states. */
#include "findings.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

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

static void ev(struct finding *f, const char *key, enum ev_kind kind, struct maybe v)
{
	if (f->nev < FIND_MAX_EV)
		f->ev[f->nev++] = (struct evidence){ key, kind, v };
}

static struct maybe mu(uint64_t v)
{
	return maybe_of((int64_t)v);
}

/* ---- per-socket rules share one collector shape ---- */

enum rule { R_RCVBUF_AT_MAX, R_RCV_OVER_BUDGET, R_SNDBUF_AT_MAX, R_UNREAD_BACKLOG, R_LOCKED, R_N };

struct collector {
	uint64_t sockets, r, w, charged;
	uint32_t top[FIND_TOP]; /* socket indexes by charged bytes, largest first */
	size_t ntop;
	struct off_proc *per_proc; /* nprocs entries */
	uint64_t no_proc_sockets;
};

static void collect(struct collector *c, const struct report *r, uint32_t si)
{
	const struct sock_rec *s = &r->socks.v[si];
	uint64_t ch = sock_charged_bytes(s);

	c->sockets++;
	c->r += s->skmem[SKM_R];
	c->w += s->skmem_n > SKM_W ? s->skmem[SKM_W] : 0;
	c->charged += ch;
	/* insertion into the small top list */
	size_t pos = c->ntop;

	while (pos > 0 && sock_charged_bytes(&r->socks.v[c->top[pos - 1]]) < ch)
		pos--;
	if (pos < FIND_TOP) {
		size_t end = c->ntop < FIND_TOP ? c->ntop : FIND_TOP - 1;

		memmove(&c->top[pos + 1], &c->top[pos], (end - pos) * sizeof(c->top[0]));
		c->top[pos] = si;
		if (c->ntop < FIND_TOP)
			c->ntop++;
	}
	if (!r->owners_scanned || s->own_n == 0) {
		c->no_proc_sockets++;
		return;
	}
	uint32_t last = UINT32_MAX;

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

static int is_conn_state(unsigned st)
{
	return st != SOCK_TCP_LISTEN && st != SOCK_TCP_TIME_WAIT && st != SOCK_TCP_NEW_SYN_RECV;
}

/* Which per-socket rules a socket meets; bit per enum rule. */
static unsigned sock_rules(const struct sock_rec *s, const struct sysctls *sc,
			   const struct find_opts *fo)
{
	unsigned m = 0;

	if (s->skmem_n <= SKM_W)
		return 0;
	uint64_t r = s->skmem[SKM_R], rb = s->skmem[SKM_RB], tb = s->skmem[SKM_TB];

	if (sc->tcp_rmem[2].has && rb >= (uint64_t)sc->tcp_rmem[2].v)
		m |= 1u << R_RCVBUF_AT_MAX;
	if (r > rb)
		m |= 1u << R_RCV_OVER_BUDGET;
	if (sc->tcp_wmem[2].has && tb >= (uint64_t)sc->tcp_wmem[2].v &&
	    sock_has_ti(s, TI_NOTSENT_BYTES) && s->ti[TI_NOTSENT_BYTES] >= fo->unsent_min)
		m |= 1u << R_SNDBUF_AT_MAX;
	if (is_conn_state(s->state) && s->rqueue >= fo->unread_min && r > 0 &&
	    sock_has_ti(s, TI_RCV_WND)) {
		uint64_t wnd = s->ti[TI_RCV_WND];
		int near_zero = fo->zero_window >= 0
				    ? wnd <= (uint64_t)fo->zero_window
				    : sock_has_ti(s, TI_RCV_MSS) && wnd < s->ti[TI_RCV_MSS];

		if (near_zero)
			m |= 1u << R_UNREAD_BACKLOG;
	}
	if (sc->tcp_rmem[1].has && sc->tcp_rmem[2].has && sc->tcp_wmem[1].has &&
	    sc->tcp_wmem[2].has && s->state != SOCK_TCP_TIME_WAIT &&
	    s->state != SOCK_TCP_NEW_SYN_RECV) {
		uint64_t tb_ = s->skmem[SKM_TB];

		if (rb < (uint64_t)sc->tcp_rmem[1].v || rb > (uint64_t)sc->tcp_rmem[2].v ||
		    tb_ < (uint64_t)sc->tcp_wmem[1].v || tb_ > (uint64_t)sc->tcp_wmem[2].v)
			m |= 1u << R_LOCKED;
	}
	return m;
}

static const struct {
	const char *id;
	enum sev sev;
	const char *what;
	const char *why;
} sock_rule_text[R_N] = {
	[R_RCVBUF_AT_MAX] = { "rcvbuf_at_max", SEV_INFO,
			      "have a receive budget (rb) at or above tcp_rmem max",
			      "Receive autotuning grows rb up to tcp_rmem[2] (or SO_RCVBUF set it "
			      "there); each such "
			      "socket may hold that much unread data, so many of them can drive "
			      "the host into "
			      "tcp_mem pressure. Look at why they fill (slow readers, large BDP) "
			      "before raising "
			      "tcp_rmem or tcp_mem." },
	[R_RCV_OVER_BUDGET] = { "rcv_over_budget", SEV_INFO,
				"hold more receive memory (r) than their budget (rb)",
				"r counts skb truesize, so overhead from small segments pushes it "
				"past rb. The next "
				"segment that arrives makes the kernel prune: it collapses the "
				"receive queue "
				"(TCPRcvCollapsed), drops out-of-order data (OfoPruned) and, "
				"failing that, drops the "
				"segment (RcvPruned). A full queue behind a zero window is usually "
				"unread_backlog." },
	[R_SNDBUF_AT_MAX] = { "sndbuf_at_max", SEV_INFO,
			      "have a send budget (tb) at tcp_wmem max with large unsent data",
			      "The application writes faster than the path drains; send autotuning "
			      "has reached "
			      "tcp_wmem[2], so writes now block or return EAGAIN. Unsent data is "
			      "charged to tcp_mem; "
			      "TCP_NOTSENT_LOWAT limits it without lowering throughput." },
	[R_UNREAD_BACKLOG] = { "unread_backlog", SEV_WARNING,
			       "hold unread receive data while advertising a zero or near-zero "
			       "window",
			       "The reading process is not reading: the data stays charged to "
			       "tcp_mem and the "
			       "peer is throttled by the closed window (TCPWantZeroWindowAdv). Fix "
			       "the reader; "
			       "bigger buffers only let it hold more." },
	[R_LOCKED] = { "locked_buffers", SEV_INFO,
		       "have rb or tb outside what autotuning produces (SO_RCVBUF/SO_SNDBUF)",
		       "A socket whose buffer was set with SO_RCVBUF/SO_SNDBUF is locked: the "
		       "kernel no "
		       "longer autotunes it and ignores later tcp_rmem/tcp_wmem changes. Values "
		       "set inside "
		       "the autotuning range cannot be told apart and are not counted." },
};

static int add(struct finding **v, size_t *n, size_t *cap, struct finding **out)
{
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 8;
		struct finding *nv = realloc(*v, c * sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		*v = nv;
		*cap = c;
	}
	*out = &(*v)[(*n)++];
	memset(*out, 0, sizeof(**out));
	return 0;
}

static const char tcp_mem_pressure_why[] =
    "Above tcp_mem[1] the kernel enters memory pressure: buffers stop growing, "
    "send buffers shrink and receive queues are collapsed. The flag is sticky: "
    "it is cleared only by the next allocation after usage falls below "
    "tcp_mem[0], so it can read yes after usage has dropped.";

#define ADD(fp)                                                                                    \
	do {                                                                                       \
		if (add(&v, &n, &cap, &(fp)) < 0)                                                  \
			goto nomem;                                                                \
	} while (0)

int findings_run(const struct report *r, const struct find_opts *fo, struct finding **out)
{
	const struct sysinfo *si = &r->sys;
	const struct sysctls *sc = &si->sysctl;
	struct maybe mem = si->sockstat.mem_pages;
	struct finding *v = NULL, *f;
	size_t n = 0, cap = 0;
	struct collector col[R_N];

	memset(col, 0, sizeof(col));
	for (int i = 0; i < R_N; i++) {
		col[i].per_proc = calloc(r->owners.nprocs + 1, sizeof(struct off_proc));
		if (!col[i].per_proc)
			goto nomem;
	}

	/* tcp_mem: the highest threshold crossed, or the sticky pressure flag. */
	bool press = si->proto.pressure.has && si->proto.pressure.v;

	if (!sc->tcp_mem[0].has) {
		ADD(f);
		f->id = "tcp_mem_unavailable";
		f->sev = SEV_INFO;
		snprintf(f->summary, sizeof(f->summary),
			 "net.ipv4.tcp_mem is not readable here (a container network namespace?): "
			 "the host's limits are unknown");
		f->explanation = "tcp_mem is host-global and only visible in the initial network "
				 "namespace; sockstat mem is host-wide. Run sockmem on the host to "
				 "compare usage with the limits.";
		ev(f, "mem_pages", EV_PAGES, mem);
		if (press) {
			/* the flag is global and readable everywhere: report it anyway */
			ADD(f);
			f->id = "tcp_mem_pressure";
			f->sev = SEV_WARNING;
			snprintf(
			    f->summary, sizeof(f->summary),
			    "the host's TCP memory pressure flag is set (TCP memory %lld pages; "
			    "tcp_mem unreadable here)",
			    (long long)mem.v);
			f->explanation = tcp_mem_pressure_why;
			ev(f, "mem_pages", EV_PAGES, mem);
			ev(f, "pressure", EV_BOOL, si->proto.pressure);
			ev(f, "TCPMemoryPressures", EV_COUNT, si->tcpext[TX_MEMORY_PRESSURES]);
			ev(f, "TCPMemoryPressuresChrono", EV_MS,
			   si->tcpext[TX_MEMORY_PRESSURES_CHRONO]);
		}
	} else if (mem.has && (mem.v > sc->tcp_mem[0].v || press)) {
		ADD(f);
		if (sc->tcp_mem[2].has && mem.v > sc->tcp_mem[2].v) {
			f->id = "tcp_mem_high";
			f->sev = SEV_CRITICAL;
			f->explanation =
			    "Above tcp_mem[2] the kernel refuses new socket memory: receivers drop "
			    "segments, senders are cut to their minimum, and sockets with queued "
			    "data "
			    "are reset with \"TCP: out of memory -- consider tuning tcp_mem\" "
			    "(TCPAbortOnMemory). Find the holders below before raising the limit.";
		} else if ((sc->tcp_mem[1].has && mem.v > sc->tcp_mem[1].v) ||
			   (si->proto.pressure.has && si->proto.pressure.v)) {
			f->id = "tcp_mem_pressure";
			f->sev = SEV_WARNING;
			f->explanation = tcp_mem_pressure_why;
		} else {
			f->id = "tcp_mem_low";
			f->sev = SEV_INFO;
			f->explanation =
			    "Above tcp_mem[0] the kernel does nothing yet; pressure starts "
			    "above tcp_mem[1]. Watch the trend and the holders.";
		}
		snprintf(
		    f->summary, sizeof(f->summary),
		    "TCP memory is %lld pages (%lld bytes): low %lld, pressure %lld, high %lld; "
		    "pressure flag %s",
		    (long long)mem.v, (long long)maybe_mul(mem, (int64_t)r->page_size).v,
		    (long long)sc->tcp_mem[0].v, (long long)sc->tcp_mem[1].v,
		    (long long)sc->tcp_mem[2].v,
		    !si->proto.pressure.has ? "unknown"
		    : si->proto.pressure.v  ? "yes"
					    : "no");
		ev(f, "mem_pages", EV_PAGES, mem);
		ev(f, "low_pages", EV_PAGES, sc->tcp_mem[0]);
		ev(f, "pressure_pages", EV_PAGES, sc->tcp_mem[1]);
		ev(f, "high_pages", EV_PAGES, sc->tcp_mem[2]);
		ev(f, "pressure", EV_BOOL, si->proto.pressure);
		ev(f, "TCPMemoryPressures", EV_COUNT, si->tcpext[TX_MEMORY_PRESSURES]);
		ev(f, "TCPMemoryPressuresChrono", EV_MS, si->tcpext[TX_MEMORY_PRESSURES_CHRONO]);
		ev(f, "TCPAbortOnMemory", EV_COUNT, si->tcpext[TX_ABORT_ON_MEMORY]);
	}

	/* orphans: the kernel fires at orphans << shift > tcp_max_orphans, shift 0..2. */
	struct maybe orph = si->sockstat.orphan, omax = sc->tcp_max_orphans;

	/* orphans << s > max, written as orphans > max >> s (no overflow) */
	if (orph.has && omax.has && orph.v > 0 && omax.v >= 0 && orph.v > omax.v / 4) {
		ADD(f);
		f->id = "orphans";
		f->sev = orph.v > omax.v ? SEV_CRITICAL : SEV_WARNING;
		int shift = orph.v > omax.v ? 0 : orph.v > omax.v / 2 ? 1 : 2;

		snprintf(
		    f->summary, sizeof(f->summary),
		    "%lld orphaned sockets against tcp_max_orphans %lld: the kernel's check fires "
		    "from shift %d (orphans << %d > max)",
		    (long long)orph.v, (long long)omax.v, shift, shift);
		f->explanation =
		    "tcp_too_many_orphans() compares orphans << shift with tcp_max_orphans; shift "
		    "is "
		    "0, plus 1 for an orphan idle past 2 x TCP_RTO_MAX or being aborted, plus 1 "
		    "more "
		    "with a soft error. When it fires the connection is reset (TCPAbortOnMemory) "
		    "and "
		    "\"TCP: too many orphaned sockets\" is logged, so it can fire at a quarter of "
		    "the "
		    "limit. Old kernels printed \"Out of socket memory\" for this and for tcp_mem "
		    "alike, which sent people to tune memory for an orphan problem.";
		ev(f, "orphans", EV_COUNT, orph);
		ev(f, "tcp_max_orphans", EV_COUNT, omax);
		ev(f, "fires_at_shift0", EV_COUNT, omax.v < INT64_MAX ? maybe_of(omax.v + 1) : maybe_none());
		ev(f, "fires_at_shift1", EV_COUNT, maybe_of(omax.v / 2 + 1));
		ev(f, "fires_at_shift2", EV_COUNT, maybe_of(omax.v / 4 + 1));
		ev(f, "TCPAbortOnMemory", EV_COUNT, si->tcpext[TX_ABORT_ON_MEMORY]);
	}

	/* per-socket rules, one pass */
	for (size_t i = 0; i < r->socks.n; i++) {
		unsigned m =
		    sock_rules(&r->socks.v[i], report_sysctls(r, r->socks.v[i].netns_ino), fo);

		for (int k = 0; k < R_N; k++)
			if (m & (1u << k))
				collect(&col[k], r, (uint32_t)i);
	}
	for (int k = 0; k < R_N; k++) {
		const struct collector *c = &col[k];

		if (!c->sockets)
			continue;
		ADD(f);
		f->id = sock_rule_text[k].id;
		f->sev = sock_rule_text[k].sev;
		f->explanation = sock_rule_text[k].why;
		snprintf(f->summary, sizeof(f->summary),
			 "%llu sockets %s; they hold %llu bytes (r %llu)",
			 (unsigned long long)c->sockets, sock_rule_text[k].what,
			 (unsigned long long)c->charged, (unsigned long long)c->r);
		ev(f, "sockets", EV_COUNT, mu(c->sockets));
		ev(f, "charged_bytes", EV_BYTES, mu(c->charged));
		ev(f, "r", EV_BYTES, mu(c->r));
		ev(f, "w", EV_BYTES, mu(c->w));
		ev(f, "sockets_without_process", EV_COUNT, mu(c->no_proc_sockets));
		/* thresholds of the namespace the worst offender lives in */
		const struct sysctls *nsc = report_sysctls(r, r->socks.v[c->top[0]].netns_ino);

		switch (k) {
		case R_RCVBUF_AT_MAX: ev(f, "tcp_rmem_max", EV_BYTES, nsc->tcp_rmem[2]); break;
		case R_SNDBUF_AT_MAX:
			ev(f, "tcp_wmem_max", EV_BYTES, nsc->tcp_wmem[2]);
			ev(f, "unsent_min", EV_BYTES, mu(fo->unsent_min));
			break;
		case R_UNREAD_BACKLOG:
			ev(f, "unread_min", EV_BYTES, mu(fo->unread_min));
			ev(f, "zero_window", EV_BYTES,
			   fo->zero_window >= 0 ? maybe_of(fo->zero_window) : maybe_none());
			break;
		case R_LOCKED:
			ev(f, "tcp_rmem_default", EV_BYTES, nsc->tcp_rmem[1]);
			ev(f, "tcp_rmem_max", EV_BYTES, nsc->tcp_rmem[2]);
			ev(f, "tcp_wmem_default", EV_BYTES, nsc->tcp_wmem[1]);
			ev(f, "tcp_wmem_max", EV_BYTES, nsc->tcp_wmem[2]);
			break;
		default: break;
		}
		fill_offenders(f, c, r->owners.nprocs);
	}

	/* drops and collapses since boot */
	static const enum tcpext drops[] = {
		TX_PRUNE_CALLED, TX_RCV_PRUNED,	     TX_OFO_PRUNED,	      TX_RCV_COLLAPSED,
		TX_RCVQ_DROP,	 TX_ABORT_ON_MEMORY, TX_WANT_ZERO_WINDOW_ADV, TX_ZERO_WINDOW_DROP,
	};
	int nonzero = 0;

	for (size_t i = 0; i < sizeof(drops) / sizeof(drops[0]); i++)
		nonzero += si->tcpext[drops[i]].has && si->tcpext[drops[i]].v > 0;
	if (nonzero) {
		ADD(f);
		f->id = "drops_and_collapse";
		f->sev = SEV_INFO;
		snprintf(f->summary, sizeof(f->summary),
			 "%d of the kernel's receive-pressure counters are non-zero since boot",
			 nonzero);
		f->explanation =
		    "PruneCalled: a receive queue went over budget and was pruned; RcvPruned: "
		    "pruning failed and segments were dropped; OfoPruned: out-of-order data was "
		    "dropped to make room; TCPRcvCollapsed: skbs were copied together to save "
		    "memory; TCPRcvQDrop: data dropped because the receive queue was full; "
		    "TCPAbortOnMemory: connections reset for tcp_mem or orphan limits; "
		    "TCPWantZeroWindowAdv: a receiver had to advertise a zero window; "
		    "TCPZeroWindowDrop: data arrived for a zero window and was dropped. "
		    "These count since boot: compare two runs to see if they still grow.";
		for (size_t i = 0; i < sizeof(drops) / sizeof(drops[0]); i++)
			ev(f, procfs_tcpext_names[drops[i]], EV_COUNT, si->tcpext[drops[i]]);
	}

	/* reconciliation, only over a complete (unfiltered) dump */
	if (!r->partial && r->rec.within.has && !r->rec.within.v) {
		ADD(f);
		f->id = "reconcile_gap";
		f->sev = SEV_WARNING;
		snprintf(
		    f->summary, sizeof(f->summary),
		    "sockstat counts %lld pages, the dumped sockets %llu: a gap of %+lld pages, "
		    "beyond the per-CPU tolerance of %lld",
		    (long long)r->rec.sockstat_pages.v, (unsigned long long)r->rec.sockets_pages,
		    (long long)r->rec.gap_pages.v, (long long)r->rec.tolerance_pages.v);
		f->explanation =
		    "sockstat's mem is host-wide; the dump sees one network namespace. A positive "
		    "gap is memory charged to sockets the dump cannot see: sockets in other "
		    "network namespaces (use --all-netns), or sockets reset while their fd stays "
		    "open (unhashed, charged, invisible to sock_diag). A negative gap means memory "
		    "outside tcp_mem accounting or a dump racing heavy traffic.";
		ev(f, "sockets_pages", EV_PAGES, mu(r->rec.sockets_pages));
		ev(f, "sockstat_pages", EV_PAGES, r->rec.sockstat_pages);
		ev(f, "gap_pages", EV_PAGES, r->rec.gap_pages);
		ev(f, "tolerance_pages", EV_PAGES, r->rec.tolerance_pages);
	}

	for (int i = 0; i < R_N; i++)
		free(col[i].per_proc);
	*out = v;
	return (int)n;
nomem:
	for (int i = 0; i < R_N; i++)
		free(col[i].per_proc);
	free(v);
	return -ENOMEM;
}
