// SPDX-License-Identifier: GPL-2.0-or-later
/* out_watch.c - watch's records (JSON Lines, TSV rows with a sample number
 * and time) and its live screen, from one sample and its delta. Pure. */
#include "render/out_time.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "render/out.h"
#include "render/spark.h"

static void fmt_time(time_t t, char *buf, size_t len)
{
	struct tm tm;

	if (!gmtime_r(&t, &tm) || !strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, len, "%lld", (long long)t);
}

static struct cell untrusted(const char *s)
{
	return (struct cell){ CELL_UNTRUSTED, 0, 0, s };
}

/* A signed number; tables: "+N" (bytes human unless -n). */
static struct cell signed_cell(int64_t v, enum unit u, const struct opts *o, enum fmt fmt,
			       struct outbuf *scratch)
{
	char h[16];
	size_t start = scratch->len;
	uint64_t a = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

	if (fmt != FMT_TABLE)
		return (struct cell){ CELL_I64, 0, v, NULL };
	ob_str(scratch, v > 0 ? "+" : v < 0 ? "-" : "");
	if (u == UNIT_BYTES && !o->numeric) {
		fmt_human(h, a);
		ob_str(scratch, h);
	} else {
		ob_u64(scratch, a);
	}
	return cell_raw_since(scratch, start);
}

/* --- groups with their change: row i is the view's groups[i], d->groups[i] --- */

struct wctx {
	const struct watch_rec *w;
	const struct opts *o;
	size_t n;
};

enum {
	W_PID,
	W_START,
	W_COMM,
	W_CATEGORY,
	W_KEY,
	W_CHARGED,
	W_DELTA,
	W_RATE,
	W_SOCKETS,
	W_OPENED,
	W_CLOSED
};

static const struct delta_group *dgroup(const struct watch_rec *w, size_t row)
{
	return w->d && row < w->d->ngroups_new ? &w->d->groups[row] : NULL;
}

static struct cell wgroup_get(const void *ctx, size_t row, const struct field *f, enum fmt fmt,
			      struct outbuf *scratch)
{
	const struct wctx *c = ctx;
	const struct view *v = c->w->r;
	const struct snapshot *r = v->snap;
	const struct group *g = &v->groups[row];
	const struct delta_group *dg = dgroup(c->w, row);
	const struct proc_ent *p =
	    v->by == BY_PROCESS && agg_is_proc(g->proc) ? &r->owners.procs[g->proc] : NULL;
	double rate = 0;

	switch (f->arg) {
	case W_PID: return p ? cell_u64((uint64_t)p->pid) : cell_absent();
	case W_START: return p ? cell_maybe(p->start_time, CELL_U64) : cell_absent();
	case W_COMM:
		if (p)
			return untrusted(p->comm);
		if (fmt == FMT_JSON || v->by != BY_PROCESS)
			return cell_absent();
		return cell_text(out_proc_category(r, g->proc, false));
	case W_CATEGORY:
		if (v->by != BY_PROCESS)
			return cell_text("key");
		return cell_text(out_proc_category(r, g->proc, true));
	case W_KEY:
		if (v->by == BY_PROCESS || g->key == AGG_NO_KEY)
			return cell_absent();
		if (v->by == BY_STATE)
			return cell_text(sock_state_name((unsigned)g->key));
		return cell_u64(g->key);
	case W_CHARGED: return cell_u64(g->s.charged_bytes);
	case W_DELTA:
		return dg ? signed_cell(dg->charged_delta, UNIT_BYTES, c->o, fmt, scratch)
			  : cell_absent();
	case W_RATE: {
		bool has = dg && delta_rate(maybe_of(dg->charged_delta), c->w->d->ms, &rate);

		return cell_f64(has, rate);
	}
	case W_SOCKETS: return cell_u64(g->s.sockets);
	case W_OPENED: return dg ? cell_u64(dg->opened) : cell_absent();
	default: return dg ? cell_u64(dg->closed) : cell_absent();
	}
}

#define WG(key, title, unit, flags, id) { key, title, NULL, unit, flags, wgroup_get, id, NULL }
/* JSON has every key member (null where it does not apply); the screen
 * the columns of the --by key: PID COMM, or KEY. */
#define NWG_KEYS 5
static const struct field wg_keys[NWG_KEYS] = {
	WG("pid", "PID", UNIT_ID, 0, W_PID),
	WG("start_time", "START", UNIT_ID, FIELD_JSON_ONLY, W_START),
	WG("comm", "COMM", UNIT_TEXT, FIELD_LEFT, W_COMM),
	WG("category", "category", UNIT_TEXT, FIELD_JSON_ONLY, W_CATEGORY),
	WG("key", "KEY", UNIT_ID, 0, W_KEY),
};
static const struct field wg_sums[] = {
	WG("charged_bytes", "CHARGED", UNIT_BYTES, 0, W_CHARGED),
	WG("charged_bytes_delta", "DELTA", UNIT_BYTES, 0, W_DELTA),
	WG("charged_bytes_per_s", "PER-S", UNIT_BYTES, 0, W_RATE),
	WG("sockets", "SOCKETS", UNIT_COUNT, 0, W_SOCKETS),
	WG("opened", "OPENED", UNIT_COUNT, 0, W_OPENED),
	WG("closed", "CLOSED", UNIT_COUNT, 0, W_CLOSED),
};
#define NWG_SUMS (sizeof(wg_sums) / sizeof(wg_sums[0]))

static size_t wgroup_fields(enum group_by by, struct field *f)
{
	memcpy(f, wg_keys, sizeof(wg_keys));
	for (size_t i = 0; i < NWG_KEYS; i++)
		if ((by == BY_PROCESS) == (f[i].arg == W_KEY))
			f[i].flags |= FIELD_JSON_ONLY;
	memcpy(f + NWG_KEYS, wg_sums, sizeof(wg_sums));
	return NWG_KEYS + NWG_SUMS;
}

static size_t groups_shown(const struct view *v, const struct opts *o)
{
	return o->top_n && o->top_n < v->ngroups ? o->top_n : v->ngroups;
}

/* --- movers --- */

/* M_PROTO only when the sample collected UDP: last, so TCP-only output is unchanged */
enum { M_COOKIE, M_PID, M_COMM, M_CH, M_CH_D, M_RB, M_RB_D, M_R, M_R_D, M_PROTO };

static struct cell mover_get(const void *ctx, size_t row, const struct field *f, enum fmt fmt,
			     struct outbuf *scratch)
{
	const struct wctx *c = ctx;
	const struct snapshot *r = c->w->r->snap;
	const struct delta_sock *m = &c->w->d->movers[row];
	const struct sock_rec *s = &r->socks.v[m->new_i];
	const struct proc_ent *p =
	    s->own_n ? &r->owners.procs[r->owners.links[s->own_first].proc] : NULL;

	switch (f->arg) {
	case M_COOKIE: return cell_u64(s->cookie);
	case M_PID: return p ? cell_u64((uint64_t)p->pid) : cell_absent();
	case M_COMM: return p ? untrusted(p->comm) : cell_absent();
	case M_CH: return cell_u64(sock_charged_bytes(s));
	case M_CH_D: return signed_cell(m->charged_delta, UNIT_BYTES, c->o, fmt, scratch);
	case M_RB: return sock_has_skm(s, SKM_RB) ? cell_u64(s->skmem[SKM_RB]) : cell_absent();
	case M_RB_D: return signed_cell(m->rb_delta, UNIT_BYTES, c->o, fmt, scratch);
	case M_R: return sock_has_skm(s, SKM_R) ? cell_u64(s->skmem[SKM_R]) : cell_absent();
	case M_R_D: return signed_cell(m->r_delta, UNIT_BYTES, c->o, fmt, scratch);
	default: return cell_text(sock_proto_name(s->protocol));
	}
}

#define MF(key, title, unit, flags, id) { key, title, NULL, unit, flags, mover_get, id, NULL }
static const struct field mover_fields[] = {
	MF("cookie", "COOKIE", UNIT_ID, 0, M_COOKIE),
	MF("pid", "PID", UNIT_ID, 0, M_PID),
	MF("comm", "COMM", UNIT_TEXT, FIELD_LEFT, M_COMM),
	MF("charged_bytes", "CHARGED", UNIT_BYTES, 0, M_CH),
	MF("charged_bytes_delta", "DELTA", UNIT_BYTES, 0, M_CH_D),
	MF("rb", "RB", UNIT_BYTES, 0, M_RB),
	MF("rb_delta", "RB-DELTA", UNIT_BYTES, 0, M_RB_D),
	MF("r", "R", UNIT_BYTES, 0, M_R),
	MF("r_delta", "R-DELTA", UNIT_BYTES, 0, M_R_D),
	MF("protocol", "PROTO", UNIT_TEXT, FIELD_LEFT, M_PROTO),
};
#define NMOVER_FIELDS (sizeof(mover_fields) / sizeof(mover_fields[0]))
/* JSON with UDP: the protocol first, as in `sockets` */
static const uint8_t mover_json_order_udp[NMOVER_FIELDS] = {
	M_PROTO, M_COOKIE, M_PID, M_COMM, M_CH, M_CH_D, M_RB, M_RB_D, M_R, M_R_D,
};

/* The movers' fields: the protocol too when the sample collected UDP. */
static struct fieldset mover_fieldset(const struct view *v)
{
	bool udp = v->snap->cov.udp;

	return (struct fieldset){ mover_fields, udp ? NMOVER_FIELDS : M_PROTO,
				  udp ? mover_json_order_udp : NULL, NULL, NULL, NULL };
}

/* --- JSON Lines --- */

static void json_ids(struct jw *w, const char *key, const char *const *ids, size_t n)
{
	jw_key(w, key);
	jw_arr_begin(w, 0);
	for (size_t i = 0; i < n; i++)
		jw_str(w, ids[i]);
	jw_arr_end(w);
}

static void json_delta(struct jw *w, const struct watch_rec *wr, const struct opts *o,
		       struct outbuf *scratch)
{
	const struct delta *d = wr->d;
	struct field gf[NWG_KEYS + NWG_SUMS];
	struct fieldset gv = { gf, wgroup_fields(wr->r->by, gf), NULL, NULL, NULL, NULL };
	struct fieldset mv = mover_fieldset(wr->r);
	struct wctx c = { wr, o, 0 };
	double rate;

	jw_key(w, "delta");
	if (!d) {
		jw_null(w);
		return;
	}
	jw_obj_begin(w);
	jw_key(w, "seconds");
	jw_f64(w, (double)d->ms / 1000.0);
	jw_kv_maybe(w, "mem_pages", d->mem_pages);
	jw_key(w, "tcpext");
	jw_obj_begin(w);
	for (int i = 0; i < TX_N; i++)
		jw_kv_maybe(w, procfs_tcpext_names[i], d->tcpext[i]);
	jw_obj_end(w);
	jw_key(w, "tcpext_per_s");
	jw_obj_begin(w);
	for (int i = 0; i < TX_N; i++) {
		jw_key(w, procfs_tcpext_names[i]);
		if (delta_rate(d->tcpext[i], d->ms, &rate))
			jw_f64(w, rate);
		else
			jw_null(w);
	}
	jw_obj_end(w);
	jw_key(w, "groups");
	jw_arr_begin(w, 0);
	for (size_t i = 0; i < groups_shown(wr->r, o); i++)
		out_json_obj(w, &gv, &c, i, scratch);
	jw_arr_end(w);
	jw_key(w, "movers");
	jw_arr_begin(w, 0);
	for (size_t i = 0; i < d->nmovers; i++)
		out_json_obj(w, &mv, &c, i, scratch);
	jw_arr_end(w);
	json_ids(w, "findings_appeared", d->appeared, d->nappeared);
	json_ids(w, "findings_cleared", d->cleared, d->ncleared);
	jw_obj_end(w);
}

static void json_record(struct outbuf *b, const struct watch_rec *wr, const struct opts *o)
{
	struct outbuf scratch;
	struct jw w;

	if (ob_init_mem(&scratch)) {
		b->err = b->err ? b->err : ENOMEM;
		return;
	}
	jw_init(&w, b);
	w.one_line = true;
	jw_obj_begin(&w);
	out_json_head(&w, wr->r, o);
	out_json_meta(&w, wr->r);
	out_json_system(&w, wr->r);
	out_json_top(&w, wr->r, o);
	out_json_findings(&w, wr->r);
	jw_kv_u64(&w, "sample", wr->sample);
	jw_key(&w, "elapsed_s");
	jw_f64(&w, (double)wr->elapsed_ms / 1000.0);
	jw_key(&w, "interval_s");
	jw_f64(&w, (double)wr->interval_ms / 1000.0);
	json_delta(&w, wr, o, &scratch);
	jw_obj_end(&w);
	jw_end(&w);
	ob_finish(&scratch);
}

/* TSV: top's rows (header with sample 1 only), each line prefixed with the
 * sample number and the time. */
static void tsv_record(struct outbuf *b, const struct watch_rec *wr, const struct opts *o)
{
	struct outbuf t;
	char ts[32];
	size_t i = 0;

	if (ob_init_mem(&t)) {
		b->err = b->err ? b->err : ENOMEM;
		return;
	}
	/* top with its header (and so its total row) unless -H; the header
	 * goes out once, before sample 1 */
	out_top(&t, wr->r, o);
	fmt_time(wr->r->snap->when, ts, sizeof(ts));
	if (!o->no_header) {
		if (wr->sample == 1)
			ob_str(b, "sample\ttime\t");
		while (i < t.len && t.p[i] != '\n')
			if (wr->sample == 1)
				ob_ch(b, t.p[i++]);
			else
				i++;
		if (wr->sample == 1)
			ob_ch(b, '\n');
		i++;
	}
	while (i < t.len) {
		ob_u64(b, wr->sample);
		ob_ch(b, '\t');
		ob_str(b, ts);
		ob_ch(b, '\t');
		while (i < t.len && t.p[i] != '\n')
			ob_ch(b, t.p[i++]);
		ob_ch(b, '\n');
		i++;
	}
	if (t.err)
		b->err = b->err ? b->err : t.err;
	ob_finish(&t);
}

void out_watch_record(struct outbuf *b, const struct watch_rec *wr, const struct opts *o)
{
	if (o->fmt == FMT_JSON)
		json_record(b, wr, o);
	else
		tsv_record(b, wr, o);
}

/* --- the live screen --- */

void watch_hist_add(struct watch_hist *h, const struct watch_rec *w)
{
	if (h->n == WATCH_HIST) {
		memmove(h->mem_pages, h->mem_pages + 1, (WATCH_HIST - 1) * sizeof(h->mem_pages[0]));
		h->n--;
	}
	h->mem_pages[h->n++] = w->r->snap->sys.sockstat.mem_pages;
	if (w->d && w->d->pressure_old.has && w->d->pressure_new.has &&
	    w->d->pressure_old.v != w->d->pressure_new.v)
		h->transitions++;
}

static void screen_head(struct outbuf *b, const struct watch_rec *w, const struct watch_hist *h,
			const struct opts *o, unsigned cols)
{
	const struct snapshot *r = w->r->snap;
	const struct sysinfo *si = &r->sys;
	const struct maybe *tm = si->sysctl.tcp_mem;
	struct maybe mem = si->sockstat.mem_pages;
	struct gauge_marks marks = { tm[0], tm[1], tm[2] };
	char ts[32], hb[16];
	uint64_t max = 0;
	size_t n;

	fmt_time(r->when, ts, sizeof(ts));
	ob_str(b, "sockmem watch  host ");
	out_untrusted(b, FMT_TABLE, si->hostname[0] ? si->hostname : "?", NULL);
	ob_str(b, "  ");
	ob_str(b, ts);
	ob_str(b, "  sample ");
	ob_u64(b, w->sample);
	ob_str(b, "  every ");
	ob_f64(b, (double)w->interval_ms / 1000.0);
	ob_str(b, "s  cost ");
	ob_i64(b, w->cost_ms);
	ob_str(b, " ms\n");
	ob_str(b, "TCP memory  ");
	if (mem.has) {
		ob_i64(b, mem.v);
		ob_str(b, " pages = ");
		fmt_human(hb, mem.v < 0 ? 0 : (uint64_t)mem.v * r->page_size);
		ob_str(b, hb);
	} else {
		ob_ch(b, '-');
	}
	if (w->d && w->d->mem_pages.has) {
		ob_str(b, " (");
		if (w->d->mem_pages.v >= 0)
			ob_ch(b, '+');
		ob_i64(b, w->d->mem_pages.v);
		ob_str(b, ")");
	}
	ob_str(b, "  tcp_mem low ");
	tm[0].has ? ob_i64(b, tm[0].v) : ob_ch(b, '-');
	ob_str(b, " pressure ");
	tm[1].has ? ob_i64(b, tm[1].v) : ob_ch(b, '-');
	ob_str(b, " high ");
	tm[2].has ? ob_i64(b, tm[2].v) : ob_ch(b, '-');
	if (tm[0].has || tm[1].has || tm[2].has) {
		ob_str(b, "\n            [");
		gauge_bar(b, mem, &marks, cols > 26 ? (cols - 14 < 60 ? cols - 14 : 60) : 10,
			  true);
		ob_str(b, "]  l p h: tcp_mem low, pressure, high");
	} else {
		/* a bar needs its thresholds: a full one would say "at the limit" */
		ob_str(b, "\n            (no gauge: tcp_mem is not visible in this network namespace)");
	}
	ob_str(b, "\nhistory     ");
	n = cols > 14 && h->n > cols - 14 ? cols - 14 : h->n;
	for (size_t i = h->n - n; i < h->n; i++)
		if (h->mem_pages[i].has && h->mem_pages[i].v > 0 &&
		    (uint64_t)h->mem_pages[i].v > max)
			max = (uint64_t)h->mem_pages[i].v;
	spark_line(b, h->mem_pages + (h->n - n), n, n, max, true);
	ob_str(b, "\npressure    ");
	if (w->d && w->d->pressure_old.has && w->d->pressure_new.has &&
	    w->d->pressure_old.v != w->d->pressure_new.v)
		ob_str(b, w->d->pressure_new.v ? "no -> YES" : "yes -> no");
	else
		ob_str(b, !si->proto.pressure.has ? "-" : si->proto.pressure.v ? "YES" : "no");
	ob_str(b, "  (transitions seen: ");
	ob_u64(b, h->transitions);
	ob_str(b, ")\n");
	(void)o;
}

/* The memory-pressure counters' rates since the previous sample. */
static void screen_rates(struct outbuf *b, const struct watch_rec *w)
{
	static const enum tcpext shown[] = { TX_PRUNE_CALLED,	 TX_RCV_PRUNED,
					     TX_RCV_COLLAPSED,	 TX_RCVQ_DROP,
					     TX_WANT_ZERO_WINDOW_ADV, TX_MEMORY_PRESSURES,
					     TX_OFO_PRUNED,	 TX_ABORT_ON_MEMORY };
	double rate;
	char buf[32];

	ob_str(b, "per second ");
	for (size_t i = 0; i < sizeof(shown) / sizeof(shown[0]); i++) {
		ob_ch(b, ' ');
		ob_str(b, procfs_tcpext_names[shown[i]]);
		ob_ch(b, ' ');
		if (w->d && delta_rate(w->d->tcpext[shown[i]], w->d->ms, &rate)) {
			snprintf(buf, sizeof(buf), "%.2f", rate);
			ob_str(b, buf);
		} else {
			ob_ch(b, '-');
		}
		if (i == 3)
			ob_str(b, "\n           ");
	}
	ob_ch(b, '\n');
}

static void screen_findings(struct outbuf *b, const struct watch_rec *w)
{
	const struct view *v = w->r;

	ob_str(b, "findings:");
	for (size_t i = 0; i < v->nfindings; i++) {
		ob_ch(b, ' ');
		ob_str(b, v->findings[i].id);
	}
	if (!v->nfindings)
		ob_str(b, " none");
	if (w->d) {
		out_id_list(b, "  appeared:", w->d->appeared, w->d->nappeared);
		out_id_list(b, "  cleared:", w->d->cleared, w->d->ncleared);
	}
	ob_ch(b, '\n');
}

/* The frame as plain lines. */
static void frame(struct outbuf *b, const struct watch_rec *w, const struct watch_hist *h,
		  const struct opts *o, unsigned rows, unsigned cols)
{
	struct field gf[NWG_KEYS + NWG_SUMS];
	struct fieldset gv = { gf, wgroup_fields(w->r->by, gf), NULL, NULL, NULL, NULL };
	struct fieldset mv = mover_fieldset(w->r);
	struct opts to = *o;
	struct wctx c = { w, o, 0 };
	size_t ng = groups_shown(w->r, o), nm = w->d ? w->d->nmovers : 0;
	/* head 6 lines, rates 2, blank + findings 2, two blanks, two headers */
	size_t room = rows > 14 ? rows - 14 : 2;

	to.fmt = FMT_TABLE;
	to.no_header = false;
	screen_head(b, w, h, o, cols);
	screen_rates(b, w);
	ob_ch(b, '\n');
	if (nm > room / 3)
		nm = room / 3 ? room / 3 : 1;
	if (ng > room - nm)
		ng = room - nm;
	out_grid(b, &to, &gv, ng, &c);
	ob_ch(b, '\n');
	if (w->d) {
		ob_str(b, "sockets that grew most (charged or rb) since the previous sample:\n");
		if (nm)
			out_grid(b, &to, &mv, nm, &c);
		else
			ob_str(b, "  none\n");
	} else {
		ob_str(b, "changes show from the second sample on\n");
	}
	ob_ch(b, '\n');
	screen_findings(b, w);
}

void out_watch_screen(struct outbuf *b, const struct watch_rec *w, const struct watch_hist *h,
		      const struct opts *o, unsigned rows, unsigned cols, bool ansi)
{
	struct outbuf t;
	size_t i = 0, line = 0;

	if (!ansi) {
		frame(b, w, h, o, rows ? rows : 40, cols ? cols : 120);
		ob_ch(b, '\n');
		return;
	}
	if (ob_init_mem(&t)) {
		b->err = b->err ? b->err : ENOMEM;
		return;
	}
	frame(&t, w, h, o, rows, cols);
	ob_str(b, "\033[H");
	/* each line cut to the width (bytes; the sparkline's characters are
	 * 3 bytes and 1 column), cleared to its end; nothing past the last row */
	while (i < t.len && line < rows) {
		size_t col = 0;

		if (line)
			ob_str(b, "\r\n");
		for (; i < t.len && t.p[i] != '\n'; i++) {
			unsigned char ch = (unsigned char)t.p[i];

			if ((ch & 0xc0) != 0x80)
				col++;
			if (col <= cols)
				ob_ch(b, t.p[i]);
		}
		ob_str(b, "\033[K");
		i++;
		line++;
	}
	ob_str(b, "\033[J");
	if (t.err)
		b->err = b->err ? b->err : t.err;
	ob_finish(&t);
}
