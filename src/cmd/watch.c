// SPDX-License-Identifier: GPL-2.0-or-later
/* watch.c - placeholder */
#include "cmd/timecmd.h"

int watch_run(const struct opts *o)
{
	(void)o;
	return 1;
}
