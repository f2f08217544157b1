/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cli.h - command line: subcommand, options, exit codes. */
#ifndef SOCKMEM_CLI_H
#define SOCKMEM_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "model/query.h"

/* Exit statuses (documented in sockmem(8)). */
enum {
	EXIT_OK = 0,
	EXIT_RUNTIME = 1,	/* netlink, /proc or write failure */
	EXIT_USAGE = 2,		/* bad option, command or value */
	EXIT_WARNING = 3,	/* check: worst finding is a warning */
	EXIT_CRITICAL = 4,	/* check: worst finding is critical */
	EXIT_INTERRUPTED = 130, /* SIGINT */
};


/* -o prom's --top when none is given. */
#define CLI_PROM_TOP 50

/*
 * Parses argv into o. Returns 0, or EXIT_USAGE with a one-line message in
 * err (no trailing newline). Does not print.
 */
int cli_parse(int argc, char **argv, struct opts *o, char *err, size_t errlen);

/* Writes the usage text (same synopsis as sockmem(8)) to f. */
void cli_usage(FILE *f);

/* Parses a byte count with an optional K, M or G suffix (powers of 1024).
 * Returns 0 or -EINVAL/-ERANGE. */
int cli_parse_size(const char *s, uint64_t *out);

/* Parses an --owner-walk value (auto, bpf, proc). Returns 0 or -1. */
int cli_parse_owner_walk(const char *s, enum owner_walk *out);

/* Parses a --walk-threads value: a whole number from 1 to
 * OWNER_WALK_THREADS_MAX. Returns 0 or -1 (*out untouched). */
int cli_parse_walk_threads(const char *s, unsigned *out);


#endif
