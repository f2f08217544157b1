/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bc_model.h - a model of the kernel's inet_diag bytecode validator
 * (inet_diag_bc_audit) and interpreter (inet_diag_bc_run), re-implemented
 * from net/ipv4/inet_diag.c for tests: the unit test test_filter.c and the
 * differential fuzz target fuzz_bc. Header-only (static inline), so each
 * test binary takes it without a Makefile rule.
 */
#ifndef SOCKMEM_BC_MODEL_H
#define SOCKMEM_BC_MODEL_H

#include <arpa/inet.h>
#include <errno.h>
#include <linux/inet_diag.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

/* What inet_diag_bc_sk() fills in for one socket. */
struct bcm_entry {
	int family;
	uint8_t saddr[16], daddr[16];
	uint16_t sport, dport;
};

static inline struct inet_diag_bc_op bcm_op_at(const uint8_t *p)
{
	struct inet_diag_bc_op op;

	memcpy(&op, p, sizeof(op));
	return op;
}

/* valid_cc(): cc bytes before the end must be an op boundary reachable by
 * following "yes" from the start. */
static inline int bcm_valid_cc(const uint8_t *bc, int len, int cc)
{
	while (len >= 0) {
		struct inet_diag_bc_op op;

		if (cc > len)
			return 0;
		if (cc == len)
			return 1;
		op = bcm_op_at(bc);
		if (op.yes < 4 || op.yes & 3)
			return 0;
		len -= op.yes;
		bc += op.yes;
	}
	return 0;
}

/* inet_diag_bc_audit(), with CAP_NET_ADMIN (root): 0 or -EINVAL. */
static inline int bcm_audit(const uint8_t *bytecode, int bytecode_len)
{
	const uint8_t *bc = bytecode;
	int len = bytecode_len;

	if (bytecode_len < (int)sizeof(struct inet_diag_bc_op))
		return -EINVAL;
	while (len > 0) {
		int min_len = (int)sizeof(struct inet_diag_bc_op);
		struct inet_diag_bc_op op;

		if (len < min_len)
			return -EINVAL; /* (the kernel reads the op header regardless) */
		op = bcm_op_at(bc);
		switch (op.code) {
		case INET_DIAG_BC_S_COND:
		case INET_DIAG_BC_D_COND: {
			struct inet_diag_hostcond hc;
			int alen;

			min_len += (int)sizeof(hc);
			if (len < min_len)
				return -EINVAL;
			memcpy(&hc, bc + sizeof(op), sizeof(hc));
			switch (hc.family) {
			case AF_UNSPEC: alen = 0; break;
			case AF_INET: alen = 4; break;
			case AF_INET6: alen = 16; break;
			default: return -EINVAL;
			}
			min_len += alen;
			if (len < min_len)
				return -EINVAL;
			if (hc.prefix_len > 8 * alen)
				return -EINVAL;
			break;
		}
		case INET_DIAG_BC_DEV_COND:
			min_len += 4;
			if (len < min_len)
				return -EINVAL;
			break;
		case INET_DIAG_BC_S_EQ:
		case INET_DIAG_BC_S_GE:
		case INET_DIAG_BC_S_LE:
		case INET_DIAG_BC_D_EQ:
		case INET_DIAG_BC_D_GE:
		case INET_DIAG_BC_D_LE:
			min_len += (int)sizeof(struct inet_diag_bc_op);
			if (len < min_len)
				return -EINVAL;
			break;
		case INET_DIAG_BC_MARK_COND:
		case INET_DIAG_BC_CGROUP_COND:
			min_len += 8;
			if (len < min_len)
				return -EINVAL;
			break;
		case INET_DIAG_BC_AUTO:
		case INET_DIAG_BC_JMP:
		case INET_DIAG_BC_NOP: break;
		default: return -EINVAL;
		}
		if (op.code != INET_DIAG_BC_NOP) {
			if (op.no < min_len || op.no > len + 4 || op.no & 3)
				return -EINVAL;
			if (op.no < len && !bcm_valid_cc(bytecode, bytecode_len, len - op.no))
				return -EINVAL;
		}
		if (op.yes < min_len || op.yes > len + 4 || op.yes & 3)
			return -EINVAL;
		bc += op.yes;
		len -= op.yes;
	}
	return len == 0 ? 0 : -EINVAL;
}

/* bitstring_match(): the first bits of two big-endian word arrays. */
static inline int bcm_bitstring_match(const uint8_t *a1, const uint8_t *a2, int bits)
{
	int words = bits >> 5;

	bits &= 0x1f;
	if (words && memcmp(a1, a2, (size_t)words << 2))
		return 0;
	if (bits) {
		uint32_t w1, w2, mask = htonl(0xffffffffu << (32 - bits));

		memcpy(&w1, a1 + 4 * words, 4);
		memcpy(&w2, a2 + 4 * words, 4);
		if ((w1 ^ w2) & mask)
			return 0;
	}
	return 1;
}

/* inet_diag_bc_run(): 1 if the socket passes, 0 if not, -1 for an op
 * sockmem never emits (only ports and host conditions are modelled).
 * Only for bytecode bcm_audit() accepted, as in the kernel. */
static inline int bcm_run(const uint8_t *bc, int len, const struct bcm_entry *e)
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

	while (len > 0) {
		struct inet_diag_bc_op op = bcm_op_at(bc);
		int yes = 1;

		switch (op.code) {
		case INET_DIAG_BC_NOP: break;
		case INET_DIAG_BC_JMP: yes = 0; break;
		case INET_DIAG_BC_S_EQ: yes = e->sport == bcm_op_at(bc + 4).no; break;
		case INET_DIAG_BC_S_GE: yes = e->sport >= bcm_op_at(bc + 4).no; break;
		case INET_DIAG_BC_S_LE: yes = e->sport <= bcm_op_at(bc + 4).no; break;
		case INET_DIAG_BC_D_EQ: yes = e->dport == bcm_op_at(bc + 4).no; break;
		case INET_DIAG_BC_D_GE: yes = e->dport >= bcm_op_at(bc + 4).no; break;
		case INET_DIAG_BC_D_LE: yes = e->dport <= bcm_op_at(bc + 4).no; break;
		case INET_DIAG_BC_S_COND:
		case INET_DIAG_BC_D_COND: {
			struct inet_diag_hostcond hc;
			const uint8_t *caddr = bc + 4 + sizeof(hc);
			const uint8_t *addr = op.code == INET_DIAG_BC_S_COND ? e->saddr : e->daddr;

			memcpy(&hc, bc + 4, sizeof(hc));
			if (hc.port != -1 &&
			    hc.port != (op.code == INET_DIAG_BC_S_COND ? e->sport : e->dport)) {
				yes = 0;
				break;
			}
			if (hc.family != AF_UNSPEC && hc.family != e->family) {
				if (e->family == AF_INET6 && hc.family == AF_INET &&
				    memcmp(addr, mapped, 12) == 0 &&
				    bcm_bitstring_match(addr + 12, caddr, hc.prefix_len))
					break;
				yes = 0;
				break;
			}
			if (hc.prefix_len == 0)
				break;
			if (bcm_bitstring_match(addr, caddr, hc.prefix_len))
				break;
			yes = 0;
			break;
		}
		default: return -1;
		}
		if (yes) {
			len -= op.yes;
			bc += op.yes;
		} else {
			len -= op.no;
			bc += op.no;
		}
	}
	return len == 0;
}

#endif
