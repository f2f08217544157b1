// SPDX-License-Identifier: GPL-2.0-or-later
/* out_system.c - the `system` view: sockstat, limits, sysctls, reconciliation. */
#include "render/out.h"
#include "render/system_fields.h"

#include <stdio.h>
#include <string.h>

/* Appends, when one namespace was dumped and others can exist, what the
 * dump left out: the other namespaces, and the part of sockstat outside the
 * dumped sockets beyond the per-CPU tolerance. */
static void scope_clause(const struct view *v, const struct reconcile *rc, char *buf, size_t len)
{
	const struct snapshot *r = v->snap;
	const struct coverage *c = &r->cov;
	size_t k = strlen(buf);
	char h[32];

#define ADD(...)                                                                                   \
	do {                                                                                       \
		if (k < len)                                                                       \
			k += (size_t)snprintf(buf + k, len - k, __VA_ARGS__);                      \
	} while (0)
	if (!snapshot_other_netns_possible(r))
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
	if (!v->partial && rc->within.has && !rc->within.v && rc->gap_pages.v > 0) {
		fmt_human(h, (uint64_t)rc->gap_pages.v * r->page_size);
		ADD(": sockstat's %lld pages (%s) outside the dumped sockets can be theirs",
		    (long long)rc->gap_pages.v, h);
	}
	ADD(".");
#undef ADD
}

/* One sentence on a protocol's reconciliation (its sockets against its
 * sockstat mem), for every format. */
static void proto_sentence(const struct view *v, const struct reconcile *rc, const char *proto,
			   char *buf, size_t len)
{
	const struct snapshot *r = v->snap;

	if (v->filtered)
		snprintf(buf, len,
			 "a filter or -4/-6 limited the dump, so its sockets are not "
			 "comparable with sockstat's host-wide count.");
	else if (v->netns_skipped)
		snprintf(buf, len,
			 "%zu network namespace%s could not be entered, so %s sockets are missing "
			 "from the dump and the gap with sockstat's host-wide count cannot be judged.",
			 v->netns_skipped, v->netns_skipped == 1 ? "" : "s",
			 v->netns_skipped == 1 ? "its" : "their");
	else if (v->partial)
		snprintf(buf, len,
			 "%llu malformed sock_diag replies were skipped, so the dump misses "
			 "sockets and cannot be compared with sockstat's host-wide count.",
			 (unsigned long long)r->dstats.malformed);
	else if (!rc->sockstat_pages.has)
		snprintf(
		    buf, len,
		    "sockstat has no %s mem value, so the sockets cannot be reconciled with it.",
		    proto);
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
		    "tolerance of %lld: memory outside %s accounting or a dump that raced "
		    "with heavy traffic.",
		    (long long)-rc->gap_pages.v, (long long)rc->tolerance_pages.v,
		    strcmp(proto, "TCP") == 0 ? "tcp_mem" : "udp_mem");
	/* UDP mem is host-wide too: the same namespace caveat */
	scope_clause(v, rc, buf, len);
}

static void reconcile_sentence(const struct view *v, char *buf, size_t len)
{
	if (v->snap->cov.no_tcp)
		snprintf(buf, len, "%s", "no TCP socket was dumped (-u): nothing to reconcile.");
	else
		proto_sentence(v, &v->rec, "TCP", buf, len);
}

static void udp_reconcile_sentence(const struct view *v, char *buf, size_t len)
{
	proto_sentence(v, &v->udp_rec, "UDP", buf, len);
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

/* Sockets of one namespace in the view. */
static uint64_t ns_sockets(const struct view *v, uint64_t ino)
{
	const struct view_ns *ns = view_ns_find(v, ino);

	return ns ? ns->sockets : 0;
}

/* Sockets of one namespace, absent when it was skipped (nothing was dumped). */
static struct maybe ns_count(const struct view *v, const struct netns_ent *ns)
{
	return ns->skipped ? maybe_none() : maybe_of((int64_t)ns_sockets(v, ns->ino));
}

/* Per namespace, the sockets no process holds by category (the names are
 * top's JSON "category"): no_descriptor, the sockets with an inode no
 * descriptor the walk read holds, only when owners were walked (top calls
 * them not_attributed when processes were not inspected). */
static const struct {
	const char *key;
	enum no_proc_slot slot;
} np_cats[] = {
	{ "time_wait", NP_TIME_WAIT }, { "request", NP_REQUEST },
	{ "orphan", NP_ORPHAN },       { "unaccepted", NP_UNACCEPTED },
	{ "no_descriptor", NP_NO_HOLDER },
};
#define N_NP_CATS (sizeof(np_cats) / sizeof(np_cats[0]))

/* Fills np (NP_N sums) for namespace ns; false when it was skipped. */
static bool ns_no_proc(const struct view *v, const struct netns_ent *ns, struct sums *np)
{
	const struct view_ns *n = view_ns_find(v, ns->ino);

	if (ns->skipped)
		return false;
	if (n)
		memcpy(np, n->no_proc, sizeof(n->no_proc));
	else
		memset(np, 0, NP_N * sizeof(*np));
	return true;
}

/* Whether category k of np_cats is known (a count, not a guess). */
static bool np_known(const struct view *v, size_t k)
{
	return np_cats[k].slot != NP_NO_HOLDER || v->snap->owners.walked;
}

static void json_no_proc(struct jw *w, const struct view *v, const struct netns_ent *ns)
{
	struct sums np[NP_N];

	jw_key(w, "without_process");
	if (!ns_no_proc(v, ns, np)) {
		jw_null(w);
		return;
	}
	jw_obj_begin(w);
	for (size_t k = 0; k < N_NP_CATS; k++) {
		const struct sums *c = &np[np_cats[k].slot];

		jw_key(w, np_cats[k].key);
		if (!np_known(v, k)) {
			jw_null(w);
			continue;
		}
		jw_obj_begin(w);
		jw_kv_maybe(w, "sockets", maybe_of((int64_t)c->sockets));
		jw_kv_maybe(w, "charged_bytes", maybe_of((int64_t)c->charged_bytes));
		jw_obj_end(w);
	}
	jw_obj_end(w);
}

/* TSV: namespaces.INO.without_process.CATEGORY.{sockets,charged_bytes}. */
static void tsv_no_proc(struct outbuf *b, const struct view *v, const struct netns_ent *ns)
{
	static const char *const what[] = { "sockets", "charged_bytes" };
	struct sums np[NP_N];
	bool have = ns_no_proc(v, ns, np);

	for (size_t k = 0; k < N_NP_CATS; k++)
		for (size_t m = 0; m < 2; m++) {
			const struct sums *c = &np[np_cats[k].slot];

			ob_str(b, "namespaces.");
			ob_u64(b, ns->ino);
			ob_str(b, ".without_process.");
			ob_str(b, np_cats[k].key);
			ob_ch(b, '.');
			ob_str(b, what[m]);
			ob_ch(b, '\t');
			if (have && np_known(v, k))
				ob_u64(b, m ? c->charged_bytes : c->sockets);
			ob_ch(b, '\n');
		}
}

static void json_namespaces(struct jw *w, const struct view *v)
{
	const struct snapshot *r = v->snap;
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
		jw_kv_maybe(w, "sockets", ns_count(v, ns));
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
		if (r->cov.udp) {
			jw_kv_maybe(w, "udp_inuse", ns->udp_inuse);
			jw_kv_maybe(w, "udp_inuse6", ns->udp_inuse6);
			jw_kv_maybe(w, "udp_rmem_min", ns->sysctl.udp_rmem_min);
			jw_kv_maybe(w, "udp_wmem_min", ns->sysctl.udp_wmem_min);
		}
		json_no_proc(w, v, ns);
		jw_obj_end(w);
	}
	jw_arr_end(w);
}

/* Whether two fields are members of one section object. */
static bool same_section(const struct sysfield *a, const struct sysfield *b)
{
	return a->section && b->section && strcmp(a->section, b->section) == 0;
}

void out_json_system(struct jw *w, const struct view *v)
{
	struct sysfield f[SYSF_MAX];
	size_t n = sys_fields(v, f, false);
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
				reconcile_sentence(v, sentence, sizeof(sentence));
				jw_kv_str(w, "explanation", sentence);
			} else if (strcmp(f[i].section, "udp_reconcile") == 0) {
				udp_reconcile_sentence(v, sentence, sizeof(sentence));
				jw_kv_str(w, "explanation", sentence);
			}
			jw_obj_end(w);
		}
	}
	json_namespaces(w, v);
	jw_obj_end(w);
}

static void tsv_system(struct outbuf *b, const struct view *v, const struct opts *o)
{
	const struct snapshot *r = v->snap;
	struct sysfield f[SYSF_MAX];
	size_t n = sys_fields(v, f, false);
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
	reconcile_sentence(v, sentence, sizeof(sentence));
	ob_str(b, "reconcile.explanation\t");
	ob_tsv_str(b, sentence, NULL);
	ob_ch(b, '\n');
	if (r->cov.udp) {
		udp_reconcile_sentence(v, sentence, sizeof(sentence));
		ob_str(b, "udp_reconcile.explanation\t");
		ob_tsv_str(b, sentence, NULL);
		ob_ch(b, '\n');
	}
	/* one block per namespace: namespaces.INO.KEY */
	for (size_t i = 0; i < r->nnetns; i++) {
		const struct netns_ent *ns = &r->netns[i];
		const struct sysfield nf[] = {
			{ .key = "sockets", .v = ns_count(v, ns), .unit = UNIT_COUNT },
			{ .key = "inuse", .v = ns->inuse, .unit = UNIT_COUNT },
			{ .key = "tw", .v = ns->tw, .unit = UNIT_COUNT },
			{ .key = "tcp_rmem_max", .v = ns->sysctl.tcp_rmem[2], .unit = UNIT_BYTES },
			{ .key = "tcp_wmem_max", .v = ns->sysctl.tcp_wmem[2], .unit = UNIT_BYTES },
			/* with UDP collected only (nf_n) */
			{ .key = "udp_inuse", .v = ns->udp_inuse, .unit = UNIT_COUNT },
			{ .key = "udp_inuse6", .v = ns->udp_inuse6, .unit = UNIT_COUNT },
			{ .key = "udp_rmem_min", .v = ns->sysctl.udp_rmem_min, .unit = UNIT_BYTES },
			{ .key = "udp_wmem_min", .v = ns->sysctl.udp_wmem_min, .unit = UNIT_BYTES },
		};
		size_t nf_n = sizeof(nf) / sizeof(nf[0]) - (r->cov.udp ? 0 : 4);

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
		for (size_t k = 0; k < nf_n; k++) {
			ob_str(b, "namespaces.");
			ob_u64(b, ns->ino);
			ob_ch(b, '.');
			ob_str(b, nf[k].key);
			ob_ch(b, '\t');
			if (nf[k].v.has)
				ob_i64(b, nf[k].v.v);
			ob_ch(b, '\n');
		}
		tsv_no_proc(b, v, ns);
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

/* The note below the net.ipv4 line: tcp_adv_win_scale's caveat, when it applies. */
static void note_ipv4(const struct view *v, char *buf, size_t len)
{
	const struct snapshot *r = v->snap;
	struct maybe ignored = sysinfo_adv_win_scale_ignored(&r->sys);

	snprintf(buf, len, "%s",
		 ignored.has && ignored.v ? "tcp_adv_win_scale is ignored since Linux 6.6 (each "
					    "socket's scaling_ratio replaced it)"
					  : "");
}

static void note_orphans(const struct view *v, char *buf, size_t len)
{
	(void)v;
	snprintf(buf, len,
		 "(more orphans before tcp_too_many_orphans fires: orphans << shift > "
		 "tcp_max_orphans)");
}

/* Since when TcpExt counts: the table's words for counters_since_boot. */
static void note_tcpext(const struct view *v, char *buf, size_t len)
{
	const struct snapshot *r = v->snap;
	struct maybe boot = r->sys.initial_netns;

	snprintf(buf, len, "%s",
		 !boot.has ? "(counters since boot or since the namespace was created)"
		 : boot.v  ? "(counters since boot)"
			   : "(counters since the namespace was created)");
}

/* One line of the system table: its label, and what it says around its fields. */
struct tline_fmt {
	const char *label;
	const char *start;	 /* after the label, before the fields */
	int wrap;		 /* > 0: an unlabelled continuation line every wrap fields */
	const char *unavailable; /* instead of the fields when the first is absent */
	const char *end;	 /* after the fields */
	/* NULL, or writes a sentence ("" for none) for an unlabelled line below */
	void (*note)(const struct view *v, char *buf, size_t len);
};

static const struct tline_fmt tlines[TL_N] = {
	[TL_SOCKETS] = { "TCP sockets", "", 0, NULL, "", NULL },
	[TL_MEMORY] = { "TCP memory", "", 0, NULL, "", NULL },
	[TL_TCP_MEM] = { "tcp_mem", "", 0,
			 "  unavailable (no net.ipv4.tcp_mem here: a container network namespace?)",
			 "  pages (used %)", NULL },
	[TL_PRESSURE] = { "pressure", "", 0, NULL, "", NULL },
	[TL_RMEM] = { "tcp_rmem", "", 0, NULL, "", NULL },
	[TL_WMEM] = { "tcp_wmem", "", 0, NULL, "", NULL },
	[TL_CORE] = { "net.core", "", 0, NULL, "", NULL },
	[TL_IPV4] = { "net.ipv4", "", 0, NULL, "", note_ipv4 },
	[TL_ORPHANS] = { "orphans", "  headroom", 0, NULL, "", note_orphans },
	[TL_TCPEXT] = { "TcpExt", "", 4, NULL, "", note_tcpext },
	[TL_SCOPE] = { "scope", "", 0, NULL, "", NULL },
	[TL_RECONCILE] = { "reconcile", "", 0, NULL, "", reconcile_sentence },
	[TL_UDP_SOCKETS] = { "UDP sockets", "", 0, NULL, "", NULL },
	[TL_UDP_MEM] = { "udp_mem", "", 0,
			 "  unavailable (no net.ipv4.udp_mem here: a container network namespace?)",
			 "  pages (used %)", NULL },
	[TL_UDP_COUNTERS] = { "Udp", "", 3, NULL, "", NULL },
	[TL_UDP6_COUNTERS] = { "Udp6", "", 3, NULL, "", NULL },
	[TL_UDP_RECONCILE] = { "udp reconcile", "", 0, NULL, "", udp_reconcile_sentence },
};

/* The next field of line l after table position `after` (order, then field
 * index), or n when none is left. */
static size_t next_in_line(const struct sysfield *f, size_t n, enum tline l, int order,
			   size_t after, bool first)
{
	size_t best = n;

	for (size_t i = 0; i < n; i++) {
		if (f[i].line != l)
			continue;
		if (!first && (f[i].order < order || (f[i].order == order && i <= after)))
			continue;
		if (best == n || f[i].order < f[best].order ||
		    (f[i].order == f[best].order && i < best))
			best = i;
	}
	return best;
}

/* Writes table line l: its label, then each of its fields in table order. */
static void table_line(struct outbuf *b, const struct opts *o, const struct sysfield *f, size_t n,
		       enum tline l)
{
	const struct tline_fmt *t = &tlines[l];
	size_t i = next_in_line(f, n, l, 0, 0, true);
	int k = 0;

	label(b, t->label);
	ob_str(b, t->start);
	if (t->unavailable && i < n && !f[i].v.has) {
		ob_str(b, t->unavailable);
		ob_ch(b, '\n');
		return;
	}
	for (; i < n; i = next_in_line(f, n, l, f[i].order, i, false), k++) {
		if (t->wrap && k && k % t->wrap == 0) {
			ob_ch(b, '\n');
			label(b, "");
		}
		if (f[i].pre) {
			ob_str(b, f[i].pre);
		} else {
			ob_str(b, "  ");
			ob_str(b, f[i].title ? f[i].title : f[i].key);
			ob_ch(b, ' ');
		}
		tv(b, o, f[i].v, f[i].unit);
		if (f[i].post)
			ob_str(b, f[i].post);
	}
	ob_str(b, t->end);
	ob_ch(b, '\n');
}

/* Writes the note of table line l, if it has one. */
static void table_note(struct outbuf *b, const struct view *v, enum tline l)
{
	char sentence[1024];

	if (!tlines[l].note)
		return;
	tlines[l].note(v, sentence, sizeof(sentence));
	if (!sentence[0])
		return;
	label(b, "");
	ob_str(b, "  ");
	ob_str(b, sentence);
	ob_ch(b, '\n');
}

static void table_system(struct outbuf *b, const struct view *v, const struct opts *o)
{
	const struct snapshot *r = v->snap;
	struct sysfield f[SYSF_MAX];
	size_t n = sys_fields(v, f, true);

	for (int l = TL_SOCKETS; l < (r->cov.udp ? TL_N : TL_UDP_SOCKETS); l++) {
		table_line(b, o, f, n, (enum tline)l);
		table_note(b, v, (enum tline)l);
	}
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
		ob_u64(b, ns_sockets(v, ns->ino));
		kv(b, o, "inuse", ns->inuse, UNIT_COUNT);
		kv(b, o, "tw", ns->tw, UNIT_COUNT);
		kv(b, o, "tcp_rmem_max", ns->sysctl.tcp_rmem[2], UNIT_BYTES);
		kv(b, o, "tcp_wmem_max", ns->sysctl.tcp_wmem[2], UNIT_BYTES);
		if (r->cov.udp) {
			kv(b, o, "udp_inuse", ns->udp_inuse, UNIT_COUNT);
			kv(b, o, "udp_inuse6", ns->udp_inuse6, UNIT_COUNT);
			kv(b, o, "udp_rmem_min", ns->sysctl.udp_rmem_min, UNIT_BYTES);
			kv(b, o, "udp_wmem_min", ns->sysctl.udp_wmem_min, UNIT_BYTES);
		}
		ob_ch(b, '\n');
	}
}

void out_system(struct outbuf *b, const struct view *v, const struct opts *o)
{
	if (o->fmt == FMT_TSV)
		tsv_system(b, v, o);
	else
		table_system(b, v, o);
}

void out_system_each(const struct view *v,
		     void (*fn)(void *arg, const char *section, const char *key, struct maybe v,
				enum unit unit),
		     void *arg)
{
	struct sysfield f[SYSF_MAX];
	size_t n = sys_fields(v, f, false);

	for (size_t i = 0; i < n; i++)
		fn(arg, f[i].section, f[i].key, f[i].v, f[i].unit);
}
