/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nl.h - netlink socket and dump loop shared by every netlink request. */
#ifndef SOCKMEM_NL_H
#define SOCKMEM_NL_H

#include <libmnl/libmnl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A dump's receive buffer: the kernel caps one dump skb at about 32 KiB;
 * a larger buffer never loses data. */
#define NL_DUMP_BUFLEN (64 * 1024)

/* An open netlink socket with its receive buffer. */
struct nl {
	struct mnl_socket *sk;
	uint32_t portid;
	uint32_t seq;
	char *buf;
	size_t buflen;
	uint64_t recv_calls, bytes;
	char ext_ack[128]; /* kernel's extended ACK message of the last error (raw) */
};

/* Opens and binds a netlink socket of the given protocol with extended ACKs
 * and a large SO_RCVBUF. Returns 0 or -errno. */
int nl_open(struct nl *n, int protocol);
void nl_close(struct nl *n);

/*
 * Sends the request in nlh (seq and portid are set here) and runs cb on
 * every reply until NLMSG_DONE. Returns 0, or -errno: the kernel's error
 * (with n->ext_ack set when it gave a message), -EINTR for an interrupted
 * dump after retries are exhausted by the caller, or a callback's error.
 */
int nl_dump(struct nl *n, struct nlmsghdr *nlh, mnl_cb_t cb, void *data);

/*
 * The body of nl_dump's receive loop, apart so that tests can feed it bytes:
 * runs cb over the len bytes one recvmsg put in n->buf, for the dump with
 * sequence number seq. Returns 1 when more datagrams follow, 0 at the end of
 * the dump, or -errno as nl_dump (-EBADMSG if the bytes are not whole
 * netlink messages).
 */
int nl_dump_recv(struct nl *n, size_t len, uint32_t seq, mnl_cb_t cb, void *data);

/* nl_dump_recv over len bytes at buf instead of n->buf (a datagram another
 * thread received for n). Same returns. */
int nl_recv_buf(struct nl *n, const char *buf, size_t len, uint32_t seq, mnl_cb_t cb, void *data);

/* Sends the dump request in nlh with the socket's next sequence number
 * (n->seq afterwards). Returns 0 or -errno. */
int nl_request(struct nl *n, struct nlmsghdr *nlh);

/* Whether the len bytes of one datagram end a dump: they hold an
 * NLMSG_DONE or NLMSG_ERROR message, or are no whole messages (the reader
 * refuses them). Reads headers only; any sequence number. */
bool nl_ends_dump(const char *buf, size_t len);

#endif
