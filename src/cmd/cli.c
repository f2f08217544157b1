// SPDX-License-Identifier: GPL-2.0-or-later
/* cli.c - option and subcommand parsing (no I/O besides usage()). */
#include "cmd/cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cmd/cmds.h"
#include "util/num.h"

void cli_usage(FILE *f)
{
	fputs("Usage: sockmem [COMMAND] [OPTIONS]\n"
	      "       sockmem plot RECORDING [-o svg]\n"
	      "Commands:\n",
	      f);
	for (size_t i = 0; i < ncmds; i++)
		fprintf(f, "  %-9s %s\n", cmds[i].name, cmds[i].help);
	fputs("Options:\n"
	      "  -o, --output FMT   table (default), tsv, json or prom (plot: svg)\n"
	      "  -j, --json         same as -o json\n"
	      "  -H, --no-header    no header line (table, tsv)\n"
	      "  -n, --numeric      exact byte counts in tables\n"
	      "  -4, --ipv4         IPv4 sockets only\n"
	      "  -6, --ipv6         IPv6 sockets only\n"
	      "  -t, --tcp          TCP sockets (the default)\n"
	      "  -u, --udp          UDP sockets (-tu: both)\n"
	      "      --top N        at most N groups in top/report\n"
	      "      --by KEY       group top by process (default), cgroup, user, port, state, "
	      "netns\n"
	      "      --all-netns    every network namespace on the host (the default as\n"
	      "                     root in the host's initial network namespace)\n"
	      "      --this-netns   only the network namespace sockmem runs in\n"
	      "  -N, --netns NAME   the named network namespace (ip netns)\n"
	      "      --from FILE    render a saved snapshot (- for stdin) instead of collecting\n"
	      "      --textfile PATH  write the output to PATH atomically\n"
	      "filters (repeat an option to OR values; different options AND):\n"
	      "      --state STATE  ss state name or group (connected, synchronized, bucket, big, "
	      "all)\n"
	      "      --sport PORT[-PORT], --dport PORT[-PORT]\n"
	      "      --src ADDR[/LEN], --dst ADDR[/LEN]\n"
	      "      --pid PID, --comm NAME, --uid UID, --cgroup PATH\n"
	      "      --sort FIELD   charged (default), sockets, r, w, f, t, rb, tb, pid, comm\n"
	      "      --no-owners    skip the /proc/[pid]/fd walk\n"
	      "      --owner-walk auto|bpf|proc  find the holders in the kernel (BPF) or\n"
	      "                     in /proc/[pid]/fd (default auto: BPF where it can run)\n"
	      "      --walk-threads N  threads of the /proc/[pid]/fd walk (1 to 64; default:\n"
	      "                     the CPUs, 1 to 8; but one beside the dump)\n"
	      "      --stats        print netlink dump statistics on stderr\n"
	      "      --proc-root DIR  read /proc files below DIR (testing aid)\n"
	      "check thresholds:\n"
	      "      --unsent-min BYTES   unsent data that counts as large (default 1M)\n"
	      "      --zero-window BYTES  advertised window counted as near zero\n"
	      "                           (default: less than the socket's rcv_mss)\n"
	      "      --unread-min BYTES   unread data that counts as held (default 1)\n"
	      "  -h, --help         this text\n"
	      "  -V, --version      version\n",
	      f);
}

__attribute__((format(printf, 3, 4))) static int fail(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return EXIT_USAGE;
}

enum {
	OPT_TOP = 256,
	OPT_SORT,
	OPT_NO_OWNERS,
	OPT_STATS,
	OPT_PROC_ROOT,
	OPT_UNSENT_MIN,
	OPT_ZERO_WINDOW,
	OPT_UNREAD_MIN,
	OPT_BY,
	OPT_ALL_NETNS,
	OPT_THIS_NETNS,
	OPT_STATE,
	OPT_SPORT,
	OPT_DPORT,
	OPT_SRC,
	OPT_DST,
	OPT_PID,
	OPT_COMM,
	OPT_CGROUP,
	OPT_UID,
	OPT_FROM,
	OPT_TEXTFILE,
	OPT_OWNER_WALK,
	OPT_WALK_THREADS,
};

/* Parses one filter option value into o->filt. Returns 0 or EXIT_USAGE. */
static int add_filter(struct opts *o, int c, const char *v, char *err, size_t errlen)
{
	struct filter *f = &o->filt;
	size_t *cnt = c == OPT_SPORT	? &f->nsport
		      : c == OPT_DPORT	? &f->ndport
		      : c == OPT_SRC	? &f->nsrc
		      : c == OPT_DST	? &f->ndst
		      : c == OPT_PID	? &f->npid
		      : c == OPT_COMM	? &f->ncomm
		      : c == OPT_CGROUP ? &f->ncgroup
		      : c == OPT_UID	? &f->nuid
					: NULL;
	int64_t n;
	const char *end;

	if (c == OPT_STATE) {
		if (filter_add_state(f, v) != 0)
			return fail(err, errlen,
				    "unknown state '%s' (e.g. established, listening, time-wait, "
				    "connected, all)",
				    v);
		return 0;
	}
	if (*cnt >= FILTER_MAX_VALUES)
		return fail(err, errlen, "too many values for one filter (at most %d)",
			    FILTER_MAX_VALUES);
	switch (c) {
	case OPT_SPORT:
	case OPT_DPORT:
		if (filter_parse_ports(v, c == OPT_SPORT ? &f->sport[*cnt] : &f->dport[*cnt]) != 0)
			return fail(err, errlen,
				    "'%s' is not a port or port range (1-65535, LO-HI)", v);
		break;
	case OPT_SRC:
	case OPT_DST:
		if (filter_parse_cidr(v, c == OPT_SRC ? &f->src[*cnt] : &f->dst[*cnt]) != 0)
			return fail(err, errlen, "'%s' is not an address or CIDR prefix", v);
		break;
	case OPT_PID:
		if (num_i64_prefix(v, &end, &n) != 0 || *end || n < 1 || n > INT32_MAX)
			return fail(err, errlen, "'%s' is not a process id", v);
		f->pid[*cnt] = (int32_t)n;
		break;
	case OPT_UID:
		if (num_i64_prefix(v, &end, &n) != 0 || *end || n < 0 || n > UINT32_MAX)
			return fail(err, errlen, "'%s' is not a numeric uid", v);
		f->uid[*cnt] = (uint32_t)n;
		break;
	case OPT_COMM:
		if (!*v || strlen(v) > 15)
			return fail(err, errlen, "'%s' is not a process name (1 to 15 bytes)", v);
		f->comm[*cnt] = v;
		break;
	default: /* OPT_CGROUP */
		if (!*v)
			return fail(err, errlen, "%s", "--cgroup needs a path");
		f->cgroup[*cnt] = v;
		break;
	}
	(*cnt)++;
	return 0;
}

int cli_parse_size(const char *s, uint64_t *out)
{
	int64_t v;
	const char *end;
	int shift = 0;

	if (num_i64_prefix(s, &end, &v) != 0 || v < 0)
		return -EINVAL;
	if (*end == 'K' || *end == 'k')
		shift = 10;
	else if (*end == 'M' || *end == 'm')
		shift = 20;
	else if (*end == 'G' || *end == 'g')
		shift = 30;
	if (shift)
		end++;
	if (*end)
		return -EINVAL;
	if ((uint64_t)v > (UINT64_MAX >> 1) >> shift)
		return -ERANGE;
	*out = (uint64_t)v << shift;
	return 0;
}

/* A word that is no option: the command, or one its words (plot RECORDING). */
static int take_word(struct opts *o, const char *w, int *seen_cmd, char *err, size_t errlen)
{
	const struct cmd_def *found;

	if (*seen_cmd && o->nargs < cmd_get(o->cmd)->nargs) {
		o->args[o->nargs++] = w;
		return 0;
	}
	found = cmd_find(w);
	if (!found)
		return fail(err, errlen, "unknown command '%s'", w);
	if ((*seen_cmd)++)
		return fail(err, errlen, "more than one command ('%s')", w);
	o->cmd = found->id;
	o->cmd_name = found->name;
	return 0;
}

/* plot: one RECORDING, SVG only, nothing collected. */
static int check_plot(struct opts *o, int fmt_given, char *err, size_t errlen)
{
	if (o->cmd != CMD_PLOT)
		return o->fmt == FMT_SVG
			   ? fail(err, errlen, "%s", "-o svg is the format of plot RECORDING only")
			   : 0;
	if (o->nargs != 1 || !*o->args[0])
		return fail(err, errlen, "%s",
			    "plot needs a RECORDING: a file of sockmem watch -o json lines (- for "
			    "stdin)");
	if (o->from)
		return fail(err, errlen, "%s", "plot reads its RECORDING, not --from");
	if (fmt_given && o->fmt != FMT_SVG)
		return fail(err, errlen, "%s", "plot writes SVG only (-o svg)");
	o->fmt = FMT_SVG;
	return 0;
}

/* Options that do not go together with --from or with snapshot. */
static int check_combination(const struct opts *o, int root_given, int not_json, char *err,
			     size_t errlen)
{
	const struct filter *f = &o->filt;
	bool any = !o->want_v4 || !o->want_v6 || f->states || filter_has_kernel_part(f) ||
		   f->npid || f->ncomm || f->nuid || f->ncgroup;

	/* the scope of a collection: a snapshot was collected already */
	if (o->from && (o->netns || o->all_netns || o->this_netns || root_given || o->no_owners))
		return fail(err, errlen, "%s",
			    "--from: -N, --all-netns, --this-netns, --proc-root and --no-owners "
			    "choose what to collect; a snapshot is collected already");
	if (o->cmd != CMD_SNAPSHOT)
		return 0;
	if (not_json)
		return fail(err, errlen, "%s", "snapshot writes JSON only");
	if (o->from && any)
		return fail(err, errlen, "%s",
			    "snapshot --from copies a snapshot whole: filter when rendering a view "
			    "(VIEW --from FILE ...)");
	if (f->npid || f->ncomm || f->nuid || f->ncgroup)
		return fail(
		    err, errlen, "%s",
		    "snapshot keeps every socket the dump returns: --pid, --comm, --uid and "
		    "--cgroup apply when a view renders it (VIEW --from FILE ...)");
	return 0;
}

/* Parses a watch INTERVAL: seconds with at most 3 decimals (milliseconds),
 * from 0.001 to 86400. Returns 0 or -EINVAL. */
static int parse_interval(const char *s, int64_t *ms)
{
	int64_t whole = 0, frac = 0;
	int nfrac = 0;
	const char *p = s;

	if (!*p)
		return -EINVAL;
	for (; *p >= '0' && *p <= '9'; p++) {
		whole = whole * 10 + (*p - '0');
		if (whole > 86400)
			return -EINVAL;
	}
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++) {
			if (nfrac++ == 3)
				return -EINVAL;
			frac = frac * 10 + (*p - '0');
		}
	if (*p || p == s || (p == s + 1 && *s == '.'))
		return -EINVAL;
	for (; nfrac < 3; nfrac++)
		frac *= 10;
	*ms = whole * 1000 + frac;
	return *ms >= 1 && *ms <= 86400000 ? 0 : -EINVAL;
}

/* The operands of diff and watch into o. Returns 0 or EXIT_USAGE. */
static int check_operands(struct opts *o, char *err, size_t errlen)
{
	int64_t n;
	const char *end;

	o->interval_ms = 2000;
	if ((o->cmd == CMD_DIFF || o->cmd == CMD_WATCH) && o->textfile)
		return fail(err, errlen, "%s", "diff and watch write to standard output (no --textfile)");
	if (o->cmd == CMD_DIFF) {
		if (o->nargs < 1)
			return fail(err, errlen, "%s", "diff needs OLD.json [NEW.json]");
		for (size_t i = 0; i < o->nargs; i++)
			if (!*o->args[i])
				return fail(err, errlen, "%s", "diff: an empty file name");
	}
	if (o->cmd != CMD_WATCH)
		return o->from && o->cmd == CMD_DIFF
			   ? fail(err, errlen, "%s",
				  "diff reads its snapshots as operands, not --from")
			   : 0;
	if (o->from)
		return fail(err, errlen, "%s", "watch samples live: --from does not apply");
	if (o->nargs >= 1 && parse_interval(o->args[0], &o->interval_ms) != 0)
		return fail(err, errlen,
			    "watch: '%s' is not an interval in seconds (0.001 to 86400, e.g. 2 or 0.5)",
			    o->args[0]);
	if (o->nargs == 2) {
		if (num_i64_prefix(o->args[1], &end, &n) != 0 || *end || n < 1)
			return fail(err, errlen, "watch: '%s' is not a sample count (1 or more)",
				    o->args[1]);
		o->count = (uint64_t)n;
	}
	return 0;
}

int cli_parse_owner_walk(const char *s, enum owner_walk *out)
{
	static const char *const names[] = { [OWNER_WALK_AUTO] = "auto",
					      [OWNER_WALK_BPF] = "bpf",
					      [OWNER_WALK_PROC] = "proc" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(s, names[i]) == 0) {
			*out = (enum owner_walk)i;
			return 0;
		}
	return -1;
}

int cli_parse_walk_threads(const char *s, unsigned *out)
{
	uint64_t v;

	if (num_u64(s, OWNER_WALK_THREADS_MAX, &v) != 0 || v < 1)
		return -1;
	*out = (unsigned)v;
	return 0;
}

int cli_parse(int argc, char **argv, struct opts *o, char *err, size_t errlen)
{
	static const struct option lopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "json", no_argument, NULL, 'j' },
		{ "no-header", no_argument, NULL, 'H' },
		{ "numeric", no_argument, NULL, 'n' },
		{ "ipv4", no_argument, NULL, '4' },
		{ "tcp", no_argument, NULL, 't' },
		{ "udp", no_argument, NULL, 'u' },
		{ "ipv6", no_argument, NULL, '6' },
		{ "top", required_argument, NULL, OPT_TOP },
		{ "sort", required_argument, NULL, OPT_SORT },
		{ "no-owners", no_argument, NULL, OPT_NO_OWNERS },
		{ "stats", no_argument, NULL, OPT_STATS },
		{ "proc-root", required_argument, NULL, OPT_PROC_ROOT },
		{ "unsent-min", required_argument, NULL, OPT_UNSENT_MIN },
		{ "zero-window", required_argument, NULL, OPT_ZERO_WINDOW },
		{ "unread-min", required_argument, NULL, OPT_UNREAD_MIN },
		{ "by", required_argument, NULL, OPT_BY },
		{ "all-netns", no_argument, NULL, OPT_ALL_NETNS },
		{ "this-netns", no_argument, NULL, OPT_THIS_NETNS },
		{ "netns", required_argument, NULL, 'N' },
		{ "state", required_argument, NULL, OPT_STATE },
		{ "sport", required_argument, NULL, OPT_SPORT },
		{ "dport", required_argument, NULL, OPT_DPORT },
		{ "src", required_argument, NULL, OPT_SRC },
		{ "dst", required_argument, NULL, OPT_DST },
		{ "pid", required_argument, NULL, OPT_PID },
		{ "comm", required_argument, NULL, OPT_COMM },
		{ "cgroup", required_argument, NULL, OPT_CGROUP },
		{ "uid", required_argument, NULL, OPT_UID },
		{ "from", required_argument, NULL, OPT_FROM },
		{ "textfile", required_argument, NULL, OPT_TEXTFILE },
		{ "owner-walk", required_argument, NULL, OPT_OWNER_WALK },
		{ "walk-threads", required_argument, NULL, OPT_WALK_THREADS },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c, only4 = 0, only6 = 0, seen_cmd = 0, root_given = 0, fmt_given = 0, by_given = 0;
	int walk_given = 0;
	char optname[3] = "-?";

	memset(o, 0, sizeof(*o));
	o->cmd = CMD_REPORT;
	o->cmd_name = cmd_get(CMD_REPORT)->name;
	o->fmt = FMT_TABLE;
	o->sort = SORT_CHARGED;
	o->proc_root = "/proc";
	o->find.unsent_min = FIND_DEFAULT_UNSENT_MIN;
	o->find.zero_window = FIND_DEFAULT_ZERO_WINDOW;
	o->find.unread_min = FIND_DEFAULT_UNREAD_MIN;
	opterr = 0;
	/* 0, not 1: glibc and musl then also drop getopt's hidden position
	 * inside an option cluster, which an error return (e.g. "-Xn") leaves
	 * pointing into the previous argv. */
	optind = 0;
	for (;;) {
		int before = optind;

		c = getopt_long(argc, argv, "+:o:jHn46tuhVN:", lopts, NULL);
		if (c == -1) {
			/* getopt stepped over a "--" just now (not an option's value
			 * "--"): every later word is a command word, and getopt must
			 * not be called again (it would rewind to the same word). */
			int rest = optind >= 2 && strcmp(argv[optind - 1], "--") == 0 &&
				   optind == (before == 0 ? 2 : before + 1);

			if (optind >= argc)
				break;
			/* A non-option word: the command, accepted once, then
			 * the words it takes (plot RECORDING) */
			int rc = take_word(o, argv[optind++], &seen_cmd, err, errlen);

			if (rc)
				return rc;
			if (rest) {
				while (optind < argc && o->nargs < cmd_get(o->cmd)->nargs)
					o->args[o->nargs++] = argv[optind++];
				if (optind < argc)
					return fail(err, errlen,
						    "unexpected word '%s' after the command",
						    argv[optind]);
				break;
			}
			continue;
		}
		switch (c) {
		case 'o':
			fmt_given = 1;
			if (strcmp(optarg, "table") == 0)
				o->fmt = FMT_TABLE;
			else if (strcmp(optarg, "tsv") == 0)
				o->fmt = FMT_TSV;
			else if (strcmp(optarg, "json") == 0)
				o->fmt = FMT_JSON;
			else if (strcmp(optarg, "prom") == 0)
				o->fmt = FMT_PROM;
			else if (strcmp(optarg, "svg") == 0)
				o->fmt = FMT_SVG;
			else
				return fail(err, errlen,
					    "unknown output format '%s' (table, tsv, json, prom; svg "
					    "for plot)",
					    optarg);
			break;
		case 'j': o->fmt = FMT_JSON; break;
		case 'H': o->no_header = true; break;
		case 'n': o->numeric = true; break;
		case '4': only4 = 1; break;
		case '6': only6 = 1; break;
		case 't': o->want_tcp = true; break;
		case 'u': o->want_udp = true; break;
		case OPT_TOP: {
			int64_t v;
			const char *end;

			if (num_i64_prefix(optarg, &end, &v) != 0 || *end || v < 1 ||
			    v > 1000000000)
				return fail(err, errlen,
					    "--top needs a whole number from 1, not '%s'", optarg);
			o->top_n = (size_t)v;
			break;
		}
		case OPT_SORT:
			if (agg_sort_parse(optarg, &o->sort) != 0)
				return fail(err, errlen,
					    "unknown sort field '%s' (charged, sockets, r, w, f, "
					    "t, rb, tb, pid, comm)",
					    optarg);
			break;
		case OPT_NO_OWNERS: o->no_owners = true; break;
		case OPT_STATS: o->stats = true; break;
		case OPT_PROC_ROOT:
			o->proc_root = optarg;
			root_given = 1;
			break;
		case OPT_FROM:
			if (!*optarg)
				return fail(err, errlen, "%s",
					    "--from needs a file name (- for stdin)");
			o->from = optarg;
			break;
		case OPT_OWNER_WALK:
			if (cli_parse_owner_walk(optarg, &o->owner_walk) != 0)
				return fail(err, errlen, "--owner-walk: '%s' is not auto, bpf or proc",
					    optarg);
			walk_given = 1;
			break;
		case OPT_WALK_THREADS:
			if (cli_parse_walk_threads(optarg, &o->walk_threads) != 0)
				return fail(
				    err, errlen,
				    "--walk-threads needs a whole number from 1 to %d, not '%s'",
				    OWNER_WALK_THREADS_MAX, optarg);
			walk_given = 1;
			break;
		case OPT_TEXTFILE:
			if (!*optarg)
				return fail(err, errlen, "%s", "--textfile needs a file name");
			o->textfile = optarg;
			break;
		case OPT_UNSENT_MIN:
		case OPT_ZERO_WINDOW:
		case OPT_UNREAD_MIN: {
			uint64_t v;

			if (cli_parse_size(optarg, &v) != 0 || v > INT64_MAX / 2)
				return fail(err, errlen,
					    "'%s' is not a byte count (e.g. 65536, 64K, 1M)",
					    optarg);
			if (c == OPT_UNSENT_MIN)
				o->find.unsent_min = v;
			else if (c == OPT_ZERO_WINDOW)
				o->find.zero_window = (int64_t)v;
			else
				o->find.unread_min = v ? v : 1;
			break;
		}
		case OPT_BY:
			by_given = 1;
			if (agg_by_parse(optarg, &o->by) != 0)
				return fail(err, errlen,
					    "unknown --by key '%s' (process, cgroup, user, port, "
					    "state, netns)",
					    optarg);
			break;
		case OPT_ALL_NETNS: o->all_netns = true; break;
		case OPT_THIS_NETNS: o->this_netns = true; break;
		case 'N':
			if (!*optarg || strchr(optarg, '/') || strcmp(optarg, ".") == 0 ||
			    strcmp(optarg, "..") == 0)
				return fail(err, errlen, "'%s' is not a network namespace name",
					    optarg);
			o->netns = optarg;
			break;
		case OPT_STATE:
		case OPT_SPORT:
		case OPT_DPORT:
		case OPT_SRC:
		case OPT_DST:
		case OPT_PID:
		case OPT_COMM:
		case OPT_CGROUP:
		case OPT_UID: {
			int rc = add_filter(o, c, optarg, err, errlen);

			if (rc)
				return rc;
			break;
		}
		case 'h': o->help = true; break;
		case 'V': o->version = true; break;
		case ':':
			if (optopt > 0 && optopt < 256) {
				optname[1] = (char)optopt;
				return fail(err, errlen, "option '%s' needs a value", optname);
			}
			return fail(err, errlen, "option '%s' needs a value", argv[optind - 1]);
		default:
			if (optopt > 0 && optopt < 256) {
				optname[1] = (char)optopt;
				return fail(err, errlen, "unknown option '%s'", optname);
			}
			return fail(err, errlen, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (o->fmt == FMT_PROM && (o->cmd == CMD_SOCKETS || o->cmd == CMD_SNAPSHOT ||
				   o->cmd == CMD_DIFF || o->cmd == CMD_WATCH))
		return fail(err, errlen, "%s",
			    "-o prom: system, top, check and report only (no per-socket series)");
	/* -o prom: bounded series by default, cgroups where there are some */
	if (o->fmt == FMT_PROM && !o->top_n)
		o->top_n = CLI_PROM_TOP;
	if (o->fmt == FMT_PROM && !by_given) {
		o->by = BY_CGROUP;
		o->by_auto = true;
	}
	if (o->all_netns + o->this_netns + (o->netns != NULL) > 1)
		return fail(err, errlen, "%s",
			    "--all-netns, --this-netns and -N exclude each other");
	/* -4 and -6 together mean both, as in ss. */
	o->want_v4 = only4 || !only6;
	o->want_v6 = only6 || !only4;
	/* -t and -u together mean both; neither: TCP only, as before UDP. */
	if (!o->want_udp)
		o->want_tcp = true;
	if (check_plot(o, fmt_given || o->fmt == FMT_JSON, err, errlen) ||
	    check_operands(o, err, errlen))
		return EXIT_USAGE;
	if (o->from && walk_given)
		return fail(err, errlen, "%s",
			    "--from: --owner-walk and --walk-threads choose how to collect; a "
			    "snapshot is collected already");
	return check_combination(o, root_given, fmt_given && o->fmt != FMT_JSON, err, errlen);
}
