// SPDX-License-Identifier: GPL-2.0-or-later
/* test_render_check.c - the check table names processes unambiguously. */
#include <stdio.h>

#include "testutil.h"

#include "cmd/cli.h"
#include "render/out.h"
#include "model/view.h"

/* Renders v with o into a malloc'd string (caller frees). */
static char *render(const struct view *v, const struct opts *o)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	assert_int_equal(out_render(v, o, f), 0);
	assert_int_equal(fclose(f), 0);
	return text;
}

/* A comm that imitates "comm/pid (N sockets" must not read as another pid:
 * '/' and ';' inside a name are escaped in the table's process list. */
static void test_check_table_escapes_comm_separators(void **state)
{
	struct proc_ent procs[1] = { { .pid = 4242, .uid = 0, .comm = "sshd/1 (99 s;x" } };
	struct finding f = { .id = "orphans", .sev = SEV_WARNING, .explanation = "because" };
	struct snapshot r;
	struct view v;
	struct opts o;
	char *text;

	(void)state;
	memset(&r, 0, sizeof(r));
	memset(&o, 0, sizeof(o));
	r.page_size = 4096;
	r.owners.procs = procs;
	r.owners.nprocs = 1;
	snprintf(f.summary, sizeof(f.summary), "summary");
	f.procs[0] = (struct off_proc){ .proc = 0, .sockets = 3, .charged_bytes = 8192 };
	f.nprocs = 1;
	view_all(&r, &v);
	v.findings = &f;
	v.nfindings = 1;
	o.cmd = CMD_CHECK;
	o.cmd_name = "check";
	o.fmt = FMT_TABLE;
	o.no_header = true;
	text = render(&v, &o);
	assert_non_null(strstr(text, "  top processes: sshd\\x2f1 (99 s\\x3bx/4242 (3 sockets, 8.0K)\n"));
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check_table_escapes_comm_separators),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
