// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_netns.c - libFuzzer target for the network namespace listing.
 *
 * The input describes a fake proc root and a fake /run/netns, built afresh
 * in a temporary directory for each run: records of
 *   [kind] [name length] [name bytes]
 * where kind & 7 picks what to create (FIFO, plain file, directory, symlink
 * to this process's network namespace, symlink to its mount namespace,
 * dangling symlink, symlink to /dev/null, symlink to a sibling FIFO) and
 * kind & 8 puts it at proc/NAME/ns/net (NAME made numeric) instead of
 * run/NAME. netns_list() must succeed; every entry must be this namespace,
 * another nsfs file, or skipped with EINVAL; the same namespace must be
 * listed once; netns_open() and netns_open_name() on every entry and name
 * must return at once (a blocking open is a libFuzzer timeout) with an fd
 * only for this network namespace.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "collect/netns.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c)                                                                                   \
	do {                                                                                       \
		if (!(c))                                                                          \
			__builtin_trap();                                                          \
	} while (0)

#define MAX_RECORDS 24

static void rm_below(int dfd)
{
	DIR *d = fdopendir(dfd);
	struct dirent *de;

	if (!d)
		abort();
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (de->d_type == DT_DIR) {
			int sub = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);

			if (sub < 0)
				abort();
			rm_below(sub);
			if (unlinkat(dirfd(d), de->d_name, AT_REMOVEDIR) < 0)
				abort();
		} else if (unlinkat(dirfd(d), de->d_name, 0) < 0) {
			abort();
		}
		rewinddir(d);
	}
	closedir(d);
}

/* Creates name below dfd as kind says. */
static void make(int dfd, const char *name, unsigned kind)
{
	int fd;

	switch (kind & 7) {
	case 0: mkfifoat(dfd, name, 0600); break;
	case 1:
		fd = openat(dfd, name, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
		if (fd >= 0)
			close(fd);
		break;
	case 2: mkdirat(dfd, name, 0700); break;
	case 3: symlinkat("/proc/self/ns/net", dfd, name); break;
	case 4: symlinkat("/proc/self/ns/mnt", dfd, name); break;
	case 5: symlinkat("/nonexistent/sockmem-fuzz", dfd, name); break;
	case 6: symlinkat("/dev/null", dfd, name); break;
	default:
		mkfifoat(dfd, ".sibling-fifo", 0600);
		symlinkat(".sibling-fifo", dfd, name);
		break;
	}
}

/* A name from fuzz bytes: no '/' or NUL, not "." or "..", 1..255 bytes. */
static bool take_name(const uint8_t *p, size_t n, bool numeric, char *out)
{
	size_t w = 0;

	for (size_t i = 0; i < n && w < 255; i++) {
		char c = (char)p[i];

		if (numeric)
			c = (char)('0' + p[i] % 10);
		if (c == '/' || c == '\0')
			c = '_';
		out[w++] = c;
	}
	out[w] = '\0';
	if (numeric && out[0] == '0')
		out[0] = '1';
	return w && strcmp(out, ".") != 0 && strcmp(out, "..") != 0;
}

static uint64_t ino_of(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (uint64_t)st.st_ino : 0;
}

static void check_entries(const struct procfs *p, const char *run, const struct netns_ent *v,
			  size_t n)
{
	uint64_t self = ino_of("/proc/self/ns/net"), mnt = ino_of("/proc/self/ns/mnt");
	size_t selfs = 0;

	CHECK(n >= 1 && v[0].ino == self && !v[0].skipped);
	for (size_t i = 0; i < n; i++) {
		const struct netns_ent *e = &v[i];

		CHECK(memchr(e->name, '\0', sizeof(e->name)));
		CHECK(e->skipped == 0 || e->skipped == EINVAL);
		CHECK(e->skipped || e->ino == self || e->ino == mnt || e->pid);
		if (e->skipped)
			CHECK(e->name[0] && !e->pid); /* only /run/netns files are judged early */
		selfs += !e->skipped && e->ino == self;
		for (size_t j = 0; j < i; j++)
			CHECK(v[j].skipped || e->skipped || v[j].ino != e->ino);

		int fd = netns_open(p, run, e);

		if (fd >= 0) {
			CHECK(e->ino == self && !e->skipped);
			close(fd);
		} else {
			CHECK(e->ino != self || e->skipped || fd == -ESRCH || fd == -ENOENT);
		}
	}
	CHECK(selfs == 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char root[] = "/tmp/sockmem-fuzz-netns.XXXXXX", proc[64], run[64], name[256];
	char names[MAX_RECORDS][256];
	size_t nnames = 0;
	struct netns_ent *v = NULL;
	struct procfs p;
	size_t n = 0;
	int rfd, pfd, runfd;

	if (!mkdtemp(root))
		abort();
	snprintf(proc, sizeof(proc), "%s/proc", root);
	snprintf(run, sizeof(run), "%s/run", root);
	if (mkdir(proc, 0755) < 0 || mkdir(run, 0755) < 0)
		abort();
	pfd = open(proc, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	runfd = open(run, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (pfd < 0 || runfd < 0 || symlinkat("/proc/self", pfd, "self") < 0)
		abort();
	for (size_t i = 0; i + 2 <= size && nnames < MAX_RECORDS;) {
		unsigned kind = data[i];
		size_t len = data[i + 1] % 32;
		bool to_proc = kind & 8;

		i += 2;
		if (len > size - i)
			len = size - i;
		if (take_name(data + i, len, to_proc, name)) {
			if (to_proc) {
				mkdirat(pfd, name, 0755);
				int d = openat(pfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);

				if (d >= 0) {
					mkdirat(d, "ns", 0755);
					int ns =
					    openat(d, "ns", O_RDONLY | O_DIRECTORY | O_NOFOLLOW);

					if (ns >= 0) {
						make(ns, "net", kind);
						close(ns);
					}
					close(d);
				}
			} else {
				make(runfd, name, kind);
				snprintf(names[nnames++], sizeof(names[0]), "%s", name);
			}
		}
		i += len;
	}
	if (procfs_open(&p, proc) < 0)
		abort();
	CHECK(netns_list(&p, run, &v, &n, NULL) == 0);
	check_entries(&p, run, v, n);
	for (size_t i = 0; i < nnames; i++) {
		int fd = netns_open_name(run, names[i]);
		char full[512];

		snprintf(full, sizeof(full), "%s/%s", run, names[i]);
		if (fd >= 0) {
			CHECK(ino_of(full) == ino_of("/proc/self/ns/net"));
			close(fd);
		} else {
			CHECK(fd == -EINVAL || fd == -ENOENT);
		}
	}
	free(v);
	procfs_close(&p);
	close(runfd);
	close(pfd);
	rfd = open(root, O_RDONLY | O_DIRECTORY);
	if (rfd < 0)
		abort();
	rm_below(rfd);
	if (rmdir(root) < 0)
		abort();
	return 0;
}
