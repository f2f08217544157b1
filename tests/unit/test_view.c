// SPDX-License-Identifier: GPL-2.0-or-later
/* test_view.c - report_filter over collected data (as a snapshot loads it):
 * families, cgroups by collected path, owners, and what "filtered" says. */
#include "testutil.h"

#include <sys/socket.h>

#include "model/report.h"
#include "model/view.h"

static struct cgroup_node nodes[] = { { 1, 0 }, { 10, 1 }, { 15, 10 }, { 20, 15 }, { 30, 1 } };

/* Six sockets: cookies 1..6; 1-3 IPv4, 4-6 IPv6; cgroups 10, 20, 30, 10,
 * none, 20; pid 100 holds 1 and 4, pid 200 holds 4 and 5. */
static void build(struct report *r)
{
	static const uint64_t cg[] = { 10, 20, 30, 10, 0, 20 };

	memset(r, 0, sizeof(*r));
	r->page_size = 4096;
	for (int i = 0; i < 6; i++) {
		struct sock_rec s = tu_sock((uint64_t)i + 1, 100u + (uint32_t)i, 0, 0, 0);

		s.family = i < 3 ? AF_INET : AF_INET6;
		s.uid = (uint32_t)i % 2;
		if (cg[i]) {
			s.flags |= SOCK_HAS_CGROUP;
			s.cgroup_id = cg[i];
		}
		assert_int_equal(sock_table_add(&r->socks, &s), 1);
	}
	r->owners.procs = calloc(2, sizeof(*r->owners.procs));
	r->owners.links = calloc(4, sizeof(*r->owners.links));
	assert_non_null(r->owners.procs);
	assert_non_null(r->owners.links);
	r->owners.procs[0] = (struct proc_ent){ .pid = 100, .comm = "a" };
	r->owners.procs[1] = (struct proc_ent){ .pid = 200, .comm = "b" };
	r->owners.nprocs = 2;
	r->owners.links[0] = (struct owner_link){ 0, 0, 3 };
	r->owners.links[1] = (struct owner_link){ 3, 0, 4 };
	r->owners.links[2] = (struct owner_link){ 3, 1, 5 };
	r->owners.links[3] = (struct owner_link){ 4, 1, 6 };
	r->owners.nlinks = 4;
	r->socks.v[0].own_n = 1;
	r->socks.v[3].own_first = 1;
	r->socks.v[3].own_n = 2;
	r->socks.v[4].own_first = 3;
	r->socks.v[4].own_n = 1;
	r->owners_scanned = true;
	r->owners.walked = true;
	r->cg.v = calloc(4, sizeof(*r->cg.v));
	assert_non_null(r->cg.v);
	r->cg.v[0] = (struct cgroup_ent){ .id = 10, .path = strdup("/a") };
	r->cg.v[1] = (struct cgroup_ent){ .id = 20, .path = strdup("/a/b/c") };
	r->cg.v[2] = (struct cgroup_ent){ .id = 30, .path = strdup("/x") };
	r->cg.n = 3;
	r->cg.nodes = malloc(sizeof(nodes));
	assert_non_null(r->cg.nodes);
	memcpy(r->cg.nodes, nodes, sizeof(nodes));
	r->cg.nnodes = sizeof(nodes) / sizeof(nodes[0]);
	r->cg_resolved = true;
}

static void opts_all(struct opts *o)
{
	memset(o, 0, sizeof(*o));
	o->want_v4 = o->want_v6 = true;
}

/* The cookies left, as a number with one decimal digit per socket. */
static uint64_t cookies(const struct report *r)
{
	uint64_t v = 0;

	for (size_t i = 0; i < r->socks.n; i++)
		v = v * 10 + r->socks.v[i].cookie;
	return v;
}

static void test_no_filter(void **state)
{
	struct report r;
	struct report_err e = { 0 };
	struct opts o;

	(void)state;
	build(&r);
	opts_all(&o);
	assert_int_equal(report_filter(&o, &r, &e), 0);
	assert_int_equal(cookies(&r), 123456);
	assert_false(r.filtered);
	/* a snapshot whose dump was limited stays filtered */
	r.filtered = true;
	assert_int_equal(report_filter(&o, &r, &e), 0);
	assert_true(r.filtered);
	report_free(&r);
}

static void test_family_and_owner_links(void **state)
{
	struct report r;
	struct report_err e = { 0 };
	struct opts o;

	(void)state;
	build(&r);
	opts_all(&o);
	o.want_v4 = false; /* -6 over a snapshot that holds both */
	assert_int_equal(report_filter(&o, &r, &e), 0);
	assert_int_equal(cookies(&r), 456);
	assert_true(r.filtered);
	/* links follow their sockets: 4 (now 0) held by 100 and 200, 5 (now 1) by 200 */
	assert_int_equal(r.owners.nlinks, 3);
	assert_int_equal(r.socks.v[0].own_first, 0);
	assert_int_equal(r.socks.v[0].own_n, 2);
	assert_int_equal(r.socks.v[1].own_first, 2);
	assert_int_equal(r.socks.v[1].own_n, 1);
	assert_int_equal(r.owners.links[2].sock, 1);
	assert_int_equal(r.owners.links[2].proc, 1);
	assert_int_equal(r.socks.v[2].own_n, 0);
	report_free(&r);

	build(&r);
	opts_all(&o);
	o.filt.pid[0] = 200;
	o.filt.npid = 1;
	assert_int_equal(report_filter(&o, &r, &e), 0);
	assert_int_equal(cookies(&r), 45);
	report_free(&r);
}

static void test_cgroup_by_collected_path(void **state)
{
	struct report r;
	struct report_err e = { 0 };
	struct opts o;

	(void)state;
	build(&r);
	opts_all(&o);
	/* /a/b has no entry of its own: found as the parent of /a/b/c's */
	o.filt.cgroup[0] = "/a/b";
	o.filt.ncgroup = 1;
	assert_int_equal(report_filter(&o, &r, &e), 0);
	assert_int_equal(cookies(&r), 26);
	report_free(&r);

	build(&r);
	o.filt.cgroup[0] = "a";
	assert_int_equal(report_filter(&o, &r, &e), 0);
	assert_int_equal(cookies(&r), 1246);
	report_free(&r);

	build(&r);
	o.filt.cgroup[0] = "/nope";
	assert_int_equal(report_filter(&o, &r, &e), -1);
	assert_string_equal(e.where, "--cgroup /nope: not among the collected cgroup paths");
	assert_int_equal(e.err, 0);
	assert_int_equal(cookies(&r), 123456); /* nothing dropped on an error */
	report_free(&r);
}

static void test_owner_filter_needs_owners(void **state)
{
	struct report r;
	struct report_err e = { 0 };
	struct opts o;

	(void)state;
	build(&r);
	r.owners_scanned = false; /* a snapshot taken with --no-owners */
	opts_all(&o);
	o.filt.comm[0] = "a";
	o.filt.ncomm = 1;
	assert_int_equal(report_filter(&o, &r, &e), -1);
	assert_string_equal(e.where,
			    "--pid/--comm: no process owners were collected (--no-owners)");
	report_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_filter),
		cmocka_unit_test(test_family_and_owner_links),
		cmocka_unit_test(test_cgroup_by_collected_path),
		cmocka_unit_test(test_owner_filter_needs_owners),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
