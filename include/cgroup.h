/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cgroup.h - cgroup v2 id -> path, and what the memory controller charges for sockets. */
#ifndef SOCKMEM_CGROUP_H
#define SOCKMEM_CGROUP_H

#include <stddef.h>
#include <stdint.h>

#include "maybe.h"
#include "procfs.h"

struct cgroup_ent {
	uint64_t id;		       /* cgroup v2 id = directory inode on the cgroup2 mount */
	char *path;		       /* "/" for the root; NULL if not found */
	struct maybe memcg_sock_bytes; /* v2 memory.stat "sock", bytes */
	struct maybe v1_tcp_bytes; /* v1 memory.kmem.tcp.usage_in_bytes, only with a tcp limit */
};

struct cgroups {
	char v2_mount[256];	   /* "" if no cgroup2 mount */
	char v1_memory_mount[256]; /* "" if no v1 memory controller mount */
	struct cgroup_ent *v;
	size_t n;
};

/* Reads self/mountinfo below the proc root to find the cgroup2 and v1 memory mounts. */
int cgroup_find_mounts(const struct procfs *p, struct cgroups *cg);

/*
 * Maps each of ids[0..n) (duplicates allowed) to its path by walking the
 * cgroup2 tree once, and reads each one's socket memory. Returns 0 or -errno.
 */
int cgroup_resolve(struct cgroups *cg, const uint64_t *ids, size_t n);

/* The entry for id, or NULL. */
const struct cgroup_ent *cgroup_get(const struct cgroups *cg, uint64_t id);

/* Resolves a user's path ("/a/b" relative to the cgroup2 mount, or a path
 * that starts with the mount) to its id. Returns 0 or -errno. */
int cgroup_path_id(const struct cgroups *cg, const char *path, uint64_t *id);

/* Turns a user's cgroup path (relative, "/a/b", or below the mount point)
 * into the "/a/b" form used in entries. */
void cgroup_normalize(const struct cgroups *cg, const char *in, char *out, size_t len);

/* Whether path equals prefix or lies below it. */
int cgroup_path_under(const char *path, const char *prefix);

void cgroup_free(struct cgroups *cg);

#endif
