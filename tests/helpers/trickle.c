// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * trickle.c - integration-test helper: loopback TCP connections whose client
 * writes SIZE bytes every INTERVAL microseconds (TCP_NODELAY, so every write
 * is its own segment), toward a receiver that reads nothing (default) or
 * everything (--read). Runs until killed or until --timeout seconds pass.
 *
 *   trickle [--family 4|6] [--pairs N] [--size BYTES] [--interval-us US]
 *           [--writes N] [--read] [--rcvbuf BYTES] [--rcvbuf-after BYTES]
 *           [--sysctl NAME=VALUE]... [--netns-lo] [--ready-file PATH]
 *           [--timeout SECONDS]
 *
 * --writes N stops writing after N writes per connection (the connections
 * stay open, so their state stops changing); 0 never writes.
 * --sysctl writes VALUE to /proc/sys/NAME (e.g. net/ipv4/tcp_rmem="4096
 * 131072 1048576") before any socket exists: meant for a private network
 * namespace (after unshare -n), where tcp_rmem and tcp_shrink_window are the
 * namespace's own.
 * --rcvbuf sets SO_RCVBUF on the listener before listen(): the accepted
 * sockets inherit the locked buffer from before their handshake.
 * --rcvbuf-after sets it on each accepted socket after accept().
 * The ready file (PATH.tmp, then rename) is written once every connection is
 * established and before the first write:
 *   {"pid":P,"family":4,"listen_port":L,"conns":[{"client_port":C},...]}
 * Exit status: 0 after SIGTERM/SIGINT or the timeout, 1 on a setup error.
 */
#include <fcntl.h>
#include <netinet/tcp.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#define HELPER_NAME "trickle"
#include "helper.h"

#define MAX_PAIRS   64
#define MAX_SYSCTLS 8

struct cfg {
	int family;
	long pairs;
	long size;
	long interval_us;
	long writes; /* -1: unlimited */
	int read;
	long rcvbuf, rcvbuf_after;
	const char *sysctl[MAX_SYSCTLS];
	int nsysctl;
	int netns_lo;
	const char *ready_file;
	long timeout;
};

static void usage(void)
{
	fputs("usage: trickle [--family 4|6] [--pairs N] [--size BYTES] [--interval-us US]\n"
	      "               [--writes N] [--read] [--rcvbuf BYTES] [--rcvbuf-after BYTES]\n"
	      "               [--sysctl NAME=VALUE]... [--netns-lo] [--ready-file PATH]\n"
	      "               [--timeout SECONDS]\n",
	      stderr);
	exit(2);
}

static void parse_args(int argc, char **argv, struct cfg *c)
{
	memset(c, 0, sizeof(*c));
	c->family = 4;
	c->pairs = 1;
	c->size = 4;
	c->interval_us = 1000;
	c->writes = -1;
	c->timeout = 60;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "--read") == 0) {
			c->read = 1;
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
			c->pairs = parse_long(v, 1, MAX_PAIRS, a);
		else if (strcmp(a, "--size") == 0)
			c->size = parse_long(v, 1, 1 << 24, a);
		else if (strcmp(a, "--interval-us") == 0)
			c->interval_us = parse_long(v, 0, 10000000, a);
		else if (strcmp(a, "--writes") == 0)
			c->writes = parse_long(v, 0, LONG_MAX, a);
		else if (strcmp(a, "--rcvbuf") == 0)
			c->rcvbuf = parse_long(v, 1, INT32_MAX / 2, a);
		else if (strcmp(a, "--rcvbuf-after") == 0)
			c->rcvbuf_after = parse_long(v, 1, INT32_MAX / 2, a);
		else if (strcmp(a, "--sysctl") == 0 && c->nsysctl < MAX_SYSCTLS)
			c->sysctl[c->nsysctl++] = v;
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

/* Writes "VALUE" to /proc/sys/NAME for a "NAME=VALUE" argument. */
static void write_sysctl(const char *arg)
{
	char path[256];
	const char *eq = strchr(arg, '=');
	int fd;

	if (!eq || eq == arg || (size_t)(eq - arg) > sizeof(path) - 20) {
		errno = 0;
		die("bad --sysctl '%s' (NAME=VALUE)", arg);
	}
	snprintf(path, sizeof(path), "/proc/sys/%.*s", (int)(eq - arg), arg);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		die("open %s", path);
	if (write(fd, eq + 1, strlen(eq + 1)) != (ssize_t)strlen(eq + 1))
		die("write %s", path);
	close(fd);
}

static void set_int(int fd, int level, int name, int v, const char *what)
{
	if (setsockopt(fd, level, name, &v, sizeof(v)) < 0)
		die("setsockopt %s", what);
}

static void nonblock(int fd)
{
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0)
		die("fcntl O_NONBLOCK");
}

static void write_ready(const struct cfg *c, unsigned lport, const int *cli)
{
	char tmp[4096];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", c->ready_file);
	f = fopen(tmp, "w");
	if (!f)
		die("fopen %s", tmp);
	fprintf(f, "{\"pid\":%ld,\"family\":%d,\"listen_port\":%u,\"conns\":[", (long)getpid(),
		c->family, lport);
	for (long i = 0; i < c->pairs; i++)
		fprintf(f, "%s{\"client_port\":%u}", i ? "," : "", local_port(cli[i]));
	fputs("]}\n", f);
	if (fclose(f) != 0)
		die("fclose %s", tmp);
	if (rename(tmp, c->ready_file) < 0)
		die("rename %s", tmp);
}

/* Reads everything queued on fd (non-blocking). */
static void drain(int fd)
{
	static char buf[1 << 16];

	while (read(fd, buf, sizeof(buf)) > 0)
		;
}

static void run(const struct cfg *c, const int *cli, const int *srv)
{
	static char data[1 << 24];
	double end = now() + (double)c->timeout;
	double next = now();
	long n = 0;

	memset(data, 'x', (size_t)c->size);
	while (!g_stop && now() < end) {
		bool w = c->writes < 0 || n < c->writes;

		n += w;
		for (long i = 0; i < c->pairs; i++) {
			/* a full send buffer (EAGAIN) just skips this tick */
			if (w && write(cli[i], data, (size_t)c->size) < 0 && errno != EAGAIN)
				die("write");
			if (c->read)
				drain(srv[i]);
		}
		next += (double)c->interval_us / 1e6;
		double wait = next - now();

		if (wait > 0)
			usleep((useconds_t)(wait * 1e6));
		else
			next = now();
	}
}

int main(int argc, char **argv)
{
	struct cfg c;
	struct sockaddr_storage ss;
	struct sigaction sa;
	int cli[MAX_PAIRS], srv[MAX_PAIRS];
	int fam, lfd;
	unsigned lport;

	parse_args(argc, argv, &c);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (c.netns_lo)
		lo_up();
	for (int i = 0; i < c.nsysctl; i++)
		write_sysctl(c.sysctl[i]);

	fam = c.family == 6 ? AF_INET6 : AF_INET;
	lfd = socket(fam, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lfd < 0)
		die("socket");
	if (c.rcvbuf)
		set_int(lfd, SOL_SOCKET, SO_RCVBUF, (int)c.rcvbuf, "SO_RCVBUF");
	if (bind(lfd, (struct sockaddr *)&ss, loopback(c.family, 0, &ss)) < 0)
		die("bind");
	if (listen(lfd, MAX_PAIRS) < 0)
		die("listen");
	lport = local_port(lfd);
	for (long i = 0; i < c.pairs; i++) {
		cli[i] = socket(fam, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (cli[i] < 0)
			die("socket");
		set_int(cli[i], IPPROTO_TCP, TCP_NODELAY, 1, "TCP_NODELAY");
		if (connect(cli[i], (struct sockaddr *)&ss, loopback(c.family, lport, &ss)) < 0)
			die("connect");
		srv[i] = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (srv[i] < 0)
			die("accept");
		if (c.rcvbuf_after)
			set_int(srv[i], SOL_SOCKET, SO_RCVBUF, (int)c.rcvbuf_after, "SO_RCVBUF");
		nonblock(cli[i]);
		nonblock(srv[i]);
	}
	if (c.ready_file)
		write_ready(&c, lport, cli);
	run(&c, cli, srv);
	return 0;
}
