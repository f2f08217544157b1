/* SPDX-License-Identifier: GPL-2.0-or-later */
/* out_time.h - renderers of change: `diff` (two snapshots) and `watch`
 * (records per sample, and the live screen). Pure: text into an outbuf or
 * a FILE, from samples and the delta model's comparison. */
#ifndef SOCKMEM_OUT_TIME_H
#define SOCKMEM_OUT_TIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "model/delta.h"
#include "model/query.h"
#include "model/view.h"
#include "util/outbuf.h"

/* What diff renders: the views of two samples and their comparison
 * (groups sorted by |change|). A name is NULL for the live sample. */
struct diff_doc {
	const struct view *old, *new;
	const struct delta *d;
	const char *old_name, *new_name;
};

/* Writes the diff in o->fmt to f. Returns 0 or -errno of the first write error. */
int out_diff(const struct diff_doc *x, const struct opts *o, FILE *f);

/* One sample of watch, with the comparison to the previous one. */
struct watch_rec {
	const struct view *r;	 /* the sample's view (of its snapshot) */
	const struct view *prev; /* NULL for sample 1 */
	const struct delta *d;	 /* NULL for sample 1 */
	uint64_t sample;	 /* 1, 2, ... */
	int64_t elapsed_ms;	 /* since sample 1 was taken */
	int64_t interval_ms;
	int64_t cost_ms; /* what collecting and deriving it took */
};

/* Appends sample w as JSON Lines (one document, one line) or TSV rows
 * (the header before sample 1 unless -H) to b. */
void out_watch_record(struct outbuf *b, const struct watch_rec *w, const struct opts *o);

/* What the live screen remembers across samples. */
#define WATCH_HIST 512
struct watch_hist {
	struct maybe mem_pages[WATCH_HIST]; /* sockstat mem of the last samples, oldest first */
	size_t n;
	unsigned transitions; /* pressure flag changes seen */
};

/* Records sample w's values in h. */
void watch_hist_add(struct watch_hist *h, const struct watch_rec *w);

/* The live screen of sample w, rows x cols: the whole frame for a
 * terminal (ansi: cursor home, each line cleared to its end, the rest of
 * the screen cleared) or, without ansi, the same lines as plain text
 * followed by an empty line (watch's table output when not a terminal). */
void out_watch_screen(struct outbuf *b, const struct watch_rec *w, const struct watch_hist *h,
		      const struct opts *o, unsigned rows, unsigned cols, bool ansi);

#endif
