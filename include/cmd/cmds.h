/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmds.h - the command table: each command is collect -> view -> render. */
#ifndef SOCKMEM_CMDS_H
#define SOCKMEM_CMDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "model/query.h"
#include "model/view.h"

/* Writes one command's output for view v to f; 0 or -errno of the first write error. */
typedef int (*cmd_render_fn)(const struct view *v, const struct opts *o, FILE *f);

/* Runs a command that is not collect -> render (plot reads a recording):
 * prints its own messages and returns the exit status. */
typedef int (*cmd_run_fn)(const struct opts *o);

struct cmd_def {
	const char *name; /* the command word, and JSON "command" */
	enum cmd id;
	unsigned need; /* COLLECT_* it wants (owners: unless --no-owners) */
	bool by;       /* groups by --by, whose key may need cgroups or user names */
	bool raw;      /* writes the snapshot itself: a view of all of it, nothing derived */
	cmd_render_fn render;
	const char *help; /* one line for usage() */
	unsigned nargs;	  /* words it takes after its name (plot: RECORDING) */
	cmd_run_fn run;	  /* main calls it instead of collect -> render; NULL for the views */
};

extern const struct cmd_def cmds[];
extern const size_t ncmds;

/* The command named name (exact spelling), or NULL. */
const struct cmd_def *cmd_find(const char *name);

/* The table entry of id (every enum cmd has one). */
const struct cmd_def *cmd_get(enum cmd id);

/* COLLECT_* flags a live run of c with options o needs: the command's own,
 * less owners under --no-owners, plus what the filters and --by need. */
unsigned cmd_needs(const struct cmd_def *c, const struct opts *o);

#endif
