// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * plot_svg.c - `sockmem plot`: a watch recording as one SVG for a ticket.
 * Three panels over elapsed seconds: TCP memory against tcp_mem, the top
 * groups' charged bytes, the pressure-counter rates; lines are labelled at
 * their ends (no legend), pressure periods shaded. Pure: writes to an outbuf.
 */
#include "render/plot_svg.h"

#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SVG_W	   1200
#define SVG_H	   800
#define PLOT_L	   96.0	 /* left edge of the plotting area */
#define PLOT_R	   950.0 /* right edge; the end labels go right of it */
#define LABEL_GAP  14.0	 /* least distance between two end labels */
#define TOP_GROUPS 5

static const char *const palette[] = { "#1f77b4", "#d62728", "#2ca02c", "#9467bd",
				       "#8c564b", "#e377c2", "#17becf", "#7f7f7f" };

/* One panel: where it is drawn and the values its edges stand for. */
struct panel {
	double x0, x1, y0, y1; /* pixels: left, right, top, bottom */
	double t1;	       /* elapsed seconds at x1 (x0 is 0) */
	double v1;	       /* value at y0 (y1 is 0) */
};

static double px(const struct panel *p, double t)
{
	return p->x0 + (p->x1 - p->x0) * (t / p->t1);
}

static double py(const struct panel *p, double v)
{
	double y = p->y1 - (p->y1 - p->y0) * (v / p->v1);

	return y < p->y0 - 2 ? p->y0 - 2 : y; /* off the scale: pinned at the top */
}

/* printf into b (short texts: numbers, coordinates, trusted words). */
__attribute__((format(printf, 2, 3))) static void ob_fmt(struct outbuf *b, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > 0)
		ob_write(b, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

/* <text> at x, y with attributes attrs (trusted), holding untrusted s. */
static void text_at(struct outbuf *b, double x, double y, const char *attrs, const char *s)
{
	ob_fmt(b, "<text x=\"%.1f\" y=\"%.1f\" %s>", x, y, attrs);
	ob_xml_str(b, s);
	ob_str(b, "</text>\n");
}

/* "1,234,567" */
static void fmt_grouped(char *buf, size_t cap, int64_t v)
{
	char d[24];
	size_t n = (size_t)snprintf(d, sizeof(d), "%lld", (long long)(v < 0 ? -v : v)), o = 0;

	if (v < 0 && o + 1 < cap)
		buf[o++] = '-';
	for (size_t i = 0; i < n && o + 2 < cap; i++) {
		if (i && (n - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = d[i];
	}
	buf[o] = '\0';
}

/* bytes in a binary unit with one decimal: "586.0 MiB" */
static void fmt_bytes(char *buf, size_t cap, double v)
{
	static const char *const names[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	size_t u = 0;

	while (u + 1 < sizeof(names) / sizeof(names[0]) && v >= 1024) {
		v /= 1024;
		u++;
	}
	snprintf(buf, cap, u ? "%.1f %s" : "%.0f %s", v, names[u]);
}

/* Copies at most max characters (code points) of s, ending in "..." when cut. */
static void clip(char *buf, size_t cap, const char *s, size_t max)
{
	size_t chars = 0, i = 0;

	while (s[i] && i + 5 < cap) {
		if (((unsigned char)s[i] & 0xc0) != 0x80 && chars++ == max) {
			memcpy(buf + i, "\u2026", 3);
			buf[i + 3] = '\0';
			return;
		}
		buf[i] = s[i];
		i++;
	}
	/* a sequence cut by the buffer is left for the escaping to show */
	buf[i] = '\0';
}

/* ------------------------------------------------------------------ axes */

/* The panel's frame, grid and ticks: values on the left (fmt_tick writes
 * the label of a value), elapsed time below. */
typedef void (*tick_fmt)(char *buf, size_t cap, double v, const struct plot_ticks *t,
			 const void *arg);

static void axes(struct outbuf *b, const struct panel *p, const struct plot_ticks *vt,
		 const struct plot_ticks *tt, tick_fmt fmt, const void *arg, const char *title)
{
	char lab[64];

	ob_fmt(
	    b,
	    "<g class=\"panel\" data-x0=\"%.1f\" data-x1=\"%.1f\" data-t0=\"0\" data-t1=\"%.17g\" "
	    "data-y0=\"%.1f\" data-y1=\"%.1f\" data-v0=\"%.17g\" data-v1=\"0\">\n",
	    p->x0, p->x1, p->t1, p->y0, p->y1, p->v1);
	ob_fmt(b,
	       "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#fbfbfb\" "
	       "stroke=\"#999\"/>\n",
	       p->x0, p->y0, p->x1 - p->x0, p->y1 - p->y0);
	text_at(b, p->x0, p->y0 - 9, "font-size=\"14\" font-weight=\"bold\" fill=\"#222\"", title);
	for (unsigned i = 0; i <= vt->n; i++) {
		double v = vt->step * i, y = py(p, v);

		if (i && i < vt->n)
			ob_fmt(b,
			       "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
			       "stroke=\"#e2e2e2\"/>\n",
			       p->x0, y, p->x1, y);
		fmt(lab, sizeof(lab), v, vt, arg);
		text_at(b, p->x0 - 6, y + 4, "font-size=\"11\" text-anchor=\"end\" fill=\"#333\"",
			lab);
	}
	for (unsigned i = 0; i <= tt->n; i++) {
		double t = tt->step * i, x = px(p, t);

		if (t > p->t1 * (1 + 1e-9))
			break;
		if (i)
			ob_fmt(b,
			       "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
			       "stroke=\"#ececec\"/>\n",
			       x, p->y0, x, p->y1);
		ob_fmt(b,
		       "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#999\"/>\n",
		       x, p->y1, x, p->y1 + 4);
		plot_fmt_dur(lab, sizeof(lab), t);
		text_at(b, x, p->y1 + 15, "font-size=\"11\" text-anchor=\"middle\" fill=\"#333\"",
			lab);
	}
}

static void tick_compact(char *buf, size_t cap, double v, const struct plot_ticks *t,
			 const void *arg)
{
	const char *suffix = arg;

	plot_fmt_compact(buf, cap, v, t->step, t->max);
	if (suffix && v != 0)
		strncat(buf, suffix, cap - strlen(buf) - 1);
}

struct byte_unit {
	double unit;
	const char *name;
};

static void tick_bytes(char *buf, size_t cap, double v, const struct plot_ticks *t, const void *arg)
{
	const struct byte_unit *u = arg;
	char num[40];

	plot_fmt_compact(num, sizeof(num), v / u->unit, t->step / u->unit, 1);
	snprintf(buf, cap, v == 0 ? "0" : "%s %s", num, u->name);
}

struct page_unit {
	uint64_t page_size;
};

/* Pages, and the same in bytes when the page size is known. */
static void tick_pages(char *buf, size_t cap, double v, const struct plot_ticks *t, const void *arg)
{
	const struct page_unit *u = arg;
	char num[40], by[40];

	plot_fmt_compact(num, sizeof(num), v, t->step, t->max);
	if (!u->page_size || v == 0) {
		snprintf(buf, cap, "%s", num);
		return;
	}
	fmt_bytes(by, sizeof(by), v * (double)u->page_size);
	snprintf(buf, cap, "%s (%s)", num, by);
}

/* --------------------------------------------------------------- shading */

/* Shades the periods the sample's pressure flag was set: from a sample
 * that says pressure to the next sample. */
static void shade_pressure(struct outbuf *b, const struct panel *p, const struct recording *rec,
			   double opacity, bool label)
{
	size_t i = 0;

	while (i < rec->n) {
		size_t j;
		double t0, t1;

		if (rec->samples[i].pressure != 1) {
			i++;
			continue;
		}
		for (j = i; j < rec->n && rec->samples[j].pressure == 1; j++)
			;
		t0 = rec->samples[i].elapsed_s;
		t1 = j < rec->n ? rec->samples[j].elapsed_s : rec->samples[rec->n - 1].elapsed_s;
		double x0 = px(p, t0), x1 = px(p, t1);

		if (x1 - x0 < 3)
			x1 = x0 + 3 < p->x1 ? x0 + 3 : p->x1;
		ob_fmt(
		    b,
		    "<rect class=\"pressure\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
		    "fill=\"#d62728\" fill-opacity=\"%.2f\"/>\n",
		    x0, p->y0, x1 - x0, p->y1 - p->y0, opacity);
		if (label)
			text_at(b, x0 + 3, p->y1 - 5,
				"font-size=\"11\" fill=\"#b22222\" font-style=\"italic\"",
				"tcp_mem pressure");
		label = false;
		i = j;
	}
}

/* ----------------------------------------------------------------- lines */

/* A line's label at its end: wanted y, text, colour. */
struct end_label {
	double x, y; /* the line's last point */
	double ly;   /* where the label goes */
	char text[200];
	const char *color;
	bool no_leader; /* a note about something off the scale: no line to it */
};

/* The points of one line: get(ctx, k, ...) for k in [0, n) says whether
 * point k is there, and if so its sample index, time, value and the value's
 * exact text. A line breaks where sample indexes are not consecutive. */
struct line_src {
	bool (*get)(const void *ctx, size_t k, uint32_t *idx, double *t, double *v, char *text,
		    size_t cap);
	const void *ctx;
	size_t n;
};

/* Writes the path of src, with the values and sample indexes as data
 * attributes; returns whether it had a point, the last one in *last_x/y. */
static bool polyline(struct outbuf *b, const struct panel *p, const struct line_src *src,
		     const char *cls, const char *color, double width, const char *dash,
		     const char *name, double *last_x, double *last_y)
{
	char text[40];
	uint32_t idx, prev = 0;
	double t, v;
	bool any = false, first;

	ob_fmt(b, "<path class=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"%.1f\"", cls,
	       color, width);
	if (dash)
		ob_fmt(b, " stroke-dasharray=\"%s\"", dash);
	ob_str(b, " stroke-linejoin=\"round\" data-name=\"");
	ob_xml_str(b, name);
	ob_str(b, "\" data-i=\"");
	first = true;
	for (size_t k = 0; k < src->n; k++)
		if (src->get(src->ctx, k, &idx, &t, &v, text, sizeof(text))) {
			ob_fmt(b, "%s%u", first ? "" : " ", idx);
			first = false;
		}
	ob_str(b, "\" data-v=\"");
	first = true;
	for (size_t k = 0; k < src->n; k++)
		if (src->get(src->ctx, k, &idx, &t, &v, text, sizeof(text))) {
			ob_fmt(b, "%s%s", first ? "" : " ", text);
			first = false;
		}
	ob_str(b, "\" d=\"");
	for (size_t k = 0; k < src->n; k++)
		if (src->get(src->ctx, k, &idx, &t, &v, text, sizeof(text))) {
			*last_x = px(p, t);
			*last_y = py(p, v);
			ob_fmt(b, "%s%c%.2f %.2f", any ? " " : "",
			       any && idx == prev + 1 ? 'L' : 'M', *last_x, *last_y);
			any = true;
			prev = idx;
		}
	ob_str(b, "\"/>\n");
	return any;
}

/* Dots for the points with no neighbour (a line of one point shows nothing). */
static void lone_points(struct outbuf *b, const struct panel *p, const struct line_src *src,
			const char *color)
{
	char text[40];
	bool hp = false, hc = false;
	uint32_t ip = 0, ic = 0;
	double tc = 0, vc = 0;

	for (size_t k = 0; k <= src->n; k++) {
		uint32_t i = 0;
		double t = 0, v = 0;
		bool h = k < src->n && src->get(src->ctx, k, &i, &t, &v, text, sizeof(text));

		if (k < src->n && !h)
			continue;
		if (hc && !(hp && ip + 1 == ic) && !(h && ic + 1 == i))
			ob_fmt(b, "<circle cx=\"%.2f\" cy=\"%.2f\" r=\"2.5\" fill=\"%s\"/>\n",
			       px(p, tc), py(p, vc), color);
		hp = hc;
		ip = ic;
		hc = h;
		ic = i;
		tc = t;
		vc = v;
	}
}

/* A per-sample value of the recording (offset of a struct maybe in rec_sample). */
struct field_src {
	const struct recording *rec;
	size_t off;
};

static struct maybe sample_field(const struct recording *rec, size_t k, size_t off)
{
	struct maybe m;

	memcpy(&m, (const char *)&rec->samples[k] + off, sizeof(m));
	return m;
}

static bool field_get(const void *ctx, size_t k, uint32_t *idx, double *t, double *v, char *text,
		      size_t cap)
{
	const struct field_src *f = ctx;
	struct maybe m = sample_field(f->rec, k, f->off);

	if (!m.has)
		return false;
	*idx = (uint32_t)k;
	*t = f->rec->samples[k].elapsed_s;
	*v = (double)m.v;
	snprintf(text, cap, "%lld", (long long)m.v);
	return true;
}

struct series_src {
	const struct recording *rec;
	const struct rec_series *s;
};

static bool series_get(const void *ctx, size_t k, uint32_t *idx, double *t, double *v, char *text,
		       size_t cap)
{
	const struct series_src *c = ctx;
	const struct rec_pt *pt = &c->s->pts[k];

	*idx = pt->sample;
	*t = c->rec->samples[pt->sample].elapsed_s;
	*v = pt->v;
	if (pt->is_int)
		snprintf(text, cap, "%lld", (long long)pt->i);
	else
		plot_fmt_exact(text, cap, pt->v);
	return true;
}

/* ---------------------------------------------------------------- labels */

static int by_wanted_y(const void *a, const void *b)
{
	const struct end_label *x = a, *y = b;

	return (x->y > y->y) - (x->y < y->y);
}

/* Places the labels right of the panel, near their lines' ends, at least
 * LABEL_GAP apart and within the panel's height (as far as they fit). */
static void end_labels(struct outbuf *b, const struct panel *p, struct end_label *l, size_t n)
{
	qsort(l, n, sizeof(*l), by_wanted_y);
	for (size_t i = 0; i < n; i++) {
		l[i].ly = l[i].y;
		if (i && l[i].ly < l[i - 1].ly + LABEL_GAP)
			l[i].ly = l[i - 1].ly + LABEL_GAP;
	}
	for (size_t i = n; i-- > 0;) {
		double lim = i + 1 < n ? l[i + 1].ly - LABEL_GAP : p->y1 + 4;

		if (l[i].ly > lim)
			l[i].ly = lim;
	}
	for (size_t i = 0; i < n; i++) {
		char attrs[96];

		if (!l[i].no_leader)
			ob_fmt(b,
			       "<polyline points=\"%.1f,%.1f %.1f,%.1f %.1f,%.1f\" fill=\"none\" "
			       "stroke=\"%s\" stroke-opacity=\"0.5\"/>\n",
			       l[i].x, l[i].y, p->x1 + 4, l[i].y, p->x1 + 10, l[i].ly, l[i].color);
		snprintf(attrs, sizeof(attrs), "font-size=\"12\" fill=\"%s\"", l[i].color);
		text_at(b, p->x1 + 13, l[i].ly + 4, attrs, l[i].text);
	}
}

static void no_data(struct outbuf *b, const struct panel *p, const char *what)
{
	text_at(b, (p->x0 + p->x1) / 2, (p->y0 + p->y1) / 2,
		"font-size=\"13\" text-anchor=\"middle\" fill=\"#777\"", what);
}

/* ------------------------------------------------------------ the panels */

struct thresh {
	const char *name;
	size_t off;
	const char *color;
	double max;	   /* largest value over the samples */
	struct maybe last; /* its last present value */
	bool on_scale;
};

/* Upper panel: sockstat mem pages, tcp_mem lines, pressure shading. */
static void panel_memory(struct outbuf *b, const struct panel *frame, const struct recording *rec,
			 const struct plot_ticks *tt)
{
	struct thresh th[3] = {
		{ "low",
		  offsetof(struct rec_sample, low_pages),
		  "#2ca02c",
		  0,
		  { 0, false },
		  false },
		{ "pressure",
		  offsetof(struct rec_sample, pressure_pages),
		  "#ff7f0e",
		  0,
		  { 0, false },
		  false },
		{ "high",
		  offsetof(struct rec_sample, high_pages),
		  "#d62728",
		  0,
		  { 0, false },
		  false },
	};
	struct field_src mem = { rec, offsetof(struct rec_sample, mem_pages) };
	struct line_src src = { field_get, &mem, rec->n };
	struct end_label lab[5], *share = NULL;
	struct page_unit pu = { rec->page_size };
	struct plot_ticks vt;
	struct panel p = *frame;
	double data_max = 0, vmax;
	struct maybe last = { 0, false };
	size_t nlab = 0;
	char num[32], by[32];

	for (size_t k = 0; k < rec->n; k++) {
		struct maybe m = rec->samples[k].mem_pages;

		if (m.has) {
			last = m;
			if ((double)m.v > data_max)
				data_max = (double)m.v;
		}
		for (int i = 0; i < 3; i++) {
			struct maybe t = sample_field(rec, k, th[i].off);

			if (t.has) {
				th[i].last = t;
				if ((double)t.v > th[i].max)
					th[i].max = (double)t.v;
			}
		}
	}
	/* a threshold far above the data would squash it: it is named at the
	 * top edge instead; within 3x of the peak it is drawn */
	vmax = data_max;
	for (int i = 0; i < 3; i++) {
		th[i].on_scale = th[i].last.has && data_max > 0 && th[i].max <= 3 * data_max;
		if (th[i].on_scale && th[i].max > vmax)
			vmax = th[i].max;
	}
	plot_ticks(vmax, 5, &vt);
	p.v1 = vt.max;
	axes(b, &p, &vt, tt, tick_pages, &pu,
	     "TCP memory: sockstat mem (pages) against tcp_mem low / pressure / high");
	shade_pressure(b, &p, rec, 0.13, true);
	for (int i = 0; i < 3; i++) {
		struct field_src f = { rec, th[i].off };
		struct line_src ts = { field_get, &f, rec->n };
		char name[32];

		if (!th[i].last.has)
			continue;
		fmt_grouped(num, sizeof(num), th[i].last.v);
		lab[nlab].color = th[i].color;
		lab[nlab].no_leader = !th[i].on_scale;
		if (!th[i].on_scale) {
			/* named at the top right, highest first */
			lab[nlab].x = p.x1;
			lab[nlab].y = p.y0 - 4 - (double)i;
			snprintf(lab[nlab].text, sizeof(lab[nlab].text), "\u2191 tcp_mem %s %s",
				 th[i].name, num);
			if (!share && th[i].last.v > 0 && data_max > 0) {
				/* how far the data is from the lowest of them */
				share = &lab[++nlab];
				*share = lab[nlab - 1];
				share->y += 0.5;
				share->color = "#555";
				snprintf(share->text, sizeof(share->text),
					 "  (off scale; mem peak %.2g%% of %s)",
					 100 * data_max / (double)th[i].last.v, th[i].name);
			}
			nlab++;
			continue;
		}
		snprintf(name, sizeof(name), "tcp_mem %s", th[i].name);
		snprintf(lab[nlab].text, sizeof(lab[nlab].text), "tcp_mem %s %s", th[i].name, num);
		if (polyline(b, &p, &ts, "threshold", th[i].color, 1.5, "7 4", name, &lab[nlab].x,
			     &lab[nlab].y))
			nlab++;
	}
	if (last.has) {
		polyline(b, &p, &src, "mem", "#1f77b4", 2.2, NULL, "mem_pages", &lab[nlab].x,
			 &lab[nlab].y);
		lone_points(b, &p, &src, "#1f77b4");
		fmt_grouped(num, sizeof(num), last.v);
		by[0] = '\0';
		if (rec->page_size)
			fmt_bytes(by, sizeof(by), (double)last.v * (double)rec->page_size);
		snprintf(lab[nlab].text, sizeof(lab[nlab].text), "mem %s pages%s%s%s", num,
			 by[0] ? " (" : "", by, by[0] ? ")" : "");
		lab[nlab].no_leader = false;
		lab[nlab++].color = "#1f77b4";
	} else {
		no_data(b, &p, "no sockstat mem values in this recording");
	}
	end_labels(b, &p, lab, nlab);
	ob_str(b, "</g>\n");
}

/* Middle panel: charged bytes of the groups with the highest peaks. */
static void panel_groups(struct outbuf *b, const struct panel *frame, const struct recording *rec,
			 const struct plot_ticks *tt)
{
	size_t idx[TOP_GROUPS], n = rec_top_by_peak(&rec->groups, TOP_GROUPS, 0, idx);
	struct end_label lab[TOP_GROUPS];
	struct byte_unit bu;
	struct plot_ticks vt;
	struct panel p = *frame;
	char title[160];

	plot_byte_ticks(n ? rec->groups.s[idx[0]].peak : 0, 4, &vt, &bu.unit, &bu.name);
	p.v1 = vt.max;
	snprintf(
	    title, sizeof(title),
	    "Charged memory (bytes) of the top %zu group%s by peak%s%s%s; labels give the peak",
	    n ? n : (size_t)TOP_GROUPS, n == 1 ? "" : "s", rec->by[0] ? " (by " : "", rec->by,
	    rec->by[0] ? ")" : "");
	axes(b, &p, &vt, tt, tick_bytes, &bu, title);
	shade_pressure(b, &p, rec, 0.07, false);
	for (size_t i = 0; i < n; i++) {
		const struct rec_series *s = &rec->groups.s[idx[i]];
		struct series_src ss = { rec, s };
		struct line_src src = { series_get, &ss, s->n };
		const char *color = palette[i % (sizeof(palette) / sizeof(palette[0]))];
		char name[64], peak[32];

		polyline(b, &p, &src, "group", color, 1.8, NULL, s->label, &lab[i].x, &lab[i].y);
		lone_points(b, &p, &src, color);
		clip(name, sizeof(name), s->label, 24);
		fmt_bytes(peak, sizeof(peak), s->peak);
		snprintf(lab[i].text, sizeof(lab[i].text), "%s  %s", name, peak);
		lab[i].color = color;
		lab[i].no_leader = false;
	}
	if (!n)
		no_data(b, &p, "no group held charged memory in any sample");
	end_labels(b, &p, lab, n);
	ob_str(b, "</g>\n");
}

#define TOP_RATES 8

/* Lower panel: counter rates that are above zero in some sample. */
static void panel_rates(struct outbuf *b, const struct panel *frame, const struct recording *rec,
			const struct plot_ticks *tt)
{
	size_t idx[TOP_RATES], n = rec_top_by_peak(&rec->rates, TOP_RATES, 0, idx), moved = 0;
	struct end_label lab[TOP_RATES];
	struct plot_ticks vt;
	struct panel p = *frame;
	char title[200];

	for (size_t i = 0; i < rec->rates.n; i++)
		moved += rec->rates.s[i].peak > 0;
	plot_ticks(n ? rec->rates.s[idx[0]].peak : 0, 4, &vt);
	p.v1 = vt.max;
	snprintf(title, sizeof(title),
		 "Memory-pressure counters that moved, events per second (delta.tcpext_per_s)%s",
		 moved > n ? "; the 8 highest" : "");
	axes(b, &p, &vt, tt, tick_compact, "/s", title);
	shade_pressure(b, &p, rec, 0.07, false);
	for (size_t i = 0; i < n; i++) {
		const struct rec_series *s = &rec->rates.s[idx[i]];
		struct series_src ss = { rec, s };
		struct line_src src = { series_get, &ss, s->n };
		const char *color = palette[i % (sizeof(palette) / sizeof(palette[0]))];
		char peak[40];

		polyline(b, &p, &src, "rate", color, 1.6, NULL, s->label, &lab[i].x, &lab[i].y);
		lone_points(b, &p, &src, color);
		if (s->peak < 1000)
			snprintf(peak, sizeof(peak), "%.3g", s->peak);
		else
			plot_fmt_compact(peak, sizeof(peak), s->peak, s->peak / 100, s->peak);
		snprintf(lab[i].text, sizeof(lab[i].text), "%.64s  peak %s/s", s->label, peak);
		lab[i].color = color;
		lab[i].no_leader = false;
	}
	if (!n)
		no_data(b, &p,
			rec->rates.n ? "no memory-pressure counter moved during the recording"
			: rec->n < 2 ? "no rates: the recording has one sample"
				     : "no counter rates in this recording");
	end_labels(b, &p, lab, n);
	ob_str(b, "</g>\n");
}

/* ------------------------------------------------------------- the page */

static void title(struct outbuf *b, const struct recording *rec, double span)
{
	char dur[32], sub[512];

	ob_str(b, "<title>sockmem plot: ");
	ob_xml_str(b, rec->hostname);
	ob_str(b, "</title>\n");
	ob_str(b, "<text x=\"96\" y=\"30\" font-size=\"20\" font-weight=\"bold\" fill=\"#111\">"
		  "sockmem: TCP socket memory on ");
	ob_xml_str(b, rec->hostname);
	ob_str(b, "</text>\n");
	plot_fmt_dur(dur, sizeof(dur), span);
	snprintf(sub, sizeof(sub), "kernel %s \u00b7 %s to %s \u00b7 %s, %zu sample%s", rec->kernel,
		 rec->time_first, rec->time_last, dur, rec->n, rec->n == 1 ? "" : "s");
	text_at(b, 96, 52, "font-size=\"13\" fill=\"#444\"", sub);
}

void plot_svg(struct outbuf *b, const struct recording *rec)
{
	const struct panel p1 = { PLOT_L, PLOT_R, 92, 330, 1, 1 };
	const struct panel p2 = { PLOT_L, PLOT_R, 385, 560, 1, 1 };
	const struct panel p3 = { PLOT_L, PLOT_R, 615, 752, 1, 1 };
	double span = rec->n ? rec->samples[rec->n - 1].elapsed_s : 0;
	struct plot_ticks tt;
	struct panel q1 = p1, q2 = p2, q3 = p3;
	char foot[160];

	plot_time_ticks(span, 10, &tt);
	/* the time axis ends at the last sample (or the first tick, if none later) */
	q1.t1 = q2.t1 = q3.t1 = span > 0 ? span : tt.max;
	ob_fmt(b,
	       "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	       "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
	       "viewBox=\"0 0 %d %d\" font-family=\"DejaVu Sans, Verdana, Arial, sans-serif\">\n"
	       "<rect width=\"100%%\" height=\"100%%\" fill=\"#ffffff\"/>\n",
	       SVG_W, SVG_H, SVG_W, SVG_H);
	title(b, rec, span);
	if (rec->n) {
		panel_memory(b, &q1, rec, &tt);
		panel_groups(b, &q2, rec, &tt);
		panel_rates(b, &q3, rec, &tt);
	}
	snprintf(foot, sizeof(foot),
		 "time: seconds since the first sample (elapsed_s); shaded: tcp_mem pressure "
		 "was set in the sample");
	text_at(b, PLOT_L, 788, "font-size=\"11\" fill=\"#666\"", foot);
	ob_str(b, "</svg>\n");
}
