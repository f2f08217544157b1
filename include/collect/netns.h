/* SPDX-License-Identifier: GPL-2.0-or-later */
/* netns.h - find network namespaces and run collection inside them. */
#ifndef SOCKMEM_NETNS_H
#define SOCKMEM_NETNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "collect/procfs.h"
#include "model/netns.h"


/* Lists every distinct network namespace reachable through /proc/[pid]/ns/net
 * and /run/netns (dedup by inode; the caller's own first). Never opens a
 * file for reading, so a FIFO cannot block it. Returns 0 or -errno: an error
 * listing either directory fails it (namespaces would be missing);
 * *out is malloc'd. */
int netns_list(const struct procfs *p, const char *run_netns, struct netns_ent **out, size_t *n);

/* Opens the namespace file for e (the /run/netns bind mount or /proc/PID/ns/net),
 * without blocking. Returns an fd, or -errno: -EINVAL if it is no network
 * namespace, -ESRCH if it is no longer e's, e->skipped if set. */
int netns_open(const struct procfs *p, const char *run_netns, const struct netns_ent *e);

/* Whether name can be a /run/netns name (not "", ".", "..", no '/'). */
bool netns_name_ok(const char *name);

/* Opens run_netns/NAME without blocking. Returns an fd, or -errno: -EINVAL
 * for a bad name or a file that is no network namespace. */
int netns_open_name(const char *run_netns, const char *name);

/* Moves the calling thread into the namespace fd. Returns 0 or -errno. */
int netns_enter(int fd);

#endif
