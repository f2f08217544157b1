/* SPDX-License-Identifier: GPL-2.0-or-later */
/* recfile.h - a collector whose source is a `watch -o json` recording
 * (JSON Lines, one sockmem/1 document per sample): reads the numbers plot
 * draws into a recording, one line at a time. */
#ifndef SOCKMEM_RECFILE_H
#define SOCKMEM_RECFILE_H

#include <stddef.h>
#include <stdio.h>

#include "model/recording.h"

/* Longest line read (bytes): a longer one is refused, not buffered. */
#define RECFILE_MAX_LINE (64u << 20)

/*
 * Reads every line of f into rec (which the caller initialised). Returns 0;
 * -EINVAL when the input is not a recording, with the 1-based line number
 * in *line (the line after the last one when the recording is empty) and a
 * one-line reason in why (no file name, no newline); or another -errno (read
 * error, out of memory; *line 0). Blank lines are skipped; unknown members
 * are ignored. Holds one line's document at a time.
 */
int recfile_read(FILE *f, struct recording *rec, size_t *line, char *why, size_t whylen);

/* The same over len bytes of text in memory. */
int recfile_parse(const char *text, size_t len, struct recording *rec, size_t *line, char *why,
		  size_t whylen);

#endif
