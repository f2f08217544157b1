// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * snapjson.c - the snapshot reader's checked access to jansson values
 * (types, ranges, texts as the writer spells them) and its cursor over the
 * document (see snapfile.c for why the top level is walked by hand).
 */
#include "collect/snapread.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int sr_bad(struct rd *d, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(d->why, d->whylen, fmt, ap);
	va_end(ap);
	return -1;
}

/* ------------------------------------------------------------------ members */

/* Members added to the sockmem/1 document after its first release (0.1.0):
 * a snapshot written before them lacks them, and that is no damage. Each
 * reads as null (absent) when missing, so older snapshots still load. */
static const char *const added_since_0_1[] = {
	"tcp_notsent_lowat", "tcp_shrink_window", "initial_netns",     "TCPRcvCoalesce",
	"TCPToZeroWindowAdv", "TCPFromZeroWindowAdv", "snd_wscale", "rcv_wscale",
	"other_netns", "unreadable_pids",
	/* UDP (written only when UDP was collected; absent: TCP only) */
	"protocols", "udp", "protocol", "udp_mem", "udp_rmem_min", "udp_wmem_min",
	"udp_inuse", "udp_inuse6",
};

static bool added_later(const char *key)
{
	for (size_t i = 0; i < sizeof(added_since_0_1) / sizeof(added_since_0_1[0]); i++)
		if (strcmp(key, added_since_0_1[i]) == 0)
			return true;
	return false;
}

/* Member key of obj (path names obj in messages); NULL and a refusal when
 * it is missing, but null for a member added after 0.1.0. JSON null is
 * returned as it is. */
json_t *sr_need(struct rd *d, json_t *obj, const char *path, const char *key)
{
	json_t *v = json_object_get(obj, key);

	if (!v && added_later(key))
		return json_null();
	if (!v)
		sr_bad(d, "%s%s%s: missing", path, *path && *key ? "." : "", key);
	return v;
}

int sr_wrong(struct rd *d, const char *path, const char *key, const char *what)
{
	return sr_bad(d, "%s%s%s: %s", path, *path && *key ? "." : "", key, what);
}

/* An object or array member (type JSON_OBJECT/JSON_ARRAY); *out NULL for a
 * null when nullable. */
int sr_get_node(struct rd *d, json_t *obj, const char *path, const char *key, json_type t,
		bool nullable, json_t **out)
{
	json_t *v = sr_need(d, obj, path, key);

	if (!v)
		return -1;
	if (nullable && json_is_null(v)) {
		*out = NULL;
		return 0;
	}
	if (json_typeof(v) != t)
		return sr_wrong(d, path, key,
				t == JSON_OBJECT
				    ? (nullable ? "not an object or null" : "not an object")
				    : (nullable ? "not an array or null" : "not an array"));
	*out = v;
	return 0;
}

/* An integer in [lo, hi] (a JSON number without fraction or exponent). */
int sr_int_in(struct rd *d, json_t *v, const char *path, const char *key, int64_t lo, int64_t hi,
	      int64_t *out)
{
	if (!json_is_integer(v))
		return sr_wrong(d, path, key, "not an integer");
	*out = (int64_t)json_integer_value(v);
	if (*out < lo || *out > hi)
		return sr_wrong(d, path, key, "out of range");
	return 0;
}

int sr_get_int(struct rd *d, json_t *obj, const char *path, const char *key, int64_t lo, int64_t hi,
	       int64_t *out)
{
	json_t *v = sr_need(d, obj, path, key);

	return v ? sr_int_in(d, v, path, key, lo, hi, out) : -1;
}

int sr_get_u32(struct rd *d, json_t *obj, const char *path, const char *key, uint32_t *out)
{
	int64_t v = 0;

	if (sr_get_int(d, obj, path, key, 0, UINT32_MAX, &v))
		return -1;
	*out = (uint32_t)v;
	return 0;
}

int sr_get_u64(struct rd *d, json_t *obj, const char *path, const char *key, uint64_t *out)
{
	int64_t v = 0;

	if (sr_get_int(d, obj, path, key, 0, INT64_MAX, &v))
		return -1;
	*out = (uint64_t)v;
	return 0;
}

/* A count written as null when 0 (absent): null or [1, hi]. */
int sr_get_nz(struct rd *d, json_t *obj, const char *path, const char *key, int64_t hi,
	      int64_t *out)
{
	json_t *v = sr_need(d, obj, path, key);

	if (!v)
		return -1;
	if (json_is_null(v)) {
		*out = 0;
		return 0;
	}
	return sr_int_in(d, v, path, key, 1, hi, out);
}

/* A kernel value that may be absent: null, or what the /proc parsers give
 * ([-INT64_MAX, INT64_MAX]). */
int sr_maybe_in(struct rd *d, json_t *v, const char *path, const char *key, struct maybe *m)
{
	int64_t x;

	if (json_is_null(v)) {
		*m = maybe_none();
		return 0;
	}
	if (sr_int_in(d, v, path, key, -INT64_MAX, INT64_MAX, &x))
		return -1;
	*m = maybe_of(x);
	return 0;
}

int sr_get_maybe(struct rd *d, json_t *obj, const char *path, const char *key, struct maybe *m)
{
	json_t *v = sr_need(d, obj, path, key);

	return v ? sr_maybe_in(d, v, path, key, m) : -1;
}

int sr_get_bool(struct rd *d, json_t *obj, const char *path, const char *key, bool *out)
{
	json_t *v = sr_need(d, obj, path, key);

	if (!v)
		return -1;
	if (!json_is_boolean(v))
		return sr_wrong(d, path, key, "not true or false");
	*out = json_is_true(v);
	return 0;
}

/* An unsigned 64-bit value written as a decimal string. */
int sr_u64_str_in(struct rd *d, json_t *v, const char *path, const char *key, uint64_t *out)
{
	const char *s = json_is_string(v) ? json_string_value(v) : NULL;
	uint64_t x = 0;

	if (!s || !*s || strlen(s) > 20 || (s[0] == '0' && s[1]))
		return sr_wrong(d, path, key, "not a decimal string");
	for (; *s; s++) {
		unsigned dg = (unsigned)(*s - '0');

		if (*s < '0' || *s > '9' || x > (UINT64_MAX - dg) / 10)
			return sr_wrong(d, path, key, "not a decimal string of 64 bits");
		x = x * 10 + dg;
	}
	*out = x;
	return 0;
}

/* The same, or (when nullable) null: *has false. */
int sr_get_u64_str(struct rd *d, json_t *obj, const char *path, const char *key, bool nullable,
		   bool *has, uint64_t *out)
{
	json_t *v = sr_need(d, obj, path, key);

	*has = false;
	*out = 0;
	if (!v)
		return -1;
	if (json_is_null(v))
		return nullable ? 0 : sr_wrong(d, path, key, "null, not a decimal string");
	*has = true;
	return sr_u64_str_in(d, v, path, key, out);
}

static int hexval(char c)
{
	return c >= '0' && c <= '9'   ? c - '0'
	       : c >= 'a' && c <= 'f' ? c - 'a' + 10
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10
				      : -1;
}

/*
 * Text as the writer spells it: a JSON string, or {"hex": "..."} for bytes
 * that are not UTF-8. Null (when nullable) gives "". Returns the length and
 * a malloc'd NUL-terminated copy in *out, or -1 (refused: NUL byte, more than
 * max bytes, not text).
 */
long sr_text_in(struct rd *d, json_t *v, const char *path, const char *key, bool nullable,
		size_t max, char **out)
{
	const char *s;
	size_t n;
	bool hex = false;

	*out = NULL;
	if (nullable && json_is_null(v)) {
		s = "";
	} else if (json_is_object(v) && json_object_size(v) == 1 &&
		   json_is_string(json_object_get(v, "hex"))) {
		s = json_string_value(json_object_get(v, "hex"));
		hex = true;
	} else if (json_is_string(v)) {
		s = json_string_value(v);
	} else {
		return sr_wrong(d, path, key, nullable ? "not text or null" : "not text");
	}
	n = strlen(s);
	if (hex ? n % 2 || n / 2 > max : n > max)
		return sr_wrong(d, path, key, "too long, or odd hex");
	if (!hex && n != json_string_length(v))
		return sr_wrong(d, path, key, "holds a NUL byte");
	*out = malloc((hex ? n / 2 : n) + 1);
	if (!*out)
		return sr_bad(d, "%s: out of memory", path);
	if (!hex) {
		memcpy(*out, s, n + 1);
		return (long)n;
	}
	for (size_t i = 0; i < n / 2; i++) {
		int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);

		if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
			free(*out);
			*out = NULL;
			return sr_wrong(d, path, key, "hex that is not bytes of text");
		}
		(*out)[i] = (char)(hi << 4 | lo);
	}
	(*out)[n / 2] = '\0';
	return (long)(n / 2);
}

/* Text into a fixed buffer of cap bytes (NUL included). */
int sr_get_text_buf(struct rd *d, json_t *obj, const char *path, const char *key, bool nullable,
		    char *buf, size_t cap)
{
	json_t *v = sr_need(d, obj, path, key);
	char *s;
	long n;

	if (!v)
		return -1;
	n = sr_text_in(d, v, path, key, nullable, cap - 1, &s);
	if (n < 0)
		return -1;
	memcpy(buf, s, (size_t)n + 1);
	free(s);
	return 0;
}

/* Elements of array member key of obj, each an object: calls fn(d, el,
 * path "key[i]", i, ctx). */

int sr_each(struct rd *d, json_t *arr, const char *key, sr_el_fn fn, void *ctx)
{
	char path[64];

	for (size_t i = 0; i < json_array_size(arr); i++) {
		json_t *el = json_array_get(arr, i);

		snprintf(path, sizeof(path), "%s[%zu]", key, i);
		if (!json_is_object(el))
			return sr_bad(d, "%s: not an object", path);
		if (fn(d, el, path, i, ctx))
			return -1;
	}
	return 0;
}

/* calloc of n elements (at least one, so that n = 0 is not NULL). */
void *sr_alloc_n(struct rd *d, size_t n, size_t size, const char *what)
{
	void *p = calloc(n ? n : 1, size);

	if (!p)
		sr_bad(d, "%s: out of memory", what);
	return p;
}

/* ----------------------------------------------------------------- cursor */

/* Whether text[pos, len) is the start of a UTF-8 sequence cut short. */
static bool cut_utf8(const char *text, size_t pos, size_t len)
{
	unsigned char lead = (unsigned char)text[pos];
	size_t need = (lead & 0xe0) == 0xc0   ? 2
		      : (lead & 0xf0) == 0xe0 ? 3
		      : (lead & 0xf8) == 0xf0 ? 4
					      : 0;

	if (!need || len - pos >= need)
		return false;
	for (size_t i = pos + 1; i < len; i++)
		if (((unsigned char)text[i] & 0xc0) != 0x80)
			return false;
	return true;
}

/* Refuses the text at byte off: truncated when it stops there (or inside a
 * character there), else not JSON, with jansson's reason when it has one.
 * Quoted input is scrubbed to printable ASCII (one line, no escapes). */
int sr_syntax(struct rd *d, size_t off, const char *what, enum json_error_code code)
{
	size_t line = 1, col = 0;

	if (off >= d->len || (code == json_error_invalid_utf8 && cut_utf8(d->text, off, d->len)) ||
	    code == json_error_premature_end_of_input)
		return sr_bad(d, "truncated: the JSON document ends early (after %zu bytes)",
			      d->len);
	for (size_t i = 0; i < off; i++, col++)
		if (d->text[i] == '\n') {
			line++;
			col = 0;
		}
	sr_bad(d, "not JSON: %s (line %zu, column %zu)", what, line, col + 1);
	for (char *p = d->why; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e)
			*p = '?';
	return -1;
}

void sr_skip_ws(struct rd *d)
{
	while (d->at < d->len && (d->text[d->at] == ' ' || d->text[d->at] == '\n' ||
				  d->text[d->at] == '\t' || d->text[d->at] == '\r'))
		d->at++;
}

/* After whitespace: the next byte if it is one of set (consumed), else 0
 * and a refusal (expected names them). */
char sr_sep(struct rd *d, const char *set, const char *expected)
{
	sr_skip_ws(d);
	if (d->at < d->len && strchr(set, d->text[d->at]) && d->text[d->at])
		return d->text[d->at++];
	sr_syntax(d, d->at, expected, json_error_invalid_syntax);
	return 0;
}

/* One JSON value at the cursor, decoded by jansson; NULL and a refusal. */
json_t *sr_value(struct rd *d)
{
	json_error_t je;
	json_t *v;

	sr_skip_ws(d);
	v = json_loadb(d->text + d->at, d->len - d->at,
		       JSON_DECODE_ANY | JSON_DISABLE_EOF_CHECK | JSON_REJECT_DUPLICATES, &je);
	if (!v) {
		sr_syntax(d, d->at + (size_t)(je.position > 0 ? je.position : 0), je.text,
			  json_error_code(&je));
		return NULL;
	}
	d->at += (size_t)je.position;
	return v;
}
