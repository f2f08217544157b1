// SPDX-License-Identifier: GPL-2.0-or-later
/* out_check.c - findings in table, TSV and JSON. */
#include "render/out.h"

#include <string.h>

/* Writes one evidence value as text ("-" in tables and "" in TSV when absent). */
static void ev_value(struct outbuf *b, const struct evidence *e, enum fmt fmt, int human)
{
	char h[16];

	if (!e->v.has) {
		ob_str(b, fmt == FMT_TABLE ? "-" : "");
	} else if (e->kind == EV_BOOL) {
		ob_str(b, e->v.v ? "true" : "false");
	} else if (e->kind == EV_BYTES && human && e->v.v >= 0) {
		fmt_human(h, (uint64_t)e->v.v);
		ob_str(b, h);
	} else {
		ob_i64(b, e->v.v);
	}
}

static void put_sock(struct outbuf *b, const struct report *r, uint32_t si)
{
	char buf[SOCK_ENDPOINT_MAX];
	const struct sock_rec *s = &r->socks.v[si];

	sock_fmt_endpoint(buf, sizeof(buf), s->family, s->saddr, s->sport, NULL);
	ob_str(b, buf);
	ob_str(b, "->");
	sock_fmt_endpoint(buf, sizeof(buf), s->family, s->daddr, s->dport, NULL);
	ob_str(b, buf);
}

static void table_finding(struct outbuf *b, const struct report *r, const struct finding *f,
			  const struct opts *o)
{
	char h[16];

	ob_str(b, findings_sev_name(f->sev));
	ob_spaces(b, 10 - strlen(findings_sev_name(f->sev)));
	ob_str(b, f->id);
	ob_ch(b, '\n');
	ob_str(b, "  ");
	ob_str(b, f->summary);
	ob_str(b, "\n  evidence:");
	for (size_t i = 0; i < f->nev; i++) {
		ob_ch(b, ' ');
		ob_str(b, f->ev[i].key);
		ob_ch(b, '=');
		ev_value(b, &f->ev[i], FMT_TABLE, !o->numeric);
	}
	ob_ch(b, '\n');
	if (f->nprocs) {
		ob_str(b, "  top processes:");
		for (size_t i = 0; i < f->nprocs; i++) {
			const struct proc_ent *p = &r->owners.procs[f->procs[i].proc];

			ob_ch(b, ' ');
			/* "comm/pid (..)" items joined by ";": neither may appear raw */
			ob_table_str(b, p->comm, "/;");
			ob_ch(b, '/');
			ob_i64(b, p->pid);
			ob_str(b, " (");
			ob_u64(b, f->procs[i].sockets);
			ob_str(b, " sockets, ");
			fmt_human(h, f->procs[i].charged_bytes);
			ob_str(b, h);
			ob_ch(b, ')');
			if (i + 1 < f->nprocs)
				ob_ch(b, ';');
		}
		ob_ch(b, '\n');
	}
	for (size_t i = 0; i < f->nsocks; i++) {
		const struct sock_rec *s = &r->socks.v[f->socks[i]];

		ob_str(b, i ? "             " : "  top sockets ");
		put_sock(b, r, f->socks[i]);
		ob_ch(b, ' ');
		ob_str(b, sock_state_name(s->state));
		ob_str(b, " recv_q ");
		ob_u64(b, s->rqueue);
		for (int k = 0; k < SKM_N && k < s->skmem_n; k++) {
			static const char *const nm[] = { " r ", " rb ", " t ",	 " tb ", " f ",
							  " w ", " o ",	 " bl ", " d " };

			if (k == SKM_T || k == SKM_O || k == SKM_BL || k == SKM_D)
				continue;
			ob_str(b, nm[k]);
			ob_u64(b, s->skmem[k]);
		}
		if (sock_has_ti(s, TI_RCV_WND)) {
			ob_str(b, " rcv_wnd ");
			ob_u64(b, s->ti[TI_RCV_WND]);
		}
		if (sock_has_ti(s, TI_RCV_WSCALE)) {
			ob_str(b, " rcv_wscale ");
			ob_u64(b, s->ti[TI_RCV_WSCALE]);
		}
		ob_ch(b, '\n');
	}
	ob_str(b, "  why: ");
	ob_str(b, f->explanation);
	ob_ch(b, '\n');
}

static void tsv_finding(struct outbuf *b, const struct report *r, const struct finding *f)
{
	ob_str(b, f->id);
	ob_ch(b, '\t');
	ob_str(b, findings_sev_name(f->sev));
	ob_ch(b, '\t');
	ob_tsv_str(b, f->summary, NULL);
	ob_ch(b, '\t');
	for (size_t i = 0; i < f->nev; i++) {
		if (i)
			ob_ch(b, ',');
		ob_str(b, f->ev[i].key);
		ob_ch(b, '=');
		ev_value(b, &f->ev[i], FMT_TSV, 0);
	}
	ob_ch(b, '\t');
	for (size_t i = 0; i < f->nprocs; i++) {
		const struct proc_ent *p = &r->owners.procs[f->procs[i].proc];

		if (i)
			ob_ch(b, ',');
		ob_tsv_str(b, p->comm, ",/");
		ob_ch(b, '/');
		ob_i64(b, p->pid);
		ob_ch(b, '/');
		ob_u64(b, f->procs[i].sockets);
		ob_ch(b, '/');
		ob_u64(b, f->procs[i].charged_bytes);
	}
	ob_ch(b, '\t');
	for (size_t i = 0; i < f->nsocks; i++) {
		if (i)
			ob_ch(b, ',');
		put_sock(b, r, f->socks[i]);
	}
	ob_ch(b, '\t');
	ob_tsv_str(b, f->explanation, NULL);
	ob_ch(b, '\n');
}

static void json_evidence(struct jw *w, const struct evidence *e)
{
	jw_key(w, e->key);
	if (!e->v.has)
		jw_null(w);
	else if (e->kind == EV_BOOL)
		jw_bool(w, e->v.v != 0);
	else
		jw_i64(w, e->v.v);
}

static void json_top_sock(struct jw *w, const struct report *r, const struct sock_rec *s)
{
	jw_obj_begin(w);
	jw_kv_str(w, "state", sock_state_name(s->state));
	out_json_endpoints(w, r, s);
	jw_kv_u64(w, "inode", s->inode);
	jw_kv_u64(w, "cookie", s->cookie);
	jw_kv_u64(w, "recv_q", s->rqueue);
	jw_kv_u64(w, "send_q", s->wqueue);
	jw_kv_u64(w, "r", s->skmem[SKM_R]);
	jw_kv_u64(w, "rb", s->skmem[SKM_RB]);
	jw_kv_u64(w, "w", s->skmem[SKM_W]);
	jw_kv_u64(w, "tb", s->skmem[SKM_TB]);
	jw_kv_u64(w, "charged_bytes", sock_charged_bytes(s));
	jw_kv_maybe(w, "rcv_wnd",
		    sock_has_ti(s, TI_RCV_WND) ? maybe_of((int64_t)s->ti[TI_RCV_WND]) : maybe_none());
	jw_kv_maybe(w, "rcv_wscale",
		    sock_has_ti(s, TI_RCV_WSCALE) ? maybe_of((int64_t)s->ti[TI_RCV_WSCALE])
						  : maybe_none());
	jw_obj_end(w);
}

static void json_finding(struct jw *w, const struct report *r, const struct finding *f)
{
	jw_obj_begin(w);
	jw_kv_str(w, "id", f->id);
	jw_kv_str(w, "severity", findings_sev_name(f->sev));
	jw_kv_str(w, "summary", f->summary);
	jw_kv_str(w, "explanation", f->explanation);
	jw_key(w, "evidence");
	jw_obj_begin(w);
	for (size_t k = 0; k < f->nev; k++)
		json_evidence(w, &f->ev[k]);
	jw_key(w, "top_processes");
	jw_arr_begin(w, 0);
	for (size_t k = 0; k < f->nprocs; k++) {
		const struct proc_ent *p = &r->owners.procs[f->procs[k].proc];

		jw_obj_begin(w);
		jw_kv_u64(w, "pid", (uint64_t)p->pid);
		jw_kv_str(w, "comm", p->comm);
		jw_kv_u64(w, "sockets", f->procs[k].sockets);
		jw_kv_u64(w, "charged_bytes", f->procs[k].charged_bytes);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_key(w, "top_sockets");
	jw_arr_begin(w, 0);
	for (size_t k = 0; k < f->nsocks; k++)
		json_top_sock(w, r, &r->socks.v[f->socks[k]]);
	jw_arr_end(w);
	jw_obj_end(w); /* evidence */
	jw_obj_end(w);
}

void out_json_findings(struct jw *w, const struct report *r)
{
	jw_key(w, "findings");
	jw_arr_begin(w, JW_LINES);
	for (size_t i = 0; i < r->nfindings; i++)
		json_finding(w, r, &r->findings[i]);
	jw_arr_end(w);
}

void out_check(struct outbuf *b, const struct report *r, const struct opts *o)
{
	if (o->fmt == FMT_TSV) {
		if (!o->no_header)
			ob_str(
			    b,
			    "id\tseverity\tsummary\tevidence\tprocesses\tsockets\texplanation\n");
		for (size_t i = 0; i < r->nfindings; i++)
			tsv_finding(b, r, &r->findings[i]);
		return;
	}
	if (!o->no_header) {
		int worst = findings_worst(r->findings, r->nfindings);

		ob_str(b, "findings: ");
		ob_u64(b, r->nfindings);
		ob_str(b, worst < 0		  ? " (healthy)"
			  : worst == SEV_CRITICAL ? " (worst: critical)"
			  : worst == SEV_WARNING  ? " (worst: warning)"
						  : " (info only)");
		ob_ch(b, '\n');
	}
	for (size_t i = 0; i < r->nfindings; i++)
		table_finding(b, r, &r->findings[i], o);
}
