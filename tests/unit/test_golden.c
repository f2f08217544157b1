// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_golden.c - golden-file tests of every renderer: each view in each
 * format, with the options that change what it prints (-H, -n, --by,
 * --top), rendered by out_render into memory from hand-built snapshots and
 * compared byte for byte with tests/golden/NAME.FMT. No kernel, no root.
 * NAME-snapshot.json pins the snapshot document (render/snapshot.c) the
 * same way; each of them also reads back with `sockmem snapshot --from`.
 *
 * The snapshots are collected records (sockets, owners, sysinfo, network
 * namespaces, cgroups) written out here; the derived parts (totals, groups,
 * findings) come from view_build, as in a run. The snapshot time
 * is fixed, so the files do not change from run to run.
 *
 * After an intended change of the output, regenerate and review:
 *
 *     make build/tests/test_golden && GOLDEN_UPDATE=1 build/tests/test_golden
 *     git diff tests/golden      # every changed byte is a change users see
 *
 * On a mismatch the test names the first differing line and writes what it
 * rendered to build/golden-actual/NAME.FMT (emptied at the start of each
 * run), so that `diff -u tests/golden build/golden-actual` shows the whole
 * difference.
 * A file in tests/golden that no case writes fails the last test.
 * make check also runs every tests/golden/ *.json through `jq .`.
 */
#include "testutil.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd/cmds.h"
#include "cmd/timecmd.h"
#include "collect/owners.h"
#include "render/out.h"
#include "render/out_time.h"
#include "model/view.h"

#define GOLDEN_DIR "tests/golden"
#define ACTUAL_DIR "build/golden-actual"
#define WHEN	   1700000000 /* 2023-11-14T22:13:20Z */
#define HOME_INO   4026531840u

/* ---- snapshots ---- */

enum snap {
	SNAP_HOST,	/* one namespace, owners walked, every per-socket rule fires */
	SNAP_DENIED,	/* host, some processes not inspected; tcp_mem above high */
	SNAP_CGROUP,	/* host, with its sockets' cgroups resolved (--by cgroup) */
	SNAP_FILTERED,	/* host, as if a filter left sockets out */
	SNAP_MALFORMED, /* host, with replies the parser rejected */
	SNAP_NO_RSV,	/* host without net.core.mem_pcpu_rsv (no tolerance) */
	SNAP_NEGATIVE,	/* host whose sockets hold more than sockstat counts */
	SNAP_NETNS,	/* --all-netns --no-owners, a skipped namespace, absent values */
	SNAP_QUIET,	/* --no-owners, healthy: no finding, gap within tolerance */
	SNAP_BARE,	/* nothing readable: every sysinfo value absent, no sockets */
	SNAP_LATER,	/* host ten seconds later: NEW of diff and watch against host */
	SNAP_UDP,	/* host with UDP too (-tu), --all-netns: a second namespace */
	SNAP_UDP_LATER, /* udp ten seconds later: drops, a datagram queued, a socket opened */
	SNAP_N
};

static const char *const snap_names[SNAP_N] = {
	"host",	  "denied",   "cgroup", "filtered", "malformed",
	"no-rsv", "negative", "netns",	"quiet",    "bare",	"later",
	"udp",	  "udp-later",
};

/* A comm (15 bytes at most, as the kernel's) with every kind of byte the
 * escapers handle: quote, backslash, tab, newline, ESC, the list
 * separators / , ; and a byte that is not UTF-8. */
static const char hostile_comm[] = "ev\"il\\\t\n\x1b/,;\xff";

static struct sock_rec sock4(uint64_t cookie, unsigned state, const char *src, uint16_t sport,
			     const char *dst, uint16_t dport)
{
	struct sock_rec s;

	memset(&s, 0, sizeof(s));
	s.cookie = cookie;
	s.family = AF_INET;
	s.state = (uint8_t)state;
	s.sport = sport;
	s.dport = dport;
	assert_int_equal(inet_pton(AF_INET, src, s.saddr), 1);
	assert_int_equal(inet_pton(AF_INET, dst, s.daddr), 1);
	return s;
}

static struct sock_rec sock6(uint64_t cookie, unsigned state, const char *src, uint16_t sport,
			     const char *dst, uint16_t dport)
{
	struct sock_rec s;

	memset(&s, 0, sizeof(s));
	s.cookie = cookie;
	s.family = AF_INET6;
	s.state = (uint8_t)state;
	s.sport = sport;
	s.dport = dport;
	assert_int_equal(inet_pton(AF_INET6, src, s.saddr), 1);
	assert_int_equal(inet_pton(AF_INET6, dst, s.daddr), 1);
	return s;
}

/* skmem r rb t tb f w o bl d, the first n of them present. */
static void skmem(struct sock_rec *s, int n, uint32_t r, uint32_t rb, uint32_t t, uint32_t tb,
		  uint32_t f, uint32_t w, uint32_t o, uint32_t bl, uint32_t d)
{
	const uint32_t v[SKM_N] = { r, rb, t, tb, f, w, o, bl, d };

	s->skmem_n = (uint8_t)n;
	for (int i = 0; i < n; i++)
		s->skmem[i] = v[i];
}

static void ti(struct sock_rec *s, enum ti i, uint64_t v)
{
	s->ti[i] = v;
	s->ti_mask |= (uint16_t)(1u << i);
}

static void add_sock(struct snapshot *r, const struct sock_rec *s)
{
	assert_int_equal(sock_table_add(&r->socks, s), 1);
}

static struct maybe val(int64_t v)
{
	return maybe_of(v);
}

static void host_sysinfo(struct sysinfo *si)
{
	struct sockstat *ss = &si->sockstat;
	struct sysctls *sc = &si->sysctl;
	static const int64_t tx[TX_N] = {
		[TX_MEMORY_PRESSURES] = 17,	 [TX_MEMORY_PRESSURES_CHRONO] = 5230,
		[TX_PRUNE_CALLED] = 40,		 [TX_RCV_PRUNED] = 2,
		[TX_OFO_PRUNED] = 3,		 [TX_RCV_COLLAPSED] = 1234,
		[TX_RCV_COALESCE] = 98765,	 [TX_RCVQ_DROP] = 0,
		[TX_ABORT_ON_MEMORY] = 1,	 [TX_WANT_ZERO_WINDOW_ADV] = 77,
		[TX_TO_ZERO_WINDOW_ADV] = 5,	 [TX_FROM_ZERO_WINDOW_ADV] = 4,
		[TX_ZERO_WINDOW_DROP] = 0,	 [TX_BACKLOG_DROP] = 6,
		[TX_OFO_DROP] = -1, /* old kernel */
	};

	memset(si, 0, sizeof(*si));
	ss->inuse = val(6);
	ss->orphan = val(300);
	ss->tw = val(1);
	ss->alloc = val(9);
	ss->mem_pages = val(1100);
	ss->inuse6 = val(3);
	ss->sockets_used = val(120);
	si->proto.memory_pages = val(1100);
	si->proto.pressure = val(1);
	for (int i = 0; i < TX_N; i++)
		si->tcpext[i] = tx[i] < 0 ? maybe_none() : val(tx[i]);
	si->initial_netns = val(1);
	sc->tcp_mem[0] = val(800);
	sc->tcp_mem[1] = val(1000);
	sc->tcp_mem[2] = val(1200);
	sc->tcp_rmem[0] = val(4096);
	sc->tcp_rmem[1] = val(131072);
	sc->tcp_rmem[2] = val(6291456);
	sc->tcp_wmem[0] = val(4096);
	sc->tcp_wmem[1] = val(16384);
	sc->tcp_wmem[2] = val(4194304);
	sc->tcp_max_orphans = val(1024);
	sc->tcp_adv_win_scale = val(1);
	sc->tcp_moderate_rcvbuf = val(1);
	sc->tcp_notsent_lowat = val(4294967295);
	sc->tcp_shrink_window = val(0);
	sc->rmem_max = val(212992);
	sc->wmem_max = val(212992);
	sc->rmem_default = val(212992);
	sc->wmem_default = val(212992);
	sc->mem_pcpu_rsv = val(64);
	snprintf(si->hostname, sizeof(si->hostname), "golden-host");
	snprintf(si->release, sizeof(si->release), "6.1.0-18-amd64");
}

/* The one namespace of a run without --all-netns, as collect_live fills it. */
static void one_netns(struct snapshot *r)
{
	r->netns = calloc(1, sizeof(*r->netns));
	assert_non_null(r->netns);
	r->nnetns = 1;
	r->netns[0].ino = r->netns_ino;
	r->netns[0].sysctl = r->sys.sysctl;
	r->netns[0].inuse = r->sys.sockstat.inuse;
	r->netns[0].tw = r->sys.sockstat.tw;
}

static void host_sockets(struct snapshot *r)
{
	struct sock_rec s;

	/* a reader that stopped reading: r over rb, zero window (unread_backlog,
	 * rcv_over_budget); bound to lo; held by two processes */
	s = sock4(11, 1, "127.0.0.1", 8080, "127.0.0.1", 51000);
	s.inode = 2001;
	s.uid = 33;
	s.ifindex = 1;
	s.rqueue = 262144;
	skmem(&s, SKM_N, 393216, 262144, 0, 87040, 4096, 0, 0, 0, 3);
	ti(&s, TI_RCV_SPACE, 65483);
	ti(&s, TI_RCV_SSTHRESH, 64088);
	ti(&s, TI_RCV_WND, 0);
	ti(&s, TI_SND_WND, 65536);
	ti(&s, TI_NOTSENT_BYTES, 0);
	ti(&s, TI_BYTES_RECEIVED, 10485760);
	ti(&s, TI_BYTES_ACKED, 1);
	ti(&s, TI_RTT, 52);
	ti(&s, TI_RTTVAR, 11);
	ti(&s, TI_RCV_MSS, 65483);
	ti(&s, TI_SND_MSS, 65483);
	ti(&s, TI_SND_WSCALE, 7);
	ti(&s, TI_RCV_WSCALE, 7);
	s.flags |= SOCK_HAS_CGROUP;
	s.cgroup_id = 7001;
	add_sock(r, &s);

	/* receive budget at tcp_rmem max (rcvbuf_at_max); 8 skmem values (no
	 * drops: before 4.7); no tcp_info */
	s = sock6(12, 1, "::1", 443, "::1", 52000);
	s.inode = 2002;
	s.uid = 1000;
	s.rqueue = 1200;
	skmem(&s, 8, 4096, 6291456, 0, 16384, 0, 0, 0, 0, 0);
	add_sock(r, &s);

	/* a listener shared by the four processes of a pre-forking server */
	s = sock4(13, 10, "0.0.0.0", 8080, "0.0.0.0", 0);
	s.inode = 2003;
	s.uid = 33;
	skmem(&s, SKM_N, 0, 131072, 0, 16384, 0, 0, 0, 0, 0);
	s.flags |= SOCK_HAS_CGROUP;
	s.cgroup_id = 7001;
	add_sock(r, &s);

	/* TIME-WAIT: no skmem, no inode, no uid */
	s = sock4(14, 6, "127.0.0.1", 51999, "127.0.0.1", 8080);
	add_sock(r, &s);

	/* CLOSE-WAIT with a file but no descriptor seen; a short skmem (5
	 * values: w is missing, so charged is absent), two tcp_info fields */
	s = sock4(15, 8, "10.1.2.3", 40000, "10.9.8.7", 443);
	s.inode = 2005;
	s.uid = 1000;
	skmem(&s, 5, 0, 131072, 0, 87040, 0, 0, 0, 0, 0);
	ti(&s, TI_RTT, 1500);
	ti(&s, TI_RTTVAR, 750);
	s.flags |= SOCK_HAS_CGROUP;
	s.cgroup_id = 7003;
	add_sock(r, &s);

	/* a writer ahead of the path: tb at tcp_wmem max with 2 MiB unsent
	 * (sndbuf_at_max), rb set by SO_RCVBUF below tcp_rmem default (locked) */
	s = sock6(16, 1, "2001:db8::1", 22, "2001:db8::2", 60000);
	s.inode = 2006;
	s.uid = 0;
	s.wqueue = 2097152;
	skmem(&s, SKM_N, 0, 2304, 2101248, 4194304, 8192, 2101248, 0, 0, 0);
	ti(&s, TI_NOTSENT_BYTES, 2097152);
	ti(&s, TI_SND_WND, 3145728);
	ti(&s, TI_BYTES_ACKED, 123456789012);
	ti(&s, TI_RTT, 20000);
	ti(&s, TI_SND_MSS, 1428);
	s.flags |= SOCK_HAS_CGROUP;
	s.cgroup_id = 7002;
	add_sock(r, &s);

	/* IPv4-mapped IPv6, a holder with a UTF-8 name; rb at tcp_rmem max too */
	s = sock6(17, 1, "::ffff:10.0.0.1", 5432, "::ffff:10.0.0.2", 41000);
	s.inode = 2007;
	s.uid = 109;
	skmem(&s, SKM_N, 1536, 6291456, 0, 16384, 2560, 0, 320, 0, 0);
	ti(&s, TI_RCV_WND, 65536);
	ti(&s, TI_RCV_MSS, 1448);
	ti(&s, TI_SND_WSCALE, 7);
	ti(&s, TI_RCV_WSCALE, 9);
	add_sock(r, &s);

	/* an orphan: closed with data queued toward a peer that does not read
	 * (FIN-WAIT-1, inode 0, w charged) */
	s = sock4(18, 4, "127.0.0.1", 51998, "127.0.0.1", 8080);
	s.uid = 33;
	s.wqueue = 65536;
	skmem(&s, SKM_N, 0, 131072, 0, 16384, 2048, 67584, 0, 0, 0);
	add_sock(r, &s);

	/* a child in the listener's accept queue with data (ESTAB, inode 0) */
	s = sock4(19, 1, "127.0.0.1", 8080, "127.0.0.1", 51997);
	s.uid = 33;
	s.rqueue = 1000;
	skmem(&s, SKM_N, 1832, 131072, 0, 16384, 2264, 0, 0, 0, 0);
	add_sock(r, &s);

	/* a request socket (SYN-RECV minisocket: no skmem, no inode) */
	s = sock4(20, 12, "127.0.0.1", 8080, "127.0.0.1", 51996);
	add_sock(r, &s);
	for (size_t i = 0; i < r->socks.n; i++)
		r->socks.v[i].netns_ino = r->netns_ino;
}

/* A start time read from /proc/[pid]/stat (clock ticks after boot). */
#define TICKS(t) { .v = (t), .has = true }

/* What owners_walk hands owners_join: processes, and links by inode. */
static void host_owners(struct snapshot *r)
{
	static const struct proc_ent procs[] = {
		{ .pid = 300, .uid = 0, .comm = "sshd", .start_time = TICKS(1523) },
		{ .pid = 100, .uid = 33, .comm = "nginx", .start_time = TICKS(8840) },
		{ .pid = 101, .uid = 33, .comm = "nginx", .start_time = TICKS(8841) },
		{ .pid = 200, .uid = 1000, .comm = "" }, /* start time not read */
		{ .pid = 400, .uid = 109, .comm = "pg-caf\xc3\xa9", .start_time = TICKS(2210) },
		{ .pid = 102, .uid = 33, .comm = "nginx", .start_time = TICKS(8843) },
		{ .pid = 103, .uid = 33, .comm = "nginx", .start_time = TICKS(8845) },
		{ .pid = 999, .uid = 0, .comm = "idle" }, /* holds no dumped socket: dropped */
		/* holds the UDP sockets of the udp snapshots (dropped elsewhere) */
		{ .pid = 500, .uid = 101, .comm = "dnsd", .start_time = TICKS(3100) },
	};
	/* (inode, index into procs above, fd); the listener has four holders,
	 * one more than a table shows */
	static const struct owner_link links[] = {
		{ 2001, 1, 12 }, { 2001, 3, 3 }, { 2002, 3, 4 }, { 2003, 1, 6 }, { 2003, 2, 6 },
		{ 2003, 5, 6 },	 { 2003, 6, 6 }, { 2006, 0, 5 }, { 2007, 4, 9 }, { 777777, 7, 1 },
		{ 2051, 8, 4 },	 { 2052, 8, 5 }, { 2054, 8, 6 },
	};
	struct owners *o = &r->owners;

	o->procs = malloc(sizeof(procs));
	o->links = malloc(sizeof(links));
	assert_non_null(o->procs);
	assert_non_null(o->links);
	memcpy(o->procs, procs, sizeof(procs));
	memcpy(o->links, links, sizeof(links));
	snprintf(o->procs[3].comm, sizeof(o->procs[3].comm), "%s", hostile_comm);
	o->nprocs = o->procs_cap = sizeof(procs) / sizeof(procs[0]);
	o->nlinks = o->links_cap = sizeof(links) / sizeof(links[0]);
	o->procs_scanned = 57;
	o->walked = true;
	assert_int_equal(owners_join(o, &r->socks), 0);
	r->owners_scanned = true;
}

/* What cgroup_resolve leaves for the host's sockets: sorted by id, one
 * path with hostile bytes, one id not found, memcg values or none. */
static void host_cgroups(struct snapshot *r)
{
	struct cgroups *cg = &r->cg;

	cg->v = calloc(3, sizeof(*cg->v));
	assert_non_null(cg->v);
	cg->n = 3;
	cg->v[0] = (struct cgroup_ent){ 7001, strdup("/system.slice/nginx.service"), val(1572864),
					maybe_none() };
	cg->v[1] = (struct cgroup_ent){ 7002, strdup("/user.slice/ev\"il\n\tdir\x1b"), maybe_none(),
					maybe_none() };
	cg->v[2] = (struct cgroup_ent){ 7003, NULL, val(0), val(8192) };
	assert_non_null(cg->v[0].path);
	assert_non_null(cg->v[1].path);
	snprintf(cg->v2_mount, sizeof(cg->v2_mount), "/sys/fs/cgroup");
	r->cg_resolved = true;
}

/* The host's sockets ten seconds later (diff, watch): a receive buffer
 * grew and a send buffer shrank, a reader queued more, the TIME-WAIT socket
 * went and an accept-queue child came. Before the owners are joined. */
static void later_sockets(struct snapshot *r)
{
	struct sock_table t = { 0 };
	struct sock_rec s;

	for (size_t i = 0; i < r->socks.n; i++) {
		s = r->socks.v[i];
		if (s.cookie == 14)
			continue;
		if (s.cookie == 11) {
			s.skmem[SKM_R] = 400000;
			s.skmem[SKM_RB] = 524288;
		} else if (s.cookie == 16) {
			s.skmem[SKM_TB] = 2097152;
		} else if (s.cookie == 17) {
			s.skmem[SKM_R] = 8192;
		}
		assert_int_equal(sock_table_add(&t, &s), 1);
	}
	s = sock4(40, 1, "127.0.0.1", 8080, "127.0.0.1", 51990);
	s.uid = 33;
	s.netns_ino = r->netns_ino;
	skmem(&s, SKM_N, 0, 131072, 0, 16384, 0, 0, 0, 0, 0);
	assert_int_equal(sock_table_add(&t, &s), 1);
	sock_table_free(&r->socks);
	r->socks = t;
}

/* ... and its system values: tcp_rmem's default changed, counters moved. */
static void later_sysinfo(struct snapshot *r)
{
	r->sys.sysctl.tcp_rmem[1] = val(262144);
	r->netns[0].sysctl.tcp_rmem[1] = val(262144);
	r->sys.tcpext[TX_PRUNE_CALLED] = val(52);
	r->sys.tcpext[TX_RCV_COLLAPSED] = val(1300);
	r->sys.sockstat.mem_pages = val(1180);
	r->sys.proto.memory_pages = val(1180);
}

static void build_host(struct snapshot *r, enum snap snap)
{
	static const struct ifname ifn[] = { { 1, "lo" }, { 2, "eth0" } };

	r->page_size = 4096;
	r->ncpu = 4;
	r->netns_ino = HOME_INO;
	host_sysinfo(&r->sys);
	one_netns(r);
	/* root in the initial namespace with --this-netns, and no other namespace */
	r->cov.initial_netns = val(1);
	r->cov.other_netns = val(0);
	r->cov.unreadable_pids = val(0);
	r->ifnames = malloc(sizeof(ifn));
	assert_non_null(r->ifnames);
	memcpy(r->ifnames, ifn, sizeof(ifn));
	r->nifnames = 2;
	host_sockets(r);
	if (snap == SNAP_LATER)
		later_sockets(r);
	host_owners(r);
	switch (snap) {
	case SNAP_DENIED:
		r->sys.sockstat.mem_pages = val(1300);
		r->owners.procs_denied = 2;
		r->owners.fds_denied = 5;
		r->owners.procs_gone = 1;
		r->owners.procs_incomplete = 1;
		r->owners.task_tables = 3;
		break;
	case SNAP_CGROUP: host_cgroups(r); break;
	case SNAP_FILTERED: r->dump_filtered = true; break; /* view_build sets partial */
	case SNAP_MALFORMED: r->dstats.malformed = 2; break; /* view_build sets partial */
	case SNAP_NO_RSV: r->sys.sysctl.mem_pcpu_rsv = maybe_none(); break;
	case SNAP_NEGATIVE: r->sys.sockstat.mem_pages = val(300); break;
	case SNAP_LATER: later_sysinfo(r); break;
	default: break;
	}
}

#define BLUE_INO 4026532290u

/* The UDP sockets (-u): a DNS server's receiver that dropped (udp_drops),
 * its connected socket, and in namespace blue a receiver whose SO_RCVBUF
 * the host capped at 2 x rmem_max (udp_rcvbuf_capped, no holder seen).
 * Later: 600 more drops, a datagram queued on the connected one, an NTP
 * socket opened. */
static void udp_sockets(struct snapshot *r, bool later)
{
	struct sock_rec s;

	s = sock4(51, SOCK_TCP_CLOSE, "0.0.0.0", 53, "0.0.0.0", 0);
	s.protocol = SOCK_PROTO_UDP;
	s.inode = 2051;
	s.uid = 101;
	s.rqueue = 211968;
	skmem(&s, SKM_N, 211968, 212992, 0, 212992, 1024, 0, 0, 0, later ? 1108 : 508);
	s.netns_ino = HOME_INO;
	add_sock(r, &s);
	s = sock6(52, SOCK_TCP_ESTABLISHED, "::1", 5353, "::1", 40000);
	s.protocol = SOCK_PROTO_UDP;
	s.inode = 2052;
	s.uid = 101;
	s.rqueue = later ? 2304 : 0;
	skmem(&s, SKM_N, later ? 2304 : 0, 212992, 0, 212992, later ? 1792 : 0, 0, 0, 0, 0);
	s.netns_ino = HOME_INO;
	add_sock(r, &s);
	s = sock4(53, SOCK_TCP_CLOSE, "10.200.0.2", 4789, "0.0.0.0", 0);
	s.protocol = SOCK_PROTO_UDP;
	s.inode = 2053;
	s.rqueue = 2304;
	skmem(&s, SKM_N, 2304, 425984, 0, 212992, 1792, 0, 0, 0, 0);
	s.netns_ino = BLUE_INO;
	add_sock(r, &s);
	if (!later)
		return;
	s = sock6(54, SOCK_TCP_CLOSE, "::", 123, "::", 0);
	s.protocol = SOCK_PROTO_UDP;
	s.inode = 2054;
	s.uid = 101;
	skmem(&s, SKM_N, 0, 212992, 0, 212992, 0, 0, 0, 0, 0);
	s.netns_ino = HOME_INO;
	add_sock(r, &s);
}

/* The UDP system values of the udp snapshots (the home namespace's). */
static void udp_sysinfo(struct sysinfo *si, bool later)
{
	static const int64_t udp[2][UC_N] = {
		{ 91000, 508, 508, 0, 0, 3 },
		{ 91007, 1108, 1108, 0, 0, 3 },
	};

	si->sockstat.udp_inuse = val(1);
	si->sockstat.udp_inuse6 = val(later ? 2 : 1);
	si->sockstat.udp_mem_pages = val(later ? 61 : 60);
	si->proto.udp_memory_pages = si->sockstat.udp_mem_pages;
	for (int i = 0; i < UC_N; i++)
		si->udp[i] = val(udp[later][i]);
	si->udp6[UC_IN_DATAGRAMS] = val(later ? 12 : 11);
	si->udp6[UC_IN_ERRORS] = val(0);
	si->udp6[UC_RCVBUF_ERRORS] = val(0);
	si->udp6[UC_SNDBUF_ERRORS] = val(0);
	si->udp6[UC_IGNORED_MULTI] = val(0); /* MemErrors: absent (an older kernel's snmp6) */
	si->sysctl.udp_mem[0] = val(45000);
	si->sysctl.udp_mem[1] = val(60000);
	si->sysctl.udp_mem[2] = val(90000);
	si->sysctl.udp_rmem_min = val(4096);
	si->sysctl.udp_wmem_min = val(4096);
}

/* The host with UDP collected too, every namespace dumped: home and blue
 * (blue's udp_rmem_min raised to 8192 later). */
static void build_udp(struct snapshot *r, bool later)
{
	r->page_size = 4096;
	r->ncpu = 4;
	r->netns_ino = HOME_INO;
	r->all_netns = true;
	r->cov.udp = true;
	host_sysinfo(&r->sys);
	udp_sysinfo(&r->sys, later);
	r->netns = calloc(2, sizeof(*r->netns));
	assert_non_null(r->netns);
	r->nnetns = 2;
	r->netns[0] = (struct netns_ent){ .ino = HOME_INO,
					  .sysctl = r->sys.sysctl,
					  .inuse = r->sys.sockstat.inuse,
					  .tw = r->sys.sockstat.tw,
					  .udp_inuse = r->sys.sockstat.udp_inuse,
					  .udp_inuse6 = r->sys.sockstat.udp_inuse6 };
	r->netns[1] = (struct netns_ent){ .ino = BLUE_INO,
					  .pid = 4300,
					  .sysctl = r->sys.sysctl,
					  .inuse = val(0),
					  .tw = val(0),
					  .udp_inuse = val(1),
					  .udp_inuse6 = val(0) };
	snprintf(r->netns[1].name, sizeof(r->netns[1].name), "blue");
	if (later)
		r->netns[1].sysctl.udp_rmem_min = val(8192);
	r->cov.initial_netns = val(1);
	r->cov.other_netns = val(0);
	r->cov.unreadable_pids = val(0);
	host_sockets(r);
	if (later)
		later_sockets(r);
	udp_sockets(r, later);
	host_owners(r);
	if (later)
		later_sysinfo(r);
}

/* A healthy host seen with --no-owners: ordinary buffers, no drops since
 * boot, sockstat within the per-CPU tolerance of the sockets' pages. */
static void build_quiet(struct snapshot *r)
{
	struct sock_rec s;

	r->page_size = 4096;
	r->ncpu = 2;
	r->netns_ino = HOME_INO;
	host_sysinfo(&r->sys);
	r->sys.sockstat.mem_pages = val(5);
	r->sys.sockstat.orphan = val(0);
	r->sys.proto.pressure = val(0);
	for (int i = 0; i < TX_N; i++)
		r->sys.tcpext[i] = val(0);
	one_netns(r);
	/* not the initial namespace: two others found, one process unreadable */
	r->cov.initial_netns = val(0);
	r->cov.other_netns = val(2);
	r->cov.unreadable_pids = val(1);
	s = sock4(31, 1, "192.0.2.10", 443, "198.51.100.7", 61000);
	s.inode = 4001;
	s.uid = 33;
	s.netns_ino = HOME_INO;
	skmem(&s, SKM_N, 0, 131072, 0, 87040, 4096, 0, 0, 0, 0);
	add_sock(r, &s);
	s = sock4(32, 1, "192.0.2.10", 443, "198.51.100.8", 61001);
	s.inode = 4002;
	s.uid = 33;
	s.netns_ino = HOME_INO;
	s.rqueue = 100;
	skmem(&s, SKM_N, 2304, 131072, 0, 87040, 1792, 0, 0, 0, 0);
	ti(&s, TI_RCV_WND, 65536);
	ti(&s, TI_RCV_MSS, 1448);
	add_sock(r, &s);
}

/* --all-netns --no-owners in a container-like view: tcp_mem, the per-CPU
 * reserve, pressure and some counters unreadable; five namespaces, one
 * skipped, one found through a process only (no name), one with its own
 * tcp_rmem under which a socket is at max. */
static void build_netns(struct snapshot *r)
{
	struct sysinfo *si = &r->sys;
	struct sock_rec s;

	r->page_size = 4096;
	r->ncpu = 2;
	r->netns_ino = HOME_INO;
	r->all_netns = true;
	host_sysinfo(si);
	for (int i = 0; i < 3; i++)
		si->sysctl.tcp_mem[i] = maybe_none();
	si->sysctl.mem_pcpu_rsv = maybe_none();
	si->sysctl.tcp_max_orphans = maybe_none();
	si->proto.pressure = maybe_none();
	si->proto.memory_pages = val(-1);
	si->sockstat.alloc = maybe_none();
	si->sockstat.inuse6 = maybe_none();
	for (int i = TX_RCVQ_DROP; i < TX_N; i++)
		si->tcpext[i] = maybe_none();
	/* no tcp_mem: a child namespace, its counters since it was created; a
	 * kernel that ignores tcp_adv_win_scale */
	si->initial_netns = val(0);
	snprintf(si->release, sizeof(si->release), "6.8.0-40-generic");
	si->hostname[0] = '\0';

	r->netns = calloc(5, sizeof(*r->netns));
	assert_non_null(r->netns);
	r->nnetns = 5;
	r->netns[0] = (struct netns_ent){ .ino = HOME_INO,
					  .sysctl = si->sysctl,
					  .inuse = si->sockstat.inuse,
					  .tw = si->sockstat.tw };
	r->netns[1] = (struct netns_ent){ .ino = 4026532290u,
					  .pid = 0,
					  .sysctl = si->sysctl,
					  .inuse = val(3),
					  .tw = maybe_none() };
	snprintf(r->netns[1].name, sizeof(r->netns[1].name), "blue");
	r->netns[1].sysctl.tcp_rmem[2] = val(1048576);
	r->netns[1].sysctl.tcp_wmem[2] = maybe_none();
	r->netns[2] = (struct netns_ent){ .ino = 4026532391u, .pid = 4242, .skipped = EACCES };
	snprintf(r->netns[2].name, sizeof(r->netns[2].name), "red\tteam");
	r->netns[3] = (struct netns_ent){
		.ino = 4026532400u, .pid = 777, .sysctl = si->sysctl, .inuse = val(0), .tw = val(0)
	};
	r->netns[4] = r->netns[3];
	r->netns[4].ino = 4026532500u;
	r->netns[4].pid = 0;
	snprintf(r->netns[4].name, sizeof(r->netns[4].name), "g"); /* one letter */
	r->cov.other_netns = val(1); /* the skipped one */
	r->cov.unreadable_pids = val(3);

	s = sock4(21, 1, "127.0.0.1", 6379, "127.0.0.1", 50000);
	s.inode = 3001;
	s.uid = 999;
	s.netns_ino = HOME_INO;
	skmem(&s, SKM_N, 0, 131072, 0, 87040, 4096, 0, 0, 0, 0);
	add_sock(r, &s);
	s = sock4(22, 10, "0.0.0.0", 6379, "0.0.0.0", 0);
	s.inode = 3002;
	s.uid = 999;
	s.netns_ino = HOME_INO;
	skmem(&s, SKM_N, 0, 131072, 0, 16384, 0, 0, 0, 0, 0);
	add_sock(r, &s);
	/* at blue's tcp_rmem max (1 MiB), far below the host's */
	s = sock4(23, 1, "10.200.0.2", 9000, "10.200.0.1", 33000);
	s.inode = 3003;
	s.uid = 0;
	s.netns_ino = 4026532290u;
	s.ifindex = 2; /* an index of another namespace: no name */
	s.rqueue = 700000;
	skmem(&s, SKM_N, 786432, 1048576, 0, 16384, 0, 0, 0, 0, 0);
	ti(&s, TI_RCV_WND, 29200);
	ti(&s, TI_RCV_MSS, 1448);
	add_sock(r, &s);
	s = sock4(24, 6, "10.200.0.2", 33001, "10.200.0.1", 9000);
	s.netns_ino = 4026532290u;
	add_sock(r, &s);
}

/* Nothing readable, nothing dumped: every value absent. */
static void build_bare(struct snapshot *r)
{
	r->page_size = 4096;
	one_netns(r);
	r->owners.walked = true;
	r->owners_scanned = true;
}

/* ---- cases ---- */

struct gcase {
	enum snap snap;
	enum cmd cmd;
	enum fmt fmt;
	enum group_by by;
	bool no_header, numeric;
	size_t top_n;
	char name[128];
};

#define MAX_CASES 128
static const char *const fmt_ext[] = { "table", "tsv", "json", "prom" };

static void add_case(struct gcase *c, size_t *n, enum snap snap, enum cmd cmd, enum fmt fmt,
		     enum group_by by, bool no_header, bool numeric, size_t top_n)
{
	struct gcase *g;
	char bytxt[32] = "", toptxt[32] = "";

	assert_true(*n < MAX_CASES);
	g = &c[(*n)++];
	/* the cgroup and netns snapshots exist for their --by key: not in the name */
	if (by != BY_PROCESS && snap != SNAP_CGROUP && snap != SNAP_NETNS)
		snprintf(bytxt, sizeof(bytxt), "-by-%s", agg_by_name(by));
	if (top_n)
		snprintf(toptxt, sizeof(toptxt), "-top%zu", top_n);
	*g = (struct gcase){ snap, cmd, fmt, by, no_header, numeric, top_n, "" };
	snprintf(g->name, sizeof(g->name), "%s-%s%s%s%s%s.%s", snap_names[snap], cmd_get(cmd)->name,
		 bytxt, toptxt, no_header ? "-H" : "", numeric ? "-n" : "", fmt_ext[fmt]);
}

/* Every case: each view of the host in each format, plus -H (table, TSV)
 * and -n (table), which JSON ignores; the other --by keys of top; --top;
 * the other snapshots in the views that show what they add. */
static size_t all_cases(struct gcase *c)
{
	size_t n = 0;

	for (int cmd = CMD_REPORT; cmd <= CMD_CHECK; cmd++) {
		add_case(c, &n, SNAP_HOST, cmd, FMT_TABLE, BY_PROCESS, false, false, 0);
		add_case(c, &n, SNAP_HOST, cmd, FMT_TABLE, BY_PROCESS, true, false, 0);
		add_case(c, &n, SNAP_HOST, cmd, FMT_TABLE, BY_PROCESS, false, true, 0);
		add_case(c, &n, SNAP_HOST, cmd, FMT_TSV, BY_PROCESS, false, false, 0);
		add_case(c, &n, SNAP_HOST, cmd, FMT_TSV, BY_PROCESS, true, false, 0);
		add_case(c, &n, SNAP_HOST, cmd, FMT_JSON, BY_PROCESS, false, false, 0);
	}
	for (int f = FMT_TABLE; f <= FMT_JSON; f++) {
		add_case(c, &n, SNAP_HOST, CMD_TOP, f, BY_PORT, false, false, 0);
		add_case(c, &n, SNAP_HOST, CMD_TOP, f, BY_USER, false, false, 0);
		add_case(c, &n, SNAP_HOST, CMD_TOP, f, BY_STATE, false, false, 0);
		add_case(c, &n, SNAP_DENIED, CMD_TOP, f, BY_PROCESS, false, false, 0);
		add_case(c, &n, SNAP_DENIED, CMD_CHECK, f, BY_PROCESS, false, false, 0);
		add_case(c, &n, SNAP_QUIET, CMD_REPORT, f, BY_PROCESS, false, false, 0);
		add_case(c, &n, SNAP_CGROUP, CMD_TOP, f, BY_CGROUP, false, false, 0);
		add_case(c, &n, SNAP_CGROUP, CMD_REPORT, f, BY_CGROUP, false, false, 0);
		for (int cmd = CMD_REPORT; cmd <= CMD_CHECK; cmd++)
			add_case(c, &n, SNAP_NETNS, cmd, f, BY_NETNS, false, false, 0);
		add_case(c, &n, SNAP_BARE, CMD_REPORT, f, BY_PROCESS, false, false, 0);
		add_case(c, &n, SNAP_BARE, CMD_SOCKETS, f, BY_PROCESS, false, false, 0);
	}
	add_case(c, &n, SNAP_HOST, CMD_TOP, FMT_TABLE, BY_PROCESS, false, false, 2);
	add_case(c, &n, SNAP_HOST, CMD_TOP, FMT_JSON, BY_PROCESS, false, false, 2);
	/* the reconciliation's other states: its sentence and within_tolerance */
	for (int sn = SNAP_FILTERED; sn <= SNAP_NEGATIVE; sn++)
		add_case(c, &n, sn, CMD_SYSTEM, FMT_TSV, BY_PROCESS, false, false, 0);
	add_case(c, &n, SNAP_NEGATIVE, CMD_CHECK, FMT_TABLE, BY_PROCESS, false, false, 0);
	/* the snapshot document itself (its one format): hostile text as hex,
	 * namespaces, cgroups, and the empty case */
	add_case(c, &n, SNAP_HOST, CMD_SNAPSHOT, FMT_JSON, BY_PROCESS, false, false, 0);
	add_case(c, &n, SNAP_CGROUP, CMD_SNAPSHOT, FMT_JSON, BY_CGROUP, false, false, 0);
	add_case(c, &n, SNAP_NETNS, CMD_SNAPSHOT, FMT_JSON, BY_NETNS, false, false, 0);
	add_case(c, &n, SNAP_BARE, CMD_SNAPSHOT, FMT_JSON, BY_PROCESS, false, false, 0);
	/* -o prom: every view (a hostile comm in a label), the other series
	 * after --top, a hostile cgroup path and memcg values */
	for (int cmd = CMD_REPORT; cmd <= CMD_CHECK; cmd++)
		if (cmd != CMD_SOCKETS)
			add_case(c, &n, SNAP_HOST, cmd, FMT_PROM, BY_PROCESS, false, false, 0);
	add_case(c, &n, SNAP_HOST, CMD_TOP, FMT_PROM, BY_PROCESS, false, false, 2);
	add_case(c, &n, SNAP_CGROUP, CMD_TOP, FMT_PROM, BY_CGROUP, false, false, 1);
	/* diff and watch: the host against itself ten seconds later */
	for (int f = FMT_TABLE; f <= FMT_JSON; f++)
		add_case(c, &n, SNAP_HOST, CMD_DIFF, f, BY_PROCESS, false, false, 0);
	add_case(c, &n, SNAP_HOST, CMD_WATCH, FMT_TSV, BY_PROCESS, false, false, 0);
	add_case(c, &n, SNAP_HOST, CMD_WATCH, FMT_JSON, BY_PROCESS, false, false, 0);
	/* with UDP (-tu), every namespace: diff's UDP values, sysctls and
	 * socket columns, watch's movers, system's per-namespace UDP values,
	 * check's top sockets with d */
	for (int f = FMT_TABLE; f <= FMT_JSON; f++) {
		add_case(c, &n, SNAP_UDP, CMD_DIFF, f, BY_PROCESS, false, false, 0);
		add_case(c, &n, SNAP_UDP, CMD_SYSTEM, f, BY_PROCESS, false, false, 0);
		add_case(c, &n, SNAP_UDP, CMD_CHECK, f, BY_PROCESS, false, false, 0);
	}
	add_case(c, &n, SNAP_UDP, CMD_WATCH, FMT_JSON, BY_PROCESS, false, false, 0);
	add_case(c, &n, SNAP_UDP, CMD_SNAPSHOT, FMT_JSON, BY_PROCESS, false, false, 0);
	return n;
}

/* ---- golden files ---- */

/* The whole file, or NULL if it does not exist. */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *text = NULL;
	size_t cap = 0, n = 0;

	if (!f) {
		assert_int_equal(errno, ENOENT);
		return NULL;
	}
	for (;;) {
		if (n == cap) {
			cap = cap ? cap * 2 : 65536;
			text = realloc(text, cap + 1);
			assert_non_null(text);
		}
		size_t got = fread(text + n, 1, cap - n, f);

		n += got;
		if (got == 0)
			break;
	}
	assert_false(ferror(f));
	fclose(f);
	text[n] = '\0';
	*len = n;
	return text;
}

static void spill(const char *dir, const char *name, const char *text, size_t len)
{
	char path[256];
	FILE *f;

	if (mkdir(dir, 0777) && errno != EEXIST)
		fail_msg("mkdir %s: %s", dir, strerror(errno));
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f)
		fail_msg("%s: %s", path, strerror(errno));
	assert_int_equal(fwrite(text, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

/* Length of the line starting at p (without its newline). */
static int line_len(const char *p, const char *end)
{
	const char *nl = p < end ? memchr(p, '\n', (size_t)(end - p)) : NULL;

	if (p >= end)
		return 0;
	return (int)((nl ? nl : end) - p);
}

/* Compares got with tests/golden/NAME, or writes it there under GOLDEN_UPDATE. */
static void check_golden(const char *name, char *got, size_t len)
{
	char path[256];
	char *want;
	size_t wlen = 0, i = 0, line = 1, bol = 0;

	snprintf(path, sizeof(path), GOLDEN_DIR "/%s", name);
	if (getenv("GOLDEN_UPDATE")) {
		spill(GOLDEN_DIR, name, got, len);
		return;
	}
	want = slurp(path, &wlen);
	if (want && wlen == len && memcmp(want, got, len) == 0) {
		free(want);
		return;
	}
	mkdir("build", 0777);
	spill(ACTUAL_DIR, name, got, len);
	if (!want)
		fail_msg("%s is missing (GOLDEN_UPDATE=1 build/tests/test_golden writes it)", path);
	for (; i < len && i < wlen && got[i] == want[i]; i++)
		if (got[i] == '\n') {
			line++;
			bol = i + 1;
		}
	print_error("%s differs from the rendering at line %zu (byte %zu):\n"
		    "  want: %.*s\n  got:  %.*s\n"
		    "all of it: diff -u %s " ACTUAL_DIR "/%s\n"
		    "if the change is intended: GOLDEN_UPDATE=1 build/tests/test_golden\n",
		    path, line, i, line_len(want + bol, want + wlen), want + bol,
		    line_len(got + bol, got + len), got + bol, path, name);
	free(want);
	fail();
}

/* ---- tests ---- */

/* Names from the passwd database for --by user (collected with the data,
 * sorted by uid); uid 1000 has none. */
static void usernames(struct snapshot *r)
{
	static const struct user_ent users[] = {
		{ 0, "root" }, { 33, "www-data" }, { 109, "postgres" }, { 1000, "" }
	};

	r->users = malloc(sizeof(users));
	assert_non_null(r->users);
	memcpy(r->users, users, sizeof(users));
	r->nusers = sizeof(users) / sizeof(users[0]);
}

static void build(struct snapshot *r, enum snap snap)
{
	memset(r, 0, sizeof(*r));
	if (snap == SNAP_NETNS)
		build_netns(r);
	else if (snap == SNAP_QUIET)
		build_quiet(r);
	else if (snap == SNAP_BARE)
		build_bare(r);
	else if (snap == SNAP_UDP || snap == SNAP_UDP_LATER)
		build_udp(r, snap == SNAP_UDP_LATER);
	else
		build_host(r, snap);
	r->when = WHEN;
}

/* The snapshot a diff or watch case compares snap with: the same host later. */
static enum snap later_of(enum snap snap)
{
	return snap == SNAP_UDP ? SNAP_UDP_LATER : SNAP_LATER;
}

/* diff OLD NEW, or watch's second sample, of snap against later_of(snap),
 * as diff_run and watch_run derive and compare them. */
static void render_time(const struct gcase *g, const struct opts *o, FILE *f)
{
	struct sample a, b;
	struct delta_side sa, sb;
	struct delta d;
	char msg[256];

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	build(&a.snap, g->snap);
	build(&b.snap, later_of(g->snap));
	b.snap.when = WHEN + 10;
	assert_int_equal(sample_derive(o, &a, msg, sizeof(msg)), 0);
	assert_int_equal(sample_derive(o, &b, msg, sizeof(msg)), 0);
	sample_side(&a, (int64_t)a.snap.when * 1000, &sa);
	sample_side(&b, (int64_t)b.snap.when * 1000, &sb);
	if (g->cmd == CMD_DIFF) {
		struct diff_doc x = { &a.view, &b.view, &d, "old.json", "new.json" };

		assert_int_equal(delta_build(&sa, &sb, o->top_n, DELTA_CHANGED | DELTA_OPENED, &d), 0);
		delta_sort_abs(&d);
		assert_int_equal(out_diff(&x, o, f), 0);
	} else {
		struct watch_rec w = { &b.view, &a.view, &d, 2, 10000, 10000, 3 };
		struct outbuf ob;

		assert_int_equal(delta_build(&sa, &sb, 10, 0, &d), 0);
		assert_int_equal(ob_init(&ob, f), 0);
		out_watch_record(&ob, &w, o);
		assert_int_equal(ob_finish(&ob), 0);
	}
	delta_free(&d);
	sample_free(&a);
	sample_free(&b);
}

/* The streaming collection's flush (collect.c stream_flush), over a
 * hand-built snapshot: join the batch to the owners, fold it. */
struct stream_fx {
	struct snapshot *r;
	struct view *v;
	const struct opts *o;
};

static int fx_flush(void *ctx, struct sock_table *t)
{
	struct stream_fx *x = ctx;
	struct report_err e;

	if (x->r->owners_scanned)
		owners_join_range(&x->r->owners, t, t->kept, t->n);
	return view_stream_fold(x->v, x->r, x->o, t, &e) || view_retain(x->v, t, &e) ? -EIO : 0;
}

/* Renders case g's snapshot as a streaming collection would (sockets in
 * batches of `batch`, only the findings' kept); returns the text. */
static char *render_streamed(const struct gcase *g, const struct opts *o, size_t batch,
			     size_t *len)
{
	struct snapshot r;
	struct view v;
	struct report_err e;
	struct stream_fx x = { &r, &v, o };
	struct sock_rec *recs;
	size_t n;
	char *text = NULL;
	FILE *f;

	build(&r, g->snap);
	/* back to what the walk hands over: links by inode, then batches */
	for (size_t i = 0; i < r.owners.nlinks; i++)
		r.owners.links[i].sock = r.socks.v[r.owners.links[i].sock].inode;
	n = r.socks.n;
	recs = malloc((n + 1) * sizeof(*recs));
	assert_non_null(recs);
	if (n) /* the bare snapshot has no table (memcpy from NULL is undefined) */
		memcpy(recs, r.socks.v, n * sizeof(*recs));
	sock_table_free(&r.socks);
	if (r.owners_scanned)
		assert_int_equal(owners_stream_prepare(&r.owners), 0);
	memset(&v, 0, sizeof(v));
	sock_table_stream(&r.socks, fx_flush, &x, batch);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(sock_table_add(&r.socks, &recs[i]), 1);
	assert_int_equal(sock_table_flush(&r.socks), 0);
	assert_int_equal(view_stream_end(&v, &r, o, &e), 0);
	assert_true(r.socks.n <= findings_acc_max());
	if (o->by == BY_USER)
		usernames(&r);
	f = open_memstream(&text, len);
	assert_non_null(f);
	assert_int_equal(cmd_get(g->cmd)->render(&v, o, f), 0);
	assert_int_equal(fclose(f), 0);
	view_free(&v);
	snapshot_free(&r);
	free(recs);
	return text;
}

/* A streamed view renders byte for byte what the whole table does, in
 * batches of 1 (every socket its own flush), 2 and 3. */
static void check_streamed(const struct gcase *g, const struct opts *o, const char *want,
			   size_t want_len)
{
	static const size_t batches[] = { 1, 2, 3 };

	if (g->cmd != CMD_REPORT && g->cmd != CMD_TOP && g->cmd != CMD_CHECK)
		return;
	for (size_t b = 0; b < sizeof(batches) / sizeof(batches[0]); b++) {
		size_t len = 0;
		char *got = render_streamed(g, o, batches[b], &len);

		if (len != want_len || memcmp(got, want, len) != 0)
			fail_msg("%s streamed in batches of %zu differs:\n%s\n--- whole table:\n%s",
				 g->name, batches[b], got, want);
		free(got);
	}
}

static void test_golden(void **state)
{
	const struct gcase *g = *state;
	struct snapshot r;
	struct view v;
	struct report_err e;
	struct opts o;
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	memset(&o, 0, sizeof(o));
	o.cmd = g->cmd;
	o.cmd_name = cmd_get(g->cmd)->name;
	o.fmt = g->fmt;
	o.by = g->by;
	o.no_header = g->no_header;
	o.numeric = g->numeric;
	o.top_n = g->top_n;
	o.sort = SORT_CHARGED;
	o.want_v4 = o.want_v6 = true;
	o.want_tcp = o.want_udp = g->snap == SNAP_UDP; /* -tu */
	o.all_netns = g->snap == SNAP_NETNS;
	o.no_owners = g->snap == SNAP_NETNS || g->snap == SNAP_QUIET;
	o.find = (struct find_opts){ FIND_DEFAULT_UNSENT_MIN, FIND_DEFAULT_ZERO_WINDOW,
				     FIND_DEFAULT_UNREAD_MIN };
	if (g->cmd == CMD_DIFF || g->cmd == CMD_WATCH) {
		f = open_memstream(&text, &len);
		assert_non_null(f);
		render_time(g, &o, f);
		assert_int_equal(fclose(f), 0);
		check_golden(g->name, text, len);
		free(text);
		return;
	}
	build(&r, g->snap);
	/* the snapshot writes the collection as it is, not derived; it was
	 * collected for both families, so `VIEW --from` reads it back */
	if (cmd_get(g->cmd)->raw) {
		r.cov.v4 = r.cov.v6 = true;
		view_all(&r, &v);
	} else {
		assert_int_equal(view_build(&r, &o, &v, &e), 0);
	}
	if (o.by == BY_USER)
		usernames(&r);
	f = open_memstream(&text, &len);
	assert_non_null(f);
	assert_int_equal(cmd_get(g->cmd)->render(&v, &o, f), 0);
	assert_int_equal(fclose(f), 0);
	view_free(&v);
	snapshot_free(&r);
	check_golden(g->name, text, len);
	check_streamed(g, &o, text, len);
	free(text);
}

struct case_list {
	const struct gcase *v;
	size_t n;
};

/* Every file in tests/golden is one a case writes: a removed case leaves
 * no file behind that nothing checks. */
static void test_no_stale_golden_files(void **state)
{
	const struct case_list *cl = *state;
	DIR *d = opendir(GOLDEN_DIR);
	struct dirent *de;
	int stale = 0;

	if (!d)
		fail_msg("%s: %s", GOLDEN_DIR, strerror(errno));
	while ((de = readdir(d))) {
		size_t i = 0;

		if (de->d_name[0] == '.')
			continue;
		while (i < cl->n && strcmp(cl->v[i].name, de->d_name) != 0)
			i++;
		if (i == cl->n) {
			print_error("%s/%s: no case renders it\n", GOLDEN_DIR, de->d_name);
			stale++;
		}
	}
	closedir(d);
	assert_int_equal(stale, 0);
}

/* Empties build/golden-actual, so it holds this run's mismatches only. */
static void clear_actual(void)
{
	DIR *d = opendir(ACTUAL_DIR);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			unlinkat(dirfd(d), de->d_name, 0);
	closedir(d);
}

int main(void)
{
	static struct gcase cases[MAX_CASES];
	static struct CMUnitTest tests[MAX_CASES + 1];
	struct case_list cl = { cases, all_cases(cases) };

	clear_actual();

	for (size_t i = 0; i < cl.n; i++)
		tests[i] = (struct CMUnitTest){ cases[i].name, test_golden, NULL, NULL, &cases[i] };
	tests[cl.n] = (struct CMUnitTest){ "no_stale_golden_files", test_no_stale_golden_files,
					   NULL, NULL, &cl };
	return _cmocka_run_group_tests("golden", tests, cl.n + 1, NULL, NULL);
}
