// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fdhide.c - integration-test helper: one loopback TCP connection whose
 * sockets sit where a walk of /proc/[pid]/fd alone does not see them.
 *
 *   fdhide --mode unshare|zombie|inflight [--unread BYTES] [--netns-lo]
 *          [--ready-file PATH] [--timeout SECONDS]
 *
 * A listener on 127.0.0.1 (ephemeral port), one client connected to it and
 * the accepted server socket; the client sends BYTES that the server never
 * reads. Then, by mode:
 *   unshare   a second thread calls unshare(CLONE_FILES) first and creates
 *             all three sockets in its own file table: /proc/PID/fd of the
 *             process does not list them, /proc/PID/task/TID/fd does;
 *   zombie    the main thread creates them, starts a thread and calls
 *             pthread_exit: the leader is a zombie, /proc/PID/fd is empty
 *             and the thread's table (the same one) holds them;
 *   inflight  the server socket is sent with SCM_RIGHTS over an AF_UNIX
 *             socketpair nobody reads, then closed: no descriptor holds it,
 *             a queued message does.
 * Once the server holds exactly BYTES (SIOCINQ) and the client has all of
 * it acknowledged (SIOCOUTQ 0), it writes the ready file atomically (PATH.tmp,
 * then rename) as one JSON object:
 *   {"pid":P,"tid":T|null,"mode":"...","listen_port":L,"client_port":C,
 *    "unread":N,"fds":{"listen":F,"client":F,"server":F|null},
 *    "inodes":{"listen":I,"client":I,"server":I}}
 * (tid: the thread whose own table holds the sockets, in unshare and zombie
 * mode, null in inflight mode; fds are numbers in that table; the server fd
 * is null in inflight mode. A zombie leader has no /proc/PID/ns: enter the
 * namespace through the tid.)
 * Exit status: 0 after SIGTERM/SIGINT or the timeout, 1 on any setup error.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define HELPER_NAME "fdhide"
#include "helper.h"

#define SETTLE_SECONDS 10

enum mode { M_UNSHARE, M_ZOMBIE, M_INFLIGHT };

struct cfg {
	enum mode mode;
	long unread;
	int netns_lo;
	const char *ready_file;
	long timeout;
};

struct conn {
	int lfd, cfd, sfd; /* sfd -1 once it is in flight */
	unsigned lport, cport;
	unsigned long ino_l, ino_c, ino_s;
	pid_t tid; /* 0: the process's table */
};

/* Shared between the threads; set before the other thread reads it. */
struct ctx {
	struct cfg c;
	struct conn cn;
	sigset_t waitmask;
	int sync[2]; /* the socket thread reports "ready" through it */
};

static void usage(void)
{
	fputs("usage: fdhide --mode unshare|zombie|inflight [--unread BYTES] [--netns-lo]\n"
	      "              [--ready-file PATH] [--timeout SECONDS]\n",
	      stderr);
	exit(2);
}

static void parse_args(int argc, char **argv, struct cfg *c)
{
	int have_mode = 0;

	memset(c, 0, sizeof(*c));
	c->timeout = 60;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "--netns-lo") == 0) {
			c->netns_lo = 1;
			continue;
		}
		if (!v)
			usage();
		i++;
		if (strcmp(a, "--mode") == 0) {
			have_mode = 1;
			if (strcmp(v, "unshare") == 0)
				c->mode = M_UNSHARE;
			else if (strcmp(v, "zombie") == 0)
				c->mode = M_ZOMBIE;
			else if (strcmp(v, "inflight") == 0)
				c->mode = M_INFLIGHT;
			else
				usage();
		} else if (strcmp(a, "--unread") == 0) {
			c->unread = parse_long(v, 0, 1L << 20, a);
		} else if (strcmp(a, "--ready-file") == 0) {
			c->ready_file = v;
		} else if (strcmp(a, "--timeout") == 0) {
			c->timeout = parse_long(v, 1, 3600, a);
		} else {
			usage();
		}
	}
	if (!have_mode || !c->ready_file)
		usage();
}

static unsigned long inode_of(int fd)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		die("fstat");
	return (unsigned long)st.st_ino;
}

/* Listener, client, accepted server; the client's bytes wait unread. */
static void make_conn(const struct cfg *c, struct conn *cn)
{
	struct sockaddr_storage ss;
	socklen_t len = loopback(4, 0, &ss);
	int one = 1;
	char buf[4096];
	long left = c->unread;

	cn->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (cn->lfd < 0 || bind(cn->lfd, (struct sockaddr *)&ss, len) < 0 || listen(cn->lfd, 4) < 0)
		die("listener");
	cn->lport = local_port(cn->lfd);
	len = loopback(4, cn->lport, &ss);
	cn->cfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (cn->cfd < 0 || setsockopt(cn->cfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) < 0 ||
	    connect(cn->cfd, (struct sockaddr *)&ss, len) < 0)
		die("client");
	cn->cport = local_port(cn->cfd);
	cn->sfd = accept4(cn->lfd, NULL, NULL, SOCK_CLOEXEC);
	if (cn->sfd < 0)
		die("accept");
	memset(buf, 'x', sizeof(buf));
	while (left > 0) {
		ssize_t w =
		    send(cn->cfd, buf, left > (long)sizeof(buf) ? sizeof(buf) : (size_t)left,
			 MSG_NOSIGNAL);

		if (w < 0 && errno != EINTR)
			die("send");
		if (w > 0)
			left -= w;
	}
	cn->ino_l = inode_of(cn->lfd);
	cn->ino_c = inode_of(cn->cfd);
	cn->ino_s = inode_of(cn->sfd);
}

/* Waits until the server holds exactly the unread bytes, all acknowledged. */
static void settle(const struct cfg *c, const struct conn *cn)
{
	double deadline = now() + SETTLE_SECONDS;

	for (;;) {
		int inq = -1, outq = -1;

		if (ioctl(cn->sfd, SIOCINQ, &inq) < 0 || ioctl(cn->cfd, SIOCOUTQ, &outq) < 0)
			die("SIOCINQ/SIOCOUTQ");
		if (inq == c->unread && outq == 0)
			return;
		if (now() > deadline || g_stop) {
			errno = 0;
			die("not settled after %ds (inq %d of %ld, outq %d)", SETTLE_SECONDS, inq,
			    c->unread, outq);
		}
		poll(NULL, 0, 5);
	}
}

/* Sends the server socket over a socketpair nobody reads, then closes it. */
static void send_away(struct conn *cn)
{
	int u[2];
	char byte = 'f';
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { &byte, 1 };
	struct msghdr mh = { 0 };
	struct cmsghdr *cm;

	if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, u) < 0)
		die("socketpair");
	memset(&ctl, 0, sizeof(ctl));
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = ctl.buf;
	mh.msg_controllen = sizeof(ctl.buf);
	cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &cn->sfd, sizeof(int));
	if (sendmsg(u[0], &mh, 0) != 1)
		die("sendmsg SCM_RIGHTS");
	close(cn->sfd);
	cn->sfd = -1;
	/* u[0] and u[1] stay open, u[1] unread, until the process ends */
}

static void write_ready(const struct ctx *x)
{
	const struct conn *cn = &x->cn;
	static const char *const names[] = { "unshare", "zombie", "inflight" };
	char tmp[4096];
	FILE *f;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", x->c.ready_file) >= (int)sizeof(tmp)) {
		errno = ENAMETOOLONG;
		die("ready file name");
	}
	f = fopen(tmp, "w");
	if (!f)
		die("%s", tmp);
	fprintf(f, "{\"pid\":%ld,\"tid\":", (long)getpid());
	if (cn->tid)
		fprintf(f, "%ld", (long)cn->tid);
	else
		fputs("null", f);
	fprintf(f,
		",\"mode\":\"%s\",\"listen_port\":%u,\"client_port\":%u,\"unread\":%ld,"
		"\"fds\":{\"listen\":%d,\"client\":%d,\"server\":",
		names[x->c.mode], cn->lport, cn->cport, x->c.unread, cn->lfd, cn->cfd);
	if (cn->sfd >= 0)
		fprintf(f, "%d", cn->sfd);
	else
		fputs("null", f);
	fprintf(f, "},\"inodes\":{\"listen\":%lu,\"client\":%lu,\"server\":%lu}}\n", cn->ino_l,
		cn->ino_c, cn->ino_s);
	if (fflush(f) || ferror(f) || fclose(f))
		die("writing %s", tmp);
	if (rename(tmp, x->c.ready_file) < 0)
		die("rename %s", tmp);
}

/* Sleeps until a stop signal (or the alarm) arrives, then ends the process. */
static __attribute__((noreturn)) void wait_stop(const struct ctx *x)
{
	while (!g_stop)
		sigsuspend(&x->waitmask);
	exit(0);
}

/* unshare mode: the thread with its own table. */
static void *unshare_thread(void *arg)
{
	struct ctx *x = arg;
	char ok = 'k';

	if (unshare(CLONE_FILES) < 0)
		die("unshare(CLONE_FILES)");
	x->cn.tid = gettid();
	make_conn(&x->c, &x->cn);
	settle(&x->c, &x->cn);
	if (write(x->sync[1], &ok, 1) != 1)
		die("sync write");
	for (;;)
		pause(); /* every signal is blocked here: the main thread takes them */
}

/* The leader's state letter from /proc/self/stat ('Z' once it has exited). */
static char leader_state(void)
{
	char buf[512], *p;
	ssize_t n;
	int fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		die("/proc/self/stat");
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		die("read /proc/self/stat");
	buf[n] = '\0';
	p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p[2] : '?';
}

/* zombie mode: the thread left when the main thread has exited. */
static void *zombie_thread(void *arg)
{
	struct ctx *x = arg;
	double deadline = now() + SETTLE_SECONDS;

	while (leader_state() != 'Z') {
		if (now() > deadline) {
			errno = 0;
			die("the main thread did not exit");
		}
		poll(NULL, 0, 5);
	}
	x->cn.tid = gettid();
	write_ready(x);
	wait_stop(x);
}

int main(int argc, char **argv)
{
	static struct ctx x; /* outlives the main thread in zombie mode */
	struct sigaction sa;
	sigset_t stopsigs;
	pthread_t t;
	char ok;

	parse_args(argc, argv, &x.c);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGALRM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	alarm((unsigned)x.c.timeout); /* the whole life, setup included */
	sigemptyset(&stopsigs);
	sigaddset(&stopsigs, SIGTERM);
	sigaddset(&stopsigs, SIGINT);
	sigaddset(&stopsigs, SIGALRM);
	sigaddset(&stopsigs, SIGHUP);
	/* stop signals arrive only inside sigsuspend (threads inherit the mask) */
	sigprocmask(SIG_BLOCK, &stopsigs, &x.waitmask);
	if (x.c.netns_lo)
		lo_up();

	switch (x.c.mode) {
	case M_UNSHARE:
		if (pipe2(x.sync, O_CLOEXEC) < 0)
			die("pipe");
		if (pthread_create(&t, NULL, unshare_thread, &x) != 0)
			die("pthread_create");
		if (read(x.sync[0], &ok, 1) != 1)
			die("sync read");
		write_ready(&x);
		wait_stop(&x);
	case M_ZOMBIE:
		make_conn(&x.c, &x.cn);
		settle(&x.c, &x.cn);
		if (pthread_create(&t, NULL, zombie_thread, &x) != 0)
			die("pthread_create");
		pthread_exit(NULL);
	case M_INFLIGHT:
		make_conn(&x.c, &x.cn);
		settle(&x.c, &x.cn);
		send_away(&x.cn);
		write_ready(&x);
		wait_stop(&x);
	}
	return 1;
}
