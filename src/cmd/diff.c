// SPDX-License-Identifier: GPL-2.0-or-later
/* diff.c - sockmem diff OLD [NEW]: load (or collect NEW now), refuse what
 * cannot be compared, derive both alike, compare, render. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cmd/cli.h"
#include "cmd/cmds.h"
#include "cmd/timecmd.h"
#include "collect/snapfile.h"
#include "render/out_time.h"
#include "util/sig.h"

/* Loads a snapshot; 0 or EXIT_USAGE with the one line printed. */
static int load(const char *path, struct sample *s)
{
	char why[512];

	memset(s, 0, sizeof(*s));
	if (snapfile_load(path, &s->snap, why, sizeof(why)) == 0)
		return 0;
	if (sig_interrupted()) {
		fputs("sockmem: interrupted\n", stderr);
		return EXIT_INTERRUPTED;
	}
	fprintf(stderr, "sockmem: %s: %s\n", strcmp(path, "-") ? path : "stdin", why);
	return EXIT_USAGE;
}

/* Socket cookies and start times mean the same thing only within one boot
 * of one host, and time runs forward. Returns 0 or EXIT_USAGE, printed. */
static int comparable(const struct snapshot *a, const struct snapshot *b, const char *an,
		      const char *bn)
{
	const char *why = NULL;

	if (!a->sys.boot_id[0] || !b->sys.boot_id[0])
		why = "has no boot_id, so it cannot be told to be from the same boot";
	else if (strcmp(a->sys.boot_id, b->sys.boot_id) == 0)
		why = b->when < a->when ? "is older than OLD" : NULL;
	else if (strcmp(a->sys.hostname, b->sys.hostname) != 0)
		why = "is from another host than OLD";
	else
		why = "is from another boot than OLD (socket cookies are unique only within one "
		      "boot)";
	if (!why)
		return 0;
	if (!a->sys.boot_id[0])
		fprintf(stderr, "sockmem: diff: OLD %s %s\n", an, why);
	else
		fprintf(stderr, "sockmem: diff: NEW %s %s\n", bn, why);
	return EXIT_USAGE;
}

static int render(const struct diff_doc *x, const struct opts *o)
{
	int rc = out_diff(x, o, stdout);

	if (rc == -EINTR || sig_interrupted()) {
		fputs("sockmem: interrupted\n", stderr);
		return EXIT_INTERRUPTED;
	}
	if (rc && rc != -EPIPE) {
		fprintf(stderr, "sockmem: write error: %s\n", strerror(-rc));
		return EXIT_RUNTIME;
	}
	return EXIT_OK;
}

int diff_run(const struct opts *o)
{
	struct sample a, b;
	struct delta_side sa, sb;
	struct delta d;
	char msg[1024] = "";
	const char *an = o->args[0], *bn = o->nargs == 2 ? o->args[1] : NULL;
	int rc;

	memset(&b, 0, sizeof(b));
	rc = load(an, &a);
	if (!rc)
		rc = bn ? load(bn, &b)
			: sample_collect(o, cmd_needs(cmd_get(CMD_DIFF), o), &b, msg, sizeof(msg));
	if (!rc)
		rc = comparable(&a.snap, &b.snap, strcmp(an, "-") ? an : "stdin",
				!bn ? "(now)" : strcmp(bn, "-") ? bn : "stdin");
	if (!rc)
		rc = sample_derive(o, &a, msg, sizeof(msg));
	if (!rc)
		rc = sample_derive(o, &b, msg, sizeof(msg));
	if (rc && msg[0])
		fprintf(stderr, "sockmem: %s\n", msg);
	if (!rc) {
		sample_side(&a, (int64_t)a.snap.when * 1000, &sa);
		sample_side(&b, (int64_t)b.snap.when * 1000, &sb);
		if (delta_build(&sa, &sb, o->top_n, DELTA_CHANGED | DELTA_OPENED, &d) != 0) {
			fprintf(stderr, "sockmem: diff: %s\n", strerror(ENOMEM));
			rc = EXIT_RUNTIME;
		}
	}
	if (!rc) {
		struct diff_doc x = { &a.view, &b.view, &d, an, bn };

		delta_sort_abs(&d);
		rc = render(&x, o);
		delta_free(&d);
	}
	sample_free(&a);
	sample_free(&b);
	return rc;
}
