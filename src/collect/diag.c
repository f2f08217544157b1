// SPDX-License-Identifier: GPL-2.0-or-later
/* diag.c - pure parser: one inet_diag reply -> one struct sock_rec. */
#include "collect/diag.h"

#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <limits.h>
#include <stdbool.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <string.h>
#include <sys/socket.h>

/*
 * struct tcp_info offsets, fixed by the append-only UAPI layout
 * (include/uapi/linux/tcp.h). Kept here rather than taken from the
 * build host's header so that fields newer than that header (rcv_wnd,
 * 6.2) are still read when the running kernel sends them.
 */

/*
 * tcpi_snd_wscale:4 and tcpi_rcv_wscale:4 share byte 6, in the compiler's
 * bitfield order (the kernel and its readers build with the same ABI: the
 * first field in the low nibble on little-endian, the high one on
 * big-endian). The kernel fills them only when window scaling was
 * negotiated (TCPI_OPT_WSCALE); otherwise they are absent, not 0.
 */
static bool parse_wscale(const uint8_t *p, size_t len, enum ti i, uint64_t *out)
{
	if (len <= DIAG_TI_OPTIONS_OFF || len <= diag_ti_fields[i].off ||
	    !(p[DIAG_TI_OPTIONS_OFF] & DIAG_TI_OPT_WSCALE))
		return false;
	uint8_t b = p[diag_ti_fields[i].off];
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	*out = i == TI_SND_WSCALE ? b >> 4 : b & 0xf;
#else
	*out = i == TI_SND_WSCALE ? b & 0xf : b >> 4;
#endif
	return true;
}

static void parse_tcp_info(const uint8_t *p, size_t len, struct sock_rec *rec)
{
	/* A repeated attribute replaces the earlier one, as with nla_parse. */
	memset(rec->ti, 0, sizeof(rec->ti));
	rec->ti_mask = 0;
	for (int i = 0; i < TI_N; i++) {
		const struct diag_ti_field *f = &diag_ti_fields[i];

		if (len < (size_t)f->off + f->size)
			continue;
		if (f->size == 1) {
			if (parse_wscale(p, len, (enum ti)i, &rec->ti[i]))
				rec->ti_mask |= (uint16_t)(1u << i);
			continue;
		}
		if (f->size == 8) {
			uint64_t v;

			memcpy(&v, p + f->off, 8);
			rec->ti[i] = v;
		} else {
			uint32_t v;

			memcpy(&v, p + f->off, 4);
			rec->ti[i] = v;
		}
		rec->ti_mask |= (uint16_t)(1u << i);
	}
}

static void parse_skmem(const uint8_t *p, size_t len, struct sock_rec *rec)
{
	size_t n = len / sizeof(uint32_t);

	if (n > SKM_N)
		n = SKM_N;			   /* a future kernel's extra values are ignored */
	memset(rec->skmem, 0, sizeof(rec->skmem)); /* last one wins, whole */
	memcpy(rec->skmem, p, n * sizeof(uint32_t));
	rec->skmem_n = (uint8_t)n;
}

int diag_parse(const struct nlmsghdr *nlh, struct sock_rec *rec)
{
	const struct inet_diag_msg *m;
	const struct nlattr *a;
	size_t hdr = MNL_ALIGN(sizeof(*m));

	memset(rec, 0, sizeof(*rec));
	/* mnl_nlmsg_ok() (libmnl <= 1.0.5) compares (int)nlmsg_len with the
	 * bytes received, so a length above INT_MAX reaches us unchecked. */
	if (nlh->nlmsg_len < MNL_NLMSG_HDRLEN + sizeof(*m) || nlh->nlmsg_len > INT_MAX)
		return -EBADMSG;
	m = mnl_nlmsg_get_payload(nlh);
	if (m->idiag_family != AF_INET && m->idiag_family != AF_INET6)
		return -EBADMSG;

	rec->family = m->idiag_family;
	rec->state = m->idiag_state;
	rec->sport = ntohs(m->id.idiag_sport);
	rec->dport = ntohs(m->id.idiag_dport);
	memcpy(rec->saddr, m->id.idiag_src, m->idiag_family == AF_INET ? 4 : 16);
	memcpy(rec->daddr, m->id.idiag_dst, m->idiag_family == AF_INET ? 4 : 16);
	rec->ifindex = m->id.idiag_if;
	rec->cookie = (uint64_t)m->id.idiag_cookie[1] << 32 | m->id.idiag_cookie[0];
	rec->rqueue = m->idiag_rqueue;
	rec->wqueue = m->idiag_wqueue;
	rec->uid = m->idiag_uid;
	rec->inode = m->idiag_inode;

	if (nlh->nlmsg_len < MNL_NLMSG_HDRLEN + hdr)
		return 0; /* no room for attributes */

	/* Walk attributes by hand so a malformed one ends the walk safely. */
	const uint8_t *p = (const uint8_t *)nlh + MNL_NLMSG_HDRLEN + hdr;
	size_t left = nlh->nlmsg_len - MNL_NLMSG_HDRLEN - hdr;

	while (left >= sizeof(struct nlattr)) {
		a = (const struct nlattr *)p;
		if (a->nla_len < sizeof(struct nlattr) || a->nla_len > left)
			return -EBADMSG;
		const uint8_t *pl = p + MNL_ATTR_HDRLEN;
		size_t plen = a->nla_len - MNL_ATTR_HDRLEN;

		switch (a->nla_type & NLA_TYPE_MASK) {
		case INET_DIAG_SKMEMINFO: parse_skmem(pl, plen, rec); break;
		case INET_DIAG_INFO: parse_tcp_info(pl, plen, rec); break;
		case INET_DIAG_CGROUP_ID:
			if (plen >= sizeof(uint64_t)) {
				memcpy(&rec->cgroup_id, pl, sizeof(uint64_t));
				rec->flags |= SOCK_HAS_CGROUP;
			}
			break;
		default: break; /* unknown, PAD, or not needed */
		}
		size_t step = MNL_ALIGN(a->nla_len);

		if (step >= left)
			break;
		p += step;
		left -= step;
	}
	return 0;
}
