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
	case BY_USER: {
		const char *u = g->key == AGG_NO_KEY ? NULL : report_username(r, (uint32_t)g->key);

		c[0] = g->key == AGG_NO_KEY ? absent : (struct cell){ CELL_U64, g->key, 0, NULL };
		c[1] = u ? (struct cell){ CELL_UNTRUSTED, 0, 0, u } : absent;
		break;
	}
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

static void json_sums(struct outbuf *b, const struct sums *s, int *f)
{
	json_u64(b, "sockets", s->sockets, f);
	json_u64(b, "r", s->r, f);
	json_u64(b, "w", s->w, f);
	json_u64(b, "f", s->f, f);
	json_u64(b, "t", s->t, f);
	json_u64(b, "rb", s->rb, f);
	json_u64(b, "tb", s->tb, f);
	json_u64(b, "charged_bytes", s->charged_bytes, f);
	json_u64(b, "charged_pages", s->charged_pages, f);
}

void out_json_top(struct outbuf *b, const struct report *r, const struct opts *o, int *first)
{
	size_t n = shown(r, o);

	json_text(b, "by", agg_by_name(r->by), first);
	json_key(b, "groups", first);
	ob_ch(b, '[');
	for (size_t i = 0; i < n; i++) {
		const struct group *g = &r->groups[i];
		int f = 1;

		ob_str(b, i ? ",\n{" : "\n{");
		if (r->by != BY_PROCESS) {
			struct col kc[MAX_KEYS];
			struct cell c[MAX_KEYS];
			size_t nk = key_cols(r->by, kc);

			key_cells(r, i, NULL, c);
			for (size_t k = 0; k < nk; k++) {
				json_key(b, kc[k].key, &f);
				if (c[k].kind == CELL_ABSENT)
					ob_str(b, "null");
				else if (c[k].kind == CELL_U64 || c[k].kind == CELL_BYTES)
					ob_u64(b, c[k].u);
				else
					ob_json_str(b, c[k].s);
			}
		} else if (!agg_is_proc(g->proc)) {
			json_key(b, "pid", &f);
			ob_str(b, "null");
			json_key(b, "comm", &f);
			ob_str(b, "null");
			json_key(b, "uid", &f);
			ob_str(b, "null");
			json_text(b, "category", pcat_names[proc_category(r, g->proc)].json, &f);
		} else {
			const struct proc_ent *p = &r->owners.procs[g->proc];

			json_u64(b, "pid", (uint64_t)p->pid, &f);
			json_text(b, "comm", p->comm, &f);
			json_u64(b, "uid", p->uid, &f);
			json_text(b, "category", pcat_names[PC_PROCESS].json, &f);
		}
		json_sums(b, &g->s, &f);
		ob_ch(b, '}');
	}
	ob_str(b, "\n]");
	json_key(b, "totals", first);
	ob_ch(b, '{');
	{
		int f = 1;

		json_sums(b, &r->totals, &f);
	}
	ob_ch(b, '}');
	json_key(b, "owners_scan", first);
	if (!r->owners_scanned) {
		ob_str(b, "null");
	} else {
		int f = 1;

		ob_ch(b, '{');
		json_u64(b, "procs_scanned", r->owners.procs_scanned, &f);
		json_u64(b, "procs_denied", r->owners.procs_denied, &f);
		json_u64(b, "fds_denied", r->owners.fds_denied, &f);
		json_u64(b, "procs_gone", r->owners.procs_gone, &f);
		json_u64(b, "procs_incomplete", r->owners.procs_incomplete, &f);
		json_u64(b, "task_tables", r->owners.task_tables, &f);
		ob_ch(b, '}');
	}
}
