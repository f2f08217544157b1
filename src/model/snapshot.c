// SPDX-License-Identifier: GPL-2.0-or-later
/* snapshot.c - lookups over collected data the views share; freeing it. */
#include "model/snapshot.h"

#include <stdlib.h>
#include <string.h>

const struct sysctls *snapshot_sysctls(const struct snapshot *r, uint64_t netns_ino)
{
	for (size_t i = 0; i < r->nnetns; i++)
		if (r->netns[i].ino == netns_ino && !r->netns[i].skipped)
			return &r->netns[i].sysctl;
	return &r->sys.sysctl;
}

bool snapshot_other_netns_possible(const struct snapshot *r)
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

const char *snapshot_username(const struct snapshot *r, uint32_t uid)
{
	struct user_ent key = { .uid = uid };
	const struct user_ent *u;

	if (!r->nusers)
		return NULL;
	u = bsearch(&key, r->users, r->nusers, sizeof(*r->users), user_cmp);
	return u && u->name[0] ? u->name : NULL;
}

const char *snapshot_ifname(const struct snapshot *r, const struct sock_rec *s)
{
	uint32_t index = s->ifindex;

	if (!index || s->netns_ino != r->netns_ino)
		return NULL;
	for (size_t i = 0; i < r->nifnames; i++)
		if (r->ifnames[i].index == index)
			return r->ifnames[i].name;
	return NULL;
}

void snapshot_free(struct snapshot *r)
{
	sock_table_free(&r->socks);
	owners_free(&r->owners);
	cgroup_free(&r->cg);
	free(r->ifnames);
	free(r->netns);
	free(r->users);
	memset(r, 0, sizeof(*r));
}
