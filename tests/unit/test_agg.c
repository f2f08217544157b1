// SPDX-License-Identifier: GPL-2.0-or-later
/* test_agg.c - pure aggregation over hand-built socket tables and owners. */
#include "testutil.h"

#include <arpa/inet.h>

#include <errno.h>
#include <sys/socket.h>

#include "model/agg.h"

#define PAGE 4096u

/*
 * The world used by most tests:
 *   A  r105728 w0 f768 (26 pages)        held by nginx(100) fd 3 and fd 4, worker(200) fd 7
 *   B  r0 w2921408 f3136 (714 pages)     held by worker(200) fd 8
 *   C  r1 (1 page after rounding up)     held by sshd(50) fd 5
 *   D  r4097 (2 pages)                   no holder (an inode; owners not walked)
 *   E  TIME-WAIT, no skmem               no holder (inode 0: the time-wait row)
 */
struct world {
	struct sock_table t;
	struct owners o;
	struct proc_ent procs[3];
	struct owner_link links[5];
};

enum { P_NGINX, P_WORKER, P_SSHD };
enum { S_A, S_B, S_C, S_D, S_E };

static void world_build(struct world *w)
{
	struct sock_rec s[5];

	memset(w, 0, sizeof(*w));
	s[S_A] = tu_sock(0x1000000001, 1001, 105728, 0, 768);
	s[S_A].skmem[SKM_RB] = 131072;
	s[S_A].skmem[SKM_TB] = 3939840;
	s[S_A].skmem[SKM_T] = 0;
	s[S_B] = tu_sock(0x1000000002, 1002, 0, 2921408, 3136);
	s[S_B].skmem[SKM_RB] = 131073;
	s[S_B].skmem[SKM_TB] = 4194304;
	s[S_B].skmem[SKM_T] = 11;
	s[S_C] = tu_sock(0x1000000003, 1003, 1, 0, 0);
	s[S_C].skmem[SKM_RB] = 7;
	s[S_D] = tu_sock(0x1000000004, 1004, 4097, 0, 0);
	s[S_D].skmem[SKM_T] = 5;
	s[S_E] = tu_sock_noskmem(0x1000000005);
	for (int i = 0; i < 5; i++)
		assert_int_equal(sock_table_add(&w->t, &s[i]), 1);

	w->procs[P_NGINX] = (struct proc_ent){ .pid = 100, .uid = 33, .comm = "nginx" };
	w->procs[P_WORKER] = (struct proc_ent){ .pid = 200, .uid = 33, .comm = "worker" };
	w->procs[P_SSHD] = (struct proc_ent){ .pid = 50, .uid = 0, .comm = "sshd" };
	/* sorted by (sock, proc, fd), as owners_scan leaves them */
	w->links[0] = (struct owner_link){ S_A, P_NGINX, 3 };
	w->links[1] = (struct owner_link){ S_A, P_NGINX, 4 };
	w->links[2] = (struct owner_link){ S_A, P_WORKER, 7 };
	w->links[3] = (struct owner_link){ S_B, P_WORKER, 8 };
	w->links[4] = (struct owner_link){ S_C, P_SSHD, 5 };
	w->t.v[S_A].own_first = 0;
	w->t.v[S_A].own_n = 3;
	w->t.v[S_B].own_first = 3;
	w->t.v[S_B].own_n = 1;
	w->t.v[S_C].own_first = 4;
	w->t.v[S_C].own_n = 1;
	w->o.procs = w->procs;
	w->o.nprocs = 3;
	w->o.links = w->links;
	w->o.nlinks = 5;
}

static void world_free(struct world *w)
{
	sock_table_free(&w->t);
}

/* Every socket of t summed once (what a view's totals are). */
static void totals(const struct sock_table *t, struct sums *out)
{
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < t->n; i++)
		agg_add(out, &t->v[i], PAGE);
}

static const struct group *find_group(const struct group *g, size_t n, uint32_t proc)
{
	for (size_t i = 0; i < n; i++)
		if (g[i].proc == proc)
			return &g[i];
	fail_msg("no group for proc %u", proc);
	return NULL;
}

static void test_agg_add_single(void **state)
{
	struct sums s;
	struct sock_rec r = tu_sock(1, 1, 105728, 2304, 768);

	(void)state;
	r.skmem[SKM_RB] = 131072;
	r.skmem[SKM_T] = 1280;
	r.skmem[SKM_TB] = 3939840;
	r.skmem[SKM_O] = 320;
	r.skmem[SKM_BL] = 4352;
	memset(&s, 0, sizeof(s));
	agg_add(&s, &r, PAGE);
	assert_int_equal(s.sockets, 1);
	assert_int_equal(s.r, 105728);
	assert_int_equal(s.w, 2304);
	assert_int_equal(s.f, 768);
	assert_int_equal(s.t, 1280);
	assert_int_equal(s.rb, 131072);
	assert_int_equal(s.tb, 3939840);
	assert_int_equal(s.charged_bytes, 108800);
	assert_int_equal(s.charged_pages, 27); /* ceil(108800 / 4096) */

	/* 64 KiB pages (arm64): the same socket is 2 pages. */
	memset(&s, 0, sizeof(s));
	agg_add(&s, &r, 65536);
	assert_int_equal(s.charged_pages, 2);
}

static void test_agg_add_old_kernel_and_timewait(void **state)
{
	struct sums s;
	struct sock_rec old = tu_sock(1, 1, 4096, 8192, 4096);
	struct sock_rec tw = tu_sock_noskmem(2);

	(void)state;
	old.skmem_n = 7; /* bl, d absent */
	old.skmem[SKM_BL] = 999999;
	memset(&s, 0, sizeof(s));
	agg_add(&s, &old, PAGE);
	agg_add(&s, &tw, PAGE);
	assert_int_equal(s.sockets, 2);
	assert_int_equal(s.r, 4096);
	assert_int_equal(s.w, 8192);
	assert_int_equal(s.f, 4096);
	assert_int_equal(s.charged_bytes, 16384);
	assert_int_equal(s.charged_pages, 4);
}

static void test_totals(void **state)
{
	struct world w;
	struct sums tot;

	(void)state;
	world_build(&w);
	memset(&tot, 0xff, sizeof(tot));
	totals(&w.t, &tot);
	/* A shared by two processes and held through two fds: counted once. */
	assert_int_equal(tot.sockets, 5);
	assert_int_equal(tot.r, 105728 + 0 + 1 + 4097);
	assert_int_equal(tot.w, 2921408);
	assert_int_equal(tot.f, 768 + 3136);
	assert_int_equal(tot.t, 11 + 5);
	assert_int_equal(tot.rb, 131072 + 131073 + 7);
	assert_int_equal(tot.tb, 3939840 + 4194304);
	assert_int_equal(tot.charged_bytes, 106496 + 2924544 + 1 + 4097);
	/* sum of per-socket ceilings (26 + 714 + 1 + 2), not ceil of the sum (742) */
	assert_int_equal(tot.charged_pages, 743);
	world_free(&w);
}

static void test_by_process(void **state)
{
	struct world w;
	struct group *g = NULL;
	size_t n = 0;
	const struct group *x;

	(void)state;
	world_build(&w);
	assert_int_equal(agg_by_process(&w.t, NULL, &w.o, PAGE, &g, &n), 0);
	assert_int_equal(n, 5); /* 3 processes + owners-not-walked row + time-wait row */

	/* nginx: A once, although it holds it through fds 3 and 4. */
	x = find_group(g, n, P_NGINX);
	assert_int_equal(x->s.sockets, 1);
	assert_int_equal(x->s.r, 105728);
	assert_int_equal(x->s.f, 768);
	assert_int_equal(x->s.w, 0);
	assert_int_equal(x->s.charged_bytes, 106496);
	assert_int_equal(x->s.charged_pages, 26);

	/* worker: A (shared with nginx) + B; sums equal the sum of its sockets. */
	x = find_group(g, n, P_WORKER);
	assert_int_equal(x->s.sockets, 2);
	assert_int_equal(x->s.r, 105728);
	assert_int_equal(x->s.w, 2921408);
	assert_int_equal(x->s.f, 768 + 3136);
	assert_int_equal(x->s.t, 11);
	assert_int_equal(x->s.rb, 131072 + 131073);
	assert_int_equal(x->s.tb, 3939840 + 4194304);
	assert_int_equal(x->s.charged_bytes, 106496 + 2924544);
	assert_int_equal(x->s.charged_pages, 26 + 714);

	x = find_group(g, n, P_SSHD);
	assert_int_equal(x->s.sockets, 1);
	assert_int_equal(x->s.r, 1);
	assert_int_equal(x->s.rb, 7);
	assert_int_equal(x->s.charged_pages, 1);

	/* D has an inode, but owners were not walked: the not-scanned row */
	x = find_group(g, n, AGG_NO_PROC);
	assert_int_equal(x->s.sockets, 1);
	assert_int_equal(x->s.r, 4097);
	assert_int_equal(x->s.t, 5);
	assert_int_equal(x->s.w, 0);
	assert_int_equal(x->s.charged_bytes, 4097);
	assert_int_equal(x->s.charged_pages, 2);
	/* the TIME-WAIT socket has a row of its own and adds no bytes */
	x = find_group(g, n, AGG_TIME_WAIT);
	assert_int_equal(x->s.sockets, 1);
	assert_int_equal(x->s.charged_bytes, 0);
	assert_int_equal(x->s.r + x->s.w + x->s.f + x->s.t + x->s.rb + x->s.tb, 0);

	/* The shared socket makes the groups sum to more than the total. */
	uint64_t sockets = 0;

	for (size_t i = 0; i < n; i++)
		sockets += g[i].s.sockets;
	assert_int_equal(sockets, 6);
	free(g);
	world_free(&w);
}

static void test_by_process_no_orphan_row(void **state)
{
	struct sock_table t = { 0 };
	struct owners o;
	struct proc_ent p = { .pid = 7, .uid = 0, .comm = "one" };
	struct owner_link l = { 0, 0, 3 };
	struct sock_rec s = tu_sock(9, 900, 4096, 0, 0);
	struct group *g = NULL;
	size_t n = 0;

	(void)state;
	assert_int_equal(sock_table_add(&t, &s), 1);
	t.v[0].own_first = 0;
	t.v[0].own_n = 1;
	memset(&o, 0, sizeof(o));
	o.procs = &p;
	o.nprocs = 1;
	o.links = &l;
	o.nlinks = 1;
	assert_int_equal(agg_by_process(&t, NULL, &o, PAGE, &g, &n), 0);
	/* Every socket has a holder: no empty no-process row. */
	assert_int_equal(n, 1);
	assert_int_equal(g[0].proc, 0);
	assert_int_equal(g[0].s.sockets, 1);
	assert_int_equal(g[0].s.charged_pages, 1);
	free(g);
	sock_table_free(&t);
}

static void test_by_process_without_owners(void **state)
{
	struct world w;
	struct owners none;
	struct group *g = NULL;
	size_t n = 0;

	(void)state;
	world_build(&w);
	for (size_t i = 0; i < w.t.n; i++)
		w.t.v[i].own_n = 0;
	memset(&none, 0, sizeof(none));
	/* --no-owners: every socket with an inode lands in the not-scanned row,
	 * once; inode 0 needs no walk: TIME-WAIT keeps its own row */
	assert_int_equal(agg_by_process(&w.t, NULL, &none, PAGE, &g, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(find_group(g, n, AGG_NO_PROC)->s.sockets, 4);
	assert_int_equal(find_group(g, n, AGG_NO_PROC)->s.charged_pages, 743);
	assert_int_equal(find_group(g, n, AGG_TIME_WAIT)->s.sockets, 1);
	free(g);
	world_free(&w);
}

/* After a walk, sockets without a holder split by inode: D (inode 1004) is
 * held by a file no walked descriptor is (SCM_RIGHTS in flight, the kernel,
 * a process not inspected); inode 0 by no process at all, one row per
 * category: E (TIME-WAIT), an orphan (FIN-WAIT-1) and an unaccepted child. */
static void test_by_process_no_holder(void **state)
{
	struct world w;
	struct group *g = NULL;
	size_t n = 0;
	const struct group *x;
	struct sock_rec orphan = tu_sock(0x1000000006, 0, 0, 8192, 0);
	struct sock_rec child = tu_sock(0x1000000007, 0, 1832, 0, 2264);

	(void)state;
	world_build(&w);
	/* an orphan (inode 0) with memory: no process, however complete the walk */
	orphan.state = SOCK_TCP_FIN_WAIT1;
	assert_int_equal(sock_table_add(&w.t, &orphan), 1);
	/* a child in an accept queue (ESTAB, inode 0) */
	assert_int_equal(sock_table_add(&w.t, &child), 1);
	w.o.walked = true;
	assert_int_equal(agg_by_process(&w.t, NULL, &w.o, PAGE, &g, &n), 0);
	assert_int_equal(n, 7);
	x = find_group(g, n, AGG_NO_HOLDER);
	assert_int_equal(x->s.sockets, 1);
	assert_int_equal(x->s.r, 4097);
	assert_int_equal(x->s.t, 5);
	assert_int_equal(x->s.charged_bytes, 4097);
	assert_int_equal(x->s.charged_pages, 2);
	x = find_group(g, n, AGG_ORPHAN);
	assert_int_equal(x->s.sockets, 1);
	assert_int_equal(x->s.w, 8192);
	assert_int_equal(x->s.charged_pages, 2);
	x = find_group(g, n, AGG_UNACCEPTED);
	assert_int_equal(x->s.sockets, 1);
	assert_int_equal(x->s.r, 1832);
	assert_int_equal(x->s.f, 2264);
	assert_int_equal(x->s.charged_bytes, 4096);
	x = find_group(g, n, AGG_TIME_WAIT);
	assert_int_equal(x->s.sockets, 1);
	assert_int_equal(x->s.charged_bytes, 0);
	/* a complete walk leaves nothing to the not-scanned row */
	for (size_t i = 0; i < n; i++)
		assert_int_not_equal(g[i].proc, AGG_NO_PROC);
	/* the process rows are as before */
	assert_int_equal(find_group(g, n, P_WORKER)->s.sockets, 2);
	assert_int_equal(find_group(g, n, P_NGINX)->s.sockets, 1);

	/* by value: the orphan's 8192 bytes before D's 4097 and the child's 4096 */
	agg_sort(g, n, SORT_CHARGED, &w.o);
	assert_int_equal(g[0].proc, P_WORKER);
	assert_int_equal(g[2].proc, AGG_ORPHAN);     /* 8192 */
	assert_int_equal(g[3].proc, AGG_NO_HOLDER);  /* 4097 */
	assert_int_equal(g[4].proc, AGG_UNACCEPTED); /* 4096 */
	/* ties between the rows without a process (from that order, so a
	 * stable sort alone would keep it): a fixed order after every process */
	agg_sort(g, n, SORT_PID, &w.o);
	assert_int_equal(g[3].proc, AGG_UNACCEPTED);
	assert_int_equal(g[4].proc, AGG_ORPHAN);
	assert_int_equal(g[5].proc, AGG_TIME_WAIT);
	assert_int_equal(g[6].proc, AGG_NO_HOLDER);
	agg_sort(g, n, SORT_CHARGED, &w.o);
	agg_sort(g, n, SORT_COMM, &w.o);
	assert_int_equal(g[0].proc, P_NGINX);
	assert_int_equal(g[3].proc, AGG_UNACCEPTED);
	assert_int_equal(g[6].proc, AGG_NO_HOLDER);
	free(g);
	world_free(&w);
}

static void test_is_proc(void **state)
{
	(void)state;
	assert_true(agg_is_proc(0));
	assert_true(agg_is_proc(UINT32_MAX - 6));
	assert_false(agg_is_proc(AGG_UNACCEPTED));
	assert_false(agg_is_proc(AGG_ORPHAN));
	assert_false(agg_is_proc(AGG_REQUEST));
	assert_false(agg_is_proc(AGG_TIME_WAIT));
	assert_false(agg_is_proc(AGG_NO_HOLDER));
	assert_false(agg_is_proc(AGG_NO_PROC));
}

/* A record as the dump gives it: state, inode, skmem or not. */
static enum sock_cat cat(unsigned state, uint32_t inode, bool skmem)
{
	struct sock_rec s = tu_sock(1, inode, 0, 0, 0);

	s.state = (uint8_t)state;
	if (!skmem)
		s.skmem_n = 0;
	return sock_category(&s);
}

static void test_sock_category(void **state)
{
	(void)state;
	/* minisockets: no skmem, inode 0 */
	assert_int_equal(cat(SOCK_TCP_TIME_WAIT, 0, false), SOCK_CAT_TIME_WAIT);
	/* a time-wait socket entered from FIN-WAIT-2 reports that substate */
	assert_int_equal(cat(SOCK_TCP_FIN_WAIT2, 0, false), SOCK_CAT_TIME_WAIT);
	assert_int_equal(cat(SOCK_TCP_SYN_RECV, 0, false), SOCK_CAT_REQUEST);
	assert_int_equal(cat(SOCK_TCP_NEW_SYN_RECV, 0, false), SOCK_CAT_REQUEST);
	/* full sockets with inode 0 in an accept queue, Fast Open child included */
	assert_int_equal(cat(SOCK_TCP_ESTABLISHED, 0, true), SOCK_CAT_UNACCEPTED);
	assert_int_equal(cat(SOCK_TCP_CLOSE_WAIT, 0, true), SOCK_CAT_UNACCEPTED);
	assert_int_equal(cat(SOCK_TCP_SYN_RECV, 0, true), SOCK_CAT_UNACCEPTED);
	/* closed by their process, still alive: orphans */
	assert_int_equal(cat(SOCK_TCP_FIN_WAIT1, 0, true), SOCK_CAT_ORPHAN);
	assert_int_equal(cat(SOCK_TCP_FIN_WAIT2, 0, true), SOCK_CAT_ORPHAN);
	assert_int_equal(cat(SOCK_TCP_CLOSING, 0, true), SOCK_CAT_ORPHAN);
	assert_int_equal(cat(SOCK_TCP_LAST_ACK, 0, true), SOCK_CAT_ORPHAN);
	/* an inode: a file refers to it, whatever its state (shutdown(2) leaves
	 * FIN-WAIT-1 held) */
	assert_int_equal(cat(SOCK_TCP_FIN_WAIT1, 77, true), SOCK_CAT_INODE);
	assert_int_equal(cat(SOCK_TCP_ESTABLISHED, 77, true), SOCK_CAT_INODE);
	assert_int_equal(cat(SOCK_TCP_LISTEN, 77, true), SOCK_CAT_INODE);
	assert_int_equal(cat(SOCK_TCP_CLOSE_WAIT, 77, false), SOCK_CAT_INODE);
}

/* Per namespace, the sockets no process holds land in their top row's slot:
 * D (an inode) and E (TIME-WAIT) in namespace 7, plus an orphan there and
 * one in namespace 8; held sockets and the other namespace never count. */
/* Endpoints as ss -n prints them: brackets for IPv6, '*' for port 0,
 * "%ifname" after the address, cut (NUL-terminated) to the buffer. */
static void test_endpoint(void **state)
{
	uint8_t v4[16] = { 127, 0, 0, 1 }, v6[16] = { 0 };
	char buf[SOCK_ENDPOINT_MAX];

	(void)state;
	v6[15] = 1;
	assert_int_equal(sock_fmt_endpoint(buf, sizeof(buf), AF_INET, v4, 8080, NULL), 14);
	assert_string_equal(buf, "127.0.0.1:8080");
	assert_int_equal(sock_fmt_endpoint(buf, sizeof(buf), AF_INET, v4, 0, NULL), 11);
	assert_string_equal(buf, "127.0.0.1:*");
	assert_int_equal(sock_fmt_endpoint(buf, sizeof(buf), AF_INET6, v6, 65535, "lo"), 14);
	assert_string_equal(buf, "[::1]%lo:65535");
	assert_int_equal(sock_fmt_endpoint(buf, 5, AF_INET, v4, 1, NULL), 4);
	assert_string_equal(buf, "127.");
	assert_int_equal(sock_fmt_endpoint(buf, 0, AF_INET, v4, 1, NULL), 0);
	/* every octet value in every position, as inet_ntop() writes it */
	for (int pos = 0; pos < 4; pos++) {
		for (int v = 0; v < 256; v++) {
			char want[INET_ADDRSTRLEN + 8];
			uint8_t a[16] = { 10, 200, 7, 99 };

			a[pos] = (uint8_t)v;
			inet_ntop(AF_INET, a, want, INET_ADDRSTRLEN);
			strcat(want, ":1");
			sock_fmt_endpoint(buf, sizeof(buf), AF_INET, a, 1, NULL);
			assert_string_equal(buf, want);
		}
	}
}

/* Sorts the world's groups by key and checks the order of proc indexes. */
static void check_order(enum agg_sort key, const uint32_t want[5])
{
	struct world w;
	struct group *g = NULL;
	size_t n = 0;

	world_build(&w);
	assert_int_equal(agg_by_process(&w.t, NULL, &w.o, PAGE, &g, &n), 0);
	assert_int_equal(n, 5);
	agg_sort(g, n, key, &w.o);
	for (size_t i = 0; i < 5; i++)
		assert_int_equal(g[i].proc, want[i]);
	free(g);
	world_free(&w);
}

static void test_sort_orders(void **state)
{
	(void)state;
	/* charged: worker 740 pages-ish, nginx, not-scanned D (4097 B), sshd (1 B), time-wait */
	check_order(SORT_CHARGED,
		    (const uint32_t[]){ P_WORKER, P_NGINX, AGG_NO_PROC, P_SSHD, AGG_TIME_WAIT });
	/* sockets: ties broken by pid ascending, the rows without a process last */
	check_order(SORT_SOCKETS,
		    (const uint32_t[]){ P_WORKER, P_SSHD, P_NGINX, AGG_TIME_WAIT, AGG_NO_PROC });
	/* r: nginx and worker tie at 105728 -> pid 100 before 200 */
	check_order(SORT_R, (const uint32_t[]){ P_NGINX, P_WORKER, AGG_NO_PROC, P_SSHD, AGG_TIME_WAIT });
	/* w: only worker has any; the zeros follow in pid order */
	check_order(SORT_W, (const uint32_t[]){ P_WORKER, P_SSHD, P_NGINX, AGG_TIME_WAIT, AGG_NO_PROC });
	/* f: worker 3904, nginx 768, then zeros by pid */
	check_order(SORT_F, (const uint32_t[]){ P_WORKER, P_NGINX, P_SSHD, AGG_TIME_WAIT, AGG_NO_PROC });
	/* t: worker 11, not-scanned 5, then zeros by pid */
	check_order(SORT_T, (const uint32_t[]){ P_WORKER, AGG_NO_PROC, P_SSHD, P_NGINX, AGG_TIME_WAIT });
	/* rb: worker 262145, nginx 131072, sshd 7, the zeros */
	check_order(SORT_RB,
		    (const uint32_t[]){ P_WORKER, P_NGINX, P_SSHD, AGG_TIME_WAIT, AGG_NO_PROC });
	/* tb: worker 8134144, nginx 3939840, then zeros by pid */
	check_order(SORT_TB,
		    (const uint32_t[]){ P_WORKER, P_NGINX, P_SSHD, AGG_TIME_WAIT, AGG_NO_PROC });
	/* pid ascending: 50, 100, 200, then the rows without a process */
	check_order(SORT_PID,
		    (const uint32_t[]){ P_SSHD, P_NGINX, P_WORKER, AGG_TIME_WAIT, AGG_NO_PROC });
	/* comm ascending: nginx, sshd, worker, then the rows without a process */
	check_order(SORT_COMM,
		    (const uint32_t[]){ P_NGINX, P_SSHD, P_WORKER, AGG_TIME_WAIT, AGG_NO_PROC });
}

static void test_sort_empty_and_one(void **state)
{
	struct group one = { .proc = AGG_NO_PROC };
	struct owners o;

	(void)state;
	memset(&o, 0, sizeof(o));
	one.s.sockets = 3;
	assert_int_equal(agg_sort(NULL, 0, SORT_CHARGED, &o), 0);
	assert_int_equal(agg_sort(&one, 1, SORT_COMM, &o), 0);
	/* no scratch space: an error, never a silently unsorted list */
	assert_int_equal(agg_sort(&one, SIZE_MAX / 2, SORT_CHARGED, &o), -ENOMEM);
	assert_int_equal(one.proc, AGG_NO_PROC);
	assert_int_equal(one.s.sockets, 3);
}

static void test_sort_parse(void **state)
{
	static const struct {
		const char *name;
		enum agg_sort key;
	} ok[] = {
		{ "charged", SORT_CHARGED }, { "charged_bytes", SORT_CHARGED },
		{ "sockets", SORT_SOCKETS }, { "r", SORT_R },	{ "w", SORT_W },
		{ "f", SORT_F },	     { "t", SORT_T },	{ "rb", SORT_RB },
		{ "tb", SORT_TB },	     { "pid", SORT_PID }, { "comm", SORT_COMM },
	};
	static const char *const bad[] = { "", "R", "charge", "socket", "mem", "comm ", "rbx" };
	enum agg_sort k;

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		k = (enum agg_sort)-1;
		assert_int_equal(agg_sort_parse(ok[i].name, &k), 0);
		assert_int_equal(k, ok[i].key);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		k = SORT_TB;
		assert_int_equal(agg_sort_parse(bad[i], &k), -EINVAL);
		assert_int_equal(k, SORT_TB);
	}
}

static void test_reconcile(void **state)
{
	struct sums tot;
	struct reconcile rc;

	(void)state;
	memset(&tot, 0, sizeof(tot));
	tot.charged_pages = 1000;

	/* 2 CPUs x 256 pages = 512 pages of tolerance */
	agg_reconcile(&tot, maybe_of(1200), 2, maybe_of(256), &rc);
	assert_int_equal(rc.sockets_pages, 1000);
	assert_maybe(rc.sockstat_pages, 1200);
	assert_maybe(rc.tolerance_pages, 512);
	assert_maybe(rc.gap_pages, 200);
	assert_maybe(rc.within, 1);

	/* sockstat below the sockets: negative gap, outside */
	agg_reconcile(&tot, maybe_of(400), 2, maybe_of(256), &rc);
	assert_maybe(rc.gap_pages, -600);
	assert_maybe(rc.within, 0);

	/* boundaries, both signs */
	agg_reconcile(&tot, maybe_of(1512), 2, maybe_of(256), &rc);
	assert_maybe(rc.gap_pages, 512);
	assert_maybe(rc.within, 1);
	agg_reconcile(&tot, maybe_of(1513), 2, maybe_of(256), &rc);
	assert_maybe(rc.within, 0);
	agg_reconcile(&tot, maybe_of(488), 2, maybe_of(256), &rc);
	assert_maybe(rc.gap_pages, -512);
	assert_maybe(rc.within, 1);
	agg_reconcile(&tot, maybe_of(487), 2, maybe_of(256), &rc);
	assert_maybe(rc.within, 0);

	/* sockstat positive with zero sockets (per-CPU caches): within */
	memset(&tot, 0, sizeof(tot));
	agg_reconcile(&tot, maybe_of(254), 2, maybe_of(256), &rc);
	assert_int_equal(rc.sockets_pages, 0);
	assert_maybe(rc.gap_pages, 254);
	assert_maybe(rc.within, 1);
}

static void test_reconcile_absent(void **state)
{
	struct sums tot;
	struct reconcile rc;

	(void)state;
	memset(&tot, 0, sizeof(tot));
	tot.charged_pages = 1000;

	/* No mem_pcpu_rsv (kernel < 6.0, or a container): no tolerance, no verdict. */
	agg_reconcile(&tot, maybe_of(1000), 2, maybe_none(), &rc);
	assert_absent(rc.tolerance_pages);
	assert_maybe(rc.gap_pages, 0);
	assert_absent(rc.within);

	/* No CPU count: same. */
	agg_reconcile(&tot, maybe_of(1000), 0, maybe_of(256), &rc);
	assert_absent(rc.tolerance_pages);
	assert_absent(rc.within);

	/* No sockstat: no gap and no verdict, tolerance still known. */
	agg_reconcile(&tot, maybe_none(), 4, maybe_of(256), &rc);
	assert_int_equal(rc.sockets_pages, 1000);
	assert_absent(rc.sockstat_pages);
	assert_maybe(rc.tolerance_pages, 1024);
	assert_absent(rc.gap_pages);
	assert_absent(rc.within);
}

static void test_table_dedupe(void **state)
{
	struct sock_table t = { 0 };
	struct sock_rec a = tu_sock(UINT64_C(0x0123456789abcdef), 11, 100, 0, 0);
	struct sock_rec a2 = tu_sock(UINT64_C(0x0123456789abcdef), 22, 999, 0, 0);
	struct sock_rec lo = tu_sock(UINT64_C(0x89abcdef), 33, 1, 0, 0);
	struct sock_rec hi = tu_sock(UINT64_C(0x0123456700000000), 44, 2, 0, 0);

	(void)state;
	assert_int_equal(sock_table_add(&t, &a), 1);
	assert_int_equal(sock_table_add(&t, &a2), 0); /* same cookie: dropped */
	/* Cookies sharing one 32-bit half are different sockets. */
	assert_int_equal(sock_table_add(&t, &lo), 1);
	assert_int_equal(sock_table_add(&t, &hi), 1);
	assert_int_equal(t.n, 3);
	assert_int_equal(t.dup_dropped, 1);
	/* The first record seen is the one kept. */
	assert_int_equal(t.v[0].inode, 11);
	assert_int_equal(t.v[0].skmem[SKM_R], 100);
	assert_int_equal(t.v[1].inode, 33);
	assert_int_equal(t.v[2].inode, 44);

	struct sums tot;

	totals(&t, &tot);
	assert_int_equal(tot.sockets, 3);
	assert_int_equal(tot.r, 103);
	sock_table_free(&t);
	assert_int_equal(t.n, 0);
	assert_null(t.v);
}

static void test_table_growth(void **state)
{
	struct sock_table t = { 0 };
	const size_t N = 5000; /* past the first array and index sizes */

	(void)state;
	for (size_t i = 0; i < N; i++) {
		struct sock_rec s = tu_sock((uint64_t)i * 0x100000001ULL, (uint32_t)i + 1, 1, 0, 0);

		assert_int_equal(sock_table_add(&t, &s), 1);
	}
	assert_int_equal(t.n, N);
	/* Every cookie is still found after the rehashes. */
	for (size_t i = 0; i < N; i++) {
		struct sock_rec s = tu_sock((uint64_t)i * 0x100000001ULL, 0, 9, 0, 0);

		assert_int_equal(sock_table_add(&t, &s), 0);
	}
	assert_int_equal(t.n, N);
	assert_int_equal(t.dup_dropped, N);
	for (size_t i = 0; i < N; i += 997) {
		assert_int_equal(t.v[i].inode, i + 1);
		assert_true(t.v[i].cookie == (uint64_t)i * 0x100000001ULL);
	}
	struct sums tot;

	totals(&t, &tot);
	assert_int_equal(tot.sockets, N);
	assert_int_equal(tot.charged_pages, N);
	sock_table_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_agg_add_single),
		cmocka_unit_test(test_agg_add_old_kernel_and_timewait),
		cmocka_unit_test(test_totals),
		cmocka_unit_test(test_endpoint),
		cmocka_unit_test(test_by_process),
		cmocka_unit_test(test_by_process_no_orphan_row),
		cmocka_unit_test(test_by_process_without_owners),
		cmocka_unit_test(test_by_process_no_holder),
		cmocka_unit_test(test_is_proc),
		cmocka_unit_test(test_sock_category),
		cmocka_unit_test(test_sort_orders),
		cmocka_unit_test(test_sort_empty_and_one),
		cmocka_unit_test(test_sort_parse),
		cmocka_unit_test(test_reconcile),
		cmocka_unit_test(test_reconcile_absent),
		cmocka_unit_test(test_table_dedupe),
		cmocka_unit_test(test_table_growth),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
