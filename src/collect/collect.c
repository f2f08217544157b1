// SPDX-License-Identifier: GPL-2.0-or-later
/* collect.c - runs every collector the query needs (sysinfo, netlink dumps,
 * fd walk, namespaces, cgroups) into one struct snapshot. */
#include "collect/collect.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/inet_diag.h>
#include <net/if.h>
#include <pthread.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "collect/cgroup.h"
#include "collect/diag.h"
#include "collect/netns.h"
#include "collect/owners.h"
#include "collect/owners_bpf.h"
#include "collect/procfs.h"
#include "util/sig.h"

/* Every state, including TIME-WAIT, SYN-RECV and (6.8+) bound-inactive. */
#define ALL_STATES 0xffffffffu
#define RUN_NETNS  "/run/netns"

static int collect_ifnames(struct snapshot *r)
{
	struct if_nameindex *ni = if_nameindex(), *p;
	size_t n = 0;

	if (!ni)
		return 0; /* names are a nicety; addresses print without them */
	for (p = ni; p->if_index; p++)
		n++;
	r->ifnames = calloc(n ? n : 1, sizeof(*r->ifnames));
	if (!r->ifnames) {
		if_freenameindex(ni);
		return -ENOMEM;
	}
	for (p = ni; p->if_index; p++) {
		/* Names are untrusted text: keep only ones safe to print anywhere. */
		if (strspn(p->if_name,
			   "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-@") !=
		    strlen(p->if_name))
			continue;
		r->ifnames[r->nifnames].index = p->if_index;
		snprintf(r->ifnames[r->nifnames].name, sizeof(r->ifnames[0].name), "%s",
			 p->if_name);
		r->nifnames++;
	}
	if_freenameindex(ni);
	return 0;
}

/* Fills e from a failed dump: its step, errno and the kernel's message. */
static int fail_dump(struct report_err *e, const struct diag_err *de, int err)
{
	report_fail(e, de->where, err);
	snprintf(e->ext_ack, sizeof(e->ext_ack), "%s", de->ext_ack);
	return -1;
}

/* The dumps of the requested protocols and families into set (at most
 * SOCK_PROTO_N * 2); both: TCP's two families as one dump. Returns how many. */
static size_t dump_set(const struct opts *o, const struct diag_req *req, uint64_t ino, bool both,
		       struct diag_job *set)
{
	size_t n = 0;

	for (int p = 0; p < SOCK_PROTO_N; p++) {
		if (!(p == SOCK_PROTO_UDP ? o->want_udp : o->want_tcp || !o->want_udp))
			continue;
		if (p == SOCK_PROTO_TCP && o->want_v4 && o->want_v6 && both) {
			set[n] = (struct diag_job){ AF_UNSPEC, *req, ino };
			set[n++].req.protocol = (uint8_t)p;
			continue;
		}
		for (int f = 0; f < 2; f++) {
			if (!(f ? o->want_v6 : o->want_v4))
				continue;
			set[n] = (struct diag_job){ f ? AF_INET6 : AF_INET, *req, ino };
			set[n++].req.protocol = (uint8_t)p;
		}
	}
	return n;
}

/* Dumps the requested protocols and families in the current namespace,
 * all at once. TCP's IPv4 and IPv6 sockets come in one dump (the legacy
 * TCPDIAG_GETSOCK request, one walk of the hash tables, where two dumps walk
 * them twice); a kernel that refuses it gets the two dumps instead. */
static int dump_here(const struct opts *o, const struct diag_req *req, uint64_t ino,
		     struct snapshot *r, struct diag_err *de)
{
	struct diag_job set[SOCK_PROTO_N * 2];
	size_t n = dump_set(o, req, ino, true, set);
	uint64_t flushed = r->socks.flushed;
	int err = diag_dump_set(set, n, &r->socks, &r->dstats, de);

	/* Again, one dump per family: what the first set added stays and is
	 * deduplicated by cookie, unless a streaming table handed it on. */
	if ((err == -EINVAL || err == -EOPNOTSUPP || err == -ENOENT) && de->both_families &&
	    r->socks.flushed == flushed) {
		r->dstats.both_refused++;
		n = dump_set(o, req, ino, false, set);
		err = diag_dump_set(set, n, &r->socks, &r->dstats, de);
	}
	return err;
}

/* Reads the per-namespace values of the namespace we are in now. */
/* Takes a namespace's own values from a sysinfo read inside it. */
static void ns_values_from(struct netns_ent *e, const struct sysinfo *si)
{
	e->sysctl = si->sysctl;
	e->inuse = si->sockstat.inuse;
	e->tw = si->sockstat.tw;
	e->udp_inuse = si->sockstat.udp_inuse;
	e->udp_inuse6 = si->sockstat.udp_inuse6;
}

static void read_ns_values(const struct procfs *p, struct netns_ent *e)
{
	struct sysinfo si;
	const char *where;

	if (procfs_read_sysinfo(p, &si, &where) == 0)
		ns_values_from(e, &si);
}

/* Opens a listed namespace. When its name or process went since the
 * listing, another process in it is looked for; none: it is gone (ENOENT),
 * with its sockets, and no part of the dump is missing. */
static int open_listed(const struct procfs *p, struct netns_ent *ns)
{
	int fd = netns_open(p, RUN_NETNS, ns);

	if (fd == -ENOENT || fd == -ESRCH) {
		struct netns_ent again = *ns;

		again.name[0] = '\0';
		again.pid = netns_find_pid(p, ns->ino);
		fd = again.pid ? netns_open(p, RUN_NETNS, &again) : -ENOENT;
		if (fd == -ESRCH)
			fd = -ENOENT;
	}
	return fd;
}

/* --all-netns: enter each namespace, dump it, come back. */
static int dump_all_netns(const struct procfs *p, const struct opts *o, const struct diag_req *req,
			  struct snapshot *r, struct report_err *e)
{
	struct diag_err de;
	int home = openat(p->dirfd, "self/ns/net", O_RDONLY | O_CLOEXEC);
	int home_err = home < 0 ? errno : 0; /* netns_list sets errno */
	size_t denied = 0;
	int err = netns_list(p, RUN_NETNS, &r->netns, &r->nnetns, &denied);

	if (err || home < 0) {
		if (home >= 0)
			close(home);
		return report_fail(e, "network namespace list", err ? err : home_err);
	}
	for (size_t i = 0; i < r->nnetns; i++) {
		struct netns_ent *ns = &r->netns[i];

		if (ns->ino == r->netns_ino) {
			/* our own: no setns (an ordinary user could not), and
			 * its values were read at the start already */
			ns_values_from(ns, &r->sys);
			err = dump_here(o, req, ns->ino, r, &de);
			if (err) {
				close(home);
				return fail_dump(e, &de, err);
			}
			continue;
		}
		int fd = open_listed(p, ns);

		if (fd < 0) {
			ns->skipped = -fd;
			continue;
		}
		err = netns_enter(fd);
		close(fd);
		if (err) {
			ns->skipped = -err;
			continue;
		}
		read_ns_values(p, ns);
		err = dump_here(o, req, ns->ino, r, &de);
		if (netns_enter(home) != 0) {
			close(home);
			return report_fail(e, "returning to the original network namespace", errno);
		}
		if (err) {
			close(home);
			return fail_dump(e, &de, err);
		}
	}
	close(home);
	r->cov.unreadable_pids = maybe_of((int64_t)denied);
	r->cov.other_netns = maybe_of(0);
	for (size_t i = 0; i < r->nnetns; i++)
		r->cov.other_netns.v += r->netns[i].skipped && r->netns[i].skipped != EINVAL &&
					r->netns[i].skipped != ENOENT;
	return 0;
}

/* One namespace dumped: how many others exist (listed, not entered). A
 * listing that fails leaves the count absent; the run goes on. */
static void count_other_netns(const struct procfs *p, struct snapshot *r)
{
	struct netns_ent *v = NULL;
	size_t n = 0, denied = 0;

	if (netns_list(p, RUN_NETNS, &v, &n, &denied) != 0)
		return;
	r->cov.unreadable_pids = maybe_of((int64_t)denied);
	r->cov.other_netns = maybe_of(0);
	for (size_t i = 0; i < n; i++)
		/* EINVAL: a file in /run/netns that is no namespace */
		r->cov.other_netns.v += v[i].ino != r->netns_ino && v[i].skipped != EINVAL;
	free(v);
}

/* Whether the default scope is every namespace: the caller may enter them
 * (CAP_SYS_ADMIN) and runs in the initial one, so it sees them all. */
static bool whole_host(const struct procfs *p, const struct opts *o, struct snapshot *r)
{
	int init = netns_initial(p, procfs_netns_ino(p, 0));

	if (init >= 0)
		r->cov.initial_netns = maybe_of(init);
	if (o->all_netns)
		return true;
	return !o->this_netns && !o->netns && init == 1 && netns_may_enter();
}

/* The fd walk runs on its own thread while the netlink dump runs: the two
 * are independent kernel work (sock_diag vs procfs), and the 2-core floor
 * is the longer of them instead of their sum. */
struct walker {
	pthread_t tid;
	const struct procfs *p;
	struct owners *o;
	enum owner_walk mode;
	unsigned threads; /* --walk-threads (0: the default) */
	int err;
	bool started;
};

static void *walk_thread(void *arg)
{
	struct walker *w = arg;
	struct timespec t0, t1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	w->err = owners_walk_as(w->p, w->mode, w->threads, w->o);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	w->o->walk_usec = (uint64_t)((t1.tv_sec - t0.tv_sec) * 1000000 +
				     (t1.tv_nsec - t0.tv_nsec) / 1000);
	return NULL;
}

/* stream: the dump waits for the walk (then it may use every CPU). */
static void walker_start(struct walker *w, const struct procfs *p, const struct opts *opt,
			 bool stream, struct owners *o)
{
	w->p = p;
	w->o = o;
	w->mode = opt->owner_walk;
	w->threads = opt->walk_threads ? opt->walk_threads : owners_walk_threads_default(!stream);
	w->err = 0;
	w->started = pthread_create(&w->tid, NULL, walk_thread, w) == 0;
}

/* Waits for the walk (or runs it here if no thread could start).
 * Only for a walker that walker_start set up. */
static int walker_finish(struct walker *w)
{
	if (!w->started)
		return owners_walk_as(w->p, w->mode, w->threads, w->o);
	pthread_join(w->tid, NULL);
	w->started = false;
	return w->err;
}

/* Ends the walk: the owners final, joined to the whole table or (stream)
 * prepared for joining batch by batch. Returns 0, or -1 with *e filled. */
static int finish_owners(struct walker *walker, struct snapshot *r, bool stream,
			 struct report_err *e)
{
	int err = walker_finish(walker);

	walker->p = NULL;
	if (!err)
		err = stream ? owners_stream_prepare(&r->owners) : owners_join(&r->owners, &r->socks);
	if (err && r->owners.by == OWNER_WALK_BPF && (err == -EOPNOTSUPP || err == -EXDEV)) {
		/* the reasons --stats gives, not errno texts that say nothing here */
		snprintf(e->what, sizeof(e->what), "in-kernel owner walk (bpf): %s",
			 owners_bpf_why(-err));
		return report_fail(e, e->what, 0);
	}
	if (err)
		return report_fail(e,
				   r->owners.by == OWNER_WALK_BPF ? "in-kernel owner walk (bpf)"
								  : "/proc/[pid]/fd walk",
				   err);
	r->owners_scanned = true;
	return 0;
}

/* A streaming collection's state: the sink, and the walk it waits for. */
struct stream {
	const struct sock_sink *sink;
	struct walker *walker;
	struct snapshot *r;
	bool failed; /* e holds why */
	struct report_err e;
};

/* The table's flush: owners final (the first batch waits for the walk),
 * the batch joined to them, handed to the sink. */
static int stream_flush(void *ctx, struct sock_table *t)
{
	struct stream *s = ctx;

	if (s->walker->p && finish_owners(s->walker, s->r, true, &s->e))
		goto fail;
	if (s->r->owners_scanned)
		owners_join_range(&s->r->owners, t, t->kept, t->n);
	if (s->sink->fold(s->sink->ctx, s->r, t, &s->e))
		goto fail;
	return 0;
fail:
	s->failed = true;
	return -ECANCELED; /* the dump stops; the run reports s->e */
}

/* The ids of the --cgroup paths on this host's cgroup2 tree (cg's mounts
 * found): a path that is no cgroup2 directory fails here, with the reason. */
static int filter_cgroup_ids(const struct filter *f, const struct cgroups *cg, uint64_t *ids,
			     struct report_err *e)
{
	for (size_t i = 0; i < f->ncgroup; i++) {
		int err = cgroup_path_id(cg, f->cgroup[i], &ids[i]);

		if (err) {
			snprintf(e->what, sizeof(e->what), "--cgroup %.200s%s", f->cgroup[i],
				 err == -EXDEV	  ? ": not a cgroup2 directory"
				 : err == -EINVAL ? ": outside the cgroup2 hierarchy"
						  : "");
			return report_fail(e, e->what, err);
		}
	}
	return 0;
}

/* Resolves the sockets' cgroup ids, and those of the --cgroup paths (so that
 * the filter finds them by path, live or in a snapshot). */
static int resolve_cgroups(const struct procfs *p, const struct filter *f, struct snapshot *r,
			   struct report_err *e)
{
	uint64_t *ids = malloc((r->socks.n + FILTER_MAX_VALUES) * sizeof(*ids));
	size_t n = 0;
	int err;

	if (!ids)
		return report_fail(e, "memory", ENOMEM);
	err = cgroup_find_mounts(p, &r->cg);
	if (err) {
		free(ids);
		return report_fail(e, "cgroup2 hierarchy", err);
	}
	if (filter_cgroup_ids(f, &r->cg, ids, e)) {
		free(ids);
		return -1;
	}
	n = f->ncgroup;
	for (size_t i = 0; i < r->socks.n; i++)
		if (r->socks.v[i].flags & SOCK_HAS_CGROUP)
			ids[n++] = r->socks.v[i].cgroup_id;
	err = cgroup_resolve(&r->cg, ids, n);
	free(ids);
	r->cg_resolved = err == 0;
	return err ? report_fail(e, "cgroup2 hierarchy", err) : 0;
}

static int uid_cmp(const void *a, const void *b)
{
	const struct user_ent *x = a, *y = b;

	return (x->uid > y->uid) - (x->uid < y->uid);
}

/* Names of the uids the sockets carry, from the user database (NSS). */
static int lookup_users(struct snapshot *r)
{
	size_t n = 0;

	r->users = calloc(r->socks.n + 1, sizeof(*r->users));
	if (!r->users)
		return -ENOMEM;
	for (size_t i = 0; i < r->socks.n; i++)
		if (sock_has_uid(&r->socks.v[i]))
			r->users[n++].uid = r->socks.v[i].uid;
	qsort(r->users, n, sizeof(*r->users), uid_cmp);
	r->nusers = 0;
	for (size_t i = 0; i < n; i++) {
		struct user_ent *u = &r->users[r->nusers];
		struct passwd pw, *res = NULL;
		char buf[1024];

		if (r->nusers && r->users[r->nusers - 1].uid == r->users[i].uid)
			continue;
		u->uid = r->users[i].uid;
		u->name[0] = '\0';
		if (getpwuid_r((uid_t)u->uid, &pw, buf, sizeof(buf), &res) == 0 && res)
			snprintf(u->name, sizeof(u->name), "%s", pw.pw_name);
		r->nusers++;
	}
	return 0;
}

/* The limits the dump itself applies: families, and the kernel-side part of
 * the filter (states, ports, addresses). */
static void set_coverage(const struct opts *o, struct snapshot *r)
{
	struct filter *d = &r->cov.dump;

	r->cov.v4 = o->want_v4;
	r->cov.v6 = o->want_v6;
	r->cov.no_tcp = o->want_udp && !o->want_tcp;
	r->cov.udp = o->want_udp;
	memset(d, 0, sizeof(*d));
	d->states = o->filt.states;
	memcpy(d->sport, o->filt.sport, sizeof(d->sport));
	memcpy(d->dport, o->filt.dport, sizeof(d->dport));
	memcpy(d->src, o->filt.src, sizeof(d->src));
	memcpy(d->dst, o->filt.dst, sizeof(d->dst));
	d->nsport = o->filt.nsport;
	d->ndport = o->filt.ndport;
	d->nsrc = o->filt.nsrc;
	d->ndst = o->filt.ndst;
	r->dump_filtered = !o->want_v4 || !o->want_v6 || d->states || filter_has_kernel_part(d);
}

/* Enters the -N namespace (home: an fd of ours to come back to). */
static int enter_named(const struct procfs *p, const char *name, int *home, struct report_err *e)
{
	int fd = netns_open_name(RUN_NETNS, name), err;

	*home = openat(p->dirfd, "self/ns/net", O_RDONLY | O_CLOEXEC);
	err = fd < 0 ? fd : *home < 0 ? -errno : netns_enter(fd);
	if (fd >= 0)
		close(fd);
	if (!err)
		return 0;
	if (fd == -EINVAL) {
		snprintf(e->what, sizeof(e->what),
			 "network namespace (-N): %.200s is not a network namespace", name);
		return report_fail(e, e->what, err);
	}
	return report_fail(e, "network namespace (-N)", err);
}

/* Dumps the one namespace we are in (-N's or our own). */
static int dump_one(const struct opts *o, const struct diag_req *req, struct snapshot *r,
		    struct report_err *e)
{
	struct diag_err de;
	int err;

	r->netns = calloc(1, sizeof(*r->netns));
	if (!r->netns)
		return report_fail(e, "memory", ENOMEM);
	r->nnetns = 1;
	r->netns[0].ino = r->netns_ino;
	if (o->netns)
		snprintf(r->netns[0].name, sizeof(r->netns[0].name), "%s", o->netns);
	ns_values_from(&r->netns[0], &r->sys);
	err = dump_here(o, req, r->netns_ino, r, &de);
	return err ? fail_dump(e, &de, err) : 0;
}

/* The collection in the namespace the sockets live in: sysinfo overlay for
 * -N, the dumps, cgroups, the walk's end, interface names. */
static int collect_inside(const struct procfs *p, const struct opts *o, unsigned need,
			  const struct diag_req *req, struct walker *walker, struct stream *st,
			  struct snapshot *r, struct report_err *e)
{
	const char *where = NULL;
	int err;

	r->netns_ino = procfs_netns_ino(p, 0);
	if (o->netns) {
		struct sysinfo ns;

		err = procfs_read_sysinfo(p, &ns, &where);
		if (err)
			return report_fail(e, where, err);
		procfs_overlay_netns(&r->sys, &ns);
	}
	if (r->all_netns ? dump_all_netns(p, o, req, r, e) : dump_one(o, req, r, e))
		return -1;
	if (!r->all_netns)
		count_other_netns(p, r);
	if ((need & COLLECT_CGROUPS) && resolve_cgroups(p, &o->filt, r, e))
		return -1;
	if (st) { /* the rest of the last batch; a walk no batch waited for */
		if (sock_table_flush(&r->socks) && !st->failed)
			return report_fail(e, "socket table", ENOMEM);
		if (st->failed || (walker->p && finish_owners(walker, r, true, e)))
			return -1;
	} else if (walker->p && finish_owners(walker, r, false, e)) {
		return -1;
	}
	if ((need & COLLECT_USERS) && lookup_users(r))
		return report_fail(e, "user names", ENOMEM);
	/* names from the namespace the sockets were dumped in (-N: that one) */
	if (collect_ifnames(r))
		return report_fail(e, "interface names", ENOMEM);
	return 0;
}

/* collect_live, or collect_stream when sink is set. */
static int collect(const struct opts *o, unsigned need, const struct sock_sink *sink,
		   struct snapshot *r, struct report_err *e)
{
	struct procfs p;
	uint8_t bc[4096];
	struct diag_req req = { SOCK_PROTO_TCP, o->filt.states ? o->filt.states : ALL_STATES,
				NULL, 0 };
	const char *where = NULL;
	int err, home = -1, rc = -1;
	long ps = sysconf(_SC_PAGESIZE), nc = sysconf(_SC_NPROCESSORS_CONF);
	struct walker walker = { 0 };
	struct stream st = { sink, &walker, r, false, { 0 } };

	struct timespec t0, t1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	memset(r, 0, sizeof(*r));
	r->when = time(NULL);
	r->page_size = ps > 0 ? (uint64_t)ps : 4096;
	r->ncpu = nc > 0 ? (uint64_t)nc : 0;
	set_coverage(o, r);
	if (filter_has_kernel_part(&o->filt)) {
		err = filter_bytecode(&o->filt, bc, sizeof(bc));
		if (err < 0)
			return report_fail(e, "filter bytecode", err);
		req.bytecode = bc;
		req.bytecode_len = (size_t)err;
	}
	err = procfs_open(&p, o->proc_root);
	if (err)
		return report_fail(e, o->proc_root, err);
	r->all_netns = whole_host(&p, o, r);
	/* Host-global values (tcp_mem, orphans, mem_pcpu_rsv) are read at home:
	 * a child namespace does not show them. */
	err = procfs_read_sysinfo(&p, &r->sys, &where);
	if (err) {
		report_fail(e, where, err);
		goto out;
	}
	if (need & COLLECT_OWNERS)
		walker_start(&walker, &p, o, sink != NULL, &r->owners);
	if (o->netns && enter_named(&p, o->netns, &home, e))
		goto out;
	if (sink) {
		sock_table_stream(&r->socks, stream_flush, &st, COLLECT_BATCH);
		sock_table_dedup_window(&r->socks, COLLECT_DEDUP_WINDOW);
	}
	rc = collect_inside(&p, o, need, &req, &walker, sink ? &st : NULL, r, e);
	if (rc && st.failed)
		*e = st.e; /* the sink's or the walk's failure, not the dump's "cancelled" */
	r->socks.flush = NULL; /* st ends here */
out:
	/* a thread that was started must be joined before p closes; a walk
	 * that never started (failure before walker_start) must not run */
	if (walker.started)
		pthread_join(walker.tid, NULL);
	if (home >= 0) {
		err = netns_enter(home);
		close(home);
		if (err && rc == 0)
			rc = report_fail(e, "returning to the original network namespace", err);
	}
	procfs_close(&p);
	if (!r->cov.udp) { /* read with the rest; a TCP-only collection keeps none */
		sysinfo_drop_udp(&r->sys);
		for (size_t i = 0; i < r->nnetns; i++) {
			sysctls_drop_udp(&r->netns[i].sysctl);
			r->netns[i].udp_inuse = r->netns[i].udp_inuse6 = maybe_none();
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	r->collect_usec =
	    maybe_of((int64_t)(t1.tv_sec - t0.tv_sec) * 1000000 + (t1.tv_nsec - t0.tv_nsec) / 1000);
	return rc;
}

int collect_live(const struct opts *o, unsigned need, struct snapshot *r, struct report_err *e)
{
	return collect(o, need, NULL, r, e);
}

int collect_stream(const struct opts *o, unsigned need, const struct sock_sink *sink,
		   struct snapshot *r, struct report_err *e)
{
	if (need & (COLLECT_CGROUPS | COLLECT_USERS))
		return report_fail(e, "internal error: a streaming collection cannot resolve "
				      "cgroups or users (a bug)", 0);
	return collect(o, need, sink, r, e);
}
