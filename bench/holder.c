// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * holder.c - benchmark population: holds K loopback TCP connections (2K sockets).
 *
 * Usage: holder -c CONNS [-6 V6CONNS] [-i INDEX] [-u EVERY] [-b BYTES] [-s] [-t SECONDS]
 *               [-p PID]
 *
 *   -c CONNS    connections to create in total (IPv4 + IPv6)
 *   -6 V6CONNS  how many of them go over ::1 (default 0)
 *   -i INDEX    holder index (0..65534): IPv4 clients bind to 127.H.L.(1..32),
 *               H.L = INDEX+1 as two octets (127.0.(INDEX+1).x below 255)
 *   -u EVERY    1 connection in EVERY carries BYTES of unread data (0 = none)
 *   -b BYTES    unread bytes per such connection (default 4096); they alternate
 *               between the server end's and the client end's receive queue
 *   -s          split: after set-up, fork; the child keeps the client ends, the
 *               parent the server ends (the child dies with the parent)
 *   -t SECONDS  exit after this long (default 3600)
 *   -p PID      die (SIGKILL) when our parent, which must be PID, ends: a
 *               harness that is itself killed takes its holders with it
 *
 * The soft RLIMIT_NOFILE is raised towards the hard one when 2*CONNS fds need it.
 * Listeners bind port 0 (one on 127.0.0.1, one on ::1), so holders never share
 * a destination. Every socket has SO_LINGER {1, 0}: closing (kill) sends RST
 * and leaves no TIME-WAIT. Prints "ready pid=P child=C sockets=N port4=X port6=Y"
 * on stdout once every connection is established (C = 0 unless split, Y = 0
 * without IPv6), then waits to be killed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#ifndef IP_BIND_ADDRESS_NO_PORT
#define IP_BIND_ADDRESS_NO_PORT 24
#endif

/* Connections connected before the batch is accepted; below somaxconn (4096). */
#define BATCH 1024

static void die(const char *what)
{
	fprintf(stderr, "holder[%d]: %s: %s\n", (int)getpid(), what, strerror(errno));
	exit(1);
}

static long num_arg(const char *s, long min, long max, const char *name)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max) {
		fprintf(stderr, "holder: bad %s '%s' (%ld..%ld)\n", name, s, min, max);
		exit(2);
	}
	return v;
}

static void set_linger0(int fd)
{
	struct linger l = { 1, 0 };

	if (setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l)) < 0)
		die("SO_LINGER");
}

static int listener(int family, struct sockaddr_storage *ss, socklen_t *len)
{
	int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		die("socket (listener)");
	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET) {
		struct sockaddr_in *a = (struct sockaddr_in *)ss;

		a->sin_family = AF_INET;
		a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		*len = sizeof(*a);
	} else {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;
		int one = 1;

		a->sin6_family = AF_INET6;
		a->sin6_addr = in6addr_loopback;
		*len = sizeof(*a);
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	}
	if (bind(fd, (struct sockaddr *)ss, *len) < 0)
		die("bind (listener)");
	if (listen(fd, 4096) < 0)
		die("listen");
	if (getsockname(fd, (struct sockaddr *)ss, len) < 0)
		die("getsockname");
	return fd;
}

/* Connects n clients to the listener at dst and accepts them into cli/srv. */
static void connect_batch(int lfd, const struct sockaddr_storage *dst, socklen_t dlen,
			  int index, size_t first, size_t n, int *cli, int *srv)
{
	int family = dst->ss_family;

	for (size_t k = 0; k < n; k++) {
		size_t i = first + k;
		int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);

		if (fd < 0)
			die("socket (client)");
		set_linger0(fd);
		if (family == AF_INET) {
			struct sockaddr_in src = { .sin_family = AF_INET };
			int one = 1;

			/* 127.H.L.(1..32), H.L = index+1: spreads 4-tuples, port chosen at connect */
			src.sin_addr.s_addr =
				htonl(0x7f000000u | ((uint32_t)(index + 1) & 0xffff) << 8 |
				      (uint32_t)(1 + i % 32));
			setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof(one));
			if (bind(fd, (struct sockaddr *)&src, sizeof(src)) < 0)
				die("bind (client source)");
		}
		if (connect(fd, (const struct sockaddr *)dst, dlen) < 0)
			die("connect");
		cli[i] = fd;
	}
	for (size_t k = 0; k < n; k++) {
		int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);

		if (fd < 0)
			die("accept");
		set_linger0(fd);
		srv[first + k] = fd;
	}
}

/* Raises the soft RLIMIT_NOFILE to at least need fds (not above the hard limit). */
static void raise_nofile(rlim_t need)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		die("getrlimit");
	if (rl.rlim_cur >= need)
		return;
	if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < need) {
		fprintf(stderr, "holder: %lu fds needed, RLIMIT_NOFILE hard limit is %lu\n",
			(unsigned long)need, (unsigned long)rl.rlim_max);
		exit(1);
	}
	rl.rlim_cur = need;
	if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
		die("setrlimit");
}

static void write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t w = write(fd, buf, len);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			die("write (unread data)");
		}
		buf += w;
		len -= (size_t)w;
	}
}

int main(int argc, char **argv)
{
	long conns = -1, v6 = 0, index = 0, every = 10, bytes = 4096, timeout = 3600;
	long ppid = 0;
	int split = 0, opt, lfd4, lfd6 = -1, pipefd[2];
	struct sockaddr_storage a4, a6;
	socklen_t l4, l6;
	pid_t child = 0;
	int *cli, *srv;
	char *payload;
	char c;

	while ((opt = getopt(argc, argv, "c:6:i:u:b:st:p:")) != -1) {
		switch (opt) {
		case 'c': conns = num_arg(optarg, 1, 9900, "connection count"); break;
		case '6': v6 = num_arg(optarg, 0, 9900, "IPv6 connection count"); break;
		case 'i': index = num_arg(optarg, 0, 65534, "index"); break;
		case 'u': every = num_arg(optarg, 0, 1000000, "unread interval"); break;
		case 'b': bytes = num_arg(optarg, 1, 65536, "unread bytes"); break;
		case 's': split = 1; break;
		case 't': timeout = num_arg(optarg, 1, 86400, "timeout"); break;
		case 'p': ppid = num_arg(optarg, 1, 1L << 22, "parent pid"); break;
		default:
			fprintf(stderr, "usage: holder -c CONNS [-6 V6CONNS] [-i INDEX] "
					"[-u EVERY] [-b BYTES] [-s] [-t SECONDS] [-p PID]\n");
			return 2;
		}
	}
	if (conns < 0 || v6 > conns) {
		fprintf(stderr, "holder: -c CONNS required, and -6 must not exceed it\n");
		return 2;
	}
	if (ppid) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != (pid_t)ppid) {
			fprintf(stderr, "holder: parent is not %ld (gone already?)\n", ppid);
			return 1;
		}
	}
	signal(SIGPIPE, SIG_IGN);
	alarm((unsigned)timeout); /* default action ends the process */
	raise_nofile((rlim_t)(2 * conns + 16));
	cli = calloc((size_t)conns, sizeof(*cli));
	srv = calloc((size_t)conns, sizeof(*srv));
	payload = malloc((size_t)bytes);
	if (!cli || !srv || !payload)
		die("calloc");
	memset(payload, 'x', (size_t)bytes);

	lfd4 = listener(AF_INET, &a4, &l4);
	if (v6)
		lfd6 = listener(AF_INET6, &a6, &l6);
	size_t n4 = (size_t)(conns - v6);

	for (size_t i = 0; i < n4; i += BATCH)
		connect_batch(lfd4, &a4, l4, (int)index, i, n4 - i < BATCH ? n4 - i : BATCH, cli,
			      srv);
	for (size_t i = n4; i < (size_t)conns; i += BATCH)
		connect_batch(lfd6, &a6, l6, (int)index, i,
			      (size_t)conns - i < BATCH ? (size_t)conns - i : BATCH, cli, srv);
	/* Unread data: even multiples of EVERY queue on the server end, odd ones on
	 * the client end. Nobody ever reads it. */
	if (every > 0) {
		for (size_t i = 0; i < (size_t)conns; i += (size_t)every) {
			int to_srv = (i / (size_t)every) % 2 == 0;

			write_all(to_srv ? cli[i] : srv[i], payload, (size_t)bytes);
		}
	}
	if (split) {
		if (pipe(pipefd) < 0)
			die("pipe");
		pid_t parent = getpid();

		child = fork();
		if (child < 0)
			die("fork");
		if (child == 0) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			if (getppid() != parent)
				_exit(0);
			prctl(PR_SET_NAME, "holder-client");
			for (long i = 0; i < conns; i++)
				close(srv[i]);
			close(lfd4);
			if (lfd6 >= 0)
				close(lfd6);
			close(pipefd[0]);
			if (write(pipefd[1], "r", 1) != 1)
				_exit(1);
			close(pipefd[1]);
			for (;;)
				pause();
		}
		close(pipefd[1]);
		for (long i = 0; i < conns; i++)
			close(cli[i]);
		if (read(pipefd[0], &c, 1) != 1) {
			fprintf(stderr, "holder: split child did not start\n");
			kill(child, SIGKILL);
			return 1;
		}
		close(pipefd[0]);
	}
	printf("ready pid=%d child=%d sockets=%ld port4=%u port6=%u\n", (int)getpid(), (int)child,
	       2 * conns + 1 + (v6 ? 1 : 0), ntohs(((struct sockaddr_in *)&a4)->sin_port),
	       v6 ? ntohs(((struct sockaddr_in6 *)&a6)->sin6_port) : 0u);
	if (fflush(stdout) != 0)
		die("stdout");
	for (;;)
		pause();
}
