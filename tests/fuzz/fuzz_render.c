// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_render.c - libFuzzer target for whole-document rendering: every
 * command in every format through out_render, over views of snapshots
 * built from the input the way collect_live and view_build build them.
 *
 * The collected parts come from the input, each within what its collector
 * can hand over (sock_rec as diag_parse fills it, sock_table_add's dedup,
 * owners as owners_walk finds them then owners_join, sysinfo values as the
 * /proc parsers give them, absent ones included, hostname/comm/netns names/
 * cgroup paths/user names as arbitrary bytes); the view (-4 or not, as
 * the input picks: a keep-mask over the sockets) and its derived parts
 * (totals, reconciliation, groups, sort, findings) come from view_build,
 * for the command the input picks.
 *
 * Checks per document: out_render succeeds; JSON is one document that
 * jansson parses (duplicate members rejected), with the right schema and
 * command, and for sockets and top no negative number (all are unsigned
 * kernel values or their sums); TSV lines of one block (blocks end at an empty line) have one
 * field count and no control byte but tab; a table has only printable
 * ASCII and newlines. Then one document goes to a FILE that fills up, which
 * must end in an error, not a crash.
 */
#include <errno.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cmd/cmds.h"
#include "collect/owners.h"
#include "render/out.h"
#include "model/view.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c)                         \
	do {                             \
		if (!(c))                \
			__builtin_trap(); \
	} while (0)

#define MAX_SOCKS 48
#define MAX_PROCS 8
#define MAX_LINKS 64
#define MAX_NETNS 4

/* ---- input ---- */

struct in {
	const uint8_t *p;
	size_t left;
};

static uint64_t take(struct in *in, size_t n)
{
	uint64_t v = 0;

	for (size_t i = 0; i < n && in->left; i++, in->p++, in->left--)
		v |= (uint64_t)*in->p << (8 * i);
	return v;
}

#define u8(in)	((uint8_t)take(in, 1))
#define u16(in) ((uint16_t)take(in, 2))
#define u32(in) ((uint32_t)take(in, 4))
#define u64(in) take(in, 8)

/* Up to max bytes of text with no NUL (length byte first), NUL-terminated. */
static void take_text(struct in *in, char *out, size_t max)
{
	size_t n = u8(in) % (max + 1), k = 0;

	for (size_t i = 0; i < n && in->left; i++) {
		char c = (char)u8(in);

		if (c)
			out[k++] = c;
	}
	out[k] = '\0';
}

/* A value as num_i64_prefix can give it ([-INT64_MAX, INT64_MAX]), or absent:
 * selector 0 absent, 1 a byte around zero, 2 an int32, 3 any int64. */
static struct maybe take_maybe(struct in *in)
{
	int64_t v;

	switch (u8(in) % 4) {
	case 0: return maybe_none();
	case 1: v = (int64_t)u8(in) - 64; break;
	case 2: v = (int32_t)u32(in); break;
	default: v = (int64_t)u64(in); break;
	}
	return maybe_of(v == INT64_MIN ? -INT64_MAX : v);
}

/* A yes/no from /proc/net/protocols ("NI" is absent). */
static struct maybe take_bool(struct in *in)
{
	uint8_t b = u8(in) % 3;

	return b == 2 ? maybe_none() : maybe_of(b);
}

static void take_sysctls(struct in *in, struct sysctls *sc)
{
	for (int i = 0; i < 3; i++) {
		sc->tcp_mem[i] = take_maybe(in);
		sc->tcp_rmem[i] = take_maybe(in);
		sc->tcp_wmem[i] = take_maybe(in);
	}
	sc->tcp_max_orphans = take_maybe(in);
	sc->tcp_adv_win_scale = take_maybe(in);
	sc->tcp_moderate_rcvbuf = take_maybe(in);
	sc->rmem_max = take_maybe(in);
	sc->wmem_max = take_maybe(in);
	sc->rmem_default = take_maybe(in);
	sc->wmem_default = take_maybe(in);
	sc->mem_pcpu_rsv = take_maybe(in);
}

static void take_sysinfo(struct in *in, struct sysinfo *si)
{
	struct sockstat *ss = &si->sockstat;

	ss->inuse = take_maybe(in);
	ss->orphan = take_maybe(in);
	ss->tw = take_maybe(in);
	ss->alloc = take_maybe(in);
	ss->mem_pages = take_maybe(in);
	ss->inuse6 = take_maybe(in);
	ss->sockets_used = take_maybe(in);
	si->proto.memory_pages = take_maybe(in);
	si->proto.pressure = take_bool(in);
	for (int i = 0; i < TX_N; i++)
		si->tcpext[i] = take_maybe(in);
	take_sysctls(in, &si->sysctl);
	take_text(in, si->hostname, sizeof(si->hostname) - 1);
	take_text(in, si->release, sizeof(si->release) - 1);
}

/* One record as diag_parse leaves it (family, zeroed tails, masks). */
static void take_sock(struct in *in, struct sock_rec *s, size_t idx, const uint64_t *inos,
		      size_t ninos)
{
	uint8_t f = u8(in);
	uint16_t tmask = u16(in) & ((1u << TI_N) - 1);

	memset(s, 0, sizeof(*s));
	s->family = f & 1 ? AF_INET6 : AF_INET;
	s->state = u8(in);
	s->sport = u16(in);
	s->dport = u16(in);
	if (f & 2) { /* full addresses from the input */
		for (int i = 0; i < 16; i++)
			s->saddr[i] = u8(in);
		for (int i = 0; i < 16; i++)
			s->daddr[i] = u8(in);
	} else { /* 127.0.0.x or ::ffff:127.0.0.x */
		uint8_t *a[2] = { s->saddr, s->daddr };

		for (int k = 0; k < 2; k++) {
			uint8_t *p = s->family == AF_INET ? a[k] : a[k] + 12;

			if (s->family == AF_INET6)
				a[k][10] = a[k][11] = 0xff;
			p[0] = 127;
			p[3] = u8(in);
		}
	}
	if (s->family == AF_INET) {
		memset(s->saddr + 4, 0, 12);
		memset(s->daddr + 4, 0, 12);
	}
	s->ifindex = f & 4 ? u8(in) % 4 : 0;
	/* cookies from a small pool, so that some repeat (a re-dumped socket,
	 * dropped by the dedup); inodes unique, or 0 (no file) */
	s->cookie = f & 8 ? u64(in) : u8(in) % 64;
	s->inode = f & 16 ? 0 : 1000 + (uint32_t)idx;
	s->uid = f & 32 ? u32(in) : u8(in) % 4;
	s->rqueue = u32(in);
	s->wqueue = u32(in);
	s->skmem_n = (uint8_t)(u8(in) % (SKM_N + 1));
	for (int i = 0; i < s->skmem_n; i++)
		s->skmem[i] = u8(in) & 1 ? u32(in) : (uint32_t)u8(in) << 12;
	for (int i = 0; i < TI_N; i++)
		if ((tmask >> i) & 1)
			s->ti[i] = diag_ti_fields[i].size == 8 ? u64(in) : u32(in);
	s->ti_mask = tmask;
	if (f & 64) {
		s->flags |= SOCK_HAS_CGROUP;
		s->cgroup_id = u8(in) % 8 == 7 ? u64(in) : u8(in) % 8;
	}
	s->netns_ino = ninos ? inos[u8(in) % ninos] : 0;
}

/* What owners_walk hands owners_join: unique pids, links by inode. */
static int take_owners(struct in *in, struct owners *o, const struct sock_table *t)
{
	size_t np = u8(in) % (MAX_PROCS + 1), nl = u8(in) % (MAX_LINKS + 1);

	o->procs = calloc(np + 1, sizeof(*o->procs));
	o->links = calloc(nl + 1, sizeof(*o->links));
	if (!o->procs || !o->links)
		return -ENOMEM;
	o->procs_cap = np + 1;
	o->links_cap = nl + 1;
	for (size_t i = 0; i < np; i++) {
		struct proc_ent *p = &o->procs[i];

		/* distinct positive pids, in no particular order */
		p->pid = (int32_t)((i + 1) * 7919u + (u16(in) % 8u) * 65536u);
		p->uid = u8(in) % 3 ? u8(in) : u32(in);
		take_text(in, p->comm, sizeof(p->comm) - 1);
	}
	o->nprocs = np;
	for (size_t i = 0; np && i < nl; i++) {
		uint8_t pick = u8(in);

		o->links[i].sock = t->n && pick < 200 ? t->v[pick % t->n].inode : u32(in);
		o->links[i].proc = u8(in) % (uint32_t)np;
		o->links[i].fd = (int32_t)(u16(in) & 0x7fff);
		o->nlinks++;
	}
	o->procs_scanned = u16(in);
	o->procs_denied = u8(in) % 4 ? 0 : u16(in);
	o->fds_denied = u8(in) % 4 ? 0 : u16(in);
	o->procs_gone = u8(in);
	return owners_join(o, (struct sock_table *)t);
}

static int id_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* What cgroup_resolve leaves: one entry per distinct id, sorted; a path
 * or none, and the memory controller's values or none. */
static int take_cgroups(struct in *in, struct cgroups *cg, const struct sock_table *t)
{
	uint64_t ids[MAX_SOCKS];
	size_t n = 0;

	for (size_t i = 0; i < t->n; i++)
		if (t->v[i].flags & SOCK_HAS_CGROUP)
			ids[n++] = t->v[i].cgroup_id;
	qsort(ids, n, sizeof(ids[0]), id_cmp);
	cg->v = calloc(n + 1, sizeof(*cg->v));
	if (!cg->v)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		struct cgroup_ent *e;
		char path[128];

		if (cg->n && cg->v[cg->n - 1].id == ids[i])
			continue;
		e = &cg->v[cg->n++];
		e->id = ids[i];
		if (u8(in) % 4) {
			path[0] = '/';
			take_text(in, path + 1, sizeof(path) - 2);
			e->path = strdup(path);
			if (!e->path)
				return -ENOMEM;
		}
		e->memcg_sock_bytes = take_maybe(in);
		e->v1_tcp_bytes = take_maybe(in);
	}
	snprintf(cg->v2_mount, sizeof(cg->v2_mount), "/sys/fs/cgroup");
	return 0;
}

static int take_netns(struct in *in, struct snapshot *r)
{
	size_t n = r->all_netns ? 1 + u8(in) % MAX_NETNS : 1;

	r->netns = calloc(n, sizeof(*r->netns));
	if (!r->netns)
		return -ENOMEM;
	r->nnetns = n;
	for (size_t i = 0; i < n; i++) {
		struct netns_ent *e = &r->netns[i];

		/* distinct inodes: ours, then one range of 256 per entry */
		e->ino = i == 0 ? r->netns_ino : 4026532000u + 256u * i + u8(in);
		if (u8(in) & 1)
			take_text(in, e->name, sizeof(e->name) - 1);
		if (i == 0) {
			/* our own: the values read at the start */
			e->sysctl = r->sys.sysctl;
			e->inuse = r->sys.sockstat.inuse;
			e->tw = r->sys.sockstat.tw;
			continue;
		}
		e->skipped = u8(in) % 4 == 0 ? 1 + u8(in) % 133 : 0;
		e->pid = (int32_t)u16(in);
		if (e->skipped)
			continue;
		take_sysctls(in, &e->sysctl);
		e->inuse = take_maybe(in);
		e->tw = take_maybe(in);
	}
	return 0;
}

/* ---- checks ---- */

/* Whether any number in j is negative. */
static int has_negative(json_t *j)
{
	const char *key;
	json_t *v;
	size_t i;

	if (json_is_number(j))
		return json_number_value(j) < 0;
	if (json_is_object(j)) {
		json_object_foreach(j, key, v)
			if (has_negative(v))
				return 1;
	} else if (json_is_array(j)) {
		json_array_foreach(j, i, v)
			if (has_negative(v))
				return 1;
	}
	return 0;
}

static void check_json(const char *doc, size_t len, enum cmd cmd)
{
	json_error_t err;
	json_t *j = json_loadb(doc, len, JSON_REJECT_DUPLICATES | JSON_DECODE_INT_AS_REAL, &err);

	if (!j) {
		fprintf(stderr, "invalid JSON (%s at %d:%d, pos %d):\n%.*s\n", err.text, err.line,
			err.column, err.position, (int)len, doc);
		__builtin_trap();
	}
	const char *schema = json_string_value(json_object_get(j, "schema"));
	const char *command = json_string_value(json_object_get(j, "command"));

	CHECK(len >= 2 && doc[len - 1] == '\n' && doc[len - 2] == '}');
	CHECK(json_is_object(j));
	CHECK(schema && strcmp(schema, SOCKMEM_SCHEMA) == 0);
	CHECK(command && strcmp(command, cmd_get(cmd)->name) == 0);
	/* sockets and top hold unsigned kernel values and sums only */
	if ((cmd == CMD_SOCKETS || cmd == CMD_TOP) && has_negative(j)) {
		fprintf(stderr, "negative number in %s -j:\n%.*s\n", command, (int)len, doc);
		__builtin_trap();
	}
	json_decref(j);
}

static void check_tsv(const char *doc, size_t len)
{
	long fields = -1;

	CHECK(len == 0 || doc[len - 1] == '\n');
	for (size_t i = 0; i < len;) {
		const char *nl = memchr(doc + i, '\n', len - i);
		size_t end = (size_t)(nl - doc);
		long f = 1;

		if (end == i) { /* an empty line ends a block */
			fields = -1;
			i++;
			continue;
		}
		for (size_t k = i; k < end; k++) {
			unsigned char c = (unsigned char)doc[k];

			if (c == '\t')
				f++;
			else if (c < 0x20 || c == 0x7f) {
				fprintf(stderr, "TSV control byte 0x%02x in: %.*s\n", c,
					(int)(end - i), doc + i);
				__builtin_trap();
			}
		}
		if (fields >= 0 && f != fields) {
			fprintf(stderr, "TSV line with %ld fields, block has %ld: %.*s\n", f, fields,
				(int)(end - i), doc + i);
			__builtin_trap();
		}
		fields = f;
		i = end + 1;
	}
}

static void check_table(const char *doc, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)doc[i];

		if (c != '\n' && (c < 0x20 || c > 0x7e)) {
			size_t from = i > 60 ? i - 60 : 0;

			fprintf(stderr, "table byte 0x%02x at %zu: ...%.*s\n", c, i, (int)(i - from),
				doc + from);
			__builtin_trap();
		}
	}
	CHECK(len == 0 || doc[len - 1] == '\n');
}

static void render_check(const struct view *v, struct opts *o)
{
	char *doc = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&doc, &len);

	CHECK(f != NULL);
	CHECK(out_render(v, o, f) == 0);
	CHECK(fclose(f) == 0);
	if (o->fmt == FMT_JSON)
		check_json(doc, len, o->cmd);
	else if (o->fmt == FMT_TSV)
		check_tsv(doc, len);
	else
		check_table(doc, len);
	free(doc);
}

/* A FILE with room for only cap bytes: the render must fail cleanly. */
static void render_full(const struct view *v, const struct opts *o, size_t cap)
{
	static char buf[4096];
	FILE *f = fmemopen(buf, cap, "w");
	int ret;

	if (!f)
		return;
	setvbuf(f, NULL, _IONBF, 0);
	ret = out_render(v, o, f);
	CHECK(ret == 0 || (ret < 0 && ret > -4096));
	fclose(f);
}

/* Names from the passwd database (any bytes, or none) for the sockets'
 * uids, as collect_live looks them up: sorted by uid, each once. */
static int take_users(struct in *in, struct snapshot *r)
{
	r->users = calloc(r->socks.n + 1, sizeof(*r->users));
	if (!r->users)
		return -1;
	for (size_t i = 0; i < r->socks.n; i++) {
		uint32_t uid = r->socks.v[i].uid;
		size_t k = 0;

		while (k < r->nusers && r->users[k].uid < uid)
			k++;
		if (k < r->nusers && r->users[k].uid == uid)
			continue;
		memmove(&r->users[k + 1], &r->users[k], (r->nusers - k) * sizeof(*r->users));
		r->users[k].uid = uid;
		take_text(in, r->users[k].name, sizeof(r->users[k].name) - 1);
		r->nusers++;
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint64_t page_sizes[] = { 4096, 16384, 65536 };
	struct in in = { data, size };
	struct snapshot r;
	struct view v;
	struct report_err e;
	struct opts o;
	uint64_t inos[MAX_NETNS];
	uint8_t flags;
	size_t nsock;

	memset(&r, 0, sizeof(r));
	memset(&v, 0, sizeof(v));
	memset(&o, 0, sizeof(o));
	flags = u8(&in);
	o.by = (enum group_by)(u8(&in) % 6);
	o.sort = (enum agg_sort)(u8(&in) % 10);
	o.top_n = u8(&in) % 8;
	o.numeric = flags & 1;
	o.no_header = flags & 2;
	o.want_v4 = true;
	o.want_v6 = !(flags & 128); /* -4: a view that leaves IPv6 sockets out */
	o.find.unsent_min = u8(&in) % 2 ? FIND_DEFAULT_UNSENT_MIN : u32(&in);
	o.find.zero_window = u8(&in) % 2 ? FIND_DEFAULT_ZERO_WINDOW : (int64_t)u32(&in);
	o.find.unread_min = u8(&in) % 2 ? FIND_DEFAULT_UNREAD_MIN : u32(&in);

	r.when = (time_t)u32(&in);
	r.page_size = page_sizes[u8(&in) % 3];
	r.ncpu = u8(&in) % 2 ? 0 : u16(&in);
	r.netns_ino = u8(&in) % 4 ? 4026531840u + u8(&in) : 0;
	r.all_netns = flags & 4;
	r.dump_filtered = flags & 8;
	r.dstats.malformed = flags & 16 ? 1 : 0;
	take_sysinfo(&in, &r.sys);
	if (take_netns(&in, &r))
		goto out;
	for (size_t i = 0; i < r.nnetns && i < MAX_NETNS; i++)
		inos[i] = r.netns[i].skipped ? r.netns_ino : r.netns[i].ino;

	r.ifnames = calloc(2, sizeof(*r.ifnames));
	if (!r.ifnames)
		goto out;
	r.ifnames[0] = (struct ifname){ 1, "lo" };
	r.ifnames[1] = (struct ifname){ 2, "veth-a.b@c_1" };
	r.nifnames = 2;

	nsock = u8(&in) % (MAX_SOCKS + 1);
	for (size_t i = 0; i < nsock; i++) {
		struct sock_rec s;

		take_sock(&in, &s, i, inos, r.nnetns);
		if (sock_table_add(&r.socks, &s) < 0)
			goto out;
	}
	if (flags & 32) {
		if (take_owners(&in, &r.owners, &r.socks))
			goto out;
		r.owners_scanned = true;
	}
	if (o.by == BY_CGROUP) {
		if (take_cgroups(&in, &r.cg, &r.socks))
			goto out;
		r.cg_resolved = true;
	}

	/* one command per input (each render allocates its 256 KiB buffer,
	 * which ASan maps and unmaps: every command each time is 5x slower) */
	o.cmd = (enum cmd)(u8(&in) % 5);
	o.cmd_name = cmd_get(o.cmd)->name;
	if (o.by == BY_USER && take_users(&in, &r))
		goto out;
	CHECK(view_build(&r, &o, &v, &e) == 0);
	for (int f = FMT_TABLE; f <= FMT_JSON; f++) {
		o.fmt = (enum fmt)f;
		render_check(&v, &o);
	}
	if (flags & 64) {
		o.fmt = (enum fmt)(u8(&in) % 3);
		render_full(&v, &o, 1 + u16(&in) % 4096);
	}
out:
	view_free(&v);
	snapshot_free(&r);
	return 0;
}
