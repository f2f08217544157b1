// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * out_check.c - the `check` view: findings in table, TSV and JSON.
 *
 * Three field tables: a finding (TSV columns, JSON members, the table's
 * record lines), and the two lists inside it, its top processes and its top
 * sockets (JSON objects, the items of the TSV and table lists). Every format
 * renders from them, so a value is in all of them or its field says why not.
 */
#include "render/out.h"

#include <errno.h>
#include <string.h>

/* What a getter of the check view sees: the view and its snapshot, the
 * options (table units) and, for the lists, the finding. */
struct check_ctx {
	const struct view *v;
	const struct snapshot *r; /* v->snap */
	const struct opts *o;	  /* NULL in JSON, which has no options */
	const struct finding *f;
};

/* ---------------------------------------------------------- top sockets */

/* Top socket fields, in the order of the table's line. */
enum {
	TS_LOCAL,
	TS_PEER,
	TS_STATE,
	TS_RECVQ, /* from here on: " key value" items of the table line */
	TS_R,
	TS_RB,
	TS_TB,
	TS_F,
	TS_W,
	TS_D, /* only when the collection has UDP, so TCP-only output is unchanged */
	TS_RCV_WND,
	TS_RCV_WSCALE,
	TS_INODE,
	TS_COOKIE,
	TS_SENDQ,
	TS_CHARGED,
	TS_N
};

static const uint8_t ts_json_order[TS_N - 1] = {
	TS_STATE, TS_LOCAL, TS_PEER, TS_INODE, TS_COOKIE,  TS_RECVQ,   TS_SENDQ,      TS_R,
	TS_RB,	  TS_W,	    TS_TB,   TS_F,     TS_CHARGED, TS_RCV_WND, TS_RCV_WSCALE,
};
/* With UDP: d too, after the other SK_MEMINFO values. */
static const uint8_t ts_json_order_udp[TS_N] = {
	TS_STATE, TS_LOCAL, TS_PEER, TS_INODE, TS_COOKIE, TS_RECVQ,   TS_SENDQ,	  TS_R,
	TS_RB,	  TS_W,	    TS_TB,   TS_F,     TS_D,	  TS_CHARGED, TS_RCV_WND, TS_RCV_WSCALE,
};

/* The skmem index of a top socket field, or -1. */
static int ts_skm(int id)
{
	switch (id) {
	case TS_R: return SKM_R;
	case TS_RB: return SKM_RB;
	case TS_TB: return SKM_TB;
	case TS_F: return SKM_F;
	case TS_W: return SKM_W;
	case TS_D: return SKM_D;
	default: return -1;
	}
}

/* Row: an index into the snapshot's socks.v. */
static struct cell ts_get(const void *ctx, size_t row, const struct field *f, enum fmt fmt,
			  struct outbuf *scratch)
{
	const struct check_ctx *c = ctx;
	const struct sock_rec *s = &c->r->socks.v[row];
	char buf[SOCK_ENDPOINT_MAX];
	int skm = ts_skm(f->arg);
	size_t start = scratch->len;

	if (skm >= 0)
		return sock_has_skm(s, (enum skm)skm) ? cell_u64(s->skmem[skm]) : cell_absent();
	switch (f->arg) {
	case TS_LOCAL:
	case TS_PEER:
		/* JSON spells the local end as the sockets view does, with its
		 * %ifname; the table and TSV lists leave the interface out */
		if (f->arg == TS_LOCAL)
			sock_fmt_endpoint(buf, sizeof(buf), s->family, s->saddr, s->sport,
					  fmt == FMT_JSON ? snapshot_ifname(c->r, s) : NULL);
		else
			sock_fmt_endpoint(buf, sizeof(buf), s->family, s->daddr, s->dport, NULL);
		ob_str(scratch, buf);
		return cell_raw_since(scratch, start);
	case TS_STATE: return cell_text(sock_state_name(s->state));
	case TS_RECVQ: return cell_u64(s->rqueue);
	case TS_SENDQ: return cell_u64(s->wqueue);
	case TS_RCV_WND:
		return sock_has_ti(s, TI_RCV_WND) ? cell_u64(s->ti[TI_RCV_WND]) : cell_absent();
	case TS_RCV_WSCALE:
		return sock_has_ti(s, TI_RCV_WSCALE) ? cell_u64(s->ti[TI_RCV_WSCALE])
						     : cell_absent();
	case TS_INODE: return cell_u64(s->inode);
	case TS_COOKIE: return cell_u64(s->cookie);
	default: /* TS_CHARGED */
		return s->skmem_n > SKM_W ? cell_u64(sock_charged_bytes(s)) : cell_absent();
	}
}

/*
 * The table's line and the TSV list are a socket's summary: its endpoints,
 * state and memory. Its inode, cookie, send queue and charge are JSON
 * members only; `sockets` shows them for the same endpoints.
 */
static void ts_fields(struct field *f)
{
#define F(id, key_, unit_, flags_)                                                                 \
	(f[id] = (struct field){ .key = key_,                                                      \
				 .title = key_,                                                    \
				 .unit = unit_,                                                    \
				 .flags = flags_,                                                  \
				 .get = ts_get,                                                    \
				 .arg = id })
	F(TS_LOCAL, "local", UNIT_TEXT, 0);
	F(TS_PEER, "peer", UNIT_TEXT, 0);
	F(TS_STATE, "state", UNIT_TEXT, 0);
	F(TS_RECVQ, "recv_q", UNIT_BYTES, FIELD_EXACT);
	F(TS_R, "r", UNIT_BYTES, FIELD_EXACT);
	F(TS_RB, "rb", UNIT_BYTES, FIELD_EXACT);
	F(TS_TB, "tb", UNIT_BYTES, FIELD_EXACT);
	F(TS_F, "f", UNIT_BYTES, FIELD_EXACT);
	F(TS_W, "w", UNIT_BYTES, FIELD_EXACT);
	F(TS_D, "d", UNIT_COUNT, 0);
	F(TS_RCV_WND, "rcv_wnd", UNIT_BYTES, FIELD_EXACT);
	F(TS_RCV_WSCALE, "rcv_wscale", UNIT_COUNT, 0);
	F(TS_INODE, "inode", UNIT_ID, FIELD_JSON_ONLY);
	F(TS_COOKIE, "cookie", UNIT_ID, FIELD_JSON_ONLY);
	F(TS_SENDQ, "send_q", UNIT_BYTES, FIELD_JSON_ONLY);
	F(TS_CHARGED, "charged_bytes", UNIT_BYTES, FIELD_JSON_ONLY);
#undef F
}

/* Writes the text of cell c (table and TSV lists: numbers exact). */
static void put_cell(struct outbuf *b, const struct cell *c, const struct outbuf *scratch)
{
	if (c->kind == CELL_U64)
		ob_u64(b, c->u);
	else if (c->kind == CELL_TEXT)
		ob_str(b, c->s);
	else if (c->kind == CELL_RAW)
		ob_write(b, scratch->p + (c->u & 0xffffffffu), (size_t)(c->u >> 32));
}

/* "local->peer" of socket row, then (table) " state" and " key value" for
 * each present table field. With UDP collected, its drops d: " d N" in
 * tables, "/N" in TSV ("/" alone when absent). */
static void ts_item(struct outbuf *b, const struct check_ctx *c, size_t row, enum fmt fmt,
		    struct outbuf *scratch)
{
	struct field f[TS_N];

	ts_fields(f);
	for (int id = 0; id < TS_N; id++) {
		struct cell v;

		if (id == TS_D && !c->r->cov.udp)
			continue;
		if ((f[id].flags & FIELD_JSON_ONLY) ||
		    (fmt == FMT_TSV && id > TS_PEER && id != TS_D))
			continue;
		ob_reset(scratch);
		v = f[id].get(c, row, &f[id], fmt, scratch);
		if (fmt == FMT_TSV && id == TS_D) {
			ob_ch(b, '/');
			put_cell(b, &v, scratch);
			continue;
		}
		if (v.kind == CELL_ABSENT)
			continue;
		if (id == TS_PEER)
			ob_str(b, "->");
		else if (id != TS_LOCAL)
			ob_ch(b, ' ');
		if (id >= TS_RECVQ) {
			ob_str(b, f[id].key);
			ob_ch(b, ' ');
		}
		put_cell(b, &v, scratch);
	}
}

/* -------------------------------------------------------- top processes */

enum { TP_COMM, TP_PID, TP_SOCKETS, TP_CHARGED, TP_N };

static const uint8_t tp_json_order[TP_N] = { TP_PID, TP_COMM, TP_SOCKETS, TP_CHARGED };

/* Row: an index into the finding's procs. */
static struct cell tp_get(const void *ctx, size_t row, const struct field *f, enum fmt fmt,
			  struct outbuf *scratch)
{
	const struct check_ctx *c = ctx;
	const struct off_proc *op = &c->f->procs[row];
	const struct proc_ent *p = &c->r->owners.procs[op->proc];

	(void)fmt;
	(void)scratch;
	switch (f->arg) {
	case TP_COMM: return (struct cell){ CELL_UNTRUSTED, 0, 0, p->comm };
	case TP_PID: return cell_u64((uint64_t)p->pid);
	case TP_SOCKETS: return cell_u64(op->sockets);
	default: return cell_u64(op->charged_bytes);
	}
}

static void tp_fields(struct field *f)
{
#define F(id, key_, unit_)                                                                         \
	(f[id] = (struct field){                                                                   \
	     .key = key_, .title = key_, .unit = unit_, .get = tp_get, .arg = id })
	F(TP_COMM, "comm", UNIT_TEXT);
	F(TP_PID, "pid", UNIT_ID);
	F(TP_SOCKETS, "sockets", UNIT_COUNT);
	F(TP_CHARGED, "charged_bytes", UNIT_BYTES);
#undef F
}

/* One process of the list: "comm/pid/sockets/charged" in TSV (comm with
 * ',' and '/' as \xHH), "comm/pid (N sockets, SIZE)" in tables (comm with
 * '/' and ';' as \xHH; the size always in binary units). */
static void tp_item(struct outbuf *b, const struct check_ctx *c, size_t row, enum fmt fmt,
		    struct outbuf *scratch)
{
	static const char *const tbl_sep[TP_N] = { "", "/", " (", " sockets, " };
	struct field f[TP_N];
	char h[16];

	tp_fields(f);
	for (int id = 0; id < TP_N; id++) {
		struct cell v = f[id].get(c, row, &f[id], fmt, scratch);

		ob_str(b, fmt == FMT_TSV ? (id ? "/" : "") : tbl_sep[id]);
		if (v.kind == CELL_UNTRUSTED && fmt == FMT_TSV)
			ob_tsv_str(b, v.s, ",/");
		else if (v.kind == CELL_UNTRUSTED)
			ob_table_str(b, v.s, "/;");
		else if (f[id].unit == UNIT_BYTES && fmt == FMT_TABLE)
			ob_write(b, h, fmt_human(h, v.u));
		else
			ob_u64(b, v.u);
	}
	if (fmt == FMT_TABLE)
		ob_ch(b, ')');
}

/* ------------------------------------------------------------- findings */

/* Finding fields, in TSV column order. */
enum { FD_ID, FD_SEVERITY, FD_SUMMARY, FD_EVIDENCE, FD_PROCS, FD_SOCKS, FD_EXPLANATION, FD_N };

static const uint8_t fd_json_order[FD_N] = { FD_ID,	  FD_SEVERITY, FD_SUMMARY, FD_EXPLANATION,
					     FD_EVIDENCE, FD_PROCS,    FD_SOCKS };

/* Writes one evidence value as text ("-" in tables and "" in TSV when absent). */
static void ev_value(struct outbuf *b, const struct evidence *e, enum fmt fmt, bool human)
{
	char h[16];

	if (!e->v.has) {
		ob_str(b, fmt == FMT_TABLE ? "-" : "");
	} else if (e->kind == EV_BOOL) {
		ob_str(b, e->v.v ? "true" : "false");
	} else if (e->kind == EV_BYTES && human && e->v.v >= 0) {
		fmt_human(h, (uint64_t)e->v.v);
		ob_str(b, h);
	} else {
		ob_i64(b, e->v.v);
	}
}

/* "k=v" items joined by ',' (TSV) or ' ' (table). */
static void put_evidence(struct outbuf *b, const struct check_ctx *c, enum fmt fmt)
{
	for (size_t i = 0; i < c->f->nev; i++) {
		if (i)
			ob_ch(b, fmt == FMT_TSV ? ',' : ' ');
		ob_str(b, c->f->ev[i].key);
		ob_ch(b, '=');
		ev_value(b, &c->f->ev[i], fmt, fmt == FMT_TABLE && !c->o->numeric);
	}
}

/* The list of items: TSV joins with ',', tables with ';' (processes) or a
 * line each, aligned under the first (sockets). */
static void put_list(struct outbuf *b, const struct check_ctx *c, int id, enum fmt fmt,
		     struct outbuf *scratch)
{
	size_t n = id == FD_PROCS ? c->f->nprocs : c->f->nsocks;

	for (size_t i = 0; i < n; i++) {
		if (i)
			ob_str(b, fmt == FMT_TSV ? "," : id == FD_PROCS ? "; " : "\n             ");
		if (id == FD_PROCS)
			tp_item(b, c, i, fmt, scratch);
		else
			ts_item(b, c, c->f->socks[i], fmt, scratch);
	}
}

/* Table and TSV text of a finding's field; row is the finding's index. */
static struct cell fd_get(const void *ctx, size_t row, const struct field *f, enum fmt fmt,
			  struct outbuf *scratch)
{
	const struct check_ctx *base = ctx;
	struct check_ctx c = { base->v, base->r, base->o, &base->v->findings[row] };
	struct outbuf items;
	size_t start = scratch->len;

	switch (f->arg) {
	case FD_ID: return cell_text(c.f->id);
	case FD_SEVERITY: return cell_text(findings_sev_name(c.f->sev));
	case FD_SUMMARY: return (struct cell){ CELL_UNTRUSTED, 0, 0, c.f->summary };
	case FD_EXPLANATION: return (struct cell){ CELL_UNTRUSTED, 0, 0, c.f->explanation };
	case FD_EVIDENCE: put_evidence(scratch, &c, fmt); return cell_raw_since(scratch, start);
	default: /* the lists: their items need a scratch of their own */
		if (ob_init_mem(&items)) {
			scratch->err = ENOMEM;
			return cell_absent();
		}
		put_list(scratch, &c, f->arg, fmt, &items);
		ob_finish(&items);
		return cell_raw_since(scratch, start);
	}
}

/* JSON: the evidence values, members of the "evidence" object. */
static void fd_json_evidence(struct jw *w, const void *ctx, size_t row)
{
	const struct check_ctx *c = ctx;
	const struct finding *f = &c->v->findings[row];

	for (size_t i = 0; i < f->nev; i++) {
		const struct evidence *e = &f->ev[i];

		jw_key(w, e->key);
		if (!e->v.has)
			jw_null(w);
		else if (e->kind == EV_BOOL)
			jw_bool(w, e->v.v != 0);
		else
			jw_i64(w, e->v.v);
	}
}

/* JSON: a list as an array of objects, from its field table. */
static void fd_json_list(struct jw *w, const void *ctx, size_t row, bool procs)
{
	const struct check_ctx *base = ctx;
	struct check_ctx c = { base->v, base->r, NULL, &base->v->findings[row] };
	struct field f[(int)TS_N > (int)TP_N ? (int)TS_N : (int)TP_N];
	bool udp = base->r->cov.udp; /* the top sockets' d */
	const uint8_t *ts_order = udp ? ts_json_order_udp : ts_json_order;
	struct fieldset fs = { f, procs ? TP_N : udp ? TS_N : TS_N - 1,
			       procs ? tp_json_order : ts_order, NULL, NULL, NULL };
	size_t n = procs ? c.f->nprocs : c.f->nsocks;
	struct outbuf scratch;

	if (procs)
		tp_fields(f);
	else
		ts_fields(f);
	jw_key(w, procs ? "top_processes" : "top_sockets");
	jw_arr_begin(w, 0);
	if (ob_init_mem(&scratch) == 0) {
		for (size_t i = 0; i < n; i++)
			out_json_obj(w, &fs, &c, procs ? i : c.f->socks[i], &scratch);
		ob_finish(&scratch);
	} else {
		w->b->err = w->b->err ? w->b->err : ENOMEM;
	}
	jw_arr_end(w);
}

static void fd_json_procs(struct jw *w, const void *ctx, size_t row)
{
	fd_json_list(w, ctx, row, true);
}

static void fd_json_socks(struct jw *w, const void *ctx, size_t row)
{
	fd_json_list(w, ctx, row, false);
}

static void fd_fields(struct field *f)
{
	static const char ev[] = "evidence";

#define F(id, key_, title_, group_, flags_, json_)                                                 \
	(f[id] = (struct field){ .key = key_,                                                      \
				 .title = title_,                                                  \
				 .group = group_,                                                  \
				 .unit = UNIT_TEXT,                                                \
				 .flags = flags_,                                                  \
				 .get = fd_get,                                                    \
				 .arg = id,                                                        \
				 .json = json_ })
	F(FD_ID, "id", NULL, NULL, 0, NULL);
	F(FD_SEVERITY, "severity", NULL, NULL, 0, NULL);
	F(FD_SUMMARY, "summary", NULL, NULL, 0, NULL);
	/* JSON: the evidence values, then "top_processes" and "top_sockets",
	 * are members of one "evidence" object */
	F(FD_EVIDENCE, "evidence", "evidence:", ev, FIELD_JSON_MEMBERS, fd_json_evidence);
	F(FD_PROCS, "processes", "top processes: ", ev, FIELD_JSON_MEMBERS, fd_json_procs);
	F(FD_SOCKS, "sockets", "top sockets ", ev, FIELD_JSON_MEMBERS, fd_json_socks);
	F(FD_EXPLANATION, "explanation", "why: ", NULL, 0, NULL);
#undef F
}

void out_json_findings(struct jw *w, const struct view *v)
{
	struct check_ctx c = { v, v->snap, NULL, NULL };
	struct field f[FD_N];
	struct fieldset fs = { f, FD_N, fd_json_order, NULL, NULL, NULL };
	struct outbuf scratch;

	fd_fields(f);
	jw_key(w, "findings");
	jw_arr_begin(w, JW_LINES);
	if (ob_init_mem(&scratch) == 0) {
		for (size_t i = 0; i < v->nfindings; i++)
			out_json_obj(w, &fs, &c, i, &scratch);
		ob_finish(&scratch);
	} else {
		w->b->err = w->b->err ? w->b->err : ENOMEM;
	}
	jw_arr_end(w);
}

/*
 * The table: a record per finding, its fields in TSV order. The first line
 * is the severity (padded) and the id; then "  " and the field's title and
 * text, a line each: the summary without a title, the lists only when they
 * have items, evidence with " k=v" items.
 */
static void table_finding(struct outbuf *b, const struct field *f, const struct check_ctx *c,
			  size_t row, struct outbuf *scratch)
{
	const char *sev = findings_sev_name(c->v->findings[row].sev);

	ob_str(b, sev);
	ob_spaces(b, 10 - strlen(sev));
	ob_str(b, c->v->findings[row].id);
	ob_ch(b, '\n');
	for (int id = FD_SUMMARY; id < FD_N; id++) {
		struct cell v;

		ob_reset(scratch);
		v = f[id].get(c, row, &f[id], FMT_TABLE, scratch);
		if (v.kind == CELL_RAW && v.u >> 32 == 0 && id != FD_EVIDENCE)
			continue; /* an empty list */
		ob_str(b, "  ");
		if (f[id].title)
			ob_str(b, f[id].title);
		if (id == FD_EVIDENCE && v.u >> 32)
			ob_ch(b, ' ');
		if (v.kind == CELL_UNTRUSTED)
			ob_str(b, v.s); /* our own sentences, with numbers */
		else
			put_cell(b, &v, scratch);
		ob_ch(b, '\n');
	}
}

void out_check(struct outbuf *b, const struct view *v, const struct opts *o)
{
	struct check_ctx c = { v, v->snap, o, NULL };
	struct field f[FD_N];
	struct fieldset fs = { f, FD_N, NULL, NULL, NULL, NULL };
	struct outbuf scratch;
	int worst;

	fd_fields(f);
	if (o->fmt == FMT_TSV) {
		out_grid(b, o, &fs, v->nfindings, &c);
		return;
	}
	if (!o->no_header) {
		worst = findings_worst(v->findings, v->nfindings);
		ob_str(b, "findings: ");
		ob_u64(b, v->nfindings);
		ob_str(b, worst < 0		  ? " (healthy)"
			  : worst == SEV_CRITICAL ? " (worst: critical)"
			  : worst == SEV_WARNING  ? " (worst: warning)"
						  : " (info only)");
		ob_ch(b, '\n');
	}
	if (ob_init_mem(&scratch)) {
		b->err = b->err ? b->err : ENOMEM;
		return;
	}
	for (size_t i = 0; i < v->nfindings; i++)
		table_finding(b, f, &c, i, &scratch);
	ob_finish(&scratch);
}
