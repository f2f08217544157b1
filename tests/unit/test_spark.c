// SPDX-License-Identifier: GPL-2.0-or-later
/* test_spark.c - the watch screen's sparkline and tcp_mem gauge, exact strings. */
#include "testutil.h"

#include "render/spark.h"

#define P(x) maybe_of(x)
#define NA   maybe_none()

static void check_spark(const struct maybe *v, size_t n, size_t width, uint64_t max, bool utf8,
			const char *want)
{
	struct outbuf b;

	assert_int_equal(ob_init_mem(&b), 0);
	spark_line(&b, v, n, width, max, utf8);
	assert_ob_eq(&b, want);
	free(b.p);
}

static void test_spark_levels(void **state)
{
	(void)state;
	/* 0..8 of 8: floor(v*8/8) capped at 7, so 7 and 8 both full */
	const struct maybe v[] = { P(0), P(1), P(2), P(3), P(4), P(5), P(6), P(7), P(8) };

	check_spark(v, 9, 9, 8, true, "▁▂▃▄▅▆▇██");
	check_spark(v, 9, 9, 8, false, "_.:-=+*##");
	assert_int_equal(spark_level(0, 100), 0);
	assert_int_equal(spark_level(12, 100), 0); /* 0.96 */
	assert_int_equal(spark_level(13, 100), 1); /* 1.04 */
	assert_int_equal(spark_level(99, 100), 7);
	assert_int_equal(spark_level(-5, 100), 0);
	assert_int_equal(spark_level(INT64_MAX, UINT64_MAX), 3); /* no overflow */
	assert_int_equal(spark_level(INT64_MAX, 1), 7);
	assert_int_equal(spark_level(0, 0), 0);
	assert_int_equal(spark_level(1, 0), 7);
}

static void test_spark_last_n_and_absent(void **state)
{
	(void)state;
	const struct maybe v[] = { P(800), P(0), NA, P(400), P(1000), P(50) };

	/* the last 4 of 6: absent is a space, above max is full */
	check_spark(v, 6, 4, 800, true, " ▅█▁");
	check_spark(v, 6, 4, 800, false, " =#_");
	/* fewer values than cells: right-aligned */
	check_spark(v, 2, 5, 800, false, "   #_");
	check_spark(v, 0, 3, 800, true, "   ");
	check_spark(v, 6, 0, 800, true, "");
}

static void check_gauge(struct maybe v, struct gauge_marks m, size_t width, bool utf8,
			const char *want)
{
	struct outbuf b;

	assert_int_equal(ob_init_mem(&b), 0);
	gauge_bar(&b, v, &m, width, utf8);
	assert_ob_eq(&b, want);
	free(b.p);
}

static void test_gauge(void **state)
{
	(void)state;
	/* tcp_mem 100 150 200 over 20 cells: l at 10, p at 15, h clamped to 19 */
	struct gauge_marks m = { P(100), P(150), P(200) };

	check_gauge(P(0), m, 20, false, "..........l....p...h");
	check_gauge(P(60), m, 20, false, "######....l....p...h");
	check_gauge(P(1), m, 20, false, "#.........l....p...h");   /* > 0 shows */
	check_gauge(P(160), m, 20, false, "##########l####p...h"); /* past pressure */
	check_gauge(P(200), m, 20, false, "##########l####p###h");
	check_gauge(P(60), m, 20, true, "██████░░░░l░░░░p░░░h");
	check_gauge(NA, m, 20, false, "..........l....p...h");
	/* above high: the scale is the value, marks move left */
	check_gauge(P(400), m, 8, false, "##lph###");
}

static void test_gauge_missing_marks(void **state)
{
	(void)state;
	/* no high: the scale is the largest present of value and marks */
	struct gauge_marks lp = { P(100), P(200), NA };
	struct gauge_marks none = { NA, NA, NA };
	struct gauge_marks same = { P(99), P(100), P(100) };

	check_gauge(P(50), lp, 10, false, "##...l...p");
	check_gauge(P(50), none, 4, false, "####");
	check_gauge(NA, none, 4, true, "░░░░");
	check_gauge(P(0), none, 3, false, "...");
	/* width 4 over 100: low in cell 3, pressure and high clamp to 3 too */
	check_gauge(P(10), same, 4, false, "#..h");
	check_gauge(P(10), same, 0, false, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spark_levels),
		cmocka_unit_test(test_spark_last_n_and_absent),
		cmocka_unit_test(test_gauge),
		cmocka_unit_test(test_gauge_missing_marks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
