/* SPDX-License-Identifier: GPL-2.0-or-later */
/* netns.h - one network namespace sockmem listed: plain data. */
#ifndef SOCKMEM_MODEL_NETNS_H
#define SOCKMEM_MODEL_NETNS_H

#include <stdint.h>

#include "model/sysinfo.h"
#include "util/maybe.h"

struct netns_ent {
	uint64_t ino;
	char name[256];		/* `ip netns` name (NAME_MAX), "" if none */
	int32_t pid;		/* a process inside it (0 if found via /run/netns only) */
	int skipped;		/* positive errno if it could not be entered
				 * (EINVAL: a file in /run/netns that is no
				 * namespace; ino is then that file's) */
	struct sysctls sysctl;	/* its own tcp_rmem, tcp_wmem, ... (read inside it) */
	struct maybe inuse, tw; /* its sockstat per-namespace counts */
	/* its sockstat "UDP: inuse" and sockstat6 "UDP6: inuse" (UDP collected
	 * only; its udp_rmem_min/udp_wmem_min are in sysctl) */
	struct maybe udp_inuse, udp_inuse6;
};

#endif
