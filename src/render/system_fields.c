// SPDX-License-Identifier: GPL-2.0-or-later
/* system_fields.c - the system view's field table: sockstat, tcp_mem and
 * udp_mem against the pages in use, sysctls, counters, scope and the
 * reconciliations, each with its table line and text. */
#include "render/system_fields.h"

/* Share of used pages against a threshold, in hundredths of a percent,
 * rounded half away from zero (a negative sockstat mem gives a negative share). */
static struct maybe pct(struct maybe used, struct maybe limit)
{
	struct maybe scaled = maybe_mul(used, 10000);
	int64_t q, rem;

	if (!scaled.has || !limit.has || limit.v <= 0)
		return maybe_none();
	q = scaled.v / limit.v;
	rem = scaled.v % limit.v; /* |rem| < limit: neither test below overflows */
	if (rem > 0 && rem >= limit.v - rem)
		q++;
	else if (rem < 0 && -rem >= limit.v + rem)
		q--;
	return maybe_of(q);
}

static struct maybe times(struct maybe m, uint64_t k)
{
	return maybe_mul(m, (int64_t)k);
}

/* Appends one field; returns the new count. */
static size_t sysf(struct sysfield *f, size_t n, const char *sec, const char *key, struct maybe v,
		   enum unit unit, enum tline line)
{
	f[n] = (struct sysfield){ .section = sec, .key = key, .v = v, .unit = unit, .line = line };
	return n + 1;
}

/* The table text of field f: what comes before and after its value, and
 * its position within its line (0: field order). */
static void sysf_text(struct sysfield *f, const char *pre, const char *post, int order)
{
	f->pre = pre;
	f->post = post;
	f->order = order;
}

/* A protocol's memory thresholds (tcp_mem, udp_mem) against the pages in
 * use: "low N (P%)  pressure N (P%)  high N (P%)" in the table; the bytes
 * (TCP's, TL_NONE) between the pages and the shares in TSV and JSON. */
static size_t mem_thresholds(struct sysfield *f, size_t n, const char *sec,
			     const struct maybe lim[3], struct maybe used, uint64_t bytes_page,
			     enum tline line)
{
	static const char *const pages[3] = { "low_pages", "pressure_pages", "high_pages" };
	static const char *const bytes[3] = { "low_bytes", "pressure_bytes", "high_bytes" };
	static const char *const share[3] = { "used_pct_of_low", "used_pct_of_pressure",
					      "used_pct_of_high" };
	static const char *const pre[3] = { "  low ", "  pressure ", "  high " };

	for (int i = 0; i < 3; i++) {
		n = sysf(f, n, sec, pages[i], lim[i], UNIT_PAGES, line);
		sysf_text(&f[n - 1], pre[i], " (", 2 * i + 1);
	}
	for (int i = 0; bytes_page && i < 3; i++)
		n = sysf(f, n, sec, bytes[i], times(lim[i], bytes_page), UNIT_BYTES, TL_NONE);
	for (int i = 0; i < 3; i++) {
		n = sysf(f, n, sec, share[i], pct(used, lim[i]), UNIT_PCT, line);
		sysf_text(&f[n - 1], "", ")", 2 * i + 2);
	}
	return n;
}

/* A reconciliation (TCP's or UDP's): the table line
 * "sockets N pages (M dumped)  sockstat N  gap N  tolerance N pages"; its
 * within_tolerance, absent for a partial view, is said in a sentence. */
static size_t reconcile_fields(struct sysfield *f, size_t n, const char *sec,
			       const struct reconcile *rc, uint64_t dumped, bool partial,
			       enum tline line)
{
	n = sysf(f, n, sec, "sockets_pages", maybe_of((int64_t)rc->sockets_pages), UNIT_PAGES, line);
	sysf_text(&f[n - 1], "  sockets ", " pages (", 0);
	n = sysf(f, n, sec, "dumped_sockets", maybe_of((int64_t)dumped), UNIT_COUNT, line);
	sysf_text(&f[n - 1], "", " dumped)", 0);
	n = sysf(f, n, sec, "sockstat_pages", rc->sockstat_pages, UNIT_PAGES, line);
	sysf_text(&f[n - 1], "  sockstat ", "", 0);
	n = sysf(f, n, sec, "gap_pages", rc->gap_pages, UNIT_PAGES, line);
	sysf_text(&f[n - 1], "  gap ", "", 0);
	n = sysf(f, n, sec, "tolerance_pages", rc->tolerance_pages, UNIT_PAGES, line);
	sysf_text(&f[n - 1], "  tolerance ", " pages", 0);
	return sysf(f, n, sec, "within_tolerance", partial ? maybe_none() : rc->within, UNIT_BOOL,
		    TL_NONE);
}

/* The UDP fields (-u): sockstat's UDP line, udp_mem, the per-namespace
 * minimums, the Udp/Udp6 counters, the reconciliation of the UDP sockets
 * with sockstat UDP mem. Returns the count. */
static size_t udp_fields(const struct view *v, struct sysfield *f)
{
	const struct snapshot *r = v->snap;
	const struct sysinfo *si = &r->sys;
	const struct sockstat *ss = &si->sockstat;
	const struct sysctls *sc = &si->sysctl;
	const struct reconcile *rc = &v->udp_rec;
	size_t n = 0;

#define F(sec, key_, val, unit_, line_)                                                            \
	(f[n++] = (struct sysfield){                                                               \
	     .section = sec, .key = key_, .v = val, .unit = unit_, .line = line_ })
#define T(pre_, post_, order_) (f[n - 1].pre = pre_, f[n - 1].post = post_, f[n - 1].order = order_)
	F("udp", "inuse", ss->udp_inuse, UNIT_COUNT, TL_UDP_SOCKETS);
	F("udp", "inuse6", ss->udp_inuse6, UNIT_COUNT, TL_UDP_SOCKETS);
	F("udp", "mem_pages", ss->udp_mem_pages, UNIT_PAGES, TL_UDP_SOCKETS);
	F("udp", "mem_bytes", times(ss->udp_mem_pages, r->page_size), UNIT_BYTES, TL_UDP_SOCKETS);
	T("  = ", "", 0);
	F("udp", "udp_rmem_min", sc->udp_rmem_min, UNIT_BYTES, TL_UDP_SOCKETS);
	F("udp", "udp_wmem_min", sc->udp_wmem_min, UNIT_BYTES, TL_UDP_SOCKETS);
	n = mem_thresholds(f, n, "udp_mem", sc->udp_mem, ss->udp_mem_pages, 0, TL_UDP_MEM);
	for (int i = 0; i < UC_N; i++)
		F("udp_counters", procfs_udp_names[i], si->udp[i], UNIT_COUNT, TL_UDP_COUNTERS);
	for (int i = 0; i < UC_N; i++)
		F("udp6_counters", procfs_udp_names[i], si->udp6[i], UNIT_COUNT, TL_UDP6_COUNTERS);
	n = reconcile_fields(f, n, "udp_reconcile", rc, v->proto_totals[SOCK_PROTO_UDP].sockets,
			     v->partial, TL_UDP_RECONCILE);
#undef T
#undef F
	return n;
}

/* The flat list every format renders, with the table-only fields when
 * table; returns the count. */
size_t sys_fields(const struct view *v, struct sysfield *f, bool table)
{
	const struct snapshot *r = v->snap;
	const struct sysinfo *si = &r->sys;
	const struct sockstat *ss = &si->sockstat;
	const struct sysctls *sc = &si->sysctl;
	const struct reconcile *rc = &v->rec;
	size_t n = 0;

#define F(sec, key_, val, unit_, line_)                                                            \
	(f[n++] = (struct sysfield){                                                               \
	     .section = sec, .key = key_, .v = val, .unit = unit_, .line = line_ })
/* the table text of the field just added */
#define T(pre_, post_, order_) (f[n - 1].pre = pre_, f[n - 1].post = post_, f[n - 1].order = order_)
	F("sockstat", "inuse", ss->inuse, UNIT_COUNT, TL_SOCKETS);
	F("sockstat", "orphan", ss->orphan, UNIT_COUNT, TL_SOCKETS);
	F("sockstat", "tw", ss->tw, UNIT_COUNT, TL_SOCKETS);
	F("sockstat", "alloc", ss->alloc, UNIT_COUNT, TL_SOCKETS);
	F("sockstat", "mem_pages", ss->mem_pages, UNIT_PAGES, TL_MEMORY);
	T("  ", " pages = ", 0);
	F("sockstat", "mem_bytes", times(ss->mem_pages, r->page_size), UNIT_BYTES, TL_MEMORY);
	T("", "  (sockstat mem, host-wide; page size ", 0);
	if (table) {
		/* exact, unlike bytes */
		F("sockstat", "page_size", maybe_of((int64_t)r->page_size), UNIT_COUNT, TL_MEMORY);
		T("", ")", 0);
	}
	F("sockstat", "inuse6", ss->inuse6, UNIT_COUNT, TL_SOCKETS);
	F("sockstat", "sockets_used", ss->sockets_used, UNIT_COUNT, TL_SOCKETS);
	n = mem_thresholds(f, n, "tcp_mem", sc->tcp_mem, ss->mem_pages, r->page_size, TL_TCP_MEM);
	F(NULL, "pressure", si->proto.pressure, UNIT_BOOL, TL_PRESSURE);
	T("  ", "  (/proc/net/protocols; global, stays set until the next allocation)", 0);
	/* the same counter as sockstat mem (the table's memory line) */
	F("protocols", "memory_pages", si->proto.memory_pages, UNIT_PAGES, TL_NONE);
	F("tcp_rmem", "min", sc->tcp_rmem[0], UNIT_BYTES, TL_RMEM);
	F("tcp_rmem", "default", sc->tcp_rmem[1], UNIT_BYTES, TL_RMEM);
	F("tcp_rmem", "max", sc->tcp_rmem[2], UNIT_BYTES, TL_RMEM);
	F("tcp_wmem", "min", sc->tcp_wmem[0], UNIT_BYTES, TL_WMEM);
	F("tcp_wmem", "default", sc->tcp_wmem[1], UNIT_BYTES, TL_WMEM);
	F("tcp_wmem", "max", sc->tcp_wmem[2], UNIT_BYTES, TL_WMEM);
	F("sysctl", "tcp_max_orphans", sc->tcp_max_orphans, UNIT_COUNT, TL_IPV4);
	F("sysctl", "tcp_adv_win_scale", sc->tcp_adv_win_scale, UNIT_COUNT, TL_IPV4);
	F("sysctl", "tcp_moderate_rcvbuf", sc->tcp_moderate_rcvbuf, UNIT_COUNT, TL_IPV4);
	/* exact: 4294967295 is the "no limit" default */
	F("sysctl", "tcp_notsent_lowat", sc->tcp_notsent_lowat, UNIT_COUNT, TL_IPV4);
	/* the table says it in a sentence after the net.ipv4 line */
	F("sysctl", "tcp_adv_win_scale_ignored", sysinfo_adv_win_scale_ignored(si), UNIT_BOOL,
	  TL_NONE);
	F("sysctl", "tcp_shrink_window", sc->tcp_shrink_window, UNIT_COUNT, TL_IPV4);
	F("sysctl", "rmem_max", sc->rmem_max, UNIT_BYTES, TL_CORE);
	F("sysctl", "wmem_max", sc->wmem_max, UNIT_BYTES, TL_CORE);
	F("sysctl", "rmem_default", sc->rmem_default, UNIT_BYTES, TL_CORE);
	F("sysctl", "wmem_default", sc->wmem_default, UNIT_BYTES, TL_CORE);
	F("sysctl", "mem_pcpu_rsv_pages", sc->mem_pcpu_rsv, UNIT_PAGES, TL_CORE);
	f[n - 1].title = "mem_pcpu_rsv";
	F("orphan_headroom", "shift0", sysinfo_orphan_headroom(si, 0), UNIT_COUNT, TL_ORPHANS);
	F("orphan_headroom", "shift1", sysinfo_orphan_headroom(si, 1), UNIT_COUNT, TL_ORPHANS);
	F("orphan_headroom", "shift2", sysinfo_orphan_headroom(si, 2), UNIT_COUNT, TL_ORPHANS);
	/* the table says it in a sentence after the TcpExt lines */
	F(NULL, "counters_since_boot", si->initial_netns, UNIT_BOOL, TL_NONE);
	for (int i = 0; i < TX_N; i++)
		F("tcpext", procfs_tcpext_names[i], si->tcpext[i], UNIT_COUNT, TL_TCPEXT);
	F("scope", "all_netns", maybe_of(r->all_netns), UNIT_BOOL, TL_SCOPE);
	F("scope", "initial_netns", r->cov.initial_netns, UNIT_BOOL, TL_SCOPE);
	F("scope", "other_netns", r->cov.other_netns, UNIT_COUNT, TL_SCOPE);
	F("scope", "unreadable_pids", r->cov.unreadable_pids, UNIT_COUNT, TL_SCOPE);
	n = reconcile_fields(f, n, "reconcile", rc, v->proto_totals[SOCK_PROTO_TCP].sockets,
			     v->partial, TL_RECONCILE);
#undef T
#undef F
	if (r->cov.udp)
		n += udp_fields(v, f + n);
	return n;
}

