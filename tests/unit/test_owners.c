// SPDX-License-Identifier: GPL-2.0-or-later
/* test_owners.c - owners_scan over the tests/fixtures/proc-owners tree. */
#include "testutil.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "model/agg.h"
#include "collect/owners.h"
#include "collect/procfs.h"

/*
 * tests/fixtures/proc-owners:
 *   100 nginx        fd 0 /dev/null, 3 and 4 socket:[12345], 5 socket:[22222], 6 pipe:[999]
 *   200 we\tird"na\nme  fd 7 socket:[12345], 8 socket:[33333] (not dumped), 9 anon_inode
 *   300 nofd         no fd directory (exited between readdir and open)
 *   400 idle         fd 0 /dev/null, 1 socket:[99999] (not dumped)
 *   500 0123456789abcde (15 bytes, the kernel's maximum)
 *                    fd 10 socket:[44444]; "notanumber" socket:[44444];
 *                    11 "socket:[4444", 12 "socket:[]", 13 socket:[0],
 *                    14 "socket:[55555x]", 15 socket:[4294967297] (2^32 + 1)
 *   self -> 100, net/ (not processes)
 */
enum { S_12345, S_22222, S_44444, S_55555, S_TW, S_INO1, S_4444, S_COUNT };

static void table_build(struct sock_table *t)
{
	static const uint32_t inodes[S_COUNT] = { 12345, 22222, 44444, 55555, 0, 1, 4444 };

	memset(t, 0, sizeof(*t));
	for (int i = 0; i < S_COUNT; i++) {
		struct sock_rec s = i == S_TW ? tu_sock_noskmem(100 + (uint64_t)i)
					      : tu_sock(100 + (uint64_t)i, inodes[i],
							4096u * (uint32_t)(i + 1), 0, 0);

		/* leftovers from an earlier scan must be reset */
		s.own_first = 77;
		s.own_n = 9;
		assert_int_equal(sock_table_add(t, &s), 1);
	}
}

static long proc_by_pid(const struct owners *o, int32_t pid)
{
	for (size_t i = 0; i < o->nprocs; i++)
		if (o->procs[i].pid == pid)
			return (long)i;
	return -1;
}

static void scan_fixture(struct sock_table *t, struct owners *o)
{
	struct procfs p;

	table_build(t);
	assert_int_equal(procfs_open(&p, FIX_OWNERS), 0);
	assert_int_equal(owners_scan(&p, t, o), 0);
	procfs_close(&p);
}

static void test_counts(void **state)
{
	struct sock_table t;
	struct owners o;

	(void)state;
	scan_fixture(&t, &o);
	/* 100, 200, 300, 400 and 500 are process directories; self and net are not. */
	assert_int_equal(o.procs_scanned, 5);
	/* 300 has no fd directory: it is counted as gone, not denied. */
	assert_int_equal(o.procs_gone, 1);
	assert_int_equal(o.procs_denied, 0);
	assert_int_equal(o.fds_denied, 0);
	assert_int_equal(o.procs_incomplete, 0);
	assert_int_equal(o.task_tables, 0); /* no task directories in this tree */
	assert_true(o.walked);
	/* Only processes holding a dumped socket are kept (not 300, not 400). */
	assert_int_equal(o.nprocs, 3);
	assert_true(proc_by_pid(&o, 100) >= 0);
	assert_true(proc_by_pid(&o, 200) >= 0);
	assert_true(proc_by_pid(&o, 500) >= 0);
	assert_true(proc_by_pid(&o, 300) < 0);
	assert_true(proc_by_pid(&o, 400) < 0);
	assert_int_equal(o.nlinks, 5);
	owners_free(&o);
	assert_null(o.procs);
	assert_null(o.links);
	assert_int_equal(o.nlinks, 0);
	sock_table_free(&t);
}

static void test_links(void **state)
{
	struct sock_table t;
	struct owners o;
	long p100, p200, p500;

	(void)state;
	scan_fixture(&t, &o);
	p100 = proc_by_pid(&o, 100);
	p200 = proc_by_pid(&o, 200);
	p500 = proc_by_pid(&o, 500);
	assert_true(p100 >= 0 && p200 >= 0 && p500 >= 0);

	/* Links are grouped by socket, in socket order. */
	const struct sock_rec *s = &t.v[S_12345];

	assert_int_equal(s->own_first, 0);
	assert_int_equal(s->own_n, 3);
	/* Within the socket: by process, then fd. nginx holds it twice (3, 4). */
	const struct owner_link *l = &o.links[s->own_first];
	size_t k100 = (size_t)(p100 < p200 ? 0 : 1);
	size_t k200 = k100 == 0 ? 2 : 0;

	for (size_t k = 0; k < 3; k++)
		assert_int_equal(l[k].sock, S_12345);
	assert_int_equal(l[k100].proc, p100);
	assert_int_equal(l[k100].fd, 3);
	assert_int_equal(l[k100 + 1].proc, p100);
	assert_int_equal(l[k100 + 1].fd, 4);
	assert_int_equal(l[k200].proc, p200);
	assert_int_equal(l[k200].fd, 7);

	s = &t.v[S_22222];
	assert_int_equal(s->own_first, 3);
	assert_int_equal(s->own_n, 1);
	assert_int_equal(o.links[3].sock, S_22222);
	assert_int_equal(o.links[3].proc, p100);
	assert_int_equal(o.links[3].fd, 5);

	/* 500: only fd 10; the non-numeric fd name and malformed links are not read. */
	s = &t.v[S_44444];
	assert_int_equal(s->own_first, 4);
	assert_int_equal(s->own_n, 1);
	assert_int_equal(o.links[4].sock, S_44444);
	assert_int_equal(o.links[4].proc, p500);
	assert_int_equal(o.links[4].fd, 10);

	/* No holder: "socket:[55555x]", "socket:[4444", socket:[0], and 2^32+1 not wrapped to 1. */
	for (int i = S_55555; i < S_COUNT; i++) {
		assert_int_equal(t.v[i].own_n, 0);
		assert_int_equal(t.v[i].own_first, 0);
	}
	owners_free(&o);
	sock_table_free(&t);
}

static void test_procs(void **state)
{
	struct sock_table t;
	struct owners o;
	struct stat st;

	(void)state;
	scan_fixture(&t, &o);
	assert_int_equal(stat(FIX_OWNERS "/100", &st), 0);

	const struct proc_ent *e = &o.procs[proc_by_pid(&o, 100)];

	assert_string_equal(e->comm, "nginx");
	assert_int_equal(e->uid, st.st_uid);

	/* The kernel's trailing newline goes; the newline, tab and quote inside stay. */
	e = &o.procs[proc_by_pid(&o, 200)];
	assert_string_equal(e->comm, "we\tird\"na\nme");
	assert_int_equal(strlen(e->comm), 12);

	/* A 15-byte name (the kernel's TASK_COMM_LEN - 1) is kept whole. */
	e = &o.procs[proc_by_pid(&o, 500)];
	assert_string_equal(e->comm, "0123456789abcde");

	/* start time: field 22 of stat, counted after the last ')' (a name may
	 * hold ") (" and spaces); absent without a stat file, never 0 */
	assert_maybe(o.procs[proc_by_pid(&o, 100)].start_time, 123456);
	assert_maybe(o.procs[proc_by_pid(&o, 500)].start_time, 987654321);
	assert_absent(o.procs[proc_by_pid(&o, 200)].start_time);
	owners_free(&o);
	sock_table_free(&t);
}

static void test_agg_over_scan(void **state)
{
	struct sock_table t;
	struct owners o;
	struct group *g = NULL;
	size_t n = 0;

	(void)state;
	scan_fixture(&t, &o);
	assert_int_equal(agg_by_process(&t, NULL, &o, 4096, &g, &n), 0);
	assert_int_equal(n, 5); /* 100, 200, 500, the no-holder and time-wait rows */
	for (size_t i = 0; i < n; i++) {
		const struct sums *s = &g[i].s;

		if (g[i].proc == AGG_NO_HOLDER) {
			/* a complete walk: sockets with an inode but no fd seen,
			 * 55555 (4 pages), inode 1 (6), 4444 (7) */
			assert_int_equal(s->sockets, 3);
			assert_int_equal(s->charged_pages, 4 + 6 + 7);
			continue;
		}
		if (g[i].proc == AGG_TIME_WAIT) {
			/* inode 0: the TIME-WAIT socket, no process can hold it */
			assert_int_equal(s->sockets, 1);
			assert_int_equal(s->charged_pages, 0);
			continue;
		}
		switch (o.procs[g[i].proc].pid) {
		case 100: /* 12345 once despite two fds (1 page) + 22222 (2 pages) */
			assert_int_equal(s->sockets, 2);
			assert_int_equal(s->r, 4096 + 8192);
			assert_int_equal(s->charged_pages, 3);
			break;
		case 200: /* 12345, shared with 100 */
			assert_int_equal(s->sockets, 1);
			assert_int_equal(s->r, 4096);
			break;
		case 500: /* 44444 (3 pages) */
			assert_int_equal(s->sockets, 1);
			assert_int_equal(s->charged_pages, 3);
			break;
		default:
			fail_msg("unexpected pid %d", o.procs[g[i].proc].pid);
		}
	}
	free(g);
	owners_free(&o);
	sock_table_free(&t);
}

/* ASan/UBSan build (GCC defines the macro; clang has __has_feature). */
#if defined(__SANITIZE_ADDRESS__)
#define SAN_BUILD 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SAN_BUILD 1
#endif
#endif

static void test_empty_table(void **state)
{
	struct sock_table t = { 0 };
	struct owners o;
	struct procfs p;

	(void)state;
	/* A scan that links nothing must not qsort(NULL, 0): UBSan rejects it. */
	assert_int_equal(procfs_open(&p, FIX_OWNERS), 0);
	assert_int_equal(owners_scan(&p, &t, &o), 0);
	procfs_close(&p);
	assert_int_equal(o.nprocs, 0);
	assert_int_equal(o.nlinks, 0);
	assert_int_equal(o.procs_scanned, 5);
	owners_free(&o);
}

/* --- unreadable fd directories, checked as an unprivileged user --- */

static char tmproot[] = "/tmp/sockmem-owners-XXXXXX";

static void mkpath(const char *rel, mode_t mode)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", tmproot, rel);
	assert_int_equal(mkdir(path, mode), 0);
	assert_int_equal(chmod(path, mode), 0);
}

static void mklink(const char *target, const char *rel)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", tmproot, rel);
	assert_int_equal(symlink(target, path), 0);
}

static void mkfile(const char *rel, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmproot, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void rmpath(const char *rel, int dir)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", tmproot, rel);
	if (dir) {
		chmod(path, 0755);
		rmdir(path);
	} else {
		unlink(path);
	}
}

/* Runs in a child (as nobody if we are root); returns an exit code, 0 = all as expected. */
static int denied_child(void)
{
	struct sock_table t;
	struct owners o;
	struct procfs p;

	if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0))
		return 77;
	if (geteuid() == 0)
		return 77;
	table_build(&t);
	if (procfs_open(&p, tmproot) != 0)
		return 10;
	if (owners_scan(&p, &t, &o) != 0)
		return 11;
	if (o.procs_scanned != 3)
		return 12;
	if (o.procs_denied != 2) /* 700: fd dir mode 000; 701: links unreadable */
		return 13;
	if (o.fds_denied != 2) /* 701's two links */
		return 14;
	if (o.procs_gone != 0)
		return 15;
	if (o.nprocs != 1 || o.procs[0].pid != 702 || strcmp(o.procs[0].comm, "ok") != 0)
		return 16;
	if (o.nlinks != 1 || t.v[S_22222].own_n != 1 || t.v[S_12345].own_n != 0)
		return 17;
	owners_free(&o);
	sock_table_free(&t);
	return 0;
}

static void test_denied(void **state)
{
	pid_t pid;
	int status = 0;

	(void)state;
	assert_non_null(mkdtemp(tmproot));
	assert_int_equal(chmod(tmproot, 0755), 0);
	mkpath("700", 0755);
	mkfile("700/comm", "denied\n");
	mkpath("700/fd", 0755);
	mklink("socket:[12345]", "700/fd/3");
	mkpath("701", 0755);
	mkfile("701/comm", "halfopen\n");
	mkpath("701/fd", 0755);
	mklink("socket:[12345]", "701/fd/3");
	mklink("socket:[22222]", "701/fd/4");
	mkpath("702", 0755);
	mkfile("702/comm", "ok\n");
	mkpath("702/fd", 0755);
	mklink("socket:[22222]", "702/fd/5");
	{
		char path[256];

		snprintf(path, sizeof(path), "%s/700/fd", tmproot);
		assert_int_equal(chmod(path, 0), 0);	 /* cannot be listed */
		snprintf(path, sizeof(path), "%s/701/fd", tmproot);
		assert_int_equal(chmod(path, 0444), 0); /* listed, links not readable */
	}

	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(denied_child());
	assert_int_equal(waitpid(pid, &status, 0), pid);

	rmpath("700/fd", 1); /* chmod back first, then the link */
	rmpath("700/fd/3", 0);
	rmpath("700/fd", 1);
	rmpath("700/comm", 0);
	rmpath("700", 1);
	rmpath("701/fd", 1); /* chmod back first, then the links */
	rmpath("701/fd/3", 0);
	rmpath("701/fd/4", 0);
	rmpath("701/fd", 1);
	rmpath("701/comm", 0);
	rmpath("701", 1);
	rmpath("702/fd/5", 0);
	rmpath("702/fd", 1);
	rmpath("702/comm", 0);
	rmpath("702", 1);
	rmdir(tmproot);

	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) == 77)
		skip(); /* cannot drop privileges here */
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* --- threads' own tables and walk errors, on a tree built at run time --- */

/*
 * Pids above PID_MAX_LIMIT (4194304) never exist, so kcmp() on them fails
 * (ESRCH) and every thread table is walked: the links the walk repeats
 * must come out once.
 *
 *   5000001 zombie leader: fd/ empty; threads 5000002 and 5000003 share one
 *           table: 3 socket:[12345], 4 socket:[22222]
 *   5000010 fd 3 socket:[44444]; task/5000010/fd also has 9 socket:[4444]
 *           (the leader's own task entry is never walked again);
 *           5000011 unshared: 3 socket:[44444] (the copy), 5 socket:[55555]
 *   5000020 single thread (task/ has 3 links): task/5000020/fd 7 socket:[1]
 *           is the process's table and is not walked twice
 */
struct node {
	char kind; /* 'd' directory, 'l' symlink to text, 'f' file holding text */
	const char *path;
	const char *text;
};

static const struct node thread_tree[] = {
	{ 'd', "5000001", NULL },
	{ 'f', "5000001/comm", "zombie\n" },
	{ 'd', "5000001/fd", NULL },
	{ 'd', "5000001/task", NULL },
	{ 'd', "5000001/task/5000001", NULL },
	{ 'd', "5000001/task/5000001/fd", NULL },
	{ 'd', "5000001/task/5000002", NULL },
	{ 'd', "5000001/task/5000002/fd", NULL },
	{ 'l', "5000001/task/5000002/fd/3", "socket:[12345]" },
	{ 'l', "5000001/task/5000002/fd/4", "socket:[22222]" },
	{ 'd', "5000001/task/5000003", NULL },
	{ 'd', "5000001/task/5000003/fd", NULL },
	{ 'l', "5000001/task/5000003/fd/3", "socket:[12345]" },
	{ 'l', "5000001/task/5000003/fd/4", "socket:[22222]" },
	{ 'd', "5000010", NULL },
	{ 'f', "5000010/comm", "unshared\n" },
	{ 'd', "5000010/fd", NULL },
	{ 'l', "5000010/fd/3", "socket:[44444]" },
	{ 'd', "5000010/task", NULL },
	{ 'd', "5000010/task/5000010", NULL },
	{ 'd', "5000010/task/5000010/fd", NULL },
	{ 'l', "5000010/task/5000010/fd/3", "socket:[44444]" },
	{ 'l', "5000010/task/5000010/fd/9", "socket:[4444]" },
	{ 'd', "5000010/task/5000011", NULL },
	{ 'd', "5000010/task/5000011/fd", NULL },
	{ 'l', "5000010/task/5000011/fd/3", "socket:[44444]" },
	{ 'l', "5000010/task/5000011/fd/5", "socket:[55555]" },
	{ 'd', "5000020", NULL },
	{ 'f', "5000020/comm", "single\n" },
	{ 'd', "5000020/fd", NULL },
	{ 'd', "5000020/task", NULL },
	{ 'd', "5000020/task/5000020", NULL },
	{ 'd', "5000020/task/5000020/fd", NULL },
	{ 'l', "5000020/task/5000020/fd/7", "socket:[1]" },
};

/*
 * Errors that lose fds without being a denial or an exit:
 *   5000030 "fd" is a file (ENOTDIR): incomplete
 *   5000031 fd 3 is a file (readlink EINVAL): incomplete, fd 4 still read
 *   5000032 "fd" is a dangling symlink (ENOENT): gone
 *   5000033 is a file (ENOTDIR on open): seen, incomplete
 */
static const struct node error_tree[] = {
	{ 'd', "5000030", NULL },
	{ 'f', "5000030/fd", "" },
	{ 'd', "5000031", NULL },
	{ 'f', "5000031/comm", "halfread\n" },
	{ 'd', "5000031/fd", NULL },
	{ 'f', "5000031/fd/3", "" },
	{ 'l', "5000031/fd/4", "socket:[22222]" },
	{ 'd', "5000032", NULL },
	{ 'l', "5000032/fd", "nowhere" },
	{ 'f', "5000033", "" },
};

static char treeroot[] = "/tmp/sockmem-tree-XXXXXX";

static void tree_build(const struct node *n, size_t count)
{
	char path[256];

	strcpy(treeroot, "/tmp/sockmem-tree-XXXXXX");
	assert_non_null(mkdtemp(treeroot));
	for (size_t i = 0; i < count; i++) {
		snprintf(path, sizeof(path), "%s/%s", treeroot, n[i].path);
		if (n[i].kind == 'd') {
			assert_int_equal(mkdir(path, 0755), 0);
		} else if (n[i].kind == 'l') {
			assert_int_equal(symlink(n[i].text, path), 0);
		} else {
			FILE *f = fopen(path, "w");

			assert_non_null(f);
			fputs(n[i].text, f);
			fclose(f);
		}
	}
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

static void tree_remove(void)
{
	nftw(treeroot, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* Walks treeroot and joins it to the standard socket table. */
static int tree_scan(struct sock_table *t, struct owners *o)
{
	struct procfs p;
	int err;

	table_build(t);
	assert_int_equal(procfs_open(&p, treeroot), 0);
	err = owners_scan(&p, t, o);
	procfs_close(&p);
	return err;
}

/* The holders of socket i as "pid/fd,..." for one readable assert. */
static void holders(const struct sock_table *t, const struct owners *o, int i, char *buf,
		    size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (uint32_t k = 0; k < t->v[i].own_n; k++) {
		const struct owner_link *l = &o->links[t->v[i].own_first + k];

		assert_int_equal(l->sock, i);
		off += (size_t)snprintf(buf + off, len - off, "%s%d/%d", k ? "," : "",
					o->procs[l->proc].pid, l->fd);
	}
}

static void test_thread_tables(void **state)
{
	struct sock_table t;
	struct owners o;
	char h[128];

	(void)state;
	tree_build(thread_tree, sizeof(thread_tree) / sizeof(thread_tree[0]));
	assert_int_equal(tree_scan(&t, &o), 0);
	tree_remove();
	assert_int_equal(o.procs_scanned, 3);
	assert_int_equal(o.procs_gone, 0);
	assert_int_equal(o.procs_denied, 0);
	assert_int_equal(o.procs_incomplete, 0);
	/* 5000002, 5000003 (no kcmp answer for these pids), 5000011 */
	assert_int_equal(o.task_tables, 3);
	/* the zombie leader's sockets belong to it, once although two threads list them */
	holders(&t, &o, S_12345, h, sizeof(h));
	assert_string_equal(h, "5000001/3");
	holders(&t, &o, S_22222, h, sizeof(h));
	assert_string_equal(h, "5000001/4");
	/* the unshared copy of fd 3 is the same holder; fd 5 exists only there */
	holders(&t, &o, S_44444, h, sizeof(h));
	assert_string_equal(h, "5000010/3");
	holders(&t, &o, S_55555, h, sizeof(h));
	assert_string_equal(h, "5000010/5");
	/* task/PID of the leader and of a single-threaded process: not walked */
	assert_int_equal(t.v[S_4444].own_n, 0);
	assert_int_equal(t.v[S_INO1].own_n, 0);
	assert_int_equal(o.nlinks, 4);
	assert_int_equal(o.nprocs, 2);
	assert_string_equal(o.procs[proc_by_pid(&o, 5000001)].comm, "zombie");
	assert_string_equal(o.procs[proc_by_pid(&o, 5000010)].comm, "unshared");
	owners_free(&o);
	sock_table_free(&t);
}

static void test_walk_errors(void **state)
{
	struct sock_table t;
	struct owners o;
	struct group *g = NULL;
	size_t n = 0;
	char h[128];

	(void)state;
	tree_build(error_tree, sizeof(error_tree) / sizeof(error_tree[0]));
	assert_int_equal(tree_scan(&t, &o), 0);
	tree_remove();
	assert_int_equal(o.procs_scanned, 4); /* 5000032 too: opened, then found gone */
	assert_int_equal(o.procs_gone, 1);
	assert_int_equal(o.procs_incomplete, 3);
	assert_int_equal(o.procs_denied, 0);
	assert_int_equal(o.fds_denied, 0);
	assert_int_equal(owners_not_inspected(&o), 3);
	assert_true(o.walked);
	/* what was read before the bad entry stays */
	holders(&t, &o, S_22222, h, sizeof(h));
	assert_string_equal(h, "5000031/4");
	/* the walk is incomplete: the rest is not claimed held by nobody, but it
	 * is still the row of sockets with an inode and no holder seen */
	assert_int_equal(agg_by_process(&t, NULL, &o, 4096, &g, &n), 0);
	assert_int_equal(n, 3);
	for (size_t i = 0; i < n; i++)
		if (g[i].proc == AGG_NO_HOLDER)
			assert_int_equal(g[i].s.sockets, 5); /* 12345 44444 55555 1 4444 */
		else if (g[i].proc == AGG_TIME_WAIT)
			assert_int_equal(g[i].s.sockets, 1);
		else
			assert_int_equal(o.procs[g[i].proc].pid, 5000031);
	free(g);
	owners_free(&o);
	sock_table_free(&t);
}

/* In a child: the highest open fd + slack is the limit; returns owners_walk's result. */
static int walk_with_fds(int slack)
{
	struct procfs p;
	struct owners o;
	struct rlimit rl;
	int top, err;

	if (procfs_open(&p, FIX_OWNERS) != 0)
		return 100;
	top = dup(0); /* the lowest free fd: every fd below it is open */
	if (top < 0)
		return 101;
	close(top);
	rl.rlim_cur = rl.rlim_max = (rlim_t)(top + slack);
	if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
		return 102;
	err = owners_walk(&p, &o);
	owners_free(&o);
	return err == 0 ? 0 : err == -EMFILE ? 1 : 103;
}

/* The exit status of fn(slack) run in a child process (fn changes the
 * process's descriptor limit, so it must not run in ours). */
static int child_exit(int (*fn)(int), int slack)
{
	int status = 0;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(fn(slack));
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static void test_walk_out_of_fds(void **state)
{
	(void)state;
	/* Every step that opens something, short of one descriptor, fails the
	 * walk: /proc, a pid directory, its fd directory, comm. Four free
	 * descriptors are enough for this (single-threaded) tree. */
	for (int slack = 0; slack <= 4; slack++) {
		int got = child_exit(walk_with_fds, slack);

		if (got != (slack < 4 ? 1 : 0))
			fail_msg("%d free fds: child exit %d", slack, got);
	}
}

/* --- the threaded walk: the single walk's answer, field by field --- */

/* Writes text to treeroot/rel (a file), or makes it a symlink to text. */
static void gen_file(const char *rel, const char *text, bool link)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", treeroot, rel);
	if (link) {
		assert_int_equal(symlink(text, path), 0);
		return;
	}
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void gen_dir(const char *rel)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", treeroot, rel);
	assert_int_equal(mkdir(path, 0755), 0);
}

/* One fd table below treeroot/dir: n fds numbered from first, every third
 * a socket (inodes 1000..1499, some held by many processes), the others a
 * pipe or /dev/null; a name that is no number every 50 fds. */
static void gen_fds(const char *dir, unsigned seed, unsigned first, unsigned n)
{
	char rel[128], text[32];

	gen_dir(dir);
	for (unsigned j = 0; j < n; j++) {
		unsigned k = seed * 31 + j;

		snprintf(rel, sizeof(rel), "%s/%u", dir, first + j);
		if (k % 3 == 0)
			snprintf(text, sizeof(text), "socket:[%u]", 1000 + (k * 7919) % 500);
		else
			snprintf(text, sizeof(text), "%s", k % 3 == 1 ? "pipe:[77]" : "/dev/null");
		gen_file(rel, text, true);
		if (j % 50 == 49) {
			snprintf(rel, sizeof(rel), "%s/x%u", dir, j);
			gen_file(rel, "socket:[1001]", true);
		}
	}
}

/*
 * A /proc of GEN_PIDS processes (pids above PID_MAX_LIMIT: kcmp fails and
 * every thread table is walked), made at run time:
 *   every process  comm "p<i>" (every 10th with a tab and a newline in it),
 *                  stat with start time i * 1000 for even i, fd/ with 0 to
 *                  40 fds (pid 6000042 holds 3000)
 *   i % 17 == 5    no fd/ (exited): gone
 *   i % 19 == 7    fd is a file: incomplete
 *   i % 23 == 11   a zombie leader: empty fd/, task/ with 2 threads sharing
 *                  one table of sockets
 *   i % 29 == 13   task/ with a thread (tid pid+1) of its own table
 *   "099", "self", "net": a pid with a leading zero, and no processes
 */
#define GEN_PIDS 400

static void gen_proc(unsigned i)
{
	unsigned pid = 6000000 + i * 3, nfd = i == 14 ? 3000 : (i * 37) % 41;
	char rel[128], text[160];

	snprintf(rel, sizeof(rel), "%u", pid);
	gen_dir(rel);
	snprintf(rel, sizeof(rel), "%u/comm", pid);
	snprintf(text, sizeof(text), i % 10 ? "p%u\n" : "p\t%u\nq\n", i);
	gen_file(rel, text, false);
	if (i % 2 == 0) {
		snprintf(rel, sizeof(rel), "%u/stat", pid);
		snprintf(text, sizeof(text),
			 "%u (p) x) S 1 1 1 0 -1 4194304 0 0 0 0 0 0 0 0 20 0 1 0 %u 0 0\n", pid,
			 i * 1000);
		gen_file(rel, text, false);
	}
	snprintf(rel, sizeof(rel), "%u/fd", pid);
	if (i % 17 == 5)
		return;
	if (i % 19 == 7) {
		gen_file(rel, "", false);
		return;
	}
	if (i % 23 == 11) {
		gen_dir(rel);
		for (unsigned t = 0; t < 3; t++) {
			snprintf(rel, sizeof(rel), t ? "%u/task/%u" : "%u/task", pid, pid + t);
			gen_dir(rel);
			if (t) {
				snprintf(rel, sizeof(rel), "%u/task/%u/fd", pid, pid + t);
				gen_fds(rel, i, 3, 12);
			}
		}
		return;
	}
	gen_fds(rel, i, 0, nfd);
	if (i % 29 == 13) {
		snprintf(rel, sizeof(rel), "%u/task", pid);
		gen_dir(rel);
		snprintf(rel, sizeof(rel), "%u/task/%u", pid, pid);
		gen_dir(rel);
		snprintf(rel, sizeof(rel), "%u/task/%u", pid, pid + 1);
		gen_dir(rel);
		snprintf(rel, sizeof(rel), "%u/task/%u/fd", pid, pid + 1);
		gen_fds(rel, i + 1, 100, 9);
	}
}

static void gen_tree(void)
{
	strcpy(treeroot, "/tmp/sockmem-tree-XXXXXX");
	assert_non_null(mkdtemp(treeroot));
	for (unsigned i = 0; i < GEN_PIDS; i++)
		gen_proc(i);
	gen_dir("099");
	gen_file("099/comm", "lead0\n", false);
	gen_fds("099/fd", 99, 0, 7);
	gen_file("self", "6000000", true);
	gen_dir("net");
}

/* Asserts that a and b are the same walk: every process entry, every raw
 * link in order, every count. */
static void assert_same_walk(const struct owners *a, const struct owners *b)
{
	assert_int_equal(a->nprocs, b->nprocs);
	for (size_t i = 0; i < a->nprocs; i++) {
		const struct proc_ent *x = &a->procs[i], *y = &b->procs[i];

		assert_int_equal(x->pid, y->pid);
		assert_int_equal(x->uid, y->uid);
		assert_memory_equal(x->comm, y->comm, sizeof(x->comm));
		assert_int_equal(x->start_time.has, y->start_time.has);
		assert_int_equal(x->start_time.v, y->start_time.v);
	}
	assert_int_equal(a->nlinks, b->nlinks);
	for (size_t i = 0; i < a->nlinks; i++) {
		if (a->links[i].sock != b->links[i].sock || a->links[i].proc != b->links[i].proc ||
		    a->links[i].fd != b->links[i].fd)
			fail_msg("link %zu: (%u, %u, %d) vs (%u, %u, %d)", i, a->links[i].sock,
				 a->links[i].proc, a->links[i].fd, b->links[i].sock,
				 b->links[i].proc, b->links[i].fd);
	}
	assert_int_equal(a->procs_scanned, b->procs_scanned);
	assert_int_equal(a->procs_denied, b->procs_denied);
	assert_int_equal(a->fds_denied, b->fds_denied);
	assert_int_equal(a->procs_gone, b->procs_gone);
	assert_int_equal(a->procs_incomplete, b->procs_incomplete);
	assert_int_equal(a->task_tables, b->task_tables);
	assert_int_equal(a->walked, b->walked);
}

/* The generated tree's sockets, inodes 1000..1499. */
static void gen_table(struct sock_table *t)
{
	memset(t, 0, sizeof(*t));
	for (uint32_t i = 0; i < 500; i++) {
		struct sock_rec s = tu_sock(1 + i, 1000 + i, 4096, 0, 0);

		assert_int_equal(sock_table_add(t, &s), 1);
	}
}

static void test_threads_same_walk(void **state)
{
	static const unsigned counts[] = { 2, 3, 8, 0 };
	struct owners one, many;
	struct sock_table t1, tn;
	struct procfs p;

	(void)state;
	gen_tree();
	assert_int_equal(procfs_open(&p, treeroot), 0);
	assert_int_equal(owners_walk(&p, &one), 0);
	assert_int_equal(one.walk_threads, 1);
	/* the tree is what it should be, so that the comparison means something:
	 * 401 processes listed (099 too); by gen_proc's rules in their order,
	 * 24 without fd/, 20 with a file for one, 16 zombie leaders with two
	 * threads' tables, 12 with one thread of its own table */
	assert_int_equal(one.procs_scanned, GEN_PIDS + 1);
	assert_int_equal(one.procs_gone, 24);
	assert_int_equal(one.procs_incomplete, 20);
	assert_int_equal(one.task_tables, 16 * 2 + 12);
	assert_true(one.nprocs > 300);
	assert_true(one.nlinks > 3000);
	assert_true(one.walked);
	for (size_t k = 0; k < sizeof(counts) / sizeof(counts[0]); k++) {
		if (k) /* the last one was joined */
			assert_int_equal(owners_walk(&p, &one), 0);
		assert_int_equal(owners_walk_threads(&p, counts[k], &many), 0);
		/* the threads asked for ran (the default beside a dump: the CPUs but one, 1 to 8) */
		assert_int_equal(many.walk_threads,
				 counts[k] ? counts[k] : owners_walk_threads_default(true));
		/* the raw walk: processes in the listing's order, links as found */
		assert_same_walk(&one, &many);
		/* and so the joined answer */
		gen_table(&t1);
		gen_table(&tn);
		assert_int_equal(owners_join(&one, &t1), 0);
		assert_int_equal(owners_join(&many, &tn), 0);
		assert_same_walk(&one, &many);
		for (size_t i = 0; i < t1.n; i++) {
			assert_int_equal(t1.v[i].own_first, tn.v[i].own_first);
			assert_int_equal(t1.v[i].own_n, tn.v[i].own_n);
		}
		owners_free(&one);
		owners_free(&many);
		sock_table_free(&t1);
		sock_table_free(&tn);
	}
	procfs_close(&p);
	tree_remove();
}

/* In a child: owners_walk_threads(8) with slack free descriptors; returns
 * 10 + the threads that ran, or 1 for EMFILE. */
static int threads_with_fds(int slack)
{
	struct procfs p;
	struct owners o;
	struct rlimit rl;
	int top, err;

	/* descriptors inherited above the lowest free one (a shell's, a test
	 * runner's) would take some of the slack */
	for (int fd = 3; fd < 1024; fd++)
		close(fd);
	if (procfs_open(&p, FIX_OWNERS) != 0)
		return 100;
	top = dup(0);
	if (top < 0)
		return 101;
	close(top);
	rl.rlim_cur = rl.rlim_max = (rlim_t)(top + slack);
	if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
		return 102;
	err = owners_walk_threads(&p, 8, &o);
	top = 10 + (int)o.walk_threads;
	owners_free(&o);
	return err == 0 ? top : err == -EMFILE ? 1 : 103;
}

static void test_threads_few_fds(void **state)
{
	(void)state;
	/* Short of descriptors the threaded walk is the single walk: it needs
	 * as many (4 for this tree) and fails the same way below that. Threads
	 * start from 16 + 2 * 3 free: one per 3 beyond 16, at most one per
	 * process (5 here). */
	for (int slack = 0; slack <= 40; slack++) {
		int got = child_exit(threads_with_fds, slack);
		int want = slack < 22 ? 1 : (slack - 16) / 3;

		/* 1: EMFILE; else 10 + the threads that ran */
		want = slack < 4 ? 1 : 10 + (want > 5 ? 5 : want);
		if (got != want)
			fail_msg("%d free fds: child exit %d, want %d", slack, got, want);
	}
}

/* owners_join on hand-built raw links: repeats go, distinct fds stay. */
static void test_join_dedup(void **state)
{
	struct sock_table t;
	struct owners o;
	struct proc_ent procs[2] = { { .pid = 20, .comm = "b" }, { .pid = 10, .comm = "a" } };
	struct owner_link raw[] = {
		{ 12345, 0, 3 }, { 22222, 0, 4 }, { 12345, 0, 3 }, /* a copied table */
		{ 12345, 1, 3 }, { 12345, 0, 8 }, { 22222, 0, 4 }, { 99999, 1, 2 }, /* not dumped */
	};
	char h[128];

	(void)state;
	table_build(&t);
	memset(&o, 0, sizeof(o));
	o.procs = malloc(sizeof(procs));
	o.links = malloc(sizeof(raw));
	assert_non_null(o.procs);
	assert_non_null(o.links);
	memcpy(o.procs, procs, sizeof(procs));
	memcpy(o.links, raw, sizeof(raw));
	o.nprocs = o.procs_cap = 2;
	o.nlinks = o.links_cap = sizeof(raw) / sizeof(raw[0]);
	assert_int_equal(owners_join(&o, &t), 0);
	/* pid order after the join: 10 first */
	holders(&t, &o, S_12345, h, sizeof(h));
	assert_string_equal(h, "10/3,20/3,20/8");
	holders(&t, &o, S_22222, h, sizeof(h));
	assert_string_equal(h, "20/4");
	assert_int_equal(o.nlinks, 4);
	assert_int_equal(t.v[S_22222].own_first, 3);
	owners_free(&o);
	sock_table_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counts),
		cmocka_unit_test(test_links),
		cmocka_unit_test(test_procs),
		cmocka_unit_test(test_agg_over_scan),
		cmocka_unit_test(test_empty_table),
		cmocka_unit_test(test_denied),
		cmocka_unit_test(test_thread_tables),
		cmocka_unit_test(test_walk_errors),
		cmocka_unit_test(test_walk_out_of_fds),
		cmocka_unit_test(test_join_dedup),
		cmocka_unit_test(test_threads_same_walk),
		cmocka_unit_test(test_threads_few_fds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
