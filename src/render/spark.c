// SPDX-License-Identifier: GPL-2.0-or-later
/* spark.c - sparkline and threshold gauge for the live `watch` screen. */
#include "render/spark.h"

/* The eight sparkline glyphs, lowest first: UTF-8 (3 bytes each) and ASCII. */
static const char *const spark_utf8[8] = { "\u2581", "\u2582", "\u2583", "\u2584",
					   "\u2585", "\u2586", "\u2587", "\u2588" };
static const char spark_ascii[] = "_.:-=+*#";

/* floor(v * k / scale) for 0 <= v <= scale, without overflow (k small). */
static uint64_t scaled(uint64_t v, uint64_t k, uint64_t scale)
{
	return (uint64_t)((unsigned __int128)v * k / scale);
}

unsigned spark_level(int64_t v, uint64_t max)
{
	if (v <= 0)
		return 0;
	if ((uint64_t)v >= max)
		return 7;
	return (unsigned)scaled((uint64_t)v, 8, max);
}

void spark_line(struct outbuf *b, const struct maybe *vals, size_t n, size_t width, uint64_t max,
		bool utf8)
{
	size_t shown = n < width ? n : width;

	ob_spaces(b, width - shown);
	for (size_t i = n - shown; i < n; i++) {
		if (!vals[i].has) {
			ob_ch(b, ' ');
			continue;
		}
		unsigned lv = spark_level(vals[i].v, max);

		if (utf8)
			ob_str(b, spark_utf8[lv]);
		else
			ob_ch(b, spark_ascii[lv]);
	}
}

/* A present, non-negative value as unsigned; absent or negative: 0. */
static uint64_t nonneg(struct maybe m)
{
	return m.has && m.v > 0 ? (uint64_t)m.v : 0;
}

static uint64_t gauge_scale(struct maybe v, const struct gauge_marks *m)
{
	uint64_t s = nonneg(v);

	if (m->high.has && m->high.v >= 0 && (uint64_t)m->high.v >= s)
		return (uint64_t)m->high.v;
	if (nonneg(m->low) > s)
		s = nonneg(m->low);
	if (nonneg(m->pressure) > s)
		s = nonneg(m->pressure);
	if (nonneg(m->high) > s)
		s = nonneg(m->high);
	return s;
}

/* Cell of threshold t on a bar of width cells over 0..scale. */
static size_t mark_cell(struct maybe t, size_t width, uint64_t scale)
{
	uint64_t c;

	if (scale == 0)
		return 0;
	c = scaled(nonneg(t) < scale ? nonneg(t) : scale, width, scale);
	return c < width ? (size_t)c : width - 1;
}

void gauge_bar(struct outbuf *b, struct maybe v, const struct gauge_marks *m, size_t width,
	       bool utf8)
{
	uint64_t scale = gauge_scale(v, m);
	uint64_t val = nonneg(v);
	size_t filled = 0;
	const struct maybe *marks[3] = { &m->low, &m->pressure, &m->high };
	static const char letters[3] = { 'l', 'p', 'h' };

	if (width == 0)
		return;
	if (v.has && scale) {
		filled = val >= scale ? width : (size_t)scaled(val, width, scale);
		if (filled == 0 && val > 0)
			filled = 1;
	}
	for (size_t i = 0; i < width; i++) {
		char letter = 0;

		/* low, pressure, high in order: the higher one wins a shared cell */
		for (int k = 0; k < 3; k++)
			if (marks[k]->has && mark_cell(*marks[k], width, scale) == i)
				letter = letters[k];
		if (letter)
			ob_ch(b, letter);
		else if (i < filled)
			ob_str(b, utf8 ? "\u2588" : "#");
		else
			ob_str(b, utf8 ? "\u2591" : ".");
	}
}
