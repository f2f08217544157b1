/* SPDX-License-Identifier: GPL-2.0-or-later */
/* maybe.h - a kernel-reported value that may be absent. */
#ifndef SOCKMEM_MAYBE_H
#define SOCKMEM_MAYBE_H

#include <stdbool.h>
#include <stdint.h>

/*
 * A number the kernel may or may not have given us. "has == false" means
 * the kernel did not report it (file missing, field too short, old kernel):
 * it is printed as absent ("-" in tables, empty in TSV, null in JSON), never 0.
 */
struct maybe {
	int64_t v;
	bool has;
};

static inline struct maybe maybe_of(int64_t v)
{
	struct maybe m = { v, true };
	return m;
}

static inline struct maybe maybe_none(void)
{
	struct maybe m = { 0, false };
	return m;
}

/* m times k, absent if m is absent or the product does not fit. */
static inline struct maybe maybe_mul(struct maybe m, int64_t k)
{
	int64_t v;

	if (!m.has || __builtin_mul_overflow(m.v, k, &v))
		return maybe_none();
	return maybe_of(v);
}

#endif
