// SPDX-License-Identifier: GPL-2.0-or-later
/* out_top.c - the `top` view: one row per process by charged memory. */
#include "render/out.h"

#include <string.h>

/* Sum columns, after the key columns of the --by key. */
enum { T_SOCKETS, T_R, T_W, T_F, T_T, T_RB, T_TB, T_CHARGED, T_PAGES, T_NSUMS };
#define MAX_KEYS 4

static const struct col sum_cols[T_NSUMS] = {
	[T_SOCKETS] = { "sockets", "SOCKETS", 0 },
	[T_R] = { "r", "r", 0 },
	[T_W] = { "w", "w", 0 },
	[T_F] = { "f", "f", 0 },
	[T_T] = { "t", "t", 0 },
	[T_RB] = { "rb", "rb(sum)", 0 },
	[T_TB] = { "tb", "tb(sum)", 0 },
	[T_CHARGED] = { "charged_bytes", "CHARGED", 0 },
	[T_PAGES] = { "charged_pages", "PAGES", 0 },
};

/* Key columns per --by; returns how many. */
static size_t key_cols(enum group_by by, struct col *c)
{
	switch (by) {
	case BY_CGROUP:
		c[0] = (struct col){ "cgroup", "CGROUP", 1 };
		c[1] = (struct col){ "cgroup_id", "CGROUP-ID", 0 };
		c[2] = (struct col){ "memcg_sock_bytes", "MEMCG-SOCK", 0 };
		c[3] = (struct col){ "memcg_v1_tcp_bytes", "V1-TCP", 0 };
		return 4;
	case BY_USER:
		c[0] = (struct col){ "uid", "UID", 0 };
		c[1] = (struct col){ "user", "USER", 1 };
		return 2;
	case BY_PORT: c[0] = (struct col){ "port", "PORT", 0 }; return 1;
	case BY_STATE: c[0] = (struct col){ "state", "STATE", 1 }; return 1;
	case BY_NETNS:
		c[0] = (struct col){ "netns", "NETNS", 0 };
		c[1] = (struct col){ "netns_name", "NAME", 1 };
		return 2;
	default:
		c[0] = (struct col){ "pid", "PID", 0 };
		c[1] = (struct col){ "comm", "COMM", 1 };
		c[2] = (struct col){ "uid", "UID", 0 };
		return 3;
	}
}

/* Number of groups to show after --top. */
static size_t shown(const struct report *r, const struct opts *o)
{
	return o->top_n && o->top_n < r->ngroups ? o->top_n : r->ngroups;
}

static void sums_cells(const struct sums *s, struct cell *c)
{
	c[T_SOCKETS] = (struct cell){ CELL_U64, s->sockets, 0, NULL };
	c[T_R] = (struct cell){ CELL_BYTES, s->r, 0, NULL };
	c[T_W] = (struct cell){ CELL_BYTES, s->w, 0, NULL };
	c[T_F] = (struct cell){ CELL_BYTES, s->f, 0, NULL };
	c[T_T] = (struct cell){ CELL_BYTES, s->t, 0, NULL };
	c[T_RB] = (struct cell){ CELL_BYTES, s->rb, 0, NULL };
	c[T_TB] = (struct cell){ CELL_BYTES, s->tb, 0, NULL };
	c[T_CHARGED] = (struct cell){ CELL_BYTES, s->charged_bytes, 0, NULL };
	c[T_PAGES] = (struct cell){ CELL_U64, s->charged_pages, 0, NULL };
}

static const struct cell absent = { CELL_ABSENT, 0, 0, NULL };

/* Name of a namespace inode from the report, or NULL. */
static const char *netns_name(const struct report *r, uint64_t ino)
{
	for (size_t i = 0; i < r->nnetns; i++)
		if (r->netns[i].ino == ino && r->netns[i].name[0])
			return r->netns[i].name;
	return NULL;
}

/* Category of a --by process group: JSON "category" and, for the rows
 * without a process, the table/TSV comm text. */
enum pcat { PC_PROCESS, PC_NOT_SCANNED, PC_NO_PROCESS, PC_NO_DESCRIPTOR, PC_NOT_ATTRIBUTED };

static const struct {
	const char *json, *comm;
} pcat_names[] = {
	[PC_PROCESS] = { "process", NULL },
	[PC_NOT_SCANNED] = { "not_scanned", "(owners not scanned)" },
	[PC_NO_PROCESS] = { "no_process", "(no process)" },
	[PC_NO_DESCRIPTOR] = { "no_descriptor", "(no visible descriptor)" },
	[PC_NOT_ATTRIBUTED] = { "not_attributed", "(not attributed)" },
};

static enum pcat proc_category(const struct report *r, uint32_t proc)
{
	if (agg_is_proc(proc))
		return PC_PROCESS;
	if (!r->owners_scanned)
		return PC_NOT_SCANNED;
	if (proc == AGG_NO_PROC)
		return PC_NO_PROCESS;
	/* a process not inspected may hold them: not claimed held by nobody */
	return owners_not_inspected(&r->owners) ? PC_NOT_ATTRIBUTED : PC_NO_DESCRIPTOR;
}

/* comm cell of a row without a process; the not-attributed label, which
 * carries a count, is written into scratch (NULL: JSON, never asked). */
static struct cell no_proc_comm(const struct report *r, uint32_t proc, struct outbuf *scratch)
{
	enum pcat c = proc_category(r, proc);
	size_t start = scratch ? scratch->len : 0;

	if (c != PC_NOT_ATTRIBUTED || !scratch)
		return (struct cell){ CELL_TEXT, 0, 0, pcat_names[c].comm };
	ob_str(scratch, "(not attributed: ");
	ob_u64(scratch, owners_not_inspected(&r->owners));
	ob_str(scratch, " processes not inspected)");
	return (struct cell){ CELL_RAW, (uint64_t)(scratch->len - start) << 32 | start, 0, NULL };
}

static void key_cells(const struct report *r, size_t i, struct outbuf *scratch, struct cell *c)
{
	const struct group *g = &r->groups[i];
	const struct cgroup_ent *e;

	switch (r->by) {
	case BY_CGROUP:
		e = g->key == AGG_NO_KEY ? NULL : cgroup_get(&r->cg, g->key);
		c[0] = e && e->path ? (struct cell){ CELL_UNTRUSTED, 0, 0, e->path } : absent;
		c[1] = g->key == AGG_NO_KEY ? absent : (struct cell){ CELL_U64, g->key, 0, NULL };
		c[2] = cell_maybe(e ? e->memcg_sock_bytes : maybe_none(), CELL_BYTES);
		c[3] = cell_maybe(e ? e->v1_tcp_bytes : maybe_none(), CELL_BYTES);
		break;
	case BY_USER:
		c[0] = g->key == AGG_NO_KEY ? absent : (struct cell){ CELL_U64, g->key, 0, NULL };
		c[1] = r->usernames && r->usernames[i][0]
			   ? (struct cell){ CELL_UNTRUSTED, 0, 0, r->usernames[i] }
			   : absent;
		break;
	case BY_PORT: c[0] = (struct cell){ CELL_U64, g->key, 0, NULL }; break;
	case BY_STATE:
		c[0] = (struct cell){ CELL_TEXT, 0, 0, sock_state_name((unsigned)g->key) };
		break;
	case BY_NETNS: {
		const char *nm = netns_name(r, g->key);

		c[0] = (struct cell){ CELL_U64, g->key, 0, NULL };
		c[1] = nm ? (struct cell){ CELL_UNTRUSTED, 0, 0, nm } : absent;
		break;
	}
	default:
		if (!agg_is_proc(g->proc)) {
			c[0] = absent;
			c[1] = no_proc_comm(r, g->proc, scratch);
			c[2] = absent;
		} else {
			const struct proc_ent *p = &r->owners.procs[g->proc];

			c[0] = (struct cell){ CELL_U64, (uint64_t)p->pid, 0, NULL };
			c[1] = (struct cell){ CELL_UNTRUSTED, 0, 0, p->comm };
			c[2] = (struct cell){ CELL_U64, p->uid, 0, NULL };
		}
		break;
	}
}

static void top_row(const void *ctx, size_t i, enum fmt fmt, struct outbuf *scratch, struct cell *c)
{
	const struct report *r = ctx;
	struct col kc[MAX_KEYS];
	size_t nk = key_cols(r->by, kc);

	(void)fmt;
	key_cells(r, i, scratch, c);
	sums_cells(&r->groups[i].s, c + nk);
}

/* Sums of the shown groups' charged memory cannot be added up to the total
 * when sockets are shared, so the total is its own line. */
static void top_footer(struct outbuf *b, const struct report *r, const struct opts *o)
{
	char h[16];

	fmt_human(h, r->totals.charged_bytes);
	ob_str(b, "total (each socket once): ");
	ob_u64(b, r->totals.sockets);
	ob_str(b, " sockets, charged ");
	if (o->numeric)
		ob_u64(b, r->totals.charged_bytes);
	else
		ob_str(b, h);
	ob_str(b, " (");
	ob_u64(b, r->totals.charged_pages);
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

void out_top(struct outbuf *b, const struct report *r, const struct opts *o)
{
	struct col cols[MAX_KEYS + T_NSUMS];
	size_t nk = key_cols(r->by, cols);

	memcpy(cols + nk, sum_cols, sizeof(sum_cols));
	out_grid(b, o, cols, nk + T_NSUMS, shown(r, o), top_row, r);
	if (o->fmt == FMT_TABLE && !o->no_header)
		top_footer(b, r, o);
}

static void json_sums(struct jw *w, const struct sums *s)
{
	jw_kv_u64(w, "sockets", s->sockets);
	jw_kv_u64(w, "r", s->r);
	jw_kv_u64(w, "w", s->w);
	jw_kv_u64(w, "f", s->f);
	jw_kv_u64(w, "t", s->t);
	jw_kv_u64(w, "rb", s->rb);
	jw_kv_u64(w, "tb", s->tb);
	jw_kv_u64(w, "charged_bytes", s->charged_bytes);
	jw_kv_u64(w, "charged_pages", s->charged_pages);
}

/* Key members of group i for a --by other than process. */
static void json_key_cells(struct jw *w, const struct report *r, size_t i)
{
	struct col kc[MAX_KEYS];
	struct cell c[MAX_KEYS];
	size_t nk = key_cols(r->by, kc);

	key_cells(r, i, NULL, c);
	for (size_t k = 0; k < nk; k++) {
		jw_key(w, kc[k].key);
		if (c[k].kind == CELL_ABSENT)
			jw_null(w);
		else if (c[k].kind == CELL_U64 || c[k].kind == CELL_BYTES)
			jw_u64(w, c[k].u);
		else
			jw_str(w, c[k].s);
	}
}

static void json_group(struct jw *w, const struct report *r, size_t i)
{
	const struct group *g = &r->groups[i];

	jw_obj_begin(w);
	if (r->by != BY_PROCESS) {
		json_key_cells(w, r, i);
	} else if (!agg_is_proc(g->proc)) {
		jw_key(w, "pid");
		jw_null(w);
		jw_key(w, "comm");
		jw_null(w);
		jw_key(w, "uid");
		jw_null(w);
		jw_kv_str(w, "category", pcat_names[proc_category(r, g->proc)].json);
	} else {
		const struct proc_ent *p = &r->owners.procs[g->proc];

		jw_kv_u64(w, "pid", (uint64_t)p->pid);
		jw_kv_str(w, "comm", p->comm);
		jw_kv_u64(w, "uid", p->uid);
		jw_kv_str(w, "category", pcat_names[PC_PROCESS].json);
	}
	json_sums(w, &g->s);
	jw_obj_end(w);
}

void out_json_top(struct jw *w, const struct report *r, const struct opts *o)
{
	size_t n = shown(r, o);

	jw_kv_str(w, "by", agg_by_name(r->by));
	jw_key(w, "groups");
	jw_arr_begin(w, JW_LINES);
	for (size_t i = 0; i < n; i++)
		json_group(w, r, i);
	jw_arr_end(w);
	jw_key(w, "totals");
	jw_obj_begin(w);
	json_sums(w, &r->totals);
	jw_obj_end(w);
	jw_key(w, "owners_scan");
	if (!r->owners_scanned) {
		jw_null(w);
	} else {
		jw_obj_begin(w);
		jw_kv_u64(w, "procs_scanned", r->owners.procs_scanned);
		jw_kv_u64(w, "procs_denied", r->owners.procs_denied);
		jw_kv_u64(w, "fds_denied", r->owners.fds_denied);
		jw_kv_u64(w, "procs_gone", r->owners.procs_gone);
		jw_kv_u64(w, "procs_incomplete", r->owners.procs_incomplete);
		jw_kv_u64(w, "task_tables", r->owners.task_tables);
		jw_obj_end(w);
	}
}
