#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# bench/run.sh - `make bench`: sockmem against ss and two floor programs at
# 10k, 50k and 100k loopback TCP sockets.
#
# For each population size S it starts holder processes (bench/holder.c) that
# together hold S/2 loopback connections (S sockets): at most PER_HOLDER
# connections (2*PER_HOLDER fds) per process because RLIMIT_NOFILE may be
# 20000; BENCH_V6_PCT percent of each holder's connections over ::1; 1 in 10
# connections with 4 KiB unread; holder #1 split (server ends in one process,
# client ends in its child). It then runs, interleaved round-robin (the order
# rotates every round), BENCH_WARMUP warm-up rounds (discarded) and
# BENCH_ROUNDS measured rounds of:
#
#   report       sockmem report -o tsv
#   sockets      sockmem sockets -o tsv
#   sockets_json sockmem sockets -o json (streamed: peak RSS against report's)
#   ss           ss -tmiHOn
#   ss_p         ss -tmiHOnp
#   floor_dump   bare inet_diag dump, both families, skmem+info (bench/floor_dump.c)
#   floor_fdwalk bare /proc/[pid]/fd readlink walk (bench/floor_fdwalk.c)
#
# each with stdout to /dev/null, timed by bench/measure.c (wall: CLOCK_MONOTONIC;
# CPU: user+sys and peak RSS from wait4). It prints medians, the ratios
# sockmem/ss and sockmem/floor, and PASS/FAIL per target. Holders are killed
# (by PID) and their sockets waited out between populations and on any exit.
#
# The parts `make bench-large` (bench/large.sh) shares are in bench/lib.sh
# (holders, timing, rounds) and bench/stats.awk (medians, tables).
#
# This is a measurement: it exits 0 whatever the targets say, non-zero only
# if the harness itself fails (build, holders, a runner that cannot start).
#
# Environment: BENCH_SIZES ("10000 50000 100000"), BENCH_ROUNDS (7),
# BENCH_WARMUP (1), BENCH_PER_HOLDER (6250), BENCH_V6_PCT (20), SOCKMEM
# (./sockmem), SS (ss), CC (cc), PKG_CONFIG (pkg-config), BENCH_OUT (build/bench).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
. bench/lib.sh

SIZES=${BENCH_SIZES:-"10000 50000 100000"}
ROUNDS=${BENCH_ROUNDS:-7}
WARMUP=${BENCH_WARMUP:-1}
PER_HOLDER=${BENCH_PER_HOLDER:-6250}
V6_PCT=${BENCH_V6_PCT:-20}
SOCKMEM=${SOCKMEM:-./sockmem}
SS=${SS:-ss}
CC=${CC:-cc}
PKG_CONFIG=${PKG_CONFIG:-pkg-config}
OUT=${BENCH_OUT:-build/bench}
HOLDER_TIMEOUT=1800 # holders end themselves even if this script is SIGKILLed
READY_S=600
TEARDOWN_S=30

CMDS=(report sockets sockets_json ss ss_p floor_dump floor_fdwalk)
T_START=$(date +%s)

[ "$ROUNDS" -ge 1 ] 2>/dev/null || die "BENCH_ROUNDS must be >= 1"
[ "$WARMUP" -ge 0 ] 2>/dev/null || die "BENCH_WARMUP must be >= 0"
[ -x "$SOCKMEM" ] || die "$SOCKMEM not built (run make)"
command -v "$SS" >/dev/null || die "$SS not found (iproute2)"
[ "$(id -u)" = 0 ] || echo "bench: warning: not root; the fd walks will not see other users' processes" >&2

bench_build
bench_setup
SUMMARY=$OUT/summary.txt

cmd_argv() {
	case $1 in
	report) CMD_ARGV=("$SOCKMEM" report -o tsv) ;;
	sockets) CMD_ARGV=("$SOCKMEM" sockets -o tsv) ;;
	sockets_json) CMD_ARGV=("$SOCKMEM" sockets -o json) ;;
	ss) CMD_ARGV=("$SS" -tmiHOn) ;;
	ss_p) CMD_ARGV=("$SS" -tmiHOnp) ;;
	floor_dump) CMD_ARGV=("$OUT/floor_dump") ;;
	floor_fdwalk) CMD_ARGV=("$OUT/floor_fdwalk") ;;
	esac
}

# --- machine -----------------------------------------------------------------
machine_info "$WARMUP warm-up + $ROUNDS measured rounds per size, round-robin order rotated per round; medians"

# --- populations ---------------------------------------------------------------
for size in $SIZES; do
	t0=$(date +%s.%N)
	start_population "$size"
	SETUP_S=$(secs_since "$t0")
	t1=$(date +%s.%N)
	population_info "$size" "$SETUP_S"
	run_rounds "$size" "${CMDS[@]}"
	holders_alive
	MEAS_S=$(secs_since "$t1")
	t2=$(date +%s.%N)
	stop_holders
	wait_sockets_gone
	printf '   measured in %s s, torn down in %s s\n' "$MEAS_S" "$(secs_since "$t2")"
done

# --- report --------------------------------------------------------------------
cat >"$TMP/run.awk" <<'EOF'
BEGIN {
	cmds = "report sockets sockets_json ss ss_p floor_dump floor_fdwalk"
	label["report"] = "sockmem report -o tsv"; label["sockets"] = "sockmem sockets -o tsv"
	label["sockets_json"] = "sockmem sockets -o json"
	label["ss"] = "ss -tmiHOn"; label["ss_p"] = "ss -tmiHOnp"
	label["floor_dump"] = "floor_dump"; label["floor_fdwalk"] = "floor_fdwalk"
}
END {
	ns = split(sizes, S, " ")
	for (si = 1; si <= ns; si++) {
		s = S[si]
		medians(s)
		table(s)
		fl = med[s, "floor_dump", "wall"] + med[s, "floor_fdwalk", "wall"]
		flc = med[s, "floor_dump", "cpu"] + med[s, "floor_fdwalk", "cpu"]
		printf "\nratios (wall; CPU in brackets):\n"
		for (k = 1; k <= 2; k++) {
			c = k == 1 ? "report" : "sockets"
			printf "  %-8s / ss -tmiHOn   = %6.3f  [%6.3f]   (%5.1fx faster)\n", c,
				med[s, c, "wall"] / med[s, "ss", "wall"], med[s, c, "cpu"] / med[s, "ss", "cpu"],
				med[s, "ss", "wall"] / med[s, c, "wall"]
			printf "  %-8s / ss -tmiHOnp  = %6.3f  [%6.3f]   (%5.1fx faster)\n", c,
				med[s, c, "wall"] / med[s, "ss_p", "wall"], med[s, c, "cpu"] / med[s, "ss_p", "cpu"],
				med[s, "ss_p", "wall"] / med[s, c, "wall"]
			printf "  %-8s / floor        = %6.3f  [%6.3f]   (floor = floor_dump + floor_fdwalk = %.1f ms)\n",
				c, med[s, c, "wall"] / fl, med[s, c, "cpu"] / flc, fl * 1000
		}
		printf "peak RSS: sockets -o json %.1f MiB, report -o tsv %.1f MiB (json / report = %.2f)\n",
			med[s, "sockets_json", "rss"] / 1024, med[s, "report", "rss"] / 1024,
			med[s, "sockets_json", "rss"] / med[s, "report", "rss"]
	}
	lo = S[1]; hi = S[ns]
	printf "\n### targets (at %s sockets; scaling %s vs %s)\n\n", hi, hi, lo
	fl = med[hi, "floor_dump", "wall"] + med[hi, "floor_fdwalk", "wall"]
	r = med[hi, "report", "wall"] / fl
	printf "- report wall <= 1.2x (floor_dump + floor_fdwalk): %.1f ms vs %.1f ms = %.2fx  %s\n",
		med[hi, "report", "wall"] * 1000, fl * 1000, r, verdict(r <= 1.2 && !((hi SUBSEP "report") in bad))
	r = med[hi, "ss_p", "wall"] / med[hi, "report", "wall"]
	printf "- report >= 10x faster than ss -tmiHOnp: %.1f ms vs %.1f ms = %.1fx  %s\n",
		med[hi, "report", "wall"] * 1000, med[hi, "ss_p", "wall"] * 1000, r,
		verdict(r >= 10 && !((hi SUBSEP "report") in bad))
	r = med[hi, "ss_p", "wall"] / med[hi, "sockets", "wall"]
	printf "- sockets -o tsv >= 8x faster than ss -tmiHOnp: %.1f ms vs %.1f ms = %.1fx  %s\n",
		med[hi, "sockets", "wall"] * 1000, med[hi, "ss_p", "wall"] * 1000, r,
		verdict(r >= 8 && !((hi SUBSEP "sockets") in bad))
	r = med[hi, "report", "rss"] / 1024
	printf "- report peak RSS <= 40 MiB: %.1f MiB  %s\n", r, verdict(r <= 40)
	a = med[hi, "sockets_json", "rss"] / 1024
	printf "- sockets -o json peak RSS <= report peak RSS (JSON streams): %.1f MiB vs %.1f MiB  %s\n",
		a, r, verdict(a <= r && !((hi SUBSEP "sockets_json") in bad))
	a = med[lo, "report", "wall"] / dumped[lo]; b = med[hi, "report", "wall"] / dumped[hi]
	printf "- report time/socket at %s <= 1.25x at %s: %.3f us vs %.3f us = %.2fx  %s\n",
		hi, lo, b * 1e6, a * 1e6, b / a, verdict(b <= 1.25 * a)
	a = med[lo, "sockets", "wall"] / dumped[lo]; b = med[hi, "sockets", "wall"] / dumped[hi]
	printf "  (for information: sockets time/socket %.3f us vs %.3f us = %.2fx)\n", b * 1e6, a * 1e6, b / a
	printf "\nbench runtime: %d s; load average at end: %s\n", elapsed, load
}
EOF
{
	echo
	cat "$TMP/machine"
	bench_summary "$TMP/run.awk" -v sizes="$SIZES" -v load="$(cut -d' ' -f1-3 /proc/loadavg)" \
		-v elapsed="$(($(date +%s) - T_START))"
} | tee "$SUMMARY"
echo "raw measurements: $RAW; summary: $SUMMARY"
