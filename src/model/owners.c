// SPDX-License-Identifier: GPL-2.0-or-later
/* owners.c - the holder table: its growth and lifetime. */
#include "model/owners.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void owners_free(struct owners *o)
{
	free(o->procs);
	free(o->links);
	free(o->ino_index);
	memset(o, 0, sizeof(*o));
}

int owners_add_link(struct owners *o, uint32_t sock, uint32_t proc, int32_t fd)
{
	if (o->nlinks == o->links_cap) {
		size_t cap = o->links_cap ? o->links_cap * 2 : 1024;
		struct owner_link *v = realloc(o->links, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		o->links = v;
		o->links_cap = cap;
	}
	o->links[o->nlinks++] = (struct owner_link){ sock, proc, fd };
	return 0;
}

/* Orders process indexes by pid (pids are unique in one walk). */
static int idx_by_pid(const void *a, const void *b, const struct proc_ent *p)
{
	int32_t x = p[*(const uint32_t *)a].pid, y = p[*(const uint32_t *)b].pid;

	return (x > y) - (x < y);
}

/* Insertion-merge sort of idx by pid (qsort has no context in C11). */
static void sort_idx(uint32_t *idx, uint32_t *tmp, size_t n, const struct proc_ent *p)
{
	if (n < 2)
		return;
	size_t h = n / 2, i = 0, j = h, k = 0;

	sort_idx(idx, tmp, h, p);
	sort_idx(idx + h, tmp, n - h, p);
	while (i < h && j < n)
		tmp[k++] = idx_by_pid(&idx[j], &idx[i], p) < 0 ? idx[j++] : idx[i++];
	while (i < h)
		tmp[k++] = idx[i++];
	while (j < n)
		tmp[k++] = idx[j++];
	memcpy(idx, tmp, n * sizeof(*idx));
}

int owners_sort_procs(struct owners *o)
{
	size_t np = o->nprocs;

	if (np < 2)
		return 0;
	uint32_t *idx = malloc(np * sizeof(*idx)), *tmp = malloc(np * sizeof(*tmp));
	struct proc_ent *sorted = malloc(np * sizeof(*sorted));

	if (!idx || !tmp || !sorted) {
		free(idx);
		free(tmp);
		free(sorted);
		return -ENOMEM;
	}
	for (size_t i = 0; i < np; i++)
		idx[i] = (uint32_t)i;
	sort_idx(idx, tmp, np, o->procs);
	for (size_t j = 0; j < np; j++) {
		sorted[j] = o->procs[idx[j]];
		tmp[idx[j]] = (uint32_t)j; /* old index -> new */
	}
	for (size_t i = 0; i < o->nlinks; i++)
		o->links[i].proc = tmp[o->links[i].proc];
	free(o->procs);
	o->procs = sorted;
	o->procs_cap = np;
	free(idx);
	free(tmp);
	return 0;
}

static int link_cmp(const void *a, const void *b)
{
	const struct owner_link *x = a, *y = b;

	if (x->sock != y->sock)
		return x->sock < y->sock ? -1 : 1;
	if (x->proc != y->proc)
		return x->proc < y->proc ? -1 : 1;
	return (x->fd > y->fd) - (x->fd < y->fd);
}

void owners_sort_links(struct owners *o)
{
	size_t k = 0;

	if (o->nlinks)
		qsort(o->links, o->nlinks, sizeof(*o->links), link_cmp);
	for (size_t i = 0; i < o->nlinks; i++)
		if (k == 0 || link_cmp(&o->links[k - 1], &o->links[i]) != 0)
			o->links[k++] = o->links[i];
	o->nlinks = k;
}

/* About this many links per bucket of the inode index. */
#define INO_PER_BUCKET 4

int owners_stream_prepare(struct owners *o)
{
	int err = owners_sort_procs(o);

	if (err)
		return err;
	owners_sort_links(o);
	free(o->ino_index);
	o->ino_index = NULL;
	o->ino_buckets = 0;
	if (!o->nlinks)
		return 0;
	uint32_t lo = o->links[0].sock, hi = o->links[o->nlinks - 1].sock;
	unsigned shift = 0;

	/* socket inodes come from one counter: a range of about nlinks */
	while (shift < 31 && ((uint64_t)(hi - lo) >> shift) > o->nlinks / INO_PER_BUCKET)
		shift++;
	size_t nb = ((size_t)(hi >> shift) - (lo >> shift)) + 2;

	o->ino_index = malloc(nb * sizeof(*o->ino_index));
	if (!o->ino_index)
		return -ENOMEM;
	/* ino_index[b]: the first link whose bucket is b or later */
	size_t l = 0;

	for (size_t b = 0; b < nb; b++) {
		while (l < o->nlinks && (o->links[l].sock >> shift) - (lo >> shift) < b)
			l++;
		o->ino_index[b] = (uint32_t)l;
	}
	o->ino_buckets = nb;
	o->ino_min = lo;
	o->ino_shift = shift;
	return 0;
}

void owners_join_range(const struct owners *o, struct sock_table *t, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++) {
		struct sock_rec *s = &t->v[i];
		uint32_t ino = s->inode;

		s->own_first = s->own_n = 0;
		if (!ino || !o->ino_buckets || ino < o->ino_min)
			continue;
		size_t b = (size_t)(ino >> o->ino_shift) - (o->ino_min >> o->ino_shift);

		if (b + 1 >= o->ino_buckets)
			continue;
		uint32_t l = o->ino_index[b], end = o->ino_index[b + 1];

		while (l < end && o->links[l].sock < ino)
			l++;
		s->own_first = l;
		while (l < end && o->links[l].sock == ino)
			l++;
		s->own_n = l - s->own_first;
	}
}
