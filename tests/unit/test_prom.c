// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_prom.c - -o prom over views of hand-built snapshots: HELP and TYPE once per
 * family with its samples together, groups (other included) adding up to the
 * total at every --top, a series for every finding rule, absent values
 * without a sample, names from the field tables.
 */
#include "testutil.h"

#include <stdio.h>

#include "cmd/cmds.h"
#include "model/view.h"
#include "render/out.h"

#define PAGE 4096

/* Six sockets in three cgroups (one of them twice as heavy) and one socket
 * without a cgroup id, on three ports; the cgroup paths are resolved. */
static void build(struct snapshot *r)
{
	static const struct {
		uint64_t cg;
		uint16_t sport;
		uint32_t rq, w;
	} socks[] = {
		{ 11, 80, 10000, 0 },	{ 11, 80, 20000, 4096 }, { 12, 443, 5000, 0 },
		{ 12, 443, 0, 100000 }, { 13, 22, 300, 0 },	 { 0, 22, 7, 1 },
	};

	memset(r, 0, sizeof(*r));
	r->page_size = PAGE;
	r->ncpu = 2;
	for (size_t i = 0; i < sizeof(socks) / sizeof(socks[0]); i++) {
		struct sock_rec s =
		    tu_sock(100 + i, 1000 + (uint32_t)i, socks[i].rq, socks[i].w, 0);

		s.sport = socks[i].sport;
		if (socks[i].cg) {
			s.flags |= SOCK_HAS_CGROUP;
			s.cgroup_id = socks[i].cg;
		}
		assert_int_equal(sock_table_add(&r->socks, &s), 1);
	}
	r->cg.v = calloc(3, sizeof(*r->cg.v));
	assert_non_null(r->cg.v);
	r->cg.n = 3;
	r->cg.v[0] = (struct cgroup_ent){ 11, strdup("/system.slice/a\"b\\c\nd.service"),
					  maybe_of(8192), maybe_none() };
	r->cg.v[1] =
	    (struct cgroup_ent){ 12, strdup("/kubepods/pod1"), maybe_none(), maybe_none() };
	r->cg.v[2] = (struct cgroup_ent){ 13, strdup("/user.slice"), maybe_none(), maybe_none() };
	snprintf(r->cg.v2_mount, sizeof(r->cg.v2_mount), "/sys/fs/cgroup");
	r->cg_resolved = true;
	r->sys.sockstat.mem_pages = maybe_of(40);
	r->sys.sysctl.tcp_mem[0] = maybe_none(); /* absent: no sample */
}

/* The options of cmd -o prom with --by by and --top top_n (0: all). */
static struct opts prom_opts(enum cmd cmd, enum group_by by, size_t top_n)
{
	struct opts o;

	memset(&o, 0, sizeof(o));
	o.cmd = cmd;
	o.cmd_name = cmd_get(cmd)->name;
	o.fmt = FMT_PROM;
	o.by = by;
	o.top_n = top_n;
	o.want_v4 = o.want_v6 = true;
	o.find = (struct find_opts){ FIND_DEFAULT_UNSENT_MIN, FIND_DEFAULT_ZERO_WINDOW,
				     FIND_DEFAULT_UNREAD_MIN };
	return o;
}

/* Renders view v with o. */
static char *render_view(const struct view *v, const struct opts *o)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	assert_int_equal(out_render(v, o, f), 0);
	assert_int_equal(fclose(f), 0);
	return text;
}

/* Renders cmd with --by by and --top top_n (0: all) over the view it builds
 * of r; *ngroups (if not NULL): the view's groups. */
static char *render(enum cmd cmd, enum group_by by, size_t top_n, const struct snapshot *r,
		    size_t *ngroups)
{
	struct opts o = prom_opts(cmd, by, top_n);
	struct report_err e;
	struct view v;
	char *text;

	assert_int_equal(view_build(r, &o, &v, &e), 0);
	text = render_view(&v, &o);
	if (ngroups)
		*ngroups = v.ngroups;
	view_free(&v);
	return text;
}

static void assert_contains(const char *text, const char *want)
{
	if (!strstr(text, want))
		fail_msg("missing %s in:\n%s", want, text);
}

/* The metric name of a sample line (up to '{' or ' '), into name. */
static void sample_name(const char *line, char *name, size_t len)
{
	size_t n = strcspn(line, "{ ");

	assert_true(n < len);
	memcpy(name, line, n);
	name[n] = '\0';
}

/*
 * Each family: one HELP, then one TYPE, then only its own samples; no name
 * twice; no empty line; the text ends with a newline. Returns the number of
 * families.
 */
static size_t check_families(const char *text)
{
	char seen[128][96], cur[96] = "", name[96];
	size_t nseen = 0;
	int expect_type = 0;

	assert_true(strlen(text) > 0 && text[strlen(text) - 1] == '\n');
	for (const char *p = text; *p;) {
		const char *nl = strchr(p, '\n');
		char line[1024];
		size_t n = (size_t)(nl - p);

		assert_non_null(nl);
		assert_true(n > 0 && n < sizeof(line));
		memcpy(line, p, n);
		line[n] = '\0';
		p = nl + 1;
		if (strncmp(line, "# HELP ", 7) == 0) {
			assert_false(expect_type);
			sample_name(line + 7, cur, sizeof(cur));
			for (size_t i = 0; i < nseen; i++)
				if (strcmp(seen[i], cur) == 0)
					fail_msg("family %s twice", cur);
			assert_true(nseen < 128);
			snprintf(seen[nseen++], sizeof(seen[0]), "%s", cur);
			expect_type = 1;
		} else if (strncmp(line, "# TYPE ", 7) == 0) {
			assert_true(expect_type);
			sample_name(line + 7, name, sizeof(name));
			assert_string_equal(name, cur);
			assert_true(strcmp(line + 7 + strlen(cur), " gauge") == 0 ||
				    strcmp(line + 7 + strlen(cur), " counter") == 0);
			expect_type = 0;
		} else {
			assert_false(expect_type);
			sample_name(line, name, sizeof(name));
			if (strcmp(name, cur) != 0)
				fail_msg("sample %s under family %s", line, cur);
		}
	}
	return nseen;
}

/* Sum of the values of every sample of metric name; *nsamples counts them. */
static uint64_t sum_of(const char *text, const char *name, size_t *nsamples)
{
	size_t len = strlen(name);
	uint64_t sum = 0;

	*nsamples = 0;
	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		const char *v;

		if (strncmp(p, name, len) != 0 || (p[len] != '{' && p[len] != ' '))
			continue;
		v = strchr(p, '\n');
		while (v[-1] != ' ')
			v--;
		sum += strtoull(v, NULL, 10);
		(*nsamples)++;
	}
	return sum;
}

static void test_families_once(void **state)
{
	static const enum group_by bys[] = { BY_PROCESS, BY_CGROUP, BY_USER,
					     BY_PORT,	 BY_STATE,  BY_NETNS };

	(void)state;
	for (size_t i = 0; i < sizeof(bys) / sizeof(bys[0]); i++) {
		for (int cmd = CMD_REPORT; cmd <= CMD_CHECK; cmd++) {
			struct snapshot r;
			char *t;

			if (cmd == CMD_SOCKETS)
				continue;
			build(&r);
			t = render((enum cmd)cmd, bys[i], 2, &r, NULL);
			assert_true(check_families(t) > 3);
			free(t);
			snapshot_free(&r);
		}
	}
}

/* Per-socket keys put each socket in one group: shown groups plus other are
 * the total, for every --top (1 leaves everything else to other). */
static void test_groups_add_up(void **state)
{
	static const char *const sums[] = { "sockets",	    "r_bytes",	     "w_bytes",
					    "rcvbuf_bytes", "charged_bytes", "charged_pages" };
	static const enum group_by bys[] = { BY_CGROUP, BY_PORT, BY_STATE };

	(void)state;
	for (size_t b = 0; b < sizeof(bys) / sizeof(bys[0]); b++) {
		for (size_t top = 0; top <= 5; top++) {
			struct snapshot r;
			size_t ngroups;
			char *t;

			build(&r);
			t = render(CMD_TOP, bys[b], top, &r, &ngroups);
			for (size_t k = 0; k < sizeof(sums) / sizeof(sums[0]); k++) {
				char g[64], d[64];
				size_t ng, nd;
				uint64_t groups, total;

				snprintf(g, sizeof(g), "sockmem_group_%s", sums[k]);
				snprintf(d, sizeof(d), "sockmem_dumped_%s", sums[k]);
				groups = sum_of(t, g, &ng);
				total = sum_of(t, d, &nd);
				assert_int_equal(nd, 1);
				assert_int_equal(groups, total);
				/* shown groups, and other */
				assert_int_equal(ng, (top && top < ngroups ? top : ngroups) + 1);
			}
			assert_int_equal(sum_of(t, "sockmem_dumped_sockets", &(size_t){ 0 }), 6);
			free(t);
			snapshot_free(&r);
		}
	}
}

/* --by cgroup: the path is the label (escaped), no cgroup_id; the socket
 * without an id has no cgroup label; memcg values where known, no other. */
static void test_cgroup_labels(void **state)
{
	struct snapshot r;
	char *t;
	size_t n;

	(void)state;
	build(&r);
	t = render(CMD_TOP, BY_CGROUP, 0, &r, NULL);
	/* 10000 + 20000 + 4096 + 0 (tu_sock: f 0) */
	assert_contains(t, "sockmem_group_charged_bytes{by=\"cgroup\","
			   "cgroup=\"/system.slice/a\\\"b\\\\c\\nd.service\"} 34096\n");
	assert_contains(t, "sockmem_group_sockets{by=\"cgroup\"} 1\n");
	assert_contains(t, "sockmem_group_sockets{by=\"cgroup\",other=\"true\"} 0\n");
	assert_null(strstr(t, "cgroup_id"));
	assert_int_equal(sum_of(t, "sockmem_group_memcg_sock_bytes", &n), 8192);
	assert_int_equal(n, 1);
	free(t);
	snapshot_free(&r);
}

/* One series per (id, severity) the rules know, 1 for what fired. */
static void test_finding_series(void **state)
{
	struct snapshot r;
	struct opts o = prom_opts(CMD_CHECK, BY_PROCESS, 0);
	struct report_err e;
	struct view v;
	struct finding *fd;
	const char *id;
	enum sev sev;
	size_t known = 0, n;
	char *t;

	(void)state;
	size_t udp = 0;

	while (findings_known(known, &id, &sev))
		udp += strncmp(id, "udp_", 4) == 0, known++;
	assert_true(known >= 10);
	assert_int_equal(udp, 4);
	build(&r);
	/* a TCP-only collection: no series for the UDP rules */
	t = render(CMD_CHECK, BY_PROCESS, 0, &r, NULL);
	sum_of(t, "sockmem_finding_active", &n);
	assert_int_equal(n, known - udp);
	free(t);
	r.cov.udp = true;
	t = render(CMD_CHECK, BY_PROCESS, 0, &r, NULL);
	sum_of(t, "sockmem_finding_active", &n);
	assert_int_equal(n, known);
	assert_contains(t, "sockmem_finding_active{id=\"udp_drops\",severity=\"warning\"} 0\n");
	free(t);
	r.cov.udp = false;
	/* the orphans warning fires, the orphans critical does not */
	fd = calloc(1, sizeof(*fd));
	assert_non_null(fd);
	fd->id = "orphans";
	fd->sev = SEV_WARNING;
	assert_int_equal(view_build(&r, &o, &v, &e), 0);
	free(v.findings);
	v.findings = fd;
	v.nfindings = 1;
	t = render_view(&v, &o);
	assert_contains(t, "sockmem_finding_active{id=\"orphans\",severity=\"warning\"} 1\n");
	assert_contains(t, "sockmem_finding_active{id=\"orphans\",severity=\"critical\"} 0\n");
	assert_int_equal(sum_of(t, "sockmem_finding_active", &n), 1);
	free(t);
	view_free(&v);
	snapshot_free(&r);
}

/* system: names from the field table; absent values keep HELP and TYPE
 * but have no sample; counters end in _total; percentages are left out. */
static void test_system_names(void **state)
{
	struct snapshot r;
	char *t;

	(void)state;
	build(&r);
	r.sys.tcpext[0] = maybe_of(5);
	t = render(CMD_SYSTEM, BY_PROCESS, 0, &r, NULL);
	assert_contains(t, "\nsockmem_sockstat_mem_pages 40\n");
	assert_contains(t, "\nsockmem_sockstat_mem_bytes 163840\n");
	assert_contains(t, "# TYPE sockmem_tcp_mem_low_pages gauge\n# HELP");
	assert_null(strstr(t, "\nsockmem_tcp_mem_low_pages "));
	assert_null(strstr(t, "pct"));
	assert_contains(t, "# TYPE sockmem_tcpext_tcp_memory_pressures_total counter\n"
			   "sockmem_tcpext_tcp_memory_pressures_total 5\n");
	/* ceil of 10000, 24096, 5000, 100000, 300 and 8 bytes over 4096 */
	assert_contains(t, "\nsockmem_reconcile_sockets_pages 38\n");
	assert_contains(t, "sockmem_build_info{version=\"");
	assert_null(strstr(t, "udp")); /* a TCP-only collection */
	free(t);
	/* with UDP: its values, counters as counters, udp_mem absent (no sample) */
	r.cov.udp = true;
	r.sys.sockstat.udp_mem_pages = maybe_of(7);
	r.sys.udp6[UC_RCVBUF_ERRORS] = maybe_of(308);
	t = render(CMD_SYSTEM, BY_PROCESS, 0, &r, NULL);
	assert_contains(t, "\nsockmem_udp_mem_pages 7\n");
	assert_contains(t, "\nsockmem_udp_mem_bytes 28672\n");
	assert_contains(t, "# TYPE sockmem_udp6_counters_rcvbuf_errors_total counter\n"
			   "sockmem_udp6_counters_rcvbuf_errors_total 308\n");
	assert_null(strstr(t, "\nsockmem_udp_mem_low_pages "));
	assert_contains(t, "\nsockmem_udp_reconcile_gap_pages 7\n"); /* no UDP socket */
	free(t);
	snapshot_free(&r);
}

/* A filtered view: the group series and the dumped totals are over the
 * sockets it keeps (--sport 443: cgroup 12's two sockets), and the partial
 * flag says sockets were left out. */
static void test_filtered_view(void **state)
{
	struct snapshot r;
	struct opts o = prom_opts(CMD_TOP, BY_CGROUP, 0);
	struct report_err e;
	struct view v;
	size_t n;
	char *t;

	(void)state;
	build(&r);
	o.filt.sport[0] = (struct port_range){ 443, 443 };
	o.filt.nsport = 1;
	assert_int_equal(view_build(&r, &o, &v, &e), 0);
	t = render_view(&v, &o);
	assert_int_equal(sum_of(t, "sockmem_dumped_sockets", &n), 2);
	assert_int_equal(sum_of(t, "sockmem_group_sockets", &n), 2);
	assert_int_equal(n, 2); /* cgroup 12, and other */
	assert_contains(t, "sockmem_group_sockets{by=\"cgroup\",cgroup=\"/kubepods/pod1\"} 2\n");
	/* 5000 + 100000 (w) bytes */
	assert_contains(t, "\nsockmem_dumped_charged_bytes 105000\n");
	assert_contains(t, "\nsockmem_partial 1\n");
	free(t);
	view_free(&v);
	snapshot_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_families_once), cmocka_unit_test(test_groups_add_up),
		cmocka_unit_test(test_cgroup_labels), cmocka_unit_test(test_finding_series),
		cmocka_unit_test(test_system_names),  cmocka_unit_test(test_filtered_view),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
