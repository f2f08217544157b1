// SPDX-License-Identifier: GPL-2.0-or-later
/* report.c - the failure report: what failed and its one-line message. */
#include "model/report.h"

#include <stdio.h>
#include <string.h>

/* Fills e (where, positive errno) and returns -1. */
int report_fail(struct report_err *e, const char *where, int err)
{
	e->where = where;
	e->err = err < 0 ? -err : err;
	e->ext_ack[0] = '\0';
	return -1;
}

void report_err_message(const struct report_err *e, char *buf, size_t len)
{
	char kmsg[4 * sizeof(e->ext_ack)];
	size_t k = 0;

	/* untrusted bytes: a terminal must not act on them */
	for (const char *p = e->ext_ack; *p && k + 4 < sizeof(kmsg); p++) {
		unsigned char c = (unsigned char)*p;

		if (c >= 0x20 && c < 0x7f && c != '\\')
			kmsg[k++] = (char)c;
		else
			k += (size_t)snprintf(kmsg + k, sizeof(kmsg) - k, "\\x%02x", c);
	}
	kmsg[k] = '\0';
	if (!e->err) /* where says it all */
		snprintf(buf, len, "%s", e->where);
	else if (k)
		snprintf(buf, len, "%s: %s (kernel: %s)", e->where, strerror(e->err), kmsg);
	else
		snprintf(buf, len, "%s: %s", e->where, strerror(e->err));
}
