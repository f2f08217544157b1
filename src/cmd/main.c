// SPDX-License-Identifier: GPL-2.0-or-later
/* main.c - sockmem entry point: parse, collect, render, map errors to exit codes. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cmd/cli.h"
#include "render/out.h"
#include "collect/collect.h"
#include "model/report.h"
#include "util/sig.h"

#ifndef SOCKMEM_VERSION
#define SOCKMEM_VERSION "0.1.0"
#endif

int main(int argc, char **argv)
{
	struct opts o;
	struct report r;
	struct report_err e = { 0 };
	char err[256], msg[1024];
	int rc;

	/* SIGINT ends a run between steps; a closed pipe is a quiet EPIPE. */
	sig_install();
	rc = cli_parse(argc, argv, &o, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "sockmem: %s\n", err);
		cli_usage(stderr);
		return rc;
	}
	if (o.help) {
		cli_usage(stdout);
		return EXIT_OK;
	}
	if (o.version) {
		printf("sockmem %s (JSON schema %s)\n", SOCKMEM_VERSION, SOCKMEM_SCHEMA);
		return EXIT_OK;
	}
	if (report_build(&o, &r, &e) != 0 || sig_interrupted()) {
		report_free(&r);
		if (sig_interrupted()) {
			fputs("sockmem: interrupted\n", stderr);
			return EXIT_INTERRUPTED;
		}
		report_err_message(&e, msg, sizeof(msg));
		fprintf(stderr, "sockmem: %s\n", msg);
		return EXIT_RUNTIME;
	}
	if (o.stats)
		fprintf(stderr,
			"sockmem: stats: netlink messages %llu, recv calls %llu, bytes %llu, "
			"sockets %zu, duplicates dropped %llu, malformed %llu\n",
			(unsigned long long)r.dstats.messages,
			(unsigned long long)r.dstats.recv_calls, (unsigned long long)r.dstats.bytes,
			r.socks.n, (unsigned long long)r.socks.dup_dropped,
			(unsigned long long)r.dstats.malformed);
	if (r.dstats.malformed)
		fprintf(stderr, "sockmem: %llu malformed sock_diag replies skipped; totals miss them\n",
			(unsigned long long)r.dstats.malformed);
	/* permission denials are expected without root and shown in the output;
	 * read errors are not, and every format should make them known */
	if (r.owners.procs_incomplete)
		fprintf(
		    stderr,
		    "sockmem: /proc/[pid]/fd walk: %llu processes not fully read (read errors); "
		    "their sockets are not attributed\n",
		    (unsigned long long)r.owners.procs_incomplete);
	rc = out_render(&r, &o, stdout);
	int worst = findings_worst(r.findings, r.nfindings);

	report_free(&r);
	if (rc == -EINTR || sig_interrupted()) {
		fputs("sockmem: interrupted\n", stderr);
		return EXIT_INTERRUPTED;
	}
	if (rc && rc != -EPIPE) {
		fprintf(stderr, "sockmem: write error: %s\n", strerror(-rc));
		return EXIT_RUNTIME;
	}
	/* EPIPE: the reader went away (sockmem | head), not an error. */
	if (o.cmd == CMD_CHECK)
		return worst == SEV_CRITICAL  ? EXIT_CRITICAL
		       : worst == SEV_WARNING ? EXIT_WARNING
					      : EXIT_OK;
	return EXIT_OK;
}
