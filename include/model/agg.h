/* SPDX-License-Identifier: GPL-2.0-or-later */
/* agg.h - pure aggregation: per-process groups, totals, reconciliation. */
#ifndef SOCKMEM_AGG_H
#define SOCKMEM_AGG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/maybe.h"
#include "model/owners.h"
#include "model/sysinfo.h"
#include "model/sock.h"
#include "util/idmap.h"

/* Sums over a set of sockets, each socket counted once. */
struct sums {
	uint64_t sockets;
	uint64_t r, w, f, t, rb, tb; /* bytes; only sockets that have skmem */
	uint64_t charged_bytes;	     /* r + w + f */
	uint64_t charged_pages;	     /* sum of each socket's ceil((r+w+f)/page) */
};

/* What `top` groups by (--by). */
enum group_by { BY_PROCESS, BY_CGROUP, BY_USER, BY_PORT, BY_STATE, BY_NETNS };

/* Key of sockets without a cgroup id (kernels before 5.8). */
#define AGG_NO_KEY UINT64_MAX

/* One row of `top`: a process, one of the rows of sockets without a
 * process (below), or for other --by keys the key value (cgroup id, uid,
 * port, state, netns inode; proc is then AGG_NO_PROC). */
#define AGG_NO_PROC UINT32_MAX
/* BY_PROCESS rows of sockets no descriptor the walk read holds. Sockets with
 * an inode (a file still refers to them) but no visible descriptor: in flight
 * in SCM_RIGHTS, held by the kernel or by processes not visible or not
 * inspected. With inode 0 no process can hold them: one row per category of
 * sock_category() (TIME-WAIT, request sockets, orphans, children not yet
 * accepted), whether or not owners were walked. AGG_NO_PROC then holds the
 * sockets with an inode when owners were not walked. */
#define AGG_NO_HOLDER  (UINT32_MAX - 1)
#define AGG_TIME_WAIT  (UINT32_MAX - 2)
#define AGG_REQUEST    (UINT32_MAX - 3)
#define AGG_ORPHAN     (UINT32_MAX - 4)
#define AGG_UNACCEPTED (UINT32_MAX - 5)
struct group {
	uint32_t proc; /* BY_PROCESS: index into owners.procs, or one of the AGG_ rows above */
	uint64_t key;  /* other keys; AGG_NO_KEY when the socket has none */
	struct sums s;
};

/* Sort keys for groups. */
enum agg_sort {
	SORT_CHARGED,
	SORT_SOCKETS,
	SORT_R,
	SORT_W,
	SORT_F,
	SORT_T,
	SORT_RB,
	SORT_TB,
	SORT_PID,
	SORT_COMM
};

/* Reconciliation of the dumped sockets' charged pages with sockstat "mem". */
struct reconcile {
	uint64_t sockets_pages;
	struct maybe sockstat_pages;
	struct maybe tolerance_pages; /* ncpu x mem_pcpu_rsv */
	struct maybe gap_pages;	      /* sockstat - sockets (signed) */
	struct maybe within;	      /* 1/0; absent if either side is absent */
};

/* Adds one socket to a sum (page_size > 0). */
void agg_add(struct sums *s, const struct sock_rec *r, uint64_t page_size);

/* Whether a group's proc names a process (not one of the AGG_ rows). */
static inline bool agg_is_proc(uint32_t proc)
{
	return proc < AGG_UNACCEPTED;
}

/* The BY_PROCESS row of a socket no process holds (own_n == 0); walked:
 * whether owners were walked. */
uint32_t agg_no_proc_row(const struct sock_rec *s, bool walked);

/* The rows without a process, as indexes of per-namespace sums (view_ns). */
enum no_proc_slot {
	NP_NO_HOLDER,
	NP_TIME_WAIT,
	NP_REQUEST,
	NP_ORPHAN,
	NP_UNACCEPTED,
	NP_NOT_SCANNED,
	NP_N
};

/* The slot (enum no_proc_slot) of the row agg_no_proc_row gives s. */
size_t agg_no_proc_slot(const struct sock_rec *s, bool walked);

/*
 * Builds one group per process holding sockets, plus one per AGG_ row that
 * holds sockets no process holds. A socket held by
 * several processes counts in each of them; several fds of one process
 * count once. keep[i] (NULL: all) selects sockets: links of sockets left out do not count.
 * Returns 0 or -ENOMEM; *out is malloc'd, caller frees.
 */
int agg_by_process(const struct sock_table *t, const unsigned char *keep, const struct owners *o,
		   uint64_t page_size, struct group **out, size_t *n);

/*
 * Grouping one socket at a time (a streaming collection never holds every
 * socket): agg_by_process and agg_by_key are one pass of it. For process
 * grouping, o must be final (its procs do not change while adding).
 */
struct agg_acc {
	enum group_by by;
	const struct owners *o;
	uint64_t page_size;
	struct group *g;
	size_t ng, cap;
	struct idmap keys; /* other keys: key -> group index */
	uint64_t *last;	   /* by process: per process, the last socket added (seq) */
	uint64_t seq;	   /* sockets added so far */
};

/* Starts an empty grouping by `by`. Returns 0 or -ENOMEM. */
int agg_acc_init(struct agg_acc *a, enum group_by by, const struct owners *o, uint64_t page_size);

/* Adds one socket (with its own_first/own_n set for process grouping).
 * Returns 0 or -ENOMEM. */
int agg_acc_add(struct agg_acc *a, const struct sock_rec *s);

/* The groups that hold sockets (malloc'd, caller frees; never NULL); a is
 * freed. Returns 0 or -ENOMEM. */
int agg_acc_finish(struct agg_acc *a, struct group **out, size_t *n);

/* Frees a without handing out its groups. */
void agg_acc_free(struct agg_acc *a);

/* Groups sockets by a per-socket key (every --by but process): each socket
 * (that keep keeps, as for agg_by_process) lands in exactly one group.
 * Returns 0 or -ENOMEM; *out is malloc'd. */
int agg_by_key(const struct sock_table *t, const unsigned char *keep, enum group_by by,
	       uint64_t page_size, struct group **out, size_t *n);

/* The group key of a socket for a --by key other than process (the key
 * agg_by_key groups it under). */
uint64_t agg_sock_key(const struct sock_rec *s, enum group_by by);

/* Parses a --by name. Returns 0 or -EINVAL. */
int agg_by_parse(const char *name, enum group_by *by);

/* Name of a --by key ("process", "cgroup", ...). */
const char *agg_by_name(enum group_by by);

/* Sorts groups by key, largest first (pid, comm and group key ascending).
 * Returns 0 or -ENOMEM (then the order is unchanged and must not be shown). */
int agg_sort(struct group *g, size_t n, enum agg_sort key, const struct owners *o);

/* Parses a --sort name ("charged", "sockets", "r", ...); returns 0 or -EINVAL. */
int agg_sort_parse(const char *name, enum agg_sort *key);

/* Fills a reconciliation from totals, sockstat mem, CPU count and mem_pcpu_rsv. */
void agg_reconcile(const struct sums *tot, struct maybe sockstat_mem, uint64_t ncpu,
		   struct maybe pcpu_rsv, struct reconcile *out);

#endif
