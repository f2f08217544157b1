// SPDX-License-Identifier: GPL-2.0-or-later
/* view.c - a query's view over a const snapshot: the filters as a keep-mask,
 * then totals, groups and findings over the kept sockets; stable group keys.
 * Pure: works on a live collection and on a loaded snapshot alike. */
#include "model/view.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

bool view_protocol_wanted(const struct opts *o, const struct sock_rec *s)
{
	/* neither -t nor -u (a zeroed opts too): TCP only */
	return s->protocol == SOCK_PROTO_UDP ? o->want_udp : o->want_tcp || !o->want_udp;
}

/* Socket-level filters over collected data: family, uid and cgroup (cgid[i]
 * is the id of f->cgroup[i]; a socket matches in that cgroup or below it). */
static bool match_collected(const struct snapshot *r, const struct opts *o, const uint64_t *cgid,
			    const struct sock_rec *s)
{
	const struct filter *f = &o->filt;
	bool ok = f->nuid == 0;

	if (!(s->family == AF_INET6 ? o->want_v6 : o->want_v4))
		return false;
	if (!view_protocol_wanted(o, s))
		return false;
	for (size_t i = 0; i < f->nuid && !ok; i++)
		ok = sock_has_uid(s) && s->uid == f->uid[i];
	if (!ok || !f->ncgroup)
		return ok;
	for (size_t i = 0; i < f->ncgroup; i++)
		if ((s->flags & SOCK_HAS_CGROUP) && cgroup_within(&r->cg, s->cgroup_id, cgid[i]))
			return true;
	return false;
}

static bool match_owner(const struct snapshot *r, const struct filter *f, const struct sock_rec *s)
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

/* The ids of the --cgroup paths, from the paths the collection resolved.
 * A path that names no cgroup, or whose subtree could not all be read, is
 * an error, not an empty answer. */
static int cgroup_ids(const struct snapshot *r, const struct filter *f, uint64_t *cgid,
		      struct report_err *e)
{
	for (size_t i = 0; i < f->ncgroup; i++) {
		int err =
		    r->cg_resolved ? cgroup_path_lookup(&r->cg, f->cgroup[i], &cgid[i]) : -ENOENT;
		bool blind = !err && cgroup_blind_within(&r->cg, cgid[i]);

		if (err || blind) {
			snprintf(e->what, sizeof(e->what), "--cgroup %.200s%s", f->cgroup[i],
				 blind		  ? ": a cgroup below it cannot be read"
				 : err == -EINVAL ? ": outside the cgroup2 hierarchy"
				 : err == -ENOENT ? ": not among the collected cgroup paths"
						  : "");
			return report_fail(e, e->what, blind ? EACCES : err == -ENOENT ? 0 : err);
		}
	}
	return 0;
}

/* Whether o asks for any filter at all (then sums are not host-wide). */
static bool any_filter(const struct opts *o)
{
	const struct filter *f = &o->filt;

	return !o->want_v4 || !o->want_v6 || f->states || filter_has_kernel_part(f) || f->npid ||
	       f->ncomm || f->nuid || f->ncgroup;
}

/* The protocol selection (-t/-u) over a snapshot that may hold more (one
 * taken with -tu): a scope, like the families a dump covers, so it does not
 * mark the sums filtered. keep stays NULL when every socket is selected. */
static int select_protocols(const struct snapshot *r, const struct opts *o, struct view *v,
			    struct report_err *e)
{
	unsigned char *keep;
	size_t n = 0;
	bool all = true;

	for (size_t i = 0; i < r->socks.n && all; i++)
		all = view_protocol_wanted(o, &r->socks.v[i]);
	if (all)
		return 0;
	keep = malloc(r->socks.n + 1);
	if (!keep)
		return report_fail(e, "filter", ENOMEM);
	for (size_t i = 0; i < r->socks.n; i++) {
		keep[i] = view_protocol_wanted(o, &r->socks.v[i]);
		n += keep[i];
	}
	v->keep = keep;
	v->nkept = n;
	return 0;
}

/* Sets v->keep and v->nkept to the sockets o's filters select (keep stays
 * NULL without a filter). Returns 0, or -1 with *e filled. */
static int select_socks(const struct snapshot *r, const struct opts *o, struct view *v,
			struct report_err *e)
{
	const struct filter *f = &o->filt;
	uint64_t cgid[FILTER_MAX_VALUES];
	bool owner_filter = f->npid || f->ncomm;
	unsigned char *keep;
	size_t n = 0;

	if (!any_filter(o))
		return select_protocols(r, o, v, e);
	v->filtered = true;
	if (owner_filter && !r->owners_scanned)
		return report_fail(
		    e, "--pid/--comm: no process owners were collected (--no-owners)", 0);
	if (cgroup_ids(r, f, cgid, e))
		return -1;
	keep = malloc(r->socks.n + 1);
	if (!keep)
		return report_fail(e, "filter", ENOMEM);
	/* a socket's owner links are its own: --pid/--comm see the same
	 * holders whether or not other sockets are kept */
	for (size_t i = 0; i < r->socks.n; i++) {
		const struct sock_rec *s = &r->socks.v[i];

		keep[i] = filter_match_sock(f, s) && match_collected(r, o, cgid, s) &&
			  (!owner_filter || match_owner(r, f, s));
		n += keep[i];
	}
	v->keep = keep;
	v->nkept = n;
	return 0;
}

/* Partial, totals, reconciliation, groups and findings of the kept sockets. */
static int derive(const struct snapshot *r, const struct opts *o, struct view *v,
		  struct report_err *e)
{
	/* ENOENT: gone since the listing, with its sockets: nothing is missing */
	for (size_t i = 0; i < r->nnetns; i++)
		v->netns_skipped += r->netns[i].skipped != 0 && r->netns[i].skipped != ENOENT;
	/* sockets left out by a filter, in namespaces not entered, or in
	 * replies the parser rejected are missing from the sums */
	v->partial = v->filtered || v->netns_skipped || r->dstats.malformed;

	agg_totals(&r->socks, v->keep, r->page_size, &v->totals);
	for (unsigned p = 0; p < SOCK_PROTO_N; p++)
		agg_totals_proto(&r->socks, v->keep, p, r->page_size, &v->proto_totals[p]);
	/* each protocol's sockets against its own counter (UDP's is
	 * udp_memory_allocated, shared by UDP and UDPv6, with the same per-CPU
	 * reserve as TCP's) */
	agg_reconcile(&v->proto_totals[SOCK_PROTO_TCP], r->sys.sockstat.mem_pages, r->ncpu,
		      r->sys.sysctl.mem_pcpu_rsv, &v->rec);
	agg_reconcile(&v->proto_totals[SOCK_PROTO_UDP], r->sys.sockstat.udp_mem_pages, r->ncpu,
		      r->sys.sysctl.mem_pcpu_rsv, &v->udp_rec);
	if (r->cov.no_tcp) { /* -u alone: no TCP socket was dumped to reconcile */
		v->rec.gap_pages = maybe_none();
		v->rec.within = maybe_none();
	}
	if (o->cmd == CMD_TOP || o->cmd == CMD_REPORT || o->cmd == CMD_CHECK) {
		int err = o->by == BY_PROCESS
			      ? agg_by_process(&r->socks, v->keep, &r->owners, r->page_size,
					       &v->groups, &v->ngroups)
			      : agg_by_key(&r->socks, v->keep, o->by, r->page_size, &v->groups,
					   &v->ngroups);

		if (!err)
			err = agg_sort(v->groups, v->ngroups, o->sort, &r->owners);
		if (err)
			return report_fail(e, "aggregation", err);
	}
	if (o->cmd == CMD_REPORT || o->cmd == CMD_CHECK) {
		int n = findings_run(v, &o->find, &v->findings);

		if (n < 0)
			return report_fail(e, "findings", n);
		v->nfindings = (size_t)n;
	}
	return 0;
}

void view_all(const struct snapshot *r, struct view *v)
{
	memset(v, 0, sizeof(*v));
	v->snap = r;
	v->nkept = r->socks.n;
	v->filtered = r->dump_filtered;
}

int view_build(const struct snapshot *r, const struct opts *o, struct view *v, struct report_err *e)
{
	view_all(r, v);
	v->by = o->by;
	if (select_socks(r, o, v, e) || derive(r, o, v, e)) {
		view_free(v);
		return -1;
	}
	return 0;
}

void view_free(struct view *v)
{
	free((void *)v->keep);
	free(v->groups);
	free(v->findings);
	memset(v, 0, sizeof(*v));
}

/* --- stable group keys --- */

/* The key kind of a BY_PROCESS row without a process (an AGG_ row). */
static enum key_kind no_proc_kind(uint32_t proc)
{
	switch (proc) {
	case AGG_NO_HOLDER: return KEY_NO_HOLDER;
	case AGG_TIME_WAIT: return KEY_TIME_WAIT;
	case AGG_REQUEST: return KEY_REQUEST;
	case AGG_ORPHAN: return KEY_ORPHAN;
	case AGG_UNACCEPTED: return KEY_UNACCEPTED;
	default: return KEY_NOT_SCANNED;
	}
}

struct group_key view_group_key(const struct view *v, const struct group *g)
{
	static const enum key_kind by_kind[] = {
		[BY_PROCESS] = KEY_PROCESS, [BY_CGROUP] = KEY_CGROUP, [BY_USER] = KEY_USER,
		[BY_PORT] = KEY_PORT,	    [BY_STATE] = KEY_STATE,   [BY_NETNS] = KEY_NETNS,
	};
	struct group_key k = { by_kind[v->by], g->key, maybe_none() };

	if (v->by != BY_PROCESS)
		return k;
	if (!agg_is_proc(g->proc)) {
		k.kind = no_proc_kind(g->proc);
		k.id = 0;
		return k;
	}
	k.id = (uint64_t)(int64_t)v->snap->owners.procs[g->proc].pid;
	k.start = v->snap->owners.procs[g->proc].start_time;
	return k;
}

struct group_key view_sock_key(const struct sock_rec *s)
{
	return (struct group_key){ KEY_SOCKET, s->cookie, maybe_none() };
}

int group_key_cmp(const struct group_key *a, const struct group_key *b)
{
	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	if (a->id != b->id)
		return a->id < b->id ? -1 : 1;
	if (a->start.has != b->start.has)
		return a->start.has ? 1 : -1;
	if (a->start.has && a->start.v != b->start.v)
		return a->start.v < b->start.v ? -1 : 1;
	return 0;
}
