/* SPDX-License-Identifier: GPL-2.0-or-later */
/* timecmd.h - the commands about change: diff (two snapshots) and watch
 * (a sample every interval), and the sample handling they share. */
#ifndef SOCKMEM_TIMECMD_H
#define SOCKMEM_TIMECMD_H

#include <stdint.h>

#include "model/delta.h"
#include "model/query.h"
#include "model/view.h"

/* sockmem diff OLD [NEW]: the exit status; messages printed. */
int diff_run(const struct opts *o);

/* sockmem watch [INTERVAL [COUNT]]: the exit status; messages printed. */
int watch_run(const struct opts *o);

/* --- shared by diff.c and watch.c (sample.c) --- */

/* One sample: what was collected (or loaded) and the view diff and watch
 * compare (report's: groups for --by, findings). view.snap points at snap,
 * so a sample is moved with sample_move, never copied. */
struct sample {
	struct snapshot snap;
	struct view view;
};

/* Collects a live sample in o's scope with the collectors need asks for
 * into s->snap. Returns 0, or the exit status (EXIT_INTERRUPTED after
 * SIGINT/SIGTERM) with the one-line message (no "sockmem: ") in msg; the
 * caller prints it. */
int sample_collect(const struct opts *o, unsigned need, struct sample *s, char *msg, size_t len);

/* Builds s->view over s->snap as o asks (groups for o->by, findings).
 * Returns 0, or the exit status with the message in msg. */
int sample_derive(const struct opts *o, struct sample *s, char *msg, size_t len);

/* Moves src into dst (dst's own content is not freed); src is left empty. */
void sample_move(struct sample *dst, struct sample *src);

/* Frees the view and the snapshot, and empties s. */
void sample_free(struct sample *s);

/* The comparison's view of a derived sample collected at t_ms. */
void sample_side(const struct sample *s, int64_t t_ms, struct delta_side *d);

#endif
