// SPDX-License-Identifier: GPL-2.0-or-later
/* report.c - derivation over collected records: totals, reconciliation,
 * groups, findings; lookups the views share. Pure: no I/O. */
#include "model/report.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const struct sysctls *report_sysctls(const struct report *r, uint64_t netns_ino)
{
	for (size_t i = 0; i < r->nnetns; i++)
		if (r->netns[i].ino == netns_ino && !r->netns[i].skipped)
			return &r->netns[i].sysctl;
	return &r->sys.sysctl;
}

bool report_other_netns_possible(const struct report *r)
{
	const struct coverage *c = &r->cov;

	if (r->all_netns)
		return false; /* skipped namespaces make the dump partial instead */
	return !c->other_netns.has || c->other_netns.v > 0 || !c->unreadable_pids.has ||
	       c->unreadable_pids.v > 0 || !c->initial_netns.has || !c->initial_netns.v;
}

static int user_cmp(const void *a, const void *b)
{
	const struct user_ent *x = a, *y = b;

	return (x->uid > y->uid) - (x->uid < y->uid);
}

const char *report_username(const struct report *r, uint32_t uid)
{
	struct user_ent key = { .uid = uid };
	const struct user_ent *u;

	if (!r->nusers)
		return NULL;
	u = bsearch(&key, r->users, r->nusers, sizeof(*r->users), user_cmp);
	return u && u->name[0] ? u->name : NULL;
}

const char *report_ifname(const struct report *r, const struct sock_rec *s)
{
	uint32_t index = s->ifindex;

	if (!index || s->netns_ino != r->netns_ino)
		return NULL;
	for (size_t i = 0; i < r->nifnames; i++)
		if (r->ifnames[i].index == index)
			return r->ifnames[i].name;
	return NULL;
}

/* Fills e (where, positive errno) and returns -1. */
int report_fail(struct report_err *e, const char *where, int err)
{
	e->where = where;
	e->err = err < 0 ? -err : err;
	e->ext_ack[0] = '\0';
	return -1;
}

void report_err_message(const struct report_err *e, char *buf, size_t len)
{
	char kmsg[4 * sizeof(e->ext_ack)];
	size_t k = 0;

	/* untrusted bytes: a terminal must not act on them */
	for (const char *p = e->ext_ack; *p && k + 4 < sizeof(kmsg); p++) {
		unsigned char c = (unsigned char)*p;

		if (c >= 0x20 && c < 0x7f && c != '\\')
			kmsg[k++] = (char)c;
		else
			k += (size_t)snprintf(kmsg + k, sizeof(kmsg) - k, "\\x%02x", c);
	}
	kmsg[k] = '\0';
	if (!e->err) /* where says it all */
		snprintf(buf, len, "%s", e->where);
	else if (k)
		snprintf(buf, len, "%s: %s (kernel: %s)", e->where, strerror(e->err), kmsg);
	else
		snprintf(buf, len, "%s: %s", e->where, strerror(e->err));
}

int report_derive(const struct opts *o, struct report *r, struct report_err *e)
{
	r->by = o->by;
	r->netns_skipped = 0;
	/* ENOENT: gone since the listing, with its sockets: nothing is missing */
	for (size_t i = 0; i < r->nnetns; i++)
		r->netns_skipped += r->netns[i].skipped != 0 && r->netns[i].skipped != ENOENT;
	/* sockets left out by a filter, in namespaces not entered, or in
	 * replies the parser rejected are missing from the sums */
	if (r->filtered || r->netns_skipped || r->dstats.malformed)
		r->partial = true;

	agg_totals(&r->socks, r->page_size, &r->totals);
	for (unsigned p = 0; p < SOCK_PROTO_N; p++)
		agg_totals_proto(&r->socks, p, r->page_size, &r->proto_totals[p]);
	/* each protocol's sockets against its own counter (UDP's is udp_memory_allocated,
	 * shared by UDP and UDPv6, with the same per-CPU reserve as TCP's) */
	agg_reconcile(&r->proto_totals[SOCK_PROTO_TCP], r->sys.sockstat.mem_pages, r->ncpu,
		      r->sys.sysctl.mem_pcpu_rsv, &r->rec);
	agg_reconcile(&r->proto_totals[SOCK_PROTO_UDP], r->sys.sockstat.udp_mem_pages, r->ncpu,
		      r->sys.sysctl.mem_pcpu_rsv, &r->udp_rec);
	if (r->cov.no_tcp) { /* -u alone: no TCP socket was dumped to reconcile */
		r->rec.gap_pages = maybe_none();
		r->rec.within = maybe_none();
	}
	if (o->cmd == CMD_TOP || o->cmd == CMD_REPORT || o->cmd == CMD_CHECK) {
		int err = o->by == BY_PROCESS
			      ? agg_by_process(&r->socks, &r->owners, r->page_size, &r->groups,
					       &r->ngroups)
			      : agg_by_key(&r->socks, o->by, r->page_size, &r->groups, &r->ngroups);

		if (!err)
			err = agg_sort(r->groups, r->ngroups, o->sort, &r->owners);
		if (err)
			return report_fail(e, "aggregation", err);
	}
	if (o->cmd == CMD_REPORT || o->cmd == CMD_CHECK) {
		int n = findings_run(r, &o->find, &r->findings);

		if (n < 0)
			return report_fail(e, "findings", n);
		r->nfindings = (size_t)n;
	}
	return 0;
}

void report_free(struct report *r)
{
	sock_table_free(&r->socks);
	owners_free(&r->owners);
	cgroup_free(&r->cg);
	free(r->groups);
	free(r->ifnames);
	free(r->findings);
	free(r->netns);
	free(r->users);
	memset(r, 0, sizeof(*r));
}
