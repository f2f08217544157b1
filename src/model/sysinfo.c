// SPDX-License-Identifier: GPL-2.0-or-later
/* sysinfo.c - names of the TcpExt counters, and the per-namespace overlay. */
#include "model/sysinfo.h"

#include <string.h>

const char *const procfs_udp_names[UC_N] = {
	[UC_IN_DATAGRAMS] = "InDatagrams",   [UC_IN_ERRORS] = "InErrors",
	[UC_RCVBUF_ERRORS] = "RcvbufErrors", [UC_SNDBUF_ERRORS] = "SndbufErrors",
	[UC_MEM_ERRORS] = "MemErrors",	     [UC_IGNORED_MULTI] = "IgnoredMulti",
};

const char *const procfs_tcpext_names[TX_N] = {
	[TX_MEMORY_PRESSURES] = "TCPMemoryPressures",
	[TX_MEMORY_PRESSURES_CHRONO] = "TCPMemoryPressuresChrono",
	[TX_PRUNE_CALLED] = "PruneCalled",
	[TX_RCV_PRUNED] = "RcvPruned",
	[TX_OFO_PRUNED] = "OfoPruned",
	[TX_RCV_COLLAPSED] = "TCPRcvCollapsed",
	[TX_RCV_COALESCE] = "TCPRcvCoalesce",
	[TX_RCVQ_DROP] = "TCPRcvQDrop",
	[TX_ABORT_ON_MEMORY] = "TCPAbortOnMemory",
	[TX_WANT_ZERO_WINDOW_ADV] = "TCPWantZeroWindowAdv",
	[TX_TO_ZERO_WINDOW_ADV] = "TCPToZeroWindowAdv",
	[TX_FROM_ZERO_WINDOW_ADV] = "TCPFromZeroWindowAdv",
	[TX_ZERO_WINDOW_DROP] = "TCPZeroWindowDrop",
	[TX_BACKLOG_DROP] = "TCPBacklogDrop",
	[TX_OFO_DROP] = "TCPOFODrop",
};

void procfs_overlay_netns(struct sysinfo *home, const struct sysinfo *ns)
{
	home->sockstat.inuse = ns->sockstat.inuse;
	home->sockstat.tw = ns->sockstat.tw;
	home->sockstat.inuse6 = ns->sockstat.inuse6;
	home->sockstat.sockets_used = ns->sockstat.sockets_used;
	memcpy(home->tcpext, ns->tcpext, sizeof(home->tcpext));
	memcpy(home->sysctl.tcp_rmem, ns->sysctl.tcp_rmem, sizeof(home->sysctl.tcp_rmem));
	memcpy(home->sysctl.tcp_wmem, ns->sysctl.tcp_wmem, sizeof(home->sysctl.tcp_wmem));
	home->sysctl.tcp_adv_win_scale = ns->sysctl.tcp_adv_win_scale;
	home->sysctl.tcp_moderate_rcvbuf = ns->sysctl.tcp_moderate_rcvbuf;
	home->sysctl.tcp_notsent_lowat = ns->sysctl.tcp_notsent_lowat;
	home->sysctl.tcp_shrink_window = ns->sysctl.tcp_shrink_window;
	home->initial_netns = ns->initial_netns;
	home->sockstat.udp_inuse = ns->sockstat.udp_inuse;
	home->sockstat.udp_inuse6 = ns->sockstat.udp_inuse6;
	memcpy(home->udp, ns->udp, sizeof(home->udp));
	memcpy(home->udp6, ns->udp6, sizeof(home->udp6));
	home->sysctl.udp_rmem_min = ns->sysctl.udp_rmem_min;
	home->sysctl.udp_wmem_min = ns->sysctl.udp_wmem_min;
}

void sysctls_drop_udp(struct sysctls *sc)
{
	memset(sc->udp_mem, 0, sizeof(sc->udp_mem));
	sc->udp_rmem_min = maybe_none();
	sc->udp_wmem_min = maybe_none();
}

void sysinfo_drop_udp(struct sysinfo *si)
{
	si->sockstat.udp_inuse = maybe_none();
	si->sockstat.udp_mem_pages = maybe_none();
	si->sockstat.udp_inuse6 = maybe_none();
	si->proto.udp_memory_pages = maybe_none();
	si->proto.udp_pressure = maybe_none();
	memset(si->udp, 0, sizeof(si->udp));
	memset(si->udp6, 0, sizeof(si->udp6));
	sysctls_drop_udp(&si->sysctl);
}

/* A decimal number of at most 9 digits at *s, advancing *s; -1 if none. */
static int64_t small_num(const char **s)
{
	int64_t v = 0;
	int n = 0;

	while (**s >= '0' && **s <= '9' && n < 9) {
		v = v * 10 + (**s - '0');
		(*s)++;
		n++;
	}
	return n && !(**s >= '0' && **s <= '9') ? v : -1;
}

struct maybe sysinfo_release_at_least(const char *release, int64_t major, int64_t minor)
{
	const char *s = release;
	int64_t ma = small_num(&s), mi;

	if (ma < 0 || *s != '.')
		return maybe_none();
	s++;
	mi = small_num(&s);
	if (mi < 0)
		return maybe_none();
	return maybe_of(ma > major || (ma == major && mi >= minor));
}

struct maybe sysinfo_adv_win_scale_ignored(const struct sysinfo *si)
{
	/* dfa2f0483360 "tcp: get rid of sysctl_tcp_adv_win_scale" (6.6) */
	return sysinfo_release_at_least(si->release, 6, 6);
}

struct maybe sysinfo_orphan_headroom(const struct sysinfo *si, int shift)
{
	struct maybe orph = si->sockstat.orphan, omax = si->sysctl.tcp_max_orphans;

	if (!orph.has || !omax.has || omax.v < 0 || orph.v < 0 || shift < 0 || shift > 2)
		return maybe_none();
	return maybe_of((omax.v >> shift) - orph.v);
}
