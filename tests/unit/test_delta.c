// SPDX-License-Identifier: GPL-2.0-or-later
/* test_delta.c - the comparison of two samples: counter deltas and rates,
 * counter resets, sockets that came and went, pid reuse, movers, sysctl
 * changes, findings that appeared or cleared. */
#include "testutil.h"

#include <errno.h>

#include "model/delta.h"

#define PAGE 4096u

/* One hand-built sample: sockets, processes (each socket held by at most
 * one), groups from agg_by_process, sysinfo. */
struct sample {
	struct sock_table t;
	struct owners o;
	struct proc_ent procs[4];
	struct owner_link links[8];
	struct sysinfo sys;
	struct netns_ent ns[1];
	struct group *g;
	size_t ng;
	struct finding f[2];
	size_t nf;
	struct delta_side side;
};

/* Adds socket cookie with r bytes and rb, held by process index proc (-1: none). */
static void add(struct sample *s, uint64_t cookie, uint32_t r, uint32_t rb, int proc)
{
	struct sock_rec rec = tu_sock(cookie, (uint32_t)cookie, r, 0, 0);

	rec.skmem[SKM_RB] = rb;
	rec.skmem[SKM_TB] = 16384;
	if (proc >= 0) {
		rec.own_first = (uint32_t)s->o.nlinks;
		rec.own_n = 1;
		s->links[s->o.nlinks++] = (struct owner_link){ (uint32_t)s->t.n, (uint32_t)proc, 3 };
	}
	assert_int_equal(sock_table_add(&s->t, &rec), 1);
}

static void proc(struct sample *s, int32_t pid, int64_t start, const char *comm)
{
	struct proc_ent *p = &s->procs[s->o.nprocs++];

	p->pid = pid;
	p->start_time = maybe_of(start);
	snprintf(p->comm, sizeof(p->comm), "%s", comm);
}

static void init(struct sample *s, int64_t t_ms)
{
	memset(s, 0, sizeof(*s));
	s->o.procs = s->procs;
	s->o.links = s->links;
	s->o.walked = true;
	for (int i = 0; i < TX_N; i++)
		s->sys.tcpext[i] = maybe_of(1000);
	s->sys.sockstat.mem_pages = maybe_of(100);
	s->sys.proto.pressure = maybe_of(0);
	for (int i = 0; i < 3; i++) {
		s->sys.sysctl.tcp_rmem[i] = maybe_of(i == 0 ? 4096 : i == 1 ? 131072 : 6291456);
		s->sys.sysctl.tcp_wmem[i] = maybe_of(i == 0 ? 4096 : i == 1 ? 16384 : 4194304);
	}
	s->ns[0].ino = 4026531840;
	s->ns[0].sysctl = s->sys.sysctl;
	s->side.t_ms = t_ms;
}

/* Derives groups (by process) and fills the side. */
static void finish(struct sample *s)
{
	assert_int_equal(agg_by_process(&s->t, NULL, &s->o, PAGE, &s->g, &s->ng), 0);
	s->side = (struct delta_side){ .sys = &s->sys,
				       .netns = s->ns,
				       .nnetns = 1,
				       .page_size = PAGE,
				       .socks = &s->t,
				       .owners = &s->o,
				       .owners_scanned = true,
				       .by = BY_PROCESS,
				       .groups = s->g,
				       .ngroups = s->ng,
				       .findings = s->f,
				       .nfindings = s->nf,
				       .t_ms = s->side.t_ms };
}

static void done(struct sample *s)
{
	free(s->g);
	sock_table_free(&s->t);
}

/* The delta group of process pid with start time start, or NULL. */
static const struct delta_group *group_of(const struct delta *d, int32_t pid, int64_t start)
{
	for (size_t i = 0; i < d->ngroups; i++)
		if (d->groups[i].key.kind == DG_PROCESS && d->groups[i].key.pid == pid &&
		    d->groups[i].key.start.v == start)
			return &d->groups[i];
	return NULL;
}

static void test_rates_exact(void **state)
{
	struct maybe seven = maybe_of(7);
	double r;

	(void)state;
	assert_true(delta_rate(seven, 3000, &r));
	assert_true(r == 7.0 / 3.0);
	/* 201 ms: what a reader computes from the printed "0.201" */
	assert_true(delta_rate(maybe_of(5), 201, &r));
	assert_true(r == 5.0 / 0.201);
	assert_false(delta_rate(maybe_none(), 1000, &r));
	assert_false(delta_rate(seven, 0, &r));
	assert_false(delta_rate(seven, -5, &r));
}

static void test_counters_and_reset(void **state)
{
	struct sample a, b;
	struct delta d;
	double r;

	(void)state;
	init(&a, 10000);
	init(&b, 11500);
	b.sys.tcpext[TX_PRUNE_CALLED] = maybe_of(1015);
	b.sys.tcpext[TX_RCV_COLLAPSED] = maybe_of(900); /* went down: reset */
	b.sys.tcpext[TX_OFO_DROP] = maybe_none();	/* absent now */
	b.sys.sockstat.mem_pages = maybe_of(90);
	b.sys.proto.pressure = maybe_of(1);
	finish(&a);
	finish(&b);
	assert_int_equal(delta_build(&a.side, &b.side, 0, 0, &d), 0);
	assert_int_equal(d.ms, 1500);
	assert_maybe(d.tcpext[TX_PRUNE_CALLED], 15);
	assert_true(delta_rate(d.tcpext[TX_PRUNE_CALLED], d.ms, &r));
	assert_true(r == 10.0);
	assert_absent(d.tcpext[TX_RCV_COLLAPSED]);
	assert_false(delta_rate(d.tcpext[TX_RCV_COLLAPSED], d.ms, &r));
	assert_absent(d.tcpext[TX_OFO_DROP]);
	assert_maybe(d.tcpext[TX_MEMORY_PRESSURES], 0);
	assert_maybe(d.mem_pages, -10); /* a gauge may go down */
	assert_maybe(d.pressure_old, 0);
	assert_maybe(d.pressure_new, 1);
	assert_int_equal(d.nsysctls, 0);
	delta_free(&d);
	done(&a);
	done(&b);
}

/* Socket 2 closed, socket 3 opened, socket 1 grew; nginx holds all. */
static void test_sockets_come_and_go(void **state)
{
	struct sample a, b;
	struct delta d;
	const struct delta_group *g;

	(void)state;
	init(&a, 0);
	proc(&a, 100, 5000, "nginx");
	add(&a, 1, 1000, 131072, 0);
	add(&a, 2, 4096, 131072, 0);
	add(&a, 9, 0, 131072, -1); /* no holder */
	finish(&a);
	init(&b, 2000);
	proc(&b, 100, 5000, "nginx");
	add(&b, 3, 0, 131072, 0);
	add(&b, 1, 9000, 262144, 0);
	add(&b, 9, 0, 131072, -1);
	finish(&b);
	assert_int_equal(delta_build(&a.side, &b.side, 0, DELTA_CHANGED | DELTA_OPENED, &d), 0);
	assert_int_equal(d.common, 2);
	assert_int_equal(d.opened_total, 1);
	assert_int_equal(d.closed_total, 1);
	assert_int_equal(d.rb_changed, 1);
	assert_int_equal(d.tb_changed, 0);
	g = group_of(&d, 100, 5000);
	assert_non_null(g);
	assert_int_equal(g->opened, 1);
	assert_int_equal(g->closed, 1);
	assert_maybe(g->before, 1000 + 4096);
	assert_maybe(g->after, 9000);
	assert_int_equal(g->charged_delta, 9000 - 5096);
	assert_int_equal(g->sockets, 2);
	/* the socket without a holder: its group matched, nothing opened */
	assert_int_equal(d.ngroups, 2);
	assert_int_equal(d.ngroups_new, 2);
	/* mover: socket 1 (new index 1), r +8000, rb +131072 */
	assert_int_equal(d.nmovers, 1);
	assert_int_equal(d.movers[0].new_i, 1);
	assert_int_equal(d.movers[0].old_i, 0);
	assert_int_equal(d.movers[0].r_delta, 8000);
	assert_int_equal(d.movers[0].rb_delta, 131072);
	assert_int_equal(d.movers[0].charged_delta, 8000);
	assert_int_equal(d.nchanged, 1);
	assert_int_equal(d.changed[0].new_i, 1);
	assert_int_equal(d.nopened, 1);
	assert_int_equal(d.opened[0].new_i, 0);
	assert_int_equal(d.opened[0].old_i, DELTA_NONE);
	delta_free(&d);
	done(&a);
	done(&b);
}

/* pid 100 exits and another process gets pid 100: two groups, not one. */
static void test_pid_reuse(void **state)
{
	struct sample a, b;
	struct delta d;
	const struct delta_group *old, *new;

	(void)state;
	init(&a, 0);
	proc(&a, 100, 5000, "old");
	add(&a, 1, 4096, 131072, 0);
	add(&a, 2, 4096, 131072, 0);
	finish(&a);
	init(&b, 1000);
	proc(&b, 100, 7777, "new");
	add(&b, 3, 100, 131072, 0);
	finish(&b);
	assert_int_equal(delta_build(&a.side, &b.side, 0, 0, &d), 0);
	assert_int_equal(d.ngroups, 2);
	assert_int_equal(d.ngroups_new, 1);
	new = group_of(&d, 100, 7777);
	old = group_of(&d, 100, 5000);
	assert_non_null(new);
	assert_non_null(old);
	assert_absent(new->before);
	assert_maybe(new->after, 100);
	assert_int_equal(new->charged_delta, 100);
	assert_int_equal(new->opened, 1);
	assert_int_equal(new->closed, 0);
	assert_maybe(old->before, 8192);
	assert_absent(old->after);
	assert_int_equal(old->charged_delta, -8192);
	assert_int_equal(old->opened, 0);
	assert_int_equal(old->closed, 2);
	assert_int_equal(old->sockets, 0);
	assert_int_equal(d.nmovers, 0);
	/* diff's order: largest |change| first */
	delta_sort_abs(&d);
	assert_int_equal(d.groups[0].key.start.v, 5000);
	delta_free(&d);
	done(&a);
	done(&b);
}

static void test_movers_order_and_cap(void **state)
{
	struct sample a, b;
	struct delta d;

	(void)state;
	init(&a, 0);
	init(&b, 1000);
	for (uint64_t c = 1; c <= 5; c++) {
		add(&a, c, 100, 1000, -1);
		/* socket c grows r by 100*c; socket 5 shrinks */
		add(&b, c, c == 5 ? 50 : (uint32_t)(100 + 100 * c), c == 2 ? 5000 : 1000, -1);
	}
	finish(&a);
	finish(&b);
	assert_int_equal(delta_build(&a.side, &b.side, 2, 0, &d), 0);
	assert_int_equal(d.nmovers, 2);
	assert_int_equal(b.t.v[d.movers[0].new_i].cookie, 4);
	assert_int_equal(d.movers[0].charged_delta, 400);
	assert_int_equal(b.t.v[d.movers[1].new_i].cookie, 3);
	delta_free(&d);
	assert_int_equal(delta_build(&a.side, &b.side, 0, 0, &d), 0);
	assert_int_equal(d.nmovers, 4); /* 1..4 grew; 5 shrank */
	delta_free(&d);
	done(&a);
	done(&b);
}

static void test_sysctls_and_findings(void **state)
{
	struct sample a, b;
	struct delta d;

	(void)state;
	init(&a, 0);
	init(&b, 1000);
	b.ns[0].sysctl.tcp_rmem[1] = maybe_of(65536);	  /* per namespace */
	b.sys.sysctl.tcp_mem[2] = maybe_of(99);		  /* host-wide */
	b.sys.sysctl.tcp_rmem[1] = maybe_of(65536);	  /* the same, not twice */
	a.f[0] = (struct finding){ .id = "orphans" };
	a.f[1] = (struct finding){ .id = "unread_backlog" };
	a.nf = 2;
	b.f[0] = (struct finding){ .id = "unread_backlog" };
	b.f[1] = (struct finding){ .id = "tcp_mem_pressure" };
	b.nf = 2;
	finish(&a);
	finish(&b);
	assert_int_equal(delta_build(&a.side, &b.side, 0, 0, &d), 0);
	assert_int_equal(d.nsysctls, 2);
	assert_string_equal(d.sysctls[0].name, "net.ipv4.tcp_mem");
	assert_int_equal(d.sysctls[0].netns, 0);
	assert_int_equal(d.sysctls[0].n, 3);
	assert_maybe(d.sysctls[0].new[2], 99);
	assert_string_equal(d.sysctls[1].name, "net.ipv4.tcp_rmem");
	assert_int_equal(d.sysctls[1].netns, 4026531840u);
	assert_maybe(d.sysctls[1].old[1], 131072);
	assert_maybe(d.sysctls[1].new[1], 65536);
	assert_int_equal(d.nappeared, 1);
	assert_string_equal(d.appeared[0], "tcp_mem_pressure");
	assert_int_equal(d.ncleared, 1);
	assert_string_equal(d.cleared[0], "orphans");
	delta_free(&d);
	done(&a);
	done(&b);
}

/* A buffer outside the range is "locked" only where the window scale shows
 * the lock (a tuning change leaves autotuned sockets outside it too), and
 * otherwise "outside". */
static void test_locked(void **state)
{
	struct sample a;
	struct sock_rec s = tu_sock(1, 1, 0, 0, 0);

	(void)state;
	init(&a, 0);
	a.sys.sysctl.rmem_max = maybe_of(212992); /* rcv_wscale floor 17 - 15 = 2 */
	s.skmem[SKM_RB] = 131072;
	s.skmem[SKM_TB] = 16384;
	assert_maybe(delta_locked(&s, &a.sys.sysctl), 0);
	assert_maybe(delta_outside(&s, &a.sys.sysctl), 0);
	s.skmem[SKM_RB] = 4608; /* SO_RCVBUF 2304, or older than a tcp_rmem change */
	assert_maybe(delta_locked(&s, &a.sys.sysctl), 0);
	assert_maybe(delta_outside(&s, &a.sys.sysctl), 1);
	s.ti_mask |= 1u << TI_RCV_WSCALE;
	s.ti[TI_RCV_WSCALE] = 2; /* at the floor: autotuned, no lock shown */
	assert_maybe(delta_locked(&s, &a.sys.sysctl), 0);
	assert_maybe(delta_outside(&s, &a.sys.sysctl), 1);
	s.ti[TI_RCV_WSCALE] = 1; /* below it: the window was capped at the handshake */
	assert_maybe(delta_locked(&s, &a.sys.sysctl), 1);
	assert_maybe(delta_outside(&s, &a.sys.sysctl), 0);
	a.sys.sysctl.tcp_wmem[2] = maybe_none();
	assert_absent(delta_locked(&s, &a.sys.sysctl));
	assert_absent(delta_outside(&s, &a.sys.sysctl));
}

/* Samples of views that keep some sockets (a filter): the sockets left out
 * of either view are neither opened, closed, common nor movers. */
static void test_keep_mask(void **state)
{
	static const unsigned char keep_a[] = { 1, 0, 1 }, keep_b[] = { 0, 1, 1 };
	struct sample a, b;
	struct delta d;
	const struct delta_group *g;

	(void)state;
	init(&a, 0);
	proc(&a, 100, 5000, "nginx");
	add(&a, 1, 1000, 131072, 0);
	add(&a, 2, 4096, 131072, 0); /* left out of a's view */
	add(&a, 9, 0, 131072, -1);
	finish(&a);
	a.side.keep = keep_a;
	init(&b, 2000);
	proc(&b, 100, 5000, "nginx");
	add(&b, 3, 0, 131072, 0); /* left out of b's view */
	add(&b, 1, 9000, 262144, 0);
	add(&b, 9, 0, 131072, -1);
	finish(&b);
	b.side.keep = keep_b;
	assert_int_equal(delta_build(&a.side, &b.side, 0, DELTA_CHANGED | DELTA_OPENED, &d), 0);
	assert_int_equal(d.common, 2);
	assert_int_equal(d.opened_total, 0);
	assert_int_equal(d.closed_total, 0);
	assert_int_equal(d.nopened, 0);
	g = group_of(&d, 100, 5000);
	assert_non_null(g);
	assert_int_equal(g->opened, 0);
	assert_int_equal(g->closed, 0);
	assert_int_equal(d.nmovers, 1);
	assert_int_equal(d.movers[0].new_i, 1);
	delta_free(&d);
	done(&a);
	done(&b);
}

/* Sets socket cookie's protocol to UDP (state CLOSE: bound, unconnected)
 * and its drops d. */
static void udp(struct sample *s, uint64_t cookie, uint32_t drops)
{
	for (size_t i = 0; i < s->t.n; i++)
		if (s->t.v[i].cookie == cookie) {
			s->t.v[i].protocol = SOCK_PROTO_UDP;
			s->t.v[i].state = SOCK_TCP_CLOSE;
			s->t.v[i].skmem[SKM_D] = drops;
		}
}

/* Both samples with UDP: sockstat UDP and Udp/Udp6 counter changes, a
 * counter that went down or is absent on a side absent; one sample without
 * UDP: none of them, never 0. */
static void test_udp_values(void **state)
{
	struct sample a, b;
	struct delta d;

	(void)state;
	init(&a, 0);
	init(&b, 2000);
	for (int i = 0; i < UC_N; i++) {
		a.sys.udp[i] = maybe_of(500);
		a.sys.udp6[i] = maybe_of(70);
		b.sys.udp[i] = maybe_of(500);
		b.sys.udp6[i] = maybe_of(70);
	}
	b.sys.udp[UC_RCVBUF_ERRORS] = maybe_of(508);
	b.sys.udp[UC_IN_ERRORS] = maybe_of(508);
	b.sys.udp6[UC_IN_DATAGRAMS] = maybe_of(60); /* went down */
	b.sys.udp6[UC_MEM_ERRORS] = maybe_none();   /* an older kernel's file */
	a.sys.sockstat.udp_inuse = maybe_of(4);
	b.sys.sockstat.udp_inuse = maybe_of(2);
	a.sys.sockstat.udp_inuse6 = maybe_of(1);
	b.sys.sockstat.udp_inuse6 = maybe_of(3);
	a.sys.sockstat.udp_mem_pages = maybe_of(10);
	b.sys.sockstat.udp_mem_pages = maybe_of(62);
	finish(&a);
	finish(&b);
	a.side.udp = b.side.udp = true;
	assert_int_equal(delta_build(&a.side, &b.side, 0, 0, &d), 0);
	assert_true(d.has_udp);
	assert_maybe(d.udp[UC_RCVBUF_ERRORS], 8);
	assert_maybe(d.udp[UC_IN_ERRORS], 8);
	assert_maybe(d.udp[UC_IN_DATAGRAMS], 0);
	assert_absent(d.udp6[UC_IN_DATAGRAMS]);
	assert_absent(d.udp6[UC_MEM_ERRORS]);
	assert_maybe(d.udp6[UC_SNDBUF_ERRORS], 0);
	assert_maybe(d.udp_inuse, -2); /* gauges may go down */
	assert_maybe(d.udp_inuse6, 2);
	assert_maybe(d.udp_mem_pages, 52);
	delta_free(&d);
	a.side.udp = false; /* OLD was a TCP-only collection */
	assert_int_equal(delta_build(&a.side, &b.side, 0, 0, &d), 0);
	assert_false(d.has_udp);
	assert_absent(d.udp[UC_RCVBUF_ERRORS]);
	assert_absent(d.udp_inuse);
	assert_absent(d.udp_mem_pages);
	delta_free(&d);
	done(&a);
	done(&b);
}

/* A UDP receiver whose rb stayed and whose d grew is a changed socket (with
 * its d change) when the new sample has UDP; a TCP-only comparison lists
 * rb and tb changes only, as before. */
static void test_udp_drops_changed(void **state)
{
	struct sample a, b;
	struct delta d;

	(void)state;
	init(&a, 0);
	init(&b, 1000);
	add(&a, 1, 211968, 212992, -1);
	add(&a, 2, 0, 131072, -1);
	add(&b, 1, 211968, 212992, -1);
	add(&b, 2, 0, 131072, -1);
	udp(&a, 1, 508);
	udp(&b, 1, 1108);
	b.t.v[1].skmem[SKM_D] = 3; /* a TCP socket's d moved too */
	finish(&a);
	finish(&b);
	a.side.udp = b.side.udp = true;
	assert_int_equal(delta_build(&a.side, &b.side, 0, DELTA_CHANGED, &d), 0);
	assert_int_equal(d.nchanged, 2);
	assert_int_equal(d.changed[0].new_i, 0);
	assert_int_equal(d.changed[0].d_delta, 600);
	assert_int_equal(d.changed[0].rb_delta, 0);
	assert_int_equal(d.changed[1].d_delta, 3);
	assert_int_equal(d.rb_changed, 0);
	delta_free(&d);
	/* without UDP a d change is no change (TCP-only output as before) */
	a.side.udp = b.side.udp = false;
	assert_int_equal(delta_build(&a.side, &b.side, 0, DELTA_CHANGED, &d), 0);
	assert_int_equal(d.nchanged, 0);
	assert_int_equal(d.nmovers, 0); /* nothing grew */
	delta_free(&d);
	done(&a);
	done(&b);
}

/* tcp_rmem and tcp_wmem do not size UDP buffers: no locked or outside
 * judgement for a UDP socket. */
static void test_udp_not_judged(void **state)
{
	struct sample a;
	struct sock_rec s = tu_sock(1, 1, 0, 0, 0);

	(void)state;
	init(&a, 0);
	a.sys.sysctl.rmem_max = maybe_of(212992);
	s.skmem[SKM_RB] = 4608;
	s.skmem[SKM_TB] = 16384;
	assert_maybe(delta_outside(&s, &a.sys.sysctl), 1);
	s.protocol = SOCK_PROTO_UDP;
	assert_absent(delta_locked(&s, &a.sys.sysctl));
	assert_absent(delta_outside(&s, &a.sys.sysctl));
}

/* udp_mem and udp_{r,w}mem_min changes are listed only when both samples
 * collected UDP (a TCP-only collection holds none of them). */
static void test_udp_sysctls(void **state)
{
	struct sample a, b;
	struct delta d;

	(void)state;
	init(&a, 0);
	init(&b, 1000);
	for (int i = 0; i < 3; i++)
		a.sys.sysctl.udp_mem[i] = b.sys.sysctl.udp_mem[i] = maybe_of(1000 * (i + 1));
	b.sys.sysctl.udp_mem[2] = maybe_of(9000);
	a.ns[0].sysctl.udp_rmem_min = maybe_of(4096);
	b.ns[0].sysctl.udp_rmem_min = maybe_of(8192);
	finish(&a);
	finish(&b);
	a.side.udp = b.side.udp = true;
	assert_int_equal(delta_build(&a.side, &b.side, 0, 0, &d), 0);
	assert_int_equal(d.nsysctls, 2);
	assert_string_equal(d.sysctls[0].name, "net.ipv4.udp_mem");
	assert_int_equal(d.sysctls[0].netns, 0);
	assert_maybe(d.sysctls[0].old[2], 3000);
	assert_maybe(d.sysctls[0].new[2], 9000);
	assert_string_equal(d.sysctls[1].name, "net.ipv4.udp_rmem_min");
	assert_int_equal(d.sysctls[1].netns, 4026531840u);
	assert_maybe(d.sysctls[1].new[0], 8192);
	delta_free(&d);
	b.side.udp = false;
	assert_int_equal(delta_build(&a.side, &b.side, 0, 0, &d), 0);
	assert_int_equal(d.nsysctls, 0);
	delta_free(&d);
	done(&a);
	done(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rates_exact),
		cmocka_unit_test(test_counters_and_reset),
		cmocka_unit_test(test_sockets_come_and_go),
		cmocka_unit_test(test_pid_reuse),
		cmocka_unit_test(test_movers_order_and_cap),
		cmocka_unit_test(test_sysctls_and_findings),
		cmocka_unit_test(test_locked),
		cmocka_unit_test(test_keep_mask),
		cmocka_unit_test(test_udp_values),
		cmocka_unit_test(test_udp_drops_changed),
		cmocka_unit_test(test_udp_not_judged),
		cmocka_unit_test(test_udp_sysctls),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
