// SPDX-License-Identifier: GPL-2.0-or-later
/* test_jsonw.c - the JSON writer: exact bytes, nesting balance, misuse. */
#include "testutil.h"

#include <errno.h>

#include "util/jsonw.h"

struct doc {
	struct outbuf b;
	struct jw w;
};

static void start(struct doc *d)
{
	assert_int_equal(ob_init_mem(&d->b), 0);
	jw_init(&d->w, &d->b);
}

/* Ends the document, expects success and exactly want (newline included). */
static void end_ok(struct doc *d, const char *want)
{
	assert_int_equal(jw_end(&d->w), 0);
	assert_int_equal(d->b.err, 0);
	assert_ob_eq(&d->b, want);
	ob_finish(&d->b);
}

/* Ends a misused document: -JW_EMISUSE from jw_end, the outbuf failed too, and
 * nothing after the misuse was written (the bytes so far are want). */
static void end_misuse(struct doc *d, const char *want)
{
	assert_int_equal(d->w.err, JW_EMISUSE);
	assert_int_equal(d->b.err, JW_EMISUSE);
	assert_ob_eq(&d->b, want);
	assert_int_equal(jw_end(&d->w), -JW_EMISUSE);
	assert_ob_eq(&d->b, want); /* jw_end added no newline */
	assert_int_equal(ob_finish(&d->b), -JW_EMISUSE); /* what the render returns */
}

/* Ends a document that is fine so far but unbalanced: only jw_end sees it. */
static void end_unbalanced(struct doc *d, const char *want)
{
	assert_int_equal(d->w.err, 0);
	assert_int_equal(d->b.err, 0);
	assert_int_equal(jw_end(&d->w), -JW_EMISUSE);
	assert_int_equal(d->b.err, JW_EMISUSE); /* so the render fails, as a bug */
	assert_ob_eq(&d->b, want);
	assert_int_equal(ob_finish(&d->b), -JW_EMISUSE);
}

static void test_nested_document(void **state)
{
	struct doc d;

	(void)state;
	start(&d);
	jw_obj_begin(&d.w);
	jw_kv_u64(&d.w, "a", 1);
	jw_key(&d.w, "b");
	jw_arr_begin(&d.w, 0);
	jw_u64(&d.w, 1);
	jw_i64(&d.w, -2);
	jw_obj_begin(&d.w);
	jw_key(&d.w, "c");
	jw_null(&d.w);
	jw_kv_str(&d.w, "s", "q\"\\\x01");
	jw_obj_end(&d.w);
	jw_arr_begin(&d.w, 0);
	jw_arr_end(&d.w);
	jw_arr_end(&d.w);
	jw_key(&d.w, "d");
	jw_obj_begin(&d.w);
	jw_obj_end(&d.w);
	jw_key(&d.w, "t");
	jw_bool(&d.w, true);
	jw_key(&d.w, "f");
	jw_bool(&d.w, false);
	jw_obj_end(&d.w);
	end_ok(&d, "{\"a\":1,\"b\":[1,-2,{\"c\":null,\"s\":\"q\\\"\\\\\\u0001\"},[]],"
		   "\"d\":{},\"t\":true,\"f\":false}\n");
}

static void test_values(void **state)
{
	struct doc d;

	(void)state;
	start(&d);
	jw_arr_begin(&d.w, 0);
	jw_maybe(&d.w, maybe_of(-7));
	jw_maybe(&d.w, maybe_none());
	jw_maybe_bool(&d.w, maybe_of(2));
	jw_maybe_bool(&d.w, maybe_of(0));
	jw_maybe_bool(&d.w, maybe_none());
	jw_hundredths(&d.w, -429);
	jw_u64(&d.w, UINT64_MAX);
	jw_i64(&d.w, INT64_MIN);
	jw_kv_opt_u64(&d.w, "x", true, 1); /* a key in an array: misuse */
	end_misuse(&d, "[-7,null,true,false,null,-4.29,18446744073709551615,"
		       "-9223372036854775808");
}

static void test_keys_escaped_and_opt(void **state)
{
	struct doc d;

	(void)state;
	start(&d);
	jw_obj_begin(&d.w);
	jw_kv_opt_u64(&d.w, "a\"b", true, 5);
	jw_kv_opt_u64(&d.w, "n", false, 5);
	jw_kv_maybe(&d.w, "m", maybe_of(3));
	jw_obj_end(&d.w);
	end_ok(&d, "{\"a\\\"b\":5,\"n\":null,\"m\":3}\n");
}

/* JW_LINES: one element per line and the closer on its own line, the
 * layout of the sockets, groups and findings arrays. */
static void test_lines(void **state)
{
	struct doc d;

	(void)state;
	start(&d);
	jw_obj_begin(&d.w);
	jw_key(&d.w, "s");
	jw_arr_begin(&d.w, JW_LINES);
	for (int i = 1; i <= 2; i++) {
		jw_obj_begin(&d.w);
		jw_kv_u64(&d.w, "a", (uint64_t)i);
		jw_key(&d.w, "in");
		jw_arr_begin(&d.w, 0); /* compact inside */
		jw_u64(&d.w, 7);
		jw_u64(&d.w, 8);
		jw_arr_end(&d.w);
		jw_obj_end(&d.w);
	}
	jw_arr_end(&d.w);
	jw_key(&d.w, "e");
	jw_arr_begin(&d.w, JW_LINES);
	jw_arr_end(&d.w);
	jw_obj_end(&d.w);
	end_ok(&d, "{\"s\":[\n{\"a\":1,\"in\":[7,8]},\n{\"a\":2,\"in\":[7,8]}\n],\"e\":[\n]}\n");
}

/* jw_nl and JW_NL_ELEM: the snapshot's layout, a section per line and the
 * elements of big arrays on their own lines, without a line for the ']'. */
static void test_section_lines(void **state)
{
	struct doc d;

	(void)state;
	start(&d);
	jw_obj_begin(&d.w);
	jw_nl(&d.w); /* the first member: a newline, no comma */
	jw_kv_u64(&d.w, "a", 1);
	jw_kv_u64(&d.w, "b", 2);
	jw_nl(&d.w);
	jw_key(&d.w, "c");
	jw_arr_begin(&d.w, JW_NL_ELEM);
	jw_u64(&d.w, 3);
	jw_arr_begin(&d.w, 0);
	jw_nl(&d.w); /* within a compact array */
	jw_u64(&d.w, 4);
	jw_u64(&d.w, 5);
	jw_arr_end(&d.w);
	jw_arr_end(&d.w);
	jw_key(&d.w, "e");
	jw_arr_begin(&d.w, JW_NL_ELEM);
	jw_arr_end(&d.w);
	jw_obj_end(&d.w);
	end_ok(&d, "{\n\"a\":1,\"b\":2,\n\"c\":[\n3,\n[\n4,5]],\"e\":[]}\n");
}

static void test_u64_str_and_hex(void **state)
{
	static const unsigned char bytes[] = { 0x00, 0x0f, 0x7f, 0x80, 0xff, 'a' };
	struct doc d;

	(void)state;
	start(&d);
	jw_arr_begin(&d.w, 0);
	jw_u64_str(&d.w, UINT64_MAX);
	jw_u64_str(&d.w, 0);
	jw_hex(&d.w, bytes, sizeof(bytes));
	jw_hex(&d.w, bytes, 0);
	jw_arr_end(&d.w);
	end_ok(&d, "[\"18446744073709551615\",\"0\",\"000f7f80ff61\",\"\"]\n");

	start(&d);
	jw_obj_begin(&d.w);
	jw_hex(&d.w, bytes, 1); /* no key: misuse */
	end_misuse(&d, "{");
}

static void test_scalar_document(void **state)
{
	struct doc d;

	(void)state;
	start(&d);
	jw_str(&d.w, "x");
	end_ok(&d, "\"x\"\n");
}

static void test_depth_limit(void **state)
{
	struct doc d;
	char want[2 * JW_DEPTH + 2];

	(void)state;
	start(&d);
	for (int i = 0; i < JW_DEPTH; i++)
		jw_arr_begin(&d.w, 0);
	for (int i = 0; i < JW_DEPTH; i++)
		jw_arr_end(&d.w);
	memset(want, '[', JW_DEPTH);
	memset(want + JW_DEPTH, ']', JW_DEPTH);
	strcpy(want + 2 * JW_DEPTH, "\n");
	end_ok(&d, want);

	start(&d);
	for (int i = 0; i <= JW_DEPTH; i++)
		jw_arr_begin(&d.w, 0);
	want[JW_DEPTH] = '\0';
	end_misuse(&d, want);
}

/* --- misuse: each is caught, stops the output and fails the document --- */

static void test_close_not_open(void **state)
{
	struct doc d;

	(void)state;
	start(&d);
	jw_obj_end(&d.w); /* nothing open */
	end_misuse(&d, "");

	start(&d);
	jw_arr_end(&d.w);
	end_misuse(&d, "");

	start(&d);
	jw_obj_begin(&d.w);
	jw_arr_end(&d.w); /* an object is open, not an array */
	jw_obj_end(&d.w); /* ignored after the misuse */
	end_misuse(&d, "{");

	start(&d);
	jw_arr_begin(&d.w, 0);
	jw_obj_end(&d.w);
	end_misuse(&d, "[");

	start(&d);
	jw_obj_begin(&d.w);
	jw_obj_end(&d.w);
	jw_obj_end(&d.w); /* one close too many */
	end_misuse(&d, "{}");
}

static void test_key_outside_object(void **state)
{
	struct doc d;

	(void)state;
	start(&d);
	jw_key(&d.w, "a"); /* top level */
	end_misuse(&d, "");

	start(&d);
	jw_arr_begin(&d.w, 0);
	jw_u64(&d.w, 1);
	jw_key(&d.w, "a"); /* in an array */
	jw_u64(&d.w, 2);
	end_misuse(&d, "[1");
}

static void test_value_without_key(void **state)
{
	struct doc d;

	(void)state;
	start(&d);
	jw_obj_begin(&d.w);
	jw_kv_u64(&d.w, "a", 1);
	jw_u64(&d.w, 2); /* no key */
	end_misuse(&d, "{\"a\":1");

	start(&d);
	jw_obj_begin(&d.w);
	jw_obj_begin(&d.w); /* an object as a member needs a key too */
	end_misuse(&d, "{");

	start(&d);
	jw_obj_begin(&d.w);
	jw_arr_begin(&d.w, 0);
	end_misuse(&d, "{");
}

static void test_key_without_value(void **state)
{
	struct doc d;

	(void)state;
	start(&d);
	jw_obj_begin(&d.w);
	jw_key(&d.w, "a");
	jw_key(&d.w, "b"); /* two keys in a row */
	end_misuse(&d, "{\"a\":");

	start(&d);
	jw_obj_begin(&d.w);
	jw_key(&d.w, "a");
	jw_obj_end(&d.w); /* the key's value is missing */
	end_misuse(&d, "{\"a\":");
}

static void test_unbalanced_end(void **state)
{
	struct doc d;

	(void)state;
	start(&d);
	end_unbalanced(&d, ""); /* no document at all */

	start(&d);
	jw_obj_begin(&d.w);
	jw_key(&d.w, "a");
	jw_arr_begin(&d.w, 0);
	end_unbalanced(&d, "{\"a\":[");

	start(&d);
	jw_arr_begin(&d.w, JW_LINES);
	jw_u64(&d.w, 1);
	end_unbalanced(&d, "[\n1");
}

/* A failed write is the outbuf's error, not a misuse: a balanced document
 * ends fine in the writer, and the render returns the write's errno. */
static void test_write_error_is_not_misuse(void **state)
{
	struct doc d;

	(void)state;
	assert_true(JW_EMISUSE != EINVAL && JW_EMISUSE != EIO && JW_EMISUSE != EPIPE &&
		    JW_EMISUSE != ENOSPC && JW_EMISUSE != ENOMEM && JW_EMISUSE != EINTR);
	start(&d);
	d.b.err = EPIPE; /* the reader went away */
	jw_obj_begin(&d.w);
	jw_kv_u64(&d.w, "a", 1);
	jw_obj_end(&d.w);
	assert_int_equal(jw_end(&d.w), 0);
	assert_int_equal(d.w.err, 0);
	assert_int_equal(ob_finish(&d.b), -EPIPE);

	start(&d);
	d.b.err = EPIPE;
	jw_obj_begin(&d.w); /* unbalanced: the write error stays the outbuf's */
	assert_int_equal(jw_end(&d.w), -JW_EMISUSE);
	assert_int_equal(ob_finish(&d.b), -EPIPE);
}

static void test_second_document(void **state)
{
	struct doc d;

	(void)state;
	start(&d);
	jw_obj_begin(&d.w);
	jw_obj_end(&d.w);
	jw_obj_begin(&d.w);
	end_misuse(&d, "{}");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nested_document),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_keys_escaped_and_opt),
		cmocka_unit_test(test_lines),
		cmocka_unit_test(test_section_lines),
		cmocka_unit_test(test_u64_str_and_hex),
		cmocka_unit_test(test_scalar_document),
		cmocka_unit_test(test_depth_limit),
		cmocka_unit_test(test_close_not_open),
		cmocka_unit_test(test_key_outside_object),
		cmocka_unit_test(test_value_without_key),
		cmocka_unit_test(test_key_without_value),
		cmocka_unit_test(test_unbalanced_end),
		cmocka_unit_test(test_write_error_is_not_misuse),
		cmocka_unit_test(test_second_document),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
