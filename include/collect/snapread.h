/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * snapread.h - internals of the snapshot reader (collect/snapfile.c),
 * shared by its three files: snapjson.c (checked access to jansson values,
 * and the byte cursor over the document), snapsect.c (every member but the
 * sockets), snapfile.c (the sockets, the top-level framing, the entry).
 * Every function that refuses writes the one-line reason into d->why and
 * returns -1 (or NULL); path names the enclosing member in that reason.
 */
#ifndef SOCKMEM_SNAPREAD_H
#define SOCKMEM_SNAPREAD_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/snapshot.h"
#include "util/maybe.h"

/* One read: the snapshot being filled, where a refusal is written, and the
 * document with the cursor at in it. */
struct rd {
	struct snapshot *r;
	char *why;
	size_t whylen;
	const char *text;
	size_t len, at;
};

/* Writes the reason (printf format) and returns -1. */
__attribute__((format(__printf__, 2, 3))) int sr_bad(struct rd *d, const char *fmt, ...);

/* "path.key: what", returns -1. */
int sr_wrong(struct rd *d, const char *path, const char *key, const char *what);

/* Member key of obj, or NULL with "path.key: missing". JSON null is a member. */
json_t *sr_need(struct rd *d, json_t *obj, const char *path, const char *key);

/* An object or array member of type t; *out NULL for null when nullable. */
int sr_get_node(struct rd *d, json_t *obj, const char *path, const char *key, json_type t,
		bool nullable, json_t **out);

/* Integers (no fraction or exponent) in [lo, hi]: of value v, of a member. */
int sr_int_in(struct rd *d, json_t *v, const char *path, const char *key, int64_t lo, int64_t hi,
	      int64_t *out);
int sr_get_int(struct rd *d, json_t *obj, const char *path, const char *key, int64_t lo, int64_t hi,
	       int64_t *out);
int sr_get_u32(struct rd *d, json_t *obj, const char *path, const char *key, uint32_t *out);
int sr_get_u64(struct rd *d, json_t *obj, const char *path, const char *key, uint64_t *out);

/* A count written as null when 0 (absent): null or [1, hi]. */
int sr_get_nz(struct rd *d, json_t *obj, const char *path, const char *key, int64_t hi,
	      int64_t *out);

/* A value that may be absent: null, or [-INT64_MAX, INT64_MAX] as the /proc
 * parsers give it. */
int sr_maybe_in(struct rd *d, json_t *v, const char *path, const char *key, struct maybe *m);
int sr_get_maybe(struct rd *d, json_t *obj, const char *path, const char *key, struct maybe *m);

int sr_get_bool(struct rd *d, json_t *obj, const char *path, const char *key, bool *out);

/* An unsigned 64-bit value written as a decimal string; the member form
 * takes null when nullable (*has false). */
int sr_u64_str_in(struct rd *d, json_t *v, const char *path, const char *key, uint64_t *out);
int sr_get_u64_str(struct rd *d, json_t *obj, const char *path, const char *key, bool nullable,
		   bool *has, uint64_t *out);

/* Text as the writer spells it (a string, or {"hex": ...}), at most max
 * bytes and no NUL; null gives "" when nullable. Returns its length with a
 * malloc'd copy in *out, or -1. */
long sr_text_in(struct rd *d, json_t *v, const char *path, const char *key, bool nullable,
		size_t max, char **out);

/* The same into a buffer of cap bytes (NUL included). */
int sr_get_text_buf(struct rd *d, json_t *obj, const char *path, const char *key, bool nullable,
		    char *buf, size_t cap);

/* Calls fn for each element of arr, each of which must be an object, with
 * path "key[i]". */
typedef int (*sr_el_fn)(struct rd *d, json_t *el, const char *path, size_t i, void *ctx);
int sr_each(struct rd *d, json_t *arr, const char *key, sr_el_fn fn, void *ctx);

/* calloc of n (at least one) elements, or NULL with "what: out of memory". */
void *sr_alloc_n(struct rd *d, size_t n, size_t size, const char *what);

/* --- the cursor --- */

/* Refuses the text at byte off: "truncated" when the document stops there
 * (or inside a character there), else "not JSON: what (line, column)". */
int sr_syntax(struct rd *d, size_t off, const char *what, enum json_error_code code);

void sr_skip_ws(struct rd *d);

/* After whitespace, the next byte if it is in set (consumed), else 0 and a
 * refusal saying expected. */
char sr_sep(struct rd *d, const char *set, const char *expected);

/* The JSON value at the cursor, decoded by jansson (the cursor moves past
 * it), or NULL. */
json_t *sr_value(struct rd *d);

/* --- sections (snapsect.c) --- */

/* Checks that root is a snapshot of a schema this reader knows, then reads
 * every member but "sockets" into d->r. */
int sr_read_sections(struct rd *d, json_t *root);

#endif
