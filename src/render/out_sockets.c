// SPDX-License-Identifier: GPL-2.0-or-later
/* out_sockets.c - the `sockets` view: one row or object per socket. */
#include "render/out.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

static const char *const skm_keys[SKM_N] = { "r", "rb", "t", "tb", "f", "w", "o", "bl", "d" };

/* Table shows at most this many holders per socket; TSV and JSON show all. */
#define TABLE_OWNERS 3

/* Field ids, in table/TSV column order; a field's arg is its id. */
enum {
	C_STATE,
	C_RECVQ,
	C_SENDQ,
	C_LOCAL,
	C_PEER,
	C_SKM, /* SKM_N fields, group "skmem" */
	C_CHARGED = C_SKM + SKM_N,
	C_TI, /* TI_N fields, group "tcp_info" */
	C_INODE = C_TI + TI_N,
	C_UID,
	C_COOKIE,
	C_FAMILY,
	C_CGROUP,
	C_NETNS,
	C_OWNERS,
	C_PROTO, /* only when the collection has UDP: last, so TCP-only output is unchanged */
	C_N
};

/* JSON member order: what the socket is, then its queues and memory. */
static const uint8_t json_order[C_N] = {
	C_STATE,	C_FAMILY,	C_LOCAL,	C_PEER,		C_INODE,	C_UID,
	C_COOKIE,	C_CGROUP,	C_NETNS,	C_RECVQ,	C_SENDQ,	C_SKM + SKM_R,
	C_SKM + SKM_RB, C_SKM + SKM_T,	C_SKM + SKM_TB, C_SKM + SKM_F,	C_SKM + SKM_W,	C_SKM + SKM_O,
	C_SKM + SKM_BL, C_SKM + SKM_D,	C_CHARGED,	C_TI + 0,	C_TI + 1,	C_TI + 2,
	C_TI + 3,	C_TI + 4,	C_TI + 5,	C_TI + 6,	C_TI + 7,	C_TI + 8,
	C_TI + 9,	C_TI + 10,	C_TI + 11,	C_TI + 12,	C_OWNERS,	C_PROTO,
};
/* With UDP: the protocol first, then as above. */
static const uint8_t json_order_udp[C_N] = {
	C_PROTO,	C_STATE,	C_FAMILY,	C_LOCAL,	C_PEER,		C_INODE,
	C_UID,		C_COOKIE,	C_CGROUP,	C_NETNS,	C_RECVQ,	C_SENDQ,
	C_SKM + SKM_R,	C_SKM + SKM_RB, C_SKM + SKM_T,	C_SKM + SKM_TB, C_SKM + SKM_F,	C_SKM + SKM_W,
	C_SKM + SKM_O,	C_SKM + SKM_BL, C_SKM + SKM_D,	C_CHARGED,	C_TI + 0,	C_TI + 1,
	C_TI + 2,	C_TI + 3,	C_TI + 4,	C_TI + 5,	C_TI + 6,	C_TI + 7,
	C_TI + 8,	C_TI + 9,	C_TI + 10,	C_TI + 11,	C_TI + 12,	C_OWNERS,
};
_Static_assert(TI_N == 13 && SKM_N == 9, "json_order lists every field once");

void out_json_endpoints(struct jw *w, const struct snapshot *r, const struct sock_rec *s)
{
	char buf[SOCK_ENDPOINT_MAX];

	sock_fmt_endpoint(buf, sizeof(buf), s->family, s->saddr, s->sport, snapshot_ifname(r, s));
	jw_kv_str(w, "local", buf);
	sock_fmt_endpoint(buf, sizeof(buf), s->family, s->daddr, s->dport, NULL);
	jw_kv_str(w, "peer", buf);
}

/* Appends "addr:port" for one end of s to b. */
static void put_endpoint(struct outbuf *b, const struct snapshot *r, const struct sock_rec *s,
			 int peer)
{
	char buf[SOCK_ENDPOINT_MAX];
	const char *ifn = peer ? NULL : snapshot_ifname(r, s);

	sock_fmt_endpoint(buf, sizeof(buf), s->family, peer ? s->daddr : s->saddr,
			  peer ? s->dport : s->sport, ifn);
	ob_str(b, buf);
}

/* Holder list "comm/pid/fd,...": comm escaped, with ',' and '/' as \xHH. */
static void put_owners(struct outbuf *b, const struct snapshot *r, const struct sock_rec *s,
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

/* JSON owners: null when not scanned, else [{"pid","comm","fd"}...]. */
static void json_owners(struct jw *w, const void *ctx, size_t row)
{
	const struct snapshot *r = ((const struct view *)ctx)->snap;
	const struct sock_rec *s = &r->socks.v[row];

	if (!r->owners_scanned) {
		jw_null(w);
		return;
	}
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

/* What a numeric field holds for s. */
enum num_kind { NUM_NONE, NUM_ABSENT, NUM_PRESENT };

/* The value of numeric field id of s into *v: NUM_PRESENT, NUM_ABSENT (a
 * value the kernel did not give), or NUM_NONE for a field that is no number. */
static enum num_kind sock_num(const struct sock_rec *s, int id, uint64_t *v)
{
	bool has = true;

	if (id >= C_SKM && id < C_SKM + SKM_N) {
		has = sock_has_skm(s, (enum skm)(id - C_SKM));
		*v = s->skmem[id - C_SKM];
	} else if (id >= C_TI && id < C_TI + TI_N) {
		has = sock_has_ti(s, (enum ti)(id - C_TI));
		*v = s->ti[id - C_TI];
	} else {
		switch (id) {
		case C_RECVQ: *v = s->rqueue; break;
		case C_SENDQ: *v = s->wqueue; break;
		case C_CHARGED:
			has = s->skmem_n > SKM_W;
			*v = has ? sock_charged_bytes(s) : 0;
			break;
		case C_INODE: *v = s->inode; break;
		case C_UID: has = sock_has_uid(s), *v = s->uid; break;
		case C_COOKIE: *v = s->cookie; break;
		case C_CGROUP: has = s->flags & SOCK_HAS_CGROUP, *v = s->cgroup_id; break;
		case C_NETNS: has = s->netns_ino != 0, *v = s->netns_ino; break;
		default: return NUM_NONE;
		}
	}
	return has ? NUM_PRESENT : NUM_ABSENT;
}

/* The text of a text field of s that needs no buffer, or NULL. */
static const char *sock_text(const struct sock_rec *s, int id)
{
	switch (id) {
	case C_STATE: return sock_state_name(s->state);
	case C_FAMILY: return s->family == AF_INET6 ? "inet6" : "inet";
	case C_PROTO: return sock_proto_name(s->protocol);
	default: return NULL;
	}
}

/* The getter of every sockets field: the value of field f->arg. */
static struct cell sock_get(const void *ctx, size_t row, const struct field *f, enum fmt fmt,
			    struct outbuf *scratch)
{
	const struct snapshot *r = ((const struct view *)ctx)->snap;
	const struct sock_rec *s = &r->socks.v[row];
	int id = f->arg;
	size_t start = scratch->len;
	const char *text = sock_text(s, id);
	uint64_t v;

	switch (sock_num(s, id, &v)) {
	case NUM_PRESENT: return cell_u64(v);
	case NUM_ABSENT: return cell_absent();
	case NUM_NONE: break;
	}
	if (text)
		return cell_text(text);
	if (id == C_LOCAL || id == C_PEER) {
		put_endpoint(scratch, r, s, id == C_PEER);
		return cell_raw_since(scratch, start);
	}
	/* C_OWNERS; the table leaves a socket without holders blank */
	if (!r->owners_scanned || (s->own_n == 0 && fmt == FMT_TABLE))
		return cell_absent();
	put_owners(scratch, r, s, fmt);
	return cell_raw_since(scratch, start);
}

/* A TSV line of socket `row`, straight into b: what sock_get's cells give
 * there (an absent value is an empty cell), without a cell per value. At
 * a million sockets the cells took about half of sockets -o tsv's own CPU. */
static void sock_tsv_row(struct outbuf *b, const struct fieldset *fs, const void *ctx, size_t row)
{
	const struct snapshot *r = ((const struct view *)ctx)->snap;
	const struct sock_rec *s = &r->socks.v[row];

	bool first = true;

	for (size_t c = 0; c < fs->n; c++) {
		int id = fs->f[c].arg;
		const char *text;
		uint64_t v;

		if (fs->f[c].flags & FIELD_JSON_ONLY)
			continue;
		if (!first)
			ob_ch(b, '\t');
		first = false;
		switch (sock_num(s, id, &v)) {
		case NUM_PRESENT: ob_u64(b, v); continue;
		case NUM_ABSENT: continue;
		case NUM_NONE: break;
		}
		text = sock_text(s, id);
		if (text)
			ob_str(b, text);
		else if (id == C_LOCAL || id == C_PEER)
			put_endpoint(b, r, s, id == C_PEER);
		else if (r->owners_scanned)
			put_owners(b, r, s, FMT_TSV);
	}
	ob_ch(b, '\n');
}

/* skmem is null for a socket without meminfo (TIME-WAIT, SYN-RECV), tcp_info
 * without any tcp_info field. */
static bool group_null(const void *ctx, size_t row, const char *group)
{
	const struct snapshot *r = ((const struct view *)ctx)->snap;
	const struct sock_rec *s = &r->socks.v[row];

	return strcmp(group, "skmem") == 0 ? s->skmem_n == 0 : s->ti_mask == 0;
}

/* Rows are the snapshot's sockets; the view's filters leave some out. */
static bool row_kept(const void *ctx, size_t row)
{
	return view_keeps(ctx, row);
}

/* The sockets field table. tcp_info names come from the model's list, so
 * it is filled at run time. */
static void sock_fields(struct field *f)
{
	static const char skmem[] = "skmem", ti[] = "tcp_info";

#define F(id, key, title, group, unit, flags) \
	(f[id] = (struct field){ key, title, group, unit, flags, sock_get, id, NULL })
	F(C_STATE, "state", "State", NULL, UNIT_TEXT, FIELD_LEFT);
	F(C_RECVQ, "recv_q", "Recv-Q", NULL, UNIT_BYTES, FIELD_EXACT);
	F(C_SENDQ, "send_q", "Send-Q", NULL, UNIT_BYTES, FIELD_EXACT);
	F(C_LOCAL, "local", "Local", NULL, UNIT_TEXT, FIELD_LEFT);
	F(C_PEER, "peer", "Peer", NULL, UNIT_TEXT, FIELD_LEFT);
	for (int k = 0; k < SKM_N; k++)
		F(C_SKM + k, skm_keys[k], skm_keys[k], skmem, k == SKM_D ? UNIT_COUNT : UNIT_BYTES,
		  0);
	F(C_CHARGED, "charged_bytes", "charged", NULL, UNIT_BYTES, 0);
	/* segment sizes are bytes but read exactly, as ss prints them */
	for (int k = 0; k < TI_N; k++)
		F(C_TI + k, diag_ti_fields[k].name, diag_ti_fields[k].name, ti,
		  k == TI_RTT || k == TI_RTTVAR		    ? UNIT_USEC
		  : k == TI_SND_WSCALE || k == TI_RCV_WSCALE ? UNIT_COUNT
							     : UNIT_BYTES,
		  k == TI_RCV_MSS || k == TI_SND_MSS ? FIELD_EXACT : 0);
	F(C_INODE, "inode", "inode", NULL, UNIT_ID, 0);
	F(C_UID, "uid", "uid", NULL, UNIT_ID, 0);
	F(C_COOKIE, "cookie", "cookie", NULL, UNIT_ID, 0);
	F(C_FAMILY, "family", "family", NULL, UNIT_TEXT, FIELD_LEFT);
	F(C_CGROUP, "cgroup_id", "cgroup", NULL, UNIT_ID, 0);
	F(C_NETNS, "netns", "netns", NULL, UNIT_ID, 0);
	F(C_OWNERS, "owners", "owners", NULL, UNIT_TEXT, FIELD_LEFT);
	F(C_PROTO, "protocol", "proto", NULL, UNIT_TEXT, FIELD_LEFT);
#undef F
	f[C_OWNERS].json = json_owners;
}

void out_json_sockets(struct jw *w, const struct view *v)
{
	struct field f[C_N];
	/* the protocol is a field only when UDP was collected */
	bool udp = v->snap->cov.udp;
	struct fieldset fs = { f, udp ? C_N : C_N - 1, udp ? json_order_udp : json_order,
			       group_null, row_kept, NULL };
	struct outbuf scratch;

	sock_fields(f);
	jw_key(w, "sockets");
	jw_arr_begin(w, JW_LINES);
	if (ob_init_mem(&scratch) == 0) {
		for (size_t i = 0; i < v->snap->socks.n && !w->b->err; i++)
			if (view_keeps(v, i))
				out_json_obj(w, &fs, v, i, &scratch);
		ob_finish(&scratch);
	} else {
		w->b->err = w->b->err ? w->b->err : ENOMEM;
	}
	jw_arr_end(w);
	/* an empty owners list means "no holder" only for a complete walk */
	out_json_owners_scan(w, v->snap);
}

void out_sockets(struct outbuf *b, const struct view *v, const struct opts *o)
{
	struct field f[C_N];
	struct fieldset fs = { f, v->snap->cov.udp ? C_N : C_N - 1, NULL, NULL, row_kept,
			       sock_tsv_row };

	sock_fields(f);
	out_grid(b, o, &fs, v->snap->socks.n, v);
}

/* --- rows as the dump returns them --- */

/* Held in memory before anything is written: a run that fails while it is
 * no larger (most hosts' whole output) prints nothing. */
#define STREAM_HOLD (4u << 20)

struct sock_stream {
	const struct opts *o;
	struct outbuf b;
	struct jw w;
	struct field f[C_N];
	struct fieldset fs;
	struct grid g;	       /* TSV */
	struct outbuf scratch; /* JSON */
	bool begun;
};

struct sock_stream *out_sockets_stream_new(FILE *f, const struct opts *o)
{
	struct sock_stream *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	if (ob_init_held(&s->b, f, STREAM_HOLD) || ob_init_mem(&s->scratch)) {
		ob_discard(&s->b);
		ob_discard(&s->scratch);
		free(s);
		return NULL;
	}
	s->o = o;
	sock_fields(s->f);
	return s;
}

/* The head of the output, once v's snapshot knows what it covers. */
static void stream_begin(struct sock_stream *s, const struct view *v)
{
	bool udp = v->snap->cov.udp;

	s->begun = true;
	s->fs = (struct fieldset){ s->f, udp ? C_N : C_N - 1, udp ? json_order_udp : json_order,
				   group_null, row_kept, NULL };
	if (s->o->fmt != FMT_JSON) {
		s->fs.json_order = NULL;
		s->fs.group_null = NULL;
		s->fs.tsv_row = sock_tsv_row;
		grid_begin(&s->g, &s->b, s->o, &s->fs, 0, v);
		return;
	}
	jw_init(&s->w, &s->b);
	jw_obj_begin(&s->w);
	out_json_head(&s->w, v, s->o);
	jw_key(&s->w, "sockets");
	jw_arr_begin(&s->w, JW_LINES);
}

void out_sockets_stream_rows(struct sock_stream *s, const struct view *v, size_t from, size_t to)
{
	if (!s->begun)
		stream_begin(s, v);
	s->g.ctx = v;
	if (s->o->fmt != FMT_JSON) {
		grid_rows(&s->g, &s->b, from, to);
		return;
	}
	for (size_t i = from; i < to && !s->b.err; i++)
		if (view_keeps(v, i))
			out_json_obj(&s->w, &s->fs, v, i, &s->scratch);
}

int out_sockets_stream_end(struct sock_stream *s, const struct view *v)
{
	int err;

	if (!s->begun)
		stream_begin(s, v);
	if (s->o->fmt == FMT_JSON) {
		jw_arr_end(&s->w);
		/* an empty owners list means "no holder" only for a complete walk */
		out_json_owners_scan(&s->w, v->snap);
		jw_obj_end(&s->w);
		jw_end(&s->w);
	} else {
		grid_end(&s->g);
	}
	err = ob_finish(&s->b);
	ob_discard(&s->scratch);
	free(s);
	return err;
}

void out_sockets_stream_drop(struct sock_stream *s)
{
	if (!s)
		return;
	if (s->begun && s->o->fmt != FMT_JSON)
		grid_end(&s->g);
	ob_discard(&s->b);
	ob_discard(&s->scratch);
	free(s);
}
