// SPDX-License-Identifier: GPL-2.0-or-later
/* out_top.c - the `top` view: one row per process (or --by key) by charged memory. */
#include "render/out.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>

/* struct top_ctx (out.h): groups 0..n-1 as shown after --top, and at row n
 * the total, each socket counted once (TSV's last row, JSON's "totals"). */

/* Number of groups to show after --top. */
static size_t shown(const struct view *v, const struct opts *o)
{
	return o->top_n && o->top_n < v->ngroups ? o->top_n : v->ngroups;
}

/* --- sums: the same fields for every --by, and for the total --- */

static struct cell sum_get(const void *ctx, size_t row, const struct field *f, enum fmt fmt,
			   struct outbuf *scratch)
{
	const struct top_ctx *c = ctx;
	const struct sums *s = row == c->n ? &c->v->totals : &c->v->groups[row].s;
	uint64_t v;

	(void)fmt;
	(void)scratch;
	memcpy(&v, (const char *)s + f->arg, sizeof(v));
	return cell_u64(v);
}

#define SUM(key, title, unit, member) \
	{ key, title, NULL, unit, 0, sum_get, (int)offsetof(struct sums, member), NULL }
#define T_NSUMS 9
static const struct field sum_fields[T_NSUMS] = {
	SUM("sockets", "SOCKETS", UNIT_COUNT, sockets),
	SUM("r", "r", UNIT_BYTES, r),
	SUM("w", "w", UNIT_BYTES, w),
	SUM("f", "f", UNIT_BYTES, f),
	SUM("t", "t", UNIT_BYTES, t),
	SUM("rb", "rb(sum)", UNIT_BYTES, rb),
	SUM("tb", "tb(sum)", UNIT_BYTES, tb),
	SUM("charged_bytes", "CHARGED", UNIT_BYTES, charged_bytes),
	SUM("charged_pages", "PAGES", UNIT_PAGES, charged_pages),
};

/* --- key fields, per --by --- */

/* Name of a namespace inode from the snapshot, or NULL. */
static const char *netns_name(const struct snapshot *r, uint64_t ino)
{
	for (size_t i = 0; i < r->nnetns; i++)
		if (r->netns[i].ino == ino && r->netns[i].name[0])
			return r->netns[i].name;
	return NULL;
}

/* Category of a --by process group: JSON "category" and, for the rows
 * without a process, the table/TSV comm text. */
enum pcat {
	PC_PROCESS,
	PC_NOT_SCANNED,
	PC_TIME_WAIT,
	PC_REQUEST,
	PC_ORPHAN,
	PC_UNACCEPTED,
	PC_NO_DESCRIPTOR,
	PC_NOT_ATTRIBUTED
};

static const struct {
	const char *json, *comm;
} pcat_names[] = {
	[PC_PROCESS] = { "process", NULL },
	[PC_NOT_SCANNED] = { "not_scanned", "(owners not scanned)" },
	[PC_TIME_WAIT] = { "time_wait", "(time-wait)" },
	[PC_REQUEST] = { "request", "(request)" },
	[PC_ORPHAN] = { "orphan", "(orphan)" },
	[PC_UNACCEPTED] = { "unaccepted", "(unaccepted)" },
	[PC_NO_DESCRIPTOR] = { "no_descriptor", "(no visible descriptor)" },
	[PC_NOT_ATTRIBUTED] = { "not_attributed", "(not attributed)" },
};

static enum pcat proc_category(const struct snapshot *r, uint32_t proc)
{
	switch (proc) {
	case AGG_TIME_WAIT: return PC_TIME_WAIT;
	case AGG_REQUEST: return PC_REQUEST;
	case AGG_ORPHAN: return PC_ORPHAN;
	case AGG_UNACCEPTED: return PC_UNACCEPTED;
	case AGG_NO_PROC: return PC_NOT_SCANNED;
	case AGG_NO_HOLDER:
		/* a process not inspected may hold them: not claimed held by nobody */
		return owners_not_inspected(&r->owners) ? PC_NOT_ATTRIBUTED : PC_NO_DESCRIPTOR;
	default: return PC_PROCESS;
	}
}

const char *out_proc_category(const struct snapshot *r, uint32_t proc, bool json)
{
	enum pcat c = proc_category(r, proc);

	return json ? pcat_names[c].json : pcat_names[c].comm;
}

/* comm of a row without a process, for tables and TSV; the not-attributed
 * label carries a count and is written into scratch. */
static struct cell no_proc_comm(const struct snapshot *r, uint32_t proc, struct outbuf *scratch)
{
	enum pcat c = proc_category(r, proc);
	size_t start = scratch->len;

	if (c != PC_NOT_ATTRIBUTED)
		return cell_text(pcat_names[c].comm);
	ob_str(scratch, "(not attributed: ");
	ob_u64(scratch, owners_not_inspected(&r->owners));
	ob_str(scratch, " processes not inspected)");
	return cell_raw_since(scratch, start);
}

enum key_id {
	K_CGROUP,
	K_CGROUP_ID,
	K_MEMCG,
	K_V1TCP,
	K_UID,
	K_USER,
	K_PORT,
	K_STATE,
	K_NETNS,
	K_NETNS_NAME,
	K_PID,
	K_COMM,
	K_PROC_UID,
	K_START,
	K_CATEGORY,
};

static struct cell key_get(const void *ctx, size_t row, const struct field *f, enum fmt fmt,
			   struct outbuf *scratch);

#define KEY(key, title, unit, flags, id) { key, title, NULL, unit, flags, key_get, id, NULL }
#define MAX_KEYS 5
_Static_assert(MAX_KEYS + T_NSUMS <= OUT_TOP_MAX_FIELDS, "OUT_TOP_MAX_FIELDS");
static const struct field keys_cgroup[] = {
	KEY("cgroup", "CGROUP", UNIT_TEXT, FIELD_LEFT, K_CGROUP),
	KEY("cgroup_id", "CGROUP-ID", UNIT_ID, FIELD_NOT_PROM, K_CGROUP_ID),
	KEY("memcg_sock_bytes", "MEMCG-SOCK", UNIT_BYTES, 0, K_MEMCG),
	KEY("memcg_v1_tcp_bytes", "V1-TCP", UNIT_BYTES, 0, K_V1TCP),
};
static const struct field keys_user[] = {
	KEY("uid", "UID", UNIT_ID, 0, K_UID),
	KEY("user", "USER", UNIT_TEXT, FIELD_LEFT, K_USER),
};
static const struct field keys_port[] = { KEY("port", "PORT", UNIT_ID, 0, K_PORT) };
static const struct field keys_state[] = { KEY("state", "STATE", UNIT_TEXT, FIELD_LEFT, K_STATE) };
static const struct field keys_netns[] = {
	KEY("netns", "NETNS", UNIT_ID, 0, K_NETNS),
	KEY("netns_name", "NAME", UNIT_TEXT, FIELD_LEFT, K_NETNS_NAME),
};
/* JSON says in "category" what the table says in comm for rows without a process */
static const struct field keys_process[] = {
	KEY("pid", "PID", UNIT_ID, 0, K_PID),
	KEY("comm", "COMM", UNIT_TEXT, FIELD_LEFT, K_COMM),
	KEY("uid", "UID", UNIT_ID, 0, K_PROC_UID),
	/* with pid, the key of the process across runs of one boot (clock ticks) */
	KEY("start_time", "START", UNIT_ID, FIELD_JSON_ONLY | FIELD_NOT_PROM, K_START),
	KEY("category", "category", UNIT_TEXT, FIELD_JSON_ONLY, K_CATEGORY),
};

/* Key fields of a --by key; returns how many. */
static size_t key_fields(enum group_by by, const struct field **k)
{
#define KEYS(a) (*k = (a), sizeof(a) / sizeof((a)[0]))
	switch (by) {
	case BY_CGROUP: return KEYS(keys_cgroup);
	case BY_USER: return KEYS(keys_user);
	case BY_PORT: return KEYS(keys_port);
	case BY_STATE: return KEYS(keys_state);
	case BY_NETNS: return KEYS(keys_netns);
	default: return KEYS(keys_process);
	}
#undef KEYS
}

/* The field table of top for a --by key: keys, then sums; returns the count. */
size_t out_top_fields(enum group_by by, struct field *f, size_t *nkeys)
{
	const struct field *k;
	size_t nk = key_fields(by, &k);

	if (nkeys)
		*nkeys = nk;

	memcpy(f, k, nk * sizeof(*f));
	memcpy(f + nk, sum_fields, sizeof(sum_fields));
	return nk + T_NSUMS;
}

static struct cell untrusted(const char *s)
{
	return (struct cell){ CELL_UNTRUSTED, 0, 0, s };
}

static struct cell key_get(const void *ctx, size_t row, const struct field *f, enum fmt fmt,
			   struct outbuf *scratch)
{
	const struct top_ctx *c = ctx;
	const struct view *v = c->v;
	const struct snapshot *r = v->snap;
	const struct cgroup_ent *e = NULL;
	const struct proc_ent *p = NULL;
	const struct group *g;
	const struct field *k;

	if (row == c->n) { /* the total: its first key column says so */
		key_fields(v->by, &k);
		return f->arg == k[0].arg ? cell_text("total") : cell_absent();
	}
	g = &v->groups[row];
	if (v->by == BY_CGROUP && g->key != AGG_NO_KEY)
		e = cgroup_get(&r->cg, g->key);
	if (v->by == BY_PROCESS && agg_is_proc(g->proc))
		p = &r->owners.procs[g->proc];
	switch ((enum key_id)f->arg) {
	case K_CGROUP: return e && e->path ? untrusted(e->path) : cell_absent();
	case K_CGROUP_ID:
	case K_UID: return g->key == AGG_NO_KEY ? cell_absent() : cell_u64(g->key);
	case K_MEMCG: return cell_maybe(e ? e->memcg_sock_bytes : maybe_none(), CELL_U64);
	case K_V1TCP: return cell_maybe(e ? e->v1_tcp_bytes : maybe_none(), CELL_U64);
	case K_USER: {
		const char *u =
		    g->key == AGG_NO_KEY ? NULL : snapshot_username(r, (uint32_t)g->key);

		return u ? untrusted(u) : cell_absent();
	}
	case K_PORT:
	case K_NETNS: return cell_u64(g->key);
	case K_STATE: return cell_text(sock_state_name((unsigned)g->key));
	case K_NETNS_NAME: {
		const char *nm = netns_name(r, g->key);

		return nm ? untrusted(nm) : cell_absent();
	}
	case K_PID: return p ? cell_u64((uint64_t)p->pid) : cell_absent();
	case K_COMM:
		if (p)
			return untrusted(p->comm);
		return fmt == FMT_JSON || fmt == FMT_PROM ? cell_absent()
							  : no_proc_comm(r, g->proc, scratch);
	case K_PROC_UID: return p ? cell_u64(p->uid) : cell_absent();
	case K_START: return cell_maybe(p ? p->start_time : maybe_none(), CELL_U64);
	case K_CATEGORY: return cell_text(pcat_names[proc_category(r, g->proc)].json);
	}
	return cell_absent();
}

/* Sums of the shown groups' charged memory cannot be added up to the total
 * when sockets are shared, so the total is its own line. */
static void top_footer(struct outbuf *b, const struct view *v, const struct opts *o)
{
	const struct snapshot *r = v->snap;
	char h[16];

	fmt_human(h, v->totals.charged_bytes);
	ob_str(b, "total (each socket once): ");
	ob_u64(b, v->totals.sockets);
	ob_str(b, " sockets, charged ");
	if (o->numeric)
		ob_u64(b, v->totals.charged_bytes);
	else
		ob_str(b, h);
	ob_str(b, " (");
	ob_u64(b, v->totals.charged_pages);
	ob_str(b, " pages)\n");
	for (size_t i = 0; i < r->nnetns; i++)
		if (r->netns[i].skipped) {
			ob_str(b, "namespaces: ");
			ob_u64(b, r->netns[i].ino);
			ob_str(b, " skipped (");
			ob_str(b, strerror(r->netns[i].skipped));
			ob_str(b, "): its sockets are not counted\n");
		}
	if (!r->owners_scanned) {
		ob_str(b, "owners: not scanned (--no-owners)\n");
	} else if (owners_not_inspected(&r->owners)) {
		const struct owners *w = &r->owners;

		ob_str(b, "owners: ");
		ob_u64(b, owners_not_inspected(w));
		ob_str(b, " of ");
		ob_u64(b, w->procs_scanned);
		ob_str(b, " processes could not be inspected (");
		if (w->procs_denied) {
			ob_u64(b, w->procs_denied);
			ob_str(b, " permission denied");
			if (w->fds_denied) {
				ob_str(b, ", ");
				ob_u64(b, w->fds_denied);
				ob_str(b, " fds unreadable");
			}
		}
		if (w->procs_incomplete) {
			ob_str(b, w->procs_denied ? "; " : "");
			ob_u64(b, w->procs_incomplete);
			ob_str(b, " read errors");
		}
		ob_str(b, "): their sockets count under (not attributed)\n");
	}
}

void out_top(struct outbuf *b, const struct view *v, const struct opts *o)
{
	struct field f[OUT_TOP_MAX_FIELDS];
	struct top_ctx c = { v, shown(v, o) };
	struct fieldset fs = { f, out_top_fields(v->by, f, NULL), NULL, NULL, NULL, NULL };

	/* TSV ends with the total row (unless -H), as the table ends with its
	 * total line */
	out_grid(b, o, &fs, c.n + (o->fmt == FMT_TSV && !o->no_header), &c);
	if (o->fmt == FMT_TABLE && !o->no_header)
		top_footer(b, v, o);
}

void out_json_top(struct jw *w, const struct view *v, const struct opts *o)
{
	const struct snapshot *r = v->snap;
	struct field f[OUT_TOP_MAX_FIELDS];
	struct top_ctx c = { v, shown(v, o) };
	struct fieldset fs = { f, out_top_fields(v->by, f, NULL), NULL, NULL, NULL, NULL };
	struct fieldset sums = { sum_fields, T_NSUMS, NULL, NULL, NULL, NULL };
	struct outbuf scratch;

	if (ob_init_mem(&scratch)) {
		w->b->err = w->b->err ? w->b->err : ENOMEM;
		return;
	}
	jw_kv_str(w, "by", agg_by_name(v->by));
	jw_key(w, "groups");
	jw_arr_begin(w, JW_LINES);
	for (size_t i = 0; i < c.n; i++)
		out_json_obj(w, &fs, &c, i, &scratch);
	jw_arr_end(w);
	jw_key(w, "totals");
	out_json_obj(w, &sums, &c, c.n, &scratch);
	ob_finish(&scratch);
	out_json_owners_scan(w, r);
}
