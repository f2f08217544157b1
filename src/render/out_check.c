// SPDX-License-Identifier: GPL-2.0-or-later
/* out_check.c - findings in table, TSV and JSON. */
#include "render/out.h"

#include <string.h>

/* Writes one evidence value in its raw form ("null"/"" when absent). */
static void ev_value(struct outbuf *b, const struct evidence *e, enum fmt fmt, int human)
{
	char h[16];

	if (!e->v.has) {
		ob_str(b, fmt == FMT_JSON ? "null" : fmt == FMT_TABLE ? "-" : "");
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

void out_json_findings(struct outbuf *b, const struct report *r, int *first)
{
	json_key(b, "findings", first);
	ob_ch(b, '[');
	for (size_t i = 0; i < r->nfindings; i++) {
		const struct finding *f = &r->findings[i];
		int g = 1, e = 1;

		ob_str(b, i ? ",\n{" : "\n{");
		json_text(b, "id", f->id, &g);
		json_text(b, "severity", findings_sev_name(f->sev), &g);
		json_text(b, "summary", f->summary, &g);
		json_text(b, "explanation", f->explanation, &g);
		json_key(b, "evidence", &g);
		ob_ch(b, '{');
		for (size_t k = 0; k < f->nev; k++) {
			json_key(b, f->ev[k].key, &e);
			ev_value(b, &f->ev[k], FMT_JSON, 0);
		}
		json_key(b, "top_processes", &e);
		ob_ch(b, '[');
		for (size_t k = 0; k < f->nprocs; k++) {
			const struct proc_ent *p = &r->owners.procs[f->procs[k].proc];
			int h = 1;

			ob_str(b, k ? ",{" : "{");
			json_u64(b, "pid", (uint64_t)p->pid, &h);
			json_text(b, "comm", p->comm, &h);
			json_u64(b, "sockets", f->procs[k].sockets, &h);
			json_u64(b, "charged_bytes", f->procs[k].charged_bytes, &h);
			ob_ch(b, '}');
		}
		ob_ch(b, ']');
		json_key(b, "top_sockets", &e);
		ob_ch(b, '[');
		for (size_t k = 0; k < f->nsocks; k++) {
			const struct sock_rec *s = &r->socks.v[f->socks[k]];
			int h = 1;

			ob_str(b, k ? ",{" : "{");
			json_text(b, "state", sock_state_name(s->state), &h);
			json_endpoints(b, r, s, &h);
			json_u64(b, "inode", s->inode, &h);
			json_u64(b, "cookie", s->cookie, &h);
			json_u64(b, "recv_q", s->rqueue, &h);
			json_u64(b, "send_q", s->wqueue, &h);
			json_u64(b, "r", s->skmem[SKM_R], &h);
			json_u64(b, "rb", s->skmem[SKM_RB], &h);
			json_u64(b, "w", s->skmem[SKM_W], &h);
			json_u64(b, "tb", s->skmem[SKM_TB], &h);
			json_u64(b, "charged_bytes", sock_charged_bytes(s), &h);
			json_maybe(b, "rcv_wnd",
				   sock_has_ti(s, TI_RCV_WND) ? maybe_of((int64_t)s->ti[TI_RCV_WND])
							      : maybe_none(),
				   &h);
			ob_ch(b, '}');
		}
		ob_str(b, "]}}");
	}
	ob_str(b, "\n]");
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
