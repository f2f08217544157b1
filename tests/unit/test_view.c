// SPDX-License-Identifier: GPL-2.0-or-later
/* test_view.c - views over a const snapshot (as collected or loaded): the
 * filters as a keep-mask (families, cgroups by collected path, owners, what
 * "filtered" says), two views of one snapshot at once, stable group keys. */
#include "testutil.h"

#include <sys/socket.h>

#include "model/view.h"

static struct cgroup_node nodes[] = { { 1, 0 }, { 10, 1 }, { 15, 10 }, { 20, 15 }, { 30, 1 } };

/* Six sockets: cookies 1..6, socket i charged 4096 x i bytes (r); 1-3
 * IPv4, 4-6 IPv6; cgroups 10, 20, 30, 10, none, 20; pid 100 holds 1 and 4,
 * pid 200 holds 4 and 5. */
static void build(struct snapshot *r)
{
	static const uint64_t cg[] = { 10, 20, 30, 10, 0, 20 };

	memset(r, 0, sizeof(*r));
	r->page_size = 4096;
	for (int i = 0; i < 6; i++) {
		struct sock_rec s =
		    tu_sock((uint64_t)i + 1, 100u + (uint32_t)i, 4096u * (uint32_t)(i + 1), 0, 0);

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
	o->cmd = CMD_SOCKETS;
}

/* The cookies a view keeps, as a number with one decimal digit per socket. */
static uint64_t cookies(const struct view *v)
{
	uint64_t n = 0;

	view_for_each_sock(v, i)
		n = n * 10 + v->snap->socks.v[i].cookie;
	return n;
}

/* Builds the view o asks for over r, which must succeed. */
static void must_view(const struct snapshot *r, const struct opts *o, struct view *v)
{
	struct report_err e = { 0 };

	assert_int_equal(view_build(r, o, v, &e), 0);
}

static void test_no_filter(void **state)
{
	struct snapshot r;
	struct view v;
	struct opts o;

	(void)state;
	build(&r);
	opts_all(&o);
	must_view(&r, &o, &v);
	assert_int_equal(cookies(&v), 123456);
	assert_null(v.keep); /* no mask without a filter */
	assert_int_equal(v.nkept, 6);
	assert_false(v.filtered);
	assert_false(v.partial);
	view_free(&v);
	/* a snapshot whose dump was limited stays filtered */
	r.dump_filtered = true;
	must_view(&r, &o, &v);
	assert_true(v.filtered);
	assert_true(v.partial);
	view_free(&v);
	snapshot_free(&r);
}

/* The process groups of -6: links of the IPv4 sockets left out do not count. */
static void test_family_and_owner_links(void **state)
{
	struct snapshot r;
	struct view v;
	struct opts o;

	(void)state;
	build(&r);
	opts_all(&o);
	o.cmd = CMD_TOP;
	o.by = BY_PROCESS;
	o.want_v4 = false; /* -6 over a snapshot that holds both */
	must_view(&r, &o, &v);
	assert_int_equal(cookies(&v), 456);
	assert_int_equal(v.nkept, 3);
	assert_true(v.filtered);
	assert_true(v.partial);
	/* the snapshot's links are untouched */
	assert_int_equal(r.owners.nlinks, 4);
	assert_int_equal(r.socks.n, 6);
	assert_int_equal(r.socks.v[3].own_n, 2);
	/* 200 holds 4 and 5 (20480 + 24576 bytes), 100 only 4 (its socket 1 is
	 * left out), 6 has an inode and no holder */
	assert_int_equal(v.ngroups, 3);
	assert_int_equal(v.groups[0].proc, 1);
	assert_int_equal(v.groups[0].s.sockets, 2);
	assert_int_equal(v.groups[0].s.charged_bytes, 4096 * 9);
	assert_int_equal(v.groups[1].proc, AGG_NO_HOLDER);
	assert_int_equal(v.groups[1].s.charged_bytes, 4096 * 6);
	assert_int_equal(v.groups[2].proc, 0);
	assert_int_equal(v.groups[2].s.sockets, 1);
	assert_int_equal(v.groups[2].s.charged_bytes, 4096 * 4);
	assert_int_equal(v.totals.sockets, 3);
	assert_int_equal(v.totals.charged_bytes, 4096 * 15);
	view_free(&v);

	opts_all(&o);
	o.filt.pid[0] = 200;
	o.filt.npid = 1;
	must_view(&r, &o, &v);
	assert_int_equal(cookies(&v), 45);
	view_free(&v);
	snapshot_free(&r);
}

static void test_cgroup_by_collected_path(void **state)
{
	struct snapshot r;
	struct view v;
	struct report_err e = { 0 };
	struct opts o;

	(void)state;
	build(&r);
	opts_all(&o);
	/* /a/b has no entry of its own: found as the parent of /a/b/c's */
	o.filt.cgroup[0] = "/a/b";
	o.filt.ncgroup = 1;
	must_view(&r, &o, &v);
	assert_int_equal(cookies(&v), 26);
	view_free(&v);

	o.filt.cgroup[0] = "a";
	must_view(&r, &o, &v);
	assert_int_equal(cookies(&v), 1246);
	view_free(&v);

	o.filt.cgroup[0] = "/nope";
	assert_int_equal(view_build(&r, &o, &v, &e), -1);
	assert_string_equal(e.where, "--cgroup /nope: not among the collected cgroup paths");
	assert_int_equal(e.err, 0);
	assert_null(v.keep);		/* an empty view on an error */
	assert_int_equal(r.socks.n, 6); /* nothing dropped */
	snapshot_free(&r);
}

static void test_owner_filter_needs_owners(void **state)
{
	struct snapshot r;
	struct view v;
	struct report_err e = { 0 };
	struct opts o;

	(void)state;
	build(&r);
	r.owners_scanned = false; /* a snapshot taken with --no-owners */
	opts_all(&o);
	o.filt.comm[0] = "a";
	o.filt.ncomm = 1;
	assert_int_equal(view_build(&r, &o, &v, &e), -1);
	assert_string_equal(e.where,
			    "--pid/--comm: no process owners were collected (--no-owners)");
	snapshot_free(&r);
}

/* Two different views of one snapshot live at once, each with its own sums,
 * and building them leaves the snapshot as it was. */
static void test_two_views_one_snapshot(void **state)
{
	struct snapshot r;
	struct view v4, byuid;
	struct sock_rec before[6];
	struct opts o;

	(void)state;
	build(&r);
	memcpy(before, r.socks.v, sizeof(before));
	opts_all(&o);
	o.cmd = CMD_TOP;
	o.by = BY_PROCESS;
	o.want_v6 = false; /* -4: sockets 1, 2, 3 */
	must_view(&r, &o, &v4);
	opts_all(&o);
	o.cmd = CMD_TOP;
	o.by = BY_USER;
	o.filt.comm[0] = "b"; /* sockets 4 and 5 (pid 200) */
	o.filt.ncomm = 1;
	must_view(&r, &o, &byuid);

	assert_int_equal(cookies(&v4), 123);
	assert_int_equal(v4.totals.sockets, 3);
	assert_int_equal(v4.totals.charged_bytes, 4096 * 6);
	assert_int_equal(v4.totals.charged_pages, 6);
	/* pid 100 holds 1 of them; 2 and 3 have inodes and no holder */
	assert_int_equal(v4.ngroups, 2);
	assert_int_equal(v4.groups[0].proc, AGG_NO_HOLDER);
	assert_int_equal(v4.groups[0].s.charged_bytes, 4096 * 5);
	assert_int_equal(v4.groups[1].proc, 0);
	assert_int_equal(v4.groups[1].s.charged_bytes, 4096 * 1);

	assert_int_equal(cookies(&byuid), 45);
	assert_int_equal(byuid.totals.sockets, 2);
	assert_int_equal(byuid.totals.charged_bytes, 4096 * 9);
	/* socket 4 has uid 1, socket 5 uid 0 */
	assert_int_equal(byuid.ngroups, 2);
	assert_int_equal(byuid.groups[0].key, 0);
	assert_int_equal(byuid.groups[0].s.charged_bytes, 4096 * 5);
	assert_int_equal(byuid.groups[1].key, 1);
	assert_int_equal(byuid.groups[1].s.charged_bytes, 4096 * 4);

	/* the first view is still what it was */
	assert_int_equal(cookies(&v4), 123);
	assert_int_equal(v4.totals.charged_bytes, 4096 * 6);
	assert_memory_equal(before, r.socks.v, sizeof(before));
	assert_int_equal(r.owners.nlinks, 4);
	view_free(&byuid);
	view_free(&v4);
	snapshot_free(&r);
}

/* A process key is pid and start time: the same pid started again is
 * another process; keys of other kinds compare by value. */
static void test_group_keys(void **state)
{
	struct snapshot a, b;
	struct view va, vb;
	struct group_key ka, kb;
	struct opts o;

	(void)state;
	build(&a);
	build(&b);
	a.owners.procs[1].start_time = maybe_of(5000);
	b.owners.procs[1].start_time = maybe_of(5000);
	opts_all(&o);
	o.cmd = CMD_TOP;
	o.by = BY_PROCESS;
	must_view(&a, &o, &va);
	must_view(&b, &o, &vb);
	/* groups sort by charged bytes: no holder (2, 3, 6), then pid 200 (4, 5) */
	assert_int_equal(va.ngroups, 3);
	assert_int_equal(va.groups[1].proc, 1);
	assert_int_equal(vb.groups[1].proc, 1);
	ka = view_group_key(&va, &va.groups[1]);
	kb = view_group_key(&vb, &vb.groups[1]);
	assert_int_equal(ka.kind, KEY_PROCESS);
	assert_int_equal(ka.id, 200);
	assert_int_equal(group_key_cmp(&ka, &kb), 0);
	/* pid 200 reused by a process started later */
	b.owners.procs[1].start_time = maybe_of(7000);
	kb = view_group_key(&vb, &vb.groups[1]);
	assert_int_equal(kb.id, 200);
	assert_true(group_key_cmp(&ka, &kb) < 0);
	assert_true(group_key_cmp(&kb, &ka) > 0);
	/* a start time that could not be read is not a match either */
	b.owners.procs[1].start_time = maybe_none();
	kb = view_group_key(&vb, &vb.groups[1]);
	assert_true(group_key_cmp(&ka, &kb) != 0);
	/* rows without a process have keys of their own */
	for (size_t i = 0; i < va.ngroups; i++)
		if (va.groups[i].proc == AGG_NO_HOLDER) {
			ka = view_group_key(&va, &va.groups[i]);
			assert_int_equal(ka.kind, KEY_NO_HOLDER);
		}
	view_free(&va);
	view_free(&vb);

	/* --by cgroup: the id; sockets are their cookies */
	o.by = BY_CGROUP;
	must_view(&a, &o, &va);
	for (size_t i = 0; i < va.ngroups; i++) {
		ka = view_group_key(&va, &va.groups[i]);
		assert_int_equal(ka.kind, KEY_CGROUP);
		assert_int_equal(ka.id, va.groups[i].key);
		assert_false(ka.start.has);
	}
	view_free(&va);
	ka = view_sock_key(&a.socks.v[2]);
	kb = view_sock_key(&b.socks.v[2]);
	assert_int_equal(ka.kind, KEY_SOCKET);
	assert_int_equal(ka.id, 3);
	assert_int_equal(group_key_cmp(&ka, &kb), 0);
	kb = view_sock_key(&b.socks.v[3]);
	assert_true(group_key_cmp(&ka, &kb) < 0);
	/* a uid and a port of the same value are different keys */
	ka = (struct group_key){ KEY_USER, 443, maybe_none() };
	kb = (struct group_key){ KEY_PORT, 443, maybe_none() };
	assert_true(group_key_cmp(&ka, &kb) != 0);
	snapshot_free(&a);
	snapshot_free(&b);
}

/* Each row of sockets no process can hold has a key of its own kind: a
 * TIME-WAIT row and an orphan row are never the same thing. */
static void test_no_process_row_keys(void **state)
{
	struct snapshot r;
	struct view v;
	struct opts o;
	bool seen_tw = false, seen_orphan = false, seen_no_holder = false;

	(void)state;
	build(&r);
	/* cookie 3: TIME-WAIT, cookie 6: an orphan in FIN-WAIT-1 (both inode 0) */
	r.socks.v[2].inode = 0;
	r.socks.v[2].state = SOCK_TCP_TIME_WAIT;
	r.socks.v[5].inode = 0;
	r.socks.v[5].state = SOCK_TCP_FIN_WAIT1;
	opts_all(&o);
	o.cmd = CMD_TOP;
	o.by = BY_PROCESS;
	must_view(&r, &o, &v);
	for (size_t i = 0; i < v.ngroups; i++) {
		struct group_key k = view_group_key(&v, &v.groups[i]);

		switch (v.groups[i].proc) {
		case AGG_TIME_WAIT:
			assert_int_equal(k.kind, KEY_TIME_WAIT);
			assert_int_equal(v.groups[i].s.sockets, 1);
			seen_tw = true;
			break;
		case AGG_ORPHAN:
			assert_int_equal(k.kind, KEY_ORPHAN);
			seen_orphan = true;
			break;
		case AGG_NO_HOLDER:
			assert_int_equal(k.kind, KEY_NO_HOLDER);
			seen_no_holder = true;
			break;
		default: assert_int_equal(k.kind, KEY_PROCESS);
		}
		for (size_t j = 0; j < i; j++) {
			struct group_key kj = view_group_key(&v, &v.groups[j]);

			assert_true(group_key_cmp(&k, &kj) != 0);
		}
	}
	assert_true(seen_tw && seen_orphan && seen_no_holder);
	view_free(&v);
	snapshot_free(&r);
}

/* Per namespace, the view counts its kept sockets and sums those no process
 * holds by row: 1-3 and the TIME-WAIT socket in namespace 7, 4-6 in 8;
 * holders as build() gives them (1, 4, 5 held; 2, 3, 6 not). */
static void test_namespace_sums(void **state)
{
	struct snapshot r;
	struct view v;
	struct opts o;
	struct sock_rec tw = tu_sock_noskmem(7);
	const struct view_ns *ns;

	(void)state;
	build(&r);
	assert_int_equal(sock_table_add(&r.socks, &tw), 1);
	for (size_t i = 0; i < r.socks.n; i++)
		r.socks.v[i].netns_ino = i < 3 || i == 6 ? 7 : 8;
	opts_all(&o);
	must_view(&r, &o, &v);
	ns = view_ns_find(&v, 7);
	assert_non_null(ns);
	assert_int_equal(ns->sockets, 4);
	assert_int_equal(ns->no_proc[NP_NO_HOLDER].sockets, 2); /* 2 and 3: walked, no holder */
	assert_int_equal(ns->no_proc[NP_NO_HOLDER].charged_bytes, 4096 * (2 + 3));
	assert_int_equal(ns->no_proc[NP_TIME_WAIT].sockets, 1);
	assert_int_equal(ns->no_proc[NP_NOT_SCANNED].sockets, 0);
	ns = view_ns_find(&v, 8);
	assert_non_null(ns);
	assert_int_equal(ns->sockets, 3);
	assert_int_equal(ns->no_proc[NP_NO_HOLDER].sockets, 1); /* 6 */
	assert_int_equal(ns->no_proc[NP_NO_HOLDER].charged_bytes, 4096 * 6);
	assert_null(view_ns_find(&v, 9));
	view_free(&v);
	/* a filter leaves sockets out of their namespace too: pid 100 holds 1 and 4 */
	o.filt.pid[0] = 100;
	o.filt.npid = 1;
	must_view(&r, &o, &v);
	assert_int_equal(view_ns_find(&v, 7)->sockets, 1);
	assert_int_equal(view_ns_find(&v, 8)->sockets, 1);
	assert_int_equal(view_ns_find(&v, 7)->no_proc[NP_NO_HOLDER].sockets, 0);
	view_free(&v);
	/* owners not walked: the sockets with an inode and no holder are not scanned */
	r.owners.walked = false;
	opts_all(&o);
	must_view(&r, &o, &v);
	assert_int_equal(view_ns_find(&v, 7)->no_proc[NP_NOT_SCANNED].sockets, 2);
	assert_int_equal(view_ns_find(&v, 7)->no_proc[NP_NO_HOLDER].sockets, 0);
	view_free(&v);
	snapshot_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_filter),
		cmocka_unit_test(test_namespace_sums),
		cmocka_unit_test(test_family_and_owner_links),
		cmocka_unit_test(test_cgroup_by_collected_path),
		cmocka_unit_test(test_owner_filter_needs_owners),
		cmocka_unit_test(test_two_views_one_snapshot),
		cmocka_unit_test(test_group_keys),
		cmocka_unit_test(test_no_process_row_keys),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
