/* SPDX-License-Identifier: GPL-2.0-or-later */
/* collect.h - one run of every collector a query needs. */
#ifndef SOCKMEM_COLLECT_H
#define SOCKMEM_COLLECT_H

#include "model/query.h"
#include "model/report.h"

/*
 * Runs the collection pass the options ask for (sysinfo, netlink dumps,
 * fd walk), then aggregation. Returns 0, or -1 with *e filled.
 * The report owns all memory; free with report_free.
 */
int report_build(const struct opts *o, struct report *r, struct report_err *e);

#endif
