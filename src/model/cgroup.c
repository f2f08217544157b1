// SPDX-License-Identifier: GPL-2.0-or-later
/* cgroup.c - lookups in the resolved cgroup table. */
#include "model/cgroup.h"

#include <errno.h>
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

/* ------------------------------------------------------------------- paths */

int cgroup_path_normalize(const char *in, char *out, size_t len)
{
	size_t o = 1;

	if (!*in)
		return -EINVAL;
	if (len < 2)
		return -ENAMETOOLONG;
	out[0] = '/';
	out[1] = '\0';
	for (const char *p = in; *p;) {
		const char *c;
		size_t cl;

		while (*p == '/')
			p++;
		for (c = p; *p && *p != '/'; p++)
			;
		cl = (size_t)(p - c);
		if (cl == 0 || (cl == 1 && c[0] == '.'))
			continue;
		if (cl == 2 && c[0] == '.' && c[1] == '.') {
			if (o == 1)
				return -EINVAL; /* above the start */
			while (out[o - 1] != '/')
				o--;
			if (o > 1)
				o--;
			out[o] = '\0';
			continue;
		}
		if (o + (o > 1) + cl + 1 > len)
			return -ENAMETOOLONG;
		if (o > 1)
			out[o++] = '/';
		memcpy(out + o, c, cl);
		o += cl;
		out[o] = '\0';
	}
	return 0;
}

const char *cgroup_path_rel(const char *norm, const char *mount)
{
	size_t ml = strlen(mount);

	if (ml <= 1 || strncmp(norm, mount, ml) != 0)
		return norm;
	if (norm[ml] == '\0')
		return "/";
	return norm[ml] == '/' ? norm + ml : norm;
}

/* Number of components of a normalised path ("/" has none). */
static size_t path_depth(const char *norm)
{
	size_t d = 0;

	for (const char *p = norm; *p; p++)
		d += *p == '/' && p[1];
	return d;
}

/* Whether normalised path anc is normalised path p or a directory above it. */
static bool path_under(const char *p, const char *anc)
{
	size_t n = strlen(anc);

	if (n == 1)
		return true; /* "/" */
	return strncmp(p, anc, n) == 0 && (p[n] == '\0' || p[n] == '/');
}

int cgroup_path_lookup(const struct cgroups *cg, const char *path, uint64_t *id)
{
	size_t len = strlen(path) + 2, depth;
	char *norm = malloc(len), mnt[PATH_MAX];
	const char *rel;
	int err = norm ? cgroup_path_normalize(path, norm, len) : -ENOMEM;

	if (!err && cg->v2_mount[0] && cgroup_path_normalize(cg->v2_mount, mnt, sizeof(mnt)) == 0)
		rel = cgroup_path_rel(norm, mnt);
	else
		rel = norm;
	if (err) {
		free(norm);
		return err;
	}
	depth = path_depth(rel);
	err = -ENOENT;
	for (size_t i = 0; i < cg->n && err; i++) {
		const struct cgroup_ent *e = &cg->v[i];
		uint64_t at = e->id;
		size_t up;

		if (!e->path || !path_under(e->path, rel))
			continue;
		up = path_depth(e->path) - depth;
		for (; up; up--) {
			const struct cgroup_node *nd = node_get(cg, at);

			if (!nd || !nd->parent)
				break;
			at = nd->parent;
		}
		if (!up) {
			*id = at;
			err = 0;
		}
	}
	free(norm);
	return err;
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
