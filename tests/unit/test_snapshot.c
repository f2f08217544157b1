// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_snapshot.c - the snapshot document: a hand-built collection written
 * (render/snapshot.c), read back (collect/snapfile.c) into the same structs
 * field by field, written again byte for byte, and rendered by every view
 * in every format exactly as the original; then the documents the reader
 * refuses, each with its one-line reason.
 */
#include "testutil.h"

#include <arpa/inet.h>
#include <jansson.h>
#include <stdio.h>
#include <sys/socket.h>

#include "cmd/cmds.h"
#include "collect/snapfile.h"
#include "model/view.h"
#include "model/view.h"
#include "render/out.h"
#include "render/snapshot.h"

#define BIG_COOKIE 0xfedcba9876543210ULL /* above INT64_MAX: must survive */
#define BIG_CGROUP 0x8000000000000005ULL

/* ----------------------------------------------------------- the collection */

static struct sock_rec sock4(uint64_t cookie, const char *src, uint16_t sport, const char *dst,
			     uint16_t dport)
{
	struct sock_rec s = tu_sock(cookie, (uint32_t)cookie % 100000 + 1000, 1000, 200, 3096);

	assert_int_equal(inet_pton(AF_INET, src, s.saddr), 1);
	assert_int_equal(inet_pton(AF_INET, dst, s.daddr), 1);
	s.sport = sport;
	s.dport = dport;
	s.skmem[SKM_RB] = 131072;
	s.skmem[SKM_TB] = 87040;
	s.skmem[SKM_D] = 7;
	s.uid = 1000;
	s.netns_ino = 4026531840u;
	return s;
}

static void add_sock(struct snapshot *r, const struct sock_rec *s)
{
	assert_int_equal(sock_table_add(&r->socks, s), 1);
}

static void fill_sysinfo(struct sysinfo *si)
{
	struct maybe *m = (struct maybe *)&si->sockstat;

	for (size_t i = 0; i < sizeof(si->sockstat) / sizeof(*m); i++)
		m[i] = i == 3 ? maybe_none() : maybe_of((int64_t)i * 11);
	si->sockstat.mem_pages = maybe_of(-3); /* negative from a racing sum */
	si->proto.memory_pages = maybe_of(-1);
	si->proto.pressure = maybe_of(1);
	for (int i = 0; i < TX_N; i++)
		si->tcpext[i] = i % 3 ? maybe_of(INT64_MAX - i) : maybe_none();
	m = (struct maybe *)&si->sysctl;
	for (size_t i = 0; i < sizeof(si->sysctl) / sizeof(*m); i++)
		m[i] = i == 5 ? maybe_none() : maybe_of(4096 * (int64_t)(i + 1));
	si->sysctl.tcp_adv_win_scale = maybe_of(-INT64_MAX);
	si->sysctl.mem_pcpu_rsv = maybe_of(256);
	si->initial_netns = maybe_of(0); /* false, not absent: a child namespace */
	snprintf(si->hostname, sizeof(si->hostname), "h\xff\xfe-not-utf8");
	snprintf(si->release, sizeof(si->release), "6.1.0-\"quoted\"\\");
	snprintf(si->boot_id, sizeof(si->boot_id), "0123abcd-0000-4000-8000-0123456789ab");
	sysinfo_drop_udp(si); /* a TCP-only collection (test_round_trip_udp adds them) */
}

/* A collection as collect_live leaves it, with every kind of value: absent
 * ones, ones above INT64_MAX, text that is not UTF-8, holders, cgroups
 * with an unresolved id, a skipped namespace. */
static void build(struct snapshot *r)
{
	struct sock_rec s;

	memset(r, 0, sizeof(*r));
	r->when = 1700000000;
	r->page_size = 4096;
	r->ncpu = 8;
	r->netns_ino = 4026531840u;
	r->all_netns = true;
	r->cov.v4 = r->cov.v6 = true;
	r->cov.initial_netns = maybe_of(1);
	r->cov.other_netns = maybe_of(2);
	r->cov.unreadable_pids = maybe_of(INT64_MAX);
	fill_sysinfo(&r->sys);

	/* sockets: full, short skmem, none; tcp_info some fields; both families */
	s = sock4(BIG_COOKIE, "127.0.0.1", 443, "127.0.0.1", 50000);
	s.flags |= SOCK_HAS_CGROUP;
	s.cgroup_id = BIG_CGROUP;
	s.ti_mask = (1u << TI_RCV_SPACE) | (1u << TI_BYTES_ACKED) | (1u << TI_SND_MSS) |
		    (1u << TI_RCV_WSCALE);
	s.ti[TI_RCV_SPACE] = 65483;
	s.ti[TI_BYTES_ACKED] = UINT64_MAX;
	s.ti[TI_SND_MSS] = 32768;
	s.ti[TI_RCV_WSCALE] = 14; /* snd_wscale absent: window scaling not negotiated */
	s.rqueue = 1000;
	s.ifindex = 1;
	add_sock(r, &s);
	s = sock4(2, "10.1.2.3", 50000, "10.9.8.7", 443);
	s.flags |= SOCK_HAS_CGROUP;
	s.cgroup_id = 77;
	s.skmem_n = 5; /* an old kernel: no w, o, bl, d */
	s.skmem[SKM_W] = s.skmem[SKM_O] = s.skmem[SKM_BL] = s.skmem[SKM_D] = 0;
	add_sock(r, &s);
	s = tu_sock_noskmem(3); /* TIME-WAIT: no skmem, no tcp_info, uid placeholder */
	s.family = AF_INET6;
	assert_int_equal(inet_pton(AF_INET6, "2001:db8::1", s.saddr), 1);
	assert_int_equal(inet_pton(AF_INET6, "::ffff:192.0.2.1", s.daddr), 1);
	s.sport = 8080;
	s.dport = 41000;
	s.netns_ino = 4026532000u;
	add_sock(r, &s);
	s = sock4(4, "0.0.0.0", 22, "0.0.0.0", 0);
	s.state = 10; /* LISTEN */
	s.uid = 0;
	add_sock(r, &s);
	r->socks.dup_dropped = 2;
	r->dstats = (struct diag_stats){ .messages = 12, .recv_calls = 3, .bytes = 4567, .malformed = 1 };

	/* owners: sockets 0 and 1 held by 300 (two fds of 1), 1 also by 400 */
	r->owners.procs = calloc(3, sizeof(*r->owners.procs));
	r->owners.links = calloc(4, sizeof(*r->owners.links));
	assert_non_null(r->owners.procs);
	assert_non_null(r->owners.links);
	r->owners.procs[0] = (struct proc_ent){ 300, 1000, "nginx", maybe_of(123456) };
	r->owners.procs[1] = (struct proc_ent){ 400, 0, "we\tird\"na\nme", maybe_none() };
	r->owners.procs[2] = (struct proc_ent){ 500, 33, "\x80\x81", maybe_of(0) };
	r->owners.nprocs = r->owners.procs_cap = 3;
	r->owners.links[0] = (struct owner_link){ 0, 0, 3 };
	r->owners.links[1] = (struct owner_link){ 1, 0, 4 };
	r->owners.links[2] = (struct owner_link){ 1, 0, 9 };
	r->owners.links[3] = (struct owner_link){ 1, 1, 5 };
	r->owners.nlinks = r->owners.links_cap = 4;
	r->socks.v[0].own_first = 0;
	r->socks.v[0].own_n = 1;
	r->socks.v[1].own_first = 1;
	r->socks.v[1].own_n = 3;
	r->owners.procs_scanned = 90;
	r->owners.procs_denied = 2;
	r->owners.fds_denied = 17;
	r->owners.procs_gone = 1;
	r->owners.procs_incomplete = 0;
	r->owners.task_tables = 4;
	r->owners.walked = true;
	r->owners_scanned = true;

	/* cgroups: 77 under 1; BIG under 77; 99 unresolved; blind 50 */
	r->cg.v = calloc(3, sizeof(*r->cg.v));
	r->cg.nodes = calloc(3, sizeof(*r->cg.nodes));
	r->cg.blind = calloc(1, sizeof(*r->cg.blind));
	assert_non_null(r->cg.v);
	assert_non_null(r->cg.nodes);
	assert_non_null(r->cg.blind);
	r->cg.v[0] =
	    (struct cgroup_ent){ 77, strdup("/system.slice"), maybe_of(8192), maybe_none() };
	r->cg.v[1] = (struct cgroup_ent){ 99, NULL, maybe_none(), maybe_none() };
	r->cg.v[2] = (struct cgroup_ent){ BIG_CGROUP, strdup("/system.slice/a\x01\xc3\xa9.service"),
					  maybe_of(0), maybe_of(4096) };
	r->cg.n = 3;
	r->cg.nodes[0] = (struct cgroup_node){ 1, 0 };
	r->cg.nodes[1] = (struct cgroup_node){ 77, 1 };
	r->cg.nodes[2] = (struct cgroup_node){ BIG_CGROUP, 77 };
	r->cg.nnodes = 3;
	r->cg.blind[0] = 50;
	r->cg.nblind = 1;
	snprintf(r->cg.v2_mount, sizeof(r->cg.v2_mount), "/sys/fs/cgroup");
	r->cg_resolved = true;

	/* names */
	r->users = calloc(2, sizeof(*r->users));
	assert_non_null(r->users);
	r->users[0] = (struct user_ent){ 0, "root" };
	r->users[1] = (struct user_ent){ 1000, "" }; /* no passwd entry */
	r->nusers = 2;
	r->ifnames = calloc(2, sizeof(*r->ifnames));
	assert_non_null(r->ifnames);
	r->ifnames[0] = (struct ifname){ 1, "lo" };
	r->ifnames[1] = (struct ifname){ 7, "veth-a.b@c_1" };
	r->nifnames = 2;

	/* namespaces: ours, one named, one skipped */
	r->netns = calloc(3, sizeof(*r->netns));
	assert_non_null(r->netns);
	r->netns[0].ino = 4026531840u;
	r->netns[0].pid = 1;
	r->netns[0].sysctl = r->sys.sysctl;
	r->netns[0].inuse = maybe_of(4);
	r->netns[1].ino = 4026532000u;
	snprintf(r->netns[1].name, sizeof(r->netns[1].name), "blue");
	r->netns[1].tw = maybe_of(1);
	r->netns[2].ino = 4026532111u;
	r->netns[2].skipped = 1; /* EPERM */
	r->nnetns = 3;
}

/* ------------------------------------------------------------ comparisons */

static void eq_maybe(struct maybe a, struct maybe b, const char *what)
{
	if (a.has != b.has || (a.has && a.v != b.v))
		fail_msg("%s: %s%lld vs %s%lld", what, a.has ? "" : "absent ", (long long)a.v,
			 b.has ? "" : "absent ", (long long)b.v);
}

/* n maybes laid out one after the other (structs made of maybes only). */
static void eq_maybes(const void *a, const void *b, size_t size, const char *what)
{
	const struct maybe *x = a, *y = b;

	for (size_t i = 0; i < size / sizeof(*x); i++)
		eq_maybe(x[i], y[i], what);
}

static void eq_sock(const struct sock_rec *a, const struct sock_rec *b)
{
	assert_true(a->cookie == b->cookie);
	assert_int_equal(a->protocol, b->protocol);
	assert_int_equal(a->flags, b->flags);
	assert_true(a->cgroup_id == b->cgroup_id);
	assert_true(a->netns_ino == b->netns_ino);
	assert_int_equal(a->ti_mask, b->ti_mask);
	for (int i = 0; i < TI_N; i++)
		if (sock_has_ti(a, (enum ti)i))
			assert_true(a->ti[i] == b->ti[i]);
	assert_int_equal(a->skmem_n, b->skmem_n);
	assert_memory_equal(a->skmem, b->skmem, a->skmem_n * sizeof(a->skmem[0]));
	assert_int_equal(a->inode, b->inode);
	assert_int_equal(a->uid, b->uid);
	assert_int_equal(a->rqueue, b->rqueue);
	assert_int_equal(a->wqueue, b->wqueue);
	assert_int_equal(a->ifindex, b->ifindex);
	assert_int_equal(a->own_first, b->own_first);
	assert_int_equal(a->own_n, b->own_n);
	assert_int_equal(a->sport, b->sport);
	assert_int_equal(a->dport, b->dport);
	assert_memory_equal(a->saddr, b->saddr, 16);
	assert_memory_equal(a->daddr, b->daddr, 16);
	assert_int_equal(a->family, b->family);
	assert_int_equal(a->state, b->state);
}

static void eq_snapshot(const struct snapshot *a, const struct snapshot *b)
{
	assert_true(a->when == b->when);
	assert_true(a->page_size == b->page_size);
	assert_true(a->ncpu == b->ncpu);
	assert_true(a->netns_ino == b->netns_ino);
	assert_int_equal(a->all_netns, b->all_netns);
	eq_maybe(a->cov.initial_netns, b->cov.initial_netns, "initial_netns");
	eq_maybe(a->cov.other_netns, b->cov.other_netns, "other_netns");
	eq_maybe(a->cov.unreadable_pids, b->cov.unreadable_pids, "unreadable_pids");
	assert_int_equal(a->dump_filtered, b->dump_filtered);
	/* sysinfo */
	eq_maybes(&a->sys.sockstat, &b->sys.sockstat, sizeof(a->sys.sockstat), "sockstat");
	eq_maybes(&a->sys.proto, &b->sys.proto, sizeof(a->sys.proto), "protocols");
	eq_maybes(a->sys.tcpext, b->sys.tcpext, sizeof(a->sys.tcpext), "tcpext");
	eq_maybes(a->sys.udp, b->sys.udp, sizeof(a->sys.udp), "udp");
	eq_maybes(a->sys.udp6, b->sys.udp6, sizeof(a->sys.udp6), "udp6");
	assert_int_equal(a->cov.no_tcp, b->cov.no_tcp);
	assert_int_equal(a->cov.udp, b->cov.udp);
	eq_maybes(&a->sys.sysctl, &b->sys.sysctl, sizeof(a->sys.sysctl), "sysctl");
	eq_maybes(&a->sys.initial_netns, &b->sys.initial_netns, sizeof(a->sys.initial_netns),
		  "initial_netns");
	assert_string_equal(a->sys.hostname, b->sys.hostname);
	assert_string_equal(a->sys.release, b->sys.release);
	assert_string_equal(a->sys.boot_id, b->sys.boot_id);
	/* coverage */
	assert_int_equal(a->cov.v4, b->cov.v4);
	assert_int_equal(a->cov.v6, b->cov.v6);
	assert_int_equal(a->cov.dump.states, b->cov.dump.states);
	assert_int_equal(a->cov.dump.nsport, b->cov.dump.nsport);
	assert_memory_equal(a->cov.dump.sport, b->cov.dump.sport, sizeof(a->cov.dump.sport));
	assert_int_equal(a->cov.dump.ndst, b->cov.dump.ndst);
	for (size_t i = 0; i < a->cov.dump.ndst; i++) {
		assert_int_equal(a->cov.dump.dst[i].family, b->cov.dump.dst[i].family);
		assert_int_equal(a->cov.dump.dst[i].plen, b->cov.dump.dst[i].plen);
		assert_memory_equal(a->cov.dump.dst[i].addr, b->cov.dump.dst[i].addr, 16);
	}
	/* sockets */
	assert_int_equal(a->socks.n, b->socks.n);
	for (size_t i = 0; i < a->socks.n; i++)
		eq_sock(&a->socks.v[i], &b->socks.v[i]);
	assert_true(a->socks.dup_dropped == b->socks.dup_dropped);
	assert_memory_equal(&a->dstats, &b->dstats, sizeof(a->dstats));
	/* owners */
	assert_int_equal(a->owners_scanned, b->owners_scanned);
	assert_int_equal(a->owners.walked, b->owners.walked);
	assert_int_equal(a->owners.nprocs, b->owners.nprocs);
	for (size_t i = 0; i < a->owners.nprocs; i++) {
		assert_int_equal(a->owners.procs[i].pid, b->owners.procs[i].pid);
		assert_int_equal(a->owners.procs[i].uid, b->owners.procs[i].uid);
		assert_string_equal(a->owners.procs[i].comm, b->owners.procs[i].comm);
		eq_maybe(a->owners.procs[i].start_time, b->owners.procs[i].start_time, "start");
	}
	assert_int_equal(a->owners.nlinks, b->owners.nlinks);
	assert_memory_equal(a->owners.links, b->owners.links,
			    a->owners.nlinks * sizeof(*a->owners.links));
	assert_true(a->owners.procs_scanned == b->owners.procs_scanned);
	assert_true(a->owners.procs_denied == b->owners.procs_denied);
	assert_true(a->owners.fds_denied == b->owners.fds_denied);
	assert_true(a->owners.procs_gone == b->owners.procs_gone);
	assert_true(a->owners.procs_incomplete == b->owners.procs_incomplete);
	assert_true(a->owners.task_tables == b->owners.task_tables);
	/* cgroups */
	assert_int_equal(a->cg_resolved, b->cg_resolved);
	assert_string_equal(a->cg.v2_mount, b->cg.v2_mount);
	assert_string_equal(a->cg.v1_memory_mount, b->cg.v1_memory_mount);
	assert_int_equal(a->cg.n, b->cg.n);
	for (size_t i = 0; i < a->cg.n; i++) {
		assert_true(a->cg.v[i].id == b->cg.v[i].id);
		if (a->cg.v[i].path)
			assert_string_equal(a->cg.v[i].path, b->cg.v[i].path);
		else
			assert_null(b->cg.v[i].path);
		eq_maybe(a->cg.v[i].memcg_sock_bytes, b->cg.v[i].memcg_sock_bytes, "memcg");
		eq_maybe(a->cg.v[i].v1_tcp_bytes, b->cg.v[i].v1_tcp_bytes, "v1");
	}
	assert_int_equal(a->cg.nnodes, b->cg.nnodes);
	assert_memory_equal(a->cg.nodes, b->cg.nodes, a->cg.nnodes * sizeof(*a->cg.nodes));
	assert_int_equal(a->cg.nblind, b->cg.nblind);
	assert_memory_equal(a->cg.blind, b->cg.blind, a->cg.nblind * sizeof(*a->cg.blind));
	/* names, namespaces */
	assert_int_equal(a->nusers, b->nusers);
	assert_int_equal(!a->users, !b->users);
	assert_memory_equal(a->users, b->users, a->nusers * sizeof(*a->users));
	assert_int_equal(a->nifnames, b->nifnames);
	assert_memory_equal(a->ifnames, b->ifnames, a->nifnames * sizeof(*a->ifnames));
	assert_int_equal(a->nnetns, b->nnetns);
	for (size_t i = 0; i < a->nnetns; i++) {
		assert_true(a->netns[i].ino == b->netns[i].ino);
		assert_string_equal(a->netns[i].name, b->netns[i].name);
		assert_int_equal(a->netns[i].pid, b->netns[i].pid);
		assert_int_equal(a->netns[i].skipped, b->netns[i].skipped);
		eq_maybes(&a->netns[i].sysctl, &b->netns[i].sysctl, sizeof(a->netns[i].sysctl),
			  "netns sysctl");
		eq_maybe(a->netns[i].inuse, b->netns[i].inuse, "netns inuse");
		eq_maybe(a->netns[i].tw, b->netns[i].tw, "netns tw");
		eq_maybe(a->netns[i].udp_inuse, b->netns[i].udp_inuse, "netns udp_inuse");
		eq_maybe(a->netns[i].udp_inuse6, b->netns[i].udp_inuse6, "netns udp_inuse6");
	}
}

/* ----------------------------------------------------------------- helpers */

/* The document for r, malloc'd and NUL-terminated. */
static char *emit(const struct snapshot *r, size_t *len)
{
	struct outbuf b;
	char *s;

	assert_int_equal(ob_init_mem(&b), 0);
	snapshot_emit(&b, r);
	assert_int_equal(b.err, 0);
	s = malloc(b.len + 1);
	assert_non_null(s);
	memcpy(s, b.p, b.len);
	s[b.len] = '\0';
	*len = b.len;
	free(b.p);
	return s;
}

/* Renders view cmd in fmt over the view view_build gives, as main does. */
static char *render_view(const struct snapshot *r, enum cmd cmd, enum fmt fmt, enum group_by by)
{
	struct report_err e = { 0 };
	struct view v;
	struct opts o;
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	memset(&o, 0, sizeof(o));
	o.cmd = cmd;
	o.cmd_name = cmd_get(cmd)->name;
	o.fmt = fmt;
	o.by = by;
	o.want_v4 = o.want_v6 = true;
	o.find.unsent_min = FIND_DEFAULT_UNSENT_MIN;
	o.find.zero_window = FIND_DEFAULT_ZERO_WINDOW;
	o.find.unread_min = FIND_DEFAULT_UNREAD_MIN;
	assert_int_equal(view_build(r, &o, &v, &e), 0);
	f = open_memstream(&text, &len);
	assert_non_null(f);
	assert_int_equal(out_render(&v, &o, f), 0);
	assert_int_equal(fclose(f), 0);
	view_free(&v);
	return text;
}

/* --------------------------------------------------------------- the tests */

static void test_round_trip(void **state)
{
	struct snapshot a, b;
	char why[256] = "", *doc, *again;
	size_t len, len2;

	(void)state;
	build(&a);
	doc = emit(&a, &len);
	if (snapfile_parse(doc, len, &b, why, sizeof(why)) != 0)
		fail_msg("refused its own document: %s\n%s", why, doc);
	eq_snapshot(&a, &b);
	/* the values above INT64_MAX are strings, the rest numbers */
	assert_non_null(strstr(doc, "\"cookie\":\"18364758544493064720\""));
	assert_non_null(strstr(doc, "\"cgroup_id\":\"9223372036854775813\""));
	assert_non_null(strstr(doc, "\"bytes_acked\":\"18446744073709551615\""));
	assert_non_null(strstr(doc, "\"rcv_space\":65483"));
	assert_null(strstr(doc, "udp_inuse")); /* TCP only: no UDP member */
	/* text that is not UTF-8 keeps its bytes */
	assert_non_null(strstr(doc, "\"hostname\":{\"hex\":\"68fffe2d6e6f742d75746638\"}"));
	assert_non_null(strstr(doc, "\"comm\":{\"hex\":\"8081\"}"));
	assert_non_null(strstr(doc, "\"comm\":\"we\\u0009ird\\\"na\\u000ame\""));
	/* absent stays null, never 0 */
	assert_non_null(strstr(doc, "\"alloc\":null"));
	assert_non_null(strstr(doc, "\"start_time\":null"));
	again = emit(&b, &len2);
	assert_int_equal(len, len2);
	assert_string_equal(doc, again);
	free(again);
	free(doc);
	snapshot_free(&a);
	snapshot_free(&b);
}

/* A collection with UDP: protocol per socket, the UDP system values (some
 * absent), the namespaces' UDP sysctls; all come back exactly. */
static void test_round_trip_udp(void **state)
{
	struct snapshot a, b;
	char why[256] = "", *doc;
	size_t len;

	(void)state;
	build(&a);
	a.cov.udp = true;
	a.socks.v[0].protocol = SOCK_PROTO_UDP;
	a.sys.sockstat.udp_inuse = maybe_of(5);
	a.sys.sockstat.udp_mem_pages = maybe_of(7);
	a.sys.proto.udp_memory_pages = maybe_of(7);
	a.sys.sysctl.udp_mem[0] = maybe_of(573282);
	a.sys.sysctl.udp_mem[2] = maybe_of(1146564);
	a.sys.sysctl.udp_rmem_min = maybe_of(4096);
	a.sys.udp[UC_RCVBUF_ERRORS] = maybe_of(4100);
	a.sys.udp6[UC_IN_DATAGRAMS] = maybe_of(2201);
	a.netns[1].sysctl.udp_wmem_min = maybe_of(8192);
	a.netns[0].udp_inuse = maybe_of(3);
	a.netns[0].udp_inuse6 = maybe_of(0);
	a.netns[1].udp_inuse6 = maybe_of(2); /* its udp_inuse absent */
	doc = emit(&a, &len);
	if (snapfile_parse(doc, len, &b, why, sizeof(why)) != 0)
		fail_msg("refused its own document: %s\n%s", why, doc);
	eq_snapshot(&a, &b);
	assert_int_equal(b.socks.v[0].protocol, SOCK_PROTO_UDP);
	assert_int_equal(b.socks.v[1].protocol, SOCK_PROTO_TCP);
	assert_true(b.netns[1].sysctl.udp_wmem_min.has && b.netns[1].sysctl.udp_wmem_min.v == 8192);
	assert_true(b.netns[0].udp_inuse.has && b.netns[0].udp_inuse.v == 3);
	assert_true(b.netns[0].udp_inuse6.has && b.netns[0].udp_inuse6.v == 0);
	assert_false(b.netns[1].udp_inuse.has);
	assert_non_null(strstr(doc, "\"udp_inuse\":3,\"udp_inuse6\":0"));
	assert_non_null(strstr(doc, "\"protocols\":[\"tcp\",\"udp\"]"));
	assert_non_null(strstr(doc, "\"protocol\":\"udp\""));
	assert_non_null(strstr(doc, "\"MemErrors\":null")); /* absent stays null */
	free(doc);
	snapshot_free(&b);
	/* UDP only: no "tcp" in the list; an unknown protocol is refused */
	a.cov.no_tcp = true;
	doc = emit(&a, &len);
	assert_non_null(strstr(doc, "\"protocols\":[\"udp\"]"));
	assert_int_equal(snapfile_parse(doc, len, &b, why, sizeof(why)), 0);
	assert_true(b.cov.no_tcp);
	assert_true(b.cov.udp);
	snapshot_free(&b);
	free(doc);
	snapshot_free(&a);
}

/* Every view in every format renders the loaded snapshot byte for byte as
 * the collection it came from. */
static void test_renders_identical(void **state)
{
	static const struct {
		enum cmd cmd;
		enum group_by by;
	} views[] = {
		{ CMD_REPORT, BY_PROCESS }, { CMD_SOCKETS, BY_PROCESS }, { CMD_TOP, BY_PROCESS },
		{ CMD_TOP, BY_CGROUP },	    { CMD_TOP, BY_USER },	 { CMD_TOP, BY_NETNS },
		{ CMD_SYSTEM, BY_PROCESS }, { CMD_CHECK, BY_PROCESS },
	};
	char why[256] = "";

	(void)state;
	for (size_t v = 0; v < sizeof(views) / sizeof(views[0]); v++)
		for (int fmt = FMT_TABLE; fmt <= FMT_JSON; fmt++) {
			struct snapshot a, b;
			size_t len;
			char *doc, *x, *y;

			build(&a);
			doc = emit(&a, &len);
			assert_int_equal(snapfile_parse(doc, len, &b, why, sizeof(why)), 0);
			x = render_view(&a, views[v].cmd, (enum fmt)fmt, views[v].by);
			y = render_view(&b, views[v].cmd, (enum fmt)fmt, views[v].by);
			if (strcmp(x, y) != 0)
				fail_msg("%s by %d fmt %d differs:\n%s\n----\n%s",
					 cmd_get(views[v].cmd)->name, views[v].by, fmt, x, y);
			free(x);
			free(y);
			free(doc);
			snapshot_free(&a);
			snapshot_free(&b);
		}
}

/* A dump limited by family and kernel filter says so after the round trip. */
static void test_coverage(void **state)
{
	struct snapshot a, b;
	char why[256] = "", *doc;
	size_t len;

	(void)state;
	build(&a);
	a.cov.v6 = false;
	a.cov.dump.states = (1u << 1) | (1u << 10);
	a.cov.dump.sport[0] = (struct port_range){ 443, 443 };
	a.cov.dump.sport[1] = (struct port_range){ 8000, 8100 };
	a.cov.dump.nsport = 2;
	assert_int_equal(filter_parse_cidr("2001:db8::/32", &a.cov.dump.dst[0]), 0);
	assert_int_equal(filter_parse_cidr("10.1.2.3/8", &a.cov.dump.dst[1]), 0);
	a.cov.dump.ndst = 2;
	a.dump_filtered = true;
	a.cov.initial_netns = maybe_none();
	a.cov.other_netns = maybe_of(0);
	doc = emit(&a, &len);
	assert_int_equal(snapfile_parse(doc, len, &b, why, sizeof(why)), 0);
	eq_snapshot(&a, &b);
	snapshot_free(&b);
	free(doc);
	a.cov.initial_netns = maybe_of(0);
	a.cov.unreadable_pids = maybe_none();
	doc = emit(&a, &len);
	assert_non_null(strstr(doc, "\"coverage\":{\"families\":[\"inet\"],\"all_netns\":true,"
				    "\"initial_netns\":false,\"other_netns\":0,"
				    "\"unreadable_pids\":null,"
				    "\"states\":[1,10],\"sport\":[\"443\",\"8000-8100\"],"
				    "\"dport\":[],\"src\":[],"
				    "\"dst\":[\"2001:db8::/32\",\"10.1.2.3/8\"]}"));
	assert_int_equal(snapfile_parse(doc, len, &b, why, sizeof(why)), 0);
	eq_snapshot(&a, &b);
	assert_true(b.dump_filtered);
	free(doc);
	snapshot_free(&a);
	snapshot_free(&b);
}

/* A collection without owners, cgroups or user names (--no-owners, system). */
static void test_round_trip_sparse(void **state)
{
	struct snapshot a, b;
	char why[256] = "", *doc, *again;
	size_t len, len2;

	(void)state;
	memset(&a, 0, sizeof(a));
	a.page_size = 65536;
	a.cov.v4 = a.cov.v6 = true;
	a.netns = calloc(1, sizeof(*a.netns));
	assert_non_null(a.netns);
	a.nnetns = 1;
	add_sock(&a, &(struct sock_rec){ .cookie = 1, .family = AF_INET, .state = 1 });
	doc = emit(&a, &len);
	assert_non_null(strstr(doc, "\"owners\":null"));
	assert_non_null(strstr(doc, "\"cgroups\":null"));
	assert_non_null(strstr(doc, "\"users\":null"));
	assert_non_null(strstr(doc, "\"holders\":null"));
	assert_non_null(strstr(doc, "\"hostname\":null"));
	assert_int_equal(snapfile_parse(doc, len, &b, why, sizeof(why)), 0);
	eq_snapshot(&a, &b);
	assert_false(b.owners_scanned);
	assert_false(b.cg_resolved);
	assert_null(b.users);
	again = emit(&b, &len2);
	assert_string_equal(doc, again);
	free(again);
	free(doc);
	snapshot_free(&a);
	snapshot_free(&b);
}

/* Members in another order (jq -S sorts them: "sockets" then comes before
 * "sysinfo" and "users") and other whitespace read the same. */
static void test_member_order(void **state)
{
	struct snapshot a, b;
	char why[256] = "", *doc, *again;
	size_t len, len2;
	json_error_t je;
	json_t *j;

	(void)state;
	build(&a);
	doc = emit(&a, &len);
	j = json_loadb(doc, len, 0, &je);
	assert_non_null(j);
	for (int pretty = 0; pretty < 2; pretty++) {
		char *sorted =
		    json_dumps(j, JSON_SORT_KEYS | (pretty ? JSON_INDENT(3) : JSON_COMPACT));

		assert_non_null(sorted);
		assert_true(strstr(sorted, "\"sockets\"") < strstr(sorted, "\"sysinfo\""));
		if (snapfile_parse(sorted, strlen(sorted), &b, why, sizeof(why)) != 0)
			fail_msg("refused sorted: %s", why);
		eq_snapshot(&a, &b);
		again = emit(&b, &len2);
		assert_string_equal(doc, again);
		free(again);
		free(sorted);
		snapshot_free(&b);
	}
	json_decref(j);
	free(doc);
	snapshot_free(&a);
}

/* ------------------------------------------------------------- refusals */

/* A small valid document (one socket held by pid 300). */
static char *small_doc(void)
{
	struct snapshot r;
	size_t len;
	char *doc;

	memset(&r, 0, sizeof(r));
	r.page_size = 4096;
	r.cov.v4 = r.cov.v6 = true;
	add_sock(&r, &(struct sock_rec){ .cookie = 5, .family = AF_INET, .state = 1, .own_n = 1 });
	add_sock(&r, &(struct sock_rec){ .cookie = 6,
					 .family = AF_INET,
					 .state = 1,
					 .ti_mask = 1u << TI_SND_WSCALE | 1u << TI_RCV_WSCALE,
					 .ti[TI_SND_WSCALE] = 7,
					 .ti[TI_RCV_WSCALE] = 9 });
	r.owners.procs = calloc(1, sizeof(*r.owners.procs));
	r.owners.links = calloc(1, sizeof(*r.owners.links));
	assert_non_null(r.owners.procs);
	assert_non_null(r.owners.links);
	r.owners.procs[0] = (struct proc_ent){ 300, 0, "a", maybe_none() };
	r.owners.nprocs = 1;
	r.owners.links[0] = (struct owner_link){ 0, 0, 3 };
	r.owners.nlinks = 1;
	r.owners_scanned = true;
	r.ifnames = calloc(1, sizeof(*r.ifnames));
	assert_non_null(r.ifnames);
	r.ifnames[0] = (struct ifname){ 1, "lo" };
	r.nifnames = 1;
	doc = emit(&r, &len);
	snapshot_free(&r);
	return doc;
}

/* doc with the first from replaced by to (from must be there). */
static char *edit(const char *doc, const char *from, const char *to)
{
	const char *at = strstr(doc, from);
	size_t n = strlen(doc) - strlen(from) + strlen(to);
	char *out = malloc(n + 1);

	if (!at)
		fail_msg("no %s in %s", from, doc);
	assert_non_null(out);
	memcpy(out, doc, (size_t)(at - doc));
	strcpy(out + (at - doc), to);
	strcat(out, at + strlen(from));
	return out;
}

/* Expects a refusal whose reason starts with want (and r left empty). */
static void refused(const char *doc, size_t len, const char *want)
{
	struct snapshot r;
	char why[256] = "";

	memset(&r, 0xa5, sizeof(r));
	if (snapfile_parse(doc, len, &r, why, sizeof(why)) == 0)
		fail_msg("accepted, wanted \"%s\": ...%s", want, len > 300 ? doc + len - 300 : doc);
	if (strncmp(why, want, strlen(want)) != 0)
		fail_msg("reason \"%s\", wanted \"%s...\"", why, want);
	assert_null(strchr(why, '\n'));
	assert_int_equal(r.socks.n, 0);
	assert_null(r.socks.v);
}

static void refused_edit(const char *doc, const char *from, const char *to, const char *want)
{
	char *d = edit(doc, from, to);

	refused(d, strlen(d), want);
	free(d);
}

static void test_refuse_not_snapshots(void **state)
{
	char *doc = small_doc();

	(void)state;
	refused("", strlen(""), "empty, not a snapshot");
	refused("hello\n", strlen("hello\n"), "not JSON: ");
	/* jansson quotes the text near the error: control bytes never reach
	 * the one line */
	refused("{\"a\":\"\\u0\n\x1b[2J", strlen("{\"a\":\"\\u0\n\x1b[2J"),
		"not JSON: invalid escape near '\"\\u0?' (line 2, column 2)");
	refused("{\"a\":1} x", strlen("{\"a\":1} x"), "not JSON: ");
	refused("{\"schema\":\"sockmem/1\",\"schema\":\"sockmem/1\"}",
		strlen("{\"schema\":\"sockmem/1\",\"schema\":\"sockmem/1\"}"), "not JSON: ");
	refused("[1,2]", strlen("[1,2]"), "not a sockmem snapshot (not a JSON object)");
	refused("{}", strlen("{}"),
		"not a sockmem snapshot (no \"schema\": \"sockmem/...\" member)");
	refused("{\"schema\":\"other/1\"}", strlen("{\"schema\":\"other/1\"}"),
		"not a sockmem snapshot (no \"schema\": \"sockmem/...\" member)");
	refused("{\"schema\":\"sockmem/x\"}", strlen("{\"schema\":\"sockmem/x\"}"),
		"not a sockmem snapshot (schema is no sockmem/NUMBER)");
	refused("{\"schema\":\"sockmem/0\",\"command\":\"snapshot\"}",
		strlen("{\"schema\":\"sockmem/0\",\"command\":\"snapshot\"}"),
		"not a sockmem snapshot (unknown schema)");
	refused("{\"schema\":\"sockmem/1\",\"command\":\"top\",\"groups\":[]}",
		strlen("{\"schema\":\"sockmem/1\",\"command\":\"top\",\"groups\":[]}"),
		"a sockmem \"top\" document, not a snapshot (sockmem snapshot writes one)");
	refused("{\"schema\":\"sockmem/1\",\"command\":\"\\u001b[31m\"}",
		strlen("{\"schema\":\"sockmem/1\",\"command\":\"\\u001b[31m\"}"),
		"a sockmem JSON document, not a snapshot");
	/* truncated anywhere, mid-number, mid-escape, mid-UTF-8 included: every
	 * prefix short of the closing brace */
	{
		char *u = edit(doc, "\"comm\":\"a\"", "\"comm\":\"\xc3\xa9\\u0009\"");
		size_t n = strlen(u);

		assert_string_equal(u + n - 3, "]}\n");
		for (size_t k = 1; k < n - 2; k++)
			refused(u, k, "truncated: ");
		free(u);
	}
	/* truncated anywhere: at half, before the last brace, mid-string */
	refused(doc, strlen(doc) / 2, "truncated: ");
	refused(doc, strlen(doc) - 2, "truncated: ");
	refused(doc, (size_t)(strstr(doc, "\"comm\":\"a") - doc) + 8, "truncated: ");
	/* the top level, walked outside jansson, holds to JSON all the same */
	refused_edit(
	    doc, "\"command\":", "\"schema\":\"x\",\"command\":", "not JSON: duplicate object key");
	refused_edit(doc, "\n]}\n", "\n],\"sockets\":[]}\n", "not JSON: duplicate object key");
	refused_edit(doc, "\n]}\n", "\n]}}\n", "not JSON: end of file expected");
	refused_edit(doc, "\n]}\n", "\n],}\n", "not JSON: ");
	refused_edit(doc, "\"boot_id\":null,", "\"boot_id\":null,,", "not JSON: ");
	refused_edit(doc, "\"boot_id\":null", "\"boot_id\" null", "not JSON: ':' expected");
	refused_edit(doc, "\"boot_id\":null", "boot_id:null", "not JSON: ");
	refused_edit(doc, "},\n{\"cookie\":\"6\"", "}\n{\"cookie\":\"6\"",
		     "not JSON: ',' or ']' expected");
	refused_edit(doc, "\n{\"cookie\":\"6\"", "\n[],{\"cookie\":\"6\"",
		     "sockets[1]: not an object");
	free(doc);
}

static void test_refuse_newer_schema(void **state)
{
	char *doc = small_doc();
	const char *newer = "written by a newer sockmem (schema major above 1; this one reads "
			    "sockmem/1)";

	(void)state;
	refused_edit(doc, "sockmem/1", "sockmem/2", newer);
	refused_edit(doc, "sockmem/1", "sockmem/10", newer);
	refused_edit(doc, "sockmem/1", "sockmem/99999999999999999999", newer);
	/* a minor version of the same major reads */
	{
		char *d = edit(doc, "sockmem/1", "sockmem/1.4");
		struct snapshot r;
		char why[256];

		assert_int_equal(snapfile_parse(d, strlen(d), &r, why, sizeof(why)), 0);
		assert_int_equal(r.socks.n, 2);
		snapshot_free(&r);
		free(d);
	}
	free(doc);
}

static void test_refuse_members(void **state)
{
	char *doc = small_doc();

	(void)state;
	refused_edit(doc, "\"sockets\":", "\"sockets_\":", "sockets: missing");
	refused_edit(doc, "\"host\":{", "\"host_\":{", "host: missing");
	refused_edit(doc, "\"page_size\":4096", "\"page_size\":0", "host.page_size: out of range");
	refused_edit(doc, "\"page_size\":4096", "\"page_size\":4096.0",
		     "host.page_size: not an integer");
	refused_edit(doc, "\"page_size\":4096", "\"page_size\":18446744073709551615", "not JSON: ");
	refused_edit(doc, "\"time\":\"", "\"time\":\"x", "host.time: not a time");
	refused_edit(doc, "\"time\":\"1970", "\"time\":\"  70", "host.time: not a time");
	refused_edit(doc, "\"time\":\"1970-01-01", "\"time\":\"1970-02-31",
		     "host.time: not a time");
	refused_edit(doc, "\"cookie\":\"5\"", "\"cookie\":5",
		     "sockets[0].cookie: not a decimal string");
	refused_edit(doc, "\"cookie\":\"5\"", "\"cookie\":\"18446744073709551616\"",
		     "sockets[0].cookie: not a decimal string of 64 bits");
	refused_edit(doc, "\"cookie\":\"5\"", "\"cookie\":\"-5\"",
		     "sockets[0].cookie: not a decimal string");
	refused_edit(doc, "\"cookie\":\"6\"", "\"cookie\":\"5\"",
		     "sockets[1].cookie: repeats an earlier socket's");
	refused_edit(doc, "\"family\":\"inet\"", "\"family\":\"unix\"",
		     "sockets[0].family: not inet or inet6");
	refused_edit(doc, "\"src\":\"0.0.0.0\"", "\"src\":\"::1\"",
		     "sockets[0].src: not an IPv4 address");
	refused_edit(doc, "\"sport\":0", "\"sport\":65536", "sockets[0].sport: out of range");
	refused_edit(doc, "\"skmem\":[]", "\"skmem\":[1,2,3,4,5,6,7,8,9,10]",
		     "sockets[0].skmem: more values than SK_MEMINFO has");
	refused_edit(doc, "\"skmem\":[]", "\"skmem\":[-1]", "sockets[0].skmem: out of range");
	refused_edit(doc, "\"holders\":[{\"pid\":300", "\"holders\":[{\"pid\":301",
		     "sockets[0].holders.pid: not among owners.procs");
	refused_edit(doc, "\"holders\":[]", "\"holders\":null",
		     "sockets[1].holders: null, but owners were read");
	refused_edit(doc, "\"inuse\":null", "\"inuse\":-9223372036854775808",
		     "sysinfo.sockstat.inuse: out of range");
	refused_edit(doc, "\"inuse\":null", "\"inuse\":\"1\"",
		     "sysinfo.sockstat.inuse: not an integer");
	refused_edit(doc, "\"name\":\"lo\"", "\"name\":\"l\\u001bo\"",
		     "ifnames[0].name: not an interface name");
	refused_edit(doc, "\"comm\":\"a\"", "\"comm\":\"a\\u0000b\"", "not JSON: ");
	refused_edit(doc, "\"comm\":\"a\"", "\"comm\":\"0123456789abcdef0\"",
		     "owners.procs[0].comm: too long");
	refused_edit(doc, "\"comm\":\"a\"", "\"comm\":{\"hex\":\"0\"}",
		     "owners.procs[0].comm: too long, or odd hex");
	refused_edit(doc, "\"comm\":\"a\"", "\"comm\":{\"hex\":\"0061\"}",
		     "owners.procs[0].comm: hex that is not bytes of text");
	refused_edit(doc, "\"families\":[\"inet\",\"inet6\"]", "\"families\":[\"inet\",\"inet\"]",
		     "coverage.families: not a list of inet, inet6");
	refused_edit(doc, "\"sport\":[]", "\"sport\":[\"0\"]",
		     "coverage.sport: a value that is no port range or prefix");
	refused_edit(doc, "\"initial_netns\":null", "\"initial_netns\":1",
		     "coverage.initial_netns: not true, false or null");
	/* a missing initial_netns is a snapshot older than it (see
	 * test_older_snapshot_loads); a misspelt one is then simply unknown */
	refused_edit(doc, "\"other_netns\":null", "\"other_netns\":-1",
		     "coverage.other_netns: a negative count");
	refused_edit(doc, "\"unreadable_pids\":null", "\"unreadable_pids\":true",
		     "coverage.unreadable_pids: not an integer");
	free(doc);
}

/* Removes every member "key":SCALAR from doc in place (with its comma). */
static void drop_member(char *doc, const char *key)
{
	char pat[64];
	char *at;

	snprintf(pat, sizeof(pat), "\"%s\":", key);
	while ((at = strstr(doc, pat)) != NULL) {
		char *end = at + strlen(pat);

		end += strcspn(end, ",}");
		if (*end == ',')
			end++;
		else if (at > doc && at[-1] == ',')
			at--; /* the last member: drop the comma before it */
		memmove(at, end, strlen(end) + 1);
	}
}

/* A snapshot written by 0.1.0 lacks the members added since: it loads, and
 * they read as absent, never as 0. Any other missing member is refused. */
static void test_older_snapshot_loads(void **state)
{
	static const char *const added[] = { "tcp_notsent_lowat", "tcp_shrink_window",
					     "initial_netns",	  "TCPRcvCoalesce",
					     "TCPToZeroWindowAdv", "TCPFromZeroWindowAdv",
					     "snd_wscale",	  "rcv_wscale",
					     "other_netns",	  "unreadable_pids" };
	char *doc = small_doc();
	struct snapshot r;
	char why[256];

	(void)state;
	for (size_t i = 0; i < sizeof(added) / sizeof(added[0]); i++) {
		assert_non_null(strstr(doc, added[i]));
		drop_member(doc, added[i]);
		assert_null(strstr(doc, added[i]));
	}
	if (snapfile_parse(doc, strlen(doc), &r, why, sizeof(why)) != 0)
		fail_msg("an older snapshot was refused: %s", why);
	assert_false(r.sys.sysctl.tcp_notsent_lowat.has);
	assert_false(r.sys.sysctl.tcp_shrink_window.has);
	assert_false(r.sys.initial_netns.has);
	assert_false(r.cov.initial_netns.has);
	assert_false(r.cov.other_netns.has);
	assert_false(r.cov.unreadable_pids.has);
	assert_false(r.sys.tcpext[TX_RCV_COALESCE].has);
	/* from before UDP: TCP only */
	assert_false(r.cov.no_tcp);
	assert_false(r.cov.udp);
	assert_false(r.sys.sysctl.udp_mem[0].has);
	for (size_t i = 0; i < r.socks.n; i++) {
		assert_int_equal(r.socks.v[i].protocol, SOCK_PROTO_TCP);
		assert_false(sock_has_ti(&r.socks.v[i], TI_RCV_WSCALE));
		assert_false(sock_has_ti(&r.socks.v[i], TI_SND_WSCALE));
	}
	snapshot_free(&r);
	drop_member(doc, "tcp_moderate_rcvbuf");
	refused(doc, strlen(doc), "sysinfo.sysctl.tcp_moderate_rcvbuf: missing");
	free(doc);
}

static void test_load_errors(void **state)
{
	struct snapshot r;
	char why[256];

	(void)state;
	assert_int_equal(snapfile_load("/nonexistent/snap.json", &r, why, sizeof(why)), -1);
	assert_string_equal(why, "No such file or directory");
	assert_int_equal(snapfile_load("/", &r, why, sizeof(why)), -1);
	assert_string_equal(why, "Is a directory");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_round_trip_udp),
		cmocka_unit_test(test_renders_identical),
		cmocka_unit_test(test_coverage),
		cmocka_unit_test(test_round_trip_sparse),
		cmocka_unit_test(test_member_order),
		cmocka_unit_test(test_refuse_not_snapshots),
		cmocka_unit_test(test_refuse_newer_schema),
		cmocka_unit_test(test_refuse_members),
		cmocka_unit_test(test_load_errors),
		cmocka_unit_test(test_older_snapshot_loads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
