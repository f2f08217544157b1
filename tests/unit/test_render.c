// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_render.c - whole views rendered by out_render from a snapshot whose
 * system values come from a fixture proc tree (what --proc-root reads), no
 * kernel involved.
 */
#include "testutil.h"

#include <malloc.h>
#include <stdio.h>
#include <sys/socket.h>

#include "model/agg.h"
#include "cmd/cmds.h"
#include "render/out.h"
#include "collect/procfs.h"
#include "model/view.h"

#define FIX_NEGATIVE_MEM "tests/fixtures/negative-mem"

/* A snapshot with no sockets and the system values of the fixture at root. */
static void load(struct snapshot *r, const char *root)
{
	struct procfs p;
	const char *where = NULL;

	memset(r, 0, sizeof(*r));
	r->page_size = 4096;
	r->ncpu = 2;
	assert_int_equal(procfs_open(&p, root), 0);
	assert_int_equal(procfs_read_sysinfo(&p, &r->sys, &where), 0);
	procfs_close(&p);
}

/* Renders cmd in fmt with --by by (exact numbers with -n when numeric) over
 * the view of every socket; returns the malloc'd NUL-terminated text. */
static char *render_opts(const struct snapshot *r, enum cmd cmd, enum fmt fmt, enum group_by by,
			 bool numeric)
{
	struct report_err e;
	struct view v;
	struct opts o;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	memset(&o, 0, sizeof(o));
	o.cmd = cmd;
	o.cmd_name = cmd_get(cmd)->name;
	o.fmt = fmt;
	o.by = by;
	o.numeric = numeric;
	o.want_v4 = o.want_v6 = true;
	assert_int_equal(view_build(r, &o, &v, &e), 0);
	assert_int_equal(out_render(&v, &o, f), 0);
	assert_int_equal(fclose(f), 0);
	view_free(&v);
	assert_int_equal(strlen(text), len);
	return text;
}

/* Renders cmd in fmt with -n. */
static char *render(const struct snapshot *r, enum cmd cmd, enum fmt fmt)
{
	return render_opts(r, cmd, fmt, BY_PROCESS, true);
}

static void assert_contains(const char *text, const char *want)
{
	if (!strstr(text, want))
		fail_msg("missing %s in:\n%s", want, text);
}

/*
 * A sockstat mem of -12345 pages (read through --proc-root) against the
 * fixture's tcp_mem 287898 383867 575796: -4.2880%, -3.2160%, -2.1440%,
 * rounded half away from zero to hundredths. Was "-4..(" (invalid JSON).
 */
static void test_negative_sockstat_mem(void **state)
{
	struct snapshot r;
	char *t;

	(void)state;
	load(&r, FIX_NEGATIVE_MEM);
	assert_maybe(r.sys.sockstat.mem_pages, -12345);

	t = render(&r, CMD_SYSTEM, FMT_JSON);
	assert_contains(t, "\"mem_pages\":-12345,");
	assert_contains(t, "\"used_pct_of_low\":-4.29,\"used_pct_of_pressure\":-3.22,"
			   "\"used_pct_of_high\":-2.14}");
	free(t);

	t = render(&r, CMD_SYSTEM, FMT_TSV);
	assert_contains(t, "\ntcp_mem.used_pct_of_low\t-4.29\n"
			   "tcp_mem.used_pct_of_pressure\t-3.22\n"
			   "tcp_mem.used_pct_of_high\t-2.14\n");
	free(t);

	t = render(&r, CMD_SYSTEM, FMT_TABLE);
	assert_contains(t, "low 287898 (-4.29%)  pressure 383867 (-3.22%)  high 575796 (-2.14%)");
	free(t);
}

/* The same fixture with its usual mem (1234 pages): 0.43%, 0.32%, 0.21%. */
static void test_positive_sockstat_mem(void **state)
{
	struct snapshot r;
	char *t;

	(void)state;
	load(&r, FIX_HOST);
	t = render(&r, CMD_SYSTEM, FMT_JSON);
	assert_contains(t, "\"used_pct_of_low\":0.43,\"used_pct_of_pressure\":0.32,"
			   "\"used_pct_of_high\":0.21}");
	free(t);
}

/* Every system value is in every format: sockets_used (sockstat's
 * "sockets: used") was missing from the table. */
static void test_system_sockets_used(void **state)
{
	struct snapshot r;
	char *t;

	(void)state;
	load(&r, FIX_HOST);
	assert_maybe(r.sys.sockstat.sockets_used, 2317);
	t = render(&r, CMD_SYSTEM, FMT_TABLE);
	assert_contains(t, "TCP sockets     inuse 41  orphan 3  tw 17  alloc 59  inuse6 23  "
			   "sockets_used 2317\n");
	free(t);
	t = render(&r, CMD_SYSTEM, FMT_TSV);
	assert_contains(t, "\nsockstat.sockets_used\t2317\n");
	free(t);
	t = render(&r, CMD_SYSTEM, FMT_JSON);
	assert_contains(t, "\"inuse6\":23,\"sockets_used\":2317},");
	free(t);
}

/* A CPU count sysconf did not give is absent (null), never 0; a known one
 * is printed as it is. */
static void test_ncpu_absent_is_null(void **state)
{
	struct snapshot r;
	char *t;

	(void)state;
	load(&r, FIX_HOST);
	r.ncpu = 0;
	t = render(&r, CMD_SYSTEM, FMT_JSON);
	assert_contains(t, "\"ncpu\":null,");
	free(t);
	r.ncpu = 2;
	t = render(&r, CMD_SYSTEM, FMT_JSON);
	assert_contains(t, "\"ncpu\":2,");
	free(t);
}

/* tcp_info's u64 counters, cgroup ids and namespace inodes are unsigned in
 * every format: above INT64_MAX, JSON once printed them negative. */
static void test_sockets_json_u64(void **state)
{
	struct snapshot r;
	struct sock_rec s = tu_sock(7, 1000, 0, 0, 0);
	char *t;

	(void)state;
	load(&r, FIX_HOST);
	s.ti[TI_BYTES_ACKED] = UINT64_MAX;
	s.ti[TI_BYTES_RECEIVED] = (uint64_t)INT64_MAX + 1;
	s.ti_mask = 1u << TI_BYTES_ACKED | 1u << TI_BYTES_RECEIVED;
	s.flags |= SOCK_HAS_CGROUP;
	s.cgroup_id = UINT64_MAX - 1;
	s.netns_ino = UINT64_MAX - 2;
	r.netns_ino = UINT64_MAX - 3;
	assert_int_equal(sock_table_add(&r.socks, &s), 1);

	t = render(&r, CMD_SOCKETS, FMT_JSON);
	assert_contains(t, "\"netns_ino\":18446744073709551612}");
	assert_contains(t, "\"cgroup_id\":18446744073709551614,\"netns\":18446744073709551613,");
	assert_contains(t, "\"bytes_received\":9223372036854775808,"
			   "\"bytes_acked\":18446744073709551615,");
	free(t);
	t = render(&r, CMD_SOCKETS, FMT_TSV);
	assert_contains(t, "\t9223372036854775808\t18446744073709551615\t");
	free(t);
	sock_table_free(&r.socks);
}

/* A FILE that counts what it is given and notes the heap in use at the
 * first write. */
struct sink {
	size_t bytes, writes;
	size_t heap_at_first;
};

/* Heap bytes in use, mmapped blocks (large buffers) included. */
static size_t heap_used(void)
{
	struct mallinfo2 m = mallinfo2();

	return m.uordblks + m.hblkhd;
}

static ssize_t sink_write(void *cookie, const char *buf, size_t n)
{
	struct sink *k = cookie;

	(void)buf;
	if (k->writes++ == 0)
		k->heap_at_first = heap_used();
	k->bytes += n;
	return (ssize_t)n;
}

/*
 * JSON streams like the text formats: when the first bytes of a multi-MiB
 * sockets document reach the FILE, the heap holds no more than the output
 * buffer beyond what it held before the render (the document was once built
 * whole in memory: 405 MiB at 500k sockets). Under ASan mallinfo2 does not
 * see the sanitizer's heap, and the test cannot fail there.
 */
static void test_json_streams(void **state)
{
	static cookie_io_functions_t io = { .write = sink_write };
	struct sink k = { 0 };
	struct snapshot r;
	struct view v;
	struct opts o;
	size_t before;
	FILE *f;

	(void)state;
	load(&r, FIX_HOST);
	for (uint32_t i = 1; i <= 20000; i++) {
		struct sock_rec s = tu_sock(i, i, 1000 + i, 0, 4096);

		assert_int_equal(sock_table_add(&r.socks, &s), 1);
	}
	memset(&o, 0, sizeof(o));
	o.cmd = CMD_SOCKETS;
	o.cmd_name = cmd_get(CMD_SOCKETS)->name;
	o.fmt = FMT_JSON;
	f = fopencookie(&k, "w", io);
	assert_non_null(f);
	setvbuf(f, NULL, _IONBF, 0);
	view_all(&r, &v);
	before = heap_used();
	assert_int_equal(out_render(&v, &o, f), 0);
	assert_int_equal(fclose(f), 0);
	assert_true(k.bytes > 4u << 20);   /* a document of several MiB */
	assert_true(k.writes > 16);	    /* in pieces */
	if (k.heap_at_first > before)
		assert_true(k.heap_at_first - before < 1u << 20);
	sock_table_free(&r.socks);
}

/* --- one field table per view: every format shows the same values --- */

/* Renders with the given --by. */
static char *render_by(const struct snapshot *r, enum cmd cmd, enum fmt fmt, enum group_by by)
{
	return render_opts(r, cmd, fmt, by, false);
}

/* Scans the JSON object at obj: returns the number of its members (at any
 * depth) and sets *end past its closing brace. */
static size_t json_scan(const char *obj, const char **end)
{
	size_t n = 0;
	int depth = 0;

	assert_int_equal(*obj, '{');
	for (const char *p = obj; *p; p++) {
		if (*p == '"') {
			for (p++; *p != '"'; p++)
				if (*p == '\\')
					p++;
			n += p[1] == ':';
		} else if (*p == '{' || *p == '[') {
			depth++;
		} else if ((*p == '}' || *p == ']') && --depth == 0) {
			*end = p + 1;
			return n;
		}
	}
	fail_msg("unterminated object: %s", obj);
	return 0;
}

static size_t json_members(const char *obj)
{
	const char *end;

	return json_scan(obj, &end);
}

/* Asserts that every tab-separated name of header (up to its newline) is a
 * member of the JSON object at obj; returns how many names. */
static size_t columns_in_object(const char *header, const char *obj)
{
	const char *end;
	size_t n = 0;

	json_scan(obj, &end);
	while (*header && *header != '\n') {
		size_t len = strcspn(header, "\t\n");
		char key[64];

		assert_true(len + 4 < sizeof(key));
		snprintf(key, sizeof(key), "\"%.*s\":", (int)len, header);
		if (!memmem(obj, (size_t)(end - obj), key, strlen(key)))
			fail_msg("TSV column %s is not in JSON object %.*s", key, (int)(end - obj), obj);
		n++;
		header += len + (header[len] == '\t');
	}
	return n;
}

/* sockets: each TSV column is a JSON member; JSON has only the two group
 * objects (skmem, tcp_info) besides. */
static void test_sockets_fields_every_format(void **state)
{
	struct snapshot r;
	struct sock_rec s = tu_sock(7, 1000, 1, 2, 3);
	char *tsv, *json;
	const char *obj;

	(void)state;
	load(&r, FIX_HOST);
	s.ti_mask = (1u << TI_N) - 1;
	s.flags |= SOCK_HAS_CGROUP;
	s.netns_ino = 4026531840u;
	assert_int_equal(sock_table_add(&r.socks, &s), 1);
	tsv = render_by(&r, CMD_SOCKETS, FMT_TSV, BY_PROCESS);
	json = render_by(&r, CMD_SOCKETS, FMT_JSON, BY_PROCESS);
	obj = strstr(json, "\"sockets\":[\n{") + strlen("\"sockets\":[\n");
	assert_int_equal(json_members(obj), columns_in_object(tsv, obj) + 2);
	assert_int_equal(columns_in_object(tsv, obj), SKM_N + TI_N + 13);
	free(tsv);
	free(json);

	/* without meminfo and tcp_info, the groups are null, not emptied out */
	s = tu_sock_noskmem(8);
	assert_int_equal(sock_table_add(&r.socks, &s), 1);
	json = render_by(&r, CMD_SOCKETS, FMT_JSON, BY_PROCESS);
	assert_contains(json, "\"send_q\":0,\"skmem\":null,\"charged_bytes\":null,"
			      "\"tcp_info\":null,\"owners\":null}\n],\"owners_scan\":null}\n");
	free(json);
	sock_table_free(&r.socks);
}

/* top, for every --by: the TSV columns are the members of each JSON group
 * (plus "category" for processes, which TSV says in comm, and their
 * "start_time", a key for machines that TSV leaves out); the TSV total
 * row holds what JSON's "totals" does, as the table's total line does. */
static void test_top_fields_every_format(void **state)
{
	static const enum group_by bys[] = { BY_PROCESS, BY_USER, BY_PORT, BY_STATE, BY_NETNS };

	(void)state;
	for (size_t b = 0; b < sizeof(bys) / sizeof(bys[0]); b++) {
		struct snapshot r;
		char *tsv, *json, *table;
		const char *grp, *tot, *last;
		size_t ncol;

		load(&r, FIX_HOST);
		for (uint32_t i = 1; i <= 3; i++) {
			struct sock_rec s = tu_sock(i, i, 4096 * i, 0, 0);

			s.sport = (uint16_t)(1000 + i);
			assert_int_equal(sock_table_add(&r.socks, &s), 1);
		}
		tsv = render_by(&r, CMD_TOP, FMT_TSV, bys[b]);
		json = render_by(&r, CMD_TOP, FMT_JSON, bys[b]);
		table = render_by(&r, CMD_TOP, FMT_TABLE, bys[b]);
		grp = strstr(json, "\"groups\":[\n{") + strlen("\"groups\":[\n");
		ncol = columns_in_object(tsv, grp);
		/* JSON-only for processes: category, start_time */
		assert_int_equal(json_members(grp), ncol + 2 * (bys[b] == BY_PROCESS));

		/* the last TSV row is the total: "total", empty keys, the totals */
		last = strrchr(tsv, '\n');
		while (last > tsv && last[-1] != '\n')
			last--;
		assert_memory_equal(last, "total\t", 6);
		tot = strstr(json, "\"totals\":{") + strlen("\"totals\":");
		assert_int_equal(json_members(tot), 9);
		assert_non_null(strstr(tot, "{\"sockets\":3,\"r\":24576,"));
		assert_non_null(strstr(last, "\t3\t24576\t"));
		/* tables keep their own total line */
		last = strstr(table, "\ntotal");
		assert_non_null(last);
		assert_memory_equal(last, "\ntotal (each socket once): 3 sockets", 36);
		assert_null(strstr(last + 1, "\ntotal"));
		free(tsv);
		free(json);
		free(table);
		snapshot_free(&r);
	}
}

/* A view's filter leaves sockets out of every format: -4 over a snapshot
 * with an IPv4 and an IPv6 socket shows the IPv4 one only, and system's
 * per-namespace count is the view's. */
static void test_filtered_rows(void **state)
{
	struct snapshot r;
	struct sock_rec s4 = tu_sock(7, 1000, 1, 2, 3), s6 = tu_sock(8, 1001, 1, 2, 3);
	struct netns_ent ns = { .ino = 4026531840u };
	struct report_err e;
	struct view v;
	struct opts o;
	char *t = NULL;
	size_t len = 0;

	(void)state;
	load(&r, FIX_HOST);
	s4.netns_ino = s6.netns_ino = ns.ino;
	s6.family = AF_INET6;
	assert_int_equal(sock_table_add(&r.socks, &s4), 1);
	assert_int_equal(sock_table_add(&r.socks, &s6), 1);
	r.netns = &ns;
	r.nnetns = 1;
	r.all_netns = true;
	memset(&o, 0, sizeof(o));
	o.want_v4 = true; /* -4 */
	for (int fmt = FMT_TABLE; fmt <= FMT_JSON; fmt++) {
		FILE *f = open_memstream(&t, &len);

		assert_non_null(f);
		o.cmd = CMD_SOCKETS;
		o.cmd_name = cmd_get(o.cmd)->name;
		o.fmt = (enum fmt)fmt;
		assert_int_equal(view_build(&r, &o, &v, &e), 0);
		assert_int_equal(out_render(&v, &o, f), 0);
		o.cmd = CMD_SYSTEM;
		assert_int_equal(out_render(&v, &o, f), 0);
		assert_int_equal(fclose(f), 0);
		view_free(&v);
		assert_contains(t, fmt == FMT_JSON  ? "\"cookie\":7,"
				   : fmt == FMT_TSV ? "\t7\tinet\t"
						    : " 7 inet ");
		assert_null(strstr(t, "\"cookie\":8,"));
		assert_null(strstr(t, "\t8\tinet6\t"));
		assert_null(strstr(t, " 8 inet6 "));
		assert_contains(t, fmt == FMT_JSON   ? "\"sockets\":1,\"inuse\""
				   : fmt == FMT_TSV ? "namespaces.4026531840.sockets\t1\n"
						    : "  sockets 1");
		free(t);
		t = NULL;
	}
	sock_table_free(&r.socks);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_negative_sockstat_mem),
		cmocka_unit_test(test_positive_sockstat_mem),
		cmocka_unit_test(test_system_sockets_used),
		cmocka_unit_test(test_ncpu_absent_is_null),
		cmocka_unit_test(test_sockets_json_u64),
		cmocka_unit_test(test_json_streams),
		cmocka_unit_test(test_sockets_fields_every_format),
		cmocka_unit_test(test_top_fields_every_format),
		cmocka_unit_test(test_filtered_rows),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
