// SPDX-License-Identifier: GPL-2.0-or-later
/* netns.c - network namespace discovery and entry. */
#include "netns.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int push(struct netns_ent **v, size_t *n, size_t *cap, uint64_t ino, int32_t pid,
		const char *name)
{
	for (size_t i = 0; i < *n; i++) {
		if ((*v)[i].ino != ino)
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
	if (name)
		snprintf(e->name, sizeof(e->name), "%s", name);
	return 0;
}

int netns_list(const struct procfs *p, const char *run_netns, struct netns_ent **out, size_t *n)
{
	struct netns_ent *v = NULL;
	size_t cnt = 0, cap = 0;
	int err = 0;
	uint64_t self = procfs_netns_ino(p, 0);

	if (self)
		err = push(&v, &cnt, &cap, self, 0, NULL);
	int dfd = openat(p->dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;

	for (struct dirent *de; !err && d && (de = readdir(d)) != NULL;) {
		char *end;
		long pid = strtol(de->d_name, &end, 10);

		if (*end || pid <= 0 || pid > INT32_MAX)
			continue;
		uint64_t ino = procfs_netns_ino(p, (int)pid);

		if (ino)
			err = push(&v, &cnt, &cap, ino, (int32_t)pid, NULL);
	}
	if (d)
		closedir(d);
	else if (dfd >= 0)
		close(dfd);
	d = err ? NULL : opendir(run_netns);
	for (struct dirent *de; d && (de = readdir(d)) != NULL;) {
		struct stat st;

		if (de->d_name[0] == '.')
			continue;
		if (fstatat(dirfd(d), de->d_name, &st, 0) == 0 && st.st_ino)
			err = push(&v, &cnt, &cap, (uint64_t)st.st_ino, 0, de->d_name);
		if (err)
			break;
	}
	if (d)
		closedir(d);
	if (err) {
		free(v);
		return err;
	}
	*out = v;
	*n = cnt;
	return 0;
}

int netns_open_name(const char *run_netns, const char *name)
{
	char path[512];
	int fd;

	if (!name[0] || strchr(name, '/') || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return -EINVAL;
	snprintf(path, sizeof(path), "%s/%s", run_netns, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int netns_open(const struct procfs *p, const char *run_netns, const struct netns_ent *e)
{
	char rel[64];
	int fd;

	if (e->name[0]) {
		fd = netns_open_name(run_netns, e->name);
	} else {
		snprintf(rel, sizeof(rel), "%d/ns/net", e->pid);
		fd = openat(p->dirfd, rel, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			fd = -errno;
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
