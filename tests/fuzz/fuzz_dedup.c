// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_dedup.c - libFuzzer target for the socket table's cookie dedup
 * (sock_table_add in src/model/sock.c), against a plain model: records stay in
 * insertion order, the first record of a cookie wins, every later one is
 * counted in dup_dropped, and the open-addressing index holds each record
 * exactly once under its cookie, at most half full, across every rehash.
 *
 * Input: operations, one byte each, then their arguments:
 *   0 add a record with an 8-byte cookie
 *   1 add a record with the cookie of an earlier record (1 byte picks it)
 *   2 add a run: 8-byte base, 1-byte stride, 2-byte count (% 1500), so
 *     the table crosses its rehash sizes (512, 1024, 2048, 4096 records)
 *   3 add a run of cookies that differ only in their high 32 bits
 *     (idiag_cookie[1]): 4-byte low half, 2-byte count (% 600)
 *   4 free the table and start again (it must be reusable)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/sock.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c)                         \
	do {                             \
		if (!(c))                \
			__builtin_trap(); \
	} while (0)

#define MAX_RECS 6000
#define SET_CAP	 16384 /* > 2 * MAX_RECS, power of two */

struct model {
	uint64_t cookie[MAX_RECS]; /* kept records, in order */
	uint32_t inode[MAX_RECS];  /* which add produced each */
	size_t n;
	uint64_t dups;
	/* a set of kept cookies with its own hash (not sock.c's) */
	uint64_t set[SET_CAP];
	uint8_t used[SET_CAP];
};

#define MAX_ADDS 10000 /* per input, duplicates included: keeps inputs fast */

static struct model m;
static uint32_t serial; /* inode of the next record, to tell adds apart */

static size_t set_slot(uint64_t c)
{
	size_t h = (size_t)((c * 0x9e3779b97f4a7c15ULL) >> 48) & (SET_CAP - 1);

	while (m.used[h] && m.set[h] != c)
		h = (h + 1) & (SET_CAP - 1);
	return h;
}

static void add(struct sock_table *t, uint64_t cookie)
{
	struct sock_rec r;
	size_t h = set_slot(cookie);
	int want = !m.used[h], got;

	if ((m.n >= MAX_RECS && want) || serial >= MAX_ADDS)
		return;
	memset(&r, 0, sizeof(r));
	r.cookie = cookie;
	r.inode = ++serial;
	r.family = 2;
	got = sock_table_add(t, &r);
	CHECK(got == want);
	if (want) {
		m.used[h] = 1;
		m.set[h] = cookie;
		m.cookie[m.n] = cookie;
		m.inode[m.n++] = r.inode;
	} else {
		m.dups++;
	}
}

static void check(const struct sock_table *t)
{
	static uint8_t seen[MAX_RECS];
	size_t used = 0;

	CHECK(t->n == m.n && t->dup_dropped == m.dups && t->n <= t->cap);
	for (size_t i = 0; i < t->n; i++)
		CHECK(t->v[i].cookie == m.cookie[i] && t->v[i].inode == m.inode[i]);
	if (!t->cookie_cap) {
		CHECK(t->n == 0);
		return;
	}
	CHECK((t->cookie_cap & (t->cookie_cap - 1)) == 0 && t->n * 2 <= t->cookie_cap);
	memset(seen, 0, t->n);
	for (size_t h = 0; h < t->cookie_cap; h++) {
		uint32_t i1 = t->cookie_idx[h].idx1;

		if (!i1)
			continue;
		CHECK(i1 <= t->n && !seen[i1 - 1]);
		CHECK(t->cookie_idx[h].cookie == t->v[i1 - 1].cookie);
		seen[i1 - 1] = 1;
		used++;
	}
	CHECK(used == t->n);
}

static void reset_model(void)
{
	memset(m.used, 0, sizeof(m.used));
	m.n = 0;
	m.dups = 0;
}

static uint64_t take(const uint8_t **p, size_t *left, size_t n)
{
	uint64_t v = 0;

	for (size_t i = 0; i < n && *left; i++, (*p)++, (*left)--)
		v |= (uint64_t)**p << (8 * i);
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sock_table t = { 0 };
	size_t ops = 0;

	reset_model();
	serial = 0;
	while (size > 0 && ops++ < 24) {
		uint8_t op = (uint8_t)take(&data, &size, 1) % 5;

		switch (op) {
		case 0: add(&t, take(&data, &size, 8)); break;
		case 1: {
			uint8_t k = (uint8_t)take(&data, &size, 1);

			add(&t, m.n ? m.cookie[k % m.n] : k);
			break;
		}
		case 2: {
			uint64_t base = take(&data, &size, 8);
			uint64_t stride = take(&data, &size, 1);
			size_t count = take(&data, &size, 2) % 1500;

			for (size_t i = 0; i < count; i++)
				add(&t, base + i * stride);
			break;
		}
		case 3: {
			uint64_t lo = take(&data, &size, 4);
			size_t count = take(&data, &size, 2) % 600;

			for (size_t i = 0; i < count; i++)
				add(&t, lo | (uint64_t)(i * 0x10001u) << 32);
			break;
		}
		default:
			check(&t);
			sock_table_free(&t);
			CHECK(t.n == 0 && t.v == NULL && t.cookie_idx == NULL && t.dup_dropped == 0);
			reset_model();
			break;
		}
		CHECK(t.n == m.n && t.dup_dropped == m.dups);
	}
	check(&t);
	sock_table_free(&t);
	return 0;
}
