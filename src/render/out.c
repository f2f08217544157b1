// SPDX-License-Identifier: GPL-2.0-or-later
/* out.c - picks the renderer for a view and format; report composition. */
#include "render/out.h"

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
static void json_text_or_null(struct outbuf *b, const char *key, const char *s, int *first)
{
	if (s[0]) {
		json_text(b, key, s, first);
	} else {
		json_key(b, key, first);
		ob_str(b, "null");
	}
}

void out_json_head(struct outbuf *b, const struct report *r, const struct opts *o, int *first)
{
	char ts[32];
	int f = 1;

	json_text(b, "schema", SOCKMEM_SCHEMA, first);
	json_text(b, "command", o->cmd_name, first);
	json_key(b, "host", first);
	ob_ch(b, '{');
	json_text_or_null(b, "hostname", r->sys.hostname, &f);
	json_text_or_null(b, "kernel", r->sys.release, &f);
	fmt_time(r->when, ts, sizeof(ts));
	json_text(b, "time", ts, &f);
	json_u64(b, "page_size", r->page_size, &f);
	json_u64(b, "ncpu", r->ncpu, &f);
	json_opt_u64(b, "netns_ino", r->netns_ino != 0, r->netns_ino, &f);
	ob_ch(b, '}');
}

static void table_head(struct outbuf *b, const struct report *r)
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

static void render_json(struct outbuf *b, const struct report *r, const struct opts *o)
{
	int first = 1;

	ob_ch(b, '{');
	out_json_head(b, r, o, &first);
	if (o->cmd == CMD_SYSTEM || o->cmd == CMD_REPORT)
		out_json_system(b, r, &first);
	if (o->cmd == CMD_TOP || o->cmd == CMD_REPORT)
		out_json_top(b, r, o, &first);
	if (o->cmd == CMD_CHECK || o->cmd == CMD_REPORT)
		out_json_findings(b, r, &first);
	ob_str(b, "}\n");
}

int out_render(const struct report *r, const struct opts *o, FILE *f)
{
	struct outbuf b;

	/* JSON is built whole in memory and written at the end, so stdout gets
	 * one complete document or nothing; text formats stream. */
	if (o->fmt == FMT_JSON ? ob_init_mem(&b) : ob_init(&b, f))
		return -ENOMEM;
	if (o->cmd == CMD_SOCKETS) {
		out_sockets(&b, r, o);
	} else if (o->fmt == FMT_JSON) {
		render_json(&b, r, o);
	} else if (o->cmd == CMD_SYSTEM) {
		out_system(&b, r, o);
	} else if (o->cmd == CMD_TOP) {
		out_top(&b, r, o);
	} else if (o->cmd == CMD_CHECK) {
		out_check(&b, r, o);
	} else {
		/* report: system, then top */
		if (o->fmt == FMT_TABLE && !o->no_header)
			table_head(&b, r);
		out_system(&b, r, o);
		ob_ch(&b, '\n');
		out_top(&b, r, o);
		ob_ch(&b, '\n');
		out_check(&b, r, o);
	}
	return o->fmt == FMT_JSON ? ob_emit(&b, f) : ob_finish(&b);
}
