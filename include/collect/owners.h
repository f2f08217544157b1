/* SPDX-License-Identifier: GPL-2.0-or-later */
/* owners.h - socket inode -> (pid, comm, fd) holders, from one walk of the
 * processes' file tables (/proc/[pid]/fd, and /proc/[pid]/task/[tid]/fd for
 * threads whose table is not the process's). */
#ifndef SOCKMEM_OWNERS_H
#define SOCKMEM_OWNERS_H

#include <dirent.h>
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

/* The process directories below a proc root, listed one at a time (both
 * walks list them so). */
struct proc_list {
	DIR *d;
};
/* Returns 0 or -errno. */
int proc_list_open(const struct procfs *p, struct proc_list *l);
/* 1 with the next process's pid and directory name (valid until the next
 * call), 0 at the end, or -errno when the listing failed midway. */
int proc_list_next(struct proc_list *l, int32_t *pid, const char **name);
void proc_list_close(struct proc_list *l);

/*
 * owners_walk on up to nthreads threads (0: owners_walk_threads_default()),
 * the calling one included: /proc is listed first, then each process is
 * walked whole by one thread, and the threads' findings are merged in the
 * listing's order, so o is what owners_walk gives (procs and links in the
 * same order, the same counts). Fewer threads run when there are fewer
 * processes, when a thread cannot start, or when fewer than
 * OWNERS_WALK_FDS_PER_THREAD descriptors per thread (beyond a reserve for
 * the rest of the run) are free; one thread is owners_walk itself.
 * o->walk_threads says how many ran. Returns 0 or -errno as owners_walk
 * does: the error of the first process in the listing whose walk failed.
 * On error o holds nothing to free.
 */
int owners_walk_threads(const struct procfs *p, unsigned nthreads, struct owners *o);

/* Descriptors one walking thread holds at most: its process's directory,
 * an fd or task directory, and comm, stat or a thread's fd directory. */
#define OWNERS_WALK_FDS_PER_THREAD 3

/* The default thread count: the CPUs this process may run on (its affinity
 * mask, within the online ones), but one when the netlink dump runs beside
 * the walk (beside_dump) and keeps it busy; at least 1, at most
 * OWNER_WALK_THREADS_DEFAULT_MAX. */
unsigned owners_walk_threads_default(bool beside_dump);

/* One process's step of the walk: records every socket fd of /proc/name
 * (below procfd, an open proc root) in o as raw links, its entry in
 * o->procs at its first socket, and counts it in o's procs_* counters.
 * Returns 0 or -errno (descriptors or memory ran out). */
int owners_walk_pid(struct owners *o, int procfd, const char *name, int32_t pid);

/* Keeps the links whose inode is a socket in t (now as socket indexes),
 * once each (two tables can hold the same fd), the processes they name
 * (sorted by pid), and sets each record's own_first/own_n.
 * Returns 0 or -ENOMEM. */
int owners_join(struct owners *o, struct sock_table *t);

/* owners_walk then owners_join. Returns 0 or -errno; frees o on error. */
int owners_scan(const struct procfs *p, struct sock_table *t, struct owners *o);


#endif
