/* SPDX-License-Identifier: GPL-2.0-or-later */
/* collect.h - one live run of every collector a command needs. */
#ifndef SOCKMEM_COLLECT_H
#define SOCKMEM_COLLECT_H

#include "model/query.h"
#include "model/report.h"
#include "model/snapshot.h"

/* What a command needs collected besides sysinfo and the socket dumps. */
enum collect_need {
	COLLECT_OWNERS = 1u << 0,  /* the /proc/[pid]/fd walk: who holds each socket */
	COLLECT_CGROUPS = 1u << 1, /* cgroup ids resolved to paths, ancestry and memcg values */
	COLLECT_USERS = 1u << 2,   /* user names of the sockets' uids */
};

/*
 * Runs the collectors in the scope o gives (-N, --all-netns, -4/-6, the
 * kernel-side part of the filter, --proc-root) plus those need asks for,
 * into r; r->cov and r->dump_filtered record what the dump was limited to.
 * No userspace filtering and no derivation (model/view.h, view_build).
 * Returns 0, or -1 with *e filled. The snapshot owns all memory; free with
 * snapshot_free.
 */
int collect_live(const struct opts *o, unsigned need, struct snapshot *r, struct report_err *e);

#endif
