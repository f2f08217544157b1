// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * snapfile.c - a collector whose source is a file: reads a snapshot
 * document back into a snapshot, with jansson. This file holds the sockets
 * (unique cookies, holders that name listed processes), the top-level
 * framing and the entry points; snapsect.c the other members, snapjson.c
 * the checked access to values. Unknown members are ignored: a later
 * sockmem/1.x may add some.
 */
#include "collect/snapfile.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "collect/snapread.h"

/* ----------------------------------------------------------------- sockets */

static int read_addr(struct rd *d, json_t *el, const char *path, const char *key, int family,
		     uint8_t *addr)
{
	json_t *v = sr_need(d, el, path, key);

	if (!v)
		return -1;
	if (!json_is_string(v) || inet_pton(family, json_string_value(v), addr) != 1)
		return sr_wrong(d, path, key,
				family == AF_INET ? "not an IPv4 address" : "not an IPv6 address");
	return 0;
}

static int read_tcp_info(struct rd *d, json_t *el, const char *path, struct sock_rec *s)
{
	json_t *ti;
	char p[80];

	if (sr_get_node(d, el, path, "tcp_info", JSON_OBJECT, true, &ti))
		return -1;
	if (!ti)
		return 0;
	snprintf(p, sizeof(p), "%s.tcp_info", path);
	for (int i = 0; i < TI_N; i++) {
		const char *k = diag_ti_fields[i].name;
		json_t *v = sr_need(d, ti, p, k);
		int64_t x;

		if (!v)
			return -1;
		if (json_is_null(v))
			continue;
		if (diag_ti_fields[i].size == 8) {
			if (sr_u64_str_in(d, v, p, k, &s->ti[i]))
				return -1;
		} else {
			/* a size-1 field is a 4-bit window scale */
			if (sr_int_in(d, v, p, k, 0, diag_ti_fields[i].size == 1 ? 15 : UINT32_MAX,
				      &x))
				return -1;
			s->ti[i] = (uint64_t)x;
		}
		s->ti_mask |= (uint16_t)(1u << i);
	}
	return 0;
}

static int read_skmem(struct rd *d, json_t *el, const char *path, struct sock_rec *s)
{
	json_t *sk;

	if (sr_get_node(d, el, path, "skmem", JSON_ARRAY, false, &sk))
		return -1;
	if (json_array_size(sk) > SKM_N)
		return sr_wrong(d, path, "skmem", "more values than SK_MEMINFO has");
	for (size_t i = 0; i < json_array_size(sk); i++) {
		int64_t v;

		if (sr_int_in(d, json_array_get(sk, i), path, "skmem", 0, UINT32_MAX, &v))
			return -1;
		s->skmem[i] = (uint32_t)v;
	}
	s->skmem_n = (uint8_t)json_array_size(sk);
	return 0;
}

static int pid_cmp(const void *a, const void *b)
{
	const struct proc_ent *x = a, *y = b;

	return (x->pid > y->pid) - (x->pid < y->pid);
}

static int add_link(struct rd *d, const char *path, uint32_t sock, uint32_t proc, int32_t fd)
{
	struct owners *o = &d->r->owners;

	if (o->nlinks == o->links_cap) {
		size_t cap = o->links_cap ? o->links_cap * 2 : 256;
		struct owner_link *v =
		    cap < UINT32_MAX ? realloc(o->links, cap * sizeof(*v)) : NULL;

		if (!v)
			return sr_bad(d, "%s: out of memory", path);
		o->links = v;
		o->links_cap = cap;
	}
	o->links[o->nlinks++] = (struct owner_link){ sock, proc, fd };
	return 0;
}

/* The socket's holders as owner links: every pid a listed process, in
 * (pid, fd) order, each pair once (the order owners_join leaves). */
static int read_holders(struct rd *d, json_t *el, const char *path, uint32_t idx,
			struct sock_rec *s)
{
	struct owners *o = &d->r->owners;
	json_t *hs;
	char p[80];

	if (sr_get_node(d, el, path, "holders", JSON_ARRAY, true, &hs))
		return -1;
	if (!hs != !d->r->owners_scanned)
		return sr_wrong(d, path, "holders",
				hs ? "a list, but the snapshot has no owners"
				   : "null, but owners were read");
	if (!hs)
		return 0;
	snprintf(p, sizeof(p), "%s.holders", path);
	s->own_first = json_array_size(hs) ? (uint32_t)o->nlinks : 0;
	for (size_t i = 0; i < json_array_size(hs); i++) {
		json_t *h = json_array_get(hs, i);
		struct proc_ent key, *pe;
		int64_t pid, fd;

		if (!json_is_object(h))
			return sr_wrong(d, p, "", "not an object");
		if (sr_get_int(d, h, p, "pid", 1, INT32_MAX, &pid) ||
		    sr_get_int(d, h, p, "fd", 0, INT32_MAX, &fd))
			return -1;
		key.pid = (int32_t)pid;
		pe = o->nprocs ? bsearch(&key, o->procs, o->nprocs, sizeof(*o->procs), pid_cmp)
			       : NULL;
		if (!pe)
			return sr_wrong(d, p, "pid", "not among owners.procs");
		if (i) {
			const struct owner_link *prev = &o->links[o->nlinks - 1];
			int32_t ppid = o->procs[prev->proc].pid;

			if (ppid > pid || (ppid == pid && prev->fd >= fd))
				return sr_wrong(d, p, "", "not in (pid, fd) order, or repeated");
		}
		if (add_link(d, p, idx, (uint32_t)(pe - o->procs), (int32_t)fd))
			return -1;
	}
	s->own_n = (uint32_t)json_array_size(hs);
	return 0;
}

static int sock_el(struct rd *d, json_t *el, const char *path, size_t i, void *ctx)
{
	struct sock_rec s;
	json_t *fam, *pro;
	const char *f;
	bool has;
	int64_t v;
	int rc;

	(void)ctx;
	memset(&s, 0, sizeof(s));
	if (sr_get_u64_str(d, el, path, "cookie", false, &has, &s.cookie))
		return -1;
	fam = sr_need(d, el, path, "family");
	if (!fam)
		return -1;
	f = json_is_string(fam) ? json_string_value(fam) : "";
	s.family = strcmp(f, "inet") == 0 ? AF_INET : strcmp(f, "inet6") == 0 ? AF_INET6 : 0;
	if (!s.family)
		return sr_wrong(d, path, "family", "not inet or inet6");
	pro = sr_need(d, el, path, "protocol"); /* null when absent: tcp */
	if (!pro)
		return -1;
	f = json_is_null(pro) ? "tcp" : json_is_string(pro) ? json_string_value(pro) : "";
	if (strcmp(f, "udp") == 0)
		s.protocol = SOCK_PROTO_UDP;
	else if (strcmp(f, "tcp") != 0)
		return sr_wrong(d, path, "protocol", "not tcp or udp");
	if (sr_get_int(d, el, path, "state", 0, 255, &v))
		return -1;
	s.state = (uint8_t)v;
	if (read_addr(d, el, path, "src", s.family, s.saddr) ||
	    sr_get_int(d, el, path, "sport", 0, 65535, &v))
		return -1;
	s.sport = (uint16_t)v;
	if (read_addr(d, el, path, "dst", s.family, s.daddr) ||
	    sr_get_int(d, el, path, "dport", 0, 65535, &v))
		return -1;
	s.dport = (uint16_t)v;
	if (sr_get_u32(d, el, path, "ifindex", &s.ifindex) ||
	    sr_get_u32(d, el, path, "inode", &s.inode) || sr_get_u32(d, el, path, "uid", &s.uid) ||
	    sr_get_u32(d, el, path, "rqueue", &s.rqueue) ||
	    sr_get_u32(d, el, path, "wqueue", &s.wqueue) ||
	    sr_get_nz(d, el, path, "netns_ino", INT64_MAX, &v))
		return -1;
	s.netns_ino = (uint64_t)v;
	if (sr_get_u64_str(d, el, path, "cgroup_id", true, &has, &s.cgroup_id))
		return -1;
	if (has)
		s.flags |= SOCK_HAS_CGROUP;
	if (read_skmem(d, el, path, &s) || read_tcp_info(d, el, path, &s) ||
	    read_holders(d, el, path, (uint32_t)i, &s))
		return -1;
	rc = sock_table_add(&d->r->socks, &s);
	if (rc < 0)
		return sr_bad(d, "%s: out of memory", path);
	if (rc == 0)
		return sr_wrong(d, path, "cookie", "repeats an earlier socket's");
	return 0;
}

static int read_sockets(struct rd *d, json_t *root)
{
	json_t *arr;

	if (sr_get_node(d, root, "", "sockets", JSON_ARRAY, false, &arr))
		return -1;
	if (json_array_size(arr) >= UINT32_MAX - 1)
		return sr_wrong(d, "", "sockets", "too many");
	return sr_each(d, arr, "sockets", sock_el, NULL);
}

/* ---------------------------------------------------------------- framing */

/*
 * jansson decodes every value. To keep one socket's tree in memory instead
 * of the whole document's (jansson takes ~5 KiB per socket object: 500 MiB
 * at 100k sockets), the top-level object is taken apart member by member
 * here: this code steps over whitespace and the separators { } [ ] , : of
 * that object and of its "sockets" array only, and hands each key and each
 * value (each socket) to json_loadb, which says how many bytes it used.
 */

/* Members every snapshot has besides "sockets", in the writer's order. */
static const char *const before_sockets[] = {
	"schema", "command", "host",  "boot_id", "coverage", "sysinfo",
	"dump",	  "ifnames", "users", "netns",	 "cgroups",  "owners",
};

/* The "sockets" array, one element decoded at a time (the cursor is past
 * its '['). */
static int stream_sockets(struct rd *d)
{
	char path[64];
	size_t i = 0;

	sr_skip_ws(d);
	if (d->at < d->len && d->text[d->at] == ']') {
		d->at++;
		return 0;
	}
	for (;; i++) {
		json_t *el = sr_value(d);
		int rc;
		char c;

		if (!el)
			return -1;
		snprintf(path, sizeof(path), "sockets[%zu]", i);
		if (i >= UINT32_MAX - 2)
			rc = sr_wrong(d, "", "sockets", "too many");
		else if (!json_is_object(el))
			rc = sr_bad(d, "%s: not an object", path);
		else
			rc = sock_el(d, el, path, i, NULL);
		json_decref(el);
		if (rc)
			return -1;
		c = sr_sep(d, ",]", "',' or ']' expected");
		if (c != ',')
			return c ? 0 : -1;
	}
}

/* One member of the top-level object (the cursor is at its key). The
 * sockets stream when everything they refer to has been read; otherwise
 * (another order of members) the array is kept whole for later. */
static int member(struct rd *d, json_t *root, bool *streamed)
{
	json_t *k = sr_value(d), *v;
	const char *key;
	bool ready = true;

	if (!k)
		return -1;
	if (!json_is_string(k)) {
		json_decref(k);
		return sr_syntax(d, d->at, "object key expected", json_error_invalid_syntax);
	}
	key = json_string_value(k);
	if (json_object_get(root, key) || (*streamed && strcmp(key, "sockets") == 0)) {
		json_decref(k);
		return sr_syntax(d, d->at, "duplicate object key", json_error_duplicate_key);
	}
	if (!sr_sep(d, ":", "':' expected")) {
		json_decref(k);
		return -1;
	}
	for (size_t i = 0; i < sizeof(before_sockets) / sizeof(before_sockets[0]); i++)
		ready = ready && json_object_get(root, before_sockets[i]);
	sr_skip_ws(d);
	if (strcmp(key, "sockets") == 0 && ready && d->at < d->len && d->text[d->at] == '[') {
		json_decref(k);
		d->at++;
		*streamed = true;
		return sr_read_sections(d, root) || stream_sockets(d) ? -1 : 0;
	}
	v = sr_value(d);
	if (!v || json_object_set_new(root, key, v)) {
		json_decref(k);
		return v ? sr_bad(d, "out of memory") : -1;
	}
	json_decref(k);
	return 0;
}

/* The top-level object, member by member; root receives all but a
 * streamed "sockets". */
static int document(struct rd *d, json_t *root, bool *streamed)
{
	sr_skip_ws(d);
	if (d->at >= d->len)
		return sr_bad(d, "empty, not a snapshot");
	if (d->text[d->at] != '{') {
		json_t *v = sr_value(d); /* jansson's word on what it is */

		if (!v)
			return -1;
		json_decref(v);
		return sr_bad(d, "not a sockmem snapshot (not a JSON object)");
	}
	d->at++;
	sr_skip_ws(d);
	if (d->at < d->len && d->text[d->at] == '}') {
		d->at++;
	} else {
		for (;;) {
			char c;

			if (member(d, root, streamed))
				return -1;
			c = sr_sep(d, ",}", "',' or '}' expected");
			if (c != ',') {
				if (!c)
					return -1;
				break;
			}
		}
	}
	sr_skip_ws(d);
	if (d->at < d->len)
		return sr_syntax(d, d->at, "end of file expected",
				 json_error_end_of_input_expected);
	return 0;
}

int snapfile_parse(const char *text, size_t len, struct snapshot *r, char *why, size_t whylen)
{
	struct rd d = { r, why, whylen, text, len, 0 };
	json_t *root = json_object();
	bool streamed = false;
	int rc;

	memset(r, 0, sizeof(*r));
	if (!root)
		return sr_bad(&d, "out of memory");
	rc = document(&d, root, &streamed);
	/* the kind of document first, then any other order of members */
	if (!rc && !streamed)
		rc = sr_read_sections(&d, root) || read_sockets(&d, root) ? -1 : 0;
	json_decref(root);
	if (rc)
		snapshot_free(r);
	return rc;
}

/* Reads all of fd into a malloc'd buffer. Returns 0 or -errno. */
static int slurp(int fd, char **out, size_t *len)
{
	struct stat st;
	/* a file's size up front: one allocation, no copies */
	size_t cap = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0
			 ? (size_t)st.st_size + 1
			 : 1 << 16,
	       n = 0;
	char *buf = malloc(cap);

	if (!buf)
		return -ENOMEM;
	for (;;) {
		ssize_t k;

		if (n == cap) {
			char *nb = cap < SIZE_MAX / 2 ? realloc(buf, cap * 2) : NULL;

			if (!nb) {
				free(buf);
				return -ENOMEM;
			}
			buf = nb;
			cap *= 2;
		}
		k = read(fd, buf + n, cap - n);
		if (k < 0) {
			int err = errno;

			free(buf);
			return -err;
		}
		if (k == 0)
			break;
		n += (size_t)k;
	}
	*out = buf;
	*len = n;
	return 0;
}

int snapfile_load(const char *path, struct snapshot *r, char *why, size_t whylen)
{
	bool in = strcmp(path, "-") == 0;
	int fd = in ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	char *text = NULL;
	size_t len = 0;
	int err, rc;

	memset(r, 0, sizeof(*r));
	if (fd < 0) {
		snprintf(why, whylen, "%s", strerror(errno));
		return -1;
	}
	err = slurp(fd, &text, &len);
	if (!in)
		close(fd);
	if (err) {
		snprintf(why, whylen, "%s", strerror(-err));
		return -1;
	}
	rc = snapfile_parse(text, len, r, why, whylen);
	free(text);
	return rc;
}
