#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/fuzz/run.sh - build and run sockmem's libFuzzer targets.
#
#   tests/fuzz/run.sh [TARGET...]            fuzz each target FUZZ_SECONDS (default 60)
#   tests/fuzz/run.sh --regress [TARGET...]  replay tests/fuzz/corpus/T and
#                                            tests/fuzz/regress/T once (-runs=0)
#   tests/fuzz/run.sh --build [TARGET...]    build only
#
# Targets: every name in ALL_TARGETS below (default: all).
# Binaries, corpus copies, logs and crash files go to build/fuzz/; the
# committed corpus is never written. Stops at the first crash, naming the
# target and the crash file. Run from anywhere; works in the repo root.
#
# Environment: CLANG (clang), PKG_CONFIG (pkg-config), FUZZ_SECONDS (60),
# FUZZ_TIMEOUT (10: seconds one input may take before it counts as a hang),
# FUZZ_FLAGS (extra libFuzzer flags).
set -eu

cd "$(dirname "$0")/../.."

CLANG=${CLANG:-clang}
PKG_CONFIG=${PKG_CONFIG:-pkg-config}
FUZZ_SECONDS=${FUZZ_SECONDS:-60}
FUZZ_TIMEOUT=${FUZZ_TIMEOUT:-10}
FUZZ_FLAGS=${FUZZ_FLAGS:-}
OUT=build/fuzz
ALL_TARGETS="fuzz_diag fuzz_procfs fuzz_cli fuzz_escape fuzz_cgroup fuzz_netns"
ALL_TARGETS="$ALL_TARGETS fuzz_nl fuzz_bc fuzz_dedup fuzz_numfmt fuzz_render fuzz_snapshot"

mode=fuzz
case "${1:-}" in
--regress) mode=regress; shift ;;
--build) mode=build; shift ;;
-h | --help) sed -n '3,16p' "$0"; exit 0 ;;
esac
targets=${*:-$ALL_TARGETS}
for t in $targets; do
	case " $ALL_TARGETS " in
	*" $t "*) ;;
	*) echo "run.sh: unknown fuzz target '$t' ($ALL_TARGETS)" >&2; exit 2 ;;
	esac
done

command -v "$CLANG" >/dev/null 2>&1 || {
	echo "run.sh: $CLANG not found (Debian: apt-get install clang libclang-rt-14-dev)" >&2
	exit 2
}
MNL_CFLAGS=$($PKG_CONFIG --cflags libmnl 2>/dev/null || true)
MNL_LIBS=$($PKG_CONFIG --libs libmnl 2>/dev/null || echo -lmnl)
# jansson: the snapshot reader (collect/snapfile.c); fuzz_render also checks
# that every JSON document parses.
JANSSON_CFLAGS=$($PKG_CONFIG --cflags jansson 2>/dev/null || true)
JANSSON_LIBS=$($PKG_CONFIG --libs jansson 2>/dev/null || echo -ljansson)
# -fno-sanitize-recover: a UBSan finding must stop the run like an ASan one.
CFLAGS="-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
-fno-omit-frame-pointer -std=c11 -D_GNU_SOURCE -Wall -Wextra -Iinclude $MNL_CFLAGS $JANSSON_CFLAGS"

# Whether $1 (a file, or any header when $1 is "include") is newer than $2.
newer() {
	[ -n "$(find "$1" \( -name "*.[ch]" -o -name "*.o" \) -newer "$2" 2>/dev/null | head -n 1)" ]
}

# Library objects (src/LAYER/*.c except cmd/main.c), shared by all targets;
# rebuilt when the source or any header is newer.
build() {
	mkdir -p "$OUT/obj"
	objs=
	for src in src/*/*.c; do
		[ "$src" = src/cmd/main.c ] && continue
		obj=$OUT/obj/$(echo "${src#src/}" | tr / _ | sed 's/\.c$//').o
		if [ ! -e "$obj" ] || newer "$src" "$obj" || newer include "$obj"; then
			echo "  CC      $obj"
			# shellcheck disable=SC2086 # CFLAGS is a list of words
			$CLANG $CFLAGS -c -o "$obj" "$src"
		fi
		objs="$objs $obj"
	done
	for t in $targets; do
		bin=$OUT/$t
		stale=0
		if [ ! -e "$bin" ] || newer "tests/fuzz/$t.c" "$bin" || newer include "$bin" ||
			newer tests/model "$bin"; then
			stale=1
		fi
		for obj in $objs; do
			if newer "$obj" "$bin"; then stale=1; fi
		done
		if [ "$stale" = 1 ]; then
			echo "  FUZZ    $bin"
			# shellcheck disable=SC2086
			$CLANG $CFLAGS -o "$bin" "tests/fuzz/$t.c" $objs $MNL_LIBS $JANSSON_LIBS -lm
		fi
	done
}

# Prints the libFuzzer report of a failed run and how to reproduce it.
report_crash() { # target log artifact_dir
	# shellcheck disable=SC2012 # libFuzzer names are plain; newest first
	crash=$(ls -t "$3"/crash-* "$3"/leak-* "$3"/timeout-* "$3"/oom-* "$3"/slow-unit-* 2>/dev/null | head -n 1 || true)
	echo "==== $1: sanitizer/libFuzzer report (full log: $2)"
	grep -v '^#[0-9]' "$2" | tail -n 60
	echo "FUZZ CRASH: target $1${crash:+, crash file $crash}"
	if [ -n "$crash" ]; then
		echo "reproduce: $OUT/$1 $crash"
	fi
}

build
if [ "$mode" = build ]; then exit 0; fi

if [ "$mode" = regress ]; then
	mkdir -p "$OUT/regress-artifacts"
	for t in $targets; do
		dirs=
		for d in "tests/fuzz/corpus/$t" "tests/fuzz/regress/$t"; do
			if [ -d "$d" ]; then dirs="$dirs $d"; fi
		done
		log=$OUT/$t.regress.log
		# shellcheck disable=SC2086 # a list of directories
		n=$(find $dirs -type f 2>/dev/null | wc -l)
		start=$(date +%s)
		# -runs=0: execute every input once, mutate nothing, write nothing.
		# shellcheck disable=SC2086
		if ! "$OUT/$t" -runs=0 -timeout="$FUZZ_TIMEOUT" \
			-artifact_prefix="$OUT/regress-artifacts/" $dirs >"$log" 2>&1; then
			report_crash "$t" "$log" "$OUT/regress-artifacts"
			exit 1
		fi
		echo "regress $t: $n inputs ok in $(($(date +%s) - start)) s"
	done
	exit 0
fi

for t in $targets; do
	corpus=$OUT/corpus-$t
	art=$OUT/artifacts-$t
	log=$OUT/$t.log
	rm -rf "$corpus" "$art"
	mkdir -p "$corpus" "$art"
	# Work on a copy: the committed corpus (and reproducers) only seed it.
	for d in "tests/fuzz/corpus/$t" "tests/fuzz/regress/$t"; do
		if [ -d "$d" ]; then find "$d" -type f -exec cp {} "$corpus/" \;; fi
	done
	seeds=$(find "$corpus" -type f | wc -l)
	echo "fuzz $t: ${FUZZ_SECONDS}s, $seeds seeds, log $log"
	start=$(date +%s)
	status=0
	# shellcheck disable=SC2086
	"$OUT/$t" -max_total_time="$FUZZ_SECONDS" -timeout="$FUZZ_TIMEOUT" \
		-print_final_stats=1 -artifact_prefix="$art/" $FUZZ_FLAGS \
		"$corpus" >"$log" 2>&1 || status=$?
	secs=$(($(date +%s) - start))
	if [ "$status" != 0 ] || [ -n "$(ls "$art")" ]; then
		report_crash "$t" "$log" "$art"
		exit 1
	fi
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	cov=$(grep -E '^#[0-9]+' "$log" | tail -n 1 | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
	echo "fuzz $t: ${runs:-?} runs in ${secs} s, coverage ${cov:-?} edges, corpus $seeds -> $(find "$corpus" -type f | wc -l), no crash"
done
echo "fuzz: all targets ran without a crash"
