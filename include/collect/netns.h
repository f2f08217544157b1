/* SPDX-License-Identifier: GPL-2.0-or-later */
/* netns.h - find network namespaces and run collection inside them. */
#ifndef SOCKMEM_NETNS_H
#define SOCKMEM_NETNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "collect/procfs.h"
#include "model/netns.h"


/* init_net's inode on kernels that number the initial namespaces with fixed
 * inodes (PROC_NET_INIT_INO; 6.18 does). Dynamic namespace inodes start at
 * 0xF0000000, so no other network namespace can carry it on any kernel. */
#define NETNS_INIT_INO 0xEFFFFFF9u

/* PF_KTHREAD in the flags of /proc/PID/stat (include/linux/sched.h). */
#define NETNS_PF_KTHREAD 0x00200000u

/* Lists every distinct network namespace reachable through /proc/[pid]/ns/net
 * and /run/netns (dedup by inode; the caller's own first). Never opens a
 * file for reading, so a FIFO cannot block it. Returns 0 or -errno: an error
 * listing either directory fails it (namespaces would be missing);
 * *out is malloc'd. *denied (if not NULL) gets the number of processes
 * whose namespace could not be read (EACCES for another user's process),
 * whose namespaces the list may lack. */
int netns_list(const struct procfs *p, const char *run_netns, struct netns_ent **out, size_t *n,
	       size_t *denied);

/* Whether self (the inode of the caller's network namespace, 0 if unknown)
 * is the host's initial one: 1 or 0, or -ENOENT when it cannot be told.
 * Yes when self is NETNS_INIT_INO; otherwise the answer is the
 * comparison with the namespace of pid 2 if that is a kernel thread
 * (kthreadd, in init_net) whose link can be read (root). Unknown in a
 * container's own pid namespace (no kernel threads) and for an ordinary
 * user on kernels without the fixed inode. */
int netns_initial(const struct procfs *p, uint64_t self);

/* Whether the caller may enter other network namespaces: CAP_SYS_ADMIN in
 * its effective set (setns needs it). */
bool netns_may_enter(void);

/* Opens the namespace file for e (the /run/netns bind mount or /proc/PID/ns/net),
 * without blocking. Returns an fd, or -errno: -EINVAL if it is no network
 * namespace, -ESRCH if it is no longer e's, e->skipped if set. */
int netns_open(const struct procfs *p, const char *run_netns, const struct netns_ent *e);

/* A process in the network namespace of inode ino now (for an entry whose
 * process exited or whose name went since the listing), or 0 if none. */
int32_t netns_find_pid(const struct procfs *p, uint64_t ino);

/* Whether name can be a /run/netns name (not "", ".", "..", no '/'). */
bool netns_name_ok(const char *name);

/* Opens run_netns/NAME without blocking. Returns an fd, or -errno: -EINVAL
 * for a bad name or a file that is no network namespace. */
int netns_open_name(const char *run_netns, const char *name);

/* Moves the calling thread into the namespace fd. Returns 0 or -errno. */
int netns_enter(int fd);

#endif
