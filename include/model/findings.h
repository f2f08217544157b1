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
