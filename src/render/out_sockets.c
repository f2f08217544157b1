// SPDX-License-Identifier: GPL-2.0-or-later
/* out_sockets.c - the `sockets` view: one row or object per TCP socket. */
#include "render/out.h"

#include <string.h>
#include <sys/socket.h>

static const char *const skm_keys[SKM_N] = { "r", "rb", "t", "tb", "f", "w", "o", "bl", "d" };

/* Table shows at most this many holders per socket; TSV and JSON show all. */
#define TABLE_OWNERS 3

enum {
	C_STATE,
	C_RECVQ,
	C_SENDQ,
	C_LOCAL,
	C_PEER,
	C_SKM, /* SKM_N columns */
	C_CHARGED = C_SKM + SKM_N,
	C_TI, /* TI_N columns */
	C_INODE = C_TI + TI_N,
	C_UID,
	C_COOKIE,
	C_FAMILY,
	C_CGROUP,
	C_NETNS,
	C_OWNERS,
	C_N
};

static void init_cols(struct col *c)
{
	c[C_STATE] = (struct col){ "state", "State", 1 };
	c[C_RECVQ] = (struct col){ "recv_q", "Recv-Q", 0 };
	c[C_SENDQ] = (struct col){ "send_q", "Send-Q", 0 };
	c[C_LOCAL] = (struct col){ "local", "Local", 1 };
	c[C_PEER] = (struct col){ "peer", "Peer", 1 };
	for (int i = 0; i < SKM_N; i++)
		c[C_SKM + i] = (struct col){ skm_keys[i], skm_keys[i], 0 };
	c[C_CHARGED] = (struct col){ "charged_bytes", "charged", 0 };
	for (int i = 0; i < TI_N; i++)
		c[C_TI + i] = (struct col){ diag_ti_fields[i].name, diag_ti_fields[i].name, 0 };
	c[C_INODE] = (struct col){ "inode", "inode", 0 };
	c[C_UID] = (struct col){ "uid", "uid", 0 };
	c[C_COOKIE] = (struct col){ "cookie", "cookie", 0 };
	c[C_FAMILY] = (struct col){ "family", "family", 1 };
	c[C_CGROUP] = (struct col){ "cgroup_id", "cgroup", 0 };
	c[C_NETNS] = (struct col){ "netns", "netns", 0 };
	c[C_OWNERS] = (struct col){ "owners", "owners", 1 };
}

/* Whether tcp_info field i is a byte count (human units in tables);
 * rtt/rttvar are microseconds and the MSS fields stay exact. */
static int ti_is_bytes(int i)
{
	return i != TI_RTT && i != TI_RTTVAR && i != TI_RCV_MSS && i != TI_SND_MSS;
}

void out_json_endpoints(struct jw *w, const struct report *r, const struct sock_rec *s)
{
	char buf[SOCK_ENDPOINT_MAX];

	sock_fmt_endpoint(buf, sizeof(buf), s->family, s->saddr, s->sport, report_ifname(r, s));
	jw_kv_str(w, "local", buf);
	sock_fmt_endpoint(buf, sizeof(buf), s->family, s->daddr, s->dport, NULL);
	jw_kv_str(w, "peer", buf);
}

/* Appends "addr:port" for one end of s to b. */
static void put_endpoint(struct outbuf *b, const struct report *r, const struct sock_rec *s,
			 int peer)
{
	char buf[SOCK_ENDPOINT_MAX];
	const char *ifn = peer ? NULL : report_ifname(r, s);

	sock_fmt_endpoint(buf, sizeof(buf), s->family, peer ? s->daddr : s->saddr,
			  peer ? s->dport : s->sport, ifn);
	ob_str(b, buf);
}

/* Holder list "comm/pid/fd,...": comm escaped, with ',' and '/' as \xHH. */
static void put_owners(struct outbuf *b, const struct report *r, const struct sock_rec *s,
		       enum fmt fmt)
{
	uint32_t n = s->own_n;

	if (fmt == FMT_TABLE && n > TABLE_OWNERS)
		n = TABLE_OWNERS;
	for (uint32_t k = 0; k < n; k++) {
		const struct owner_link *l = &r->owners.links[s->own_first + k];
		const struct proc_ent *p = &r->owners.procs[l->proc];

		if (k)
			ob_ch(b, ',');
		out_untrusted(b, fmt, p->comm, ",/");
		ob_ch(b, '/');
		ob_i64(b, p->pid);
		ob_ch(b, '/');
		ob_i64(b, l->fd);
	}
	if (n < s->own_n) {
		ob_str(b, ",+");
		ob_u64(b, s->own_n - n);
	}
}

/* A CELL_RAW whose text is scratch[start..len). */
static struct cell raw_since(const struct outbuf *scratch, size_t start)
{
	struct cell c = { CELL_RAW, 0, 0, NULL };

	c.u = (uint64_t)(scratch->len - start) << 32 | start;
	return c;
}

static void sock_row(const void *ctx, size_t i, enum fmt fmt, struct outbuf *scratch,
		     struct cell *c)
{
	const struct report *r = ctx;
	const struct sock_rec *s = &r->socks.v[i];
	size_t start;

	c[C_STATE] = (struct cell){ CELL_TEXT, 0, 0, sock_state_name(s->state) };
	c[C_RECVQ] = (struct cell){ CELL_U64, s->rqueue, 0, NULL };
	c[C_SENDQ] = (struct cell){ CELL_U64, s->wqueue, 0, NULL };
	start = scratch->len;
	put_endpoint(scratch, r, s, 0);
	c[C_LOCAL] = raw_since(scratch, start);
	start = scratch->len;
	put_endpoint(scratch, r, s, 1);
	c[C_PEER] = raw_since(scratch, start);
	for (int k = 0; k < SKM_N; k++)
		c[C_SKM + k] =
		    sock_has_skm(s, (enum skm)k)
			? (struct cell){ k == SKM_D ? CELL_U64 : CELL_BYTES, s->skmem[k], 0, NULL }
			: (struct cell){ CELL_ABSENT, 0, 0, NULL };
	c[C_CHARGED] = s->skmem_n > SKM_W
			   ? (struct cell){ CELL_BYTES, sock_charged_bytes(s), 0, NULL }
			   : (struct cell){ CELL_ABSENT, 0, 0, NULL };
	for (int k = 0; k < TI_N; k++)
		c[C_TI + k] =
		    sock_has_ti(s, (enum ti)k)
			? (struct cell){ ti_is_bytes(k) ? CELL_BYTES : CELL_U64, s->ti[k], 0, NULL }
			: (struct cell){ CELL_ABSENT, 0, 0, NULL };
	c[C_INODE] = (struct cell){ CELL_U64, s->inode, 0, NULL };
	c[C_UID] = sock_has_uid(s) ? (struct cell){ CELL_U64, s->uid, 0, NULL }
				  : (struct cell){ CELL_ABSENT, 0, 0, NULL };
	c[C_COOKIE] = (struct cell){ CELL_U64, s->cookie, 0, NULL };
	c[C_FAMILY] = (struct cell){ CELL_TEXT, 0, 0, s->family == AF_INET6 ? "inet6" : "inet" };
	c[C_CGROUP] = (s->flags & SOCK_HAS_CGROUP)
			  ? (struct cell){ CELL_U64, s->cgroup_id, 0, NULL }
			  : (struct cell){ CELL_ABSENT, 0, 0, NULL };
	c[C_NETNS] = s->netns_ino ? (struct cell){ CELL_U64, s->netns_ino, 0, NULL }
				  : (struct cell){ CELL_ABSENT, 0, 0, NULL };
	start = scratch->len;
	put_owners(scratch, r, s, fmt);
	c[C_OWNERS] = raw_since(scratch, start);
	if (!r->owners_scanned || (s->own_n == 0 && fmt == FMT_TABLE))
		c[C_OWNERS] = (struct cell){ CELL_ABSENT, 0, 0, NULL };
}

/* One socket's JSON object. */
static void sock_json(struct jw *w, const struct report *r, const struct sock_rec *s)
{
	jw_obj_begin(w);
	jw_kv_str(w, "state", sock_state_name(s->state));
	jw_kv_str(w, "family", s->family == AF_INET6 ? "inet6" : "inet");
	out_json_endpoints(w, r, s);
	jw_kv_u64(w, "inode", s->inode);
	jw_kv_maybe(w, "uid", sock_has_uid(s) ? maybe_of(s->uid) : maybe_none());
	jw_kv_u64(w, "cookie", s->cookie);
	jw_kv_opt_u64(w, "cgroup_id", s->flags & SOCK_HAS_CGROUP, s->cgroup_id);
	jw_kv_opt_u64(w, "netns", s->netns_ino != 0, s->netns_ino);
	jw_kv_u64(w, "recv_q", s->rqueue);
	jw_kv_u64(w, "send_q", s->wqueue);
	jw_key(w, "skmem");
	if (s->skmem_n == 0) {
		jw_null(w);
	} else {
		jw_obj_begin(w);
		for (int k = 0; k < SKM_N; k++)
			jw_kv_maybe(w, skm_keys[k],
				    sock_has_skm(s, (enum skm)k) ? maybe_of(s->skmem[k]) : maybe_none());
		jw_obj_end(w);
	}
	jw_kv_opt_u64(w, "charged_bytes", s->skmem_n > SKM_W, sock_charged_bytes(s));
	jw_key(w, "tcp_info");
	if (s->ti_mask == 0) {
		jw_null(w);
	} else {
		jw_obj_begin(w);
		for (int k = 0; k < TI_N; k++)
			jw_kv_opt_u64(w, diag_ti_fields[k].name, sock_has_ti(s, (enum ti)k), s->ti[k]);
		jw_obj_end(w);
	}
	jw_key(w, "owners");
	if (!r->owners_scanned) {
		jw_null(w);
	} else {
		jw_arr_begin(w, 0);
		for (uint32_t k = 0; k < s->own_n; k++) {
			const struct owner_link *l = &r->owners.links[s->own_first + k];
			const struct proc_ent *p = &r->owners.procs[l->proc];

			jw_obj_begin(w);
			jw_kv_u64(w, "pid", (uint64_t)p->pid);
			jw_kv_str(w, "comm", p->comm);
			jw_kv_u64(w, "fd", (uint64_t)l->fd);
			jw_obj_end(w);
		}
		jw_arr_end(w);
	}
	jw_obj_end(w);
}

void out_json_sockets(struct jw *w, const struct report *r)
{
	jw_key(w, "sockets");
	jw_arr_begin(w, JW_LINES);
	for (size_t i = 0; i < r->socks.n && !w->b->err; i++)
		sock_json(w, r, &r->socks.v[i]);
	jw_arr_end(w);
}

void out_sockets(struct outbuf *b, const struct report *r, const struct opts *o)
{
	struct col cols[C_N];

	init_cols(cols);
	out_grid(b, o, cols, C_N, r->socks.n, sock_row, r);
}
