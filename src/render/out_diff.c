// SPDX-License-Identifier: GPL-2.0-or-later
/* out_diff.c - the `diff` view: what changed between two samples, as a
 * table, TSV blocks or one JSON document, each section one field table. */
#include "render/out_time.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "render/out.h"

/* --- shared cells --- */

/* A signed byte count for tables: "+12.5K", "-3.0M", "0" (exact with -n). */
static struct cell signed_bytes(int64_t v, const struct opts *o, enum fmt fmt,
				struct outbuf *scratch)
{
	char h[16];
	size_t start = scratch->len;
	uint64_t a = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

	if (fmt != FMT_TABLE)
		return (struct cell){ CELL_I64, 0, v, NULL };
	ob_str(scratch, v > 0 ? "+" : v < 0 ? "-" : "");
	if (o->numeric) {
		ob_u64(scratch, a);
	} else {
		fmt_human(h, a);
		ob_str(scratch, h);
	}
	return cell_raw_since(scratch, start);
}

/* A signed count for tables: "+3", "-2", "0". */
static struct cell signed_count(int64_t v, enum fmt fmt, struct outbuf *scratch)
{
	size_t start = scratch->len;

	if (fmt != FMT_TABLE)
		return (struct cell){ CELL_I64, 0, v, NULL };
	if (v > 0)
		ob_ch(scratch, '+');
	ob_i64(scratch, v);
	return cell_raw_since(scratch, start);
}

static struct cell rate_cell(struct maybe change, int64_t ms)
{
	double r = 0;
	bool has = delta_rate(change, ms, &r);

	return cell_f64(has, r);
}

static void fmt_time(time_t t, char *buf, size_t len)
{
	struct tm tm;

	if (!gmtime_r(&t, &tm) || !strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, len, "%lld", (long long)t);
}

/* --- system values and counters: one row each --- */

struct crow {
	char key[48]; /* TSV key; JSON: member of "system" (tcpext.X: of "tcpext") */
	enum unit unit;
	struct maybe old, new, change;
};

#define CROWS (3 + TX_N + 4 + 2 * UC_N)

static struct maybe bytes_of(struct maybe pages, uint64_t page_size)
{
	return maybe_mul(pages, (int64_t)page_size);
}

/* The UDP rows, when both samples collected UDP: sockstat UDP (udp.KEY)
 * and the Udp and Udp6 counters (udp_counters.NAME, udp6_counters.NAME),
 * named as system -u names them. */
static size_t udp_crows(const struct diff_doc *x, struct crow *c)
{
	const struct sysinfo *a = &x->old->snap->sys, *b = &x->new->snap->sys;
	const struct delta *d = x->d;
	struct maybe ob = bytes_of(a->sockstat.udp_mem_pages, x->old->snap->page_size);
	struct maybe nb = bytes_of(b->sockstat.udp_mem_pages, x->new->snap->page_size);
	size_t n = 0;

	if (!d->has_udp)
		return 0;
	c[n++] = (struct crow){ "udp.inuse", UNIT_COUNT, a->sockstat.udp_inuse,
				b->sockstat.udp_inuse, d->udp_inuse };
	c[n++] = (struct crow){ "udp.inuse6", UNIT_COUNT, a->sockstat.udp_inuse6,
				b->sockstat.udp_inuse6, d->udp_inuse6 };
	c[n++] = (struct crow){ "udp.mem_pages", UNIT_PAGES, a->sockstat.udp_mem_pages,
				b->sockstat.udp_mem_pages, d->udp_mem_pages };
	c[n++] = (struct crow){ "udp.mem_bytes", UNIT_BYTES, ob, nb,
				ob.has && nb.has ? maybe_of(nb.v - ob.v) : maybe_none() };
	for (int i = 0; i < UC_N; i++) {
		c[n] = (struct crow){ "", UNIT_COUNT, a->udp[i], b->udp[i], d->udp[i] };
		snprintf(c[n++].key, sizeof(c->key), "udp_counters.%s", procfs_udp_names[i]);
	}
	for (int i = 0; i < UC_N; i++) {
		c[n] = (struct crow){ "", UNIT_COUNT, a->udp6[i], b->udp6[i], d->udp6[i] };
		snprintf(c[n++].key, sizeof(c->key), "udp6_counters.%s", procfs_udp_names[i]);
	}
	return n;
}

static size_t crows(const struct diff_doc *x, struct crow *c)
{
	const struct sysinfo *a = &x->old->snap->sys, *b = &x->new->snap->sys;
	const struct delta *d = x->d;
	struct maybe ob = maybe_mul(a->sockstat.mem_pages, (int64_t)x->old->snap->page_size);
	struct maybe nb = maybe_mul(b->sockstat.mem_pages, (int64_t)x->new->snap->page_size);
	size_t n = 0;

	c[n++] = (struct crow){ "mem_pages", UNIT_PAGES, a->sockstat.mem_pages,
				b->sockstat.mem_pages, d->mem_pages };
	c[n++] = (struct crow){ "mem_bytes", UNIT_BYTES, ob, nb,
				ob.has && nb.has ? maybe_of(nb.v - ob.v) : maybe_none() };
	c[n++] = (struct crow){ "pressure", UNIT_BOOL, d->pressure_old, d->pressure_new,
				maybe_none() };
	for (int i = 0; i < TX_N; i++) {
		c[n] = (struct crow){ "", UNIT_COUNT, a->tcpext[i], b->tcpext[i], d->tcpext[i] };
		snprintf(c[n++].key, sizeof(c->key), "tcpext.%s", procfs_tcpext_names[i]);
	}
	return n + udp_crows(x, c + n);
}

struct cctx {
	const struct diff_doc *x;
	const struct opts *o;
	struct crow c[CROWS];
};

enum { C_KEY, C_OLD, C_NEW, C_DELTA, C_RATE };

static struct cell val_cell(struct maybe m, enum unit u, enum fmt fmt)
{
	if (u == UNIT_BOOL && m.has)
		return cell_text(fmt == FMT_TABLE ? (m.v ? "yes" : "no") : (m.v ? "true" : "false"));
	return cell_maybe(m, CELL_I64);
}

static struct cell counter_get(const void *ctx, size_t row, const struct field *f, enum fmt fmt,
			       struct outbuf *scratch)
{
	const struct cctx *c = ctx;
	const struct crow *r = &c->c[row];

	switch (f->arg) {
	case C_KEY: return cell_text(r->key);
	case C_OLD: return val_cell(r->old, r->unit, fmt);
	case C_NEW: return val_cell(r->new, r->unit, fmt);
	case C_DELTA:
		if (!r->change.has)
			return cell_absent();
		return r->unit == UNIT_BYTES ? signed_bytes(r->change.v, c->o, fmt, scratch)
					     : signed_count(r->change.v, fmt, scratch);
	default: return rate_cell(r->change, c->x->d->ms);
	}
}

/* JSON pressure old/new are booleans, not "true" strings. */
static void counter_json_bool(struct jw *w, const struct cctx *c, size_t row, int which)
{
	const struct crow *r = &c->c[row];

	jw_maybe_bool(w, which == C_OLD ? r->old : r->new);
}

static void cj_old(struct jw *w, const void *ctx, size_t row)
{
	const struct cctx *c = ctx;

	if (c->c[row].unit == UNIT_BOOL)
		counter_json_bool(w, c, row, C_OLD);
	else
		jw_maybe(w, c->c[row].old);
}

static void cj_new(struct jw *w, const void *ctx, size_t row)
{
	const struct cctx *c = ctx;

	if (c->c[row].unit == UNIT_BOOL)
		counter_json_bool(w, c, row, C_NEW);
	else
		jw_maybe(w, c->c[row].new);
}

static const struct field counter_fields[] = {
	{ "key", "VALUE", NULL, UNIT_TEXT, FIELD_LEFT, counter_get, C_KEY, NULL },
	{ "old", "OLD", NULL, UNIT_COUNT, 0, counter_get, C_OLD, cj_old },
	{ "new", "NEW", NULL, UNIT_COUNT, 0, counter_get, C_NEW, cj_new },
	{ "delta", "DELTA", NULL, UNIT_COUNT, 0, counter_get, C_DELTA, NULL },
	{ "per_s", "PER-S", NULL, UNIT_COUNT, 0, counter_get, C_RATE, NULL },
};
#define NCOUNTER_FIELDS (sizeof(counter_fields) / sizeof(counter_fields[0]))

/* --- sysctls --- */

struct sctx {
	const struct delta *d;
};

enum { S_NAME, S_NETNS, S_OLD, S_NEW };

static void vals_text(struct outbuf *b, const struct maybe *v, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		if (i)
			ob_ch(b, ' ');
		if (v[i].has)
			ob_i64(b, v[i].v);
		else
			ob_ch(b, '-');
	}
}

static struct cell sysctl_get(const void *ctx, size_t row, const struct field *f, enum fmt fmt,
			      struct outbuf *scratch)
{
	const struct delta_sysctl *s = &((const struct sctx *)ctx)->d->sysctls[row];
	size_t start = scratch->len;

	(void)fmt;
	switch (f->arg) {
	case S_NAME: return cell_text(s->name);
	case S_NETNS: return s->netns ? cell_u64(s->netns) : cell_absent();
	default:
		vals_text(scratch, f->arg == S_OLD ? s->old : s->new, s->n);
		return cell_raw_since(scratch, start);
	}
}

static void sj_vals(struct jw *w, const struct maybe *v, unsigned n)
{
	jw_arr_begin(w, 0);
	for (unsigned i = 0; i < n; i++)
		jw_maybe(w, v[i]);
	jw_arr_end(w);
}

static void sj_old(struct jw *w, const void *ctx, size_t row)
{
	const struct delta_sysctl *s = &((const struct sctx *)ctx)->d->sysctls[row];

	sj_vals(w, s->old, s->n);
}

static void sj_new(struct jw *w, const void *ctx, size_t row)
{
	const struct delta_sysctl *s = &((const struct sctx *)ctx)->d->sysctls[row];

	sj_vals(w, s->new, s->n);
}

static const struct field sysctl_fields[] = {
	{ "sysctl", "SYSCTL", NULL, UNIT_TEXT, FIELD_LEFT, sysctl_get, S_NAME, NULL },
	{ "netns", "NETNS", NULL, UNIT_ID, 0, sysctl_get, S_NETNS, NULL },
	{ "old", "OLD", NULL, UNIT_TEXT, FIELD_LEFT, sysctl_get, S_OLD, sj_old },
	{ "new", "NEW", NULL, UNIT_TEXT, FIELD_LEFT, sysctl_get, S_NEW, sj_new },
};
#define NSYSCTL_FIELDS (sizeof(sysctl_fields) / sizeof(sysctl_fields[0]))

/* --- groups --- */

struct gctx {
	const struct diff_doc *x;
	const struct opts *o;
};

enum {
	G_PID,
	G_START,
	G_COMM,
	G_CATEGORY,
	G_KEY,
	G_BEFORE,
	G_AFTER,
	G_DELTA,
	G_RATE,
	G_SOCKETS,
	G_OPENED,
	G_CLOSED
};

/* The process entry of a delta group, from whichever side has it. */
static const struct proc_ent *group_proc(const struct diff_doc *x, const struct delta_group *g)
{
	const struct view *v = g->new_g != DELTA_NONE ? x->new : x->old;
	uint32_t gi = g->new_g != DELTA_NONE ? g->new_g : g->old_g;

	if (g->key.kind != DG_PROCESS)
		return NULL;
	return &v->snap->owners.procs[v->groups[gi].proc];
}

static struct cell group_get(const void *ctx, size_t row, const struct field *f, enum fmt fmt,
			     struct outbuf *scratch)
{
	const struct gctx *c = ctx;
	const struct delta_group *g = &c->x->d->groups[row];
	const struct proc_ent *p = group_proc(c->x, g);
	const struct snapshot *side = (g->new_g != DELTA_NONE ? c->x->new : c->x->old)->snap;

	switch (f->arg) {
	case G_PID: return p ? cell_u64((uint64_t)p->pid) : cell_absent();
	case G_START: return p ? cell_maybe(p->start_time, CELL_U64) : cell_absent();
	case G_COMM:
		if (p)
			return (struct cell){ CELL_UNTRUSTED, 0, 0, p->comm };
		if (fmt == FMT_JSON || g->key.kind != DG_ROW)
			return cell_absent();
		return cell_text(out_proc_category(side, (uint32_t)g->key.key, false));
	case G_CATEGORY:
		if (g->key.kind == DG_KEY)
			return cell_text("key");
		return cell_text(out_proc_category(side, p ? 0 : (uint32_t)g->key.key, true));
	case G_KEY:
		if (g->key.kind != DG_KEY || g->key.key == AGG_NO_KEY)
			return cell_absent();
		if (c->x->new->by == BY_STATE)
			return cell_text(sock_state_name((unsigned)g->key.key));
		return cell_u64(g->key.key);
	case G_BEFORE: return cell_maybe(g->before, CELL_U64);
	case G_AFTER: return cell_maybe(g->after, CELL_U64);
	case G_DELTA: return signed_bytes(g->charged_delta, c->o, fmt, scratch);
	case G_RATE: return rate_cell(maybe_of(g->charged_delta), c->x->d->ms);
	case G_SOCKETS: return cell_u64(g->sockets);
	case G_OPENED: return cell_u64(g->opened);
	default: return cell_u64(g->closed);
	}
}

#define GF(key, title, unit, flags, id) { key, title, NULL, unit, flags, group_get, id, NULL }
/* JSON has every key member (null where it does not apply); tables and
 * TSV the columns of the --by key: PID START COMM, or KEY. */
#define NGKEYS 5
static const struct field group_keys[NGKEYS] = {
	GF("pid", "PID", UNIT_ID, 0, G_PID),
	GF("start_time", "START", UNIT_ID, 0, G_START),
	GF("comm", "COMM", UNIT_TEXT, FIELD_LEFT, G_COMM),
	GF("category", "category", UNIT_TEXT, FIELD_JSON_ONLY, G_CATEGORY),
	GF("key", "KEY", UNIT_ID, 0, G_KEY),
};
static const struct field group_sums[] = {
	GF("charged_before", "BEFORE", UNIT_BYTES, 0, G_BEFORE),
	GF("charged_after", "AFTER", UNIT_BYTES, 0, G_AFTER),
	GF("charged_delta", "DELTA", UNIT_BYTES, 0, G_DELTA),
	GF("charged_per_s", "PER-S", UNIT_BYTES, 0, G_RATE),
	GF("sockets", "SOCKETS", UNIT_COUNT, 0, G_SOCKETS),
	GF("opened", "OPENED", UNIT_COUNT, 0, G_OPENED),
	GF("closed", "CLOSED", UNIT_COUNT, 0, G_CLOSED),
};
#define NGSUMS (sizeof(group_sums) / sizeof(group_sums[0]))

static size_t group_fields(enum group_by by, struct field *f)
{
	memcpy(f, group_keys, sizeof(group_keys));
	for (size_t i = 0; i < NGKEYS; i++)
		if ((by == BY_PROCESS) == (f[i].arg == G_KEY))
			f[i].flags |= FIELD_JSON_ONLY;
	memcpy(f + NGKEYS, group_sums, sizeof(group_sums));
	return NGKEYS + NGSUMS;
}

static size_t groups_shown(const struct diff_doc *x, const struct opts *o)
{
	return o->top_n && o->top_n < x->d->ngroups ? o->top_n : x->d->ngroups;
}

/* --- sockets --- */

struct srow {
	const struct delta_sock *s;
	const char *change; /* "changed", "opened" */
};

struct kctx {
	const struct diff_doc *x;
	const struct opts *o;
	struct srow *rows;
	size_t n;
};

enum {
	K_CHANGE,
	K_COOKIE,
	K_STATE,
	K_LOCAL,
	K_PEER,
	K_PID,
	K_COMM,
	K_RB_OLD,
	K_RB,
	K_RB_IS,
	K_TB_OLD,
	K_TB,
	K_TB_IS,
	K_CH_OLD,
	K_CH,
	/* only when the new sample collected UDP: last, so TCP-only output is unchanged */
	K_D_OLD,
	K_D,
	K_PROTO
};

/* Where a buffer size lies against its sysctl [min, default, max]: outside
 * it, "locked" only where the lock is known (rb: the window scale shows
 * it), else "outside" (SO_RCVBUF/SO_SNDBUF, or older than a tuning change). */
static struct cell buf_is(const struct sock_rec *s, enum skm i, const struct sysctls *sc)
{
	const struct maybe *lim = i == SKM_RB ? sc->tcp_rmem : sc->tcp_wmem;
	uint64_t v;

	if (!sock_has_skm(s, i) || !lim[1].has || !lim[2].has || s->protocol != SOCK_PROTO_TCP ||
	    s->state == SOCK_TCP_TIME_WAIT || s->state == SOCK_TCP_NEW_SYN_RECV)
		return cell_absent(); /* tcp_rmem/tcp_wmem do not size UDP buffers */
	v = s->skmem[i];
	if (v < (uint64_t)lim[1].v || v > (uint64_t)lim[2].v)
		return cell_text(i == SKM_RB && findings_rcvbuf_locked(s, sc) ? "locked"
									   : "outside");
	if (v == (uint64_t)lim[1].v)
		return cell_text("default");
	return cell_text(v == (uint64_t)lim[2].v ? "max" : "grown");
}

static struct cell skm_cell(const struct sock_rec *s, enum skm i)
{
	return s && sock_has_skm(s, i) ? cell_u64(s->skmem[i]) : cell_absent();
}

static struct cell sock_get(const void *ctx, size_t row, const struct field *f, enum fmt fmt,
			    struct outbuf *scratch)
{
	const struct kctx *c = ctx;
	const struct srow *r = &c->rows[row];
	const struct snapshot *nr = c->x->new->snap;
	const struct sock_rec *b = &nr->socks.v[r->s->new_i];
	const struct sock_rec *a =
	    r->s->old_i == DELTA_NONE ? NULL : &c->x->old->snap->socks.v[r->s->old_i];
	const struct proc_ent *p =
	    b->own_n ? &nr->owners.procs[nr->owners.links[b->own_first].proc] : NULL;
	const struct sysctls *sc = snapshot_sysctls(nr, b->netns_ino);
	char ep[SOCK_ENDPOINT_MAX];
	size_t start = scratch->len;

	(void)fmt;
	switch (f->arg) {
	case K_CHANGE: return cell_text(r->change);
	case K_COOKIE: return cell_u64(b->cookie);
	case K_STATE: return cell_text(sock_state_name(b->state));
	case K_LOCAL:
	case K_PEER:
		sock_fmt_endpoint(ep, sizeof(ep), b->family, f->arg == K_LOCAL ? b->saddr : b->daddr,
				  f->arg == K_LOCAL ? b->sport : b->dport, NULL);
		ob_str(scratch, ep);
		return cell_raw_since(scratch, start);
	case K_PID: return p ? cell_u64((uint64_t)p->pid) : cell_absent();
	case K_COMM: return p ? (struct cell){ CELL_UNTRUSTED, 0, 0, p->comm } : cell_absent();
	case K_RB_OLD: return skm_cell(a, SKM_RB);
	case K_RB: return skm_cell(b, SKM_RB);
	case K_RB_IS: return buf_is(b, SKM_RB, sc);
	case K_TB_OLD: return skm_cell(a, SKM_TB);
	case K_TB: return skm_cell(b, SKM_TB);
	case K_TB_IS: return buf_is(b, SKM_TB, sc);
	case K_CH_OLD: return a ? cell_u64(sock_charged_bytes(a)) : cell_absent();
	case K_CH: return cell_u64(sock_charged_bytes(b));
	case K_D_OLD: return skm_cell(a, SKM_D);
	case K_D: return skm_cell(b, SKM_D);
	default: return cell_text(sock_proto_name(b->protocol));
	}
}

#define KF(key, title, unit, flags, id) { key, title, NULL, unit, flags, sock_get, id, NULL }
static const struct field sock_fields[] = {
	KF("change", "CHANGE", UNIT_TEXT, FIELD_LEFT, K_CHANGE),
	KF("cookie", "COOKIE", UNIT_ID, 0, K_COOKIE),
	KF("state", "STATE", UNIT_TEXT, FIELD_LEFT, K_STATE),
	KF("local", "LOCAL", UNIT_TEXT, FIELD_LEFT, K_LOCAL),
	KF("peer", "PEER", UNIT_TEXT, FIELD_LEFT, K_PEER),
	KF("pid", "PID", UNIT_ID, 0, K_PID),
	KF("comm", "COMM", UNIT_TEXT, FIELD_LEFT, K_COMM),
	KF("rb_old", "RB-OLD", UNIT_BYTES, 0, K_RB_OLD),
	KF("rb", "RB", UNIT_BYTES, 0, K_RB),
	KF("rb_is", "RB-IS", UNIT_TEXT, FIELD_LEFT, K_RB_IS),
	KF("tb_old", "TB-OLD", UNIT_BYTES, 0, K_TB_OLD),
	KF("tb", "TB", UNIT_BYTES, 0, K_TB),
	KF("tb_is", "TB-IS", UNIT_TEXT, FIELD_LEFT, K_TB_IS),
	KF("charged_bytes_old", "CHARGED-OLD", UNIT_BYTES, 0, K_CH_OLD),
	KF("charged_bytes", "CHARGED", UNIT_BYTES, 0, K_CH),
	KF("d_old", "D-OLD", UNIT_COUNT, 0, K_D_OLD),
	KF("d", "D", UNIT_COUNT, 0, K_D),
	KF("protocol", "PROTO", UNIT_TEXT, FIELD_LEFT, K_PROTO),
};
#define NSOCK_FIELDS (sizeof(sock_fields) / sizeof(sock_fields[0]))
/* JSON with UDP: the protocol first, as in `sockets` */
static const uint8_t sock_json_order_udp[NSOCK_FIELDS] = {
	K_PROTO, K_CHANGE, K_COOKIE, K_STATE, K_LOCAL, K_PEER,	 K_PID,	 K_COMM,
	K_RB_OLD, K_RB,	   K_RB_IS,  K_TB_OLD, K_TB,	K_TB_IS, K_CH_OLD, K_CH,
	K_D_OLD,  K_D,
};

/* The socket rows' fields: with UDP in the new sample, its drops and protocol too. */
static struct fieldset sock_fieldset(const struct diff_doc *x)
{
	bool udp = x->new->snap->cov.udp;

	return (struct fieldset){ sock_fields, udp ? NSOCK_FIELDS : K_D_OLD,
				  udp ? sock_json_order_udp : NULL, NULL, NULL, NULL };
}

/* Rows: the changed sockets, then the opened ones, each capped by --top.
 * Returns 0 or -ENOMEM. */
static int sock_rows(struct kctx *c)
{
	const struct delta *d = c->x->d;
	size_t nc = c->o->top_n && c->o->top_n < d->nchanged ? c->o->top_n : d->nchanged;
	size_t no = c->o->top_n && c->o->top_n < d->nopened ? c->o->top_n : d->nopened;

	c->rows = malloc((nc + no + 1) * sizeof(*c->rows));
	if (!c->rows)
		return -ENOMEM;
	c->n = 0;
	for (size_t i = 0; i < nc; i++)
		c->rows[c->n++] = (struct srow){ &d->changed[i], "changed" };
	for (size_t i = 0; i < no; i++)
		c->rows[c->n++] = (struct srow){ &d->opened[i], "opened" };
	return 0;
}

/* --- socket counts --- */

struct range {
	struct maybe min, max;
};

static void range_add(struct range *r, const struct sock_rec *s, enum skm i)
{
	int64_t v;

	if (!sock_has_skm(s, i) || s->state == SOCK_TCP_LISTEN)
		return;
	v = s->skmem[i];
	if (!r->min.has || v < r->min.v)
		r->min = maybe_of(v);
	if (!r->max.has || v > r->max.v)
		r->max = maybe_of(v);
}

struct counts {
	const char *key;
	struct maybe v;
	enum unit unit;
};

#define NCOUNTS 15

/* Socket counts and the rb/tb ranges (without listeners) of the old
 * sockets and of the opened ones. */
static size_t socket_counts(const struct diff_doc *x, struct counts *k)
{
	const struct delta *d = x->d;
	struct range orb = { { 0, false }, { 0, false } }, otb = orb, nrb = orb, ntb = orb;
	uint64_t locked = 0, outside = 0;
	size_t n = 0;

	view_for_each_sock(x->old, i) {
		range_add(&orb, &x->old->snap->socks.v[i], SKM_RB);
		range_add(&otb, &x->old->snap->socks.v[i], SKM_TB);
	}
	for (size_t i = 0; i < d->nopened; i++) {
		range_add(&nrb, &x->new->snap->socks.v[d->opened[i].new_i], SKM_RB);
		range_add(&ntb, &x->new->snap->socks.v[d->opened[i].new_i], SKM_TB);
	}
	view_for_each_sock(x->new, i) {
		const struct sock_rec *s = &x->new->snap->socks.v[i];
		const struct sysctls *sc = snapshot_sysctls(x->new->snap, s->netns_ino);
		struct maybe l = delta_locked(s, sc), u = delta_outside(s, sc);

		locked += l.has && l.v;
		outside += u.has && u.v;
	}
#define K(key, v, u) (k[n++] = (struct counts){ key, v, u })
	K("common", maybe_of((int64_t)d->common), UNIT_COUNT);
	K("opened", maybe_of((int64_t)d->opened_total), UNIT_COUNT);
	K("closed", maybe_of((int64_t)d->closed_total), UNIT_COUNT);
	K("rb_changed", maybe_of((int64_t)d->rb_changed), UNIT_COUNT);
	K("tb_changed", maybe_of((int64_t)d->tb_changed), UNIT_COUNT);
	K("locked", maybe_of((int64_t)locked), UNIT_COUNT);
	K("old_rb_min", orb.min, UNIT_BYTES);
	K("old_rb_max", orb.max, UNIT_BYTES);
	K("opened_rb_min", nrb.min, UNIT_BYTES);
	K("opened_rb_max", nrb.max, UNIT_BYTES);
	K("old_tb_min", otb.min, UNIT_BYTES);
	K("old_tb_max", otb.max, UNIT_BYTES);
	K("opened_tb_min", ntb.min, UNIT_BYTES);
	K("opened_tb_max", ntb.max, UNIT_BYTES);
	K("outside", maybe_of((int64_t)outside), UNIT_COUNT);
#undef K
	return n;
}

/* --- JSON --- */

static void json_side(struct jw *w, const char *key, const struct view *v, const char *name)
{
	char ts[32];

	fmt_time(v->snap->when, ts, sizeof(ts));
	jw_key(w, key);
	jw_obj_begin(w);
	jw_key(w, "file");
	if (name)
		jw_str(w, name);
	else
		jw_null(w);
	jw_kv_str(w, "time", ts);
	jw_kv_u64(w, "sockets", v->nkept);
	jw_obj_end(w);
}

static void json_diff(struct jw *w, const struct diff_doc *x, const struct opts *o,
		      struct kctx *kc, struct outbuf *scratch)
{
	struct cctx cc = { .x = x, .o = o };
	size_t nc = crows(x, cc.c), nk;
	struct fieldset cv = { counter_fields + 1, NCOUNTER_FIELDS - 1, NULL, NULL, NULL, NULL };
	struct sctx sc = { x->d };
	struct fieldset sv = { sysctl_fields, NSYSCTL_FIELDS, NULL, NULL, NULL, NULL };
	struct field gf[NGKEYS + NGSUMS];
	struct gctx gc = { x, o };
	struct fieldset gv = { gf, group_fields(x->new->by, gf), NULL, NULL, NULL, NULL };
	struct fieldset kv = sock_fieldset(x);
	struct counts k[NCOUNTS];
	size_t in_sect = 0; /* length of the open section's name ("tcpext"), 0: none */

	jw_obj_begin(w);
	out_json_head(w, x->new, o);
	json_side(w, "old", x->old, x->old_name);
	json_side(w, "new", x->new, x->new_name);
	jw_key(w, "seconds");
	jw_f64(w, (double)x->d->ms / 1000.0);
	jw_key(w, "system");
	jw_obj_begin(w);
	for (size_t i = 0; i < nc; i++) {
		const char *key = cc.c[i].key, *dot = strchr(key, '.');
		size_t sect = dot ? (size_t)(dot - key) : 0;

		/* "SECTION.KEY": a member of object SECTION, rows of one
		 * section adjacent */
		if (in_sect && (sect != in_sect || strncmp(key, cc.c[i - 1].key, sect) != 0)) {
			jw_obj_end(w);
			in_sect = 0;
		}
		if (sect && !in_sect) {
			char name[sizeof(cc.c[i].key)];

			snprintf(name, sizeof(name), "%.*s", (int)sect, key);
			jw_key(w, name);
			jw_obj_begin(w);
			in_sect = sect;
		}
		jw_key(w, key + (sect ? sect + 1 : 0));
		out_json_obj(w, &cv, &cc, i, scratch);
	}
	if (in_sect)
		jw_obj_end(w);
	jw_obj_end(w);
	jw_key(w, "sysctls");
	jw_arr_begin(w, 0);
	for (size_t i = 0; i < x->d->nsysctls; i++)
		out_json_obj(w, &sv, &sc, i, scratch);
	jw_arr_end(w);
	jw_kv_str(w, "by", agg_by_name(x->new->by));
	jw_key(w, "groups");
	jw_arr_begin(w, JW_LINES);
	for (size_t i = 0; i < groups_shown(x, o); i++)
		out_json_obj(w, &gv, &gc, i, scratch);
	jw_arr_end(w);
	jw_key(w, "socket_counts");
	jw_obj_begin(w);
	nk = socket_counts(x, k);
	for (size_t i = 0; i < nk; i++)
		jw_kv_maybe(w, k[i].key, k[i].v);
	jw_obj_end(w);
	jw_key(w, "sockets");
	jw_arr_begin(w, JW_LINES);
	for (size_t i = 0; i < kc->n; i++)
		out_json_obj(w, &kv, kc, i, scratch);
	jw_arr_end(w);
	jw_key(w, "findings_appeared");
	jw_arr_begin(w, 0);
	for (size_t i = 0; i < x->d->nappeared; i++)
		jw_str(w, x->d->appeared[i]);
	jw_arr_end(w);
	jw_key(w, "findings_cleared");
	jw_arr_begin(w, 0);
	for (size_t i = 0; i < x->d->ncleared; i++)
		jw_str(w, x->d->cleared[i]);
	jw_arr_end(w);
	jw_obj_end(w);
	jw_end(w);
}

/* --- TSV and table --- */

static void findings_tsv(struct outbuf *b, const struct delta *d, const struct opts *o)
{
	if (!o->no_header)
		ob_str(b, "finding\tchange\n");
	for (size_t i = 0; i < d->nappeared; i++) {
		ob_str(b, d->appeared[i]);
		ob_str(b, "\tappeared\n");
	}
	for (size_t i = 0; i < d->ncleared; i++) {
		ob_str(b, d->cleared[i]);
		ob_str(b, "\tcleared\n");
	}
}

static void counts_tsv(struct outbuf *b, const struct counts *k, size_t n, const struct opts *o)
{
	if (!o->no_header)
		ob_str(b, "key\tvalue\n");
	for (size_t i = 0; i < n; i++) {
		ob_str(b, k[i].key);
		ob_ch(b, '\t');
		if (k[i].v.has)
			ob_i64(b, k[i].v.v);
		ob_ch(b, '\n');
	}
}

static void label(struct outbuf *b, const char *l)
{
	ob_str(b, l);
	ob_spaces(b, 15 - strlen(l));
}

static void tval(struct outbuf *b, const struct opts *o, struct maybe m, enum unit u)
{
	char h[16];

	if (!m.has)
		ob_ch(b, '-');
	else if (u == UNIT_BYTES && !o->numeric && m.v >= 0)
		ob_write(b, h, fmt_human(h, (uint64_t)m.v));
	else
		ob_i64(b, m.v);
}

static void table_head(struct outbuf *b, const struct diff_doc *x, const struct opts *o)
{
	const struct sysinfo *nsys = &x->new->snap->sys;
	char ts[32];

	ob_str(b, "sockmem diff: host ");
	out_untrusted(b, FMT_TABLE, nsys->hostname[0] ? nsys->hostname : "?", NULL);
	ob_str(b, ", kernel ");
	out_untrusted(b, FMT_TABLE, nsys->release[0] ? nsys->release : "?", NULL);
	ob_ch(b, '\n');
	for (int i = 0; i < 2; i++) {
		const struct view *v = i ? x->new : x->old;
		const char *name = i ? x->new_name : x->old_name;

		label(b, i ? "new" : "old");
		fmt_time(v->snap->when, ts, sizeof(ts));
		ob_str(b, ts);
		ob_str(b, "  ");
		out_untrusted(b, FMT_TABLE, name ? name : "(collected now)", NULL);
		ob_str(b, "  sockets ");
		ob_u64(b, v->nkept);
		ob_ch(b, '\n');
	}
	label(b, "elapsed");
	ob_i64(b, x->d->ms / 1000);
	ob_str(b, " s\n");
	(void)o;
}

static void table_counts(struct outbuf *b, const struct counts *k, const struct opts *o)
{
	label(b, "sockets");
	ob_str(b, "in both ");
	tval(b, o, k[0].v, UNIT_COUNT);
	ob_str(b, " (rb changed ");
	tval(b, o, k[3].v, UNIT_COUNT);
	ob_str(b, ", tb changed ");
	tval(b, o, k[4].v, UNIT_COUNT);
	ob_str(b, ")  opened ");
	tval(b, o, k[1].v, UNIT_COUNT);
	ob_str(b, "  closed ");
	tval(b, o, k[2].v, UNIT_COUNT);
	ob_str(b, "  locked now ");
	tval(b, o, k[5].v, UNIT_COUNT);
	ob_str(b, "  outside the range now ");
	tval(b, o, k[14].v, UNIT_COUNT);
	ob_ch(b, '\n');
	label(b, "");
	ob_str(b, "rb of opened ");
	tval(b, o, k[8].v, UNIT_BYTES);
	ob_str(b, "..");
	tval(b, o, k[9].v, UNIT_BYTES);
	ob_str(b, " (old ");
	tval(b, o, k[6].v, UNIT_BYTES);
	ob_str(b, "..");
	tval(b, o, k[7].v, UNIT_BYTES);
	ob_str(b, ")  tb of opened ");
	tval(b, o, k[12].v, UNIT_BYTES);
	ob_str(b, "..");
	tval(b, o, k[13].v, UNIT_BYTES);
	ob_str(b, " (old ");
	tval(b, o, k[10].v, UNIT_BYTES);
	ob_str(b, "..");
	tval(b, o, k[11].v, UNIT_BYTES);
	ob_str(b, ")\n");
}

static void table_findings(struct outbuf *b, const struct delta *d)
{
	label(b, "findings");
	out_id_list(b, "appeared:", d->appeared, d->nappeared);
	out_id_list(b, "  cleared:", d->cleared, d->ncleared);
	ob_ch(b, '\n');
}

/* TSV: blocks separated by an empty line, each with its header (unless
 * -H): values, sysctls, groups, socket counts, sockets, findings. The
 * table: the same sections, titled. */
static void text_diff(struct outbuf *b, const struct diff_doc *x, const struct opts *o,
		      struct kctx *kc)
{
	struct cctx cc = { .x = x, .o = o };
	size_t nc = crows(x, cc.c), nk;
	struct fieldset cv = { counter_fields, NCOUNTER_FIELDS, NULL, NULL, NULL, NULL };
	struct sctx sc = { x->d };
	struct fieldset sv = { sysctl_fields, NSYSCTL_FIELDS, NULL, NULL, NULL, NULL };
	struct field gf[NGKEYS + NGSUMS];
	struct gctx gc = { x, o };
	struct fieldset gv = { gf, group_fields(x->new->by, gf), NULL, NULL, NULL, NULL };
	struct fieldset kv = sock_fieldset(x);
	struct counts k[NCOUNTS];
	bool table = o->fmt == FMT_TABLE;

	nk = socket_counts(x, k);
	if (table && !o->no_header) {
		table_head(b, x, o);
		ob_ch(b, '\n');
	}
	out_grid(b, o, &cv, nc, &cc);
	ob_ch(b, '\n');
	if (table && !x->d->nsysctls)
		ob_str(b, "sysctls: none changed\n");
	else
		out_grid(b, o, &sv, x->d->nsysctls, &sc);
	ob_ch(b, '\n');
	if (table && !o->no_header) {
		ob_str(b, "groups: by ");
		ob_str(b, agg_by_name(x->new->by));
		ob_str(b, ", largest change first\n");
	}
	out_grid(b, o, &gv, groups_shown(x, o), &gc);
	ob_ch(b, '\n');
	if (table)
		table_counts(b, k, o);
	else
		counts_tsv(b, k, nk, o);
	ob_ch(b, '\n');
	if (!table || kc->n)
		out_grid(b, o, &kv, kc->n, kc);
	if (table && kc->n)
		ob_ch(b, '\n');
	if (table)
		table_findings(b, x->d);
	else {
		ob_ch(b, '\n');
		findings_tsv(b, x->d, o);
	}
}

int out_diff(const struct diff_doc *x, const struct opts *o, FILE *f)
{
	struct outbuf b, scratch;
	struct kctx kc = { x, o, NULL, 0 };
	struct jw w;

	if (ob_init(&b, f))
		return -ENOMEM;
	if (sock_rows(&kc) || ob_init_mem(&scratch)) {
		free(kc.rows);
		b.err = ENOMEM;
		return ob_finish(&b);
	}
	if (o->fmt == FMT_JSON) {
		jw_init(&w, &b);
		json_diff(&w, x, o, &kc, &scratch);
	} else {
		text_diff(&b, x, o, &kc);
	}
	free(kc.rows);
	ob_finish(&scratch);
	return ob_finish(&b);
}
