// SPDX-License-Identifier: GPL-2.0-or-later
/* out_system.c - the `system` view: sockstat, limits, sysctls, reconciliation. */
#include "render/out.h"

#include <stdio.h>
#include <string.h>


/* Lines of the system table, in order. TL_NONE: a value no table line shows. */
enum tline {
	TL_NONE,
	TL_SOCKETS,
	TL_MEMORY,
	TL_TCP_MEM,
	TL_PRESSURE,
	TL_RMEM,
	TL_WMEM,
	TL_CORE,
	TL_IPV4,
	TL_ORPHANS,
	TL_TCPEXT,
	TL_SCOPE,
	TL_RECONCILE,
	TL_N
};

/*
 * One system value: the field table of the system view. TSV and JSON print
 * every field (section NULL: a top-level member); the table prints each on
 * its line, as "key value" (title, or key when NULL) on the plain lines and
 * within the sentence-like lines (memory, tcp_mem, pressure, reconcile).
 */
struct sysfield {
	const char *section;
	const char *key;
	struct maybe v;
	enum unit unit;
	enum tline line;
	const char *title;
};

#define SYSF_MAX 80

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

/* The flat list every format renders; returns the count. */
static size_t sys_fields(const struct report *r, struct sysfield *f)
{
	const struct sysinfo *si = &r->sys;
	const struct sockstat *ss = &si->sockstat;
	const struct sysctls *sc = &si->sysctl;
	const struct reconcile *rc = &r->rec;
	size_t n = 0;

#define F(sec, key, val, unit, line) (f[n++] = (struct sysfield){ sec, key, val, unit, line, NULL })
	F("sockstat", "inuse", ss->inuse, UNIT_COUNT, TL_SOCKETS);
	F("sockstat", "orphan", ss->orphan, UNIT_COUNT, TL_SOCKETS);
	F("sockstat", "tw", ss->tw, UNIT_COUNT, TL_SOCKETS);
	F("sockstat", "alloc", ss->alloc, UNIT_COUNT, TL_SOCKETS);
	F("sockstat", "mem_pages", ss->mem_pages, UNIT_PAGES, TL_MEMORY);
	F("sockstat", "mem_bytes", times(ss->mem_pages, r->page_size), UNIT_BYTES, TL_MEMORY);
	F("sockstat", "inuse6", ss->inuse6, UNIT_COUNT, TL_SOCKETS);
	F("sockstat", "sockets_used", ss->sockets_used, UNIT_COUNT, TL_SOCKETS);
	F("tcp_mem", "low_pages", sc->tcp_mem[0], UNIT_PAGES, TL_TCP_MEM);
	F("tcp_mem", "pressure_pages", sc->tcp_mem[1], UNIT_PAGES, TL_TCP_MEM);
	F("tcp_mem", "high_pages", sc->tcp_mem[2], UNIT_PAGES, TL_TCP_MEM);
	F("tcp_mem", "low_bytes", times(sc->tcp_mem[0], r->page_size), UNIT_BYTES, TL_TCP_MEM);
	F("tcp_mem", "pressure_bytes", times(sc->tcp_mem[1], r->page_size), UNIT_BYTES,
	  TL_TCP_MEM);
	F("tcp_mem", "high_bytes", times(sc->tcp_mem[2], r->page_size), UNIT_BYTES, TL_TCP_MEM);
	F("tcp_mem", "used_pct_of_low", pct(ss->mem_pages, sc->tcp_mem[0]), UNIT_PCT, TL_TCP_MEM);
	F("tcp_mem", "used_pct_of_pressure", pct(ss->mem_pages, sc->tcp_mem[1]), UNIT_PCT,
	  TL_TCP_MEM);
	F("tcp_mem", "used_pct_of_high", pct(ss->mem_pages, sc->tcp_mem[2]), UNIT_PCT, TL_TCP_MEM);
	F(NULL, "pressure", si->proto.pressure, UNIT_BOOL, TL_PRESSURE);
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
	F("reconcile", "sockets_pages", maybe_of((int64_t)rc->sockets_pages), UNIT_PAGES,
	  TL_RECONCILE);
	F("reconcile", "sockstat_pages", rc->sockstat_pages, UNIT_PAGES, TL_RECONCILE);
	F("reconcile", "gap_pages", rc->gap_pages, UNIT_PAGES, TL_RECONCILE);
	F("reconcile", "tolerance_pages", rc->tolerance_pages, UNIT_PAGES, TL_RECONCILE);
	F("reconcile", "within_tolerance", r->partial ? maybe_none() : rc->within, UNIT_BOOL,
	  TL_RECONCILE);
#undef F
	return n;
}

/* Appends, when one namespace was dumped and others can exist, what the
 * dump left out: the other namespaces, and the part of sockstat outside the
 * dumped sockets beyond the per-CPU tolerance. */
static void scope_clause(const struct report *r, char *buf, size_t len)
{
	const struct coverage *c = &r->cov;
	const struct reconcile *rc = &r->rec;
	size_t k = strlen(buf);
	char h[32];

#define ADD(...)                                                                                   \
	do {                                                                                       \
		if (k < len)                                                                       \
			k += (size_t)snprintf(buf + k, len - k, __VA_ARGS__);                      \
	} while (0)
	if (!report_other_netns_possible(r))
		return;
	ADD(" Only one network namespace was dumped");
	if (!c->other_netns.has)
		ADD("; the others could not be listed");
	else
		ADD("; %lld other%s found", (long long)c->other_netns.v,
		    c->other_netns.v == 1 ? " was" : "s were");
	if (c->unreadable_pids.has && c->unreadable_pids.v)
		ADD(" (the namespace of %lld process%s could not be read)",
		    (long long)c->unreadable_pids.v, c->unreadable_pids.v == 1 ? "" : "es");
	if (!c->initial_netns.has || !c->initial_netns.v)
		ADD("; sockmem %s in the host's initial one",
		    c->initial_netns.has ? "did not run" : "may not have run");
	if (!r->partial && rc->within.has && !rc->within.v && rc->gap_pages.v > 0) {
		fmt_human(h, (uint64_t)rc->gap_pages.v * r->page_size);
		ADD(": sockstat's %lld pages (%s) outside the dumped sockets can be theirs",
		    (long long)rc->gap_pages.v, h);
	}
	ADD(".");
#undef ADD
}

/* One sentence on the reconciliation, for every format. */
static void reconcile_sentence(const struct report *r, char *buf, size_t len)
{
	const struct reconcile *rc = &r->rec;

	if (r->filtered)
		snprintf(buf, len,
			 "a filter or -4/-6 limited the dump, so its sockets are not "
			 "comparable with sockstat's host-wide count.");
	else if (r->netns_skipped)
		snprintf(buf, len,
			 "%zu network namespace%s could not be entered, so %s sockets are missing "
			 "from the dump and the gap with sockstat's host-wide count cannot be judged.",
			 r->netns_skipped, r->netns_skipped == 1 ? "" : "s",
			 r->netns_skipped == 1 ? "its" : "their");
	else if (r->partial)
		snprintf(buf, len,
			 "%llu malformed sock_diag replies were skipped, so the dump misses "
			 "sockets and cannot be compared with sockstat's host-wide count.",
			 (unsigned long long)r->dstats.malformed);
	else if (!rc->sockstat_pages.has)
		snprintf(
		    buf, len,
		    "sockstat has no TCP mem value, so the sockets cannot be reconciled with it.");
	else if (!rc->tolerance_pages.has)
		snprintf(buf, len,
			 "gap %+lld pages; net.core.mem_pcpu_rsv is unavailable, so the per-CPU "
			 "tolerance is unknown and the gap cannot be judged.",
			 (long long)rc->gap_pages.v);
	else if (rc->within.v)
		snprintf(buf, len,
			 "gap %+lld pages is within the per-CPU tolerance of %lld pages "
			 "(%llu CPUs x mem_pcpu_rsv): sockstat lags the per-CPU caches, nothing is "
			 "unaccounted.",
			 (long long)rc->gap_pages.v, (long long)rc->tolerance_pages.v,
			 (unsigned long long)r->ncpu);
	else if (rc->gap_pages.v > 0)
		snprintf(buf, len,
			 "sockstat counts %lld pages more than the dumped sockets hold, beyond the "
			 "tolerance of %lld: memory is charged to sockets this dump cannot see "
			 "(other network namespaces, reset sockets whose fds are still open).",
			 (long long)rc->gap_pages.v, (long long)rc->tolerance_pages.v);
	else
		snprintf(
		    buf, len,
		    "the dumped sockets hold %lld pages more than sockstat counts, beyond the "
		    "tolerance of %lld: memory outside tcp_mem accounting or a dump that raced "
		    "with heavy traffic.",
		    (long long)-rc->gap_pages.v, (long long)rc->tolerance_pages.v);
	scope_clause(r, buf, len);
}

static void json_field(struct jw *w, const struct sysfield *f)
{
	jw_key(w, f->key);
	if (f->unit == UNIT_BOOL)
		jw_maybe_bool(w, f->v);
	else if (f->unit == UNIT_PCT && f->v.has)
		jw_hundredths(w, f->v.v);
	else
		jw_maybe(w, f->v);
}

/* Sockets of one namespace in the dump. */
static uint64_t ns_sockets(const struct report *r, uint64_t ino)
{
	uint64_t n = 0;

	for (size_t i = 0; i < r->socks.n; i++)
		n += r->socks.v[i].netns_ino == ino;
	return n;
}

/* Sockets of one namespace, absent when it was skipped (nothing was dumped). */
static struct maybe ns_count(const struct report *r, const struct netns_ent *ns)
{
	return ns->skipped ? maybe_none() : maybe_of((int64_t)ns_sockets(r, ns->ino));
}

static void json_namespaces(struct jw *w, const struct report *r)
{
	jw_key(w, "namespaces");
	jw_arr_begin(w, 0);
	for (size_t i = 0; i < r->nnetns; i++) {
		const struct netns_ent *ns = &r->netns[i];

		jw_obj_begin(w);
		jw_kv_maybe(w, "netns", ns->ino ? maybe_of((int64_t)ns->ino) : maybe_none());
		jw_key(w, "netns_name");
		if (ns->name[0])
			jw_str(w, ns->name);
		else
			jw_null(w);
		jw_key(w, "skipped");
		if (ns->skipped)
			jw_str(w, strerror(ns->skipped));
		else
			jw_null(w);
		/* a namespace we could not enter has no count, not 0 */
		jw_kv_maybe(w, "sockets", ns_count(r, ns));
		jw_kv_maybe(w, "inuse", ns->inuse);
		jw_kv_maybe(w, "tw", ns->tw);
		jw_key(w, "tcp_rmem");
		jw_arr_begin(w, 0);
		for (int k = 0; k < 3; k++)
			jw_maybe(w, ns->sysctl.tcp_rmem[k]);
		jw_arr_end(w);
		jw_key(w, "tcp_wmem");
		jw_arr_begin(w, 0);
		for (int k = 0; k < 3; k++)
			jw_maybe(w, ns->sysctl.tcp_wmem[k]);
		jw_arr_end(w);
		jw_obj_end(w);
	}
	jw_arr_end(w);
}

/* Whether two fields are members of one section object. */
static bool same_section(const struct sysfield *a, const struct sysfield *b)
{
	return a->section && b->section && strcmp(a->section, b->section) == 0;
}

void out_json_system(struct jw *w, const struct report *r)
{
	struct sysfield f[SYSF_MAX];
	size_t n = sys_fields(r, f);
	char sentence[1024];

	jw_key(w, "system");
	jw_obj_begin(w);
	for (size_t i = 0; i < n; i++) {
		if (!f[i].section) {
			json_field(w, &f[i]);
			continue;
		}
		if (i == 0 || !same_section(&f[i - 1], &f[i])) {
			jw_key(w, f[i].section);
			jw_obj_begin(w);
		}
		json_field(w, &f[i]);
		if (i + 1 == n || !same_section(&f[i], &f[i + 1])) {
			if (strcmp(f[i].section, "reconcile") == 0) {
				reconcile_sentence(r, sentence, sizeof(sentence));
				jw_kv_str(w, "explanation", sentence);
			}
			jw_obj_end(w);
		}
	}
	json_namespaces(w, r);
	jw_obj_end(w);
}

static void tsv_system(struct outbuf *b, const struct report *r, const struct opts *o)
{
	struct sysfield f[SYSF_MAX];
	size_t n = sys_fields(r, f);
	char sentence[1024];

	if (!o->no_header)
		ob_str(b, "key\tvalue\n");
	for (size_t i = 0; i < n; i++) {
		if (f[i].section) {
			ob_str(b, f[i].section);
			ob_ch(b, '.');
		}
		ob_str(b, f[i].key);
		ob_ch(b, '\t');
		if (f[i].v.has) {
			if (f[i].unit == UNIT_BOOL)
				ob_str(b, f[i].v.v ? "true" : "false");
			else if (f[i].unit == UNIT_PCT)
				ob_hundredths(b, f[i].v.v);
			else
				ob_i64(b, f[i].v.v);
		}
		ob_ch(b, '\n');
	}
	reconcile_sentence(r, sentence, sizeof(sentence));
	ob_str(b, "reconcile.explanation\t");
	ob_tsv_str(b, sentence, NULL);
	ob_ch(b, '\n');
	/* one block per namespace: namespaces.INO.KEY */
	for (size_t i = 0; i < r->nnetns; i++) {
		const struct netns_ent *ns = &r->netns[i];
		const struct sysfield nf[] = {
			{ NULL, "sockets", ns_count(r, ns), UNIT_COUNT, TL_NONE, NULL },
			{ NULL, "inuse", ns->inuse, UNIT_COUNT, TL_NONE, NULL },
			{ NULL, "tw", ns->tw, UNIT_COUNT, TL_NONE, NULL },
			{ NULL, "tcp_rmem_max", ns->sysctl.tcp_rmem[2], UNIT_BYTES, TL_NONE, NULL },
			{ NULL, "tcp_wmem_max", ns->sysctl.tcp_wmem[2], UNIT_BYTES, TL_NONE, NULL },
		};

		ob_str(b, "namespaces.");
		ob_u64(b, ns->ino);
		ob_str(b, ".name\t");
		ob_tsv_str(b, ns->name, NULL);
		ob_str(b, "\nnamespaces.");
		ob_u64(b, ns->ino);
		ob_str(b, ".skipped\t");
		if (ns->skipped)
			ob_str(b, strerror(ns->skipped));
		ob_ch(b, '\n');
		for (size_t k = 0; k < sizeof(nf) / sizeof(nf[0]); k++) {
			ob_str(b, "namespaces.");
			ob_u64(b, ns->ino);
			ob_ch(b, '.');
			ob_str(b, nf[k].key);
			ob_ch(b, '\t');
			if (nf[k].v.has)
				ob_i64(b, nf[k].v.v);
			ob_ch(b, '\n');
		}
	}
}

/* Table value: "-" when absent, human bytes unless -n. */
static void tv(struct outbuf *b, const struct opts *o, struct maybe m, enum unit u)
{
	char h[32];

	if (!m.has) {
		ob_ch(b, '-');
	} else if (u == UNIT_BYTES && !o->numeric && m.v >= 0) {
		fmt_human(h, (uint64_t)m.v);
		ob_str(b, h);
	} else if (u == UNIT_BOOL) {
		ob_str(b, m.v ? "yes" : "no");
	} else if (u == UNIT_PCT) {
		ob_hundredths(b, m.v);
		ob_ch(b, '%');
	} else {
		ob_i64(b, m.v);
	}
}

/* Writes "label" padded to the label column. */
static void label(struct outbuf *b, const char *l)
{
	ob_str(b, l);
	ob_spaces(b, 14 - strlen(l));
}

static void kv(struct outbuf *b, const struct opts *o, const char *k, struct maybe m, enum unit u)
{
	ob_str(b, "  ");
	ob_str(b, k);
	ob_ch(b, ' ');
	tv(b, o, m, u);
}

/* The "key value" pairs of the fields of table line l, in field order;
 * wrap > 0 continues on an unlabelled line after every wrap pairs. */
static void kv_line(struct outbuf *b, const struct opts *o, const struct sysfield *f, size_t n,
		    enum tline l, int wrap)
{
	int k = 0;

	for (size_t i = 0; i < n; i++) {
		if (f[i].line != l)
			continue;
		if (wrap && k && k % wrap == 0) {
			ob_ch(b, '\n');
			label(b, "");
		}
		kv(b, o, f[i].title ? f[i].title : f[i].key, f[i].v, f[i].unit);
		k++;
	}
	ob_ch(b, '\n');
}

static void table_system(struct outbuf *b, const struct report *r, const struct opts *o)
{
	const struct sysinfo *si = &r->sys;
	const struct sockstat *ss = &si->sockstat;
	const struct sysctls *sc = &si->sysctl;
	struct sysfield f[SYSF_MAX];
	size_t n = sys_fields(r, f);
	char sentence[1024];

	label(b, "TCP sockets");
	kv_line(b, o, f, n, TL_SOCKETS, 0);
	label(b, "TCP memory");
	ob_str(b, "  ");
	tv(b, o, ss->mem_pages, UNIT_PAGES);
	ob_str(b, " pages = ");
	tv(b, o, times(ss->mem_pages, r->page_size), UNIT_BYTES);
	ob_str(b, "  (sockstat mem, host-wide; page size ");
	ob_u64(b, r->page_size);
	ob_str(b, ")\n");
	label(b, "tcp_mem");
	if (!sc->tcp_mem[0].has) {
		ob_str(
		    b,
		    "  unavailable (no net.ipv4.tcp_mem here: a container network namespace?)\n");
	} else {
		static const char *const names[3] = { "low", "pressure", "high" };

		for (int i = 0; i < 3; i++) {
			kv(b, o, names[i], sc->tcp_mem[i], UNIT_PAGES);
			ob_str(b, " (");
			tv(b, o, pct(ss->mem_pages, sc->tcp_mem[i]), UNIT_PCT);
			ob_ch(b, ')');
		}
		ob_str(b, "  pages (used %)\n");
	}
	label(b, "pressure");
	ob_str(b, "  ");
	tv(b, o, si->proto.pressure, UNIT_BOOL);
	ob_str(b, "  (/proc/net/protocols; global, stays set until the next allocation)\n");
	label(b, "tcp_rmem");
	kv_line(b, o, f, n, TL_RMEM, 0);
	label(b, "tcp_wmem");
	kv_line(b, o, f, n, TL_WMEM, 0);
	label(b, "net.core");
	kv_line(b, o, f, n, TL_CORE, 0);
	label(b, "net.ipv4");
	kv_line(b, o, f, n, TL_IPV4, 0);
	if (sysinfo_adv_win_scale_ignored(si).v) {
		label(b, "");
		ob_str(b, "  tcp_adv_win_scale is ignored since Linux 6.6 (each socket's "
			  "scaling_ratio replaced it)\n");
	}
	label(b, "orphans");
	ob_str(b, "  headroom");
	kv_line(b, o, f, n, TL_ORPHANS, 0);
	label(b, "");
	ob_str(b, "  (more orphans before tcp_too_many_orphans fires: orphans << shift > "
		  "tcp_max_orphans)\n");
	label(b, "TcpExt");
	kv_line(b, o, f, n, TL_TCPEXT, 4);
	label(b, "");
	if (!si->initial_netns.has)
		ob_str(b, "  (counters since boot or since the namespace was created)\n");
	else
		ob_str(b, si->initial_netns.v ? "  (counters since boot)\n"
					      : "  (counters since the namespace was created)\n");
	label(b, "scope");
	kv_line(b, o, f, n, TL_SCOPE, 0);
	label(b, "reconcile");
	ob_str(b, "  sockets ");
	ob_u64(b, r->rec.sockets_pages);
	ob_str(b, " pages (");
	ob_u64(b, r->totals.sockets);
	ob_str(b, " dumped)  sockstat ");
	tv(b, o, r->rec.sockstat_pages, UNIT_PAGES);
	ob_str(b, "  gap ");
	tv(b, o, r->rec.gap_pages, UNIT_PAGES);
	ob_str(b, "  tolerance ");
	tv(b, o, r->rec.tolerance_pages, UNIT_PAGES);
	ob_str(b, " pages\n");
	label(b, "");
	reconcile_sentence(r, sentence, sizeof(sentence));
	ob_str(b, "  ");
	ob_str(b, sentence);
	ob_ch(b, '\n');
	if (!r->all_netns)
		return;
	for (size_t i = 0; i < r->nnetns; i++) {
		const struct netns_ent *ns = &r->netns[i];

		label(b, i ? "" : "namespaces");
		ob_str(b, "  ");
		if (ns->ino)
			ob_u64(b, ns->ino);
		else
			ob_ch(b, '-'); /* its inode could not be read */
		ob_ch(b, ' ');
		ob_table_str(b, ns->name[0] ? ns->name : "-", NULL);
		if (ns->skipped) {
			ob_str(b, "  skipped: ");
			ob_str(b, strerror(ns->skipped));
			ob_ch(b, '\n');
			continue;
		}
		ob_str(b, "  sockets ");
		ob_u64(b, ns_sockets(r, ns->ino));
		kv(b, o, "inuse", ns->inuse, UNIT_COUNT);
		kv(b, o, "tw", ns->tw, UNIT_COUNT);
		kv(b, o, "tcp_rmem_max", ns->sysctl.tcp_rmem[2], UNIT_BYTES);
		kv(b, o, "tcp_wmem_max", ns->sysctl.tcp_wmem[2], UNIT_BYTES);
		ob_ch(b, '\n');
	}
}

void out_system(struct outbuf *b, const struct report *r, const struct opts *o)
{
	if (o->fmt == FMT_TSV)
		tsv_system(b, r, o);
	else
		table_system(b, r, o);
}

void out_system_each(const struct report *r,
		     void (*fn)(void *arg, const char *section, const char *key, struct maybe v,
				enum unit unit),
		     void *arg)
{
	struct sysfield f[SYSF_MAX];
	size_t n = sys_fields(r, f);

	for (size_t i = 0; i < n; i++)
		fn(arg, f[i].section, f[i].key, f[i].v, f[i].unit);
}
