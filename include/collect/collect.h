/* SPDX-License-Identifier: GPL-2.0-or-later */
/* collect.h - one live run of every collector a command needs. */
#ifndef SOCKMEM_COLLECT_H
#define SOCKMEM_COLLECT_H

#include "model/query.h"
#include "model/report.h"
#include "model/snapshot.h"

/* What a command needs collected besides sysinfo and the socket dumps. */
enum collect_need {
	COLLECT_OWNERS = 1u << 0,  /* the /proc/[pid]/fd walk: who holds each socket */
	COLLECT_CGROUPS = 1u << 1, /* cgroup ids resolved to paths, ancestry and memcg values */
	COLLECT_USERS = 1u << 2,   /* user names of the sockets' uids */
};

/*
 * Runs the collectors in the scope o gives (-N, --all-netns, -4/-6, the
 * kernel-side part of the filter, --proc-root) plus those need asks for,
 * into r; r->cov and r->dump_filtered record what the dump was limited to.
 * No userspace filtering and no derivation (model/view.h, view_build).
 * Returns 0, or -1 with *e filled. The snapshot owns all memory; free with
 * snapshot_free.
 */
int collect_live(const struct opts *o, unsigned need, struct snapshot *r, struct report_err *e);

/*
 * A consumer of the dumped sockets batch by batch, so that they are never
 * all in memory: fold is called with the owners final and t->v[t->kept..
 * t->n) joined to them (own_first/own_n over owners links that keep the
 * inode in .sock), and must keep with sock_table_retain what it still
 * needs. Returns 0, or -1 with *e filled (the run then fails with it).
 */
struct sock_sink {
	int (*fold)(void *ctx, struct snapshot *r, struct sock_table *t, struct report_err *e);
	void *ctx;
};

/* Sockets per batch of a streaming collection: small enough that a
 * batch's records stay in the CPU cache while they are folded or written
 * (1024 records are about 300 KiB), and that a receiving lane's buffers
 * (nl_pipe) cover the pause, so the kernel's dump does not wait; at 1M
 * sockets `sockets -o tsv` took 2.3 s with 1024 against 2.8 s with 16384. */
#define COLLECT_BATCH 1024
/* A streaming collection drops a socket seen again within the last 16384
 * to 32768 records: a dump repeats one only across two consecutive
 * replies, and the replies of other dumps received at once come between
 * (a lane holds at most 32 replies of about 230 records). */
#define COLLECT_DEDUP_WINDOW 16384

/*
 * collect_live handing the sockets to sink in batches instead of keeping
 * them in r->socks (which ends holding what the sink retained). The
 * owner walk is waited for at the first batch. need must not ask for
 * cgroups or users (they are resolved over every socket).
 */
int collect_stream(const struct opts *o, unsigned need, const struct sock_sink *sink,
		   struct snapshot *r, struct report_err *e);

#endif
