// SPDX-License-Identifier: GPL-2.0-or-later
/* owners.c - the holder table's lifetime. */
#include "model/owners.h"

#include <stdlib.h>
#include <string.h>

void owners_free(struct owners *o)
{
	free(o->procs);
	free(o->links);
	memset(o, 0, sizeof(*o));
}
