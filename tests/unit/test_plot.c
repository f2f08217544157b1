// SPDX-License-Identifier: GPL-2.0-or-later
/* test_plot.c - plot: scales and tick labels, XML escaping, the recording
 * reader's values and refusals, and the SVG holding the recording's values. */
#include "testutil.h"

#include <errno.h>
#include <stdio.h>

#include "collect/recfile.h"
#include "model/recording.h"
#include "render/plot_svg.h"

/* --- scales --- */

static void check_ticks(double vmax, unsigned target, double step, unsigned n)
{
	struct plot_ticks t;

	plot_ticks(vmax, target, &t);
	assert_true(t.step == step);
	assert_int_equal(t.n, n);
	assert_true(t.max == step * n);
}

static void test_ticks(void **state)
{
	(void)state;
	check_ticks(92, 5, 20, 5);	   /* 18.4 a step: 20, up to 100 */
	check_ticks(100, 5, 20, 5);	   /* exactly covered: no extra tick */
	check_ticks(101, 5, 25, 5);	   /* 20.2 a step: 25 */
	check_ticks(575796, 5, 200000, 3); /* 115159 a step: 200k */
	check_ticks(2600, 5, 1000, 3);	   /* 520: 1000 */
	check_ticks(0, 5, 0.2, 5);	   /* nothing: 0..1 */
	check_ticks(-3, 5, 0.2, 5);
	check_ticks(74.4, 4, 20, 4); /* 18.6: 20 */
	check_ticks(3.2, 4, 1, 4);   /* 0.8: 1 */
}

static void test_ticks_huge(void **state)
{
	struct plot_ticks t;

	(void)state;
	plot_ticks(1e15, 4, &t); /* the largest rate the reader takes */
	assert_true(t.step == 2.5e14 && t.n == 4);
	plot_ticks(9.2e18, 5, &t); /* INT64_MAX-ish charged bytes */
	assert_true(t.max >= 9.2e18 && t.n <= 5 && t.n >= 1);
	plot_ticks(1.0 / 0.0, 5, &t); /* never: no infinite scale */
	assert_true(t.max == 1);
}

static void check_tticks(double tmax, double step, unsigned n)
{
	struct plot_ticks t;

	plot_time_ticks(tmax, 10, &t);
	assert_true(t.step == step);
	assert_int_equal(t.n, n);
}

static void test_time_ticks(void **state)
{
	(void)state;
	check_tticks(195, 30, 7);		/* 19.5 s a step: 30 s */
	check_tticks(8, 1, 8);			/* 0.8: 1 s */
	check_tticks(0, 0.1, 10);		/* one sample: 0..1 s */
	check_tticks(0.4, 0.1, 4);		/* watch 0.1 */
	check_tticks(3600, 600, 6);		/* an hour: 10 min */
	check_tticks(86400 * 3, 43200, 6);	/* three days: 12 h */
	check_tticks(86400 * 30, 86400 * 5, 6); /* a month: 5 days */
}

static void test_byte_ticks(void **state)
{
	struct plot_ticks t;
	double unit;
	const char *name;

	(void)state;
	plot_byte_ticks(8000000, 4, &t, &unit, &name); /* 7.63 MiB */
	assert_string_equal(name, "MiB");
	assert_true(unit == 1048576 && t.step == 2 * 1048576.0 && t.n == 4);
	plot_byte_ticks(20480, 4, &t, &unit, &name);
	assert_string_equal(name, "KiB");
	assert_true(t.step == 5 * 1024.0 && t.n == 4);
	plot_byte_ticks(3, 4, &t, &unit, &name); /* no fractions of a byte */
	assert_string_equal(name, "B");
	assert_true(t.step == 1 && t.n == 3);
}

static void check_dur(double s, const char *want)
{
	char buf[32];

	plot_fmt_dur(buf, sizeof(buf), s);
	assert_string_equal(buf, want);
}

static void check_compact(double v, double step, double top, const char *want)
{
	char buf[32];

	plot_fmt_compact(buf, sizeof(buf), v, step, top);
	assert_string_equal(buf, want);
}

static void check_exact(double v, const char *want)
{
	char buf[40];

	plot_fmt_exact(buf, sizeof(buf), v);
	assert_string_equal(buf, want);
}

static void test_labels(void **state)
{
	(void)state;
	check_dur(0, "0s");
	check_dur(0.5, "0.5s");
	check_dur(45, "45s");
	check_dur(90, "1m30s");
	check_dur(120, "2m");
	check_dur(3600, "1h");
	check_dur(3900, "1h5m");
	check_dur(90000, "1d1h");
	check_dur(1e13, "1e+13s");
	check_compact(0, 50000, 200000, "0");
	check_compact(150000, 50000, 200000, "150k");
	check_compact(7500, 2500, 10000, "7.5k");
	check_compact(4000, 1000, 4000, "4000");
	check_compact(1200000, 200000, 1400000, "1.2M");
	check_compact(0.4, 0.2, 1, "0.4");
	check_compact(0.25, 0.25, 1, "0.25");
	check_exact(0.1, "0.1");
	check_exact(1.0 / 3, "0.3333333333333333");
	check_exact(12.4, "12.4");
	check_exact(1e15, "1e+15");
}

/* --- escaping --- */

static void check_xml(const char *in, const char *want)
{
	struct outbuf b;

	assert_int_equal(ob_init_mem(&b), 0);
	ob_xml_str(&b, in);
	assert_ob_eq(&b, want);
	free(b.p);
}

static void test_xml_escape(void **state)
{
	(void)state;
	check_xml("nginx", "nginx");
	check_xml("a<b>&\"'", "a&lt;b&gt;&amp;&quot;&#39;");
	check_xml("</text><script>", "&lt;/text&gt;&lt;script&gt;");
	check_xml("back\\slash", "back\\\\slash");
	check_xml("\x01tab\there\x7f", "\\x01tab\\x09here\\x7f");
	check_xml("caf\xc3\xa9", "caf\xc3\xa9");	/* UTF-8 passes */
	check_xml("bad\xff\xc3", "bad\\xff\\xc3");	/* invalid bytes, a cut sequence */
	check_xml("\xef\xbf\xbe.", "\\xef\\xbf\\xbe."); /* U+FFFE: no XML character */
	check_xml("\xed\xa0\x80", "\\xed\\xa0\\x80");	/* a surrogate */
}

/* --- the reader --- */

#define HEAD(n, t)                                                                                 \
	"{\"schema\":\"sockmem/1\",\"command\":\"watch\",\"sample\":" #n ",\"elapsed_s\":" #t      \
	",\"host\":{\"hostname\":\"h<1>\",\"kernel\":\"6.1\",\"time\":\"2026-01-01T00:00:0" #n     \
	"Z\",\"page_size\":4096}"

static const char rec3[] = HEAD(
    1,
    0) ",\"system\":{\"sockstat\":{\"mem_pages\":100},\"tcp_mem\":{\"low_pages\":1000,"
       "\"pressure_pages\":2000,\"high_pages\":3000},\"pressure\":false},\"by\":\"process\","
       "\"groups\":[{\"pid\":7,\"comm\":\"a\",\"charged_bytes\":4096},"
       "{\"pid\":null,\"category\":\"not_attributed\",\"charged_bytes\":10}],"
       "\"delta\":null,\"future\":[1,2]}\n" HEAD(
	   2,
	   1.5) ",\"system\":{\"sockstat\":{\"mem_pages\":null},\"tcp_mem\":{\"low_pages\":1000,"
		"\"pressure_pages\":2000,\"high_pages\":3000},\"pressure\":true},"
		"\"groups\":[{\"pid\":7,\"comm\":\"a\",\"charged_bytes\":8192}],"
		"\"delta\":{\"tcpext_per_s\":{\"PruneCalled\":0.5,\"RcvPruned\":null,"
		"\"TCPRcvQDrop\":0}}}\n"
		"\n" HEAD(
		    3,
		    3.25) ",\"system\":{\"sockstat\":{\"mem_pages\":300}},"
			  "\"groups\":[{\"pid\":7,\"comm\":\"a\",\"charged_bytes\":4096},"
			  "{\"pid\":null,\"category\":\"not_attributed\",\"charged_bytes\":"
			  "9223372036854775807}],"
			  "\"delta\":{\"tcpext_per_s\":{\"PruneCalled\":2,\"RcvPruned\":0.125}}}\n";

static int parse(const char *text, struct recording *rec, size_t *line, char *why, size_t len)
{
	rec_init(rec);
	return recfile_parse(text, strlen(text), rec, line, why, len);
}

static const struct rec_series *series(const struct rec_set *set, const char *label)
{
	for (size_t i = 0; i < set->n; i++)
		if (strcmp(set->s[i].label, label) == 0)
			return &set->s[i];
	return NULL;
}

static void test_read_values(void **state)
{
	struct recording rec;
	const struct rec_series *s;
	char why[256];
	size_t line;

	(void)state;
	assert_int_equal(parse(rec3, &rec, &line, why, sizeof(why)), 0);
	assert_string_equal(rec.hostname, "h<1>");
	assert_string_equal(rec.time_first, "2026-01-01T00:00:01Z");
	assert_string_equal(rec.time_last, "2026-01-01T00:00:03Z");
	assert_string_equal(rec.by, "process");
	assert_int_equal(rec.page_size, 4096);
	assert_int_equal(rec.n, 3);
	assert_maybe(rec.samples[0].mem_pages, 100);
	assert_absent(rec.samples[1].mem_pages); /* null: absent, not 0 */
	assert_maybe(rec.samples[2].mem_pages, 300);
	assert_maybe(rec.samples[1].pressure_pages, 2000);
	assert_absent(rec.samples[2].low_pages); /* no tcp_mem member */
	assert_int_equal(rec.samples[0].pressure, 0);
	assert_int_equal(rec.samples[1].pressure, 1);
	assert_int_equal(rec.samples[2].pressure, -1);
	assert_true(rec.samples[2].elapsed_s == 3.25);
	/* groups by identity: pid 7 in all three, the category in 1 and 3 */
	assert_int_equal(rec.groups.n, 2);
	s = series(&rec.groups, "a [7]");
	assert_non_null(s);
	assert_int_equal(s->n, 3);
	assert_true(s->pts[1].i == 8192 && s->pts[1].sample == 1 && s->peak == 8192);
	s = series(&rec.groups, "not_attributed");
	assert_non_null(s);
	assert_int_equal(s->n, 2);
	assert_int_equal(s->pts[1].sample, 2); /* a gap at sample index 1 */
	assert_true(s->pts[1].i == INT64_MAX);
	/* rates: nulls are no points */
	s = series(&rec.rates, "PruneCalled");
	assert_true(s && s->n == 2 && s->pts[0].v == 0.5 && s->pts[1].v == 2 && s->peak == 2);
	s = series(&rec.rates, "RcvPruned");
	assert_true(s && s->n == 1 && s->pts[0].sample == 2 && s->pts[0].v == 0.125);
	s = series(&rec.rates, "TCPRcvQDrop");
	assert_true(s && s->n == 1 && s->peak == 0);
	rec_free(&rec);
}

static void check_refusal(const char *text, size_t want_line, const char *want)
{
	struct recording rec;
	char why[256];
	size_t line = 99;
	int rc = parse(text, &rec, &line, why, sizeof(why));

	if (rc != -EINVAL || line != want_line || strncmp(why, want, strlen(want)) != 0)
		fail_msg("got %d line %zu '%s', want line %zu '%s'", rc, line, why, want_line,
			 want);
	rec_free(&rec);
}

#define OK1 HEAD(1, 0) "}\n"

static void test_refusals(void **state)
{
	(void)state;
	check_refusal("", 1, "empty: no watch samples");
	check_refusal("\n  \n", 3, "empty: no watch samples");
	check_refusal(OK1 "[1,2]\n", 2, "not a JSON object");
	check_refusal(OK1 HEAD(2, 1), 2, "truncated");
	check_refusal("{\"schema\":\"sockmem/1\",\"command\":\"wat", 1, "truncated");
	check_refusal("hello\n", 1, "not JSON: ");
	check_refusal(OK1 "{} {}\n", 2, "not JSON: ");
	check_refusal("{\"a\":1}\n", 1, "not a sockmem watch recording");
	check_refusal("{\"schema\":\"sockmem/2\",\"command\":\"watch\"}\n", 1,
		      "written by a newer sockmem");
	check_refusal("{\"schema\":\"sockmem/1\",\"command\":\"report\"}\n", 1,
		      "a sockmem \"report\" document, not a watch recording");
	check_refusal("{\"schema\":\"sockmem/1\",\"command\":\"watch\"}\n", 1, "sample: missing");
	check_refusal("{\"schema\":\"sockmem/1\",\"command\":\"watch\",\"sample\":1,"
		      "\"elapsed_s\":0}\n",
		      1, "host: missing");
	check_refusal(HEAD(1, 1e300) "}\n", 1, "elapsed_s: out of range");
	check_refusal(HEAD(1, -1) "}\n", 1, "elapsed_s: out of range");
	check_refusal(HEAD(1, 1e999) "}\n", 1, "not JSON: ");
	check_refusal(HEAD(1, 0) ",\"system\":{\"sockstat\":{\"mem_pages\":-1}}}\n", 1,
		      "system.sockstat.mem_pages: out of range");
	check_refusal(
	    HEAD(1, 0) ",\"system\":{\"sockstat\":{\"mem_pages\":99999999999999999999}}}\n", 1,
	    "not JSON: ");
	check_refusal(HEAD(1, 0) ",\"system\":{\"sockstat\":{\"mem_pages\":1.5}}}\n", 1,
		      "system.sockstat.mem_pages: not an integer");
	check_refusal(HEAD(1, 0) ",\"system\":{\"tcp_mem\":[]}}\n", 1,
		      "system.tcp_mem: not an object or null");
	check_refusal(HEAD(1, 0) ",\"system\":{\"pressure\":1}}\n", 1,
		      "system.pressure: not true, false or null");
	check_refusal(HEAD(1, 0) ",\"groups\":{}}\n", 1, "groups: not an array or null");
	check_refusal(HEAD(1, 0) ",\"groups\":[7]}\n", 1, "groups[0]: not an object");
	check_refusal(HEAD(1, 0) ",\"groups\":[{\"charged_bytes\":1}]}\n", 1,
		      "groups[0]: no member says which group it is");
	check_refusal(HEAD(1, 0) ",\"groups\":[{\"pid\":1,\"charged_bytes\":1},"
				 "{\"pid\":1,\"charged_bytes\":2}]}\n",
		      1, "groups[1]: the same group twice in one sample");
	check_refusal(OK1 HEAD(2, 1) ",\"delta\":{\"tcpext_per_s\":{\"X\":-2}}}\n", 2,
		      "delta.tcpext_per_s.X: out of range");
	check_refusal(OK1 HEAD(2, 1) ",\"delta\":{\"tcpext_per_s\":{\"X\":\"1\"}}}\n", 2,
		      "delta.tcpext_per_s.X: not a number");
	check_refusal(OK1 HEAD(2, 1) ",\"delta\":{\"tcpext_per_s\":{\"<b>\":1}}}\n", 2,
		      "delta.tcpext_per_s: a member name that is not a counter name");
	/* two recordings in one file */
	check_refusal(OK1 OK1, 2, "sample 1 after sample 1");
	check_refusal(HEAD(2, 5) "}\n" HEAD(3, 4) "}\n", 2, "elapsed_s goes back in time");
	check_refusal(OK1 "{\"schema\":\"sockmem/1\",\"command\":\"watch\",\"sample\":2,"
			  "\"elapsed_s\":1,\"host\":{\"hostname\":\"other\",\"kernel\":\"6.1\","
			  "\"time\":\"x\"}}\n",
		      2, "host.hostname or host.kernel differs");
}

static void test_read_nul_and_stream(void **state)
{
	static const char nul[] = OK1 "{\"a\"\0:1}\n";
	struct recording rec;
	char why[256];
	size_t line;
	FILE *f;

	(void)state;
	rec_init(&rec);
	assert_int_equal(recfile_parse(nul, sizeof(nul) - 1, &rec, &line, why, sizeof(why)),
			 -EINVAL);
	assert_int_equal(line, 2);
	assert_string_equal(why, "a NUL byte: not JSON text");
	rec_free(&rec);
	/* the FILE reader gives the same as the memory one */
	f = fmemopen((void *)rec3, sizeof(rec3) - 1, "r");
	assert_non_null(f);
	assert_int_equal(recfile_read(f, &rec, &line, why, sizeof(why)), 0);
	fclose(f);
	assert_int_equal(rec.n, 3);
	assert_int_equal(rec.groups.n, 2);
	rec_free(&rec);
	f = fmemopen((void *)nul, sizeof(nul) - 1, "r");
	assert_int_equal(recfile_read(f, &rec, &line, why, sizeof(why)), -EINVAL);
	assert_int_equal(line, 2);
	assert_string_equal(why, "a NUL byte: not JSON text");
	fclose(f);
	rec_free(&rec);
}

static void test_top_by_peak(void **state)
{
	struct rec_set set = { 0 };
	double peaks[] = { 5, 0, 9, 5, 7, 1, 9 };
	size_t idx[4], n;
	char key[8];

	(void)state;
	for (size_t i = 0; i < sizeof(peaks) / sizeof(peaks[0]); i++) {
		struct rec_series *s;

		snprintf(key, sizeof(key), "k%zu", i);
		s = rec_series_get(&set, key, key);
		assert_non_null(s);
		assert_int_equal(rec_series_add(s, (struct rec_pt){ 0, false, 0, peaks[i] }), 0);
	}
	assert_ptr_equal(rec_series_get(&set, "k3", "other"), &set.s[3]); /* found, not added */
	n = rec_top_by_peak(&set, 4, 0, idx);
	assert_int_equal(n, 4);
	/* 9 (first), 9, 7, 5 (the first of the two 5s) */
	assert_int_equal(idx[0], 2);
	assert_int_equal(idx[1], 6);
	assert_int_equal(idx[2], 4);
	assert_int_equal(idx[3], 0);
	n = rec_top_by_peak(&set, 4, 6, idx); /* above 6 only */
	assert_int_equal(n, 3);
	for (size_t i = 0; i < set.n; i++) {
		free(set.s[i].key);
		free(set.s[i].label);
		free(set.s[i].pts);
	}
	free(set.s);
	idmap_free(&set.by_hash);
}

/* --- the picture --- */

static void test_svg_holds_values(void **state)
{
	struct recording rec;
	struct outbuf b;
	char why[256], *svg;
	size_t line;

	(void)state;
	assert_int_equal(parse(rec3, &rec, &line, why, sizeof(why)), 0);
	assert_int_equal(ob_init_mem(&b), 0);
	plot_svg(&b, &rec);
	assert_int_equal(b.err, 0);
	svg = strndup(b.p, b.len);
	assert_non_null(svg);
	/* escaped untrusted text, the exact values, the gap in mem_pages */
	assert_non_null(strstr(svg, "TCP socket memory on h&lt;1&gt;</text>"));
	assert_null(strstr(svg, "h<1>"));
	assert_non_null(strstr(svg, "class=\"mem\""));
	assert_non_null(strstr(svg, "data-name=\"mem_pages\" data-i=\"0 2\" data-v=\"100 300\""));
	assert_non_null(
	    strstr(svg, "data-name=\"a [7]\" data-i=\"0 1 2\" data-v=\"4096 8192 4096\""));
	assert_non_null(strstr(svg, "data-i=\"0 2\" data-v=\"10 9223372036854775807\""));
	assert_non_null(strstr(svg, "data-name=\"PruneCalled\" data-i=\"1 2\" data-v=\"0.5 2\""));
	/* a counter that never moved is not drawn; the one at 0.125 is */
	assert_null(strstr(svg, "data-name=\"TCPRcvQDrop\""));
	assert_non_null(strstr(svg, "data-name=\"RcvPruned\" data-i=\"2\" data-v=\"0.125\""));
	/* tcp_mem far above mem (1000 > 3 x 300): named at the top, no line */
	assert_null(strstr(svg, "class=\"threshold\""));
	assert_non_null(strstr(svg, "\u2191 tcp_mem pressure 2,000</text>"));
	/* mem breaks at the absent sample: two moves, no line between */
	assert_non_null(strstr(svg, "class=\"pressure\""));
	assert_non_null(strstr(svg, "2026-01-01T00:00:01Z to 2026-01-01T00:00:03Z"));
	assert_int_equal(strncmp(svg + b.len - 7, "</svg>\n", 7), 0);
	free(svg);
	free(b.p);
	rec_free(&rec);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ticks),
		cmocka_unit_test(test_ticks_huge),
		cmocka_unit_test(test_time_ticks),
		cmocka_unit_test(test_byte_ticks),
		cmocka_unit_test(test_labels),
		cmocka_unit_test(test_xml_escape),
		cmocka_unit_test(test_read_values),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_read_nul_and_stream),
		cmocka_unit_test(test_top_by_peak),
		cmocka_unit_test(test_svg_holds_values),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
