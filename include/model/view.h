/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * view.h - one query's view over a const snapshot: which sockets it keeps
 * (a mask, the snapshot is never rewritten) and what is derived from them
 * (totals, reconciliation, groups, findings). Several
 * views of one snapshot can live at once.
 */
#ifndef SOCKMEM_MODEL_VIEW_H
#define SOCKMEM_MODEL_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/agg.h"
#include "model/findings.h"
#include "model/query.h"
#include "model/report.h"
#include "model/snapshot.h"

struct view {
	const struct snapshot *snap;
	const unsigned char *keep; /* keep[i]: socket i is in the view; NULL: every socket */
	size_t nkept;		   /* sockets in the view */
	enum group_by by;
	struct sums totals; /* kept sockets, each once */
	struct group *groups;
	size_t ngroups;
	struct reconcile rec;
	bool partial;	      /* the view does not hold every socket (any reason below) */
	bool filtered;	      /* a filter or -4/-6 left sockets out (at collection or here) */
	size_t netns_skipped; /* --all-netns: namespaces that could not be entered */
	struct finding *findings;
	size_t nfindings;
};

/* Whether socket i of the snapshot is in view v. */
static inline bool view_keeps(const struct view *v, size_t i)
{
	return !v->keep || v->keep[i];
}

/* Runs the statement that follows for each index i (size_t) of a socket v keeps. */
#define view_for_each_sock(v, i)                                                                   \
	for (size_t i = 0; i < (v)->snap->socks.n; i++)                                            \
		if (!view_keeps((v), i)) {                                                         \
		} else

/*
 * Builds the view the query o asks for over r: keeps the sockets o's filters
 * select (-4/-6, --state, ports, addresses, --uid, --cgroup, then --pid and
 * --comm over the owners); then partial, totals, reconciliation, groups for
 * o->by sorted by o->sort (top, report, check) and findings (report, check).
 * Pure, and r is not modified. A --cgroup path is looked up among r->cg's
 * paths (the collection resolved it); --pid and --comm need owners.
 * Returns 0, or -1 with *e filled (e->what may hold the text e->where points
 * at) and v empty. Free with view_free.
 */
int view_build(const struct snapshot *r, const struct opts *o, struct view *v,
	       struct report_err *e);

/* A view of every socket of r with nothing derived (for writing r itself). */
void view_all(const struct snapshot *r, struct view *v);

/* Frees what the view derived (not the snapshot) and empties it. */
void view_free(struct view *v);

#endif
