// SPDX-License-Identifier: GPL-2.0-or-later
/* diag_dump.c - one SOCK_DIAG_BY_FAMILY dump of TCP sockets into a sock_table. */
#include "collect/diag.h"

#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "collect/nl.h"
#include "util/sig.h"

/* An interrupted dump is retried this many times before it is reported. */
#define DIAG_RETRIES 3

int diag_dump_msg(const struct nlmsghdr *nlh, void *data)
{
	struct diag_sink *d = data;
	struct sock_rec rec;
	int err;

	if (sig_interrupted()) {
		errno = EINTR;
		return MNL_CB_ERROR;
	}
	if (nlh->nlmsg_type != SOCK_DIAG_BY_FAMILY)
		return MNL_CB_OK;
	d->messages++;
	if (diag_parse(nlh, &rec) < 0) {
		/* A length no real reply has would send libmnl's walk astray. */
		if (nlh->nlmsg_len > INT32_MAX) {
			errno = EBADMSG;
			return MNL_CB_ERROR;
		}
		d->malformed++; /* counted and reported; the dump goes on */
		return MNL_CB_OK;
	}
	rec.netns_ino = d->netns_ino;
	rec.protocol = d->protocol;
	err = sock_table_add(d->t, &rec);
	if (err < 0) {
		errno = -err;
		return MNL_CB_ERROR;
	}
	return MNL_CB_OK;
}

static void build_request(struct nlmsghdr *nlh, int family, const struct diag_req *rq)
{
	struct inet_diag_req_v2 *req;

	nlh->nlmsg_type = SOCK_DIAG_BY_FAMILY;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req = mnl_nlmsg_put_extra_header(nlh, sizeof(*req));
	req->sdiag_family = (uint8_t)family;
	req->sdiag_protocol = rq->protocol == SOCK_PROTO_UDP ? IPPROTO_UDP : IPPROTO_TCP;
	req->idiag_states = rq->states;
	/* Only what sockmem reads: each tcp_info costs the kernel a socket lock.
	 * UDP has no tcp_info (udp_diag's info size is 0): skmem only. */
	req->idiag_ext = 1 << (INET_DIAG_SKMEMINFO - 1);
	if (rq->protocol != SOCK_PROTO_UDP)
		req->idiag_ext |= 1 << (INET_DIAG_INFO - 1);
	req->id.idiag_cookie[0] = INET_DIAG_NOCOOKIE;
	req->id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;
	if (rq->bytecode && rq->bytecode_len)
		mnl_attr_put(nlh, INET_DIAG_REQ_BYTECODE, rq->bytecode_len, rq->bytecode);
}

int diag_dump(int family, const struct diag_req *rq, uint64_t netns_ino, struct sock_table *t,
	      struct diag_stats *st, struct diag_err *e)
{
	char reqbuf[MNL_SOCKET_BUFFER_SIZE];
	int err;

	e->where = NULL;
	e->ext_ack[0] = '\0';
	if (rq->bytecode_len > sizeof(reqbuf) - 256) {
		e->where = "netlink request";
		return -E2BIG;
	}
	for (int attempt = 0;; attempt++) {
		struct nlmsghdr *nlh = mnl_nlmsg_put_header(reqbuf);
		struct diag_sink d = { t, netns_ino, rq->protocol, 0, 0 };
		uint64_t flushed = t->flushed;
		struct nl n;

		/* A fresh socket per attempt: the old one may still hold the
		 * rest of an interrupted dump. */
		err = nl_open(&n, NETLINK_SOCK_DIAG);
		if (err) {
			e->where = "netlink socket (NETLINK_SOCK_DIAG)";
			return err;
		}
		build_request(nlh, family, rq);
		err = nl_dump(&n, nlh, diag_dump_msg, &d);
		st->messages += d.messages;
		st->malformed += d.malformed;
		st->recv_calls += n.recv_calls;
		st->bytes += n.bytes;
		snprintf(e->ext_ack, sizeof(e->ext_ack), "%s", n.ext_ack);
		nl_close(&n);
		/* Records from an interrupted attempt stay: the retry dedupes by
		 * cookie, unless a streaming table handed some on already (its
		 * dedup window no longer holds them): then it is reported. */
		if (err != -EINTR || attempt + 1 >= DIAG_RETRIES || sig_interrupted() ||
		    t->flushed != flushed)
			break;
	}
	if (err && rq->protocol == SOCK_PROTO_UDP)
		e->where = family == AF_INET6 ? "netlink dump (UDP, AF_INET6)"
					      : "netlink dump (UDP, AF_INET)";
	else if (err)
		e->where =
		    family == AF_INET6 ? "netlink dump (AF_INET6)" : "netlink dump (AF_INET)";
	return err;
}
