/* SPDX-License-Identifier: GPL-2.0-or-later */
/* out.h - renderers: every view in every format, over one const report. */
#ifndef SOCKMEM_OUT_H
#define SOCKMEM_OUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "model/query.h"
#include "util/jsonw.h"
#include "util/maybe.h"
#include "util/outbuf.h"
#include "model/report.h"

/* JSON "schema" value; bumped on any incompatible change of names. */
#define SOCKMEM_SCHEMA "sockmem/1"

/* Renders the view o->cmd in format o->fmt to f.
 * Returns 0 or -errno of the first write error. */
int out_render(const struct report *r, const struct opts *o, FILE *f);

/* --- shared by the view renderers (out_*.c) --- */

enum cell_kind {
	CELL_ABSENT,	/* printed "-" in tables, empty in TSV */
	CELL_U64,	/* plain count */
	CELL_I64,	/* signed count */
	CELL_BYTES,	/* bytes: human units in tables unless -n */
	CELL_TEXT,	/* trusted ASCII (states, addresses) */
	CELL_RAW,	/* text already escaped for the output format */
	CELL_UNTRUSTED, /* text from another process: escaped per format */
};

struct cell {
	enum cell_kind kind;
	uint64_t u;
	int64_t i;
	const char *s;
};

struct col {
	const char *key;   /* TSV header and JSON name */
	const char *title; /* table header */
	int left;	   /* left-align in tables */
};

/* Fills cells[] for row i. scratch is a memory buffer the row may use for
 * CELL_RAW text (reset before each row; cells point into it by offset via
 * cell.u when cell.s is NULL). */
typedef void (*row_fn)(const void *ctx, size_t i, enum fmt fmt, struct outbuf *scratch,
		       struct cell *cells);

/* Writes rows as an aligned table (fmt TABLE) or TSV (fmt TSV). */
void out_grid(struct outbuf *b, const struct opts *o, const struct col *cols, size_t ncols,
	      size_t nrows, row_fn fn, const void *ctx);

/* Cell from a maybe: absent or a count / byte value. */
struct cell cell_maybe(struct maybe m, enum cell_kind kind);

/* "local" and "peer" members for a socket (ss -n spelling). */
void out_json_endpoints(struct jw *w, const struct report *r, const struct sock_rec *s);

/* Escapes untrusted s for fmt into b (table, TSV or bare JSON string). */
void out_untrusted(struct outbuf *b, enum fmt fmt, const char *s, const char *extra);

/* Per-view renderers. */
void out_sockets(struct outbuf *b, const struct report *r, const struct opts *o);
void out_top(struct outbuf *b, const struct report *r, const struct opts *o);
void out_system(struct outbuf *b, const struct report *r, const struct opts *o);
void out_check(struct outbuf *b, const struct report *r, const struct opts *o);
/* JSON members of the document object (the caller opens and closes it):
 * "schema", "command", "host"; then those of each view. */
void out_json_head(struct jw *w, const struct report *r, const struct opts *o);
void out_json_sockets(struct jw *w, const struct report *r);
void out_json_system(struct jw *w, const struct report *r);
void out_json_top(struct jw *w, const struct report *r, const struct opts *o);
void out_json_findings(struct jw *w, const struct report *r);

#endif
