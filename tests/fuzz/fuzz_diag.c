// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_diag.c - libFuzzer target for diag_parse().
 *
 * Input: one mode byte, then bytes.
 *   mode even: the bytes are one netlink message; nlmsg_len is overwritten
 *              with the byte count (what a well-formed kernel reply declares).
 *   mode odd:  the bytes are a receive buffer; the first four bytes are the
 *              declared nlmsg_len. Messages are walked with mnl_nlmsg_ok() /
 *              mnl_nlmsg_next(), exactly as mnl_cb_run() does: diag_parse
 *              sees only messages the receive loop would deliver, i.e.
 *              nlmsg_len <= the bytes received -- or, through libmnl's
 *              signed-length hole, nlmsg_len > INT_MAX (see below).
 * A delivered message is a heap copy of exactly nlmsg_len bytes, so ASan
 * reports any read past the message.
 */
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "collect/diag.h"
#include "model/sock.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_rec(const struct sock_rec *r)
{
	if (r->family != AF_INET && r->family != AF_INET6)
		__builtin_trap();
	if (r->skmem_n > SKM_N)
		__builtin_trap();
	if (r->ti_mask >> TI_N)
		__builtin_trap();
	for (int i = 0; i < TI_N; i++)
		if (!sock_has_ti(r, (enum ti)i) && r->ti[i] != 0)
			__builtin_trap();
	for (int i = r->skmem_n; i < SKM_N; i++)
		if (r->skmem[i] != 0)
			__builtin_trap();
	if (!(r->flags & SOCK_HAS_CGROUP) && r->cgroup_id != 0)
		__builtin_trap();
	if (r->family == AF_INET) {
		static const uint8_t zero[12];

		if (memcmp(r->saddr + 4, zero, 12) || memcmp(r->daddr + 4, zero, 12))
			__builtin_trap();
	}
}

static void parse_one(const struct nlmsghdr *nlh)
{
	struct sock_rec rec;
	int ret = diag_parse(nlh, &rec);

	if (ret == 0)
		check_rec(&rec);
	else if (ret != -EBADMSG)
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	int mode = data[0] & 1;

	data++;
	size--;
	if (size < sizeof(struct nlmsghdr) || size > INT32_MAX)
		return 0;

	/* malloc's alignment is what a receive buffer has. */
	uint8_t *buf = malloc(size);

	if (!buf)
		return 0;
	memcpy(buf, data, size);

	if (mode == 0) {
		struct nlmsghdr *nlh = (struct nlmsghdr *)buf;

		nlh->nlmsg_len = (uint32_t)size;
		parse_one(nlh);
	} else {
		int len = (int)size;
		const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;

		while (mnl_nlmsg_ok(nlh, len)) {
			if (nlh->nlmsg_len > (uint32_t)len) {
				/*
				 * libmnl <= 1.0.5: mnl_nlmsg_ok() compares
				 * (int)nlmsg_len, so a length above INT_MAX
				 * passes and mnl_cb_run() hands the message to
				 * the callback. diag_parse must reject it
				 * without reading past the buffer. (libmnl's
				 * own mnl_nlmsg_next() then steps to a wild
				 * address, so the walk ends here.)
				 */
				parse_one(nlh);
				break;
			}
			/* Copy each message to exactly nlmsg_len bytes so a read
			 * into the next message (or the padding) is caught too. */
			struct nlmsghdr *one = malloc(nlh->nlmsg_len);

			if (!one)
				break;
			memcpy(one, nlh, nlh->nlmsg_len);
			parse_one(one);
			free(one);
			nlh = mnl_nlmsg_next(nlh, &len);
		}
	}
	free(buf);
	return 0;
}
