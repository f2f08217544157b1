// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * out_prom.c - -o prom: the Prometheus text exposition format (0.0.4) of
 * system, top, check and report, for node_exporter's textfile collector.
 *
 * One more renderer of the views' field tables: a metric name is made from a
 * field's key and unit by the rules below, never listed here by hand.
 *   system  sockmem_<section>_<key> for each value of the system view
 *           (out_system_each); percentages are left out (each is the ratio
 *           of two exported gauges); section tcpext counts since boot, so
 *           its values are counters and end in _total.
 *   top     sockmem_group_<key>{by="KEY",<key fields>} for each group shown
 *           after --top, and {by="KEY",other="true"}: the sums over the
 *           groups beyond --top, so the groups add up to the total;
 *           sockmem_dumped_<key>: the total row (each socket once). Key
 *           fields that are text or ids are labels, the other key fields
 *           per-group values without an other series; FIELD_NOT_PROM fields
 *           are neither.
 *   check   sockmem_finding_active{id,severity}: 1 or 0 for every pair the
 *           rules can report (findings_known), so an alert can test for one.
 *   all     sockmem_build_info, sockmem_collection_duration_seconds,
 *           sockmem_partial, sockmem_processes_not_inspected.
 * Names are snake case ("TCPRcvCollapsed" -> "tcp_rcv_collapsed"); rb and
 * tb are spelled rcvbuf and sndbuf (prom_key); a unit suffix (_bytes,
 * _pages) is added where the key does not end in it.
 * Every family's HELP and TYPE come once, before its samples; a value that is
 * absent has no sample (its family's HELP and TYPE stay, so the set of names
 * does not depend on the host). No timestamps.
 */
#include "render/out_prom.h"

#include "render/out.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "model/findings.h"

#ifndef SOCKMEM_VERSION
#define SOCKMEM_VERSION "unknown"
#endif

#define PROM_NAME_MAX 160

/* Sections of the system view whose values count events since boot. */
static bool counter_section(const char *section)
{
	return section && (strcmp(section, "tcpext") == 0 || strcmp(section, "udp_counters") == 0 ||
			   strcmp(section, "udp6_counters") == 0);
}

static const char *unit_suffix(enum unit u)
{
	return u == UNIT_BYTES ? "_bytes" : u == UNIT_PAGES ? "_pages" : "";
}

static const char *unit_words(enum unit u)
{
	switch (u) {
	case UNIT_BYTES: return "bytes";
	case UNIT_PAGES: return "pages";
	case UNIT_BOOL: return "1 or 0";
	default: return "count";
	}
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && strcmp(s + n - k, suffix) == 0;
}

static bool is_upper(char c)
{
	return c >= 'A' && c <= 'Z';
}

static bool is_lower_or_digit(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* Appends s to name (len bytes) in snake case ("TCPRcvQDrop" ->
 * "tcp_rcv_q_drop"), any byte outside [A-Za-z0-9_] as '_'. */
static void name_add(char *name, size_t len, const char *s)
{
	size_t n = strlen(name);

	for (size_t i = 0; s[i] && n + 2 < len; i++) {
		char c = s[i];
		/* a word starts at an upper-case letter after a lower-case one or a
		 * digit, or at the last capital of an acronym ("TCPRcv") */
		bool word = i > 0 && is_upper(c) &&
			    (is_lower_or_digit(s[i - 1]) ||
			     (is_upper(s[i - 1]) && s[i + 1] >= 'a' && s[i + 1] <= 'z'));

		if (word)
			name[n++] = '_';
		if (is_upper(c))
			c = (char)(c - 'A' + 'a');
		else if (!is_lower_or_digit(c))
			c = '_';
		name[n++] = c;
	}
	name[n] = '\0';
}

/*
 * Prometheus spellings of keys whose own name promtool's lint reads as a
 * unit ("tb" as terabytes): the kernel's names for the two budgets, rb and
 * tb alike so that they stay a pair.
 */
static const char *prom_key(const char *key)
{
	static const struct {
		const char *key, *prom;
	} spell[] = { { "rb", "rcvbuf" }, { "tb", "sndbuf" } };

	for (size_t i = 0; i < sizeof(spell) / sizeof(spell[0]); i++)
		if (strcmp(key, spell[i].key) == 0)
			return spell[i].prom;
	return key;
}

/* prefix, section and "_" (when there is one), key, unit suffix, _total. */
static void metric_name(char *name, size_t len, const char *prefix, const char *section,
			const char *key, enum unit u, bool counter)
{
	const char *suffix = unit_suffix(u);

	name[0] = '\0';
	name_add(name, len, prefix);
	if (section) {
		name_add(name, len, section);
		name_add(name, len, "_");
	}
	name_add(name, len, prom_key(key));
	if (!ends_with(key, suffix))
		name_add(name, len, suffix);
	if (counter)
		name_add(name, len, "_total");
}

/* HELP and TYPE of a family (help: trusted ASCII without '\\' or newline). */
static void family(struct outbuf *b, const char *name, const char *type, const char *help)
{
	ob_str(b, "# HELP ");
	ob_str(b, name);
	ob_ch(b, ' ');
	ob_str(b, help);
	ob_str(b, "\n# TYPE ");
	ob_str(b, name);
	ob_ch(b, ' ');
	ob_str(b, type);
	ob_ch(b, '\n');
}

/* One label: '{' before the first (*open set), ',' before the others. */
static void label(struct outbuf *b, bool *open, const char *key, const char *value)
{
	ob_ch(b, *open ? ',' : '{');
	*open = true;
	ob_str(b, key);
	ob_str(b, "=\"");
	ob_prom_label_str(b, value);
	ob_ch(b, '"');
}

static void labels_end(struct outbuf *b, bool open)
{
	if (open)
		ob_ch(b, '}');
}

static void value_i64(struct outbuf *b, int64_t v)
{
	ob_ch(b, ' ');
	ob_i64(b, v);
	ob_ch(b, '\n');
}

static void value_u64(struct outbuf *b, uint64_t v)
{
	ob_ch(b, ' ');
	ob_u64(b, v);
	ob_ch(b, '\n');
}

/* ------------------------------------------------------------------ meta */

static void prom_meta(struct outbuf *b, const struct view *v)
{
	const struct snapshot *r = v->snap;
	bool open = false;

	family(b, "sockmem_build_info", "gauge",
	       "Always 1; labels: the sockmem version and its JSON schema");
	ob_str(b, "sockmem_build_info");
	label(b, &open, "version", SOCKMEM_VERSION);
	label(b, &open, "schema", SOCKMEM_SCHEMA);
	labels_end(b, open);
	value_u64(b, 1);
	family(b, "sockmem_collection_duration_seconds", "gauge",
	       "How long the collection took (none when rendering a snapshot)");
	if (r->collect_usec.has && r->collect_usec.v >= 0) {
		char frac[16];

		snprintf(frac, sizeof(frac), ".%06lld", (long long)(r->collect_usec.v % 1000000));
		ob_str(b, "sockmem_collection_duration_seconds ");
		ob_i64(b, r->collect_usec.v / 1000000);
		ob_str(b, frac);
		ob_ch(b, '\n');
	}
	family(b, "sockmem_partial", "gauge",
	       "1 when the dump does not hold every socket (a filter, a namespace not entered, "
	       "malformed replies), else 0");
	ob_str(b, "sockmem_partial");
	value_u64(b, v->partial);
	family(b, "sockmem_processes_not_inspected", "gauge",
	       "Processes whose descriptors could not be read (none when owners were not "
	       "scanned)");
	if (r->owners_scanned) {
		ob_str(b, "sockmem_processes_not_inspected");
		value_u64(b, owners_not_inspected(&r->owners));
	}
}

/* ---------------------------------------------------------------- system */

static void sys_value(void *arg, const char *section, const char *key, struct maybe v,
		      enum unit unit)
{
	struct outbuf *b = arg;
	bool counter = counter_section(section);
	char name[PROM_NAME_MAX], help[PROM_NAME_MAX + 96];

	if (unit == UNIT_PCT)
		return;
	metric_name(name, sizeof(name), "sockmem_", section, key, unit, counter);
	snprintf(help, sizeof(help), "system value %s%s%s, %s%s", section ? section : "",
		 section ? "." : "", key, unit_words(unit), counter ? " since boot" : "");
	family(b, name, counter ? "counter" : "gauge", help);
	if (!v.has)
		return;
	ob_str(b, name);
	value_i64(b, unit == UNIT_BOOL ? v.v != 0 : v.v);
}

/* ------------------------------------------------------------------- top */

/* Whether a key field of top becomes a label (text and ids do). */
static bool is_label(const struct field *f)
{
	return (f->unit == UNIT_TEXT || f->unit == UNIT_ID) && !(f->flags & FIELD_NOT_PROM);
}

struct top_prom {
	struct outbuf *b;
	struct field f[OUT_TOP_MAX_FIELDS];
	size_t n, nkeys;
	struct top_ctx c; /* every group; row c.n is the total */
	size_t shown;	  /* groups before --top's cut */
	struct outbuf scratch;
};

static struct cell top_cell(struct top_prom *t, size_t row, const struct field *f)
{
	return f->get(&t->c, row, f, FMT_PROM, &t->scratch);
}

/* The labels of group row: by, then the key fields that are labels. */
static void group_labels(struct top_prom *t, size_t row)
{
	bool open = false;
	char num[32];

	label(t->b, &open, "by", agg_by_name(t->c.v->by));
	for (size_t i = 0; i < t->nkeys; i++) {
		struct cell c;
		const char *v = NULL;

		if (!is_label(&t->f[i]))
			continue;
		c = top_cell(t, row, &t->f[i]);
		switch (c.kind) {
		case CELL_ABSENT: break;
		case CELL_U64: fmt_u64(num, c.u), v = num; break;
		case CELL_I64: snprintf(num, sizeof(num), "%lld", (long long)c.i), v = num; break;
		case CELL_TEXT:
		case CELL_UNTRUSTED: v = c.s; break;
		case CELL_RAW: v = t->scratch.p + (c.u & 0xffffffffu); break;
		case CELL_F64: break; /* rates (diff, watch) are never top's labels */
		}
		if (v)
			label(t->b, &open, t->f[i].key, v);
	}
	labels_end(t->b, open);
}

/* The family of value field f over the shown groups, and the other series
 * when f is a sum. */
static void group_family(struct top_prom *t, const struct field *f, bool sum)
{
	char name[PROM_NAME_MAX], help[PROM_NAME_MAX + 160];
	uint64_t other = 0;

	metric_name(name, sizeof(name), "sockmem_group_", NULL, f->key, f->unit, false);
	snprintf(help, sizeof(help),
		 sum ? "top field %s summed over each group's sockets (label by: --by), %s; "
		       "other=\"true\": the groups beyond --top"
		     : "top field %s of each group (label by: --by), %s",
		 f->key, unit_words(f->unit));
	family(t->b, name, "gauge", help);
	for (size_t row = 0; row < t->shown; row++) {
		struct cell c;

		ob_reset(&t->scratch);
		c = top_cell(t, row, f);
		if (c.kind != CELL_U64 && c.kind != CELL_I64)
			continue;
		ob_str(t->b, name);
		group_labels(t, row);
		if (c.kind == CELL_U64)
			value_u64(t->b, c.u);
		else
			value_i64(t->b, c.i);
	}
	if (!sum)
		return;
	for (size_t row = t->shown; row < t->c.n; row++) {
		ob_reset(&t->scratch);
		other += top_cell(t, row, f).u;
	}
	ob_str(t->b, name);
	ob_str(t->b, "{by=\"");
	ob_str(t->b, agg_by_name(t->c.v->by));
	ob_str(t->b, "\",other=\"true\"}");
	value_u64(t->b, other);
}

/* The total row's value of sum field f: each dumped socket once. */
static void dumped_family(struct top_prom *t, const struct field *f)
{
	char name[PROM_NAME_MAX], help[PROM_NAME_MAX + 96];

	metric_name(name, sizeof(name), "sockmem_dumped_", NULL, f->key, f->unit, false);
	snprintf(help, sizeof(help), "top field %s summed over the dumped sockets, each once, %s",
		 f->key, unit_words(f->unit));
	family(t->b, name, "gauge", help);
	ob_reset(&t->scratch);
	ob_str(t->b, name);
	value_u64(t->b, top_cell(t, t->c.n, f).u);
}

static void prom_top(struct outbuf *b, const struct view *v, const struct opts *o)
{
	struct top_prom t = { .b = b, .c = { v, v->ngroups } };

	if (ob_init_mem(&t.scratch)) {
		b->err = b->err ? b->err : ENOMEM;
		return;
	}
	t.n = out_top_fields(v->by, t.f, &t.nkeys);
	t.shown = o->top_n && o->top_n < v->ngroups ? o->top_n : v->ngroups;
	for (size_t i = 0; i < t.n; i++)
		if (i >= t.nkeys || (!is_label(&t.f[i]) && !(t.f[i].flags & FIELD_NOT_PROM)))
			group_family(&t, &t.f[i], i >= t.nkeys);
	for (size_t i = t.nkeys; i < t.n; i++)
		dumped_family(&t, &t.f[i]);
	ob_finish(&t.scratch);
}

/* ----------------------------------------------------------------- check */

static bool finding_active(const struct view *v, const char *id, enum sev sev)
{
	for (size_t i = 0; i < v->nfindings; i++)
		if (v->findings[i].sev == sev && strcmp(v->findings[i].id, id) == 0)
			return true;
	return false;
}

static void prom_check(struct outbuf *b, const struct view *v)
{
	const char *id;
	enum sev sev;

	family(b, "sockmem_finding_active", "gauge",
	       "1 when check reports finding id with this severity, else 0; one series per "
	       "pair the rules can report");
	for (size_t i = 0; findings_known(i, &id, &sev); i++) {
		bool open = false;

		/* the UDP rules only over a collection with UDP (-u) */
		if (!v->snap->cov.udp && strncmp(id, "udp_", 4) == 0)
			continue;

		ob_str(b, "sockmem_finding_active");
		label(b, &open, "id", id);
		label(b, &open, "severity", findings_sev_name(sev));
		labels_end(b, open);
		value_u64(b, finding_active(v, id, sev));
	}
}

void out_prom(struct outbuf *b, const struct view *v, const struct opts *o)
{
	prom_meta(b, v);
	if (o->cmd == CMD_SYSTEM || o->cmd == CMD_REPORT)
		out_system_each(v, sys_value, b);
	if (o->cmd == CMD_TOP || o->cmd == CMD_REPORT)
		prom_top(b, v, o);
	if (o->cmd == CMD_CHECK || o->cmd == CMD_REPORT)
		prom_check(b, v);
}
