// SPDX-License-Identifier: GPL-2.0-or-later
/* plot.c - `sockmem plot RECORDING`: read the recording (collect/recfile.c),
 * then draw it (render/plot_svg.c); turns their errors into messages. */
#include "cmd/plot.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cmd/cli.h"
#include "collect/recfile.h"
#include "model/recording.h"
#include "render/plot_svg.h"
#include "util/outbuf.h"
#include "util/sig.h"

int plot_run(const struct opts *o)
{
	const char *path = o->args[0];
	bool in = strcmp(path, "-") == 0;
	const char *name = in ? "stdin" : path;
	struct recording rec;
	struct outbuf b;
	char why[512];
	size_t line;
	FILE *f = in ? stdin : fopen(path, "re");
	int rc;

	if (!f) {
		fprintf(stderr, "sockmem: %s: %s\n", name, strerror(errno));
		return EXIT_USAGE;
	}
	rec_init(&rec);
	rc = recfile_read(f, &rec, &line, why, sizeof(why));
	if (!in)
		fclose(f);
	if (rc == 0 && sig_interrupted())
		rc = -EINTR;
	if (rc) {
		rec_free(&rec);
		if (rc == -EINTR || sig_interrupted()) {
			fputs("sockmem: interrupted\n", stderr);
			return EXIT_INTERRUPTED;
		}
		if (rc == -EINVAL) {
			fprintf(stderr, "sockmem: %s:%zu: %s\n", name, line, why);
			return EXIT_USAGE;
		}
		fprintf(stderr, "sockmem: %s: %s\n", name, strerror(-rc));
		return rc == -EISDIR ? EXIT_USAGE : EXIT_RUNTIME;
	}
	if (ob_init(&b, stdout) != 0) {
		rec_free(&rec);
		fprintf(stderr, "sockmem: %s\n", strerror(ENOMEM));
		return EXIT_RUNTIME;
	}
	plot_svg(&b, &rec);
	rc = ob_finish(&b);
	rec_free(&rec);
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
