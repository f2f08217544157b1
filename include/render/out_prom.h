/* SPDX-License-Identifier: GPL-2.0-or-later */
/* out_prom.h - -o prom: the Prometheus text exposition format. */
#ifndef SOCKMEM_OUT_PROM_H
#define SOCKMEM_OUT_PROM_H

#include "model/query.h"
#include "model/view.h"
#include "util/outbuf.h"

/* Writes the metrics of view o->cmd (system, top, check or report) to b,
 * metric names made from the views' field tables (see out_prom.c). */
void out_prom(struct outbuf *b, const struct view *v, const struct opts *o);

#endif
