// SPDX-License-Identifier: GPL-2.0-or-later
/* test_diag.c - diag_parse on hand-built SOCK_DIAG_BY_FAMILY replies, and a
 * failed dump's extended ACK on its way to the user's one-line error. */
#include "testutil.h"

#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <linux/tcp.h>
#include <sys/socket.h>

#include "collect/diag.h"
#include "collect/nl.h"
#include "model/report.h"

/* A reply under construction: nlmsghdr + inet_diag_msg + attributes. */
struct msg {
	_Alignas(8) uint8_t b[2048];
	size_t len;
};

static struct nlmsghdr *msg_nlh(struct msg *m)
{
	return (struct nlmsghdr *)m->b;
}

static struct inet_diag_msg *msg_diag(struct msg *m)
{
	return (struct inet_diag_msg *)(m->b + NLMSG_HDRLEN);
}

static void msg_setlen(struct msg *m, size_t len)
{
	m->len = len;
	msg_nlh(m)->nlmsg_len = (uint32_t)len;
}

/* Starts a reply with every inet_diag_msg field set to a distinct value. */
static struct inet_diag_msg *msg_start(struct msg *m, uint8_t family)
{
	struct inet_diag_msg *d;

	memset(m, 0, sizeof(*m));
	msg_nlh(m)->nlmsg_type = SOCK_DIAG_BY_FAMILY;
	msg_nlh(m)->nlmsg_flags = NLM_F_MULTI;
	msg_setlen(m, NLMSG_HDRLEN + sizeof(struct inet_diag_msg));
	d = msg_diag(m);
	d->idiag_family = family;
	d->idiag_state = SOCK_TCP_ESTABLISHED;
	d->idiag_timer = 2;
	d->idiag_retrans = 3;
	/* Ports on the wire are big-endian: 443 = 0x01bb, 51234 = 0xc822. */
	((uint8_t *)&d->id.idiag_sport)[0] = 0x01;
	((uint8_t *)&d->id.idiag_sport)[1] = 0xbb;
	((uint8_t *)&d->id.idiag_dport)[0] = 0xc8;
	((uint8_t *)&d->id.idiag_dport)[1] = 0x22;
	d->id.idiag_if = 7;
	d->id.idiag_cookie[0] = 0x89abcdefu; /* low half */
	d->id.idiag_cookie[1] = 0x01234567u; /* high half */
	d->idiag_expires = 1000;
	d->idiag_rqueue = 102400;
	d->idiag_wqueue = 777;
	d->idiag_uid = 1000;
	d->idiag_inode = 4026531;
	return d;
}

/* Appends one attribute, padded to 4 bytes as the kernel does. */
static void msg_attr(struct msg *m, uint16_t type, const void *data, size_t plen)
{
	struct nlattr *a = (struct nlattr *)(m->b + m->len);

	assert_true(m->len + NLA_ALIGN(NLA_HDRLEN + plen) <= sizeof(m->b));
	a->nla_len = (uint16_t)(NLA_HDRLEN + plen);
	a->nla_type = type;
	if (plen)
		memcpy(m->b + m->len + NLA_HDRLEN, data, plen);
	msg_setlen(m, m->len + NLA_ALIGN(NLA_HDRLEN + plen));
}

static void test_inet_diag_msg_is_72_bytes(void **state)
{
	(void)state;
	/* The reference (section 7) and the parser both assume this layout. */
	assert_int_equal(sizeof(struct inet_diag_msg), 72);
	assert_int_equal(NLMSG_HDRLEN, 16);
}

static void test_header_fields_ipv4(void **state)
{
	struct msg m;
	struct sock_rec r;
	struct inet_diag_msg *d = msg_start(&m, AF_INET);
	const uint8_t src[4] = { 10, 1, 2, 3 }, dst[4] = { 192, 168, 7, 9 };
	const uint8_t zero[12] = { 0 };

	(void)state;
	memcpy(d->id.idiag_src, src, 4);
	memcpy(d->id.idiag_dst, dst, 4);
	/* Garbage beyond an IPv4 address must not leak into the record. */
	d->id.idiag_src[2] = 0xdeadbeef;
	d->id.idiag_dst[3] = 0xfeedface;

	memset(&r, 0x5a, sizeof(r));
	assert_int_equal(diag_parse(msg_nlh(&m), &r), 0);
	assert_int_equal(r.family, AF_INET);
	assert_int_equal(r.state, SOCK_TCP_ESTABLISHED);
	assert_int_equal(r.sport, 443);
	assert_int_equal(r.dport, 51234);
	assert_memory_equal(r.saddr, src, 4);
	assert_memory_equal(r.daddr, dst, 4);
	assert_memory_equal(r.saddr + 4, zero, 12);
	assert_memory_equal(r.daddr + 4, zero, 12);
	assert_int_equal(r.ifindex, 7);
	assert_true(r.cookie == UINT64_C(0x0123456789abcdef));
	assert_int_equal(r.rqueue, 102400);
	assert_int_equal(r.wqueue, 777);
	assert_int_equal(r.uid, 1000);
	assert_int_equal(r.inode, 4026531);
	/* No attributes: nothing optional is present (and nothing left over). */
	assert_int_equal(r.skmem_n, 0);
	assert_int_equal(r.ti_mask, 0);
	assert_int_equal(r.flags, 0);
	assert_true(r.cgroup_id == 0);
	assert_int_equal(r.own_n, 0);
	assert_true(r.netns_ino == 0);
	assert_int_equal(sock_charged_bytes(&r), 0);
}

static void test_header_fields_ipv6(void **state)
{
	struct msg m;
	struct sock_rec r;
	struct inet_diag_msg *d = msg_start(&m, AF_INET6);
	/* 2001:db8::1 and the v4-mapped ::ffff:192.0.2.7 */
	const uint8_t src[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
	const uint8_t dst[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 7 };

	(void)state;
	memcpy(d->id.idiag_src, src, 16);
	memcpy(d->id.idiag_dst, dst, 16);
	d->idiag_state = SOCK_TCP_LISTEN;
	d->id.idiag_cookie[0] = 0xffffffffu;
	d->id.idiag_cookie[1] = 0;

	assert_int_equal(diag_parse(msg_nlh(&m), &r), 0);
	assert_int_equal(r.family, AF_INET6);
	assert_int_equal(r.state, SOCK_TCP_LISTEN);
	assert_memory_equal(r.saddr, src, 16);
	assert_memory_equal(r.daddr, dst, 16);
	/* The low half alone: no sign extension, no swap of the halves. */
	assert_true(r.cookie == UINT64_C(0x00000000ffffffff));
}

static void test_cookie_high_half_only(void **state)
{
	struct msg m;
	struct sock_rec r;
	struct inet_diag_msg *d = msg_start(&m, AF_INET);

	(void)state;
	d->id.idiag_cookie[0] = 0;
	d->id.idiag_cookie[1] = 1;
	assert_int_equal(diag_parse(msg_nlh(&m), &r), 0);
	assert_true(r.cookie == UINT64_C(0x100000000));
}

static void test_family_rejected(void **state)
{
	static const uint8_t fams[] = { AF_UNSPEC, AF_UNIX, AF_NETLINK, AF_PACKET, 255 };
	struct msg m;
	struct sock_rec r;

	(void)state;
	for (size_t i = 0; i < sizeof(fams); i++) {
		msg_start(&m, fams[i]);
		assert_int_equal(diag_parse(msg_nlh(&m), &r), -EBADMSG);
	}
}

static void test_message_too_short(void **state)
{
	static const size_t lens[] = { 0, NLMSG_HDRLEN, NLMSG_HDRLEN + 4,
				       NLMSG_HDRLEN + sizeof(struct inet_diag_msg) - 1 };
	struct msg m;
	struct sock_rec r;

	(void)state;
	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		msg_start(&m, AF_INET);
		msg_setlen(&m, lens[i]);
		assert_int_equal(diag_parse(msg_nlh(&m), &r), -EBADMSG);
	}
	/* A length above INT_MAX (which libmnl's own check lets through). */
	msg_start(&m, AF_INET);
	msg_setlen(&m, UINT32_C(0x80000000));
	assert_int_equal(diag_parse(msg_nlh(&m), &r), -EBADMSG);
	/* Exactly one inet_diag_msg is a complete reply. */
	msg_start(&m, AF_INET);
	assert_int_equal(diag_parse(msg_nlh(&m), &r), 0);
}

/* --- SK_MEMINFO --- */

static const uint32_t skm_vals[10] = {
	105728,	 /* r  RMEM_ALLOC */
	131072,	 /* rb RCVBUF */
	1280,	 /* t  WMEM_ALLOC */
	3939840, /* tb SNDBUF */
	768,	 /* f  FWD_ALLOC */
	2304,	 /* w  WMEM_QUEUED */
	320,	 /* o  OPTMEM */
	4352,	 /* bl BACKLOG */
	2,	 /* d  DROPS */
	0xdeadbeef, /* a future kernel's 10th value */
};

static void parse_skmem(size_t plen_bytes, struct sock_rec *r)
{
	struct msg m;

	msg_start(&m, AF_INET);
	msg_attr(&m, INET_DIAG_SKMEMINFO, skm_vals, plen_bytes);
	assert_int_equal(diag_parse(msg_nlh(&m), r), 0);
}

static void check_skmem_prefix(const struct sock_rec *r, unsigned n)
{
	for (unsigned i = 0; i < SKM_N; i++) {
		if (i < n) {
			assert_true(sock_has_skm(r, (enum skm)i));
			assert_int_equal(r->skmem[i], skm_vals[i]);
		} else {
			assert_false(sock_has_skm(r, (enum skm)i));
		}
	}
}

static void test_skmem_7_old_kernel(void **state)
{
	struct sock_rec r;

	(void)state;
	parse_skmem(7 * 4, &r);
	assert_int_equal(r.skmem_n, 7);
	check_skmem_prefix(&r, 7);
	/* bl and d absent, not zero-valued-present */
	assert_false(sock_has_skm(&r, SKM_BL));
	assert_false(sock_has_skm(&r, SKM_D));
	/* r + w + f = 105728 + 2304 + 768 */
	assert_int_equal(sock_charged_bytes(&r), 108800);
}

static void test_skmem_8_and_9(void **state)
{
	struct sock_rec r;

	(void)state;
	parse_skmem(8 * 4, &r);
	assert_int_equal(r.skmem_n, 8);
	check_skmem_prefix(&r, 8);
	assert_int_equal(r.skmem[SKM_BL], 4352);
	assert_false(sock_has_skm(&r, SKM_D));

	parse_skmem(9 * 4, &r);
	assert_int_equal(r.skmem_n, 9);
	check_skmem_prefix(&r, 9);
	assert_int_equal(r.skmem[SKM_D], 2);
	/* charged bytes never include t, tb, rb, o or bl */
	assert_int_equal(sock_charged_bytes(&r), 108800);
}

static void test_skmem_10_future(void **state)
{
	struct sock_rec r;

	(void)state;
	parse_skmem(10 * 4, &r);
	assert_int_equal(r.skmem_n, 9);
	check_skmem_prefix(&r, 9);
	for (unsigned i = 0; i < SKM_N; i++)
		assert_int_not_equal(r.skmem[i], 0xdeadbeef);
}

static void test_skmem_partial_word(void **state)
{
	struct sock_rec r;

	(void)state;
	/* 30 bytes: 7 whole values and half of BACKLOG, which is not read. */
	parse_skmem(30, &r);
	assert_int_equal(r.skmem_n, 7);
	check_skmem_prefix(&r, 7);
	assert_int_equal(r.skmem[SKM_BL], 0);
}

static void test_skmem_short_payload_no_charge(void **state)
{
	struct sock_rec r;

	(void)state;
	/* 5 values: w (index 5) missing, so nothing is known to be charged. */
	parse_skmem(5 * 4, &r);
	assert_int_equal(r.skmem_n, 5);
	check_skmem_prefix(&r, 5);
	assert_false(sock_has_skm(&r, SKM_W));
	assert_int_equal(sock_charged_bytes(&r), 0);

	parse_skmem(0, &r);
	assert_int_equal(r.skmem_n, 0);
}

/* --- tcp_info --- */

/*
 * The kernel layout of the kept fields, written here independently of
 * diag_ti_fields: offsetof() on the build host's UAPI header where it has
 * the field, and the reference table (section 5) for rcv_wnd, which 6.2
 * appended right after snd_wnd (228 + 4 = 232) and which older headers lack.
 */
#define OFF(f) offsetof(struct tcp_info, f)
#define SZ(f) sizeof(((struct tcp_info *)0)->f)
static const struct {
	enum ti i;
	size_t off, size;
	uint64_t val;
} ti_layout[] = {
	{ TI_SND_MSS, OFF(tcpi_snd_mss), SZ(tcpi_snd_mss), 1448 },
	{ TI_RCV_MSS, OFF(tcpi_rcv_mss), SZ(tcpi_rcv_mss), 536 },
	{ TI_RCV_SSTHRESH, OFF(tcpi_rcv_ssthresh), SZ(tcpi_rcv_ssthresh), 95232 },
	{ TI_RTT, OFF(tcpi_rtt), SZ(tcpi_rtt), 123456 },
	{ TI_RTTVAR, OFF(tcpi_rttvar), SZ(tcpi_rttvar), 6543 },
	{ TI_RCV_SPACE, OFF(tcpi_rcv_space), SZ(tcpi_rcv_space), 65483 },
	{ TI_BYTES_ACKED, OFF(tcpi_bytes_acked), SZ(tcpi_bytes_acked), UINT64_C(5000000000123) },
	{ TI_BYTES_RECEIVED, OFF(tcpi_bytes_received), SZ(tcpi_bytes_received),
	  UINT64_C(7000000000456) },
	{ TI_NOTSENT_BYTES, OFF(tcpi_notsent_bytes), SZ(tcpi_notsent_bytes), 31337 },
	{ TI_SND_WND, OFF(tcpi_snd_wnd), SZ(tcpi_snd_wnd), 65536 },
	{ TI_RCV_WND, 232, 4, 25600 },
	/* the 4-bit wscale halves of the byte after tcpi_options (ti_payload
	 * writes them through the header's own bitfields) */
	{ TI_SND_WSCALE, OFF(tcpi_options) + 1, 1, 3 },
	{ TI_RCV_WSCALE, OFF(tcpi_options) + 1, 1, 11 },
};
#define TI_LAYOUT_N (sizeof(ti_layout) / sizeof(ti_layout[0]))

static void test_ti_layout_matches_reference(void **state)
{
	(void)state;
	/* Reference section 5: end offsets per kernel version. */
	assert_int_equal(OFF(tcpi_total_retrans) + 4, 104);	/* <= 3.14 */
	assert_int_equal(OFF(tcpi_bytes_received) + 8, 136);	/* 4.1 */
	assert_int_equal(OFF(tcpi_min_rtt) + 4 + 8, 160);	/* 4.6 */
	assert_int_equal(OFF(tcpi_snd_wnd) + 4, 232);		/* 5.4 */
	assert_int_equal(TI_LAYOUT_N, TI_N);
	/* The parser's table agrees with the kernel layout, field by field. */
	for (size_t k = 0; k < TI_LAYOUT_N; k++) {
		const struct diag_ti_field *f = &diag_ti_fields[ti_layout[k].i];

		assert_int_equal(f->off, ti_layout[k].off);
		assert_int_equal(f->size, ti_layout[k].size);
	}
	assert_string_equal(diag_ti_fields[TI_RCV_SPACE].name, "rcv_space");
	assert_string_equal(diag_ti_fields[TI_RCV_WND].name, "rcv_wnd");
	assert_string_equal(diag_ti_fields[TI_SND_WND].name, "snd_wnd");
	assert_string_equal(diag_ti_fields[TI_BYTES_ACKED].name, "bytes_acked");
	assert_string_equal(diag_ti_fields[TI_RCV_MSS].name, "rcv_mss");
}

/* Builds a tcp_info payload: 0xA5 everywhere, the kept fields at their offsets. */
static void ti_payload(uint8_t *p, size_t cap)
{
	struct tcp_info t;

	memset(p, 0xa5, cap);
	/* options and the wscale bitfields, laid out by the compiler from the
	 * UAPI header: snd 3, rcv 11, window scaling negotiated */
	memset(&t, 0, sizeof(t));
	t.tcpi_options = TCPI_OPT_WSCALE;
	t.tcpi_snd_wscale = 3;
	t.tcpi_rcv_wscale = 11;
	if (cap > OFF(tcpi_options) + 1)
		memcpy(p + OFF(tcpi_options), (const uint8_t *)&t + OFF(tcpi_options), 2);
	for (size_t k = 0; k < TI_LAYOUT_N; k++) {
		if (ti_layout[k].off + ti_layout[k].size > cap || ti_layout[k].size == 1)
			continue;
		if (ti_layout[k].size == 8) {
			uint64_t v = ti_layout[k].val;

			memcpy(p + ti_layout[k].off, &v, 8);
		} else {
			uint32_t v = (uint32_t)ti_layout[k].val;

			memcpy(p + ti_layout[k].off, &v, 4);
		}
	}
}

static void parse_ti(size_t len, struct sock_rec *r)
{
	uint8_t p[320];
	struct msg m;

	assert_true(len <= sizeof(p));
	ti_payload(p, len);
	msg_start(&m, AF_INET6);
	msg_attr(&m, INET_DIAG_INFO, p, len);
	assert_int_equal(diag_parse(msg_nlh(&m), r), 0);
}

/* Checks presence by len >= off + size, and every present value exactly. */
static void check_ti(const struct sock_rec *r, size_t len)
{
	uint16_t want = 0;

	for (size_t k = 0; k < TI_LAYOUT_N; k++) {
		enum ti i = ti_layout[k].i;

		if (len >= ti_layout[k].off + ti_layout[k].size) {
			want |= (uint16_t)(1u << i);
			assert_true(sock_has_ti(r, i));
			assert_true(r->ti[i] == ti_layout[k].val);
		} else {
			assert_false(sock_has_ti(r, i));
			assert_true(r->ti[i] == 0);
		}
	}
	assert_int_equal(r->ti_mask, want);
}

static void test_ti_104_bytes(void **state)
{
	struct sock_rec r;

	(void)state;
	parse_ti(104, &r);
	check_ti(&r, 104);
	/* Spelled out for the oldest layout: */
	assert_int_equal(r.ti_mask, (1u << TI_RCV_SPACE) | (1u << TI_RCV_SSTHRESH) | (1u << TI_RTT) |
					    (1u << TI_RTTVAR) | (1u << TI_RCV_MSS) | (1u << TI_SND_MSS) |
					    (1u << TI_SND_WSCALE) | (1u << TI_RCV_WSCALE));
	assert_true(r.ti[TI_RCV_SPACE] == 65483);
	assert_true(r.ti[TI_RCV_SSTHRESH] == 95232);
	assert_true(r.ti[TI_RTT] == 123456);
	assert_true(r.ti[TI_RCV_MSS] == 536);
	assert_false(sock_has_ti(&r, TI_RCV_WND));
	assert_false(sock_has_ti(&r, TI_SND_WND));
	assert_false(sock_has_ti(&r, TI_NOTSENT_BYTES));
	assert_false(sock_has_ti(&r, TI_BYTES_ACKED));
	assert_false(sock_has_ti(&r, TI_BYTES_RECEIVED));
}

static void test_ti_232_bytes(void **state)
{
	struct sock_rec r;

	(void)state;
	parse_ti(232, &r); /* 5.4 - 6.1 */
	check_ti(&r, 232);
	assert_false(sock_has_ti(&r, TI_RCV_WND));
	assert_true(sock_has_ti(&r, TI_SND_WND));
	assert_true(r.ti[TI_SND_WND] == 65536);
	assert_true(r.ti[TI_NOTSENT_BYTES] == 31337);
	assert_true(r.ti[TI_BYTES_ACKED] == UINT64_C(5000000000123));
	assert_true(r.ti[TI_BYTES_RECEIVED] == UINT64_C(7000000000456));
}

static void test_ti_240_and_280_bytes(void **state)
{
	struct sock_rec r;

	(void)state;
	parse_ti(240, &r); /* 6.2 */
	check_ti(&r, 240);
	assert_int_equal(r.ti_mask, (1u << TI_N) - 1);
	assert_true(r.ti[TI_RCV_WND] == 25600);

	parse_ti(280, &r); /* 6.18 */
	check_ti(&r, 280);
	assert_int_equal(r.ti_mask, (1u << TI_N) - 1);
	assert_true(r.ti[TI_RCV_WND] == 25600);
	assert_true(r.ti[TI_SND_WND] == 65536);
}

/* Without TCPI_OPT_WSCALE (no window scaling negotiated, or a listener) the
 * wscale bits mean nothing: absent, whatever the byte holds. */
static void test_ti_wscale_needs_option(void **state)
{
	uint8_t p[240];
	struct msg m;
	struct sock_rec r;

	(void)state;
	ti_payload(p, sizeof(p));
	p[OFF(tcpi_options)] = (uint8_t)~TCPI_OPT_WSCALE;
	msg_start(&m, AF_INET);
	msg_attr(&m, INET_DIAG_INFO, p, sizeof(p));
	assert_int_equal(diag_parse(msg_nlh(&m), &r), 0);
	assert_false(sock_has_ti(&r, TI_SND_WSCALE));
	assert_false(sock_has_ti(&r, TI_RCV_WSCALE));
	assert_true(r.ti[TI_RCV_WSCALE] == 0);
	assert_true(sock_has_ti(&r, TI_RCV_WND));
	/* with the option: the halves, not the byte */
	p[OFF(tcpi_options)] = TCPI_OPT_WSCALE;
	msg_start(&m, AF_INET);
	msg_attr(&m, INET_DIAG_INFO, p, sizeof(p));
	assert_int_equal(diag_parse(msg_nlh(&m), &r), 0);
	assert_true(r.ti[TI_SND_WSCALE] == 3);
	assert_true(r.ti[TI_RCV_WSCALE] == 11);
	assert_string_equal(diag_ti_fields[TI_RCV_WSCALE].name, "rcv_wscale");
	assert_string_equal(diag_ti_fields[TI_SND_WSCALE].name, "snd_wscale");
}

static void test_ti_every_boundary(void **state)
{
	/* Payload ends at, just before and just after each field's end. */
	static const size_t lens[] = { 0,   1,   19,  20,  23,  24,  67,  68,  72,  76,  99,
				       100, 119, 120, 127, 128, 135, 136, 144, 147, 148, 160,
				       228, 231, 232, 235, 236, 248, 300 };
	struct sock_rec r;

	(void)state;
	for (size_t k = 0; k < sizeof(lens) / sizeof(lens[0]); k++) {
		parse_ti(lens[k], &r);
		check_ti(&r, lens[k]);
	}
}

/* --- attribute walk --- */

static void test_cgroup_id(void **state)
{
	struct msg m;
	struct sock_rec r;
	uint64_t id = UINT64_C(0x0000000100000019);
	uint32_t short_id = 25;

	(void)state;
	msg_start(&m, AF_INET);
	msg_attr(&m, INET_DIAG_CGROUP_ID, &id, sizeof(id));
	assert_int_equal(diag_parse(msg_nlh(&m), &r), 0);
	assert_true(r.flags & SOCK_HAS_CGROUP);
	assert_true(r.cgroup_id == UINT64_C(0x0000000100000019));

	/* Too short to hold a u64: ignored, not half-read. */
	msg_start(&m, AF_INET);
	msg_attr(&m, INET_DIAG_CGROUP_ID, &short_id, sizeof(short_id));
	assert_int_equal(diag_parse(msg_nlh(&m), &r), 0);
	assert_false(r.flags & SOCK_HAS_CGROUP);
	assert_true(r.cgroup_id == 0);
}

static void test_unknown_and_pad_skipped(void **state)
{
	struct msg m;
	struct sock_rec r;
	uint32_t junk[9] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
	uint8_t odd[5] = { 0xee, 0xee, 0xee, 0xee, 0xee };
	uint8_t shutdown = 3;
	uint64_t id = 4242;

	(void)state;
	msg_start(&m, AF_INET);
	msg_attr(&m, INET_DIAG_PAD, junk, 8);
	/* 5-byte payload: the next attribute starts 3 padding bytes later. */
	msg_attr(&m, 250, odd, sizeof(odd));
	msg_attr(&m, INET_DIAG_SHUTDOWN, &shutdown, 1);
	msg_attr(&m, INET_DIAG_MEMINFO, junk, 16); /* legacy mem:(r,w,f,t), not skmem */
	msg_attr(&m, INET_DIAG_SKMEMINFO, skm_vals, 9 * 4);
	msg_attr(&m, 0x7ff, junk, sizeof(junk));
	msg_attr(&m, INET_DIAG_CGROUP_ID, &id, sizeof(id));
	assert_int_equal(diag_parse(msg_nlh(&m), &r), 0);
	assert_int_equal(r.skmem_n, 9);
	check_skmem_prefix(&r, 9);
	assert_int_equal(r.ti_mask, 0);
	assert_true(r.flags & SOCK_HAS_CGROUP);
	assert_true(r.cgroup_id == 4242);
}

static void test_attr_truncated(void **state)
{
	uint8_t p[240];
	struct msg m;
	struct sock_rec r;

	(void)state;
	ti_payload(p, sizeof(p));
	msg_start(&m, AF_INET);
	msg_attr(&m, INET_DIAG_SKMEMINFO, skm_vals, 9 * 4);
	msg_attr(&m, INET_DIAG_INFO, p, sizeof(p));
	/* The message ends 100 bytes into the INFO payload: nla_len > what is left. */
	msg_setlen(&m, m.len - sizeof(p) + 100);
	assert_int_equal(diag_parse(msg_nlh(&m), &r), -EBADMSG);

	/* A single byte short is just as malformed. */
	msg_start(&m, AF_INET);
	msg_attr(&m, INET_DIAG_INFO, p, sizeof(p));
	msg_setlen(&m, m.len - 1);
	assert_int_equal(diag_parse(msg_nlh(&m), &r), -EBADMSG);
}

static void test_attr_len_below_header(void **state)
{
	static const uint16_t bad[] = { 0, 1, 3 };
	struct msg m;
	struct sock_rec r;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		msg_start(&m, AF_INET);
		msg_attr(&m, INET_DIAG_SKMEMINFO, skm_vals, 9 * 4);
		msg_attr(&m, INET_DIAG_CGROUP_ID, skm_vals, 8);
		((struct nlattr *)(m.b + m.len - 12))->nla_len = bad[i];
		assert_int_equal(diag_parse(msg_nlh(&m), &r), -EBADMSG);
	}
}

static void test_trailing_bytes_ignored(void **state)
{
	struct msg m;
	struct sock_rec r;

	(void)state;
	msg_start(&m, AF_INET);
	msg_attr(&m, INET_DIAG_SKMEMINFO, skm_vals, 8 * 4);
	/* Fewer bytes than an attribute header after the last attribute. */
	m.b[m.len] = 0xff;
	m.b[m.len + 1] = 0xff;
	msg_setlen(&m, m.len + 2);
	assert_int_equal(diag_parse(msg_nlh(&m), &r), 0);
	assert_int_equal(r.skmem_n, 8);
	check_skmem_prefix(&r, 8);
}

static void test_last_attr_unpadded(void **state)
{
	uint8_t p[235];
	struct msg m;
	struct sock_rec r;

	(void)state;
	ti_payload(p, sizeof(p));
	msg_start(&m, AF_INET);
	msg_attr(&m, INET_DIAG_SKMEMINFO, skm_vals, 9 * 4);
	msg_attr(&m, INET_DIAG_INFO, p, sizeof(p));
	/* nlmsg_len stops at the end of the payload, without the padding. */
	msg_setlen(&m, m.len - 1);
	assert_int_equal(diag_parse(msg_nlh(&m), &r), 0);
	check_ti(&r, 235);
	assert_int_equal(r.skmem_n, 9);
}

static void test_full_reply(void **state)
{
	uint8_t p[280];
	struct msg m;
	struct sock_rec r;
	uint64_t id = 25;

	(void)state;
	ti_payload(p, sizeof(p));
	msg_start(&m, AF_INET);
	msg_attr(&m, INET_DIAG_INFO, p, sizeof(p));
	msg_attr(&m, INET_DIAG_SKMEMINFO, skm_vals, 9 * 4);
	msg_attr(&m, INET_DIAG_CGROUP_ID, &id, sizeof(id));
	assert_int_equal(diag_parse(msg_nlh(&m), &r), 0);
	check_ti(&r, 280);
	check_skmem_prefix(&r, 9);
	assert_true(r.cgroup_id == 25);
	assert_int_equal(r.inode, 4026531);
	assert_true(r.cookie == UINT64_C(0x0123456789abcdef));
}

/* --- a failed dump: the kernel's extended-ACK message reaches the error line --- */

#define DUMP_SEQ    7
#define DUMP_PORTID 4242

/* Writes the kernel's answer to a rejected dump request into b: an
 * NLMSG_ERROR carrying error, capped to the request's header (sockmem sets
 * NETLINK_CAP_ACK), and text as NLMSGERR_ATTR_MSG. Returns its length. */
static size_t ext_ack_reply(uint8_t *b, size_t cap, int error, const char *text)
{
	struct nlmsghdr *h = (struct nlmsghdr *)b;
	struct nlmsgerr *e = (struct nlmsgerr *)(b + NLMSG_HDRLEN);
	struct nlattr *a = (struct nlattr *)(b + NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(*e)));
	size_t tlen = strlen(text) + 1;
	size_t len = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(*e)) + NLA_ALIGN(NLA_HDRLEN + tlen);

	assert_true(len <= cap);
	memset(b, 0, len);
	*h = (struct nlmsghdr){ (uint32_t)len, NLMSG_ERROR, NLM_F_CAPPED | NLM_F_ACK_TLVS, DUMP_SEQ,
				DUMP_PORTID };
	e->error = error;
	e->msg = (struct nlmsghdr){ NLMSG_HDRLEN + sizeof(struct inet_diag_req_v2),
				    SOCK_DIAG_BY_FAMILY, NLM_F_REQUEST | NLM_F_DUMP, DUMP_SEQ, 0 };
	a->nla_len = (uint16_t)(NLA_HDRLEN + tlen);
	a->nla_type = NLMSGERR_ATTR_MSG;
	memcpy((uint8_t *)a + NLA_HDRLEN, text, tlen);
	return len;
}

/* Runs one datagram through nl_dump_recv with diag_dump's callback, as a
 * dump's reader does; returns its result, the message in n->ext_ack. */
static int recv_reply(struct nl *n, uint8_t *b, size_t len)
{
	struct sock_table t = { 0 };
	struct diag_sink sink = { &t, 0, SOCK_PROTO_TCP, 0, 0, 0 };
	int ret;

	memset(n, 0, sizeof(*n));
	n->portid = DUMP_PORTID;
	ret = nl_dump_recv(n, (const char *)b, len, DUMP_SEQ, diag_dump_msg, &sink);
	assert_int_equal(t.n, 0);
	sock_table_free(&t);
	return ret;
}

static void test_ext_ack_reaches_error_line(void **state)
{
	/* hostile text: a terminal escape, a backslash, a byte above ASCII */
	static const char text[] = "bad \x1b[31mbytecode\\ \xff";
	_Alignas(8) uint8_t b[256];
	struct report_err e = { .where = "netlink dump (AF_INET)" };
	struct nl n;
	char line[200], full[200], big[1024];

	(void)state;
	assert_int_equal(recv_reply(&n, b, ext_ack_reply(b, sizeof(b), -EINVAL, text)), -EINVAL);
	assert_string_equal(n.ext_ack, text);

	/* what diag_dump and collect_live pass on, formatted as main prints it */
	e.err = EINVAL;
	snprintf(e.ext_ack, sizeof(e.ext_ack), "%s", n.ext_ack);
	report_err_message(&e, line, sizeof(line));
	assert_string_equal(line, "netlink dump (AF_INET): Invalid argument "
				  "(kernel: bad \\x1b[31mbytecode\\x5c \\xff)");

	/* no message: the line is what it always was */
	e.ext_ack[0] = '\0';
	report_err_message(&e, line, sizeof(line));
	assert_string_equal(line, "netlink dump (AF_INET): Invalid argument");

	/* a short buffer holds a prefix of the line, terminated */
	snprintf(e.ext_ack, sizeof(e.ext_ack), "%s", text);
	report_err_message(&e, full, sizeof(full));
	for (size_t len = 1; len <= strlen(full) + 1; len++) {
		memset(line, 'Z', sizeof(line));
		report_err_message(&e, line, len);
		assert_int_equal(strlen(line), len - 1);
		assert_memory_equal(line, full, len - 1);
	}

	/* the longest message nl keeps, every byte escaped: none lost */
	memset(e.ext_ack, 0x01, sizeof(e.ext_ack) - 1);
	e.ext_ack[sizeof(e.ext_ack) - 1] = '\0';
	report_err_message(&e, big, sizeof(big));
	assert_int_equal(strlen(big),
			 strlen("netlink dump (AF_INET): Invalid argument (kernel: )") +
			     4 * (sizeof(e.ext_ack) - 1));
	assert_string_equal(big + strlen(big) - 5, "\\x01)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_inet_diag_msg_is_72_bytes),
		cmocka_unit_test(test_header_fields_ipv4),
		cmocka_unit_test(test_header_fields_ipv6),
		cmocka_unit_test(test_cookie_high_half_only),
		cmocka_unit_test(test_family_rejected),
		cmocka_unit_test(test_message_too_short),
		cmocka_unit_test(test_skmem_7_old_kernel),
		cmocka_unit_test(test_skmem_8_and_9),
		cmocka_unit_test(test_skmem_10_future),
		cmocka_unit_test(test_skmem_partial_word),
		cmocka_unit_test(test_skmem_short_payload_no_charge),
		cmocka_unit_test(test_ti_layout_matches_reference),
		cmocka_unit_test(test_ti_104_bytes),
		cmocka_unit_test(test_ti_232_bytes),
		cmocka_unit_test(test_ti_240_and_280_bytes),
		cmocka_unit_test(test_ti_wscale_needs_option),
		cmocka_unit_test(test_ti_every_boundary),
		cmocka_unit_test(test_cgroup_id),
		cmocka_unit_test(test_unknown_and_pad_skipped),
		cmocka_unit_test(test_attr_truncated),
		cmocka_unit_test(test_attr_len_below_header),
		cmocka_unit_test(test_trailing_bytes_ignored),
		cmocka_unit_test(test_last_attr_unpadded),
		cmocka_unit_test(test_full_reply),
		cmocka_unit_test(test_ext_ack_reaches_error_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
