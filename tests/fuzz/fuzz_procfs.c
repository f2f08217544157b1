// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_procfs.c - libFuzzer target for the pure /proc text parsers.
 *
 * The input, NUL-terminated (an embedded NUL just ends the text early, as it
 * would for procfs_read()'s buffer), goes to every parser. num_i64_prefix()
 * is also checked against strtoll() at every token start.
 */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "collect/procfs.h"
#include "util/num.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A maybe the parser did not set must stay exactly absent. */
static void check_absent_or_set(const struct maybe *m)
{
	if (!m->has && m->v != 0)
		__builtin_trap();
}

/* num_i64_prefix at s: [-]digits within [-INT64_MAX, INT64_MAX], else an error. */
static void check_strtoi64(const char *s)
{
	const char *end = s;
	int64_t v = 12345;
	int ret = num_i64_prefix(s, &end, &v);
	const char *d = *s == '-' ? s + 1 : s;

	if (!isdigit((unsigned char)*d)) {
		if (ret != -EINVAL || end != s || v != 12345)
			__builtin_trap();
		return;
	}
	/* strtoll on "[-]digits" agrees except that it accepts INT64_MIN. */
	char *rend;

	errno = 0;
	long long ref = strtoll(s, &rend, 10);
	int rerr = errno;

	if (ret == 0) {
		if (rerr != 0 || ref != v || rend != end || ref == INT64_MIN)
			__builtin_trap();
		if (num_i64_prefix(s, NULL, &v) != 0 || v != ref)
			__builtin_trap();
	} else if (ret == -ERANGE) {
		if (rerr != ERANGE && ref != INT64_MIN)
			__builtin_trap();
		if (end != s)
			__builtin_trap();
	} else {
		__builtin_trap();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';

	struct sockstat ss;

	memset(&ss, 0, sizeof(ss));
	int r1 = procfs_parse_sockstat(text, &ss);
	int r2 = procfs_parse_sockstat6(text, &ss);

	if ((r1 != 0 && r1 != -EINVAL) || (r2 != 0 && r2 != -EINVAL))
		__builtin_trap();
	if (r1 != 0 && (ss.inuse.has || ss.orphan.has || ss.tw.has || ss.alloc.has || ss.mem_pages.has))
		__builtin_trap();
	if (r2 != 0 && ss.inuse6.has)
		__builtin_trap();
	check_absent_or_set(&ss.inuse);
	check_absent_or_set(&ss.mem_pages);
	check_absent_or_set(&ss.sockets_used);

	struct protocols pr;

	memset(&pr, 0, sizeof(pr));
	int r3 = procfs_parse_protocols(text, &pr);

	if (r3 != 0 && r3 != -EINVAL)
		__builtin_trap();
	if (r3 != 0 && (pr.memory_pages.has || pr.pressure.has))
		__builtin_trap();
	if (pr.pressure.has && pr.pressure.v != 0 && pr.pressure.v != 1)
		__builtin_trap();
	check_absent_or_set(&pr.memory_pages);

	struct maybe tx[TX_N];

	memset(tx, 0, sizeof(tx));
	int r4 = procfs_parse_netstat(text, tx);

	if (r4 != 0 && r4 != -EINVAL)
		__builtin_trap();
	for (int i = 0; i < TX_N; i++) {
		if (r4 != 0 && tx[i].has)
			__builtin_trap();
		check_absent_or_set(&tx[i]);
	}

	/* the Udp/Udp6 counters: nothing set on a refusal; a guard after out[] */
	struct maybe udp[UC_N + 1];

	for (int six = 0; six < 2; six++) {
		memset(udp, 0, sizeof(udp));
		int r6 = six ? procfs_parse_snmp6_udp(text, udp) : procfs_parse_snmp_udp(text, udp);

		if (r6 != 0 && r6 != -EINVAL)
			__builtin_trap();
		for (int i = 0; i < UC_N; i++) {
			if (r6 != 0 && udp[i].has)
				__builtin_trap();
			check_absent_or_set(&udp[i]);
		}
		if (udp[UC_N].has || udp[UC_N].v)
			__builtin_trap();
	}
	if (r1 == 0)
		check_absent_or_set(&ss.udp_mem_pages);
	check_absent_or_set(&pr.udp_memory_pages);
	if (pr.udp_pressure.has && pr.udp_pressure.v != 0 && pr.udp_pressure.v != 1)
		__builtin_trap();

	/* out[] sized exactly n, with a guard that must stay untouched. */
	for (int n = 0; n <= 3; n++) {
		struct maybe ints[4];

		memset(ints, 0, sizeof(ints));
		int r5 = procfs_parse_ints(text, ints, n);

		if (r5 != -EINVAL && (r5 < 1 || r5 > n))
			__builtin_trap();
		int got = r5 < 0 ? 0 : r5;

		for (int i = 0; i < 4; i++)
			if (ints[i].has != (i < got))
				__builtin_trap();
	}

	/* Every token start: the beginning and after each non-number byte. */
	check_strtoi64(text);
	for (size_t i = 1; i < size && text[i]; i++) {
		unsigned char prev = (unsigned char)text[i - 1];

		if (!isdigit(prev) && prev != '-')
			check_strtoi64(text + i);
	}

	free(text);
	return 0;
}
