// SPDX-License-Identifier: GPL-2.0-or-later
/* agg.c - pure aggregation of socket records into groups, totals, reconciliation. */
#include "model/agg.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void agg_add(struct sums *s, const struct sock_rec *r, uint64_t page_size)
{
	s->sockets++;
	if (sock_has_skm(r, SKM_R))
		s->r += r->skmem[SKM_R];
	if (sock_has_skm(r, SKM_RB))
		s->rb += r->skmem[SKM_RB];
	if (sock_has_skm(r, SKM_T))
		s->t += r->skmem[SKM_T];
	if (sock_has_skm(r, SKM_TB))
		s->tb += r->skmem[SKM_TB];
	if (sock_has_skm(r, SKM_F))
		s->f += r->skmem[SKM_F];
	if (sock_has_skm(r, SKM_W))
		s->w += r->skmem[SKM_W];
	uint64_t c = sock_charged_bytes(r);

	s->charged_bytes += c;
	s->charged_pages += (c + page_size - 1) / page_size;
}

uint32_t agg_no_proc_row(const struct sock_rec *s, bool walked)
{
	switch (sock_category(s)) {
	case SOCK_CAT_TIME_WAIT: return AGG_TIME_WAIT;
	case SOCK_CAT_REQUEST: return AGG_REQUEST;
	case SOCK_CAT_ORPHAN: return AGG_ORPHAN;
	case SOCK_CAT_UNACCEPTED: return AGG_UNACCEPTED;
	default: return walked ? AGG_NO_HOLDER : AGG_NO_PROC;
	}
}

/* The rows after the processes, in slot order (enum no_proc_slot). */
static const uint32_t no_proc_rows[] = {
	[NP_NO_HOLDER] = AGG_NO_HOLDER, [NP_TIME_WAIT] = AGG_TIME_WAIT,
	[NP_REQUEST] = AGG_REQUEST,	[NP_ORPHAN] = AGG_ORPHAN,
	[NP_UNACCEPTED] = AGG_UNACCEPTED, [NP_NOT_SCANNED] = AGG_NO_PROC,
};
#define N_NO_PROC_ROWS (sizeof(no_proc_rows) / sizeof(no_proc_rows[0]))

size_t agg_no_proc_slot(const struct sock_rec *s, bool walked)
{
	uint32_t row = agg_no_proc_row(s, walked);
	size_t k = 0;

	while (no_proc_rows[k] != row)
		k++;
	return k;
}

static uint64_t sock_key(const struct sock_rec *s, enum group_by by)
{
	switch (by) {
	case BY_CGROUP: return (s->flags & SOCK_HAS_CGROUP) ? s->cgroup_id : AGG_NO_KEY;
	case BY_USER: return sock_has_uid(s) ? s->uid : AGG_NO_KEY;
	case BY_PORT: return s->sport;
	case BY_STATE: /* NEW_SYN_RECV shows as SYN-RECV */
		return s->state == SOCK_TCP_NEW_SYN_RECV ? SOCK_TCP_SYN_RECV : s->state;
	case BY_NETNS: return s->netns_ino;
	default: return AGG_NO_KEY;
	}
}

uint64_t agg_sock_key(const struct sock_rec *s, enum group_by by)
{
	return sock_key(s, by);
}

int agg_acc_init(struct agg_acc *a, enum group_by by, const struct owners *o, uint64_t page_size)
{
	memset(a, 0, sizeof(*a));
	a->by = by;
	a->o = o;
	a->page_size = page_size;
	if (by != BY_PROCESS)
		return 0;
	/* one slot per process, then the rows without a process */
	a->ng = a->cap = o->nprocs + N_NO_PROC_ROWS;
	a->g = calloc(a->ng, sizeof(*a->g));
	a->last = calloc(a->ng, sizeof(*a->last));
	if (!a->g || !a->last) {
		agg_acc_free(a);
		return -ENOMEM;
	}
	for (size_t i = 0; i < a->ng; i++) {
		a->g[i].proc = i < o->nprocs ? (uint32_t)i : no_proc_rows[i - o->nprocs];
		a->g[i].key = AGG_NO_KEY;
	}
	return 0;
}

/* The group of key k, added empty if new; NULL when out of memory. */
static struct group *key_group(struct agg_acc *a, uint64_t k)
{
	uint32_t gi = (uint32_t)a->ng;
	int added = idmap_put(&a->keys, k, gi, &gi);

	if (added < 0)
		return NULL;
	if (added) {
		if (a->ng == a->cap) {
			size_t cap = a->cap ? a->cap * 2 : 64;
			struct group *g = realloc(a->g, cap * sizeof(*g));

			if (!g)
				return NULL; /* the key stays mapped: the run fails */
			a->g = g;
			a->cap = cap;
		}
		memset(&a->g[a->ng], 0, sizeof(a->g[0]));
		a->g[a->ng].proc = AGG_NO_PROC;
		a->g[a->ng].key = k;
		a->ng++;
	}
	return &a->g[gi];
}

int agg_acc_add(struct agg_acc *a, const struct sock_rec *s)
{
	const struct owners *o = a->o;

	a->seq++;
	if (a->by != BY_PROCESS) {
		struct group *g = key_group(a, sock_key(s, a->by));

		if (!g)
			return -ENOMEM;
		agg_add(&g->s, s, a->page_size);
		return 0;
	}
	if (s->own_n == 0) {
		agg_add(&a->g[o->nprocs + agg_no_proc_slot(s, o->walked)].s, s,
			a->page_size);
		return 0;
	}
	for (uint32_t k = 0; k < s->own_n; k++) {
		uint32_t p = o->links[s->own_first + k].proc;

		if (a->last[p] == a->seq)
			continue; /* same process, another fd */
		a->last[p] = a->seq;
		agg_add(&a->g[p].s, s, a->page_size);
	}
	return 0;
}

int agg_acc_finish(struct agg_acc *a, struct group **out, size_t *n)
{
	size_t k = 0;

	if (!a->g) { /* no group at all: an empty array, not NULL */
		a->g = malloc(sizeof(*a->g));
		if (!a->g) {
			agg_acc_free(a);
			return -ENOMEM;
		}
	}
	/* keep only groups that hold sockets (owner filters leave others empty) */
	for (size_t i = 0; i < a->ng; i++)
		if (a->g[i].s.sockets)
			a->g[k++] = a->g[i];
	*out = a->g;
	*n = k;
	a->g = NULL;
	agg_acc_free(a);
	return 0;
}

void agg_acc_free(struct agg_acc *a)
{
	free(a->g);
	free(a->last);
	idmap_free(&a->keys);
	memset(a, 0, sizeof(*a));
}

/* Groups the sockets keep keeps, one pass of an agg_acc. */
static int group_table(const struct sock_table *t, const unsigned char *keep, enum group_by by,
		       const struct owners *o, uint64_t page_size, struct group **out, size_t *n)
{
	struct agg_acc a;
	int err = agg_acc_init(&a, by, o, page_size);

	for (size_t i = 0; !err && i < t->n; i++)
		if (!keep || keep[i])
			err = agg_acc_add(&a, &t->v[i]);
	if (err) {
		agg_acc_free(&a);
		return err;
	}
	return agg_acc_finish(&a, out, n);
}

int agg_by_process(const struct sock_table *t, const unsigned char *keep, const struct owners *o,
		   uint64_t page_size, struct group **out, size_t *n)
{
	return group_table(t, keep, BY_PROCESS, o, page_size, out, n);
}

int agg_by_key(const struct sock_table *t, const unsigned char *keep, enum group_by by,
	       uint64_t page_size, struct group **out, size_t *n)
{
	return group_table(t, keep, by, NULL, page_size, out, n);
}

static const char *const by_names[] = {
	[BY_PROCESS] = "process", [BY_CGROUP] = "cgroup", [BY_USER] = "user",
	[BY_PORT] = "port",	  [BY_STATE] = "state",	  [BY_NETNS] = "netns",
};

int agg_by_parse(const char *name, enum group_by *by)
{
	for (size_t i = 0; i < sizeof(by_names) / sizeof(by_names[0]); i++)
		if (strcmp(name, by_names[i]) == 0) {
			*by = (enum group_by)i;
			return 0;
		}
	return -EINVAL;
}

const char *agg_by_name(enum group_by by)
{
	return by_names[by];
}

struct sort_ctx {
	enum agg_sort key;
	const struct owners *o;
};

static uint64_t sort_val(const struct group *g, enum agg_sort key)
{
	switch (key) {
	case SORT_SOCKETS: return g->s.sockets;
	case SORT_R: return g->s.r;
	case SORT_W: return g->s.w;
	case SORT_F: return g->s.f;
	case SORT_T: return g->s.t;
	case SORT_RB: return g->s.rb;
	case SORT_TB: return g->s.tb;
	default: return g->s.charged_bytes;
	}
}

static int32_t group_pid(const struct group *g, const struct owners *o)
{
	return agg_is_proc(g->proc) ? o->procs[g->proc].pid : INT32_MAX;
}

/* qsort has no context argument in C11; a small insertion-merge sort does. */
static int group_cmp(const struct group *a, const struct group *b, const struct sort_ctx *c)
{
	if (c->key == SORT_COMM && agg_is_proc(a->proc) && agg_is_proc(b->proc)) {
		int r = strcmp(c->o->procs[a->proc].comm, c->o->procs[b->proc].comm);

		if (r)
			return r;
	} else if (c->key != SORT_PID && c->key != SORT_COMM) {
		uint64_t x = sort_val(a, c->key), y = sort_val(b, c->key);

		if (x != y)
			return x > y ? -1 : 1;
	}
	if (a->proc == AGG_NO_PROC && b->proc == AGG_NO_PROC)
		return (a->key > b->key) - (a->key < b->key);
	int32_t pa = group_pid(a, c->o), pb = group_pid(b, c->o);

	if (pa != pb)
		return (pa > pb) - (pa < pb);
	return (a->proc > b->proc) - (a->proc < b->proc); /* the AGG_ rows in a fixed order */
}

static void merge_sort(struct group *g, struct group *tmp, size_t n, const struct sort_ctx *c)
{
	if (n < 2)
		return;
	size_t h = n / 2;

	merge_sort(g, tmp, h, c);
	merge_sort(g + h, tmp, n - h, c);
	size_t i = 0, j = h, k = 0;

	while (i < h && j < n)
		tmp[k++] = group_cmp(&g[j], &g[i], c) < 0 ? g[j++] : g[i++];
	while (i < h)
		tmp[k++] = g[i++];
	while (j < n)
		tmp[k++] = g[j++];
	memcpy(g, tmp, n * sizeof(*g));
}

int agg_sort(struct group *g, size_t n, enum agg_sort key, const struct owners *o)
{
	struct sort_ctx c = { key, o };
	struct group *tmp;

	/* unsorted groups would make --top N show the wrong ones: fail instead */
	if (n > (SIZE_MAX - 1) / sizeof(*tmp))
		return -ENOMEM;
	tmp = malloc(n * sizeof(*tmp) + 1);
	if (!tmp)
		return -ENOMEM;
	merge_sort(g, tmp, n, &c);
	free(tmp);
	return 0;
}

int agg_sort_parse(const char *name, enum agg_sort *key)
{
	static const struct {
		const char *name;
		enum agg_sort key;
	} keys[] = {
		{ "charged", SORT_CHARGED },
		{ "charged_bytes", SORT_CHARGED },
		{ "sockets", SORT_SOCKETS },
		{ "r", SORT_R },
		{ "w", SORT_W },
		{ "f", SORT_F },
		{ "t", SORT_T },
		{ "rb", SORT_RB },
		{ "tb", SORT_TB },
		{ "pid", SORT_PID },
		{ "comm", SORT_COMM },
	};

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strcmp(name, keys[i].name) == 0) {
			*key = keys[i].key;
			return 0;
		}
	return -EINVAL;
}

void agg_reconcile(const struct sums *tot, struct maybe sockstat_mem, uint64_t ncpu,
		   struct maybe pcpu_rsv, struct reconcile *out)
{
	memset(out, 0, sizeof(*out));
	out->sockets_pages = tot->charged_pages;
	out->sockstat_pages = sockstat_mem;
	if (pcpu_rsv.has && ncpu)
		out->tolerance_pages = maybe_mul(pcpu_rsv, (int64_t)ncpu);
	if (!sockstat_mem.has)
		return;
	int64_t gap;

	if (tot->charged_pages > INT64_MAX ||
	    __builtin_sub_overflow(sockstat_mem.v, (int64_t)tot->charged_pages, &gap) ||
	    gap == INT64_MIN)
		return; /* not representable: leave the gap and verdict absent */

	out->gap_pages = maybe_of(gap);
	if (out->tolerance_pages.has)
		out->within = maybe_of((gap < 0 ? -gap : gap) <= out->tolerance_pages.v);
}
