/* SPDX-License-Identifier: GPL-2.0-or-later */
/* snapshot.h - the snapshot document: everything one collection holds, as
 * one JSON document (schema sockmem/1, "command": "snapshot") that
 * collect/snapfile.c reads back into the same structs. */
#ifndef SOCKMEM_RENDER_SNAPSHOT_H
#define SOCKMEM_RENDER_SNAPSHOT_H

#include <stdio.h>

#include "model/query.h"
#include "model/report.h"
#include "util/outbuf.h"

/* Writes r's collected data (not its derived groups or findings) as one
 * snapshot document to f, streaming. Returns 0 or -errno of the first
 * write error. o is unused (the table's render signature). */
int snapshot_write(const struct report *r, const struct opts *o, FILE *f);

/* The same document into b (any outbuf: a FILE or memory). */
void snapshot_emit(struct outbuf *b, const struct report *r);

#endif
