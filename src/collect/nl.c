// SPDX-License-Identifier: GPL-2.0-or-later
/* nl.c - netlink socket set-up and the shared dump receive loop. */
#include "collect/nl.h"

#include <errno.h>
#include <stdbool.h>
#include <linux/netlink.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif
#ifndef NETLINK_CAP_ACK
#define NETLINK_CAP_ACK 10
#endif


int nl_open(struct nl *n, int protocol)
{
	int one = 1, rcvbuf = 1 << 20;

	memset(n, 0, sizeof(*n));
	n->sk = mnl_socket_open2(protocol, SOCK_CLOEXEC);
	if (!n->sk)
		return -errno;
	/* Optional: older kernels lack them, which only costs error detail. */
	mnl_socket_setsockopt(n->sk, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(n->sk, NETLINK_CAP_ACK, &one, sizeof(one));
	setsockopt(mnl_socket_get_fd(n->sk), SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	if (mnl_socket_bind(n->sk, 0, MNL_SOCKET_AUTOPID) < 0) {
		int err = -errno;

		mnl_socket_close(n->sk);
		n->sk = NULL;
		return err;
	}
	n->portid = mnl_socket_get_portid(n->sk);
	n->seq = 1;
	return 0;
}

void nl_close(struct nl *n)
{
	if (n->sk)
		mnl_socket_close(n->sk);
	n->sk = NULL;
}

/* Carries the caller's callback through libmnl, which passes one data
 * pointer to both data and control callbacks. */
struct dump_ctx {
	struct nl *n;
	mnl_cb_t cb;
	void *data;
};

static int data_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct dump_ctx *c = data;

	return c->cb(nlh, c->data);
}

/* The errno of a kernel's negative error code; EPROTO for a value that is
 * no errno (positive, or beyond -MAX_ERRNO, such as INT_MIN). */
static int kernel_errno(int e)
{
	return e < 0 && e >= -4095 ? -e : EPROTO;
}

static int done_cb(const struct nlmsghdr *nlh, void *data)
{
	(void)data;
	/* A dump's NLMSG_DONE carries an int error (e.g. from a bad bytecode). */
	if (mnl_nlmsg_get_payload_len(nlh) >= sizeof(int)) {
		int e;

		memcpy(&e, mnl_nlmsg_get_payload(nlh), sizeof(e));
		if (e < 0) {
			errno = kernel_errno(e);
			return MNL_CB_ERROR;
		}
	}
	return MNL_CB_STOP;
}

/* Copies the NLMSGERR_ATTR_MSG text of an error reply, if any. */
static int err_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nl *n = ((struct dump_ctx *)data)->n;
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *attr;
	size_t off = sizeof(*e);

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*e)))
		return MNL_CB_ERROR;
	if (e->error == 0)
		return MNL_CB_STOP;
	/* Uncapped, the request follows whole; the TLVs start after its padding. */
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) {
		if (e->msg.nlmsg_len < sizeof(e->msg))
			off = SIZE_MAX; /* a request shorter than its header: no TLVs */
		else
			off = MNL_ALIGN(off + e->msg.nlmsg_len - sizeof(e->msg));
	}
	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS && off <= mnl_nlmsg_get_payload_len(nlh)) {
		mnl_attr_for_each_payload((const void *)((const char *)e + off),
					  mnl_nlmsg_get_payload_len(nlh) - off)
		{
			if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG &&
			    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0) {
				snprintf(n->ext_ack, sizeof(n->ext_ack), "%s",
					 mnl_attr_get_str(attr));
				break;
			}
		}
	}
	errno = kernel_errno(e->error);
	return MNL_CB_ERROR;
}

/*
 * Whether buf[0..len) is whole netlink messages: each header's length at
 * least a header and within the bytes left (the last one may lack its
 * alignment padding). libmnl 1.0.4's mnl_nlmsg_ok() compares the length as
 * an int, so without this a length above INT_MAX reaches the callbacks and
 * its walk then steps to a wild address; a shorter overrun is dropped
 * without a word, and with it whatever sockets the datagram held.
 */
static int whole_messages(const char *buf, size_t len)
{
	while (len > 0) {
		struct nlmsghdr h;

		if (len < sizeof(h))
			return 0;
		memcpy(&h, buf, sizeof(h));
		if (h.nlmsg_len < sizeof(h) || h.nlmsg_len > len)
			return 0;
		if (MNL_ALIGN(h.nlmsg_len) >= len)
			return 1;
		buf += MNL_ALIGN(h.nlmsg_len);
		len -= MNL_ALIGN(h.nlmsg_len);
	}
	return 1;
}

int nl_dump_recv(struct nl *n, const char *buf, size_t len, uint32_t seq, mnl_cb_t cb,
		 void *data)
{
	mnl_cb_t ctl[NLMSG_MIN_TYPE] = { 0 };
	struct dump_ctx c = { n, cb, data };
	int ret;

	ctl[NLMSG_ERROR] = err_cb;
	ctl[NLMSG_DONE] = done_cb;
	n->recv_calls++;
	n->bytes += (uint64_t)len;
	if (!whole_messages(buf, len))
		return -EBADMSG;
	errno = 0;
	ret = mnl_cb_run2(buf, len, seq, n->portid, data_cb, &c, ctl, NLMSG_MIN_TYPE);
	if (ret == MNL_CB_STOP)
		return 0;
	if (ret < 0) {
		/* errno carries the kernel's or callback's error; EINTR = NLM_F_DUMP_INTR */
		return errno ? -errno : -EIO;
	}
	return 1;
}

bool nl_ends_dump(const char *buf, size_t len)
{
	while (len >= sizeof(struct nlmsghdr)) {
		struct nlmsghdr h;

		memcpy(&h, buf, sizeof(h));
		if (h.nlmsg_type == NLMSG_DONE || h.nlmsg_type == NLMSG_ERROR)
			return true;
		if (h.nlmsg_len < sizeof(h) || MNL_ALIGN(h.nlmsg_len) >= len)
			return h.nlmsg_len < sizeof(h) || h.nlmsg_len > len;
		buf += MNL_ALIGN(h.nlmsg_len);
		len -= MNL_ALIGN(h.nlmsg_len);
	}
	return len != 0;
}

int nl_request(struct nl *n, struct nlmsghdr *nlh)
{
	n->ext_ack[0] = '\0';
	nlh->nlmsg_seq = ++n->seq;
	nlh->nlmsg_pid = 0;
	return mnl_socket_sendto(n->sk, nlh, nlh->nlmsg_len) < 0 ? -errno : 0;
}
