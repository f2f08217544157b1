// SPDX-License-Identifier: GPL-2.0-or-later
/* out_grid.c - a view's field table as an aligned table, TSV rows or JSON objects. */
#include "render/out.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct cell cell_maybe(struct maybe m, enum cell_kind kind)
{
	struct cell c = cell_absent();

	if (!m.has)
		return c;
	c.kind = kind;
	if (kind == CELL_I64)
		c.i = m.v;
	else
		c.u = m.v < 0 ? 0 : (uint64_t)m.v;
	return c;
}

struct cell cell_f64(bool has, double v)
{
	struct cell c = cell_absent();

	if (has) {
		c.kind = CELL_F64;
		memcpy(&c.u, &v, sizeof(v));
	}
	return c;
}

/* The double of a CELL_F64. */
static double cell_d(const struct cell *c)
{
	double d;

	memcpy(&d, &c->u, sizeof(d));
	return d;
}

struct cell cell_raw_since(struct outbuf *scratch, size_t start)
{
	struct cell c = { CELL_RAW, 0, 0, NULL };

	c.u = (uint64_t)(scratch->len - start) << 32 | start;
	ob_ch(scratch, '\0');
	return c;
}

static const char *raw_text(const struct cell *c, const struct outbuf *scratch)
{
	return scratch->p + (c->u & 0xffffffffu);
}

void out_untrusted(struct outbuf *b, enum fmt fmt, const char *s, const char *extra)
{
	if (fmt == FMT_TSV)
		ob_tsv_str(b, s, extra);
	else
		ob_table_str(b, s, extra);
}

/* Whether a field has a table/TSV column. */
static bool in_grid(const struct field *f)
{
	return !(f->flags & FIELD_JSON_ONLY);
}

/* Appends the text of one cell of field f to t. */
static void cell_put(const struct cell *c, const struct field *f, const struct opts *o,
		     const struct outbuf *scratch, struct outbuf *t)
{
	char num[32];

	switch (c->kind) {
	case CELL_ABSENT:
		if (o->fmt == FMT_TABLE)
			ob_ch(t, '-');
		break;
	case CELL_U64:
		if (f->unit == UNIT_BYTES && !(f->flags & FIELD_EXACT) && o->fmt == FMT_TABLE &&
		    !o->numeric)
			ob_write(t, num, fmt_human(num, c->u));
		else
			ob_u64(t, c->u);
		break;
	case CELL_I64: ob_i64(t, c->i); break;
	case CELL_TEXT: ob_str(t, c->s); break;
	case CELL_RAW: ob_write(t, raw_text(c, scratch), (size_t)(c->u >> 32)); break;
	case CELL_UNTRUSTED: out_untrusted(t, o->fmt, c->s, NULL); break;
	case CELL_F64:
		if (f->unit == UNIT_BYTES && o->fmt == FMT_TABLE && !o->numeric) {
			/* a byte rate reads like the byte columns: 1.9M, -312.0K */
			double d = cell_d(c);

			if (d < 0)
				ob_ch(t, '-');
			d = d < 0 ? -d : d;
			ob_write(t, num, fmt_human(num, d < 1.8e19 ? (uint64_t)(d + 0.5) : UINT64_MAX));
		} else if (o->fmt == FMT_TABLE) {
			snprintf(num, sizeof(num), "%.2f", cell_d(c));
			ob_str(t, num);
		} else {
			ob_f64(t, cell_d(c));
		}
		break;
	}
}

/* Writes the text of one cell of field f into t (a memory buffer); returns its width. */
static size_t cell_str(const struct cell *c, const struct field *f, const struct opts *o,
		       const struct outbuf *scratch, struct outbuf *t)
{
	ob_reset(t);
	cell_put(c, f, o, scratch, t);
	return t->len;
}

/* One TSV line of a row's cells, written straight to b (no widths to pad to). */
static void put_tsv_row(struct outbuf *b, const struct grid *g)
{
	bool first = true;

	for (size_t c = 0; c < g->v->n; c++) {
		if (!in_grid(&g->v->f[c]))
			continue;
		if (!first)
			ob_ch(b, '\t');
		first = false;
		cell_put(&g->cells[c], &g->v->f[c], g->o, &g->scratch, b);
	}
	ob_ch(b, '\n');
}

/* Fills cells[] for one row (grid columns only). */
static void row_cells(const struct fieldset *v, const void *ctx, size_t row, enum fmt fmt,
		      struct outbuf *scratch, struct cell *cells)
{
	ob_reset(scratch);
	for (size_t c = 0; c < v->n; c++)
		if (in_grid(&v->f[c]))
			cells[c] = v->f[c].get(ctx, row, &v->f[c], fmt, scratch);
}

/* Column widths of a table: headers and every row's cells. */
static void table_widths(const struct fieldset *v, const struct opts *o, size_t nrows,
			 const void *ctx, struct outbuf *scratch, struct outbuf *t,
			 struct cell *cells, size_t *w)
{
	for (size_t c = 0; c < v->n; c++)
		w[c] = o->no_header ? 0 : strlen(v->f[c].title);
	for (size_t i = 0; i < nrows; i++) {
		if (v->row_kept && !v->row_kept(ctx, i))
			continue;
		row_cells(v, ctx, i, o->fmt, scratch, cells);
		for (size_t c = 0; c < v->n; c++) {
			if (!in_grid(&v->f[c]))
				continue;
			size_t cw = cell_str(&cells[c], &v->f[c], o, scratch, t);

			if (cw > w[c])
				w[c] = cw;
		}
	}
}

/* Index of the last grid column (no trailing padding after it). */
static size_t last_col(const struct fieldset *v)
{
	size_t last = 0;

	for (size_t c = 0; c < v->n; c++)
		if (in_grid(&v->f[c]))
			last = c;
	return last;
}

/* Writes one line of texts (header or row) with separators and padding. */
static void put_line(struct outbuf *b, const struct fieldset *v, const struct opts *o,
		     const size_t *w, const char *const *text, const size_t *width)
{
	size_t last = last_col(v);
	bool first = true;

	for (size_t c = 0; c < v->n; c++) {
		const struct field *f = &v->f[c];

		if (!in_grid(f))
			continue;
		if (!first)
			ob_ch(b, o->fmt == FMT_TABLE ? ' ' : '\t');
		first = false;
		if (o->fmt == FMT_TABLE && !(f->flags & FIELD_LEFT))
			ob_spaces(b, w[c] - width[c]);
		ob_write(b, text[c], width[c]);
		if (o->fmt == FMT_TABLE && (f->flags & FIELD_LEFT) && c < last)
			ob_spaces(b, w[c] - width[c]);
	}
	ob_ch(b, '\n');
}

void grid_end(struct grid *g)
{
	for (size_t c = 0; g->t && c < g->ok; c++)
		free(g->t[c].p);
	free(g->scratch.p);
	free(g->t);
	free(g->text);
	free(g->width);
	free(g->w);
	free(g->cells);
	memset(g, 0, sizeof(*g));
}

void grid_begin(struct grid *g, struct outbuf *b, const struct opts *o, const struct fieldset *v,
		size_t nrows, const void *ctx)
{
	memset(g, 0, sizeof(*g));
	g->o = o;
	g->v = v;
	g->ctx = ctx;
	g->cells = calloc(v->n, sizeof(*g->cells));
	g->w = calloc(v->n, sizeof(*g->w));
	g->width = calloc(v->n, sizeof(*g->width));
	g->text = calloc(v->n, sizeof(*g->text));
	g->t = calloc(v->n, sizeof(*g->t)); /* one text buffer per column */
	if (g->cells && g->w && g->width && g->text && g->t && ob_init_mem(&g->scratch) == 0)
		for (g->ok = 0; g->ok < v->n && ob_init_mem(&g->t[g->ok]) == 0; g->ok++)
			;
	if (g->ok < v->n) {
		b->err = b->err ? b->err : ENOMEM;
		return;
	}
	if (o->fmt == FMT_TABLE)
		table_widths(v, o, nrows, ctx, &g->scratch, &g->t[0], g->cells, g->w);
	if (!o->no_header) {
		for (size_t c = 0; c < v->n; c++) {
			g->text[c] = o->fmt == FMT_TABLE ? v->f[c].title : v->f[c].key;
			g->width[c] = strlen(g->text[c]);
		}
		put_line(b, v, o, g->w, g->text, g->width);
	}
}

void grid_rows(struct grid *g, struct outbuf *b, size_t from, size_t to)
{
	const struct fieldset *v = g->v;

	for (size_t i = from; i < to && !b->err; i++) {
		if (v->row_kept && !v->row_kept(g->ctx, i))
			continue;
		if (g->o->fmt == FMT_TSV && v->tsv_row) {
			v->tsv_row(b, v, g->ctx, i);
			continue;
		}
		row_cells(v, g->ctx, i, g->o->fmt, &g->scratch, g->cells);
		if (g->o->fmt != FMT_TABLE) {
			put_tsv_row(b, g);
			continue;
		}
		for (size_t c = 0; c < v->n; c++) {
			if (!in_grid(&v->f[c]))
				continue;
			g->width[c] = cell_str(&g->cells[c], &v->f[c], g->o, &g->scratch, &g->t[c]);
			g->text[c] = g->t[c].p;
		}
		put_line(b, v, g->o, g->w, g->text, g->width);
	}
}

void out_grid(struct outbuf *b, const struct opts *o, const struct fieldset *v, size_t nrows,
	      const void *ctx)
{
	struct grid g;

	grid_begin(&g, b, o, v, nrows, ctx);
	grid_rows(&g, b, 0, nrows);
	grid_end(&g);
}

/* Writes one cell as a JSON value. */
static void json_cell(struct jw *w, const struct cell *c, const struct outbuf *scratch)
{
	switch (c->kind) {
	case CELL_ABSENT: jw_null(w); break;
	case CELL_U64: jw_u64(w, c->u); break;
	case CELL_I64: jw_i64(w, c->i); break;
	case CELL_TEXT:
	case CELL_UNTRUSTED: jw_str(w, c->s); break;
	case CELL_RAW: jw_str(w, raw_text(c, scratch)); break;
	case CELL_F64: jw_f64(w, cell_d(c)); break;
	}
}

static void json_field(struct jw *w, const struct field *f, const void *ctx, size_t row,
		       struct outbuf *scratch)
{
	struct cell c;

	if (f->flags & FIELD_JSON_MEMBERS) {
		f->json(w, ctx, row);
		return;
	}
	jw_key(w, f->key);
	if (f->json) {
		f->json(w, ctx, row);
		return;
	}
	ob_reset(scratch);
	c = f->get(ctx, row, f, FMT_JSON, scratch);
	json_cell(w, &c, scratch);
}

static bool same_group(const struct field *a, const struct field *b)
{
	return a && b && a->group && b->group && strcmp(a->group, b->group) == 0;
}

void out_json_obj(struct jw *w, const struct fieldset *v, const void *ctx, size_t row,
		  struct outbuf *scratch)
{
	const struct field *prev = NULL;
	bool null_group = false;

	jw_obj_begin(w);
	for (size_t k = 0; k < v->n; k++) {
		const struct field *f = &v->f[v->json_order ? v->json_order[k] : k];
		const struct field *next =
		    k + 1 < v->n ? &v->f[v->json_order ? v->json_order[k + 1] : k + 1] : NULL;

		if (f->group && !same_group(prev, f)) {
			jw_key(w, f->group);
			null_group = v->group_null && v->group_null(ctx, row, f->group);
			if (null_group)
				jw_null(w);
			else
				jw_obj_begin(w);
		}
		if (!f->group || !null_group)
			json_field(w, f, ctx, row, scratch);
		if (f->group && !null_group && !same_group(f, next))
			jw_obj_end(w);
		prev = f;
	}
	jw_obj_end(w);
}
