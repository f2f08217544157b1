/* SPDX-License-Identifier: GPL-2.0-or-later */
/* recording.h - the numbers of a `watch` recording, as `plot` draws them:
 * per-sample host values and named series (groups, counter rates). Holds
 * numbers and names only, never the documents they came from. */
#ifndef SOCKMEM_RECORDING_H
#define SOCKMEM_RECORDING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/idmap.h"
#include "util/maybe.h"

/* Host-wide values of one sample; absent where the document had null or no member. */
struct rec_sample {
	double elapsed_s; /* seconds since the first sample */
	struct maybe mem_pages;
	struct maybe low_pages, pressure_pages, high_pages; /* tcp_mem */
	int8_t pressure; /* system.pressure: 1 true, 0 false, -1 absent */
};

/* One value of a series at sample index `sample` (0-based). Integer series
 * (charged bytes) keep the exact integer in i; v is its double. */
struct rec_pt {
	uint32_t sample;
	bool is_int;
	int64_t i;
	double v;
};

/* A named series: a group's charged bytes, or a counter's rate per second.
 * Samples without a point are absent (the group was not in that sample). */
struct rec_series {
	char *key;   /* identity across samples */
	char *label; /* what the plot shows: untrusted text, escape it */
	struct rec_pt *pts;
	size_t n, cap;
	double peak; /* largest v, 0 when none */
};

/* Series by key: an array and a hash of the key to its first index. */
struct rec_set {
	struct rec_series *s;
	size_t n, cap;
	struct idmap by_hash;
};

#define REC_TEXT 256 /* host name, kernel release (bytes, NUL included) */
#define REC_TIME 64  /* host.time */

struct recording {
	char hostname[REC_TEXT], kernel[REC_TEXT];
	char time_first[REC_TIME], time_last[REC_TIME];
	uint64_t page_size; /* 0: unknown */
	char by[32];	    /* "by" of the first sample ("" if none) */
	struct rec_sample *samples;
	size_t n, cap;
	struct rec_set groups; /* charged_bytes per group */
	struct rec_set rates;  /* delta.tcpext_per_s per counter */
};

/* An empty recording. */
void rec_init(struct recording *rec);

/* Frees everything rec holds; rec is empty again. */
void rec_free(struct recording *rec);

/* Appends a sample; returns its index, or -ENOMEM. */
long rec_add_sample(struct recording *rec, const struct rec_sample *s);

/* The series of set with key (created with label when new; set copies
 * both). Returns it, or NULL when out of memory. */
struct rec_series *rec_series_get(struct rec_set *set, const char *key, const char *label);

/* Adds point p to series s (samples in increasing order). 0 or -ENOMEM. */
int rec_series_add(struct rec_series *s, struct rec_pt p);

/* Writes into idx (capacity max) the indexes of set's series with the
 * largest peaks, largest first, ties by first appearance; skips series
 * whose peak is not above min_peak. Returns how many. */
size_t rec_top_by_peak(const struct rec_set *set, size_t max, double min_peak, size_t *idx);

#endif
