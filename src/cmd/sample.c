// SPDX-License-Identifier: GPL-2.0-or-later
/* sample.c - one sample for diff and watch: collected live (or loaded),
 * filtered and derived as `report` derives it, and its view for the delta
 * model. The one place that knows how a report turns into a delta_side. */
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

int sample_collect(const struct opts *o, unsigned need, struct report *r, char *msg, size_t len)
{
	struct report_err e = { 0 };

	memset(r, 0, sizeof(*r));
	if (collect_live(o, need, r, &e) != 0)
		return fail_msg(&e, msg, len);
	return 0;
}

int sample_derive(const struct opts *o, struct report *r, char *msg, size_t len)
{
	struct report_err e = { 0 };
	struct opts ro = *o;

	ro.cmd = CMD_REPORT; /* groups for --by and findings, as report has them */
	if (report_filter(&ro, r, &e) != 0 || report_derive(&ro, r, &e) != 0)
		return fail_msg(&e, msg, len);
	return 0;
}

void sample_side(const struct report *r, int64_t t_ms, struct delta_side *s)
{
	*s = (struct delta_side){ .sys = &r->sys,
				  .netns = r->netns,
				  .nnetns = r->nnetns,
				  .page_size = r->page_size,
				  .socks = &r->socks,
				  .owners = &r->owners,
				  .owners_scanned = r->owners_scanned,
				  .by = r->by,
				  .groups = r->groups,
				  .ngroups = r->ngroups,
				  .findings = r->findings,
				  .nfindings = r->nfindings,
				  .t_ms = t_ms };
}
