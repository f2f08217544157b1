// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * findings_sock.c - the per-socket rules of the findings table: which
 * sockets each one matches (records with skmem up to w only) and the
 * thresholds it adds as evidence.
 */
#include "model/findings_sock.h"

#include <stddef.h>

/* ---- per-socket predicates (records with skmem up to w only) ---- */

bool fs_rcvbuf_at_max(const struct sock_rec *s, const struct sysctls *sc,
			  const struct find_opts *fo)
{
	(void)fo;
	return sc->tcp_rmem[2].has && s->skmem[SKM_RB] >= (uint64_t)sc->tcp_rmem[2].v;
}

bool fs_rcv_over_budget(const struct sock_rec *s, const struct sysctls *sc,
			    const struct find_opts *fo)
{
	(void)sc;
	(void)fo;
	return s->skmem[SKM_R] > s->skmem[SKM_RB];
}

bool fs_sndbuf_at_max(const struct sock_rec *s, const struct sysctls *sc,
			  const struct find_opts *fo)
{
	return sc->tcp_wmem[2].has && s->skmem[SKM_TB] >= (uint64_t)sc->tcp_wmem[2].v &&
	       sock_has_ti(s, TI_NOTSENT_BYTES) && s->ti[TI_NOTSENT_BYTES] >= fo->unsent_min;
}

/* A connection's socket: not a listener's accept queue nor a minisocket. */
static bool is_conn_state(unsigned st)
{
	return st != SOCK_TCP_LISTEN && st != SOCK_TCP_TIME_WAIT && st != SOCK_TCP_NEW_SYN_RECV;
}

/* --zero-window bytes or less, or by default below one segment (rcv_mss). */
static bool window_near_zero(const struct sock_rec *s, const struct find_opts *fo)
{
	uint64_t wnd = s->ti[TI_RCV_WND];

	if (fo->zero_window >= 0)
		return wnd <= (uint64_t)fo->zero_window;
	return sock_has_ti(s, TI_RCV_MSS) && wnd < s->ti[TI_RCV_MSS];
}

bool fs_unread_backlog(const struct sock_rec *s, const struct sysctls *sc,
			   const struct find_opts *fo)
{
	(void)sc;
	return is_conn_state(s->state) && s->rqueue >= fo->unread_min && s->skmem[SKM_R] > 0 &&
	       sock_has_ti(s, TI_RCV_WND) && window_near_zero(s, fo);
}

/*
 * Whether the receive buffer is known to have been fixed before the
 * handshake. tcp_select_initial_window() picks rcv_wscale for the largest
 * window the socket may ever offer: ilog2(max(space, tcp_rmem[2],
 * rmem_max)) - 15, capped by window_clamp, which SO_RCVBUF (on the socket or
 * on its listener) sets to the locked buffer's window. So an unlocked socket
 * never has rcv_wscale below ilog2(rmem_max) - 15; one that does had its
 * window capped at the handshake (SO_RCVBUF; or TCP_WINDOW_CLAMP, a route's
 * window, or rmem_max raised since). Nothing else in inet_diag shows
 * SOCK_RCVBUF_LOCK: without window scaling, or without rmem_max, unknown.
 */
bool findings_rcvbuf_locked(const struct sock_rec *s, const struct sysctls *sc)
{
	int floor = -15;

	if (!sock_has_ti(s, TI_RCV_WSCALE) || !sc->rmem_max.has || sc->rmem_max.v <= 0)
		return false;
	for (int64_t v = sc->rmem_max.v; v > 1; v >>= 1)
		floor++;
	if (floor > 14) /* TCP_MAX_WSCALE */
		floor = 14;
	return (int64_t)s->ti[TI_RCV_WSCALE] < floor;
}

/* A socket with buffers of its own: not a TIME-WAIT or request minisocket. */
static bool has_buffers(const struct sock_rec *s)
{
	return s->state != SOCK_TCP_TIME_WAIT && s->state != SOCK_TCP_NEW_SYN_RECV;
}

bool fs_locked_buffers(const struct sock_rec *s, const struct sysctls *sc,
			   const struct find_opts *fo)
{
	(void)fo;
	return has_buffers(s) && findings_rcvbuf_locked(s, sc);
}

/* Whether v lies outside [lim[1], lim[2]] (default..max), both present. */
static bool outside_range(uint64_t v, const struct maybe lim[3])
{
	return lim[1].has && lim[2].has && (v < (uint64_t)lim[1].v || v > (uint64_t)lim[2].v);
}

/* rb or tb outside the current range and not known to be locked: SO_RCVBUF /
 * SO_SNDBUF, a socket older than a tcp_rmem/tcp_wmem change, or a send
 * buffer cut under memory pressure; inet_diag cannot say which. */
bool fs_outside_autotuning(const struct sock_rec *s, const struct sysctls *sc,
			       const struct find_opts *fo)
{
	(void)fo;
	if (!has_buffers(s))
		return false;
	return (outside_range(s->skmem[SKM_RB], sc->tcp_rmem) && !findings_rcvbuf_locked(s, sc)) ||
	       outside_range(s->skmem[SKM_TB], sc->tcp_wmem);
}

/*
 * The growing receive buffer. A receiver that does not read, fed small
 * segments: r (truesize) grows many times faster than the unread payload.
 * When r passes rb, tcp_try_rmem_schedule() calls tcp_prune_queue(), whose
 * tcp_clamp_window() raises rb to r (up to tcp_rmem[2]) instead of
 * collapsing; the window already offered stays open because
 * tcp_select_window() never shrinks it (tcp_shrink_window=0, or rcv_wscale
 * 0), so the sender goes on. Thresholds (from experiment, see sockmem(8)):
 * the unread payload is at most 1/GROW_PAYLOAD_DIV of r, and r is at least
 * 1/GROW_FULL_DIV of rb, so that the queue, not a reader's momentary
 * backlog, is what holds rb.
 */
#define GROW_PAYLOAD_DIV 4
#define GROW_FULL_DIV	 4

static bool overhead_bound(const struct sock_rec *s)
{
	uint64_t r = s->skmem[SKM_R];

	return is_conn_state(s->state) && s->rqueue > 0 &&
	       r >= (uint64_t)s->rqueue * GROW_PAYLOAD_DIV &&
	       r * GROW_FULL_DIV >= s->skmem[SKM_RB];
}

/* tcp_shrink_window=1 applies: tcp_select_window() shrinks only with a
 * window scale (rcv_wscale > 0). */
static bool shrink_applies(const struct sock_rec *s, const struct sysctls *sc)
{
	return sc->tcp_shrink_window.has && sc->tcp_shrink_window.v != 0 &&
	       sock_has_ti(s, TI_RCV_WSCALE) && s->ti[TI_RCV_WSCALE] > 0;
}

bool fs_growing_rcvbuf(const struct sock_rec *s, const struct sysctls *sc,
			   const struct find_opts *fo)
{
	(void)fo;
	return overhead_bound(s) && sc->tcp_rmem[1].has &&
	       s->skmem[SKM_RB] > (uint64_t)sc->tcp_rmem[1].v && !shrink_applies(s, sc) &&
	       !findings_rcvbuf_locked(s, sc);
}

/* The same receivers where tcp_shrink_window=1 applies: the window closes
 * instead (rb may stay at tcp_rmem[1]). */
bool fs_growing_rcvbuf_fixed(const struct sock_rec *s, const struct sysctls *sc,
				 const struct find_opts *fo)
{
	(void)fo;
	return overhead_bound(s) && shrink_applies(s, sc) && !findings_rcvbuf_locked(s, sc);
}

/* Thresholds a per-socket rule adds to its evidence, from the namespace of
 * the worst offender. */

void fs_ev_rmem_max(struct finding *f, const struct sysctls *nsc, const struct find_opts *fo)
{
	(void)fo;
	ev(f, "tcp_rmem_max", EV_BYTES, nsc->tcp_rmem[2]);
}

void fs_ev_wmem_max_unsent(struct finding *f, const struct sysctls *nsc,
			       const struct find_opts *fo)
{
	ev(f, "tcp_wmem_max", EV_BYTES, nsc->tcp_wmem[2]);
	ev(f, "unsent_min", EV_BYTES, mu(fo->unsent_min));
}

void fs_ev_unread_opts(struct finding *f, const struct sysctls *nsc, const struct find_opts *fo)
{
	(void)nsc;
	ev(f, "unread_min", EV_BYTES, mu(fo->unread_min));
	ev(f, "zero_window", EV_BYTES,
	   fo->zero_window >= 0 ? maybe_of(fo->zero_window) : maybe_none());
}

void fs_ev_autotuning_range(struct finding *f, const struct sysctls *nsc,
				const struct find_opts *fo)
{
	(void)fo;
	ev(f, "tcp_rmem_default", EV_BYTES, nsc->tcp_rmem[1]);
	ev(f, "tcp_rmem_max", EV_BYTES, nsc->tcp_rmem[2]);
	ev(f, "tcp_wmem_default", EV_BYTES, nsc->tcp_wmem[1]);
	ev(f, "tcp_wmem_max", EV_BYTES, nsc->tcp_wmem[2]);
}

/* rmem_max and the smallest rcv_wscale it gives an unlocked socket. */
void fs_ev_wscale_floor(struct finding *f, const struct sysctls *nsc,
			    const struct find_opts *fo)
{
	int64_t floor = -15;

	(void)fo;
	for (int64_t v = nsc->rmem_max.v; v > 1; v >>= 1)
		floor++;
	ev(f, "rmem_max", EV_BYTES, nsc->rmem_max);
	ev(f, "rcv_wscale_floor", EV_COUNT, nsc->rmem_max.has ? maybe_of(floor > 14 ? 14 : floor)
							       : maybe_none());
}

void fs_ev_growing(struct finding *f, const struct sysctls *nsc, const struct find_opts *fo)
{
	(void)fo;
	ev(f, "tcp_rmem_default", EV_BYTES, nsc->tcp_rmem[1]);
	ev(f, "tcp_rmem_max", EV_BYTES, nsc->tcp_rmem[2]);
	ev(f, "tcp_shrink_window", EV_COUNT, nsc->tcp_shrink_window);
	ev(f, "unread_max_pct", EV_COUNT, maybe_of(100 / GROW_PAYLOAD_DIV));
	ev(f, "fill_min_pct", EV_COUNT, maybe_of(100 / GROW_FULL_DIV));
}

