// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * snapshot.c - writes a report's collected data as one JSON document
 * (sockmem snapshot), which collect/snapfile.c reads back into the same
 * structs: every value, absent ones as null, nothing derived.
 *
 * Number rule: a value the kernel keeps as an unsigned 64-bit integer that
 * can exceed 2^63 (socket cookie, cgroup id, tcp_info bytes_received and
 * bytes_acked) is a decimal string, since JSON parsers lose such numbers
 * (above 2^53 most of them, above 2^63 jansson). Every other value is a
 * JSON number. Text from other processes or the system (comm, paths, host
 * name, boot id...) is a JSON string when it is valid UTF-8, else an object
 * {"hex": "..."} holding its bytes, so that no byte is lost or replaced.
 */
#include "render/snapshot.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "render/out.h"

#define JW_DEPTH 8

/* A JSON writer that tracks, per open object or array, whether a member
 * was written yet (so separators are right by construction). */
struct jw {
	struct outbuf *b;
	int depth;
	bool used[JW_DEPTH];
	bool nl; /* the next member starts a line */
};

/* Separator and (in an object) key for the next member. */
static void jw_member(struct jw *w, const char *key)
{
	if (w->used[w->depth])
		ob_ch(w->b, ',');
	if (w->nl)
		ob_ch(w->b, '\n');
	w->nl = false;
	w->used[w->depth] = true;
	if (key) {
		ob_ch(w->b, '"');
		ob_str(w->b, key);
		ob_str(w->b, "\":");
	}
}

/* Opens an object ('{') or array ('[') as member key (NULL in arrays). */
static void jw_open(struct jw *w, const char *key, char c)
{
	jw_member(w, key);
	ob_ch(w->b, c);
	w->used[++w->depth] = false;
}

/* A new line before the next array element, so big arrays read one
 * element per line. */
static void jw_open_line(struct jw *w, char c)
{
	w->nl = true;
	jw_open(w, NULL, c);
}

static void jw_close(struct jw *w, char c)
{
	w->depth--;
	ob_ch(w->b, c);
}

static void jw_null(struct jw *w, const char *key)
{
	jw_member(w, key);
	ob_str(w->b, "null");
}

static void jw_u64(struct jw *w, const char *key, uint64_t v)
{
	jw_member(w, key);
	ob_u64(w->b, v);
}

/* A count where 0 means absent (pid 0, inode 0 of a namespace). */
static void jw_u64_nz(struct jw *w, const char *key, uint64_t v)
{
	if (v)
		jw_u64(w, key, v);
	else
		jw_null(w, key);
}

static void jw_bool(struct jw *w, const char *key, bool v)
{
	jw_member(w, key);
	ob_str(w->b, v ? "true" : "false");
}

static void jw_maybe(struct jw *w, const char *key, struct maybe m)
{
	jw_member(w, key);
	if (m.has)
		ob_i64(w->b, m.v);
	else
		ob_str(w->b, "null");
}

/* An unsigned 64-bit kernel value as a decimal string. */
static void jw_u64_str(struct jw *w, const char *key, uint64_t v)
{
	jw_member(w, key);
	ob_ch(w->b, '"');
	ob_u64(w->b, v);
	ob_ch(w->b, '"');
}

/* Trusted ASCII (names of our own). */
static void jw_ascii(struct jw *w, const char *key, const char *s)
{
	jw_member(w, key);
	ob_ch(w->b, '"');
	ob_str(w->b, s);
	ob_ch(w->b, '"');
}

/* Untrusted text: a string when it is valid UTF-8, else {"hex": bytes}. */
static void jw_text(struct jw *w, const char *key, const char *s)
{
	static const char hexd[] = "0123456789abcdef";

	jw_member(w, key);
	if (ob_utf8_valid(s)) {
		ob_json_str(w->b, s);
		return;
	}
	ob_str(w->b, "{\"hex\":\"");
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		ob_ch(w->b, hexd[*p >> 4]);
		ob_ch(w->b, hexd[*p & 15]);
	}
	ob_str(w->b, "\"}");
}

/* Untrusted text where "" means absent. */
static void jw_text_nz(struct jw *w, const char *key, const char *s)
{
	if (s && s[0])
		jw_text(w, key, s);
	else
		jw_null(w, key);
}

static void jw_maybe_array(struct jw *w, const char *key, const struct maybe *m, size_t n)
{
	jw_open(w, key, '[');
	for (size_t i = 0; i < n; i++)
		jw_maybe(w, NULL, m[i]);
	jw_close(w, ']');
}

/* RFC 3339 UTC, to the second (what collection recorded). */
static void jw_time(struct jw *w, const char *key, time_t t)
{
	char buf[32];
	struct tm tm;

	if (!gmtime_r(&t, &tm) || !strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, sizeof(buf), "%lld", (long long)t);
	jw_ascii(w, key, buf);
}

/* ---------------------------------------------------------------- sections */

static void write_head(struct jw *w, const struct report *r)
{
	jw_ascii(w, "schema", SOCKMEM_SCHEMA);
	jw_ascii(w, "command", "snapshot");
	jw_open(w, "host", '{');
	jw_text_nz(w, "hostname", r->sys.hostname);
	jw_text_nz(w, "kernel", r->sys.release);
	jw_time(w, "time", r->when);
	jw_u64(w, "page_size", r->page_size);
	jw_u64(w, "ncpu", r->ncpu);
	jw_u64_nz(w, "netns_ino", r->netns_ino);
	jw_close(w, '}');
	jw_text_nz(w, "boot_id", r->sys.boot_id);
}

static void write_ports(struct jw *w, const char *key, const struct port_range *p, size_t n)
{
	jw_open(w, key, '[');
	for (size_t i = 0; i < n; i++) {
		jw_member(w, NULL);
		ob_ch(w->b, '"');
		ob_u64(w->b, p[i].lo);
		if (p[i].hi != p[i].lo) {
			ob_ch(w->b, '-');
			ob_u64(w->b, p[i].hi);
		}
		ob_ch(w->b, '"');
	}
	jw_close(w, ']');
}

static void write_cidrs(struct jw *w, const char *key, const struct cidr *c, size_t n)
{
	jw_open(w, key, '[');
	for (size_t i = 0; i < n; i++) {
		char a[INET6_ADDRSTRLEN] = "?";

		inet_ntop(c[i].family == AF_INET6 ? AF_INET6 : AF_INET, c[i].addr, a, sizeof(a));
		jw_member(w, NULL);
		ob_ch(w->b, '"');
		ob_str(w->b, a);
		ob_ch(w->b, '/');
		ob_u64(w->b, c[i].plen);
		ob_ch(w->b, '"');
	}
	jw_close(w, ']');
}

/* What the dumps were limited to: families and the kernel-side filter. */
static void write_coverage(struct jw *w, const struct report *r)
{
	const struct filter *f = &r->cov.dump;

	jw_open(w, "coverage", '{');
	jw_open(w, "families", '[');
	if (r->cov.v4)
		jw_ascii(w, NULL, "inet");
	if (r->cov.v6)
		jw_ascii(w, NULL, "inet6");
	jw_close(w, ']');
	jw_bool(w, "all_netns", r->all_netns);
	jw_open(w, "states", '[');
	for (unsigned i = 0; i < 32; i++)
		if (f->states & (1u << i))
			jw_u64(w, NULL, i);
	jw_close(w, ']');
	write_ports(w, "sport", f->sport, f->nsport);
	write_ports(w, "dport", f->dport, f->ndport);
	write_cidrs(w, "src", f->src, f->nsrc);
	write_cidrs(w, "dst", f->dst, f->ndst);
	jw_close(w, '}');
}

static void write_sysctls(struct jw *w, const char *key, const struct sysctls *sc)
{
	jw_open(w, key, '{');
	jw_maybe_array(w, "tcp_mem", sc->tcp_mem, 3);
	jw_maybe_array(w, "tcp_rmem", sc->tcp_rmem, 3);
	jw_maybe_array(w, "tcp_wmem", sc->tcp_wmem, 3);
	jw_maybe(w, "tcp_max_orphans", sc->tcp_max_orphans);
	jw_maybe(w, "tcp_adv_win_scale", sc->tcp_adv_win_scale);
	jw_maybe(w, "tcp_moderate_rcvbuf", sc->tcp_moderate_rcvbuf);
	jw_maybe(w, "rmem_max", sc->rmem_max);
	jw_maybe(w, "wmem_max", sc->wmem_max);
	jw_maybe(w, "rmem_default", sc->rmem_default);
	jw_maybe(w, "wmem_default", sc->wmem_default);
	jw_maybe(w, "mem_pcpu_rsv", sc->mem_pcpu_rsv);
	jw_close(w, '}');
}

static void write_sysinfo(struct jw *w, const struct sysinfo *si)
{
	const struct sockstat *ss = &si->sockstat;

	jw_open(w, "sysinfo", '{');
	jw_open(w, "sockstat", '{');
	jw_maybe(w, "inuse", ss->inuse);
	jw_maybe(w, "orphan", ss->orphan);
	jw_maybe(w, "tw", ss->tw);
	jw_maybe(w, "alloc", ss->alloc);
	jw_maybe(w, "mem_pages", ss->mem_pages);
	jw_maybe(w, "inuse6", ss->inuse6);
	jw_maybe(w, "sockets_used", ss->sockets_used);
	jw_close(w, '}');
	jw_open(w, "protocols", '{');
	jw_maybe(w, "memory_pages", si->proto.memory_pages);
	if (si->proto.pressure.has)
		jw_bool(w, "pressure", si->proto.pressure.v != 0);
	else
		jw_null(w, "pressure");
	jw_close(w, '}');
	jw_open(w, "tcpext", '{');
	for (int i = 0; i < TX_N; i++)
		jw_maybe(w, procfs_tcpext_names[i], si->tcpext[i]);
	jw_close(w, '}');
	write_sysctls(w, "sysctl", &si->sysctl);
	jw_close(w, '}');
}

static void write_dump(struct jw *w, const struct report *r)
{
	jw_open(w, "dump", '{');
	jw_u64(w, "messages", r->dstats.messages);
	jw_u64(w, "recv_calls", r->dstats.recv_calls);
	jw_u64(w, "bytes", r->dstats.bytes);
	jw_u64(w, "malformed", r->dstats.malformed);
	jw_u64(w, "duplicates_dropped", r->socks.dup_dropped);
	jw_close(w, '}');
}

static void write_names(struct jw *w, const struct report *r)
{
	jw_open(w, "ifnames", '[');
	for (size_t i = 0; i < r->nifnames; i++) {
		jw_open(w, NULL, '{');
		jw_u64(w, "index", r->ifnames[i].index);
		jw_text(w, "name", r->ifnames[i].name);
		jw_close(w, '}');
	}
	jw_close(w, ']');
	if (!r->users) {
		jw_null(w, "users");
		return;
	}
	jw_open(w, "users", '[');
	for (size_t i = 0; i < r->nusers; i++) {
		jw_open(w, NULL, '{');
		jw_u64(w, "uid", r->users[i].uid);
		jw_text_nz(w, "name", r->users[i].name);
		jw_close(w, '}');
	}
	jw_close(w, ']');
}

static void write_netns(struct jw *w, const struct report *r)
{
	jw_open(w, "netns", '[');
	for (size_t i = 0; i < r->nnetns; i++) {
		const struct netns_ent *ns = &r->netns[i];

		jw_open_line(w, '{');
		jw_u64_nz(w, "ino", ns->ino);
		jw_text_nz(w, "name", ns->name);
		jw_u64_nz(w, "pid", (uint64_t)(int64_t)ns->pid);
		jw_u64_nz(w, "skipped", (uint64_t)(int64_t)ns->skipped);
		jw_maybe(w, "inuse", ns->inuse);
		jw_maybe(w, "tw", ns->tw);
		write_sysctls(w, "sysctl", &ns->sysctl);
		jw_close(w, '}');
	}
	jw_close(w, ']');
}

static void write_cgroups(struct jw *w, const struct report *r)
{
	const struct cgroups *cg = &r->cg;

	if (!r->cg_resolved) {
		jw_null(w, "cgroups");
		return;
	}
	jw_open(w, "cgroups", '{');
	jw_text_nz(w, "v2_mount", cg->v2_mount);
	jw_text_nz(w, "v1_memory_mount", cg->v1_memory_mount);
	jw_open(w, "entries", '[');
	for (size_t i = 0; i < cg->n; i++) {
		jw_open_line(w, '{');
		jw_u64_str(w, "id", cg->v[i].id);
		jw_text_nz(w, "path", cg->v[i].path);
		jw_maybe(w, "memcg_sock_bytes", cg->v[i].memcg_sock_bytes);
		jw_maybe(w, "v1_tcp_bytes", cg->v[i].v1_tcp_bytes);
		jw_close(w, '}');
	}
	jw_close(w, ']');
	jw_open(w, "nodes", '[');
	for (size_t i = 0; i < cg->nnodes; i++) {
		jw_open_line(w, '{');
		jw_u64_str(w, "id", cg->nodes[i].id);
		jw_u64_str(w, "parent", cg->nodes[i].parent);
		jw_close(w, '}');
	}
	jw_close(w, ']');
	jw_open(w, "blind", '[');
	for (size_t i = 0; i < cg->nblind; i++)
		jw_u64_str(w, NULL, cg->blind[i]);
	jw_close(w, ']');
	jw_close(w, '}');
}

static void write_owners(struct jw *w, const struct report *r)
{
	const struct owners *o = &r->owners;

	if (!r->owners_scanned) {
		jw_null(w, "owners");
		return;
	}
	jw_open(w, "owners", '{');
	jw_u64(w, "procs_scanned", o->procs_scanned);
	jw_u64(w, "procs_denied", o->procs_denied);
	jw_u64(w, "fds_denied", o->fds_denied);
	jw_u64(w, "procs_gone", o->procs_gone);
	jw_u64(w, "procs_incomplete", o->procs_incomplete);
	jw_u64(w, "task_tables", o->task_tables);
	jw_open(w, "procs", '[');
	for (size_t i = 0; i < o->nprocs; i++) {
		const struct proc_ent *p = &o->procs[i];

		jw_open_line(w, '{');
		jw_u64(w, "pid", (uint64_t)(int64_t)p->pid);
		jw_u64(w, "uid", p->uid);
		jw_text(w, "comm", p->comm);
		jw_maybe(w, "start_time", p->start_time);
		jw_close(w, '}');
	}
	jw_close(w, ']');
	jw_close(w, '}');
}

static void write_addr(struct jw *w, const char *key, int family, const uint8_t *addr)
{
	char a[INET6_ADDRSTRLEN] = "?";

	inet_ntop(family == AF_INET6 ? AF_INET6 : AF_INET, addr, a, sizeof(a));
	jw_ascii(w, key, a);
}

static void write_tcp_info(struct jw *w, const struct sock_rec *s)
{
	if (!s->ti_mask) {
		jw_null(w, "tcp_info");
		return;
	}
	jw_open(w, "tcp_info", '{');
	for (int i = 0; i < TI_N; i++) {
		const char *k = diag_ti_fields[i].name;

		if (!sock_has_ti(s, (enum ti)i))
			jw_null(w, k);
		else if (diag_ti_fields[i].size == 8)
			jw_u64_str(w, k, s->ti[i]);
		else
			jw_u64(w, k, s->ti[i]);
	}
	jw_close(w, '}');
}

static void write_socket(struct jw *w, const struct report *r, const struct sock_rec *s)
{
	jw_open_line(w, '{');
	jw_u64_str(w, "cookie", s->cookie);
	jw_ascii(w, "family", s->family == AF_INET6 ? "inet6" : "inet");
	jw_u64(w, "state", s->state);
	write_addr(w, "src", s->family, s->saddr);
	jw_u64(w, "sport", s->sport);
	write_addr(w, "dst", s->family, s->daddr);
	jw_u64(w, "dport", s->dport);
	jw_u64(w, "ifindex", s->ifindex);
	jw_u64(w, "inode", s->inode);
	jw_u64(w, "uid", s->uid);
	jw_u64(w, "rqueue", s->rqueue);
	jw_u64(w, "wqueue", s->wqueue);
	jw_u64_nz(w, "netns_ino", s->netns_ino);
	if (s->flags & SOCK_HAS_CGROUP)
		jw_u64_str(w, "cgroup_id", s->cgroup_id);
	else
		jw_null(w, "cgroup_id");
	jw_open(w, "skmem", '[');
	for (int i = 0; i < s->skmem_n && i < SKM_N; i++)
		jw_u64(w, NULL, s->skmem[i]);
	jw_close(w, ']');
	write_tcp_info(w, s);
	if (!r->owners_scanned) {
		jw_null(w, "holders");
	} else {
		jw_open(w, "holders", '[');
		for (uint32_t k = 0; k < s->own_n; k++) {
			const struct owner_link *l = &r->owners.links[s->own_first + k];

			jw_open(w, NULL, '{');
			jw_u64(w, "pid", (uint64_t)(int64_t)r->owners.procs[l->proc].pid);
			jw_u64(w, "fd", (uint64_t)(int64_t)l->fd);
			jw_close(w, '}');
		}
		jw_close(w, ']');
	}
	jw_close(w, '}');
}

void snapshot_emit(struct outbuf *b, const struct report *r)
{
	struct jw w = { b, 0, { false }, false };

	ob_ch(b, '{');
	write_head(&w, r);
	w.nl = true;
	write_coverage(&w, r);
	w.nl = true;
	write_sysinfo(&w, &r->sys);
	w.nl = true;
	write_dump(&w, r);
	w.nl = true;
	write_names(&w, r);
	w.nl = true;
	write_netns(&w, r);
	w.nl = true;
	write_cgroups(&w, r);
	w.nl = true;
	write_owners(&w, r);
	w.nl = true;
	jw_open(&w, "sockets", '[');
	for (size_t i = 0; i < r->socks.n; i++)
		write_socket(&w, r, &r->socks.v[i]);
	ob_ch(b, '\n');
	jw_close(&w, ']');
	ob_str(b, "}\n");
}

int snapshot_write(const struct report *r, const struct opts *o, FILE *f)
{
	struct outbuf b;

	(void)o;
	if (ob_init(&b, f))
		return -ENOMEM;
	snapshot_emit(&b, r);
	return ob_finish(&b);
}
