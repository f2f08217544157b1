/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sysinfo.h - system-wide values sockmem reads (sockstat, protocols, TcpExt,
 * sysctls): plain data, filled by collect/procfs.c. */
#ifndef SOCKMEM_SYSINFO_H
#define SOCKMEM_SYSINFO_H

#include <stdint.h>

#include "util/maybe.h"

/* "TCP:" line of sockstat plus "TCP6: inuse" of sockstat6. */
struct sockstat {
	struct maybe inuse, orphan, tw, alloc, mem_pages;
	struct maybe inuse6;	   /* sockstat6 TCP6 inuse */
	struct maybe sockets_used; /* "sockets: used" */
	/* "UDP: inuse N mem P" (inuse per netns, mem host-global pages) and
	 * sockstat6 "UDP6: inuse N" */
	struct maybe udp_inuse, udp_mem_pages, udp_inuse6;
};

/* The TCP row of /proc/net/protocols, parsed by header name. */
struct protocols {
	struct maybe memory_pages; /* -1 from the kernel stays -1 */
	struct maybe pressure;	   /* 1 yes, 0 no; absent for "NI" */
	struct maybe udp_memory_pages; /* the UDP row's memory column */
	struct maybe udp_pressure;     /* the UDP row's press: absent for "NI" */
};

/* Udp (/proc/net/snmp) and Udp6 (/proc/net/snmp6) counters sockmem reports,
 * per network namespace. MemErrors is 5.x+ (absent on older kernels). */
enum udpc {
	UC_IN_DATAGRAMS,
	UC_IN_ERRORS,
	UC_RCVBUF_ERRORS,
	UC_SNDBUF_ERRORS,
	UC_MEM_ERRORS,
	UC_IGNORED_MULTI,
	UC_N
};
/* The names as /proc/net/snmp spells them ("InDatagrams"; snmp6 prefixes "Udp6"). */
extern const char *const procfs_udp_names[UC_N];

/* TcpExt counters sockmem reports (name order in procfs.c). */
enum tcpext {
	TX_MEMORY_PRESSURES,
	TX_MEMORY_PRESSURES_CHRONO,
	TX_PRUNE_CALLED,
	TX_RCV_PRUNED,
	TX_OFO_PRUNED,
	TX_RCV_COLLAPSED,
	TX_RCV_COALESCE,
	TX_RCVQ_DROP,
	TX_ABORT_ON_MEMORY,
	TX_WANT_ZERO_WINDOW_ADV,
	TX_TO_ZERO_WINDOW_ADV,
	TX_FROM_ZERO_WINDOW_ADV,
	TX_ZERO_WINDOW_DROP,
	TX_BACKLOG_DROP,
	TX_OFO_DROP,
	TX_N
};
extern const char *const procfs_tcpext_names[TX_N];

/* Sysctls sockmem reports (path order in procfs.c). */
struct sysctls {
	struct maybe tcp_mem[3];  /* pages: low, pressure, high */
	struct maybe tcp_rmem[3]; /* bytes: min, default, max */
	struct maybe tcp_wmem[3];
	struct maybe tcp_max_orphans;
	struct maybe tcp_adv_win_scale;
	struct maybe tcp_moderate_rcvbuf;
	struct maybe tcp_notsent_lowat; /* bytes; 4294967295 (UINT_MAX) = no limit */
	struct maybe tcp_shrink_window; /* 6.5+, per netns; absent on older kernels */
	struct maybe rmem_max, wmem_max, rmem_default, wmem_default;
	struct maybe mem_pcpu_rsv; /* pages */
	struct maybe udp_mem[3];   /* pages: low, pressure, high; host-global */
	struct maybe udp_rmem_min, udp_wmem_min; /* bytes; per netns */
};

/* Everything system-wide that sockmem reads from /proc. */
struct sysinfo {
	struct sockstat sockstat;
	struct protocols proto;
	struct maybe tcpext[TX_N];
	struct sysctls sysctl;
	struct maybe udp[UC_N], udp6[UC_N]; /* Udp and Udp6 counters */
	/* 1: the per-namespace values (TcpExt counters...) come from the initial
	 * network namespace, so they count since boot; 0: from a child namespace
	 * (no net.ipv4.tcp_mem there), counting since it was created; absent:
	 * unknown */
	struct maybe initial_netns;
	char hostname[65]; /* empty if unreadable */
	char release[65];
	char boot_id[37]; /* kernel/random/boot_id: socket cookies are unique within one boot */
};

/* Copies the per-network-namespace values of ns (sockstat inuse/tw/inuse6,
 * UDP inuse and inuse6, TcpExt and Udp/Udp6 counters, udp_rmem_min, udp_wmem_min, tcp_rmem, tcp_wmem, tcp_adv_win_scale,
 * tcp_moderate_rcvbuf, tcp_notsent_lowat, tcp_shrink_window, initial_netns) over
 * home, keeping home's host-global values. */
void procfs_overlay_netns(struct sysinfo *home, const struct sysinfo *ns);

/* Clears the UDP values of si (sockstat, protocols, sysctls, counters): a
 * TCP-only collection holds none, as its snapshot writes none. */
void sysinfo_drop_udp(struct sysinfo *si);
/* The same for a sysctl set alone (a namespace's). */
void sysctls_drop_udp(struct sysctls *sc);

/* Whether kernel release text ("6.18.44-foo") is at least major.minor:
 * 1 or 0, absent when it does not start with "MAJOR.MINOR". */
struct maybe sysinfo_release_at_least(const char *release, int64_t major, int64_t minor);

/* Whether the kernel ignores net.ipv4.tcp_adv_win_scale (6.6+: each socket's
 * scaling_ratio replaced it): 1, 0, or absent when the release is unknown. */
struct maybe sysinfo_adv_win_scale_ignored(const struct sysinfo *si);

/* How many more orphans the kernel's check (orphans << shift >
 * tcp_max_orphans, tcp_too_many_orphans) allows at shift 0..2:
 * (tcp_max_orphans >> shift) - orphans; negative once it fires. Absent when
 * either value is unknown. */
struct maybe sysinfo_orphan_headroom(const struct sysinfo *si, int shift);

#endif
