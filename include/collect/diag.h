/* SPDX-License-Identifier: GPL-2.0-or-later */
/* diag.h - NETLINK_SOCK_DIAG (inet_diag) collection of TCP sockets. */
#ifndef SOCKMEM_DIAG_H
#define SOCKMEM_DIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/sock.h"

struct nlmsghdr;


/*
 * Parses one SOCK_DIAG_BY_FAMILY reply into rec (pure; no I/O).
 * skmem and tcp_info are read by payload length: fields the payload does not
 * cover are marked absent. Unknown attributes are skipped.
 * Returns 0, or -EBADMSG if the message is too short or malformed.
 */
int diag_parse(const struct nlmsghdr *nlh, struct sock_rec *rec);


/* Kernel-side filtering of a dump (state mask and optional bytecode). */
struct diag_req {
	uint8_t protocol;     /* enum sock_proto: which inet_diag handler dumps */
	uint32_t states;      /* bit (1 << TCP_*); UDP uses the same numbers (CLOSE: bound) */
	const void *bytecode; /* INET_DIAG_REQ_BYTECODE, or NULL */
	size_t bytecode_len;
};

/* What diag_dump_msg collects over one dump. */
struct diag_sink {
	struct sock_table *t; /* records, deduplicated by cookie */
	uint64_t netns_ino;   /* tagged on every record */
	uint8_t protocol;     /* enum sock_proto, tagged on every record */
	uint64_t messages;    /* SOCK_DIAG_BY_FAMILY replies seen */
	uint64_t malformed;   /* replies diag_parse rejected */
	uint16_t type;	      /* the replies' nlmsg_type (0: SOCK_DIAG_BY_FAMILY) */
};

/* The nl_dump callback of a dump (data is a struct diag_sink): parses one
 * reply and adds its record. Returns an MNL_CB_* value (errno set on
 * MNL_CB_ERROR). Exposed for tests that feed the receive loop bytes. */
int diag_dump_msg(const struct nlmsghdr *nlh, void *data);

/* What a failed dump says about itself. */
struct diag_err {
	const char *where; /* the step, e.g. "netlink dump (AF_INET6)" */
	bool both_families; /* the step was a dump of both families (AF_UNSPEC) */
	char ext_ack[128]; /* the kernel's extended-ACK message: raw, untrusted; "" if none */
};

/* One dump of a set: a family (AF_INET or AF_INET6; AF_UNSPEC: TCP's
 * both, in the legacy TCPDIAG_GETSOCK dump), what to ask for, and the
 * namespace inode its records are tagged with. */
struct diag_job {
	int family;
	struct diag_req req;
	uint64_t netns_ino;
};

/*
 * Runs the n dumps at once, each received on a thread of its own
 * (nl_pipe), in the calling thread's network namespace; the calling thread
 * parses every reply into t (deduplicated by cookie), so records of
 * different dumps interleave, each dump's in the kernel's order. An
 * interrupted dump is retried up to 3 times. Returns 0 or the -errno of
 * the first dump that failed (the others are stopped); *e names its step
 * and carries the kernel's message when it sent one.
 */
int diag_dump_set(const struct diag_job *set, size_t n, struct sock_table *t,
		  struct diag_stats *st, struct diag_err *e);

#endif
