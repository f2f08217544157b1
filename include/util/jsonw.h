/* SPDX-License-Identifier: GPL-2.0-or-later */
/* jsonw.h - a streaming JSON writer that tracks its own nesting. */
#ifndef SOCKMEM_JSONW_H
#define SOCKMEM_JSONW_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/maybe.h"
#include "util/outbuf.h"

/* The error a misused writer records, in w->err and in its outbuf: an errno
 * no write returns (it belongs to robust mutexes), so that the caller tells
 * a bug in sockmem from a failed write. */
#define JW_EMISUSE ENOTRECOVERABLE

/* Deepest nesting of objects and arrays a document may have. */
#define JW_DEPTH 16

/*
 * Writes one compact JSON document to an outbuf: the writer places every
 * comma and colon, and knows which object or array is open, so callers never
 * keep "first" flags or write closers. Misuse (a key outside an object, a
 * value without its key inside one, a second key, closing what is not open,
 * nesting deeper than JW_DEPTH, a second top-level value) is a bug in the
 * caller: the writer records JW_EMISUSE in err, stops writing and sets the
 * outbuf's error too, so the run fails instead of printing a broken document.
 */
struct jw {
	struct outbuf *b;
	unsigned depth;		 /* open objects and arrays */
	uint8_t kind[JW_DEPTH];	 /* JW_OBJ or JW_ARR, per level */
	uint8_t flags[JW_DEPTH]; /* JW_NL_*, per level */
	bool more[JW_DEPTH];	 /* the level has a member already: next needs a comma */
	bool key;		 /* a key was written and waits for its value */
	bool nl;		 /* jw_nl: the next member or element starts a line */
	bool done;		 /* the top-level value is complete */
	bool one_line;		 /* ignore the JW_NL_* flags and jw_nl: one line (JSON Lines) */
	int err;		 /* JW_EMISUSE after a misuse, else 0 */
};

/* Array flags. JW_NL_ELEM: each element starts on a new line;
 * JW_NL_CLOSE: so does the closing ']'. JW_LINES: both. */
#define JW_NL_ELEM  1u
#define JW_NL_CLOSE 2u
#define JW_LINES    (JW_NL_ELEM | JW_NL_CLOSE)

/* Starts a document on b (which the caller owns). */
void jw_init(struct jw *w, struct outbuf *b);

/* Ends the document with a newline. Returns 0, or -JW_EMISUSE when the
 * writer was misused or the document is unbalanced (nothing written, or
 * something still open); then the outbuf's error is set as well. */
int jw_end(struct jw *w);

void jw_obj_begin(struct jw *w);
void jw_obj_end(struct jw *w);
void jw_arr_begin(struct jw *w, unsigned flags);
void jw_arr_end(struct jw *w);

/* The next member's name, escaped as a JSON string. */
void jw_key(struct jw *w, const char *key);

/* The next member (in an object) or element (in an array) starts on a new
 * line, after its comma: for documents laid out a section per line. */
void jw_nl(struct jw *w);

/* Values: in an array, after a key in an object, or as the document. */
void jw_u64(struct jw *w, uint64_t v);
void jw_i64(struct jw *w, int64_t v);
void jw_str(struct jw *w, const char *s); /* escaped as ob_json_str does */
void jw_null(struct jw *w);
void jw_bool(struct jw *w, bool v);
/* A maybe: its value, or null when absent. */
void jw_maybe(struct jw *w, struct maybe m);
/* A maybe of yes/no: true, false, or null when absent. */
void jw_maybe_bool(struct jw *w, struct maybe m);
/* A double in the shortest form that reads back as the same double
 * ("0.2", "33.333333333333336"); null when not finite. */
void jw_f64(struct jw *w, double v);
/* v hundredths as a decimal with two places ("12.34"). */
void jw_hundredths(struct jw *w, int64_t v);
/* v as a decimal string ("18446744073709551615"), for numbers JSON parsers
 * would round. */
void jw_u64_str(struct jw *w, uint64_t v);
/* The n bytes at p as a string of lowercase hex digits, two per byte. */
void jw_hex(struct jw *w, const void *p, size_t n);

/* Key and value in one call, for the common member shapes. */
static inline void jw_kv_u64(struct jw *w, const char *key, uint64_t v)
{
	jw_key(w, key);
	jw_u64(w, v);
}

static inline void jw_kv_str(struct jw *w, const char *key, const char *s)
{
	jw_key(w, key);
	jw_str(w, s);
}

static inline void jw_kv_maybe(struct jw *w, const char *key, struct maybe m)
{
	jw_key(w, key);
	jw_maybe(w, m);
}

/* An unsigned value, or null when !has. */
static inline void jw_kv_opt_u64(struct jw *w, const char *key, bool has, uint64_t v)
{
	jw_key(w, key);
	if (has)
		jw_u64(w, v);
	else
		jw_null(w);
}

#endif
