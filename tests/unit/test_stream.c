// SPDX-License-Identifier: GPL-2.0-or-later
/* test_stream.c - a streaming socket table (batches, its dedup window,
 * retained records) and the owners' inode index that joins each batch. */
#include "testutil.h"

#include <errno.h>

#include "model/owners.h"

/* What a flush saw; it keeps the record with the largest cookie. */
struct seen {
	size_t flushes, records;
	uint64_t cookie_sum;
	bool keep_max;
};

static int count_flush(void *ctx, struct sock_table *t)
{
	struct seen *s = ctx;
	uint32_t best = 0;

	s->flushes++;
	for (size_t i = t->kept; i < t->n; i++) {
		s->records++;
		s->cookie_sum += t->v[i].cookie;
	}
	for (uint32_t i = 1; i < t->n; i++)
		if (t->v[i].cookie > t->v[best].cookie)
			best = i;
	return sock_table_retain(t, &best, s->keep_max && t->n ? 1 : 0);
}

static void add(struct sock_table *t, uint64_t cookie, int want)
{
	struct sock_rec r = tu_sock(cookie, (uint32_t)cookie, 0, 0, 0);

	assert_int_equal(sock_table_add(t, &r), want);
}

/* Every batch reaches the flush once; a repeat within the window (this or
 * the previous batch) is dropped, one two batches back is not seen. */
static void test_batches_and_window(void **state)
{
	struct sock_table t = { 0 };
	struct seen s = { 0 };

	(void)state;
	sock_table_stream(&t, count_flush, &s, 4);
	for (uint64_t c = 1; c <= 4; c++)
		add(&t, c, 1);
	assert_int_equal(s.flushes, 1); /* the 4th record filled the batch */
	assert_int_equal(t.n, 0);
	add(&t, 4, 0); /* a dump resumed inside a bucket: sent again, dropped */
	add(&t, 3, 0);
	assert_int_equal(t.dup_dropped, 2);
	for (uint64_t c = 5; c <= 8; c++)
		add(&t, c, 1);
	assert_int_equal(s.flushes, 2);
	add(&t, 6, 0);
	add(&t, 2, 1); /* outside the window: a dump cannot send it again */
	add(&t, 9, 1);
	assert_int_equal(sock_table_flush(&t), 0);
	assert_int_equal(sock_table_flush(&t), 0); /* nothing new: no flush */
	assert_int_equal(s.flushes, 3);
	assert_int_equal(s.records, 10);
	assert_int_equal(t.flushed, 10);
	assert_int_equal(s.cookie_sum, 36 + 2 + 9);
	sock_table_free(&t);
}

/* With a dedup window larger than the batch, cookies stay seen for at
 * least that many records (the current and the previous generation of at
 * least `window` records each): a repeat 3 batches back is dropped; once
 * the generation it was in rotated out, it is not. */
static void test_dedup_window(void **state)
{
	struct sock_table t = { 0 };
	struct seen s = { 0 };

	(void)state;
	sock_table_stream(&t, count_flush, &s, 2);
	sock_table_dedup_window(&t, 6);
	for (uint64_t c = 1; c <= 9; c++) /* 1..6 fill a generation */
		add(&t, c, 1);
	assert_int_equal(s.flushes, 4);
	add(&t, 1, 0); /* 8 records and 4 batches back: still seen */
	add(&t, 2, 0);
	add(&t, 8, 0); /* this generation */
	for (uint64_t c = 10; c <= 14; c++) /* 7..12 fill the next one */
		add(&t, c, 1);
	add(&t, 9, 0); /* the previous generation */
	add(&t, 6, 1); /* two generations back: out of the window */
	assert_int_equal(t.dup_dropped, 4);
	sock_table_free(&t);
}

/* Retained records stay at the front, are not flushed twice, and their
 * cookies still count as seen. */
static void test_retain(void **state)
{
	struct sock_table t = { 0 };
	struct seen s = { .keep_max = true };

	(void)state;
	sock_table_stream(&t, count_flush, &s, 3);
	add(&t, 10, 1);
	add(&t, 30, 1);
	add(&t, 20, 1);
	assert_int_equal(t.n, 1);
	assert_int_equal(t.kept, 1);
	assert_int_equal(t.v[0].cookie, 30);
	add(&t, 40, 1);
	add(&t, 5, 1);
	add(&t, 30, 0); /* the retained one */
	add(&t, 6, 1);
	assert_int_equal(s.flushes, 2); /* 3 new records since the first flush */
	assert_int_equal(t.v[0].cookie, 40);
	add(&t, 30, 0); /* retained two batches ago, then in the previous batch's window */
	assert_int_equal(sock_table_flush(&t), 0);
	assert_int_equal(s.records, 6);
	sock_table_free(&t);
}

/* A flush error comes back from the add that filled the batch. */
static int fail_flush(void *ctx, struct sock_table *t)
{
	(void)ctx;
	(void)t;
	return -EIO;
}

static void test_flush_error(void **state)
{
	struct sock_table t = { 0 };

	(void)state;
	sock_table_stream(&t, fail_flush, NULL, 2);
	add(&t, 1, 1);
	add(&t, 2, -EIO);
	sock_table_free(&t);
}

/* The inode index finds exactly the links a linear search finds, for
 * inodes in, between, below and above the links, with gaps and runs. */
static void test_join_range(void **state)
{
	struct owners o = { 0 };
	struct sock_table t = { 0 };
	uint32_t seed = 12345;

	(void)state;
	o.nprocs = 3;
	o.procs = calloc(3, sizeof(*o.procs));
	assert_non_null(o.procs);
	o.procs[0].pid = 30;
	o.procs[1].pid = 10;
	o.procs[2].pid = 20;
	for (int i = 0; i < 5000; i++) {
		seed = seed * 1103515245u + 12345u;
		uint32_t ino = 1000000 + (seed >> 8) % 40000;

		/* some inodes held twice by one process (a repeat to drop) */
		assert_int_equal(owners_add_link(&o, ino, seed % 3, (int32_t)(i % 7)), 0);
		if (i % 50 == 0)
			assert_int_equal(owners_add_link(&o, ino, seed % 3, (int32_t)(i % 7)), 0);
	}
	assert_int_equal(owners_stream_prepare(&o), 0);
	assert_int_equal(o.procs[0].pid, 10); /* pid order, links renumbered */
	for (size_t i = 1; i < o.nlinks; i++)
		assert_true(o.links[i - 1].sock < o.links[i].sock ||
			    (o.links[i - 1].sock == o.links[i].sock &&
			     (o.links[i - 1].proc < o.links[i].proc ||
			      (o.links[i - 1].proc == o.links[i].proc &&
			       o.links[i - 1].fd < o.links[i].fd))));
	for (uint32_t ino = 999990; ino < 1040010; ino += 7) {
		struct sock_rec r = tu_sock(ino, ino, 0, 0, 0);

		assert_int_equal(sock_table_add(&t, &r), 1);
	}
	struct sock_rec zero = tu_sock(1, 0, 0, 0, 0);

	assert_int_equal(sock_table_add(&t, &zero), 1);
	owners_join_range(&o, &t, 0, t.n);
	for (size_t i = 0; i < t.n; i++) {
		uint32_t first = 0, n = 0;

		for (size_t l = 0; l < o.nlinks; l++)
			if (t.v[i].inode && o.links[l].sock == t.v[i].inode && n++ == 0)
				first = (uint32_t)l;
		assert_int_equal(t.v[i].own_n, n);
		if (n)
			assert_int_equal(t.v[i].own_first, first);
	}
	sock_table_free(&t);
	owners_free(&o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_batches_and_window),
		cmocka_unit_test(test_dedup_window),
		cmocka_unit_test(test_retain),
		cmocka_unit_test(test_flush_error),
		cmocka_unit_test(test_join_range),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
