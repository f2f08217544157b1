// SPDX-License-Identifier: GPL-2.0-or-later
/* test_idmap.c - the one key -> index map behind cookies, inodes and groups. */
#include "testutil.h"

#include "util/idmap.h"

static void test_put_get_dup(void **state)
{
	struct idmap m;
	uint32_t v = 99, old = 99;

	(void)state;
	assert_int_equal(idmap_init(&m, 0), 0);
	assert_false(idmap_get(&m, 5, &v)); /* empty, never allocated */
	assert_int_equal(idmap_put(&m, 0, 7, NULL), 1); /* key 0 is a key like any */
	assert_int_equal(idmap_put(&m, UINT64_MAX, UINT32_MAX - 1, NULL), 1);
	assert_int_equal(idmap_put(&m, 0, 8, &old), 0); /* first value stays */
	assert_int_equal(old, 7);
	assert_true(idmap_get(&m, 0, &v));
	assert_int_equal(v, 7);
	assert_true(idmap_get(&m, UINT64_MAX, &v));
	assert_int_equal(v, UINT32_MAX - 1);
	assert_false(idmap_get(&m, 1, &v));
	assert_int_equal(m.n, 2);
	idmap_free(&m);
	assert_null(m.slot);
}

/* Many keys that differ only in high bits, through several rehashes: each
 * found with its own value, the load factor kept at or below 1/2. */
static void test_growth(void **state)
{
	struct idmap m;
	const uint32_t n = 50000;
	uint32_t v;

	(void)state;
	assert_int_equal(idmap_init(&m, 0), 0);
	for (uint32_t i = 0; i < n; i++)
		assert_int_equal(idmap_put(&m, (uint64_t)i << 40, i, NULL), 1);
	assert_int_equal(m.n, n);
	assert_true(m.n * 2 <= m.cap && (m.cap & (m.cap - 1)) == 0);
	for (uint32_t i = 0; i < n; i++) {
		assert_true(idmap_get(&m, (uint64_t)i << 40, &v));
		assert_int_equal(v, i);
	}
	assert_false(idmap_get(&m, (uint64_t)n << 40, &v));
	idmap_free(&m);
	/* sized up front: no rehash needed for the expected count */
	assert_int_equal(idmap_init(&m, 1000), 0);
	size_t cap = m.cap;

	for (uint32_t i = 0; i < 1000; i++)
		assert_int_equal(idmap_put(&m, i * 7919u, i, NULL), 1);
	assert_int_equal(m.cap, cap);
	idmap_free(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_put_get_dup),
		cmocka_unit_test(test_growth),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
