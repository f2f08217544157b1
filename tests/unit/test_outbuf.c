// SPDX-License-Identifier: GPL-2.0-or-later
/* test_outbuf.c - number formatting and per-format escaping of untrusted text. */
#include "testutil.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "util/outbuf.h"

/* --- numbers --- */

static void check_human(uint64_t bytes, const char *want)
{
	char buf[32];

	memset(buf, 'x', sizeof(buf));
	size_t n = fmt_human(buf, bytes);

	assert_string_equal(buf, want);
	assert_int_equal(n, strlen(want));
	assert_true(n < 16); /* the documented buffer size */
}

static void test_fmt_human(void **state)
{
	(void)state;
	check_human(0, "0");
	check_human(1, "1");
	check_human(512, "512");
	check_human(1023, "1023");
	check_human(1024, "1.0K");
	check_human(1536, "1.5K");
	check_human(1126, "1.1K");   /* 1.0996 rounds up */
	check_human(1075, "1.0K");   /* 1.0498 rounds down */
	check_human(131072, "128.0K");
	check_human(105728, "103.3K");   /* 103.25 rounds half up */
	check_human(3939840, "3.8M");
	check_human(33554432, "32.0M");
	check_human(1048576, "1.0M");
	check_human(UINT64_C(1073741824), "1.0G");
	check_human(UINT64_C(1) << 40, "1.0T");
	check_human(UINT64_C(1) << 50, "1.0P");
	check_human(UINT64_C(1) << 60, "1.0E");
	check_human(UINT64_MAX, "16.0E");
	/* above UINT64_MAX / 10 bytes the tenths were truncated, not rounded */
	check_human(UINT64_C(1902320482601297511), "1.7E"); /* 1.65000000000000000000087E */
	check_human(UINT64_C(18446744073695553322), "16.0E"); /* 15.99999999998786E */
}

static void test_fmt_human_rounding_carries(void **state)
{
	(void)state;
	/* Rounding up to 1024.0 of a unit carries into the next unit. */
	check_human(1048575, "1.0M");		/* 1023.999K */
	check_human(1048524, "1023.9K");	/* 1023.949K: no carry */
	check_human(1048525, "1.0M");		/* 1023.950K rounds to 1024.0K */
	check_human(UINT64_C(1073741823), "1.0G");
	check_human((UINT64_C(1) << 60) - 1, "1.0E");
}

static void test_fmt_u64_and_ob_numbers(void **state)
{
	char buf[32];
	struct outbuf b;

	(void)state;
	assert_int_equal(fmt_u64(buf, 0), 1);
	assert_string_equal(buf, "0");
	assert_int_equal(fmt_u64(buf, UINT64_MAX), 20);
	assert_string_equal(buf, "18446744073709551615");

	assert_int_equal(ob_init_mem(&b), 0);
	ob_u64(&b, 4096);
	ob_ch(&b, ' ');
	ob_i64(&b, -600);
	ob_ch(&b, ' ');
	ob_i64(&b, INT64_MIN);
	ob_ch(&b, ' ');
	ob_i64(&b, INT64_MAX);
	ob_str(&b, "|");
	ob_spaces(&b, 3);
	ob_str(&b, "|");
	assert_ob_eq(&b, "4096 -600 -9223372036854775808 9223372036854775807|   |");
	assert_int_equal(ob_finish(&b), 0);
}

static void check_hundredths(int64_t v, const char *want)
{
	struct outbuf b;

	assert_int_equal(ob_init_mem(&b), 0);
	ob_hundredths(&b, v);
	assert_ob_eq(&b, want);
	assert_int_equal(ob_finish(&b), 0);
}

/* Percentages: total over int64_t, a sign for every negative value
 * (a negative sockstat mem once gave "-4..("), always two decimals. */
static void test_hundredths(void **state)
{
	(void)state;
	check_hundredths(0, "0.00");
	check_hundredths(5, "0.05");
	check_hundredths(50, "0.50");
	check_hundredths(100, "1.00");
	check_hundredths(429, "4.29");
	check_hundredths(12345, "123.45");
	check_hundredths(-1, "-0.01");
	check_hundredths(-5, "-0.05");
	check_hundredths(-99, "-0.99");
	check_hundredths(-100, "-1.00");
	check_hundredths(-429, "-4.29");
	check_hundredths(-12345, "-123.45");
	check_hundredths(INT64_MAX, "92233720368547758.07");
	check_hundredths(INT64_MIN, "-92233720368547758.08");
	check_hundredths(INT64_MIN + 1, "-92233720368547758.07");
}

static void test_mem_buffer_grows(void **state)
{
	struct outbuf b;
	size_t total = 0;

	(void)state;
	assert_int_equal(ob_init_mem(&b), 0);
	/* Well past the initial capacity, by every write path. */
	for (int i = 0; i < 3000; i++) {
		ob_str(&b, "abc");
		ob_ch(&b, '-');
		total += 4;
	}
	ob_spaces(&b, 100);
	total += 100;
	assert_int_equal(b.len, total);
	assert_int_equal(b.err, 0);
	assert_memory_equal(b.p + 11996, "abc-", 4);
	assert_int_equal(b.p[total - 1], ' ');
	ob_reset(&b);
	assert_int_equal(b.len, 0);
	ob_str(&b, "again");
	assert_ob_eq(&b, "again");
	assert_int_equal(ob_finish(&b), 0);
	assert_null(b.p);
}

static void test_file_buffer(void **state)
{
	char *mem = NULL;
	size_t memlen = 0;
	FILE *f = open_memstream(&mem, &memlen);
	struct outbuf b;
	static char big[300 * 1024];

	(void)state;
	assert_non_null(f);
	memset(big, 'z', sizeof(big));
	assert_int_equal(ob_init(&b, f), 0);
	ob_str(&b, "head ");
	ob_write(&b, big, sizeof(big)); /* larger than the buffer itself */
	ob_str(&b, " tail");
	assert_int_equal(ob_finish(&b), 0);
	fclose(f);
	assert_int_equal(memlen, 5 + sizeof(big) + 5);
	assert_memory_equal(mem, "head z", 6);
	assert_memory_equal(mem + memlen - 6, "z tail", 6);
	free(mem);
}

/* --- JSON strings --- */

static void check_json(const char *in, const char *want)
{
	struct outbuf b;

	assert_int_equal(ob_init_mem(&b), 0);
	ob_json_str(&b, in);
	assert_ob_eq(&b, want);
	ob_finish(&b);
}

static void test_json_escapes(void **state)
{
	(void)state;
	check_json("", "\"\"");
	check_json("nginx", "\"nginx\"");
	check_json("a\"b", "\"a\\\"b\"");
	check_json("a\\b", "\"a\\\\b\"");
	check_json("\x01", "\"\\u0001\"");
	check_json("\x1f", "\"\\u001f\"");
	check_json("\x7f", "\"\\u007f\"");
	check_json("t\tn\nr\r", "\"t\\u0009n\\u000ar\\u000d\"");
	check_json(" ~", "\" ~\"");
	/* a comm with a newline, tab and quote inside */
	check_json("we\tird\"na\nme", "\"we\\u0009ird\\\"na\\u000ame\"");
}

static void test_json_utf8(void **state)
{
	(void)state;
	/* Valid UTF-8 passes through byte for byte. */
	check_json("caf\xc3\xa9", "\"caf\xc3\xa9\"");			/* é, 2 bytes */
	check_json("\xe2\x82\xac", "\"\xe2\x82\xac\"");			/* €, 3 bytes */
	check_json("\xf0\x9f\x98\x80!", "\"\xf0\x9f\x98\x80!\"");	/* U+1F600, 4 bytes */
	check_json("\xef\xbf\xbf", "\"\xef\xbf\xbf\"");			/* U+FFFF */
	check_json("\xf4\x8f\xbf\xbf", "\"\xf4\x8f\xbf\xbf\"");		/* U+10FFFF */
	/* Invalid bytes each become U+FFFD, and the rest still comes through. */
	check_json("\xff", "\"\\ufffd\"");
	check_json("a\x80z", "\"a\\ufffdz\"");				/* lone continuation */
	check_json("\xc0\xaf", "\"\\ufffd\\ufffd\"");			/* overlong '/' */
	check_json("\xe0\x80\xaf", "\"\\ufffd\\ufffd\\ufffd\"");	/* overlong, 3 bytes */
	check_json("\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"");	/* surrogate D800 */
	check_json("\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\""); /* > U+10FFFF */
	check_json("\xc3", "\"\\ufffd\"");				/* truncated at the end */
	check_json("\xe2\x82", "\"\\ufffd\\ufffd\"");
	check_json("\xc3(", "\"\\ufffd(\"");				/* bad continuation */
}

/* --- TSV and table --- */

static void check_tsv(const char *in, const char *extra, const char *want)
{
	struct outbuf b;

	assert_int_equal(ob_init_mem(&b), 0);
	ob_tsv_str(&b, in, extra);
	assert_ob_eq(&b, want);
	ob_finish(&b);
}

static void test_tsv_escapes(void **state)
{
	(void)state;
	check_tsv("", NULL, "");
	check_tsv("plain name", NULL, "plain name");
	check_tsv("a\tb", NULL, "a\\tb");
	check_tsv("a\nb", NULL, "a\\nb");
	check_tsv("a\rb", NULL, "a\\rb");
	check_tsv("a\\b", NULL, "a\\\\b");
	check_tsv("\x01\x1f\x7f", NULL, "\\x01\\x1f\\x7f");
	check_tsv("we\tird\"na\nme", NULL, "we\\tird\"na\\nme");
	/* Bytes >= 0x80 are not control bytes: they pass. */
	check_tsv("caf\xc3\xa9", NULL, "caf\xc3\xa9");
	/* The extra set: "," inside a list cell, nothing else changes. */
	check_tsv("a,b;c", ",", "a\\x2cb;c");
	check_tsv("a,b;c", ",;", "a\\x2cb\\x3bc");
	check_tsv("a,b", "", "a,b");
}

static void check_prom(const char *in, const char *want)
{
	struct outbuf b;

	assert_int_equal(ob_init_mem(&b), 0);
	ob_prom_label_str(&b, in);
	assert_ob_eq(&b, want);
	ob_finish(&b);
}

/* Prometheus label values: the format's three escapes; control bytes and
 * invalid UTF-8 as U+FFFD; everything else exact. */
#define FFFD "\xef\xbf\xbd"
static void test_prom_label_escapes(void **state)
{
	(void)state;
	check_prom("", "");
	check_prom("nginx", "nginx");
	check_prom("a\"b", "a\\\"b");
	check_prom("a\\b", "a\\\\b");
	check_prom("a\nb", "a\\nb");
	check_prom("a\tb\rc\x1b\x7f", "a" FFFD "b" FFFD "c" FFFD FFFD);
	check_prom("caf\xc3\xa9", "caf\xc3\xa9");
	check_prom("x\xff\xc3", "x" FFFD FFFD);
	/* systemd's own escape in a unit name stays as it is, backslash escaped */
	check_prom("/system.slice/dev-disk-by\\x2duuid.swap",
		   "/system.slice/dev-disk-by\\\\x2duuid.swap");
}

static void check_table(const char *in, const char *extra, const char *want)
{
	struct outbuf b;

	assert_int_equal(ob_init_mem(&b), 0);
	ob_table_str(&b, in, extra);
	assert_ob_eq(&b, want);
	ob_finish(&b);
}

static void test_table_escapes(void **state)
{
	(void)state;
	check_table("", NULL, "");
	check_table("nginx: worker", NULL, "nginx: worker");
	check_table("a\\b", NULL, "a\\\\b");
	check_table("a\tb", NULL, "a\\x09b");
	check_table("a\nb", NULL, "a\\x0ab");
	check_table("\x7f", NULL, "\\x7f");
	check_table("caf\xc3\xa9", NULL, "caf\\xc3\\xa9");
	check_table("we\tird\"na\nme", NULL, "we\\x09ird\"na\\x0ame");
	check_table("a,b", ",", "a\\x2cb");
	check_table("a b", " ", "a\\x20b");
}

/* A held buffer writes nothing until the hold is exceeded; then it writes
 * what it held and goes back to an ordinary buffer's size, not to the
 * larger one the hold grew to. */
static void test_hold_then_stream(void **state)
{
	FILE *f = tmpfile();
	struct outbuf b;
	char piece[1024];

	(void)state;
	assert_non_null(f);
	memset(piece, 'x', sizeof(piece));
	assert_int_equal(ob_init_held(&b, f, 600 * 1024), 0);
	for (int i = 0; i < 600; i++)
		ob_write(&b, piece, sizeof(piece));
	fflush(f);
	assert_int_equal(ftell(f), 0); /* all of it held */
	assert_true(b.cap > 600 * 1024);
	for (int i = 0; i < 50; i++)
		ob_write(&b, piece, sizeof(piece));
	fflush(f);
	assert_int_equal(ftell(f), 600 * 1024); /* the held part, written at once */
	assert_int_equal(b.cap, 256 * 1024);
	assert_int_equal(ob_finish(&b), 0);
	assert_int_equal(ftell(f), 650 * 1024);
	fclose(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fmt_human),
		cmocka_unit_test(test_fmt_human_rounding_carries),
		cmocka_unit_test(test_fmt_u64_and_ob_numbers),
		cmocka_unit_test(test_hundredths),
		cmocka_unit_test(test_mem_buffer_grows),
		cmocka_unit_test(test_file_buffer),
		cmocka_unit_test(test_json_escapes),
		cmocka_unit_test(test_json_utf8),
		cmocka_unit_test(test_tsv_escapes),
		cmocka_unit_test(test_prom_label_escapes),
		cmocka_unit_test(test_table_escapes),
		cmocka_unit_test(test_hold_then_stream),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
