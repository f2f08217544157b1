// SPDX-License-Identifier: GPL-2.0-or-later
/* netns.c - network namespace discovery and entry. */
#include "collect/netns.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/magic.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "util/num.h"

/* Adds a namespace (or merges it with the entry of the same inode); an entry
 * that is skipped already (not a namespace) stands alone. */
static int push(struct netns_ent **v, size_t *n, size_t *cap, uint64_t ino, int32_t pid,
		const char *name, int skipped)
{
	for (size_t i = 0; !skipped && i < *n; i++) {
		if ((*v)[i].ino != ino || (*v)[i].skipped)
			continue;
		if (name && !(*v)[i].name[0])
			snprintf((*v)[i].name, sizeof((*v)[i].name), "%s", name);
		if (pid && !(*v)[i].pid)
			(*v)[i].pid = pid;
		return 0;
	}
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 16;
		struct netns_ent *nv = realloc(*v, c * sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		*v = nv;
		*cap = c;
	}
	struct netns_ent *e = &(*v)[(*n)++];

	memset(e, 0, sizeof(*e));
	e->ino = ino;
	e->pid = pid;
	e->skipped = skipped;
	if (name)
		snprintf(e->name, sizeof(e->name), "%s", name);
	return 0;
}

/* Whether fd is a network namespace file (nsfs; NS_GET_NSTYPE where the
 * kernel has it). Returns 0 or -EINVAL. */
static int check_netns_fd(int fd)
{
	struct statfs sfs;

	if (fstatfs(fd, &sfs) < 0)
		return -errno;
	if (sfs.f_type != NSFS_MAGIC)
		return -EINVAL;
	/* O_PATH descriptors take no ioctl; ENOTTY: a kernel before 4.11 */
	int t = ioctl(fd, NS_GET_NSTYPE);

	return t < 0 || t == CLONE_NEWNET ? 0 : -EINVAL;
}

/* Every /proc/PID/ns/net. A listing error loses namespaces: it fails.
 * *denied counts processes whose link could not be read (not gone). */
static int list_proc(const struct procfs *p, struct netns_ent **v, size_t *n, size_t *cap,
		     size_t *denied)
{
	int dfd = openat(p->dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
	int err = 0;

	if (!d) {
		err = -errno;
		if (dfd >= 0)
			close(dfd);
		return err;
	}
	while (!err) {
		struct dirent *de;

		errno = 0;
		de = readdir(d);
		if (!de) {
			err = -errno;
			break;
		}
		uint64_t pid;

		if (num_u64(de->d_name, INT32_MAX, &pid) != 0 || pid == 0)
			continue;
		char rel[64];
		struct stat st;

		snprintf(rel, sizeof(rel), "%d/ns/net", (int)pid);
		if (fstatat(p->dirfd, rel, &st, 0) == 0)
			err = push(v, n, cap, (uint64_t)st.st_ino, (int32_t)pid, NULL, 0);
		else if (errno != ENOENT && errno != ESRCH) /* ENOENT: it exited */
			(*denied)++;
	}
	closedir(d);
	return err;
}

/* Every name bound in run_netns (absent: none). A file there that is no
 * namespace (a FIFO, a plain file) is listed as skipped with EINVAL and
 * never merged with a namespace. */
static int list_run(const char *run_netns, struct netns_ent **v, size_t *n, size_t *cap)
{
	DIR *d = opendir(run_netns);
	int err = 0;

	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while (!err) {
		struct dirent *de;
		struct stat st;

		errno = 0;
		de = readdir(d);
		if (!de) {
			err = -errno;
			break;
		}
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		/* O_PATH: no open of the file itself, which for a FIFO would block */
		int fd = openat(dirfd(d), de->d_name, O_PATH | O_CLOEXEC);

		if (fd < 0) {
			if (errno != ENOENT) /* removed since the listing */
				err = -errno;
			continue;
		}
		if (fstat(fd, &st) < 0) {
			err = -errno;
		} else {
			int bad = check_netns_fd(fd);

			err = push(v, n, cap, (uint64_t)st.st_ino, 0, de->d_name, -bad);
		}
		close(fd);
	}
	closedir(d);
	return err;
}

int netns_list(const struct procfs *p, const char *run_netns, struct netns_ent **out, size_t *n,
	       size_t *denied)
{
	struct netns_ent *v = NULL;
	size_t cnt = 0, cap = 0, nd = 0;
	int err = 0;
	uint64_t self = procfs_netns_ino(p, 0);

	if (self)
		err = push(&v, &cnt, &cap, self, 0, NULL, 0);
	if (!err)
		err = list_proc(p, &v, &cnt, &cap, &nd);
	if (!err)
		err = list_run(run_netns, &v, &cnt, &cap);
	if (err) {
		free(v);
		return err;
	}
	*out = v;
	*n = cnt;
	if (denied)
		*denied = nd;
	return 0;
}

int32_t netns_find_pid(const struct procfs *p, uint64_t ino)
{
	int dfd = openat(p->dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
	int32_t found = 0;
	struct dirent *de;

	if (!d) {
		if (dfd >= 0)
			close(dfd);
		return 0;
	}
	while (!found && (de = readdir(d)) != NULL) {
		uint64_t pid;
		char rel[64];
		struct stat st;

		if (num_u64(de->d_name, INT32_MAX, &pid) != 0 || pid == 0)
			continue;
		snprintf(rel, sizeof(rel), "%d/ns/net", (int)pid);
		if (fstatat(p->dirfd, rel, &st, 0) == 0 && (uint64_t)st.st_ino == ino)
			found = (int32_t)pid;
	}
	closedir(d);
	return found;
}

bool netns_name_ok(const char *name)
{
	return name[0] && !strchr(name, '/') && strcmp(name, ".") != 0 && strcmp(name, "..") != 0;
}

/* Opens rel below dirfd without blocking (a FIFO would) and checks that it
 * is a network namespace. Returns an fd or -errno (-EINVAL: not one). */
static int open_netns_at(int dirfd, const char *rel)
{
	int fd = openat(dirfd, rel, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	int err;

	if (fd < 0)
		return -errno;
	err = check_netns_fd(fd);
	if (err) {
		close(fd);
		return err;
	}
	return fd;
}

int netns_open_name(const char *run_netns, const char *name)
{
	int dfd, fd;

	if (!netns_name_ok(name))
		return -EINVAL;
	dfd = open(run_netns, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -errno;
	fd = open_netns_at(dfd, name);
	close(dfd);
	return fd;
}

int netns_open(const struct procfs *p, const char *run_netns, const struct netns_ent *e)
{
	char rel[64];
	int fd;

	if (e->skipped)
		return -e->skipped;
	if (e->name[0]) {
		fd = netns_open_name(run_netns, e->name);
	} else {
		snprintf(rel, sizeof(rel), "%d/ns/net", e->pid);
		fd = open_netns_at(p->dirfd, rel);
	}
	if (fd < 0)
		return fd;
	/* The name may have been replaced, or the process exited and its pid
	 * been reused, since the listing: enter only the namespace listed. */
	struct stat st;

	if (fstat(fd, &st) < 0 || (uint64_t)st.st_ino != e->ino) {
		close(fd);
		return -ESRCH;
	}
	return fd;
}

int netns_enter(int fd)
{
	return setns(fd, CLONE_NEWNET) < 0 ? -errno : 0;
}

/* Whether pid's /proc stat flags mark a kernel thread (PF_KTHREAD): -1 if
 * unreadable. Kernel threads all live in init_net (they fork from kthreadd,
 * which has the initial nsproxy), and no process can make itself one. */
static int is_kthread(const struct procfs *p, int pid)
{
	char rel[32], buf[1024];
	const char *end;
	int64_t flags = 0;
	long len;

	snprintf(rel, sizeof(rel), "%d/stat", pid);
	len = procfs_read(p, rel, buf, sizeof(buf));
	if (len <= 0)
		return -1;
	/* "pid (comm) state ppid pgrp session tty tpgid flags": comm may hold
	 * anything, so count fields from its last ')' */
	end = strrchr(buf, ')');
	for (int field = 3; end && field <= 9; field++) {
		end = strchr(end + 1, ' ');
		if (end && field == 9 && num_i64_prefix(end + 1, &end, &flags) != 0)
			return -1;
	}
	return end ? (flags & NETNS_PF_KTHREAD) != 0 : -1;
}

int netns_initial(const struct procfs *p, uint64_t self)
{
	struct stat st;

	if (!self)
		return -ENOENT;
	if (self == NETNS_INIT_INO)
		return 1;
	/* pid 2 is kthreadd in the initial pid namespace; in another one it
	 * is an ordinary process, which the flag tells apart */
	if (is_kthread(p, 2) != 1 || fstatat(p->dirfd, "2/ns/net", &st, 0) < 0)
		return -ENOENT;
	return (uint64_t)st.st_ino == self;
}

bool netns_may_enter(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3];

	memset(d, 0, sizeof(d));
	if (syscall(SYS_capget, &h, d) != 0)
		return false;
	return (d[CAP_TO_INDEX(CAP_SYS_ADMIN)].effective & CAP_TO_MASK(CAP_SYS_ADMIN)) != 0;
}
