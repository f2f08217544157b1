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
# This is a measurement: it exits 0 whatever the targets say, non-zero only
# if the harness itself fails (build, holders, a runner that cannot start).
#
# Environment: BENCH_SIZES ("10000 50000 100000"), BENCH_ROUNDS (7),
# BENCH_WARMUP (1), BENCH_PER_HOLDER (6250), BENCH_V6_PCT (20), SOCKMEM
# (./sockmem), SS (ss), CC (cc), PKG_CONFIG (pkg-config), BENCH_OUT (build/bench).
set -euo pipefail
cd "$(dirname "$0")/.."

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

CMDS=(report sockets sockets_json ss ss_p floor_dump floor_fdwalk)
T_START=$(date +%s)

secs_since() { # seconds from $1 (date +%s.%N) to now
	awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }'
}

die() {
	echo "bench: $*" >&2
	exit 1
}

[ "$ROUNDS" -ge 1 ] 2>/dev/null || die "BENCH_ROUNDS must be >= 1"
[ "$WARMUP" -ge 0 ] 2>/dev/null || die "BENCH_WARMUP must be >= 0"
[ -x "$SOCKMEM" ] || die "$SOCKMEM not built (run make)"
command -v "$SS" >/dev/null || die "$SS not found (iproute2)"
[ "$(id -u)" = 0 ] || echo "bench: warning: not root; the fd walks will not see other users' processes" >&2

# --- build the helper programs ------------------------------------------------
mkdir -p "$OUT"
BCFLAGS=(-O2 -std=c11 -D_GNU_SOURCE -Wall -Wextra)
MNL_CFLAGS=$($PKG_CONFIG --cflags libmnl 2>/dev/null || true)
MNL_LIBS=$($PKG_CONFIG --libs libmnl 2>/dev/null || echo -lmnl)
for p in holder floor_fdwalk measure; do
	$CC "${BCFLAGS[@]}" -o "$OUT/$p" "bench/$p.c" || die "cannot build bench/$p.c"
done
# shellcheck disable=SC2086 # pkg-config output is a word list
$CC "${BCFLAGS[@]}" $MNL_CFLAGS -o "$OUT/floor_dump" bench/floor_dump.c $MNL_LIBS ||
	die "cannot build bench/floor_dump.c"

RAW=$OUT/raw.tsv        # size round warm cmd wall user sys cpu rss_kib status
POP=$OUT/populations.tsv # size holders conns sockets_dumped fds_walked sockmem_rows
SUMMARY=$OUT/summary.txt
TMP=$(mktemp -d "${TMPDIR:-/tmp}/sockmem-bench.XXXXXX")
: >"$RAW"
: >"$POP"

# --- holders and cleanup ------------------------------------------------------
HOLDER_PIDS=()   # holder processes (our children)
HOLDER_KIDS=()   # their split children (die with the parent; killed too)
HOLDER_PORTS=()  # their listening ports: every socket of theirs has one of them

stop_holders() {
	local p
	for p in "${HOLDER_PIDS[@]}" "${HOLDER_KIDS[@]}"; do
		kill -TERM "$p" 2>/dev/null || true
	done
	for p in "${HOLDER_PIDS[@]}"; do
		wait "$p" 2>/dev/null || true
	done
	for p in "${HOLDER_KIDS[@]}"; do # not our children: poll
		while kill -0 "$p" 2>/dev/null; do sleep 0.05; done
	done
	HOLDER_PIDS=()
	HOLDER_KIDS=()
}

# Waits until no TCP socket (any state, TIME-WAIT included) uses a holder's
# listening port. Holders close with SO_LINGER {1, 0}, so none should linger;
# other work on the machine does not count.
wait_sockets_gone() {
	local i n=0 filter="" p
	for p in "${HOLDER_PORTS[@]}"; do
		filter+="${filter:+ or }sport = :$p or dport = :$p"
	done
	[ -n "$filter" ] || return 0
	for ((i = 0; i < 300; i++)); do
		n=$("$SS" -tanH "( $filter )" | wc -l)
		[ "$n" -eq 0 ] && break
		sleep 0.1
	done
	[ "$n" -eq 0 ] || echo "bench: warning: $n TCP sockets on the holders' ports remain 30 s after teardown" >&2
	HOLDER_PORTS=()
}

cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	stop_holders
	rm -rf "$TMP"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Starts holders for S sockets; sets NHOLD, NCONN.
start_population() {
	local size=$1 conns nh per extra i c v6 split line
	conns=$((size / 2))
	nh=$(((conns + PER_HOLDER - 1) / PER_HOLDER))
	[ "$nh" -ge 2 ] || nh=2
	per=$((conns / nh))
	extra=$((conns % nh))
	for ((i = 0; i < nh; i++)); do
		c=$((per + (i < extra ? 1 : 0)))
		v6=$((c * V6_PCT / 100))
		split=()
		[ "$i" -eq 1 ] && split=(-s)
		"$OUT/holder" -c "$c" -6 "$v6" -i "$i" -u 10 -b 4096 -t "$HOLDER_TIMEOUT" "${split[@]}" \
			>"$TMP/holder.$i" 2>"$TMP/holder.$i.err" &
		HOLDER_PIDS+=($!)
	done
	for ((i = 0; i < nh; i++)); do
		while ! grep -q '^ready' "$TMP/holder.$i"; do
			if ! kill -0 "${HOLDER_PIDS[$i]}" 2>/dev/null; then
				cat "$TMP/holder.$i.err" >&2
				die "holder $i exited before it was ready"
			fi
			sleep 0.05
		done
		line=$(grep '^ready' "$TMP/holder.$i")
		c=${line#*child=}
		c=${c%% *}
		[ "$c" != 0 ] && HOLDER_KIDS+=("$c")
		c=${line#*port4=}
		HOLDER_PORTS+=("${c%% *}")
		c=${line#*port6=}
		[ "$c" != 0 ] && HOLDER_PORTS+=("$c")
	done
	NHOLD=$nh
	NCONN=$conns
}

# Runs one command under measure; appends a row to RAW.
run_one() {
	local size=$1 round=$2 warm=$3 cmd=$4 line
	local -a argv
	case $cmd in
	report) argv=("$SOCKMEM" report -o tsv) ;;
	sockets) argv=("$SOCKMEM" sockets -o tsv) ;;
	sockets_json) argv=("$SOCKMEM" sockets -o json) ;;
	ss) argv=("$SS" -tmiHOn) ;;
	ss_p) argv=("$SS" -tmiHOnp) ;;
	floor_dump) argv=("$OUT/floor_dump") ;;
	floor_fdwalk) argv=("$OUT/floor_fdwalk") ;;
	esac
	line=$("$OUT/measure" -e "$TMP/$cmd.err" -- "${argv[@]}") || die "measure could not run $cmd"
	# wall_s=W user_s=U sys_s=S cpu_s=C maxrss_kib=R status=X
	echo "$line" | awk -v s="$size" -v r="$round" -v w="$warm" -v c="$cmd" '{
		for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
		printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", s, r, w, c,
			v["wall_s"], v["user_s"], v["sys_s"], v["cpu_s"], v["maxrss_kib"], v["status"] }' >>"$RAW"
	case $line in
	*status=0) ;;
	*) echo "bench: warning: $cmd exited with ${line##*status=} at $size sockets: $(head -c 300 "$TMP/$cmd.err")" >&2 ;;
	esac
}

# --- machine -----------------------------------------------------------------
{
	echo "date:    $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
	echo "machine: $(nproc) CPUs, $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)," \
		"$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) RAM"
	echo "kernel:  $(uname -sr)"
	echo "os:      $(. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME")"
	echo "ss:      $($SS -V 2>&1 | head -1)"
	echo "sockmem: $("$SOCKMEM" -V 2>&1 | head -1) ($(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD -- src include 2>/dev/null || echo '+dirty'))"
	echo "limits:  RLIMIT_NOFILE $(ulimit -n), ip_local_port_range $(tr '\t' '-' </proc/sys/net/ipv4/ip_local_port_range)"
	echo "load:    $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min load average at start)"
	echo "method:  $WARMUP warm-up + $ROUNDS measured rounds per size, round-robin order rotated per round; medians"
} | tee "$TMP/machine"

# --- populations ---------------------------------------------------------------
for size in $SIZES; do
	t0=$(date +%s.%N)
	start_population "$size"
	SETUP_S=$(secs_since "$t0")
	t1=$(date +%s.%N)
	dumped=$("$OUT/floor_dump" 2>&1 >/dev/null | awk '{ print $2 }')
	walked=$("$OUT/floor_fdwalk" 2>&1 >/dev/null | awk '{ print $6 }')
	rows=$("$SOCKMEM" sockets -o tsv | wc -l) || {
		echo "bench: warning: $SOCKMEM sockets -o tsv failed at $size sockets" >&2
		rows=0
	}
	rows=$((rows > 0 ? rows - 1 : 0))
	printf '\n== %s sockets: %d holders, %d connections, set up in %.2f s; dump sees %s TCP sockets, fd walk %s socket fds, sockmem sockets -o tsv %s rows\n' \
		"$size" "$NHOLD" "$NCONN" "$SETUP_S" "$dumped" "$walked" "$rows"
	printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$size" "$NHOLD" "$NCONN" "$dumped" "$walked" "$rows" >>"$POP"
	[ "$dumped" -ge "$size" ] || die "population short: $dumped TCP sockets dumped, $size wanted"

	ncmd=${#CMDS[@]}
	for ((r = 0; r < WARMUP + ROUNDS; r++)); do
		warm=$((r < WARMUP ? 1 : 0))
		for ((k = 0; k < ncmd; k++)); do
			run_one "$size" "$r" "$warm" "${CMDS[$(((k + r) % ncmd))]}"
		done
		printf '   round %d%s done\n' "$r" "$([ "$warm" = 1 ] && echo ' (warm-up)')"
	done

	MEAS_S=$(secs_since "$t1")
	t2=$(date +%s.%N)
	stop_holders
	wait_sockets_gone
	printf '   measured in %s s, torn down in %s s\n' "$MEAS_S" "$(secs_since "$t2")"
done

# --- report --------------------------------------------------------------------
{
	echo
	cat "$TMP/machine"
	awk -v sizes="$SIZES" -v load="$(cut -d' ' -f1-3 /proc/loadavg)" -v elapsed="$(($(date +%s) - T_START))" '
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
	FILENAME ~ /populations/ { dumped[$1] = $4; nhold[$1] = $2; next }
	$3 == 0 {
		add($1 SUBSEP $4 SUBSEP "wall", $5); add($1 SUBSEP $4 SUBSEP "user", $6)
		add($1 SUBSEP $4 SUBSEP "sys", $7);  add($1 SUBSEP $4 SUBSEP "cpu", $8)
		add($1 SUBSEP $4 SUBSEP "rss", $9)
		if ($10 != 0) bad[$1 SUBSEP $4] = $10
		rounds[$1 SUBSEP $4]++
	}
	END {
		nc = split("report sockets sockets_json ss ss_p floor_dump floor_fdwalk", C, " ")
		label["report"] = "sockmem report -o tsv"; label["sockets"] = "sockmem sockets -o tsv"
		label["sockets_json"] = "sockmem sockets -o json"
		label["ss"] = "ss -tmiHOn"; label["ss_p"] = "ss -tmiHOnp"
		label["floor_dump"] = "floor_dump"; label["floor_fdwalk"] = "floor_fdwalk"
		ns = split(sizes, S, " ")
		for (si = 1; si <= ns; si++) {
			s = S[si]
			for (ci = 1; ci <= nc; ci++)
				for (m = split("wall user sys cpu rss", M, " "); m >= 1; m--)
					med[s, C[ci], M[m]] = median(s SUBSEP C[ci] SUBSEP M[m])
			printf "\n### %s sockets (%s TCP sockets dumped, %d holder processes, medians of %d rounds)\n\n",
				s, dumped[s], nhold[s], rounds[s SUBSEP "report"]
			printf "| %-24s | %9s | %17s | %9s | %9s | %9s | %9s | %12s |\n", "command", "wall ms",
				"wall min..max", "CPU ms", "user ms", "sys ms", "RSS MiB", "wall us/sock"
			printf "|%s|%s|%s|%s|%s|%s|%s|%s|\n", "--------------------------", "----------:",
				"------------------:", "----------:", "----------:", "----------:", "----------:",
				"-------------:"
			for (ci = 1; ci <= nc; ci++) {
				c = C[ci]
				k = s SUBSEP c SUBSEP "wall"
				printf "| %-24s | %9.1f | %8.1f..%-7.1f | %9.1f | %9.1f | %9.1f | %9.1f | %12.3f |%s\n",
					label[c], med[s, c, "wall"] * 1000, lo_[k] * 1000, hi_[k] * 1000,
					med[s, c, "cpu"] * 1000,
					med[s, c, "user"] * 1000, med[s, c, "sys"] * 1000,
					med[s, c, "rss"] / 1024, med[s, c, "wall"] * 1e6 / dumped[s],
					((s SUBSEP c) in bad) ? " exit " bad[s SUBSEP c] : ""
			}
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
	}' "$POP" "$RAW"
} | tee "$SUMMARY"
echo "raw measurements: $RAW; summary: $SUMMARY"
