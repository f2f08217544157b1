/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sig.h - SIGINT/SIGTERM as a flag that long loops poll, so a run ends cleanly. */
#ifndef SOCKMEM_SIG_H
#define SOCKMEM_SIG_H

#include <stdbool.h>

/* Installs the handlers (no SA_RESTART, so blocking calls return EINTR)
 * and ignores SIGPIPE (a closed pipe becomes an EPIPE write error). */
void sig_install(void);

/* Whether SIGINT or SIGTERM has arrived. */
bool sig_interrupted(void);

#endif
