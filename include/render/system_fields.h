/* SPDX-License-Identifier: GPL-2.0-or-later */
/* system_fields.h - inside the render layer: the system view's field table
 * (every value, its table line and its table text), which out_system.c
 * renders as table, TSV and JSON and out_prom.c, through out_system_each,
 * as metrics. */
#ifndef SOCKMEM_RENDER_SYSTEM_FIELDS_H
#define SOCKMEM_RENDER_SYSTEM_FIELDS_H

#include <stdbool.h>
#include <stddef.h>

#include "render/out.h"

/* Lines of the system table, in order. TL_NONE: a value no table line shows. */
enum tline {
	TL_NONE,
	TL_SOCKETS,
	TL_MEMORY,
	TL_TCP_MEM,
	TL_PRESSURE,
	TL_RMEM,
	TL_WMEM,
	TL_CORE,
	TL_IPV4,
	TL_ORPHANS,
	TL_TCPEXT,
	TL_SCOPE,
	TL_RECONCILE,
	TL_UDP_SOCKETS, /* the UDP lines: only when UDP was collected (-u) */
	TL_UDP_MEM,
	TL_UDP_COUNTERS,
	TL_UDP6_COUNTERS,
	TL_UDP_RECONCILE,
	TL_N
};

/*
 * One system value: the field table of the system view. TSV and JSON print
 * every field (section NULL: a top-level member) but the table-only ones;
 * the table prints each on its line, in field order unless `order` says
 * otherwise, as pre, value, post: pre NULL is "  " and the title (or key)
 * and a space, so the plain lines are "key value" pairs and the
 * sentence-like lines (memory, tcp_mem, pressure, reconcile) put their
 * words in pre and post.
 */
struct sysfield {
	const char *section;
	const char *key;
	struct maybe v;
	enum unit unit;
	enum tline line;
	const char *title;
	const char *pre, *post; /* table text around the value */
	int order;		/* table position within its line; 0: field order */
	bool table_only;	/* JSON says it elsewhere (host.page_size) */
};

#define SYSF_MAX 128

/* Fills f (SYSF_MAX entries) with the system values of v, the table-only
 * ones too when table; returns the count. */
size_t sys_fields(const struct view *v, struct sysfield *f, bool table);

#endif
