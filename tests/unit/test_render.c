// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_render.c - whole views rendered by out_render from a report whose
 * system values come from a fixture proc tree (what --proc-root reads), no
 * kernel involved.
 */
#include "testutil.h"

#include <stdio.h>

#include "model/agg.h"
#include "cmd/cmds.h"
#include "render/out.h"
#include "collect/procfs.h"
#include "model/report.h"

#define FIX_NEGATIVE_MEM "tests/fixtures/negative-mem"

/* A report with no sockets and the system values of the fixture at root. */
static void load(struct report *r, const char *root)
{
	struct procfs p;
	const char *where = NULL;

	memset(r, 0, sizeof(*r));
	r->page_size = 4096;
	r->ncpu = 2;
	assert_int_equal(procfs_open(&p, root), 0);
	assert_int_equal(procfs_read_sysinfo(&p, &r->sys, &where), 0);
	procfs_close(&p);
	agg_totals(&r->socks, r->page_size, &r->totals);
	agg_reconcile(&r->totals, r->sys.sockstat.mem_pages, r->ncpu, r->sys.sysctl.mem_pcpu_rsv,
		      &r->rec);
}

/* Renders cmd in fmt; returns the malloc'd NUL-terminated text. */
static char *render(const struct report *r, enum cmd cmd, enum fmt fmt)
{
	struct opts o;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	memset(&o, 0, sizeof(o));
	o.cmd = cmd;
	o.cmd_name = cmd_get(cmd)->name;
	o.fmt = fmt;
	o.numeric = true;
	assert_int_equal(out_render(r, &o, f), 0);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(strlen(text), len);
	return text;
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
	struct report r;
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
	struct report r;
	char *t;

	(void)state;
	load(&r, FIX_HOST);
	t = render(&r, CMD_SYSTEM, FMT_JSON);
	assert_contains(t, "\"used_pct_of_low\":0.43,\"used_pct_of_pressure\":0.32,"
			   "\"used_pct_of_high\":0.21}");
	free(t);
}

/* tcp_info's u64 counters, cgroup ids and namespace inodes are unsigned in
 * every format: above INT64_MAX, JSON once printed them negative. */
static void test_sockets_json_u64(void **state)
{
	struct report r;
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_negative_sockstat_mem),
		cmocka_unit_test(test_positive_sockstat_mem),
		cmocka_unit_test(test_sockets_json_u64),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
