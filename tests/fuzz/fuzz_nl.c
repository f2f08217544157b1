// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_nl.c - libFuzzer target for the netlink dump receive loop: the body
 * of a dump (nl_dump_recv, with libmnl's walk and the NLMSG_ERROR /
 * NLMSG_DONE handlers) running diag_dump's callback (diag_dump_msg: parse,
 * count, deduplicate by cookie) over datagrams the harness builds, as a
 * kernel would send them to a dump with sequence SEQ on port PORTID; and
 * nl_ends_dump, where a receiver thread stops, never ends a datagram after
 * which the loop wants more.
 *
 * Input: records [ctl u8][n u16 little-endian][n bytes], each one message
 * (the bytes start with its header; fewer than 16 bytes is a truncated
 * header). ctl bits:
 *   0 keep the declared nlmsg_len   (else it is set to n)
 *   1 keep the declared seq and pid (else SEQ and PORTID, or pid 0 with bit 4)
 *   2 the datagram ends after this message
 *   3 no alignment padding after this message
 *   4 pid 0 (what libmnl also accepts)
 * Each datagram is a heap block of exactly its size, so ASan reports any
 * read past it. The loop stops where nl_dump would (a return <= 0).
 *
 * Oracle: an independent model of what the loop must do with the same
 * datagrams (framing, port and sequence checks, NLM_F_DUMP_INTR, error and
 * done messages with their errno, the extended-ACK text, which replies
 * count, which are malformed, first-cookie-wins) is compared with the
 * return value, ext_ack, the sink's counters and the table's records.
 */
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "collect/diag.h"
#include "collect/nl.h"
#include "model/sock.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SEQ	    2u
#define PORTID	    0x4d53u
#define MAX_DGRAM   (64 * 1024)
#define MAX_RECORDS 512

#define CHECK(c)                         \
	do {                             \
		if (!(c))                \
			__builtin_trap(); \
	} while (0)

/* ---- the model ---- */

struct model {
	uint64_t cookies[MAX_RECORDS]; /* records kept, in order */
	size_t n;
	uint64_t messages, malformed, dups;
	char ext_ack[128];
};

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static uint16_t rd16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return v;
}

static size_t align4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

/* The extended-ACK message: the first NLMSGERR_ATTR_MSG attribute that is a
 * NUL-terminated string, among the TLVs at p[0..len). */
static void model_ext_ack(const uint8_t *p, size_t len, struct model *m)
{
	while (len >= 4) {
		uint16_t alen = rd16(p), type = rd16(p + 2) & NLA_TYPE_MASK;

		if (alen < 4 || alen > len)
			return;
		if (type == NLMSGERR_ATTR_MSG && alen > 4 && p[alen - 1] == '\0') {
			snprintf(m->ext_ack, sizeof(m->ext_ack), "%s", (const char *)p + 4);
			return;
		}
		if (align4(alen) >= len)
			return;
		p += align4(alen);
		len -= align4(alen);
	}
}

/* errno from a kernel error code; EPROTO when it is none. */
static int model_errno(int32_t e)
{
	return e < 0 && e > -4096 ? -e : EPROTO;
}

/* One message; returns 1 to go on, 0 at the end of the dump, -errno. */
static int model_msg(const uint8_t *p, struct model *m)
{
	uint32_t len = rd32(p), seq = rd32(p + 8), pid = rd32(p + 12);
	uint16_t type = rd16(p + 4), flags = rd16(p + 6);

	if (pid != 0 && pid != PORTID)
		return -ESRCH;
	if (seq != 0 && seq != SEQ)
		return -EPROTO;
	if (flags & NLM_F_DUMP_INTR)
		return -EINTR;
	if (type == SOCK_DIAG_BY_FAMILY) {
		struct sock_rec rec;
		size_t i;

		m->messages++;
		/* diag_parse is fuzzed on its own (fuzz_diag); here it only
		 * says which replies are malformed. */
		if (diag_parse((const struct nlmsghdr *)p, &rec) < 0) {
			m->malformed++;
			return 1;
		}
		for (i = 0; i < m->n && m->cookies[i] != rec.cookie; i++)
			;
		if (i < m->n)
			m->dups++;
		else
			m->cookies[m->n++] = rec.cookie;
		return 1;
	}
	if (type == NLMSG_DONE) {
		int32_t e;

		if (len < 20)
			return 0;
		memcpy(&e, p + 16, 4);
		return e < 0 ? -model_errno(e) : 0;
	}
	if (type == NLMSG_ERROR) {
		int32_t e;
		size_t tlv = 20;

		if (len < 36)
			return -EIO;
		memcpy(&e, p + 16, 4);
		if (e == 0)
			return 0;
		if (!(flags & NLM_F_CAPPED)) {
			uint32_t reqlen = rd32(p + 20);

			tlv = reqlen < 16 ? SIZE_MAX : 20 + align4((size_t)reqlen - 16);
		}
		if ((flags & NLM_F_ACK_TLVS) && tlv <= (size_t)len - 16)
			model_ext_ack(p + 16 + tlv, len - 16 - tlv, m);
		return -model_errno(e);
	}
	return 1; /* NOOP, OVERRUN, other control types, other replies */
}

static int model_dgram(const uint8_t *p, size_t len, struct model *m)
{
	size_t off;

	/* framing first: the whole datagram must be whole messages */
	for (off = 0; off < len;) {
		uint32_t l;

		if (len - off < 16)
			return -EBADMSG;
		l = rd32(p + off);
		if (l < 16 || l > len - off)
			return -EBADMSG;
		off += align4(l);
	}
	for (off = 0; off < len; off += align4(rd32(p + off))) {
		int ret = model_msg(p + off, m);

		if (ret <= 0)
			return ret;
	}
	return 1;
}

/* ---- checks on the real run ---- */

static void check_rec(const struct sock_rec *r)
{
	CHECK(r->family == AF_INET || r->family == AF_INET6);
	CHECK(r->skmem_n <= SKM_N);
	CHECK((r->ti_mask >> TI_N) == 0);
	CHECK(r->netns_ino == 77);
}

/* The cookie index holds every record exactly once, under its cookie. */
static void check_index(const struct sock_table *t)
{
	static uint8_t seen[MAX_RECORDS];
	size_t used = 0;

	CHECK(t->cookies.cap && (t->cookies.cap & (t->cookies.cap - 1)) == 0);
	CHECK(t->n * 2 <= t->cookies.cap && t->n <= MAX_RECORDS);
	memset(seen, 0, t->n);
	for (size_t h = 0; h < t->cookies.cap; h++) {
		uint32_t i1 = t->cookies.slot[h].val1;

		if (!i1)
			continue;
		CHECK(i1 <= t->n && !seen[i1 - 1]);
		CHECK(t->cookies.slot[h].key == t->v[i1 - 1].cookie);
		seen[i1 - 1] = 1;
		used++;
	}
	CHECK(used == t->n);
}

/* ---- input decoding ---- */

struct dgram {
	uint8_t buf[MAX_DGRAM];
	size_t len;
};

/* Appends one record's message to d; returns bytes of input used, 0 at the end. */
static size_t take_msg(const uint8_t *in, size_t left, struct dgram *d, int *ends)
{
	uint8_t ctl;
	size_t n;

	if (left < 3)
		return 0;
	ctl = in[0];
	n = rd16(in + 1);
	if (n > left - 3)
		n = left - 3;
	if (d->len + align4(n) > MAX_DGRAM)
		return 0;
	uint8_t *p = d->buf + d->len;

	memcpy(p, in + 3, n);
	if (n >= 16) {
		uint32_t v = (uint32_t)n;

		if (!(ctl & 1))
			memcpy(p, &v, 4);
		if (!(ctl & 2)) {
			uint32_t seq = SEQ, pid = (ctl & 16) ? 0 : PORTID;

			memcpy(p + 8, &seq, 4);
			memcpy(p + 12, &pid, 4);
		}
	}
	d->len += n;
	if (!(ctl & 8)) {
		memset(d->buf + d->len, 0, align4(n) - n);
		d->len = align4(d->len);
	}
	*ends = (ctl & 4) != 0;
	return 3 + n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct dgram d;
	static struct model m;
	struct sock_table t = { 0 };
	struct diag_sink sink = { &t, 77, SOCK_PROTO_TCP, 0, 0, 0 };
	struct nl n;
	char *buf;
	int ret = 1, want = 1;

	memset(&m, 0, sizeof(m));
	memset(&n, 0, sizeof(n));
	n.portid = PORTID;
	while (ret > 0 && size > 0) {
		int ends = 0;
		size_t used = 0;

		d.len = 0;
		while (!ends && (used = take_msg(data, size, &d, &ends)) > 0) {
			data += used;
			size -= used;
		}
		if (used == 0 && !ends)
			size = 0; /* input exhausted: this is the last datagram */
		if (d.len == 0)
			break;
		if (m.n + d.len / 16 > MAX_RECORDS)
			break; /* the model's table is full */

		/* the real loop, on a block of exactly the datagram's size */
		buf = malloc(d.len);
		if (!buf)
			break;
		memcpy(buf, d.buf, d.len);
		ret = nl_dump_recv(&n, buf, d.len, SEQ, diag_dump_msg, &sink);
		/* a receiver thread stops at a datagram nl_ends_dump calls the
		 * end; if the loop wanted more after it, the reader would wait
		 * for a datagram that never comes */
		CHECK(ret != 1 || !nl_ends_dump(buf, d.len));
		free(buf);

		want = model_dgram(d.buf, d.len, &m);
		if (ret != want) {
			fprintf(stderr, "nl_dump_recv %d, model %d\n", ret, want);
			__builtin_trap();
		}
	}
	CHECK(ret == 1 || ret == 0 || (ret < 0 && ret > -4096));
	CHECK(memchr(n.ext_ack, '\0', sizeof(n.ext_ack)) != NULL);
	if (strcmp(n.ext_ack, m.ext_ack) != 0) {
		fprintf(stderr, "ext_ack '%s', model '%s'\n", n.ext_ack, m.ext_ack);
		__builtin_trap();
	}
	CHECK(sink.messages == m.messages && sink.malformed == m.malformed);
	CHECK(t.n == m.n && t.dup_dropped == m.dups);
	for (size_t i = 0; i < t.n; i++) {
		check_rec(&t.v[i]);
		CHECK(t.v[i].cookie == m.cookies[i]);
	}
	if (t.n)
		check_index(&t);
	sock_table_free(&t);
	return 0;
}
