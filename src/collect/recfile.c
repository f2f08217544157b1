// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * recfile.c - reads a watch recording (JSON Lines) for plot: each line one
 * sockmem/1 document with "command": "watch", "sample" and "elapsed_s".
 * Keeps numbers and names only; a line's document is freed before the next
 * is read. Checked access to values through snapread.h's helpers.
 */
#include "collect/recfile.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "collect/snapread.h"

#define SCHEMA_PREFIX "sockmem/"
#define SCHEMA_MAJOR  1
/* Rates and elapsed seconds above this are refused (no counter gets near). */
#define REC_MAX_REAL 1e15

/* One read: the document checks (struct rd carries the reason) and what
 * consecutive lines must agree on. */
struct rr {
	struct rd d;
	struct recording *rec;
	int64_t last_sample; /* 0 before the first */
	double last_elapsed;
};

/* "schema": "sockmem/1...", "command": "watch", or a reason. */
static int check_kind(struct rd *d, json_t *root)
{
	json_t *schema = json_object_get(root, "schema"), *cmd = json_object_get(root, "command");
	const char *s = json_is_string(schema) ? json_string_value(schema) : NULL;
	const char *c = json_is_string(cmd) ? json_string_value(cmd) : NULL;
	const char *p;
	unsigned long major = 0;

	if (!s || strncmp(s, SCHEMA_PREFIX, strlen(SCHEMA_PREFIX)) != 0)
		return sr_bad(d, "not a sockmem watch recording (no \"schema\": \"%s...\" member)",
			      SCHEMA_PREFIX);
	p = s + strlen(SCHEMA_PREFIX);
	for (; *p >= '0' && *p <= '9' && major <= SCHEMA_MAJOR; p++)
		major = major * 10 + (unsigned long)(*p - '0');
	if (major > SCHEMA_MAJOR)
		return sr_bad(d, "written by a newer sockmem (schema major above %d)",
			      SCHEMA_MAJOR);
	if (major != SCHEMA_MAJOR || (*p && *p != '.'))
		return sr_bad(d, "not a sockmem watch recording (unknown schema)");
	if (!c || strcmp(c, "watch") != 0) {
		bool known =
		    c && strlen(c) < 16 && strspn(c, "abcdefghijklmnopqrstuvwxyz") == strlen(c);

		return sr_bad(d,
			      "a sockmem %s%s%s document, not a watch recording (sockmem watch -o "
			      "json writes one)",
			      known ? "\"" : "", known ? c : "JSON", known ? "\"" : "");
	}
	return 0;
}

/* A finite real in [0, REC_MAX_REAL] (an integer is a real too). */
static int real_in(struct rd *d, json_t *v, const char *path, const char *key, double *out)
{
	if (!json_is_number(v))
		return sr_wrong(d, path, key, "not a number");
	*out = json_number_value(v);
	if (!isfinite(*out) || *out < 0 || *out > REC_MAX_REAL)
		return sr_wrong(d, path, key, "out of range");
	return 0;
}

/* An optional count member: absent when missing or null, else [0, INT64_MAX]. */
static int opt_count(struct rd *d, json_t *obj, const char *path, const char *key, struct maybe *m)
{
	json_t *v = obj ? json_object_get(obj, key) : NULL;
	int64_t x;

	*m = maybe_none();
	if (!v || json_is_null(v))
		return 0;
	if (sr_int_in(d, v, path, key, 0, INT64_MAX, &x))
		return -1;
	*m = maybe_of(x);
	return 0;
}

/* An optional object member: NULL when missing or null. */
static int opt_obj(struct rd *d, json_t *obj, const char *path, const char *key, json_t **out)
{
	json_t *v = obj ? json_object_get(obj, key) : NULL;

	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_object(v))
		return sr_wrong(d, path, key, "not an object or null");
	*out = v;
	return 0;
}

/* Copies text member key of obj into buf (cap bytes), or refuses. */
static int text_member(struct rd *d, json_t *obj, const char *path, const char *key, char *buf,
		       size_t cap)
{
	return sr_get_text_buf(d, obj, path, key, false, buf, cap);
}

/* host: name and kernel (the same on every line), page size, time. */
static int read_host(struct rr *rr, json_t *root)
{
	struct rd *d = &rr->d;
	struct recording *rec = rr->rec;
	char name[REC_TEXT], kernel[REC_TEXT], when[REC_TIME];
	json_t *host;
	struct maybe ps;

	if (sr_get_node(d, root, "", "host", JSON_OBJECT, false, &host) ||
	    text_member(d, host, "host", "hostname", name, sizeof(name)) ||
	    text_member(d, host, "host", "kernel", kernel, sizeof(kernel)) ||
	    text_member(d, host, "host", "time", when, sizeof(when)) ||
	    opt_count(d, host, "host", "page_size", &ps))
		return -1;
	if (rec->n == 0) {
		memcpy(rec->hostname, name, sizeof(name));
		memcpy(rec->kernel, kernel, sizeof(kernel));
		memcpy(rec->time_first, when, sizeof(when));
		rec->page_size = ps.has && ps.v > 0 && ps.v <= (1 << 30) ? (uint64_t)ps.v : 0;
	} else if (strcmp(name, rec->hostname) != 0 || strcmp(kernel, rec->kernel) != 0) {
		return sr_bad(d, "host.hostname or host.kernel differs from the first sample's "
				 "(two recordings in one file?)");
	}
	memcpy(rec->time_last, when, sizeof(when));
	return 0;
}

/* sample and elapsed_s: the sample numbers increase, the time does not go back. */
static int read_position(struct rr *rr, json_t *root, double *elapsed)
{
	struct rd *d = &rr->d;
	int64_t sample;
	json_t *v;

	if (sr_get_int(d, root, "", "sample", 1, INT64_MAX, &sample))
		return -1;
	v = sr_need(d, root, "", "elapsed_s");
	if (!v || real_in(d, v, "", "elapsed_s", elapsed))
		return -1;
	if (rr->last_sample && sample <= rr->last_sample)
		return sr_bad(d, "sample %lld after sample %lld (two recordings in one file?)",
			      (long long)sample, (long long)rr->last_sample);
	if (rr->last_sample && *elapsed < rr->last_elapsed)
		return sr_bad(d, "elapsed_s goes back in time");
	rr->last_sample = sample;
	rr->last_elapsed = *elapsed;
	return 0;
}

/* system: sockstat.mem_pages, tcp_mem thresholds, pressure; all optional. */
static int read_system(struct rd *d, json_t *root, struct rec_sample *s)
{
	json_t *sys, *sockstat = NULL, *tcp_mem = NULL, *pr;

	s->pressure = -1;
	if (opt_obj(d, root, "", "system", &sys))
		return -1;
	if (!sys)
		return 0;
	if (opt_obj(d, sys, "system", "sockstat", &sockstat) ||
	    opt_obj(d, sys, "system", "tcp_mem", &tcp_mem) ||
	    opt_count(d, sockstat, "system.sockstat", "mem_pages", &s->mem_pages) ||
	    opt_count(d, tcp_mem, "system.tcp_mem", "low_pages", &s->low_pages) ||
	    opt_count(d, tcp_mem, "system.tcp_mem", "pressure_pages", &s->pressure_pages) ||
	    opt_count(d, tcp_mem, "system.tcp_mem", "high_pages", &s->high_pages))
		return -1;
	pr = json_object_get(sys, "pressure");
	if (pr && !json_is_null(pr)) {
		if (!json_is_boolean(pr))
			return sr_wrong(d, "system", "pressure", "not true, false or null");
		s->pressure = json_is_true(pr) ? 1 : 0;
	}
	return 0;
}

/* The members that say which group an element of "groups" is, whatever
 * --by made them; the identity is their JSON text. */
static const char *const id_members[] = { "pid",  "start_time", "category", "cgroup", "uid",
					  "port", "state",	"netns",    "key" };

/* Identity key of group g: "name=json;..." of the identity members present. */
static int group_key(struct rd *d, json_t *g, const char *path, char *buf, size_t cap)
{
	size_t at = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(id_members) / sizeof(id_members[0]); i++) {
		json_t *v = json_object_get(g, id_members[i]);
		char *t;
		int n;

		if (!v)
			continue;
		t = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
		if (!t)
			return sr_bad(d, "%s: out of memory", path);
		n = snprintf(buf + at, cap - at, "%s=%s;", id_members[i], t);
		free(t);
		if (n < 0 || (size_t)n >= cap - at)
			return sr_bad(d, "%s: identity too long", path);
		at += (size_t)n;
	}
	if (!at)
		return sr_bad(d,
			      "%s: no member says which group it is (pid, category, cgroup, "
			      "uid, port, state, netns)",
			      path);
	return 0;
}

/* Text of member key of g when it is text (else ""), at most cap - 1 bytes. */
static void group_text(json_t *g, const char *key, char *buf, size_t cap)
{
	json_t *v = json_object_get(g, key);
	const char *s = json_is_string(v) ? json_string_value(v) : "";

	snprintf(buf, cap, "%s", s);
}

/* What the plot calls group g: "comm [pid]", the category, or the --by key. */
static void group_label(json_t *g, char *buf, size_t cap)
{
	json_t *pid = json_object_get(g, "pid");
	char text[200];
	static const char *const keys[] = { "category", "cgroup", "user", "state", "netns_name" };

	if (json_is_integer(pid)) {
		group_text(g, "comm", text, sizeof(text));
		snprintf(buf, cap, "%s [%lld]", text, (long long)json_integer_value(pid));
		return;
	}
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		group_text(g, keys[i], text, sizeof(text));
		if (text[0]) {
			snprintf(buf, cap, "%s", text);
			return;
		}
	}
	if (json_is_integer(json_object_get(g, "uid")))
		snprintf(buf, cap, "uid %lld",
			 (long long)json_integer_value(json_object_get(g, "uid")));
	else if (json_is_integer(json_object_get(g, "port")))
		snprintf(buf, cap, "port %lld",
			 (long long)json_integer_value(json_object_get(g, "port")));
	else if (json_is_integer(json_object_get(g, "netns")))
		snprintf(buf, cap, "netns %lld",
			 (long long)json_integer_value(json_object_get(g, "netns")));
	else
		snprintf(buf, cap, "%s", "?");
}

struct group_ctx {
	struct rr *rr;
	uint32_t sample;
};

static int read_group(struct rd *d, json_t *g, const char *path, size_t i, void *ctx)
{
	struct group_ctx *c = ctx;
	char key[1024], label[256];
	struct maybe charged;
	struct rec_series *s;

	(void)i;
	if (opt_count(d, g, path, "charged_bytes", &charged) ||
	    group_key(d, g, path, key, sizeof(key)))
		return -1;
	if (!charged.has)
		return 0;
	group_label(g, label, sizeof(label));
	s = rec_series_get(&c->rr->rec->groups, key, label);
	if (s && s->n && s->pts[s->n - 1].sample == c->sample)
		return sr_bad(d, "%s: the same group twice in one sample", path);
	if (!s || rec_series_add(
		      s, (struct rec_pt){ c->sample, true, charged.v, (double)charged.v }) != 0)
		return sr_bad(d, "%s: out of memory", path);
	return 0;
}

/* delta.tcpext_per_s: one rate per counter; null is no point. */
static int read_rates(struct rr *rr, json_t *root, uint32_t sample)
{
	struct rd *d = &rr->d;
	json_t *delta, *per_s, *v;
	const char *name;

	if (opt_obj(d, root, "", "delta", &delta) ||
	    opt_obj(d, delta, "delta", "tcpext_per_s", &per_s))
		return -1;
	if (!per_s)
		return 0;
	json_object_foreach(per_s, name, v)
	{
		struct rec_series *s;
		double x;

		if (json_is_null(v))
			continue;
		if (!*name || strlen(name) > 64 ||
		    strspn(name,
			   "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_") !=
			strlen(name))
			return sr_bad(d, "delta.tcpext_per_s: a member name that is not a counter "
					 "name");
		if (real_in(d, v, "delta.tcpext_per_s", name, &x))
			return -1;
		s = rec_series_get(&rr->rec->rates, name, name);
		if (!s || rec_series_add(s, (struct rec_pt){ sample, false, 0, x }) != 0)
			return sr_bad(d, "delta.tcpext_per_s: out of memory");
	}
	return 0;
}

/* One document (the text of one line). */
static int read_doc(struct rr *rr, json_t *root)
{
	struct rd *d = &rr->d;
	struct rec_sample s;
	json_t *groups;
	long idx;

	memset(&s, 0, sizeof(s));
	if (!json_is_object(root))
		return sr_bad(d, "not a JSON object");
	if (check_kind(d, root) || read_position(rr, root, &s.elapsed_s) || read_host(rr, root) ||
	    read_system(d, root, &s))
		return -1;
	groups = json_object_get(root, "groups");
	if (groups && !json_is_null(groups) && !json_is_array(groups))
		return sr_wrong(d, "", "groups", "not an array or null");
	if (rr->rec->n == 0 && json_is_string(json_object_get(root, "by")))
		snprintf(rr->rec->by, sizeof(rr->rec->by), "%s",
			 json_string_value(json_object_get(root, "by")));
	idx = rec_add_sample(rr->rec, &s);
	if (idx < 0)
		return sr_bad(d, "out of memory");
	if (json_is_array(groups)) {
		struct group_ctx gc = { rr, (uint32_t)idx };

		if (sr_each(d, groups, "groups", read_group, &gc))
			return -1;
	}
	return read_rates(rr, root, (uint32_t)idx);
}

/* Whether text[0..len) is only blanks. */
static bool blank(const char *text, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!strchr(" \t\r\n", text[i]))
			return false;
	return true;
}

/* Whether the first line that is no JSON document starts another sockmem
 * document printed over several lines (sockmem report -j): then says so. */
static bool other_document(struct rd *d, const char *text, size_t len)
{
	static const char head[] = "{\"schema\":\"sockmem/", cmd[] = "\"command\":\"";
	const char *c;
	size_t n;

	if (len < sizeof(head) - 1 || memcmp(text, head, sizeof(head) - 1) != 0)
		return false;
	c = memmem(text, len, cmd, sizeof(cmd) - 1);
	if (!c)
		return false;
	c += sizeof(cmd) - 1;
	for (n = 0; c + n < text + len && c[n] >= 'a' && c[n] <= 'z' && n <= 15; n++)
		;
	if (n == 0 || n > 15 || c + n >= text + len || c[n] != '"' ||
	    (n == 5 && memcmp(c, "watch", 5) == 0))
		return false;
	sr_bad(d,
	       "a sockmem \"%.*s\" document, not a watch recording (sockmem watch -o json "
	       "writes one)",
	       (int)n, c);
	return true;
}

/* One line, without its newline (cut: the input ended without one). 0, or
 * -1 with the reason in rr->d. */
static int read_line(struct rr *rr, const char *text, size_t len, bool cut)
{
	struct rd *d = &rr->d;
	json_error_t je;
	json_t *root;
	int rc;

	if (blank(text, len))
		return 0;
	if (memchr(text, '\0', len))
		return sr_bad(d, "a NUL byte: not JSON text");
	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	if (!root && rr->rec->n == 0 && other_document(d, text, len))
		return -1;
	if (!root) {
		if (json_error_code(&je) == json_error_premature_end_of_input)
			return sr_bad(d, "truncated: the JSON document ends early");
		if (cut)
			return sr_bad(d,
				      "truncated: the last line is no JSON document and has no "
				      "newline (%s)",
				      je.text);
		sr_bad(d, "not JSON: %s (column %d)", je.text, je.column);
		for (char *p = d->why; *p; p++)
			if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e)
				*p = '?';
		return -1;
	}
	rc = read_doc(rr, root);
	json_decref(root);
	return rc;
}

static void rr_init(struct rr *rr, struct recording *rec, char *why, size_t whylen)
{
	memset(rr, 0, sizeof(*rr));
	rr->d.why = why;
	rr->d.whylen = whylen;
	rr->rec = rec;
	why[0] = '\0';
}

/* The end: a recording needs one sample at least. */
static int finish(struct rr *rr, size_t lines, size_t *line)
{
	if (rr->rec->n == 0) {
		*line = lines + 1;
		sr_bad(&rr->d, "empty: no watch samples");
		return -EINVAL;
	}
	return 0;
}

int recfile_parse(const char *text, size_t len, struct recording *rec, size_t *line, char *why,
		  size_t whylen)
{
	struct rr rr;
	size_t at = 0, no = 0;

	rr_init(&rr, rec, why, whylen);
	*line = 0;
	while (at < len) {
		const char *nl = memchr(text + at, '\n', len - at);
		size_t n = nl ? (size_t)(nl - (text + at)) : len - at;

		no++;
		if (n > RECFILE_MAX_LINE) {
			*line = no;
			sr_bad(&rr.d, "a line longer than %u bytes", RECFILE_MAX_LINE);
			return -EINVAL;
		}
		if (read_line(&rr, text + at, n, !nl)) {
			*line = no;
			return -EINVAL;
		}
		at += n + (nl ? 1 : 0);
	}
	return finish(&rr, no, line);
}

/* Reads one line of f into *buf (without its newline, NUL-terminated) in
 * length *len. Returns 1; 2 for a last line without a newline; 0 at the
 * end of f; -E2BIG when the line is longer than RECFILE_MAX_LINE (read no
 * further); or -errno. */
static int next_line(FILE *f, char **buf, size_t *cap, size_t *len)
{
	int c;

	*len = 0;
	while ((c = getc_unlocked(f)) != EOF && c != '\n') {
		if (*len + 1 >= *cap) {
			size_t n = *cap ? *cap * 2 : 65536;
			char *p;

			if (*len >= RECFILE_MAX_LINE)
				return -E2BIG;
			p = realloc(*buf, n);
			if (!p)
				return -ENOMEM;
			*buf = p;
			*cap = n;
		}
		(*buf)[(*len)++] = (char)c;
	}
	if (c == EOF && ferror(f))
		return errno ? -errno : -EIO;
	if (c == EOF && *len == 0)
		return 0;
	return c == EOF ? 2 : 1;
}

int recfile_read(FILE *f, struct recording *rec, size_t *line, char *why, size_t whylen)
{
	struct rr rr;
	char *buf = NULL;
	size_t cap = 0, no = 0, len;
	int rc;

	rr_init(&rr, rec, why, whylen);
	*line = 0;
	errno = 0;
	while ((rc = next_line(f, &buf, &cap, &len)) > 0) {
		no++;
		if (read_line(&rr, buf, len, rc == 2)) {
			rc = -EINVAL;
			break;
		}
		/* a long line's buffer is not kept for the rest of the file */
		if (cap > (1u << 20)) {
			free(buf);
			buf = NULL;
			cap = 0;
		}
	}
	free(buf);
	if (rc == -E2BIG) {
		no++;
		sr_bad(&rr.d, "a line longer than %u bytes", RECFILE_MAX_LINE);
		rc = -EINVAL;
	}
	if (rc == -EINVAL)
		*line = no;
	if (rc)
		return rc;
	return finish(&rr, no, line);
}
