/* SPDX-License-Identifier: GPL-2.0-or-later */
/* findings.h - pure rules that explain what a snapshot's numbers mean. */
#ifndef SOCKMEM_FINDINGS_H
#define SOCKMEM_FINDINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/maybe.h"

struct sock_rec;
struct sysctls;

struct view;

enum sev { SEV_INFO, SEV_WARNING, SEV_CRITICAL };

enum ev_kind { EV_COUNT, EV_BYTES, EV_PAGES, EV_BOOL, EV_MS };

/* One number a rule compared (a measured value or a threshold). */
struct evidence {
	const char *key;
	enum ev_kind kind;
	struct maybe v;
};

#define FIND_MAX_EV 16
#define FIND_TOP    5

/* A process among the offenders: its offending sockets and their charge. */
struct off_proc {
	uint32_t proc; /* index into the snapshot's owners.procs */
	uint64_t sockets;
	uint64_t charged_bytes;
};

struct finding {
	const char *id; /* stable, e.g. "unread_backlog" */
	enum sev sev;
	char summary[200];	 /* one line with the headline numbers */
	const char *explanation; /* what the kernel does in this state */
	struct evidence ev[FIND_MAX_EV];
	size_t nev;
	uint32_t socks[FIND_TOP]; /* worst offending sockets (snapshot socks index) */
	size_t nsocks;
	struct off_proc procs[FIND_TOP]; /* top holders among the offenders */
	size_t nprocs;
};

/* Judgement-call thresholds (options with documented defaults). */
struct find_opts {
	uint64_t unsent_min; /* --unsent-min: "large unsent data", bytes */
	int64_t zero_window; /* --zero-window: near-zero window bytes; -1 = below rcv_mss */
	uint64_t unread_min; /* --unread-min: receive memory that counts as held */
};

#define FIND_DEFAULT_UNSENT_MIN	 (1024 * 1024)
#define FIND_DEFAULT_ZERO_WINDOW (-1)
#define FIND_DEFAULT_UNREAD_MIN	 1

/*
 * Runs every rule over a view (its kept sockets, its totals and
 * reconciliation; socket indexes in findings are the snapshot's). Returns the number of findings
 * (malloc'd array in *out, caller frees) or -ENOMEM.
 */
int findings_run(const struct view *v, const struct find_opts *fo, struct finding **out);

/*
 * findings_run in steps, for sockets that arrive in batches: begin once the
 * owners are final, fold each batch (the view's kept sockets among
 * snapshot indexes from..to), and between batches ask which sockets the
 * rules still rank among their worst (findings_acc_socks) so that only
 * those are kept, renumbered with findings_acc_renumber; end runs the rules.
 */
struct find_acc;
int findings_begin(const struct view *v, struct find_acc **a);
void findings_fold(struct find_acc *a, const struct view *v, const struct find_opts *fo,
		   size_t from, size_t to);
/* Fills idx with the distinct snapshot indexes the rules rank, ascending;
 * returns how many (at most findings_acc_max()). */
size_t findings_acc_socks(const struct find_acc *a, uint32_t *idx);
size_t findings_acc_max(void);
/* The sockets findings_acc_socks returned now sit at indexes 0..n. */
void findings_acc_renumber(struct find_acc *a, const uint32_t *idx, size_t n);
/* Runs the rules; a is freed. Returns as findings_run. */
int findings_end(struct find_acc *a, const struct view *v, const struct find_opts *fo,
		 struct finding **out);
void findings_acc_free(struct find_acc *a);

/* "info", "warning", "critical". */
const char *findings_sev_name(enum sev s);

/* Worst severity among n findings, or -1 if n == 0. */
int findings_worst(const struct finding *f, size_t n);

/* The i-th distinct (id, severity) pair the rules can report, in table order
 * (every finding any run can produce is one of them): fills *id and *sev and
 * returns true, or false past the last. */
bool findings_known(size_t i, const char **id, enum sev *sev);

/* Whether s's receive buffer is known to be locked by SO_RCVBUF: its
 * rcv_wscale lies below ilog2(rmem_max) - 15, which only a window capped at
 * the handshake gives (see locked_buffers in the man page). False when it
 * cannot be known (no window scale, no rmem_max, a lock set later). */
bool findings_rcvbuf_locked(const struct sock_rec *s, const struct sysctls *sc);

#endif
