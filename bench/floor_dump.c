// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * floor_dump.c - benchmark floor: the bare inet_diag dump sockmem has to do.
 *
 * Two NETLINK_SOCK_DIAG dumps (AF_INET, then AF_INET6) of TCP sockets in all
 * states, requesting INET_DIAG_SKMEMINFO and INET_DIAG_INFO (the same request
 * sockmem sends), received into a 64 KiB buffer with a 1 MiB SO_RCVBUF. Each
 * reply is counted, nothing is parsed or stored. Prints "sockets N" to stderr.
 */
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#define RECV_BUFLEN (64 * 1024) /* >= 32 KiB: the kernel's largest dump skb */

static int count_cb(const struct nlmsghdr *nlh, void *data)
{
	if (nlh->nlmsg_type == SOCK_DIAG_BY_FAMILY)
		++*(uint64_t *)data;
	return MNL_CB_OK;
}

/* Dumps one family; adds the number of replies to *count. Returns 0 or -1. */
static int dump(struct mnl_socket *nl, char *buf, int family, uint32_t seq, uint64_t *count)
{
	char req_buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(req_buf);
	struct inet_diag_req_v2 *req;
	uint32_t portid = mnl_socket_get_portid(nl);
	ssize_t len;
	int ret;

	nlh->nlmsg_type = SOCK_DIAG_BY_FAMILY;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = seq;
	req = mnl_nlmsg_put_extra_header(nlh, sizeof(*req));
	req->sdiag_family = (uint8_t)family;
	req->sdiag_protocol = IPPROTO_TCP;
	req->idiag_states = 0xffffffffu;
	req->idiag_ext = (1 << (INET_DIAG_SKMEMINFO - 1)) | (1 << (INET_DIAG_INFO - 1));
	req->id.idiag_cookie[0] = INET_DIAG_NOCOOKIE;
	req->id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		perror("floor_dump: sendto");
		return -1;
	}
	for (;;) {
		len = mnl_socket_recvfrom(nl, buf, RECV_BUFLEN);
		if (len < 0) {
			perror("floor_dump: recvfrom");
			return -1;
		}
		ret = mnl_cb_run(buf, (size_t)len, seq, portid, count_cb, count);
		if (ret == MNL_CB_STOP)
			return 0;
		if (ret < 0) {
			perror("floor_dump: dump");
			return -1;
		}
	}
}

int main(void)
{
	struct mnl_socket *nl = mnl_socket_open(NETLINK_SOCK_DIAG);
	int rcvbuf = 1 << 20;
	uint64_t count = 0;
	char *buf = malloc(RECV_BUFLEN);

	if (!nl || !buf) {
		perror("floor_dump: open");
		return 1;
	}
	setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		perror("floor_dump: bind");
		return 1;
	}
	uint32_t seq = (uint32_t)time(NULL);

	if (dump(nl, buf, AF_INET, seq, &count) < 0 || dump(nl, buf, AF_INET6, seq + 1, &count) < 0)
		return 1;
	mnl_socket_close(nl);
	free(buf);
	fprintf(stderr, "sockets %llu\n", (unsigned long long)count);
	return 0;
}
