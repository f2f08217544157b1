// SPDX-License-Identifier: GPL-2.0-or-later
/* cgroup.c - cgroup2 tree walk (id -> path, parent links) and memcg socket counters. */
#include "collect/cgroup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "util/num.h"

/* mountinfo of a host with tens of thousands of mounts is a few MiB. */
#define MOUNTINFO_MAX (64u << 20)

/* ---------------------------------------------------------------- mountinfo */

struct span {
	const char *p;
	size_t n;
};

/* The next space-separated field of [*s, end); false at the end. */
static bool next_field(const char **s, const char *end, struct span *f)
{
	while (*s < end && **s == ' ')
		(*s)++;
	if (*s >= end)
		return false;
	f->p = *s;
	while (*s < end && **s != ' ')
		(*s)++;
	f->n = (size_t)(*s - f->p);
	return true;
}

static bool span_is(struct span f, const char *s)
{
	return f.n == strlen(s) && memcmp(f.p, s, f.n) == 0;
}

/* Whether comma-separated opts holds the option opt. */
static bool has_opt(struct span opts, const char *opt)
{
	const char *s = opts.p, *end = opts.p + opts.n;

	while (s < end) {
		const char *c = memchr(s, ',', (size_t)(end - s));
		struct span o = { s, (size_t)((c ? c : end) - s) };

		if (span_is(o, opt))
			return true;
		s = c ? c + 1 : end;
	}
	return false;
}

/* Copies a mountinfo path into out, turning \ooo (the kernel escapes space,
 * tab, newline and backslash) back into bytes. Returns 0, or -1 if the result
 * is not absolute, holds a NUL, or does not fit in len bytes. */
static int unescape_path(struct span f, char *out, size_t len)
{
	size_t w = 0;

	for (size_t r = 0; r < f.n; r++) {
		char c = f.p[r];

		if (c == '\\' && r + 3 < f.n && f.p[r + 1] >= '0' && f.p[r + 1] <= '3' &&
		    f.p[r + 2] >= '0' && f.p[r + 2] <= '7' && f.p[r + 3] >= '0' &&
		    f.p[r + 3] <= '7') {
			c = (char)((f.p[r + 1] - '0') * 64 + (f.p[r + 2] - '0') * 8 +
				   (f.p[r + 3] - '0'));
			r += 3;
		}
		if (c == '\0' || w + 1 >= len)
			return -1;
		out[w++] = c;
	}
	out[w] = '\0';
	return w && out[0] == '/' ? 0 : -1;
}

/* One line: id parent maj:min root mountpoint opts [optional...] - fstype source superopts */
static void parse_mount_line(const char *s, const char *end, struct cgroups *cg)
{
	struct span f[6], t, fstype, source, super;
	char *dst;

	for (int i = 0; i < 6; i++)
		if (!next_field(&s, end, &f[i]))
			return;
	do {
		if (!next_field(&s, end, &t))
			return;
	} while (!span_is(t, "-"));
	if (!next_field(&s, end, &fstype) || !next_field(&s, end, &source) ||
	    !next_field(&s, end, &super) || !span_is(f[3], "/"))
		return;
	if (span_is(fstype, "cgroup2"))
		dst = cg->v2_mount;
	else if (span_is(fstype, "cgroup") && has_opt(super, "memory"))
		dst = cg->v1_memory_mount;
	else
		return;
	if (!dst[0] && unescape_path(f[4], dst, PATH_MAX) < 0)
		dst[0] = '\0';
}

void cgroup_parse_mountinfo(const char *text, struct cgroups *cg)
{
	cg->v2_mount[0] = cg->v1_memory_mount[0] = '\0';
	for (const char *l = text; *l;) {
		const char *end = strchr(l, '\n');

		if (!end)
			end = l + strlen(l);
		parse_mount_line(l, end, cg);
		l = *end ? end + 1 : end;
	}
}

/* Reads all of rel below dirfd into a malloc'd NUL-terminated buffer. */
static int read_all_at(int dirfd, const char *rel, char **out)
{
	size_t len = 0, cap = 64 * 1024;
	char *buf = malloc(cap);
	int fd = openat(dirfd, rel, O_RDONLY | O_CLOEXEC);
	int err = fd < 0 ? -errno : 0;

	while (!err && buf) {
		if (cap - len < 2) {
			char *nb = cap >= MOUNTINFO_MAX ? NULL : realloc(buf, cap * 2);

			if (!nb) {
				err = cap >= MOUNTINFO_MAX ? -EFBIG : -ENOMEM;
				break;
			}
			buf = nb;
			cap *= 2;
		}
		ssize_t n = read(fd, buf + len, cap - len - 1);

		if (n < 0 && errno != EINTR)
			err = -errno;
		else if (n == 0)
			break;
		else if (n > 0)
			len += (size_t)n;
	}
	if (fd >= 0)
		close(fd);
	if (!buf)
		err = -ENOMEM;
	if (err) {
		free(buf);
		return err;
	}
	buf[len] = '\0';
	*out = buf;
	return 0;
}

int cgroup_find_mounts(const struct procfs *p, struct cgroups *cg)
{
	char *text;
	int err;

	memset(cg, 0, sizeof(*cg));
	err = read_all_at(p->dirfd, "self/mountinfo", &text);
	if (err)
		return err;
	cgroup_parse_mountinfo(text, cg);
	free(text);
	return 0;
}

/* ------------------------------------------------------------ small files */

/* Reads up to len-1 bytes of rel below dirfd into buf (NUL-terminated).
 * Returns the length, or -1 if it cannot be read or is empty. */
static ssize_t read_small_at(int dirfd, const char *rel, char *buf, size_t len)
{
	int fd = openat(dirfd, rel, O_RDONLY | O_CLOEXEC);
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
static struct maybe read_stat_key(int dirfd, const char *rel, const char *key)
{
	char buf[8192], *line;
	size_t kl = strlen(key);

	if (read_small_at(dirfd, rel, buf, sizeof(buf)) < 0)
		return maybe_none();
	for (line = buf; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		if (strncmp(line, key, kl) == 0 && line[kl] == ' ') {
			int64_t v;

			if (num_i64_prefix(line + kl + 1, NULL, &v) == 0)
				return maybe_of(v);
		}
	}
	return maybe_none();
}

/* Reads a file holding one integer. */
static struct maybe read_one(int dirfd, const char *rel)
{
	char buf[64];
	int64_t v;

	if (read_small_at(dirfd, rel, buf, sizeof(buf)) < 0)
		return maybe_none();
	return num_i64_prefix(buf, NULL, &v) == 0 ? maybe_of(v) : maybe_none();
}

/* Opens (O_PATH) the directory at normalised path rel ("/" or "/a/b") below
 * root one component at a time, following no symlink and no ".."; no
 * PATH_MAX limit. Returns an fd or -errno. */
static int open_beneath(int root, const char *rel)
{
	char *copy = strdup(rel), *save = NULL;
	int fd = openat(root, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (!copy || fd < 0) {
		int err = !copy ? -ENOMEM : -errno;

		free(copy);
		if (fd >= 0)
			close(fd);
		return err;
	}
	for (char *c = strtok_r(copy, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
		int next = openat(fd, c, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		int err = -errno;

		close(fd);
		if (next < 0) {
			free(copy);
			return err;
		}
		fd = next;
	}
	free(copy);
	return fd;
}

/* v1 page_counter "no limit" in bytes is far above any real limit. */
#define V1_UNLIMITED (INT64_C(1) << 60)

/* The v1 tcp usage of the directory at the same path on the v1 memory mount. */
static void read_v1_tcp(int v1root, struct cgroup_ent *e)
{
	int dfd = open_beneath(v1root, e->path);

	if (dfd < 0)
		return;
	struct maybe lim = read_one(dfd, "memory.kmem.tcp.limit_in_bytes");

	if (lim.has && lim.v < V1_UNLIMITED)
		e->v1_tcp_bytes = read_one(dfd, "memory.kmem.tcp.usage_in_bytes");
	close(dfd);
}

/* --------------------------------------------------------------------- walk */

/* One directory on the walk's path from the root. */
struct frame {
	uint64_t id;
	size_t plen;   /* length of its path ("" for the root) */
	char *names;   /* its child directories, each NUL-terminated */
	size_t nlen;   /* bytes in names */
	size_t next;   /* offset of the next child to visit */
	bool recorded; /* already in cg->nodes */
};

struct walk {
	struct cgroups *cg;
	size_t left; /* ids still unresolved */
	dev_t dev;   /* the cgroup2 mount's device: other mounts are not the tree */
	char *path;  /* the current directory's path below the mount */
	size_t plen, pcap;
	struct frame *st;
	size_t depth, scap;
	size_t nodes_cap, blind_cap;
};

/* Grows *v (elements of size sz) to hold need elements. */
static int grow(void **v, size_t *cap, size_t need, size_t sz)
{
	size_t c = *cap ? *cap : 16;
	void *nv;

	if (need <= *cap)
		return 0;
	while (c < need)
		c *= 2;
	nv = realloc(*v, c * sz);
	if (!nv)
		return -ENOMEM;
	*v = nv;
	*cap = c;
	return 0;
}

/* Lists the child directories of dfd (all but "." and ".."). A listing
 * error (getdents64 failing) is returned: it would lose cgroups. */
static int list_children(int dfd, char **names, size_t *nlen)
{
	int fd = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	size_t len = 0, cap = 0;
	char *buf = NULL;
	int err = 0;

	if (!d) {
		err = -errno;
		if (fd >= 0)
			close(fd);
		return err;
	}
	for (;;) {
		struct dirent *de;

		errno = 0;
		de = readdir(d);
		if (!de) {
			err = -errno;
			break;
		}
		if ((de->d_type != DT_DIR && de->d_type != DT_UNKNOWN) ||
		    strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		size_t n = strlen(de->d_name) + 1;

		err = grow((void **)&buf, &cap, len + n, 1);
		if (err)
			break;
		memcpy(buf + len, de->d_name, n);
		len += n;
	}
	closedir(d);
	if (err) {
		free(buf);
		return err;
	}
	*names = buf;
	*nlen = len;
	return 0;
}

/* Records every directory on the current path, each with its parent. */
static int record_path(struct walk *w)
{
	struct cgroups *cg = w->cg;

	for (size_t i = w->depth; i-- > 0 && !w->st[i].recorded;) {
		if (grow((void **)&cg->nodes, &w->nodes_cap, cg->nnodes + 1, sizeof(*cg->nodes)))
			return -ENOMEM;
		cg->nodes[cg->nnodes++] =
		    (struct cgroup_node){ w->st[i].id, i ? w->st[i - 1].id : 0 };
		w->st[i].recorded = true;
	}
	return 0;
}

/* Enters directory fd (id) whose path is w->path: if it is one of the ids
 * asked for, records its path, ancestry and memory; then lists it. */
static int enter(struct walk *w, int fd, uint64_t id)
{
	struct frame *f;
	int err = grow((void **)&w->st, &w->scap, w->depth + 1, sizeof(*w->st));

	if (err)
		return err;
	f = &w->st[w->depth++];
	*f = (struct frame){ .id = id, .plen = w->plen };

	struct cgroup_ent *e = (struct cgroup_ent *)cgroup_get(w->cg, id);

	if (e && !e->path) {
		e->path = strdup(w->plen ? w->path : "/");
		if (!e->path)
			return -ENOMEM;
		e->memcg_sock_bytes = read_stat_key(fd, "memory.stat", "sock");
		w->left--;
		err = record_path(w);
	}
	/* the children are listed only while an id is still missing */
	return err || !w->left ? err : list_children(fd, &f->names, &f->nlen);
}

/* Appends "/name" to the current path. */
static int path_push(struct walk *w, const char *name)
{
	size_t nl = strlen(name);

	if (grow((void **)&w->path, &w->pcap, w->plen + nl + 2, 1))
		return -ENOMEM;
	w->path[w->plen] = '/';
	memcpy(w->path + w->plen + 1, name, nl + 1);
	w->plen += nl + 1;
	return 0;
}

/* A child of the current directory could not be opened: what lies below it
 * is unknown. */
static int add_blind(struct walk *w)
{
	struct cgroups *cg = w->cg;

	if (grow((void **)&cg->blind, &w->blind_cap, cg->nblind + 1, sizeof(*cg->blind)))
		return -ENOMEM;
	cg->blind[cg->nblind++] = w->st[w->depth - 1].id;
	return record_path(w);
}

/* Opens the next unvisited child of the top frame and enters it (a child
 * that vanished, is no directory or is another mount is passed over).
 * *fd becomes the child's. */
static int descend(struct walk *w, int *fd)
{
	struct frame *f = &w->st[w->depth - 1];
	const char *name = f->names + f->next;
	struct stat st;
	int sub, err;

	f->next += strlen(name) + 1;
	sub = openat(*fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (sub < 0) {
		if (errno == ENOENT || errno == ENOTDIR || errno == ELOOP)
			return 0;
		return errno == EACCES || errno == EPERM ? add_blind(w) : -errno;
	}
	if (fstat(sub, &st) < 0) {
		err = -errno;
		close(sub);
		return err;
	}
	if (st.st_dev != w->dev) {
		close(sub);
		return 0;
	}
	err = path_push(w, name);
	if (!err)
		err = enter(w, sub, (uint64_t)st.st_ino);
	if (err) {
		close(sub);
		return err;
	}
	close(*fd);
	*fd = sub;
	return 0;
}

/* Leaves the top frame for its parent through "..", which must be the
 * directory the walk came from. */
static int ascend(struct walk *w, int *fd)
{
	struct stat st;
	int up;

	free(w->st[--w->depth].names);
	if (!w->depth)
		return 0;
	up = openat(*fd, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (up < 0)
		return -errno;
	if (fstat(up, &st) < 0 || st.st_dev != w->dev ||
	    (uint64_t)st.st_ino != w->st[w->depth - 1].id) {
		close(up);
		return -ESTALE;
	}
	close(*fd);
	*fd = up;
	w->plen = w->st[w->depth - 1].plen;
	w->path[w->plen] = '\0';
	return 0;
}

/* Depth-first walk from the mount root fd (consumed), one directory fd open
 * at a time, until every id is found. */
static int walk_tree(struct walk *w, int fd)
{
	struct stat st;
	int err = fstat(fd, &st) < 0 ? -errno : 0;

	w->dev = st.st_dev;
	if (!err)
		err = grow((void **)&w->path, &w->pcap, 1, 1);
	if (!err) {
		w->path[0] = '\0';
		err = enter(w, fd, (uint64_t)st.st_ino);
	}
	while (!err && w->depth && w->left) {
		struct frame *f = &w->st[w->depth - 1];

		err = f->next < f->nlen ? descend(w, &fd) : ascend(w, &fd);
	}
	close(fd);
	while (w->depth)
		free(w->st[--w->depth].names);
	free(w->st);
	free(w->path);
	return err;
}

int cgroup_resolve(struct cgroups *cg, const uint64_t *ids, size_t n)
{
	struct walk w = { .cg = cg };
	size_t u = 0;
	int dfd, err;

	cg->v = calloc(n ? n : 1, sizeof(*cg->v));
	if (!cg->v)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		cg->v[i].id = ids[i];
	qsort(cg->v, n, sizeof(*cg->v), cgroup_ent_cmp);
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
	err = walk_tree(&w, dfd);
	if (cg->nnodes)
		qsort(cg->nodes, cg->nnodes, sizeof(*cg->nodes), cgroup_node_cmp);
	if (err)
		return err;
	if (cg->v1_memory_mount[0]) {
		int v1 = open(cg->v1_memory_mount, O_PATH | O_DIRECTORY | O_CLOEXEC);

		for (size_t i = 0; v1 >= 0 && i < cg->n; i++)
			if (cg->v[i].path)
				read_v1_tcp(v1, &cg->v[i]);
		if (v1 >= 0)
			close(v1);
	}
	return 0;
}

/* ------------------------------------------------------------ user paths */

int cgroup_path_id(const struct cgroups *cg, const char *path, uint64_t *id)
{
	size_t len = strlen(path) + 2;
	char *norm = malloc(len), mnt[PATH_MAX];
	struct stat rst, st;
	struct statfs sfs;
	int err = norm ? 0 : -ENOMEM, root = -1, fd = -1;

	if (!err && !cg->v2_mount[0])
		err = -ENOENT;
	if (!err)
		err = cgroup_path_normalize(path, norm, len);
	if (!err)
		err = cgroup_path_normalize(cg->v2_mount, mnt, sizeof(mnt));
	if (!err) {
		root = open(cg->v2_mount, O_PATH | O_DIRECTORY | O_CLOEXEC);
		err = root < 0 || fstat(root, &rst) < 0 ? -errno : 0;
	}
	if (!err) {
		fd = open_beneath(root, cgroup_path_rel(norm, mnt));
		err = fd < 0 ? fd : 0;
	}
	if (!err && (fstatfs(fd, &sfs) < 0 || fstat(fd, &st) < 0))
		err = -errno;
	/* a mount on top of a cgroup directory is not the cgroup */
	if (!err && (sfs.f_type != CGROUP2_SUPER_MAGIC || st.st_dev != rst.st_dev))
		err = -EXDEV;
	if (!err)
		*id = (uint64_t)st.st_ino;
	if (fd >= 0)
		close(fd);
	if (root >= 0)
		close(root);
	free(norm);
	return err;
}

