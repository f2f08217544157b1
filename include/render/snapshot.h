/* SPDX-License-Identifier: GPL-2.0-or-later */
/* snapshot.h - the snapshot document: everything one collection holds, as
 * one JSON document (schema sockmem/1, "command": "snapshot") that
 * collect/snapfile.c reads back into the same structs. */
#ifndef SOCKMEM_RENDER_SNAPSHOT_H
#define SOCKMEM_RENDER_SNAPSHOT_H

#include <stdio.h>

#include "model/snapshot.h"
#include "util/outbuf.h"

/* Writes r as one snapshot document to f, streaming. Returns 0 or -errno
 * of the first write error. */
int snapshot_write(const struct snapshot *r, FILE *f);

/* The same document into b (any outbuf: a FILE or memory). */
void snapshot_emit(struct outbuf *b, const struct snapshot *r);

#endif
