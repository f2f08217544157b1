// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_filter.c - filter parsing, and the inet_diag bytecode checked two ways:
 * by the kernel's validator (inet_diag_bc_audit) and by its interpreter
 * (inet_diag_bc_run), both modelled in tests/model/bc_model.h, against the
 * userspace matcher on many random filters and sockets.
 */
#include "testutil.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/inet_diag.h>
#include <stdio.h>
#include <sys/socket.h>

#include "../model/bc_model.h"
#include "model/filter.h"

#define TCPF(s) (1u << (s))
/* TCP_* (include/net/tcp_states.h) */
enum { ESTAB = 1, SYN_SENT, SYN_RECV, FIN_WAIT1, FIN_WAIT2, TIME_WAIT, CLOSE, CLOSE_WAIT,
       LAST_ACK, LISTEN, CLOSING, NEW_SYN_RECV, BOUND_INACTIVE };

/* ---- state names ---- */

static uint32_t states_of(const char *name)
{
	struct filter f;

	memset(&f, 0, sizeof(f));
	if (filter_add_state(&f, name) != 0)
		fail_msg("state '%s' rejected", name);
	return f.states;
}

/* Bits 1..11 (the states ss lets users name) must be exactly want. */
static void check_states(const char *name, uint32_t want)
{
	uint32_t got = states_of(name) & 0xffeu;

	if (got != want)
		fail_msg("state '%s': bits 0x%x, want 0x%x", name, got, want);
}

/* Like check_states, but a rejected name is a mismatch too; returns 0/1 and
 * appends to msg so that one run lists every difference. */
static int state_differs(const char *name, uint32_t want, char *msg, size_t len)
{
	struct filter f;
	uint32_t got;

	memset(&f, 0, sizeof(f));
	if (filter_add_state(&f, name) != 0) {
		snprintf(msg + strlen(msg), len - strlen(msg), " '%s' rejected;", name);
		return 1;
	}
	got = f.states & 0xffeu;
	if (got == want)
		return 0;
	snprintf(msg + strlen(msg), len - strlen(msg), " '%s' 0x%x want 0x%x;", name, got, want);
	return 1;
}

static void test_state_names(void **state)
{
	(void)state;
	check_states("established", TCPF(ESTAB));
	check_states("syn-sent", TCPF(SYN_SENT));
	check_states("syn-recv", TCPF(SYN_RECV));
	check_states("fin-wait-1", TCPF(FIN_WAIT1));
	check_states("fin-wait-2", TCPF(FIN_WAIT2));
	check_states("time-wait", TCPF(TIME_WAIT));
	/* bound-but-idle sockets come back in state CLOSE: both bits */
	check_states("closed", TCPF(CLOSE));
	check_states("close-wait", TCPF(CLOSE_WAIT));
	check_states("last-ack", TCPF(LAST_ACK));
	check_states("listening", TCPF(LISTEN));
	check_states("closing", TCPF(CLOSING));
	/* ss display spellings, any case */
	check_states("ESTAB", TCPF(ESTAB));
	check_states("LISTEN", TCPF(LISTEN));
	check_states("UNCONN", TCPF(CLOSE));
	check_states("Established", TCPF(ESTAB));
	check_states("TIME-WAIT", TCPF(TIME_WAIT));
	/* request sockets are reported as SYN-RECV; the kernel's NEW_SYN_RECV
	 * bit rides along */
	assert_true(states_of("syn-recv") & TCPF(NEW_SYN_RECV));
	assert_int_equal(states_of("bound-inactive"), TCPF(CLOSE) | TCPF(BOUND_INACTIVE));
	/* names accumulate (OR) */
	{
		struct filter f;

		memset(&f, 0, sizeof(f));
		assert_int_equal(filter_add_state(&f, "established"), 0);
		assert_int_equal(filter_add_state(&f, "listening"), 0);
		assert_int_equal(f.states, TCPF(ESTAB) | TCPF(LISTEN));
	}
}

static void test_state_groups(void **state)
{
	const uint32_t every = 0xffeu; /* 1..11 */
	char msg[512] = "";
	int bad = 0;

	(void)state;
	bad += state_differs("all", every, msg, sizeof(msg));
	/* ss(8): connected := {established|syn-sent|syn-recv|fin-wait-{1,2}|
	 *   time-wait|close-wait|last-ack|closing}, i.e. all but closed and
	 * listening (misc/ss.c scan_state: SS_ALL & ~(CLOSE|LISTEN)) */
	bad += state_differs("connected", every & ~(TCPF(CLOSE) | TCPF(LISTEN)), msg, sizeof(msg));
	/* synchronized := connected without syn-sent */
	bad += state_differs("synchronized", every & ~(TCPF(CLOSE) | TCPF(LISTEN) | TCPF(SYN_SENT)),
			     msg, sizeof(msg));
	/* bucket := {syn-recv|time-wait}; big := the rest */
	bad += state_differs("bucket", TCPF(SYN_RECV) | TCPF(TIME_WAIT), msg, sizeof(msg));
	bad += state_differs("big", every & ~(TCPF(SYN_RECV) | TCPF(TIME_WAIT)), msg, sizeof(msg));
	if (bad)
		fail_msg("state groups differ from ss:%s", msg);
	assert_true(states_of("all") & TCPF(NEW_SYN_RECV));
	assert_true(states_of("bucket") & TCPF(NEW_SYN_RECV));
	assert_false(states_of("big") & TCPF(NEW_SYN_RECV));
}

static void test_state_ss_aliases(void **state)
{
	char msg[512] = "";
	int bad = 0;

	(void)state;
	/* misc/ss.c scan_state(): sstate_namel[SS_CLOSE] is "unconnected";
	 * "close"/"closed" and "syn-rcv" are accepted too */
	bad += state_differs("unconnected", TCPF(CLOSE), msg, sizeof(msg));
	bad += state_differs("close", TCPF(CLOSE), msg, sizeof(msg));
	bad += state_differs("syn-rcv", TCPF(SYN_RECV), msg, sizeof(msg));
	if (bad)
		fail_msg("ss state spellings:%s", msg);
}

static void test_state_bad(void **state)
{
	static const char *const bad[] = {
		"", "nosuch", "establishedx", "estab ", " estab", "syn_sent", "fin-wait",
		"fin-wait-3", "listening,established", "-", "TIME_WAIT",
	};
	struct filter f;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&f, 0, sizeof(f));
		f.states = TCPF(LISTEN);
		if (filter_add_state(&f, bad[i]) != -EINVAL)
			fail_msg("state '%s' accepted", bad[i]);
		assert_int_equal(f.states, TCPF(LISTEN)); /* untouched */
	}
}

/* ---- ports ---- */

static void test_ports(void **state)
{
	static const struct {
		const char *s;
		int ok;
		uint16_t lo, hi;
	} cases[] = {
		{ "80", 1, 80, 80 },
		{ "1-1024", 1, 1, 1024 },
		{ "1", 1, 1, 1 },
		{ "65535", 1, 65535, 65535 },
		{ "1-65535", 1, 1, 65535 },
		{ "8-8", 1, 8, 8 },
		{ "0", 0, 0, 0 },
		{ "0-5", 0, 0, 0 },
		{ "65536", 0, 0, 0 },
		{ "1-65536", 0, 0, 0 },
		{ "99999", 0, 0, 0 },
		{ "10-5", 0, 0, 0 },
		{ "", 0, 0, 0 },
		{ "-5", 0, 0, 0 },
		{ "5-", 0, 0, 0 },
		{ "-", 0, 0, 0 },
		{ "1--5", 0, 0, 0 },
		{ "1-2-3", 0, 0, 0 },
		{ "abc", 0, 0, 0 },
		{ "80a", 0, 0, 0 },
		{ "+80", 0, 0, 0 },
		{ " 80", 0, 0, 0 },
		{ "80 ", 0, 0, 0 },
		{ "0x50", 0, 0, 0 },
		{ "000080", 0, 0, 0 },
		{ "123456789012345678901234567890", 0, 0, 0 },
		{ "18446744073709551697", 0, 0, 0 }, /* 2^64 + 81: no wrap-around */
		{ "4294967376", 0, 0, 0 },	   /* 2^32 + 80 */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct port_range r = { 7, 7 };
		int rc = filter_parse_ports(cases[i].s, &r);

		if (cases[i].ok) {
			if (rc != 0)
				fail_msg("ports '%s' rejected", cases[i].s);
			assert_int_equal(r.lo, cases[i].lo);
			assert_int_equal(r.hi, cases[i].hi);
		} else if (rc != -EINVAL) {
			fail_msg("ports '%s' accepted as %u-%u", cases[i].s, r.lo, r.hi);
		}
	}
}

/* ---- addresses ---- */

static void check_cidr(const char *s, int family, const char *addr, unsigned plen)
{
	struct cidr c;
	uint8_t want[16] = { 0 };

	if (filter_parse_cidr(s, &c) != 0)
		fail_msg("cidr '%s' rejected", s);
	assert_int_equal(c.family, family);
	assert_int_equal(c.plen, plen);
	assert_int_equal(inet_pton(family, addr, want), 1);
	assert_memory_equal(c.addr, want, family == AF_INET ? 4 : 16);
}

static void test_cidr_good(void **state)
{
	(void)state;
	check_cidr("127.0.0.1", AF_INET, "127.0.0.1", 32);
	check_cidr("10.0.0.0/8", AF_INET, "10.0.0.0", 8);
	check_cidr("192.168.1.0/24", AF_INET, "192.168.1.0", 24);
	check_cidr("0.0.0.0/0", AF_INET, "0.0.0.0", 0);
	check_cidr("1.2.3.4/32", AF_INET, "1.2.3.4", 32);
	check_cidr("::1", AF_INET6, "::1", 128);
	check_cidr("[::1]", AF_INET6, "::1", 128);
	check_cidr("[::1]/128", AF_INET6, "::1", 128);
	check_cidr("fe80::/10", AF_INET6, "fe80::", 10);
	check_cidr("[fd00::1]/64", AF_INET6, "fd00::1", 64);
	check_cidr("::/0", AF_INET6, "::", 0);
	check_cidr("::ffff:127.0.0.1", AF_INET6, "::ffff:127.0.0.1", 128);
	check_cidr("2001:db8::/32", AF_INET6, "2001:db8::", 32);
}

/* Fails once with every accepted string listed. */
static void check_cidr_rejected(const char *const *bad, size_t n)
{
	char acc[1024] = "";
	struct cidr c;

	for (size_t i = 0; i < n; i++) {
		if (filter_parse_cidr(bad[i], &c) == -EINVAL)
			continue;
		snprintf(acc + strlen(acc), sizeof(acc) - strlen(acc), " '");
		for (const char *p = bad[i]; *p && strlen(acc) + 8 < sizeof(acc); p++)
			snprintf(acc + strlen(acc), sizeof(acc) - strlen(acc),
				 *p == '\t' ? "\\t" : *p == '\n' ? "\\n" : "%c", *p);
		snprintf(acc + strlen(acc), sizeof(acc) - strlen(acc), "' (/%u)", c.plen);
	}
	if (acc[0])
		fail_msg("cidr accepted:%s", acc);
}

static void test_cidr_bad(void **state)
{
	static const char *const bad[] = {
		"", "garbage", "1.2.3.4/", "/8", "/", "1.2.3.4/33", "1.2.3.4/-1", "1.2.3.4/+8",
		"+1.2.3.4", "1.2.3.4/8x", "1.2.3.4/8/8", "1.2.3", "1.2.3.4.5", "300.1.1.1",
		"1.2.3.-4", "::1/129", "::1/1000", "::1/99999999999999999999", "[::1", "::1]",
		"[]", "[::1]x", "[::1/64]", ":::1", "1.2.3.4 ", " 1.2.3.4", "1.2.3.4/8 ", "localhost",
		"1111:2222:3333:4444:5555:6666:7777:8888:9999/128",
		"0000000000000000000000000000000000000000000000000000000000000000000000::1",
	};

	(void)state;
	check_cidr_rejected(bad, sizeof(bad) / sizeof(bad[0]));
}

/* The prefix length is a bounded decimal: no blanks before it either
 * (strtol would skip them). */
static void test_cidr_prefix_strict(void **state)
{
	static const char *const bad[] = {
		"1.2.3.4/ 8", "1.2.3.4/\t8", "1.2.3.4/\n8", "::1/ 64", "[::1]/ 64",
	};

	(void)state;
	check_cidr_rejected(bad, sizeof(bad) / sizeof(bad[0]));
}

/* ---- the kernel's bytecode validator and interpreter (tests/model) ---- */

/* bcm_run, where an op sockmem never emits fails the test. */
static int k_run(const uint8_t *bc, int len, const struct bcm_entry *e)
{
	int ret = bcm_run(bc, len, e);

	if (ret < 0)
		fail_msg("an op not expected in sockmem's bytecode");
	return ret;
}

static struct bcm_entry entry_of(const struct sock_rec *s)
{
	struct bcm_entry e;

	memset(&e, 0, sizeof(e));
	e.family = s->family;
	memcpy(e.saddr, s->saddr, 16);
	memcpy(e.daddr, s->daddr, 16);
	e.sport = s->sport;
	e.dport = s->dport;
	return e;
}

/* What the kernel returns for a dump with f: the state mask (idiag_states),
 * then the bytecode. */
static int kernel_passes(const struct filter *f, const uint8_t *bc, int len,
			 const struct sock_rec *s)
{
	uint32_t states = f->states ? f->states : 0xffffffffu;
	struct bcm_entry e = entry_of(s);

	if (!(states & TCPF(s->state)))
		return 0;
	return len == 0 ? 1 : k_run(bc, len, &e);
}

/* ---- deterministic random filters and sockets ---- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rnd(void)
{
	uint64_t x = rng_state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	rng_state = x;
	return x;
}

static unsigned rnd_below(unsigned n)
{
	return (unsigned)(rnd() % n);
}

static const uint16_t port_pool[] = { 1, 2, 22, 79, 80, 81, 443, 1023, 1024, 8080, 32768, 65534, 65535 };
static const char *const v4_pool[] = { "127.0.0.1", "127.0.0.2", "10.1.2.3", "10.1.255.255",
				       "192.168.0.1", "0.0.0.0", "255.255.255.255", "128.0.0.0" };
static const char *const v6_pool[] = { "::1", "::", "fe80::1", "fd00::1:2", "2001:db8::ff",
				       "::ffff:127.0.0.1", "::ffff:10.1.2.3", "ffff::ffff",
				       "::ffff:0:0", "::fffe:127.0.0.1" };

static uint16_t rnd_port(void)
{
	if (rnd_below(3) == 0)
		return (uint16_t)(1 + rnd_below(65535));
	return port_pool[rnd_below(sizeof(port_pool) / sizeof(port_pool[0]))];
}

/* An address near the pools: a pool entry with up to two random bits flipped. */
static void rnd_addr(int family, uint8_t *a)
{
	memset(a, 0, 16);
	if (family == AF_INET)
		inet_pton(AF_INET, v4_pool[rnd_below(sizeof(v4_pool) / sizeof(v4_pool[0]))], a);
	else
		inet_pton(AF_INET6, v6_pool[rnd_below(sizeof(v6_pool) / sizeof(v6_pool[0]))], a);
	for (unsigned k = rnd_below(4); k > 1; k--) {
		unsigned bit = rnd_below(family == AF_INET ? 32 : 128);

		a[bit / 8] ^= (uint8_t)(0x80 >> (bit % 8));
	}
}

static void rnd_sock(struct sock_rec *s)
{
	static const uint8_t states[] = { ESTAB, SYN_SENT, SYN_RECV, FIN_WAIT1, FIN_WAIT2, TIME_WAIT,
					  CLOSE, CLOSE_WAIT, LAST_ACK, LISTEN, CLOSING };

	memset(s, 0, sizeof(*s));
	s->family = rnd_below(2) ? AF_INET : AF_INET6;
	rnd_addr(s->family, s->saddr);
	rnd_addr(s->family, s->daddr);
	s->sport = rnd_port();
	s->dport = rnd_below(8) == 0 ? 0 : rnd_port();
	s->state = states[rnd_below(sizeof(states) / sizeof(states[0]))];
}

static size_t rnd_count(void)
{
	switch (rnd_below(6)) {
	case 0:
	case 1: return 0;
	case 2: return 1;
	case 3: return 2;
	case 4: return FILTER_MAX_VALUES;
	default: return 1 + rnd_below(FILTER_MAX_VALUES);
	}
}

static void rnd_range(struct port_range *r)
{
	uint16_t a = rnd_port(), b;

	switch (rnd_below(4)) {
	case 0: b = a; break;
	case 1: b = (uint16_t)(a > 65532 ? 65535 : a + rnd_below(3)); break;
	default: b = rnd_port(); break;
	}
	r->lo = a < b ? a : b;
	r->hi = a < b ? b : a;
}

static void rnd_cidr(struct cidr *c)
{
	memset(c, 0, sizeof(*c));
	c->family = rnd_below(2) ? AF_INET : AF_INET6;
	rnd_addr(c->family, c->addr);
	switch (rnd_below(4)) {
	case 0: c->plen = c->family == AF_INET ? 32 : 128; break;
	case 1: c->plen = 0; break;
	default: c->plen = (uint8_t)rnd_below(c->family == AF_INET ? 33 : 129); break;
	}
}

static void rnd_filter(struct filter *f, int all_options)
{
	memset(f, 0, sizeof(*f));
	f->nsport = all_options ? 1 + rnd_below(FILTER_MAX_VALUES) : rnd_count();
	f->ndport = all_options ? 1 + rnd_below(FILTER_MAX_VALUES) : rnd_count();
	f->nsrc = all_options ? 1 + rnd_below(FILTER_MAX_VALUES) : rnd_count();
	f->ndst = all_options ? 1 + rnd_below(FILTER_MAX_VALUES) : rnd_count();
	for (size_t i = 0; i < f->nsport; i++)
		rnd_range(&f->sport[i]);
	for (size_t i = 0; i < f->ndport; i++)
		rnd_range(&f->dport[i]);
	for (size_t i = 0; i < f->nsrc; i++)
		rnd_cidr(&f->src[i]);
	for (size_t i = 0; i < f->ndst; i++)
		rnd_cidr(&f->dst[i]);
	if (rnd_below(4) == 0)
		f->states = (uint32_t)rnd() & 0x1ffeu;
}

/* Builds, audits and runs f against nsock random sockets (plus sockets made
 * to match each value); returns how many sockets passed. */
static unsigned check_filter(const struct filter *f, unsigned nsock)
{
	uint8_t bc[8192];
	int len = filter_bytecode(f, bc, sizeof(bc));
	unsigned passed = 0;

	if (len < 0)
		fail_msg("filter_bytecode: %d", len);
	if (!filter_has_kernel_part(f)) {
		assert_int_equal(len, 0);
	} else {
		assert_true(len > 0);
		assert_int_equal(len % 4, 0);
		if (bcm_audit(bc, len) != 0)
			fail_msg("kernel audit rejects the bytecode (%d bytes; sport %zu dport %zu src %zu dst %zu)",
				 len, f->nsport, f->ndport, f->nsrc, f->ndst);
	}
	for (unsigned i = 0; i < nsock; i++) {
		struct sock_rec s;
		int k, u;

		rnd_sock(&s);
		/* every third socket is steered into the filter's values */
		if (i % 3 == 0) {
			if (f->nsport) {
				const struct port_range *r = &f->sport[rnd_below((unsigned)f->nsport)];

				s.sport = (uint16_t)(r->lo + rnd_below((unsigned)(r->hi - r->lo) + 1));
			}
			if (f->ndport) {
				const struct port_range *r = &f->dport[rnd_below((unsigned)f->ndport)];

				s.dport = (uint16_t)(r->lo + rnd_below((unsigned)(r->hi - r->lo) + 1));
			}
			if (f->nsrc) {
				const struct cidr *c = &f->src[rnd_below((unsigned)f->nsrc)];

				s.family = c->family;
				memset(s.saddr, 0, 16);
				memcpy(s.saddr, c->addr, 16);
				if (c->family == AF_INET6 || rnd_below(2) == 0)
					rnd_addr(s.family, s.daddr);
			}
			if (f->ndst) {
				const struct cidr *c = &f->dst[rnd_below((unsigned)f->ndst)];

				if (c->family == s.family)
					memcpy(s.daddr, c->addr, 16);
			}
		}
		k = kernel_passes(f, bc, len, &s);
		u = filter_match_sock(f, &s);
		if (k != u) {
			char sa[64], da[64];

			inet_ntop(s.family, s.saddr, sa, sizeof(sa));
			inet_ntop(s.family, s.daddr, da, sizeof(da));
			fail_msg("kernel %d, userspace %d for %s:%u -> %s:%u state %u", k, u, sa, s.sport,
				 da, s.dport, s.state);
		}
		passed += (unsigned)k;
	}
	return passed;
}

static void test_bytecode_random(void **state)
{
	struct filter f;
	unsigned passed = 0, total = 0;

	(void)state;
	for (int i = 0; i < 3000; i++) {
		rnd_filter(&f, 0);
		passed += check_filter(&f, 60);
		total += 60;
	}
	/* the comparison is only worth something if both outcomes occur */
	assert_true(passed > total / 50);
	assert_true(passed < total - total / 50);
}

static void test_bytecode_all_options(void **state)
{
	struct filter f;
	unsigned passed = 0;

	(void)state;
	for (int i = 0; i < 400; i++) {
		rnd_filter(&f, 1);
		passed += check_filter(&f, 100);
	}
	assert_true(passed > 0);
	/* the largest program: every option at its maximum, IPv6 everywhere */
	memset(&f, 0, sizeof(f));
	f.nsport = f.ndport = f.nsrc = f.ndst = FILTER_MAX_VALUES;
	for (size_t i = 0; i < FILTER_MAX_VALUES; i++) {
		f.sport[i] = (struct port_range){ (uint16_t)(100 * i + 1), (uint16_t)(100 * i + 50) };
		f.dport[i] = (struct port_range){ (uint16_t)(1000 + i), (uint16_t)(1000 + i) };
		assert_int_equal(filter_parse_cidr("fd00::/16", &f.src[i]), 0);
		f.src[i].addr[15] = (uint8_t)i;
		f.src[i].plen = (uint8_t)(112 + i);
		assert_int_equal(filter_parse_cidr("::ffff:127.0.0.0/104", &f.dst[i]), 0);
	}
	(void)check_filter(&f, 2000);
}

/* Hand-checked programs: one value, OR within an option, AND across. */
static void test_bytecode_known(void **state)
{
	struct filter f;
	struct sock_rec s;
	uint8_t bc[1024];
	int len;

	(void)state;
	memset(&f, 0, sizeof(f));
	memset(&s, 0, sizeof(s));
	s.family = AF_INET;
	s.state = ESTAB;
	inet_pton(AF_INET, "127.0.0.1", s.saddr);
	inet_pton(AF_INET, "127.0.0.2", s.daddr);

	/* --sport 80: GE 80, LE 80 */
	assert_int_equal(filter_parse_ports("80", &f.sport[f.nsport++]), 0);
	len = filter_bytecode(&f, bc, sizeof(bc));
	assert_int_equal(len, 16);
	assert_int_equal(bcm_audit(bc, len), 0);
	s.sport = 80;
	assert_true(k_run(bc, len, &(struct bcm_entry){ 0 }) == 0);
	{
		struct bcm_entry e = entry_of(&s);

		assert_int_equal(k_run(bc, len, &e), 1);
		e.sport = 81;
		assert_int_equal(k_run(bc, len, &e), 0);
		e.sport = 79;
		assert_int_equal(k_run(bc, len, &e), 0);
	}
	/* --sport 80 --sport 443: two leaves and a JMP */
	assert_int_equal(filter_parse_ports("443", &f.sport[f.nsport++]), 0);
	len = filter_bytecode(&f, bc, sizeof(bc));
	assert_int_equal(len, 36);
	assert_int_equal(bcm_audit(bc, len), 0);
	for (unsigned p = 1; p < 65536; p += 1 + (p > 500 ? 97 : 0)) {
		struct bcm_entry e = entry_of(&s);

		e.sport = (uint16_t)p;
		assert_int_equal(k_run(bc, len, &e), p == 80 || p == 443);
	}
	/* ... AND --src 127.0.0.0/8 AND --dst 127.0.0.2 */
	assert_int_equal(filter_parse_cidr("127.0.0.0/8", &f.src[f.nsrc++]), 0);
	assert_int_equal(filter_parse_cidr("127.0.0.2", &f.dst[f.ndst++]), 0);
	len = filter_bytecode(&f, bc, sizeof(bc));
	assert_int_equal(len, 36 + 16 + 16);
	assert_int_equal(bcm_audit(bc, len), 0);
	s.sport = 443;
	assert_true(filter_match_sock(&f, &s));
	assert_int_equal(kernel_passes(&f, bc, len, &s), 1);
	inet_pton(AF_INET, "127.0.0.3", s.daddr);
	assert_false(filter_match_sock(&f, &s));
	assert_int_equal(kernel_passes(&f, bc, len, &s), 0);
	inet_pton(AF_INET, "127.0.0.2", s.daddr);
	inet_pton(AF_INET, "128.0.0.1", s.saddr);
	assert_false(filter_match_sock(&f, &s));
	assert_int_equal(kernel_passes(&f, bc, len, &s), 0);
}

static void test_bytecode_empty_and_small_buffers(void **state)
{
	struct filter f;
	uint8_t bc[4096];
	int need;

	(void)state;
	memset(&f, 0, sizeof(f));
	assert_false(filter_has_kernel_part(&f));
	assert_int_equal(filter_bytecode(&f, bc, sizeof(bc)), 0);
	assert_int_equal(filter_bytecode(&f, NULL, 0), 0);
	/* states, pids, comms, uids and cgroups are not bytecode */
	assert_int_equal(filter_add_state(&f, "established"), 0);
	f.npid = 1;
	f.pid[0] = 1;
	f.nuid = 1;
	f.ncgroup = 1;
	f.cgroup[0] = "/x";
	assert_false(filter_has_kernel_part(&f));
	assert_int_equal(filter_bytecode(&f, bc, sizeof(bc)), 0);
	assert_true(filter_needs_owners(&f));
	f.npid = 0;
	assert_false(filter_needs_owners(&f));
	f.ncomm = 1;
	f.comm[0] = "nginx";
	assert_true(filter_needs_owners(&f));

	/* every option, several values: each size below the need is -E2BIG
	 * and nothing is written past the given length */
	memset(&f, 0, sizeof(f));
	for (int i = 0; i < 3; i++) {
		f.sport[f.nsport++] = (struct port_range){ (uint16_t)(10 + i), (uint16_t)(20 + i) };
		f.dport[f.ndport++] = (struct port_range){ (uint16_t)(30 + i), (uint16_t)(40 + i) };
		assert_int_equal(filter_parse_cidr(i ? "::1" : "10.0.0.0/8", &f.src[f.nsrc++]), 0);
		assert_int_equal(filter_parse_cidr(i ? "127.0.0.1" : "fe80::/10", &f.dst[f.ndst++]), 0);
	}
	assert_true(filter_has_kernel_part(&f));
	need = filter_bytecode(&f, bc, sizeof(bc));
	assert_true(need > 0);
	assert_int_equal(bcm_audit(bc, need), 0);
	for (int l = 0; l < need; l++) {
		memset(bc, 0xa5, sizeof(bc));
		if (filter_bytecode(&f, bc, (size_t)l) != -E2BIG)
			fail_msg("%d-byte buffer for a %d-byte program not refused", l, need);
		for (size_t k = (size_t)l; k < sizeof(bc); k++)
			if (bc[k] != 0xa5)
				fail_msg("%d-byte buffer: byte %zu written", l, k);
	}
	assert_int_equal(filter_bytecode(&f, bc, (size_t)need), need);
	assert_int_equal(bcm_audit(bc, need), 0);
	/* a single port needs 16 bytes */
	memset(&f, 0, sizeof(f));
	f.sport[f.nsport++] = (struct port_range){ 1, 2 };
	assert_int_equal(filter_bytecode(&f, bc, 15), -E2BIG);
	assert_int_equal(filter_bytecode(&f, bc, 4), -E2BIG);
	assert_int_equal(filter_bytecode(&f, bc, 0), -E2BIG);
	assert_int_equal(filter_bytecode(&f, bc, 16), 16);
}

/* ---- the userspace matcher on v4-mapped IPv6 ---- */

static struct sock_rec sock6(const char *src, const char *dst, uint16_t sport, uint16_t dport)
{
	struct sock_rec s;

	memset(&s, 0, sizeof(s));
	s.family = AF_INET6;
	s.state = ESTAB;
	assert_int_equal(inet_pton(AF_INET6, src, s.saddr), 1);
	assert_int_equal(inet_pton(AF_INET6, dst, s.daddr), 1);
	s.sport = sport;
	s.dport = dport;
	return s;
}

static int both(const struct filter *f, const struct sock_rec *s)
{
	uint8_t bc[1024];
	int len = filter_bytecode(f, bc, sizeof(bc));
	int u = filter_match_sock(f, s);

	assert_true(len >= 0);
	if (len)
		assert_int_equal(bcm_audit(bc, len), 0);
	assert_int_equal(kernel_passes(f, bc, len, s), u);
	return u;
}

static void test_match_v4_mapped(void **state)
{
	struct filter f;
	struct sock_rec mapped = sock6("::ffff:127.0.0.5", "::ffff:10.9.8.7", 5000, 80);
	struct sock_rec native = sock6("::1", "fe80::1", 5000, 80);
	struct sock_rec zero_mapped = sock6("::ffff:0.0.0.0", "::", 5000, 80);

	(void)state;
	memset(&f, 0, sizeof(f));
	assert_int_equal(filter_parse_cidr("127.0.0.0/8", &f.src[f.nsrc++]), 0);
	assert_true(both(&f, &mapped));
	assert_false(both(&f, &native));
	/* the mapped prefix is not part of the comparison */
	f.src[0].plen = 32;
	assert_false(both(&f, &mapped));
	assert_int_equal(filter_parse_cidr("127.0.0.5", &f.src[0]), 0);
	assert_true(both(&f, &mapped));
	/* /0 of a v4 CIDR: every v4-mapped address, no native IPv6 one */
	assert_int_equal(filter_parse_cidr("0.0.0.0/0", &f.src[0]), 0);
	assert_true(both(&f, &mapped));
	assert_true(both(&f, &zero_mapped));
	assert_false(both(&f, &native));
	/* dst works the same way */
	memset(&f, 0, sizeof(f));
	assert_int_equal(filter_parse_cidr("10.9.0.0/16", &f.dst[f.ndst++]), 0);
	assert_true(both(&f, &mapped));
	assert_false(both(&f, &native));
	/* an IPv6 CIDR against a v4 socket never matches, even ::ffff:a.b.c.d */
	{
		struct sock_rec v4;

		memset(&v4, 0, sizeof(v4));
		v4.family = AF_INET;
		v4.state = ESTAB;
		inet_pton(AF_INET, "127.0.0.5", v4.saddr);
		memset(&f, 0, sizeof(f));
		assert_int_equal(filter_parse_cidr("::ffff:127.0.0.0/104", &f.src[f.nsrc++]), 0);
		assert_false(both(&f, &v4));
		assert_true(both(&f, &mapped));
		f.src[0].plen = 0;
		assert_false(both(&f, &v4));
	}
	/* ports and states combine with addresses */
	memset(&f, 0, sizeof(f));
	assert_int_equal(filter_parse_cidr("127.0.0.5", &f.src[f.nsrc++]), 0);
	assert_int_equal(filter_parse_ports("4000-5000", &f.sport[f.nsport++]), 0);
	assert_true(both(&f, &mapped));
	assert_int_equal(filter_add_state(&f, "listening"), 0);
	assert_false(both(&f, &mapped));
	assert_int_equal(filter_add_state(&f, "established"), 0);
	assert_true(both(&f, &mapped));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_state_names),
		cmocka_unit_test(test_state_groups),
		cmocka_unit_test(test_state_ss_aliases),
		cmocka_unit_test(test_state_bad),
		cmocka_unit_test(test_ports),
		cmocka_unit_test(test_cidr_good),
		cmocka_unit_test(test_cidr_bad),
		cmocka_unit_test(test_cidr_prefix_strict),
		cmocka_unit_test(test_bytecode_known),
		cmocka_unit_test(test_bytecode_random),
		cmocka_unit_test(test_bytecode_all_options),
		cmocka_unit_test(test_bytecode_empty_and_small_buffers),
		cmocka_unit_test(test_match_v4_mapped),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
