// SPDX-License-Identifier: GPL-2.0-or-later
/* report.c - runs collection, then aggregation, into one struct report. */
#include "report.h"

#include <errno.h>
#include <linux/inet_diag.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Every state, including TIME-WAIT, SYN-RECV and (6.8+) bound-inactive. */
#define ALL_STATES 0xffffffffu

static int collect_ifnames(struct report *r)
{
	struct if_nameindex *ni = if_nameindex(), *p;
	size_t n = 0;

	if (!ni)
		return 0; /* names are a nicety; addresses print without them */
	for (p = ni; p->if_index; p++)
		n++;
	r->ifnames = calloc(n ? n : 1, sizeof(*r->ifnames));
	if (!r->ifnames) {
		if_freenameindex(ni);
		return -ENOMEM;
	}
	for (p = ni; p->if_index; p++) {
		r->ifnames[r->nifnames].index = p->if_index;
		snprintf(r->ifnames[r->nifnames].name, sizeof(r->ifnames[0].name), "%s", p->if_name);
		r->nifnames++;
	}
	if_freenameindex(ni);
	return 0;
}

const struct sysctls *report_sysctls(const struct report *r, uint64_t netns_ino)
{
	(void)netns_ino;
	return &r->sys.sysctl;
}

const char *report_ifname(const struct report *r, uint32_t index)
{
	for (size_t i = 0; i < r->nifnames; i++)
		if (r->ifnames[i].index == index)
			return r->ifnames[i].name;
	return NULL;
}

static int fail(struct report_err *e, const char *where, int err)
{
	e->where = where;
	e->err = err < 0 ? -err : err;
	return -1;
}

int report_build(const struct opts *o, struct report *r, struct report_err *e)
{
	struct procfs p;
	struct diag_req req = { ALL_STATES, NULL, 0 };
	const char *where = NULL;
	int err;
	long ps = sysconf(_SC_PAGESIZE), nc = sysconf(_SC_NPROCESSORS_CONF);

	memset(r, 0, sizeof(*r));
	r->when = time(NULL);
	r->page_size = ps > 0 ? (uint64_t)ps : 4096;
	r->ncpu = nc > 0 ? (uint64_t)nc : 0;
	err = procfs_open(&p, o->proc_root);
	if (err)
		return fail(e, o->proc_root, err);
	r->netns_ino = procfs_netns_ino(&p, 0);
	err = procfs_read_sysinfo(&p, &r->sys, &where);
	if (err) {
		procfs_close(&p);
		return fail(e, where, err);
	}
	{ /* system needs the sockets too, for the reconciliation */
		if (o->want_v4)
			err = diag_dump(AF_INET, &req, r->netns_ino, &r->socks, &r->dstats, &where);
		if (!err && o->want_v6)
			err = diag_dump(AF_INET6, &req, r->netns_ino, &r->socks, &r->dstats, &where);
		if (err) {
			procfs_close(&p);
			return fail(e, where, err);
		}
	}
	if (!o->no_owners && o->cmd != CMD_SYSTEM) {
		err = owners_scan(&p, &r->socks, &r->owners);
		if (err) {
			procfs_close(&p);
			return fail(e, "/proc/[pid]/fd walk", err);
		}
		r->owners_scanned = true;
	}
	procfs_close(&p);
	if (collect_ifnames(r))
		return fail(e, "interface names", ENOMEM);

	/* aggregation */
	agg_totals(&r->socks, r->page_size, &r->totals);
	agg_reconcile(&r->totals, r->sys.sockstat.mem_pages, r->ncpu, r->sys.sysctl.mem_pcpu_rsv,
		      &r->rec);
	if (o->cmd == CMD_TOP || o->cmd == CMD_REPORT || o->cmd == CMD_CHECK) {
		err = agg_by_process(&r->socks, &r->owners, r->page_size, &r->groups, &r->ngroups);
		if (err)
			return fail(e, "aggregation", err);
		agg_sort(r->groups, r->ngroups, o->sort, &r->owners);
	}
	r->partial = !o->want_v4 || !o->want_v6;
	if (o->cmd == CMD_REPORT || o->cmd == CMD_CHECK) {
		int n = findings_run(r, &o->find, &r->findings);

		if (n < 0)
			return fail(e, "findings", n);
		r->nfindings = (size_t)n;
	}
	return 0;
}

void report_free(struct report *r)
{
	sock_table_free(&r->socks);
	owners_free(&r->owners);
	free(r->groups);
	free(r->ifnames);
	free(r->findings);
	memset(r, 0, sizeof(*r));
}
