/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cgroup.h - cgroup v2 id -> path and ancestry, and what the memory controller charges for sockets. */
#ifndef SOCKMEM_CGROUP_H
#define SOCKMEM_CGROUP_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "maybe.h"
#include "procfs.h"

struct cgroup_ent {
	uint64_t id;		       /* cgroup v2 id = directory inode on the cgroup2 mount */
	char *path;		       /* "/" for the root, any length; NULL if not found */
	struct maybe memcg_sock_bytes; /* v2 memory.stat "sock", bytes */
	struct maybe v1_tcp_bytes; /* v1 memory.kmem.tcp.usage_in_bytes, only with a tcp limit */
};

/* One directory of the cgroup2 tree and its parent (0 for the hierarchy root). */
struct cgroup_node {
	uint64_t id, parent;
};

struct cgroups {
	char v2_mount[PATH_MAX];	/* "" if no cgroup2 mount */
	char v1_memory_mount[PATH_MAX]; /* "" if no v1 memory controller mount */
	struct cgroup_ent *v;		/* sorted by id */
	size_t n;
	struct cgroup_node *nodes; /* every found entry and all its ancestors, sorted by id */
	size_t nnodes;
	uint64_t *blind; /* directories with a child the walk could not open (EACCES) */
	size_t nblind;
};

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

/* The entry for id, or NULL. */
const struct cgroup_ent *cgroup_get(const struct cgroups *cg, uint64_t id);

/* Whether ancestor is id itself or one of its ancestors, by the parent links
 * cgroup_resolve recorded (an id it did not find has only itself). */
bool cgroup_within(const struct cgroups *cg, uint64_t id, uint64_t ancestor);

/* Whether a directory the walk could not open lies at or below ancestor while
 * some id stayed unresolved: sockets below ancestor may be missing. */
bool cgroup_blind_within(const struct cgroups *cg, uint64_t ancestor);

/*
 * Pure: lexical normalisation of a cgroup path (cgroupfs has no symlinks):
 * makes it absolute, folds "//", drops "." and resolves "..". Writes "/" or
 * "/a/b" (no trailing slash) into out. Returns 0, -EINVAL for "" or a ".."
 * above the start, -ENAMETOOLONG if out (len bytes) is too small for the
 * result or for a step before a ".."; strlen(in) + 2 bytes always suffice.
 */
int cgroup_path_normalize(const char *in, char *out, size_t len);

/* Pure: the part of normalised path norm below normalised mount point mount
 * ("/" when equal), or norm itself when it does not start with the mount. */
const char *cgroup_path_rel(const char *norm, const char *mount);

/*
 * Resolves a user's cgroup path ("/a/b" or "a/b" relative to the cgroup2
 * mount, or a path below the mount point, normalised lexically) to its id.
 * Returns 0, or -ENOENT/-ENOTDIR (no such directory), -EINVAL (empty or
 * leaves the hierarchy), -EXDEV (not a directory of the cgroup2 mount).
 */
int cgroup_path_id(const struct cgroups *cg, const char *path, uint64_t *id);

void cgroup_free(struct cgroups *cg);

#endif
