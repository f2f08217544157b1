// SPDX-License-Identifier: GPL-2.0-or-later
/* num.c - checked decimal parsing. */
#include "util/num.h"

#include <errno.h>
#include <string.h>

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Accumulates the digits of s[0..n) into *v while it stays <= max. */
static int digits(const char *s, size_t n, uint64_t max, uint64_t *v)
{
	uint64_t acc = 0;

	if (n == 0)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		unsigned d;

		if (!is_digit(s[i]))
			return -EINVAL;
		d = (unsigned)(s[i] - '0');
		if (acc > (max - d) / 10)
			return -ERANGE;
		acc = acc * 10 + d;
	}
	*v = acc;
	return 0;
}

int num_u64n(const char *s, size_t n, uint64_t max, uint64_t *out)
{
	uint64_t v;
	int err = digits(s, n, max, &v);

	if (err) {
		/* a non-digit anywhere is EINVAL even after an overflow */
		for (size_t i = 0; i < n; i++)
			if (!is_digit(s[i]))
				return -EINVAL;
		return err;
	}
	*out = v;
	return 0;
}

int num_u64(const char *s, uint64_t max, uint64_t *out)
{
	return num_u64n(s, strlen(s), max, out);
}

int num_i64_prefix(const char *s, const char **end, int64_t *out)
{
	const char *p = s + (*s == '-');
	size_t n = 0;
	uint64_t v;
	int err;

	while (is_digit(p[n]))
		n++;
	/* [-INT64_MAX, INT64_MAX]: negating stays defined */
	err = digits(p, n, (uint64_t)INT64_MAX, &v);
	if (err)
		return err;
	if (end)
		*end = p + n;
	*out = *s == '-' ? -(int64_t)v : (int64_t)v;
	return 0;
}
