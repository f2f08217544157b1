# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
# shellcheck disable=SC2154 # the sourcing script sets the settings listed below
#
# bench/lib.sh - what `make bench` (bench/run.sh) and `make bench-large`
# (bench/large.sh) share. Sourced, never run.
#
#   bench_build        compiles holder, measure and the two floor programs into $OUT
#   bench_setup        $TMP (removed on exit), $RAW and $POP emptied, traps
#   start_population   holders (bench/holder.c) for S sockets, in parallel
#   population_info    what a population looks like to the floors and to sockmem
#   holders_alive      fails if a holder ended (timeout) during a measurement
#   stop_holders, wait_sockets_gone, cleanup (the EXIT trap)
#   run_one, run_rounds  timing by bench/measure.c into $RAW
#   machine_info       the header every summary starts with
#   bench_summary      medians and tables: awk -f bench/stats.awk -f PROGRAM
#   results_section    rewrites one marked section of a Markdown file
#
# Settings the sourcing script assigns first: OUT SOCKMEM SS CC PKG_CONFIG
# PER_HOLDER (connections per holder) V6_PCT WARMUP ROUNDS HOLDER_TIMEOUT
# (seconds after which a holder ends itself) READY_S (seconds a population
# may take to build) TEARDOWN_S (seconds its sockets may take to go), and a
# function cmd_argv CMD that sets the array CMD_ARGV to the command line
# timed under the name CMD.

die() {
	echo "bench: $*" >&2
	exit 1
}

warn() {
	echo "bench: warning: $*" >&2
}

secs_since() { # seconds from $1 (date +%s.%N) to now
	awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }'
}

bench_build() {
	local p mnl_cflags mnl_libs
	local -a bcflags=(-O2 -std=c11 -D_GNU_SOURCE -Wall -Wextra)

	mkdir -p "$OUT"
	mnl_cflags=$($PKG_CONFIG --cflags libmnl 2>/dev/null || true)
	mnl_libs=$($PKG_CONFIG --libs libmnl 2>/dev/null || echo -lmnl)
	for p in holder floor_fdwalk measure; do
		$CC "${bcflags[@]}" -o "$OUT/$p" "bench/$p.c" || die "cannot build bench/$p.c"
	done
	# shellcheck disable=SC2086 # pkg-config output is a word list
	$CC "${bcflags[@]}" $mnl_cflags -o "$OUT/floor_dump" bench/floor_dump.c $mnl_libs ||
		die "cannot build bench/floor_dump.c"
}

# --- holders and cleanup ------------------------------------------------------
HOLDER_PIDS=()  # holder processes (our children)
HOLDER_KIDS=()  # their split children (die with the parent; killed too)
HOLDER_PORTS=() # their listening ports: every socket of theirs has one of them

bench_setup() {
	mkdir -p "$OUT"
	RAW=$OUT/raw.tsv         # size round warm cmd wall user sys cpu rss_kib status
	POP=$OUT/populations.tsv # see bench/stats.awk
	TMP=$(mktemp -d "${TMPDIR:-/tmp}/sockmem-bench.XXXXXX")
	: >"$RAW"
	: >"$POP"
	trap cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
}

# True while process PID runs. A zombie does not count: its fds are closed,
# and the split children, orphaned when their holder dies, stay zombies until
# init gets round to reaping them (1-2 s here).
running() {
	local st
	st=$(awk '{ sub(/.*\) /, ""); print $1 }' "/proc/$1/stat" 2>/dev/null) || return 1
	[ -n "$st" ] && [ "$st" != Z ]
}

stop_holders() {
	local p
	for p in "${HOLDER_PIDS[@]}" "${HOLDER_KIDS[@]}"; do
		kill -TERM "$p" 2>/dev/null || true
	done
	for p in "${HOLDER_PIDS[@]}"; do
		wait "$p" 2>/dev/null || true
	done
	for p in "${HOLDER_KIDS[@]}"; do # not our children: poll
		while running "$p"; do sleep 0.05; done
	done
	HOLDER_PIDS=()
	HOLDER_KIDS=()
}

# Waits until no TCP socket (any state, TIME-WAIT included) uses a holder's
# listening port. Holders close with SO_LINGER {1, 0}, so none should linger;
# other work on the machine does not count.
wait_sockets_gone() {
	local n=0 filter="" p end=$((SECONDS + TEARDOWN_S))
	for p in "${HOLDER_PORTS[@]}"; do
		filter+="${filter:+ or }sport = :$p or dport = :$p"
	done
	[ -n "$filter" ] || return 0
	while :; do
		n=$("$SS" -tanH "( $filter )" | wc -l)
		[ "$n" -eq 0 ] || [ "$SECONDS" -ge "$end" ] && break
		sleep 0.1
	done
	[ "$n" -eq 0 ] || warn "$n TCP sockets on the holders' ports remain $TEARDOWN_S s after teardown"
	HOLDER_PORTS=()
}

cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	stop_holders
	[ "${#HOLDER_PORTS[@]}" -eq 0 ] || wait_sockets_gone
	[ -z "${TMP:-}" ] || rm -rf "$TMP"
	exit "$rc"
}

# Starts holders for S sockets (S/2 connections, at most PER_HOLDER per
# holder, at least 2 holders), all at once, and waits until every one is
# ready; sets NHOLD, NCONN. Holder #1 is split (client ends in its child).
start_population() {
	local size=$1 conns nh per extra i c v6 line end=$((SECONDS + READY_S))
	local me=$BASHPID # the holders' parent (a background command expands in the child)
	local -a split
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
		"$OUT/holder" -c "$c" -6 "$v6" -i "$i" -u 10 -b 4096 -t "$HOLDER_TIMEOUT" -p "$me" \
			"${split[@]}" >"$TMP/holder.$i" 2>"$TMP/holder.$i.err" &
		HOLDER_PIDS+=($!)
	done
	for ((i = 0; i < nh; i++)); do
		while ! grep -q '^ready' "$TMP/holder.$i"; do
			if ! running "${HOLDER_PIDS[$i]}"; then
				cat "$TMP/holder.$i.err" >&2
				die "holder $i exited before it was ready"
			fi
			[ "$SECONDS" -lt "$end" ] || die "holder $i not ready after $READY_S s"
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

# Fails if a holder (or a split child) is gone: it ended on its -t timeout,
# so what was measured since was a smaller population.
holders_alive() {
	local p
	for p in "${HOLDER_PIDS[@]}" "${HOLDER_KIDS[@]}"; do
		running "$p" ||
			die "holder $p ended during the measurement (its timeout is $HOLDER_TIMEOUT s)"
	done
}

# Counts what the floors and sockmem see of the population of S sockets that
# took SETUP seconds to build, prints it, appends a POP row (with any further
# columns given) and fails if fewer than S TCP sockets are dumped. Sets DUMPED.
population_info() {
	local size=$1 setup=$2 walked rows walk
	shift 2
	DUMPED=$("$OUT/floor_dump" 2>&1 >/dev/null | awk '{ print $2 }')
	walked=$("$OUT/floor_fdwalk" 2>&1 >/dev/null | awk '{ print $6 }')
	rows=$("$SOCKMEM" sockets --stats -o tsv 2>"$TMP/stats" | wc -l) || {
		warn "$SOCKMEM sockets -o tsv failed at $size sockets"
		rows=0
	}
	rows=$((rows > 0 ? rows - 1 : 0))
	walk=$(sed -n 's/.*owner walk: \([a-z]*\).*/\1/p' "$TMP/stats")
	printf '\n== %s sockets: %d holders, %d connections, set up in %.2f s; dump sees %s TCP sockets, fd walk %s socket fds, sockmem sockets -o tsv %s rows\n' \
		"$size" "$NHOLD" "$NCONN" "$setup" "$DUMPED" "$walked" "$rows"
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s' "$size" "$NHOLD" "$NCONN" "$DUMPED" "$walked" "$rows" \
		"${walk:-?}" >>"$POP"
	[ "$#" -eq 0 ] || printf '\t%s' "$@" >>"$POP"
	echo >>"$POP"
	[ "$DUMPED" -ge "$size" ] || die "population short: $DUMPED TCP sockets dumped, $size wanted"
}

# --- timing ----------------------------------------------------------------------
# Runs command CMD (cmd_argv) under measure at size S, round R (warm-up if
# WARM is 1); appends a row to RAW.
run_one() {
	local size=$1 round=$2 warm=$3 cmd=$4 line
	cmd_argv "$cmd"
	line=$("$OUT/measure" -e "$TMP/$cmd.err" -- "${CMD_ARGV[@]}") || die "measure could not run $cmd"
	# wall_s=W user_s=U sys_s=S cpu_s=C maxrss_kib=R status=X
	echo "$line" | awk -v s="$size" -v r="$round" -v w="$warm" -v c="$cmd" '{
		for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
		printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", s, r, w, c,
			v["wall_s"], v["user_s"], v["sys_s"], v["cpu_s"], v["maxrss_kib"], v["status"] }' >>"$RAW"
	case $line in
	*status=0) ;;
	*) warn "$cmd exited with ${line##*status=} at $size sockets: $(head -c 300 "$TMP/$cmd.err")" ;;
	esac
}

# Runs WARMUP warm-up and ROUNDS measured rounds of the commands CMD... at
# size S, interleaved round-robin, the order rotated by one every round.
run_rounds() {
	local size=$1 r k warm ncmd
	shift
	local -a cmds=("$@")
	ncmd=${#cmds[@]}
	for ((r = 0; r < WARMUP + ROUNDS; r++)); do
		warm=$((r < WARMUP ? 1 : 0))
		for ((k = 0; k < ncmd; k++)); do
			run_one "$size" "$r" "$warm" "${cmds[$(((k + r) % ncmd))]}"
		done
		printf '   round %d%s done\n' "$r" "$([ "$warm" = 1 ] && echo ' (warm-up)')"
	done
}

# --- summaries ---------------------------------------------------------------------
# Prints the machine header (METHOD is its last line, EXTRA lines go before
# it) and keeps a copy in $TMP/machine.
machine_info() {
	local method=$1 l
	shift
	{
		echo "date:    $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
		echo "machine: $(nproc) CPUs, $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)," \
			"$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) RAM"
		echo "kernel:  $(uname -sr)"
		echo "os:      $(. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME")"
		echo "ss:      $($SS -V 2>&1 | head -1)"
		echo "sockmem: $("$SOCKMEM" -V 2>&1 | head -1) ($(bench_commit))"
		echo "limits:  RLIMIT_NOFILE $(ulimit -n), ip_local_port_range $(tr '\t' '-' </proc/sys/net/ipv4/ip_local_port_range)"
		echo "load:    $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min load average at start)"
		for l in "$@"; do echo "$l"; done
		echo "method:  $method"
	} | tee "$TMP/machine"
}

# The commit the measured sockmem was built from, +dirty if src/ or include/
# differ from it.
bench_commit() {
	echo "$(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD -- src include 2>/dev/null || echo '+dirty')"
}

# awk -f bench/stats.awk -f PROGRAM [-v NAME=VALUE...] over POP and RAW.
bench_summary() {
	local prog=$1
	shift
	awk -f bench/stats.awk -f "$prog" "$@" "$POP" "$RAW"
}

# Replaces what is between the lines "<!-- TAG: begin -->" and
# "<!-- TAG: end -->" of the Markdown FILE with the contents of BODY; if FILE
# has no such lines, appends HEADING, the two lines and BODY to it.
results_section() {
	local tag=$1 file=$2 body=$3 heading=$4 begin end tmp
	begin="<!-- $tag: begin -->"
	end="<!-- $tag: end -->"
	tmp=$TMP/results.md
	if grep -qxF "$begin" "$file" && grep -qxF "$end" "$file"; then
		awk -v b="$begin" -v e="$end" -v body="$body" '
			$0 == b { print; while ((getline l < body) > 0) print l; skip = 1; next }
			$0 == e { skip = 0 }
			!skip { print }' "$file" >"$tmp"
	else
		{
			cat "$file"
			printf '\n%s\n\n%s\n' "$heading" "$begin"
			cat "$body"
			echo "$end"
		} >"$tmp"
	fi
	cat "$tmp" >"$file"
}
