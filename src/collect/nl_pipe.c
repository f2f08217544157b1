// SPDX-License-Identifier: GPL-2.0-or-later
/* nl_pipe.c - receiver threads for netlink dumps (see nl_pipe.h).
 *
 * A sock_diag dump is kernel work done in the thread that calls recvmsg:
 * netlink_recvmsg() copies one skb out and then fills the next one. A lane
 * that only receives keeps the kernel busy while the caller parses and
 * folds, and two lanes run two dumps (IPv4 and IPv6) on two CPUs. */
#include "collect/nl_pipe.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/netlink.h>

/* A dump datagram's buffer: the kernel caps one dump skb at about 32 KiB;
 * a larger buffer never loses data (a smaller one truncates: MSG_TRUNC). */
#define NL_DUMP_BUFLEN (64 * 1024)
/* Datagrams a lane may hold before the caller takes them: enough to ride
 * out the caller's pause while it folds or writes a batch (COLLECT_BATCH
 * records, about 15 datagrams), or the kernel would sit idle meanwhile;
 * 2 MiB a lane, about half of it touched (a dump datagram is 32 KiB). */
#define LANE_BUFS 32
/* A lane waiting for data looks at its stop flag this often (ms). */
#define LANE_POLL_MS 100

/* A received datagram (buf, len) or a failed receive (buf NULL, err). */
struct item {
	size_t lane;
	char *buf;
	size_t len;
	int err;
};

struct lane {
	struct nl_pipe *p;
	size_t idx;
	pthread_t tid;
	bool started; /* a thread of its own; else the caller receives for it */
	pthread_cond_t cv; /* run, stop, free buffers, busy changed */
	struct nl *n;	   /* the socket of the dump being received */
	bool run;	   /* receiving (nl_pipe_start) until the dump's end */
	bool stop;	   /* nl_pipe_stop waits for the lane to leave recvmsg */
	bool busy;	   /* inside its receive, without the lock */
	char *mem;
	char *free[LANE_BUFS];
	size_t nfree;
};

struct nl_pipe {
	pthread_mutex_t mu;
	pthread_cond_t ready; /* an item was queued */
	struct item *q;	      /* ring of nlanes * (LANE_BUFS + 1) */
	size_t qcap, qhead, qn;
	bool quit;
	size_t nlanes;
	struct lane *lanes;
};

/* Whether the lane should give up waiting for data. */
static bool lane_leaving(struct lane *l)
{
	bool leave;

	pthread_mutex_lock(&l->p->mu);
	leave = l->stop || l->p->quit;
	pthread_mutex_unlock(&l->p->mu);
	return leave;
}

/* One datagram into buf, as mnl_socket_recvfrom() reads it. Returns its
 * length (0: the socket said end of file), or -errno. */
static long lane_recv(struct lane *l, int fd, char *buf)
{
	for (;;) {
		struct sockaddr_nl addr;
		struct iovec iov = { buf, NL_DUMP_BUFLEN };
		struct msghdr msg = { .msg_name = &addr,
				      .msg_namelen = sizeof(addr),
				      .msg_iov = &iov,
				      .msg_iovlen = 1 };
		/* the kernel queued the next skb in the previous recvmsg: waiting
		 * is rare, and done in poll so that a stop is seen */
		ssize_t len = recvmsg(fd, &msg, MSG_DONTWAIT);

		if (len < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			struct pollfd pf = { fd, POLLIN, 0 };

			if (lane_leaving(l))
				return -ECANCELED;
			if (poll(&pf, 1, LANE_POLL_MS) < 0 && errno != EINTR)
				return -errno;
			continue;
		}
		if (len < 0)
			return -errno;
		if (msg.msg_flags & MSG_TRUNC)
			return -ENOSPC;
		if (msg.msg_namelen != sizeof(addr))
			return -EINVAL;
		return (long)len;
	}
}

/* Queues what one receive gave (under the lock). */
static void lane_push(struct lane *l, char *buf, long len)
{
	struct nl_pipe *p = l->p;
	struct item *it = &p->q[(p->qhead + p->qn++) % p->qcap];

	it->lane = l->idx;
	it->buf = len > 0 ? buf : NULL;
	it->len = len > 0 ? (size_t)len : 0;
	it->err = len > 0 ? 0 : len == 0 ? -ENODATA : (int)len;
	if (len <= 0) {
		l->free[l->nfree++] = buf;
		l->run = false;
	} else if (nl_ends_dump(buf, (size_t)len)) {
		l->run = false;
	}
	pthread_cond_signal(&p->ready);
}

static void *lane_main(void *arg)
{
	struct lane *l = arg;
	struct nl_pipe *p = l->p;

	pthread_mutex_lock(&p->mu);
	for (;;) {
		while (!p->quit && !(l->run && !l->stop && l->nfree > 0))
			pthread_cond_wait(&l->cv, &p->mu);
		if (p->quit)
			break;
		char *buf = l->free[--l->nfree];
		int fd = mnl_socket_get_fd(l->n->sk);

		l->busy = true;
		pthread_mutex_unlock(&p->mu);
		long len = lane_recv(l, fd, buf);

		pthread_mutex_lock(&p->mu);
		l->busy = false;
		if (l->stop || p->quit) { /* nobody wants it any more */
			l->free[l->nfree++] = buf;
			pthread_cond_broadcast(&l->cv);
			continue;
		}
		lane_push(l, buf, len);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

/* Starts the lanes' threads with every signal blocked. A lane whose
 * thread cannot start is received for by the caller, in nl_pipe_next. */
static void start_lanes(struct nl_pipe *p)
{
	sigset_t all, old;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	for (size_t i = 0; i < p->nlanes; i++)
		p->lanes[i].started =
		    pthread_create(&p->lanes[i].tid, NULL, lane_main, &p->lanes[i]) == 0;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

int nl_pipe_open(struct nl_pipe **pp, size_t nlanes)
{
	struct nl_pipe *p = calloc(1, sizeof(*p));

	*pp = NULL;
	if (!p)
		return -ENOMEM;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->ready, NULL);
	p->nlanes = nlanes;
	p->qcap = nlanes * (LANE_BUFS + 1);
	p->q = calloc(p->qcap ? p->qcap : 1, sizeof(*p->q));
	p->lanes = calloc(nlanes ? nlanes : 1, sizeof(*p->lanes));
	if (!p->q || !p->lanes) {
		nl_pipe_close(p);
		return -ENOMEM;
	}
	for (size_t i = 0; i < nlanes; i++) {
		struct lane *l = &p->lanes[i];

		l->p = p;
		l->idx = i;
		pthread_cond_init(&l->cv, NULL);
		l->mem = malloc((size_t)LANE_BUFS * NL_DUMP_BUFLEN);
		if (!l->mem) {
			nl_pipe_close(p);
			return -ENOMEM;
		}
		for (size_t b = 0; b < LANE_BUFS; b++)
			l->free[l->nfree++] = l->mem + b * NL_DUMP_BUFLEN;
	}
	start_lanes(p);
	*pp = p;
	return 0;
}

void nl_pipe_close(struct nl_pipe *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->mu);
	p->quit = true;
	for (size_t i = 0; p->lanes && i < p->nlanes; i++)
		pthread_cond_broadcast(&p->lanes[i].cv);
	pthread_mutex_unlock(&p->mu);
	for (size_t i = 0; p->lanes && i < p->nlanes; i++) {
		if (p->lanes[i].started)
			pthread_join(p->lanes[i].tid, NULL);
		if (p->lanes[i].p)
			pthread_cond_destroy(&p->lanes[i].cv);
		free(p->lanes[i].mem);
	}
	pthread_cond_destroy(&p->ready);
	pthread_mutex_destroy(&p->mu);
	free(p->lanes);
	free(p->q);
	free(p);
}

void nl_pipe_start(struct nl_pipe *p, size_t lane, struct nl *n)
{
	struct lane *l = &p->lanes[lane];

	pthread_mutex_lock(&p->mu);
	l->n = n;
	l->run = true;
	pthread_cond_broadcast(&l->cv);
	pthread_mutex_unlock(&p->mu);
}

/* A lane without a thread that has a dump to receive (under the lock). */
static struct lane *threadless_running(struct nl_pipe *p)
{
	for (size_t i = 0; i < p->nlanes; i++)
		if (!p->lanes[i].started && p->lanes[i].run && p->lanes[i].nfree > 0)
			return &p->lanes[i];
	return NULL;
}

int nl_pipe_next(struct nl_pipe *p, size_t *lane, const char **buf, size_t *len, int *err)
{
	struct item it;

	pthread_mutex_lock(&p->mu);
	while (p->qn == 0) {
		struct lane *l = threadless_running(p);

		if (!l) {
			pthread_cond_wait(&p->ready, &p->mu);
			continue;
		}
		char *b = l->free[--l->nfree];

		pthread_mutex_unlock(&p->mu);
		long n = lane_recv(l, mnl_socket_get_fd(l->n->sk), b);

		pthread_mutex_lock(&p->mu);
		lane_push(l, b, n);
	}
	it = p->q[p->qhead];
	p->qhead = (p->qhead + 1) % p->qcap;
	p->qn--;
	pthread_mutex_unlock(&p->mu);
	*lane = it.lane;
	if (!it.buf) {
		*err = it.err;
		return 1;
	}
	*buf = it.buf;
	*len = it.len;
	return 0;
}

bool nl_pipe_threaded(const struct nl_pipe *p, size_t lane)
{
	return p->lanes[lane].started;
}

void nl_pipe_release(struct nl_pipe *p, size_t lane, const char *buf)
{
	struct lane *l = &p->lanes[lane];

	pthread_mutex_lock(&p->mu);
	l->free[l->nfree++] = l->mem + (buf - l->mem);
	pthread_cond_broadcast(&l->cv);
	pthread_mutex_unlock(&p->mu);
}

void nl_pipe_stop(struct nl_pipe *p, size_t lane)
{
	struct lane *l = &p->lanes[lane];
	size_t kept = 0;

	pthread_mutex_lock(&p->mu);
	l->stop = true;
	pthread_cond_broadcast(&l->cv);
	while (l->busy)
		pthread_cond_wait(&l->cv, &p->mu);
	/* drop its queued items; the others keep their order */
	for (size_t i = 0; i < p->qn; i++) {
		struct item it = p->q[(p->qhead + i) % p->qcap];

		if (it.lane != lane)
			p->q[(p->qhead + kept++) % p->qcap] = it;
		else if (it.buf)
			l->free[l->nfree++] = it.buf;
	}
	p->qn = kept;
	l->run = false;
	l->stop = false;
	l->n = NULL;
	pthread_mutex_unlock(&p->mu);
}
