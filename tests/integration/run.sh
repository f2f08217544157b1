#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Real-kernel integration tests for sockmem (loopback only, needs root).
#
#   SOCKMEM=./sockmem SOCKMEM_SAN=build/sockmem-san HELPERS=build/helpers \
#       tests/integration/run.sh [TEST_NAME...]
#
# Prints one line per test ("ok NAME" / "FAIL NAME: reason"), then exactly
# "N passed, M failed"; exits non-zero on any failure. The tests themselves are
# in suite.py (stdlib Python 3); this driver checks prerequisites, bounds the
# whole run in time, kills what it started by PID, and counts the results.
# IT_TIMEOUT (seconds, default 420) bounds the suite; IT_VERBOSE=1 shows timings.
set -u

here=$(cd "$(dirname "$0")" && pwd)
SOCKMEM=${SOCKMEM:-./sockmem}
SOCKMEM_SAN=${SOCKMEM_SAN:-build/sockmem-san}
HELPERS=${HELPERS:-build/helpers}
IT_TIMEOUT=${IT_TIMEOUT:-420}

results=$(mktemp /tmp/sockmem-it-results.XXXXXX) || exit 1
suite_pid=
interrupted=

# Ends the suite by its PID: SIGTERM (timeout(1) forwards it; suite.py then
# kills its helpers by PID), SIGKILL after 10 s.
stop_suite() {
	[ -n "$suite_pid" ] || return 0
	if kill -0 "$suite_pid" 2>/dev/null; then
		kill -TERM "$suite_pid" 2>/dev/null
		for _ in $(seq 20); do
			kill -0 "$suite_pid" 2>/dev/null || break
			sleep 0.5
		done
		kill -KILL "$suite_pid" 2>/dev/null
	fi
	wait "$suite_pid" 2>/dev/null
	suite_pid=
}
trap 'stop_suite; rm -f "$results"' EXIT
trap 'interrupted=1' INT TERM

fail_setup() {
	echo "FAIL setup: $*"
	echo "0 passed, 1 failed"
	exit 1
}

abspath() {
	case $1 in
	/*) printf '%s\n' "$1" ;;
	*) printf '%s/%s\n' "$PWD" "$1" ;;
	esac
}

SOCKMEM=$(abspath "$SOCKMEM")
SOCKMEM_SAN=$(abspath "$SOCKMEM_SAN")
HELPERS=$(abspath "$HELPERS")
for f in "$SOCKMEM" "$SOCKMEM_SAN" "$HELPERS/sockpair" "$HELPERS/churn"; do
	[ -x "$f" ] || fail_setup "$f is missing or not executable (run make integration)"
done
[ "$(id -u)" = 0 ] || fail_setup "needs root (netns, setpriv, other users' /proc entries)"
for tool in python3 unshare nsenter setpriv timeout; do
	command -v "$tool" >/dev/null || fail_setup "$tool not found"
done

start=$(date +%s)
# timeout(1) forwards our SIGTERM to the suite, which kills its helpers by PID;
# helpers also end by themselves (--timeout) if everything above them dies.
SOCKMEM=$SOCKMEM SOCKMEM_SAN=$SOCKMEM_SAN HELPERS=$HELPERS RESULTS=$results \
	timeout -k 10 "$IT_TIMEOUT" python3 -u "$here/suite.py" "$@" &
suite_pid=$!
wait "$suite_pid"
rc=$?
if [ -n "$interrupted" ]; then
	stop_suite
	echo "FAIL suite: interrupted"
	rc=130
fi
suite_pid=

# The check-findings and group/filter scripts, unless tests were named.
if [ $# -eq 0 ] && [ -z "$interrupted" ]; then
	for script in test_check.sh test_groups.sh; do
		out=$(SOCKMEM=$SOCKMEM HELPERS=$HELPERS timeout -k 10 120 "$here/$script" 2>&1)
		src=$?
		printf '%s\n' "$out" | grep -E '^(ok|FAIL) '
		printf '%s\n' "$out" | grep -E '^(ok|FAIL) ' >> "$results"
		if [ "$src" -ne 0 ] && ! printf '%s\n' "$out" | grep -q '^FAIL '; then
			echo "FAIL $script: exited with status $src" | tee -a "$results"
		fi
	done
fi

passed=$(grep -c '^ok ' "$results")
failed=$(grep -c '^FAIL ' "$results")
if [ -n "$interrupted" ]; then
	failed=$((failed + 1))
elif [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
	if [ "$rc" -eq 124 ]; then
		echo "FAIL suite: did not finish within ${IT_TIMEOUT}s"
	else
		echo "FAIL suite: suite.py exited with status $rc"
	fi
	failed=$((failed + 1))
fi
[ -n "${IT_VERBOSE:-}" ] && echo "(integration suite took $(($(date +%s) - start))s)" >&2
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
