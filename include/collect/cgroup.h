/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cgroup.h - cgroup v2 id -> path and ancestry, and what the memory controller charges for sockets. */
#ifndef SOCKMEM_CGROUP_H
#define SOCKMEM_CGROUP_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/maybe.h"
#include "collect/procfs.h"
#include "model/cgroup.h"


/*
 * Pure: finds the first cgroup2 mount and the first v1 mount with the memory
 * controller (each with root "/") in /proc/self/mountinfo text, unescaping
 * \ooo. A mount point that does not fit, is not absolute, or holds \000 is
 * ignored. Fills cg->v2_mount and cg->v1_memory_mount ("" when none).
 */
void cgroup_parse_mountinfo(const char *text, struct cgroups *cg);

/* Zeroes cg and reads self/mountinfo below the proc root (any size) into it.
 * Returns 0 or -errno. */
int cgroup_find_mounts(const struct procfs *p, struct cgroups *cg);

/*
 * Maps each of ids[0..n) (duplicates allowed) to its path and records its
 * ancestry by walking the cgroup2 tree once, directory fd by directory fd
 * (no depth or PATH_MAX limit), and reads each one's socket memory.
 * Returns 0 or -errno (a directory that cannot be listed fails the walk).
 */
int cgroup_resolve(struct cgroups *cg, const uint64_t *ids, size_t n);




/*
 * Resolves a user's cgroup path ("/a/b" or "a/b" relative to the cgroup2
 * mount, or a path below the mount point, normalised lexically) to its id.
 * Returns 0, or -ENOENT/-ENOTDIR (no such directory), -EINVAL (empty or
 * leaves the hierarchy), -EXDEV (not a directory of the cgroup2 mount).
 */
int cgroup_path_id(const struct cgroups *cg, const char *path, uint64_t *id);


#endif
