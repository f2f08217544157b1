// SPDX-License-Identifier: GPL-2.0-or-later
/* owners.c - one walk of /proc/[pid]/fd, joined to socket inodes afterwards. */
#include "owners.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sig.h"

/* inode -> socket index, open addressing; the key sits in the slot so a
 * probe does not touch the (large, cold) socket records. */
struct inode_slot {
	uint32_t inode; /* 0 = empty (inode 0 never has a holder) */
	uint32_t sock;
};

struct inode_map {
	struct inode_slot *slot;
	size_t mask;
};

static size_t ino_hash(uint32_t ino, size_t mask)
{
	return (size_t)((ino * 0x9E3779B1u) ^ (ino >> 16)) & mask;
}

static int inode_map_build(struct inode_map *m, const struct sock_table *t)
{
	size_t cap = 64;

	while (cap < t->n * 2 + 1)
		cap <<= 1;
	m->slot = calloc(cap, sizeof(*m->slot));
	if (!m->slot)
		return -ENOMEM;
	m->mask = cap - 1;
	for (size_t i = 0; i < t->n; i++) {
		uint32_t ino = t->v[i].inode;

		if (!ino)
			continue;
		size_t h = ino_hash(ino, m->mask);

		while (m->slot[h].inode && m->slot[h].inode != ino)
			h = (h + 1) & m->mask;
		if (!m->slot[h].inode)
			m->slot[h] = (struct inode_slot){ ino, (uint32_t)i };
	}
	return 0;
}

/* Socket index holding inode, or -1. */
static long inode_map_find(const struct inode_map *m, uint32_t ino)
{
	size_t h = ino_hash(ino, m->mask);

	while (m->slot[h].inode) {
		if (m->slot[h].inode == ino)
			return (long)m->slot[h].sock;
		h = (h + 1) & m->mask;
	}
	return -1;
}

/* Parses a decimal pid/fd name; returns -1 if it is not one. */
static long parse_num(const char *s)
{
	long v = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > 0x7fffffffL / 10)
			return -1;
		v = v * 10 + (*s - '0');
	}
	return v;
}

/* Parses "socket:[N]" into N; returns 0 if the link is not a socket. */
static uint32_t socket_inode(const char *l, ssize_t n)
{
	uint64_t v = 0;

	if (n < 10 || memcmp(l, "socket:[", 8) != 0 || l[n - 1] != ']')
		return 0;
	for (ssize_t i = 8; i < n - 1; i++) {
		if (l[i] < '0' || l[i] > '9')
			return 0;
		v = v * 10 + (uint64_t)(l[i] - '0');
		if (v > UINT32_MAX)
			return 0;
	}
	return (uint32_t)v;
}

static int add_link(struct owners *o, uint32_t sock, uint32_t proc, int32_t fd)
{
	if (o->nlinks == o->links_cap) {
		size_t cap = o->links_cap ? o->links_cap * 2 : 1024;
		struct owner_link *v = realloc(o->links, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		o->links = v;
		o->links_cap = cap;
	}
	o->links[o->nlinks++] = (struct owner_link){ sock, proc, fd };
	return 0;
}

static int add_proc(struct owners *o, int piddir, int32_t pid, uint32_t uid)
{
	struct proc_ent *e;
	int fd;

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
	fd = openat(piddir, "comm", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		ssize_t n = read(fd, e->comm, sizeof(e->comm) - 1);

		if (n > 0 && e->comm[n - 1] == '\n')
			n--; /* only the kernel's terminator; a name may contain '\n' */
		e->comm[n > 0 ? n : 0] = '\0';
		close(fd);
	}
	return 0;
}

/* Records every socket fd of one process as a raw link (sock = inode). */
static int walk_pid(struct owners *o, int procfd, const char *name, int32_t pid)
{
	int piddir, fddir, err = 0, denied = 0;
	long proc = -1;
	struct stat st;
	DIR *d;
	struct dirent *de;

	piddir = openat(procfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (piddir < 0) {
		o->procs_gone++;
		return 0;
	}
	o->procs_scanned++;
	fddir = openat(piddir, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fddir < 0) {
		if (errno == EACCES || errno == EPERM)
			o->procs_denied++;
		else
			o->procs_gone++;
		close(piddir);
		return 0;
	}
	d = fdopendir(fddir);
	if (!d) {
		close(fddir);
		close(piddir);
		return errno == ENOMEM ? -ENOMEM : 0;
	}
	while ((de = readdir(d)) != NULL) {
		char link[64];
		long fdn = parse_num(de->d_name);

		if (fdn < 0)
			continue;
		ssize_t n = readlinkat(fddir, de->d_name, link, sizeof(link));

		if (n < 0) {
			if (errno == EACCES || errno == EPERM) {
				o->fds_denied++;
				denied = 1;
			}
			continue;
		}
		uint32_t ino = socket_inode(link, n);

		if (!ino)
			continue;
		if (proc < 0) {
			if (fstat(piddir, &st) < 0)
				st.st_uid = (uid_t)-1;
			err = add_proc(o, piddir, pid, (uint32_t)st.st_uid);
			if (err)
				break;
			proc = (long)o->nprocs - 1;
		}
		err = add_link(o, ino, (uint32_t)proc, (int32_t)fdn);
		if (err)
			break;
	}
	o->procs_denied += (uint64_t)denied;
	closedir(d);
	close(piddir);
	return err;
}

int owners_walk(const struct procfs *p, struct owners *o)
{
	struct dirent *de;
	DIR *d;
	int dfd, err = 0;

	memset(o, 0, sizeof(*o));
	dfd = openat(p->dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	d = dfd >= 0 ? fdopendir(dfd) : NULL;
	if (!d) {
		err = -errno;
		if (dfd >= 0)
			close(dfd);
		return err;
	}
	while ((de = readdir(d)) != NULL) {
		long pid = parse_num(de->d_name);

		if (pid <= 0)
			continue;
		if (sig_interrupted()) {
			err = -EINTR;
			break;
		}
		err = walk_pid(o, dirfd(d), de->d_name, (int32_t)pid);
		if (err)
			break;
	}
	closedir(d);
	return err;
}

static int pid_cmp(const void *a, const void *b)
{
	const struct proc_ent *x = a, *y = b;

	return (x->pid > y->pid) - (x->pid < y->pid);
}

static int link_cmp(const void *a, const void *b)
{
	const struct owner_link *x = a, *y = b;

	if (x->sock != y->sock)
		return x->sock < y->sock ? -1 : 1;
	if (x->proc != y->proc)
		return x->proc < y->proc ? -1 : 1;
	return (x->fd > y->fd) - (x->fd < y->fd);
}

int owners_join(struct owners *o, struct sock_table *t)
{
	struct inode_map m;
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
		free(m.slot);
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
	free(m.slot);
	/* keep only processes that hold a dumped socket, in pid order
	 * (readdir's order is not promised) */
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
	if (np > 1) {
		/* sort procs by pid and remap once more through a pid-ordered index */
		uint32_t *order = malloc(np * sizeof(*order));
		int32_t *pids = malloc(np * sizeof(*pids));

		if (!order || !pids) {
			free(order);
			free(pids);
			free(newidx);
			return -ENOMEM;
		}
		for (size_t i = 0; i < np; i++)
			pids[i] = o->procs[i].pid;
		qsort(o->procs, np, sizeof(*o->procs), pid_cmp);
		for (size_t i = 0; i < np; i++) {
			size_t lo = 0, hi = np;

			while (lo < hi) {
				size_t mid = (lo + hi) / 2;

				if (o->procs[mid].pid < pids[i])
					lo = mid + 1;
				else
					hi = mid;
			}
			order[i] = (uint32_t)lo;
		}
		for (size_t i = 0; i < nl; i++)
			o->links[i].proc = order[o->links[i].proc];
		free(order);
		free(pids);
	}
	free(newidx);
	if (nl)
		qsort(o->links, nl, sizeof(*o->links), link_cmp);
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

void owners_free(struct owners *o)
{
	free(o->procs);
	free(o->links);
	memset(o, 0, sizeof(*o));
}
