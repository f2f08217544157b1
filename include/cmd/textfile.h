/* SPDX-License-Identifier: GPL-2.0-or-later */
/* textfile.h - --textfile PATH: a command's output written atomically. */
#ifndef SOCKMEM_TEXTFILE_H
#define SOCKMEM_TEXTFILE_H

#include "cmd/cmds.h"

/*
 * Renders view v with fn into a new file in path's directory (mode 0644), then
 * renames it over path: a reader (node_exporter's textfile collector) sees
 * the old file or the new one, never a part. The temporary file is named
 * ".NAME.XXXXXX" (not *.prom, so the collector ignores it) and is removed on
 * any failure. Returns 0 or -errno (-EINTR: interrupted).
 */
int textfile_render(const char *path, cmd_render_fn fn, const struct view *v, const struct opts *o);

#endif
