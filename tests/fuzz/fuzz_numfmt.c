// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_numfmt.c - libFuzzer target for every number writer in outbuf.c.
 * Each output is decoded back by an independent reader and compared with
 * the input value (exactly, or for fmt_human with the rounding and unit
 * choice sockmem(8) documents), over the whole input type.
 *
 * Input: 8 bytes per value (fewer at the end are zero-extended), a run of
 * values; each is tried as uint64_t, int64_t, hundredths and a byte count,
 * after k * 37 spaces (k from the first byte) so that the writes cross the
 * memory buffer's growth at many offsets.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/outbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c)                         \
	do {                             \
		if (!(c))                \
			__builtin_trap(); \
	} while (0)

/* Reads a decimal without a sign or leading zeros at s[0..n); returns the
 * digits consumed (0 if none or a leading zero), value as a 128-bit number. */
static size_t read_digits(const char *s, size_t n, unsigned __int128 *v)
{
	size_t i = 0;

	*v = 0;
	while (i < n && s[i] >= '0' && s[i] <= '9')
		*v = *v * 10 + (unsigned)(s[i++] - '0');
	if (i > 1 && s[0] == '0')
		return 0;
	return i;
}

/* The memory buffer's text after pad spaces (which it checks). */
static const char *text_after(const struct outbuf *b, size_t pad, size_t *n)
{
	CHECK(b->err == 0 && b->len >= pad);
	for (size_t i = 0; i < pad; i++)
		CHECK(b->p[i] == ' ');
	*n = b->len - pad;
	return b->p + pad;
}

static void check_u64(struct outbuf *b, size_t pad, uint64_t v)
{
	char buf[32], ref[32];
	unsigned __int128 got;
	size_t n = fmt_u64(buf, v);
	const char *s;

	snprintf(ref, sizeof(ref), "%" PRIu64, v);
	CHECK(n == strlen(buf) && strcmp(buf, ref) == 0);
	ob_reset(b);
	ob_spaces(b, pad);
	ob_u64(b, v);
	s = text_after(b, pad, &n);
	CHECK(read_digits(s, n, &got) == n && got == v);
}

static void check_i64(struct outbuf *b, size_t pad, int64_t v)
{
	unsigned __int128 mag;
	size_t n, neg;
	const char *s;

	ob_reset(b);
	ob_spaces(b, pad);
	ob_i64(b, v);
	s = text_after(b, pad, &n);
	neg = n > 0 && s[0] == '-';
	CHECK(read_digits(s + neg, n - neg, &mag) == n - neg && n > neg);
	CHECK(neg == (v < 0));
	CHECK(neg ? mag == (unsigned __int128)((uint64_t)0 - (uint64_t)v) : mag == (uint64_t)v);
}

/* "[-]I.DD": exactly two decimals, a sign exactly when v < 0. */
static void check_hundredths(struct outbuf *b, size_t pad, int64_t v)
{
	unsigned __int128 ip;
	size_t n, neg, k;
	const char *s;

	ob_reset(b);
	ob_spaces(b, pad);
	ob_hundredths(b, v);
	s = text_after(b, pad, &n);
	neg = n > 0 && s[0] == '-';
	CHECK(neg == (v < 0));
	k = read_digits(s + neg, n - neg, &ip);
	CHECK(k > 0 && neg + k + 3 == n && s[neg + k] == '.');
	CHECK(s[n - 2] >= '0' && s[n - 2] <= '9' && s[n - 1] >= '0' && s[n - 1] <= '9');
	unsigned __int128 mag = ip * 100 + (unsigned)(s[n - 2] - '0') * 10 + (unsigned)(s[n - 1] - '0');

	CHECK(neg ? mag == (unsigned __int128)((uint64_t)0 - (uint64_t)v) : mag == (uint64_t)v);
}

/* round_half_up(bytes * 10 / 1024^(u+1)), exactly. */
static unsigned __int128 tenths_at(uint64_t bytes, int u)
{
	unsigned __int128 div = (unsigned __int128)1 << (10 * (u + 1));

	return ((unsigned __int128)bytes * 10 + div / 2) / div;
}

/*
 * fmt_human: below 1024 the plain number; else "I.DU" with U in KMGTPE,
 * the tenths rounded half up in that unit, and the unit the smallest in
 * which the rounded value stays below 1024.0 (E has no larger one).
 */
static void check_human(uint64_t bytes)
{
	static const char units[] = "KMGTPE";
	char buf[32];
	unsigned __int128 ip;
	size_t n, k;
	int u;

	memset(buf, 'x', sizeof(buf));
	n = fmt_human(buf, bytes);
	CHECK(n < 16 && n == strlen(buf));
	if (bytes < 1024) {
		CHECK(read_digits(buf, n, &ip) == n && ip == bytes);
		return;
	}
	k = read_digits(buf, n, &ip);
	CHECK(k > 0 && k + 3 == n && buf[k] == '.' && buf[k + 1] >= '0' && buf[k + 1] <= '9');
	const char *unit = memchr(units, buf[n - 1], 6);

	CHECK(unit != NULL);
	u = (int)(unit - units);
	CHECK(ip * 10 + (unsigned)(buf[k + 1] - '0') == tenths_at(bytes, u));
	CHECK(u == 5 || tenths_at(bytes, u) < 10240);
	CHECK(u == 0 || tenths_at(bytes, u - 1) >= 10240);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct outbuf b;
	size_t pad = size ? (size_t)(data[0] % 128) * 37 : 0;

	if (ob_init_mem(&b))
		return 0;
	for (size_t off = 0; off < size || off == 0; off += 8) {
		uint64_t v = 0;

		for (size_t i = 0; i < 8 && off + i < size; i++)
			v |= (uint64_t)data[off + i] << (8 * i);
		check_u64(&b, pad, v);
		check_i64(&b, pad, (int64_t)v);
		check_hundredths(&b, pad, (int64_t)v);
		check_human(v);
		/* small values too: every unit boundary is near a power of 1024 */
		check_human(v >> (v & 63));
		if (size == 0)
			break;
	}
	CHECK(ob_finish(&b) == 0);
	return 0;
}
