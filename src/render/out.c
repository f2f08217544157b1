// SPDX-License-Identifier: GPL-2.0-or-later
/* out.c - picks the renderer for a view and format; report composition. */
#include "render/out.h"
#include "render/out_prom.h"

#include <errno.h>
#include <stdio.h>
#include <time.h>

/* RFC 3339 UTC time of the snapshot. */
static void fmt_time(time_t t, char *buf, size_t len)
{
	struct tm tm;

	if (!gmtime_r(&t, &tm) || !strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, len, "%lld", (long long)t);
}

/* A /proc text value: null when it could not be read (empty), never "". */
static void str_or_null(struct jw *w, const char *key, const char *s)
{
	jw_key(w, key);
	if (s[0])
		jw_str(w, s);
	else
		jw_null(w);
}

void out_json_head(struct jw *w, const struct view *v, const struct opts *o)
{
	const struct snapshot *r = v->snap;
	char ts[32];

	jw_kv_str(w, "schema", SOCKMEM_SCHEMA);
	jw_kv_str(w, "command", o->cmd_name);
	jw_key(w, "host");
	jw_obj_begin(w);
	str_or_null(w, "hostname", r->sys.hostname);
	str_or_null(w, "kernel", r->sys.release);
	fmt_time(r->when, ts, sizeof(ts));
	jw_kv_str(w, "time", ts);
	jw_kv_u64(w, "page_size", r->page_size);
	jw_kv_opt_u64(w, "ncpu", r->ncpu != 0, r->ncpu); /* 0: sysconf did not say */
	jw_kv_opt_u64(w, "netns_ino", r->netns_ino != 0, r->netns_ino);
	jw_obj_end(w);
}

void out_json_owners_scan(struct jw *w, const struct snapshot *r)
{
	jw_key(w, "owners_scan");
	if (!r->owners_scanned) {
		jw_null(w);
		return;
	}
	jw_obj_begin(w);
	jw_kv_u64(w, "procs_scanned", r->owners.procs_scanned);
	jw_kv_u64(w, "procs_denied", r->owners.procs_denied);
	jw_kv_u64(w, "fds_denied", r->owners.fds_denied);
	jw_kv_u64(w, "procs_gone", r->owners.procs_gone);
	jw_kv_u64(w, "procs_incomplete", r->owners.procs_incomplete);
	jw_kv_u64(w, "task_tables", r->owners.task_tables);
	jw_obj_end(w);
}

static void table_head(struct outbuf *b, const struct snapshot *r)
{
	char ts[32];

	fmt_time(r->when, ts, sizeof(ts));
	ob_str(b, "sockmem report: host ");
	out_untrusted(b, FMT_TABLE, r->sys.hostname[0] ? r->sys.hostname : "?", NULL);
	ob_str(b, ", kernel ");
	out_untrusted(b, FMT_TABLE, r->sys.release[0] ? r->sys.release : "?", NULL);
	ob_str(b, ", ");
	ob_str(b, ts);
	ob_str(b, "\n\n");
}

/* One JSON document: the head, then the members of the view. */
static void render_json(struct outbuf *b, const struct view *v, const struct opts *o)
{
	struct jw w;

	jw_init(&w, b);
	jw_obj_begin(&w);
	out_json_head(&w, v, o);
	if (o->cmd == CMD_SOCKETS)
		out_json_sockets(&w, v);
	if (o->cmd == CMD_SYSTEM || o->cmd == CMD_REPORT)
		out_json_system(&w, v);
	if (o->cmd == CMD_TOP || o->cmd == CMD_REPORT)
		out_json_top(&w, v, o);
	if (o->cmd == CMD_CHECK || o->cmd == CMD_REPORT)
		out_json_findings(&w, v);
	jw_obj_end(&w);
	jw_end(&w); /* a misuse or imbalance fails b */
}

int out_render(const struct view *v, const struct opts *o, FILE *f)
{
	struct outbuf b;

	/* Every format streams: the report is complete before the first byte
	 * (collection errors print nothing), and a document is never held
	 * whole in memory. A write error or SIGINT midway stops the output and
	 * comes back from ob_finish. */
	if (ob_init(&b, f))
		return -ENOMEM;
	if (o->fmt == FMT_PROM) {
		out_prom(&b, v, o);
	} else if (o->fmt == FMT_JSON) {
		render_json(&b, v, o);
	} else if (o->cmd == CMD_SOCKETS) {
		out_sockets(&b, v, o);
	} else if (o->cmd == CMD_SYSTEM) {
		out_system(&b, v, o);
	} else if (o->cmd == CMD_TOP) {
		out_top(&b, v, o);
	} else if (o->cmd == CMD_CHECK) {
		out_check(&b, v, o);
	} else {
		/* report: system, then top */
		if (o->fmt == FMT_TABLE && !o->no_header)
			table_head(&b, v->snap);
		out_system(&b, v, o);
		ob_ch(&b, '\n');
		out_top(&b, v, o);
		ob_ch(&b, '\n');
		out_check(&b, v, o);
	}
	return ob_finish(&b);
}
