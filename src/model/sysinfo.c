// SPDX-License-Identifier: GPL-2.0-or-later
/* sysinfo.c - names of the TcpExt counters, and the per-namespace overlay. */
#include "model/sysinfo.h"

#include <string.h>

const char *const procfs_tcpext_names[TX_N] = {
	[TX_MEMORY_PRESSURES] = "TCPMemoryPressures",
	[TX_MEMORY_PRESSURES_CHRONO] = "TCPMemoryPressuresChrono",
	[TX_PRUNE_CALLED] = "PruneCalled",
	[TX_RCV_PRUNED] = "RcvPruned",
	[TX_OFO_PRUNED] = "OfoPruned",
	[TX_RCV_COLLAPSED] = "TCPRcvCollapsed",
	[TX_RCVQ_DROP] = "TCPRcvQDrop",
	[TX_ABORT_ON_MEMORY] = "TCPAbortOnMemory",
	[TX_WANT_ZERO_WINDOW_ADV] = "TCPWantZeroWindowAdv",
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
	home->sysctl.tcp_shrink_window = ns->sysctl.tcp_shrink_window;
}
