// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_cli.c - libFuzzer target for cli_parse().
 *
 * The input is split on NUL bytes into arguments (a trailing NUL ends the
 * last one), after argv[0] = "sockmem"; each argument is its own heap block.
 * cli_parse() uses getopt_long(), whose state is global. After every fuzzed
 * call a fixed, valid command line is parsed and must give exactly the
 * expected options, so state left behind by the fuzzed call (getopt's pointer
 * into a half-consumed option cluster such as "-Xn") shows up as a wrong parse
 * from one input. That runs before the fuzzed arguments are freed: glibc is
 * not instrumented, so ASan would not see getopt reading freed memory, and
 * its allocator overwrites the freed bytes, which could hide the stale state.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cmd/cli.h"
#include "cmd/cmds.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_ARGS 64

static void check_opts(int ret, const struct opts *o, const char *err, size_t errlen)
{
	if (ret != 0 && ret != EXIT_USAGE)
		__builtin_trap();
	if (ret == EXIT_USAGE && (err[0] == '\0' || memchr(err, '\0', errlen) == NULL))
		__builtin_trap();
	if (ret != 0)
		return;
	if ((unsigned)o->cmd > CMD_SNAPSHOT || (unsigned)o->fmt > FMT_JSON)
		__builtin_trap();
	if (!o->want_v4 && !o->want_v6)
		__builtin_trap();
	if (o->top_n > 1000000000)
		__builtin_trap();
	if (!o->proc_root || !cmd_get(o->cmd) || strcmp(cmd_get(o->cmd)->name, o->cmd_name) != 0)
		__builtin_trap();
	(void)strlen(o->proc_root); /* must point at live memory */

	const struct filter *f = &o->filt;

	if (f->nsport > FILTER_MAX_VALUES || f->ndport > FILTER_MAX_VALUES ||
	    f->nsrc > FILTER_MAX_VALUES || f->ndst > FILTER_MAX_VALUES ||
	    f->npid > FILTER_MAX_VALUES || f->ncomm > FILTER_MAX_VALUES ||
	    f->nuid > FILTER_MAX_VALUES || f->ncgroup > FILTER_MAX_VALUES)
		__builtin_trap();
	for (size_t i = 0; i < f->nsport; i++)
		if (f->sport[i].lo < 1 || f->sport[i].lo > f->sport[i].hi)
			__builtin_trap();
	for (size_t i = 0; i < f->ndport; i++)
		if (f->dport[i].lo < 1 || f->dport[i].lo > f->dport[i].hi)
			__builtin_trap();
	for (size_t i = 0; i < f->nsrc; i++)
		if (f->src[i].plen > (f->src[i].family == AF_INET ? 32 : 128))
			__builtin_trap();
	for (size_t i = 0; i < f->ndst; i++)
		if (f->dst[i].plen > (f->dst[i].family == AF_INET ? 32 : 128))
			__builtin_trap();
	for (size_t i = 0; i < f->npid; i++)
		if (f->pid[i] < 1)
			__builtin_trap();
	for (size_t i = 0; i < f->ncomm; i++)
		if (strlen(f->comm[i]) < 1 || strlen(f->comm[i]) > 15)
			__builtin_trap();
}

/*
 * A known command line must parse the same whatever came before. Its strings
 * are static so the pointers cli_parse stores (proc_root, filter values) are
 * equal on every call and the whole struct compares with memcmp; cli_parse
 * starts from memset(0), so the padding compares equal too.
 */
static char f0[] = "sockmem", f1[] = "sockets", f2[] = "--top", f3[] = "7",
	    f4[] = "--comm", f5[] = "nginx";
static struct opts fresh_ref;

static int fresh_parse(struct opts *o)
{
	char *argv[] = { f0, f1, f2, f3, f4, f5, NULL };
	char err[256] = "";

	return cli_parse(6, argv, o, err, sizeof(err));
}

int LLVMFuzzerInitialize(int *argc, char ***argv);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	/* First call in the process: getopt's state is pristine. */
	if (fresh_parse(&fresh_ref) != 0 || fresh_ref.cmd != CMD_SOCKETS ||
	    fresh_ref.top_n != 7 || fresh_ref.fmt != FMT_TABLE || !fresh_ref.want_v4 ||
	    !fresh_ref.want_v6 || strcmp(fresh_ref.proc_root, "/proc") != 0)
		__builtin_trap();
	return 0;
}

/* Any stale option character changes a field, and finishing a stale cluster
 * advances optind past "sockets", so cmd shows it too. */
static void check_fresh_parse(void)
{
	struct opts o;

	if (fresh_parse(&o) != 0 || memcmp(&o, &fresh_ref, sizeof(o)) != 0)
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *argv[MAX_ARGS + 2];
	int argc = 0;
	size_t i = 0;

	argv[argc++] = strdup("sockmem");
	while (i < size && argc <= MAX_ARGS) {
		const uint8_t *nul = memchr(data + i, '\0', size - i);
		size_t n = nul ? (size_t)(nul - (data + i)) : size - i;
		char *a = malloc(n + 1);

		if (!a)
			break;
		memcpy(a, data + i, n);
		a[n] = '\0';
		argv[argc++] = a;
		i += n + 1;
	}
	argv[argc] = NULL;

	/* Shadow copy: cli_parse may permute argv[] but must not lose or
	 * invent pointers. */
	char *orig[MAX_ARGS + 2];

	memcpy(orig, argv, sizeof(argv[0]) * (size_t)(argc + 1));

	char err[128];
	struct opts o;

	memset(err, 0, sizeof(err));
	int ret = cli_parse(argc, argv, &o, err, sizeof(err));

	check_opts(ret, &o, err, sizeof(err));
	if (argv[argc] != NULL)
		__builtin_trap();
	for (int k = 0; k < argc; k++) {
		int found = 0;

		for (int j = 0; j < argc; j++)
			found |= argv[k] == orig[j];
		if (!found)
			__builtin_trap();
	}

	check_fresh_parse();
	for (int k = 0; k < argc; k++)
		free(orig[k]);
	return 0;
}
