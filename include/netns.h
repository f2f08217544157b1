/* SPDX-License-Identifier: GPL-2.0-or-later */
/* netns.h - find network namespaces and run collection inside them. */
#ifndef SOCKMEM_NETNS_H
#define SOCKMEM_NETNS_H

#include <stddef.h>
#include <stdint.h>

#include "procfs.h"

struct netns_ent {
	uint64_t ino;
	char name[256];		/* `ip netns` name (NAME_MAX), "" if none */
	int32_t pid;		/* a process inside it (0 if found via /run/netns only) */
	int skipped;		/* positive errno if it could not be entered */
	struct sysctls sysctl;	/* its own tcp_rmem, tcp_wmem, ... (read inside it) */
	struct maybe inuse, tw; /* its sockstat per-namespace counts */
};

/* Lists every distinct network namespace reachable through /proc/[pid]/ns/net
 * and /run/netns (dedup by inode; the caller's own first). Returns 0 or -errno;
 * *out is malloc'd. */
int netns_list(const struct procfs *p, const char *run_netns, struct netns_ent **out, size_t *n);

/* Opens the namespace file for e (the /run/netns bind mount or /proc/PID/ns/net). */
int netns_open(const struct procfs *p, const char *run_netns, const struct netns_ent *e);

/* Opens /run/netns/NAME. Returns an fd or -errno. */
int netns_open_name(const char *run_netns, const char *name);

/* Moves the calling thread into the namespace fd. Returns 0 or -errno. */
int netns_enter(int fd);

#endif
