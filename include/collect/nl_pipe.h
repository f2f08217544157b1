/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nl_pipe.h - netlink dumps received on threads of their own, so that
 * several dumps run at once and the caller parses one datagram while the
 * kernel fills the next. */
#ifndef SOCKMEM_NL_PIPE_H
#define SOCKMEM_NL_PIPE_H

#include <stdbool.h>
#include <stddef.h>

#include "collect/nl.h"

/*
 * A set of receivers ("lanes"), each with a few buffers of its own. The
 * caller (one thread) opens the sockets and sends the requests; a lane
 * only calls recvmsg on the socket it was given, so the dump is of the
 * namespace the socket was opened in, whichever thread receives. Lanes
 * block every signal: SIGINT and SIGTERM reach the caller's thread.
 */
struct nl_pipe;

/* Starts nlanes receiver threads. A lane whose thread cannot start (no
 * more threads: EAGAIN) is received for by the caller in nl_pipe_next,
 * one dump after the other, as a single thread would. Returns 0 with *pp
 * set, or -ENOMEM. */
int nl_pipe_open(struct nl_pipe **pp, size_t nlanes);

/* Stops and joins every lane, frees the pipe (NULL: nothing). */
void nl_pipe_close(struct nl_pipe *p);

/* Lane `lane` (idle) receives the dump just requested on n, until a
 * datagram ends it (nl_ends_dump), a receive fails, or nl_pipe_stop. */
void nl_pipe_start(struct nl_pipe *p, size_t lane, struct nl *n);

/*
 * Waits for the next datagram of any lane, in the order they arrived.
 * Returns 0 with *lane, *buf, *len set (the buffer is the caller's until
 * nl_pipe_release), or 1 with *lane set and *err the -errno of a failed
 * receive (that lane is idle again; nothing to release).
 */
int nl_pipe_next(struct nl_pipe *p, size_t *lane, const char **buf, size_t *len, int *err);

/* Whether the lane has a thread of its own (else the caller receives). */
bool nl_pipe_threaded(const struct nl_pipe *p, size_t lane);

/* Gives a buffer from nl_pipe_next back to its lane. */
void nl_pipe_release(struct nl_pipe *p, size_t lane, const char *buf);

/* Makes the lane idle: ends its receiving (at most one more recvmsg) and
 * drops what it received that nl_pipe_next has not returned. */
void nl_pipe_stop(struct nl_pipe *p, size_t lane);

#endif
