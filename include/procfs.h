/* SPDX-License-Identifier: GPL-2.0-or-later */
/* procfs.h - readers for /proc/net and /proc/sys, relative to a proc root. */
#ifndef SOCKMEM_PROCFS_H
#define SOCKMEM_PROCFS_H

#include <stddef.h>
#include <stdint.h>

#include "maybe.h"

/* An open proc root ("/proc" or a fixture tree). */
struct procfs {
	int dirfd;
};

/* Opens root (e.g. "/proc"). Returns 0 or -errno. */
int procfs_open(struct procfs *p, const char *root);
void procfs_close(struct procfs *p);

/*
 * Reads a whole file below the proc root into buf (NUL-terminated,
 * truncated to len-1 bytes). Returns bytes read or -errno.
 */
long procfs_read(const struct procfs *p, const char *rel, char *buf, size_t len);

/* "TCP:" line of sockstat plus "TCP6: inuse" of sockstat6. */
struct sockstat {
	struct maybe inuse, orphan, tw, alloc, mem_pages;
	struct maybe inuse6;	   /* sockstat6 TCP6 inuse */
	struct maybe sockets_used; /* "sockets: used" */
};

/* The TCP row of /proc/net/protocols, parsed by header name. */
struct protocols {
	struct maybe memory_pages; /* -1 from the kernel stays -1 */
	struct maybe pressure;	   /* 1 yes, 0 no; absent for "NI" */
};

/* TcpExt counters sockmem reports (name order in procfs.c). */
enum tcpext {
	TX_MEMORY_PRESSURES,
	TX_MEMORY_PRESSURES_CHRONO,
	TX_PRUNE_CALLED,
	TX_RCV_PRUNED,
	TX_OFO_PRUNED,
	TX_RCV_COLLAPSED,
	TX_RCVQ_DROP,
	TX_ABORT_ON_MEMORY,
	TX_WANT_ZERO_WINDOW_ADV,
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
	struct maybe rmem_max, wmem_max, rmem_default, wmem_default;
	struct maybe mem_pcpu_rsv; /* pages */
};

/* Everything system-wide that sockmem reads from /proc. */
struct sysinfo {
	struct sockstat sockstat;
	struct protocols proto;
	struct maybe tcpext[TX_N];
	struct sysctls sysctl;
	char hostname[65]; /* empty if unreadable */
	char release[65];
};

/* Pure parsers over file text; each fills its struct, absent fields stay absent.
 * Return 0, or -EINVAL if the text has none of the expected structure. */
int procfs_parse_sockstat(const char *text, struct sockstat *out);
int procfs_parse_sockstat6(const char *text, struct sockstat *out);
int procfs_parse_protocols(const char *text, struct protocols *out);
int procfs_parse_netstat(const char *text, struct maybe out[TX_N]);

/* Parses up to n whitespace-separated integers; fills out[], returns the count or -EINVAL. */
int procfs_parse_ints(const char *text, struct maybe *out, int n);

/*
 * Reads every source above; a missing or unreadable file leaves its values
 * absent. Returns 0, or -errno if /proc/net/sockstat itself cannot be read
 * (then *where names the file).
 */
int procfs_read_sysinfo(const struct procfs *p, struct sysinfo *si, const char **where);

/* Copies the per-network-namespace values of ns (sockstat inuse/tw/inuse6,
 * TcpExt counters, tcp_rmem, tcp_wmem, tcp_adv_win_scale,
 * tcp_moderate_rcvbuf) over home, keeping home's host-global values. */
void procfs_overlay_netns(struct sysinfo *home, const struct sysinfo *ns);

/* Inode number of the network namespace of pid (0 = self) or 0 if unreadable. */
uint64_t procfs_netns_ino(const struct procfs *p, int pid);

/* Bounded, checked decimal conversion: returns 0 or -EINVAL/-ERANGE. */
int procfs_strtoi64(const char *s, const char **end, int64_t *out);

#endif
