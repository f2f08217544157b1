/* SPDX-License-Identifier: GPL-2.0-or-later */
/* num.h - the one checked decimal parser: for /proc text, /proc names,
 * readlink buffers and command-line values alike. No locale, no blanks,
 * no '+', no base prefixes, overflow is an error. */
#ifndef SOCKMEM_NUM_H
#define SOCKMEM_NUM_H

#include <stddef.h>
#include <stdint.h>

/* Parses exactly s[0..n) as decimal digits (at least one) into a value
 * no larger than max. Returns 0, -EINVAL (not all digits, empty) or
 * -ERANGE (above max); *out is set only on success. */
int num_u64n(const char *s, size_t n, uint64_t max, uint64_t *out);

/* num_u64n over the whole NUL-terminated string s. */
int num_u64(const char *s, uint64_t max, uint64_t *out);

/* Parses an optional '-' and the digits that follow, stopping at the first
 * non-digit (*end, if end is not NULL, points there). Returns 0, -EINVAL
 * (no digit) or -ERANGE (outside int64_t). */
int num_i64_prefix(const char *s, const char **end, int64_t *out);

#endif
