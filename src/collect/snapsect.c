// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * snapsect.c - the members of a snapshot document besides the sockets:
 * what kind of document it is (schema, command), host, coverage, sysinfo,
 * dump statistics, names, namespaces, cgroups, owners. Each is checked
 * (types, ranges, the orders lookups rely on: processes by pid, cgroups by
 * id, users by uid; interface names print as they are) before it reaches
 * the snapshot.
 */
#include "collect/snapread.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SCHEMA_PREFIX "sockmem/"
#define SCHEMA_MAJOR  1
#define IFNAME_CHARS  "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-@"

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
		return sr_bad(d, "not a sockmem snapshot (no \"schema\": \"%s...\" member)",
			      SCHEMA_PREFIX);
	p = s + strlen(SCHEMA_PREFIX);
	if (*p < '0' || *p > '9')
		return sr_bad(d, "not a sockmem snapshot (schema is no sockmem/NUMBER)");
	for (; *p >= '0' && *p <= '9' && major <= SCHEMA_MAJOR; p++)
		major = major * 10 + (unsigned long)(*p - '0');
	if (major > SCHEMA_MAJOR)
		return sr_bad(d,
			      "written by a newer sockmem (schema major above %d; this one reads "
			      "sockmem/%d)",
			      SCHEMA_MAJOR, SCHEMA_MAJOR);
	if (major != SCHEMA_MAJOR || (*p && *p != '.'))
		return sr_bad(d, "not a sockmem snapshot (unknown schema)");
	c = json_is_string(cmd) ? json_string_value(cmd) : NULL;
	if (!c || strcmp(c, "snapshot") != 0) {
		bool known =
		    c && strlen(c) < 16 && strspn(c, "abcdefghijklmnopqrstuvwxyz") == strlen(c);

		return sr_bad(
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
	struct snapshot *r = d->r;
	json_t *host, *t;
	int64_t v;

	if (sr_get_node(d, root, "", "host", JSON_OBJECT, false, &host) ||
	    sr_get_text_buf(d, host, "host", "hostname", true, r->sys.hostname,
			    sizeof(r->sys.hostname)) ||
	    sr_get_text_buf(d, host, "host", "kernel", true, r->sys.release,
			    sizeof(r->sys.release)))
		return -1;
	t = sr_need(d, host, "host", "time");
	if (!t)
		return -1;
	if (!json_is_string(t) || parse_time(json_string_value(t), &r->when))
		return sr_wrong(d, "host", "time", "not a time as YYYY-MM-DDTHH:MM:SSZ");
	if (sr_get_int(d, host, "host", "page_size", 1, 1 << 30, &v))
		return -1;
	r->page_size = (uint64_t)v;
	if (sr_get_nz(d, host, "host", "ncpu", UINT32_MAX, &v))
		return -1;
	r->ncpu = (uint64_t)v;
	if (sr_get_nz(d, host, "host", "netns_ino", INT64_MAX, &v))
		return -1;
	r->netns_ino = (uint64_t)v;
	return sr_get_text_buf(d, root, "", "boot_id", true, r->sys.boot_id,
			       sizeof(r->sys.boot_id));
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

	if (sr_get_node(d, cov, "coverage", key, JSON_ARRAY, false, &arr))
		return -1;
	if (json_array_size(arr) > FILTER_MAX_VALUES)
		return sr_wrong(d, "coverage", key, "too many values");
	for (size_t i = 0; i < json_array_size(arr); i++) {
		json_t *v = json_array_get(arr, i);

		if (!json_is_string(v) || fn(&d->r->cov.dump, i, json_string_value(v)) != 0)
			return sr_wrong(d, "coverage", key,
					"a value that is no port range or prefix");
	}
	*n = json_array_size(arr);
	return 0;
}

/* A count that may be absent: null or [0, INT64_MAX]. */
static int read_count(struct rd *d, json_t *cov, const char *key, struct maybe *m)
{
	if (sr_get_maybe(d, cov, "coverage", key, m))
		return -1;
	if (m->has && m->v < 0)
		return sr_wrong(d, "coverage", key, "a negative count");
	return 0;
}

/* The namespace scope: initial_netns (true, false or null) and the counts. */
static int read_scope(struct rd *d, json_t *cov)
{
	struct coverage *c = &d->r->cov;
	json_t *v = sr_need(d, cov, "coverage", "initial_netns");

	if (!v)
		return -1;
	if (!json_is_null(v) && !json_is_boolean(v))
		return sr_wrong(d, "coverage", "initial_netns", "not true, false or null");
	c->initial_netns = json_is_null(v) ? maybe_none() : maybe_of(json_is_true(v));
	return read_count(d, cov, "other_netns", &c->other_netns) ||
	       read_count(d, cov, "unreadable_pids", &c->unreadable_pids);
}

static int read_coverage(struct rd *d, json_t *root)
{
	struct snapshot *r = d->r;
	struct filter *f = &r->cov.dump;
	json_t *cov, *fam, *st, *pro;

	if (sr_get_node(d, root, "", "coverage", JSON_OBJECT, false, &cov) ||
	    sr_get_node(d, cov, "coverage", "families", JSON_ARRAY, false, &fam) ||
	    sr_get_bool(d, cov, "coverage", "all_netns", &r->all_netns) || read_scope(d, cov) ||
	    sr_get_node(d, cov, "coverage", "states", JSON_ARRAY, false, &st))
		return -1;
	for (size_t i = 0; i < json_array_size(fam); i++) {
		const char *s = json_string_value(json_array_get(fam, i));
		bool *b = !s			    ? NULL
			  : strcmp(s, "inet") == 0  ? &r->cov.v4
			  : strcmp(s, "inet6") == 0 ? &r->cov.v6
						    : NULL;

		if (!b || *b)
			return sr_wrong(d, "coverage", "families", "not a list of inet, inet6");
		*b = true;
	}
	if (!r->cov.v4 && !r->cov.v6)
		return sr_wrong(d, "coverage", "families", "empty");
	if (sr_get_node(d, cov, "coverage", "protocols", JSON_ARRAY, true, &pro))
		return -1;
	/* absent: a TCP-only collection */
	bool tcp = !pro;

	for (size_t i = 0; pro && i < json_array_size(pro); i++) {
		const char *s = json_string_value(json_array_get(pro, i));
		bool *b = !s			  ? NULL
			  : strcmp(s, "tcp") == 0 ? &tcp
			  : strcmp(s, "udp") == 0 ? &r->cov.udp
						  : NULL;

		if (!b || *b)
			return sr_wrong(d, "coverage", "protocols", "not a list of tcp, udp");
		*b = true;
	}
	if (!tcp && !r->cov.udp)
		return sr_wrong(d, "coverage", "protocols", "empty");
	if (pro && !r->cov.udp) /* the writer lists protocols only with UDP */
		return sr_wrong(d, "coverage", "protocols", "tcp alone is written as no list");
	r->cov.no_tcp = !tcp;
	for (size_t i = 0; i < json_array_size(st); i++) {
		int64_t v;

		if (sr_int_in(d, json_array_get(st, i), "coverage", "states", 0, 31, &v))
			return -1;
		f->states |= 1u << v;
	}
	if (read_conds(d, cov, "sport", parse_sport, &f->nsport) ||
	    read_conds(d, cov, "dport", parse_dport, &f->ndport) ||
	    read_conds(d, cov, "src", parse_src, &f->nsrc) ||
	    read_conds(d, cov, "dst", parse_dst, &f->ndst))
		return -1;
	r->dump_filtered = !r->cov.v4 || !r->cov.v6 || f->states || filter_has_kernel_part(f);
	return 0;
}

/* ----------------------------------------------------------------- sysinfo */

static int read_maybe_array(struct rd *d, json_t *obj, const char *path, const char *key,
			    struct maybe *m, size_t n)
{
	json_t *arr;

	if (sr_get_node(d, obj, path, key, JSON_ARRAY, false, &arr))
		return -1;
	if (json_array_size(arr) != n)
		return sr_wrong(d, path, key, "not an array of 3");
	for (size_t i = 0; i < n; i++)
		if (sr_maybe_in(d, json_array_get(arr, i), path, key, &m[i]))
			return -1;
	return 0;
}

static int read_sysctls(struct rd *d, json_t *obj, const char *path, struct sysctls *sc)
{
	json_t *s;
	char p[64];

	snprintf(p, sizeof(p), "%s%ssysctl", path, *path ? "." : "");
	if (sr_get_node(d, obj, path, "sysctl", JSON_OBJECT, false, &s))
		return -1;
	return read_maybe_array(d, s, p, "tcp_mem", sc->tcp_mem, 3) ||
		       read_maybe_array(d, s, p, "tcp_rmem", sc->tcp_rmem, 3) ||
		       read_maybe_array(d, s, p, "tcp_wmem", sc->tcp_wmem, 3) ||
		       sr_get_maybe(d, s, p, "tcp_max_orphans", &sc->tcp_max_orphans) ||
		       sr_get_maybe(d, s, p, "tcp_adv_win_scale", &sc->tcp_adv_win_scale) ||
		       sr_get_maybe(d, s, p, "tcp_moderate_rcvbuf", &sc->tcp_moderate_rcvbuf) ||
		       sr_get_maybe(d, s, p, "tcp_notsent_lowat", &sc->tcp_notsent_lowat) ||
		       sr_get_maybe(d, s, p, "tcp_shrink_window", &sc->tcp_shrink_window) ||
		       sr_get_maybe(d, s, p, "rmem_max", &sc->rmem_max) ||
		       sr_get_maybe(d, s, p, "wmem_max", &sc->wmem_max) ||
		       sr_get_maybe(d, s, p, "rmem_default", &sc->rmem_default) ||
		       sr_get_maybe(d, s, p, "wmem_default", &sc->wmem_default) ||
		       sr_get_maybe(d, s, p, "mem_pcpu_rsv", &sc->mem_pcpu_rsv) ||
		       /* written when UDP was collected */
		       (json_object_get(s, "udp_mem") &&
			read_maybe_array(d, s, p, "udp_mem", sc->udp_mem, 3)) ||
		       sr_get_maybe(d, s, p, "udp_rmem_min", &sc->udp_rmem_min) ||
		       sr_get_maybe(d, s, p, "udp_wmem_min", &sc->udp_wmem_min)
		   ? -1
		   : 0;
}

/* sysinfo.udp, written when UDP was collected: absent leaves every UDP value absent. */
static int read_udp(struct rd *d, json_t *sys, struct sysinfo *si)
{
	const char *p = "sysinfo.udp";
	json_t *u, *sn, *sn6, *press;

	if (sr_get_node(d, sys, "sysinfo", "udp", JSON_OBJECT, true, &u))
		return -1;
	if (!u)
		return 0;
	if (sr_get_maybe(d, u, p, "inuse", &si->sockstat.udp_inuse) ||
	    sr_get_maybe(d, u, p, "mem_pages", &si->sockstat.udp_mem_pages) ||
	    sr_get_maybe(d, u, p, "inuse6", &si->sockstat.udp_inuse6) ||
	    sr_get_maybe(d, u, p, "memory_pages", &si->proto.udp_memory_pages) ||
	    sr_get_node(d, u, p, "snmp", JSON_OBJECT, false, &sn) ||
	    sr_get_node(d, u, p, "snmp6", JSON_OBJECT, false, &sn6))
		return -1;
	press = sr_need(d, u, p, "pressure");
	if (!press)
		return -1;
	if (json_is_boolean(press))
		si->proto.udp_pressure = maybe_of(json_is_true(press));
	else if (!json_is_null(press))
		return sr_wrong(d, p, "pressure", "not true, false or null");
	for (int i = 0; i < UC_N; i++)
		if (sr_get_maybe(d, sn, "sysinfo.udp.snmp", procfs_udp_names[i], &si->udp[i]) ||
		    sr_get_maybe(d, sn6, "sysinfo.udp.snmp6", procfs_udp_names[i], &si->udp6[i]))
			return -1;
	return 0;
}

static int read_sysinfo(struct rd *d, json_t *root)
{
	struct sysinfo *si = &d->r->sys;
	struct sockstat *ss = &si->sockstat;
	json_t *sys, *st, *pr, *tx, *press, *init;

	if (sr_get_node(d, root, "", "sysinfo", JSON_OBJECT, false, &sys) ||
	    sr_get_node(d, sys, "sysinfo", "sockstat", JSON_OBJECT, false, &st) ||
	    sr_get_node(d, sys, "sysinfo", "protocols", JSON_OBJECT, false, &pr) ||
	    sr_get_node(d, sys, "sysinfo", "tcpext", JSON_OBJECT, false, &tx))
		return -1;
	if (sr_get_maybe(d, st, "sysinfo.sockstat", "inuse", &ss->inuse) ||
	    sr_get_maybe(d, st, "sysinfo.sockstat", "orphan", &ss->orphan) ||
	    sr_get_maybe(d, st, "sysinfo.sockstat", "tw", &ss->tw) ||
	    sr_get_maybe(d, st, "sysinfo.sockstat", "alloc", &ss->alloc) ||
	    sr_get_maybe(d, st, "sysinfo.sockstat", "mem_pages", &ss->mem_pages) ||
	    sr_get_maybe(d, st, "sysinfo.sockstat", "inuse6", &ss->inuse6) ||
	    sr_get_maybe(d, st, "sysinfo.sockstat", "sockets_used", &ss->sockets_used) ||
	    sr_get_maybe(d, pr, "sysinfo.protocols", "memory_pages", &si->proto.memory_pages))
		return -1;
	press = sr_need(d, pr, "sysinfo.protocols", "pressure");
	if (!press)
		return -1;
	if (json_is_boolean(press))
		si->proto.pressure = maybe_of(json_is_true(press));
	else if (!json_is_null(press))
		return sr_wrong(d, "sysinfo.protocols", "pressure", "not true, false or null");
	for (int i = 0; i < TX_N; i++)
		if (sr_get_maybe(d, tx, "sysinfo.tcpext", procfs_tcpext_names[i], &si->tcpext[i]))
			return -1;
	init = sr_need(d, sys, "sysinfo", "initial_netns");
	if (!init)
		return -1;
	if (json_is_boolean(init))
		si->initial_netns = maybe_of(json_is_true(init));
	else if (!json_is_null(init))
		return sr_wrong(d, "sysinfo", "initial_netns", "not true, false or null");
	return read_sysctls(d, sys, "sysinfo", &si->sysctl) || read_udp(d, sys, si) ? -1 : 0;
}

static int read_dump(struct rd *d, json_t *root)
{
	struct snapshot *r = d->r;
	json_t *dump;

	return sr_get_node(d, root, "", "dump", JSON_OBJECT, false, &dump) ||
		       sr_get_u64(d, dump, "dump", "messages", &r->dstats.messages) ||
		       sr_get_u64(d, dump, "dump", "recv_calls", &r->dstats.recv_calls) ||
		       sr_get_u64(d, dump, "dump", "bytes", &r->dstats.bytes) ||
		       sr_get_u64(d, dump, "dump", "malformed", &r->dstats.malformed) ||
		       sr_get_u64(d, dump, "dump", "duplicates_dropped", &r->socks.dup_dropped)
		   ? -1
		   : 0;
}

/* ------------------------------------------------------- names, namespaces */

static int ifname_el(struct rd *d, json_t *el, const char *path, size_t i, void *ctx)
{
	struct ifname *e = &d->r->ifnames[i];

	(void)ctx;
	if (sr_get_u32(d, el, path, "index", &e->index) ||
	    sr_get_text_buf(d, el, path, "name", false, e->name, sizeof(e->name)))
		return -1;
	/* printed as they are: only the names the collector keeps */
	if (!e->name[0] || strspn(e->name, IFNAME_CHARS) != strlen(e->name))
		return sr_wrong(d, path, "name", "not an interface name");
	d->r->nifnames = i + 1;
	return 0;
}

static int user_el(struct rd *d, json_t *el, const char *path, size_t i, void *ctx)
{
	struct user_ent *u = &d->r->users[i];

	(void)ctx;
	if (sr_get_u32(d, el, path, "uid", &u->uid) ||
	    sr_get_text_buf(d, el, path, "name", true, u->name, sizeof(u->name)))
		return -1;
	if (i && u->uid <= d->r->users[i - 1].uid)
		return sr_wrong(d, path, "uid", "not in increasing order");
	d->r->nusers = i + 1;
	return 0;
}

static int read_names(struct rd *d, json_t *root)
{
	struct snapshot *r = d->r;
	json_t *ifn, *users;

	if (sr_get_node(d, root, "", "ifnames", JSON_ARRAY, false, &ifn) ||
	    sr_get_node(d, root, "", "users", JSON_ARRAY, true, &users))
		return -1;
	r->ifnames = sr_alloc_n(d, json_array_size(ifn), sizeof(*r->ifnames), "ifnames");
	if (!r->ifnames || sr_each(d, ifn, "ifnames", ifname_el, NULL))
		return -1;
	if (!users)
		return 0;
	r->users = sr_alloc_n(d, json_array_size(users), sizeof(*r->users), "users");
	return !r->users || sr_each(d, users, "users", user_el, NULL) ? -1 : 0;
}

static int netns_el(struct rd *d, json_t *el, const char *path, size_t i, void *ctx)
{
	struct netns_ent *ns = &d->r->netns[i];
	int64_t v;

	(void)ctx;
	if (sr_get_nz(d, el, path, "ino", INT64_MAX, &v))
		return -1;
	ns->ino = (uint64_t)v;
	if (sr_get_text_buf(d, el, path, "name", true, ns->name, sizeof(ns->name)) ||
	    sr_get_nz(d, el, path, "pid", INT32_MAX, &v))
		return -1;
	ns->pid = (int32_t)v;
	if (sr_get_nz(d, el, path, "skipped", 4095, &v))
		return -1;
	ns->skipped = (int)v;
	if (sr_get_maybe(d, el, path, "inuse", &ns->inuse) ||
	    sr_get_maybe(d, el, path, "tw", &ns->tw) ||
	    sr_get_maybe(d, el, path, "udp_inuse", &ns->udp_inuse) ||
	    sr_get_maybe(d, el, path, "udp_inuse6", &ns->udp_inuse6) ||
	    read_sysctls(d, el, path, &ns->sysctl))
		return -1;
	d->r->nnetns = i + 1;
	return 0;
}

static int read_netns(struct rd *d, json_t *root)
{
	json_t *arr;

	if (sr_get_node(d, root, "", "netns", JSON_ARRAY, false, &arr))
		return -1;
	d->r->netns = sr_alloc_n(d, json_array_size(arr), sizeof(*d->r->netns), "netns");
	return !d->r->netns || sr_each(d, arr, "netns", netns_el, NULL) ? -1 : 0;
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
	if (sr_get_u64_str(d, el, path, "id", false, &has, &e->id))
		return -1;
	if (i && e->id <= cg->v[i - 1].id)
		return sr_wrong(d, path, "id", "not in increasing order");
	cg->n = i + 1;
	p = sr_need(d, el, path, "path");
	if (!p)
		return -1;
	if (!json_is_null(p)) {
		n = sr_text_in(d, p, path, "path", false, SIZE_MAX / 2, &e->path);
		if (n < 0)
			return -1;
	}
	return sr_get_maybe(d, el, path, "memcg_sock_bytes", &e->memcg_sock_bytes) ||
		       sr_get_maybe(d, el, path, "v1_tcp_bytes", &e->v1_tcp_bytes)
		   ? -1
		   : 0;
}

static int cg_node_el(struct rd *d, json_t *el, const char *path, size_t i, void *ctx)
{
	struct cgroups *cg = &d->r->cg;
	struct cgroup_node *nd = &cg->nodes[i];
	bool has;

	(void)ctx;
	if (sr_get_u64_str(d, el, path, "id", false, &has, &nd->id))
		return -1;
	if (i && nd->id <= cg->nodes[i - 1].id)
		return sr_wrong(d, path, "id", "not in increasing order");
	if (sr_get_u64_str(d, el, path, "parent", false, &has, &nd->parent))
		return -1;
	cg->nnodes = i + 1;
	return 0;
}

static int read_cgroups(struct rd *d, json_t *root)
{
	struct cgroups *cg = &d->r->cg;
	json_t *c, *ent, *nodes, *blind;

	if (sr_get_node(d, root, "", "cgroups", JSON_OBJECT, true, &c))
		return -1;
	if (!c)
		return 0;
	if (sr_get_text_buf(d, c, "cgroups", "v2_mount", true, cg->v2_mount,
			    sizeof(cg->v2_mount)) ||
	    sr_get_text_buf(d, c, "cgroups", "v1_memory_mount", true, cg->v1_memory_mount,
			    sizeof(cg->v1_memory_mount)) ||
	    sr_get_node(d, c, "cgroups", "entries", JSON_ARRAY, false, &ent) ||
	    sr_get_node(d, c, "cgroups", "nodes", JSON_ARRAY, false, &nodes) ||
	    sr_get_node(d, c, "cgroups", "blind", JSON_ARRAY, false, &blind))
		return -1;
	cg->v = sr_alloc_n(d, json_array_size(ent), sizeof(*cg->v), "cgroups");
	cg->nodes = sr_alloc_n(d, json_array_size(nodes), sizeof(*cg->nodes), "cgroups");
	cg->blind = sr_alloc_n(d, json_array_size(blind), sizeof(*cg->blind), "cgroups");
	if (!cg->v || !cg->nodes || !cg->blind ||
	    sr_each(d, ent, "cgroups.entries", cg_entry_el, NULL) ||
	    sr_each(d, nodes, "cgroups.nodes", cg_node_el, NULL))
		return -1;
	for (size_t i = 0; i < json_array_size(blind); i++)
		if (sr_u64_str_in(d, json_array_get(blind, i), "cgroups", "blind", &cg->blind[i]))
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
	if (sr_get_int(d, el, path, "pid", 1, INT32_MAX, &v))
		return -1;
	p->pid = (int32_t)v;
	if (i && p->pid <= o->procs[i - 1].pid)
		return sr_wrong(d, path, "pid", "not in increasing order");
	if (sr_get_u32(d, el, path, "uid", &p->uid) ||
	    sr_get_text_buf(d, el, path, "comm", false, p->comm, sizeof(p->comm)) ||
	    sr_get_maybe(d, el, path, "start_time", &p->start_time))
		return -1;
	o->nprocs = i + 1;
	return 0;
}

static int read_owners(struct rd *d, json_t *root)
{
	struct owners *o = &d->r->owners;
	json_t *ow, *procs;

	if (sr_get_node(d, root, "", "owners", JSON_OBJECT, true, &ow))
		return -1;
	if (!ow)
		return 0;
	if (sr_get_u64(d, ow, "owners", "procs_scanned", &o->procs_scanned) ||
	    sr_get_u64(d, ow, "owners", "procs_denied", &o->procs_denied) ||
	    sr_get_u64(d, ow, "owners", "fds_denied", &o->fds_denied) ||
	    sr_get_u64(d, ow, "owners", "procs_gone", &o->procs_gone) ||
	    sr_get_u64(d, ow, "owners", "procs_incomplete", &o->procs_incomplete) ||
	    sr_get_u64(d, ow, "owners", "task_tables", &o->task_tables) ||
	    sr_get_node(d, ow, "owners", "procs", JSON_ARRAY, false, &procs))
		return -1;
	if (json_array_size(procs) >= UINT32_MAX - 2)
		return sr_wrong(d, "owners", "procs", "too many");
	o->procs = sr_alloc_n(d, json_array_size(procs), sizeof(*o->procs), "owners");
	o->procs_cap = json_array_size(procs);
	if (!o->procs || sr_each(d, procs, "owners.procs", proc_el, NULL))
		return -1;
	/* a socket with an inode and no holder is one no descriptor held */
	o->walked = true;
	d->r->owners_scanned = true;
	return 0;
}

/* Reads every member but "sockets" from root into the snapshot. */
int sr_read_sections(struct rd *d, json_t *root)
{
	return check_kind(d, root) || read_host(d, root) || read_coverage(d, root) ||
		       read_sysinfo(d, root) || read_dump(d, root) || read_names(d, root) ||
		       read_netns(d, root) || read_cgroups(d, root) || read_owners(d, root)
		   ? -1
		   : 0;
}
