/* SPDX-License-Identifier: GPL-2.0-or-later */
/* owners_bpf_rec.h - the records the in-kernel owner walk
 * (src/collect/bpf/owners.bpf.c) writes and collect/owners_bpf.c reads:
 * a task record, then that task's socket records, all in the host's byte
 * order. Shared by the BPF program (vmlinux.h types) and user space. */
#ifndef SOCKMEM_OWNERS_BPF_REC_H
#define SOCKMEM_OWNERS_BPF_REC_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

/* mark of a task record; a socket record starts with its fd (>= 0) */
#define SOCKMEM_REC_TASK (-1)

/* One task whose file table the iterator visited. */
struct sockmem_task_rec {
	__s32 mark; /* SOCKMEM_REC_TASK */
	__u32 tgid;
	__u32 tid;
	__u32 pad;
	__u64 start_boottime_ns; /* the leader's task->start_boottime */
	__u64 files_id;		 /* the table's identity: equal within one run iff shared */
	char comm[16];		 /* the leader's comm, NUL-terminated */
};

/* One socket open in the last task's table. */
struct sockmem_sock_rec {
	__s32 fd;
	__u32 ino; /* sockfs inode number: "socket:[ino]" */
};

#endif
