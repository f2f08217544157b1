/* SPDX-License-Identifier: GPL-2.0-or-later */
/* plot_svg.h - `sockmem plot`: one self-contained SVG of a watch recording
 * (no scripts, no external references), 1200 x 800. */
#ifndef SOCKMEM_PLOT_SVG_H
#define SOCKMEM_PLOT_SVG_H

#include <stddef.h>

#include "model/recording.h"
#include "util/outbuf.h"

/* Writes the SVG of rec (at least one sample) to b: the title (host,
 * kernel, time range), TCP memory against tcp_mem, the top groups' charged
 * bytes, the pressure-counter rates. Every path carries data-i (sample
 * indexes) and data-v (the recording's values, exactly); every panel
 * data-x0/x1/t0/t1 and data-y0/y1/v0/v1 (pixel and value of both ends). */
void plot_svg(struct outbuf *b, const struct recording *rec);

/* Axis ticks at 0, step, ..., n * step = max, the first covering vmax. */
struct plot_ticks {
	double step, max;
	unsigned n;
};

/* Value ticks: about target intervals, step 1, 2, 2.5 or 5 times a power
 * of ten; vmax <= 0 gives 0..1. */
void plot_ticks(double vmax, unsigned target, struct plot_ticks *t);

/* Time ticks in seconds: steps of 1/2/5 tenths, 1, 2, 5, 10, 15, 30 s, 1,
 * 2, 5, 10, 15, 30 min, 1, 2, 3, 6, 12 h, then days. */
void plot_time_ticks(double tmax, unsigned target, struct plot_ticks *t);

/* Byte ticks in a binary unit: *unit (1, 1024, ... bytes) and its name. */
void plot_byte_ticks(double vmax, unsigned target, struct plot_ticks *t, double *unit,
		     const char **uname);

/* "90s" style durations: "0s", "0.5s", "45s", "1m30s", "2h", "1h5m", "3d". */
void plot_fmt_dur(char *buf, size_t cap, double s);

/* A tick value v of a scale whose step is step, compact: "0", "2.5k",
 * "150k", "1.2M", "3G" (k, M, G are powers of 1000, chosen by top). */
void plot_fmt_compact(char *buf, size_t cap, double v, double step, double top);

/* A double as the shortest text strtod reads back to the same value. */
void plot_fmt_exact(char *buf, size_t cap, double v);

#endif
