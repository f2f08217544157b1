/* SPDX-License-Identifier: GPL-2.0-or-later */
/* filter.h - socket filters: parsing, kernel bytecode, and the userspace check. */
#ifndef SOCKMEM_FILTER_H
#define SOCKMEM_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/sock.h"

#define FILTER_MAX_VALUES 16

struct port_range {
	uint16_t lo, hi;
};

struct cidr {
	uint8_t family; /* AF_INET or AF_INET6 */
	uint8_t plen;	/* prefix length in bits */
	uint8_t addr[16];
};

/* Values of one option are OR-ed; different options are AND-ed. */
struct filter {
	uint32_t states; /* 1 << TCP_*; 0 = every state */
	struct port_range sport[FILTER_MAX_VALUES], dport[FILTER_MAX_VALUES];
	size_t nsport, ndport;
	struct cidr src[FILTER_MAX_VALUES], dst[FILTER_MAX_VALUES];
	size_t nsrc, ndst;
	int32_t pid[FILTER_MAX_VALUES];
	size_t npid;
	const char *comm[FILTER_MAX_VALUES];
	size_t ncomm;
	uint32_t uid[FILTER_MAX_VALUES];
	size_t nuid;
	const char *cgroup[FILTER_MAX_VALUES]; /* cgroup v2 paths, as given */
	size_t ncgroup;
};

/* Adds a state name or ss group (all, connected, synchronized, bucket, big)
 * to f->states. Returns 0 or -EINVAL. */
int filter_add_state(struct filter *f, const char *name);

/* Parses "PORT" or "LO-HI" (1..65535). Returns 0 or -EINVAL. */
int filter_parse_ports(const char *s, struct port_range *out);

/* Parses an IPv4/IPv6 address with an optional /PREFIX (brackets allowed
 * around IPv6). Returns 0 or -EINVAL. */
int filter_parse_cidr(const char *s, struct cidr *out);

/* Whether any condition the kernel can evaluate is set. */
bool filter_has_kernel_part(const struct filter *f);

/* Whether any condition needs owners (pid, comm). */
bool filter_needs_owners(const struct filter *f);

/*
 * Builds INET_DIAG_REQ_BYTECODE for the port and address conditions into buf.
 * Returns the length (0 if there are none) or -E2BIG if len is too small.
 */
int filter_bytecode(const struct filter *f, uint8_t *buf, size_t len);

/* Whether the socket's addresses, ports and state match (the same test the
 * bytecode makes, repeated in userspace). */
bool filter_match_sock(const struct filter *f, const struct sock_rec *s);

#endif
