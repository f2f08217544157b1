// SPDX-License-Identifier: GPL-2.0-or-later
/* owners.bpf.c - the in-kernel owner walk: an iter/task_file program that
 * writes, for every task whose file table the iterator visits (it skips
 * threads that share their leader's table), one header record, and for
 * every socket in that table one socket record. Read by
 * collect/owners_bpf.c; the record layouts are in owners_bpf_rec.h.
 * It only reads kernel memory: nothing is changed, pinned or kept. */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>

#include "collect/owners_bpf_rec.h"

char LICENSE[] SEC("license") = "GPL";

#define SOCKFS_MAGIC 0x534F434B
#define S_IFMT 00170000
#define S_IFSOCK 0140000

/* The task the last header was written for, and the fd it was written at.
 * A show whose output overflowed the seq buffer is run again for the same
 * (task, fd) on the next read, its first output discarded: the header is
 * then written again, so the output stays one header per task. */
struct last_hdr {
	__u32 tid;
	__s32 fd;
	__u32 valid;
};
static struct last_hdr last;

static int write_header(struct seq_file *seq, struct task_struct *task, __s32 fd)
{
	struct task_struct *leader = task->group_leader;
	struct sockmem_task_rec h = {};

	h.mark = SOCKMEM_REC_TASK;
	h.tgid = task->tgid;
	h.tid = task->pid;
	/* /proc/PID/comm and field 22 of /proc/PID/stat are the leader's */
	h.start_boottime_ns = BPF_CORE_READ(leader, start_boottime);
	h.files_id = (__u64)(unsigned long)task->files;
	BPF_CORE_READ_STR_INTO(&h.comm, leader, comm);
	last.tid = h.tid;
	last.fd = fd;
	last.valid = 1;
	return bpf_seq_write(seq, &h, sizeof(h));
}

SEC("iter/task_file")
int sockmem_owners(struct bpf_iter__task_file *ctx)
{
	struct seq_file *seq = ctx->meta->seq;
	struct task_struct *task = ctx->task;
	struct file *file = ctx->file;
	struct sockmem_sock_rec s;
	struct inode *inode;
	__u32 tid;

	if (!task || !file)
		return 0;
	tid = task->pid;
	if (!last.valid || last.tid != tid || last.fd == (__s32)ctx->fd)
		if (write_header(seq, task, (__s32)ctx->fd))
			return 0;
	/* Direct loads through the iterator's BTF pointers (CO-RE relocated
	 * by vmlinux.h's preserve_access_index; a faulting load reads 0), not
	 * BPF_CORE_READ: each of those is a bpf_probe_read_kernel() call,
	 * and once per open file on the host they were about a third of the
	 * walk's time. */
	inode = file->f_inode;
	if (!inode || (inode->i_mode & S_IFMT) != S_IFSOCK || !inode->i_sb ||
	    inode->i_sb->s_magic != SOCKFS_MAGIC)
		return 0;
	s.fd = (__s32)ctx->fd;
	s.ino = inode->i_ino;
	bpf_seq_write(seq, &s, sizeof(s));
	return 0;
}
