// SPDX-License-Identifier: GPL-2.0-or-later
/* jsonw.c - streaming JSON writer: the nesting stack places commas and closers. */
#include "util/jsonw.h"

#include <errno.h>
#include <math.h>

enum { JW_OBJ = 1, JW_ARR = 2 };

void jw_init(struct jw *w, struct outbuf *b)
{
	*w = (struct jw){ .b = b };
}

/* Records a misuse; the outbuf stops writing too, so the run fails. */
static void misuse(struct jw *w)
{
	if (!w->err)
		w->err = JW_EMISUSE;
	if (!w->b->err)
		w->b->err = JW_EMISUSE;
}

/* Writes what precedes a value at the current level; false on misuse. */
static bool before_value(struct jw *w)
{
	unsigned l;

	if (w->err)
		return false;
	if (w->depth == 0) {
		if (w->done)
			misuse(w); /* a second document */
		return !w->err;
	}
	l = w->depth - 1;
	if (w->kind[l] == JW_OBJ) {
		if (!w->key) {
			misuse(w); /* a member without a name */
			return false;
		}
		w->key = false;
		return true;
	}
	if (w->more[l])
		ob_ch(w->b, ',');
	if ((w->nl || (w->flags[l] & JW_NL_ELEM)) && !w->one_line)
		ob_ch(w->b, '\n');
	w->nl = false;
	w->more[l] = true;
	return true;
}

/* A value just ended: at the top level, that was the document. */
static void after_value(struct jw *w)
{
	if (w->depth == 0)
		w->done = true;
}

static void open_level(struct jw *w, uint8_t kind, unsigned flags, char c)
{
	if (!before_value(w))
		return;
	if (w->depth == JW_DEPTH) {
		misuse(w);
		return;
	}
	w->kind[w->depth] = kind;
	w->flags[w->depth] = (uint8_t)flags;
	w->more[w->depth] = false;
	w->depth++;
	ob_ch(w->b, c);
}

/* Closes the innermost level if it is of kind; false on misuse. */
static bool close_level(struct jw *w, uint8_t kind)
{
	if (w->err)
		return false;
	if (w->depth == 0 || w->kind[w->depth - 1] != kind || w->key) {
		misuse(w); /* not open, the other kind, or a key without value */
		return false;
	}
	w->depth--;
	return true;
}

void jw_obj_begin(struct jw *w)
{
	open_level(w, JW_OBJ, 0, '{');
}

void jw_obj_end(struct jw *w)
{
	if (!close_level(w, JW_OBJ))
		return;
	ob_ch(w->b, '}');
	after_value(w);
}

void jw_arr_begin(struct jw *w, unsigned flags)
{
	open_level(w, JW_ARR, flags, '[');
}

void jw_arr_end(struct jw *w)
{
	if (!close_level(w, JW_ARR))
		return;
	if ((w->flags[w->depth] & JW_NL_CLOSE) && !w->one_line)
		ob_ch(w->b, '\n');
	ob_ch(w->b, ']');
	after_value(w);
}

void jw_key(struct jw *w, const char *key)
{
	unsigned l;

	if (w->err)
		return;
	if (w->depth == 0 || w->kind[w->depth - 1] != JW_OBJ || w->key) {
		misuse(w); /* outside an object, or two keys in a row */
		return;
	}
	l = w->depth - 1;
	if (w->more[l])
		ob_ch(w->b, ',');
	if (w->nl)
		ob_ch(w->b, '\n');
	w->nl = false;
	w->more[l] = true;
	ob_json_str(w->b, key);
	ob_ch(w->b, ':');
	w->key = true;
}

void jw_u64(struct jw *w, uint64_t v)
{
	if (!before_value(w))
		return;
	ob_u64(w->b, v);
	after_value(w);
}

void jw_i64(struct jw *w, int64_t v)
{
	if (!before_value(w))
		return;
	ob_i64(w->b, v);
	after_value(w);
}

void jw_str(struct jw *w, const char *s)
{
	if (!before_value(w))
		return;
	ob_json_str(w->b, s);
	after_value(w);
}

/* A literal token (null, true, false). */
static void token(struct jw *w, const char *t)
{
	if (!before_value(w))
		return;
	ob_str(w->b, t);
	after_value(w);
}

void jw_null(struct jw *w)
{
	token(w, "null");
}

void jw_bool(struct jw *w, bool v)
{
	token(w, v ? "true" : "false");
}

void jw_maybe(struct jw *w, struct maybe m)
{
	if (m.has)
		jw_i64(w, m.v);
	else
		jw_null(w);
}

void jw_maybe_bool(struct jw *w, struct maybe m)
{
	if (m.has)
		jw_bool(w, m.v != 0);
	else
		jw_null(w);
}

void jw_f64(struct jw *w, double v)
{
	if (!isfinite(v)) {
		jw_null(w);
		return;
	}
	if (!before_value(w))
		return;
	ob_f64(w->b, v);
	after_value(w);
}

void jw_hundredths(struct jw *w, int64_t v)
{
	if (!before_value(w))
		return;
	ob_hundredths(w->b, v);
	after_value(w);
}

void jw_u64_str(struct jw *w, uint64_t v)
{
	if (!before_value(w))
		return;
	ob_ch(w->b, '"');
	ob_u64(w->b, v);
	ob_ch(w->b, '"');
	after_value(w);
}

void jw_hex(struct jw *w, const void *p, size_t n)
{
	static const char hexd[] = "0123456789abcdef";
	const unsigned char *s = p;

	if (!before_value(w))
		return;
	ob_ch(w->b, '"');
	for (size_t i = 0; i < n; i++) {
		ob_ch(w->b, hexd[s[i] >> 4]);
		ob_ch(w->b, hexd[s[i] & 15]);
	}
	ob_ch(w->b, '"');
	after_value(w);
}

void jw_nl(struct jw *w)
{
	w->nl = true;
}

int jw_end(struct jw *w)
{
	/* done is set only when a value ends at depth 0: anything still
	 * open, or no value at all, leaves it false */
	if (!w->err && !w->done)
		misuse(w);
	if (w->err)
		return -w->err;
	ob_ch(w->b, '\n');
	return 0;
}
