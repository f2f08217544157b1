// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_escape.c - libFuzzer target for the escaping in outbuf.c.
 *
 * Input: one control byte, then text.
 *   bits 0-1: extra set: NULL, ",", " ,=\"", or (3) the text up to its first
 *             NUL is the extra set and the rest is the string;
 *   bits 2-7: k; k*65 spaces (0..4095) are written first, so the escaped text
 *             crosses the memory buffer's first growth at every offset.
 * Each format's output is checked against sockmem(8)'s contract (see
 * outbuf.h) by an independent validator and decoder: it must be well formed
 * and decode back to the input (JSON: invalid UTF-8 bytes as U+FFFD each).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/outbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c)                         \
	do {                             \
		if (!(c))                \
			__builtin_trap(); \
	} while (0)

/* Length of the well-formed UTF-8 sequence at s (Unicode Table 3-7), 0 if none. */
static size_t u8_valid(const unsigned char *s)
{
	unsigned char c = s[0];
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4;
	else
		return 0;
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return n;
}

static int hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Appends the UTF-8 encoding of cp (< 0x10000, not a surrogate) to out. */
static size_t put_utf8(unsigned char *out, uint32_t cp)
{
	if (cp < 0x80) {
		out[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (unsigned char)(0xc0 | cp >> 6);
		out[1] = (unsigned char)(0x80 | (cp & 0x3f));
		return 2;
	}
	out[0] = (unsigned char)(0xe0 | cp >> 12);
	out[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
	out[2] = (unsigned char)(0x80 | (cp & 0x3f));
	return 3;
}

static int in_extra(const char *extra, unsigned char c)
{
	return extra && c && strchr(extra, c) != NULL;
}

/*
 * JSON: one string literal; escapes only \" \\ \uXXXX (no surrogates);
 * no raw byte < 0x20, no raw 0x7f, raw bytes >= 0x80 well-formed UTF-8.
 * Decodes into dec; returns its length.
 */
static size_t check_json(const unsigned char *o, size_t len, unsigned char *dec)
{
	size_t n = 0;

	CHECK(len >= 2 && o[0] == '"' && o[len - 1] == '"');
	for (size_t i = 1; i < len - 1;) {
		unsigned char c = o[i];

		CHECK(c >= 0x20 && c != 0x7f && c != '"');
		if (c == '\\') {
			CHECK(i + 1 < len - 1);
			unsigned char e = o[i + 1];

			if (e == '"' || e == '\\') {
				dec[n++] = e;
				i += 2;
				continue;
			}
			CHECK(e == 'u' && i + 5 < len - 1);
			uint32_t cp = 0;

			for (int k = 0; k < 4; k++) {
				int h = hexval(o[i + 2 + k]);

				CHECK(h >= 0);
				cp = cp << 4 | (uint32_t)h;
			}
			CHECK(cp < 0xd800 || cp > 0xdfff);
			/* Only what the contract escapes: controls, DEL, U+FFFD. */
			CHECK(cp < 0x20 || cp == 0x7f || cp == 0xfffd);
			n += put_utf8(dec + n, cp);
			i += 6;
		} else if (c < 0x80) {
			dec[n++] = c;
			i++;
		} else {
			size_t k = u8_valid(o + i);

			CHECK(k > 0 && i + k <= len - 1);
			memcpy(dec + n, o + i, k);
			n += k;
			i += k;
		}
	}
	return n;
}

/* What the JSON text must decode to: s with each ill-formed byte as U+FFFD. */
static size_t json_expect(const unsigned char *s, unsigned char *out)
{
	size_t n = 0;

	while (*s) {
		size_t k = u8_valid(s);

		if (k == 0) {
			n += put_utf8(out + n, 0xfffd);
			s++;
		} else {
			memcpy(out + n, s, k);
			n += k;
			s += k;
		}
	}
	return n;
}

/*
 * TSV: no raw tab, LF, CR or other control byte; escapes \\ \t \n \r \xHH
 * only; raw bytes never in extra. Decodes into dec; returns its length.
 */
static size_t check_tsv(const unsigned char *o, size_t len, const char *extra, unsigned char *dec)
{
	size_t n = 0;

	for (size_t i = 0; i < len;) {
		unsigned char c = o[i];

		CHECK(c != '\t' && c != '\n' && c != '\r');
		CHECK(c >= 0x20 && c != 0x7f);
		if (c != '\\') {
			CHECK(!in_extra(extra, c));
			dec[n++] = c;
			i++;
			continue;
		}
		CHECK(i + 1 < len);
		switch (o[i + 1]) {
		case '\\': dec[n++] = '\\'; i += 2; break;
		case 't': dec[n++] = '\t'; i += 2; break;
		case 'n': dec[n++] = '\n'; i += 2; break;
		case 'r': dec[n++] = '\r'; i += 2; break;
		case 'x': {
			CHECK(i + 3 < len);
			int h = hexval(o[i + 2]), l = hexval(o[i + 3]);

			CHECK(h >= 0 && l >= 0);
			unsigned char b = (unsigned char)(h << 4 | l);

			/* \x is for controls and extra; the named escapes win. */
			CHECK(b != '\\' && b != '\t' && b != '\n' && b != '\r');
			CHECK(b < 0x20 || b == 0x7f || in_extra(extra, b));
			dec[n++] = b;
			i += 4;
			break;
		}
		default:
			__builtin_trap();
		}
	}
	return n;
}

/*
 * Table: printable ASCII only; escapes \\ and \xHH; raw bytes never in
 * extra. Decodes into dec; returns its length.
 */
static size_t check_table(const unsigned char *o, size_t len, const char *extra, unsigned char *dec)
{
	size_t n = 0;

	for (size_t i = 0; i < len;) {
		unsigned char c = o[i];

		CHECK(c >= 0x20 && c <= 0x7e);
		if (c != '\\') {
			CHECK(!in_extra(extra, c));
			dec[n++] = c;
			i++;
			continue;
		}
		CHECK(i + 1 < len);
		if (o[i + 1] == '\\') {
			dec[n++] = '\\';
			i += 2;
			continue;
		}
		CHECK(o[i + 1] == 'x' && i + 3 < len);
		int h = hexval(o[i + 2]), l = hexval(o[i + 3]);

		CHECK(h >= 0 && l >= 0);
		unsigned char b = (unsigned char)(h << 4 | l);

		CHECK(b != '\\');
		CHECK(b < 0x20 || b > 0x7e || in_extra(extra, b));
		dec[n++] = b;
		i += 4;
	}
	return n;
}

static void prefill(struct outbuf *b, size_t pad)
{
	ob_reset(b);
	ob_spaces(b, pad);
	CHECK(b->err == 0 && b->len == pad);
}

/* The bytes after the padding; checks the padding is intact. */
static const unsigned char *after_pad(const struct outbuf *b, size_t pad, size_t *len)
{
	CHECK(b->err == 0 && b->len >= pad && b->len < b->cap);
	for (size_t i = 0; i < pad; i++)
		CHECK(b->p[i] == ' ');
	*len = b->len - pad;
	return (const unsigned char *)b->p + pad;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	unsigned ctl = data[0];
	size_t pad = (size_t)(ctl >> 2) * 65;
	char *buf = malloc(size);

	if (!buf)
		return 0;
	memcpy(buf, data + 1, size - 1);
	buf[size - 1] = '\0';

	const char *s = buf, *extra;

	switch (ctl & 3) {
	case 0: extra = NULL; break;
	case 1: extra = ","; break;
	case 2: extra = " ,=\""; break;
	default:
		extra = buf;
		s = buf + strlen(buf);
		if ((size_t)(s - buf) < size - 1)
			s++; /* the string after the NUL */
		break;
	}

	size_t slen = strlen(s);
	unsigned char *want = malloc(slen * 3 + 1); /* U+FFFD is 3 bytes */
	unsigned char *dec;
	struct outbuf b;
	const unsigned char *o;
	size_t olen, n;

	CHECK(want && ob_init_mem(&b) == 0);

	/* Decoding never lengthens: dec holds olen bytes. */
	prefill(&b, pad);
	ob_json_str(&b, s);
	o = after_pad(&b, pad, &olen);
	dec = malloc(olen + 1);
	CHECK(dec);
	n = check_json(o, olen, dec);
	CHECK(n == json_expect((const unsigned char *)s, want) && memcmp(dec, want, n) == 0);
	free(dec);

	prefill(&b, pad);
	ob_tsv_str(&b, s, extra);
	o = after_pad(&b, pad, &olen);
	dec = malloc(olen + 1);
	CHECK(dec);
	n = check_tsv(o, olen, extra, dec);
	CHECK(n == slen && memcmp(dec, s, n) == 0);
	free(dec);

	prefill(&b, pad);
	ob_table_str(&b, s, extra);
	o = after_pad(&b, pad, &olen);
	dec = malloc(olen + 1);
	CHECK(dec);
	n = check_table(o, olen, extra, dec);
	CHECK(n == slen && memcmp(dec, s, n) == 0);
	free(dec);

	CHECK(ob_finish(&b) == 0);
	free(want);
	free(buf);
	return 0;
}
