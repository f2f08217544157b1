// SPDX-License-Identifier: GPL-2.0-or-later
/* view.c - the query's filters over collected records: which sockets (and
 * owner links) a view sees. Pure: works on a live collection and on a
 * loaded snapshot alike. */
#include "model/view.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

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

bool view_protocol_wanted(const struct opts *o, const struct sock_rec *s)
{
	/* neither -t nor -u (a zeroed opts too): TCP only */
	return s->protocol == SOCK_PROTO_UDP ? o->want_udp : o->want_tcp || !o->want_udp;
}

/* Socket-level filters over collected data: family, uid and cgroup (cgid[i]
 * is the id of f->cgroup[i]; a socket matches in that cgroup or below it). */
static bool match_collected(const struct report *r, const struct opts *o, const uint64_t *cgid,
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

/* The ids of the --cgroup paths, from the paths the collection resolved.
 * A path that names no cgroup, or whose subtree could not all be read, is
 * an error, not an empty answer. */
static int cgroup_ids(const struct report *r, const struct filter *f, uint64_t *cgid,
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

/* The protocol selection (-t/-u) over a collection that may hold more (a
 * snapshot taken with -tu): a scope, like the families a dump covers, so it
 * does not mark the sums filtered. */
static int retain_protocols(const struct opts *o, struct report *r, struct report_err *e)
{
	unsigned char *keep;
	bool all = true;

	for (size_t i = 0; i < r->socks.n && all; i++)
		all = view_protocol_wanted(o, &r->socks.v[i]);
	if (all)
		return 0;
	keep = malloc(r->socks.n + 1);
	if (!keep)
		return report_fail(e, "filter", ENOMEM);
	for (size_t i = 0; i < r->socks.n; i++)
		keep[i] = view_protocol_wanted(o, &r->socks.v[i]);
	return retain(r, keep) ? report_fail(e, "filter", ENOMEM) : 0;
}

/* Whether o asks for any filter at all (then sums are not host-wide). */
static bool any_filter(const struct opts *o)
{
	const struct filter *f = &o->filt;

	return !o->want_v4 || !o->want_v6 || f->states || filter_has_kernel_part(f) || f->npid ||
	       f->ncomm || f->nuid || f->ncgroup;
}

int report_filter(const struct opts *o, struct report *r, struct report_err *e)
{
	const struct filter *f = &o->filt;
	uint64_t cgid[FILTER_MAX_VALUES];
	unsigned char *keep;

	if (!any_filter(o))
		return retain_protocols(o, r, e);
	r->filtered = true;
	if ((f->npid || f->ncomm) && !r->owners_scanned)
		return report_fail(
		    e, "--pid/--comm: no process owners were collected (--no-owners)", 0);
	if (cgroup_ids(r, f, cgid, e))
		return -1;
	keep = malloc(r->socks.n + 1);
	if (!keep)
		return report_fail(e, "filter", ENOMEM);
	for (size_t i = 0; i < r->socks.n; i++) {
		const struct sock_rec *s = &r->socks.v[i];

		keep[i] = filter_match_sock(f, s) && match_collected(r, o, cgid, s);
	}
	if (retain(r, keep))
		return report_fail(e, "filter", ENOMEM);
	if (!f->npid && !f->ncomm)
		return 0;
	keep = malloc(r->socks.n + 1);
	if (!keep)
		return report_fail(e, "filter", ENOMEM);
	for (size_t i = 0; i < r->socks.n; i++)
		keep[i] = match_owner(r, f, &r->socks.v[i]);
	if (retain(r, keep))
		return report_fail(e, "filter", ENOMEM);
	return 0;
}
