// SPDX-License-Identifier: GPL-2.0-or-later
/* recording.c - series storage for plot: appended samples and keyed series. */
#include "model/recording.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void rec_init(struct recording *rec)
{
	memset(rec, 0, sizeof(*rec));
}

static void set_free(struct rec_set *set)
{
	for (size_t i = 0; i < set->n; i++) {
		free(set->s[i].key);
		free(set->s[i].label);
		free(set->s[i].pts);
	}
	free(set->s);
	idmap_free(&set->by_hash);
	memset(set, 0, sizeof(*set));
}

void rec_free(struct recording *rec)
{
	free(rec->samples);
	set_free(&rec->groups);
	set_free(&rec->rates);
	rec_init(rec);
}

/* Grows *p (elements of size) to hold one more than n; 0 or -ENOMEM. */
static int grow(void **p, size_t *cap, size_t n, size_t size)
{
	size_t c = *cap ? *cap * 2 : 16;
	void *q;

	if (n < *cap)
		return 0;
	if (c > SIZE_MAX / size)
		return -ENOMEM;
	q = realloc(*p, c * size);
	if (!q)
		return -ENOMEM;
	*p = q;
	*cap = c;
	return 0;
}

long rec_add_sample(struct recording *rec, const struct rec_sample *s)
{
	if (rec->n >= UINT32_MAX - 1 ||
	    grow((void **)&rec->samples, &rec->cap, rec->n, sizeof(*s)) != 0)
		return -ENOMEM;
	rec->samples[rec->n] = *s;
	return (long)rec->n++;
}

/* FNV-1a over the key text. */
static uint64_t key_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return h;
}

static struct rec_series *set_find(const struct rec_set *set, const char *key, uint64_t h)
{
	uint32_t i;

	if (idmap_get(&set->by_hash, h, &i) && strcmp(set->s[i].key, key) == 0)
		return &set->s[i];
	if (!idmap_get(&set->by_hash, h, &i))
		return NULL;
	/* two keys with one hash: the map holds the first, scan for the rest */
	for (size_t k = 0; k < set->n; k++)
		if (strcmp(set->s[k].key, key) == 0)
			return &set->s[k];
	return NULL;
}

struct rec_series *rec_series_get(struct rec_set *set, const char *key, const char *label)
{
	uint64_t h = key_hash(key);
	struct rec_series *s = set_find(set, key, h);

	if (s)
		return s;
	if (set->n >= UINT32_MAX - 1 ||
	    grow((void **)&set->s, &set->cap, set->n, sizeof(*set->s)) != 0)
		return NULL;
	s = &set->s[set->n];
	memset(s, 0, sizeof(*s));
	s->key = strdup(key);
	s->label = strdup(label);
	if (!s->key || !s->label || idmap_put(&set->by_hash, h, (uint32_t)set->n, NULL) < 0) {
		free(s->key);
		free(s->label);
		return NULL;
	}
	set->n++;
	return s;
}

int rec_series_add(struct rec_series *s, struct rec_pt p)
{
	if (grow((void **)&s->pts, &s->cap, s->n, sizeof(p)) != 0)
		return -ENOMEM;
	s->pts[s->n++] = p;
	if (p.v > s->peak)
		s->peak = p.v;
	return 0;
}

size_t rec_top_by_peak(const struct rec_set *set, size_t max, double min_peak, size_t *idx)
{
	size_t k = 0;

	for (size_t i = 0; i < set->n; i++) {
		size_t j;

		if (!(set->s[i].peak > min_peak))
			continue;
		/* insertion into idx[0..k), largest first; equal peaks keep order */
		for (j = k; j > 0 && set->s[idx[j - 1]].peak < set->s[i].peak; j--)
			if (j < max)
				idx[j] = idx[j - 1];
		if (j < max) {
			idx[j] = i;
			if (k < max)
				k++;
		}
	}
	return k;
}
