/* SPDX-License-Identifier: GPL-2.0-or-later */
/* snapfile.h - a collector whose source is a file: reads a snapshot
 * document (render/snapshot.c writes it) back into a snapshot. */
#ifndef SOCKMEM_SNAPFILE_H
#define SOCKMEM_SNAPFILE_H

#include <stddef.h>

#include "model/snapshot.h"

/*
 * Reads the snapshot at path ("-": standard input) into r, as collect_live
 * would have filled it (nothing filtered or derived yet). Returns 0, or -1
 * with a one-line reason in why (no file name, no newline): the file cannot
 * be read, is not JSON, is truncated, is not a sockmem snapshot, has a newer
 * major schema, or lacks or misspells a member. r is then empty.
 */
int snapfile_load(const char *path, struct snapshot *r, char *why, size_t whylen);

/* The same over len bytes of text in memory (NUL not needed). */
int snapfile_parse(const char *text, size_t len, struct snapshot *r, char *why, size_t whylen);

#endif
