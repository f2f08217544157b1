#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Fault-injection suite: every row of tests/fault/table under strace's
# syscall tampering (see run.py). Needs root, strace, ip and python3.
#
#   SOCKMEM=./sockmem HELPERS=build/helpers tests/fault/run.sh [ROW...]
#
# Prints "ok NAME" / "FAIL NAME: reason" per row, then "N passed, M failed".
# SOCKMEM=build/sockmem-san runs the table against the ASan+UBSan build (rows
# under strace run with detect_leaks=0: LeakSanitizer cannot work under
# ptrace).
# FAULT_TIMEOUT (seconds, default 120) bounds the whole run; each row is
# bounded by FAULT_ROW_TIMEOUT (default 8) inside run.py.
here=$(cd "$(dirname "$0")" && pwd)
SOCKMEM=${SOCKMEM:-./sockmem}
HELPERS=${HELPERS:-build/helpers}
setup_fail() {
	echo "FAIL setup: $*"
	echo "0 passed, 1 failed"
	exit 1
}
[ "$(id -u)" = 0 ] || setup_fail "needs root (ip netns, other processes' /proc/[pid]/fd)"
for tool in strace ip python3 timeout unshare; do
	command -v "$tool" >/dev/null 2>&1 || setup_fail "$tool not found"
done
for f in "$SOCKMEM" "$HELPERS/sockpair"; do
	[ -x "$f" ] || setup_fail "$f is missing (make sockmem build/helpers/sockpair)"
done
export SOCKMEM HELPERS
# SIGTERM first: run.py then kills its holder and deletes its namespace.
exec timeout -k 10 "${FAULT_TIMEOUT:-120}" python3 -u "$here/run.py" "$@"
