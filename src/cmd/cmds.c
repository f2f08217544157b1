// SPDX-License-Identifier: GPL-2.0-or-later
/* cmds.c - the command table (as bpftool's cmds[]): names, what each
 * command needs collected, and its renderer. The one list of command
 * names: cli.c parses them, usage() prints them, JSON prints "command". */
#include "cmd/cmds.h"

#include <string.h>

#include "cmd/plot.h"
#include "collect/collect.h"
#include "render/out.h"
#include "render/snapshot.h"
#include "cmd/timecmd.h"

/* The snapshot document, of the whole snapshot (a raw command's view). */
static int write_snapshot(const struct view *v, const struct opts *o, FILE *f)
{
	(void)o;
	return snapshot_write(v->snap, f);
}

const struct cmd_def cmds[] = {
	{ "report", CMD_REPORT, COLLECT_OWNERS, true, false, out_render,
	  "system summary, then per-process top (default)", 0, NULL },
	{ "sockets", CMD_SOCKETS, COLLECT_OWNERS, false, false, out_render,
	  "one row per TCP socket", 0, NULL },
	{ "top", CMD_TOP, COLLECT_OWNERS, true, false, out_render,
	  "one row per process, by charged memory (r+w+f)", 0, NULL },
	{ "system", CMD_SYSTEM, 0, false, false, out_render,
	  "sockstat, tcp_mem, sysctls and reconciliation", 0, NULL },
	{ "check", CMD_CHECK, COLLECT_OWNERS, true, false, out_render, "findings only", 0, NULL },
	{ "snapshot", CMD_SNAPSHOT, COLLECT_OWNERS | COLLECT_CGROUPS | COLLECT_USERS, false, true,
	  write_snapshot, "everything collected, as one JSON document (VIEW --from FILE)", 0,
	  NULL },
	{ "plot", CMD_PLOT, 0, false, true, NULL,
	  "RECORDING: a watch -o json recording as one SVG image (- for stdin)", 1, plot_run },
	{ "diff", CMD_DIFF, COLLECT_OWNERS | COLLECT_CGROUPS | COLLECT_USERS, true, false, NULL,
	  "OLD.json [NEW.json]: what changed between two snapshots (NEW: now)", 2, diff_run },
	{ "watch", CMD_WATCH, COLLECT_OWNERS, true, false, NULL,
	  "[INTERVAL [COUNT]]: a sample every INTERVAL seconds (default 2), live", 2, watch_run },
};
const size_t ncmds = sizeof(cmds) / sizeof(cmds[0]);

const struct cmd_def *cmd_find(const char *name)
{
	for (size_t i = 0; i < ncmds; i++)
		if (strcmp(name, cmds[i].name) == 0)
			return &cmds[i];
	return NULL;
}

const struct cmd_def *cmd_get(enum cmd id)
{
	for (size_t i = 0; i < ncmds; i++)
		if (cmds[i].id == id)
			return &cmds[i];
	return NULL;
}

unsigned cmd_needs(const struct cmd_def *c, const struct opts *o)
{
	unsigned need = c->need;

	if (o->no_owners)
		need &= ~(unsigned)COLLECT_OWNERS;
	if (filter_needs_owners(&o->filt))
		need |= COLLECT_OWNERS;
	if (o->filt.ncgroup || (c->by && o->by == BY_CGROUP))
		need |= COLLECT_CGROUPS;
	if (c->by && o->by == BY_USER)
		need |= COLLECT_USERS;
	return need;
}
