/* SPDX-License-Identifier: GPL-2.0-or-later */
/* spark.h - terminal drawing primitives for the live `watch` screen (pure, no I/O). */
#ifndef SOCKMEM_SPARK_H
#define SOCKMEM_SPARK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/maybe.h"
#include "util/outbuf.h"

/*
 * Writes exactly `width` cells to b: the last min(n, width) values of
 * vals[0..n), oldest first, right-aligned (fewer values than cells: spaces
 * on the left). A value v in [0, max] is one of eight levels, level =
 * floor(v * 8 / max) capped at 7, so 0 is the lowest block and max the
 * full one; above max is the full block, below 0 the lowest; max == 0 shows
 * 0 as the lowest block and anything above as the full one. An absent
 * value is a space. utf8: the glyphs are U+2581..U+2588 (3 bytes each,
 * one column); otherwise the ASCII ramp "_.:-=+*#".
 */
void spark_line(struct outbuf *b, const struct maybe *vals, size_t n, size_t width, uint64_t max,
		bool utf8);

/* The level 0..7 spark_line draws for v against max (see above). */
unsigned spark_level(int64_t v, uint64_t max);

/* The thresholds a gauge marks (tcp_mem low/pressure/high, in the value's unit). */
struct gauge_marks {
	struct maybe low, pressure, high;
};

/*
 * Writes exactly `width` cells to b: a bar for v against the marks. The bar
 * spans 0..scale, scale being high when present and >= v, else the largest
 * present of v, low, pressure, high. Cell i covers [i, i+1) * scale / width.
 * Filled cells: floor(v * width / scale), at least one when v > 0, all when
 * v >= scale. Each present threshold t puts its letter ('l', 'p', 'h') in
 * cell min(floor(t * width / scale), width - 1); where two share a cell,
 * the later of low, pressure, high shows. Other cells: filled U+2588 and empty
 * U+2591 when utf8, else '#' and '.'. Absent v: no cell filled. scale 0
 * (nothing present above 0): every cell empty, the marks in cell 0.
 */
void gauge_bar(struct outbuf *b, struct maybe v, const struct gauge_marks *m, size_t width,
	       bool utf8);

#endif
