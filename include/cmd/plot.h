/* SPDX-License-Identifier: GPL-2.0-or-later */
/* plot.h - `sockmem plot RECORDING`: a watch recording as one SVG. */
#ifndef SOCKMEM_PLOT_H
#define SOCKMEM_PLOT_H

#include "model/query.h"

/* Reads o->args[0] ("-": standard input) and writes the SVG to stdout.
 * Returns the exit status: 0; 2 for input that is not a recording (one
 * line "sockmem: FILE:LINE: reason" on stderr, nothing on stdout); 1 for
 * a read or write error; 130 when interrupted. */
int plot_run(const struct opts *o);

#endif
