// SPDX-License-Identifier: GPL-2.0-or-later
/* outbuf.c - buffered writer, number formatting, escaping. */
#include "util/outbuf.h"

#include "util/sig.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define OB_CAP	 (256 * 1024)
#define OB_PIECE (32 * 1024)

int ob_init(struct outbuf *b, FILE *f)
{
	b->f = f;
	b->len = 0;
	b->err = 0;
	b->hold = 0;
	b->cap = f ? OB_CAP : 4096;
	b->p = malloc(b->cap);
	return b->p ? 0 : -ENOMEM;
}

int ob_init_held(struct outbuf *b, FILE *f, size_t hold)
{
	int err = ob_init(b, f);

	b->hold = hold;
	return err;
}

void ob_discard(struct outbuf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

int ob_init_mem(struct outbuf *b)
{
	return ob_init(b, NULL);
}

/* Makes room for n more bytes in a memory buffer; 0 or -1 (err set). */
static int ob_grow(struct outbuf *b, size_t n)
{
	size_t cap = b->cap;

	while (cap - b->len < n + 1)
		cap *= 2;
	if (cap != b->cap) {
		char *p = realloc(b->p, cap);

		if (!p) {
			b->err = ENOMEM;
			return -1;
		}
		b->p = p;
		b->cap = cap;
	}
	return 0;
}

/* Writes p[0..len) to the FILE in pieces, so that a signal stops output
 * within one piece even when stdio retries a write a signal cut short. */
static void write_pieces(struct outbuf *b, const char *p, size_t len)
{
	for (size_t off = 0; off < len && !b->err; off += OB_PIECE) {
		size_t n = len - off < OB_PIECE ? len - off : OB_PIECE;

		if (sig_interrupted())
			b->err = EINTR; /* main reports the interruption */
		else if (fwrite(p + off, 1, n, b->f) != n)
			b->err = errno ? errno : EIO;
	}
}

static void ob_flush(struct outbuf *b)
{
	if (!b->f)
		return; /* memory buffer: nothing to flush */
	b->hold = 0;
	write_pieces(b, b->p, b->len);
	b->len = 0;
}

/* Ends holding: writes what was held and gives the memory the hold grew
 * to back (it grew by doubling, to twice the hold at most), so that the
 * rest streams through OB_CAP as an unheld buffer does. */
static void end_hold(struct outbuf *b)
{
	char *p;

	b->hold = 0;
	ob_flush(b);
	if (!b->f || b->err || b->cap <= OB_CAP)
		return;
	p = realloc(b->p, OB_CAP);
	if (p) { /* else the larger buffer goes on */
		b->p = p;
		b->cap = OB_CAP;
	}
}

int ob_finish(struct outbuf *b)
{
	ob_flush(b);
	if (b->f && !b->err && fflush(b->f) != 0)
		b->err = errno ? errno : EIO;
	free(b->p);
	b->p = NULL;
	return b->err ? -b->err : 0;
}

void ob_write(struct outbuf *b, const char *s, size_t n)
{
	if (b->err)
		return;
	if (b->hold && b->len + n > b->hold)
		end_hold(b); /* held long enough: write from now on */
	if (!b->f || b->hold) {
		if (ob_grow(b, n) == 0) {
			memcpy(b->p + b->len, s, n);
			b->len += n;
		}
		return;
	}
	if (b->len + n > b->cap) {
		ob_flush(b);
		if (n > b->cap) {
			write_pieces(b, s, n);
			return;
		}
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

void ob_str(struct outbuf *b, const char *s)
{
	ob_write(b, s, strlen(s));
}

void ob_ch(struct outbuf *b, char c)
{
	if (b->len + 1 >= b->cap) {
		ob_write(b, &c, 1);
		return;
	}
	if (!b->err)
		b->p[b->len++] = c;
}

void ob_f64(struct outbuf *b, double v)
{
	char buf[40];

	/* %.17g always reads back exactly; the first shorter form that does wins */
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(buf, sizeof(buf), "%.*g", prec, v);
		if (prec == 17 || strtod(buf, NULL) == v)
			break;
	}
	ob_str(b, buf);
}

size_t fmt_u64(char *buf, uint64_t v)
{
	char tmp[21];
	size_t n = sizeof(tmp);

	do {
		tmp[--n] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	memcpy(buf, tmp + n, sizeof(tmp) - n);
	buf[sizeof(tmp) - n] = '\0';
	return sizeof(tmp) - n;
}

void ob_u64(struct outbuf *b, uint64_t v)
{
	char buf[21];

	if (b->cap - b->len > sizeof(buf) && !b->err) {
		/* room for any number: straight into the buffer (the hot path of
		 * TSV rows, where most values are one digit: 0 mostly) */
		if (v < 10)
			b->p[b->len++] = (char)('0' + v);
		else
			b->len += fmt_u64(b->p + b->len, v);
		return;
	}
	ob_write(b, buf, fmt_u64(buf, v));
}

void ob_i64(struct outbuf *b, int64_t v)
{
	if (v < 0) {
		ob_ch(b, '-');
		ob_u64(b, (uint64_t)0 - (uint64_t)v);
	} else {
		ob_u64(b, (uint64_t)v);
	}
}

void ob_hundredths(struct outbuf *b, int64_t v)
{
	uint64_t m = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	char frac[3] = { '.', (char)('0' + m % 100 / 10), (char)('0' + m % 10) };

	if (v < 0)
		ob_ch(b, '-');
	ob_u64(b, m / 100);
	ob_write(b, frac, sizeof(frac));
}

void ob_spaces(struct outbuf *b, size_t n)
{
	static const char sp[] = "                                ";

	while (n) {
		size_t k = n < sizeof(sp) - 1 ? n : sizeof(sp) - 1;

		ob_write(b, sp, k);
		n -= k;
	}
}

/* bytes / div in tenths, rounded half up; exact for every uint64_t
 * (div <= 2^60, so the remainder times 10 fits). */
static uint64_t tenths_of(uint64_t bytes, uint64_t div)
{
	return bytes / div * 10 + (bytes % div * 10 + div / 2) / div;
}

size_t fmt_human(char *buf, uint64_t bytes)
{
	static const char units[] = "KMGTPE";
	uint64_t div = 1024;
	int u = 0;

	if (bytes < 1024)
		return fmt_u64(buf, bytes);
	while (u < 5 && bytes / div >= 1024) {
		div *= 1024;
		u++;
	}
	/* one decimal, rounded to nearest */
	uint64_t tenths = tenths_of(bytes, div);

	if (tenths >= 10240 && u < 5) {
		/* rounded up to 1024.0 of this unit: carry, "1.0M" not "1024.0K" */
		div *= 1024;
		u++;
		tenths = tenths_of(bytes, div);
	}
	size_t n = fmt_u64(buf, tenths / 10);

	buf[n++] = '.';
	buf[n++] = (char)('0' + tenths % 10);
	buf[n++] = units[u];
	buf[n] = '\0';
	return n;
}

static const char hexd[] = "0123456789abcdef";

static void ob_hex_esc(struct outbuf *b, const char *prefix, unsigned char c)
{
	char h[2] = { hexd[c >> 4], hexd[c & 15] };

	ob_str(b, prefix);
	ob_write(b, h, 2);
}

/* Length of the valid UTF-8 sequence at s, or 0 if invalid. */
static size_t utf8_len(const unsigned char *s)
{
	unsigned c = s[0];
	size_t n;
	uint32_t cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, cp = c & 0x07;
	else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

void ob_json_str(struct outbuf *b, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	ob_ch(b, '"');
	while (*s) {
		unsigned char c = *s;
		size_t run = 0;

		/* a run of printable ASCII other than '"' and '\\' goes out as it is */
		while (s[run] >= 0x20 && s[run] < 0x7f && s[run] != '"' && s[run] != '\\')
			run++;
		if (run) {
			ob_write(b, (const char *)s, run);
			s += run;
		} else if (c == '"' || c == '\\') {
			ob_ch(b, '\\');
			ob_ch(b, (char)c);
			s++;
		} else if (c < 0x20 || c == 0x7f) {
			ob_hex_esc(b, "\\u00", c);
			s++;
		} else {
			size_t n = utf8_len(s);

			if (n == 0) {
				ob_str(b, "\\ufffd");
				s++;
			} else {
				ob_write(b, (const char *)s, n);
				s += n;
			}
		}
	}
	ob_ch(b, '"');
}

bool ob_utf8_valid(const char *str)
{
	for (const unsigned char *s = (const unsigned char *)str; *s;) {
		size_t n = utf8_len(s);

		if (n == 0)
			return false;
		s += n;
	}
	return true;
}

void ob_prom_label_str(struct outbuf *b, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	while (*s) {
		size_t n = utf8_len(s);

		if (*s == '\\' || *s == '"') {
			ob_ch(b, '\\');
			ob_ch(b, (char)*s);
		} else if (*s == '\n') {
			ob_str(b, "\\n");
		} else if (n == 0 || *s < 0x20 || *s == 0x7f) {
			/* U+FFFD for an invalid byte, and for a control byte a
			 * terminal showing the metrics would act on */
			ob_str(b, "\xef\xbf\xbd");
		} else {
			ob_write(b, (const char *)s, n);
		}
		s += n ? n : 1;
	}
}

void ob_tsv_str(struct outbuf *b, const char *str, const char *extra)
{
	for (const unsigned char *s = (const unsigned char *)str; *s; s++) {
		unsigned char c = *s;

		if (c == '\\')
			ob_str(b, "\\\\");
		else if (c == '\t')
			ob_str(b, "\\t");
		else if (c == '\n')
			ob_str(b, "\\n");
		else if (c == '\r')
			ob_str(b, "\\r");
		else if (c < 0x20 || c == 0x7f || (extra && strchr(extra, c)))
			ob_hex_esc(b, "\\x", c);
		else
			ob_ch(b, (char)c);
	}
}

void ob_xml_str(struct outbuf *b, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	while (*s) {
		unsigned char c = *s;
		size_t n = c < 0x20 || c == 0x7f ? 0 : utf8_len(s);

		/* U+FFFE and U+FFFF are no XML characters (EF BF BE, EF BF BF) */
		if (n == 3 && s[0] == 0xef && s[1] == 0xbf && s[2] >= 0xbe)
			n = 0;
		if (n == 0) {
			ob_hex_esc(b, "\\x", c);
			s++;
			continue;
		}
		switch (c) {
		case '&': ob_str(b, "&amp;"); break;
		case '<': ob_str(b, "&lt;"); break;
		case '>': ob_str(b, "&gt;"); break;
		case '"': ob_str(b, "&quot;"); break;
		case '\'': ob_str(b, "&#39;"); break;
		case '\\': ob_str(b, "\\\\"); break;
		default: ob_write(b, (const char *)s, n); break;
		}
		s += n;
	}
}

static int table_plain(unsigned char c, const char *extra)
{
	return c >= 0x20 && c < 0x7f && c != '\\' && !(extra && strchr(extra, c));
}

void ob_table_str(struct outbuf *b, const char *str, const char *extra)
{
	for (const unsigned char *s = (const unsigned char *)str; *s; s++) {
		if (table_plain(*s, extra))
			ob_ch(b, (char)*s);
		else if (*s == '\\')
			ob_str(b, "\\\\");
		else
			ob_hex_esc(b, "\\x", *s);
	}
}
