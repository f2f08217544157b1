// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * snapshot.c - writes a snapshot (the collected data) as one JSON document
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

/*
 * The document is written by util/jsonw (one writer for every JSON output),
 * laid out a section per line and one array element per line for the big
 * arrays. These helpers are the snapshot's value conventions: each writes
 * one member, key and value.
 */

/* A count where 0 means absent (pid 0, inode 0 of a namespace). */
static void kv_u64_nz(struct jw *w, const char *key, uint64_t v)
{
	jw_kv_opt_u64(w, key, v != 0, v);
}

static void kv_null(struct jw *w, const char *key)
{
	jw_key(w, key);
	jw_null(w);
}

static void kv_bool(struct jw *w, const char *key, bool v)
{
	jw_key(w, key);
	jw_bool(w, v);
}

/* An unsigned 64-bit kernel value as a decimal string. */
static void kv_u64_str(struct jw *w, const char *key, uint64_t v)
{
	jw_key(w, key);
	jw_u64_str(w, v);
}

/* Untrusted text: a string when it is valid UTF-8, else {"hex": bytes}. */
static void kv_text(struct jw *w, const char *key, const char *s)
{
	jw_key(w, key);
	if (ob_utf8_valid(s)) {
		jw_str(w, s);
		return;
	}
	jw_obj_begin(w);
	jw_key(w, "hex");
	jw_hex(w, s, strlen(s));
	jw_obj_end(w);
}

/* Untrusted text where "" means absent. */
static void kv_text_nz(struct jw *w, const char *key, const char *s)
{
	if (s && s[0])
		kv_text(w, key, s);
	else
		kv_null(w, key);
}

static void kv_maybe_array(struct jw *w, const char *key, const struct maybe *m, size_t n)
{
	jw_key(w, key);
	jw_arr_begin(w, 0);
	for (size_t i = 0; i < n; i++)
		jw_maybe(w, m[i]);
	jw_arr_end(w);
}

/* RFC 3339 UTC, to the second (what collection recorded). */
static void kv_time(struct jw *w, const char *key, time_t t)
{
	char buf[32];
	struct tm tm;

	if (!gmtime_r(&t, &tm) || !strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, sizeof(buf), "%lld", (long long)t);
	jw_kv_str(w, key, buf);
}

/* ---------------------------------------------------------------- sections */

static void write_head(struct jw *w, const struct snapshot *r)
{
	jw_kv_str(w, "schema", SOCKMEM_SCHEMA);
	jw_kv_str(w, "command", "snapshot");
	jw_key(w, "host");
	jw_obj_begin(w);
	kv_text_nz(w, "hostname", r->sys.hostname);
	kv_text_nz(w, "kernel", r->sys.release);
	kv_time(w, "time", r->when);
	jw_kv_u64(w, "page_size", r->page_size);
	kv_u64_nz(w, "ncpu", r->ncpu);
	kv_u64_nz(w, "netns_ino", r->netns_ino);
	jw_obj_end(w);
	kv_text_nz(w, "boot_id", r->sys.boot_id);
}

static void write_ports(struct jw *w, const char *key, const struct port_range *p, size_t n)
{
	jw_key(w, key);
	jw_arr_begin(w, 0);
	for (size_t i = 0; i < n; i++) {
		char buf[32];

		if (p[i].hi != p[i].lo)
			snprintf(buf, sizeof(buf), "%u-%u", (unsigned)p[i].lo, (unsigned)p[i].hi);
		else
			snprintf(buf, sizeof(buf), "%u", (unsigned)p[i].lo);
		jw_str(w, buf);
	}
	jw_arr_end(w);
}

static void write_cidrs(struct jw *w, const char *key, const struct cidr *c, size_t n)
{
	jw_key(w, key);
	jw_arr_begin(w, 0);
	for (size_t i = 0; i < n; i++) {
		char a[INET6_ADDRSTRLEN] = "?", buf[INET6_ADDRSTRLEN + 8];

		inet_ntop(c[i].family == AF_INET6 ? AF_INET6 : AF_INET, c[i].addr, a, sizeof(a));
		snprintf(buf, sizeof(buf), "%s/%u", a, (unsigned)c[i].plen);
		jw_str(w, buf);
	}
	jw_arr_end(w);
}

/* What the dumps were limited to: families and the kernel-side filter. */
static void write_coverage(struct jw *w, const struct snapshot *r)
{
	const struct filter *f = &r->cov.dump;

	jw_key(w, "coverage");
	jw_obj_begin(w);
	jw_key(w, "families");
	jw_arr_begin(w, 0);
	if (r->cov.v4)
		jw_str(w, "inet");
	if (r->cov.v6)
		jw_str(w, "inet6");
	jw_arr_end(w);
	if (r->cov.udp) { /* absent: TCP only (and a snapshot from before UDP) */
		jw_key(w, "protocols");
		jw_arr_begin(w, 0);
		if (!r->cov.no_tcp)
			jw_str(w, "tcp");
		jw_str(w, "udp");
		jw_arr_end(w);
	}
	kv_bool(w, "all_netns", r->all_netns);
	if (r->cov.initial_netns.has)
		kv_bool(w, "initial_netns", r->cov.initial_netns.v != 0);
	else
		kv_null(w, "initial_netns");
	jw_kv_maybe(w, "other_netns", r->cov.other_netns);
	jw_kv_maybe(w, "unreadable_pids", r->cov.unreadable_pids);
	jw_key(w, "states");
	jw_arr_begin(w, 0);
	for (unsigned i = 0; i < 32; i++)
		if (f->states & (1u << i))
			jw_u64(w, i);
	jw_arr_end(w);
	write_ports(w, "sport", f->sport, f->nsport);
	write_ports(w, "dport", f->dport, f->ndport);
	write_cidrs(w, "src", f->src, f->nsrc);
	write_cidrs(w, "dst", f->dst, f->ndst);
	jw_obj_end(w);
}

static void write_sysctls(struct jw *w, const char *key, const struct sysctls *sc, bool udp)
{
	jw_key(w, key);
	jw_obj_begin(w);
	kv_maybe_array(w, "tcp_mem", sc->tcp_mem, 3);
	kv_maybe_array(w, "tcp_rmem", sc->tcp_rmem, 3);
	kv_maybe_array(w, "tcp_wmem", sc->tcp_wmem, 3);
	jw_kv_maybe(w, "tcp_max_orphans", sc->tcp_max_orphans);
	jw_kv_maybe(w, "tcp_adv_win_scale", sc->tcp_adv_win_scale);
	jw_kv_maybe(w, "tcp_moderate_rcvbuf", sc->tcp_moderate_rcvbuf);
	jw_kv_maybe(w, "tcp_notsent_lowat", sc->tcp_notsent_lowat);
	jw_kv_maybe(w, "tcp_shrink_window", sc->tcp_shrink_window);
	jw_kv_maybe(w, "rmem_max", sc->rmem_max);
	jw_kv_maybe(w, "wmem_max", sc->wmem_max);
	jw_kv_maybe(w, "rmem_default", sc->rmem_default);
	jw_kv_maybe(w, "wmem_default", sc->wmem_default);
	jw_kv_maybe(w, "mem_pcpu_rsv", sc->mem_pcpu_rsv);
	if (udp) { /* only when UDP was collected: a TCP-only snapshot is unchanged */
		kv_maybe_array(w, "udp_mem", sc->udp_mem, 3);
		jw_kv_maybe(w, "udp_rmem_min", sc->udp_rmem_min);
		jw_kv_maybe(w, "udp_wmem_min", sc->udp_wmem_min);
	}
	jw_obj_end(w);
}

/* The UDP values: written when UDP was collected, so that a TCP-only
 * snapshot stays what it was before UDP. */
static void write_udp(struct jw *w, const struct sysinfo *si)
{
	const struct sockstat *ss = &si->sockstat;

	jw_key(w, "udp");
	jw_obj_begin(w);
	jw_kv_maybe(w, "inuse", ss->udp_inuse);
	jw_kv_maybe(w, "mem_pages", ss->udp_mem_pages);
	jw_kv_maybe(w, "inuse6", ss->udp_inuse6);
	jw_kv_maybe(w, "memory_pages", si->proto.udp_memory_pages);
	if (si->proto.udp_pressure.has)
		kv_bool(w, "pressure", si->proto.udp_pressure.v != 0);
	else
		kv_null(w, "pressure");
	jw_key(w, "snmp");
	jw_obj_begin(w);
	for (int i = 0; i < UC_N; i++)
		jw_kv_maybe(w, procfs_udp_names[i], si->udp[i]);
	jw_obj_end(w);
	jw_key(w, "snmp6");
	jw_obj_begin(w);
	for (int i = 0; i < UC_N; i++)
		jw_kv_maybe(w, procfs_udp_names[i], si->udp6[i]);
	jw_obj_end(w);
	jw_obj_end(w);
}

static void write_sysinfo(struct jw *w, const struct sysinfo *si, bool udp)
{
	const struct sockstat *ss = &si->sockstat;

	jw_key(w, "sysinfo");
	jw_obj_begin(w);
	jw_key(w, "sockstat");
	jw_obj_begin(w);
	jw_kv_maybe(w, "inuse", ss->inuse);
	jw_kv_maybe(w, "orphan", ss->orphan);
	jw_kv_maybe(w, "tw", ss->tw);
	jw_kv_maybe(w, "alloc", ss->alloc);
	jw_kv_maybe(w, "mem_pages", ss->mem_pages);
	jw_kv_maybe(w, "inuse6", ss->inuse6);
	jw_kv_maybe(w, "sockets_used", ss->sockets_used);
	jw_obj_end(w);
	jw_key(w, "protocols");
	jw_obj_begin(w);
	jw_kv_maybe(w, "memory_pages", si->proto.memory_pages);
	if (si->proto.pressure.has)
		kv_bool(w, "pressure", si->proto.pressure.v != 0);
	else
		kv_null(w, "pressure");
	jw_obj_end(w);
	jw_key(w, "tcpext");
	jw_obj_begin(w);
	for (int i = 0; i < TX_N; i++)
		jw_kv_maybe(w, procfs_tcpext_names[i], si->tcpext[i]);
	jw_obj_end(w);
	write_sysctls(w, "sysctl", &si->sysctl, udp);
	if (si->initial_netns.has)
		kv_bool(w, "initial_netns", si->initial_netns.v != 0);
	else
		kv_null(w, "initial_netns");
	if (udp)
		write_udp(w, si);
	jw_obj_end(w);
}

static void write_dump(struct jw *w, const struct snapshot *r)
{
	jw_key(w, "dump");
	jw_obj_begin(w);
	jw_kv_u64(w, "messages", r->dstats.messages);
	jw_kv_u64(w, "recv_calls", r->dstats.recv_calls);
	jw_kv_u64(w, "bytes", r->dstats.bytes);
	jw_kv_u64(w, "malformed", r->dstats.malformed);
	jw_kv_u64(w, "duplicates_dropped", r->socks.dup_dropped);
	jw_obj_end(w);
}

static void write_names(struct jw *w, const struct snapshot *r)
{
	jw_key(w, "ifnames");
	jw_arr_begin(w, 0);
	for (size_t i = 0; i < r->nifnames; i++) {
		jw_obj_begin(w);
		jw_kv_u64(w, "index", r->ifnames[i].index);
		kv_text(w, "name", r->ifnames[i].name);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	if (!r->users) {
		kv_null(w, "users");
		return;
	}
	jw_key(w, "users");
	jw_arr_begin(w, 0);
	for (size_t i = 0; i < r->nusers; i++) {
		jw_obj_begin(w);
		jw_kv_u64(w, "uid", r->users[i].uid);
		kv_text_nz(w, "name", r->users[i].name);
		jw_obj_end(w);
	}
	jw_arr_end(w);
}

static void write_netns(struct jw *w, const struct snapshot *r)
{
	jw_key(w, "netns");
	jw_arr_begin(w, JW_NL_ELEM);
	for (size_t i = 0; i < r->nnetns; i++) {
		const struct netns_ent *ns = &r->netns[i];

		jw_obj_begin(w);
		kv_u64_nz(w, "ino", ns->ino);
		kv_text_nz(w, "name", ns->name);
		kv_u64_nz(w, "pid", (uint64_t)(int64_t)ns->pid);
		kv_u64_nz(w, "skipped", (uint64_t)(int64_t)ns->skipped);
		jw_kv_maybe(w, "inuse", ns->inuse);
		jw_kv_maybe(w, "tw", ns->tw);
		if (r->cov.udp) { /* as the sysctls: a TCP-only snapshot is unchanged */
			jw_kv_maybe(w, "udp_inuse", ns->udp_inuse);
			jw_kv_maybe(w, "udp_inuse6", ns->udp_inuse6);
		}
		write_sysctls(w, "sysctl", &ns->sysctl, r->cov.udp);
		jw_obj_end(w);
	}
	jw_arr_end(w);
}

static void write_cgroups(struct jw *w, const struct snapshot *r)
{
	const struct cgroups *cg = &r->cg;

	if (!r->cg_resolved) {
		kv_null(w, "cgroups");
		return;
	}
	jw_key(w, "cgroups");
	jw_obj_begin(w);
	kv_text_nz(w, "v2_mount", cg->v2_mount);
	kv_text_nz(w, "v1_memory_mount", cg->v1_memory_mount);
	jw_key(w, "entries");
	jw_arr_begin(w, JW_NL_ELEM);
	for (size_t i = 0; i < cg->n; i++) {
		jw_obj_begin(w);
		kv_u64_str(w, "id", cg->v[i].id);
		kv_text_nz(w, "path", cg->v[i].path);
		jw_kv_maybe(w, "memcg_sock_bytes", cg->v[i].memcg_sock_bytes);
		jw_kv_maybe(w, "v1_tcp_bytes", cg->v[i].v1_tcp_bytes);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_key(w, "nodes");
	jw_arr_begin(w, JW_NL_ELEM);
	for (size_t i = 0; i < cg->nnodes; i++) {
		jw_obj_begin(w);
		kv_u64_str(w, "id", cg->nodes[i].id);
		kv_u64_str(w, "parent", cg->nodes[i].parent);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_key(w, "blind");
	jw_arr_begin(w, 0);
	for (size_t i = 0; i < cg->nblind; i++)
		jw_u64_str(w, cg->blind[i]);
	jw_arr_end(w);
	jw_obj_end(w);
}

static void write_owners(struct jw *w, const struct snapshot *r)
{
	const struct owners *o = &r->owners;

	if (!r->owners_scanned) {
		kv_null(w, "owners");
		return;
	}
	jw_key(w, "owners");
	jw_obj_begin(w);
	jw_kv_u64(w, "procs_scanned", o->procs_scanned);
	jw_kv_u64(w, "procs_denied", o->procs_denied);
	jw_kv_u64(w, "fds_denied", o->fds_denied);
	jw_kv_u64(w, "procs_gone", o->procs_gone);
	jw_kv_u64(w, "procs_incomplete", o->procs_incomplete);
	jw_kv_u64(w, "task_tables", o->task_tables);
	jw_key(w, "procs");
	jw_arr_begin(w, JW_NL_ELEM);
	for (size_t i = 0; i < o->nprocs; i++) {
		const struct proc_ent *p = &o->procs[i];

		jw_obj_begin(w);
		jw_kv_u64(w, "pid", (uint64_t)(int64_t)p->pid);
		jw_kv_u64(w, "uid", p->uid);
		kv_text(w, "comm", p->comm);
		jw_kv_maybe(w, "start_time", p->start_time);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_obj_end(w);
}

static void write_addr(struct jw *w, const char *key, int family, const uint8_t *addr)
{
	char a[INET6_ADDRSTRLEN] = "?";

	inet_ntop(family == AF_INET6 ? AF_INET6 : AF_INET, addr, a, sizeof(a));
	jw_kv_str(w, key, a);
}

static void write_tcp_info(struct jw *w, const struct sock_rec *s)
{
	if (!s->ti_mask) {
		kv_null(w, "tcp_info");
		return;
	}
	jw_key(w, "tcp_info");
	jw_obj_begin(w);
	for (int i = 0; i < TI_N; i++) {
		const char *k = diag_ti_fields[i].name;

		if (!sock_has_ti(s, (enum ti)i))
			kv_null(w, k);
		else if (diag_ti_fields[i].size == 8)
			kv_u64_str(w, k, s->ti[i]);
		else
			jw_kv_u64(w, k, s->ti[i]);
	}
	jw_obj_end(w);
}

static void write_socket(struct jw *w, const struct snapshot *r, const struct sock_rec *s)
{
	jw_obj_begin(w);
	kv_u64_str(w, "cookie", s->cookie);
	if (r->cov.udp) /* absent: tcp */
		jw_kv_str(w, "protocol", sock_proto_name(s->protocol));
	jw_kv_str(w, "family", s->family == AF_INET6 ? "inet6" : "inet");
	jw_kv_u64(w, "state", s->state);
	write_addr(w, "src", s->family, s->saddr);
	jw_kv_u64(w, "sport", s->sport);
	write_addr(w, "dst", s->family, s->daddr);
	jw_kv_u64(w, "dport", s->dport);
	jw_kv_u64(w, "ifindex", s->ifindex);
	jw_kv_u64(w, "inode", s->inode);
	jw_kv_u64(w, "uid", s->uid);
	jw_kv_u64(w, "rqueue", s->rqueue);
	jw_kv_u64(w, "wqueue", s->wqueue);
	kv_u64_nz(w, "netns_ino", s->netns_ino);
	if (s->flags & SOCK_HAS_CGROUP)
		kv_u64_str(w, "cgroup_id", s->cgroup_id);
	else
		kv_null(w, "cgroup_id");
	jw_key(w, "skmem");
	jw_arr_begin(w, 0);
	for (int i = 0; i < s->skmem_n && i < SKM_N; i++)
		jw_u64(w, s->skmem[i]);
	jw_arr_end(w);
	write_tcp_info(w, s);
	if (!r->owners_scanned) {
		kv_null(w, "holders");
	} else {
		jw_key(w, "holders");
		jw_arr_begin(w, 0);
		for (uint32_t k = 0; k < s->own_n; k++) {
			const struct owner_link *l = &r->owners.links[s->own_first + k];

			jw_obj_begin(w);
			jw_kv_u64(w, "pid", (uint64_t)(int64_t)r->owners.procs[l->proc].pid);
			jw_kv_u64(w, "fd", (uint64_t)(int64_t)l->fd);
			jw_obj_end(w);
		}
		jw_arr_end(w);
	}
	jw_obj_end(w);
}

void snapshot_emit(struct outbuf *b, const struct snapshot *r)
{
	struct jw w;

	jw_init(&w, b);
	jw_obj_begin(&w);
	write_head(&w, r);
	jw_nl(&w);
	write_coverage(&w, r);
	jw_nl(&w);
	write_sysinfo(&w, &r->sys, r->cov.udp);
	jw_nl(&w);
	write_dump(&w, r);
	jw_nl(&w);
	write_names(&w, r);
	jw_nl(&w);
	write_netns(&w, r);
	jw_nl(&w);
	write_cgroups(&w, r);
	jw_nl(&w);
	write_owners(&w, r);
	jw_nl(&w);
	jw_key(&w, "sockets");
	jw_arr_begin(&w, JW_LINES);
	for (size_t i = 0; i < r->socks.n; i++)
		write_socket(&w, r, &r->socks.v[i]);
	jw_arr_end(&w);
	jw_obj_end(&w);
	jw_end(&w); /* a misuse or imbalance fails b */
}

int snapshot_write(const struct snapshot *r, FILE *f)
{
	struct outbuf b;

	if (ob_init(&b, f))
		return -ENOMEM;
	snapshot_emit(&b, r);
	return ob_finish(&b);
}
