/* SPDX-License-Identifier: GPL-2.0-or-later */
/* owners.h - socket inode -> (pid, comm, fd) holders, from one /proc/[pid]/fd walk. */
#ifndef SOCKMEM_OWNERS_H
#define SOCKMEM_OWNERS_H

#include <stddef.h>
#include <stdint.h>

#include "procfs.h"
#include "sock.h"

/* A process that holds at least one dumped TCP socket. */
struct proc_ent {
	int32_t pid;
	uint32_t uid;  /* owner of /proc/[pid] */
	char comm[17]; /* raw bytes from /proc/[pid]/comm (untrusted), NUL-terminated */
};

/* One holder of one socket: sockets[sock] is open as fd in procs[proc]. */
struct owner_link {
	uint32_t sock;
	uint32_t proc;
	int32_t fd;
};

struct owners {
	struct proc_ent *procs; /* sorted by pid after owners_scan */
	size_t nprocs, procs_cap;
	struct owner_link *links; /* sorted by (sock, pid, fd) after owners_scan */
	size_t nlinks, links_cap;
	uint64_t procs_scanned; /* /proc/[pid] directories seen */
	uint64_t procs_denied;	/* fd directory or some fd links not readable */
	uint64_t fds_denied;	/* readlink refused inside a readable fd dir */
	uint64_t procs_gone;	/* exited during the walk */
};

/*
 * Walks /proc/[pid]/fd below the proc root once and records every socket
 * fd (links hold the inode in .sock until owners_join). Needs no socket
 * table, so it can run on a second thread while the dump runs.
 * Processes whose fds cannot be read are counted, not skipped silently.
 * Returns 0 or -errno (only if /proc cannot be listed, memory runs out or
 * a signal arrived).
 */
int owners_walk(const struct procfs *p, struct owners *o);

/* Keeps the links whose inode is a socket in t (now as socket indexes),
 * the processes they name (sorted by pid), and sets each record's
 * own_first/own_n. Returns 0 or -ENOMEM. */
int owners_join(struct owners *o, struct sock_table *t);

/* owners_walk then owners_join. Returns 0 or -errno; frees o on error. */
int owners_scan(const struct procfs *p, struct sock_table *t, struct owners *o);

/* Frees everything owners_scan allocated. */
void owners_free(struct owners *o);

#endif
