// SPDX-License-Identifier: GPL-2.0-or-later
/* textfile.c - --textfile PATH: temporary file in PATH's directory, rename. */
#include "cmd/textfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* "DIR/.NAME.XXXXXX" for path "DIR/NAME" (or "NAME"); NULL when out of memory. */
static char *temp_template(const char *path)
{
	const char *slash = strrchr(path, '/');
	size_t dirlen = slash ? (size_t)(slash - path) + 1 : 0;
	const char *name = path + dirlen;
	size_t len = dirlen + 1 + strlen(name) + sizeof(".XXXXXX");
	char *t = malloc(len);

	if (t)
		snprintf(t, len, "%.*s.%s.XXXXXX", (int)dirlen, path, name);
	return t;
}

/* Renders into the open temporary file fd (closed here). Returns 0 or -errno. */
static int write_temp(int fd, cmd_render_fn fn, const struct view *v, const struct opts *o)
{
	FILE *f;
	int err;

	if (fchmod(fd, 0644) < 0 || !(f = fdopen(fd, "w"))) {
		err = -errno;
		close(fd);
		return err;
	}
	err = fn(v, o, f); /* flushes f */
	if (!err && fsync(fileno(f)) < 0)
		err = -errno;
	if (fclose(f) != 0 && !err)
		err = -errno;
	return err;
}

int textfile_render(const char *path, cmd_render_fn fn, const struct view *v, const struct opts *o)
{
	char *tmp;
	int fd, err;

	/* a name ending in "/" is a directory, which rename cannot replace */
	if (!*path || path[strlen(path) - 1] == '/')
		return -EISDIR;
	tmp = temp_template(path);
	if (!tmp)
		return -ENOMEM;
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		free(tmp);
		return err;
	}
	err = write_temp(fd, fn, v, o);
	if (!err && rename(tmp, path) < 0)
		err = -errno;
	if (err)
		unlink(tmp);
	free(tmp);
	return err;
}
