// SPDX-License-Identifier: GPL-2.0-or-later
/* sock.c - socket record table, state names, endpoint formatting. */
#include "model/sock.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

static const char *const state_names[SOCK_TCP_NSTATES] = {
	[0] = "UNKNOWN",
	[SOCK_TCP_ESTABLISHED] = "ESTAB",
	[SOCK_TCP_SYN_SENT] = "SYN-SENT",
	[SOCK_TCP_SYN_RECV] = "SYN-RECV",
	[SOCK_TCP_FIN_WAIT1] = "FIN-WAIT-1",
	[SOCK_TCP_FIN_WAIT2] = "FIN-WAIT-2",
	[SOCK_TCP_TIME_WAIT] = "TIME-WAIT",
	[SOCK_TCP_CLOSE] = "UNCONN",
	[SOCK_TCP_CLOSE_WAIT] = "CLOSE-WAIT",
	[SOCK_TCP_LAST_ACK] = "LAST-ACK",
	[SOCK_TCP_LISTEN] = "LISTEN",
	[SOCK_TCP_CLOSING] = "CLOSING",
	[SOCK_TCP_NEW_SYN_RECV] = "SYN-RECV",
	[SOCK_TCP_BOUND_INACTIVE] = "BOUND-INACTIVE",
};

const char *sock_state_name(unsigned state)
{
	if (state >= sizeof(state_names) / sizeof(state_names[0]))
		return "UNKNOWN";
	return state_names[state];
}

const char *sock_proto_name(unsigned proto)
{
	return proto == SOCK_PROTO_TCP ? "tcp" : proto == SOCK_PROTO_UDP ? "udp" : "?";
}

enum sock_cat sock_category(const struct sock_rec *s)
{
	bool mini = s->skmem_n == 0 && s->inode == 0; /* minisockets carry no skmem */

	if (s->state == SOCK_TCP_TIME_WAIT)
		return SOCK_CAT_TIME_WAIT;
	if (s->state == SOCK_TCP_NEW_SYN_RECV || (mini && s->state == SOCK_TCP_SYN_RECV))
		return SOCK_CAT_REQUEST;
	if (mini)
		return SOCK_CAT_TIME_WAIT; /* its substate: FIN-WAIT-2 */
	if (s->inode != 0)
		return SOCK_CAT_INODE;
	switch (s->state) {
	case SOCK_TCP_ESTABLISHED:
	case SOCK_TCP_SYN_RECV:
	case SOCK_TCP_CLOSE_WAIT: return SOCK_CAT_UNACCEPTED;
	default: return SOCK_CAT_ORPHAN;
	}
}

int sock_table_add(struct sock_table *t, const struct sock_rec *rec)
{
	int added;

	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 1024;
		struct sock_rec *v;

		if (cap > UINT32_MAX - 1)
			return -ENOMEM;
		v = realloc(t->v, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		t->v = v;
		t->cap = cap;
	}
	uint32_t seen;

	if (t->prev.n && idmap_get(&t->prev, rec->cookie, &seen)) {
		t->dup_dropped++;
		return 0;
	}
	added = idmap_put(&t->cookies, rec->cookie, (uint32_t)t->n, NULL);
	if (added < 0)
		return added;
	if (!added) {
		t->dup_dropped++;
		return 0;
	}
	t->v[t->n++] = *rec;
	t->gen_n++;
	if (t->flush && t->n - t->kept >= t->flush_at) {
		int err = sock_table_flush(t);

		if (err)
			return err;
	}
	return 1;
}

void sock_table_stream(struct sock_table *t, sock_flush_fn flush, void *ctx, size_t batch)
{
	t->flush = flush;
	t->flush_ctx = ctx;
	t->flush_at = batch ? batch : 1;
}

int sock_table_flush(struct sock_table *t)
{
	size_t n = t->n - t->kept;
	int err;

	if (!t->flush || n == 0)
		return 0;
	err = t->flush(t->flush_ctx, t);
	if (!err)
		t->flushed += n;
	return err;
}

void sock_table_dedup_window(struct sock_table *t, size_t window)
{
	t->window = window;
}

int sock_table_retain(struct sock_table *t, const uint32_t *idx, size_t n)
{
	struct idmap keep = { 0 };
	/* a full generation's cookies catch a resumed dump's repeats in the
	 * next one; a generation not yet full goes on (its cookies' indexes
	 * are stale from here, and nothing reads them) */
	bool rotate = t->gen_n >= (t->window ? t->window : 1);

	for (size_t i = 0; rotate && i < n; i++)
		if (idmap_put(&keep, t->v[idx[i]].cookie, (uint32_t)i, NULL) < 0) {
			idmap_free(&keep);
			return -ENOMEM;
		}
	for (size_t i = 0; i < n; i++)
		t->v[i] = t->v[idx[i]];
	t->n = t->kept = n;
	if (rotate) {
		idmap_free(&t->prev);
		t->prev = t->cookies;
		t->cookies = keep;
		t->gen_n = 0;
	}
	return 0;
}

void sock_table_free(struct sock_table *t)
{
	free(t->v);
	idmap_free(&t->cookies);
	idmap_free(&t->prev);
	memset(t, 0, sizeof(*t));
}

uint64_t sock_charged_bytes(const struct sock_rec *s)
{
	if (s->skmem_n <= SKM_W)
		return 0;
	return (uint64_t)s->skmem[SKM_R] + s->skmem[SKM_W] + s->skmem[SKM_F];
}

/* Appends s to buf[*n..len) as far as it fits (one byte kept for the NUL). */
static void put_str(char *buf, size_t len, size_t *n, const char *s)
{
	while (*s && *n + 1 < len)
		buf[(*n)++] = *s++;
}

/* Dotted quad of a 4-byte address into a (at least 16 bytes). */
static void fmt_ipv4(char *a, const uint8_t *addr)
{
	for (int i = 0; i < 4; i++) {
		unsigned v = addr[i];

		if (v >= 100)
			*a++ = (char)('0' + v / 100);
		if (v >= 10)
			*a++ = (char)('0' + v / 10 % 10);
		*a++ = (char)('0' + v % 10);
		*a++ = i < 3 ? '.' : '\0';
	}
}

size_t sock_fmt_endpoint(char *buf, size_t len, int family, const uint8_t *addr, uint16_t port,
			 const char *ifname)
{
	char a[INET6_ADDRSTRLEN] = "?";
	char p[8] = "*";
	size_t n = 0;

	if (!len)
		return 0;
	/* called once or twice per socket row: no stdio formatting (glibc's
	 * inet_ntop() formats IPv4 with sprintf) */
	if (family == AF_INET6)
		inet_ntop(AF_INET6, addr, a, sizeof(a));
	else
		fmt_ipv4(a, addr);
	if (port) {
		size_t k = sizeof(p) - 1;

		p[k] = '\0';
		for (unsigned v = port; v; v /= 10)
			p[--k] = (char)('0' + v % 10);
		memmove(p, p + k, sizeof(p) - k);
	}
	put_str(buf, len, &n, family == AF_INET6 ? "[" : "");
	put_str(buf, len, &n, a);
	put_str(buf, len, &n, family == AF_INET6 ? "]" : "");
	if (ifname) {
		put_str(buf, len, &n, "%");
		put_str(buf, len, &n, ifname);
	}
	put_str(buf, len, &n, ":");
	put_str(buf, len, &n, p);
	buf[n] = '\0';
	return n;
}

const struct diag_ti_field diag_ti_fields[TI_N] = {
	[TI_RCV_SPACE] = { "rcv_space", 96, 4 },
	[TI_RCV_SSTHRESH] = { "rcv_ssthresh", 64, 4 },
	[TI_RCV_WND] = { "rcv_wnd", 232, 4 },
	[TI_SND_WND] = { "snd_wnd", 228, 4 },
	[TI_NOTSENT_BYTES] = { "notsent_bytes", 144, 4 },
	[TI_BYTES_RECEIVED] = { "bytes_received", 128, 8 },
	[TI_BYTES_ACKED] = { "bytes_acked", 120, 8 },
	[TI_RTT] = { "rtt", 68, 4 },
	[TI_RTTVAR] = { "rttvar", 72, 4 },
	[TI_RCV_MSS] = { "rcv_mss", 20, 4 },
	[TI_SND_MSS] = { "snd_mss", 16, 4 },
	[TI_SND_WSCALE] = { "snd_wscale", 6, 1 },
	[TI_RCV_WSCALE] = { "rcv_wscale", 6, 1 },
};
