// SPDX-License-Identifier: GPL-2.0-or-later
/* sample.c - one sample for diff and watch: collected live (or loaded),
 * and the view `report` would build of it, and its side for the delta
 * model. The one place that knows how a sample turns into a delta_side. */
#include <stdio.h>
#include <string.h>

#include "cmd/cli.h"
#include "cmd/timecmd.h"
#include "collect/collect.h"
#include "model/view.h"
#include "util/sig.h"

static int fail_msg(const struct report_err *e, char *msg, size_t len)
{
	if (sig_interrupted()) {
		snprintf(msg, len, "interrupted");
		return EXIT_INTERRUPTED;
	}
	report_err_message(e, msg, len);
	return EXIT_RUNTIME;
}

int sample_collect(const struct opts *o, unsigned need, struct sample *s, char *msg, size_t len)
{
	struct report_err e = { 0 };

	memset(s, 0, sizeof(*s));
	if (collect_live(o, need, &s->snap, &e) != 0)
		return fail_msg(&e, msg, len);
	return 0;
}

int sample_derive(const struct opts *o, struct sample *s, char *msg, size_t len)
{
	struct report_err e = { 0 };
	struct opts ro = *o;

	ro.cmd = CMD_REPORT; /* groups for --by and findings, as report has them */
	if (view_build(&s->snap, &ro, &s->view, &e) != 0)
		return fail_msg(&e, msg, len);
	return 0;
}

void sample_move(struct sample *dst, struct sample *src)
{
	*dst = *src;
	if (dst->view.snap)
		dst->view.snap = &dst->snap;
	memset(src, 0, sizeof(*src));
}

void sample_free(struct sample *s)
{
	view_free(&s->view);
	snapshot_free(&s->snap);
}

void sample_side(const struct sample *s, int64_t t_ms, struct delta_side *d)
{
	const struct snapshot *r = &s->snap;
	const struct view *v = &s->view;

	*d = (struct delta_side){ .sys = &r->sys,
				  .netns = r->netns,
				  .nnetns = r->nnetns,
				  .page_size = r->page_size,
				  .socks = &r->socks,
				  .keep = v->keep,
				  .owners = &r->owners,
				  .owners_scanned = r->owners_scanned,
				  .by = v->by,
				  .groups = v->groups,
				  .ngroups = v->ngroups,
				  .findings = v->findings,
				  .nfindings = v->nfindings,
				  .t_ms = t_ms,
				  .udp = r->cov.udp };
}
