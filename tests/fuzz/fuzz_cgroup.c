// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_cgroup.c - libFuzzer target for cgroup path handling.
 *
 * The input, NUL-terminated (an embedded NUL ends the text early, as it
 * would for a file read into a string), goes to:
 *  - cgroup_parse_mountinfo(), compared with a second, differently written
 *    parser below (split into fields, then decide);
 *  - cgroup_path_normalize(), compared with a component-stack model, checked
 *    for canonical form and idempotence, and at every output size;
 *  - cgroup_path_rel() on "PATH\tMOUNT" (both normalised first);
 * and the raw bytes describe a tree (parent of node i = byte % i) whose
 * parent links feed cgroup_within() and cgroup_blind_within(), compared with
 * a walk up the tree.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "collect/cgroup.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c)                                                                                   \
	do {                                                                                       \
		if (!(c))                                                                          \
			__builtin_trap();                                                          \
	} while (0)

/* ------------------------------------------------------ mountinfo model */

/* Splits s (modified) into space-separated fields; returns the count. */
static size_t split(char *s, char **f, size_t max)
{
	size_t n = 0;

	for (char *t = strtok(s, " "); t && n < max; t = strtok(NULL, " "))
		f[n++] = t;
	return n;
}

/* \ooo with o in 0-3, 0-7, 0-7 becomes a byte; false if it yields NUL. */
static bool model_unescape(const char *in, char *out, size_t len)
{
	size_t w = 0;

	for (size_t r = 0; in[r]; r++) {
		char c = in[r];

		if (c == '\\' && in[r + 1] >= '0' && in[r + 1] <= '3' && in[r + 2] >= '0' &&
		    in[r + 2] <= '7' && in[r + 3] >= '0' && in[r + 3] <= '7') {
			c = (char)(((in[r + 1] - '0') << 6) | ((in[r + 2] - '0') << 3) |
				   (in[r + 3] - '0'));
			r += 3;
		}
		if (!c || w + 1 >= len)
			return false;
		out[w++] = c;
	}
	out[w] = '\0';
	return out[0] == '/';
}

static bool model_has_memory(char *super)
{
	for (char *t = strtok(super, ","); t; t = strtok(NULL, ","))
		if (strcmp(t, "memory") == 0)
			return true;
	return false;
}

static void model_mountinfo(const char *text, char *v2, char *v1)
{
	char *copy = strdup(text), *save = NULL;

	v2[0] = v1[0] = '\0';
	if (!copy)
		abort();
	/* strtok_r over lines, strtok inside: a line of "" never matters */
	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		size_t max = strlen(line) / 2 + 1, dash = 0;
		char **f = malloc(max * sizeof(*f));

		if (!f)
			abort();
		size_t n = split(line, f, max);

		for (size_t i = 6; i < n && !dash; i++)
			if (strcmp(f[i], "-") == 0)
				dash = i;
		if (!dash || dash + 3 >= n || strcmp(f[3], "/") != 0) {
			free(f);
			continue;
		}
		char *dst = strcmp(f[dash + 1], "cgroup2") == 0 ? v2
			    : strcmp(f[dash + 1], "cgroup") == 0 && model_has_memory(f[dash + 3])
				? v1
				: NULL;

		if (dst && !dst[0] && !model_unescape(f[4], dst, PATH_MAX))
			dst[0] = '\0';
		free(f);
	}
	free(copy);
}

static void check_mountinfo(const char *text)
{
	struct cgroups cg;
	static char v2[PATH_MAX], v1[PATH_MAX];

	memset(&cg, 0x5a, sizeof(cg));
	cgroup_parse_mountinfo(text, &cg);
	CHECK(memchr(cg.v2_mount, '\0', sizeof(cg.v2_mount)));
	CHECK(memchr(cg.v1_memory_mount, '\0', sizeof(cg.v1_memory_mount)));
	CHECK(!cg.v2_mount[0] || cg.v2_mount[0] == '/');
	CHECK(!cg.v1_memory_mount[0] || cg.v1_memory_mount[0] == '/');
	model_mountinfo(text, v2, v1);
	CHECK(strcmp(cg.v2_mount, v2) == 0);
	CHECK(strcmp(cg.v1_memory_mount, v1) == 0);
}

/* ---------------------------------------------------- normalisation model */

/* Component stack: "" -> -EINVAL, ".." above the top -> -EINVAL. */
static int model_normalize(const char *in, char *out)
{
	char *copy = strdup(in);
	const char **st = malloc((strlen(in) / 2 + 1) * sizeof(*st));
	size_t depth = 0, o = 0;
	int err = 0;

	if (!copy || !st)
		abort();
	if (!*in)
		err = -EINVAL;
	for (char *t = strtok(copy, "/"); t && !err; t = strtok(NULL, "/")) {
		if (strcmp(t, ".") == 0)
			continue;
		if (strcmp(t, "..") == 0) {
			if (!depth)
				err = -EINVAL;
			else
				depth--;
			continue;
		}
		st[depth++] = t;
	}
	if (!err) {
		out[o++] = '/';
		for (size_t i = 0; i < depth; i++) {
			size_t l = strlen(st[i]);

			if (i)
				out[o++] = '/';
			memcpy(out + o, st[i], l);
			o += l;
		}
		out[o] = '\0';
	}
	free(copy);
	free(st);
	return err;
}

static void check_canonical(const char *p)
{
	size_t l = strlen(p);

	CHECK(p[0] == '/');
	CHECK(l == 1 || p[l - 1] != '/');
	CHECK(!strstr(p, "//"));
	for (const char *s = p; (s = strchr(s, '/')) != NULL; s++) {
		CHECK(!(s[1] == '.' && (s[2] == '/' || !s[2])));
		CHECK(!(s[1] == '.' && s[2] == '.' && (s[3] == '/' || !s[3])));
	}
}

/* Returns the normalised text (malloc'd) or NULL for -EINVAL. */
static char *check_normalize(const char *in)
{
	size_t len = strlen(in) + 2;
	char *out = malloc(len), *model = malloc(len + 1), *again = malloc(len);
	int err = cgroup_path_normalize(in, out, len), merr;

	if (!out || !model || !again)
		abort();
	merr = model_normalize(in, model);
	CHECK(err == merr);
	if (err) {
		CHECK(err == -EINVAL);
		free(out);
		free(model);
		free(again);
		return NULL;
	}
	CHECK(strcmp(out, model) == 0);
	check_canonical(out);
	CHECK(cgroup_path_normalize(out, again, len) == 0 && strcmp(out, again) == 0);
	/* smaller buffers: too small for the result is -ENAMETOOLONG; one that
	 * fits it may still be refused (an intermediate step was longer) */
	size_t need = strlen(out) + 1;

	for (size_t l = 0; l < len && l < 64; l++) {
		memset(again, 'Z', len);
		int e = cgroup_path_normalize(in, again, l);

		if (l < need)
			CHECK(e == -ENAMETOOLONG);
		else
			CHECK(e == -ENAMETOOLONG || (e == 0 && strcmp(again, out) == 0));
	}
	free(model);
	free(again);
	return out;
}

static void check_rel(const char *text)
{
	const char *tab = strchr(text, '\t');

	if (!tab)
		return;
	char *path = strndup(text, (size_t)(tab - text));

	if (!path)
		abort();
	char *np = check_normalize(path), *nm = check_normalize(tab + 1);

	if (np && nm) {
		const char *r = cgroup_path_rel(np, nm);
		size_t ml = strlen(nm);

		check_canonical(r);
		if (r != np) {
			CHECK(ml > 1 && strncmp(np, nm, ml) == 0);
			CHECK(strcmp(r, "/") == 0 ? np[ml] == '\0' : r == np + ml);
		} else {
			CHECK(ml <= 1 || strncmp(np, nm, ml) != 0 || (np[ml] != '/' && np[ml]));
		}
	}
	free(np);
	free(nm);
	free(path);
}

/* ------------------------------------------------------------- ancestry */

#define MAXN 24

static uint64_t node_id(size_t i)
{
	return ((uint64_t)(i * 2654435761u) << 8) + i + 1; /* distinct, never 0 */
}

static int cmp_node(const void *a, const void *b)
{
	const struct cgroup_node *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

static int cmp_ent(const void *a, const void *b)
{
	const struct cgroup_ent *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

static bool model_within(const size_t *parent, size_t a, size_t b)
{
	for (;;) {
		if (a == b)
			return true;
		if (a == 0)
			return false;
		a = parent[a];
	}
}

static void check_tree(const uint8_t *data, size_t size)
{
	size_t n = size < MAXN ? size : MAXN, parent[MAXN];
	struct cgroup_node nodes[MAXN];
	struct cgroup_ent ents[MAXN];
	uint64_t blind[MAXN];
	struct cgroups cg;
	bool unresolved = false;
	size_t nb = 0;

	if (n < 2)
		return;
	memset(&cg, 0, sizeof(cg));
	for (size_t i = 0; i < n; i++) {
		parent[i] = i ? data[i] % i : 0;
		nodes[i] = (struct cgroup_node){ node_id(i), i ? node_id(parent[i]) : 0 };
		ents[i] =
		    (struct cgroup_ent){ .id = node_id(i), .path = (data[i] & 0x40) ? NULL : "p" };
		unresolved |= !ents[i].path;
		if (data[i] & 0x80)
			blind[nb++] = node_id(i);
	}
	qsort(nodes, n, sizeof(nodes[0]), cmp_node);
	qsort(ents, n, sizeof(ents[0]), cmp_ent);
	cg.nodes = nodes;
	cg.nnodes = n;
	cg.v = ents;
	cg.n = n;
	cg.blind = blind;
	cg.nblind = nb;
	for (size_t a = 0; a < n; a++) {
		bool any_blind = false;

		for (size_t b = 0; b < n; b++)
			CHECK(cgroup_within(&cg, node_id(a), node_id(b)) ==
			      model_within(parent, a, b));
		CHECK(!cgroup_within(&cg, node_id(a), 0));
		for (size_t k = 0; k < n; k++)
			if (data[k] & 0x80)
				any_blind |= model_within(parent, k, a);
		CHECK(cgroup_blind_within(&cg, node_id(a)) == (unresolved && any_blind));
	}
	/* an id outside the tree is within itself only */
	CHECK(cgroup_within(&cg, 7, 7) && !cgroup_within(&cg, 7, node_id(0)));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text;

	if (size > 64 * 1024)
		return 0;
	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	check_mountinfo(text);
	free(check_normalize(text));
	check_rel(text);
	check_tree(data, size);
	free(text);
	return 0;
}
