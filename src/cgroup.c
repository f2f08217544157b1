// SPDX-License-Identifier: GPL-2.0-or-later
/* cgroup.c - cgroup2 tree walk (id -> path) and memcg socket counters. */
#include "cgroup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static void unescape_octal(char *s)
{
	char *w = s;

	for (char *r = s; *r; r++) {
		if (r[0] == '\\' && r[1] >= '0' && r[1] <= '3' && r[2] >= '0' && r[2] <= '7' &&
		    r[3] >= '0' && r[3] <= '7') {
			*w++ = (char)((r[1] - '0') * 64 + (r[2] - '0') * 8 + (r[3] - '0'));
			r += 3;
		} else {
			*w++ = *r;
		}
	}
	*w = '\0';
}

int cgroup_find_mounts(const struct procfs *p, struct cgroups *cg)
{
	char *buf = malloc(256 * 1024);
	long n;

	memset(cg, 0, sizeof(*cg));
	if (!buf)
		return -ENOMEM;
	n = procfs_read(p, "self/mountinfo", buf, 256 * 1024);
	if (n < 0) {
		free(buf);
		return (int)n;
	}
	for (char *line = buf, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		/* id parent maj:min root mountpoint opts [optional...] - fstype source superopts */
		char *f[6] = { 0 };
		char *save = NULL, *tok = strtok_r(line, " ", &save);

		for (int i = 0; i < 6 && tok; i++, tok = strtok_r(NULL, " ", &save))
			f[i] = tok;
		while (tok && strcmp(tok, "-") != 0)
			tok = strtok_r(NULL, " ", &save);
		char *fstype = tok ? strtok_r(NULL, " ", &save) : NULL;
		char *source = fstype ? strtok_r(NULL, " ", &save) : NULL;
		char *super = source ? strtok_r(NULL, " ", &save) : NULL;

		if (!f[4] || !fstype || strcmp(f[3], "/") != 0)
			continue;
		unescape_octal(f[4]);
		if (strcmp(fstype, "cgroup2") == 0 && !cg->v2_mount[0])
			snprintf(cg->v2_mount, sizeof(cg->v2_mount), "%s", f[4]);
		else if (strcmp(fstype, "cgroup") == 0 && super && !cg->v1_memory_mount[0]) {
			for (char *s2 = NULL, *o = strtok_r(super, ",", &s2); o;
			     o = strtok_r(NULL, ",", &s2))
				if (strcmp(o, "memory") == 0)
					snprintf(cg->v1_memory_mount, sizeof(cg->v1_memory_mount),
						 "%s", f[4]);
		}
	}
	free(buf);
	return 0;
}

static int id_cmp(const void *a, const void *b)
{
	const struct cgroup_ent *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

const struct cgroup_ent *cgroup_get(const struct cgroups *cg, uint64_t id)
{
	struct cgroup_ent key = { .id = id };

	if (!cg->n)
		return NULL;
	return bsearch(&key, cg->v, cg->n, sizeof(*cg->v), id_cmp);
}

struct walk {
	struct cgroups *cg;
	size_t left; /* ids still unresolved */
	char path[4096];
};

/* Depth-first walk below dirfd; path holds the relative path ("" at the root). */
static void walk_dir(struct walk *w, int dfd, size_t plen, int depth)
{
	struct stat st;

	if (fstat(dfd, &st) == 0) {
		struct cgroup_ent *e = (struct cgroup_ent *)cgroup_get(w->cg, (uint64_t)st.st_ino);

		if (e && !e->path) {
			e->path = strdup(plen ? w->path : "/");
			w->left--;
		}
	}
	if (!w->left || depth > 64)
		return;
	DIR *d = fdopendir(dup(dfd));

	if (!d)
		return;
	for (struct dirent *de; (de = readdir(d)) != NULL && w->left;) {
		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		size_t nl = strlen(de->d_name);

		if (plen + 1 + nl + 1 > sizeof(w->path))
			continue;
		int sub = openat(dfd, de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);

		if (sub < 0)
			continue;
		w->path[plen] = '/';
		memcpy(w->path + plen + 1, de->d_name, nl + 1);
		walk_dir(w, sub, plen + 1 + nl, depth + 1);
		w->path[plen] = '\0';
		close(sub);
	}
	closedir(d);
}

/* Reads up to len-1 bytes of a small cgroup file into buf (NUL-terminated).
 * Returns the length, or -1 if it cannot be read or is empty. */
static ssize_t read_small(const char *file, char *buf, size_t len)
{
	int fd = open(file, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return n;
}

/* Reads "key value" from a memory.stat-like file. */
static struct maybe read_stat_key(const char *file, const char *key)
{
	char buf[8192], *line;
	size_t kl = strlen(key);

	if (read_small(file, buf, sizeof(buf)) < 0)
		return maybe_none();
	for (line = buf; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		if (strncmp(line, key, kl) == 0 && line[kl] == ' ') {
			int64_t v;

			if (procfs_strtoi64(line + kl + 1, NULL, &v) == 0)
				return maybe_of(v);
		}
	}
	return maybe_none();
}

/* Reads a file holding one integer. */
static struct maybe read_one(const char *file)
{
	char buf[64];
	int64_t v;

	if (read_small(file, buf, sizeof(buf)) < 0)
		return maybe_none();
	return procfs_strtoi64(buf, NULL, &v) == 0 ? maybe_of(v) : maybe_none();
}

/* v1 page_counter "no limit" in bytes is far above any real limit. */
#define V1_UNLIMITED (INT64_C(1) << 60)

static void read_memcg(const struct cgroups *cg, struct cgroup_ent *e)
{
	char file[4600];

	if (!e->path)
		return;
	snprintf(file, sizeof(file), "%s%s/memory.stat", cg->v2_mount,
		 strcmp(e->path, "/") ? e->path : "");
	e->memcg_sock_bytes = read_stat_key(file, "sock");
	if (cg->v1_memory_mount[0]) {
		snprintf(file, sizeof(file), "%s%s/memory.kmem.tcp.limit_in_bytes",
			 cg->v1_memory_mount, strcmp(e->path, "/") ? e->path : "");
		struct maybe lim = read_one(file);

		if (lim.has && lim.v < V1_UNLIMITED) {
			snprintf(file, sizeof(file), "%s%s/memory.kmem.tcp.usage_in_bytes",
				 cg->v1_memory_mount, strcmp(e->path, "/") ? e->path : "");
			e->v1_tcp_bytes = read_one(file);
		}
	}
}

int cgroup_resolve(struct cgroups *cg, const uint64_t *ids, size_t n)
{
	struct walk w = { cg, 0, "" };
	size_t u = 0;
	int dfd;

	cg->v = calloc(n ? n : 1, sizeof(*cg->v));
	if (!cg->v)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		cg->v[i].id = ids[i];
	qsort(cg->v, n, sizeof(*cg->v), id_cmp);
	for (size_t i = 0; i < n; i++)
		if (u == 0 || cg->v[u - 1].id != cg->v[i].id)
			cg->v[u++] = cg->v[i];
	cg->n = u;
	w.left = u;
	if (!cg->v2_mount[0] || !u)
		return 0;
	dfd = open(cg->v2_mount, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return 0; /* paths stay unknown; ids still print */
	walk_dir(&w, dfd, 0, 0);
	close(dfd);
	for (size_t i = 0; i < cg->n; i++)
		read_memcg(cg, &cg->v[i]);
	return 0;
}

int cgroup_path_id(const struct cgroups *cg, const char *path, uint64_t *id)
{
	char full[4600];
	struct stat st;
	size_t ml = strlen(cg->v2_mount);

	if (!cg->v2_mount[0])
		return -ENOENT;
	if (strncmp(path, cg->v2_mount, ml) == 0 && (path[ml] == '/' || !path[ml]))
		snprintf(full, sizeof(full), "%s", path);
	else
		snprintf(full, sizeof(full), "%s/%s", cg->v2_mount,
			 path[0] == '/' ? path + 1 : path);
	if (stat(full, &st) < 0)
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	*id = (uint64_t)st.st_ino;
	return 0;
}

void cgroup_normalize(const struct cgroups *cg, const char *in, char *out, size_t len)
{
	size_t ml = strlen(cg->v2_mount);

	if (ml && strncmp(in, cg->v2_mount, ml) == 0 && (in[ml] == '/' || !in[ml]))
		in += ml;
	snprintf(out, len, "%s%s", in[0] == '/' ? "" : "/", in);
	if (!out[0])
		snprintf(out, len, "/");
}

int cgroup_path_under(const char *path, const char *prefix)
{
	size_t pl = strlen(prefix);

	if (pl == 1 && prefix[0] == '/')
		return 1;
	while (pl > 1 && prefix[pl - 1] == '/')
		pl--;
	return strncmp(path, prefix, pl) == 0 && (path[pl] == '\0' || path[pl] == '/');
}

void cgroup_free(struct cgroups *cg)
{
	for (size_t i = 0; i < cg->n; i++)
		free(cg->v[i].path);
	free(cg->v);
	memset(cg, 0, sizeof(*cg));
}
