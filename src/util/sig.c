// SPDX-License-Identifier: GPL-2.0-or-later
/* sig.c - the one piece of process-wide mutable state: a signal flag.
 * A handler can only talk to the program through a static
 * volatile sig_atomic_t; everything else stays in context structs. */
#include "util/sig.h"

#include <signal.h>
#include <string.h>

static volatile sig_atomic_t got_signal;

static void on_signal(int signo)
{
	got_signal = signo;
}

void sig_install(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}

bool sig_interrupted(void)
{
	return got_signal != 0;
}
