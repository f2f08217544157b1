// SPDX-License-Identifier: GPL-2.0-or-later
/* test_procfs.c - /proc/net and /proc/sys parsers, on inline text and fixture trees. */
#include "testutil.h"

#include <errno.h>

#include "collect/procfs.h"
#include "util/num.h"

/* Reads a fixture file below root into buf (asserting success). */
static void read_fixture(const char *root, const char *rel, char *buf, size_t len)
{
	struct procfs p;

	assert_int_equal(procfs_open(&p, root), 0);
	assert_true(procfs_read(&p, rel, buf, len) > 0);
	procfs_close(&p);
}

/* --- num_i64_prefix --- */

static void test_strtoi64_ok(void **state)
{
	static const struct {
		const char *s;
		int64_t v;
		size_t used;
	} ok[] = {
		{ "0", 0, 1 },
		{ "42 rest", 42, 2 },
		{ "-17", -17, 3 },
		{ "-0", 0, 2 },
		{ "007", 7, 3 },
		{ "12abc", 12, 2 },
		{ "0x10", 0, 1 },
		{ "287898\t383867", 287898, 6 },
		{ "9223372036854775807", INT64_MAX, 19 },
		{ "-9223372036854775807", -INT64_MAX, 20 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		int64_t v = 12345;
		const char *end = NULL;

		assert_int_equal(num_i64_prefix(ok[i].s, &end, &v), 0);
		assert_true(v == ok[i].v);
		assert_ptr_equal(end, ok[i].s + ok[i].used);
	}
	/* end may be NULL */
	int64_t v = 0;

	assert_int_equal(num_i64_prefix("65536", NULL, &v), 0);
	assert_true(v == 65536);
}

static void test_strtoi64_errors(void **state)
{
	static const struct {
		const char *s;
		int err;
	} bad[] = {
		{ "9223372036854775808", -ERANGE },	/* INT64_MAX + 1 */
		{ "18446744073709551615", -ERANGE },	/* UINT64_MAX */
		{ "18446744073709551616", -ERANGE },	/* wraps a u64 */
		{ "99999999999999999999999", -ERANGE },
		{ "-99999999999999999999", -ERANGE },
		{ "", -EINVAL },
		{ "-", -EINVAL },
		{ "--5", -EINVAL },
		{ "+5", -EINVAL },
		{ " 5", -EINVAL },
		{ "abc", -EINVAL },
		{ "\n", -EINVAL },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int64_t v = 777;
		const char *end = NULL;

		assert_int_equal(num_i64_prefix(bad[i].s, &end, &v), bad[i].err);
		assert_true(v == 777); /* untouched on error */
	}
}

/* --- sockstat --- */

static void test_sockstat_fixture(void **state)
{
	char buf[4096];
	struct sockstat ss = { 0 };

	(void)state;
	read_fixture(FIX_HOST, "net/sockstat", buf, sizeof(buf));
	assert_int_equal(procfs_parse_sockstat(buf, &ss), 0);
	assert_maybe(ss.sockets_used, 2317);
	assert_maybe(ss.inuse, 41);
	assert_maybe(ss.orphan, 3);
	assert_maybe(ss.tw, 17);
	assert_maybe(ss.alloc, 59);
	assert_maybe(ss.mem_pages, 1234); /* not UDP's "mem 7" */
	assert_absent(ss.inuse6);
	assert_maybe(ss.udp_inuse, 5);
	assert_maybe(ss.udp_mem_pages, 7);
	assert_absent(ss.udp_inuse6);

	read_fixture(FIX_HOST, "net/sockstat6", buf, sizeof(buf));
	assert_int_equal(procfs_parse_sockstat6(buf, &ss), 0);
	assert_maybe(ss.inuse6, 23);
	assert_maybe(ss.udp_inuse6, 4); /* not UDPLITE6's */
	assert_maybe(ss.inuse, 41); /* sockstat6 touches only inuse6 */
	assert_maybe(ss.mem_pages, 1234);
}

static void test_sockstat_inline(void **state)
{
	struct sockstat ss;

	(void)state;
	/* Keys in another order, an unknown key, UDP before TCP. */
	memset(&ss, 0, sizeof(ss));
	assert_int_equal(procfs_parse_sockstat("UDP: inuse 5 mem 7\n"
					       "TCP: mem 9 future 77 inuse 8\n",
					       &ss),
			 0);
	assert_maybe(ss.mem_pages, 9);
	assert_maybe(ss.inuse, 8);
	assert_absent(ss.orphan);
	assert_absent(ss.tw);
	assert_absent(ss.alloc);
	assert_absent(ss.sockets_used);

	/* A value that is not a number ends the line: later keys stay absent. */
	memset(&ss, 0, sizeof(ss));
	assert_int_equal(procfs_parse_sockstat("TCP: inuse 1 orphan x tw 3 mem 5\n", &ss), 0);
	assert_maybe(ss.inuse, 1);
	assert_absent(ss.orphan);
	assert_absent(ss.tw);
	assert_absent(ss.mem_pages);

	/* Keys match whole words only: "in", "m" and "t" are not inuse, mem, tw. */
	memset(&ss, 0, sizeof(ss));
	assert_int_equal(procfs_parse_sockstat("TCP: inuse 6 mem 8 tw 10 in 5 m 7 t 9 memory 11\n", &ss), 0);
	assert_maybe(ss.inuse, 6);
	assert_maybe(ss.mem_pages, 8);
	assert_maybe(ss.tw, 10);

	/* Last line without a newline. */
	memset(&ss, 0, sizeof(ss));
	assert_int_equal(procfs_parse_sockstat("sockets: used 3\nTCP: inuse 0 orphan 1 tw 2 alloc 10 mem 1005", &ss), 0);
	assert_maybe(ss.sockets_used, 3);
	assert_maybe(ss.inuse, 0);
	assert_maybe(ss.orphan, 1);
	assert_maybe(ss.tw, 2);
	assert_maybe(ss.alloc, 10);
	assert_maybe(ss.mem_pages, 1005);

	/* "TCP:" must start a line; "TCP6:" is not it. */
	memset(&ss, 0, sizeof(ss));
	assert_int_equal(procfs_parse_sockstat("sockets: used 3\nTCP6: inuse 4\n", &ss), -EINVAL);
	assert_int_equal(procfs_parse_sockstat("XTCP: inuse 4\n", &ss), -EINVAL);
	assert_int_equal(procfs_parse_sockstat("", &ss), -EINVAL);
	assert_absent(ss.inuse);
}

static void test_sockstat6_inline(void **state)
{
	struct sockstat ss;

	(void)state;
	memset(&ss, 0, sizeof(ss));
	assert_int_equal(procfs_parse_sockstat6("UDP6: inuse 4\nTCP6: inuse 6\n", &ss), 0);
	assert_maybe(ss.inuse6, 6);
	assert_absent(ss.inuse);

	memset(&ss, 0, sizeof(ss));
	assert_int_equal(procfs_parse_sockstat6("UDP6: inuse 4\nRAW6: inuse 0\n", &ss), -EINVAL);
	assert_int_equal(procfs_parse_sockstat6("TCP: inuse 4\n", &ss), -EINVAL);
	assert_absent(ss.inuse6);
	assert_absent(ss.inuse);
}

/* --- protocols --- */

static void test_protocols_fixture_618(void **state)
{
	char buf[8192];
	struct protocols pr = { 0 };

	(void)state;
	read_fixture(FIX_HOST, "net/protocols", buf, sizeof(buf));
	assert_int_equal(procfs_parse_protocols(buf, &pr), 0);
	assert_maybe(pr.memory_pages, 1236);
	assert_maybe(pr.pressure, 0);
	/* the UDP row, not UDPv6/UDP-Lite; "NI": no pressure flag, absent */
	assert_maybe(pr.udp_memory_pages, 7);
	assert_absent(pr.udp_pressure);
}

static void test_protocols_fixture_old(void **state)
{
	char buf[8192];
	struct protocols pr = { 0 };

	(void)state;
	/* 6.1-style header with the extra "sp" flag column. */
	read_fixture(FIX_OLD, "net/protocols", buf, sizeof(buf));
	assert_int_equal(procfs_parse_protocols(buf, &pr), 0);
	assert_maybe(pr.memory_pages, 97);
	assert_maybe(pr.pressure, 1);

	read_fixture(FIX_CONTAINER, "net/protocols", buf, sizeof(buf));
	memset(&pr, 0, sizeof(pr));
	assert_int_equal(procfs_parse_protocols(buf, &pr), 0);
	assert_maybe(pr.memory_pages, 1005);
	assert_maybe(pr.pressure, 1);
}

static void test_protocols_by_header_name(void **state)
{
	struct protocols pr;

	(void)state;
	/* Columns reordered; the TCPv6 and MPTCP rows come first with other values. */
	memset(&pr, 0, sizeof(pr));
	assert_int_equal(procfs_parse_protocols(
				 "module  press sockets protocol size memory maxhdr slab cl co\n"
				 "kernel  yes   3       TCPv6    2432 999    192    yes  y  y\n"
				 "kernel  yes   0       MPTCP    1936 888    0      yes  y  y\n"
				 "kernel  no    4       TCP      2304 512    192    yes  y  y\n"
				 "kernel  NI    1       UDP      1344 7      0      yes  y  y\n",
				 &pr),
			 0);
	assert_maybe(pr.memory_pages, 512);
	assert_maybe(pr.pressure, 0);
}

static void test_protocols_press_values(void **state)
{
	static const struct {
		const char *press;
		bool has;
		int64_t v;
	} cases[] = {
		{ "yes", true, 1 }, { "no", true, 0 }, { "NI", false, 0 },
		{ "yesno", false, 0 }, { "n", false, 0 }, { "y", false, 0 }, { "NO", false, 0 },
	};
	char text[512];
	struct protocols pr;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(text, sizeof(text),
			 "protocol  size sockets  memory press maxhdr  slab module     cl co\n"
			 "TCP       2304      1      -1   %s     192   yes  kernel      y  y\n",
			 cases[i].press);
		memset(&pr, 0, sizeof(pr));
		assert_int_equal(procfs_parse_protocols(text, &pr), 0);
		assert_maybe(pr.memory_pages, -1); /* the kernel's -1 stays -1 */
		assert_int_equal(pr.pressure.has, cases[i].has);
		if (cases[i].has)
			assert_true(pr.pressure.v == cases[i].v);
	}
}

static void test_protocols_errors(void **state)
{
	struct protocols pr;

	(void)state;
	memset(&pr, 0, sizeof(pr));
	/* No "press" column in the header. */
	assert_int_equal(procfs_parse_protocols("protocol size sockets memory maxhdr\n"
						"TCP 2304 1 2 192\n",
						&pr),
			 -EINVAL);
	/* No TCP row (TCPv6 alone is not TCP). */
	assert_int_equal(procfs_parse_protocols("protocol size sockets memory press\n"
						"TCPv6 2432 1 2 no\n"
						"UDP 1344 0 0 NI\n",
						&pr),
			 -EINVAL);
	/* Header only, then nothing. */
	assert_int_equal(procfs_parse_protocols("protocol size sockets memory press\n", &pr),
			 -EINVAL);
	assert_int_equal(procfs_parse_protocols("", &pr), -EINVAL);
	assert_absent(pr.memory_pages);
	assert_absent(pr.pressure);

	/* A short TCP row: what is missing stays absent. */
	assert_int_equal(procfs_parse_protocols("protocol size sockets memory press\n"
						"TCP 2304 1\n",
						&pr),
			 0);
	assert_absent(pr.memory_pages);
	assert_absent(pr.pressure);
}

/* --- netstat --- */

static const int64_t host_tcpext[TX_N] = {
	[TX_MEMORY_PRESSURES] = 4,   [TX_MEMORY_PRESSURES_CHRONO] = 3812,
	[TX_PRUNE_CALLED] = 71,	     [TX_RCV_PRUNED] = 5,
	[TX_OFO_PRUNED] = 13,	     [TX_RCV_COLLAPSED] = 229,
	[TX_RCVQ_DROP] = 17,	     [TX_ABORT_ON_MEMORY] = 2,
	[TX_WANT_ZERO_WINDOW_ADV] = 88, [TX_ZERO_WINDOW_DROP] = 9,
	[TX_BACKLOG_DROP] = 31,	     [TX_OFO_DROP] = 44,
	/* the fixture's other columns hold 100000 + their index */
	[TX_RCV_COALESCE] = 100081,  [TX_TO_ZERO_WINDOW_ADV] = 100098,
	[TX_FROM_ZERO_WINDOW_ADV] = 100097,
};

static void check_host_tcpext(const struct maybe *tx)
{
	for (int i = 0; i < TX_N; i++)
		assert_maybe(tx[i], host_tcpext[i]);
}

static void test_netstat_fixture(void **state)
{
	static char buf[64 * 1024];
	struct maybe tx[TX_N];

	(void)state;
	memset(tx, 0, sizeof(tx));
	read_fixture(FIX_HOST, "net/netstat", buf, sizeof(buf));
	assert_int_equal(procfs_parse_netstat(buf, tx), 0);
	check_host_tcpext(tx);

	/* An older kernel's TcpExt list ends before TCPZeroWindowDrop/TCPRcvQDrop. */
	memset(tx, 0, sizeof(tx));
	read_fixture(FIX_OLD, "net/netstat", buf, sizeof(buf));
	assert_int_equal(procfs_parse_netstat(buf, tx), 0);
	for (int i = 0; i < TX_N; i++) {
		if (i == TX_ZERO_WINDOW_DROP || i == TX_RCVQ_DROP)
			assert_absent(tx[i]);
		else
			assert_maybe(tx[i], host_tcpext[i]);
	}
}

/* --- snmp / snmp6: the Udp counters --- */

static void test_snmp_udp_fixture(void **state)
{
	char buf[8192];
	struct maybe u[UC_N], u6[UC_N];

	(void)state;
	memset(u, 0, sizeof(u));
	memset(u6, 0, sizeof(u6));
	read_fixture(FIX_HOST, "net/snmp", buf, sizeof(buf));
	assert_int_equal(procfs_parse_snmp_udp(buf, u), 0);
	/* the Udp lines, not UdpLite's */
	assert_maybe(u[UC_IN_DATAGRAMS], 105732);
	assert_maybe(u[UC_IN_ERRORS], 4127);
	assert_maybe(u[UC_RCVBUF_ERRORS], 4100);
	assert_maybe(u[UC_SNDBUF_ERRORS], 3);
	assert_maybe(u[UC_IGNORED_MULTI], 16);
	assert_maybe(u[UC_MEM_ERRORS], 21);
	read_fixture(FIX_HOST, "net/snmp6", buf, sizeof(buf));
	assert_int_equal(procfs_parse_snmp6_udp(buf, u6), 0);
	assert_maybe(u6[UC_IN_DATAGRAMS], 2201);
	assert_maybe(u6[UC_IN_ERRORS], 310);
	assert_maybe(u6[UC_RCVBUF_ERRORS], 300);
	assert_maybe(u6[UC_SNDBUF_ERRORS], 1);
	assert_maybe(u6[UC_IGNORED_MULTI], 2);
	assert_maybe(u6[UC_MEM_ERRORS], 10);

	/* a kernel without MemErrors: absent, not 0 */
	memset(u, 0, sizeof(u));
	memset(u6, 0, sizeof(u6));
	read_fixture(FIX_OLD, "net/snmp", buf, sizeof(buf));
	assert_int_equal(procfs_parse_snmp_udp(buf, u), 0);
	assert_maybe(u[UC_RCVBUF_ERRORS], 39);
	assert_maybe(u[UC_IGNORED_MULTI], 3);
	assert_absent(u[UC_MEM_ERRORS]);
	read_fixture(FIX_OLD, "net/snmp6", buf, sizeof(buf));
	assert_int_equal(procfs_parse_snmp6_udp(buf, u6), 0);
	assert_maybe(u6[UC_RCVBUF_ERRORS], 5);
	assert_absent(u6[UC_MEM_ERRORS]);
}

static void test_snmp_udp_inline(void **state)
{
	struct maybe u[UC_N];

	(void)state;
	memset(u, 0, sizeof(u));
	assert_int_equal(procfs_parse_snmp_udp("Tcp: A B\nTcp: 1 2\n", u), -EINVAL);
	/* a header without its values line */
	assert_int_equal(procfs_parse_snmp_udp("Udp: InDatagrams\nIp: 5\n", u), -EINVAL);
	/* fewer values than names; no trailing newline */
	assert_int_equal(procfs_parse_snmp_udp("Udp: InErrors RcvbufErrors MemErrors\nUdp: 4 3", u),
			 0);
	assert_maybe(u[UC_IN_ERRORS], 4);
	assert_maybe(u[UC_RCVBUF_ERRORS], 3);
	assert_absent(u[UC_MEM_ERRORS]);
	assert_absent(u[UC_IN_DATAGRAMS]);

	memset(u, 0, sizeof(u));
	assert_int_equal(procfs_parse_snmp6_udp("Ip6InReceives 1\nUdpLite6InErrors 9\n", u), -EINVAL);
	assert_int_equal(procfs_parse_snmp6_udp("Udp6 5\nUdp6InErrorsX 7\nUdp6InErrors\t8\n"
						"Udp6RcvbufErrors junk\nUdp6MemErrors 2",
						u),
			 0);
	assert_maybe(u[UC_IN_ERRORS], 8);
	assert_absent(u[UC_RCVBUF_ERRORS]);
	assert_maybe(u[UC_MEM_ERRORS], 2);
	assert_string_equal(procfs_udp_names[UC_RCVBUF_ERRORS], "RcvbufErrors");
}

static void test_netstat_names(void **state)
{
	(void)state;
	assert_string_equal(procfs_tcpext_names[TX_MEMORY_PRESSURES], "TCPMemoryPressures");
	assert_string_equal(procfs_tcpext_names[TX_MEMORY_PRESSURES_CHRONO], "TCPMemoryPressuresChrono");
	assert_string_equal(procfs_tcpext_names[TX_RCVQ_DROP], "TCPRcvQDrop");
	assert_string_equal(procfs_tcpext_names[TX_ABORT_ON_MEMORY], "TCPAbortOnMemory");
	assert_string_equal(procfs_tcpext_names[TX_OFO_DROP], "TCPOFODrop");
}

static void test_netstat_inline(void **state)
{
	struct maybe tx[TX_N];

	(void)state;
	/* MPTcpExt is not TcpExt; a name that prefixes another is matched exactly. */
	memset(tx, 0, sizeof(tx));
	assert_int_equal(procfs_parse_netstat("MPTcpExt: TCPMemoryPressures PruneCalled\n"
					      "MPTcpExt: 555 666\n"
					      "TcpExt: TCPMemoryPressuresChrono PruneCalled TCPMemoryPressures\n"
					      "TcpExt: 3812 6 4\n"
					      "IpExt: TCPOFODrop\n"
					      "IpExt: 999\n",
					      tx),
			 0);
	assert_maybe(tx[TX_MEMORY_PRESSURES], 4);
	assert_maybe(tx[TX_MEMORY_PRESSURES_CHRONO], 3812);
	assert_maybe(tx[TX_PRUNE_CALLED], 6);
	assert_absent(tx[TX_OFO_DROP]);
	assert_absent(tx[TX_RCV_PRUNED]);

	/* Fewer values than names: the unmatched names stay absent. */
	memset(tx, 0, sizeof(tx));
	assert_int_equal(procfs_parse_netstat("TcpExt: PruneCalled RcvPruned OfoPruned\n"
					      "TcpExt: 1 2\n",
					      tx),
			 0);
	assert_maybe(tx[TX_PRUNE_CALLED], 1);
	assert_maybe(tx[TX_RCV_PRUNED], 2);
	assert_absent(tx[TX_OFO_PRUNED]);

	/* No trailing newline. */
	memset(tx, 0, sizeof(tx));
	assert_int_equal(procfs_parse_netstat("TcpExt: TCPBacklogDrop\nTcpExt: 31", tx), 0);
	assert_maybe(tx[TX_BACKLOG_DROP], 31);

	/* Structure missing. */
	memset(tx, 0, sizeof(tx));
	assert_int_equal(procfs_parse_netstat("TcpExt: PruneCalled\n", tx), -EINVAL);
	assert_int_equal(procfs_parse_netstat("TcpExt: PruneCalled\nIpExt: 5\n", tx), -EINVAL);
	assert_int_equal(procfs_parse_netstat("IpExt: InNoRoutes\nIpExt: 1\n", tx), -EINVAL);
	assert_int_equal(procfs_parse_netstat("", tx), -EINVAL);
	for (int i = 0; i < TX_N; i++)
		assert_absent(tx[i]);
}

/* --- integers --- */

static void test_parse_ints(void **state)
{
	struct maybe v[4];

	(void)state;
	memset(v, 0, sizeof(v));
	assert_int_equal(procfs_parse_ints("4096\t131072\t33554432\n", v, 3), 3);
	assert_maybe(v[0], 4096);
	assert_maybe(v[1], 131072);
	assert_maybe(v[2], 33554432);
	assert_absent(v[3]);

	/* Fewer values than asked for: the rest stay absent. */
	memset(v, 0, sizeof(v));
	assert_int_equal(procfs_parse_ints("287898 383867\n", v, 3), 2);
	assert_maybe(v[0], 287898);
	assert_maybe(v[1], 383867);
	assert_absent(v[2]);

	/* More values than asked for: nothing written past n. */
	memset(v, 0, sizeof(v));
	assert_int_equal(procfs_parse_ints(" 1 2 3 4\n", v, 3), 3);
	assert_maybe(v[2], 3);
	assert_absent(v[3]);

	memset(v, 0, sizeof(v));
	assert_int_equal(procfs_parse_ints("-2\n", v, 1), 1);
	assert_maybe(v[0], -2);

	memset(v, 0, sizeof(v));
	assert_int_equal(procfs_parse_ints("", v, 3), -EINVAL);
	assert_int_equal(procfs_parse_ints("abc 5\n", v, 3), -EINVAL);
	assert_int_equal(procfs_parse_ints("\n", v, 1), -EINVAL);
	assert_int_equal(procfs_parse_ints("99999999999999999999\n", v, 1), -EINVAL);
	assert_absent(v[0]);
}

/* --- file access --- */

static void test_open_and_read(void **state)
{
	struct procfs p;
	char buf[64];

	(void)state;
	assert_int_equal(procfs_open(&p, "tests/fixtures/does-not-exist"), -ENOENT);
	assert_int_equal(procfs_open(&p, FIX_HOST "/sys/kernel/hostname"), -ENOTDIR);

	assert_int_equal(procfs_open(&p, FIX_HOST), 0);
	assert_true(p.dirfd >= 0);
	assert_int_equal(procfs_read(&p, "sys/kernel/hostname", buf, sizeof(buf)), 13);
	assert_string_equal(buf, "fixture-host\n");
	/* Truncated to len - 1 bytes, still terminated. */
	memset(buf, 'x', sizeof(buf));
	assert_int_equal(procfs_read(&p, "sys/kernel/hostname", buf, 5), 4);
	assert_string_equal(buf, "fixt");
	assert_int_equal(procfs_read(&p, "sys/kernel/hostname", buf, 1), 0);
	assert_string_equal(buf, "");
	assert_int_equal(procfs_read(&p, "sys/kernel/hostname", buf, 0), -EINVAL);
	assert_int_equal(procfs_read(&p, "net/nope", buf, sizeof(buf)), -ENOENT);
	assert_true(procfs_read(&p, "net", buf, sizeof(buf)) < 0);
	procfs_close(&p);
	assert_int_equal(p.dirfd, -1);
	procfs_close(&p); /* idempotent */
	assert_int_equal(p.dirfd, -1);
}

static void test_read_through_symlinks(void **state)
{
	struct procfs p;
	char buf[64];

	(void)state;
	/* "self" is a symlink to "100", as /proc/self is to the caller's pid. */
	assert_int_equal(procfs_open(&p, FIX_OWNERS), 0);
	assert_int_equal(procfs_read(&p, "self/comm", buf, sizeof(buf)), 6);
	assert_string_equal(buf, "nginx\n");
	procfs_close(&p);
}

/* --- procfs_read_sysinfo --- */

static void read_sysinfo(const char *root, struct sysinfo *si, int want)
{
	struct procfs p;
	const char *where = NULL;

	assert_int_equal(procfs_open(&p, root), 0);
	assert_int_equal(procfs_read_sysinfo(&p, si, &where), want);
	procfs_close(&p);
}

static void test_sysinfo_host(void **state)
{
	static struct sysinfo si;
	const struct sysctls *sc = &si.sysctl;

	(void)state;
	read_sysinfo(FIX_HOST, &si, 0);
	assert_maybe(si.sockstat.sockets_used, 2317);
	assert_maybe(si.sockstat.inuse, 41);
	assert_maybe(si.sockstat.orphan, 3);
	assert_maybe(si.sockstat.tw, 17);
	assert_maybe(si.sockstat.alloc, 59);
	assert_maybe(si.sockstat.mem_pages, 1234);
	assert_maybe(si.sockstat.inuse6, 23);
	assert_maybe(si.proto.memory_pages, 1236);
	assert_maybe(si.proto.pressure, 0);
	check_host_tcpext(si.tcpext);
	assert_maybe(sc->tcp_mem[0], 287898);
	assert_maybe(sc->tcp_mem[1], 383867);
	assert_maybe(sc->tcp_mem[2], 575796);
	assert_maybe(sc->tcp_rmem[0], 4096);
	assert_maybe(sc->tcp_rmem[1], 131072);
	assert_maybe(sc->tcp_rmem[2], 33554432);
	assert_maybe(sc->tcp_wmem[0], 8192);
	assert_maybe(sc->tcp_wmem[1], 16384);
	assert_maybe(sc->tcp_wmem[2], 4194304);
	assert_maybe(sc->tcp_max_orphans, 65536);
	assert_maybe(sc->tcp_adv_win_scale, 1);
	assert_maybe(sc->tcp_moderate_rcvbuf, 0); /* present and zero, not absent */
	assert_maybe(sc->rmem_max, 16777216);
	assert_maybe(sc->wmem_max, 8388608);
	assert_maybe(sc->rmem_default, 212992);
	assert_maybe(sc->wmem_default, 262144);
	assert_maybe(sc->mem_pcpu_rsv, 256);
	assert_maybe(sc->udp_mem[0], 573282);
	assert_maybe(sc->udp_mem[2], 1146564);
	assert_maybe(sc->udp_rmem_min, 4096);
	assert_maybe(sc->udp_wmem_min, 4096);
	assert_maybe(si.sockstat.udp_inuse, 5);
	assert_maybe(si.sockstat.udp_inuse6, 4);
	assert_maybe(si.proto.udp_memory_pages, 7);
	assert_maybe(si.udp[UC_RCVBUF_ERRORS], 4100);
	assert_maybe(si.udp6[UC_MEM_ERRORS], 10);
	assert_string_equal(si.hostname, "fixture-host");
	assert_string_equal(si.release, "6.18.44-fixture");
}

static void test_sysinfo_container(void **state)
{
	static struct sysinfo si;
	const struct sysctls *sc = &si.sysctl;

	(void)state;
	/* Read the host first so stale values would show if they survived. */
	read_sysinfo(FIX_HOST, &si, 0);
	read_sysinfo(FIX_CONTAINER, &si, 0);
	assert_maybe(si.sockstat.sockets_used, 9);
	assert_maybe(si.sockstat.inuse, 0);
	assert_maybe(si.sockstat.orphan, 1);
	assert_maybe(si.sockstat.tw, 6);
	assert_maybe(si.sockstat.alloc, 10);
	assert_maybe(si.sockstat.mem_pages, 1005);
	assert_maybe(si.sockstat.inuse6, 2);
	assert_maybe(si.proto.memory_pages, 1005);
	assert_maybe(si.proto.pressure, 1);
	/* Global sysctls are not visible in a child netns: absent, never 0. */
	for (int i = 0; i < 3; i++) {
		assert_absent(sc->tcp_mem[i]);
		assert_true(sc->tcp_mem[i].v == 0);
	}
	assert_absent(sc->tcp_max_orphans);
	assert_absent(sc->mem_pcpu_rsv);
	/* Per-netns ones are. */
	assert_maybe(sc->tcp_rmem[0], 4096);
	assert_maybe(sc->tcp_rmem[1], 87380);
	assert_maybe(sc->tcp_rmem[2], 6291456);
	assert_maybe(sc->tcp_wmem[0], 4096);
	assert_maybe(sc->tcp_wmem[1], 20480);
	assert_maybe(sc->tcp_wmem[2], 4194304);
	assert_maybe(sc->tcp_adv_win_scale, 1);
	assert_maybe(sc->tcp_moderate_rcvbuf, 1);
	assert_maybe(sc->rmem_max, 16777216);
	assert_maybe(sc->wmem_default, 262144);
	assert_string_equal(si.hostname, "ctr-7f3a");
	assert_string_equal(si.release, "6.18.44-fixture");
}

static void test_sysinfo_old_kernel(void **state)
{
	static struct sysinfo si;
	const struct sysctls *sc = &si.sysctl;

	(void)state;
	read_sysinfo(FIX_HOST, &si, 0);
	read_sysinfo(FIX_OLD, &si, 0);
	assert_maybe(si.sockstat.sockets_used, 412);
	assert_maybe(si.sockstat.inuse, 12);
	assert_maybe(si.sockstat.orphan, 0);
	assert_maybe(si.sockstat.tw, 88);
	assert_maybe(si.sockstat.alloc, 14);
	assert_maybe(si.sockstat.mem_pages, 97);
	assert_absent(si.sockstat.inuse6); /* no sockstat6 (IPv6 off) */
	assert_maybe(si.proto.memory_pages, 97);
	assert_maybe(si.proto.pressure, 1);
	assert_absent(si.tcpext[TX_ZERO_WINDOW_DROP]);
	assert_absent(si.tcpext[TX_RCVQ_DROP]);
	assert_maybe(si.tcpext[TX_WANT_ZERO_WINDOW_ADV], 88);
	assert_maybe(sc->tcp_mem[0], 21642);
	assert_maybe(sc->tcp_mem[1], 28857);
	assert_maybe(sc->tcp_mem[2], 43284);
	assert_maybe(sc->tcp_rmem[2], 6291456);
	assert_maybe(sc->tcp_max_orphans, 8192);
	assert_maybe(sc->tcp_adv_win_scale, -2);
	assert_absent(sc->mem_pcpu_rsv); /* before 6.0 there is no per-CPU reserve */
	assert_maybe(sc->rmem_max, 212992);
	assert_string_equal(si.hostname, "oldbox");
	assert_string_equal(si.release, "5.10.0-28-amd64");
}

/* sethostname() takes any bytes: a name with a newline is kept whole,
 * only the kernel's own terminating newline is dropped. */
static void test_sysinfo_hostname_with_newline(void **state)
{
	static struct sysinfo si;
	struct procfs p;
	const char *where = NULL;

	(void)state;
	assert_int_equal(procfs_open(&p, "tests/fixtures/hostile-host"), 0);
	assert_int_equal(procfs_read_sysinfo(&p, &si, &where), 0);
	assert_string_equal(si.hostname, "evil\nhost");
	assert_string_equal(si.release, "6.18.44-fixture");
	procfs_close(&p);
}

static void test_sysinfo_errors(void **state)
{
	static struct sysinfo si;
	struct procfs p;
	const char *where = NULL;

	(void)state;
	/* A tree without net/sockstat. */
	assert_int_equal(procfs_open(&p, "tests/fixtures"), 0);
	assert_int_equal(procfs_read_sysinfo(&p, &si, &where), -ENOENT);
	assert_non_null(where);
	assert_string_equal(where, "net/sockstat");
	procfs_close(&p);

	/* A sockstat without a TCP line. */
	where = NULL;
	assert_int_equal(procfs_open(&p, FIX_BAD_SOCKSTAT), 0);
	assert_int_equal(procfs_read_sysinfo(&p, &si, &where), -EINVAL);
	assert_non_null(where);
	assert_string_equal(where, "net/sockstat");
	procfs_close(&p);

	/* sockstat alone is enough; everything else is absent, names empty. */
	read_sysinfo(FIX_OWNERS, &si, 0);
	assert_maybe(si.sockstat.inuse, 0);
	assert_absent(si.sockstat.inuse6);
	assert_absent(si.proto.memory_pages);
	assert_absent(si.proto.pressure);
	for (int i = 0; i < TX_N; i++)
		assert_absent(si.tcpext[i]);
	assert_absent(si.sysctl.tcp_rmem[0]);
	assert_absent(si.sysctl.rmem_max);
	assert_string_equal(si.hostname, "");
	assert_string_equal(si.release, "");
}

static void test_netns_ino_absent(void **state)
{
	struct procfs p;

	(void)state;
	assert_int_equal(procfs_open(&p, FIX_HOST), 0);
	assert_true(procfs_netns_ino(&p, 0) == 0);
	assert_true(procfs_netns_ino(&p, 100) == 0);
	procfs_close(&p);
}

static void test_release_at_least(void **state)
{
	struct sysinfo si;

	(void)state;
	assert_maybe(sysinfo_release_at_least("6.18.44-fc-v782", 6, 6), 1);
	assert_maybe(sysinfo_release_at_least("6.6", 6, 6), 1);
	assert_maybe(sysinfo_release_at_least("6.5.13", 6, 6), 0);
	assert_maybe(sysinfo_release_at_least("5.15.0-91-generic", 6, 6), 0);
	assert_maybe(sysinfo_release_at_least("7.0-rc1", 6, 6), 1);
	assert_maybe(sysinfo_release_at_least("10.2", 6, 6), 1);
	assert_maybe(sysinfo_release_at_least("6.10", 6, 6), 1); /* not a string compare */
	assert_false(sysinfo_release_at_least("", 6, 6).has);
	assert_false(sysinfo_release_at_least("6", 6, 6).has);
	assert_false(sysinfo_release_at_least("6.", 6, 6).has);
	assert_false(sysinfo_release_at_least("v6.6", 6, 6).has);
	assert_false(sysinfo_release_at_least("99999999999.1", 6, 6).has);
	memset(&si, 0, sizeof(si));
	assert_false(sysinfo_adv_win_scale_ignored(&si).has);
	strcpy(si.release, "6.5.0");
	assert_maybe(sysinfo_adv_win_scale_ignored(&si), 0);
}

static void test_orphan_headroom(void **state)
{
	struct sysinfo si;

	(void)state;
	memset(&si, 0, sizeof(si));
	assert_false(sysinfo_orphan_headroom(&si, 0).has);
	si.sockstat.orphan = maybe_of(3);
	assert_false(sysinfo_orphan_headroom(&si, 0).has); /* no tcp_max_orphans (child netns) */
	si.sysctl.tcp_max_orphans = maybe_of(131072);
	assert_maybe(sysinfo_orphan_headroom(&si, 0), 131069);
	assert_maybe(sysinfo_orphan_headroom(&si, 1), 65533);
	assert_maybe(sysinfo_orphan_headroom(&si, 2), 32765);
	assert_false(sysinfo_orphan_headroom(&si, 3).has);
	/* 101 orphans, max 200: fires at shift 1 (101 << 1 > 200), not at 0 */
	si.sockstat.orphan = maybe_of(101);
	si.sysctl.tcp_max_orphans = maybe_of(200);
	assert_maybe(sysinfo_orphan_headroom(&si, 0), 99);
	assert_maybe(sysinfo_orphan_headroom(&si, 1), -1);
	assert_maybe(sysinfo_orphan_headroom(&si, 2), -51);
	/* odd max: 201 >> 1 = 100, and 101 << 1 = 202 > 201 fires */
	si.sysctl.tcp_max_orphans = maybe_of(201);
	assert_maybe(sysinfo_orphan_headroom(&si, 1), -1);
	si.sockstat.orphan = maybe_of(100);
	assert_maybe(sysinfo_orphan_headroom(&si, 1), 0); /* 200 > 201 is false */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strtoi64_ok),
		cmocka_unit_test(test_strtoi64_errors),
		cmocka_unit_test(test_sockstat_fixture),
		cmocka_unit_test(test_sockstat_inline),
		cmocka_unit_test(test_sockstat6_inline),
		cmocka_unit_test(test_protocols_fixture_618),
		cmocka_unit_test(test_protocols_fixture_old),
		cmocka_unit_test(test_protocols_by_header_name),
		cmocka_unit_test(test_protocols_press_values),
		cmocka_unit_test(test_protocols_errors),
		cmocka_unit_test(test_netstat_fixture),
		cmocka_unit_test(test_netstat_names),
		cmocka_unit_test(test_netstat_inline),
		cmocka_unit_test(test_parse_ints),
		cmocka_unit_test(test_open_and_read),
		cmocka_unit_test(test_read_through_symlinks),
		cmocka_unit_test(test_sysinfo_host),
		cmocka_unit_test(test_sysinfo_container),
		cmocka_unit_test(test_sysinfo_old_kernel),
		cmocka_unit_test(test_sysinfo_errors),
		cmocka_unit_test(test_sysinfo_hostname_with_newline),
		cmocka_unit_test(test_netns_ino_absent),
		cmocka_unit_test(test_release_at_least),
		cmocka_unit_test(test_orphan_headroom),
		cmocka_unit_test(test_snmp_udp_fixture),
		cmocka_unit_test(test_snmp_udp_inline),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
