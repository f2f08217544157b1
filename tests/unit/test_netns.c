// SPDX-License-Identifier: GPL-2.0-or-later
/* test_netns.c - namespace listing and opening over fake /proc and /run/netns trees. */
#include "testutil.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "collect/netns.h"

/* An open that blocks (a FIFO without O_NONBLOCK) kills the test instead
 * of hanging it. */
#define GUARD()	  alarm(10)
#define UNGUARD() alarm(0)

static uint64_t self_ino(void)
{
	struct stat st;

	assert_int_equal(stat("/proc/self/ns/net", &st), 0);
	return (uint64_t)st.st_ino;
}

static uint64_t ino_of(const char *path)
{
	struct stat st;

	assert_int_equal(lstat(path, &st), 0);
	return (uint64_t)st.st_ino;
}

struct tree {
	char root[64]; /* the temporary directory */
	char proc[96]; /* a fake proc root in it */
	char run[96];  /* a fake run/netns in it */
};

static void path(char *out, size_t len, const char *a, const char *b)
{
	snprintf(out, len, "%s/%s", a, b);
}

/*
 * proc/self -> /proc/self, proc/100/ns/net -> /proc/self/ns/net (the same
 * namespace), proc/101/ns/net a FIFO, proc/abc ignored;
 * run/fifo a FIFO, run/plain a file, run/dir a directory,
 * run/mine -> /proc/self/ns/net.
 */
static void make_tree(struct tree *t)
{
	char p[256];

	snprintf(t->root, sizeof(t->root), "/tmp/sockmem-test-netns.XXXXXX");
	assert_non_null(mkdtemp(t->root));
	path(t->proc, sizeof(t->proc), t->root, "proc");
	path(t->run, sizeof(t->run), t->root, "run");
	assert_int_equal(mkdir(t->proc, 0755), 0);
	assert_int_equal(mkdir(t->run, 0755), 0);
	path(p, sizeof(p), t->proc, "self");
	assert_int_equal(symlink("/proc/self", p), 0);
	const char *dirs[] = { "100", "100/ns", "101", "101/ns", "abc" };

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		path(p, sizeof(p), t->proc, dirs[i]);
		assert_int_equal(mkdir(p, 0755), 0);
	}
	path(p, sizeof(p), t->proc, "100/ns/net");
	assert_int_equal(symlink("/proc/self/ns/net", p), 0);
	path(p, sizeof(p), t->proc, "101/ns/net");
	assert_int_equal(mkfifo(p, 0600), 0);
	path(p, sizeof(p), t->run, "fifo");
	assert_int_equal(mkfifo(p, 0600), 0);
	path(p, sizeof(p), t->run, "plain");
	assert_int_equal(close(open(p, O_CREAT | O_WRONLY, 0644)), 0);
	path(p, sizeof(p), t->run, "dir");
	assert_int_equal(mkdir(p, 0755), 0);
	path(p, sizeof(p), t->run, "mine");
	assert_int_equal(symlink("/proc/self/ns/net", p), 0);
}

static void rm_tree(struct tree *t)
{
	const char *files[] = { "proc/self", "proc/100/ns/net", "proc/101/ns/net",
				"run/fifo",  "run/plain",	"run/mine" };
	const char *dirs[] = { "proc/100/ns", "proc/100", "proc/101/ns", "proc/101",
			       "proc/abc",    "proc",	  "run/dir",	 "run" };
	char p[256];

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		path(p, sizeof(p), t->root, files[i]);
		unlink(p);
	}
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		path(p, sizeof(p), t->root, dirs[i]);
		rmdir(p);
	}
	assert_int_equal(rmdir(t->root), 0);
}

static const struct netns_ent *by_name(const struct netns_ent *v, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].name, name) == 0)
			return &v[i];
	return NULL;
}

static void test_name_ok(void **state)
{
	(void)state;
	assert_true(netns_name_ok("blue"));
	assert_true(netns_name_ok(".x"));
	assert_true(netns_name_ok("..."));
	assert_false(netns_name_ok(""));
	assert_false(netns_name_ok("."));
	assert_false(netns_name_ok(".."));
	assert_false(netns_name_ok("a/b"));
	assert_false(netns_name_ok("/"));
}

/* Files in /run/netns that are no namespace are listed as skipped (EINVAL),
 * each on its own; the same namespace found twice is one entry. */
static void test_list(void **state)
{
	struct tree t;
	struct procfs p;
	struct netns_ent *v = NULL;
	size_t n = 0;
	char fifo[256];
	uint64_t me = self_ino();

	(void)state;
	make_tree(&t);
	assert_int_equal(procfs_open(&p, t.proc), 0);
	GUARD();
	assert_int_equal(netns_list(&p, t.run, &v, &n, NULL), 0);
	UNGUARD();
	/* self (merged with 100 and "mine"), proc 101's FIFO, fifo, plain, dir */
	assert_int_equal(n, 5);
	assert_true(v[0].ino == me);
	assert_int_equal(v[0].pid, 100);
	assert_string_equal(v[0].name, "mine");
	assert_int_equal(v[0].skipped, 0);
	path(fifo, sizeof(fifo), t.proc, "101/ns/net");
	assert_true(v[1].ino == ino_of(fifo));
	assert_int_equal(v[1].pid, 101);
	const char *bad[] = { "fifo", "plain", "dir" };

	for (size_t i = 0; i < 3; i++) {
		const struct netns_ent *e = by_name(v, n, bad[i]);
		char f[256];

		assert_non_null(e);
		path(f, sizeof(f), t.run, bad[i]);
		assert_true(e->ino == ino_of(f));
		assert_int_equal(e->skipped, EINVAL);
		assert_int_equal(e->pid, 0);
		/* opening it does not block */
		GUARD();
		assert_int_equal(netns_open(&p, t.run, e), -EINVAL);
		UNGUARD();
	}
	/* proc 101's ns/net is a FIFO: opening it neither blocks nor succeeds */
	GUARD();
	assert_int_equal(netns_open(&p, t.run, &v[1]), -EINVAL);
	UNGUARD();
	/* the real one opens, and only as the namespace listed */
	int fd = netns_open(&p, t.run, &v[0]);

	assert_true(fd >= 0);
	close(fd);
	struct netns_ent other = v[0];

	other.ino++;
	assert_int_equal(netns_open(&p, t.run, &other), -ESRCH);
	free(v);
	procfs_close(&p);
	rm_tree(&t);
}

static void test_open_name(void **state)
{
	struct tree t;
	struct stat st;
	int fd;

	(void)state;
	make_tree(&t);
	GUARD();
	assert_int_equal(netns_open_name(t.run, "fifo"), -EINVAL);
	UNGUARD();
	assert_int_equal(netns_open_name(t.run, "plain"), -EINVAL);
	assert_int_equal(netns_open_name(t.run, "dir"), -EINVAL);
	assert_int_equal(netns_open_name(t.run, "nosuch"), -ENOENT);
	assert_int_equal(netns_open_name(t.run, "../run/mine"), -EINVAL);
	assert_int_equal(netns_open_name(t.run, ".."), -EINVAL);
	assert_int_equal(netns_open_name(t.run, ""), -EINVAL);
	fd = netns_open_name(t.run, "mine");
	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	assert_true((uint64_t)st.st_ino == self_ino());
	close(fd);
	rm_tree(&t);
}

/* A run directory that is absent is no error; one that cannot be listed is. */
static void test_list_run_dir(void **state)
{
	struct tree t;
	struct procfs p;
	struct netns_ent *v = NULL;
	size_t n = 0;
	char f[256];

	(void)state;
	make_tree(&t);
	assert_int_equal(procfs_open(&p, t.proc), 0);
	path(f, sizeof(f), t.run, "nosuch");
	assert_int_equal(netns_list(&p, f, &v, &n, NULL), 0);
	assert_int_equal(n, 2); /* self (with 100), 101 */
	free(v);
	v = NULL;
	path(f, sizeof(f), t.run, "plain");
	assert_int_equal(netns_list(&p, f, &v, &n, NULL), -ENOTDIR);
	assert_null(v);
	procfs_close(&p);
	rm_tree(&t);
}

/* Writes text to root/rel (the directories exist). */
static void put(const char *root, const char *rel, const char *text)
{
	char p[256];
	FILE *f;

	path(p, sizeof(p), root, rel);
	f = fopen(p, "w");
	assert_non_null(f);
	assert_true(fputs(text, f) >= 0);
	assert_int_equal(fclose(f), 0);
}

/* The initial namespace: init_net's fixed inode, or the namespace of pid 2
 * when its stat flags say kernel thread; unknown otherwise. */
static void test_initial(void **state)
{
	char root[64] = "/tmp/sockmem-test-init.XXXXXX", p[256];
	struct procfs pr;
	uint64_t k;

	(void)state;
	assert_non_null(mkdtemp(root));
	path(p, sizeof(p), root, "2");
	assert_int_equal(mkdir(p, 0755), 0);
	path(p, sizeof(p), root, "2/ns");
	assert_int_equal(mkdir(p, 0755), 0);
	put(root, "2/ns/net", "");
	path(p, sizeof(p), root, "2/ns/net");
	k = ino_of(p);
	assert_true(k != NETNS_INIT_INO && k + 1 != NETNS_INIT_INO);
	assert_int_equal(procfs_open(&pr, root), 0);

	assert_int_equal(netns_initial(&pr, 0), -ENOENT);
	assert_int_equal(netns_initial(&pr, NETNS_INIT_INO), 1); /* whatever pid 2 says */
	/* no 2/stat: cannot tell */
	assert_int_equal(netns_initial(&pr, k), -ENOENT);
	/* kthreadd: flags 0x208040 carry PF_KTHREAD */
	put(root, "2/stat", "2 (kthreadd) S 0 0 0 0 -1 2129984 0 0 0 0 0 0 0 0 20 0 1 0 20\n");
	assert_int_equal(netns_initial(&pr, k), 1);
	assert_int_equal(netns_initial(&pr, k + 1), 0);
	/* a container's pid 2, whose comm fakes the fields: the flags are read
	 * after the last ')' and lack PF_KTHREAD */
	put(root, "2/stat", "2 (x) S 0 0 0 0 -1 2129984) S 1 1 1 0 -1 4194560 0 0 0 0\n");
	assert_int_equal(netns_initial(&pr, k), -ENOENT);
	put(root, "2/stat", "2 (x) S 0 0\n"); /* cut short */
	assert_int_equal(netns_initial(&pr, k), -ENOENT);
	/* a kernel thread whose namespace cannot be read */
	put(root, "2/stat", "2 (kthreadd) S 0 0 0 0 -1 2129984 0\n");
	path(p, sizeof(p), root, "2/ns/net");
	assert_int_equal(unlink(p), 0);
	assert_int_equal(symlink("net", p), 0); /* ELOOP */
	assert_int_equal(netns_initial(&pr, k), -ENOENT);

	/* the listing counts a process whose link cannot be read (ELOOP here;
	 * EACCES for another user's), not one that is gone (ENOENT) */
	struct netns_ent *v = NULL;
	size_t n = 0, denied = 99;

	path(p, sizeof(p), root, "3");
	assert_int_equal(mkdir(p, 0755), 0);
	path(p, sizeof(p), root, "3/ns");
	assert_int_equal(mkdir(p, 0755), 0);
	assert_int_equal(netns_list(&pr, "/nonexistent", &v, &n, &denied), 0);
	assert_int_equal(denied, 1);
	assert_int_equal(n, 0);
	free(v);
	procfs_close(&pr);
	const char *files[] = { "2/stat", "2/ns/net" };
	const char *dirs[] = { "2/ns", "2", "3/ns", "3" };

	for (size_t i = 0; i < 2; i++) {
		path(p, sizeof(p), root, files[i]);
		assert_int_equal(unlink(p), 0);
	}
	for (size_t i = 0; i < 4; i++) {
		path(p, sizeof(p), root, dirs[i]);
		assert_int_equal(rmdir(p), 0);
	}
	assert_int_equal(rmdir(root), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_name_ok),
		cmocka_unit_test(test_list),
		cmocka_unit_test(test_open_name),
		cmocka_unit_test(test_list_run_dir),
		cmocka_unit_test(test_initial),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
