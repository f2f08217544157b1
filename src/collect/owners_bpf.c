// SPDX-License-Identifier: GPL-2.0-or-later
/* owners_bpf.c - the in-kernel owner walk: loads the iter/task_file program,
 * reads its records through an iterator fd and fills struct owners as the
 * /proc walk does; and the --owner-walk choice between the two. */
#include "collect/owners_bpf.h"

#include <errno.h>
#include <string.h>

#ifdef SOCKMEM_BPF
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "collect/owners_bpf.skel.h"
#include "collect/owners_bpf_rec.h"
#include "util/idmap.h"
#include "util/sig.h"

#define PROC_SUPER_MAGIC_ 0x9fa0
/* the inode numbers of the initial namespaces (include/linux/proc_ns.h) */
#define PROC_PID_INIT_INO_ 0xEFFFFFFCU
#define PROC_TIME_INIT_INO_ 0xEFFFFFFAU

/* Whether p is the /proc of the initial pid and time namespaces, where the
 * kernel's pids (task->tgid) and boot-time start times are the ones /proc
 * shows. A kernel without time namespaces has no ns/time. */
static int same_view(const struct procfs *p)
{
	struct statfs sf;
	struct stat st;

	if (fstatfs(p->dirfd, &sf) < 0 || sf.f_type != PROC_SUPER_MAGIC_)
		return -EXDEV;
	if (fstatat(p->dirfd, "self/ns/pid", &st, 0) < 0 || st.st_ino != PROC_PID_INIT_INO_)
		return -EXDEV;
	if (fstatat(p->dirfd, "self/ns/time", &st, 0) == 0 ? st.st_ino != PROC_TIME_INIT_INO_
							    : errno != ENOENT)
		return -EXDEV;
	return 0;
}

/* What the reader knows while it parses the records. */
struct bpf_read {
	const struct procfs *p;
	struct owners *o;
	struct idmap seen;	      /* tgids with a table visited (value unused) */
	struct idmap procs;	      /* tgid -> index in o->procs, from its first socket */
	struct idmap tables;	      /* files_id of the threads' own tables counted */
	struct sockmem_task_rec task; /* the task whose sockets follow */
	uint64_t tick_ns;	      /* nanoseconds per clock tick (USER_HZ), 0 if unknown */
	bool have_task;
};

/* Clock ticks after boot as /proc/PID/stat shows them: the kernel's
 * nsec_to_clock_t(task->start_boottime), which divides by NSEC_PER_SEC /
 * USER_HZ when USER_HZ divides a second (every architecture Linux has). */
static struct maybe start_ticks(const struct bpf_read *r, uint64_t ns)
{
	return r->tick_ns ? maybe_of((int64_t)(ns / r->tick_ns)) : maybe_none();
}

/* The current task's process in o->procs (added at its first socket) into
 * *idx. Returns 0 or -ENOMEM. */
static int proc_index(struct bpf_read *r, uint32_t *idx)
{
	struct owners *o = r->o;
	struct proc_ent *e;
	struct stat st;
	char name[16];

	if (idmap_get(&r->procs, r->task.tgid, idx))
		return 0;
	if (o->nprocs == o->procs_cap) {
		size_t cap = o->procs_cap ? o->procs_cap * 2 : 64;
		struct proc_ent *v = realloc(o->procs, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		o->procs = v;
		o->procs_cap = cap;
	}
	if (idmap_put(&r->procs, r->task.tgid, (uint32_t)o->nprocs, NULL) < 0)
		return -ENOMEM;
	e = &o->procs[o->nprocs];
	memset(e, 0, sizeof(*e));
	e->pid = (int32_t)r->task.tgid;
	memcpy(e->comm, r->task.comm, sizeof(r->task.comm));
	e->comm[sizeof(e->comm) - 1] = '\0';
	e->start_time = start_ticks(r, r->task.start_boottime_ns);
	/* the owner of /proc/PID (task_dump_owner: the euid, or root when the
	 * process is not dumpable, seen through user namespaces): one stat per
	 * process reproduces that rule exactly; a process gone since has none */
	snprintf(name, sizeof(name), "%u", r->task.tgid);
	e->uid = fstatat(r->p->dirfd, name, &st, 0) == 0 ? (uint32_t)st.st_uid : (uint32_t)-1;
	*idx = (uint32_t)o->nprocs++;
	return 0;
}

/* One task record: counts the process once and a thread's own table once. */
static int on_task(struct bpf_read *r, const struct sockmem_task_rec *t)
{
	int added;

	r->task = *t;
	r->have_task = true;
	added = idmap_put(&r->seen, t->tgid, 0, NULL);
	if (added < 0)
		return -ENOMEM;
	r->o->procs_scanned += (uint64_t)added;
	/* the iterator skips threads that share their leader's table */
	if (t->tid != t->tgid) {
		added = idmap_put(&r->tables, t->files_id, 0, NULL);
		if (added < 0)
			return -ENOMEM;
		r->o->task_tables += (uint64_t)added;
	}
	return 0;
}

static int on_sock(struct bpf_read *r, const struct sockmem_sock_rec *s)
{
	uint32_t proc;
	int err;

	if (!r->have_task)
		return -EPROTO;
	err = proc_index(r, &proc);
	return err ? err : owners_add_link(r->o, s->ino, proc, s->fd);
}

/* Parses the whole records in buf[0..n); returns the bytes used or -errno. */
static long parse_records(struct bpf_read *r, const unsigned char *buf, size_t n)
{
	size_t off = 0;

	while (n - off >= sizeof(int32_t)) {
		int32_t mark;
		int err;

		memcpy(&mark, buf + off, sizeof(mark));
		if (mark == SOCKMEM_REC_TASK) {
			struct sockmem_task_rec t;

			if (n - off < sizeof(t))
				break;
			memcpy(&t, buf + off, sizeof(t));
			err = on_task(r, &t);
			off += sizeof(t);
		} else {
			struct sockmem_sock_rec s;

			if (n - off < sizeof(s))
				break;
			memcpy(&s, buf + off, sizeof(s));
			err = mark < 0 ? -EPROTO : on_sock(r, &s);
			off += sizeof(s);
		}
		if (err)
			return err;
	}
	return (long)off;
}

#define READ_BUF (256 * 1024)

/* Reads the iterator to its end. Returns 0 or -errno. */
static int read_iter(struct bpf_read *r, int fd)
{
	unsigned char *buf = malloc(READ_BUF);
	size_t have = 0;
	int err = 0;

	if (!buf)
		return -ENOMEM;
	for (;;) {
		ssize_t n;
		long used;

		if (sig_interrupted()) {
			err = -EINTR;
			break;
		}
		n = read(fd, buf + have, READ_BUF - have);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = -errno;
			break;
		}
		if (n == 0) {
			/* a record cut at the end is not one the program wrote */
			err = have ? -EPROTO : 0;
			break;
		}
		have += (size_t)n;
		used = parse_records(r, buf, have);
		if (used < 0) {
			err = (int)used;
			break;
		}
		memmove(buf, buf + used, have - (size_t)used);
		have -= (size_t)used;
	}
	free(buf);
	return err;
}

/* libbpf's messages would go to stderr from the collection layer: the
 * error that matters is returned instead. */
static int quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
	return 0;
}

/* Loads the program, runs one iteration into r and unloads it. */
static int run_iter(struct bpf_read *r)
{
	struct owners_bpf *skel;
	struct bpf_link *link;
	int fd, err;

	libbpf_set_print(quiet);
	skel = owners_bpf__open_and_load();
	if (!skel)
		return errno ? -errno : -EINVAL;
	link = bpf_program__attach_iter(skel->progs.sockmem_owners, NULL);
	if (!link) {
		err = errno ? -errno : -EINVAL;
		owners_bpf__destroy(skel);
		return err;
	}
	fd = bpf_iter_create(bpf_link__fd(link));
	err = fd < 0 ? (errno ? -errno : -EINVAL) : read_iter(r, fd);
	if (fd >= 0)
		close(fd);
	bpf_link__destroy(link);
	owners_bpf__destroy(skel);
	return err;
}

int owners_bpf_walk(const struct procfs *p, struct owners *o)
{
	struct bpf_read r = { .p = p, .o = o };
	long hz = sysconf(_SC_CLK_TCK);
	int err;

	memset(o, 0, sizeof(*o));
	err = same_view(p);
	if (err)
		return err;
	if (hz > 0 && 1000000000L % hz == 0)
		r.tick_ns = (uint64_t)(1000000000L / hz);
	err = run_iter(&r);
	idmap_free(&r.seen);
	idmap_free(&r.procs);
	idmap_free(&r.tables);
	if (err) {
		owners_free(o);
		memset(o, 0, sizeof(*o));
		return err;
	}
	o->walked = true;
	o->by = OWNER_WALK_BPF;
	return 0;
}

#else /* !SOCKMEM_BPF */

int owners_bpf_walk(const struct procfs *p, struct owners *o)
{
	(void)p;
	memset(o, 0, sizeof(*o));
	return -EOPNOTSUPP;
}

#endif

const char *owners_bpf_why(int err)
{
	switch (err) {
	case 0: return "";
	case OWNERS_BPF_FEW_FILES:
		return "auto: fewer than 40000 open files on the host, where the /proc walk is "
		       "faster";
	case EOPNOTSUPP: return "not built into this sockmem";
	case EXDEV: return "not the initial pid and time namespaces' /proc";
	default: return strerror(err);
	}
}

/* Whether the host has fewer open files than the in-kernel walk's fixed
 * cost pays for (fs/file-nr's first value: allocated file handles, host
 * wide). Its load and verification cost ~0.2 s; the /proc walk ~5 us per
 * descriptor: they break even near 40,000 descriptors (measured on 6.18). */
static bool few_files(const struct procfs *p)
{
	char buf[128];
	struct maybe nr[3];

	if (procfs_read(p, "sys/fs/file-nr", buf, sizeof(buf)) <= 0 ||
	    procfs_parse_ints(buf, nr, 3) < 1)
		return false;
	return nr[0].v < OWNERS_BPF_MIN_FILES;
}

int owners_walk_as(const struct procfs *p, enum owner_walk mode, unsigned threads, struct owners *o)
{
	int bpf_err = 0, err;

	if (mode == OWNER_WALK_AUTO && few_files(p))
		bpf_err = OWNERS_BPF_FEW_FILES;
	else if (mode != OWNER_WALK_PROC) {
		err = owners_bpf_walk(p, o);
		o->by = OWNER_WALK_BPF;
		o->bpf_err = -err;
		if (!err || mode == OWNER_WALK_BPF || err == -EINTR || err == -ENOMEM)
			return err;
		bpf_err = -err;
	}
	err = owners_walk_threads(p, threads, o);
	o->by = OWNER_WALK_PROC;
	o->bpf_err = bpf_err;
	return err;
}
