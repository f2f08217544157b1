# SPDX-License-Identifier: GPL-2.0-or-later
# Shared by the integration scripts: result counting and stopping helpers.
# Source it; it defines passed, failed, pids and the functions below.

passed=0
failed=0
pids=()

ok() {
	echo "ok $1"
	passed=$((passed + 1))
}

fail() {
	echo "FAIL $1: $2"
	failed=$((failed + 1))
}

# Counts "ok ..." / "FAIL ..." lines from a checker on stdin.
tally() {
	local line
	while IFS= read -r line; do
		case $line in
		"ok "*) ok "${line#ok }" ;;
		"FAIL "*)
			line=${line#FAIL }
			fail "${line%%: *}" "${line#*: }"
			;;
		*) echo "$line" ;;
		esac
	done
}

# Stops every helper in pids: SIGTERM, up to 2 s, then SIGKILL; empties pids.
# shellcheck disable=SC2317 # also called from EXIT traps
stop_pids() {
	local p
	for p in "${pids[@]}"; do
		kill -TERM "$p" 2>/dev/null
	done
	for p in "${pids[@]}"; do
		for _ in 1 2 3 4 5 6 7 8 9 10; do
			kill -0 "$p" 2>/dev/null || break
			sleep 0.2
		done
		kill -KILL "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	pids=()
}

# Prints the total line and exits with its status.
finish() {
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit
}

# setup_checks WHY TOOL...: makes SOCKMEM absolute and requires it, root
# (WHY says what for) and each TOOL; on a miss reports "setup" and finishes.
setup_checks() {
	local why=$1 tool
	shift
	case $SOCKMEM in /*) ;; *) SOCKMEM=$PWD/$SOCKMEM ;; esac
	if [ ! -x "$SOCKMEM" ]; then
		fail setup "$SOCKMEM is missing (make)"
		finish
	fi
	if [ "$(id -u)" != 0 ]; then
		fail setup "needs root ($why)"
		finish
	fi
	for tool in "$@"; do
		if ! command -v "$tool" >/dev/null; then
			fail setup "$tool not found"
			finish
		fi
	done
}
