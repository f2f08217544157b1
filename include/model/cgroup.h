/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cgroup.h - cgroup v2 ids, paths and socket memory: plain data and pure
 * lookups, filled by collect/cgroup.c. */
#ifndef SOCKMEM_MODEL_CGROUP_H
#define SOCKMEM_MODEL_CGROUP_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/maybe.h"

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
 * Pure: the id of a user's cgroup path (spelt as for cgroup_path_id) among
 * the paths the table holds: an entry's path, or an ancestor of one (found
 * by climbing the parent links as many steps as the path is shorter).
 * Returns 0, -ENOENT (no such path in the table), -EINVAL (empty, or leaves
 * the hierarchy) or -ENOMEM.
 */
int cgroup_path_lookup(const struct cgroups *cg, const char *path, uint64_t *id);

void cgroup_free(struct cgroups *cg);

/* qsort/bsearch orders by id for cgroup_ent and cgroup_node arrays. */
int cgroup_ent_cmp(const void *a, const void *b);
int cgroup_node_cmp(const void *a, const void *b);

#endif
