/* SPDX-License-Identifier: GPL-2.0-or-later */
/* outbuf.h - buffered output with number formatting and per-format escaping. */
#ifndef SOCKMEM_OUTBUF_H
#define SOCKMEM_OUTBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Collects output and hands it to a FILE in large writes. The first
 * write error is kept in err (positive errno); later writes are dropped. */
struct outbuf {
	FILE *f;
	char *p;
	size_t len, cap;
	int err;
	size_t hold; /* write nothing to f before this many bytes (ob_init_held) */
};

/* Starts a buffer on f. Returns 0 or -ENOMEM. */
int ob_init(struct outbuf *b, FILE *f);

/* Starts a buffer on f that writes nothing until it holds more than hold
 * bytes (then it writes as ob_init's does): output produced while a run can
 * still fail stays unwritten unless it grows that large, and
 * ob_discard drops it. Returns 0 or -ENOMEM. */
int ob_init_held(struct outbuf *b, FILE *f, size_t hold);

/* Whether anything reached f yet. */
static inline bool ob_written(const struct outbuf *b)
{
	return b->f && !b->hold;
}

/* Frees the buffer without writing what it holds. */
void ob_discard(struct outbuf *b);

/* Starts a buffer that only grows in memory (f == NULL); read p/len. */
int ob_init_mem(struct outbuf *b);

/* Empties a memory buffer for reuse. */
static inline void ob_reset(struct outbuf *b)
{
	b->len = 0;
}

/* Flushes everything to f and fflush(f); frees the buffer.
 * Returns 0 or the first write error as -errno. */
int ob_finish(struct outbuf *b);

void ob_write(struct outbuf *b, const char *s, size_t n);
void ob_str(struct outbuf *b, const char *s);
void ob_ch(struct outbuf *b, char c);
void ob_u64(struct outbuf *b, uint64_t v);
void ob_i64(struct outbuf *b, int64_t v);
void ob_spaces(struct outbuf *b, size_t n);

/* Writes v hundredths as a decimal with two places, for every int64_t:
 * -429 -> "-4.29", -5 -> "-0.05", 5 -> "0.05", INT64_MIN -> "-92233720368547758.08". */
void ob_hundredths(struct outbuf *b, int64_t v);

/* A finite double in the shortest decimal form that strtod reads back as
 * the same double ("0.2", "1e+20"); "nan"/"inf" text is the caller's to avoid. */
void ob_f64(struct outbuf *b, double v);

/* Formats v into buf (>= 21 bytes); returns the length. */
size_t fmt_u64(char *buf, uint64_t v);

/* Human size with binary units like ss: "512", "12.5K", "3.0M" (buf >= 16). */
size_t fmt_human(char *buf, uint64_t bytes);

/*
 * Escaping of untrusted text (comm names, cgroup paths), documented in sockmem(8):
 * json:  '"' '\\' as \" \\; bytes < 0x20 and 0x7f as \u00XX; invalid UTF-8
 *        bytes as \ufffd (U+FFFD); valid UTF-8 passes through.
 * tsv:   '\\' '\t' '\n' '\r' as \\ \t \n \r; other control bytes as \xHH.
 * table: '\\' as \\; every byte outside 0x20-0x7e as \xHH, so one byte is
 *        one column and alignment holds.
 * prom:  a Prometheus label value (text exposition format): '\\' '"' and
 *        newline as \\ \" \n; other control bytes and invalid UTF-8 bytes
 *        as U+FFFD (the format is UTF-8 and has no other escapes); the rest
 *        as it is (systemd's "\x2d" in a unit name stays those 4 bytes).
 * extra: further bytes to write as \xHH (tsv/table), e.g. "," in lists.
 */
void ob_json_str(struct outbuf *b, const char *s); /* writes the quotes too */
/* Whether s is valid UTF-8 (no overlong forms, surrogates or code points
 * above U+10FFFF): then ob_json_str writes it without loss. */
bool ob_utf8_valid(const char *s);
void ob_tsv_str(struct outbuf *b, const char *s, const char *extra);
void ob_prom_label_str(struct outbuf *b, const char *s); /* without the quotes */
void ob_table_str(struct outbuf *b, const char *s, const char *extra);
/* svg:   XML character data and attribute values: & < > " ' as entities;
 *        '\\' as \\; bytes < 0x20, 0x7f, invalid UTF-8 and U+FFFE/U+FFFF
 *        (not XML characters) as \xHH per byte; valid UTF-8 passes through. */
void ob_xml_str(struct outbuf *b, const char *s);

#endif
