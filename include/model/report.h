/* SPDX-License-Identifier: GPL-2.0-or-later */
/* report.h - what failed while collecting a snapshot or building a view,
 * for main's one-line message. */
#ifndef SOCKMEM_REPORT_H
#define SOCKMEM_REPORT_H

#include <stddef.h>

/* What failed during collection, for main's one-line message. */
struct report_err {
	const char *where; /* e.g. "netlink dump (AF_INET6)", "/proc/net/sockstat" */
	int err;	   /* positive errno; 0: where is the whole message */
	char what[320];	   /* a formatted where (the failing step may point where at it) */
	char ext_ack[128]; /* the kernel's extended-ACK message: raw, untrusted; "" if none */
};

/*
 * Formats e as the one line main prints after "sockmem: ": "WHERE: strerror",
 * then " (kernel: MESSAGE)" when the kernel sent one, its bytes outside
 * printable ASCII (and backslash) escaped as \xNN. Writes at most len bytes
 * including the NUL, as snprintf does (a shorter buffer holds a prefix).
 */
void report_err_message(const struct report_err *e, char *buf, size_t len);

/* Fills e (where, positive errno err or -err, 0 when where says it all;
 * no kernel message) and returns -1. */
int report_fail(struct report_err *e, const char *where, int err);

#endif
