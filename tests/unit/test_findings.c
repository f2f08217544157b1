// SPDX-License-Identifier: GPL-2.0-or-later
/* test_findings.c - the check rules over hand-built snapshots: each rule fires
 * with the right id, severity and evidence, and stays quiet just below it. */
#include "testutil.h"

#include <errno.h>
#include <stdio.h>

#include "model/agg.h"
#include "model/findings.h"
#include "collect/procfs.h"
#include "model/view.h"

#define PAGE 4096u
#define FIX_CHECK_PRESSURE "tests/fixtures/check-pressure"
#define FIX_CHECK_ORPHANS "tests/fixtures/check-orphans"

/* Sysctls of the hand-built world (tcp_mem small so the per-CPU tolerance,
 * 2 x 256 pages, never turns a tcp_mem test into a reconcile_gap one). */
#define MEM_LOW 100
#define MEM_PRESSURE 200
#define MEM_HIGH 300
#define RMEM_DEF 131072
#define RMEM_MAX 6291456
#define WMEM_DEF 16384
#define WMEM_MAX 4194304
#define MSS 65483

#define MAX_PROCS 8
#define MAX_LINKS 32

/* A snapshot built by hand, with owners that live in the fixture, and the
 * view of all of it the rules run over. */
struct fx {
	struct snapshot r;
	struct view v;
	struct find_opts fo;
	struct proc_ent procs[MAX_PROCS];
	struct owner_link links[MAX_LINKS];
	struct finding *f;
	int n;
};

static void fx_init(struct fx *x)
{
	struct sysinfo *si;
	struct sysctls *sc;

	memset(x, 0, sizeof(*x));
	si = &x->r.sys;
	sc = &si->sysctl;
	x->r.page_size = PAGE;
	x->r.ncpu = 2;
	x->r.owners_scanned = true;
	si->sockstat.inuse = maybe_of(10);
	si->sockstat.orphan = maybe_of(0);
	si->sockstat.tw = maybe_of(0);
	si->sockstat.alloc = maybe_of(10);
	si->sockstat.mem_pages = maybe_of(50);
	si->proto.memory_pages = maybe_of(50);
	si->proto.pressure = maybe_of(0);
	for (int i = 0; i < TX_N; i++)
		si->tcpext[i] = maybe_of(0);
	sc->tcp_mem[0] = maybe_of(MEM_LOW);
	sc->tcp_mem[1] = maybe_of(MEM_PRESSURE);
	sc->tcp_mem[2] = maybe_of(MEM_HIGH);
	sc->tcp_rmem[0] = maybe_of(4096);
	sc->tcp_rmem[1] = maybe_of(RMEM_DEF);
	sc->tcp_rmem[2] = maybe_of(RMEM_MAX);
	sc->tcp_wmem[0] = maybe_of(4096);
	sc->tcp_wmem[1] = maybe_of(WMEM_DEF);
	sc->tcp_wmem[2] = maybe_of(WMEM_MAX);
	sc->tcp_max_orphans = maybe_of(1000);
	sc->mem_pcpu_rsv = maybe_of(256);
	x->fo.unsent_min = FIND_DEFAULT_UNSENT_MIN;
	x->fo.zero_window = FIND_DEFAULT_ZERO_WINDOW;
	x->fo.unread_min = FIND_DEFAULT_UNREAD_MIN;
	x->r.owners.procs = x->procs;
	x->r.owners.links = x->links;
	/* one namespace dumped, known to be the host's only one */
	x->r.cov.initial_netns = maybe_of(1);
	x->r.cov.other_netns = maybe_of(0);
	x->r.cov.unreadable_pids = maybe_of(0);
}

static uint32_t fx_proc(struct fx *x, int32_t pid, const char *comm)
{
	size_t i = x->r.owners.nprocs++;

	assert_true(i < MAX_PROCS);
	x->procs[i].pid = pid;
	x->procs[i].uid = 1000;
	snprintf(x->procs[i].comm, sizeof(x->procs[i].comm), "%s", comm);
	return (uint32_t)i;
}

/* An ESTAB socket with full skmem and no tcp_info; rb/tb at the defaults so
 * that no buffer rule fires by itself. Returns its index. */
static uint32_t fx_sock(struct fx *x, uint32_t r, uint32_t w, uint32_t f)
{
	size_t i = x->r.socks.n;
	struct sock_rec s = tu_sock(0xc000 + i, (uint32_t)(5000 + i), r, w, f);

	s.skmem[SKM_RB] = RMEM_DEF;
	s.skmem[SKM_TB] = WMEM_DEF;
	s.sport = (uint16_t)(40000 + i);
	s.dport = 80;
	s.saddr[0] = 127;
	s.saddr[3] = 1;
	s.daddr[0] = 127;
	s.daddr[3] = 1;
	assert_int_equal(sock_table_add(&x->r.socks, &s), 1);
	return (uint32_t)i;
}

static struct sock_rec *S(struct fx *x, uint32_t i)
{
	return &x->r.socks.v[i];
}

static void set_ti(struct sock_rec *s, enum ti k, uint64_t v)
{
	s->ti[k] = v;
	s->ti_mask |= (uint16_t)(1u << k);
}

/* Holders must be added socket by socket, in socket order (as owners_scan
 * leaves the links sorted by socket). */
static void fx_hold(struct fx *x, uint32_t sock, uint32_t proc, int32_t fd)
{
	size_t l = x->r.owners.nlinks++;
	struct sock_rec *s = S(x, sock);

	assert_true(l < MAX_LINKS);
	x->links[l] = (struct owner_link){ sock, proc, fd };
	if (s->own_n == 0)
		s->own_first = (uint32_t)l;
	else
		assert_int_equal(s->own_first + s->own_n, l);
	s->own_n++;
}

/* Aggregates like view_build does (keeping v.partial), then runs the rules. */
static void fx_run(struct fx *x)
{
	x->v.snap = &x->r;
	memset(&x->v.totals, 0, sizeof(x->v.totals));
	for (size_t i = 0; i < x->r.socks.n; i++)
		agg_add(&x->v.totals, &x->r.socks.v[i], x->r.page_size);
	agg_reconcile(&x->v.totals, x->r.sys.sockstat.mem_pages, x->r.ncpu,
		      x->r.sys.sysctl.mem_pcpu_rsv, &x->v.rec);
	free(x->f);
	x->f = NULL;
	x->n = findings_run(&x->v, &x->fo, &x->f);
	assert_true(x->n >= 0);
}

static void fx_free(struct fx *x)
{
	free(x->f);
	sock_table_free(&x->r.socks);
	free(x->r.netns);
}

static const struct finding *find(const struct fx *x, const char *id)
{
	const struct finding *hit = NULL;

	for (int i = 0; i < x->n; i++)
		if (strcmp(x->f[i].id, id) == 0) {
			assert_null(hit); /* each id at most once */
			hit = &x->f[i];
		}
	return hit;
}

static const struct finding *must(const struct fx *x, const char *id, enum sev sev)
{
	const struct finding *f = find(x, id);

	if (!f)
		fail_msg("finding %s did not fire (%d findings, first %s)", id, x->n,
			 x->n ? x->f[0].id : "-");
	assert_string_equal(f->id, id);
	assert_int_equal(f->sev, sev);
	assert_non_null(f->explanation);
	assert_true(f->summary[0] != '\0');
	return f;
}

static struct maybe ev(const struct finding *f, const char *key)
{
	for (size_t i = 0; i < f->nev; i++)
		if (strcmp(f->ev[i].key, key) == 0)
			return f->ev[i].v;
	fail_msg("finding %s has no evidence %s", f->id, key);
	return maybe_none();
}

static enum ev_kind ev_kind_of(const struct finding *f, const char *key)
{
	for (size_t i = 0; i < f->nev; i++)
		if (strcmp(f->ev[i].key, key) == 0)
			return f->ev[i].kind;
	fail_msg("finding %s has no evidence %s", f->id, key);
	return EV_COUNT;
}

static int count_prefix(const struct fx *x, const char *prefix)
{
	int c = 0;

	for (int i = 0; i < x->n; i++)
		c += strncmp(x->f[i].id, prefix, strlen(prefix)) == 0;
	return c;
}

/* ---- tcp_mem ---- */

static void run_mem(struct fx *x, int64_t mem, int pressure_flag)
{
	x->r.sys.sockstat.mem_pages = maybe_of(mem);
	x->r.sys.proto.pressure = maybe_of(pressure_flag);
	fx_run(x);
}

static void check_mem_evidence(const struct finding *f, int64_t mem, int flag)
{
	assert_maybe(ev(f, "mem_pages"), mem);
	assert_int_equal(ev_kind_of(f, "mem_pages"), EV_PAGES);
	assert_maybe(ev(f, "low_pages"), MEM_LOW);
	assert_maybe(ev(f, "pressure_pages"), MEM_PRESSURE);
	assert_maybe(ev(f, "high_pages"), MEM_HIGH);
	assert_maybe(ev(f, "pressure"), flag);
	assert_int_equal(ev_kind_of(f, "pressure"), EV_BOOL);
	assert_maybe(ev(f, "TCPMemoryPressures"), 0);
}

static void test_tcp_mem_low(void **state)
{
	struct fx x;
	const struct finding *f;

	(void)state;
	fx_init(&x);
	run_mem(&x, MEM_LOW + 1, 0);
	assert_int_equal(x.n, 1);
	f = must(&x, "tcp_mem_low", SEV_INFO);
	check_mem_evidence(f, MEM_LOW + 1, 0);
	assert_non_null(strstr(f->summary, "101 pages (413696 bytes)"));
	assert_int_equal(findings_worst(x.f, (size_t)x.n), SEV_INFO);

	/* exactly at tcp_mem[0]: the kernel does nothing, neither do we */
	run_mem(&x, MEM_LOW, 0);
	assert_int_equal(x.n, 0);
	assert_int_equal(findings_worst(x.f, (size_t)x.n), -1);
	run_mem(&x, 0, 0);
	assert_int_equal(x.n, 0);
	fx_free(&x);
}

static void test_tcp_mem_pressure(void **state)
{
	struct fx x;
	const struct finding *f;

	(void)state;
	fx_init(&x);
	run_mem(&x, MEM_PRESSURE + 1, 0);
	assert_int_equal(x.n, 1);
	f = must(&x, "tcp_mem_pressure", SEV_WARNING);
	check_mem_evidence(f, MEM_PRESSURE + 1, 0);
	assert_int_equal(findings_worst(x.f, (size_t)x.n), SEV_WARNING);

	/* at tcp_mem[1] exactly: still only above low */
	run_mem(&x, MEM_PRESSURE, 0);
	assert_int_equal(x.n, 1);
	must(&x, "tcp_mem_low", SEV_INFO);
	assert_int_equal(count_prefix(&x, "tcp_mem_"), 1);
	fx_free(&x);
}

static void test_tcp_mem_pressure_flag_sticky(void **state)
{
	struct fx x;
	const struct finding *f;

	(void)state;
	fx_init(&x);
	/* usage fell below tcp_mem[0] but /proc/net/protocols still says yes */
	x.r.sys.tcpext[TX_MEMORY_PRESSURES] = maybe_of(3);
	x.r.sys.tcpext[TX_MEMORY_PRESSURES_CHRONO] = maybe_of(3812);
	run_mem(&x, MEM_LOW - 40, 1);
	assert_int_equal(x.n, 1);
	f = must(&x, "tcp_mem_pressure", SEV_WARNING);
	assert_maybe(ev(f, "mem_pages"), MEM_LOW - 40);
	assert_maybe(ev(f, "pressure"), 1);
	assert_maybe(ev(f, "TCPMemoryPressures"), 3);
	assert_maybe(ev(f, "TCPMemoryPressuresChrono"), 3812);
	assert_int_equal(ev_kind_of(f, "TCPMemoryPressuresChrono"), EV_MS);
	assert_non_null(strstr(f->summary, "pressure flag yes"));

	/* flag unknown ("NI" or old kernel): below low means nothing */
	x.r.sys.proto.pressure = maybe_none();
	fx_run(&x);
	assert_int_equal(x.n, 0);
	fx_free(&x);
}

static void test_tcp_mem_high(void **state)
{
	struct fx x;
	const struct finding *f;

	(void)state;
	fx_init(&x);
	run_mem(&x, MEM_HIGH + 1, 0);
	assert_int_equal(x.n, 1);
	f = must(&x, "tcp_mem_high", SEV_CRITICAL);
	check_mem_evidence(f, MEM_HIGH + 1, 0);
	assert_int_equal(findings_worst(x.f, (size_t)x.n), SEV_CRITICAL);
	/* with the flag set too: still one finding, the worst one */
	run_mem(&x, MEM_HIGH + 1, 1);
	assert_int_equal(x.n, 1);
	must(&x, "tcp_mem_high", SEV_CRITICAL);

	/* at tcp_mem[2] exactly: pressure, not high */
	run_mem(&x, MEM_HIGH, 0);
	assert_int_equal(x.n, 1);
	must(&x, "tcp_mem_pressure", SEV_WARNING);
	fx_free(&x);
}

static void test_tcp_mem_unavailable(void **state)
{
	struct fx x;
	const struct finding *f;

	(void)state;
	fx_init(&x);
	for (int i = 0; i < 3; i++)
		x.r.sys.sysctl.tcp_mem[i] = maybe_none();
	x.r.sys.sysctl.mem_pcpu_rsv = maybe_none(); /* as in a container: no reconcile verdict */
	/* far above any plausible limit: without limits only "unknown" */
	run_mem(&x, 5000, 0);
	assert_int_equal(x.n, 1);
	f = must(&x, "tcp_mem_unavailable", SEV_INFO);
	assert_maybe(ev(f, "mem_pages"), 5000);
	assert_int_equal(count_prefix(&x, "tcp_mem_"), 1);

	/* the pressure flag is global and readable anywhere: it is still a
	 * warning, but no threshold finding (low/high) can be made */
	x.r.sys.tcpext[TX_MEMORY_PRESSURES] = maybe_of(2);
	run_mem(&x, 5000, 1);
	must(&x, "tcp_mem_unavailable", SEV_INFO);
	f = must(&x, "tcp_mem_pressure", SEV_WARNING);
	assert_maybe(ev(f, "mem_pages"), 5000);
	assert_maybe(ev(f, "pressure"), 1);
	assert_maybe(ev(f, "TCPMemoryPressures"), 2);
	assert_null(find(&x, "tcp_mem_low"));
	assert_null(find(&x, "tcp_mem_high"));
	assert_int_equal(count_prefix(&x, "tcp_mem_"), 2);
	assert_int_equal(x.n, 2);
	fx_free(&x);
}

static void test_tcp_mem_usage_absent(void **state)
{
	struct fx x;

	(void)state;
	fx_init(&x);
	x.r.sys.sockstat.mem_pages = maybe_none();
	x.r.sys.proto.pressure = maybe_of(0);
	fx_run(&x);
	assert_int_equal(count_prefix(&x, "tcp_mem_"), 0);
	fx_free(&x);
}

/* ---- orphans ---- */

static void test_orphans_shifts(void **state)
{
	static const struct {
		int64_t orphans;
		int sev; /* -1: no finding */
		int shift;
	} cases[] = {
		{ 0, -1, 0 },		 { 1, -1, 0 },		 { 250, -1, 0 },
		{ 251, SEV_WARNING, 2 }, { 500, SEV_WARNING, 2 }, { 501, SEV_WARNING, 1 },
		{ 1000, SEV_WARNING, 1 }, { 1001, SEV_CRITICAL, 0 }, { 70000, SEV_CRITICAL, 0 },
	};
	struct fx x;

	(void)state;
	fx_init(&x);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct finding *f;
		char want[64];

		x.r.sys.sockstat.orphan = maybe_of(cases[i].orphans);
		fx_run(&x);
		f = find(&x, "orphans");
		if (cases[i].sev < 0) {
			if (f)
				fail_msg("orphans %lld fired", (long long)cases[i].orphans);
			assert_int_equal(x.n, 0);
			continue;
		}
		if (!f)
			fail_msg("orphans %lld did not fire", (long long)cases[i].orphans);
		assert_int_equal(f->sev, cases[i].sev);
		assert_maybe(ev(f, "orphans"), cases[i].orphans);
		assert_maybe(ev(f, "tcp_max_orphans"), 1000);
		assert_maybe(ev(f, "fires_at_shift0"), 1001);
		assert_maybe(ev(f, "fires_at_shift1"), 501);
		assert_maybe(ev(f, "fires_at_shift2"), 251);
		/* how many more before it fires: max >> shift - orphans */
		assert_maybe(ev(f, "headroom_shift0"), 1000 - cases[i].orphans);
		assert_maybe(ev(f, "headroom_shift1"), 500 - cases[i].orphans);
		assert_maybe(ev(f, "headroom_shift2"), 250 - cases[i].orphans);
		snprintf(want, sizeof(want), "from shift %d (orphans << %d > max)", cases[i].shift,
			 cases[i].shift);
		if (!strstr(f->summary, want))
			fail_msg("orphans %lld: summary '%s' lacks '%s'", (long long)cases[i].orphans,
				 f->summary, want);
	}
	fx_free(&x);
}

static void test_orphans_odd_limit_and_absent(void **state)
{
	struct fx x;
	const struct finding *f;

	(void)state;
	fx_init(&x);
	/* max 1003: 250 << 2 = 1000 is not over, 251 << 2 = 1004 is */
	x.r.sys.sysctl.tcp_max_orphans = maybe_of(1003);
	x.r.sys.sockstat.orphan = maybe_of(250);
	fx_run(&x);
	assert_null(find(&x, "orphans"));
	x.r.sys.sockstat.orphan = maybe_of(251);
	fx_run(&x);
	f = must(&x, "orphans", SEV_WARNING);
	assert_maybe(ev(f, "fires_at_shift2"), 251);
	assert_maybe(ev(f, "fires_at_shift1"), 502);
	assert_maybe(ev(f, "fires_at_shift0"), 1004);
	/* no limit readable (container): nothing to compare with */
	x.r.sys.sysctl.tcp_max_orphans = maybe_none();
	x.r.sys.sockstat.orphan = maybe_of(100000);
	fx_run(&x);
	assert_null(find(&x, "orphans"));
	/* no orphan count */
	x.r.sys.sysctl.tcp_max_orphans = maybe_of(10);
	x.r.sys.sockstat.orphan = maybe_none();
	fx_run(&x);
	assert_null(find(&x, "orphans"));
	fx_free(&x);
}

/* ---- per-socket rules ---- */

static void check_sock_ev(const struct finding *f, uint64_t sockets, uint64_t charged, uint64_t r,
			  uint64_t w, uint64_t noproc)
{
	assert_maybe(ev(f, "sockets"), sockets);
	assert_maybe(ev(f, "charged_bytes"), charged);
	assert_int_equal(ev_kind_of(f, "charged_bytes"), EV_BYTES);
	assert_maybe(ev(f, "r"), r);
	assert_maybe(ev(f, "w"), w);
	/* the fixture's sockets have inodes: none is an orphan or an unaccepted child */
	assert_maybe(ev(f, "sockets_orphaned"), 0);
	assert_maybe(ev(f, "sockets_unaccepted"), 0);
	assert_maybe(ev(f, "sockets_no_descriptor"), noproc);
}

static void test_rcvbuf_at_max(void **state)
{
	struct fx x;
	const struct finding *f;
	uint32_t a, b;

	(void)state;
	fx_init(&x);
	a = fx_sock(&x, 0, 0, 0);
	S(&x, a)->skmem[SKM_RB] = RMEM_MAX;
	b = fx_sock(&x, 4096, 0, 0);
	S(&x, b)->skmem[SKM_RB] = RMEM_MAX - 1;
	fx_hold(&x, a, fx_proc(&x, 77, "reader"), 5);
	fx_run(&x);
	f = must(&x, "rcvbuf_at_max", SEV_INFO);
	check_sock_ev(f, 1, 0, 0, 0, 0);
	assert_maybe(ev(f, "tcp_rmem_max"), RMEM_MAX);
	assert_int_equal(f->nsocks, 1);
	assert_int_equal(f->socks[0], a);
	assert_int_equal(f->nprocs, 1);
	assert_int_equal(x.procs[f->procs[0].proc].pid, 77);
	assert_int_equal(f->procs[0].sockets, 1);
	/* neither at max nor outside the autotuning range: nothing else */
	assert_int_equal(x.n, 1);

	/* tcp_rmem unknown: the rule cannot be evaluated */
	x.r.sys.sysctl.tcp_rmem[2] = maybe_none();
	fx_run(&x);
	assert_null(find(&x, "rcvbuf_at_max"));
	fx_free(&x);
}

static void test_rcvbuf_at_max_per_netns_sysctl(void **state)
{
	struct fx x;
	uint32_t a;

	(void)state;
	fx_init(&x);
	/* The socket lives in a namespace whose tcp_rmem max is 262144. */
	x.r.netns = calloc(2, sizeof(*x.r.netns));
	assert_non_null(x.r.netns);
	x.r.nnetns = 2;
	x.r.netns[0].ino = 111;
	x.r.netns[0].sysctl = x.r.sys.sysctl;
	x.r.netns[1].ino = 222;
	x.r.netns[1].sysctl = x.r.sys.sysctl;
	x.r.netns[1].sysctl.tcp_rmem[2] = maybe_of(262144);
	a = fx_sock(&x, 0, 0, 0);
	S(&x, a)->skmem[SKM_RB] = 262144;
	S(&x, a)->netns_ino = 222;
	fx_run(&x);
	must(&x, "rcvbuf_at_max", SEV_INFO);
	assert_null(find(&x, "locked_buffers"));
	/* the same socket in the host namespace is far from the host's max */
	S(&x, a)->netns_ino = 111;
	fx_run(&x);
	assert_null(find(&x, "rcvbuf_at_max"));
	/* a namespace that could not be entered falls back to the host's values */
	S(&x, a)->netns_ino = 222;
	x.r.netns[1].skipped = 1;
	fx_run(&x);
	assert_null(find(&x, "rcvbuf_at_max"));
	fx_free(&x);
}

/* The evidence names the threshold the rule compared with: for sockets of
 * one namespace that is the namespace's tcp_rmem/tcp_wmem, not the host's. */
static void test_evidence_uses_socket_netns_sysctl(void **state)
{
	struct fx x;
	const struct finding *f;
	uint32_t a, b;

	(void)state;
	fx_init(&x);
	x.r.netns = calloc(2, sizeof(*x.r.netns));
	assert_non_null(x.r.netns);
	x.r.nnetns = 2;
	x.r.netns[0].ino = 111;
	x.r.netns[0].sysctl = x.r.sys.sysctl;
	x.r.netns[1].ino = 222;
	x.r.netns[1].sysctl = x.r.sys.sysctl;
	x.r.netns[1].sysctl.tcp_rmem[2] = maybe_of(262144);
	x.r.netns[1].sysctl.tcp_wmem[2] = maybe_of(1048576);
	a = fx_sock(&x, 0, 0, 0);
	S(&x, a)->skmem[SKM_RB] = 262144;
	S(&x, a)->netns_ino = 222;
	b = fx_sock(&x, 0, 2000000, 0);
	S(&x, b)->skmem[SKM_TB] = 1048576;
	set_ti(S(&x, b), TI_NOTSENT_BYTES, 2 * FIND_DEFAULT_UNSENT_MIN);
	S(&x, b)->netns_ino = 222;
	fx_run(&x);
	f = must(&x, "rcvbuf_at_max", SEV_INFO);
	assert_maybe(ev(f, "tcp_rmem_max"), 262144);
	f = must(&x, "sndbuf_at_max", SEV_INFO);
	assert_maybe(ev(f, "tcp_wmem_max"), 1048576);
	fx_free(&x);
}

static void test_rcv_over_budget(void **state)
{
	struct fx x;
	const struct finding *f;
	uint32_t a, b;

	(void)state;
	fx_init(&x);
	a = fx_sock(&x, 8193, 0, 4095);
	S(&x, a)->skmem[SKM_RB] = 8192 + 0; /* r > rb by one byte; rb is "locked" low */
	b = fx_sock(&x, 8192, 0, 0);
	S(&x, b)->skmem[SKM_RB] = 8192; /* r == rb: within budget */
	fx_run(&x);
	f = must(&x, "rcv_over_budget", SEV_INFO);
	check_sock_ev(f, 1, 8193 + 4095, 8193, 0, 1);
	assert_int_equal(f->nsocks, 1);
	assert_int_equal(f->socks[0], a);
	assert_int_equal(f->nprocs, 0);
	fx_free(&x);
}

/* Per-socket rules see only the sockets the view keeps, and their holders
 * only through them. */
static void test_rules_see_kept_sockets(void **state)
{
	static const unsigned char keep[] = { 0, 1, 0 };
	struct fx x;
	const struct finding *f;
	uint32_t a, b, c, p;

	(void)state;
	fx_init(&x);
	p = fx_proc(&x, 300, "reader");
	a = fx_sock(&x, 9000, 0, 0);
	b = fx_sock(&x, 9001, 0, 0);
	c = fx_sock(&x, 9002, 0, 0);
	for (uint32_t i = a; i <= c; i++)
		S(&x, i)->skmem[SKM_RB] = 8192;
	fx_hold(&x, a, p, 3);
	fx_hold(&x, c, p, 4);
	x.v.keep = keep;
	x.v.nkept = 1;
	fx_run(&x);
	f = must(&x, "rcv_over_budget", SEV_INFO);
	check_sock_ev(f, 1, 9001, 9001, 0, 1);
	assert_int_equal(f->nsocks, 1);
	assert_int_equal(f->socks[0], b);
	assert_int_equal(f->nprocs, 0); /* 300 holds only sockets left out */
	fx_free(&x);
}

static void test_sndbuf_at_max(void **state)
{
	struct fx x;
	const struct finding *f;
	uint32_t a, b, c, d;

	(void)state;
	fx_init(&x);
	a = fx_sock(&x, 0, 2921408, 3136);
	S(&x, a)->skmem[SKM_TB] = WMEM_MAX;
	set_ti(S(&x, a), TI_NOTSENT_BYTES, FIND_DEFAULT_UNSENT_MIN);
	b = fx_sock(&x, 0, 100000, 0); /* unsent one byte short */
	S(&x, b)->skmem[SKM_TB] = WMEM_MAX;
	set_ti(S(&x, b), TI_NOTSENT_BYTES, FIND_DEFAULT_UNSENT_MIN - 1);
	c = fx_sock(&x, 0, 100000, 0); /* notsent_bytes absent (kernel < 4.6) */
	S(&x, c)->skmem[SKM_TB] = WMEM_MAX;
	d = fx_sock(&x, 0, 100000, 0); /* tb one byte under the max */
	S(&x, d)->skmem[SKM_TB] = WMEM_MAX - 1;
	set_ti(S(&x, d), TI_NOTSENT_BYTES, 10 * FIND_DEFAULT_UNSENT_MIN);
	fx_run(&x);
	f = must(&x, "sndbuf_at_max", SEV_INFO);
	check_sock_ev(f, 1, 2921408 + 3136, 0, 2921408, 1);
	assert_maybe(ev(f, "tcp_wmem_max"), WMEM_MAX);
	assert_maybe(ev(f, "unsent_min"), FIND_DEFAULT_UNSENT_MIN);
	assert_int_equal(f->nsocks, 1);
	assert_int_equal(f->socks[0], a);

	/* --unsent-min lowered: b counts too, c still cannot */
	x.fo.unsent_min = FIND_DEFAULT_UNSENT_MIN - 1;
	fx_run(&x);
	f = must(&x, "sndbuf_at_max", SEV_INFO);
	assert_maybe(ev(f, "sockets"), 2);
	assert_maybe(ev(f, "unsent_min"), FIND_DEFAULT_UNSENT_MIN - 1);
	/* largest charge first */
	assert_int_equal(f->socks[0], a);
	assert_int_equal(f->socks[1], b);
	fx_free(&x);
}

/* A receiver that holds unread data behind a closed window. */
static uint32_t unread_sock(struct fx *x, uint32_t rq, uint64_t wnd)
{
	uint32_t i = fx_sock(x, 105728, 0, 768);

	S(x, i)->rqueue = rq;
	set_ti(S(x, i), TI_RCV_WND, wnd);
	set_ti(S(x, i), TI_RCV_MSS, MSS);
	return i;
}

static void test_unread_backlog_default(void **state)
{
	struct fx x;
	const struct finding *f;
	uint32_t hit, hit2, at_mss, listen, nownd, nomss, empty, nor;

	(void)state;
	fx_init(&x);
	hit = unread_sock(&x, 102400, 0);
	hit2 = unread_sock(&x, 1, MSS - 1);
	at_mss = unread_sock(&x, 102400, MSS); /* window of one full segment: not near zero */
	listen = unread_sock(&x, 5, 0);	       /* accept queue of a LISTEN socket */
	S(&x, listen)->state = SOCK_TCP_LISTEN;
	nownd = unread_sock(&x, 102400, 0); /* kernel < 6.2: no rcv_wnd */
	S(&x, nownd)->ti_mask &= (uint16_t)~(1u << TI_RCV_WND);
	nomss = unread_sock(&x, 102400, 0); /* no rcv_mss: default test impossible */
	S(&x, nomss)->ti_mask &= (uint16_t)~(1u << TI_RCV_MSS);
	empty = unread_sock(&x, 0, 0); /* nothing unread */
	nor = unread_sock(&x, 100, 0); /* Recv-Q but no receive memory */
	S(&x, nor)->skmem[SKM_R] = 0;
	fx_hold(&x, hit, fx_proc(&x, 300, "stuck"), 9);
	fx_run(&x);
	f = must(&x, "unread_backlog", SEV_WARNING);
	check_sock_ev(f, 2, 2 * 106496, 2 * 105728, 0, 1);
	assert_maybe(ev(f, "unread_min"), 1);
	assert_absent(ev(f, "zero_window"));
	assert_int_equal(f->nsocks, 2);
	assert_true((f->socks[0] == hit && f->socks[1] == hit2) ||
		    (f->socks[0] == hit2 && f->socks[1] == hit));
	assert_int_equal(f->nprocs, 1);
	assert_int_equal(x.procs[f->procs[0].proc].pid, 300);
	assert_int_equal(f->procs[0].sockets, 1);
	assert_int_equal(f->procs[0].charged_bytes, 106496);
	(void)at_mss;
	(void)empty;
	fx_free(&x);
}

static void test_unread_backlog_options(void **state)
{
	struct fx x;
	const struct finding *f;
	uint32_t w0, w4096, w4097, nomss;

	(void)state;
	fx_init(&x);
	w0 = unread_sock(&x, 2000, 0);
	w4096 = unread_sock(&x, 2000, 4096);
	w4097 = unread_sock(&x, 2000, 4097);
	nomss = unread_sock(&x, 2000, 100);
	S(&x, nomss)->ti_mask &= (uint16_t)~(1u << TI_RCV_MSS);
	/* --zero-window 4096: window <= 4096 counts, rcv_mss no longer needed */
	x.fo.zero_window = 4096;
	fx_run(&x);
	f = must(&x, "unread_backlog", SEV_WARNING);
	assert_maybe(ev(f, "sockets"), 3);
	assert_maybe(ev(f, "zero_window"), 4096);
	for (size_t i = 0; i < f->nsocks; i++)
		assert_true(f->socks[i] == w0 || f->socks[i] == w4096 || f->socks[i] == nomss);
	(void)w4097;

	/* --zero-window 0: only a closed window */
	x.fo.zero_window = 0;
	fx_run(&x);
	f = must(&x, "unread_backlog", SEV_WARNING);
	assert_maybe(ev(f, "sockets"), 1);
	assert_int_equal(f->socks[0], w0);

	/* --unread-min 2001: 2000 unread bytes are not enough */
	x.fo.unread_min = 2001;
	fx_run(&x);
	assert_null(find(&x, "unread_backlog"));
	x.fo.unread_min = 2000;
	fx_run(&x);
	f = must(&x, "unread_backlog", SEV_WARNING);
	assert_maybe(ev(f, "unread_min"), 2000);
	fx_free(&x);
}

/* rb or tb outside the current default..max range, lock unknown */
static void test_outside_autotuning(void **state)
{
	static const struct {
		uint32_t rb, tb;
		int outside;
	} cases[] = {
		{ RMEM_DEF, WMEM_DEF, 0 },     { RMEM_MAX, WMEM_MAX, 0 },
		{ RMEM_DEF - 1, WMEM_DEF, 1 }, { RMEM_MAX + 1, WMEM_DEF, 1 },
		{ RMEM_DEF, WMEM_DEF - 1, 1 }, { RMEM_DEF, WMEM_MAX + 1, 1 },
		{ 4608, 4608, 1 },
	};
	static const uint8_t minisocks[] = { SOCK_TCP_TIME_WAIT, SOCK_TCP_NEW_SYN_RECV };
	struct fx x;
	uint32_t s;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct finding *f;

		fx_init(&x);
		s = fx_sock(&x, 512, 0, 3584);
		S(&x, s)->skmem[SKM_RB] = cases[i].rb;
		S(&x, s)->skmem[SKM_TB] = cases[i].tb;
		fx_run(&x);
		/* without a window scale nothing is known to be locked */
		assert_null(find(&x, "locked_buffers"));
		f = find(&x, "outside_autotuning");
		if (!cases[i].outside) {
			if (f)
				fail_msg("rb %u tb %u counted as outside", cases[i].rb, cases[i].tb);
			fx_free(&x);
			continue;
		}
		if (!f)
			fail_msg("rb %u tb %u not counted as outside", cases[i].rb, cases[i].tb);
		assert_int_equal(f->sev, SEV_INFO);
		check_sock_ev(f, 1, 4096, 512, 0, 1);
		assert_maybe(ev(f, "tcp_rmem_default"), RMEM_DEF);
		assert_maybe(ev(f, "tcp_rmem_max"), RMEM_MAX);
		assert_maybe(ev(f, "tcp_wmem_default"), WMEM_DEF);
		assert_maybe(ev(f, "tcp_wmem_max"), WMEM_MAX);
		fx_free(&x);
	}

	/* TIME-WAIT and NEW_SYN_RECV carry no buffers of their own */
	fx_init(&x);
	for (size_t i = 0; i < sizeof(minisocks) / sizeof(minisocks[0]); i++) {
		s = fx_sock(&x, 0, 0, 0);
		S(&x, s)->state = minisocks[i];
		S(&x, s)->skmem[SKM_RB] = 1;
	}
	fx_run(&x);
	assert_null(find(&x, "outside_autotuning"));
	fx_free(&x);

	/* rb outside but known locked: locked_buffers, not outside_autotuning;
	 * a tb outside the range still is */
	fx_init(&x);
	x.r.sys.sysctl.rmem_max = maybe_of(4194304);
	s = fx_sock(&x, 0, 0, 0);
	S(&x, s)->skmem[SKM_RB] = 4608;
	set_ti(S(&x, s), TI_RCV_WSCALE, 0);
	fx_run(&x);
	must(&x, "locked_buffers", SEV_INFO);
	assert_null(find(&x, "outside_autotuning"));
	S(&x, s)->skmem[SKM_TB] = WMEM_DEF - 1;
	fx_run(&x);
	must(&x, "locked_buffers", SEV_INFO);
	must(&x, "outside_autotuning", SEV_INFO);
	fx_free(&x);
}

/* SO_RCVBUF before the handshake caps rcv_wscale below ilog2(rmem_max) - 15 */
static void test_locked_buffers(void **state)
{
	static const struct {
		int64_t rmem_max; /* -1: absent */
		int wscale;	  /* -1: absent (no window scaling) */
		int locked;
		int64_t floor;
	} cases[] = {
		{ 4194304, 6, 1, 7 },	{ 4194304, 7, 0, 7 },	{ 4194304, 0, 1, 7 },
		{ 4194303, 6, 0, 6 },	{ 4194304, -1, 0, 7 },	{ -1, 0, 0, -1 },
		{ 65536, 0, 1, 1 },	{ 65535, 0, 0, 0 },	{ 32768, 0, 0, 0 },
		{ INT64_C(1) << 40, 13, 1, 14 }, { INT64_C(1) << 40, 14, 0, 14 },
	};
	struct fx x;
	uint32_t s;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct finding *f;

		fx_init(&x);
		if (cases[i].rmem_max >= 0)
			x.r.sys.sysctl.rmem_max = maybe_of(cases[i].rmem_max);
		s = fx_sock(&x, 512, 0, 3584);
		if (cases[i].wscale >= 0)
			set_ti(S(&x, s), TI_RCV_WSCALE, (uint64_t)cases[i].wscale);
		fx_run(&x);
		f = find(&x, "locked_buffers");
		if (!cases[i].locked) {
			if (f)
				fail_msg("case %zu counted as locked", i);
			fx_free(&x);
			continue;
		}
		if (!f)
			fail_msg("case %zu not counted as locked", i);
		assert_int_equal(f->sev, SEV_INFO);
		check_sock_ev(f, 1, 4096, 512, 0, 1);
		assert_maybe(ev(f, "rmem_max"), cases[i].rmem_max);
		assert_maybe(ev(f, "rcv_wscale_floor"), cases[i].floor);
		/* inside the autotuning range: locked all the same, nothing else */
		assert_int_equal(x.n, 1);
		fx_free(&x);
	}

	/* minisockets never; a listener has no window scale */
	fx_init(&x);
	x.r.sys.sysctl.rmem_max = maybe_of(4194304);
	s = fx_sock(&x, 0, 0, 0);
	S(&x, s)->state = SOCK_TCP_TIME_WAIT;
	set_ti(S(&x, s), TI_RCV_WSCALE, 0);
	fx_run(&x);
	assert_null(find(&x, "locked_buffers"));
	fx_free(&x);
}

/* ---- the growing receive buffer ---- */

/* A receiver holding rq unread bytes in r of truesize, rb raised to rb. */
static uint32_t grow_sock(struct fx *x, uint32_t rq, uint32_t r, uint32_t rb)
{
	uint32_t s = fx_sock(x, r, 0, 1000);

	S(x, s)->rqueue = rq;
	S(x, s)->skmem[SKM_RB] = rb;
	set_ti(S(x, s), TI_RCV_WND, 65536);
	set_ti(S(x, s), TI_RCV_MSS, 536);
	set_ti(S(x, s), TI_RCV_WSCALE, 7);
	return s;
}

static void test_growing_rcvbuf(void **state)
{
	/* edges: payload exactly a quarter of r, r exactly a quarter of rb,
	 * rb one byte above the default */
	static const struct {
		uint32_t rq, r, rb;
		int fires;
	} cases[] = {
		{ 10000, 40000, 160000, 1 },	    { 10001, 40000, 160000, 0 },
		{ 10000, 40000, 160001, 0 },	    { 1, 40000, RMEM_DEF + 1, 1 },
		{ 1, 40000, RMEM_DEF, 0 },	    { 0, 40000, 160000, 0 },
		{ 118656, 8388608, 8388608, 1 },   { 500000, 900000, 900000, 0 },
	};
	struct fx x;
	const struct finding *f;
	uint32_t s;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fx_init(&x);
		x.r.sys.sysctl.rmem_max = maybe_of(4194304);
		s = grow_sock(&x, cases[i].rq, cases[i].r, cases[i].rb);
		fx_hold(&x, s, fx_proc(&x, 42, "app"), 3);
		fx_run(&x);
		f = find(&x, "growing_rcvbuf");
		if (!cases[i].fires) {
			if (f)
				fail_msg("case %zu fired", i);
			fx_free(&x);
			continue;
		}
		if (!f)
			fail_msg("case %zu did not fire", i);
		assert_int_equal(f->sev, SEV_WARNING);
		check_sock_ev(f, 1, cases[i].r + 1000, cases[i].r, 0, 0);
		assert_maybe(ev(f, "recv_q"), cases[i].rq);
		assert_int_equal(ev_kind_of(f, "recv_q"), EV_BYTES);
		assert_maybe(ev(f, "tcp_rmem_default"), RMEM_DEF);
		assert_maybe(ev(f, "tcp_rmem_max"), RMEM_MAX);
		assert_false(ev(f, "tcp_shrink_window").has); /* kernel before 6.5 */
		assert_maybe(ev(f, "unread_max_pct"), 25);
		assert_maybe(ev(f, "fill_min_pct"), 25);
		assert_int_equal(f->nsocks, 1);
		assert_int_equal(f->socks[0], s);
		assert_non_null(strstr(f->explanation, "tcp_clamp_window()"));
		assert_non_null(strstr(f->explanation, "tcp_shrink_window=1"));
		fx_free(&x);
	}

	/* not a connection, or the default unknown: quiet */
	fx_init(&x);
	s = grow_sock(&x, 1000, 40000, 160000);
	S(&x, s)->state = SOCK_TCP_LISTEN;
	fx_run(&x);
	assert_null(find(&x, "growing_rcvbuf"));
	S(&x, s)->state = SOCK_TCP_ESTABLISHED;
	x.r.sys.sysctl.tcp_rmem[1] = maybe_none();
	fx_run(&x);
	assert_null(find(&x, "growing_rcvbuf"));
	fx_free(&x);
}

static void test_growing_rcvbuf_shrink_window(void **state)
{
	struct fx x;
	const struct finding *f;
	uint32_t s;

	(void)state;
	fx_init(&x);
	x.r.sys.sysctl.rmem_max = maybe_of(4194304);
	s = grow_sock(&x, 1000, 40000, 160000);
	/* present and 0: the warning, with the value */
	x.r.sys.sysctl.tcp_shrink_window = maybe_of(0);
	fx_run(&x);
	f = must(&x, "growing_rcvbuf", SEV_WARNING);
	assert_maybe(ev(f, "tcp_shrink_window"), 0);
	/* 1 with a window scale: the fix is on; info, even with rb at the
	 * default (the window closed before rb grew) */
	x.r.sys.sysctl.tcp_shrink_window = maybe_of(1);
	fx_run(&x);
	f = must(&x, "growing_rcvbuf", SEV_INFO);
	assert_maybe(ev(f, "tcp_shrink_window"), 1);
	assert_non_null(strstr(f->explanation, "the fix for a growing receive buffer is on"));
	S(&x, s)->skmem[SKM_RB] = RMEM_DEF;
	S(&x, s)->skmem[SKM_R] = RMEM_DEF - 2000;
	fx_run(&x);
	must(&x, "growing_rcvbuf", SEV_INFO);
	/* 1 with rcv_wscale 0: tcp_select_window() cannot shrink (rmem_max
	 * unknown, so that scale does not show a lock either) */
	x.r.sys.sysctl.rmem_max = maybe_none();
	S(&x, s)->skmem[SKM_RB] = 160000;
	S(&x, s)->skmem[SKM_R] = 40000;
	set_ti(S(&x, s), TI_RCV_WSCALE, 0);
	fx_run(&x);
	must(&x, "growing_rcvbuf", SEV_WARNING);
	S(&x, s)->ti_mask &= (uint16_t)~(1u << TI_RCV_WSCALE);
	fx_run(&x);
	must(&x, "growing_rcvbuf", SEV_WARNING);
	/* a warning socket and a fixed one: one finding, the warning */
	set_ti(S(&x, s), TI_RCV_WSCALE, 0);
	(void)grow_sock(&x, 1000, 40000, 160000);
	fx_run(&x);
	f = must(&x, "growing_rcvbuf", SEV_WARNING);
	assert_maybe(ev(f, "sockets"), 1);
	/* known SO_RCVBUF lock: rb cannot grow, not this finding */
	x.r.sys.sysctl.rmem_max = maybe_of(4194304);
	x.r.sys.sysctl.tcp_shrink_window = maybe_of(0);
	set_ti(S(&x, s), TI_RCV_WSCALE, 1);
	set_ti(S(&x, 1), TI_RCV_WSCALE, 1);
	fx_run(&x);
	assert_null(find(&x, "growing_rcvbuf"));
	must(&x, "locked_buffers", SEV_INFO);
	fx_free(&x);
}

/* The explanations say what the kernel does, naming its functions, and no
 * longer call TCPWantZeroWindowAdv a zero window sent. */
static void test_explanations_kernel(void **state)
{
	struct fx x;
	const struct finding *f;
	uint32_t s;

	(void)state;
	fx_init(&x);
	x.r.sys.tcpext[TX_WANT_ZERO_WINDOW_ADV] = maybe_of(3252);
	s = fx_sock(&x, 8193, 0, 4095);
	S(&x, s)->skmem[SKM_RB] = 8192;
	(void)unread_sock(&x, 1000, 0);
	fx_run(&x);
	f = must(&x, "drops_and_collapse", SEV_INFO);
	assert_non_null(strstr(f->explanation, "TCPWantZeroWindowAdv: tcp_select_window() computed "
					       "a zero window but kept the window already offered"));
	assert_null(strstr(f->explanation, "had to advertise a zero window"));
	f = must(&x, "rcv_over_budget", SEV_INFO);
	assert_non_null(strstr(f->explanation, "tcp_clamp_window() raises rb to r"));
	assert_null(strstr(f->explanation, "The next segment that arrives makes the kernel prune"));
	f = must(&x, "unread_backlog", SEV_WARNING);
	assert_null(strstr(f->explanation, "TCPWantZeroWindowAdv"));
	assert_non_null(strstr(f->explanation, "tcp_select_window()"));
	for (int i = 0; i < x.n; i++)
		assert_non_null(strstr(x.f[i].explanation, "()"));
	fx_free(&x);
}

static void test_no_skmem_no_rules(void **state)
{
	struct fx x;
	uint32_t s;

	(void)state;
	fx_init(&x);
	/* kernel without SKMEMINFO for this record, or a short one (< w) */
	s = fx_sock(&x, 999999, 0, 0);
	S(&x, s)->skmem[SKM_RB] = 1;
	S(&x, s)->skmem_n = 0;
	s = fx_sock(&x, 999999, 0, 0);
	S(&x, s)->skmem[SKM_RB] = 1;
	S(&x, s)->skmem_n = SKM_W; /* w absent */
	S(&x, s)->rqueue = 1000;
	set_ti(S(&x, s), TI_RCV_WND, 0);
	set_ti(S(&x, s), TI_RCV_MSS, MSS);
	fx_run(&x);
	assert_int_equal(x.n, 0);
	fx_free(&x);
}

/* ---- drops and collapses ---- */

static void test_drops_and_collapse(void **state)
{
	static const enum tcpext listed[] = {
		TX_PRUNE_CALLED, TX_RCV_PRUNED, TX_OFO_PRUNED, TX_RCV_COLLAPSED, TX_RCVQ_DROP,
		TX_ABORT_ON_MEMORY, TX_WANT_ZERO_WINDOW_ADV, TX_ZERO_WINDOW_DROP,
	};
	struct fx x;
	const struct finding *f;

	(void)state;
	fx_init(&x);
	fx_run(&x);
	assert_null(find(&x, "drops_and_collapse"));
	for (size_t i = 0; i < sizeof(listed) / sizeof(listed[0]); i++) {
		for (int k = 0; k < TX_N; k++)
			x.r.sys.tcpext[k] = maybe_of(0);
		x.r.sys.tcpext[listed[i]] = maybe_of(7 + (int64_t)i);
		fx_run(&x);
		f = find(&x, "drops_and_collapse");
		if (!f)
			fail_msg("%s = %zu did not fire", procfs_tcpext_names[listed[i]], 7 + i);
		assert_int_equal(f->sev, SEV_INFO);
		assert_maybe(ev(f, procfs_tcpext_names[listed[i]]), 7 + i);
		assert_non_null(strstr(f->summary, "1 of the kernel's"));
		for (size_t j = 0; j < sizeof(listed) / sizeof(listed[0]); j++)
			if (j != i)
				assert_maybe(ev(f, procfs_tcpext_names[listed[j]]), 0);
	}
	/* counters the rule does not list, and absent counters, do not fire */
	for (int k = 0; k < TX_N; k++)
		x.r.sys.tcpext[k] = maybe_none();
	x.r.sys.tcpext[TX_BACKLOG_DROP] = maybe_of(5);
	x.r.sys.tcpext[TX_OFO_DROP] = maybe_of(5);
	x.r.sys.tcpext[TX_MEMORY_PRESSURES] = maybe_of(5);
	fx_run(&x);
	assert_null(find(&x, "drops_and_collapse"));
	/* several at once */
	x.r.sys.tcpext[TX_RCV_PRUNED] = maybe_of(1);
	x.r.sys.tcpext[TX_OFO_PRUNED] = maybe_of(2);
	x.r.sys.tcpext[TX_RCVQ_DROP] = maybe_of(3);
	fx_run(&x);
	f = must(&x, "drops_and_collapse", SEV_INFO);
	assert_non_null(strstr(f->summary, "3 of the kernel's"));
	assert_absent(ev(f, "PruneCalled"));
	fx_free(&x);
}

/* ---- reconciliation ---- */

static void test_reconcile_gap(void **state)
{
	struct fx x;
	const struct finding *f;
	uint32_t s;

	(void)state;
	fx_init(&x);
	x.r.sys.sysctl.tcp_mem[0] = maybe_of(100000); /* keep tcp_mem quiet */
	x.r.sys.sysctl.tcp_mem[1] = maybe_of(200000);
	x.r.sys.sysctl.tcp_mem[2] = maybe_of(300000);
	s = fx_sock(&x, 105728, 0, 768); /* 26 pages */
	(void)s;
	/* tolerance 2 x 256 = 512: 26 + 512 is still within */
	x.r.sys.sockstat.mem_pages = maybe_of(26 + 512);
	fx_run(&x);
	assert_null(find(&x, "reconcile_gap"));
	x.r.sys.sockstat.mem_pages = maybe_of(26 + 513);
	fx_run(&x);
	f = must(&x, "reconcile_gap", SEV_WARNING);
	assert_maybe(ev(f, "sockets_pages"), 26);
	assert_maybe(ev(f, "sockstat_pages"), 539);
	assert_maybe(ev(f, "gap_pages"), 513);
	assert_maybe(ev(f, "tolerance_pages"), 512);
	assert_non_null(strstr(f->summary, "+513 pages"));
	/* negative gap: more in the sockets than sockstat counts */
	s = fx_sock(&x, 4096 * 1000, 0, 0);
	x.r.sys.sockstat.mem_pages = maybe_of(26 + 1000 - 513);
	fx_run(&x);
	f = must(&x, "reconcile_gap", SEV_WARNING);
	assert_maybe(ev(f, "gap_pages"), -513);
	x.r.sys.sockstat.mem_pages = maybe_of(26 + 1000 - 512);
	fx_run(&x);
	assert_null(find(&x, "reconcile_gap"));

	/* a filtered dump cannot be reconciled */
	x.r.sys.sockstat.mem_pages = maybe_of(100000);
	x.v.partial = true;
	fx_run(&x);
	assert_null(find(&x, "reconcile_gap"));
	x.v.partial = false;
	fx_run(&x);
	must(&x, "reconcile_gap", SEV_WARNING);
	/* no mem_pcpu_rsv (kernel < 6.0 or container): no tolerance, no verdict */
	x.r.sys.sysctl.mem_pcpu_rsv = maybe_none();
	fx_run(&x);
	assert_null(find(&x, "reconcile_gap"));
	fx_free(&x);
}

/* ---- offenders: top processes and top sockets ---- */

/* A positive gap beyond the tolerance is reconcile_other_netns (info), not
 * reconcile_gap, whenever namespaces that were not dumped can hold it. */
static void test_reconcile_other_netns(void **state)
{
	struct fx x;
	const struct finding *f;

	(void)state;
	fx_init(&x);
	x.r.sys.sysctl.tcp_mem[0] = maybe_of(100000); /* keep tcp_mem quiet */
	x.r.sys.sysctl.tcp_mem[1] = maybe_of(200000);
	x.r.sys.sysctl.tcp_mem[2] = maybe_of(300000);
	fx_sock(&x, 105728, 0, 768);			  /* 26 pages */
	x.r.sys.sockstat.mem_pages = maybe_of(26 + 1000); /* tolerance 512 */
	x.r.cov.other_netns = maybe_of(3);
	fx_run(&x);
	assert_null(find(&x, "reconcile_gap"));
	f = must(&x, "reconcile_other_netns", SEV_INFO);
	assert_maybe(ev(f, "other_netns"), 3);
	assert_maybe(ev(f, "unreadable_pids"), 0);
	assert_maybe(ev(f, "initial_netns"), 1);
	assert_maybe(ev(f, "gap_pages"), 1000);
	assert_maybe(ev(f, "tolerance_pages"), 512);
	assert_maybe(ev(f, "sockets_pages"), 26);
	assert_maybe(ev(f, "sockstat_pages"), 1026);
	assert_non_null(strstr(f->summary, "the 3 other network namespaces"));
	assert_int_equal(findings_worst(x.f, (size_t)x.n), SEV_INFO);
	/* each reason to think other namespaces exist is enough on its own */
	x.r.cov.other_netns = maybe_of(0);
	x.r.cov.unreadable_pids = maybe_of(2);
	fx_run(&x);
	assert_null(find(&x, "reconcile_gap"));
	f = must(&x, "reconcile_other_netns", SEV_INFO);
	assert_non_null(strstr(f->summary, "could not see"));
	x.r.cov.unreadable_pids = maybe_none();
	fx_run(&x);
	must(&x, "reconcile_other_netns", SEV_INFO);
	x.r.cov.unreadable_pids = maybe_of(0);
	x.r.cov.other_netns = maybe_none();
	fx_run(&x);
	must(&x, "reconcile_other_netns", SEV_INFO);
	x.r.cov.other_netns = maybe_of(0);
	x.r.cov.initial_netns = maybe_of(0);
	fx_run(&x);
	must(&x, "reconcile_other_netns", SEV_INFO);
	x.r.cov.initial_netns = maybe_none();
	fx_run(&x);
	must(&x, "reconcile_other_netns", SEV_INFO);
	/* the initial namespace, no other found, every process readable: the
	 * gap is the dump's, a warning as before */
	x.r.cov.initial_netns = maybe_of(1);
	fx_run(&x);
	assert_null(find(&x, "reconcile_other_netns"));
	must(&x, "reconcile_gap", SEV_WARNING);
	/* every namespace dumped: other namespaces explain nothing */
	x.r.all_netns = true;
	x.r.cov.other_netns = maybe_of(3);
	fx_run(&x);
	assert_null(find(&x, "reconcile_other_netns"));
	must(&x, "reconcile_gap", SEV_WARNING);
	x.r.all_netns = false;
	/* within the tolerance: neither */
	x.r.sys.sockstat.mem_pages = maybe_of(26 + 512);
	fx_run(&x);
	assert_null(find(&x, "reconcile_other_netns"));
	assert_null(find(&x, "reconcile_gap"));
	/* a negative gap is no other namespace's memory: still reconcile_gap */
	fx_sock(&x, 4096 * 1000, 0, 0);
	x.r.sys.sockstat.mem_pages = maybe_of(26 + 1000 - 513);
	fx_run(&x);
	assert_null(find(&x, "reconcile_other_netns"));
	assert_maybe(ev(must(&x, "reconcile_gap", SEV_WARNING), "gap_pages"), -513);
	/* a partial dump is judged by neither */
	x.r.sys.sockstat.mem_pages = maybe_of(100000);
	x.v.partial = true;
	fx_run(&x);
	assert_null(find(&x, "reconcile_other_netns"));
	assert_null(find(&x, "reconcile_gap"));
	fx_free(&x);
}

static void test_top_processes_order(void **state)
{
	struct fx x;
	const struct finding *f;
	uint32_t p[7], s[10];

	(void)state;
	fx_init(&x);
	/* ten sockets over budget (r > rb); charged = r + f */
	for (int i = 0; i < 10; i++) {
		s[i] = fx_sock(&x, (uint32_t)(9000 + 1000 * i), 0, 0);
		S(&x, s[i])->skmem[SKM_RB] = 8192;
	}
	p[0] = fx_proc(&x, 10, "p10");
	p[1] = fx_proc(&x, 11, "p11");
	p[2] = fx_proc(&x, 12, "p12");
	p[3] = fx_proc(&x, 13, "p13");
	p[4] = fx_proc(&x, 14, "p14");
	p[5] = fx_proc(&x, 15, "p15");
	p[6] = fx_proc(&x, 16, "p16");
	/*
	 * s0 (9000):  p0 fd 3 and fd 4 (counted once), p1
	 * s1 (10000): p2
	 * s2 (11000): p3
	 * s3 (12000): p4
	 * s4 (13000): p5
	 * s5 (14000): p6
	 * s6 (15000): p0
	 * s7, s8, s9: no process: an orphan (inode 0, FIN-WAIT-1), a child not
	 *             yet accepted (inode 0, ESTAB), one no descriptor holds
	 * per process: p0 24000 (2 sockets), p6 14000, p5 13000, p4 12000,
	 *              p3 11000, p2 10000, p1 9000
	 */
	fx_hold(&x, s[0], p[0], 3);
	fx_hold(&x, s[0], p[0], 4);
	fx_hold(&x, s[0], p[1], 3);
	fx_hold(&x, s[1], p[2], 3);
	fx_hold(&x, s[2], p[3], 3);
	fx_hold(&x, s[3], p[4], 3);
	fx_hold(&x, s[4], p[5], 3);
	fx_hold(&x, s[5], p[6], 3);
	fx_hold(&x, s[6], p[0], 5);
	S(&x, s[7])->inode = 0;
	S(&x, s[7])->state = SOCK_TCP_FIN_WAIT1;
	S(&x, s[8])->inode = 0;
	fx_run(&x);
	f = must(&x, "rcv_over_budget", SEV_INFO);
	assert_maybe(ev(f, "sockets"), 10);
	assert_maybe(ev(f, "sockets_orphaned"), 1);
	assert_maybe(ev(f, "sockets_unaccepted"), 1);
	assert_maybe(ev(f, "sockets_no_descriptor"), 1);
	assert_maybe(ev(f, "charged_bytes"), 10 * 9000 + 1000 * 45);
	assert_int_equal(f->nprocs, FIND_TOP);
	assert_int_equal(f->procs[0].proc, p[0]);
	assert_int_equal(f->procs[0].sockets, 2);
	assert_int_equal(f->procs[0].charged_bytes, 24000);
	assert_int_equal(f->procs[1].proc, p[6]);
	assert_int_equal(f->procs[1].charged_bytes, 14000);
	assert_int_equal(f->procs[2].proc, p[5]);
	assert_int_equal(f->procs[3].proc, p[4]);
	assert_int_equal(f->procs[4].proc, p[3]);
	assert_int_equal(f->procs[4].sockets, 1);
	assert_int_equal(f->procs[4].charged_bytes, 11000);

	/* owners not scanned: inode 0 still tells orphans and unaccepted
	 * children; whether a descriptor holds the others is unknown */
	x.r.owners_scanned = false;
	fx_run(&x);
	f = must(&x, "rcv_over_budget", SEV_INFO);
	assert_maybe(ev(f, "sockets_orphaned"), 1);
	assert_maybe(ev(f, "sockets_unaccepted"), 1);
	assert_false(ev(f, "sockets_no_descriptor").has);
	assert_int_equal(f->nprocs, 0);
	fx_free(&x);
}

static void test_top_sockets_order(void **state)
{
	/* charged bytes (r + w + f), in insertion order */
	static const uint32_t r[8] = { 20000, 90000, 10000, 70000, 90001, 30000, 50000, 60000 };
	struct fx x;
	const struct finding *f;

	(void)state;
	fx_init(&x);
	for (int i = 0; i < 8; i++) {
		uint32_t s = fx_sock(&x, r[i], i == 5 ? 100000 : 0, 0);

		S(&x, s)->skmem[SKM_RB] = RMEM_MAX; /* rcvbuf_at_max for all */
	}
	fx_run(&x);
	f = must(&x, "rcvbuf_at_max", SEV_INFO);
	assert_maybe(ev(f, "sockets"), 8);
	assert_int_equal(f->nsocks, FIND_TOP);
	/* 5: 130000, 4: 90001, 1: 90000, 3: 70000, 7: 60000 */
	assert_int_equal(f->socks[0], 5);
	assert_int_equal(f->socks[1], 4);
	assert_int_equal(f->socks[2], 1);
	assert_int_equal(f->socks[3], 3);
	assert_int_equal(f->socks[4], 7);
	for (size_t i = 1; i < f->nsocks; i++)
		assert_true(sock_charged_bytes(S(&x, f->socks[i - 1])) >=
			    sock_charged_bytes(S(&x, f->socks[i])));
	fx_free(&x);
}

/* Sockets that tie keep the smallest cookies, in cookie order, whatever
 * order they came in: dumps that run at once interleave their records. */
static void test_top_sockets_ties(void **state)
{
	struct fx x;
	const struct finding *f;

	(void)state;
	fx_init(&x);
	for (int i = 0; i < 7; i++) {
		uint32_t s = fx_sock(&x, 40000, 0, 0);

		S(&x, s)->skmem[SKM_RB] = RMEM_MAX;
		S(&x, s)->cookie = 0x70 - (uint64_t)i; /* last in, smallest cookie */
	}
	fx_run(&x);
	f = must(&x, "rcvbuf_at_max", SEV_INFO);
	assert_int_equal(f->nsocks, FIND_TOP);
	for (size_t i = 0; i < FIND_TOP; i++)
		assert_int_equal(f->socks[i], 6 - i);
	fx_free(&x);
}

/* ---- severity helpers ---- */

static void test_worst_and_names(void **state)
{
	struct finding f[3];

	(void)state;
	memset(f, 0, sizeof(f));
	assert_int_equal(findings_worst(f, 0), -1);
	assert_int_equal(findings_worst(NULL, 0), -1);
	f[0].sev = SEV_INFO;
	f[1].sev = SEV_WARNING;
	f[2].sev = SEV_INFO;
	assert_int_equal(findings_worst(f, 1), SEV_INFO);
	assert_int_equal(findings_worst(f, 3), SEV_WARNING);
	f[2].sev = SEV_CRITICAL;
	assert_int_equal(findings_worst(f, 3), SEV_CRITICAL);
	f[0].sev = SEV_CRITICAL;
	f[2].sev = SEV_INFO;
	assert_int_equal(findings_worst(f, 3), SEV_CRITICAL);
	assert_string_equal(findings_sev_name(SEV_INFO), "info");
	assert_string_equal(findings_sev_name(SEV_WARNING), "warning");
	assert_string_equal(findings_sev_name(SEV_CRITICAL), "critical");
}

static void test_combined_world(void **state)
{
	struct fx x;

	(void)state;
	fx_init(&x);
	x.r.sys.sockstat.orphan = maybe_of(300);
	x.r.sys.tcpext[TX_RCV_COLLAPSED] = maybe_of(1);
	(void)unread_sock(&x, 1000, 0);
	run_mem(&x, MEM_PRESSURE + 1, 0);
	must(&x, "tcp_mem_pressure", SEV_WARNING);
	must(&x, "orphans", SEV_WARNING);
	must(&x, "unread_backlog", SEV_WARNING);
	must(&x, "drops_and_collapse", SEV_INFO);
	assert_int_equal(x.n, 4);
	assert_int_equal(findings_worst(x.f, (size_t)x.n), SEV_WARNING);
	x.r.sys.sockstat.orphan = maybe_of(1001);
	fx_run(&x);
	assert_int_equal(findings_worst(x.f, (size_t)x.n), SEV_CRITICAL);
	fx_free(&x);
}

/* ---- fixture trees read through the proc root ---- */

static void fx_load(struct fx *x, const char *root)
{
	struct procfs p;
	const char *where = NULL;

	fx_init(x);
	assert_int_equal(procfs_open(&p, root), 0);
	assert_int_equal(procfs_read_sysinfo(&p, &x->r.sys, &where), 0);
	procfs_close(&p);
}

/* ---- UDP ---- */

#define CORE_RMEM_MAX 4194304

/* An unconnected UDP socket: rb/tb at rmem_default, as udp sockets start. */
static uint32_t fx_udp(struct fx *x, uint32_t r, uint32_t rb, uint32_t d)
{
	uint32_t i = fx_sock(x, r, 0, 1024);

	S(x, i)->protocol = SOCK_PROTO_UDP;
	S(x, i)->state = SOCK_TCP_CLOSE;
	S(x, i)->skmem[SKM_RB] = rb;
	S(x, i)->skmem[SKM_TB] = 212992;
	S(x, i)->skmem[SKM_D] = d;
	S(x, i)->rqueue = r;
	return i;
}

static void test_udp_rcvbuf_capped(void **state)
{
	struct fx x;
	const struct finding *f;
	uint32_t a, b;

	(void)state;
	fx_init(&x);
	x.r.sys.sysctl.rmem_max = maybe_of(CORE_RMEM_MAX);
	a = fx_udp(&x, 0, 2 * CORE_RMEM_MAX, 0);
	b = fx_udp(&x, 0, 2 * CORE_RMEM_MAX - 2, 0); /* asked a little less */
	fx_hold(&x, a, fx_proc(&x, 443, "caddy"), 7);
	fx_hold(&x, b, fx_proc(&x, 53, "unbound"), 3);
	/* a TCP socket with the same rb is no UDP request */
	S(&x, fx_sock(&x, 0, 0, 0))->skmem[SKM_RB] = 2 * CORE_RMEM_MAX;
	fx_run(&x);
	f = must(&x, "udp_rcvbuf_capped", SEV_WARNING);
	assert_maybe(ev(f, "sockets"), 1);
	assert_maybe(ev(f, "rmem_max"), CORE_RMEM_MAX);
	assert_int_equal(f->nsocks, 1);
	assert_int_equal(f->socks[0], a);
	assert_int_equal(f->nprocs, 1);
	assert_int_equal(x.procs[f->procs[0].proc].pid, 443);
	/* UDP sockets are not judged by the TCP rules (rb above tcp_rmem max) */
	f = find(&x, "rcvbuf_at_max");
	assert_non_null(f);
	assert_maybe(ev(f, "sockets"), 1);
	x.r.sys.sysctl.rmem_max = maybe_none(); /* unknown: not evaluated */
	fx_run(&x);
	assert_null(find(&x, "udp_rcvbuf_capped"));
	fx_free(&x);
}

static void test_udp_drops(void **state)
{
	struct fx x;
	const struct finding *f;
	uint32_t a, b;

	(void)state;
	fx_init(&x);
	x.r.sys.udp[UC_RCVBUF_ERRORS] = maybe_of(300);
	x.r.sys.udp6[UC_RCVBUF_ERRORS] = maybe_of(8);
	x.r.sys.udp[UC_MEM_ERRORS] = maybe_of(0);
	fx_udp(&x, 0, 212992, 0);		 /* no drops */
	a = fx_udp(&x, 4608, 212992, 8);	 /* room now */
	b = fx_udp(&x, 211968, 212992, 300); /* full: the reader is slow */
	fx_run(&x);
	f = must(&x, "udp_drops", SEV_WARNING);
	assert_maybe(ev(f, "sockets"), 2);
	assert_maybe(ev(f, "drops"), 308);
	assert_maybe(ev(f, "sockets_queue_full"), 1);
	assert_maybe(ev(f, "RcvbufErrors"), 308); /* Udp + Udp6 */
	assert_maybe(ev(f, "MemErrors"), 0);	  /* Udp6 absent: Udp's alone */
	assert_maybe(ev(f, "udp_mem_pressure"), 0);
	assert_maybe(ev(f, "recv_q"), 4608 + 211968);
	/* ranked by drops, not by charge */
	assert_int_equal(f->nsocks, 2);
	assert_int_equal(f->socks[0], b);
	assert_int_equal(f->socks[1], a);
	assert_non_null(strstr(f->summary, "308 drops: queues full"));
	assert_null(find(&x, "udp_mem_pressure"));
	fx_free(&x);
}

static void test_udp_mem(void **state)
{
	struct fx x;
	const struct finding *f;

	(void)state;
	fx_init(&x);
	x.r.sys.sysctl.udp_mem[0] = maybe_of(1000);
	x.r.sys.sysctl.udp_mem[1] = maybe_of(2000);
	x.r.sys.sysctl.udp_mem[2] = maybe_of(3000);
	x.r.sys.sockstat.udp_mem_pages = maybe_of(2000); /* at pressure: not above */
	fx_run(&x);
	assert_null(find(&x, "udp_mem_pressure"));
	x.r.sys.sockstat.udp_mem_pages = maybe_of(2001);
	fx_run(&x);
	f = must(&x, "udp_mem_pressure", SEV_WARNING);
	assert_maybe(ev(f, "udp_mem_pages"), 2001);
	assert_maybe(ev(f, "udp_mem_pressure_pages"), 2000);
	assert_absent(ev(f, "MemErrors"));
	assert_null(find(&x, "udp_mem_high"));
	x.r.sys.sockstat.udp_mem_pages = maybe_of(3001);
	fx_run(&x);
	must(&x, "udp_mem_high", SEV_CRITICAL);
	assert_null(find(&x, "udp_mem_pressure")); /* the higher one only */
	/* a child namespace: no udp_mem, no verdict */
	x.r.sys.sysctl.udp_mem[1] = x.r.sys.sysctl.udp_mem[2] = maybe_none();
	fx_run(&x);
	assert_int_equal(count_prefix(&x, "udp_mem"), 0);
	fx_free(&x);
}

static void test_fixture_pressure(void **state)
{
	struct fx x;
	const struct finding *f;

	(void)state;
	fx_load(&x, FIX_CHECK_PRESSURE);
	fx_run(&x);
	f = must(&x, "tcp_mem_pressure", SEV_WARNING);
	assert_maybe(ev(f, "mem_pages"), 2500);
	assert_maybe(ev(f, "low_pages"), 1000);
	assert_maybe(ev(f, "pressure_pages"), 2000);
	assert_maybe(ev(f, "high_pages"), 3000);
	assert_maybe(ev(f, "pressure"), 1);
	assert_maybe(ev(f, "TCPMemoryPressures"), 4);
	assert_maybe(ev(f, "TCPMemoryPressuresChrono"), 5812);
	assert_maybe(ev(f, "TCPAbortOnMemory"), 0);
	assert_non_null(strstr(f->summary, "2500 pages (10240000 bytes)"));
	f = must(&x, "drops_and_collapse", SEV_INFO);
	assert_non_null(strstr(f->summary, "4 of the kernel's"));
	assert_maybe(ev(f, "PruneCalled"), 11);
	assert_maybe(ev(f, "OfoPruned"), 3);
	assert_maybe(ev(f, "TCPRcvCollapsed"), 17);
	assert_maybe(ev(f, "TCPWantZeroWindowAdv"), 9);
	/* no sockets in the table: the whole 2500 pages are a gap */
	f = must(&x, "reconcile_gap", SEV_WARNING);
	assert_maybe(ev(f, "gap_pages"), 2500);
	assert_maybe(ev(f, "tolerance_pages"), 512);
	assert_null(find(&x, "orphans"));
	assert_int_equal(x.n, 3);
	assert_int_equal(findings_worst(x.f, (size_t)x.n), SEV_WARNING);
	fx_free(&x);
}

static void test_fixture_orphans(void **state)
{
	struct fx x;
	const struct finding *f;

	(void)state;
	fx_load(&x, FIX_CHECK_ORPHANS);
	fx_run(&x);
	f = must(&x, "orphans", SEV_WARNING);
	assert_maybe(ev(f, "orphans"), 301);
	assert_maybe(ev(f, "tcp_max_orphans"), 1000);
	assert_maybe(ev(f, "TCPAbortOnMemory"), 42);
	assert_non_null(strstr(f->summary, "shift 2"));
	must(&x, "drops_and_collapse", SEV_INFO);
	assert_int_equal(count_prefix(&x, "tcp_mem_"), 0);
	assert_null(find(&x, "reconcile_gap"));
	assert_int_equal(x.n, 2);
	fx_free(&x);
}

static void test_fixture_container(void **state)
{
	struct fx x;
	const struct finding *f;

	(void)state;
	fx_load(&x, FIX_CONTAINER);
	assert_absent(x.r.sys.sysctl.tcp_mem[0]);
	fx_run(&x);
	f = must(&x, "tcp_mem_unavailable", SEV_INFO);
	assert_maybe(ev(f, "mem_pages"), 1005);
	/* the fixture's /proc/net/protocols says press yes */
	f = must(&x, "tcp_mem_pressure", SEV_WARNING);
	assert_maybe(ev(f, "pressure"), 1);
	assert_int_equal(count_prefix(&x, "tcp_mem_"), 2);
	assert_null(find(&x, "orphans"));
	fx_free(&x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tcp_mem_low),
		cmocka_unit_test(test_tcp_mem_pressure),
		cmocka_unit_test(test_tcp_mem_pressure_flag_sticky),
		cmocka_unit_test(test_tcp_mem_high),
		cmocka_unit_test(test_tcp_mem_unavailable),
		cmocka_unit_test(test_tcp_mem_usage_absent),
		cmocka_unit_test(test_orphans_shifts),
		cmocka_unit_test(test_orphans_odd_limit_and_absent),
		cmocka_unit_test(test_rcvbuf_at_max),
		cmocka_unit_test(test_rcvbuf_at_max_per_netns_sysctl),
		cmocka_unit_test(test_evidence_uses_socket_netns_sysctl),
		cmocka_unit_test(test_rcv_over_budget),
		cmocka_unit_test(test_rules_see_kept_sockets),
		cmocka_unit_test(test_sndbuf_at_max),
		cmocka_unit_test(test_unread_backlog_default),
		cmocka_unit_test(test_unread_backlog_options),
		cmocka_unit_test(test_outside_autotuning),
		cmocka_unit_test(test_locked_buffers),
		cmocka_unit_test(test_growing_rcvbuf),
		cmocka_unit_test(test_growing_rcvbuf_shrink_window),
		cmocka_unit_test(test_explanations_kernel),
		cmocka_unit_test(test_no_skmem_no_rules),
		cmocka_unit_test(test_drops_and_collapse),
		cmocka_unit_test(test_reconcile_gap),
		cmocka_unit_test(test_reconcile_other_netns),
		cmocka_unit_test(test_top_processes_order),
		cmocka_unit_test(test_top_sockets_order),
		cmocka_unit_test(test_top_sockets_ties),
		cmocka_unit_test(test_worst_and_names),
		cmocka_unit_test(test_combined_world),
		cmocka_unit_test(test_fixture_pressure),
		cmocka_unit_test(test_fixture_orphans),
		cmocka_unit_test(test_fixture_container),
		cmocka_unit_test(test_udp_rcvbuf_capped),
		cmocka_unit_test(test_udp_drops),
		cmocka_unit_test(test_udp_mem),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
