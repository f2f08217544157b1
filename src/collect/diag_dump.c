// SPDX-License-Identifier: GPL-2.0-or-later
/* diag_dump.c - one SOCK_DIAG_BY_FAMILY dump of TCP sockets into a sock_table. */
#include "collect/diag.h"

#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "collect/nl.h"
#include "collect/nl_pipe.h"
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
	if (nlh->nlmsg_type != (d->type ? d->type : SOCK_DIAG_BY_FAMILY))
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

/* The legacy TCPDIAG_GETSOCK request (struct inet_diag_req): one dump of
 * both families' TCP sockets, over one walk of the hash tables. */
static void build_compat_request(struct nlmsghdr *nlh, const struct diag_req *rq)
{
	struct inet_diag_req *req;

	nlh->nlmsg_type = TCPDIAG_GETSOCK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req = mnl_nlmsg_put_extra_header(nlh, sizeof(*req));
	req->idiag_family = AF_UNSPEC; /* the kernel dumps both whatever this says */
	req->idiag_states = rq->states;
	req->idiag_ext = 1 << (INET_DIAG_SKMEMINFO - 1) | 1 << (INET_DIAG_INFO - 1);
	req->id.idiag_cookie[0] = INET_DIAG_NOCOOKIE;
	req->id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;
	if (rq->bytecode && rq->bytecode_len)
		mnl_attr_put(nlh, INET_DIAG_REQ_BYTECODE, rq->bytecode_len, rq->bytecode);
}

static void build_request(struct nlmsghdr *nlh, int family, const struct diag_req *rq)
{
	struct inet_diag_req_v2 *req;

	if (family == AF_UNSPEC) {
		build_compat_request(nlh, rq);
		return;
	}

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

/* One dump of a set: its socket, attempts, and what its replies add. */
struct dump_job {
	const struct diag_job *j;
	struct nl n;
	struct diag_sink d;
	uint64_t flushed; /* t->flushed when this attempt began */
	char ext[128];	  /* the kernel's message when it failed */
	int attempt;
	bool running;
	bool threaded; /* received on a lane's own thread */
};

/* The step a failed dump names. */
static const char *dump_where(const struct diag_job *j)
{
	if (j->family == AF_UNSPEC)
		return "netlink dump (AF_INET and AF_INET6)";
	if (j->req.protocol == SOCK_PROTO_UDP)
		return j->family == AF_INET6 ? "netlink dump (UDP, AF_INET6)"
					     : "netlink dump (UDP, AF_INET)";
	return j->family == AF_INET6 ? "netlink dump (AF_INET6)" : "netlink dump (AF_INET)";
}

/* Opens a fresh socket (the old one may still hold the rest of an
 * interrupted dump), sends the request and hands the socket to its lane.
 * Returns 0 or -errno with *where set. */
static int job_start(struct nl_pipe *p, size_t lane, struct dump_job *dj, struct sock_table *t,
		     const char **where)
{
	char reqbuf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(reqbuf);
	int err;

	if (dj->j->req.bytecode_len > sizeof(reqbuf) - 256) {
		*where = "netlink request";
		return -E2BIG;
	}
	err = nl_open(&dj->n, NETLINK_SOCK_DIAG);
	if (err) {
		*where = "netlink socket (NETLINK_SOCK_DIAG)";
		return err;
	}
	build_request(nlh, dj->j->family, &dj->j->req);
	err = nl_request(&dj->n, nlh);
	if (err) {
		nl_close(&dj->n);
		*where = dump_where(dj->j);
		return err;
	}
	dj->d = (struct diag_sink){ t, dj->j->netns_ino, dj->j->req.protocol, 0, 0,
				    dj->j->family == AF_UNSPEC ? TCPDIAG_GETSOCK : 0 };
	dj->flushed = t->flushed;
	dj->running = true;
	dj->threaded = nl_pipe_threaded(p, lane);
	nl_pipe_start(p, lane, &dj->n);
	return 0;
}

/* Ends a job's attempt: its lane idle, its counts added, its socket closed. */
static void job_end(struct nl_pipe *p, size_t lane, struct dump_job *dj, struct diag_stats *st)
{
	nl_pipe_stop(p, lane);
	st->messages += dj->d.messages;
	st->malformed += dj->d.malformed;
	st->recv_calls += dj->n.recv_calls;
	st->bytes += dj->n.bytes;
	st->dumps++;
	st->dumps_unthreaded += !dj->threaded;
	nl_close(&dj->n);
	dj->running = false;
}

/* Records from an interrupted attempt stay: the retry dedupes by cookie,
 * unless a streaming table handed some on already since it began (its
 * dedup window may no longer hold them): then it is reported. */
static bool job_retries(const struct dump_job *dj, const struct sock_table *t, int err)
{
	return err == -EINTR && dj->attempt + 1 < DIAG_RETRIES && !sig_interrupted() &&
	       t->flushed == dj->flushed;
}

/* Takes datagrams from the lanes until every job ended. Returns 0 or the
 * -errno of the first job that failed (*failed its index). */
static int dump_loop(struct nl_pipe *p, struct dump_job *jobs, size_t n, struct sock_table *t,
		     struct diag_stats *st, size_t *failed, const char **where)
{
	size_t active = n, lane, len;
	const char *buf;
	int err, ret;

	while (active > 0) {
		if (nl_pipe_next(p, &lane, &buf, &len, &err) == 0) {
			ret = nl_dump_recv(&jobs[lane].n, buf, len, jobs[lane].n.seq, diag_dump_msg,
					  &jobs[lane].d);
			nl_pipe_release(p, lane, buf);
			if (ret > 0)
				continue;
		} else {
			ret = err;
		}
		struct dump_job *dj = &jobs[lane];

		if (ret < 0)
			snprintf(dj->ext, sizeof(dj->ext), "%s", dj->n.ext_ack);
		job_end(p, lane, dj, st);
		if (job_retries(dj, t, ret)) {
			dj->attempt++;
			ret = job_start(p, lane, dj, t, where);
			if (ret == 0)
				continue;
		}
		active--;
		if (ret < 0) {
			*failed = lane;
			return ret;
		}
	}
	return 0;
}

int diag_dump_set(const struct diag_job *set, size_t n, struct sock_table *t,
		  struct diag_stats *st, struct diag_err *e)
{
	struct dump_job *jobs = calloc(n ? n : 1, sizeof(*jobs));
	struct nl_pipe *p = NULL;
	size_t failed = 0;
	int err;

	e->where = NULL;
	e->both_families = false;
	e->ext_ack[0] = '\0';
	if (!jobs || (err = nl_pipe_open(&p, n)) != 0) {
		free(jobs);
		e->where = "netlink receive buffers";
		return jobs ? err : -ENOMEM;
	}
	err = 0;
	for (size_t i = 0; i < n && !err; i++) {
		jobs[i].j = &set[i];
		err = job_start(p, i, &jobs[i], t, &e->where);
		failed = i;
	}
	if (!err)
		err = dump_loop(p, jobs, n, t, st, &failed, &e->where);
	for (size_t i = 0; i < n; i++)
		if (jobs[i].running)
			job_end(p, i, &jobs[i], st);
	nl_pipe_close(p);
	if (err) {
		if (!e->where)
			e->where = dump_where(&set[failed]);
		e->both_families = set[failed].family == AF_UNSPEC;
		snprintf(e->ext_ack, sizeof(e->ext_ack), "%s", jobs[failed].ext);
	}
	free(jobs);
	return err;
}
