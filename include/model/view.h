/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * view.h - one query's view over a const snapshot: which sockets it keeps
 * (a mask, the snapshot is never rewritten) and what is derived from them
 * (totals, reconciliation, groups with stable keys, findings). Several
 * views of one snapshot can live at once.
 */
#ifndef SOCKMEM_MODEL_VIEW_H
#define SOCKMEM_MODEL_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/agg.h"
#include "model/findings.h"
#include "model/query.h"
#include "model/report.h"
#include "model/snapshot.h"

/* One network namespace's kept sockets. */
struct view_ns {
	uint64_t ino;
	uint64_t sockets;
	struct sums no_proc[NP_N]; /* those no process holds, per agg_no_proc_row */
};

struct view_acc;

struct view {
	const struct snapshot *snap;
	const unsigned char *keep; /* keep[i]: socket i is in the view; NULL: every socket */
	size_t nkept;		   /* sockets in the view */
	enum group_by by;
	struct sums totals; /* kept sockets, each once */
	struct group *groups;
	size_t ngroups;
	struct reconcile rec;	 /* TCP sockets against sockstat TCP mem */
	struct sums proto_totals[SOCK_PROTO_N]; /* kept sockets of each protocol */
	struct reconcile udp_rec; /* UDP sockets against sockstat UDP mem (cov.udp) */
	bool partial;	      /* the view does not hold every socket (any reason below) */
	bool filtered;	      /* a filter or -4/-6 left sockets out (at collection or here) */
	size_t netns_skipped; /* --all-netns: namespaces that could not be entered */
	struct finding *findings;
	size_t nfindings;
	struct view_ns *ns; /* namespaces with kept sockets */
	size_t nns;
	bool streamed;	      /* built batch by batch: snap holds only the findings' sockets */
	struct view_acc *acc; /* view_begin to view_end */
};

/* Whether socket i of the snapshot is in view v. */
static inline bool view_keeps(const struct view *v, size_t i)
{
	return !v->keep || v->keep[i];
}

/* Runs the statement that follows for each index i (size_t) of a socket v keeps. */
#define view_for_each_sock(v, i)                                                                   \
	for (size_t i = 0; i < (v)->snap->socks.n; i++)                                            \
		if (!view_keeps((v), i)) {                                                         \
		} else

/*
 * Builds the view the query o asks for over r: keeps the sockets o's filters
 * select (-4/-6, --state, ports, addresses, --uid, --cgroup, then --pid and
 * --comm over the owners); then partial, totals, reconciliation, groups for
 * o->by sorted by o->sort (top, report, check) and findings (report, check).
 * Pure, and r is not modified. A --cgroup path is looked up among r->cg's
 * paths (the collection resolved it); --pid and --comm need owners.
 * Returns 0, or -1 with *e filled (e->what may hold the text e->where points
 * at) and v empty. Free with view_free.
 */
int view_build(const struct snapshot *r, const struct opts *o, struct view *v,
	       struct report_err *e);

/*
 * view_build in steps, for a collection that hands sockets over in batches
 * and keeps only what the view still needs (view_stream_fold), so memory
 * does not grow with the number of sockets. Owners must be final before
 * the first batch. view_stream_fold folds t->v[t->kept..t->n) (begun with
 * the first batch); view_retain then keeps only the sockets the findings
 * rank (renumbered); view_stream_end derives the rest. Each returns 0, or
 * -1 with *e filled (free v then).
 */
int view_begin(const struct snapshot *r, const struct opts *o, struct view *v,
	       struct report_err *e);
int view_fold(struct view *v, size_t from, size_t to, struct report_err *e);
int view_retain(struct view *v, struct sock_table *t, struct report_err *e);
int view_end(struct view *v, struct report_err *e);
int view_stream_fold(struct view *v, const struct snapshot *r, const struct opts *o,
		     struct sock_table *t, struct report_err *e);
int view_stream_end(struct view *v, const struct snapshot *r, const struct opts *o,
		    struct report_err *e);

/* The kept sockets of namespace ino (NULL: none). */
const struct view_ns *view_ns_find(const struct view *v, uint64_t ino);

/* A view of every socket of r with nothing derived (for writing r itself). */
void view_all(const struct snapshot *r, struct view *v);

/* Frees what the view derived (not the snapshot) and empties it. */
void view_free(struct view *v);

/* --- stable group keys --- */

/* What a group key identifies. */
enum key_kind {
	KEY_PROCESS,   /* id: pid; start: its start time */
	KEY_NO_HOLDER, /* the row of sockets with an inode no descriptor the walk read holds */
	KEY_TIME_WAIT, /* the rows of sockets no process can hold, one per sock_category() */
	KEY_REQUEST,
	KEY_ORPHAN,
	KEY_UNACCEPTED,
	KEY_NOT_SCANNED, /* the row of sockets with an inode when owners were not walked */
	KEY_CGROUP,	 /* id: cgroup id, AGG_NO_KEY: sockets without one */
	KEY_USER,	 /* id: uid, AGG_NO_KEY: sockets without one */
	KEY_PORT,	 /* id: local port */
	KEY_STATE,	 /* id: TCP state (NEW_SYN_RECV counted as SYN-RECV) */
	KEY_NETNS,	 /* id: network namespace inode */
	KEY_SOCKET,	 /* id: socket cookie */
};

/*
 * A key that means the same thing in two snapshots: a process is its pid and
 * start time (field 22 of /proc/PID/stat, clock ticks after boot: a reused
 * pid has another), a cgroup its id, a socket its cookie, the others their
 * value. Valid across snapshots of one boot.
 */
struct group_key {
	enum key_kind kind;
	uint64_t id;
	struct maybe start; /* KEY_PROCESS: start time in clock ticks after boot, if read */
};

/* The stable key of group g of view v. */
struct group_key view_group_key(const struct view *v, const struct group *g);

/* The stable key of a socket. */
struct group_key view_sock_key(const struct sock_rec *s);

/* Orders keys (kind, id, then start time, absent first); 0 when they name
 * the same thing. */
int group_key_cmp(const struct group_key *a, const struct group_key *b);

/* Whether -t/-u select s (neither given: TCP only). */
bool view_protocol_wanted(const struct opts *o, const struct sock_rec *s);

#endif
