// SPDX-License-Identifier: GPL-2.0-or-later
/* collect.c - runs every collector the query needs (sysinfo, netlink dumps,
 * fd walk, namespaces, cgroups) into one struct report, then derives it. */
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
#include <unistd.h>

#include "collect/cgroup.h"
#include "collect/diag.h"
#include "collect/netns.h"
#include "collect/owners.h"
#include "collect/procfs.h"
#include "util/sig.h"

/* Every state, including TIME-WAIT, SYN-RECV and (6.8+) bound-inactive. */
#define ALL_STATES 0xffffffffu
#define RUN_NETNS  "/run/netns"

static int collect_ifnames(struct report *r)
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

/* report_fail() for a dump, keeping what the kernel said about it. */
static int fail_dump(struct report_err *e, const struct diag_err *de, int err)
{
	report_fail(e, de->where, err);
	snprintf(e->ext_ack, sizeof(e->ext_ack), "%s", de->ext_ack);
	return -1;
}

/* Dumps the requested families in the current namespace. */
static int dump_here(const struct opts *o, const struct diag_req *req, uint64_t ino,
		     struct report *r, struct diag_err *de)
{
	int err = 0;

	if (o->want_v4)
		err = diag_dump(AF_INET, req, ino, &r->socks, &r->dstats, de);
	if (!err && o->want_v6)
		err = diag_dump(AF_INET6, req, ino, &r->socks, &r->dstats, de);
	return err;
}

/* Reads the per-namespace values of the namespace we are in now. */
/* Takes a namespace's own values from a sysinfo read inside it. */
static void ns_values_from(struct netns_ent *e, const struct sysinfo *si)
{
	e->sysctl = si->sysctl;
	e->inuse = si->sockstat.inuse;
	e->tw = si->sockstat.tw;
}

static void read_ns_values(const struct procfs *p, struct netns_ent *e)
{
	struct sysinfo si;
	const char *where;

	if (procfs_read_sysinfo(p, &si, &where) == 0)
		ns_values_from(e, &si);
}

/* --all-netns: enter each namespace, dump it, come back. */
static int dump_all_netns(const struct procfs *p, const struct opts *o, const struct diag_req *req,
			  struct report *r, struct report_err *e)
{
	struct diag_err de;
	int home = openat(p->dirfd, "self/ns/net", O_RDONLY | O_CLOEXEC);
	int err = netns_list(p, RUN_NETNS, &r->netns, &r->nnetns);

	if (err || home < 0) {
		if (home >= 0)
			close(home);
		return report_fail(e, "network namespace list", err ? err : errno);
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
		int fd = netns_open(p, RUN_NETNS, ns);

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
	return 0;
}

/* Keeps sockets with keep[i] set; remaps owner links. keep is freed.
 * Returns 0 or -ENOMEM (then nothing changed). */
static int retain(struct report *r, unsigned char *keep)
{
	uint32_t *map = malloc((r->socks.n + 1) * sizeof(*map));
	size_t n = 0, nl = 0;

	if (!map) {
		free(keep);
		return -ENOMEM;
	}
	for (size_t i = 0; i < r->socks.n; i++) {
		map[i] = keep[i] ? (uint32_t)n : UINT32_MAX;
		if (keep[i])
			r->socks.v[n++] = r->socks.v[i];
	}
	r->socks.n = n;
	idmap_free(&r->socks.cookies); /* indexes changed; no more adds after this */
	for (size_t i = 0; i < r->owners.nlinks; i++) {
		struct owner_link l = r->owners.links[i];

		if (map[l.sock] == UINT32_MAX)
			continue;
		l.sock = map[l.sock];
		r->owners.links[nl++] = l;
	}
	r->owners.nlinks = nl;
	for (size_t i = 0; i < n; i++)
		r->socks.v[i].own_n = 0;
	for (size_t i = 0; i < nl; i++) {
		struct sock_rec *s = &r->socks.v[r->owners.links[i].sock];

		if (s->own_n++ == 0)
			s->own_first = (uint32_t)i;
	}
	free(map);
	free(keep);
	return 0;
}

/* The fd walk runs on its own thread while the netlink dump runs: the two
 * are independent kernel work (sock_diag vs procfs), and the 2-core floor
 * is the longer of them instead of their sum. */
struct walker {
	pthread_t tid;
	const struct procfs *p;
	struct owners *o;
	int err;
	bool started;
};

static void *walk_thread(void *arg)
{
	struct walker *w = arg;

	w->err = owners_walk(w->p, w->o);
	return NULL;
}

static void walker_start(struct walker *w, const struct procfs *p, struct owners *o)
{
	w->p = p;
	w->o = o;
	w->err = 0;
	w->started = pthread_create(&w->tid, NULL, walk_thread, w) == 0;
}

/* Waits for the walk (or runs it here if no thread could start).
 * Only for a walker that walker_start set up. */
static int walker_finish(struct walker *w)
{
	if (!w->started)
		return owners_walk(w->p, w->o);
	pthread_join(w->tid, NULL);
	w->started = false;
	return w->err;
}

static int resolve_cgroups(const struct procfs *p, struct report *r)
{
	uint64_t *ids = malloc((r->socks.n + 1) * sizeof(*ids));
	size_t n = 0;
	int err;

	if (!ids)
		return -ENOMEM;
	for (size_t i = 0; i < r->socks.n; i++)
		if (r->socks.v[i].flags & SOCK_HAS_CGROUP)
			ids[n++] = r->socks.v[i].cgroup_id;
	err = cgroup_find_mounts(p, &r->cg);
	if (!err)
		err = cgroup_resolve(&r->cg, ids, n);
	free(ids);
	r->cg_resolved = err == 0;
	return err;
}

/* Socket-level filters the kernel cannot evaluate: uid and cgroup (cgid[i]
 * is the id of f->cgroup[i]; a socket matches in that cgroup or below it). */
static bool match_uid_cgroup(const struct report *r, const struct filter *f, const uint64_t *cgid,
			     const struct sock_rec *s)
{
	bool ok = f->nuid == 0;

	for (size_t i = 0; i < f->nuid && !ok; i++)
		ok = sock_has_uid(s) && s->uid == f->uid[i];
	if (!ok || !f->ncgroup)
		return ok;
	for (size_t i = 0; i < f->ncgroup; i++)
		if ((s->flags & SOCK_HAS_CGROUP) && cgroup_within(&r->cg, s->cgroup_id, cgid[i]))
			return true;
	return false;
}

static bool match_owner(const struct report *r, const struct filter *f, const struct sock_rec *s)
{
	for (uint32_t k = 0; k < s->own_n; k++) {
		const struct proc_ent *p = &r->owners.procs[r->owners.links[s->own_first + k].proc];

		for (size_t i = 0; i < f->npid; i++)
			if (p->pid == f->pid[i])
				goto pid_ok;
		if (f->npid)
			continue;
	pid_ok:
		if (!f->ncomm)
			return true;
		for (size_t i = 0; i < f->ncomm; i++)
			if (strcmp(p->comm, f->comm[i]) == 0)
				return true;
	}
	return false;
}

static int apply_filters(const struct procfs *p, const struct opts *o, struct report *r,
			 bool owners_pass, struct report_err *e)
{
	const struct filter *f = &o->filt;
	unsigned char *keep = malloc(r->socks.n + 1);

	if (!keep)
		return report_fail(e, "filter", ENOMEM);
	if (!owners_pass && f->ncgroup && !r->cg_resolved) {
		int err = resolve_cgroups(p, r);

		if (err) {
			free(keep);
			return report_fail(e, "cgroup2 hierarchy", err);
		}
	}
	/* a --cgroup path that names no cgroup2 directory is an error, not an
	 * empty answer; so is one whose subtree could not all be read */
	uint64_t cgid[FILTER_MAX_VALUES];

	for (size_t i = 0; !owners_pass && i < f->ncgroup; i++) {
		int err = cgroup_path_id(&r->cg, f->cgroup[i], &cgid[i]);
		bool blind = !err && cgroup_blind_within(&r->cg, cgid[i]);

		if (err || blind) {
			free(keep);
			snprintf(e->what, sizeof(e->what), "--cgroup %.200s%s", f->cgroup[i],
				 blind		  ? ": a cgroup below it cannot be read"
				 : err == -EXDEV  ? ": not a cgroup2 directory"
				 : err == -EINVAL ? ": outside the cgroup2 hierarchy"
						  : "");
			return report_fail(e, e->what, blind ? EACCES : err);
		}
	}
	for (size_t i = 0; i < r->socks.n; i++) {
		const struct sock_rec *s = &r->socks.v[i];

		keep[i] = owners_pass ? match_owner(r, f, s)
				      : filter_match_sock(f, s) && match_uid_cgroup(r, f, cgid, s);
	}
	if (retain(r, keep))
		return report_fail(e, "filter", ENOMEM);
	return 0;
}

static void lookup_usernames(struct report *r)
{
	r->usernames = calloc(r->ngroups + 1, sizeof(*r->usernames));
	if (!r->usernames)
		return;
	for (size_t i = 0; i < r->ngroups; i++) {
		struct passwd pw, *res = NULL;
		char buf[1024];

		if (r->groups[i].key != AGG_NO_KEY &&
		    getpwuid_r((uid_t)r->groups[i].key, &pw, buf, sizeof(buf), &res) == 0 && res)
			snprintf(r->usernames[i], sizeof(r->usernames[i]), "%s", pw.pw_name);
	}
}


int report_build(const struct opts *o, struct report *r, struct report_err *e)
{
	struct procfs p;
	uint8_t bc[4096];
	struct diag_req req = { o->filt.states ? o->filt.states : ALL_STATES, NULL, 0 };
	const char *where = NULL;
	int err, home = -1;
	long ps = sysconf(_SC_PAGESIZE), nc = sysconf(_SC_NPROCESSORS_CONF);
	bool want_owners = (!o->no_owners && o->cmd != CMD_SYSTEM) || filter_needs_owners(&o->filt);
	struct walker walker = { 0 };

	memset(r, 0, sizeof(*r));
	r->when = time(NULL);
	r->page_size = ps > 0 ? (uint64_t)ps : 4096;
	r->ncpu = nc > 0 ? (uint64_t)nc : 0;
	r->by = o->by;
	r->all_netns = o->all_netns;
	r->filtered = !o->want_v4 || !o->want_v6 || o->filt.states ||
		      filter_has_kernel_part(&o->filt) || o->filt.npid || o->filt.ncomm ||
		      o->filt.nuid || o->filt.ncgroup;
	r->partial = r->filtered;
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
	/* Host-global values (tcp_mem, orphans, mem_pcpu_rsv) are read at home:
	 * a child namespace does not show them. */
	err = procfs_read_sysinfo(&p, &r->sys, &where);
	if (err)
		goto out_err;
	if (want_owners)
		walker_start(&walker, &p, &r->owners);
	if (o->netns) {
		int fd = netns_open_name(RUN_NETNS, o->netns);

		home = openat(p.dirfd, "self/ns/net", O_RDONLY | O_CLOEXEC);
		err = fd < 0 ? fd : home < 0 ? -errno : netns_enter(fd);
		if (fd >= 0)
			close(fd);
		if (err) {
			where = "network namespace (-N)";
			if (fd == -EINVAL) {
				snprintf(e->what, sizeof(e->what),
					 "network namespace (-N): %.200s is not a network namespace",
					 o->netns);
				where = e->what;
			}
			goto out_err;
		}
	}
	r->netns_ino = procfs_netns_ino(&p, 0);
	if (o->netns) {
		struct sysinfo ns;

		err = procfs_read_sysinfo(&p, &ns, &where);
		if (err)
			goto out_err;
		procfs_overlay_netns(&r->sys, &ns);
	}
	if (o->all_netns) {
		if (dump_all_netns(&p, o, &req, r, e))
			goto out_cleanup; /* e already says what failed */
		for (size_t i = 0; i < r->nnetns; i++)
			r->netns_skipped += r->netns[i].skipped != 0;
		if (r->netns_skipped)
			r->partial = true; /* sockets we could not see */
	} else {
		r->netns = calloc(1, sizeof(*r->netns));
		if (!r->netns) {
			err = -ENOMEM;
			where = "memory";
			goto out_err;
		}
		r->nnetns = 1;
		r->netns[0].ino = r->netns_ino;
		if (o->netns)
			snprintf(r->netns[0].name, sizeof(r->netns[0].name), "%s", o->netns);
		ns_values_from(&r->netns[0], &r->sys);
		struct diag_err de;

		err = dump_here(o, &req, r->netns_ino, r, &de);
		if (err) {
			fail_dump(e, &de, err);
			goto out_cleanup;
		}
	}
	if (o->by == BY_CGROUP) {
		err = resolve_cgroups(&p, r);
		if (err) {
			where = "cgroup2 hierarchy";
			goto out_err;
		}
	}
	if (want_owners) {
		err = walker_finish(&walker);
		want_owners = false;
		if (!err)
			err = owners_join(&r->owners, &r->socks);
		if (err) {
			where = "/proc/[pid]/fd walk";
			goto out_err;
		}
		r->owners_scanned = true;
	}
	if (r->filtered && apply_filters(&p, o, r, false, e))
		goto out_cleanup;
	if (r->owners_scanned && (o->filt.npid || o->filt.ncomm) && apply_filters(&p, o, r, true, e))
		goto out_cleanup;
	/* names from the namespace the sockets were dumped in (-N: that one) */
	if (collect_ifnames(r)) {
		err = -ENOMEM;
		where = "interface names";
		goto out_err;
	}
	if (home >= 0) {
		err = netns_enter(home);
		close(home);
		home = -1;
		if (err) {
			procfs_close(&p);
			return report_fail(e, "returning to the original network namespace", err);
		}
	}
	procfs_close(&p);
	if (report_derive(o, r, e))
		return -1;
	if (o->by == BY_USER && (o->cmd == CMD_TOP || o->cmd == CMD_REPORT || o->cmd == CMD_CHECK))
		lookup_usernames(r); /* names come from the system: collection, not derivation */
	return 0;
out_err:
	report_fail(e, where, err);
out_cleanup:
	/* a thread that was started must be joined before p closes; a walk
	 * that never started (failure before walker_start) must not run */
	if (walker.started)
		pthread_join(walker.tid, NULL);
	if (home >= 0) {
		netns_enter(home); /* best effort: we are failing already */
		close(home);
	}
	procfs_close(&p);
	return -1;
}

