// SPDX-License-Identifier: GPL-2.0-or-later
/* owners.c - one walk of the file tables in /proc, joined to socket inodes afterwards. */
#include "collect/owners.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/kcmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util/num.h"
#include "util/sig.h"

/* inode -> socket index (inode 0 never has a holder, so it is not mapped). */
static int inode_map_build(struct idmap *m, const struct sock_table *t)
{
	int err = idmap_init(m, t->n);

	for (size_t i = 0; !err && i < t->n; i++)
		if (t->v[i].inode)
			err = idmap_put(m, t->v[i].inode, (uint32_t)i, NULL) < 0 ? -ENOMEM : 0;
	if (err)
		idmap_free(m);
	return err;
}

/* Socket index holding inode, or -1. */
static long inode_map_find(const struct idmap *m, uint32_t ino)
{
	uint32_t i;

	return idmap_get(m, ino, &i) ? (long)i : -1;
}

/* Parses a decimal pid/fd name; returns -1 if it is not one. */
static long parse_num(const char *s)
{
	uint64_t v;

	return num_u64(s, INT32_MAX, &v) == 0 ? (long)v : -1;
}

/* Parses "socket:[N]" into N; returns 0 if the link is not a socket. */
static uint32_t socket_inode(const char *l, ssize_t n)
{
	uint64_t v;

	if (n < 10 || memcmp(l, "socket:[", 8) != 0 || l[n - 1] != ']' ||
	    num_u64n(l + 8, (size_t)n - 9, UINT32_MAX, &v) != 0)
		return 0;
	return (uint32_t)v;
}

/* Reads comm into e; 0, or -errno if descriptors or memory ran out. */
static int read_comm(int piddir, struct proc_ent *e)
{
	int fd = openat(piddir, "comm", O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return errno == EMFILE || errno == ENFILE || errno == ENOMEM ? -errno : 0;
	n = read(fd, e->comm, sizeof(e->comm) - 1);
	if (n > 0 && e->comm[n - 1] == '\n')
		n--; /* only the kernel's terminator; a name may contain '\n' */
	e->comm[n > 0 ? n : 0] = '\0';
	close(fd);
	return 0;
}

/* Field 22 of /proc/[pid]/stat (starttime: clock ticks after boot) into e,
 * absent if unreadable; 0, or -errno if descriptors or memory ran out.
 * comm (field 2) may hold spaces and ')': the fields follow the last ')'. */
static int read_start_time(int piddir, struct proc_ent *e)
{
	int fd = openat(piddir, "stat", O_RDONLY | O_CLOEXEC);
	char buf[1024];
	const char *p, *end;
	int64_t v;
	ssize_t n;

	e->start_time = maybe_none();
	if (fd < 0)
		return errno == EMFILE || errno == ENFILE || errno == ENOMEM ? -errno : 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	p = strrchr(buf, ')');
	if (p)
		p++;
	/* fields 3 to 22 follow, each after one space */
	for (int field = 3; p && field <= 22; field++) {
		p = *p == ' ' ? p + 1 : NULL;
		if (p && field < 22)
			p += strcspn(p, " ");
	}
	if (p && num_i64_prefix(p, &end, &v) == 0 && (*end == ' ' || *end == '\n' || !*end))
		e->start_time = maybe_of(v);
	return 0;
}

static int add_proc(struct owners *o, int piddir, int32_t pid, uint32_t uid)
{
	struct proc_ent *e;
	int err;

	if (o->nprocs == o->procs_cap) {
		size_t cap = o->procs_cap ? o->procs_cap * 2 : 64;
		struct proc_ent *v = realloc(o->procs, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		o->procs = v;
		o->procs_cap = cap;
	}
	e = &o->procs[o->nprocs++];
	memset(e, 0, sizeof(*e));
	e->pid = pid;
	e->uid = uid;
	err = read_comm(piddir, e);
	return err ? err : read_start_time(piddir, e);
}

/* One process being walked. */
struct pid_walk {
	struct owners *o;
	int piddir;
	int32_t pid;
	long proc;	 /* index in o->procs once it holds a socket, else -1 */
	bool denied;	 /* some fds not readable: permission */
	bool incomplete; /* some fds lost to another error */
};

/* What an error of one /proc step means (negative values are -errno). */
enum step {
	STEP_NOTED = 0,	 /* the loss is counted in the walk (denied or incomplete) */
	STEP_GONE = 1,	 /* the task exited */
	STEP_CLOSED = 2, /* a directory could not be opened; the loss is counted */
};

/* Classifies errno e: the task is gone (STEP_GONE), the loss is counted in
 * w (STEP_NOTED), or the run cannot go on (-e: out of descriptors or memory). */
static int step_err(struct pid_walk *w, int e)
{
	switch (e) {
	case ENOENT:
	case ESRCH: return STEP_GONE;
	case EMFILE:
	case ENFILE:
	case ENOMEM: return -e;
	case EACCES:
	case EPERM: w->denied = true; return STEP_NOTED;
	default: w->incomplete = true; return STEP_NOTED;
	}
}

/* Records one "socket:[N]" fd of w's process. */
static int add_socket_fd(struct pid_walk *w, uint32_t ino, long fdn)
{
	struct stat st;
	int err;

	if (w->proc < 0) {
		if (fstat(w->piddir, &st) < 0)
			st.st_uid = (uid_t)-1;
		err = add_proc(w->o, w->piddir, w->pid, (uint32_t)st.st_uid);
		if (err)
			return err;
		w->proc = (long)w->o->nprocs - 1;
	}
	return owners_add_link(w->o, ino, (uint32_t)w->proc, (int32_t)fdn);
}

/*
 * Records every socket fd of the fd directory at/path (a process's or a
 * thread's table). Returns 0, STEP_GONE, STEP_CLOSED or -errno.
 * A listing that fails midway keeps what it read and marks w incomplete.
 */
static int walk_table(struct pid_walk *w, int at, const char *path)
{
	int fd = openat(at, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC), err = 0;
	struct dirent *de;
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;

	if (!d) {
		err = step_err(w, errno);
		if (fd >= 0)
			close(fd);
		return err == STEP_NOTED ? STEP_CLOSED : err;
	}
	for (;;) {
		char link[64];
		long fdn;
		ssize_t n;

		errno = 0;
		de = readdir(d);
		if (!de) {
			/* NULL with errno set is a failed getdents64, not the end */
			err = errno ? step_err(w, errno) : 0;
			break;
		}
		fdn = parse_num(de->d_name);
		if (fdn < 0)
			continue;
		n = readlinkat(dirfd(d), de->d_name, link, sizeof(link));
		if (n < 0) {
			/* ENOENT: closed since the listing; ENAMETOOLONG: a path
			 * d_path() cannot build (seen on exiting processes), which
			 * a socket's "socket:[N]" never is */
			if (errno == ENOENT || errno == ENAMETOOLONG)
				continue;
			if (errno == EACCES || errno == EPERM)
				w->o->fds_denied++;
			err = step_err(w, errno);
			if (err < 0)
				break;
			err = 0;
			continue;
		}
		uint32_t ino = socket_inode(link, n);

		if (ino && (err = add_socket_fd(w, ino, fdn)) != 0)
			break;
	}
	closedir(d);
	return err;
}

#ifdef SYS_kcmp
/* kcmp(KCMP_FILES): 0 if a and b share one file table, 1 or 2 if not, -1 with errno. */
static long same_files(int32_t a, int32_t b)
{
	return syscall(SYS_kcmp, (pid_t)a, (pid_t)b, KCMP_FILES, 0UL, 0UL);
}
#else
static long same_files(int32_t a, int32_t b)
{
	(void)a;
	(void)b;
	errno = ENOSYS;
	return -1;
}
#endif

/* Distinct thread tables remembered per process; past this, more threads are
 * walked without comparing (owners_join drops the repeated links). */
#define TABLES_MAX 16

/* Whether tid's table needs a walk: 0 if it is one already walked (the
 * process's or reps[]), 1 if not. Unknown counts as new (no kcmp in this
 * kernel, a task gone: walking a table twice costs time, never a wrong
 * answer), except that kcmp refused means its links would be refused too:
 * -1, the table counts as denied. */
static int table_new(struct pid_walk *w, int32_t tid, const int32_t *reps, size_t nreps)
{
	long k = same_files(w->pid, tid);

	if (k < 0 && (errno == EPERM || errno == EACCES)) {
		w->denied = true;
		return -1;
	}
	if (k == 0)
		return 0;
	for (size_t i = 0; i < nreps; i++)
		if (same_files(reps[i], tid) == 0)
			return 0;
	return 1;
}

/*
 * Walks the tables of w's threads that are not the process's own: threads
 * that called unshare(CLONE_FILES), or all of them when the leader has
 * exited (its /proc/[pid]/fd is then empty). /proc/[pid]/task has 2 + the
 * number of threads links, so a single-threaded process costs one fstatat.
 * Returns 0 or -errno (any other outcome is counted in w).
 */
static int walk_threads(struct pid_walk *w)
{
	int32_t reps[TABLES_MAX];
	size_t nreps = 0;
	struct dirent *de;
	struct stat st;
	int fd, err = 0;
	DIR *d;

	/* no task directory (a fixture tree) is a single thread */
	if (fstatat(w->piddir, "task", &st, 0) < 0)
		return errno == ENOENT ? 0 : step_err(w, errno);
	if (st.st_nlink <= 3)
		return 0;
	fd = openat(w->piddir, "task", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d) {
		err = step_err(w, errno);
		if (fd >= 0)
			close(fd);
		return err;
	}
	for (;;) {
		char path[32];
		long tid;

		errno = 0;
		de = readdir(d);
		if (!de) {
			err = errno ? step_err(w, errno) : 0;
			break;
		}
		tid = parse_num(de->d_name);
		if (tid <= 0 || tid == w->pid || table_new(w, (int32_t)tid, reps, nreps) <= 0)
			continue;
		snprintf(path, sizeof(path), "%ld/fd", tid);
		err = walk_table(w, dirfd(d), path);
		if (err < 0)
			break;
		if (err != 0) /* that thread exited, or its table is counted as lost */
			continue;
		w->o->task_tables++;
		if (nreps < TABLES_MAX)
			reps[nreps++] = (int32_t)tid;
	}
	closedir(d);
	return err;
}

int owners_walk_pid(struct owners *o, int procfd, const char *name, int32_t pid)
{
	struct pid_walk w = { o, -1, pid, -1, false, false };
	int err;

	w.piddir = openat(procfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (w.piddir < 0) {
		err = step_err(&w, errno);
		o->procs_gone += err == STEP_GONE;
		o->procs_scanned += err == STEP_NOTED;
	} else {
		o->procs_scanned++;
		err = walk_table(&w, w.piddir, "fd");
		o->procs_gone += err == STEP_GONE;
		/* threads' fd directories have the leader's owner and mode, and their
		 * links the same ptrace check: when the leader's are refused, so are
		 * theirs (and the process is counted as denied already) */
		if (err == 0 && !w.denied)
			err = walk_threads(&w);
		close(w.piddir);
	}
	if (w.incomplete)
		o->procs_incomplete++;
	else if (w.denied)
		o->procs_denied++;
	return err < 0 ? err : 0;
}

int proc_list_open(const struct procfs *p, struct proc_list *l)
{
	int dfd = openat(p->dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC), err;

	l->d = dfd >= 0 ? fdopendir(dfd) : NULL;
	if (l->d)
		return 0;
	err = -errno;
	if (dfd >= 0)
		close(dfd);
	return err;
}

int proc_list_next(struct proc_list *l, int32_t *pid, const char **name)
{
	for (;;) {
		struct dirent *de;
		uint64_t v;

		errno = 0;
		de = readdir(l->d);
		/* a failed getdents64 leaves processes unlisted: not a partial
		 * answer anyone could size, so the walk fails */
		if (!de)
			return -errno;
		if (num_u64(de->d_name, INT32_MAX, &v) != 0 || v == 0)
			continue;
		*pid = (int32_t)v;
		*name = de->d_name;
		return 1;
	}
}

void proc_list_close(struct proc_list *l)
{
	if (l->d)
		closedir(l->d);
	l->d = NULL;
}

int owners_walk(const struct procfs *p, struct owners *o)
{
	struct proc_list l;
	const char *name;
	int32_t pid;
	int err;

	memset(o, 0, sizeof(*o));
	err = proc_list_open(p, &l);
	if (err)
		return err;
	while ((err = proc_list_next(&l, &pid, &name)) > 0) {
		if (sig_interrupted()) {
			err = -EINTR;
			break;
		}
		err = owners_walk_pid(o, dirfd(l.d), name, pid);
		if (err)
			break;
	}
	proc_list_close(&l);
	o->walked = err == 0;
	o->walk_threads = 1;
	return err;
}

int owners_join(struct owners *o, struct sock_table *t)
{
	struct idmap m;
	uint32_t *newidx = NULL;
	size_t nl = 0, np = 0;
	int err;

	for (size_t i = 0; i < t->n; i++)
		t->v[i].own_first = t->v[i].own_n = 0;
	err = inode_map_build(&m, t);
	if (err)
		return err;
	/* keep links to dumped sockets; mark the processes they name */
	newidx = calloc(o->nprocs + 1, sizeof(*newidx));
	if (!newidx) {
		idmap_free(&m);
		return -ENOMEM;
	}
	for (size_t i = 0; i < o->nlinks; i++) {
		long si = inode_map_find(&m, o->links[i].sock);

		if (si < 0)
			continue;
		o->links[nl] = o->links[i];
		o->links[nl++].sock = (uint32_t)si;
		newidx[o->links[i].proc] = 1;
	}
	o->nlinks = nl;
	idmap_free(&m);
	/* keep only processes that hold a dumped socket */
	for (size_t i = 0; i < o->nprocs; i++) {
		if (!newidx[i])
			continue;
		o->procs[np] = o->procs[i];
		o->procs[np].pid = o->procs[i].pid;
		newidx[i] = (uint32_t)np++;
	}
	for (size_t i = 0; i < nl; i++)
		o->links[i].proc = newidx[o->links[i].proc];
	o->nprocs = np;
	free(newidx);
	/* readdir's order is not promised: pid order */
	err = owners_sort_procs(o);
	if (err)
		return err;
	owners_sort_links(o);
	nl = o->nlinks;
	for (size_t i = 0; i < nl; i++) {
		struct sock_rec *s = &t->v[o->links[i].sock];

		if (s->own_n == 0)
			s->own_first = (uint32_t)i;
		s->own_n++;
	}
	return 0;
}

int owners_scan(const struct procfs *p, struct sock_table *t, struct owners *o)
{
	int err = owners_walk(p, o);

	if (!err)
		err = owners_join(o, t);
	if (err)
		owners_free(o);
	return err;
}

