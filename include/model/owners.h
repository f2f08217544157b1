/* SPDX-License-Identifier: GPL-2.0-or-later */
/* owners.h - which processes hold which sockets: plain data, filled by
 * collect/owners.c. */
#ifndef SOCKMEM_MODEL_OWNERS_H
#define SOCKMEM_MODEL_OWNERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/sock.h"
#include "util/maybe.h"

/* --owner-walk: which walk of the file tables finds the holders. */
enum owner_walk {
	OWNER_WALK_AUTO = 0, /* the in-kernel walk where it can run, else /proc */
	OWNER_WALK_BPF,	     /* the in-kernel walk (BPF iter/task_file), or fail */
	OWNER_WALK_PROC,     /* /proc/[pid]/fd */
};

/* --walk-threads: the most threads the /proc walk takes, and the most its
 * default (the CPUs but one) gives. */
#define OWNER_WALK_THREADS_MAX	       64
#define OWNER_WALK_THREADS_DEFAULT_MAX 8

/* A process that holds at least one dumped TCP socket. */
struct proc_ent {
	int32_t pid;
	uint32_t uid;  /* owner of /proc/[pid] */
	char comm[17]; /* raw bytes from /proc/[pid]/comm (untrusted), NUL-terminated */
	/* field 22 of /proc/[pid]/stat: clock ticks after boot when it started;
	 * with pid, a key that means the same process in two snapshots of one boot */
	struct maybe start_time;
};

/* One holder of one socket: sockets[sock] is open as fd in procs[proc]
 * (in the process's table or in one of its threads' own tables). */
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
	uint64_t procs_scanned;	   /* /proc/[pid] directories seen (not gone before opened) */
	uint64_t procs_denied;	   /* fd directory or some fd links not readable */
	uint64_t fds_denied;	   /* readlink refused inside a readable fd dir */
	uint64_t procs_gone;	   /* exited during the walk */
	uint64_t procs_incomplete; /* some fds lost to an error other than permission
				    * (EIO...); not also counted in procs_denied */
	uint64_t task_tables;	   /* threads' own file tables walked besides the
				    * processes' (unshare(CLONE_FILES), zombie leader) */
	bool walked;		   /* owners_walk finished: a socket with an inode and
				    * no link is held by no descriptor the walk saw */
	enum owner_walk by;	   /* OWNER_WALK_BPF or OWNER_WALK_PROC: the walk that ran */
	unsigned walk_threads;	   /* threads the /proc walk ran on (0: no /proc walk ran);
				    * not kept in a snapshot */
	int bpf_err;		   /* why the in-kernel walk did not run (an errno), or 0 */
	uint64_t walk_usec;	   /* how long the walk took (--stats; not in a snapshot) */
	/* owners_stream_prepare's index: links with inode >> ino_shift == b
	 * start at ino_index[b - (ino_min >> ino_shift)] */
	uint32_t *ino_index;
	size_t ino_buckets;
	uint32_t ino_min;
	unsigned ino_shift;
};

/* Processes whose descriptors were not all read (denied or lost to errors):
 * 0 means the walk saw every descriptor of every process it listed. */
static inline uint64_t owners_not_inspected(const struct owners *o)
{
	return o->procs_denied + o->procs_incomplete;
}

/* Frees everything owners_scan allocated. */
void owners_free(struct owners *o);

/* Sorts procs by pid and renumbers the links' proc to match. Returns 0 or
 * -ENOMEM (o unchanged). */
int owners_sort_procs(struct owners *o);

/* Sorts the links by (sock, proc, fd) and drops repeats (a thread's table
 * that unshare(CLONE_FILES) copied holds the process's fds under the same
 * numbers). */
void owners_sort_links(struct owners *o);

/*
 * For a streaming collection (sockets joined batch by batch, the table
 * never whole): once after the walk, procs in pid order (every process the
 * walk saw, not only those holding a dumped socket), links sorted by
 * (inode, proc, fd) without repeats, their .sock staying the inode, and an
 * index by inode. Returns 0 or -ENOMEM.
 */
int owners_stream_prepare(struct owners *o);

/* After owners_stream_prepare: sets own_first/own_n of t->v[from..to). */
void owners_join_range(const struct owners *o, struct sock_table *t, size_t from, size_t to);

/* Appends the link (sock, proc, fd), growing links by doubling. Returns 0
 * or -ENOMEM (o unchanged). */
int owners_add_link(struct owners *o, uint32_t sock, uint32_t proc, int32_t fd);

#endif
