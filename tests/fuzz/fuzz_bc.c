// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_bc.c - differential libFuzzer target for the inet_diag bytecode
 * builder (filter_bytecode): a filter decoded from the input is compiled,
 * the kernel's validator (modelled in tests/model/bc_model.h) must accept
 * the program, and for sockets decoded from the rest of the input the
 * kernel's verdict (state mask, then the modelled inet_diag_bc_run) must
 * equal the userspace matcher's (filter_match_sock).
 *
 * Input:
 *   4 bytes   value counts of --sport, --dport, --src, --dst (each % 17)
 *   1 byte    bit 0: a state mask follows (4 bytes), else every state
 *   2 bytes   a smaller buffer size to try (must give -E2BIG, write nothing past it)
 *   per port range 4 bytes: lo, hi (made 1..65535, lo <= hi, as the parser does)
 *   per address   1 + 16 bytes: family/prefix byte, address
 *   then sockets, 1 + 4 + 2 * 17 bytes each: a steering byte, ports, addresses
 *   (the steering byte can aim ports and addresses at the filter's own
 *   values, their edges and v4-mapped forms, so both verdicts occur).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "../model/bc_model.h"
#include "model/filter.h"
#include "model/sock.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c)                         \
	do {                             \
		if (!(c))                \
			__builtin_trap(); \
	} while (0)

struct in {
	const uint8_t *p;
	size_t left;
};

static uint8_t u8(struct in *in)
{
	if (!in->left)
		return 0;
	in->left--;
	return *in->p++;
}

static uint16_t u16(struct in *in)
{
	return (uint16_t)(u8(in) | u8(in) << 8);
}

static void bytes(struct in *in, uint8_t *out, size_t n)
{
	for (size_t i = 0; i < n; i++)
		out[i] = u8(in);
}

static void take_range(struct in *in, struct port_range *r)
{
	uint16_t a = u16(in), b = u16(in);

	a = a ? a : 1;
	b = b ? b : 1;
	r->lo = a < b ? a : b;
	r->hi = a < b ? b : a;
}

static void take_cidr(struct in *in, struct cidr *c)
{
	uint8_t fp = u8(in);

	memset(c, 0, sizeof(*c));
	c->family = fp & 1 ? AF_INET6 : AF_INET;
	c->plen = (uint8_t)((fp >> 1) % (c->family == AF_INET ? 33 : 129));
	bytes(in, c->addr, 16);
	if (c->family == AF_INET)
		memset(c->addr + 4, 0, 12); /* what filter_parse_cidr leaves */
}

/* A port: raw, or an edge of one of the filter's ranges (k picks which). */
static uint16_t steer_port(uint16_t raw, unsigned k, const struct port_range *r, size_t n)
{
	if (!n || k == 0)
		return raw;
	const struct port_range *x = &r[raw % n];

	switch (k) {
	case 1: return x->lo;
	case 2: return x->hi;
	case 3: return (uint16_t)(x->lo - 1);
	case 4: return (uint16_t)(x->hi + 1);
	default: return (uint16_t)(x->lo + raw % ((unsigned)(x->hi - x->lo) + 1));
	}
}

/* An address: raw, or one of the filter's, native or v4-mapped, with one bit
 * flipped unless flip is 255 (below 128 that bit, else the prefix's last bit
 * or the one after it). Sets *family when it aims at a CIDR. */
static void steer_addr(uint8_t *a, int *family, unsigned k, uint8_t pick, uint8_t flip,
		       const struct cidr *c, size_t n)
{
	if (!n || k == 0) {
		if (*family == AF_INET)
			memset(a + 4, 0, 12);
		return;
	}
	const struct cidr *x = &c[pick % n];

	memset(a, 0, 16);
	if (k == 2 && x->family == AF_INET) {
		*family = AF_INET6; /* ::ffff:a.b.c.d */
		a[10] = a[11] = 0xff;
		memcpy(a + 12, x->addr, 4);
	} else {
		*family = x->family;
		memcpy(a, x->addr, x->family == AF_INET ? 4 : 16);
	}
	if (flip != 255) {
		unsigned bits = *family == AF_INET ? 32 : 128, bit = flip % bits;

		/* flip >= 128: the prefix's edge, its last bit or the one after */
		if (flip >= 128) {
			bit = (k == 2 && x->family == AF_INET ? 96u : 0u) + x->plen - (flip & 1);
			if (bit >= bits)
				bit = bits - 1;
		}
		a[bit / 8] ^= (uint8_t)(0x80 >> (bit % 8));
	}
}

static void take_sock(struct in *in, const struct filter *f, struct sock_rec *s)
{
	uint8_t steer = u8(in), st = u8(in);
	uint8_t sp[2], dp[2], sa[16], da[16], spick, sflip, dpick, dflip;
	int family = steer & 1 ? AF_INET6 : AF_INET, dfam;

	bytes(in, sp, 2);
	bytes(in, dp, 2);
	spick = u8(in);
	sflip = u8(in);
	bytes(in, sa, 16);
	dpick = u8(in);
	dflip = u8(in);
	bytes(in, da, 16);

	memset(s, 0, sizeof(*s));
	s->state = st;
	s->sport = steer_port((uint16_t)(sp[0] | sp[1] << 8), (steer >> 1) % 6, f->sport, f->nsport);
	s->dport = steer_port((uint16_t)(dp[0] | dp[1] << 8), (steer >> 4) % 6, f->dport, f->ndport);
	steer_addr(sa, &family, (steer >> 7) ? 1 + (spick & 1) : 0, spick >> 1, sflip, f->src,
		   f->nsrc);
	dfam = family;
	/* the peer follows the local family; aimed at a CIDR of another family it stays raw */
	steer_addr(da, &dfam, (sflip & 1) ? 1 + (dpick & 1) : 0, dpick >> 1, dflip, f->dst,
		   f->ndst);
	if (dfam != family) {
		memcpy(da, sa, 16);
		da[15] ^= dflip;
		if (family == AF_INET)
			memset(da + 4, 0, 12);
	}
	s->family = (uint8_t)family;
	memcpy(s->saddr, sa, 16);
	memcpy(s->daddr, da, 16);
}

/* What the kernel returns for a dump with f: idiag_states, then the bytecode. */
static int kernel_passes(const struct filter *f, const uint8_t *bc, int len,
			 const struct sock_rec *s)
{
	uint32_t states = f->states ? f->states : 0xffffffffu;
	struct bcm_entry e;
	int ret;

	if (!(states & (1u << s->state)))
		return 0;
	if (len == 0)
		return 1;
	memset(&e, 0, sizeof(e));
	e.family = s->family;
	memcpy(e.saddr, s->saddr, 16);
	memcpy(e.daddr, s->daddr, 16);
	e.sport = s->sport;
	e.dport = s->dport;
	ret = bcm_run(bc, len, &e);
	CHECK(ret >= 0); /* only ops the model knows */
	return ret;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t bc[8192], bc2[8192], small[8192 + 64];
	struct in in = { data, size };
	struct filter f;
	int len;

	memset(&f, 0, sizeof(f));
	f.nsport = u8(&in) % (FILTER_MAX_VALUES + 1);
	f.ndport = u8(&in) % (FILTER_MAX_VALUES + 1);
	f.nsrc = u8(&in) % (FILTER_MAX_VALUES + 1);
	f.ndst = u8(&in) % (FILTER_MAX_VALUES + 1);
	uint8_t flags = u8(&in);
	size_t try_len = u16(&in);

	if (flags & 1)
		f.states = (uint32_t)(u16(&in) | (uint32_t)u16(&in) << 16);
	for (size_t i = 0; i < f.nsport; i++)
		take_range(&in, &f.sport[i]);
	for (size_t i = 0; i < f.ndport; i++)
		take_range(&in, &f.dport[i]);
	for (size_t i = 0; i < f.nsrc; i++)
		take_cidr(&in, &f.src[i]);
	for (size_t i = 0; i < f.ndst; i++)
		take_cidr(&in, &f.dst[i]);

	len = filter_bytecode(&f, bc, sizeof(bc));
	CHECK(len >= 0 && len % 4 == 0);
	CHECK((len > 0) == filter_has_kernel_part(&f));
	if (len > 0 && bcm_audit(bc, len) != 0) {
		fprintf(stderr, "kernel audit rejects %d bytes (sport %zu dport %zu src %zu dst %zu)\n",
			len, f.nsport, f.ndport, f.nsrc, f.ndst);
		__builtin_trap();
	}
	/* deterministic, and exactly len bytes are enough */
	CHECK(filter_bytecode(&f, bc2, (size_t)len) == len && memcmp(bc, bc2, (size_t)len) == 0);
	/* a smaller buffer: -E2BIG, nothing written past its end */
	if (len > 0) {
		try_len %= (size_t)len;
		memset(small, 0xa5, sizeof(small));
		CHECK(filter_bytecode(&f, small, try_len) == -E2BIG);
		for (size_t k = try_len; k < sizeof(small); k++)
			CHECK(small[k] == 0xa5);
	}

	while (in.left > 0) {
		struct sock_rec s;
		int k, u;

		take_sock(&in, &f, &s);
		u = filter_match_sock(&f, &s);
		if (s.state >= 32)
			continue; /* no kernel state; only the matcher's safety counts */
		k = kernel_passes(&f, bc, len, &s);
		if (k != u) {
			char sa[64], da[64];

			inet_ntop(s.family, s.saddr, sa, sizeof(sa));
			inet_ntop(s.family, s.daddr, da, sizeof(da));
			fprintf(stderr, "kernel %d, userspace %d for %s:%u -> %s:%u state %u\n", k, u,
				sa, s.sport, da, s.dport, s.state);
			__builtin_trap();
		}
	}
	return 0;
}
