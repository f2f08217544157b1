// SPDX-License-Identifier: GPL-2.0-or-later
/* plot_axis.c - plot's scales: tick steps and how tick values read. */
#include "render/plot_svg.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Ticks over step: the first multiple of step at or above vmax. */
static void cover(double vmax, double step, struct plot_ticks *t)
{
	double n = ceil(vmax / step - 1e-9);

	if (n < 1)
		n = 1;
	t->step = step;
	t->n = (unsigned)n;
	t->max = n * step;
}

void plot_ticks(double vmax, unsigned target, struct plot_ticks *t)
{
	static const double mult[] = { 1, 2, 2.5, 5, 10 };
	double raw, p;

	if (!(vmax > 0) || !isfinite(vmax)) {
		cover(1, 0.2, t);
		return;
	}
	raw = vmax / (target ? target : 1);
	p = pow(10, floor(log10(raw)));
	for (size_t i = 0; i < sizeof(mult) / sizeof(mult[0]); i++)
		if (mult[i] * p >= raw * (1 - 1e-9)) {
			cover(vmax, mult[i] * p, t);
			return;
		}
	cover(vmax, 10 * p, t);
}

void plot_time_ticks(double tmax, unsigned target, struct plot_ticks *t)
{
	static const double steps[] = { 0.1,  0.2,  0.5,  1,	 2,	5,     10,
					15,   30,   60,	  120,	 300,	600,   900,
					1800, 3600, 7200, 10800, 21600, 43200, 86400 };
	double raw;

	if (!(tmax > 0) || !isfinite(tmax))
		tmax = 1;
	raw = tmax / (target ? target : 1);
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		if (steps[i] >= raw * (1 - 1e-9)) {
			cover(tmax, steps[i], t);
			return;
		}
	/* longer than days: whole days in a 1, 2, 5 sequence */
	plot_ticks(tmax / 86400, target, t);
	if (t->step < 1)
		cover(tmax / 86400, 1, t);
	t->step *= 86400;
	t->max *= 86400;
}

void plot_byte_ticks(double vmax, unsigned target, struct plot_ticks *t, double *unit,
		     const char **uname)
{
	static const char *const names[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	size_t u = 0;

	*unit = 1;
	while (u + 1 < sizeof(names) / sizeof(names[0]) && vmax >= *unit * 1024) {
		*unit *= 1024;
		u++;
	}
	*uname = names[u];
	plot_ticks(vmax / *unit, target, t);
	if (u == 0 && t->step < 1)
		cover(vmax > 0 ? vmax : 1, 1, t); /* no fractions of a byte */
	t->step *= *unit;
	t->max *= *unit;
}

void plot_fmt_dur(char *buf, size_t cap, double s)
{
	long long v;

	if (!isfinite(s) || s < 0 || s >= 1e12) {
		snprintf(buf, cap, "%.3gs", s);
		return;
	}
	if (s < 60 && fabs(s - round(s)) > 1e-6) {
		snprintf(buf, cap, "%.1fs", s);
		return;
	}
	v = llround(s);
	if (v < 60)
		snprintf(buf, cap, "%llds", v);
	else if (v < 3600)
		snprintf(buf, cap, v % 60 ? "%lldm%llds" : "%lldm", v / 60, v % 60);
	else if (v < 86400)
		snprintf(buf, cap, v % 3600 / 60 ? "%lldh%lldm" : "%lldh", v / 3600, v % 3600 / 60);
	else
		snprintf(buf, cap, v % 86400 / 3600 ? "%lldd%lldh" : "%lldd", v / 86400,
			 v % 86400 / 3600);
}

/* Fraction digits (0..3) that show x exactly enough. */
static int decimals_for(double x)
{
	for (int d = 0; d < 3; d++) {
		double k = x * pow(10, d);

		if (fabs(k - round(k)) < 1e-6 * (k > 1 ? k : 1))
			return d;
	}
	return 3;
}

void plot_fmt_compact(char *buf, size_t cap, double v, double step, double top)
{
	static const struct {
		double div;
		const char *suffix;
	} units[] = { { 1e15, "P" }, { 1e12, "T" }, { 1e9, "G" }, { 1e6, "M" }, { 1e4, "k" } };
	double div = 1;
	const char *suffix = "";

	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (top >= units[i].div) {
			div = units[i].div == 1e4 ? 1e3 : units[i].div;
			suffix = units[i].suffix;
			break;
		}
	if (v == 0) {
		snprintf(buf, cap, "0");
		return;
	}
	if (top >= 1e18) {
		snprintf(buf, cap, "%.3g", v);
		return;
	}
	snprintf(buf, cap, "%.*f%s", decimals_for(step / div), v / div, v == 0 ? "" : suffix);
}

void plot_fmt_exact(char *buf, size_t cap, double v)
{
	for (int p = 15; p <= 17; p++) {
		snprintf(buf, cap, "%.*g", p, v);
		if (strtod(buf, NULL) == v)
			return;
	}
}
