// SPDX-License-Identifier: GPL-2.0-or-later
/* main.c - sockmem entry point: parse, then the command's collect (live or
 * --from a snapshot) -> view -> render; maps errors to exit codes. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cmd/cli.h"
#include "cmd/cmds.h"
#include "cmd/textfile.h"
#include "collect/collect.h"
#include "collect/owners_bpf.h"
#include "collect/snapfile.h"
#include "model/report.h"
#include "model/snapshot.h"
#include "model/view.h"
#include "render/out.h"
#include "util/sig.h"

#ifndef SOCKMEM_VERSION
#define SOCKMEM_VERSION "0.1.0"
#endif

static int interrupted(void)
{
	fputs("sockmem: interrupted\n", stderr);
	return EXIT_INTERRUPTED;
}

/* A live top, report or check that needs neither cgroup nor user names
 * folds the sockets into its view batch by batch as the dump returns them,
 * and `sockets -o tsv|json` writes them so: memory does not grow with the
 * number of sockets. */
static bool streams(const struct cmd_def *c, const struct opts *o, unsigned need)
{
	bool sockets = c->id == CMD_SOCKETS && (o->fmt == FMT_TSV || o->fmt == FMT_JSON) &&
		       !o->textfile;

	return !o->from && !c->raw &&
	       (sockets || c->id == CMD_TOP || c->id == CMD_REPORT || c->id == CMD_CHECK) &&
	       !(need & (COLLECT_CGROUPS | COLLECT_USERS));
}

struct fold_ctx {
	struct view *v;
	const struct opts *o;
	struct sock_stream *rows; /* sockets: written batch by batch */
};

static int fold_view(void *ctx, struct snapshot *r, struct sock_table *t, struct report_err *e)
{
	struct fold_ctx *f = ctx;

	if (view_stream_fold(f->v, r, f->o, t, e))
		return -1;
	if (f->rows)
		out_sockets_stream_rows(f->rows, f->v, t->kept, t->n);
	return view_retain(f->v, t, e);
}

/* The streaming collection (streams()); *rows: sockets' output, to end. */
static int collect_folded(const struct cmd_def *c, const struct opts *o, struct snapshot *r,
			  struct view *v, struct sock_stream **rows, struct report_err *e)
{
	struct fold_ctx fc = { v, o, NULL };
	struct sock_sink sink = { fold_view, &fc };

	if (c->id == CMD_SOCKETS) {
		fc.rows = out_sockets_stream_new(stdout, o);
		if (!fc.rows)
			return report_fail(e, "output", ENOMEM);
	}
	if (collect_stream(o, cmd_needs(c, o), &sink, r, e) != 0 ||
	    view_stream_end(v, r, o, e) != 0) {
		out_sockets_stream_drop(fc.rows);
		return -1;
	}
	*rows = fc.rows;
	return 0;
}

/* Fills r for command c, loaded from o->from or collected live, and v, the
 * view of it o asks for (a raw command's: all of it); -o prom's default --by
 * falls back to process where no cgroup2 is mounted. Returns 0 or the exit
 * status, with the message printed. */
static int prepare(const struct cmd_def *c, struct opts *o, struct snapshot *r, struct view *v,
		   struct sock_stream **rows)
{
	struct report_err e = { 0 };
	char why[512], msg[1024];

	if (o->from) {
		if (snapfile_load(o->from, r, why, sizeof(why)) != 0) {
			if (sig_interrupted())
				return interrupted();
			fprintf(stderr, "sockmem: %s: %s\n",
				strcmp(o->from, "-") ? o->from : "stdin", why);
			return EXIT_USAGE;
		}
	} else if (streams(c, o, cmd_needs(c, o))) {
		if (collect_folded(c, o, r, v, rows, &e))
			goto fail;
		return sig_interrupted() ? interrupted() : 0;
	} else if (collect_live(o, cmd_needs(c, o), r, &e) != 0) {
		goto fail;
	}
	if (o->by_auto && !r->cg.v2_mount[0])
		o->by = BY_PROCESS;
	if (c->raw)
		view_all(r, v);
	else if (view_build(r, o, v, &e) != 0)
		goto fail;
	return sig_interrupted() ? interrupted() : 0;
fail:
	if (sig_interrupted())
		return interrupted();
	report_err_message(&e, msg, sizeof(msg));
	fprintf(stderr, "sockmem: %s\n", msg);
	return EXIT_RUNTIME;
}

/* --stats: which owner walk ran, and why the in-kernel one did not; for
 * the /proc walk, on how many threads. */
static void stats_owner_walk(const struct owners *w, enum owner_walk asked)
{
	if (w->by == OWNER_WALK_BPF)
		fprintf(stderr, "sockmem: stats: owner walk: bpf\n");
	else if (asked == OWNER_WALK_PROC)
		fprintf(stderr, "sockmem: stats: owner walk: proc (--owner-walk proc)\n");
	else
		fprintf(stderr, "sockmem: stats: owner walk: proc (bpf: %s)\n",
			owners_bpf_why(w->bpf_err));
	if (w->by != OWNER_WALK_BPF)
		fprintf(stderr, "sockmem: stats: /proc/[pid]/fd walk threads: %u\n",
			w->walk_threads);
}

/* Diagnostics about the data (stderr), before its output. */
static void warn_data(const struct view *v, const struct opts *o)
{
	const struct snapshot *r = v->snap;

	if (o->stats)
		fprintf(stderr,
			"sockmem: stats: netlink messages %llu, recv calls %llu, bytes %llu, "
			"sockets %zu, duplicates dropped %llu, malformed %llu\n",
			(unsigned long long)r->dstats.messages,
			(unsigned long long)r->dstats.recv_calls,
			(unsigned long long)r->dstats.bytes, v->nkept,
			(unsigned long long)r->socks.dup_dropped,
			(unsigned long long)r->dstats.malformed);
	if (o->stats && !o->from && r->dstats.dumps)
		fprintf(stderr, "sockmem: stats: netlink dumps %llu, %llu on receiver threads%s%s\n",
			(unsigned long long)r->dstats.dumps,
			(unsigned long long)(r->dstats.dumps - r->dstats.dumps_unthreaded),
			r->dstats.dumps_unthreaded ? " (no thread could start for the others)" : "",
			r->dstats.both_refused ? "; the kernel refused one TCP dump of both families, "
						 "each was dumped on its own"
					       : "");
	if (o->stats && r->owners_scanned && !o->from)
		stats_owner_walk(&r->owners, o->owner_walk);
	if (o->stats && !o->from && r->collect_usec.has) {
		fprintf(stderr, "sockmem: stats: time: collection %lld ms",
			(long long)(r->collect_usec.v / 1000));
		/* no walk ran (--no-owners): no walk time, not 0 */
		if (r->owners_scanned)
			fprintf(stderr, " (walk %llu ms)",
				(unsigned long long)(r->owners.walk_usec / 1000));
		fprintf(stderr, "%s\n", v->streamed ? ", sockets folded in batches" : "");
	}
	if (r->dstats.malformed)
		fprintf(stderr,
			"sockmem: %llu malformed sock_diag replies skipped; totals miss them\n",
			(unsigned long long)r->dstats.malformed);
	/* permission denials are expected without root and shown in the output;
	 * read errors are not, and every format should make them known */
	if (r->owners.procs_incomplete)
		fprintf(
		    stderr,
		    "sockmem: /proc/[pid]/fd walk: %llu processes not fully read (read errors); "
		    "their sockets are not attributed\n",
		    (unsigned long long)r->owners.procs_incomplete);
}

int main(int argc, char **argv)
{
	const struct cmd_def *c;
	struct opts o;
	struct snapshot r;
	struct view v;
	struct sock_stream *rows = NULL;
	char err[256];
	int rc, worst;

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
	c = cmd_get(o.cmd);
	if (c->run)
		return c->run(&o);
	memset(&r, 0, sizeof(r));
	memset(&v, 0, sizeof(v));
	rc = prepare(c, &o, &r, &v, &rows);
	if (rc) {
		out_sockets_stream_drop(rows);
		view_free(&v);
		snapshot_free(&r);
		return rc;
	}
	warn_data(&v, &o);
	rc = rows	 ? out_sockets_stream_end(rows, &v)
	     : o.textfile ? textfile_render(o.textfile, c->render, &v, &o)
			  : c->render(&v, &o, stdout);
	worst = findings_worst(v.findings, v.nfindings);
	view_free(&v);
	snapshot_free(&r);
	if (rc == -EINTR || sig_interrupted())
		return interrupted();
	if (rc == -JW_EMISUSE) {
		/* not the system's fault: the JSON writer caught a bug in a renderer */
		fprintf(stderr, "sockmem: internal error: malformed JSON output (a bug)\n");
		return EXIT_RUNTIME;
	}
	if (rc && o.textfile) {
		fprintf(stderr, "sockmem: %s: %s\n", o.textfile, strerror(-rc));
		return EXIT_RUNTIME;
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
