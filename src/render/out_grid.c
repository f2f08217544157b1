// SPDX-License-Identifier: GPL-2.0-or-later
/* out_grid.c - generic aligned table and TSV writer. */
#include "render/out.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct cell cell_maybe(struct maybe m, enum cell_kind kind)
{
	struct cell c = { CELL_ABSENT, 0, 0, NULL };

	if (!m.has)
		return c;
	c.kind = kind;
	if (kind == CELL_I64)
		c.i = m.v;
	else
		c.u = m.v < 0 ? 0 : (uint64_t)m.v;
	return c;
}

void out_untrusted(struct outbuf *b, enum fmt fmt, const char *s, const char *extra)
{
	if (fmt == FMT_JSON)
		ob_json_str(b, s);
	else if (fmt == FMT_TSV)
		ob_tsv_str(b, s, extra);
	else
		ob_table_str(b, s, extra);
}

/* Writes the text of one cell into t (a memory buffer); returns its width. */
static size_t cell_text(const struct cell *c, const struct opts *o, const struct outbuf *scratch,
			struct outbuf *t)
{
	char num[32];
	size_t n;

	ob_reset(t);
	switch (c->kind) {
	case CELL_ABSENT:
		if (o->fmt == FMT_TABLE)
			ob_ch(t, '-');
		break;
	case CELL_U64: ob_u64(t, c->u); break;
	case CELL_I64: ob_i64(t, c->i); break;
	case CELL_BYTES:
		n = (o->fmt == FMT_TABLE && !o->numeric) ? fmt_human(num, c->u)
							 : fmt_u64(num, c->u);
		ob_write(t, num, n);
		break;
	case CELL_TEXT: ob_str(t, c->s); break;
	case CELL_RAW:
		if (c->s)
			ob_str(t, c->s);
		else
			ob_write(t, scratch->p + (c->u & 0xffffffffu), (size_t)(c->u >> 32));
		break;
	case CELL_UNTRUSTED: out_untrusted(t, o->fmt, c->s, NULL); break;
	}
	return t->len;
}

void out_grid(struct outbuf *b, const struct opts *o, const struct col *cols, size_t ncols,
	      size_t nrows, row_fn fn, const void *ctx)
{
	struct cell *cells = calloc(ncols, sizeof(*cells));
	size_t *w = calloc(ncols, sizeof(*w));
	struct outbuf scratch, t;

	scratch.p = t.p = NULL;
	if (!cells || !w || ob_init_mem(&scratch) || ob_init_mem(&t)) {
		b->err = b->err ? b->err : ENOMEM;
		free(scratch.p);
		free(t.p);
		free(cells);
		free(w);
		return;
	}
	if (o->fmt == FMT_TABLE) {
		for (size_t c = 0; c < ncols; c++)
			w[c] = o->no_header ? 0 : strlen(cols[c].title);
		for (size_t i = 0; i < nrows; i++) {
			ob_reset(&scratch);
			fn(ctx, i, o->fmt, &scratch, cells);
			for (size_t c = 0; c < ncols; c++) {
				size_t cw = cell_text(&cells[c], o, &scratch, &t);

				if (cw > w[c])
					w[c] = cw;
			}
		}
	}
	if (!o->no_header) {
		for (size_t c = 0; c < ncols; c++) {
			const char *h = o->fmt == FMT_TABLE ? cols[c].title : cols[c].key;

			if (c)
				ob_ch(b, o->fmt == FMT_TABLE ? ' ' : '\t');
			if (o->fmt == FMT_TABLE && !cols[c].left)
				ob_spaces(b, w[c] - strlen(h));
			ob_str(b, h);
			if (o->fmt == FMT_TABLE && cols[c].left && c + 1 < ncols)
				ob_spaces(b, w[c] - strlen(h));
		}
		ob_ch(b, '\n');
	}
	for (size_t i = 0; i < nrows && !b->err; i++) {
		ob_reset(&scratch);
		fn(ctx, i, o->fmt, &scratch, cells);
		for (size_t c = 0; c < ncols; c++) {
			size_t cw = cell_text(&cells[c], o, &scratch, &t);

			if (c)
				ob_ch(b, o->fmt == FMT_TABLE ? ' ' : '\t');
			if (o->fmt == FMT_TABLE && !cols[c].left)
				ob_spaces(b, w[c] - cw);
			ob_write(b, t.p, t.len);
			if (o->fmt == FMT_TABLE && cols[c].left && c + 1 < ncols)
				ob_spaces(b, w[c] - cw);
		}
		ob_ch(b, '\n');
	}
	free(scratch.p);
	free(t.p);
	free(cells);
	free(w);
}
