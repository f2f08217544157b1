// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sockpair.c - integration-test helper: loopback TCP connections with known
 * properties, held open until killed (or until --timeout seconds pass).
 *
 *   sockpair [--family 4|6] [--pairs N] [--unread BYTES] [--unread-step BYTES]
 *            [--rcvbuf BYTES] [--backlog N] [--share] [--dup] [--timewait N]
 *            [--netns-lo] [--ready-file PATH] [--timeout SECONDS]
 *
 * One listener on 127.0.0.1 or ::1 (ephemeral port). For each pair i the
 * client connects, the listener accepts, and the client sends
 * unread + i * unread_step bytes that the accepted socket never reads.
 * --rcvbuf sets SO_RCVBUF on the listener before listen(), so accepted
 * sockets inherit it (the kernel stores twice the value).
 * --share forks a child ("sockpair-share") that keeps only the accepted
 * sockets open: each of them is then held by two processes.
 * --dup dup()s every accepted socket once more (fd "server_fd2"), so one
 * process holds it through two fds (a --share child inherits both).
 * --timewait N first makes N more connections and closes them in order
 * (client, then server), leaving N client sockets in TIME-WAIT (no owner, no
 * skmem) beside the held ones; their client ports are "timewait_ports".
 * --netns-lo brings "lo" up first (for use right after unshare -n).
 *
 * Before signalling ready it waits (with a deadline) until every accepted
 * socket's SIOCINQ equals its unread amount and every client's SIOCOUTQ is 0
 * (everything acknowledged), so the sockets are idle. Then it writes the
 * ready file atomically (PATH.tmp, then rename) as one JSON object:
 *   {"pid":P,"share_pid":C|null,"family":4,"listen_port":L,"listen_fd":F,
 *    "rcvbuf":B,"backlog":N,"timewait_ports":[..],"conns":[{"client_port":..,"server_port":L,
 *    "client_fd":..,"server_fd":..,"server_fd2":..|null,"unread":..},...]}
 * Exit status: 0 after SIGTERM/SIGINT or the timeout, 1 on any setup error
 * (with a message on stderr).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define HELPER_NAME "sockpair"
#include "helper.h"

#define MAX_PAIRS 4000
#define SETTLE_SECONDS 10

struct conn {
	int cfd, sfd, sfd2;
	unsigned cport;
	long unread;
};

struct cfg {
	int family;
	long pairs;
	long unread, unread_step;
	long rcvbuf;		/* 0 = leave the default */
	long backlog;
	int share;
	int dup;
	long timewait;
	int netns_lo;
	const char *ready_file;
	long timeout;
};

static void usage(void)
{
	fputs("usage: sockpair [--family 4|6] [--pairs N] [--unread BYTES] [--unread-step BYTES]\n"
	      "                [--rcvbuf BYTES] [--backlog N] [--share] [--dup] [--timewait N]\n"
	      "                [--netns-lo] [--ready-file PATH] [--timeout SECONDS]\n",
	      stderr);
	exit(2);
}

static void parse_args(int argc, char **argv, struct cfg *c)
{
	memset(c, 0, sizeof(*c));
	c->family = 4;
	c->pairs = 1;
	c->backlog = 37;
	c->timeout = 60;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "--share") == 0) {
			c->share = 1;
			continue;
		}
		if (strcmp(a, "--dup") == 0) {
			c->dup = 1;
			continue;
		}
		if (strcmp(a, "--netns-lo") == 0) {
			c->netns_lo = 1;
			continue;
		}
		if (!v)
			usage();
		i++;
		if (strcmp(a, "--family") == 0)
			c->family = (int)parse_long(v, 4, 6, a);
		else if (strcmp(a, "--pairs") == 0)
			c->pairs = parse_long(v, 0, MAX_PAIRS, a);
		else if (strcmp(a, "--unread") == 0)
			c->unread = parse_long(v, 0, 1L << 24, a);
		else if (strcmp(a, "--unread-step") == 0)
			c->unread_step = parse_long(v, 0, 1L << 20, a);
		else if (strcmp(a, "--rcvbuf") == 0)
			c->rcvbuf = parse_long(v, 0, INT_MAX / 2, a);
		else if (strcmp(a, "--timewait") == 0)
			c->timewait = parse_long(v, 0, 100, a);
		else if (strcmp(a, "--backlog") == 0)
			c->backlog = parse_long(v, 1, 4096, a);
		else if (strcmp(a, "--ready-file") == 0)
			c->ready_file = v;
		else if (strcmp(a, "--timeout") == 0)
			c->timeout = parse_long(v, 1, 3600, a);
		else
			usage();
	}
	if (c->family != 4 && c->family != 6)
		usage();
}

static int make_listener(const struct cfg *c, unsigned *port)
{
	struct sockaddr_storage ss;
	socklen_t len = loopback(c->family, 0, &ss);
	int one = 1;
	int fd = socket(c->family == 6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		die("socket");
	if (c->family == 6 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) < 0)
		die("IPV6_V6ONLY");
	if (c->rcvbuf) {
		int v = (int)c->rcvbuf;

		if (setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v)) < 0)
			die("SO_RCVBUF");
	}
	if (bind(fd, (struct sockaddr *)&ss, len) < 0)
		die("bind");
	if (listen(fd, (int)c->backlog) < 0)
		die("listen");
	*port = local_port(fd);
	return fd;
}

/* Writes all n bytes of a pattern to fd (blocking). */
static void send_all(int fd, long n)
{
	char buf[16384];

	memset(buf, 'x', sizeof(buf));
	while (n > 0) {
		size_t k = n > (long)sizeof(buf) ? sizeof(buf) : (size_t)n;
		ssize_t w = send(fd, buf, k, MSG_NOSIGNAL);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			die("send");
		}
		n -= w;
	}
}

static void make_pair(const struct cfg *c, int lfd, unsigned lport, long i, struct conn *cn)
{
	struct sockaddr_storage ss;
	socklen_t len = loopback(c->family, lport, &ss);
	int one = 1;

	cn->cfd = socket(c->family == 6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (cn->cfd < 0)
		die("socket (pair %ld)", i);
	/* Send at once, so nothing waits in the write queue for the idle check. */
	if (setsockopt(cn->cfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) < 0)
		die("TCP_NODELAY");
	if (connect(cn->cfd, (struct sockaddr *)&ss, len) < 0)
		die("connect (pair %ld)", i);
	cn->cport = local_port(cn->cfd);
	cn->sfd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	if (cn->sfd < 0)
		die("accept (pair %ld)", i);
	cn->sfd2 = -1;
	if (c->dup) {
		cn->sfd2 = fcntl(cn->sfd, F_DUPFD_CLOEXEC, 0);
		if (cn->sfd2 < 0)
			die("dup (pair %ld)", i);
	}
	cn->unread = c->unread + i * c->unread_step;
	if (cn->unread > 0)
		send_all(cn->cfd, cn->unread);
}

/* Makes n connections and closes them (client first, then the server once it
 * has read the client's FIN), leaving the clients in TIME-WAIT. */
static void make_timewait(const struct cfg *c, int lfd, unsigned lport, long n, unsigned *ports)
{
	for (long i = 0; i < n; i++) {
		struct conn cn;
		struct pollfd pfd;
		char b;

		make_pair(c, lfd, lport, 0, &cn);
		if (cn.unread)
			die("--timewait needs no unread data on these connections");
		ports[i] = cn.cport;
		close(cn.cfd);
		pfd = (struct pollfd){ .fd = cn.sfd, .events = POLLIN };
		if (poll(&pfd, 1, SETTLE_SECONDS * 1000) != 1 || recv(cn.sfd, &b, 1, 0) != 0) {
			errno = 0;
			die("time-wait connection %ld: no FIN from the client", i);
		}
		close(cn.sfd);
		if (cn.sfd2 >= 0)
			close(cn.sfd2);
	}
	if (n)
		poll(NULL, 0, 50); /* the server's FIN reaches the client */
}

/* Waits until each receiver holds exactly its unread bytes and each sender
 * has everything acknowledged. */
static void settle(const struct conn *cn, long n)
{
	double deadline = now() + SETTLE_SECONDS;

	for (long i = 0; i < n; i++) {
		for (;;) {
			int inq = -1, outq = -1;

			if (ioctl(cn[i].sfd, SIOCINQ, &inq) < 0)
				die("SIOCINQ");
			if (ioctl(cn[i].cfd, SIOCOUTQ, &outq) < 0)
				die("SIOCOUTQ");
			if (inq == cn[i].unread && outq == 0)
				break;
			if (inq > cn[i].unread) {
				errno = 0;
				die("pair %ld: receiver holds %d bytes, sent %ld", i, inq, cn[i].unread);
			}
			if (now() > deadline || g_stop) {
				errno = 0;
				die("pair %ld: not settled after %ds (inq %d of %ld, outq %d)", i,
				    SETTLE_SECONDS, inq, cn[i].unread, outq);
			}
			poll(NULL, 0, 5);
		}
	}
}

static void write_ready(const struct cfg *c, pid_t share_pid, int lfd, unsigned lport,
			const struct conn *cn, long n, const unsigned *tw_ports)
{
	char tmp[4096];
	FILE *f;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", c->ready_file) >= (int)sizeof(tmp)) {
		errno = ENAMETOOLONG;
		die("ready file name");
	}
	f = fopen(tmp, "w");
	if (!f)
		die("%s", tmp);
	fprintf(f, "{\"pid\":%ld,\"share_pid\":", (long)getpid());
	if (share_pid > 0)
		fprintf(f, "%ld", (long)share_pid);
	else
		fputs("null", f);
	fprintf(f, ",\"family\":%d,\"listen_port\":%u,\"listen_fd\":%d,\"rcvbuf\":%ld,\"backlog\":%ld,",
		c->family, lport, lfd, c->rcvbuf, c->backlog);
	fputs("\"timewait_ports\":[", f);
	for (long i = 0; i < c->timewait; i++)
		fprintf(f, "%s%u", i ? "," : "", tw_ports[i]);
	fputs("],\"conns\":[", f);
	for (long i = 0; i < n; i++) {
		fprintf(f, "%s\n{\"client_port\":%u,\"server_port\":%u,\"client_fd\":%d,\"server_fd\":%d,",
			i ? "," : "", cn[i].cport, lport, cn[i].cfd, cn[i].sfd);
		if (cn[i].sfd2 >= 0)
			fprintf(f, "\"server_fd2\":%d,", cn[i].sfd2);
		else
			fputs("\"server_fd2\":null,", f);
		fprintf(f, "\"unread\":%ld}", cn[i].unread);
	}
	fputs("\n]}\n", f);
	if (fflush(f) || ferror(f) || fclose(f))
		die("writing %s", tmp);
	if (rename(tmp, c->ready_file) < 0)
		die("rename %s", tmp);
}

/* The --share child: keeps only the accepted sockets, then waits. */
static void share_child(const struct conn *cn, long n, int lfd, int sync_w, long timeout,
			const sigset_t *waitmask)
{
	char ok = 'k';

	prctl(PR_SET_NAME, "sockpair-share", 0, 0, 0);
	prctl(PR_SET_PDEATHSIG, SIGTERM, 0, 0, 0);
	close(lfd);
	for (long i = 0; i < n; i++)
		close(cn[i].cfd);
	if (write(sync_w, &ok, 1) != 1)
		_exit(1);
	close(sync_w);
	alarm((unsigned)timeout);
	while (!g_stop)
		sigsuspend(waitmask);
	_exit(0);
}

int main(int argc, char **argv)
{
	struct cfg c;
	struct conn *cn;
	struct sigaction sa;
	sigset_t stopsigs, waitmask;
	unsigned lport, tw_ports[100];
	pid_t child = -1;
	int lfd;

	parse_args(argc, argv, &c);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGALRM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	/* The whole life, setup included, is bounded. */
	alarm((unsigned)c.timeout);

	if (c.netns_lo)
		lo_up();
	cn = calloc(c.pairs ? (size_t)c.pairs : 1, sizeof(*cn));
	if (!cn)
		die("calloc");
	lfd = make_listener(&c, &lport);
	{
		struct cfg twc = c;

		twc.unread = twc.unread_step = 0;
		twc.dup = 0;
		make_timewait(&twc, lfd, lport, c.timewait, tw_ports);
	}
	for (long i = 0; i < c.pairs; i++)
		make_pair(&c, lfd, lport, i, &cn[i]);
	settle(cn, c.pairs);

	/* From here on, stop signals arrive only inside sigsuspend (no lost wake-up). */
	sigemptyset(&stopsigs);
	sigaddset(&stopsigs, SIGTERM);
	sigaddset(&stopsigs, SIGINT);
	sigaddset(&stopsigs, SIGALRM);
	sigaddset(&stopsigs, SIGHUP);
	sigprocmask(SIG_BLOCK, &stopsigs, &waitmask);
	if (c.share) {
		int p[2];
		char ok;

		if (pipe2(p, O_CLOEXEC) < 0)
			die("pipe");
		child = fork();
		if (child < 0)
			die("fork");
		if (child == 0) {
			close(p[0]);
			share_child(cn, c.pairs, lfd, p[1], c.timeout, &waitmask);
		}
		close(p[1]);
		if (read(p[0], &ok, 1) != 1) {
			errno = 0;
			kill(child, SIGTERM);
			die("share child did not start");
		}
		close(p[0]);
	}
	if (c.ready_file)
		write_ready(&c, child, lfd, lport, cn, c.pairs, tw_ports);

	while (!g_stop)
		sigsuspend(&waitmask);
	if (child > 0) {
		kill(child, SIGTERM);
		waitpid(child, NULL, 0);
	}
	return 0;
}
