// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * churn.c - integration-test helper: opens and closes loopback TCP
 * connections continuously, for a bounded time and a bounded count, so that
 * sockmem's netlink dump and /proc fd walk race with sockets coming and going.
 *
 *   churn [--family 4|6|46] [--duration SECONDS] [--max CONNECTIONS]
 *         [--window N] [--bytes BYTES] [--ready-file PATH]
 *
 * Keeps up to --window connections open (both ends in this process); each new
 * one sends up to --bytes unread bytes (non-blocking, varying per connection);
 * when the window is full the oldest is closed, in one of three ways that
 * cycle: client reset (SO_LINGER 0), server first (reset because of unread
 * data), or both ends gracefully with no data (leaves a TIME-WAIT socket).
 * The pace is spread over the duration (--max / --duration per second).
 * Stops after --duration seconds, after --max connections, or on SIGTERM/SIGINT,
 * whichever comes first; a hard alarm at duration + 10 s ends it regardless.
 * The ready file (written once the listeners exist, atomically) is
 * {"pid":P,"ports":[...]}. On exit prints "churn: N connections" on stdout.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define HELPER_NAME "churn"
#include "helper.h"

#define MAX_WINDOW 1024

struct pair {
	int cfd, sfd;
	int style;
};

static int make_listener(int family, unsigned *port)
{
	struct sockaddr_storage ss;
	socklen_t len = loopback(family, 0, &ss);
	int one = 1;
	int fd = socket(family == 6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		die("socket");
	if (family == 6 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) < 0)
		die("IPV6_V6ONLY");
	if (bind(fd, (struct sockaddr *)&ss, len) < 0)
		die("bind");
	if (listen(fd, 128) < 0)
		die("listen");
	len = sizeof(ss);
	if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
		die("getsockname");
	*port = family == 6 ? ntohs(((struct sockaddr_in6 *)&ss)->sin6_port)
			    : ntohs(((struct sockaddr_in *)&ss)->sin_port);
	return fd;
}

/* Opens one connection to the listener; returns 0, or -1 on a transient failure. */
static int open_pair(int family, int lfd, unsigned port, long n, long bytes, struct pair *p)
{
	static char buf[65536];
	struct sockaddr_storage ss;
	socklen_t len = loopback(family, port, &ss);

	p->style = (int)(n % 3);
	p->cfd = socket(family == 6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (p->cfd < 0)
		return -1;
	if (connect(p->cfd, (struct sockaddr *)&ss, len) < 0) {
		close(p->cfd);
		return -1;
	}
	p->sfd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	if (p->sfd < 0) {
		close(p->cfd);
		return -1;
	}
	if (p->style != 2 && bytes > 0) {
		size_t k = (size_t)(1 + (n * 7919) % bytes);

		if (k > sizeof(buf))
			k = sizeof(buf);
		memset(buf, 'c', k);
		(void)send(p->cfd, buf, k, MSG_DONTWAIT | MSG_NOSIGNAL);
	}
	return 0;
}

static void close_pair(struct pair *p)
{
	struct linger lg = { 1, 0 };

	switch (p->style) {
	case 0: /* client reset */
		setsockopt(p->cfd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		close(p->cfd);
		close(p->sfd);
		break;
	case 1: /* server closes with unread data: reset */
		close(p->sfd);
		close(p->cfd);
		break;
	default: /* graceful both ways; the client ends in TIME-WAIT */
		close(p->cfd);
		close(p->sfd);
		break;
	}
}

int main(int argc, char **argv)
{
	long duration = 8, max = 6000, window = 64, bytes = 20000;
	int fam4 = 1, fam6 = 1;
	const char *ready = NULL;
	struct pair ring[MAX_WINDOW];
	size_t head = 0, count = 0;
	int lfd[2] = { -1, -1 };
	unsigned port[2] = { 0, 0 };
	long made = 0, failed = 0;
	struct sigaction sa;
	double start, end;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!v) {
			fprintf(stderr, "churn: option %s needs a value\n", a);
			return 2;
		}
		i++;
		if (strcmp(a, "--family") == 0) {
			fam4 = strchr(v, '4') != NULL;
			fam6 = strchr(v, '6') != NULL;
			if (!fam4 && !fam6)
				die("--family takes 4, 6 or 46");
		} else if (strcmp(a, "--duration") == 0) {
			duration = parse_long(v, 1, 600, a);
		} else if (strcmp(a, "--max") == 0) {
			max = parse_long(v, 1, 1000000, a);
		} else if (strcmp(a, "--window") == 0) {
			window = parse_long(v, 1, MAX_WINDOW, a);
		} else if (strcmp(a, "--bytes") == 0) {
			bytes = parse_long(v, 0, 65536, a);
		} else if (strcmp(a, "--ready-file") == 0) {
			ready = v;
		} else {
			fprintf(stderr, "churn: unknown option %s\n", a);
			return 2;
		}
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGALRM, SIG_DFL); /* hard bound: the default action ends the process */
	alarm((unsigned)duration + 10);

	if (fam4)
		lfd[0] = make_listener(4, &port[0]);
	if (fam6)
		lfd[1] = make_listener(6, &port[1]);
	if (ready) {
		char tmp[4096];
		FILE *f;

		snprintf(tmp, sizeof(tmp), "%s.tmp", ready);
		f = fopen(tmp, "w");
		if (!f)
			die("%s", tmp);
		fprintf(f, "{\"pid\":%ld,\"ports\":[", (long)getpid());
		fprintf(f, "%u%s%u]}\n", port[0], ",", port[1]);
		if (fclose(f) || rename(tmp, ready) < 0)
			die("writing %s", ready);
	}

	start = now();
	end = start + (double)duration;
	while (!g_stop && made < max) {
		double t = now();
		int fi = (fam4 && fam6) ? (int)(made & 1) : (fam4 ? 0 : 1);

		if (t >= end)
			break;
		/* Keep to max connections over the duration. */
		if ((double)made > (t - start) * (double)max / (double)duration) {
			poll(NULL, 0, 1);
			continue;
		}
		if (count == (size_t)window) {
			close_pair(&ring[head]);
			head = (head + 1) % (size_t)window;
			count--;
		}
		if (open_pair(fi ? 6 : 4, lfd[fi], port[fi], made, bytes,
			      &ring[(head + count) % (size_t)window]) < 0) {
			if (++failed > 1000)
				die("too many failed connections");
			poll(NULL, 0, 2);
			continue;
		}
		count++;
		made++;
	}
	while (count) {
		close_pair(&ring[head]);
		head = (head + 1) % (size_t)window;
		count--;
	}
	printf("churn: %ld connections, %ld failed attempts\n", made, failed);
	return 0;
}
