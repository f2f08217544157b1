/* SPDX-License-Identifier: GPL-2.0-or-later */
/* out.h - renderers: every view in every format, over one const view of a snapshot. */
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
#include "model/view.h"

/* JSON "schema" value; bumped on any incompatible change of names. */
#define SOCKMEM_SCHEMA "sockmem/1"

/* Renders the view o->cmd in format o->fmt to f.
 * Returns 0 or -errno of the first write error. */
int out_render(const struct view *v, const struct opts *o, FILE *f);

/* --- shared by the view renderers (out_*.c) --- */

/* What a value measures. Tables show UNIT_BYTES in binary units unless -n
 * (or FIELD_EXACT); every other format prints the number as it is. */
enum unit {
	UNIT_TEXT,  /* a name, state or address */
	UNIT_ID,    /* an identifier: inode, cookie, uid, pid, port, cgroup id, netns inode */
	UNIT_COUNT, /* a count of things (sockets, drops, processes) */
	UNIT_PAGES, /* pages of page_size bytes */
	UNIT_BYTES, /* bytes */
	UNIT_USEC,  /* microseconds */
	UNIT_BOOL,  /* yes/no */
	UNIT_PCT,   /* a percentage in hundredths */
};

enum cell_kind {
	CELL_ABSENT,	/* "-" in tables, empty in TSV, null in JSON */
	CELL_U64,	/* an unsigned number */
	CELL_I64,	/* a signed number */
	CELL_TEXT,	/* trusted ASCII (states, labels) */
	CELL_RAW,	/* text in the scratch buffer, already escaped for the format */
	CELL_UNTRUSTED, /* text from another process: escaped per format */
	CELL_F64,	/* a rate: a double's bits in u (cell_f64); shortest exact
			 * decimal, tables 2 places */
};

/* One value of one row. CELL_RAW text is scratch->p[u & 0xffffffff], u >> 32
 * bytes long and NUL-terminated (offsets, as scratch may move while a row
 * is filled). */
struct cell {
	enum cell_kind kind;
	uint64_t u;
	int64_t i;
	const char *s;
};

struct field;

/* The value of field f in row `row` of the view's context ctx, for fmt; text
 * the value needs goes into scratch (reset before each row). */
typedef struct cell (*field_get)(const void *ctx, size_t row, const struct field *f,
				 enum fmt fmt, struct outbuf *scratch);

/* A JSON value the field writes itself (a list of objects), instead of a cell. */
typedef void (*field_json)(struct jw *w, const void *ctx, size_t row);

#define FIELD_LEFT	1u /* left-aligned in tables */
#define FIELD_EXACT	2u /* UNIT_BYTES printed exactly in tables too (sizes like MSS) */
#define FIELD_JSON_ONLY 4u /* JSON only: tables and TSV say it elsewhere, or omit a machine key */
#define FIELD_NOT_PROM	8u /* no Prometheus label: changes when its object is recreated */
/* JSON: json writes the field's members (keys and values) into the row's
 * object itself: a field whose JSON name or shape is not one member */
#define FIELD_JSON_MEMBERS 16u

/*
 * One output field of a view: the single description every format
 * iterates, so a value is in all of them or (FIELD_JSON_ONLY) says why not.
 * key names the TSV column and the JSON member, title the table column.
 */
struct field {
	const char *key;
	const char *title;
	const char *group; /* JSON: a member of this object inside the row, or NULL */
	enum unit unit;
	unsigned flags;
	field_get get;
	int arg;	 /* for get: which skmem/tcp_info index, key column, sum... */
	field_json json; /* NULL: JSON writes the cell */
};

/* The fields of an output view and how its JSON objects are laid out. */
struct fieldset {
	const struct field *f;
	size_t n;
	/* JSON member order as indexes into f (fields of a group adjacent);
	 * NULL: the order of f */
	const uint8_t *json_order;
	/* JSON: whether a group's object is null in this row; NULL: never */
	bool (*group_null)(const void *ctx, size_t row, const char *group);
	/* whether a row is shown (rows a view's filters left out are not); NULL: all */
	bool (*row_kept)(const void *ctx, size_t row);
	/* TSV: writes the row's line (its grid fields, tab-separated, with the
	 * newline) straight into b, the same text as the getters' cells give;
	 * for views with many rows (sockets). NULL: through the cells. */
	void (*tsv_row)(struct outbuf *b, const struct fieldset *v, const void *ctx, size_t row);
};

/* out_grid in steps, for rows that arrive in batches (TSV; a table's
 * widths need every row at grid_begin): begin writes the header, rows the
 * kept rows from..to-1, end frees. An allocation failure sets b->err. */
struct grid {
	const struct opts *o;
	const struct fieldset *v;
	const void *ctx;
	struct cell *cells;
	size_t *w, *width;
	const char **text;
	struct outbuf *t; /* one text buffer per column, ok of them set up */
	size_t ok;
	struct outbuf scratch;
};
void grid_begin(struct grid *g, struct outbuf *b, const struct opts *o, const struct fieldset *v,
		size_t nrows, const void *ctx);
void grid_rows(struct grid *g, struct outbuf *b, size_t from, size_t to);
void grid_end(struct grid *g);

/* Writes the kept rows of 0..nrows-1 of fs as an aligned table (fmt TABLE) or TSV (fmt TSV). */
void out_grid(struct outbuf *b, const struct opts *o, const struct fieldset *fs, size_t nrows,
	      const void *ctx);

/* Writes row `row` of fs as one JSON object; scratch is a memory buffer for
 * the getters' text. */
void out_json_obj(struct jw *w, const struct fieldset *fs, const void *ctx, size_t row,
		  struct outbuf *scratch);

/* A CELL_RAW of the text written to scratch since offset start (NUL added). */
struct cell cell_raw_since(struct outbuf *scratch, size_t start);

/* Cell from a maybe: absent, or kind (CELL_U64 clamps negatives to 0, CELL_I64). */
struct cell cell_maybe(struct maybe m, enum cell_kind kind);

static inline struct cell cell_u64(uint64_t v)
{
	return (struct cell){ CELL_U64, v, 0, NULL };
}

/* A CELL_F64 of v (its bits in u); absent when !has. */
struct cell cell_f64(bool has, double v);

static inline struct cell cell_text(const char *s)
{
	return (struct cell){ CELL_TEXT, 0, 0, s };
}

static inline struct cell cell_absent(void)
{
	return (struct cell){ CELL_ABSENT, 0, 0, NULL };
}

/* "local" and "peer" members for a socket (ss -n spelling). */
void out_json_endpoints(struct jw *w, const struct snapshot *r, const struct sock_rec *s);

/* The category of a --by process group row: its JSON "category" when json
 * ("process", "time_wait"...), else its table label ("(time-wait)"; NULL
 * for a process). */
const char *out_proc_category(const struct snapshot *r, uint32_t proc, bool json);

/* Writes label, then " id" for each of the n ids, or " none" (the findings
 * that appeared or cleared, in diff's and watch's tables). */
void out_id_list(struct outbuf *b, const char *label, const char *const *ids, size_t n);

/* Escapes untrusted s for a TSV cell (fmt TSV) or else a table cell into
 * b; JSON writes strings with jw_str. */
void out_untrusted(struct outbuf *b, enum fmt fmt, const char *s, const char *extra);

/* Per-view renderers, table and TSV. */
void out_sockets(struct outbuf *b, const struct view *v, const struct opts *o);

/*
 * `sockets -o tsv|json` as the dump returns the sockets, for a streaming
 * collection: new before it, rows for each batch (the view's kept sockets
 * from..to-1), end after it (writes the rest; returns 0 or -errno as
 * out_render) or drop on failure. Output stays in memory up to 4 MiB, so a
 * run that fails before it grows that large prints nothing; past that it is
 * written as it comes, and a failure leaves it cut short (a JSON document
 * not closed).
 */
struct sock_stream;
struct sock_stream *out_sockets_stream_new(FILE *f, const struct opts *o);
void out_sockets_stream_rows(struct sock_stream *s, const struct view *v, size_t from, size_t to);
int out_sockets_stream_end(struct sock_stream *s, const struct view *v);
void out_sockets_stream_drop(struct sock_stream *s);
void out_top(struct outbuf *b, const struct view *v, const struct opts *o);
void out_system(struct outbuf *b, const struct view *v, const struct opts *o);
void out_check(struct outbuf *b, const struct view *v, const struct opts *o);

/* The rows of top: groups 0..n-1 and, at row n, the total (each socket once). */
struct top_ctx {
	const struct view *v;
	size_t n;
};

#define OUT_TOP_MAX_FIELDS 14

/* top's field table for --by by into f, which has room for
 * OUT_TOP_MAX_FIELDS: *nkeys (if not NULL) key fields, then the sums over
 * each group's sockets; returns the count. Its rows: struct top_ctx. */
size_t out_top_fields(enum group_by by, struct field *f, size_t *nkeys);

/* Calls fn for each value of the system view's field table, in its order:
 * section (NULL: a top-level member), key, value, unit. */
void out_system_each(const struct view *v,
		     void (*fn)(void *arg, const char *section, const char *key, struct maybe v,
				enum unit unit),
		     void *arg);

/* JSON members of the document object (the caller opens and closes it):
 * "schema", "command", "host"; then those of each view. */
void out_json_head(struct jw *w, const struct view *v, const struct opts *o);
/* "meta": version, collection time, partial, processes not inspected (the
 * values -o prom gives as its meta metrics), for top, system, check, report
 * and watch's report documents. */
void out_json_meta(struct jw *w, const struct view *v);
void out_json_sockets(struct jw *w, const struct view *v);
void out_json_system(struct jw *w, const struct view *v);
void out_json_top(struct jw *w, const struct view *v, const struct opts *o);
void out_json_findings(struct jw *w, const struct view *v);
/* "owners_scan": how complete the walk of /proc/PID/fd was (null when
 * not walked), for the views that attribute sockets to processes. */
void out_json_owners_scan(struct jw *w, const struct snapshot *r);

#endif
