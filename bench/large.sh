#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# bench/large.sh - `make bench-large`: sockmem against ss and the two floor
# programs at 100k, 500k and 1M loopback TCP sockets.
#
# Same method as `make bench` (bench/run.sh; the shared parts are in
# bench/lib.sh and bench/stats.awk), at sizes where one process cannot hold
# the population: S sockets are S/2 loopback connections spread over holder
# processes (bench/holder.c) of at most BENCH_LARGE_PER_HOLDER connections
# each (2 fds per connection; RLIMIT_NOFILE's hard limit caps it), about 51
# holders at 1M, all building their share at once. IPv4 clients bind
# 127.H.L.(1..32) (H.L = holder index + 1) with IP_BIND_ADDRESS_NO_PORT and
# every holder listens on its own ports, so 4-tuples never collide and the
# ephemeral port range is never exhausted; BENCH_LARGE_V6_PCT percent of the
# connections go over ::1; 1 in 10 has 4 KiB unread. Memory in use grows by
# about 5.4 KiB per socket (5.2 GiB at 1M).
#
# Before building anything it checks fs.file-max, fs.nr_open, the
# RLIMIT_NOFILE hard limit, net.core.somaxconn, the ephemeral port range,
# conntrack's table, tcp_mem and MemAvailable against what the largest
# population needs, and stops with a message naming the one that is short.
# It never changes a sysctl.
#
# Per size, interleaved round-robin (the order rotates every round),
# BENCH_LARGE_WARMUP warm-up rounds (discarded) and BENCH_LARGE_ROUNDS
# measured rounds of:
#
#   report_proc  sockmem report -o tsv --owner-walk proc
#   report_bpf   sockmem report -o tsv --owner-walk bpf
#   sockets      sockmem sockets -o tsv
#   sockets_json sockmem sockets -o json
#   ss           ss -tmiHOn
#   floor_dump, floor_fdwalk  (bench/floor_dump.c, bench/floor_fdwalk.c)
#
# and, at BENCH_LARGE_SSP_SIZE sockets only, `ss -tmiHOnp` once after the
# rounds (its owner lookup is quadratic: 200-360 s at 500k). Wall, CPU and peak
# RSS by bench/measure.c. It prints medians and PASS/FAIL per target, and
# rewrites the "One million sockets" section of BENCH_LARGE_RESULTS between
# its markers. Holders are killed by PID and their sockets waited out between
# sizes and on any exit; they die with this script (PR_SET_PDEATHSIG) and end
# themselves after BENCH_LARGE_HOLDER_TIMEOUT seconds in any case.
#
# A measurement: exits 0 whatever the targets say, non-zero only if the
# harness fails (a limit too small, build, holders, a runner that cannot start).
#
# Environment: BENCH_LARGE_SIZES ("100000 500000 1000000"), BENCH_LARGE_ROUNDS
# (3), BENCH_LARGE_WARMUP (1), BENCH_LARGE_PER_HOLDER (9900),
# BENCH_LARGE_V6_PCT (20), BENCH_LARGE_SSP_SIZE (500000; 0: never),
# BENCH_LARGE_RESULTS (bench/RESULTS.md), BENCH_LARGE_HOLDER_TIMEOUT (3600),
# BENCH_LARGE_OUT (build/bench-large), SOCKMEM (./sockmem), SS (ss), CC (cc),
# PKG_CONFIG (pkg-config).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
. bench/lib.sh

SIZES=${BENCH_LARGE_SIZES:-"100000 500000 1000000"}
ROUNDS=${BENCH_LARGE_ROUNDS:-3}
WARMUP=${BENCH_LARGE_WARMUP:-1}
PER_HOLDER=${BENCH_LARGE_PER_HOLDER:-9900}
V6_PCT=${BENCH_LARGE_V6_PCT:-20}
SSP_SIZE=${BENCH_LARGE_SSP_SIZE:-500000}
RESULTS=${BENCH_LARGE_RESULTS:-bench/RESULTS.md}
HOLDER_TIMEOUT=${BENCH_LARGE_HOLDER_TIMEOUT:-3600}
OUT=${BENCH_LARGE_OUT:-build/bench-large}
SOCKMEM=${SOCKMEM:-./sockmem}
SS=${SS:-ss}
CC=${CC:-cc}
PKG_CONFIG=${PKG_CONFIG:-pkg-config}
READY_S=900    # the largest population must be built within this
TEARDOWN_S=120 # and gone within this after its holders are killed
KIB_PER_SOCKET=7 # memory per socket the check assumes (5.4 KiB measured at 1M)
UNREAD_EVERY=10  # holder -u: 1 connection in 10 has...
UNREAD_BYTES=4096 # ...this many bytes unread (holder -b)

CMDS=(report_proc report_bpf sockets sockets_json ss floor_dump floor_fdwalk)
T_START=$(date +%s)

cmd_argv() {
	case $1 in
	report_proc) CMD_ARGV=("$SOCKMEM" report -o tsv --owner-walk proc) ;;
	report_bpf) CMD_ARGV=("$SOCKMEM" report -o tsv --owner-walk bpf) ;;
	sockets) CMD_ARGV=("$SOCKMEM" sockets -o tsv) ;;
	sockets_json) CMD_ARGV=("$SOCKMEM" sockets -o json) ;;
	ss) CMD_ARGV=("$SS" -tmiHOn) ;;
	ss_p) CMD_ARGV=("$SS" -tmiHOnp) ;;
	floor_dump) CMD_ARGV=("$OUT/floor_dump") ;;
	floor_fdwalk) CMD_ARGV=("$OUT/floor_fdwalk") ;;
	esac
}

# Fails unless $2 is a whole number in $3..$4; $1 names the setting.
need_uint() {
	if ! [[ $2 =~ ^[0-9]+$ ]] || [ "$2" -lt "$3" ] || [ "$2" -gt "$4" ]; then
		die "$1 must be a whole number in $3..$4, not '$2'"
	fi
}

# --- settings and limits -------------------------------------------------------
need_uint BENCH_LARGE_ROUNDS "$ROUNDS" 1 1000
need_uint BENCH_LARGE_WARMUP "$WARMUP" 0 1000
need_uint BENCH_LARGE_PER_HOLDER "$PER_HOLDER" 1 9900 # bench/holder.c's -c limit
need_uint BENCH_LARGE_V6_PCT "$V6_PCT" 0 100
need_uint BENCH_LARGE_SSP_SIZE "$SSP_SIZE" 0 100000000
need_uint BENCH_LARGE_HOLDER_TIMEOUT "$HOLDER_TIMEOUT" 60 86400
MAX_SIZE=0
for size in $SIZES; do
	need_uint "a size in BENCH_LARGE_SIZES" "$size" 4 100000000
	[ "$size" -le "$MAX_SIZE" ] || MAX_SIZE=$size
done
[ "$MAX_SIZE" -gt 0 ] || die "BENCH_LARGE_SIZES is empty"
[ -x "$SOCKMEM" ] || die "$SOCKMEM not built (run make)"
command -v "$SS" >/dev/null || die "$SS not found (iproute2)"
[ "$(id -u)" = 0 ] || die "run as root: the fd walks and --owner-walk bpf need it"
[ -f "$RESULTS" ] || die "$RESULTS not found (BENCH_LARGE_RESULTS)"

sysctl_val() { # the first number in /proc/sys/$1
	awk '{ print $1; exit }' "/proc/sys/$1" 2>/dev/null || echo ""
}

# Stops with a clear message if a limit cannot hold MAX_SIZE sockets. Reads
# the limits, never changes them.
check_limits() {
	local conns=$((MAX_SIZE / 2)) fds=$((2 * PER_HOLDER + 16)) v6 per_addr
	local hard nr_open file_max files_open somaxconn lo hi ct ct_max avail need
	local tcp_mem_pressure tcp_pages unread_pages

	hard=$(ulimit -Hn)
	[ "$hard" = unlimited ] || [ "$hard" -ge "$fds" ] ||
		die "RLIMIT_NOFILE hard limit $hard < $fds fds a holder of $PER_HOLDER connections needs; lower BENCH_LARGE_PER_HOLDER to $(((hard - 16) / 2)) or less"
	nr_open=$(sysctl_val fs/nr_open)
	[ -z "$nr_open" ] || [ "$nr_open" -ge "$fds" ] ||
		die "fs.nr_open $nr_open < $fds fds a holder needs; lower BENCH_LARGE_PER_HOLDER (this harness changes no sysctl)"
	file_max=$(sysctl_val fs/file-max)
	files_open=$(sysctl_val fs/file-nr)
	need=$((files_open + MAX_SIZE + MAX_SIZE / 10 + 10000))
	[ -z "$file_max" ] || [ "$file_max" -ge "$need" ] ||
		die "fs.file-max $file_max is too small: $files_open files open now, $MAX_SIZE sockets need about $need in all (this harness changes no sysctl; lower BENCH_LARGE_SIZES)"
	somaxconn=$(sysctl_val net/core/somaxconn)
	[ -z "$somaxconn" ] || [ "$somaxconn" -ge 1024 ] ||
		die "net.core.somaxconn $somaxconn < 1024: holders connect in batches of 1024 before accepting them (this harness changes no sysctl)"
	read -r lo hi </proc/sys/net/ipv4/ip_local_port_range
	v6=$((PER_HOLDER * V6_PCT / 100))
	per_addr=$(((PER_HOLDER - v6 + 31) / 32))
	[ $((hi - lo + 1)) -ge $((2 * (v6 > per_addr ? v6 : per_addr))) ] ||
		die "net.ipv4.ip_local_port_range $lo-$hi is too narrow: a holder makes $v6 connections from ::1 and $per_addr from each IPv4 source address to one listener (this harness changes no sysctl; lower BENCH_LARGE_PER_HOLDER or BENCH_LARGE_V6_PCT)"
	ct=$(sysctl_val net/netfilter/nf_conntrack_count)
	ct_max=$(sysctl_val net/netfilter/nf_conntrack_max)
	if [ -n "$ct" ] && [ "$ct" -gt 0 ] && [ -n "$ct_max" ] && [ "$ct_max" -lt $((ct + conns + 1000)) ]; then
		die "conntrack is tracking connections ($ct now) and nf_conntrack_max $ct_max cannot take $conns more: loopback connections would be dropped (this harness changes no sysctl; lower BENCH_LARGE_SIZES)"
	fi
	avail=$(awk '/^MemAvailable:/ { print $2 }' /proc/meminfo)
	need=$((MAX_SIZE * KIB_PER_SOCKET + 1048576))
	[ "$avail" -ge "$need" ] ||
		die "MemAvailable $((avail / 1024)) MiB < $((need / 1024)) MiB: $MAX_SIZE sockets take about $KIB_PER_SOCKET KiB of kernel memory each, plus 1 GiB to spare; lower BENCH_LARGE_SIZES"
	# Unread data is charged to tcp_mem (host-wide, in pages): warn only, as
	# pressure slows nothing this bench measures, but say so.
	read -r _ tcp_mem_pressure _ </proc/sys/net/ipv4/tcp_mem
	tcp_pages=$(awk '$1 == "TCP:" { for (i = 2; i < NF; i++) if ($i == "mem") print $(i + 1) }' /proc/net/sockstat)
	unread_pages=$((conns * 2 * (UNREAD_BYTES / 4096 + 1) / UNREAD_EVERY))
	[ $((${tcp_pages:-0} + unread_pages)) -lt "$tcp_mem_pressure" ] ||
		warn "the unread data (~$unread_pages pages) would take TCP memory (${tcp_pages:-?} pages in use) past tcp_mem's pressure threshold $tcp_mem_pressure"
	LIMITS="file-max $file_max, nr_open $nr_open, somaxconn $somaxconn, conntrack ${ct:-absent}/${ct_max:-absent}, tcp_mem pressure $tcp_mem_pressure pages, MemAvailable $((avail / 1024)) MiB"
}

# Memory in use as free(1) counts it (not free, not buffers or page cache), in
# KiB. Not MemAvailable: that counts the socket inodes and dentries as
# reclaimable slab.
mem_used_kib() {
	awk '/^(MemFree|Buffers|Cached):/ { u -= $2 } /^MemTotal:/ { u += $2 } END { print u }' /proc/meminfo
}

check_limits
ulimit -Sn "$(ulimit -Hn)" # the holders raise theirs too; this is for the runners
bench_build
bench_setup
SUMMARY=$OUT/summary.md
PHASES=$OUT/phases.tsv # size setup_s mem_kib conntrack_delta info_s measure_s ssp_s teardown_s
: >"$PHASES"

# --- machine -----------------------------------------------------------------
machine_info "$WARMUP warm-up + $ROUNDS measured rounds per size, round-robin order rotated per round; medians; ss -tmiHOnp once at $SSP_SIZE" \
	"sysctls: $LIMITS" \
	"holders: at most $PER_HOLDER connections each, $V6_PCT% over ::1, 1 in $UNREAD_EVERY with $UNREAD_BYTES bytes unread"

# --- populations ---------------------------------------------------------------
for size in $SIZES; do
	m0=$(mem_used_kib)
	ct0=$(sysctl_val net/netfilter/nf_conntrack_count)
	t0=$(date +%s.%N)
	start_population "$size"
	setup_s=$(secs_since "$t0")
	mem_kib=$(($(mem_used_kib) - m0))
	ct1=$(sysctl_val net/netfilter/nf_conntrack_count)
	ct_delta=$((${ct1:-0} - ${ct0:-0}))
	t1=$(date +%s.%N)
	population_info "$size" "$setup_s"
	info_s=$(secs_since "$t1")
	printf '   memory in use +%d MiB (%.1f KiB per socket); conntrack entries %+d\n' \
		$((mem_kib / 1024)) "$(awk -v m="$mem_kib" -v s="$size" 'BEGIN { print m / s }')" "$ct_delta"
	[ "$ct_delta" -lt $((size / 4)) ] ||
		warn "conntrack tracks the loopback connections ($ct_delta new entries): they cost more to set up and tear down"

	t2=$(date +%s.%N)
	run_rounds "$size" "${CMDS[@]}"
	measure_s=$(secs_since "$t2")
	ssp_s=""
	if [ "$size" = "$SSP_SIZE" ]; then
		t3=$(date +%s.%N)
		run_one "$size" $((WARMUP + ROUNDS)) 0 ss_p
		ssp_s=$(secs_since "$t3")
		printf '   ss -tmiHOnp (once) done in %s s\n' "$ssp_s"
	fi
	holders_alive

	t4=$(date +%s.%N)
	stop_holders
	wait_sockets_gone
	teardown_s=$(secs_since "$t4")
	printf '   measured in %s s, torn down in %s s\n' "$measure_s" "$teardown_s"
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$size" "$setup_s" "$mem_kib" "$ct_delta" "$info_s" \
		"$measure_s" "${ssp_s:--}" "$teardown_s" >>"$PHASES"
done

# --- report --------------------------------------------------------------------
cat >"$TMP/large.awk" <<'EOF'
BEGIN {
	cmds = "report_proc report_bpf sockets sockets_json ss ss_p floor_dump floor_fdwalk"
	label["report_proc"] = "sockmem report -o tsv --owner-walk proc"
	label["report_bpf"] = "sockmem report -o tsv --owner-walk bpf"
	label["sockets"] = "sockmem sockets -o tsv"
	label["sockets_json"] = "sockmem sockets -o json"
	label["ss"] = "ss -tmiHOn"; label["ss_p"] = "ss -tmiHOnp (one run)"
	label["floor_dump"] = "floor_dump"; label["floor_fdwalk"] = "floor_fdwalk"
	lw = 39
	while ((getline l < phases) > 0) {
		split(l, f, "\t")
		setup[f[1]] = f[2]; memk[f[1]] = f[3]; ctd[f[1]] = f[4]; info[f[1]] = f[5]
		meas[f[1]] = f[6]; ssp[f[1]] = f[7]; down[f[1]] = f[8]
	}
}
function ms(s, c, m) { return med[s, c, m] * 1000 }
function mib(s, c) { return med[s, c, "rss"] / 1024 }
# "report_bpf" -> "report(bpf)", "sockets" -> "sockets -o tsv"
function name(c) {
	if (c ~ /^report_/) return "report(" substr(c, 8) ")"
	return c == "sockets" ? "sockets -o tsv" : c == "sockets_json" ? "sockets -o json" : label[c]
}
# The report row of the owner walk sockmem picks by default (auto) at size s.
function defrep(s) { return walk[s] == "proc" ? "report_proc" : "report_bpf" }
function line(ok, text) {
	printf "- %s  %s\n", text, verdict(ok)
	npass += ok; ntarget++
}
# Target: wall of a at size s <= k x wall of b (b: a command or "floor").
function wall_le(s, a, k, b,   x, y, ok) {
	x = ms(s, a, "wall")
	if (b == "floor") {
		y = ms(s, "floor_dump", "wall") + ms(s, "floor_fdwalk", "wall")
		ok = good(s, a) && good(s, "floor_dump") && good(s, "floor_fdwalk")
		b = "(floor_dump + floor_fdwalk)"
	} else {
		y = ms(s, b, "wall"); ok = good(s, a) && good(s, b); b = name(b)
	}
	line(ok && x <= k * y, sprintf("%s wall <= %sx %s: %.1f ms vs %.1f ms = %.2fx",
		name(a), k, b, x, y, x / y))
}
function rss_le(s, a, k, b,   x, y) {
	x = mib(s, a); y = mib(s, b)
	line(good(s, a) && good(s, b) && x <= k * y,
		sprintf("%s peak RSS <= %sx %s's: %.1f MiB vs %.1f MiB = %.2fx", name(a), k, name(b),
			x, y, x / y))
}
function scaling(hi, lo, c,   a, b) {
	a = med[lo, c, "wall"] / dumped[lo]; b = med[hi, c, "wall"] / dumped[hi]
	line(good(hi, c) && good(lo, c) && b <= 1.1 * a,
		sprintf("%s time/socket at %s <= 1.1x at %s: %.3f us vs %.3f us = %.2fx", name(c),
			hi, lo, b * 1e6, a * 1e6, b / a))
}
END {
	ns = split(sizes, S, " ")
	for (si = 1; si <= ns; si++) {
		s = S[si]
		medians(s)
		table(s)
		d = defrep(s)
		fl = ms(s, "floor_dump", "wall") + ms(s, "floor_fdwalk", "wall")
		printf "\n- population: %d connections in %d holders, built in %.1f s; memory in use +%.0f MiB (%.1f KiB per socket); conntrack entries %+d\n",
			nconn[s], nhold[s], setup[s], memk[s] / 1024, memk[s] / s, ctd[s]
		printf "- phases: counted in %.1f s, %d rounds in %.1f s%s, torn down in %.1f s\n",
			info[s], rounds[s SUBSEP "report_proc"] + wu, meas[s],
			ssp[s] != "-" ? sprintf(", ss -tmiHOnp in %.1f s", ssp[s]) : "", down[s]
		printf "- the default owner walk (auto) is %s: \"report\" below is %s\n", walk[s], name(d)
		printf "- wall / floor (%.1f ms): report(proc) %.2f, report(bpf) %.2f, sockets %.2f\n", fl,
			ms(s, "report_proc", "wall") / fl, ms(s, "report_bpf", "wall") / fl,
			ms(s, "sockets", "wall") / fl
		printf "- wall / ss -tmiHOn (%.1f ms): report(proc) %.2f, report(bpf) %.2f, sockets %.2f\n",
			ms(s, "ss", "wall"), ms(s, "report_proc", "wall") / ms(s, "ss", "wall"),
			ms(s, "report_bpf", "wall") / ms(s, "ss", "wall"),
			ms(s, "sockets", "wall") / ms(s, "ss", "wall")
		printf "- peak RSS / %s's (%.1f MiB): sockets -o tsv %.2f, sockets -o json %.2f\n", name(d),
			mib(s, d), mib(s, "sockets") / mib(s, d), mib(s, "sockets_json") / mib(s, d)
		if (rounds[s SUBSEP "ss_p"])
			printf "- ss -tmiHOnp (%.1f ms): report(proc) %.1fx faster, report(bpf) %.1fx faster, sockets %.1fx faster\n",
				ms(s, "ss_p", "wall"), ms(s, "ss_p", "wall") / ms(s, "report_proc", "wall"),
				ms(s, "ss_p", "wall") / ms(s, "report_bpf", "wall"),
				ms(s, "ss_p", "wall") / ms(s, "sockets", "wall")
	}
	lo = S[1]; hi = S[ns]; d = defrep(hi)
	printf "\n### targets (at %s sockets; scaling %s vs %s; ss -tmiHOnp at %s)\n\n", hi, hi, lo, ssp_size
	for (k = 1; k <= 2; k++) {
		c = k == 1 ? "report_proc" : "report_bpf"
		line(good(hi, c) && mib(hi, c) <= 64,
			sprintf("%s peak RSS <= 64 MiB: %.1f MiB", name(c), mib(hi, c)))
	}
	rss_le(hi, "sockets", 1.25, d)
	rss_le(hi, "sockets_json", 1.25, d)
	wall_le(hi, "report_proc", 0.75, "floor")
	wall_le(hi, "report_bpf", 0.4, "floor")
	wall_le(hi, d, 0.4, "ss")
	wall_le(hi, "sockets", 1.25, d)
	scaling(hi, lo, "report_proc")
	scaling(hi, lo, "report_bpf")
	scaling(hi, lo, "sockets")
	if (rounds[ssp_size SUBSEP "ss_p"]) {
		dp = defrep(ssp_size); x = ms(ssp_size, "ss_p", "wall"); y = ms(ssp_size, dp, "wall")
		line(good(ssp_size, dp) && x >= 100 * y,
			sprintf("%s at %s >= 100x faster than ss -tmiHOnp: %.1f ms vs %.1f ms = %.1fx",
				name(dp), ssp_size, y, x, x / y))
	} else {
		printf "- report >= 100x faster than ss -tmiHOnp: not measured (BENCH_LARGE_SSP_SIZE %s is not among the sizes)  FAIL\n", ssp_size
		ntarget++
	}
	printf "\n%d of %d targets PASS. bench runtime: %d s; load average at end: %s\n", npass,
		ntarget, elapsed, load
}
EOF

# The command that reproduces this run: make bench-large and the settings
# that differ from their defaults.
command_line() {
	local v out=""
	for v in BENCH_LARGE_SIZES BENCH_LARGE_ROUNDS BENCH_LARGE_WARMUP BENCH_LARGE_PER_HOLDER \
		BENCH_LARGE_V6_PCT BENCH_LARGE_SSP_SIZE; do
		[ -z "${!v:-}" ] || out+="$v=\"${!v}\" "
	done
	echo "${out}make bench-large"
}

{
	# shellcheck disable=SC2016 # the backquotes are Markdown
	printf 'Command: `%s`, run %s at sockmem commit %s.\n\n' "$(command_line)" \
		"$(date -u '+%Y-%m-%d')" "$(bench_commit)"
	echo '```text'
	cat "$TMP/machine"
	echo '```'
	bench_summary "$TMP/large.awk" -v sizes="$SIZES" -v ssp_size="$SSP_SIZE" -v wu="$WARMUP" \
		-v phases="$PHASES" -v load="$(cut -d' ' -f1-3 /proc/loadavg)" \
		-v elapsed="$(($(date +%s) - T_START))"
} >"$SUMMARY"
awk 'f >= 2; /^```/ { f++ }' "$SUMMARY" # the machine header was printed at the start
results_section bench-large "$RESULTS" "$SUMMARY" "## One million sockets"
echo "raw measurements: $RAW; summary: $SUMMARY; section \"One million sockets\" of $RESULTS rewritten"
