// SPDX-License-Identifier: GPL-2.0-or-later
/* test_cli.c - cli_parse: defaults, options, commands, usage errors. */
#include "testutil.h"

#include <errno.h>

#include "cmd/cli.h"
#include "cmd/cmds.h"

/*
 * Every case runs in one process, so these also check that cli_parse fully
 * resets getopt between calls (test_reentrant_after_cluster_error).
 */

#define MAXARGS 16

/* Parses a NULL-terminated list of words after "sockmem". */
static int parse(struct opts *o, char *err, size_t errlen, const char *const *words)
{
	char *argv[MAXARGS + 2];
	int argc = 0;

	argv[argc++] = (char *)"sockmem";
	for (; *words; words++) {
		assert_true(argc <= MAXARGS);
		argv[argc++] = (char *)*words;
	}
	argv[argc] = NULL;
	err[0] = '\0';
	return cli_parse(argc, argv, o, err, errlen);
}

#define PARSE(o, err, ...) parse((o), (err), sizeof(err), (const char *const[]){ __VA_ARGS__, NULL })

/* Parses and expects success with no message. */
#define PARSE_OK(o, ...)                                                       \
	do {                                                                   \
		char e_[256];                                                  \
		assert_int_equal(parse((o), e_, sizeof(e_),                    \
				       (const char *const[]){ __VA_ARGS__, NULL }), \
				 0);                                           \
		assert_string_equal(e_, "");                                   \
	} while (0)

/* Parses and expects EXIT_USAGE with exactly the message msg. */
#define PARSE_FAIL(msg, ...)                                                   \
	do {                                                                   \
		struct opts o_;                                                \
		char e_[256];                                                  \
		assert_int_equal(parse(&o_, e_, sizeof(e_),                    \
				       (const char *const[]){ __VA_ARGS__, NULL }), \
				 EXIT_USAGE);                                  \
		assert_string_equal(e_, (msg));                                \
	} while (0)

static void check_defaults(const struct opts *o)
{
	assert_int_equal(o->cmd, CMD_REPORT);
	assert_string_equal(o->cmd_name, "report");
	assert_null(o->from);
	assert_int_equal(o->fmt, FMT_TABLE);
	assert_false(o->no_header);
	assert_false(o->numeric);
	assert_false(o->no_owners);
	assert_false(o->stats);
	assert_int_equal(o->owner_walk, OWNER_WALK_AUTO);
	assert_int_equal(o->walk_threads, 0); /* the default: the CPUs, capped */
	assert_true(o->want_v4);
	assert_true(o->want_v6);
	assert_int_equal(o->sort, SORT_CHARGED);
	assert_int_equal(o->by, BY_PROCESS);
	assert_false(o->all_netns);
	assert_null(o->netns);
	assert_int_equal(o->top_n, 0);
	assert_string_equal(o->proc_root, "/proc");
	assert_false(o->help);
	assert_false(o->version);
	assert_int_equal(o->filt.npid, 0);
	assert_int_equal(o->filt.states, 0);
	assert_true(o->find.unsent_min == FIND_DEFAULT_UNSENT_MIN);
	assert_true(o->find.zero_window == FIND_DEFAULT_ZERO_WINDOW);
	assert_true(o->find.unread_min == FIND_DEFAULT_UNREAD_MIN);
}

static void test_defaults(void **state)
{
	struct opts o;
	char err[128] = "x";
	char *argv[] = { (char *)"sockmem", NULL };

	(void)state;
	memset(&o, 0xa5, sizeof(o)); /* nothing may be left from before */
	assert_int_equal(cli_parse(1, argv, &o, err, sizeof(err)), 0);
	check_defaults(&o);
}

static void test_commands(void **state)
{
	static const struct {
		const char *word;
		enum cmd cmd;
	} words[] = {
		{ "report", CMD_REPORT }, { "sockets", CMD_SOCKETS }, { "top", CMD_TOP },
		{ "system", CMD_SYSTEM }, { "check", CMD_CHECK }, { "snapshot", CMD_SNAPSHOT },
		{ "watch", CMD_WATCH },
	};
	struct opts o;

	(void)state;
	/* the table holds exactly these, each once, plus plot (test_plot) and
	 * diff (which needs an operand) */
	assert_int_equal(ncmds, sizeof(words) / sizeof(words[0]) + 2);
	assert_non_null(cmd_find("plot"));
	PARSE_OK(&o, "diff", "old.json");
	assert_int_equal(o.cmd, CMD_DIFF);
	assert_ptr_equal(cmd_find("diff"), cmd_get(CMD_DIFF));
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		PARSE_OK(&o, words[i].word);
		assert_int_equal(o.cmd, words[i].cmd);
		assert_string_equal(o.cmd_name, words[i].word);
		assert_string_equal(cmd_get(words[i].cmd)->name, words[i].word);
		assert_ptr_equal(cmd_find(words[i].word), cmd_get(words[i].cmd));
	}
	assert_null(cmd_find("Report"));
	assert_null(cmd_find("snap"));
}

/* --from and snapshot: what goes with them and what does not. */
static void test_from_and_snapshot(void **state)
{
	static const char scope[] = "--from: -N, --all-netns, --this-netns, --proc-root and --no-owners choose "
				    "what to collect; a snapshot is collected already";
	struct opts o;

	(void)state;
	PARSE_OK(&o, "top", "--from", "f.json", "--by", "cgroup", "--sport", "443", "-4", "-j");
	assert_string_equal(o.from, "f.json");
	assert_int_equal(o.cmd, CMD_TOP);
	PARSE_OK(&o, "--from", "-", "check");
	assert_string_equal(o.from, "-");
	PARSE_OK(&o, "snapshot", "--sport", "443", "-6", "--state", "established", "-N", "x");
	PARSE_OK(&o, "snapshot", "-j", "--from", "f.json");
	PARSE_OK(&o, "snapshot", "-o", "json");
	PARSE_FAIL("--from needs a file name (- for stdin)", "top", "--from", "");
	PARSE_FAIL(scope, "top", "--from", "f", "-N", "x");
	PARSE_FAIL(scope, "top", "--from", "f", "--all-netns");
	PARSE_FAIL(scope, "top", "--from", "f", "--proc-root", "/proc");
	PARSE_FAIL(scope, "sockets", "--from", "f", "--no-owners");
	PARSE_FAIL("snapshot writes JSON only", "snapshot", "-o", "tsv");
	PARSE_FAIL("snapshot writes JSON only", "snapshot", "-o", "table");
	PARSE_FAIL("snapshot --from copies a snapshot whole: filter when rendering a view (VIEW "
		   "--from FILE ...)",
		   "snapshot", "--from", "f", "--sport", "1");
	PARSE_FAIL("snapshot --from copies a snapshot whole: filter when rendering a view (VIEW "
		   "--from FILE ...)",
		   "snapshot", "--from", "f", "-4");
	PARSE_FAIL("snapshot keeps every socket the dump returns: --pid, --comm, --uid and "
		   "--cgroup apply when a view renders it (VIEW --from FILE ...)",
		   "snapshot", "--pid", "1");
	PARSE_FAIL("snapshot keeps every socket the dump returns: --pid, --comm, --uid and "
		   "--cgroup apply when a view renders it (VIEW --from FILE ...)",
		   "snapshot", "--cgroup", "/a");
}

static void test_command_before_and_after_options(void **state)
{
	struct opts o;

	(void)state;
	PARSE_OK(&o, "top", "-j", "--top", "3");
	assert_int_equal(o.cmd, CMD_TOP);
	assert_int_equal(o.fmt, FMT_JSON);
	assert_int_equal(o.top_n, 3);

	PARSE_OK(&o, "-j", "--top", "3", "top");
	assert_int_equal(o.cmd, CMD_TOP);
	assert_int_equal(o.fmt, FMT_JSON);
	assert_int_equal(o.top_n, 3);

	PARSE_OK(&o, "-H", "sockets", "-n");
	assert_int_equal(o.cmd, CMD_SOCKETS);
	assert_true(o.no_header);
	assert_true(o.numeric);
	assert_int_equal(o.fmt, FMT_TABLE);
}

static void test_output_formats(void **state)
{
	struct opts o;

	(void)state;
	PARSE_OK(&o, "-o", "tsv");
	assert_int_equal(o.fmt, FMT_TSV);
	PARSE_OK(&o, "--output=json");
	assert_int_equal(o.fmt, FMT_JSON);
	PARSE_OK(&o, "--output", "table");
	assert_int_equal(o.fmt, FMT_TABLE);
	PARSE_OK(&o, "-otsv");
	assert_int_equal(o.fmt, FMT_TSV);
	PARSE_OK(&o, "-j");
	assert_int_equal(o.fmt, FMT_JSON);
	PARSE_OK(&o, "--json");
	assert_int_equal(o.fmt, FMT_JSON);
	/* the last one wins */
	PARSE_OK(&o, "-j", "-o", "table");
	assert_int_equal(o.fmt, FMT_TABLE);
	PARSE_OK(&o, "-o", "tsv", "-j");
	assert_int_equal(o.fmt, FMT_JSON);
	PARSE_FAIL("unknown output format 'xml' (table, tsv, json, prom; svg for plot)", "-o",
		   "xml");
	PARSE_FAIL("unknown output format 'JSON' (table, tsv, json, prom; svg for plot)", "-o",
		   "JSON");
}

/* -o prom: --top 50 and --by cgroup (by_auto) unless given; views with
 * bounded series only; --textfile. */
static void test_prom_options(void **state)
{
	struct opts o;

	(void)state;
	PARSE_OK(&o, "top", "-o", "prom");
	assert_int_equal(o.fmt, FMT_PROM);
	assert_int_equal(o.top_n, CLI_PROM_TOP);
	assert_int_equal(o.by, BY_CGROUP);
	assert_true(o.by_auto);
	assert_null(o.textfile);
	PARSE_OK(&o, "report", "-o", "prom", "--top", "1", "--by", "process");
	assert_int_equal(o.top_n, 1);
	assert_int_equal(o.by, BY_PROCESS);
	assert_false(o.by_auto);
	PARSE_OK(&o, "--by", "user", "-oprom", "check");
	assert_int_equal(o.by, BY_USER);
	assert_false(o.by_auto);
	/* other formats keep their defaults: every group, by process */
	PARSE_OK(&o, "top", "-j");
	assert_int_equal(o.top_n, 0);
	assert_int_equal(o.by, BY_PROCESS);
	assert_false(o.by_auto);
	PARSE_OK(&o, "system", "-o", "prom", "--textfile", "/x/sockmem.prom");
	assert_string_equal(o.textfile, "/x/sockmem.prom");
	PARSE_FAIL("-o prom: system, top, check and report only (no per-socket series)", "sockets",
		   "-o", "prom");
	PARSE_FAIL("--textfile needs a file name", "--textfile", "");
	PARSE_FAIL("option '--textfile' needs a value", "--textfile");
}

static void test_flags(void **state)
{
	struct opts o;

	(void)state;
	PARSE_OK(&o, "-H", "-n", "--no-owners", "--stats");
	assert_true(o.no_header);
	assert_true(o.numeric);
	assert_true(o.no_owners);
	assert_true(o.stats);
	assert_int_equal(o.fmt, FMT_TABLE);
	assert_false(o.help);

	/* a cluster of short options */
	PARSE_OK(&o, "-jHn");
	assert_int_equal(o.fmt, FMT_JSON);
	assert_true(o.no_header);
	assert_true(o.numeric);
	assert_false(o.no_owners);

	PARSE_OK(&o, "--no-header", "--numeric");
	assert_true(o.no_header);
	assert_true(o.numeric);

	PARSE_OK(&o, "-h");
	assert_true(o.help);
	assert_false(o.version);
	PARSE_OK(&o, "--version");
	assert_true(o.version);
	assert_false(o.help);
	PARSE_OK(&o, "-V", "--help");
	assert_true(o.version);
	assert_true(o.help);

	PARSE_OK(&o, "--proc-root", "tests/fixtures/host");
	assert_string_equal(o.proc_root, "tests/fixtures/host");
	PARSE_OK(&o, "--proc-root=/x/y");
	assert_string_equal(o.proc_root, "/x/y");
}

static void test_families(void **state)
{
	struct opts o;

	(void)state;
	PARSE_OK(&o, "-4");
	assert_true(o.want_v4);
	assert_false(o.want_v6);
	PARSE_OK(&o, "-6");
	assert_false(o.want_v4);
	assert_true(o.want_v6);
	PARSE_OK(&o, "--ipv4");
	assert_true(o.want_v4);
	assert_false(o.want_v6);
	/* both together mean both, as in ss */
	PARSE_OK(&o, "-4", "-6");
	assert_true(o.want_v4);
	assert_true(o.want_v6);
	PARSE_OK(&o, "-46");
	assert_true(o.want_v4);
	assert_true(o.want_v6);
}

static void test_protocols(void **state)
{
	struct opts o;

	(void)state;
	/* neither: TCP only, as before UDP */
	PARSE_OK(&o, "sockets");
	assert_true(o.want_tcp);
	assert_false(o.want_udp);
	PARSE_OK(&o, "-u");
	assert_false(o.want_tcp);
	assert_true(o.want_udp);
	PARSE_OK(&o, "--udp", "--tcp");
	assert_true(o.want_tcp);
	assert_true(o.want_udp);
	PARSE_OK(&o, "-tu");
	assert_true(o.want_tcp);
	assert_true(o.want_udp);
	PARSE_OK(&o, "-t");
	assert_true(o.want_tcp);
	assert_false(o.want_udp);
}

static void test_top_n(void **state)
{
	struct opts o;

	(void)state;
	PARSE_OK(&o, "--top", "1");
	assert_int_equal(o.top_n, 1);
	PARSE_OK(&o, "--top=25");
	assert_int_equal(o.top_n, 25);
	PARSE_OK(&o, "--top", "1000000000");
	assert_int_equal(o.top_n, 1000000000);
	PARSE_FAIL("--top needs a whole number from 1, not '0'", "--top", "0");
	PARSE_FAIL("--top needs a whole number from 1, not 'abc'", "--top", "abc");
	PARSE_FAIL("--top needs a whole number from 1, not '-3'", "--top", "-3");
	PARSE_FAIL("--top needs a whole number from 1, not '5x'", "--top", "5x");
	PARSE_FAIL("--top needs a whole number from 1, not ''", "--top", "");
	PARSE_FAIL("--top needs a whole number from 1, not '1000000001'", "--top=1000000001");
	PARSE_FAIL("--top needs a whole number from 1, not '99999999999999999999'", "--top",
		   "99999999999999999999");
}

static void test_sort_and_by(void **state)
{
	struct opts o;

	(void)state;
	PARSE_OK(&o, "--sort", "rb");
	assert_int_equal(o.sort, SORT_RB);
	PARSE_OK(&o, "--sort=comm");
	assert_int_equal(o.sort, SORT_COMM);
	PARSE_FAIL("unknown sort field 'size' (charged, sockets, r, w, f, t, rb, tb, pid, comm)",
		   "--sort", "size");

	PARSE_OK(&o, "--by", "cgroup");
	assert_int_equal(o.by, BY_CGROUP);
	PARSE_OK(&o, "--by=state");
	assert_int_equal(o.by, BY_STATE);
	PARSE_FAIL("unknown --by key 'pid' (process, cgroup, user, port, state, netns)", "--by",
		   "pid");
}

static void test_netns_options(void **state)
{
	struct opts o;

	(void)state;
	PARSE_OK(&o, "-N", "blue");
	assert_string_equal(o.netns, "blue");
	assert_false(o.all_netns);
	PARSE_OK(&o, "--all-netns");
	assert_true(o.all_netns);
	assert_null(o.netns);
	PARSE_FAIL("'a/b' is not a network namespace name", "-N", "a/b");
	PARSE_FAIL("'..' is not a network namespace name", "--netns", "..");
	PARSE_FAIL("'' is not a network namespace name", "-N", "");
	PARSE_OK(&o, "--this-netns");
	assert_true(o.this_netns);
	assert_false(o.all_netns);
	PARSE_OK(&o, "top");
	assert_false(o.this_netns); /* the default scope is decided at collection */
	PARSE_FAIL("--all-netns, --this-netns and -N exclude each other", "--all-netns", "-N",
		   "blue");
	PARSE_FAIL("--all-netns, --this-netns and -N exclude each other", "--this-netns", "-N",
		   "blue");
	PARSE_FAIL("--all-netns, --this-netns and -N exclude each other", "--all-netns",
		   "--this-netns");
	PARSE_FAIL("--from: -N, --all-netns, --this-netns, --proc-root and --no-owners choose "
		   "what to collect; a snapshot is collected already",
		   "--from", "x.json", "--this-netns");
}

static void test_owner_walk(void **state)
{
	struct opts o;
	enum owner_walk w = OWNER_WALK_PROC;

	(void)state;
	PARSE_OK(&o, "--owner-walk", "bpf");
	assert_int_equal(o.owner_walk, OWNER_WALK_BPF);
	PARSE_OK(&o, "top", "--owner-walk=proc");
	assert_int_equal(o.owner_walk, OWNER_WALK_PROC);
	PARSE_OK(&o, "--owner-walk", "proc", "--owner-walk", "auto");
	assert_int_equal(o.owner_walk, OWNER_WALK_AUTO);
	PARSE_FAIL("--owner-walk: 'BPF' is not auto, bpf or proc", "--owner-walk", "BPF");
	PARSE_FAIL("--owner-walk: '' is not auto, bpf or proc", "--owner-walk", "");
	PARSE_FAIL("--owner-walk: 'procs' is not auto, bpf or proc", "--owner-walk", "procs");
	PARSE_FAIL("--from: --owner-walk and --walk-threads choose how to collect; a snapshot is "
		   "collected already",
		   "--from", "x.json", "--owner-walk", "proc");
	assert_int_equal(cli_parse_owner_walk("auto", &w), 0);
	assert_int_equal(w, OWNER_WALK_AUTO);
	assert_int_equal(cli_parse_owner_walk("bp", &w), -1);
	assert_int_equal(w, OWNER_WALK_AUTO); /* untouched on error */
}

static void test_walk_threads(void **state)
{
	struct opts o;
	unsigned n = 5;

	(void)state;
	PARSE_OK(&o, "--walk-threads", "1");
	assert_int_equal(o.walk_threads, 1);
	PARSE_OK(&o, "top", "--walk-threads=64", "--owner-walk", "proc");
	assert_int_equal(o.walk_threads, 64);
	assert_int_equal(o.owner_walk, OWNER_WALK_PROC);
	PARSE_OK(&o, "--walk-threads", "8", "--walk-threads", "3");
	assert_int_equal(o.walk_threads, 3);
	PARSE_FAIL("--walk-threads needs a whole number from 1 to 64, not '0'", "--walk-threads",
		   "0");
	PARSE_FAIL("--walk-threads needs a whole number from 1 to 64, not '-2'", "--walk-threads",
		   "-2");
	PARSE_FAIL("--walk-threads needs a whole number from 1 to 64, not '65'", "--walk-threads",
		   "65");
	PARSE_FAIL("--walk-threads needs a whole number from 1 to 64, not '2x'", "--walk-threads",
		   "2x");
	PARSE_FAIL("--walk-threads needs a whole number from 1 to 64, not ''", "--walk-threads",
		   "");
	PARSE_FAIL("--walk-threads needs a whole number from 1 to 64, not '+4'", "--walk-threads",
		   "+4");
	PARSE_FAIL("--walk-threads needs a whole number from 1 to 64, not '18446744073709551617'",
		   "--walk-threads", "18446744073709551617");
	PARSE_FAIL("option '--walk-threads' needs a value", "--walk-threads");
	PARSE_FAIL("--from: --owner-walk and --walk-threads choose how to collect; a snapshot is "
		   "collected already",
		   "top", "--from", "x.json", "--walk-threads", "2");
	assert_int_equal(cli_parse_walk_threads("07", &n), 0);
	assert_int_equal(n, 7);
	assert_int_equal(cli_parse_walk_threads(" 2", &n), -1);
	assert_int_equal(n, 7); /* untouched on error */
}

static void test_thresholds(void **state)
{
	struct opts o;

	(void)state;
	PARSE_OK(&o, "check", "--unsent-min", "64K", "--zero-window", "1000", "--unread-min", "2M");
	assert_int_equal(o.cmd, CMD_CHECK);
	assert_true(o.find.unsent_min == 65536);
	assert_true(o.find.zero_window == 1000);
	assert_true(o.find.unread_min == 2097152);
	/* an unread minimum of 0 would flag every socket: it means 1 */
	PARSE_OK(&o, "--unread-min", "0");
	assert_true(o.find.unread_min == 1);
	PARSE_FAIL("'1X' is not a byte count (e.g. 65536, 64K, 1M)", "--unsent-min", "1X");
	PARSE_FAIL("'-1' is not a byte count (e.g. 65536, 64K, 1M)", "--zero-window", "-1");
}

static void test_parse_size(void **state)
{
	static const struct {
		const char *s;
		uint64_t v;
	} ok[] = {
		{ "0", 0 },	       { "65536", 65536 },	   { "64K", 65536 },
		{ "64k", 65536 },      { "1M", 1048576 },	   { "3m", 3145728 },
		{ "2G", UINT64_C(2147483648) }, { "1g", UINT64_C(1073741824) },
		{ "8589934591G", UINT64_C(9223372035781033984) },
	};
	static const char *const bad[] = { "", "K", "1KB", "1T", "-1", "1.5M", " 1", "1 " };
	uint64_t v;

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		v = 12345;
		assert_int_equal(cli_parse_size(ok[i].s, &v), 0);
		assert_true(v == ok[i].v);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		v = 12345;
		assert_int_equal(cli_parse_size(bad[i], &v), -EINVAL);
		assert_true(v == 12345);
	}
	assert_int_equal(cli_parse_size("8589934592G", &v), -ERANGE);
	assert_int_equal(cli_parse_size("9223372036854775807K", &v), -ERANGE);
	assert_int_equal(cli_parse_size("99999999999999999999", &v), -EINVAL);
}

static void test_filter_values(void **state)
{
	struct opts o;

	(void)state;
	PARSE_OK(&o, "--pid", "42", "--pid", "7", "--uid", "0", "--comm", "nginx");
	assert_int_equal(o.filt.npid, 2);
	assert_int_equal(o.filt.pid[0], 42);
	assert_int_equal(o.filt.pid[1], 7);
	assert_int_equal(o.filt.nuid, 1);
	assert_int_equal(o.filt.uid[0], 0);
	assert_int_equal(o.filt.ncomm, 1);
	assert_string_equal(o.filt.comm[0], "nginx");
	PARSE_FAIL("'0' is not a process id", "--pid", "0");
	PARSE_FAIL("'12a' is not a process id", "--pid", "12a");
	PARSE_FAIL("'4294967296' is not a numeric uid", "--uid", "4294967296");
	PARSE_FAIL("'0123456789abcdef' is not a process name (1 to 15 bytes)", "--comm",
		   "0123456789abcdef");
	PARSE_FAIL("unknown state 'bogus' (e.g. established, listening, time-wait, connected, all)",
		   "--state", "bogus");
}

static void test_usage_errors(void **state)
{
	(void)state;
	PARSE_FAIL("unknown command 'bogus'", "bogus");
	PARSE_FAIL("unknown command 'extra'", "top", "extra");
	PARSE_FAIL("unknown command 'Top'", "Top");
	PARSE_FAIL("more than one command ('sockets')", "top", "sockets");
	PARSE_FAIL("unknown option '-z'", "-z");
	PARSE_FAIL("unknown option '-z'", "-jz");
	PARSE_FAIL("unknown option '--bogus'", "--bogus");
	PARSE_FAIL("unknown option '--bogus=1'", "top", "--bogus=1");
	PARSE_FAIL("unknown option '--no'", "--no"); /* ambiguous: --no-header, --no-owners */
	PARSE_FAIL("option '-o' needs a value", "-o");
	PARSE_FAIL("option '-N' needs a value", "-jN");
	PARSE_FAIL("option '--top' needs a value", "--top");
	PARSE_FAIL("option '--sort' needs a value", "sockets", "--sort");
}

/* diff OLD [NEW] and watch [INTERVAL [COUNT]]: operands after the command. */
static void test_operands(void **state)
{
	struct opts o;

	(void)state;
	PARSE_OK(&o, "watch");
	assert_int_equal(o.interval_ms, 2000);
	assert_int_equal(o.count, 0);
	PARSE_OK(&o, "watch", "0.2", "5", "-j");
	assert_int_equal(o.interval_ms, 200);
	assert_int_equal(o.count, 5);
	assert_int_equal(o.fmt, FMT_JSON);
	PARSE_OK(&o, "-o", "tsv", "watch", "--no-owners", "1.5");
	assert_int_equal(o.interval_ms, 1500);
	assert_true(o.no_owners);
	PARSE_OK(&o, "watch", ".01");
	assert_int_equal(o.interval_ms, 10);
	PARSE_OK(&o, "--", "watch", "3", "1");
	assert_int_equal(o.interval_ms, 3000);
	assert_int_equal(o.count, 1);
	PARSE_OK(&o, "diff", "a.json", "b.json", "--by", "user");
	assert_int_equal(o.nargs, 2);
	assert_string_equal(o.args[0], "a.json");
	assert_string_equal(o.args[1], "b.json");
	assert_int_equal(o.by, BY_USER);
	PARSE_FAIL("diff needs OLD.json [NEW.json]", "diff");
	PARSE_FAIL("unknown command 'c'", "diff", "a", "b", "c");
	PARSE_FAIL("diff reads its snapshots as operands, not --from", "diff", "a", "--from", "b");
	PARSE_FAIL("watch samples live: --from does not apply", "watch", "--from", "b");
	PARSE_FAIL("watch: '0' is not an interval in seconds (0.001 to 86400, e.g. 2 or 0.5)",
		   "watch", "0");
	PARSE_FAIL("watch: '0.0001' is not an interval in seconds (0.001 to 86400, e.g. 2 or 0.5)",
		   "watch", "0.0001");
	PARSE_FAIL("watch: '2s' is not an interval in seconds (0.001 to 86400, e.g. 2 or 0.5)",
		   "watch", "2s");
	PARSE_FAIL("watch: '.' is not an interval in seconds (0.001 to 86400, e.g. 2 or 0.5)",
		   "watch", ".");
	PARSE_FAIL("watch: '86401' is not an interval in seconds (0.001 to 86400, e.g. 2 or 0.5)",
		   "watch", "86401");
	PARSE_FAIL("watch: '0' is not a sample count (1 or more)", "watch", "1", "0");
	PARSE_FAIL("-o prom: system, top, check and report only (no per-socket series)", "watch",
		   "-o", "prom");
	PARSE_FAIL("-o prom: system, top, check and report only (no per-socket series)", "diff",
		   "a", "-o", "prom");
	PARSE_FAIL("diff and watch write to standard output (no --textfile)", "watch",
		   "--textfile", "/tmp/x");
	PARSE_FAIL("unexpected word 'x' after the command", "--", "top", "x");
}

static void test_reentrant_after_cluster_error(void **state)
{
	struct opts o;

	(void)state;
	/* Fails at 'z' with "Hn" of the cluster still unread ... */
	PARSE_FAIL("unknown option '-z'", "-zHn");
	/* ... which must not leak into the next parse of another argv. */
	PARSE_OK(&o, "top");
	assert_int_equal(o.cmd, CMD_TOP);
	assert_false(o.no_header);
	assert_false(o.numeric);
	PARSE_FAIL("unknown option '-x'", "-4x6");
	PARSE_OK(&o, "sockets", "-j");
	assert_int_equal(o.cmd, CMD_SOCKETS);
	assert_int_equal(o.fmt, FMT_JSON);
	assert_true(o.want_v4);
	assert_true(o.want_v6);
}

static void test_message_truncated_to_buffer(void **state)
{
	struct opts o;
	char err[8];

	(void)state;
	assert_int_equal(PARSE(&o, err, "bogus-command-name"), EXIT_USAGE);
	assert_string_equal(err, "unknown");
}

static void test_usage_text(void **state)
{
	char *mem = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&mem, &len);

	(void)state;
	assert_non_null(f);
	cli_usage(f);
	fclose(f);
	assert_true(strncmp(mem, "Usage: sockmem [COMMAND] [OPTIONS]\n", 35) == 0);
	/* every command and the options exercised above are documented */
	static const char *const words[] = { "report", "sockets", "top", "system", "check", "snapshot", "--from FILE",
					     "--output", "--json", "--no-header", "--numeric",
					     "--ipv4", "--ipv6", "--top N", "--sort", "--no-owners",
					     "--stats", "--proc-root", "--help", "--version", "--by" };
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		assert_non_null(strstr(mem, words[i]));
	free(mem);
}

static void test_plot(void **state)
{
	struct opts o;

	(void)state;
	PARSE_OK(&o, "plot", "rec.jsonl");
	assert_int_equal(o.cmd, CMD_PLOT);
	assert_int_equal(o.fmt, FMT_SVG); /* its only format, without -o */
	assert_int_equal(o.nargs, 1);
	assert_string_equal(o.args[0], "rec.jsonl");
	PARSE_OK(&o, "-o", "svg", "plot", "-");
	assert_string_equal(o.args[0], "-");
	PARSE_OK(&o, "plot", "--", "-o");    /* after --, a file named -o */
	assert_string_equal(o.args[0], "-o");
	assert_int_equal(o.fmt, FMT_SVG);
	PARSE_OK(&o, "plot", "top");	     /* a file named top, not a command */
	assert_int_equal(o.cmd, CMD_PLOT);
	assert_string_equal(o.args[0], "top");
#define NEED "plot needs a RECORDING: a file of sockmem watch -o json lines (- for stdin)"
	PARSE_FAIL(NEED, "plot");
	PARSE_FAIL(NEED, "plot", "");
#undef NEED
	PARSE_FAIL("unknown command 'b'", "plot", "a", "b");
	PARSE_FAIL("unexpected word 'b' after the command", "plot", "--", "a", "b");
	PARSE_FAIL("plot writes SVG only (-o svg)", "plot", "a", "-j");
	PARSE_FAIL("plot writes SVG only (-o svg)", "plot", "a", "-o", "tsv");
	PARSE_FAIL("plot reads its RECORDING, not --from", "plot", "a", "--from", "x");
	PARSE_FAIL("-o svg is the format of plot RECORDING only", "top", "-o", "svg");
	PARSE_FAIL("unknown command 'x'", "top", "x"); /* views take no words */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_commands),
		cmocka_unit_test(test_plot),
		cmocka_unit_test(test_from_and_snapshot),
		cmocka_unit_test(test_command_before_and_after_options),
		cmocka_unit_test(test_output_formats),
		cmocka_unit_test(test_prom_options),
		cmocka_unit_test(test_flags),
		cmocka_unit_test(test_families),
		cmocka_unit_test(test_protocols),
		cmocka_unit_test(test_top_n),
		cmocka_unit_test(test_sort_and_by),
		cmocka_unit_test(test_netns_options),
		cmocka_unit_test(test_thresholds),
		cmocka_unit_test(test_parse_size),
		cmocka_unit_test(test_owner_walk),
		cmocka_unit_test(test_walk_threads),
		cmocka_unit_test(test_filter_values),
		cmocka_unit_test(test_usage_errors),
		cmocka_unit_test(test_operands),
		cmocka_unit_test(test_reentrant_after_cluster_error),
		cmocka_unit_test(test_message_truncated_to_buffer),
		cmocka_unit_test(test_usage_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
