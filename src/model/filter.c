// SPDX-License-Identifier: GPL-2.0-or-later
/* filter.c - filter parsing, inet_diag bytecode builder, userspace matcher. */
#include "model/filter.h"

#include "util/num.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/inet_diag.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#define TCPF(s) (1u << (s))

#define SS_ALL 0xffffffffu
/* Bound-but-idle sockets come back from the kernel in state CLOSE (shown
 * UNCONN), so "closed" and "bound-inactive" ask for and accept both. */
#define SS_UNCONN (TCPF(SOCK_TCP_CLOSE) | TCPF(SOCK_TCP_BOUND_INACTIVE))
/* ss's groups: connected = all but closed and listening. */
#define SS_CONN	  (SS_ALL & ~(SS_UNCONN | TCPF(SOCK_TCP_LISTEN)))
#define SS_BUCKET (TCPF(SOCK_TCP_SYN_RECV) | TCPF(SOCK_TCP_NEW_SYN_RECV) | TCPF(SOCK_TCP_TIME_WAIT))

int filter_add_state(struct filter *f, const char *name)
{
	static const struct {
		const char *name;
		uint32_t mask;
	} names[] = {
		/* ss filter spellings, then ss display spellings */
		{ "all", SS_ALL },
		{ "connected", SS_CONN },
		{ "synchronized", SS_CONN & ~TCPF(SOCK_TCP_SYN_SENT) },
		{ "bucket", SS_BUCKET },
		{ "big", SS_ALL & ~SS_BUCKET },
		{ "established", TCPF(SOCK_TCP_ESTABLISHED) },
		{ "syn-sent", TCPF(SOCK_TCP_SYN_SENT) },
		{ "syn-recv", TCPF(SOCK_TCP_SYN_RECV) | TCPF(SOCK_TCP_NEW_SYN_RECV) },
		{ "syn-rcv", TCPF(SOCK_TCP_SYN_RECV) | TCPF(SOCK_TCP_NEW_SYN_RECV) },
		{ "fin-wait-1", TCPF(SOCK_TCP_FIN_WAIT1) },
		{ "fin-wait-2", TCPF(SOCK_TCP_FIN_WAIT2) },
		{ "time-wait", TCPF(SOCK_TCP_TIME_WAIT) },
		{ "closed", SS_UNCONN },
		{ "close", SS_UNCONN },
		{ "unconnected", SS_UNCONN },
		{ "close-wait", TCPF(SOCK_TCP_CLOSE_WAIT) },
		{ "last-ack", TCPF(SOCK_TCP_LAST_ACK) },
		{ "listening", TCPF(SOCK_TCP_LISTEN) },
		{ "closing", TCPF(SOCK_TCP_CLOSING) },
		{ "bound-inactive", SS_UNCONN },
		{ "estab", TCPF(SOCK_TCP_ESTABLISHED) },
		{ "listen", TCPF(SOCK_TCP_LISTEN) },
		{ "unconn", SS_UNCONN },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcasecmp(name, names[i].name) == 0) {
			f->states |= names[i].mask;
			return 0;
		}
	return -EINVAL;
}

static int parse_port(const char *s, const char *end, uint16_t *out)
{
	uint64_t v;

	/* at most five characters: "000080" is refused */
	if (end - s > 5 || num_u64n(s, (size_t)(end - s), 65535, &v) != 0 || v < 1)
		return -EINVAL;
	*out = (uint16_t)v;
	return 0;
}

int filter_parse_ports(const char *s, struct port_range *out)
{
	const char *dash = strchr(s, '-');
	const char *end = s + strlen(s);

	if (!dash) {
		if (parse_port(s, end, &out->lo))
			return -EINVAL;
		out->hi = out->lo;
		return 0;
	}
	if (parse_port(s, dash, &out->lo) || parse_port(dash + 1, end, &out->hi) ||
	    out->lo > out->hi)
		return -EINVAL;
	return 0;
}

int filter_parse_cidr(const char *s, struct cidr *out)
{
	char buf[64];
	size_t n = strlen(s);
	const char *slash;
	long plen = -1;

	if (n == 0 || n >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, n + 1);
	slash = strchr(buf, '/');
	if (slash) {
		uint64_t v;

		if (num_u64(slash + 1, 128, &v) != 0)
			return -EINVAL;
		plen = (long)v;
		buf[slash - buf] = '\0';
	}
	char *a = buf;

	if (a[0] == '[') {
		size_t l = strlen(a);

		if (l < 3 || a[l - 1] != ']')
			return -EINVAL;
		a[l - 1] = '\0';
		a++;
	}
	memset(out, 0, sizeof(*out));
	if (inet_pton(AF_INET, a, out->addr) == 1) {
		out->family = AF_INET;
		if (plen > 32)
			return -EINVAL;
		out->plen = (uint8_t)(plen < 0 ? 32 : plen);
	} else if (inet_pton(AF_INET6, a, out->addr) == 1) {
		out->family = AF_INET6;
		if (plen > 128)
			return -EINVAL;
		out->plen = (uint8_t)(plen < 0 ? 128 : plen);
	} else {
		return -EINVAL;
	}
	return 0;
}

bool filter_has_kernel_part(const struct filter *f)
{
	return f->nsport || f->ndport || f->nsrc || f->ndst;
}

bool filter_needs_owners(const struct filter *f)
{
	return f->npid || f->ncomm;
}

/* ---- bytecode ---- */

struct prog {
	uint8_t *p;
	size_t len, cap;
};

static int emit(struct prog *pr, const void *d, size_t n)
{
	if (pr->len + n > pr->cap)
		return -E2BIG;
	memcpy(pr->p + pr->len, d, n);
	pr->len += n;
	return 0;
}

/* Adds extra to every "no" jump of the program [start, end) that targets
 * its reject point (end + 4), so that it still rejects after extra bytes
 * are appended. */
static void relocate_rejects(struct prog *pr, size_t start, size_t end, size_t extra)
{
	size_t off = start;

	while (off < end) {
		struct inet_diag_bc_op *op = (struct inet_diag_bc_op *)(pr->p + off);

		if (op->code != INET_DIAG_BC_NOP && off + op->no == end + 4)
			op->no = (uint16_t)(op->no + extra);
		if (op->yes == 0)
			break;
		off += op->yes;
	}
}

/* A leaf whose failure jumps to its own end + 4 (reject). */
static int leaf_port(struct prog *pr, int code_ge, int code_le, const struct port_range *r)
{
	struct inet_diag_bc_op ops[4] = {
		{ (uint8_t)code_ge, 8, 16 + 4 },
		{ 0, 0, r->lo },
		{ (uint8_t)code_le, 8, 8 + 4 },
		{ 0, 0, r->hi },
	};

	return emit(pr, ops, sizeof(ops));
}

static int leaf_host(struct prog *pr, int code, const struct cidr *c)
{
	size_t alen = c->family == AF_INET ? 4 : 16;
	uint16_t size =
	    (uint16_t)(sizeof(struct inet_diag_bc_op) + sizeof(struct inet_diag_hostcond) + alen);
	struct inet_diag_bc_op op = { (uint8_t)code, (uint8_t)size, (uint16_t)(size + 4) };
	struct inet_diag_hostcond hc = { c->family, c->plen, -1 };
	if (emit(pr, &op, sizeof(op)) || emit(pr, &hc, sizeof(hc)) || emit(pr, c->addr, alen))
		return -E2BIG;
	return 0;
}

/* Appends (v1 OR v2 OR ...) for one option. Every alternative but the last
 * is followed by a JMP over the rest; a failing alternative falls to the
 * next one because its reject point is where the next one starts. */
static int emit_or(struct prog *pr, size_t n, int (*leaf)(struct prog *, size_t, const void *),
		   const void *ctx)
{
	size_t jmp_at[FILTER_MAX_VALUES];

	for (size_t i = 0; i < n; i++) {
		int err = leaf(pr, i, ctx);

		if (err)
			return err;
		if (i + 1 < n) {
			struct inet_diag_bc_op j = { INET_DIAG_BC_JMP, 4, 0 };

			jmp_at[i] = pr->len;
			if ((err = emit(pr, &j, sizeof(j))))
				return err;
		}
	}
	/* Patch each JMP to land at the end of the whole OR. */
	for (size_t i = 0; i + 1 < n; i++) {
		struct inet_diag_bc_op *j = (struct inet_diag_bc_op *)(pr->p + jmp_at[i]);

		j->no = (uint16_t)(pr->len - jmp_at[i]);
	}
	return 0;
}

struct leaf_ctx {
	const struct filter *f;
	int which; /* 0 sport, 1 dport, 2 src, 3 dst */
};

static int leaf_at(struct prog *pr, size_t i, const void *ctx)
{
	const struct leaf_ctx *c = ctx;

	switch (c->which) {
	case 0: return leaf_port(pr, INET_DIAG_BC_S_GE, INET_DIAG_BC_S_LE, &c->f->sport[i]);
	case 1: return leaf_port(pr, INET_DIAG_BC_D_GE, INET_DIAG_BC_D_LE, &c->f->dport[i]);
	case 2: return leaf_host(pr, INET_DIAG_BC_S_COND, &c->f->src[i]);
	default: return leaf_host(pr, INET_DIAG_BC_D_COND, &c->f->dst[i]);
	}
}

int filter_bytecode(const struct filter *f, uint8_t *buf, size_t len)
{
	struct prog pr = { buf, 0, len };
	size_t counts[4] = { f->nsport, f->ndport, f->nsrc, f->ndst };
	size_t starts[4], ends[4];
	int ngroups = 0;

	for (int w = 0; w < 4; w++) {
		struct leaf_ctx c = { f, w };

		if (!counts[w])
			continue;
		starts[ngroups] = pr.len;
		int err = emit_or(&pr, counts[w], leaf_at, &c);

		if (err)
			return err;
		ends[ngroups++] = pr.len;
	}
	if (pr.len > 0xffff - 4)
		return -E2BIG;
	/* AND: a group's reject must skip everything after it, to the total end + 4. */
	for (int g = 0; g < ngroups; g++)
		relocate_rejects(&pr, starts[g], ends[g], pr.len - ends[g]);
	return (int)pr.len;
}

static bool prefix_match(const uint8_t *a, const uint8_t *b, unsigned bits)
{
	unsigned full = bits / 8, rest = bits % 8;

	if (memcmp(a, b, full) != 0)
		return false;
	if (rest) {
		uint8_t mask = (uint8_t)(0xff << (8 - rest));

		return (a[full] & mask) == (b[full] & mask);
	}
	return true;
}

static bool host_match(const struct cidr *c, int family, const uint8_t *addr)
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

	if (c->family == family)
		return prefix_match(addr, c->addr, c->plen);
	if (c->family == AF_INET && family == AF_INET6 && memcmp(addr, mapped, 12) == 0)
		return prefix_match(addr + 12, c->addr, c->plen);
	return false;
}

static bool any_port(const struct port_range *r, size_t n, uint16_t port)
{
	for (size_t i = 0; i < n; i++)
		if (port >= r[i].lo && port <= r[i].hi)
			return true;
	return n == 0;
}

static bool any_host(const struct cidr *c, size_t n, int family, const uint8_t *addr)
{
	for (size_t i = 0; i < n; i++)
		if (host_match(&c[i], family, addr))
			return true;
	return n == 0;
}

bool filter_match_sock(const struct filter *f, const struct sock_rec *s)
{
	/* a state beyond the mask (no kernel has one) matches no --state */
	if (f->states && (s->state >= 32 || !(f->states & (1u << s->state))))
		return false;
	return any_port(f->sport, f->nsport, s->sport) && any_port(f->dport, f->ndport, s->dport) &&
	       any_host(f->src, f->nsrc, s->family, s->saddr) &&
	       any_host(f->dst, f->ndst, s->family, s->daddr);
}
