/* SPDX-License-Identifier: GPL-2.0-or-later */
/* owners_bpf.h - the in-kernel owner walk (a BPF iter/task_file program,
 * src/collect/bpf/owners.bpf.c) and the choice between it and the /proc
 * walk (--owner-walk). */
#ifndef SOCKMEM_OWNERS_BPF_H
#define SOCKMEM_OWNERS_BPF_H

#include "collect/owners.h"
#include "collect/procfs.h"
#include "model/owners.h"

/*
 * owners_walk's work done in the kernel: one pass of a BPF task_file
 * iterator over every task's file table, filling o as owners_walk does
 * (raw links, sock = inode; comm and start time as /proc/PID/comm and
 * field 22 of /proc/PID/stat give them; uid as the owner of /proc/PID).
 * The program is loaded for this call, read through an iterator fd (no
 * pin) and gone when it returns. Returns 0 or -errno: -EOPNOTSUPP when
 * sockmem was built without it, -EXDEV when p is not the initial pid and
 * time namespaces' /proc (pids or start times would differ from the /proc
 * walk's), else the loader's error (-EPERM without CAP_BPF/CAP_SYS_ADMIN).
 * o is zeroed first; on error it holds nothing to free.
 */
int owners_bpf_walk(const struct procfs *p, struct owners *o);

/* Runs the walk mode asks for into o: OWNER_WALK_AUTO the in-kernel walk,
 * else (it cannot run) the /proc walk, on up to threads threads (as
 * owners_walk_threads: 0 is the default); o->by says which ran and
 * o->bpf_err why the in-kernel one did not. Returns owners_walk_threads'
 * or owners_bpf_walk's result (-EINTR and running out of memory are never
 * a reason to fall back). */
int owners_walk_as(const struct procfs *p, enum owner_walk mode, unsigned threads,
		   struct owners *o);

/* Why the in-kernel walk did not run, from o->bpf_err (static text). */
const char *owners_bpf_why(int err);

/* --owner-walk auto takes the /proc walk below this many open files on the
 * host (fs/file-nr); bpf_err then holds OWNERS_BPF_FEW_FILES, no errno. */
#define OWNERS_BPF_MIN_FILES 40000
#define OWNERS_BPF_FEW_FILES (-1)

#endif
