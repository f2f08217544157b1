/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nl.h - netlink socket, dump request and the parse of one dump datagram;
 * receiving is nl_pipe's. */
#ifndef SOCKMEM_NL_H
#define SOCKMEM_NL_H

#include <libmnl/libmnl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* An open netlink socket. */
struct nl {
	struct mnl_socket *sk;
	uint32_t portid;
	uint32_t seq;
	uint64_t recv_calls, bytes; /* datagrams parsed, and their bytes */
	char ext_ack[128]; /* kernel's extended ACK message of the last error (raw) */
};

/* Opens and binds a netlink socket of the given protocol with extended ACKs
 * and a large SO_RCVBUF. Returns 0 or -errno. */
int nl_open(struct nl *n, int protocol);
void nl_close(struct nl *n);

/*
 * Runs cb over the len bytes at buf, one datagram received on n for the
 * dump with sequence number seq (pure but for n's counters and ext_ack:
 * tests feed it bytes). Returns 1 when more datagrams follow, 0 at the end
 * of the dump, or -errno: the kernel's error (n->ext_ack set when it gave
 * a message), -EINTR for an interrupted dump (NLM_F_DUMP_INTR), a
 * callback's error, or -EBADMSG if the bytes are not whole netlink
 * messages.
 */
int nl_dump_recv(struct nl *n, const char *buf, size_t len, uint32_t seq, mnl_cb_t cb,
		 void *data);

/* Sends the dump request in nlh with the socket's next sequence number
 * (n->seq afterwards). Returns 0 or -errno. */
int nl_request(struct nl *n, struct nlmsghdr *nlh);

/* Whether the len bytes of one datagram end a dump: they hold an
 * NLMSG_DONE or NLMSG_ERROR message, or are no whole messages (the reader
 * refuses them). Reads headers only; any sequence number. */
bool nl_ends_dump(const char *buf, size_t len);

#endif
