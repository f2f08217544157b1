/* SPDX-License-Identifier: GPL-2.0-or-later */
/* findings_host.h - inside the findings: the host-wide rules (tcp_mem,
 * orphans, counters since boot, udp_mem, reconciliation) and the UDP
 * per-socket rules' parts (findings_host.c), as rules[] in findings.c uses
 * them. Not an interface for other modules. */
#ifndef SOCKMEM_MODEL_FINDINGS_HOST_H
#define SOCKMEM_MODEL_FINDINGS_HOST_H

#include <stdbool.h>
#include <stdint.h>

#include "model/findings.h"
#include "model/snapshot.h"
#include "model/view.h"

/* tcp_mem: a rule row's match (bool) and fill (summary and evidence) */
bool fh_mem_unreadable(const struct view *v);
bool fh_mem_unreadable_pressure(const struct view *v);
bool fh_mem_high(const struct view *v);
bool fh_mem_pressure(const struct view *v);
bool fh_mem_low(const struct view *v);
void fh_fill_mem_unreadable(struct finding *f, const struct view *v);
void fh_fill_mem_unreadable_pressure(struct finding *f, const struct view *v);
void fh_fill_mem_usage(struct finding *f, const struct view *v);
/* orphans against tcp_max_orphans */
bool fh_orphans_over_limit(const struct view *v);
bool fh_orphans_near_limit(const struct view *v);
void fh_fill_orphans(struct finding *f, const struct view *v);
/* TcpExt drop counters since boot */
bool fh_drops_seen(const struct view *v);
void fh_fill_drops(struct finding *f, const struct view *v);
/* udp_mem thresholds */
bool fh_udp_mem_high(const struct view *v);
bool fh_udp_mem_pressure(const struct view *v);
void fh_fill_udp_mem(struct finding *f, const struct view *v);
/* the UDP per-socket rules: predicates, the thresholds they add, and the
 * counters udp_drops shows beside its sockets */
bool fh_udp_rcvbuf_capped(const struct sock_rec *s, const struct sysctls *sc,
			  const struct find_opts *fo);
void fh_ev_rmem_max_core(struct finding *f, const struct sysctls *nsc, const struct find_opts *fo);
bool fh_udp_dropping(const struct sock_rec *s, const struct sysctls *sc,
		     const struct find_opts *fo);
void fh_udp_drops_extra(struct finding *f, const struct snapshot *r, uint64_t ndrops,
			uint64_t full);
/* the reconciliation, over a complete dump */
bool fh_gap_other_netns(const struct view *v);
bool fh_reconcile_gap(const struct view *v);
void fh_fill_reconcile(struct finding *f, const struct view *v);
void fh_fill_other_netns(struct finding *f, const struct view *v);

#endif
