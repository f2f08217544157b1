// SPDX-License-Identifier: GPL-2.0-or-later
/* query.c - names of the commands. */
#include "model/query.h"

#include <string.h>

static const char *const cmd_names[] = {
	[CMD_REPORT] = "report", [CMD_SOCKETS] = "sockets", [CMD_TOP] = "top",
	[CMD_SYSTEM] = "system", [CMD_CHECK] = "check",
};

const char *query_cmd_name(enum cmd c)
{
	return cmd_names[c];
}

int query_cmd_parse(const char *name)
{
	for (size_t i = 0; i < sizeof(cmd_names) / sizeof(cmd_names[0]); i++)
		if (strcmp(name, cmd_names[i]) == 0)
			return (int)i;
	return -1;
}
