// SPDX-License-Identifier: GPL-2.0-or-later
/* delta.c - what changed between two samples of one host and boot. Pure. */
#include "model/delta.h"

#include "model/findings.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "util/idmap.h"

bool delta_rate(struct maybe change, int64_t ms, double *per_s)
{
	if (!change.has || ms <= 0)
		return false;
	*per_s = (double)change.v / ((double)ms / 1000.0);
	return true;
}

/* new - old of two maybes, absent when either is. */
static struct maybe diff_maybe(struct maybe o, struct maybe n)
{
	int64_t v;

	if (!o.has || !n.has || __builtin_sub_overflow(n.v, o.v, &v))
		return maybe_none();
	return maybe_of(v);
}

/* A counter's change: absent when it went down (reset, another namespace). */
static struct maybe counter_delta(struct maybe o, struct maybe n)
{
	struct maybe d = diff_maybe(o, n);

	return d.has && d.v < 0 ? maybe_none() : d;
}

/* --- sysctls --- */

struct sysctl_def {
	const char *name;
	size_t off; /* of the first struct maybe in struct sysctls */
	unsigned n;
	bool per_netns;
	bool udp; /* compared only when both samples collected UDP */
};

#define SC(name, member, n, ns) { name, offsetof(struct sysctls, member), n, ns, false }
#define SC_UDP(name, member, n, ns) { name, offsetof(struct sysctls, member), n, ns, true }
static const struct sysctl_def sysctl_defs[] = {
	SC("net.ipv4.tcp_mem", tcp_mem, 3, false),
	SC("net.ipv4.tcp_rmem", tcp_rmem, 3, true),
	SC("net.ipv4.tcp_wmem", tcp_wmem, 3, true),
	SC("net.ipv4.tcp_max_orphans", tcp_max_orphans, 1, false),
	SC("net.ipv4.tcp_adv_win_scale", tcp_adv_win_scale, 1, true),
	SC("net.ipv4.tcp_moderate_rcvbuf", tcp_moderate_rcvbuf, 1, true),
	SC("net.core.rmem_max", rmem_max, 1, false),
	SC("net.core.wmem_max", wmem_max, 1, false),
	SC("net.core.rmem_default", rmem_default, 1, false),
	SC("net.core.wmem_default", wmem_default, 1, false),
	SC("net.core.mem_pcpu_rsv", mem_pcpu_rsv, 1, false),
	SC_UDP("net.ipv4.udp_mem", udp_mem, 3, false),
	SC_UDP("net.ipv4.udp_rmem_min", udp_rmem_min, 1, true),
	SC_UDP("net.ipv4.udp_wmem_min", udp_wmem_min, 1, true),
};
#define NSYSCTL_DEFS (sizeof(sysctl_defs) / sizeof(sysctl_defs[0]))

static const struct maybe *sc_vals(const struct sysctls *sc, const struct sysctl_def *def)
{
	return (const struct maybe *)(const void *)((const char *)sc + def->off);
}

static bool maybe_same(struct maybe a, struct maybe b)
{
	return a.has == b.has && (!a.has || a.v == b.v);
}

/* Appends def's change between o and n (if any) to d->sysctls (room for it
 * was allocated). */
static void sysctl_cmp(struct delta *d, const struct sysctl_def *def, uint64_t netns,
		       const struct sysctls *o, const struct sysctls *n)
{
	const struct maybe *a = sc_vals(o, def), *b = sc_vals(n, def);
	struct delta_sysctl *c;
	bool same = true;

	for (unsigned i = 0; i < def->n; i++)
		same = same && maybe_same(a[i], b[i]);
	if (same)
		return;
	c = &d->sysctls[d->nsysctls++];
	c->name = def->name;
	c->netns = netns;
	c->n = def->n;
	for (unsigned i = 0; i < def->n; i++) {
		c->old[i] = a[i];
		c->new[i] = b[i];
	}
}

static const struct netns_ent *ns_find(const struct delta_side *s, uint64_t ino)
{
	for (size_t i = 0; i < s->nnetns; i++)
		if (s->netns[i].ino == ino && !s->netns[i].skipped)
			return &s->netns[i];
	return NULL;
}

const struct sysctls *delta_sysctls(const struct delta_side *s, uint64_t ino)
{
	const struct netns_ent *e = ns_find(s, ino);

	return e ? &e->sysctl : &s->sys->sysctl;
}

static int sysctls_build(struct delta *d, const struct delta_side *o, const struct delta_side *n)
{
	size_t cap = NSYSCTL_DEFS * (n->nnetns + 1);

	d->sysctls = calloc(cap, sizeof(*d->sysctls));
	if (!d->sysctls)
		return -ENOMEM;
	for (size_t k = 0; k < NSYSCTL_DEFS; k++) {
		const struct sysctl_def *def = &sysctl_defs[k];

		if (def->udp && !(o->udp && n->udp))
			continue; /* a side without UDP holds none of its values */
		if (!def->per_netns || !n->nnetns) {
			sysctl_cmp(d, def, 0, &o->sys->sysctl, &n->sys->sysctl);
			continue;
		}
		for (size_t i = 0; i < n->nnetns; i++) {
			const struct netns_ent *ne = &n->netns[i], *oe;

			if (ne->skipped || !(oe = ns_find(o, ne->ino)))
				continue; /* a namespace of one sample only */
			sysctl_cmp(d, def, ne->ino, &oe->sysctl, &ne->sysctl);
		}
	}
	return 0;
}

/* --- groups --- */

/* Map keys of the group identities: pids are below 2^31, the rows
 * without a process above 2^32. */
#define GK_ROW(proc) ((1ull << 40) + (proc))
/* The rows without a process are the last values of uint32_t. */
#define NROWS		 8
#define ROW_INDEX(proc) (UINT32_MAX - (proc))

static struct delta_gkey gkey_of(const struct delta_side *s, const struct group *g)
{
	struct delta_gkey k = { DG_KEY, 0, maybe_none(), g->key };

	if (s->by != BY_PROCESS)
		return k;
	if (agg_is_proc(g->proc)) {
		const struct proc_ent *p = &s->owners->procs[g->proc];

		k.kind = DG_PROCESS;
		k.pid = p->pid;
		k.start = p->start_time;
		k.key = 0;
	} else {
		k.kind = DG_ROW;
		k.key = g->proc;
	}
	return k;
}

static uint64_t gkey_hash(const struct delta_gkey *k)
{
	switch (k->kind) {
	case DG_PROCESS: return (uint64_t)(uint32_t)k->pid;
	case DG_ROW: return GK_ROW(k->key);
	default: return k->key;
	}
}

/* Same group: same kind and key; a process also by start time (absent on
 * both sides counts as equal: an old snapshot without it). */
static bool gkey_same(const struct delta_gkey *a, const struct delta_gkey *b)
{
	if (a->kind != b->kind)
		return false;
	if (a->kind != DG_PROCESS)
		return a->key == b->key;
	return a->pid == b->pid && maybe_same(a->start, b->start);
}

/* For one side: where each socket's groups are. proc_g[p] is the group of
 * process p, row[ROW_INDEX(r)] that of the row r without a process, keys
 * the --by key groups. Values are indexes into d->groups. */
struct side_map {
	uint32_t *proc_g;
	uint32_t row[NROWS];
	struct idmap keys;
};

static void side_map_free(struct side_map *m)
{
	free(m->proc_g);
	idmap_free(&m->keys);
}

/* Records that side group gi is d->groups[di]. */
static int side_map_set(struct side_map *m, const struct delta_side *s, size_t gi, uint32_t di)
{
	const struct group *g = &s->groups[gi];

	if (s->by != BY_PROCESS)
		return idmap_put(&m->keys, g->key, di, NULL) < 0 ? -ENOMEM : 0;
	if (agg_is_proc(g->proc))
		m->proc_g[g->proc] = di;
	else if (ROW_INDEX(g->proc) < NROWS)
		m->row[ROW_INDEX(g->proc)] = di;
	return 0;
}

static int side_map_init(struct side_map *m, const struct delta_side *s)
{
	size_t np = s->owners ? s->owners->nprocs : 0;

	memset(m, 0, sizeof(*m));
	for (size_t i = 0; i < NROWS; i++)
		m->row[i] = DELTA_NONE;
	m->proc_g = malloc((np + 1) * sizeof(*m->proc_g));
	if (!m->proc_g || idmap_init(&m->keys, s->ngroups) != 0) {
		side_map_free(m);
		return -ENOMEM;
	}
	for (size_t i = 0; i < np; i++)
		m->proc_g[i] = DELTA_NONE;
	return 0;
}

/* Adds 1 to *count_of(group) for each distinct group socket i of side s is in. */
static void count_sock(struct delta *d, const struct side_map *m, const struct delta_side *s,
		       size_t i, bool opened)
{
	const struct sock_rec *r = &s->socks->v[i];
	uint32_t di, last = UINT32_MAX;

	if (s->by != BY_PROCESS) {
		if (idmap_get(&m->keys, agg_sock_key(r, s->by), &di)) {
			if (opened)
				d->groups[di].opened++;
			else
				d->groups[di].closed++;
		}
		return;
	}
	if (r->own_n == 0) {
		uint32_t row = agg_no_proc_row(r, s->owners && s->owners->walked);

		di = ROW_INDEX(row) < NROWS ? m->row[ROW_INDEX(row)] : DELTA_NONE;
		if (di != DELTA_NONE) {
			if (opened)
				d->groups[di].opened++;
			else
				d->groups[di].closed++;
		}
		return;
	}
	for (uint32_t k = 0; k < r->own_n; k++) {
		uint32_t p = s->owners->links[r->own_first + k].proc;

		if (p == last)
			continue; /* same process, another fd */
		last = p;
		di = m->proc_g[p];
		if (di == DELTA_NONE)
			continue;
		if (opened)
			d->groups[di].opened++;
		else
			d->groups[di].closed++;
	}
}

/* d->groups: the new side's groups in order, then the old side's that
 * have no match. */
static int groups_build(struct delta *d, const struct delta_side *o, const struct delta_side *n,
			struct side_map *om, struct side_map *nm)
{
	struct idmap idx; /* hash of a new group's key -> its index */
	int err = 0;

	d->groups = calloc(n->ngroups + o->ngroups + 1, sizeof(*d->groups));
	if (!d->groups || idmap_init(&idx, n->ngroups) != 0)
		return -ENOMEM;
	for (size_t i = 0; i < n->ngroups && !err; i++) {
		struct delta_group *g = &d->groups[d->ngroups];

		g->key = gkey_of(n, &n->groups[i]);
		g->old_g = DELTA_NONE;
		g->new_g = (uint32_t)i;
		g->after = maybe_of((int64_t)n->groups[i].s.charged_bytes);
		g->sockets = n->groups[i].s.sockets;
		if (idmap_put(&idx, gkey_hash(&g->key), (uint32_t)d->ngroups, NULL) < 0 ||
		    side_map_set(nm, n, i, (uint32_t)d->ngroups))
			err = -ENOMEM;
		d->ngroups++;
	}
	d->ngroups_new = d->ngroups;
	for (size_t i = 0; i < o->ngroups && !err; i++) {
		struct delta_gkey k = gkey_of(o, &o->groups[i]);
		uint32_t di;
		struct delta_group *g;

		if (!idmap_get(&idx, gkey_hash(&k), &di) || !gkey_same(&k, &d->groups[di].key)) {
			di = (uint32_t)d->ngroups++;
			d->groups[di].key = k;
			d->groups[di].new_g = DELTA_NONE;
			d->groups[di].after = maybe_none();
		}
		g = &d->groups[di];
		g->old_g = (uint32_t)i;
		g->before = maybe_of((int64_t)o->groups[i].s.charged_bytes);
		if (side_map_set(om, o, i, di))
			err = -ENOMEM;
	}
	for (size_t i = 0; i < d->ngroups; i++) {
		struct delta_group *g = &d->groups[i];

		g->charged_delta = (g->after.has ? g->after.v : 0) - (g->before.has ? g->before.v : 0);
	}
	idmap_free(&idx);
	return err;
}

/* --- sockets --- */

static int64_t skm_delta(const struct sock_rec *a, const struct sock_rec *b, enum skm i)
{
	if (!sock_has_skm(a, i) || !sock_has_skm(b, i))
		return 0;
	return (int64_t)b->skmem[i] - (int64_t)a->skmem[i];
}

static struct delta_sock sock_pair(const struct delta_side *o, const struct delta_side *n,
				   uint32_t oi, uint32_t ni)
{
	struct delta_sock x = { oi, ni, 0, 0, 0, 0, 0 };
	const struct sock_rec *a, *b;

	if (oi == DELTA_NONE || ni == DELTA_NONE)
		return x;
	a = &o->socks->v[oi];
	b = &n->socks->v[ni];
	x.charged_delta = (int64_t)sock_charged_bytes(b) - (int64_t)sock_charged_bytes(a);
	x.rb_delta = skm_delta(a, b, SKM_RB);
	x.tb_delta = skm_delta(a, b, SKM_TB);
	x.r_delta = skm_delta(a, b, SKM_R);
	x.d_delta = skm_delta(a, b, SKM_D);
	return x;
}

static int mover_cmp(const void *pa, const void *pb)
{
	const struct delta_sock *a = pa, *b = pb;

	if (a->charged_delta != b->charged_delta)
		return a->charged_delta < b->charged_delta ? 1 : -1;
	if (a->rb_delta != b->rb_delta)
		return a->rb_delta < b->rb_delta ? 1 : -1;
	if (a->r_delta != b->r_delta)
		return a->r_delta < b->r_delta ? 1 : -1;
	return (a->new_i > b->new_i) - (a->new_i < b->new_i);
}

/* Whether a socket's rb or tb differ between the sides; with drops, its d too. */
static bool bufs_changed(const struct delta_sock *x, const struct sock_rec *a,
			 const struct sock_rec *b, bool drops)
{
	return x->rb_delta || x->tb_delta || sock_has_skm(a, SKM_RB) != sock_has_skm(b, SKM_RB) ||
	       (drops && (x->d_delta || sock_has_skm(a, SKM_D) != sock_has_skm(b, SKM_D)));
}

/* Whether socket i of side s is in its view. */
static bool side_keeps(const struct delta_side *s, size_t i)
{
	return !s->keep || s->keep[i];
}

static int socks_build(struct delta *d, const struct delta_side *o, const struct delta_side *n,
		       const struct side_map *om, const struct side_map *nm, size_t movers_max,
		       unsigned lists)
{
	size_t on = o->socks->n, nn = n->socks->n;
	struct idmap oldc;
	unsigned char *seen = calloc(on + 1, 1);
	int err = 0;

	d->movers = malloc((nn + 1) * sizeof(*d->movers));
	d->changed = (lists & DELTA_CHANGED) ? malloc((nn + 1) * sizeof(*d->changed)) : NULL;
	d->opened = (lists & DELTA_OPENED) ? malloc((nn + 1) * sizeof(*d->opened)) : NULL;
	if (!seen || !d->movers || ((lists & DELTA_CHANGED) && !d->changed) ||
	    ((lists & DELTA_OPENED) && !d->opened) || idmap_init(&oldc, on) != 0) {
		free(seen);
		return -ENOMEM;
	}
	for (size_t i = 0; i < on && !err; i++)
		if (side_keeps(o, i) &&
		    idmap_put(&oldc, o->socks->v[i].cookie, (uint32_t)i, NULL) < 0)
			err = -ENOMEM;
	for (size_t i = 0; i < nn && !err; i++) {
		uint32_t oi;
		struct delta_sock x;

		if (!side_keeps(n, i))
			continue;
		if (!idmap_get(&oldc, n->socks->v[i].cookie, &oi)) {
			d->opened_total++;
			count_sock(d, nm, n, i, true);
			if (d->opened)
				d->opened[d->nopened++] = sock_pair(o, n, DELTA_NONE, (uint32_t)i);
			continue;
		}
		seen[oi] = 1;
		d->common++;
		x = sock_pair(o, n, oi, (uint32_t)i);
		d->rb_changed += x.rb_delta != 0;
		d->tb_changed += x.tb_delta != 0;
		/* drops count as a change only with UDP collected, where the
		 * rows show d: TCP-only output is as it was */
		if (d->changed && bufs_changed(&x, &o->socks->v[oi], &n->socks->v[i], n->udp))
			d->changed[d->nchanged++] = x;
		if (x.charged_delta > 0 || x.rb_delta > 0)
			d->movers[d->nmovers++] = x;
	}
	for (size_t i = 0; i < on && !err; i++)
		if (side_keeps(o, i) && !seen[i]) {
			d->closed_total++;
			count_sock(d, om, o, i, false);
		}
	idmap_free(&oldc);
	free(seen);
	if (err)
		return err;
	qsort(d->movers, d->nmovers, sizeof(*d->movers), mover_cmp);
	if (movers_max && d->nmovers > movers_max)
		d->nmovers = movers_max;
	return 0;
}

/* --- findings --- */

static bool has_id(const struct finding *f, size_t n, const char *id)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(f[i].id, id) == 0)
			return true;
	return false;
}

/* Ids of a[] that b[] lacks, each once, into out (room for na). */
static size_t ids_minus(const struct finding *a, size_t na, const struct finding *b, size_t nb,
			const char **out)
{
	size_t k = 0;

	for (size_t i = 0; i < na; i++) {
		bool dup = false;

		for (size_t j = 0; j < k && !dup; j++)
			dup = strcmp(out[j], a[i].id) == 0;
		if (!dup && !has_id(b, nb, a[i].id))
			out[k++] = a[i].id;
	}
	return k;
}

static int findings_build(struct delta *d, const struct delta_side *o, const struct delta_side *n)
{
	d->appeared = malloc((n->nfindings + 1) * sizeof(*d->appeared));
	d->cleared = malloc((o->nfindings + 1) * sizeof(*d->cleared));
	if (!d->appeared || !d->cleared)
		return -ENOMEM;
	d->nappeared = ids_minus(n->findings, n->nfindings, o->findings, o->nfindings, d->appeared);
	d->ncleared = ids_minus(o->findings, o->nfindings, n->findings, n->nfindings, d->cleared);
	return 0;
}

/* The UDP values' changes (both samples collected UDP). */
static void udp_values(struct delta *d, const struct sysinfo *o, const struct sysinfo *n)
{
	d->has_udp = true;
	d->udp_inuse = diff_maybe(o->sockstat.udp_inuse, n->sockstat.udp_inuse);
	d->udp_inuse6 = diff_maybe(o->sockstat.udp_inuse6, n->sockstat.udp_inuse6);
	d->udp_mem_pages = diff_maybe(o->sockstat.udp_mem_pages, n->sockstat.udp_mem_pages);
	for (int i = 0; i < UC_N; i++) {
		d->udp[i] = counter_delta(o->udp[i], n->udp[i]);
		d->udp6[i] = counter_delta(o->udp6[i], n->udp6[i]);
	}
}

int delta_build(const struct delta_side *o, const struct delta_side *n, size_t movers_max,
		unsigned lists, struct delta *d)
{
	struct side_map om, nm;
	int err;

	memset(d, 0, sizeof(*d));
	if (o->by != n->by)
		return -EINVAL;
	d->ms = n->t_ms - o->t_ms;
	d->mem_pages = diff_maybe(o->sys->sockstat.mem_pages, n->sys->sockstat.mem_pages);
	for (int i = 0; i < TX_N; i++)
		d->tcpext[i] = counter_delta(o->sys->tcpext[i], n->sys->tcpext[i]);
	d->pressure_old = o->sys->proto.pressure;
	d->pressure_new = n->sys->proto.pressure;
	if (o->udp && n->udp)
		udp_values(d, o->sys, n->sys);
	if (side_map_init(&om, o))
		return -ENOMEM;
	if (side_map_init(&nm, n)) {
		side_map_free(&om);
		return -ENOMEM;
	}
	err = sysctls_build(d, o, n);
	if (!err)
		err = groups_build(d, o, n, &om, &nm);
	if (!err)
		err = socks_build(d, o, n, &om, &nm, movers_max, lists);
	if (!err)
		err = findings_build(d, o, n);
	side_map_free(&om);
	side_map_free(&nm);
	if (err)
		delta_free(d);
	return err;
}

void delta_free(struct delta *d)
{
	free(d->sysctls);
	free(d->groups);
	free(d->movers);
	free(d->changed);
	free(d->opened);
	free(d->appeared);
	free(d->cleared);
	memset(d, 0, sizeof(*d));
}

static uint64_t abs64(int64_t v)
{
	return v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
}

static int abs_cmp(const void *pa, const void *pb)
{
	const struct delta_group *a = pa, *b = pb;
	uint64_t x = abs64(a->charged_delta), y = abs64(b->charged_delta);
	int64_t ax = a->after.has ? a->after.v : 0, bx = b->after.has ? b->after.v : 0;

	if (x != y)
		return x < y ? 1 : -1;
	if (ax != bx)
		return ax < bx ? 1 : -1;
	if (a->key.kind != b->key.kind)
		return (int)a->key.kind - (int)b->key.kind;
	if (a->key.pid != b->key.pid)
		return a->key.pid < b->key.pid ? -1 : 1;
	if (a->key.key != b->key.key)
		return a->key.key < b->key.key ? -1 : 1;
	return (a->key.start.v > b->key.start.v) - (a->key.start.v < b->key.start.v);
}

void delta_sort_abs(struct delta *d)
{
	qsort(d->groups, d->ngroups, sizeof(*d->groups), abs_cmp);
	d->ngroups_new = 0; /* the new side's order is gone */
}

static bool outside(uint32_t v, const struct maybe lim[3])
{
	return v < (uint64_t)lim[1].v || v > (uint64_t)lim[2].v;
}

/* Absent for sockets without buffers of their own, without the values, or
 * not TCP (tcp_rmem/tcp_wmem do not size UDP buffers). */
static bool has_range(const struct sock_rec *s, const struct sysctls *sc)
{
	return s->protocol == SOCK_PROTO_TCP && sc->tcp_rmem[1].has && sc->tcp_rmem[2].has &&
	       sc->tcp_wmem[1].has && sc->tcp_wmem[2].has && sock_has_skm(s, SKM_TB) &&
	       s->state != SOCK_TCP_TIME_WAIT && s->state != SOCK_TCP_NEW_SYN_RECV;
}

struct maybe delta_locked(const struct sock_rec *s, const struct sysctls *sc)
{
	if (!has_range(s, sc))
		return maybe_none();
	return maybe_of(findings_rcvbuf_locked(s, sc));
}

struct maybe delta_outside(const struct sock_rec *s, const struct sysctls *sc)
{
	if (!has_range(s, sc))
		return maybe_none();
	return maybe_of(!findings_rcvbuf_locked(s, sc) &&
			(outside(s->skmem[SKM_RB], sc->tcp_rmem) ||
			 outside(s->skmem[SKM_TB], sc->tcp_wmem)));
}
