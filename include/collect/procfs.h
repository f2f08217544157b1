/* SPDX-License-Identifier: GPL-2.0-or-later */
/* procfs.h - readers for /proc/net and /proc/sys, relative to a proc root. */
#ifndef SOCKMEM_PROCFS_H
#define SOCKMEM_PROCFS_H

#include <stddef.h>
#include <stdint.h>

#include "model/sysinfo.h"
#include "util/maybe.h"

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


/* Pure parsers over file text; each fills its struct, absent fields stay absent.
 * Return 0, or -EINVAL if the text has none of the expected structure. */
int procfs_parse_sockstat(const char *text, struct sockstat *out);
int procfs_parse_sockstat6(const char *text, struct sockstat *out);
int procfs_parse_protocols(const char *text, struct protocols *out);
int procfs_parse_netstat(const char *text, struct maybe out[TX_N]);
/* The Udp counters of /proc/net/snmp (header line, then values line). */
int procfs_parse_snmp_udp(const char *text, struct maybe out[UC_N]);
/* The Udp6 counters of /proc/net/snmp6 ("Udp6Name value" lines). */
int procfs_parse_snmp6_udp(const char *text, struct maybe out[UC_N]);

/* Parses up to n whitespace-separated integers; fills out[], returns the count or -EINVAL. */
int procfs_parse_ints(const char *text, struct maybe *out, int n);

/*
 * Reads every source above; a missing or unreadable file leaves its values
 * absent. Returns 0, or -errno if /proc/net/sockstat itself cannot be read
 * (then *where names the file).
 */
int procfs_read_sysinfo(const struct procfs *p, struct sysinfo *si, const char **where);


/* Inode number of the network namespace of pid (0 = self) or 0 if unreadable. */
uint64_t procfs_netns_ino(const struct procfs *p, int pid);

#endif
