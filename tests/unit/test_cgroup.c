// SPDX-License-Identifier: GPL-2.0-or-later
/* test_cgroup.c - mountinfo parsing, path normalisation, id ancestry and the tree walk. */
#include "testutil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "collect/cgroup.h"

/* --- cgroup_path_normalize --- */

static void test_normalize(void **state)
{
	static const struct {
		const char *in, *out;
	} ok[] = {
		{ "x", "/x" },
		{ "/x", "/x" },
		{ "//x", "/x" },
		{ "/./x", "/x" },
		{ "x/../x", "/x" },
		{ "/a/b/", "/a/b" },
		{ "a//b///c", "/a/b/c" },
		{ "/", "/" },
		{ "//", "/" },
		{ ".", "/" },
		{ "a/..", "/" },
		{ "/a/b/../../c", "/c" },
		{ "/a/./b/./", "/a/b" },
		{ "...", "/..." },		   /* a name, not a step */
		{ ".hidden/..x", "/.hidden/..x" }, /* names starting with dots */
		{ "/sys/fs/cgroup/unified/../unified/x", "/sys/fs/cgroup/unified/x" },
	};
	char out[64];

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		memset(out, 'Z', sizeof(out));
		assert_int_equal(cgroup_path_normalize(ok[i].in, out, sizeof(out)), 0);
		assert_string_equal(out, ok[i].out);
		/* idempotent */
		char again[64];

		assert_int_equal(cgroup_path_normalize(out, again, sizeof(again)), 0);
		assert_string_equal(again, out);
	}
}

static void test_normalize_errors(void **state)
{
	char out[64];

	(void)state;
	assert_int_equal(cgroup_path_normalize("", out, sizeof(out)), -EINVAL);
	assert_int_equal(cgroup_path_normalize("..", out, sizeof(out)), -EINVAL);
	assert_int_equal(cgroup_path_normalize("/../x", out, sizeof(out)), -EINVAL);
	assert_int_equal(cgroup_path_normalize("a/../..", out, sizeof(out)), -EINVAL);
	assert_int_equal(cgroup_path_normalize("a/b/../../../c", out, sizeof(out)), -EINVAL);
	/* "x" needs "/x" + NUL = 3 bytes: strlen + 2 always suffices */
	assert_int_equal(cgroup_path_normalize("x", out, 2), -ENAMETOOLONG);
	assert_int_equal(cgroup_path_normalize("x", out, 3), 0);
	assert_string_equal(out, "/x");
	assert_int_equal(cgroup_path_normalize("/", out, 1), -ENAMETOOLONG);
	assert_int_equal(cgroup_path_normalize("/", out, 2), 0);
	assert_string_equal(out, "/");
}

/* A path longer than PATH_MAX normalises like any other. */
static void test_normalize_long(void **state)
{
	size_t n = 3 * 4096;
	char *in = malloc(n + 1), *out = malloc(n + 2);

	(void)state;
	assert_non_null(in);
	assert_non_null(out);
	for (size_t i = 0; i < n; i += 2) {
		in[i] = 'a';
		in[i + 1] = '/';
	}
	in[n] = '\0';
	assert_int_equal(cgroup_path_normalize(in, out, n + 2), 0);
	assert_int_equal(strlen(out), n); /* "/a/a.../a" */
	assert_int_equal(out[0], '/');
	assert_int_equal(out[n - 1], 'a');
	free(in);
	free(out);
}

static void test_path_rel(void **state)
{
	const char *m = "/sys/fs/cgroup/unified";

	(void)state;
	assert_string_equal(cgroup_path_rel("/sys/fs/cgroup/unified/x/y", m), "/x/y");
	assert_string_equal(cgroup_path_rel("/sys/fs/cgroup/unified", m), "/");
	assert_string_equal(cgroup_path_rel("/sys/fs/cgroup/unifiedx", m),
			    "/sys/fs/cgroup/unifiedx");
	assert_string_equal(cgroup_path_rel("/sys/fs/cgroup", m), "/sys/fs/cgroup");
	assert_string_equal(cgroup_path_rel("/x", m), "/x");
	assert_string_equal(cgroup_path_rel("/x", "/"), "/x"); /* mounted at / */
}

/* --- cgroup_parse_mountinfo --- */

static void parse(const char *text, struct cgroups *cg)
{
	memset(cg, 0x55, sizeof(*cg)); /* every field written by the parser */
	cgroup_parse_mountinfo(text, cg);
}

static void test_mountinfo_hybrid(void **state)
{
	struct cgroups cg;

	(void)state;
	parse("26 1 254:0 / / rw,relatime - ext4 /dev/vda rw\n"
	      "30 22 0:27 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
	      "31 30 0:28 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
	      "34 30 0:31 / /sys/fs/cgroup/memory rw,relatime shared:9 - cgroup cgroup "
	      "rw,memory\n"
	      "40 30 0:37 / /sys/fs/cgroup/unified rw,relatime shared:4 master:1 - cgroup2 "
	      "cgroup2 rw,nsdelegate\n",
	      &cg);
	assert_string_equal(cg.v2_mount, "/sys/fs/cgroup/unified");
	assert_string_equal(cg.v1_memory_mount, "/sys/fs/cgroup/memory");
}

static void test_mountinfo_edges(void **state)
{
	struct cgroups cg;

	(void)state;
	/* a bind mount of a subtree (root not "/") is not the hierarchy */
	parse("40 30 0:37 /docker/abc /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n"
	      "41 30 0:37 / /mnt/cg rw - cgroup2 cgroup2 rw\n",
	      &cg);
	assert_string_equal(cg.v2_mount, "/mnt/cg");
	assert_string_equal(cg.v1_memory_mount, "");
	/* \ooo escapes: space, tab, backslash; the first mount wins */
	parse("41 30 0:37 / /mnt/a\\040b\\011c\\134d rw - cgroup2 none rw\n"
	      "42 30 0:38 / /mnt/second rw - cgroup2 none rw",
	      &cg);
	assert_string_equal(cg.v2_mount, "/mnt/a b\tc\\d");
	/* an invalid or short escape stays as it is */
	parse("41 30 0:37 / /mnt/x\\400y\\04 rw - cgroup2 none rw", &cg);
	assert_string_equal(cg.v2_mount, "/mnt/x\\400y\\04");
	/* \000 would cut the path: that line is ignored */
	parse("41 30 0:37 / /mnt/x\\000y rw - cgroup2 none rw\n"
	      "42 30 0:37 / /mnt/ok rw - cgroup2 none rw\n",
	      &cg);
	assert_string_equal(cg.v2_mount, "/mnt/ok");
	/* no "-" separator, or too few fields after it: ignored */
	parse("41 30 0:37 / /mnt/a rw cgroup2 none rw\n"
	      "42 30 0:37 / /mnt/b rw - cgroup2 none\n"
	      "43 30 0:37 / /mnt/c rw -\n"
	      "44 30 0:37 / /mnt\n"
	      "\n   \n",
	      &cg);
	assert_string_equal(cg.v2_mount, "");
	/* a relative mount point is not used */
	parse("41 30 0:37 / mnt rw - cgroup2 none rw\n", &cg);
	assert_string_equal(cg.v2_mount, "");
	/* v1: "memory" must be a whole super option */
	parse("34 30 0:31 / /a rw - cgroup cgroup rw,memory_recursiveprot\n"
	      "35 30 0:31 / /b rw - cgroup cgroup rw,nomemory,memory.x\n"
	      "36 30 0:31 / /c rw - cgroup cgroup memory\n",
	      &cg);
	assert_string_equal(cg.v1_memory_mount, "/c");
	/* "memory" in the mount options (before "-") does not count */
	parse("34 30 0:31 / /a rw,memory - cgroup cgroup rw,cpu\n", &cg);
	assert_string_equal(cg.v1_memory_mount, "");
}

/* A mount point that does not fit PATH_MAX is ignored, never truncated. */
static void test_mountinfo_long_mount(void **state)
{
	size_t n = PATH_MAX + 100;
	char *text = malloc(n + 256);
	struct cgroups cg;

	(void)state;
	assert_non_null(text);
	strcpy(text, "41 30 0:37 / /");
	memset(text + strlen(text), 'm', PATH_MAX);
	strcpy(text + strlen("41 30 0:37 / /") + PATH_MAX,
	       " rw - cgroup2 none rw\n42 30 0:37 / /short rw - cgroup2 none rw\n");
	parse(text, &cg);
	assert_string_equal(cg.v2_mount, "/short");
	free(text);
}

/* --- temporary trees --- */

/* Removes everything below dfd (and closes it), depth first, by fd. */
static void rm_below(int dfd)
{
	DIR *d = fdopendir(dfd);
	struct dirent *de;

	assert_non_null(d);
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (de->d_type == DT_DIR) {
			int sub = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY);

			assert_true(sub >= 0);
			rm_below(sub);
			assert_int_equal(unlinkat(dirfd(d), de->d_name, AT_REMOVEDIR), 0);
		} else {
			assert_int_equal(unlinkat(dirfd(d), de->d_name, 0), 0);
		}
		rewinddir(d);
	}
	closedir(d);
}

static void rm_tree(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY);

	assert_true(fd >= 0);
	rm_below(fd);
	assert_int_equal(rmdir(path), 0);
}

/* mkdir name below dfd and open it; returns the fd and its inode in *ino. */
static int mkdir_open(int dfd, const char *name, uint64_t *ino)
{
	struct stat st;
	int fd;

	assert_int_equal(mkdirat(dfd, name, 0755), 0);
	fd = openat(dfd, name, O_RDONLY | O_DIRECTORY);
	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	*ino = (uint64_t)st.st_ino;
	return fd;
}

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	assert_non_null(d);
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

#define DEPTH 100
#define SEG   "segment-of-sixty-bytes-segment-of-sixty-bytes-segment-of-s"

/*
 * The walk on a plain directory tree (it needs no cgroupfs): a chain DEPTH
 * deep whose path is over 6000 bytes, a ".hidden" sibling, a file. Every id
 * gets its full path and its ancestry; no descriptor is left open.
 */
static void test_walk_deep_long(void **state)
{
	char tmpl[] = "/tmp/sockmem-test-cgroup.XXXXXX";
	uint64_t chain[DEPTH + 1], hidden, hsub, root_ino;
	struct cgroups cg;
	struct stat st;
	int fd, fds_before;

	(void)state;
	assert_non_null(mkdtemp(tmpl));
	assert_int_equal(stat(tmpl, &st), 0);
	root_ino = (uint64_t)st.st_ino;
	chain[0] = root_ino;
	fd = open(tmpl, O_RDONLY | O_DIRECTORY);
	assert_true(fd >= 0);
	int h = mkdir_open(fd, ".hidden", &hidden), hs = mkdir_open(h, "sub", &hsub);

	close(hs);
	close(h);
	assert_int_equal(close(openat(fd, "afile", O_CREAT | O_WRONLY, 0644)), 0);
	for (int i = 1; i <= DEPTH; i++) {
		int sub = mkdir_open(fd, SEG, &chain[i]);

		close(fd);
		fd = sub;
	}
	close(fd);

	memset(&cg, 0, sizeof(cg));
	snprintf(cg.v2_mount, sizeof(cg.v2_mount), "%s", tmpl);
	uint64_t ids[] = { chain[DEPTH], hsub, 999999999999ULL, chain[DEPTH], chain[3] };

	fds_before = count_fds();
	assert_int_equal(cgroup_resolve(&cg, ids, 5), 0);
	assert_int_equal(count_fds(), fds_before);
	assert_int_equal(cg.n, 4); /* deduplicated */

	const struct cgroup_ent *deep = cgroup_get(&cg, chain[DEPTH]);

	assert_non_null(deep);
	assert_non_null(deep->path);
	assert_int_equal(strlen(deep->path), DEPTH * (strlen(SEG) + 1));
	assert_true(strlen(deep->path) > 4096);
	for (int i = 0; i < DEPTH; i++)
		assert_memory_equal(deep->path + i * (strlen(SEG) + 1), "/" SEG, strlen(SEG) + 1);
	assert_string_equal(cgroup_get(&cg, chain[3])->path, "/" SEG "/" SEG "/" SEG);
	assert_string_equal(cgroup_get(&cg, hsub)->path, "/.hidden/sub");
	assert_null(cgroup_get(&cg, 999999999999ULL)->path);
	/* no memory.stat here: absent, not 0 */
	assert_absent(deep->memcg_sock_bytes);

	/* ancestry: every level of the chain, and the root */
	for (int i = 0; i <= DEPTH; i++)
		assert_true(cgroup_within(&cg, chain[DEPTH], chain[i]));
	assert_true(cgroup_within(&cg, chain[3], chain[1]));
	assert_false(cgroup_within(&cg, chain[3], chain[4])); /* a child is no ancestor */
	assert_true(cgroup_within(&cg, hsub, hidden));
	assert_true(cgroup_within(&cg, hsub, root_ino));
	assert_false(cgroup_within(&cg, hsub, chain[1]));
	assert_false(cgroup_within(&cg, chain[DEPTH], hidden));
	/* an id the walk did not find is within itself only */
	assert_true(cgroup_within(&cg, 999999999999ULL, 999999999999ULL));
	assert_false(cgroup_within(&cg, 999999999999ULL, root_ino));
	assert_int_equal(cg.nblind, 0);
	assert_false(cgroup_blind_within(&cg, root_ino));
	cgroup_free(&cg);
	rm_tree(tmpl);
}

/* The walk stops once every id is found: the root alone lists nothing. */
static void test_walk_root_only(void **state)
{
	char tmpl[] = "/tmp/sockmem-test-cgroup.XXXXXX";
	struct cgroups cg;
	struct stat st;

	(void)state;
	assert_non_null(mkdtemp(tmpl));
	assert_int_equal(stat(tmpl, &st), 0);
	memset(&cg, 0, sizeof(cg));
	snprintf(cg.v2_mount, sizeof(cg.v2_mount), "%s", tmpl);
	uint64_t id = (uint64_t)st.st_ino;

	assert_int_equal(cgroup_resolve(&cg, &id, 1), 0);
	assert_string_equal(cgroup_get(&cg, id)->path, "/");
	assert_int_equal(cg.nnodes, 1);
	assert_true(cg.nodes[0].id == id && cg.nodes[0].parent == 0);
	cgroup_free(&cg);
	/* no ids: no walk, no mount needed */
	memset(&cg, 0, sizeof(cg));
	assert_int_equal(cgroup_resolve(&cg, NULL, 0), 0);
	assert_int_equal(cg.n, 0);
	cgroup_free(&cg);
	rmdir(tmpl);
}

/* --- ancestry on hand-built nodes --- */

static void test_within_nodes(void **state)
{
	struct cgroup_node nodes[] = {
		{ 1, 0 }, { 5, 6 }, { 6, 5 }, { 10, 1 }, { 11, 10 }, { 12, 11 }, { 20, 1 },
	};
	struct cgroups cg;

	(void)state;
	memset(&cg, 0, sizeof(cg));
	cg.nodes = nodes;
	cg.nnodes = sizeof(nodes) / sizeof(nodes[0]);
	assert_true(cgroup_within(&cg, 12, 12));
	assert_true(cgroup_within(&cg, 12, 11));
	assert_true(cgroup_within(&cg, 12, 10));
	assert_true(cgroup_within(&cg, 12, 1));
	assert_false(cgroup_within(&cg, 12, 20));
	assert_false(cgroup_within(&cg, 10, 12));
	assert_false(cgroup_within(&cg, 1, 10));
	assert_false(cgroup_within(&cg, 99, 1));
	/* a cycle (never from a walk) ends */
	assert_false(cgroup_within(&cg, 5, 7));
	assert_true(cgroup_within(&cg, 5, 6));
	/* nothing recorded */
	cg.nnodes = 0;
	assert_true(cgroup_within(&cg, 3, 3));
	assert_false(cgroup_within(&cg, 3, 1));
}

static void test_blind_within(void **state)
{
	struct cgroup_node nodes[] = { { 1, 0 }, { 10, 1 }, { 11, 10 }, { 20, 1 } };
	struct cgroup_ent ents[] = { { .id = 11, .path = "/a/b" }, { .id = 30, .path = NULL } };
	uint64_t blind[] = { 10 };
	struct cgroups cg;

	(void)state;
	memset(&cg, 0, sizeof(cg));
	cg.nodes = nodes;
	cg.nnodes = 4;
	cg.v = ents;
	cg.n = 2;
	cg.blind = blind;
	cg.nblind = 1;
	assert_true(cgroup_blind_within(&cg, 10));
	assert_true(cgroup_blind_within(&cg, 1));
	assert_false(cgroup_blind_within(&cg, 20));
	assert_false(cgroup_blind_within(&cg, 11));
	/* every id found: nothing can be missing */
	ents[1].path = "/c";
	assert_false(cgroup_blind_within(&cg, 1));
}

/* --- cgroup_path_lookup: paths among the collected ones (pure) --- */

static void test_path_lookup(void **state)
{
	/* "/" 1, "/a" 10, "/a/b" 15 (no entry: only an ancestor), "/a/b/c" 20,
	 * "/x" 30 (its node lost: the walk could not record its parent),
	 * 40 unresolved */
	struct cgroup_node nodes[] = { { 1, 0 }, { 10, 1 }, { 15, 10 }, { 20, 15 } };
	struct cgroup_ent ents[] = {
		{ .id = 1, .path = "/" },	{ .id = 10, .path = "/a" },
		{ .id = 20, .path = "/a/b/c" }, { .id = 30, .path = "/x/y" },
		{ .id = 40, .path = NULL },
	};
	struct cgroups cg;
	uint64_t id;

	(void)state;
	memset(&cg, 0, sizeof(cg));
	cg.nodes = nodes;
	cg.nnodes = 4;
	cg.v = ents;
	cg.n = 5;
	snprintf(cg.v2_mount, sizeof(cg.v2_mount), "/sys/fs/cgroup");
	static const struct {
		const char *path;
		uint64_t id;
	} ok[] = {
		{ "/", 1 },
		{ "/a", 10 },
		{ "a", 10 },
		{ "/a/b", 15 },
		{ "a//b/", 15 },
		{ "/a/b/c", 20 },
		{ "/a/b/c/..", 15 },
		{ "/sys/fs/cgroup/a/b", 15 },
		{ "/sys/fs/cgroup", 1 },
		{ "/x/y", 30 },
	};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		id = 0;
		if (cgroup_path_lookup(&cg, ok[i].path, &id) != 0 || id != ok[i].id)
			fail_msg("%s: id %llu, want %llu", ok[i].path, (unsigned long long)id,
				 (unsigned long long)ok[i].id);
	}
	/* not there, or above the hierarchy */
	assert_int_equal(cgroup_path_lookup(&cg, "/a/bb", &id), -ENOENT);
	assert_int_equal(cgroup_path_lookup(&cg, "/a/b/c/d", &id), -ENOENT);
	assert_int_equal(cgroup_path_lookup(&cg, "/x", &id), -ENOENT); /* no node for 30 */
	assert_int_equal(cgroup_path_lookup(&cg, "/..", &id), -EINVAL);
	assert_int_equal(cgroup_path_lookup(&cg, "", &id), -EINVAL);
	/* nothing collected */
	cg.n = 0;
	assert_int_equal(cgroup_path_lookup(&cg, "/", &id), -ENOENT);
}

/* --- cgroup_path_id refusals (a plain directory is not cgroup2) --- */

static void test_path_id_refuses(void **state)
{
	char tmpl[] = "/tmp/sockmem-test-cgroup.XXXXXX", p[128];
	struct cgroups cg;
	uint64_t id = 42;

	(void)state;
	assert_non_null(mkdtemp(tmpl));
	snprintf(p, sizeof(p), "%s/x", tmpl);
	assert_int_equal(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/f", tmpl);
	assert_int_equal(close(open(p, O_CREAT | O_WRONLY, 0644)), 0);
	memset(&cg, 0, sizeof(cg));
	assert_int_equal(cgroup_path_id(&cg, "/x", &id), -ENOENT); /* no cgroup2 mount */
	snprintf(cg.v2_mount, sizeof(cg.v2_mount), "%s", tmpl);
	assert_int_equal(cgroup_path_id(&cg, "/x", &id), -EXDEV);
	assert_int_equal(cgroup_path_id(&cg, "/", &id), -EXDEV);
	assert_int_equal(cgroup_path_id(&cg, "/nosuch", &id), -ENOENT);
	assert_int_equal(cgroup_path_id(&cg, "/f", &id), -ENOTDIR);
	assert_int_equal(cgroup_path_id(&cg, "/../x", &id), -EINVAL);
	assert_int_equal(cgroup_path_id(&cg, "", &id), -EINVAL);
	assert_true(id == 42); /* untouched on failure */
	snprintf(p, sizeof(p), "%s/x", tmpl);
	rmdir(p);
	snprintf(p, sizeof(p), "%s/f", tmpl);
	unlink(p);
	rmdir(tmpl);
}

/* On the real cgroup2 mount (when there is one), spellings agree. */
static void test_path_id_cgroup2(void **state)
{
	struct procfs p;
	struct cgroups cg;
	struct stat st;
	uint64_t id = 0;
	char spelled[PATH_MAX + 16];

	(void)state;
	assert_int_equal(procfs_open(&p, "/proc"), 0);
	assert_int_equal(cgroup_find_mounts(&p, &cg), 0);
	procfs_close(&p);
	if (!cg.v2_mount[0] || stat(cg.v2_mount, &st) < 0) {
		skip();
		return;
	}
	const char *same[] = { "/", "//", ".", "/./", "x/.." };

	for (size_t i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
		id = 0;
		assert_int_equal(cgroup_path_id(&cg, same[i], &id), 0);
		assert_true(id == (uint64_t)st.st_ino);
	}
	snprintf(spelled, sizeof(spelled), "%s/", cg.v2_mount);
	assert_int_equal(cgroup_path_id(&cg, spelled, &id), 0);
	assert_true(id == (uint64_t)st.st_ino);
	/* cgroup.procs is a file */
	assert_int_equal(cgroup_path_id(&cg, "/cgroup.procs", &id), -ENOTDIR);
	cgroup_free(&cg);
}

/* mountinfo of any size: the cgroup2 line after 300 KiB of other mounts. */
static void test_find_mounts_large(void **state)
{
	char tmpl[] = "/tmp/sockmem-test-cgroup.XXXXXX", path[128];
	struct procfs p;
	struct cgroups cg;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(tmpl));
	snprintf(path, sizeof(path), "%s/self", tmpl);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/self/mountinfo", tmpl);
	f = fopen(path, "w");
	assert_non_null(f);
	for (int i = 0; i < 5000; i++)
		fprintf(f,
			"%d 1 0:%d / /var/lib/containers/overlay/%08d/merged rw - overlay "
			"overlay rw\n",
			i + 100, i + 100, i);
	fprintf(f, "99 1 0:37 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n");
	assert_int_equal(fclose(f), 0);
	assert_int_equal(procfs_open(&p, tmpl), 0);
	assert_int_equal(cgroup_find_mounts(&p, &cg), 0);
	assert_string_equal(cg.v2_mount, "/sys/fs/cgroup");
	assert_string_equal(cg.v1_memory_mount, "");
	unlink(path);
	/* no mountinfo: an error, and no mount */
	assert_int_equal(cgroup_find_mounts(&p, &cg), -ENOENT);
	assert_string_equal(cg.v2_mount, "");
	procfs_close(&p);
	snprintf(path, sizeof(path), "%s/self", tmpl);
	rmdir(path);
	rmdir(tmpl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_normalize),
		cmocka_unit_test(test_normalize_errors),
		cmocka_unit_test(test_normalize_long),
		cmocka_unit_test(test_path_rel),
		cmocka_unit_test(test_mountinfo_hybrid),
		cmocka_unit_test(test_mountinfo_edges),
		cmocka_unit_test(test_mountinfo_long_mount),
		cmocka_unit_test(test_walk_deep_long),
		cmocka_unit_test(test_walk_root_only),
		cmocka_unit_test(test_within_nodes),
		cmocka_unit_test(test_blind_within),
		cmocka_unit_test(test_path_lookup),
		cmocka_unit_test(test_path_id_refuses),
		cmocka_unit_test(test_path_id_cgroup2),
		cmocka_unit_test(test_find_mounts_large),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
