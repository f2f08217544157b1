// SPDX-License-Identifier: GPL-2.0-or-later
/* cgroup.c - lookups in the resolved cgroup table. */
#include "model/cgroup.h"

#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ lookups */

int cgroup_ent_cmp(const void *a, const void *b)
{
	const struct cgroup_ent *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

int cgroup_node_cmp(const void *a, const void *b)
{
	const struct cgroup_node *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

static const struct cgroup_node *node_get(const struct cgroups *cg, uint64_t id)
{
	struct cgroup_node key = { id, 0 };

	if (!cg->nnodes)
		return NULL;
	return bsearch(&key, cg->nodes, cg->nnodes, sizeof(*cg->nodes), cgroup_node_cmp);
}


const struct cgroup_ent *cgroup_get(const struct cgroups *cg, uint64_t id)
{
	struct cgroup_ent key = { .id = id };

	if (!cg->n)
		return NULL;
	return bsearch(&key, cg->v, cg->n, sizeof(*cg->v), cgroup_ent_cmp);
}

bool cgroup_within(const struct cgroups *cg, uint64_t id, uint64_t ancestor)
{
	/* a tree of nnodes nodes has no chain longer than that */
	for (size_t step = 0; step <= cg->nnodes; step++) {
		const struct cgroup_node *nd;

		if (id == ancestor)
			return true;
		nd = node_get(cg, id);
		if (!nd || !nd->parent)
			return false;
		id = nd->parent;
	}
	return false;
}

bool cgroup_blind_within(const struct cgroups *cg, uint64_t ancestor)
{
	bool unresolved = false;

	for (size_t i = 0; i < cg->n && !unresolved; i++)
		unresolved = !cg->v[i].path;
	for (size_t i = 0; unresolved && i < cg->nblind; i++)
		if (cgroup_within(cg, cg->blind[i], ancestor))
			return true;
	return false;
}

void cgroup_free(struct cgroups *cg)
{
	for (size_t i = 0; i < cg->n; i++)
		free(cg->v[i].path);
	free(cg->v);
	free(cg->nodes);
	free(cg->blind);
	memset(cg, 0, sizeof(*cg));
}
