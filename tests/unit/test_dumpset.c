// SPDX-License-Identifier: GPL-2.0-or-later
/* test_dumpset.c - diag_dump_set: dumps received on threads of their own
 * (nl_pipe), run at once into one table, against loopback sockets this
 * test opens; TCP's two families in one legacy dump; a consumer that gives
 * up mid-dump; nl_ends_dump on bytes. */
#include "testutil.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "collect/diag.h"
#include "collect/nl.h"

#define NPAIRS 150 /* per family: a listener and 150 connections */

/* Loopback sockets of one family: a listener, NPAIRS clients and the
 * NPAIRS accepted ends; inode[] holds every one's inode. */
struct pop {
	int fds[2 * NPAIRS + 1];
	uint32_t inode[2 * NPAIRS + 1];
	size_t n;
};

static uint32_t fd_inode(int fd)
{
	struct stat st;

	assert_int_equal(fstat(fd, &st), 0);
	return (uint32_t)st.st_ino;
}

static void pop_keep(struct pop *p, int fd)
{
	assert_true(fd >= 0);
	p->fds[p->n] = fd;
	p->inode[p->n++] = fd_inode(fd);
}

/* Returns 0, or -1 when the family cannot be used here (no ::1). */
static int pop_open(struct pop *p, int family)
{
	struct sockaddr_storage ss;
	socklen_t len = family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);
	int l = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);

	memset(&ss, 0, sizeof(ss));
	ss.ss_family = (sa_family_t)family;
	if (family == AF_INET)
		((struct sockaddr_in *)&ss)->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	else
		((struct sockaddr_in6 *)&ss)->sin6_addr = in6addr_loopback;
	p->n = 0;
	if (l < 0 || bind(l, (struct sockaddr *)&ss, len) != 0 || listen(l, 2 * NPAIRS) != 0) {
		if (l >= 0)
			close(l);
		return -1;
	}
	assert_int_equal(getsockname(l, (struct sockaddr *)&ss, &len), 0);
	pop_keep(p, l);
	for (int i = 0; i < NPAIRS; i++) {
		int c = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);

		assert_int_equal(connect(c, (struct sockaddr *)&ss, len), 0);
		pop_keep(p, c);
		pop_keep(p, accept4(l, NULL, NULL, SOCK_CLOEXEC));
	}
	return 0;
}

static void pop_close(struct pop *p)
{
	for (size_t i = 0; i < p->n; i++)
		close(p->fds[i]);
	p->n = 0;
}

/* How many records of t carry inode ino (of family fam). */
static size_t count_inode(const struct sock_table *t, uint32_t ino, int fam)
{
	size_t n = 0;

	for (size_t i = 0; i < t->n; i++)
		n += t->v[i].inode == ino && t->v[i].family == fam;
	return n;
}

/* Opens both populations; returns -1 (nothing left open) where ::1 is
 * missing. */
static int pops_open(struct pop *p4, struct pop *p6)
{
	assert_int_equal(pop_open(p4, AF_INET), 0);
	if (pop_open(p6, AF_INET6) == 0)
		return 0;
	pop_close(p4);
	return -1;
}

static void set_of(struct diag_job *set)
{
	memset(set, 0, 2 * sizeof(*set));
	set[0].family = AF_INET;
	set[1].family = AF_INET6;
	for (int i = 0; i < 2; i++) {
		set[i].req.protocol = SOCK_PROTO_TCP;
		set[i].req.states = 0xffffffffu;
		set[i].netns_ino = 4026531840u + (uint64_t)i;
	}
}

/* Both families at once: each of our sockets exactly once, with its
 * family's tag, and the counts add up. */
static void test_both_families_at_once(void **state)
{
	struct pop p4, p6;
	struct diag_job set[2];
	struct sock_table t = { 0 };
	struct diag_stats st = { 0 };
	struct diag_err e;
	int err;

	(void)state;
	if (pops_open(&p4, &p6))
		skip(); /* no ::1 here */
	set_of(set);
	err = diag_dump_set(set, 2, &t, &st, &e);
	if (err == -EPROTONOSUPPORT || err == -EACCES || err == -EPERM) {
		pop_close(&p4);
		pop_close(&p6);
		sock_table_free(&t);
		skip(); /* no sock_diag for this user or kernel */
	}
	assert_int_equal(err, 0);
	for (size_t i = 0; i < p4.n; i++)
		assert_int_equal(count_inode(&t, p4.inode[i], AF_INET), 1);
	for (size_t i = 0; i < p6.n; i++)
		assert_int_equal(count_inode(&t, p6.inode[i], AF_INET6), 1);
	for (size_t i = 0; i < t.n; i++)
		assert_int_equal(t.v[i].netns_ino, 4026531840u + (t.v[i].family == AF_INET6));
	/* every reply became one record or a duplicate dropped */
	assert_int_equal(st.messages, t.n + t.dup_dropped);
	assert_int_equal(st.malformed, 0);
	assert_true(st.recv_calls >= 2);
	pop_close(&p4);
	pop_close(&p6);
	sock_table_free(&t);
}

/* TCP's both families in one dump (AF_UNSPEC: the legacy TCPDIAG_GETSOCK
 * request): every socket once, each with its own family; the same set as
 * the two dumps of one family each. */
static void test_one_dump_both_families(void **state)
{
	struct pop p4, p6;
	struct diag_job set[2], both;
	struct sock_table t = { 0 }, t2 = { 0 };
	struct diag_stats st = { 0 }, st2 = { 0 };
	struct diag_err e;
	int err;

	(void)state;
	if (pops_open(&p4, &p6))
		skip();
	set_of(set);
	both = set[0];
	both.family = AF_UNSPEC;
	err = diag_dump_set(&both, 1, &t, &st, &e);
	if (err) { /* a kernel without the legacy request, or no sock_diag */
		pop_close(&p4);
		pop_close(&p6);
		sock_table_free(&t);
		skip();
	}
	assert_int_equal(st.dumps, 1);
	for (size_t i = 0; i < p4.n; i++)
		assert_int_equal(count_inode(&t, p4.inode[i], AF_INET), 1);
	for (size_t i = 0; i < p6.n; i++)
		assert_int_equal(count_inode(&t, p6.inode[i], AF_INET6), 1);
	assert_int_equal(st.messages, t.n + t.dup_dropped);
	/* the per-family dumps find our sockets the same way */
	assert_int_equal(diag_dump_set(set, 2, &t2, &st2, &e), 0);
	assert_int_equal(st2.dumps, 2);
	for (size_t i = 0; i < p6.n; i++)
		assert_int_equal(count_inode(&t2, p6.inode[i], AF_INET6), 1);
	pop_close(&p4);
	pop_close(&p6);
	sock_table_free(&t);
	sock_table_free(&t2);
}

static int give_up(void *ctx, struct sock_table *t)
{
	int *calls = ctx;

	(void)t;
	return ++*calls == 2 ? -ECANCELED : 0;
}

/* The consumer fails mid-dump (a streaming table's second flush): the
 * error comes back, both receivers stop, nothing hangs or leaks. */
static void test_consumer_gives_up(void **state)
{
	struct pop p4;
	struct diag_job set[2];
	struct sock_table t = { 0 };
	struct diag_stats st = { 0 };
	struct diag_err e;
	int calls = 0, err;

	(void)state;
	assert_int_equal(pop_open(&p4, AF_INET), 0);
	set_of(set);
	sock_table_stream(&t, give_up, &calls, 16);
	err = diag_dump_set(set, 2, &t, &st, &e);
	if (err == -EPROTONOSUPPORT || err == -EACCES || err == -EPERM) {
		pop_close(&p4);
		sock_table_free(&t);
		skip();
	}
	assert_int_equal(err, -ECANCELED);
	assert_int_equal(calls, 2);
	assert_non_null(e.where);
	assert_true(strncmp(e.where, "netlink dump (AF_INET", 21) == 0);
	pop_close(&p4);
	sock_table_free(&t);
}

/* A datagram of n messages of type types[i], each 20 bytes (16 + 4). */
static size_t dgram(uint8_t *b, const uint16_t *types, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct nlmsghdr h = { .nlmsg_len = 20, .nlmsg_type = types[i] };

		memcpy(b + 20 * i, &h, sizeof(h));
		memset(b + 20 * i + sizeof(h), 0, 4);
	}
	return 20 * n;
}

static void test_ends_dump(void **state)
{
	_Alignas(8) uint8_t b[256];
	const uint16_t data[3] = { SOCK_DIAG_BY_FAMILY, SOCK_DIAG_BY_FAMILY, SOCK_DIAG_BY_FAMILY };
	const uint16_t done[3] = { SOCK_DIAG_BY_FAMILY, SOCK_DIAG_BY_FAMILY, NLMSG_DONE };
	const uint16_t error[2] = { NLMSG_ERROR, SOCK_DIAG_BY_FAMILY };
	struct nlmsghdr h;
	size_t len;

	(void)state;
	memset(b, 0, sizeof(b));
	assert_false(nl_ends_dump((char *)b, dgram(b, data, 3)));
	assert_true(nl_ends_dump((char *)b, dgram(b, done, 3)));
	assert_true(nl_ends_dump((char *)b, dgram(b, error, 2)));
	assert_false(nl_ends_dump((char *)b, 0));
	/* bytes that are no whole messages end it too (the reader refuses them) */
	len = dgram(b, data, 3);
	assert_true(nl_ends_dump((char *)b, len - 1)); /* last one cut short */
	assert_true(nl_ends_dump((char *)b, len + 8)); /* a tail shorter than a header */
	memcpy(&h, b + 20, sizeof(h));
	h.nlmsg_len = 8; /* shorter than its header */
	memcpy(b + 20, &h, sizeof(h));
	assert_true(nl_ends_dump((char *)b, len));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_both_families_at_once),
		cmocka_unit_test(test_one_dump_both_families),
		cmocka_unit_test(test_consumer_gives_up),
		cmocka_unit_test(test_ends_dump),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
