/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * snapshot.h - everything one collection gathered, raw: filled by the live
 * collectors (collect/collect.c) or read back from a snapshot document
 * (collect/snapfile.c), const from then on. Views (model/view.h) filter
 * and derive over it without changing it. By convention a snapshot is `r`
 * (the records) in the code that reads it.
 */
#ifndef SOCKMEM_MODEL_SNAPSHOT_H
#define SOCKMEM_MODEL_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "model/cgroup.h"
#include "model/filter.h"
#include "model/netns.h"
#include "model/owners.h"
#include "model/sock.h"
#include "model/sysinfo.h"

struct ifname {
	uint32_t index;
	char name[16]; /* only [A-Za-z0-9._@-]: printed as it is */
};

/* A uid's name from the user database, looked up at collection time. */
struct user_ent {
	uint32_t uid;
	char name[33]; /* "" when the database has none */
};

/* What the netlink dumps were limited to (a snapshot records it). */
struct coverage {
	bool v4, v6;	    /* families dumped */
	bool udp;	    /* UDP dumped too */
	bool no_tcp;	    /* TCP not dumped (-u alone); zero: TCP, as before UDP */
	struct filter dump; /* the kernel-side conditions only: states, ports,
			       * addresses (no pid, comm, uid or cgroup) */
	/* the namespace scope: */
	struct maybe initial_netns;   /* 1/0: sockmem ran in the host's initial network
				       * namespace; absent: it could not tell */
	struct maybe other_netns;     /* namespaces found that the dump does not cover
				       * (skipped ones, or all but the dumped one);
				       * absent: they could not be listed */
	struct maybe unreadable_pids; /* processes whose namespace could not be read
				       * (other_netns is then a lower bound) */
};

struct snapshot {
	time_t when;
	struct maybe collect_usec; /* how long the live collection took; absent --from a snapshot */
	uint64_t page_size;
	uint64_t ncpu;	    /* configured CPUs (per-CPU reserves) */
	uint64_t netns_ino; /* namespace sockmem ran in, 0 if unknown */
	struct sysinfo sys;
	struct sock_table socks;
	bool owners_scanned;
	struct owners owners;
	struct ifname *ifnames;
	size_t nifnames;
	struct diag_stats dstats;
	struct netns_ent *netns; /* namespaces dumped (one unless --all-netns) */
	size_t nnetns;
	bool all_netns;
	struct cgroups cg; /* resolved when --by cgroup, --cgroup or a snapshot */
	bool cg_resolved;
	struct user_ent *users; /* sorted by uid; NULL when not looked up */
	size_t nusers;
	struct coverage cov;
	bool dump_filtered; /* -4/-6 or a kernel-side filter limited the dump (cov says how) */
};

/* Frees everything r holds and empties it. */
void snapshot_free(struct snapshot *r);

/* The per-namespace sysctls (tcp_rmem, tcp_wmem...) that apply to sockets
 * of network namespace netns_ino. */
const struct sysctls *snapshot_sysctls(const struct snapshot *r, uint64_t netns_ino);

/* Whether sockstat memory the dump does not hold can belong to network
 * namespaces the dump did not cover: only this namespace (or -N's) was
 * dumped and others were found, or could exist unseen (a process whose
 * namespace was unreadable, a count that failed, not known to be the
 * initial namespace). */
bool snapshot_other_netns_possible(const struct snapshot *r);

/* The user name of uid the collection found, or NULL. */
const char *snapshot_username(const struct snapshot *r, uint32_t uid);

/* Interface name of a socket's bound ifindex, or NULL. Names come from the namespace
 * sockmem runs in; sockets from other namespaces get none. */
const char *snapshot_ifname(const struct snapshot *r, const struct sock_rec *s);

#endif
