/* SPDX-License-Identifier: GPL-2.0-or-later */
/* owners.h - socket inode -> (pid, comm, fd) holders, from one walk of the
 * processes' file tables (/proc/[pid]/fd, and /proc/[pid]/task/[tid]/fd for
 * threads whose table is not the process's). */
#ifndef SOCKMEM_OWNERS_H
#define SOCKMEM_OWNERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "collect/procfs.h"
#include "model/owners.h"
#include "model/sock.h"


/*
 * Walks /proc/[pid]/fd below the proc root once and records every socket
 * fd (links hold the inode in .sock until owners_join). A multithreaded
 * process also has the tables of its threads walked when they differ from
 * the process's (kcmp(KCMP_FILES); each distinct table once). Needs no
 * socket table, so it can run on a second thread while the dump runs.
 * Processes whose fds cannot be read are counted (procs_denied, or
 * procs_incomplete for errors such as EIO), not skipped silently.
 * Returns 0 or -errno: /proc cannot be listed completely, descriptors or
 * memory ran out (EMFILE, ENFILE, ENOMEM), or a signal arrived.
 */
int owners_walk(const struct procfs *p, struct owners *o);

/* Keeps the links whose inode is a socket in t (now as socket indexes),
 * once each (two tables can hold the same fd), the processes they name
 * (sorted by pid), and sets each record's own_first/own_n.
 * Returns 0 or -ENOMEM. */
int owners_join(struct owners *o, struct sock_table *t);

/* owners_walk then owners_join. Returns 0 or -errno; frees o on error. */
int owners_scan(const struct procfs *p, struct sock_table *t, struct owners *o);


#endif
