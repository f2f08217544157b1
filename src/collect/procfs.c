// SPDX-License-Identifier: GPL-2.0-or-later
/* procfs.c - /proc/net and /proc/sys readers relative to a proc root. */
#include "collect/procfs.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/num.h"

int procfs_open(struct procfs *p, const char *root)
{
	p->dirfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return p->dirfd < 0 ? -errno : 0;
}

void procfs_close(struct procfs *p)
{
	if (p->dirfd >= 0)
		close(p->dirfd);
	p->dirfd = -1;
}

long procfs_read(const struct procfs *p, const char *rel, char *buf, size_t len)
{
	size_t got = 0;
	int fd;

	if (len == 0)
		return -EINVAL;
	fd = openat(p->dirfd, rel, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 && errno == ELOOP) /* /proc/net is itself a symlink to self/net */
		fd = openat(p->dirfd, rel, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while (got < len - 1) {
		ssize_t n = read(fd, buf + got, len - 1 - got);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			int err = -errno;

			close(fd);
			return err;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	buf[got] = '\0';
	close(fd);
	return (long)got;
}

static const char *skip_ws(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/* Length of the whitespace-free token at s. */
static size_t tok_len(const char *s)
{
	size_t n = 0;

	while (s[n] && !isspace((unsigned char)s[n]))
		n++;
	return n;
}

/* Finds the line starting with prefix; returns the text after it or NULL. */
static const char *find_line(const char *text, const char *prefix)
{
	size_t pl = strlen(prefix);

	for (const char *l = text; l && *l;) {
		if (strncmp(l, prefix, pl) == 0)
			return l + pl;
		l = strchr(l, '\n');
		if (l)
			l++;
	}
	return NULL;
}

/* Reads "key value key value ..." pairs on one line; sets the named maybes. */
static void parse_pairs(const char *s, const char *const *keys, struct maybe *const *vals,
			int nkeys)
{
	while (*s && *s != '\n') {
		s = skip_ws(s);
		size_t kl = tok_len(s);
		const char *k = s;

		if (kl == 0)
			break;
		s = skip_ws(s + kl);
		int64_t v;
		const char *e;

		if (num_i64_prefix(s, &e, &v) != 0)
			break;
		s = e;
		for (int i = 0; i < nkeys; i++)
			if (strlen(keys[i]) == kl && strncmp(keys[i], k, kl) == 0)
				*vals[i] = maybe_of(v);
	}
}

int procfs_parse_sockstat(const char *text, struct sockstat *out)
{
	const char *keys[] = { "inuse", "orphan", "tw", "alloc", "mem" };
	struct maybe *vals[] = { &out->inuse, &out->orphan, &out->tw, &out->alloc,
				 &out->mem_pages };
	const char *used = find_line(text, "sockets:");
	const char *tcp = find_line(text, "TCP:");

	if (used) {
		const char *k[] = { "used" };
		struct maybe *v[] = { &out->sockets_used };

		parse_pairs(used, k, v, 1);
	}
	if (!tcp)
		return -EINVAL;
	parse_pairs(tcp, keys, vals, 5);
	const char *udp = find_line(text, "UDP:");

	if (udp) {
		const char *k[] = { "inuse", "mem" };
		struct maybe *v[] = { &out->udp_inuse, &out->udp_mem_pages };

		parse_pairs(udp, k, v, 2);
	}
	return 0;
}

int procfs_parse_sockstat6(const char *text, struct sockstat *out)
{
	const char *keys[] = { "inuse" };
	struct maybe *vals[] = { &out->inuse6 };
	const char *tcp = find_line(text, "TCP6:");
	const char *udp = find_line(text, "UDP6:");

	if (!tcp)
		return -EINVAL;
	parse_pairs(tcp, keys, vals, 1);
	if (udp) {
		struct maybe *v[] = { &out->udp_inuse6 };

		parse_pairs(udp, keys, v, 1);
	}
	return 0;
}

/* Index of the whitespace-separated column named col in line, or -1. */
static int column_of(const char *line, const char *col)
{
	size_t cl = strlen(col);
	int i = 0;

	for (const char *s = skip_ws(line); *s && *s != '\n'; s = skip_ws(s), i++) {
		size_t n = tok_len(s);

		if (n == 0)
			break; /* '\r', '\v' or '\f', which skip_ws does not skip */
		if (n == cl && strncmp(s, col, n) == 0)
			return i;
		s += n;
	}
	return -1;
}

/* Pointer to column i of line, or NULL. */
static const char *column_at(const char *line, int i)
{
	const char *s = skip_ws(line);

	for (; i > 0 && *s && *s != '\n'; i--)
		s = skip_ws(s + tok_len(s));
	return (*s && *s != '\n') ? s : NULL;
}

/* Parses the memory and press columns of the row named name. */
static int protocols_row(const char *text, const char *name, struct maybe *mem,
			 struct maybe *press)
{
	int cmem = column_of(text, "memory");
	int cpress = column_of(text, "press");
	int cname = column_of(text, "protocol");
	size_t nl = strlen(name);
	const char *row = NULL;

	if (cmem < 0 || cpress < 0 || cname < 0)
		return -EINVAL;
	for (const char *l = strchr(text, '\n'); l && l[1]; l = strchr(l + 1, '\n')) {
		const char *c = column_at(l + 1, cname);

		if (c && tok_len(c) == nl && strncmp(c, name, nl) == 0) {
			row = l + 1;
			break;
		}
	}
	if (!row)
		return -EINVAL;
	const char *m = column_at(row, cmem), *p = column_at(row, cpress);
	int64_t v;

	if (m && num_i64_prefix(m, NULL, &v) == 0)
		*mem = maybe_of(v);
	if (p && strncmp(p, "yes", 3) == 0 && tok_len(p) == 3)
		*press = maybe_of(1);
	else if (p && strncmp(p, "no", 2) == 0 && tok_len(p) == 2)
		*press = maybe_of(0);
	return 0;
}

int procfs_parse_protocols(const char *text, struct protocols *out)
{
	int err = protocols_row(text, "TCP", &out->memory_pages, &out->pressure);

	if (err)
		return err;
	/* a kernel without UDP (impossible in practice) leaves it absent */
	protocols_row(text, "UDP", &out->udp_memory_pages, &out->udp_pressure);
	return 0;
}

/* Reads a "Prefix: Name Name ...\nPrefix: 1 2 ..." pair of lines (netstat,
 * snmp): the values of the n names wanted into out. */
static int parse_table(const char *text, const char *prefix, const char *const *want, int n,
		       struct maybe *out)
{
	size_t pl = strlen(prefix);
	const char *names = find_line(text, prefix);
	const char *vals;

	if (!names)
		return -EINVAL;
	vals = strchr(names, '\n');
	if (!vals || strncmp(vals + 1, prefix, pl) != 0)
		return -EINVAL;
	vals += 1 + pl;
	for (;;) {
		names = skip_ws(names);
		vals = skip_ws(vals);
		size_t nl = tok_len(names);
		int64_t v;
		const char *e;

		if (nl == 0 || num_i64_prefix(vals, &e, &v) != 0)
			break;
		for (int i = 0; i < n; i++)
			if (strlen(want[i]) == nl && strncmp(want[i], names, nl) == 0)
				out[i] = maybe_of(v);
		names += nl;
		vals = e;
	}
	return 0;
}

int procfs_parse_netstat(const char *text, struct maybe out[TX_N])
{
	return parse_table(text, "TcpExt:", procfs_tcpext_names, TX_N, out);
}

int procfs_parse_snmp_udp(const char *text, struct maybe out[UC_N])
{
	return parse_table(text, "Udp:", procfs_udp_names, UC_N, out);
}

int procfs_parse_snmp6_udp(const char *text, struct maybe out[UC_N])
{
	int found = 0;

	/* one "Udp6Name<spaces>value" per line; UdpLite6 lines do not match */
	for (const char *l = text; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
		size_t nl = tok_len(l);
		int64_t v;

		if (nl <= 4 || strncmp(l, "Udp6", 4) != 0)
			continue;
		if (num_i64_prefix(skip_ws(l + nl), NULL, &v) != 0)
			continue;
		found = 1;
		for (int i = 0; i < UC_N; i++)
			if (strlen(procfs_udp_names[i]) == nl - 4 &&
			    strncmp(procfs_udp_names[i], l + 4, nl - 4) == 0)
				out[i] = maybe_of(v);
	}
	return found ? 0 : -EINVAL;
}

int procfs_parse_ints(const char *text, struct maybe *out, int n)
{
	const char *s = text;
	int i;

	for (i = 0; i < n; i++) {
		int64_t v;

		while (isspace((unsigned char)*s))
			s++;
		if (num_i64_prefix(s, &s, &v) != 0)
			break;
		out[i] = maybe_of(v);
	}
	return i ? i : -EINVAL;
}

static void read_ints(const struct procfs *p, const char *rel, struct maybe *out, int n)
{
	char buf[256];

	if (procfs_read(p, rel, buf, sizeof(buf)) > 0)
		procfs_parse_ints(buf, out, n);
}

/* Reads a one-value file; drops only the kernel's terminating newline (a
 * host name may itself contain one: it is untrusted text, escaped on output). */
static void read_line(const struct procfs *p, const char *rel, char *out, size_t len)
{
	long n = procfs_read(p, rel, out, len);

	if (n <= 0) {
		out[0] = '\0';
		return;
	}
	if (out[n - 1] == '\n')
		out[n - 1] = '\0';
}

/* tcp_mem is registered in the initial network namespace only: present
 * there, absent (while per-namespace tcp_rmem exists) in a child one. */
static struct maybe initial_netns(const struct procfs *p, const struct sysctls *sc)
{
	if (sc->tcp_mem[0].has)
		return maybe_of(1);
	if (faccessat(p->dirfd, "sys/net/ipv4/tcp_mem", F_OK, 0) < 0 && errno == ENOENT &&
	    faccessat(p->dirfd, "sys/net/ipv4/tcp_rmem", F_OK, 0) == 0)
		return maybe_of(0);
	return maybe_none();
}

int procfs_read_sysinfo(const struct procfs *p, struct sysinfo *si, const char **where)
{
	char buf[64 * 1024];
	const size_t bufsz = sizeof(buf);
	struct sysctls *sc = &si->sysctl;
	long n;

	memset(si, 0, sizeof(*si));
	n = procfs_read(p, "net/sockstat", buf, bufsz);
	if (n < 0) {
		*where = "net/sockstat";
		return (int)n;
	}
	if (procfs_parse_sockstat(buf, &si->sockstat) < 0) {
		*where = "net/sockstat";
		return -EINVAL;
	}
	if (procfs_read(p, "net/sockstat6", buf, bufsz) > 0)
		procfs_parse_sockstat6(buf, &si->sockstat);
	if (procfs_read(p, "net/protocols", buf, bufsz) > 0)
		procfs_parse_protocols(buf, &si->proto);
	if (procfs_read(p, "net/netstat", buf, bufsz) > 0)
		procfs_parse_netstat(buf, si->tcpext);
	if (procfs_read(p, "net/snmp", buf, bufsz) > 0)
		procfs_parse_snmp_udp(buf, si->udp);
	if (procfs_read(p, "net/snmp6", buf, bufsz) > 0)
		procfs_parse_snmp6_udp(buf, si->udp6);

	read_ints(p, "sys/net/ipv4/tcp_mem", sc->tcp_mem, 3);
	read_ints(p, "sys/net/ipv4/tcp_rmem", sc->tcp_rmem, 3);
	read_ints(p, "sys/net/ipv4/tcp_wmem", sc->tcp_wmem, 3);
	read_ints(p, "sys/net/ipv4/tcp_max_orphans", &sc->tcp_max_orphans, 1);
	read_ints(p, "sys/net/ipv4/tcp_adv_win_scale", &sc->tcp_adv_win_scale, 1);
	read_ints(p, "sys/net/ipv4/tcp_moderate_rcvbuf", &sc->tcp_moderate_rcvbuf, 1);
	read_ints(p, "sys/net/ipv4/tcp_notsent_lowat", &sc->tcp_notsent_lowat, 1);
	read_ints(p, "sys/net/ipv4/tcp_shrink_window", &sc->tcp_shrink_window, 1);
	read_ints(p, "sys/net/core/rmem_max", &sc->rmem_max, 1);
	read_ints(p, "sys/net/core/wmem_max", &sc->wmem_max, 1);
	read_ints(p, "sys/net/core/rmem_default", &sc->rmem_default, 1);
	read_ints(p, "sys/net/core/wmem_default", &sc->wmem_default, 1);
	read_ints(p, "sys/net/core/mem_pcpu_rsv", &sc->mem_pcpu_rsv, 1);
	read_ints(p, "sys/net/ipv4/udp_mem", sc->udp_mem, 3);
	read_ints(p, "sys/net/ipv4/udp_rmem_min", &sc->udp_rmem_min, 1);
	read_ints(p, "sys/net/ipv4/udp_wmem_min", &sc->udp_wmem_min, 1);
	si->initial_netns = initial_netns(p, sc);
	read_line(p, "sys/kernel/hostname", si->hostname, sizeof(si->hostname));
	read_line(p, "sys/kernel/osrelease", si->release, sizeof(si->release));
	read_line(p, "sys/kernel/random/boot_id", si->boot_id, sizeof(si->boot_id));
	return 0;
}


uint64_t procfs_netns_ino(const struct procfs *p, int pid)
{
	char path[64];
	struct stat st;

	if (pid > 0)
		snprintf(path, sizeof(path), "%d/ns/net", pid);
	else
		snprintf(path, sizeof(path), "self/ns/net");
	if (fstatat(p->dirfd, path, &st, 0) < 0)
		return 0;
	return (uint64_t)st.st_ino;
}
