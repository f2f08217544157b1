// SPDX-License-Identifier: GPL-2.0-or-later
/* test_num.c - the one decimal parser, at its edges. */
#include "testutil.h"

#include <errno.h>

#include "util/num.h"

static void test_u64_whole_string(void **state)
{
	uint64_t v = 7;

	(void)state;
	assert_int_equal(num_u64("0", 10, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(num_u64("2147483647", INT32_MAX, &v), 0);
	assert_int_equal(v, 2147483647);
	/* one past the bound, including the last digit (2147483649 was accepted
	 * by the old pid parser's check) */
	assert_int_equal(num_u64("2147483648", INT32_MAX, &v), -ERANGE);
	assert_int_equal(num_u64("2147483649", INT32_MAX, &v), -ERANGE);
	assert_int_equal(num_u64("18446744073709551615", UINT64_MAX, &v), 0);
	assert_true(v == UINT64_MAX);
	assert_int_equal(num_u64("18446744073709551616", UINT64_MAX, &v), -ERANGE);
	v = 7;
	const char *bad[] = { "", " 1", "1 ", "+1", "-1", "0x10", "1e3", "١" };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(num_u64(bad[i], UINT64_MAX, &v), -EINVAL);
	assert_int_equal(v, 7); /* untouched on failure */
	/* a non-digit after an overflowing prefix is still "not a number" */
	assert_int_equal(num_u64("99999999999999999999x", UINT64_MAX, &v), -EINVAL);
}

static void test_u64n_bounded_buffer(void **state)
{
	const char link[] = "socket:[4026531992]";
	uint64_t v;

	(void)state;
	assert_int_equal(num_u64n(link + 8, 10, UINT32_MAX, &v), 0);
	assert_int_equal(v, 4026531992u);
	assert_int_equal(num_u64n(link + 8, 11, UINT32_MAX, &v), -EINVAL); /* the ']' */
	assert_int_equal(num_u64n("65536", 5, 65535, &v), -ERANGE);
	assert_int_equal(num_u64n("65535", 5, 65535, &v), 0);
	assert_int_equal(num_u64n("1", 0, 9, &v), -EINVAL);
}

static void test_i64_prefix(void **state)
{
	const char *end = NULL;
	int64_t v;

	(void)state;
	assert_int_equal(num_i64_prefix("-42 rest", &end, &v), 0);
	assert_int_equal(v, -42);
	assert_string_equal(end, " rest");
	assert_int_equal(num_i64_prefix("9223372036854775807", NULL, &v), 0);
	assert_true(v == INT64_MAX);
	assert_int_equal(num_i64_prefix("-9223372036854775807", NULL, &v), 0);
	assert_true(v == -INT64_MAX);
	assert_int_equal(num_i64_prefix("9223372036854775808", NULL, &v), -ERANGE);
	assert_int_equal(num_i64_prefix("-9223372036854775808", NULL, &v), -ERANGE);
	assert_int_equal(num_i64_prefix("-", NULL, &v), -EINVAL);
	assert_int_equal(num_i64_prefix("--1", NULL, &v), -EINVAL);
	assert_int_equal(num_i64_prefix(" 1", NULL, &v), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_u64_whole_string),
		cmocka_unit_test(test_u64n_bounded_buffer),
		cmocka_unit_test(test_i64_prefix),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
