// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * snapfile.c - a collector whose source is a file: reads a snapshot
 * document back into a report, with jansson. Everything is checked before
 * it reaches the model: member types, ranges (each struct field's), the
 * orders the lookups rely on (processes by pid, cgroups by id, users by
 * uid), unique socket cookies, holders that name listed processes, and the
 * text rules the renderers rely on (interface names print as they are).
 * Unknown members are ignored: a later sockmem/1.x may add some.
 */
#include "collect/snapfile.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define SCHEMA_PREFIX "sockmem/"
#define SCHEMA_MAJOR  1
#define IFNAME_CHARS  "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-@"

/* One read: the report being filled and where a refusal is written. */
struct rd {
	struct report *r;
	char *why;
	size_t whylen;
};

__attribute__((format(__printf__, 2, 3))) static int bad(struct rd *d, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(d->why, d->whylen, fmt, ap);
	va_end(ap);
	return -1;
}

/* ------------------------------------------------------------------ members */

/* Member key of obj (path names obj in messages); NULL and a refusal when
 * it is missing. JSON null is returned as it is. */
static json_t *need(struct rd *d, json_t *obj, const char *path, const char *key)
{
	json_t *v = json_object_get(obj, key);

	if (!v)
		bad(d, "%s%s%s: missing", path, *path && *key ? "." : "", key);
	return v;
}

static int wrong(struct rd *d, const char *path, const char *key, const char *what)
{
	return bad(d, "%s%s%s: %s", path, *path && *key ? "." : "", key, what);
}

/* An object or array member (type JSON_OBJECT/JSON_ARRAY); *out NULL for a
 * null when nullable. */
static int get_node(struct rd *d, json_t *obj, const char *path, const char *key, json_type t,
		    bool nullable, json_t **out)
{
	json_t *v = need(d, obj, path, key);

	if (!v)
		return -1;
	if (nullable && json_is_null(v)) {
		*out = NULL;
		return 0;
	}
	if (json_typeof(v) != t)
		return wrong(d, path, key,
			     t == JSON_OBJECT
				 ? (nullable ? "not an object or null" : "not an object")
				 : (nullable ? "not an array or null" : "not an array"));
	*out = v;
	return 0;
}

/* An integer in [lo, hi] (a JSON number without fraction or exponent). */
static int int_in(struct rd *d, json_t *v, const char *path, const char *key, int64_t lo,
		  int64_t hi, int64_t *out)
{
	if (!json_is_integer(v))
		return wrong(d, path, key, "not an integer");
	*out = (int64_t)json_integer_value(v);
	if (*out < lo || *out > hi)
		return wrong(d, path, key, "out of range");
	return 0;
}

static int get_int(struct rd *d, json_t *obj, const char *path, const char *key, int64_t lo,
		   int64_t hi, int64_t *out)
{
	json_t *v = need(d, obj, path, key);

	return v ? int_in(d, v, path, key, lo, hi, out) : -1;
}

static int get_u32(struct rd *d, json_t *obj, const char *path, const char *key, uint32_t *out)
{
	int64_t v;

	if (get_int(d, obj, path, key, 0, UINT32_MAX, &v))
		return -1;
	*out = (uint32_t)v;
	return 0;
}

static int get_u64(struct rd *d, json_t *obj, const char *path, const char *key, uint64_t *out)
{
	int64_t v;

	if (get_int(d, obj, path, key, 0, INT64_MAX, &v))
		return -1;
	*out = (uint64_t)v;
	return 0;
}

/* A count written as null when 0 (absent): null or [1, hi]. */
static int get_nz(struct rd *d, json_t *obj, const char *path, const char *key, int64_t hi,
		  int64_t *out)
{
	json_t *v = need(d, obj, path, key);

	if (!v)
		return -1;
	if (json_is_null(v)) {
		*out = 0;
		return 0;
	}
	return int_in(d, v, path, key, 1, hi, out);
}

/* A kernel value that may be absent: null, or what the /proc parsers give
 * ([-INT64_MAX, INT64_MAX]). */
static int maybe_in(struct rd *d, json_t *v, const char *path, const char *key, struct maybe *m)
{
	int64_t x;

	if (json_is_null(v)) {
		*m = maybe_none();
		return 0;
	}
	if (int_in(d, v, path, key, -INT64_MAX, INT64_MAX, &x))
		return -1;
	*m = maybe_of(x);
	return 0;
}

static int get_maybe(struct rd *d, json_t *obj, const char *path, const char *key, struct maybe *m)
{
	json_t *v = need(d, obj, path, key);

	return v ? maybe_in(d, v, path, key, m) : -1;
}

static int get_bool(struct rd *d, json_t *obj, const char *path, const char *key, bool *out)
{
	json_t *v = need(d, obj, path, key);

	if (!v)
		return -1;
	if (!json_is_boolean(v))
		return wrong(d, path, key, "not true or false");
	*out = json_is_true(v);
	return 0;
}

/* An unsigned 64-bit value written as a decimal string. */
static int u64_str_in(struct rd *d, json_t *v, const char *path, const char *key, uint64_t *out)
{
	const char *s = json_is_string(v) ? json_string_value(v) : NULL;
	uint64_t x = 0;

	if (!s || !*s || strlen(s) > 20 || (s[0] == '0' && s[1]))
		return wrong(d, path, key, "not a decimal string");
	for (; *s; s++) {
		unsigned dg = (unsigned)(*s - '0');

		if (*s < '0' || *s > '9' || x > (UINT64_MAX - dg) / 10)
			return wrong(d, path, key, "not a decimal string of 64 bits");
		x = x * 10 + dg;
	}
	*out = x;
	return 0;
}

/* The same, or (when nullable) null: *has false. */
static int get_u64_str(struct rd *d, json_t *obj, const char *path, const char *key, bool nullable,
		       bool *has, uint64_t *out)
{
	json_t *v = need(d, obj, path, key);

	*has = false;
	*out = 0;
	if (!v)
		return -1;
	if (json_is_null(v))
		return nullable ? 0 : wrong(d, path, key, "null, not a decimal string");
	*has = true;
	return u64_str_in(d, v, path, key, out);
}

static int hexval(char c)
{
	return c >= '0' && c <= '9'   ? c - '0'
	       : c >= 'a' && c <= 'f' ? c - 'a' + 10
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10
				      : -1;
}

/*
 * Text as the writer spells it: a JSON string, or {"hex": "..."} for bytes
 * that are not UTF-8. Null (when nullable) gives "". Returns the length and
 * a malloc'd NUL-terminated copy in *out, or -1 (refused: NUL byte, more than
 * max bytes, not text).
 */
static long text_in(struct rd *d, json_t *v, const char *path, const char *key, bool nullable,
		    size_t max, char **out)
{
	const char *s;
	size_t n;
	bool hex = false;

	*out = NULL;
	if (nullable && json_is_null(v)) {
		s = "";
	} else if (json_is_object(v) && json_object_size(v) == 1 &&
		   json_is_string(json_object_get(v, "hex"))) {
		s = json_string_value(json_object_get(v, "hex"));
		hex = true;
	} else if (json_is_string(v)) {
		s = json_string_value(v);
	} else {
		return wrong(d, path, key, nullable ? "not text or null" : "not text");
	}
	n = strlen(s);
	if (hex ? n % 2 || n / 2 > max : n > max)
		return wrong(d, path, key, "too long, or odd hex");
	if (!hex && n != json_string_length(v))
		return wrong(d, path, key, "holds a NUL byte");
	*out = malloc((hex ? n / 2 : n) + 1);
	if (!*out)
		return bad(d, "%s: out of memory", path);
	if (!hex) {
		memcpy(*out, s, n + 1);
		return (long)n;
	}
	for (size_t i = 0; i < n / 2; i++) {
		int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);

		if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
			free(*out);
			*out = NULL;
			return wrong(d, path, key, "hex that is not bytes of text");
		}
		(*out)[i] = (char)(hi << 4 | lo);
	}
	(*out)[n / 2] = '\0';
	return (long)(n / 2);
}

/* Text into a fixed buffer of cap bytes (NUL included). */
static int get_text_buf(struct rd *d, json_t *obj, const char *path, const char *key, bool nullable,
			char *buf, size_t cap)
{
	json_t *v = need(d, obj, path, key);
	char *s;
	long n;

	if (!v)
		return -1;
	n = text_in(d, v, path, key, nullable, cap - 1, &s);
	if (n < 0)
		return -1;
	memcpy(buf, s, (size_t)n + 1);
	free(s);
	return 0;
}

/* Elements of array member key of obj, each an object: calls fn(d, el,
 * path "key[i]", i, ctx). */
typedef int (*el_fn)(struct rd *d, json_t *el, const char *path, size_t i, void *ctx);

static int each(struct rd *d, json_t *arr, const char *key, el_fn fn, void *ctx)
{
	char path[64];

	for (size_t i = 0; i < json_array_size(arr); i++) {
		json_t *el = json_array_get(arr, i);

		snprintf(path, sizeof(path), "%s[%zu]", key, i);
		if (!json_is_object(el))
			return bad(d, "%s: not an object", path);
		if (fn(d, el, path, i, ctx))
			return -1;
	}
	return 0;
}

/* calloc of n elements (at least one, so that n = 0 is not NULL). */
static void *alloc_n(struct rd *d, size_t n, size_t size, const char *what)
{
	void *p = calloc(n ? n : 1, size);

	if (!p)
		bad(d, "%s: out of memory", what);
	return p;
}

/* -------------------------------------------------------------------- head */

/* Checks what the document is before anything else: a sockmem snapshot of
 * a major schema this reader knows. */
static int check_kind(struct rd *d, json_t *root)
{
	json_t *schema = json_object_get(root, "schema"), *cmd = json_object_get(root, "command");
	const char *s = json_is_string(schema) ? json_string_value(schema) : NULL;
	const char *p, *c;
	unsigned long major = 0;

	if (!s || strncmp(s, SCHEMA_PREFIX, strlen(SCHEMA_PREFIX)) != 0)
		return bad(d, "not a sockmem snapshot (no \"schema\": \"%s...\" member)",
			   SCHEMA_PREFIX);
	p = s + strlen(SCHEMA_PREFIX);
	if (*p < '0' || *p > '9')
		return bad(d, "not a sockmem snapshot (schema is no sockmem/NUMBER)");
	for (; *p >= '0' && *p <= '9' && major <= SCHEMA_MAJOR; p++)
		major = major * 10 + (unsigned long)(*p - '0');
	if (major > SCHEMA_MAJOR)
		return bad(d,
			   "written by a newer sockmem (schema major above %d; this one reads "
			   "sockmem/%d)",
			   SCHEMA_MAJOR, SCHEMA_MAJOR);
	if (major != SCHEMA_MAJOR || (*p && *p != '.'))
		return bad(d, "not a sockmem snapshot (unknown schema)");
	c = json_is_string(cmd) ? json_string_value(cmd) : NULL;
	if (!c || strcmp(c, "snapshot") != 0) {
		bool known =
		    c && strlen(c) < 16 && strspn(c, "abcdefghijklmnopqrstuvwxyz") == strlen(c);

		return bad(
		    d, "a sockmem %s%s%s document, not a snapshot (sockmem snapshot writes one)",
		    known ? "\"" : "", known ? c : "JSON", known ? "\"" : "");
	}
	return 0;
}

/* "YYYY-MM-DDTHH:MM:SSZ", as the writer prints r->when: exactly that form
 * (formatting the result again gives the same text). */
static int parse_time(const char *s, time_t *out)
{
	static const char form[] = "dddd-dd-ddTdd:dd:ddZ";
	char again[32];
	struct tm tm;
	time_t t;

	if (strlen(s) != sizeof(form) - 1)
		return -1;
	for (size_t i = 0; form[i]; i++)
		if (form[i] == 'd' ? s[i] < '0' || s[i] > '9' : s[i] != form[i])
			return -1;
	memset(&tm, 0, sizeof(tm));
	if (!strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm))
		return -1;
	t = timegm(&tm);
	if (!gmtime_r(&t, &tm) || !strftime(again, sizeof(again), "%Y-%m-%dT%H:%M:%SZ", &tm) ||
	    strcmp(again, s) != 0)
		return -1;
	*out = t;
	return 0;
}

static int read_host(struct rd *d, json_t *root)
{
	struct report *r = d->r;
	json_t *host, *t;
	int64_t v;

	if (get_node(d, root, "", "host", JSON_OBJECT, false, &host) ||
	    get_text_buf(d, host, "host", "hostname", true, r->sys.hostname,
			 sizeof(r->sys.hostname)) ||
	    get_text_buf(d, host, "host", "kernel", true, r->sys.release, sizeof(r->sys.release)))
		return -1;
	t = need(d, host, "host", "time");
	if (!t)
		return -1;
	if (!json_is_string(t) || parse_time(json_string_value(t), &r->when))
		return wrong(d, "host", "time", "not a time as YYYY-MM-DDTHH:MM:SSZ");
	if (get_int(d, host, "host", "page_size", 1, 1 << 30, &v))
		return -1;
	r->page_size = (uint64_t)v;
	if (get_int(d, host, "host", "ncpu", 0, UINT32_MAX, &v))
		return -1;
	r->ncpu = (uint64_t)v;
	if (get_nz(d, host, "host", "netns_ino", INT64_MAX, &v))
		return -1;
	r->netns_ino = (uint64_t)v;
	return get_text_buf(d, root, "", "boot_id", true, r->sys.boot_id, sizeof(r->sys.boot_id));
}

/* ---------------------------------------------------------------- coverage */

typedef int (*parse_fn)(struct filter *f, size_t i, const char *s);

static int parse_sport(struct filter *f, size_t i, const char *s)
{
	return filter_parse_ports(s, &f->sport[i]);
}

static int parse_dport(struct filter *f, size_t i, const char *s)
{
	return filter_parse_ports(s, &f->dport[i]);
}

static int parse_src(struct filter *f, size_t i, const char *s)
{
	return filter_parse_cidr(s, &f->src[i]);
}

static int parse_dst(struct filter *f, size_t i, const char *s)
{
	return filter_parse_cidr(s, &f->dst[i]);
}

/* One filter list of strings (at most FILTER_MAX_VALUES). */
static int read_conds(struct rd *d, json_t *cov, const char *key, parse_fn fn, size_t *n)
{
	json_t *arr;

	if (get_node(d, cov, "coverage", key, JSON_ARRAY, false, &arr))
		return -1;
	if (json_array_size(arr) > FILTER_MAX_VALUES)
		return wrong(d, "coverage", key, "too many values");
	for (size_t i = 0; i < json_array_size(arr); i++) {
		json_t *v = json_array_get(arr, i);

		if (!json_is_string(v) || fn(&d->r->cov.dump, i, json_string_value(v)) != 0)
			return wrong(d, "coverage", key, "a value that is no port range or prefix");
	}
	*n = json_array_size(arr);
	return 0;
}

static int read_coverage(struct rd *d, json_t *root)
{
	struct report *r = d->r;
	struct filter *f = &r->cov.dump;
	json_t *cov, *fam, *st;

	if (get_node(d, root, "", "coverage", JSON_OBJECT, false, &cov) ||
	    get_node(d, cov, "coverage", "families", JSON_ARRAY, false, &fam) ||
	    get_bool(d, cov, "coverage", "all_netns", &r->all_netns) ||
	    get_node(d, cov, "coverage", "states", JSON_ARRAY, false, &st))
		return -1;
	for (size_t i = 0; i < json_array_size(fam); i++) {
		const char *s = json_string_value(json_array_get(fam, i));
		bool *b = !s			    ? NULL
			  : strcmp(s, "inet") == 0  ? &r->cov.v4
			  : strcmp(s, "inet6") == 0 ? &r->cov.v6
						    : NULL;

		if (!b || *b)
			return wrong(d, "coverage", "families", "not a list of inet, inet6");
		*b = true;
	}
	if (!r->cov.v4 && !r->cov.v6)
		return wrong(d, "coverage", "families", "empty");
	for (size_t i = 0; i < json_array_size(st); i++) {
		int64_t v;

		if (int_in(d, json_array_get(st, i), "coverage", "states", 0, 31, &v))
			return -1;
		f->states |= 1u << v;
	}
	if (read_conds(d, cov, "sport", parse_sport, &f->nsport) ||
	    read_conds(d, cov, "dport", parse_dport, &f->ndport) ||
	    read_conds(d, cov, "src", parse_src, &f->nsrc) ||
	    read_conds(d, cov, "dst", parse_dst, &f->ndst))
		return -1;
	r->filtered = !r->cov.v4 || !r->cov.v6 || f->states || filter_has_kernel_part(f);
	return 0;
}

/* ----------------------------------------------------------------- sysinfo */

static int read_maybe_array(struct rd *d, json_t *obj, const char *path, const char *key,
			    struct maybe *m, size_t n)
{
	json_t *arr;

	if (get_node(d, obj, path, key, JSON_ARRAY, false, &arr))
		return -1;
	if (json_array_size(arr) != n)
		return wrong(d, path, key, "not an array of 3");
	for (size_t i = 0; i < n; i++)
		if (maybe_in(d, json_array_get(arr, i), path, key, &m[i]))
			return -1;
	return 0;
}

static int read_sysctls(struct rd *d, json_t *obj, const char *path, struct sysctls *sc)
{
	json_t *s;
	char p[64];

	snprintf(p, sizeof(p), "%s%ssysctl", path, *path ? "." : "");
	if (get_node(d, obj, path, "sysctl", JSON_OBJECT, false, &s))
		return -1;
	return read_maybe_array(d, s, p, "tcp_mem", sc->tcp_mem, 3) ||
		       read_maybe_array(d, s, p, "tcp_rmem", sc->tcp_rmem, 3) ||
		       read_maybe_array(d, s, p, "tcp_wmem", sc->tcp_wmem, 3) ||
		       get_maybe(d, s, p, "tcp_max_orphans", &sc->tcp_max_orphans) ||
		       get_maybe(d, s, p, "tcp_adv_win_scale", &sc->tcp_adv_win_scale) ||
		       get_maybe(d, s, p, "tcp_moderate_rcvbuf", &sc->tcp_moderate_rcvbuf) ||
		       get_maybe(d, s, p, "rmem_max", &sc->rmem_max) ||
		       get_maybe(d, s, p, "wmem_max", &sc->wmem_max) ||
		       get_maybe(d, s, p, "rmem_default", &sc->rmem_default) ||
		       get_maybe(d, s, p, "wmem_default", &sc->wmem_default) ||
		       get_maybe(d, s, p, "mem_pcpu_rsv", &sc->mem_pcpu_rsv)
		   ? -1
		   : 0;
}

static int read_sysinfo(struct rd *d, json_t *root)
{
	struct sysinfo *si = &d->r->sys;
	struct sockstat *ss = &si->sockstat;
	json_t *sys, *st, *pr, *tx, *press;

	if (get_node(d, root, "", "sysinfo", JSON_OBJECT, false, &sys) ||
	    get_node(d, sys, "sysinfo", "sockstat", JSON_OBJECT, false, &st) ||
	    get_node(d, sys, "sysinfo", "protocols", JSON_OBJECT, false, &pr) ||
	    get_node(d, sys, "sysinfo", "tcpext", JSON_OBJECT, false, &tx))
		return -1;
	if (get_maybe(d, st, "sysinfo.sockstat", "inuse", &ss->inuse) ||
	    get_maybe(d, st, "sysinfo.sockstat", "orphan", &ss->orphan) ||
	    get_maybe(d, st, "sysinfo.sockstat", "tw", &ss->tw) ||
	    get_maybe(d, st, "sysinfo.sockstat", "alloc", &ss->alloc) ||
	    get_maybe(d, st, "sysinfo.sockstat", "mem_pages", &ss->mem_pages) ||
	    get_maybe(d, st, "sysinfo.sockstat", "inuse6", &ss->inuse6) ||
	    get_maybe(d, st, "sysinfo.sockstat", "sockets_used", &ss->sockets_used) ||
	    get_maybe(d, pr, "sysinfo.protocols", "memory_pages", &si->proto.memory_pages))
		return -1;
	press = need(d, pr, "sysinfo.protocols", "pressure");
	if (!press)
		return -1;
	if (json_is_boolean(press))
		si->proto.pressure = maybe_of(json_is_true(press));
	else if (!json_is_null(press))
		return wrong(d, "sysinfo.protocols", "pressure", "not true, false or null");
	for (int i = 0; i < TX_N; i++)
		if (get_maybe(d, tx, "sysinfo.tcpext", procfs_tcpext_names[i], &si->tcpext[i]))
			return -1;
	return read_sysctls(d, sys, "sysinfo", &si->sysctl);
}

static int read_dump(struct rd *d, json_t *root)
{
	struct report *r = d->r;
	json_t *dump;

	return get_node(d, root, "", "dump", JSON_OBJECT, false, &dump) ||
		       get_u64(d, dump, "dump", "messages", &r->dstats.messages) ||
		       get_u64(d, dump, "dump", "recv_calls", &r->dstats.recv_calls) ||
		       get_u64(d, dump, "dump", "bytes", &r->dstats.bytes) ||
		       get_u64(d, dump, "dump", "malformed", &r->dstats.malformed) ||
		       get_u64(d, dump, "dump", "duplicates_dropped", &r->socks.dup_dropped)
		   ? -1
		   : 0;
}

/* ------------------------------------------------------- names, namespaces */

static int ifname_el(struct rd *d, json_t *el, const char *path, size_t i, void *ctx)
{
	struct ifname *e = &d->r->ifnames[i];

	(void)ctx;
	if (get_u32(d, el, path, "index", &e->index) ||
	    get_text_buf(d, el, path, "name", false, e->name, sizeof(e->name)))
		return -1;
	/* printed as they are: only the names the collector keeps */
	if (!e->name[0] || strspn(e->name, IFNAME_CHARS) != strlen(e->name))
		return wrong(d, path, "name", "not an interface name");
	d->r->nifnames = i + 1;
	return 0;
}

static int user_el(struct rd *d, json_t *el, const char *path, size_t i, void *ctx)
{
	struct user_ent *u = &d->r->users[i];

	(void)ctx;
	if (get_u32(d, el, path, "uid", &u->uid) ||
	    get_text_buf(d, el, path, "name", true, u->name, sizeof(u->name)))
		return -1;
	if (i && u->uid <= d->r->users[i - 1].uid)
		return wrong(d, path, "uid", "not in increasing order");
	d->r->nusers = i + 1;
	return 0;
}

static int read_names(struct rd *d, json_t *root)
{
	struct report *r = d->r;
	json_t *ifn, *users;

	if (get_node(d, root, "", "ifnames", JSON_ARRAY, false, &ifn) ||
	    get_node(d, root, "", "users", JSON_ARRAY, true, &users))
		return -1;
	r->ifnames = alloc_n(d, json_array_size(ifn), sizeof(*r->ifnames), "ifnames");
	if (!r->ifnames || each(d, ifn, "ifnames", ifname_el, NULL))
		return -1;
	if (!users)
		return 0;
	r->users = alloc_n(d, json_array_size(users), sizeof(*r->users), "users");
	return !r->users || each(d, users, "users", user_el, NULL) ? -1 : 0;
}

static int netns_el(struct rd *d, json_t *el, const char *path, size_t i, void *ctx)
{
	struct netns_ent *ns = &d->r->netns[i];
	int64_t v;

	(void)ctx;
	if (get_nz(d, el, path, "ino", INT64_MAX, &v))
		return -1;
	ns->ino = (uint64_t)v;
	if (get_text_buf(d, el, path, "name", true, ns->name, sizeof(ns->name)) ||
	    get_nz(d, el, path, "pid", INT32_MAX, &v))
		return -1;
	ns->pid = (int32_t)v;
	if (get_nz(d, el, path, "skipped", 4095, &v))
		return -1;
	ns->skipped = (int)v;
	if (get_maybe(d, el, path, "inuse", &ns->inuse) || get_maybe(d, el, path, "tw", &ns->tw) ||
	    read_sysctls(d, el, path, &ns->sysctl))
		return -1;
	d->r->nnetns = i + 1;
	return 0;
}

static int read_netns(struct rd *d, json_t *root)
{
	json_t *arr;

	if (get_node(d, root, "", "netns", JSON_ARRAY, false, &arr))
		return -1;
	d->r->netns = alloc_n(d, json_array_size(arr), sizeof(*d->r->netns), "netns");
	return !d->r->netns || each(d, arr, "netns", netns_el, NULL) ? -1 : 0;
}

/* ----------------------------------------------------------------- cgroups */

static int cg_entry_el(struct rd *d, json_t *el, const char *path, size_t i, void *ctx)
{
	struct cgroups *cg = &d->r->cg;
	struct cgroup_ent *e = &cg->v[i];
	json_t *p;
	bool has;
	long n;

	(void)ctx;
	if (get_u64_str(d, el, path, "id", false, &has, &e->id))
		return -1;
	if (i && e->id <= cg->v[i - 1].id)
		return wrong(d, path, "id", "not in increasing order");
	cg->n = i + 1;
	p = need(d, el, path, "path");
	if (!p)
		return -1;
	if (!json_is_null(p)) {
		n = text_in(d, p, path, "path", false, SIZE_MAX / 2, &e->path);
		if (n < 0)
			return -1;
	}
	return get_maybe(d, el, path, "memcg_sock_bytes", &e->memcg_sock_bytes) ||
		       get_maybe(d, el, path, "v1_tcp_bytes", &e->v1_tcp_bytes)
		   ? -1
		   : 0;
}

static int cg_node_el(struct rd *d, json_t *el, const char *path, size_t i, void *ctx)
{
	struct cgroups *cg = &d->r->cg;
	struct cgroup_node *nd = &cg->nodes[i];
	bool has;

	(void)ctx;
	if (get_u64_str(d, el, path, "id", false, &has, &nd->id))
		return -1;
	if (i && nd->id <= cg->nodes[i - 1].id)
		return wrong(d, path, "id", "not in increasing order");
	if (get_u64_str(d, el, path, "parent", false, &has, &nd->parent))
		return -1;
	cg->nnodes = i + 1;
	return 0;
}

static int read_cgroups(struct rd *d, json_t *root)
{
	struct cgroups *cg = &d->r->cg;
	json_t *c, *ent, *nodes, *blind;

	if (get_node(d, root, "", "cgroups", JSON_OBJECT, true, &c))
		return -1;
	if (!c)
		return 0;
	if (get_text_buf(d, c, "cgroups", "v2_mount", true, cg->v2_mount, sizeof(cg->v2_mount)) ||
	    get_text_buf(d, c, "cgroups", "v1_memory_mount", true, cg->v1_memory_mount,
			 sizeof(cg->v1_memory_mount)) ||
	    get_node(d, c, "cgroups", "entries", JSON_ARRAY, false, &ent) ||
	    get_node(d, c, "cgroups", "nodes", JSON_ARRAY, false, &nodes) ||
	    get_node(d, c, "cgroups", "blind", JSON_ARRAY, false, &blind))
		return -1;
	cg->v = alloc_n(d, json_array_size(ent), sizeof(*cg->v), "cgroups");
	cg->nodes = alloc_n(d, json_array_size(nodes), sizeof(*cg->nodes), "cgroups");
	cg->blind = alloc_n(d, json_array_size(blind), sizeof(*cg->blind), "cgroups");
	if (!cg->v || !cg->nodes || !cg->blind ||
	    each(d, ent, "cgroups.entries", cg_entry_el, NULL) ||
	    each(d, nodes, "cgroups.nodes", cg_node_el, NULL))
		return -1;
	for (size_t i = 0; i < json_array_size(blind); i++)
		if (u64_str_in(d, json_array_get(blind, i), "cgroups", "blind", &cg->blind[i]))
			return -1;
	cg->nblind = json_array_size(blind);
	d->r->cg_resolved = true;
	return 0;
}

/* ------------------------------------------------------------------ owners */

static int proc_el(struct rd *d, json_t *el, const char *path, size_t i, void *ctx)
{
	struct owners *o = &d->r->owners;
	struct proc_ent *p = &o->procs[i];
	int64_t v;

	(void)ctx;
	if (get_int(d, el, path, "pid", 1, INT32_MAX, &v))
		return -1;
	p->pid = (int32_t)v;
	if (i && p->pid <= o->procs[i - 1].pid)
		return wrong(d, path, "pid", "not in increasing order");
	if (get_u32(d, el, path, "uid", &p->uid) ||
	    get_text_buf(d, el, path, "comm", false, p->comm, sizeof(p->comm)) ||
	    get_maybe(d, el, path, "start_time", &p->start_time))
		return -1;
	o->nprocs = i + 1;
	return 0;
}

static int read_owners(struct rd *d, json_t *root)
{
	struct owners *o = &d->r->owners;
	json_t *ow, *procs;

	if (get_node(d, root, "", "owners", JSON_OBJECT, true, &ow))
		return -1;
	if (!ow)
		return 0;
	if (get_u64(d, ow, "owners", "procs_scanned", &o->procs_scanned) ||
	    get_u64(d, ow, "owners", "procs_denied", &o->procs_denied) ||
	    get_u64(d, ow, "owners", "fds_denied", &o->fds_denied) ||
	    get_u64(d, ow, "owners", "procs_gone", &o->procs_gone) ||
	    get_u64(d, ow, "owners", "procs_incomplete", &o->procs_incomplete) ||
	    get_u64(d, ow, "owners", "task_tables", &o->task_tables) ||
	    get_node(d, ow, "owners", "procs", JSON_ARRAY, false, &procs))
		return -1;
	if (json_array_size(procs) >= UINT32_MAX - 2)
		return wrong(d, "owners", "procs", "too many");
	o->procs = alloc_n(d, json_array_size(procs), sizeof(*o->procs), "owners");
	o->procs_cap = json_array_size(procs);
	if (!o->procs || each(d, procs, "owners.procs", proc_el, NULL))
		return -1;
	/* a socket with an inode and no holder is one no descriptor held */
	o->walked = true;
	d->r->owners_scanned = true;
	return 0;
}

/* ----------------------------------------------------------------- sockets */

static int read_addr(struct rd *d, json_t *el, const char *path, const char *key, int family,
		     uint8_t *addr)
{
	json_t *v = need(d, el, path, key);

	if (!v)
		return -1;
	if (!json_is_string(v) || inet_pton(family, json_string_value(v), addr) != 1)
		return wrong(d, path, key,
			     family == AF_INET ? "not an IPv4 address" : "not an IPv6 address");
	return 0;
}

static int read_tcp_info(struct rd *d, json_t *el, const char *path, struct sock_rec *s)
{
	json_t *ti;
	char p[80];

	if (get_node(d, el, path, "tcp_info", JSON_OBJECT, true, &ti))
		return -1;
	if (!ti)
		return 0;
	snprintf(p, sizeof(p), "%s.tcp_info", path);
	for (int i = 0; i < TI_N; i++) {
		const char *k = diag_ti_fields[i].name;
		json_t *v = need(d, ti, p, k);
		int64_t x;

		if (!v)
			return -1;
		if (json_is_null(v))
			continue;
		if (diag_ti_fields[i].size == 8) {
			if (u64_str_in(d, v, p, k, &s->ti[i]))
				return -1;
		} else {
			if (int_in(d, v, p, k, 0, UINT32_MAX, &x))
				return -1;
			s->ti[i] = (uint64_t)x;
		}
		s->ti_mask |= (uint16_t)(1u << i);
	}
	return 0;
}

static int read_skmem(struct rd *d, json_t *el, const char *path, struct sock_rec *s)
{
	json_t *sk;

	if (get_node(d, el, path, "skmem", JSON_ARRAY, false, &sk))
		return -1;
	if (json_array_size(sk) > SKM_N)
		return wrong(d, path, "skmem", "more values than SK_MEMINFO has");
	for (size_t i = 0; i < json_array_size(sk); i++) {
		int64_t v;

		if (int_in(d, json_array_get(sk, i), path, "skmem", 0, UINT32_MAX, &v))
			return -1;
		s->skmem[i] = (uint32_t)v;
	}
	s->skmem_n = (uint8_t)json_array_size(sk);
	return 0;
}

static int pid_cmp(const void *a, const void *b)
{
	const struct proc_ent *x = a, *y = b;

	return (x->pid > y->pid) - (x->pid < y->pid);
}

static int add_link(struct rd *d, const char *path, uint32_t sock, uint32_t proc, int32_t fd)
{
	struct owners *o = &d->r->owners;

	if (o->nlinks == o->links_cap) {
		size_t cap = o->links_cap ? o->links_cap * 2 : 256;
		struct owner_link *v =
		    cap < UINT32_MAX ? realloc(o->links, cap * sizeof(*v)) : NULL;

		if (!v)
			return bad(d, "%s: out of memory", path);
		o->links = v;
		o->links_cap = cap;
	}
	o->links[o->nlinks++] = (struct owner_link){ sock, proc, fd };
	return 0;
}

/* The socket's holders as owner links: every pid a listed process, in
 * (pid, fd) order, each pair once (the order owners_join leaves). */
static int read_holders(struct rd *d, json_t *el, const char *path, uint32_t idx,
			struct sock_rec *s)
{
	struct owners *o = &d->r->owners;
	json_t *hs;
	char p[80];

	if (get_node(d, el, path, "holders", JSON_ARRAY, true, &hs))
		return -1;
	if (!hs != !d->r->owners_scanned)
		return wrong(d, path, "holders",
			     hs ? "a list, but the snapshot has no owners"
				: "null, but owners were read");
	if (!hs)
		return 0;
	snprintf(p, sizeof(p), "%s.holders", path);
	s->own_first = json_array_size(hs) ? (uint32_t)o->nlinks : 0;
	for (size_t i = 0; i < json_array_size(hs); i++) {
		json_t *h = json_array_get(hs, i);
		struct proc_ent key, *pe;
		int64_t pid, fd;

		if (!json_is_object(h))
			return wrong(d, p, "", "not an object");
		if (get_int(d, h, p, "pid", 1, INT32_MAX, &pid) ||
		    get_int(d, h, p, "fd", 0, INT32_MAX, &fd))
			return -1;
		key.pid = (int32_t)pid;
		pe = o->nprocs ? bsearch(&key, o->procs, o->nprocs, sizeof(*o->procs), pid_cmp)
			       : NULL;
		if (!pe)
			return wrong(d, p, "pid", "not among owners.procs");
		if (i) {
			const struct owner_link *prev = &o->links[o->nlinks - 1];
			int32_t ppid = o->procs[prev->proc].pid;

			if (ppid > pid || (ppid == pid && prev->fd >= fd))
				return wrong(d, p, "", "not in (pid, fd) order, or repeated");
		}
		if (add_link(d, p, idx, (uint32_t)(pe - o->procs), (int32_t)fd))
			return -1;
	}
	s->own_n = (uint32_t)json_array_size(hs);
	return 0;
}

static int sock_el(struct rd *d, json_t *el, const char *path, size_t i, void *ctx)
{
	struct sock_rec s;
	json_t *fam;
	const char *f;
	bool has;
	int64_t v;
	int rc;

	(void)ctx;
	memset(&s, 0, sizeof(s));
	if (get_u64_str(d, el, path, "cookie", false, &has, &s.cookie))
		return -1;
	fam = need(d, el, path, "family");
	if (!fam)
		return -1;
	f = json_is_string(fam) ? json_string_value(fam) : "";
	s.family = strcmp(f, "inet") == 0 ? AF_INET : strcmp(f, "inet6") == 0 ? AF_INET6 : 0;
	if (!s.family)
		return wrong(d, path, "family", "not inet or inet6");
	if (get_int(d, el, path, "state", 0, 255, &v))
		return -1;
	s.state = (uint8_t)v;
	if (read_addr(d, el, path, "src", s.family, s.saddr) ||
	    get_int(d, el, path, "sport", 0, 65535, &v))
		return -1;
	s.sport = (uint16_t)v;
	if (read_addr(d, el, path, "dst", s.family, s.daddr) ||
	    get_int(d, el, path, "dport", 0, 65535, &v))
		return -1;
	s.dport = (uint16_t)v;
	if (get_u32(d, el, path, "ifindex", &s.ifindex) ||
	    get_u32(d, el, path, "inode", &s.inode) || get_u32(d, el, path, "uid", &s.uid) ||
	    get_u32(d, el, path, "rqueue", &s.rqueue) ||
	    get_u32(d, el, path, "wqueue", &s.wqueue) ||
	    get_nz(d, el, path, "netns_ino", INT64_MAX, &v))
		return -1;
	s.netns_ino = (uint64_t)v;
	if (get_u64_str(d, el, path, "cgroup_id", true, &has, &s.cgroup_id))
		return -1;
	if (has)
		s.flags |= SOCK_HAS_CGROUP;
	if (read_skmem(d, el, path, &s) || read_tcp_info(d, el, path, &s) ||
	    read_holders(d, el, path, (uint32_t)i, &s))
		return -1;
	rc = sock_table_add(&d->r->socks, &s);
	if (rc < 0)
		return bad(d, "%s: out of memory", path);
	if (rc == 0)
		return wrong(d, path, "cookie", "repeats an earlier socket's");
	return 0;
}

static int read_sockets(struct rd *d, json_t *root)
{
	json_t *arr;

	if (get_node(d, root, "", "sockets", JSON_ARRAY, false, &arr))
		return -1;
	if (json_array_size(arr) >= UINT32_MAX - 1)
		return wrong(d, "", "sockets", "too many");
	return each(d, arr, "sockets", sock_el, NULL);
}

/* ------------------------------------------------------------------ entry */

/* Whether text[pos, len) is the start of a UTF-8 sequence cut short. */
static bool cut_utf8(const char *text, size_t pos, size_t len)
{
	unsigned char lead = (unsigned char)text[pos];
	size_t need = (lead & 0xe0) == 0xc0   ? 2
		      : (lead & 0xf0) == 0xe0 ? 3
		      : (lead & 0xf8) == 0xf0 ? 4
					      : 0;

	if (!need || len - pos >= need)
		return false;
	for (size_t i = pos + 1; i < len; i++)
		if (((unsigned char)text[i] & 0xc0) != 0x80)
			return false;
	return true;
}

/* Why jansson refused text: nothing there, a document that stops before
 * its end (an object begun, the error at the last byte or in a character
 * cut short), or not JSON. */
static void parse_error(struct rd *d, const json_error_t *je, const char *text, size_t len)
{
	size_t lead = 0;
	enum json_error_code code = json_error_code(je);

	while (lead < len && (text[lead] == ' ' || text[lead] == '\n' || text[lead] == '\t' ||
			      text[lead] == '\r'))
		lead++;
	if (lead == len)
		bad(d, "empty, not a snapshot");
	else if (code == json_error_premature_end_of_input ||
		 (text[lead] == '{' && je->position >= 0 &&
		  ((size_t)je->position >= len ? code != json_error_end_of_input_expected
					       : code == json_error_invalid_utf8 &&
						     cut_utf8(text, (size_t)je->position, len))))
		bad(d, "truncated: the JSON document ends early (after %zu bytes)", len);
	else
		bad(d, "not JSON: %s (line %d, column %d)", je->text, je->line, je->column);
	/* jansson quotes the input near the error: keep the line one line of
	 * printable text */
	for (char *p = d->why; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e)
			*p = '?';
}

int snapfile_parse(const char *text, size_t len, struct report *r, char *why, size_t whylen)
{
	struct rd d = { r, why, whylen };
	json_error_t je;
	json_t *root;
	int rc;

	memset(r, 0, sizeof(*r));
	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	if (!root) {
		parse_error(&d, &je, text, len);
		return -1;
	}
	rc = !json_is_object(root) ? bad(&d, "not a sockmem snapshot (not a JSON object)")
	     : check_kind(&d, root) || read_host(&d, root) || read_coverage(&d, root) ||
		     read_sysinfo(&d, root) || read_dump(&d, root) || read_names(&d, root) ||
		     read_netns(&d, root) || read_cgroups(&d, root) || read_owners(&d, root) ||
		     read_sockets(&d, root)
		 ? -1
		 : 0;
	json_decref(root);
	if (rc)
		report_free(r);
	return rc;
}

/* Reads all of fd into a malloc'd buffer. Returns 0 or -errno. */
static int slurp(int fd, char **out, size_t *len)
{
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap);

	if (!buf)
		return -ENOMEM;
	for (;;) {
		ssize_t k;

		if (n == cap) {
			char *nb = cap < SIZE_MAX / 2 ? realloc(buf, cap * 2) : NULL;

			if (!nb) {
				free(buf);
				return -ENOMEM;
			}
			buf = nb;
			cap *= 2;
		}
		k = read(fd, buf + n, cap - n);
		if (k < 0) {
			int err = errno;

			free(buf);
			return -err;
		}
		if (k == 0)
			break;
		n += (size_t)k;
	}
	*out = buf;
	*len = n;
	return 0;
}

int snapfile_load(const char *path, struct report *r, char *why, size_t whylen)
{
	bool in = strcmp(path, "-") == 0;
	int fd = in ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	char *text = NULL;
	size_t len = 0;
	int err, rc;

	memset(r, 0, sizeof(*r));
	if (fd < 0) {
		snprintf(why, whylen, "%s", strerror(errno));
		return -1;
	}
	err = slurp(fd, &text, &len);
	if (!in)
		close(fd);
	if (err) {
		snprintf(why, whylen, "%s", strerror(-err));
		return -1;
	}
	rc = snapfile_parse(text, len, r, why, whylen);
	free(text);
	return rc;
}
