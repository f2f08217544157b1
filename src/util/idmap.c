// SPDX-License-Identifier: GPL-2.0-or-later
/* idmap.c - linear probing at load factor <= 1/2 over a mixed 64-bit key. */
#include "util/idmap.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* A 64-bit finaliser (MurmurHash3's): cookies, inodes and small keys alike
 * spread over every bit before masking. */
static uint64_t mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

/* Slot of key, or of the empty slot where it would go. */
static size_t probe(const struct idmap *m, uint64_t key)
{
	size_t h = (size_t)mix64(key) & (m->cap - 1);

	while (m->slot[h].val1 && m->slot[h].key != key)
		h = (h + 1) & (m->cap - 1);
	return h;
}

static int rehash(struct idmap *m, size_t cap)
{
	struct idmap_slot *old = m->slot;
	size_t oldcap = m->cap;

	if (cap > SIZE_MAX / sizeof(*old))
		return -ENOMEM;
	m->slot = calloc(cap, sizeof(*m->slot));
	if (!m->slot) {
		m->slot = old;
		return -ENOMEM;
	}
	m->cap = cap;
	for (size_t i = 0; i < oldcap; i++)
		if (old[i].val1)
			m->slot[probe(m, old[i].key)] = old[i];
	free(old);
	return 0;
}

int idmap_init(struct idmap *m, size_t expect)
{
	size_t cap = 64;

	memset(m, 0, sizeof(*m));
	while (cap / 2 < expect) {
		if (cap > SIZE_MAX / 4)
			return -ENOMEM;
		cap <<= 1;
	}
	return expect ? rehash(m, cap) : 0;
}

int idmap_put(struct idmap *m, uint64_t key, uint32_t val, uint32_t *old)
{
	size_t h;

	if ((m->n + 1) * 2 > m->cap) {
		int err = rehash(m, m->cap ? m->cap * 2 : 64);

		if (err)
			return err;
	}
	h = probe(m, key);
	if (m->slot[h].val1) {
		if (old)
			*old = m->slot[h].val1 - 1;
		return 0;
	}
	m->slot[h] = (struct idmap_slot){ key, val + 1 };
	m->n++;
	return 1;
}

bool idmap_get(const struct idmap *m, uint64_t key, uint32_t *val)
{
	size_t h;

	if (!m->cap)
		return false;
	h = probe(m, key);
	if (!m->slot[h].val1)
		return false;
	*val = m->slot[h].val1 - 1;
	return true;
}

void idmap_free(struct idmap *m)
{
	free(m->slot);
	memset(m, 0, sizeof(*m));
}
