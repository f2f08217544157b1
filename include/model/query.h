/* SPDX-License-Identifier: GPL-2.0-or-later */
/* query.h - what the user asked for: command (view), format, grouping,
 * filters and thresholds. Filled by cmd/cli.c, read by every layer. */
#ifndef SOCKMEM_QUERY_H
#define SOCKMEM_QUERY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/agg.h"
#include "model/filter.h"
#include "model/findings.h"
#include "model/owners.h"

enum cmd {
	CMD_REPORT,
	CMD_SOCKETS,
	CMD_TOP,
	CMD_SYSTEM,
	CMD_CHECK,
	CMD_SNAPSHOT,
	CMD_PLOT,
	CMD_DIFF,
	CMD_WATCH
};
enum fmt { FMT_TABLE, FMT_TSV, FMT_JSON, FMT_PROM, FMT_SVG /* plot only */ };

struct opts {
	enum cmd cmd;
	const char *cmd_name; /* as the command table (cmd/cmds.c) spells it */
	enum fmt fmt;
	bool no_header;	       /* -H */
	bool numeric;	       /* -n: exact integers in tables */
	bool no_owners;	       /* --no-owners: skip the /proc fd walk */
	bool stats;	       /* --stats: dump statistics on stderr */
	enum owner_walk owner_walk; /* --owner-walk */
	unsigned walk_threads;	    /* --walk-threads (0: the default, CPUs - 1, 1 to 8) */
	bool want_v4, want_v6; /* -4 / -6 (both true by default) */
	bool want_tcp, want_udp; /* -t / -u (neither given: TCP only) */
	enum agg_sort sort;
	enum group_by by;   /* --by */
	struct filter filt; /* --state, --sport, --src, --pid, ... */
	bool all_netns;	    /* --all-netns */
	bool this_netns;    /* --this-netns */
	const char *netns;  /* -N NAME */
	size_t top_n;	    /* 0 = all */
	const char *proc_root;
	const char *from; /* --from FILE ("-": stdin): a snapshot instead of collecting */
	const char *args[2]; /* words after the command (plot: RECORDING; diff: OLD [NEW];
			      * watch: [INTERVAL [COUNT]]) */
	size_t nargs;
	struct find_opts find; /* check thresholds */
	int64_t interval_ms; /* watch INTERVAL (default 2000) */
	uint64_t count;	     /* watch COUNT, 0 = until interrupted */
	bool help, version;
	/* -o prom without --by: cgroup, or process where no cgroup2 is mounted */
	bool by_auto;
	const char *textfile; /* --textfile PATH: the output goes there atomically */
};

#endif
