/* SPDX-License-Identifier: GPL-2.0-or-later */
/* timecmd.h - the commands about change: diff (two snapshots) and watch
 * (a sample every interval), and the sample handling they share. */
#ifndef SOCKMEM_TIMECMD_H
#define SOCKMEM_TIMECMD_H

#include <stdint.h>

#include "model/delta.h"
#include "model/query.h"
#include "model/report.h"

/* sockmem diff OLD [NEW]: the exit status; messages printed. */
int diff_run(const struct opts *o);

/* sockmem watch [INTERVAL [COUNT]]: the exit status; messages printed. */
int watch_run(const struct opts *o);

/* --- shared by diff.c and watch.c (sample.c) --- */

/* Collects a live sample in o's scope with the collectors need asks for.
 * Returns 0, or the exit status (EXIT_INTERRUPTED after SIGINT/SIGTERM)
 * with the one-line message (no "sockmem: ") in msg; the caller prints it. */
int sample_collect(const struct opts *o, unsigned need, struct report *r, char *msg,
		   size_t len);

/* Filters r by o and derives what a report shows (groups for o->by,
 * findings). Returns 0, or the exit status with the message in msg. */
int sample_derive(const struct opts *o, struct report *r, char *msg, size_t len);

/* The comparison's view of a derived sample collected at t_ms. */
void sample_side(const struct report *r, int64_t t_ms, struct delta_side *s);

#endif
