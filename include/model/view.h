/* SPDX-License-Identifier: GPL-2.0-or-later */
/* view.h - the query's filters over collected data (live or a snapshot). */
#ifndef SOCKMEM_MODEL_VIEW_H
#define SOCKMEM_MODEL_VIEW_H

#include "model/query.h"
#include "model/report.h"

/*
 * Keeps the sockets o's filters select (-4/-6, --state, ports, addresses,
 * --uid, --cgroup, then --pid/--comm over the owners) and drops the owner
 * links of the others; sets r->filtered when any filter is given. Pure:
 * the same over a live collection and a loaded snapshot. A --cgroup path
 * is looked up among r->cg's paths (the collection resolved it); --pid and
 * --comm need owners. Returns 0, or -1 with *e filled (e->what may hold
 * the text e->where points at).
 */
int report_filter(const struct opts *o, struct report *r, struct report_err *e);

/* Whether -t/-u select s (neither given: TCP only). */
bool view_protocol_wanted(const struct opts *o, const struct sock_rec *s);

#endif
