/* SPDX-License-Identifier: GPL-2.0-or-later */
/* report.h - the one snapshot every view and format renders. */
#ifndef SOCKMEM_REPORT_H
#define SOCKMEM_REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "model/agg.h"
#include "model/cgroup.h"
#include "model/filter.h"
#include "model/findings.h"
#include "model/netns.h"
#include "model/owners.h"
#include "model/query.h"
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

struct report {
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
	/* aggregation */
	struct sums totals;
	struct group *groups;
	size_t ngroups;
	struct reconcile rec;	 /* TCP sockets against sockstat TCP mem */
	struct sums proto_totals[SOCK_PROTO_N]; /* totals of each protocol */
	struct reconcile udp_rec; /* UDP sockets against sockstat UDP mem (cov.udp) */
	bool partial;	      /* the dump does not hold every socket (any reason below) */
	bool filtered;	      /* a filter or -4/-6 left sockets out (at collection or after) */
	size_t netns_skipped; /* --all-netns: namespaces that could not be entered */
	enum group_by by;
	struct netns_ent *netns; /* namespaces dumped (one unless --all-netns) */
	size_t nnetns;
	bool all_netns;
	struct cgroups cg; /* resolved when --by cgroup, --cgroup or a snapshot */
	bool cg_resolved;
	struct user_ent *users; /* sorted by uid; NULL when not looked up */
	size_t nusers;
	struct coverage cov;
	struct finding *findings;
	size_t nfindings;
};

/* What failed during collection, for main's one-line message. */
struct report_err {
	const char *where; /* e.g. "netlink dump (AF_INET6)", "/proc/net/sockstat" */
	int err;	   /* positive errno; 0: where is the whole message */
	char what[320];	   /* a formatted where (report_build may point where at it) */
	char ext_ack[128]; /* the kernel's extended-ACK message: raw, untrusted; "" if none */
};

/*
 * Formats e as the one line main prints after "sockmem: ": "WHERE: strerror",
 * then " (kernel: MESSAGE)" when the kernel sent one, its bytes outside
 * printable ASCII (and backslash) escaped as \xNN. Writes at most len bytes
 * including the NUL, as snprintf does (a shorter buffer holds a prefix).
 */
void report_err_message(const struct report_err *e, char *buf, size_t len);

/*
 * The aggregation pass over collected (and filtered) records (sockets,
 * owners, sysinfo, namespaces, cgroups), live or loaded from a snapshot:
 * partial, totals, reconciliation, groups for o->by sorted by o->sort,
 * findings. Pure. Returns 0, or -1 with *e filled.
 */
int report_derive(const struct opts *o, struct report *r, struct report_err *e);

/* Fills e (where, positive errno err or -err, 0 when where says it all;
 * no kernel message) and returns -1. */
int report_fail(struct report_err *e, const char *where, int err);

void report_free(struct report *r);

/* The per-namespace sysctls (tcp_rmem, tcp_wmem...) that apply to sockets
 * of network namespace netns_ino. */
const struct sysctls *report_sysctls(const struct report *r, uint64_t netns_ino);

/* Whether sockstat memory the dump does not hold can belong to network
 * namespaces the dump did not cover: only this namespace (or -N's) was
 * dumped and others were found, or could exist unseen (a process whose
 * namespace was unreadable, a count that failed, not known to be the
 * initial namespace). */
bool report_other_netns_possible(const struct report *r);

/* The user name of uid the collection found, or NULL. */
const char *report_username(const struct report *r, uint32_t uid);

/* Interface name of a socket's bound ifindex, or NULL. Names come from the namespace
 * sockmem runs in; sockets from other namespaces get none. */
const char *report_ifname(const struct report *r, const struct sock_rec *s);

#endif
