// SPDX-License-Identifier: GPL-2.0-or-later
/* owners.c - the holder table: its growth and lifetime. */
#include "model/owners.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void owners_free(struct owners *o)
{
	free(o->procs);
	free(o->links);
	memset(o, 0, sizeof(*o));
}

int owners_add_link(struct owners *o, uint32_t sock, uint32_t proc, int32_t fd)
{
	if (o->nlinks == o->links_cap) {
		size_t cap = o->links_cap ? o->links_cap * 2 : 1024;
		struct owner_link *v = realloc(o->links, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		o->links = v;
		o->links_cap = cap;
	}
	o->links[o->nlinks++] = (struct owner_link){ sock, proc, fd };
	return 0;
}
