/* SPDX-License-Identifier: GPL-2.0-or-later */
/* testutil.h - helpers shared by the cmocka unit tests (header-only). */
#ifndef SOCKMEM_TESTUTIL_H
#define SOCKMEM_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/maybe.h"
#include "util/outbuf.h"
#include "model/sock.h"

/* Fixture trees, relative to the repository root (the tests' cwd). */
#define FIX_HOST "tests/fixtures/host"
#define FIX_CONTAINER "tests/fixtures/container"
#define FIX_OLD "tests/fixtures/old-kernel"
#define FIX_BAD_SOCKSTAT "tests/fixtures/bad-sockstat"
#define FIX_OWNERS "tests/fixtures/proc-owners"

/* A present maybe with exactly value v (signed compare, readable on failure). */
#define assert_maybe(m, val)                                                   \
	do {                                                                   \
		struct maybe m_ = (m);                                         \
		assert_true(m_.has);                                           \
		assert_true(m_.v == (int64_t)(val));                           \
	} while (0)

/* An absent maybe: has == false, and never reported as a value. */
#define assert_absent(m) assert_false((m).has)

/* Compares a memory outbuf's contents with a C string, printing both on failure. */
#define assert_ob_eq(b, expect)                                                \
	do {                                                                   \
		char *got_ = malloc((b)->len + 1);                             \
		assert_non_null(got_);                                         \
		memcpy(got_, (b)->p, (b)->len);                                \
		got_[(b)->len] = '\0';                                         \
		assert_string_equal(got_, (expect));                           \
		assert_int_equal((b)->len, strlen(expect));                    \
		free(got_);                                                    \
	} while (0)

/* A socket record with full (9-value) skmem, ESTAB, no tcp_info. */
static inline struct sock_rec tu_sock(uint64_t cookie, uint32_t inode, uint32_t r, uint32_t w,
				      uint32_t f)
{
	struct sock_rec s;

	memset(&s, 0, sizeof(s));
	s.cookie = cookie;
	s.inode = inode;
	s.family = 2; /* AF_INET */
	s.state = SOCK_TCP_ESTABLISHED;
	s.skmem_n = SKM_N;
	s.skmem[SKM_R] = r;
	s.skmem[SKM_W] = w;
	s.skmem[SKM_F] = f;
	return s;
}

/* A TIME-WAIT-like record: no skmem at all. */
static inline struct sock_rec tu_sock_noskmem(uint64_t cookie)
{
	struct sock_rec s;

	memset(&s, 0, sizeof(s));
	s.cookie = cookie;
	s.family = 2;
	s.state = SOCK_TCP_TIME_WAIT;
	return s;
}

#endif
