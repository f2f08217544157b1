/* SPDX-License-Identifier: GPL-2.0-or-later */
/* findings_sock.h - inside the findings: the per-socket rules' predicates and
 * the thresholds they add as evidence (findings_sock.c), and the evidence
 * helpers both files use. Not an interface for other modules. */
#ifndef SOCKMEM_MODEL_FINDINGS_SOCK_H
#define SOCKMEM_MODEL_FINDINGS_SOCK_H

#include <stdbool.h>
#include <stdint.h>

#include "model/findings.h"
#include "model/sock.h"
#include "model/sysinfo.h"

/* Appends one evidence value (FIND_MAX_EV at most). */
static inline void ev(struct finding *f, const char *key, enum ev_kind kind, struct maybe v)
{
	if (f->nev < FIND_MAX_EV)
		f->ev[f->nev++] = (struct evidence){ key, kind, v };
}

/* An unsigned count as a present value. */
static inline struct maybe mu(uint64_t v)
{
	return maybe_of((int64_t)v);
}

bool fs_rcvbuf_at_max(const struct sock_rec *s, const struct sysctls *sc, const struct find_opts *fo);
bool fs_rcv_over_budget(const struct sock_rec *s, const struct sysctls *sc, const struct find_opts *fo);
bool fs_sndbuf_at_max(const struct sock_rec *s, const struct sysctls *sc, const struct find_opts *fo);
bool fs_unread_backlog(const struct sock_rec *s, const struct sysctls *sc, const struct find_opts *fo);
bool fs_locked_buffers(const struct sock_rec *s, const struct sysctls *sc, const struct find_opts *fo);
bool fs_outside_autotuning(const struct sock_rec *s, const struct sysctls *sc, const struct find_opts *fo);
bool fs_growing_rcvbuf(const struct sock_rec *s, const struct sysctls *sc, const struct find_opts *fo);
bool fs_growing_rcvbuf_fixed(const struct sock_rec *s, const struct sysctls *sc, const struct find_opts *fo);
void fs_ev_rmem_max(struct finding *f, const struct sysctls *nsc, const struct find_opts *fo);
void fs_ev_wmem_max_unsent(struct finding *f, const struct sysctls *nsc, const struct find_opts *fo);
void fs_ev_unread_opts(struct finding *f, const struct sysctls *nsc, const struct find_opts *fo);
void fs_ev_autotuning_range(struct finding *f, const struct sysctls *nsc, const struct find_opts *fo);
void fs_ev_wscale_floor(struct finding *f, const struct sysctls *nsc, const struct find_opts *fo);
void fs_ev_growing(struct finding *f, const struct sysctls *nsc, const struct find_opts *fo);

#endif
