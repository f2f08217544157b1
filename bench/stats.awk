# SPDX-License-Identifier: GPL-2.0-or-later
#
# bench/stats.awk - medians and per-size tables, shared by bench/run.sh and
# bench/large.sh. Each runs `awk -f bench/stats.awk -f THEIR-PROGRAM POP RAW`:
# this file reads the two files, their program's END block calls medians(s)
# and table(s) for each size and adds its own ratios and targets.
#
#   POP (populations.tsv): size holders conns sockets_dumped fds_walked
#                          sockmem_rows default_owner_walk [extra columns]
#   RAW (raw.tsv):         size round warm cmd wall user sys cpu rss_kib status
#
# Warm-up rows (warm = 1) are ignored. The program sets, in its BEGIN block,
# cmds (the command names in table order, space-separated), label[cmd] (the
# text of its table row) and optionally lw (width of the command column, 24).
# After medians(s): med[s, cmd, m] for m in wall user sys cpu (seconds) and
# rss (KiB), -1 without samples; lo_[s, cmd, "wall"], hi_[...] extremes;
# rounds[s, cmd] samples; bad[s, cmd] the last non-zero exit status.

function median(key,   n, i, j, t, a) {
	n = cnt[key]
	for (i = 1; i <= n; i++) a[i] = val[key, i]
	for (i = 2; i <= n; i++) {   # insertion sort (mawk has no asort)
		t = a[i]
		for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]
		a[j + 1] = t
	}
	if (n == 0) return -1
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}

function add(key, v) {
	val[key, ++cnt[key]] = v
	if (!(key in lo_) || v < lo_[key]) lo_[key] = v
	if (!(key in hi_) || v > hi_[key]) hi_[key] = v
}

function verdict(ok) { return ok ? "PASS" : "FAIL" }

# 1 if cmd ran at size s and never failed there.
function good(s, c) { return rounds[s SUBSEP c] > 0 && !((s SUBSEP c) in bad) }

function medians(s,   ci, nc, C, m, M) {
	nc = split(cmds, C, " ")
	for (ci = 1; ci <= nc; ci++)
		for (m = split("wall user sys cpu rss", M, " "); m >= 1; m--)
			med[s, C[ci], M[m]] = median(s SUBSEP C[ci] SUBSEP M[m])
}

function dashes(n,   d) {
	d = ""
	while (n-- > 0) d = d "-"
	return d
}

# The table of size s: a heading, then one row per command that ran at s.
function table(s,   ci, nc, C, c, k, w) {
	w = lw ? lw : 24
	nc = split(cmds, C, " ")
	printf "\n### %s sockets (%s TCP sockets dumped, %d holder processes, medians of %d rounds)\n\n",
		s, dumped[s], nhold[s], rounds[s SUBSEP C[1]]
	printf "| %-*s | %9s | %17s | %9s | %9s | %9s | %9s | %12s |\n", w, "command", "wall ms",
		"wall min..max", "CPU ms", "user ms", "sys ms", "RSS MiB", "wall us/sock"
	printf "|%s|%s|%s|%s|%s|%s|%s|%s|\n", dashes(w + 2), "----------:",
		"------------------:", "----------:", "----------:", "----------:", "----------:",
		"-------------:"
	for (ci = 1; ci <= nc; ci++) {
		c = C[ci]
		if (!rounds[s SUBSEP c])
			continue
		k = s SUBSEP c SUBSEP "wall"
		printf "| %-*s | %9.1f | %8.1f..%-7.1f | %9.1f | %9.1f | %9.1f | %9.1f | %12.3f |%s\n",
			w, label[c], med[s, c, "wall"] * 1000, lo_[k] * 1000, hi_[k] * 1000,
			med[s, c, "cpu"] * 1000,
			med[s, c, "user"] * 1000, med[s, c, "sys"] * 1000,
			med[s, c, "rss"] / 1024, med[s, c, "wall"] * 1e6 / dumped[s],
			((s SUBSEP c) in bad) ? " exit " bad[s SUBSEP c] : ""
	}
}

FILENAME ~ /populations\.tsv$/ {
	nhold[$1] = $2; nconn[$1] = $3; dumped[$1] = $4; walked[$1] = $5; nrows[$1] = $6
	walk[$1] = $7
	for (i = 8; i <= NF; i++) popx[$1, i - 7] = $i
	next
}
$3 == 0 {
	add($1 SUBSEP $4 SUBSEP "wall", $5); add($1 SUBSEP $4 SUBSEP "user", $6)
	add($1 SUBSEP $4 SUBSEP "sys", $7);  add($1 SUBSEP $4 SUBSEP "cpu", $8)
	add($1 SUBSEP $4 SUBSEP "rss", $9)
	if ($10 != 0) bad[$1 SUBSEP $4] = $10
	rounds[$1 SUBSEP $4]++
}
