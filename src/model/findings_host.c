// SPDX-License-Identifier: GPL-2.0-or-later
/* findings_host.c - the host-wide rules' matches and fills (tcp_mem, orphans,
 * counters since boot, udp_mem, reconciliation) and the UDP per-socket
 * rules' predicates and evidence; the rules table is in findings.c. */
#include "model/findings_host.h"

#include <stdio.h>
#include <string.h>

#include "model/findings_sock.h"

/* ---- tcp_mem: the highest threshold crossed, or the sticky pressure flag ---- */

enum mem_level { MEM_BELOW, MEM_UNREADABLE, MEM_LOW, MEM_PRESSURE, MEM_HIGH };

static bool pressure_flag(const struct sysinfo *si)
{
	return si->proto.pressure.has && si->proto.pressure.v;
}

static enum mem_level mem_level(const struct snapshot *r)
{
	const struct maybe *lim = r->sys.sysctl.tcp_mem;
	struct maybe mem = r->sys.sockstat.mem_pages;
	bool press = pressure_flag(&r->sys);

	if (!lim[0].has)
		return MEM_UNREADABLE;
	if (!mem.has || !(mem.v > lim[0].v || press))
		return MEM_BELOW;
	if (lim[2].has && mem.v > lim[2].v)
		return MEM_HIGH;
	if ((lim[1].has && mem.v > lim[1].v) || press)
		return MEM_PRESSURE;
	return MEM_LOW;
}

bool fh_mem_unreadable(const struct view *v)
{
	return mem_level(v->snap) == MEM_UNREADABLE;
}

/* The pressure flag is global and readable everywhere: reported anyway. */
bool fh_mem_unreadable_pressure(const struct view *v)
{
	return mem_level(v->snap) == MEM_UNREADABLE && pressure_flag(&v->snap->sys);
}

bool fh_mem_high(const struct view *v)
{
	return mem_level(v->snap) == MEM_HIGH;
}

bool fh_mem_pressure(const struct view *v)
{
	return mem_level(v->snap) == MEM_PRESSURE;
}

bool fh_mem_low(const struct view *v)
{
	return mem_level(v->snap) == MEM_LOW;
}

void fh_fill_mem_unreadable(struct finding *f, const struct view *v)
{
	const struct snapshot *r = v->snap;
	snprintf(f->summary, sizeof(f->summary),
		 "net.ipv4.tcp_mem is not readable here (a container network namespace?): "
		 "the host's limits are unknown");
	ev(f, "mem_pages", EV_PAGES, r->sys.sockstat.mem_pages);
}

void fh_fill_mem_unreadable_pressure(struct finding *f, const struct view *v)
{
	const struct snapshot *r = v->snap;
	const struct sysinfo *si = &r->sys;

	snprintf(f->summary, sizeof(f->summary),
		 "the host's TCP memory pressure flag is set (TCP memory %lld pages; "
		 "tcp_mem unreadable here)",
		 (long long)si->sockstat.mem_pages.v);
	ev(f, "mem_pages", EV_PAGES, si->sockstat.mem_pages);
	ev(f, "pressure", EV_BOOL, si->proto.pressure);
	ev(f, "TCPMemoryPressures", EV_COUNT, si->tcpext[TX_MEMORY_PRESSURES]);
	ev(f, "TCPMemoryPressuresChrono", EV_MS, si->tcpext[TX_MEMORY_PRESSURES_CHRONO]);
}

/* tcp_mem_low, _pressure and _high share one summary and evidence. */
void fh_fill_mem_usage(struct finding *f, const struct view *v)
{
	const struct snapshot *r = v->snap;
	const struct sysinfo *si = &r->sys;
	const struct maybe *lim = si->sysctl.tcp_mem;
	struct maybe mem = si->sockstat.mem_pages;
	struct maybe flag = si->proto.pressure;

	snprintf(f->summary, sizeof(f->summary),
		 "TCP memory is %lld pages (%lld bytes): low %lld, pressure %lld, high %lld; "
		 "pressure flag %s",
		 (long long)mem.v, (long long)maybe_mul(mem, (int64_t)r->page_size).v,
		 (long long)lim[0].v, (long long)lim[1].v, (long long)lim[2].v,
		 !flag.has ? "unknown"
		 : flag.v  ? "yes"
			   : "no");
	ev(f, "mem_pages", EV_PAGES, mem);
	ev(f, "low_pages", EV_PAGES, lim[0]);
	ev(f, "pressure_pages", EV_PAGES, lim[1]);
	ev(f, "high_pages", EV_PAGES, lim[2]);
	ev(f, "pressure", EV_BOOL, flag);
	ev(f, "TCPMemoryPressures", EV_COUNT, si->tcpext[TX_MEMORY_PRESSURES]);
	ev(f, "TCPMemoryPressuresChrono", EV_MS, si->tcpext[TX_MEMORY_PRESSURES_CHRONO]);
	ev(f, "TCPAbortOnMemory", EV_COUNT, si->tcpext[TX_ABORT_ON_MEMORY]);
}

/* ---- orphans ---- */

/*
 * The smallest shift at which the kernel's orphan check (orphans << shift >
 * tcp_max_orphans, shift 0..2) fires, or -1 if it cannot fire. Written as
 * orphans > max >> shift, which cannot overflow.
 */
static int orphan_shift(const struct snapshot *r)
{
	struct maybe orph = r->sys.sockstat.orphan, omax = r->sys.sysctl.tcp_max_orphans;

	if (!orph.has || !omax.has || orph.v <= 0 || omax.v < 0 || orph.v <= omax.v / 4)
		return -1;
	return orph.v > omax.v ? 0 : orph.v > omax.v / 2 ? 1 : 2;
}

bool fh_orphans_over_limit(const struct view *v)
{
	return orphan_shift(v->snap) == 0;
}

bool fh_orphans_near_limit(const struct view *v)
{
	return orphan_shift(v->snap) > 0;
}

void fh_fill_orphans(struct finding *f, const struct view *v)
{
	const struct snapshot *r = v->snap;
	struct maybe orph = r->sys.sockstat.orphan, omax = r->sys.sysctl.tcp_max_orphans;
	int shift = orphan_shift(r);

	snprintf(f->summary, sizeof(f->summary),
		 "%lld orphaned sockets against tcp_max_orphans %lld: the kernel's check fires "
		 "from shift %d (orphans << %d > max)",
		 (long long)orph.v, (long long)omax.v, shift, shift);
	ev(f, "orphans", EV_COUNT, orph);
	ev(f, "tcp_max_orphans", EV_COUNT, omax);
	ev(f, "fires_at_shift0", EV_COUNT,
	   omax.v < INT64_MAX ? maybe_of(omax.v + 1) : maybe_none());
	ev(f, "fires_at_shift1", EV_COUNT, maybe_of(omax.v / 2 + 1));
	ev(f, "fires_at_shift2", EV_COUNT, maybe_of(omax.v / 4 + 1));
	ev(f, "headroom_shift0", EV_COUNT, sysinfo_orphan_headroom(&r->sys, 0));
	ev(f, "headroom_shift1", EV_COUNT, sysinfo_orphan_headroom(&r->sys, 1));
	ev(f, "headroom_shift2", EV_COUNT, sysinfo_orphan_headroom(&r->sys, 2));
	ev(f, "TCPAbortOnMemory", EV_COUNT, r->sys.tcpext[TX_ABORT_ON_MEMORY]);
}

/* ---- counters since boot ---- */

static const enum tcpext drops[] = {
	TX_PRUNE_CALLED, TX_RCV_PRUNED,	     TX_OFO_PRUNED,	      TX_RCV_COLLAPSED,
	TX_RCVQ_DROP,	 TX_ABORT_ON_MEMORY, TX_WANT_ZERO_WINDOW_ADV, TX_ZERO_WINDOW_DROP,
};
#define NDROPS (sizeof(drops) / sizeof(drops[0]))

static int drops_nonzero(const struct snapshot *r)
{
	int n = 0;

	for (size_t i = 0; i < NDROPS; i++)
		n += r->sys.tcpext[drops[i]].has && r->sys.tcpext[drops[i]].v > 0;
	return n;
}

bool fh_drops_seen(const struct view *v)
{
	return drops_nonzero(v->snap) > 0;
}

void fh_fill_drops(struct finding *f, const struct view *v)
{
	const struct snapshot *r = v->snap;
	struct maybe init = r->sys.initial_netns;

	snprintf(f->summary, sizeof(f->summary),
		 "%d of the kernel's receive-pressure counters are non-zero since %s",
		 drops_nonzero(r),
		 !init.has ? "boot or since the namespace was created"
		 : init.v  ? "boot"
			   : "the namespace was created");
	for (size_t i = 0; i < NDROPS; i++)
		ev(f, procfs_tcpext_names[drops[i]], EV_COUNT, r->sys.tcpext[drops[i]]);
}

/* ---- UDP: udp_mem thresholds and per-socket receive queues ---- */

/* Udp + Udp6 counter: the sum of the present ones, absent when neither is. */
static struct maybe maybe_add(struct maybe a, struct maybe b)
{
	if (!a.has || !b.has)
		return a.has ? a : b;
	return a.v <= INT64_MAX - b.v ? maybe_of(a.v + b.v) : maybe_none();
}

/* Whether sockstat UDP mem is above udp_mem[i] (absent values: no). */
static bool udp_mem_above(const struct snapshot *r, int i)
{
	struct maybe mem = r->sys.sockstat.udp_mem_pages, lim = r->sys.sysctl.udp_mem[i];

	return mem.has && lim.has && mem.v > lim.v;
}

bool fh_udp_mem_high(const struct view *v)
{
	return udp_mem_above(v->snap, 2);
}

/* above pressure, not above high (fh_udp_mem_high says that) */
bool fh_udp_mem_pressure(const struct view *v)
{
	return udp_mem_above(v->snap, 1) && !udp_mem_above(v->snap, 2);
}

void fh_fill_udp_mem(struct finding *f, const struct view *v)
{
	const struct snapshot *r = v->snap;
	const struct maybe *lim = r->sys.sysctl.udp_mem;
	struct maybe mem = r->sys.sockstat.udp_mem_pages;

	snprintf(f->summary, sizeof(f->summary),
		 "UDP memory is %lld pages, above udp_mem %s %lld pages", (long long)mem.v,
		 udp_mem_above(r, 2) ? "high" : "pressure",
		 (long long)(udp_mem_above(r, 2) ? lim[2].v : lim[1].v));
	ev(f, "udp_mem_pages", EV_PAGES, mem);
	ev(f, "udp_mem_low_pages", EV_PAGES, lim[0]);
	ev(f, "udp_mem_pressure_pages", EV_PAGES, lim[1]);
	ev(f, "udp_mem_high_pages", EV_PAGES, lim[2]);
	ev(f, "MemErrors", EV_COUNT, maybe_add(r->sys.udp[UC_MEM_ERRORS], r->sys.udp6[UC_MEM_ERRORS]));
}

/* SO_RCVBUF doubles the request and caps it at rmem_max (sk_setsockopt()): rb
 * = 2 x rmem_max is a request the host refused in part. */
bool fh_udp_rcvbuf_capped(const struct sock_rec *s, const struct sysctls *sc,
			      const struct find_opts *fo)
{
	(void)fo;
	return sc->rmem_max.has && sc->rmem_max.v > 0 &&
	       (uint64_t)s->skmem[SKM_RB] == 2 * (uint64_t)sc->rmem_max.v;
}

void fh_ev_rmem_max_core(struct finding *f, const struct sysctls *nsc,
			     const struct find_opts *fo)
{
	(void)fo;
	ev(f, "rmem_max", EV_BYTES, nsc->rmem_max);
}

bool fh_udp_dropping(const struct sock_rec *s, const struct sysctls *sc,
			 const struct find_opts *fo)
{
	(void)sc;
	(void)fo;
	return sock_has_skm(s, SKM_D) && s->skmem[SKM_D] > 0;
}

/* udp_drops: the counters beside the sockets, and which limit dropped. */
void fh_udp_drops_extra(struct finding *f, const struct snapshot *r, uint64_t ndrops,
			    uint64_t full)
{
	struct maybe rcvbuf = maybe_add(r->sys.udp[UC_RCVBUF_ERRORS], r->sys.udp6[UC_RCVBUF_ERRORS]);
	struct maybe mem = maybe_add(r->sys.udp[UC_MEM_ERRORS], r->sys.udp6[UC_MEM_ERRORS]);
	bool pressure = udp_mem_above(r, 1);
	size_t k = strlen(f->summary);

	snprintf(f->summary + k, sizeof(f->summary) - k, "; %llu drops: %s",
		 (unsigned long long)ndrops,
		 pressure ? "UDP memory is above udp_mem pressure"
		 : full	  ? "queues full (r near rb): the readers are too slow"
			  : "their queues have room now: earlier bursts outran the readers");
	ev(f, "drops", EV_COUNT, mu(ndrops));
	ev(f, "sockets_queue_full", EV_COUNT, mu(full));
	ev(f, "RcvbufErrors", EV_COUNT, rcvbuf);
	ev(f, "MemErrors", EV_COUNT, mem);
	ev(f, "udp_mem_pressure", EV_BOOL, maybe_of(pressure));
}

/* ---- reconciliation, only over a complete (unfiltered) dump ---- */

static bool gap_beyond(const struct view *v)
{
	return !v->partial && v->rec.within.has && !v->rec.within.v;
}

/* A positive gap the namespaces that were not dumped can explain. */
bool fh_gap_other_netns(const struct view *v)
{
	return gap_beyond(v) && v->rec.gap_pages.v > 0 && snapshot_other_netns_possible(v->snap);
}

bool fh_reconcile_gap(const struct view *v)
{
	return gap_beyond(v) && !fh_gap_other_netns(v);
}

void fh_fill_reconcile(struct finding *f, const struct view *v)
{
	const struct reconcile *rec = &v->rec;

	snprintf(f->summary, sizeof(f->summary),
		 "sockstat counts %lld pages, the dumped sockets %llu: a gap of %+lld pages, "
		 "beyond the per-CPU tolerance of %lld",
		 (long long)rec->sockstat_pages.v, (unsigned long long)rec->sockets_pages,
		 (long long)rec->gap_pages.v, (long long)rec->tolerance_pages.v);
	ev(f, "sockets_pages", EV_PAGES, mu(rec->sockets_pages));
	ev(f, "sockstat_pages", EV_PAGES, rec->sockstat_pages);
	ev(f, "gap_pages", EV_PAGES, rec->gap_pages);
	ev(f, "tolerance_pages", EV_PAGES, rec->tolerance_pages);
}

void fh_fill_other_netns(struct finding *f, const struct view *v)
{
	const struct reconcile *rec = &v->rec;
	const struct coverage *c = &v->snap->cov;
	char n[80];

	if (c->other_netns.has && c->other_netns.v > 0)
		snprintf(n, sizeof(n), "%s%lld other network namespace%s",
			 c->unreadable_pids.has && !c->unreadable_pids.v ? "the " : "at least ",
			 (long long)c->other_netns.v, c->other_netns.v == 1 ? "" : "s");
	else
		snprintf(n, sizeof(n), "other network namespaces sockmem could not see");
	snprintf(f->summary, sizeof(f->summary),
		 "sockstat counts %lld pages more than the dumped sockets (tolerance %lld): "
		 "%s, not dumped, share that counter",
		 (long long)rec->gap_pages.v, (long long)rec->tolerance_pages.v, n);
	ev(f, "other_netns", EV_COUNT, c->other_netns);
	ev(f, "unreadable_pids", EV_COUNT, c->unreadable_pids);
	ev(f, "initial_netns", EV_BOOL, c->initial_netns);
	ev(f, "sockets_pages", EV_PAGES, mu(rec->sockets_pages));
	ev(f, "sockstat_pages", EV_PAGES, rec->sockstat_pages);
	ev(f, "gap_pages", EV_PAGES, rec->gap_pages);
	ev(f, "tolerance_pages", EV_PAGES, rec->tolerance_pages);
}
