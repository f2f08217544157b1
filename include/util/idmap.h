/* SPDX-License-Identifier: GPL-2.0-or-later */
/* idmap.h - one open-addressing map from a 64-bit key (socket cookie,
 * socket inode, group key) to a 32-bit index. The key sits in the slot, so
 * a probe never touches the (large, cold) records the index points at. */
#ifndef SOCKMEM_IDMAP_H
#define SOCKMEM_IDMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct idmap_slot {
	uint64_t key;
	uint32_t val1; /* value + 1; 0 = empty */
};

struct idmap {
	struct idmap_slot *slot;
	size_t cap; /* power of two, 0 before the first put */
	size_t n;
};

/* An empty map sized for about expect keys without growing (0: grow on
 * demand). Returns 0 or -ENOMEM. */
int idmap_init(struct idmap *m, size_t expect);

/* Maps key to val unless key is present already. Returns 1 if added, 0 if
 * present (then *old, if not NULL, is its value), or -ENOMEM (map unchanged).
 * val must be below UINT32_MAX. */
int idmap_put(struct idmap *m, uint64_t key, uint32_t val, uint32_t *old);

/* Whether key is present; its value in *val. */
bool idmap_get(const struct idmap *m, uint64_t key, uint32_t *val);

/* Frees the slots; the map is empty and reusable. */
void idmap_free(struct idmap *m);

#endif
