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

#define SW_DEPTH 8

/* The snapshot's own small JSON writer (member-per-line layout of the
 * document); util/jsonw.h is the views' writer. Folding the two into one
 * is open work. Tracks, per open object or array, whether a member was
 * written yet, so separators are right by construction. */
struct sw {
	struct outbuf *b;
	int depth;
	bool used[SW_DEPTH];
	bool nl; /* the next member starts a line */
};

/* Separator and (in an object) key for the next member. */
static void sw_member(struct sw *w, const char *key)
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
static void sw_open(struct sw *w, const char *key, char c)
{
	sw_member(w, key);
	ob_ch(w->b, c);
	w->used[++w->depth] = false;
}

/* A new line before the next array element, so big arrays read one
 * element per line. */
static void sw_open_line(struct sw *w, char c)
{
	w->nl = true;
	sw_open(w, NULL, c);
}

static void sw_close(struct sw *w, char c)
{
	w->depth--;
	ob_ch(w->b, c);
}

static void sw_null(struct sw *w, const char *key)
{
	sw_member(w, key);
	ob_str(w->b, "null");
}

static void sw_u64(struct sw *w, const char *key, uint64_t v)
{
	sw_member(w, key);
	ob_u64(w->b, v);
}

/* A count where 0 means absent (pid 0, inode 0 of a namespace). */
static void sw_u64_nz(struct sw *w, const char *key, uint64_t v)
{
	if (v)
		sw_u64(w, key, v);
	else
		sw_null(w, key);
}

static void sw_bool(struct sw *w, const char *key, bool v)
{
	sw_member(w, key);
	ob_str(w->b, v ? "true" : "false");
}

static void sw_maybe(struct sw *w, const char *key, struct maybe m)
{
	sw_member(w, key);
	if (m.has)
		ob_i64(w->b, m.v);
	else
		ob_str(w->b, "null");
}

/* An unsigned 64-bit kernel value as a decimal string. */
static void sw_u64_str(struct sw *w, const char *key, uint64_t v)
{
	sw_member(w, key);
	ob_ch(w->b, '"');
	ob_u64(w->b, v);
	ob_ch(w->b, '"');
}

/* Trusted ASCII (names of our own). */
static void sw_ascii(struct sw *w, const char *key, const char *s)
{
	sw_member(w, key);
	ob_ch(w->b, '"');
	ob_str(w->b, s);
	ob_ch(w->b, '"');
}

/* Untrusted text: a string when it is valid UTF-8, else {"hex": bytes}. */
static void sw_text(struct sw *w, const char *key, const char *s)
{
	static const char hexd[] = "0123456789abcdef";

	sw_member(w, key);
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
static void sw_text_nz(struct sw *w, const char *key, const char *s)
{
	if (s && s[0])
		sw_text(w, key, s);
	else
		sw_null(w, key);
}

static void sw_maybe_array(struct sw *w, const char *key, const struct maybe *m, size_t n)
{
	sw_open(w, key, '[');
	for (size_t i = 0; i < n; i++)
		sw_maybe(w, NULL, m[i]);
	sw_close(w, ']');
}

/* RFC 3339 UTC, to the second (what collection recorded). */
static void sw_time(struct sw *w, const char *key, time_t t)
{
	char buf[32];
	struct tm tm;

	if (!gmtime_r(&t, &tm) || !strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, sizeof(buf), "%lld", (long long)t);
	sw_ascii(w, key, buf);
}

/* ---------------------------------------------------------------- sections */

static void write_head(struct sw *w, const struct report *r)
{
	sw_ascii(w, "schema", SOCKMEM_SCHEMA);
	sw_ascii(w, "command", "snapshot");
	sw_open(w, "host", '{');
	sw_text_nz(w, "hostname", r->sys.hostname);
	sw_text_nz(w, "kernel", r->sys.release);
	sw_time(w, "time", r->when);
	sw_u64(w, "page_size", r->page_size);
	sw_u64_nz(w, "ncpu", r->ncpu);
	sw_u64_nz(w, "netns_ino", r->netns_ino);
	sw_close(w, '}');
	sw_text_nz(w, "boot_id", r->sys.boot_id);
}

static void write_ports(struct sw *w, const char *key, const struct port_range *p, size_t n)
{
	sw_open(w, key, '[');
	for (size_t i = 0; i < n; i++) {
		sw_member(w, NULL);
		ob_ch(w->b, '"');
		ob_u64(w->b, p[i].lo);
		if (p[i].hi != p[i].lo) {
			ob_ch(w->b, '-');
			ob_u64(w->b, p[i].hi);
		}
		ob_ch(w->b, '"');
	}
	sw_close(w, ']');
}

static void write_cidrs(struct sw *w, const char *key, const struct cidr *c, size_t n)
{
	sw_open(w, key, '[');
	for (size_t i = 0; i < n; i++) {
		char a[INET6_ADDRSTRLEN] = "?";

		inet_ntop(c[i].family == AF_INET6 ? AF_INET6 : AF_INET, c[i].addr, a, sizeof(a));
		sw_member(w, NULL);
		ob_ch(w->b, '"');
		ob_str(w->b, a);
		ob_ch(w->b, '/');
		ob_u64(w->b, c[i].plen);
		ob_ch(w->b, '"');
	}
	sw_close(w, ']');
}

/* What the dumps were limited to: families and the kernel-side filter. */
static void write_coverage(struct sw *w, const struct report *r)
{
	const struct filter *f = &r->cov.dump;

	sw_open(w, "coverage", '{');
	sw_open(w, "families", '[');
	if (r->cov.v4)
		sw_ascii(w, NULL, "inet");
	if (r->cov.v6)
		sw_ascii(w, NULL, "inet6");
	sw_close(w, ']');
	sw_bool(w, "all_netns", r->all_netns);
	if (r->cov.initial_netns.has) {
		sw_bool(w, "initial_netns", r->cov.initial_netns.v != 0);
	} else {
		sw_member(w, "initial_netns");
		ob_str(w->b, "null");
	}
	sw_maybe(w, "other_netns", r->cov.other_netns);
	sw_maybe(w, "unreadable_pids", r->cov.unreadable_pids);
	sw_open(w, "states", '[');
	for (unsigned i = 0; i < 32; i++)
		if (f->states & (1u << i))
			sw_u64(w, NULL, i);
	sw_close(w, ']');
	write_ports(w, "sport", f->sport, f->nsport);
	write_ports(w, "dport", f->dport, f->ndport);
	write_cidrs(w, "src", f->src, f->nsrc);
	write_cidrs(w, "dst", f->dst, f->ndst);
	sw_close(w, '}');
}

static void write_sysctls(struct sw *w, const char *key, const struct sysctls *sc)
{
	sw_open(w, key, '{');
	sw_maybe_array(w, "tcp_mem", sc->tcp_mem, 3);
	sw_maybe_array(w, "tcp_rmem", sc->tcp_rmem, 3);
	sw_maybe_array(w, "tcp_wmem", sc->tcp_wmem, 3);
	sw_maybe(w, "tcp_max_orphans", sc->tcp_max_orphans);
	sw_maybe(w, "tcp_adv_win_scale", sc->tcp_adv_win_scale);
	sw_maybe(w, "tcp_moderate_rcvbuf", sc->tcp_moderate_rcvbuf);
	sw_maybe(w, "tcp_notsent_lowat", sc->tcp_notsent_lowat);
	sw_maybe(w, "tcp_shrink_window", sc->tcp_shrink_window);
	sw_maybe(w, "rmem_max", sc->rmem_max);
	sw_maybe(w, "wmem_max", sc->wmem_max);
	sw_maybe(w, "rmem_default", sc->rmem_default);
	sw_maybe(w, "wmem_default", sc->wmem_default);
	sw_maybe(w, "mem_pcpu_rsv", sc->mem_pcpu_rsv);
	sw_close(w, '}');
}

static void write_sysinfo(struct sw *w, const struct sysinfo *si)
{
	const struct sockstat *ss = &si->sockstat;

	sw_open(w, "sysinfo", '{');
	sw_open(w, "sockstat", '{');
	sw_maybe(w, "inuse", ss->inuse);
	sw_maybe(w, "orphan", ss->orphan);
	sw_maybe(w, "tw", ss->tw);
	sw_maybe(w, "alloc", ss->alloc);
	sw_maybe(w, "mem_pages", ss->mem_pages);
	sw_maybe(w, "inuse6", ss->inuse6);
	sw_maybe(w, "sockets_used", ss->sockets_used);
	sw_close(w, '}');
	sw_open(w, "protocols", '{');
	sw_maybe(w, "memory_pages", si->proto.memory_pages);
	if (si->proto.pressure.has)
		sw_bool(w, "pressure", si->proto.pressure.v != 0);
	else
		sw_null(w, "pressure");
	sw_close(w, '}');
	sw_open(w, "tcpext", '{');
	for (int i = 0; i < TX_N; i++)
		sw_maybe(w, procfs_tcpext_names[i], si->tcpext[i]);
	sw_close(w, '}');
	write_sysctls(w, "sysctl", &si->sysctl);
	if (si->initial_netns.has)
		sw_bool(w, "initial_netns", si->initial_netns.v != 0);
	else
		sw_null(w, "initial_netns");
	sw_close(w, '}');
}

static void write_dump(struct sw *w, const struct report *r)
{
	sw_open(w, "dump", '{');
	sw_u64(w, "messages", r->dstats.messages);
	sw_u64(w, "recv_calls", r->dstats.recv_calls);
	sw_u64(w, "bytes", r->dstats.bytes);
	sw_u64(w, "malformed", r->dstats.malformed);
	sw_u64(w, "duplicates_dropped", r->socks.dup_dropped);
	sw_close(w, '}');
}

static void write_names(struct sw *w, const struct report *r)
{
	sw_open(w, "ifnames", '[');
	for (size_t i = 0; i < r->nifnames; i++) {
		sw_open(w, NULL, '{');
		sw_u64(w, "index", r->ifnames[i].index);
		sw_text(w, "name", r->ifnames[i].name);
		sw_close(w, '}');
	}
	sw_close(w, ']');
	if (!r->users) {
		sw_null(w, "users");
		return;
	}
	sw_open(w, "users", '[');
	for (size_t i = 0; i < r->nusers; i++) {
		sw_open(w, NULL, '{');
		sw_u64(w, "uid", r->users[i].uid);
		sw_text_nz(w, "name", r->users[i].name);
		sw_close(w, '}');
	}
	sw_close(w, ']');
}

static void write_netns(struct sw *w, const struct report *r)
{
	sw_open(w, "netns", '[');
	for (size_t i = 0; i < r->nnetns; i++) {
		const struct netns_ent *ns = &r->netns[i];

		sw_open_line(w, '{');
		sw_u64_nz(w, "ino", ns->ino);
		sw_text_nz(w, "name", ns->name);
		sw_u64_nz(w, "pid", (uint64_t)(int64_t)ns->pid);
		sw_u64_nz(w, "skipped", (uint64_t)(int64_t)ns->skipped);
		sw_maybe(w, "inuse", ns->inuse);
		sw_maybe(w, "tw", ns->tw);
		write_sysctls(w, "sysctl", &ns->sysctl);
		sw_close(w, '}');
	}
	sw_close(w, ']');
}

static void write_cgroups(struct sw *w, const struct report *r)
{
	const struct cgroups *cg = &r->cg;

	if (!r->cg_resolved) {
		sw_null(w, "cgroups");
		return;
	}
	sw_open(w, "cgroups", '{');
	sw_text_nz(w, "v2_mount", cg->v2_mount);
	sw_text_nz(w, "v1_memory_mount", cg->v1_memory_mount);
	sw_open(w, "entries", '[');
	for (size_t i = 0; i < cg->n; i++) {
		sw_open_line(w, '{');
		sw_u64_str(w, "id", cg->v[i].id);
		sw_text_nz(w, "path", cg->v[i].path);
		sw_maybe(w, "memcg_sock_bytes", cg->v[i].memcg_sock_bytes);
		sw_maybe(w, "v1_tcp_bytes", cg->v[i].v1_tcp_bytes);
		sw_close(w, '}');
	}
	sw_close(w, ']');
	sw_open(w, "nodes", '[');
	for (size_t i = 0; i < cg->nnodes; i++) {
		sw_open_line(w, '{');
		sw_u64_str(w, "id", cg->nodes[i].id);
		sw_u64_str(w, "parent", cg->nodes[i].parent);
		sw_close(w, '}');
	}
	sw_close(w, ']');
	sw_open(w, "blind", '[');
	for (size_t i = 0; i < cg->nblind; i++)
		sw_u64_str(w, NULL, cg->blind[i]);
	sw_close(w, ']');
	sw_close(w, '}');
}

static void write_owners(struct sw *w, const struct report *r)
{
	const struct owners *o = &r->owners;

	if (!r->owners_scanned) {
		sw_null(w, "owners");
		return;
	}
	sw_open(w, "owners", '{');
	sw_u64(w, "procs_scanned", o->procs_scanned);
	sw_u64(w, "procs_denied", o->procs_denied);
	sw_u64(w, "fds_denied", o->fds_denied);
	sw_u64(w, "procs_gone", o->procs_gone);
	sw_u64(w, "procs_incomplete", o->procs_incomplete);
	sw_u64(w, "task_tables", o->task_tables);
	sw_open(w, "procs", '[');
	for (size_t i = 0; i < o->nprocs; i++) {
		const struct proc_ent *p = &o->procs[i];

		sw_open_line(w, '{');
		sw_u64(w, "pid", (uint64_t)(int64_t)p->pid);
		sw_u64(w, "uid", p->uid);
		sw_text(w, "comm", p->comm);
		sw_maybe(w, "start_time", p->start_time);
		sw_close(w, '}');
	}
	sw_close(w, ']');
	sw_close(w, '}');
}

static void write_addr(struct sw *w, const char *key, int family, const uint8_t *addr)
{
	char a[INET6_ADDRSTRLEN] = "?";

	inet_ntop(family == AF_INET6 ? AF_INET6 : AF_INET, addr, a, sizeof(a));
	sw_ascii(w, key, a);
}

static void write_tcp_info(struct sw *w, const struct sock_rec *s)
{
	if (!s->ti_mask) {
		sw_null(w, "tcp_info");
		return;
	}
	sw_open(w, "tcp_info", '{');
	for (int i = 0; i < TI_N; i++) {
		const char *k = diag_ti_fields[i].name;

		if (!sock_has_ti(s, (enum ti)i))
			sw_null(w, k);
		else if (diag_ti_fields[i].size == 8)
			sw_u64_str(w, k, s->ti[i]);
		else
			sw_u64(w, k, s->ti[i]);
	}
	sw_close(w, '}');
}

static void write_socket(struct sw *w, const struct report *r, const struct sock_rec *s)
{
	sw_open_line(w, '{');
	sw_u64_str(w, "cookie", s->cookie);
	sw_ascii(w, "family", s->family == AF_INET6 ? "inet6" : "inet");
	sw_u64(w, "state", s->state);
	write_addr(w, "src", s->family, s->saddr);
	sw_u64(w, "sport", s->sport);
	write_addr(w, "dst", s->family, s->daddr);
	sw_u64(w, "dport", s->dport);
	sw_u64(w, "ifindex", s->ifindex);
	sw_u64(w, "inode", s->inode);
	sw_u64(w, "uid", s->uid);
	sw_u64(w, "rqueue", s->rqueue);
	sw_u64(w, "wqueue", s->wqueue);
	sw_u64_nz(w, "netns_ino", s->netns_ino);
	if (s->flags & SOCK_HAS_CGROUP)
		sw_u64_str(w, "cgroup_id", s->cgroup_id);
	else
		sw_null(w, "cgroup_id");
	sw_open(w, "skmem", '[');
	for (int i = 0; i < s->skmem_n && i < SKM_N; i++)
		sw_u64(w, NULL, s->skmem[i]);
	sw_close(w, ']');
	write_tcp_info(w, s);
	if (!r->owners_scanned) {
		sw_null(w, "holders");
	} else {
		sw_open(w, "holders", '[');
		for (uint32_t k = 0; k < s->own_n; k++) {
			const struct owner_link *l = &r->owners.links[s->own_first + k];

			sw_open(w, NULL, '{');
			sw_u64(w, "pid", (uint64_t)(int64_t)r->owners.procs[l->proc].pid);
			sw_u64(w, "fd", (uint64_t)(int64_t)l->fd);
			sw_close(w, '}');
		}
		sw_close(w, ']');
	}
	sw_close(w, '}');
}

void snapshot_emit(struct outbuf *b, const struct report *r)
{
	struct sw w = { b, 0, { false }, false };

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
	sw_open(&w, "sockets", '[');
	for (size_t i = 0; i < r->socks.n; i++)
		write_socket(&w, r, &r->socks.v[i]);
	ob_ch(b, '\n');
	sw_close(&w, ']');
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
