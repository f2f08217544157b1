// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * floor_fdwalk.c - benchmark floor: the bare /proc/[pid]/fd walk sockmem has to do.
 *
 * Lists /proc, and for every numeric entry lists /proc/PID/fd and readlinkat()s
 * every fd, counting links that start with "socket:[". No inode parsing, no
 * lookup, no comm or stat. Prints "procs P fds F sockets S" to stderr.
 */
#include <dirent.h>
#include <limits.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int numeric(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

int main(void)
{
	uint64_t procs = 0, fds = 0, sockets = 0;
	DIR *proc = opendir("/proc");
	struct dirent *de, *fe;

	if (!proc) {
		perror("floor_fdwalk: /proc");
		return 1;
	}
	while ((de = readdir(proc)) != NULL) {
		char path[NAME_MAX + 4]; /* "PID/fd" */
		int fddir;
		DIR *d;

		if (!numeric(de->d_name))
			continue;
		snprintf(path, sizeof(path), "%s/fd", de->d_name);
		fddir = openat(dirfd(proc), path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fddir < 0)
			continue; /* exited, or not ours to read */
		d = fdopendir(fddir);
		if (!d) {
			close(fddir);
			continue;
		}
		procs++;
		while ((fe = readdir(d)) != NULL) {
			char link[64];
			ssize_t n;

			if (fe->d_name[0] == '.')
				continue;
			n = readlinkat(fddir, fe->d_name, link, sizeof(link));
			if (n < 0)
				continue;
			fds++;
			if (n > 8 && memcmp(link, "socket:[", 8) == 0)
				sockets++;
		}
		closedir(d);
	}
	closedir(proc);
	fprintf(stderr, "procs %llu fds %llu sockets %llu\n", (unsigned long long)procs,
		(unsigned long long)fds, (unsigned long long)sockets);
	return 0;
}
