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

static void view_acc_free(struct view *v);

/* What a view holds while sockets arrive (view_begin to view_end). */
struct view_acc {
	const struct opts *o;
	uint64_t cgid[FILTER_MAX_VALUES]; /* ids of the --cgroup paths */
	bool owner_filter;		  /* --pid/--comm */
	bool grouping;			  /* top, report, check */
	struct agg_acc agg;
	struct find_acc *find; /* report, check */
	unsigned char *keep;   /* keep[i] for the snapshot's sockets i */
	size_t keep_cap;
	size_t last_ns; /* the namespace entry the last socket counted in */
};

int view_begin(const struct snapshot *r, const struct opts *o, struct view *v,
	       struct report_err *e)
{
	const struct filter *f = &o->filt;
	struct view_acc *a;
	int err = 0;

	view_all(r, v);
	v->nkept = 0;
	v->by = o->by;
	v->filtered = v->filtered || any_filter(o);
	a = v->acc = calloc(1, sizeof(*a));
	if (!a)
		return report_fail(e, "filter", ENOMEM);
	a->o = o;
	a->owner_filter = f->npid || f->ncomm;
	if (a->owner_filter && !r->owners_scanned)
		return report_fail(
		    e, "--pid/--comm: no process owners were collected (--no-owners)", 0);
	if (cgroup_ids(r, f, a->cgid, e))
		return -1;
	a->grouping = o->cmd == CMD_TOP || o->cmd == CMD_REPORT || o->cmd == CMD_CHECK;
	if (a->grouping)
		err = agg_acc_init(&a->agg, o->by, &r->owners, r->page_size);
	if (!err && (o->cmd == CMD_REPORT || o->cmd == CMD_CHECK))
		err = findings_begin(v, &a->find);
	return err ? report_fail(e, err == -ENOMEM ? "aggregation" : "findings", err) : 0;
}

/* The per-namespace sums of namespace ino, added if new; NULL when out of
 * memory. Sockets arrive namespace by namespace: the last one is tried first. */
static struct view_ns *ns_slot(struct view *v, uint64_t ino)
{
	struct view_acc *a = v->acc;

	if (a->last_ns < v->nns && v->ns[a->last_ns].ino == ino)
		return &v->ns[a->last_ns];
	for (size_t i = 0; i < v->nns; i++)
		if (v->ns[i].ino == ino)
			return &v->ns[a->last_ns = i];
	struct view_ns *ns = realloc(v->ns, (v->nns + 1) * sizeof(*ns));

	if (!ns)
		return NULL;
	v->ns = ns;
	memset(&ns[v->nns], 0, sizeof(ns[0]));
	ns[v->nns].ino = ino;
	a->last_ns = v->nns++;
	return &ns[a->last_ns];
}

/* Counts kept socket s in the totals, its namespace and its group. */
static int count_kept(struct view *v, const struct sock_rec *s)
{
	const struct snapshot *r = v->snap;
	struct view_ns *ns = ns_slot(v, s->netns_ino);

	if (!ns)
		return -ENOMEM;
	v->nkept++;
	agg_add(&v->totals, s, r->page_size);
	if (s->protocol < SOCK_PROTO_N)
		agg_add(&v->proto_totals[s->protocol], s, r->page_size);
	ns->sockets++;
	if (!s->own_n)
		agg_add(&ns->no_proc[agg_no_proc_slot(s, r->owners.walked)], s,
			r->page_size);
	return v->acc->grouping ? agg_acc_add(&v->acc->agg, s) : 0;
}

int view_fold(struct view *v, size_t from, size_t to, struct report_err *e)
{
	const struct snapshot *r = v->snap;
	struct view_acc *a = v->acc;
	const struct opts *o = a->o;

	if (to > a->keep_cap) {
		unsigned char *k = realloc(a->keep, to);

		if (!k)
			return report_fail(e, "filter", ENOMEM);
		a->keep = k;
		a->keep_cap = to;
	}
	v->keep = a->keep;
	for (size_t i = from; i < to; i++) {
		const struct sock_rec *s = &r->socks.v[i];
		/* a socket's owner links are its own: --pid/--comm see the same
		 * holders whether or not other sockets are kept */
		bool keep = filter_match_sock(&o->filt, s) && match_collected(r, o, a->cgid, s) &&
			    (!a->owner_filter || match_owner(r, &o->filt, s));

		a->keep[i] = keep;
		if (keep && count_kept(v, s))
			return report_fail(e, "aggregation", ENOMEM);
	}
	if (a->find)
		findings_fold(a->find, v, &o->find, from, to);
	return 0;
}

int view_retain(struct view *v, struct sock_table *t, struct report_err *e)
{
	struct view_acc *a = v->acc;
	uint32_t idx[findings_acc_max() + 1];
	size_t n = a->find ? findings_acc_socks(a->find, idx) : 0;

	if (sock_table_retain(t, idx, n))
		return report_fail(e, "findings", ENOMEM);
	if (a->find)
		findings_acc_renumber(a->find, idx, n);
	/* what stays was kept (the rules rank kept sockets only) */
	memset(a->keep, 1, n);
	v->streamed = true;
	return 0;
}

int view_end(struct view *v, struct report_err *e)
{
	const struct snapshot *r = v->snap;
	struct view_acc *a = v->acc;
	const struct opts *o = a->o;

	/* ENOENT: gone since the listing, with its sockets: nothing is missing */
	for (size_t i = 0; i < r->nnetns; i++)
		v->netns_skipped += r->netns[i].skipped != 0 && r->netns[i].skipped != ENOENT;
	/* sockets left out by a filter, in namespaces not entered, or in
	 * replies the parser rejected are missing from the sums */
	v->partial = v->filtered || v->netns_skipped || r->dstats.malformed;
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
	/* the mask only when it leaves sockets out (a streamed view holds kept ones) */
	if (v->streamed || v->nkept == r->socks.n)
		v->keep = NULL;
	else
		a->keep = NULL; /* the view owns it now */
	if (a->grouping) {
		if (agg_acc_finish(&a->agg, &v->groups, &v->ngroups) ||
		    agg_sort(v->groups, v->ngroups, o->sort, &r->owners))
			return report_fail(e, "aggregation", ENOMEM);
	}
	if (a->find) {
		int n = findings_end(a->find, v, &o->find, &v->findings);

		a->find = NULL;
		if (n < 0)
			return report_fail(e, "findings", n);
		v->nfindings = (size_t)n;
	}
	view_acc_free(v);
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
	if (view_begin(r, o, v, e) || view_fold(v, 0, r->socks.n, e) || view_end(v, e)) {
		view_free(v);
		return -1;
	}
	return 0;
}

int view_stream_fold(struct view *v, const struct snapshot *r, const struct opts *o,
		     struct sock_table *t, struct report_err *e)
{
	if (!v->acc && view_begin(r, o, v, e))
		return -1;
	return view_fold(v, t->kept, t->n, e);
}

int view_stream_end(struct view *v, const struct snapshot *r, const struct opts *o,
		    struct report_err *e)
{
	if (!v->acc && view_begin(r, o, v, e))
		return -1;
	v->streamed = true;
	return view_end(v, e);
}

const struct view_ns *view_ns_find(const struct view *v, uint64_t ino)
{
	for (size_t i = 0; i < v->nns; i++)
		if (v->ns[i].ino == ino)
			return &v->ns[i];
	return NULL;
}

/* Frees what a view holds only while sockets arrive. */
static void view_acc_free(struct view *v)
{
	struct view_acc *a = v->acc;

	if (!a)
		return;
	if (v->keep == a->keep)
		v->keep = NULL;
	agg_acc_free(&a->agg);
	findings_acc_free(a->find);
	free(a->keep);
	free(a);
	v->acc = NULL;
}

void view_free(struct view *v)
{
	view_acc_free(v);
	free((void *)v->keep);
	free(v->groups);
	free(v->findings);
	free(v->ns);
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
