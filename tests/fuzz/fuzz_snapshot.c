// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_snapshot.c - libFuzzer target for the snapshot reader
 * (collect/snapfile.c) over arbitrary bytes, and for the writer over what
 * the reader accepts.
 *
 * Per input: snapfile_parse either refuses it with a one-line reason (non-
 * empty, no newline, the snapshot left empty) or accepts it. An accepted
 * snapshot must survive the rest of the program: written again (render/
 * snapshot.c) it reads back, and the second writing is byte-identical to
 * the first (reader and writer agree on every value); one view built as
 * main does (its options picked from the input) renders in every format
 * without error.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmds.h"
#include "collect/snapfile.h"
#include "model/view.h"
#include "model/view.h"
#include "render/out.h"
#include "render/snapshot.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c)                                                                                   \
	do {                                                                                       \
		if (!(c)) {                                                                        \
			fprintf(stderr, "fuzz_snapshot.c:%d: %s\n", __LINE__, #c);                 \
			__builtin_trap();                                                          \
		}                                                                                  \
	} while (0)

/* The document for r in a malloc'd buffer. */
static char *emit(const struct snapshot *r, size_t *len)
{
	struct outbuf b;

	CHECK(ob_init_mem(&b) == 0);
	snapshot_emit(&b, r);
	CHECK(b.err == 0);
	*len = b.len;
	return b.p;
}

/* Builds (by the input's pick of options) and renders one view. */
static void render_views(const struct snapshot *r, unsigned pick)
{
	struct report_err e = { 0 };
	struct view v;
	struct opts o;
	int rc;

	memset(&o, 0, sizeof(o));
	o.cmd = (enum cmd)(pick % 5);
	o.cmd_name = cmd_get(o.cmd)->name;
	o.by = (enum group_by)((pick / 5) % 6);
	o.want_v4 = (pick / 30) % 3 != 1;
	o.want_v6 = (pick / 30) % 3 != 2;
	o.find.unsent_min = FIND_DEFAULT_UNSENT_MIN;
	o.find.zero_window = FIND_DEFAULT_ZERO_WINDOW;
	o.find.unread_min = FIND_DEFAULT_UNREAD_MIN;
	if ((pick / 90) % 2) {
		o.filt.cgroup[0] = "/system.slice";
		o.filt.ncgroup = 1;
	}
	rc = view_build(r, &o, &v, &e);
	if (rc != 0) {
		CHECK(e.where && *e.where);
		return;
	}
	for (int f = FMT_TABLE; f <= FMT_JSON; f++) {
		char *text = NULL;
		size_t len = 0;
		FILE *mem = open_memstream(&text, &len);

		CHECK(mem != NULL);
		o.fmt = (enum fmt)f;
		CHECK(out_render(&v, &o, mem) == 0);
		CHECK(fclose(mem) == 0);
		CHECK(len > 0 && text[len - 1] == '\n');
		free(text);
	}
	view_free(&v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct snapshot r, r2;
	char why[256];
	char *doc, *doc2;
	size_t len, len2;
	unsigned pick = 0;

	memset(why, 0, sizeof(why));
	if (snapfile_parse((const char *)data, size, &r, why, sizeof(why)) != 0) {
		CHECK(why[0] != '\0' && strchr(why, '\n') == NULL);
		CHECK(r.socks.n == 0 && r.socks.v == NULL && r.owners.procs == NULL);
		return 0;
	}
	doc = emit(&r, &len);
	memset(why, 0, sizeof(why));
	if (snapfile_parse(doc, len, &r2, why, sizeof(why)) != 0) {
		fprintf(stderr, "own document refused: %s\n%.*s\n", why, (int)len, doc);
		__builtin_trap();
	}
	doc2 = emit(&r2, &len2);
	if (len != len2 || memcmp(doc, doc2, len) != 0) {
		fprintf(stderr, "second writing differs:\n%.*s\n----\n%.*s\n", (int)len, doc,
			(int)len2, doc2);
		__builtin_trap();
	}
	CHECK(r2.socks.n == r.socks.n && r2.owners.nlinks == r.owners.nlinks);
	free(doc2);
	free(doc);
	snapshot_free(&r2);
	for (size_t i = 0; i < size; i++)
		pick = pick * 31 + data[i];
	render_views(&r, pick % 180);
	snapshot_free(&r);
	return 0;
}
