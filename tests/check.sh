#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs every suite `make check` builds and ends with one total line:
#   "check: N passed, M failed"              or, when something was skipped,
#   "check: N passed, M failed, K skipped".
# Exits 0 when nothing failed.
#
# Hermetic suites (any user, seconds): the cmocka unit tests, golden-file
# render tests included (plain and under ASan+UBSan), every golden JSON file
# through jq, the output contract's man-page check, mandoc lint of the man
# page, the bash completion driven for partial command lines, and the fuzz
# regression replay.
# Root-only suites (real kernel, network namespaces, other users' /proc):
# the integration suite (plain and ASan+UBSan builds) and the strace
# fault-injection table. Run by anyone else, each is reported as skipped
# with the reason, and counts as skipped, not failed.
#
# The unit tests speak TAP (CMOCKA_MESSAGE_OUTPUT=TAP) and are counted by
# perl's TAP::Parser, the library behind prove (Debian: perl).
set -u
passed=0
failed=0
skipped=0

fail() {
	echo "FAIL $*"
	failed=$((failed + 1))
}

skip() {
	echo "skip $1: $2"
	skipped=$((skipped + 1))
}

# Reads TAP from each program named in @ARGV, echoes it, and counts: a test
# with a SKIP directive is skipped whether it says "ok" or "not ok" (cmocka
# 1.1 writes "not ok N # SKIP"); a program that dies, breaks its plan or
# exits non-zero with no failed test counts as one more failure. Writes
# "PASSED FAILED SKIPPED" to fd 3.
# shellcheck disable=SC2016
tap_count='
use strict;
use warnings;
use TAP::Parser;

my ($pass, $fail, $skip) = (0, 0, 0);
$| = 1;
for my $bin (@ARGV) {
	print "== $bin", ($ENV{TAP_LABEL} // ""), "\n";
	my $tp = eval { TAP::Parser->new({ exec => [$bin] }) };
	if (!$tp) {
		print "FAIL $bin: cannot run: $@\n";
		$fail++;
		next;
	}
	my $bad = 0;
	while (my $r = $tp->next) {
		print $r->raw, "\n";
		next unless $r->is_test;
		if ($r->has_skip) {
			$skip++;
		} elsif ($r->is_ok && !$r->has_todo) {
			$pass++;
		} else {
			$fail++;
			$bad++;
		}
	}
	my @why = $tp->parse_errors;
	my $sig = $tp->wait & 127;
	push @why, "killed by signal $sig" if $sig;
	push @why, "exit status " . $tp->exit if $tp->exit && !$bad;
	if (@why) {
		print "FAIL $bin: ", join("; ", @why), "\n";
		$fail++;
	}
}
open(my $out, ">&=", 3) or die "fd 3: $!";
print $out "$pass $fail $skip\n";
'

# Runs cmocka test programs through tap_count; adds their counts.
run_tap() {
	local counts p f s
	if ! perl -MTAP::Parser -e 1 2>/dev/null; then
		fail "unit tests: perl's TAP::Parser not found (apt-get install perl)"
		return
	fi
	{ counts=$(CMOCKA_MESSAGE_OUTPUT=TAP perl -e "$tap_count" "$@" 3>&1 1>&4); } 4>&1
	read -r p f s <<<"$counts"
	if [ -z "${s:-}" ]; then
		fail "unit tests: the TAP counter did not finish"
		return
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
}

# Adds the counts of a driver that ends with "N passed, M failed"; a non-zero
# exit with no failure counted is one more failure.
count_driver() {
	local name=$1 rc=$2 out=$3 line f=
	line=$(printf '%s\n' "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed$' | tail -1)
	if [ -n "$line" ]; then
		passed=$((passed + ${line%% passed*}))
		f=${line#*, }
		f=${f%% failed}
		failed=$((failed + f))
	fi
	if [ "$rc" -ne 0 ] && { [ -z "$line" ] || [ "$f" = 0 ]; }; then
		fail "$name: exit status $rc"
	fi
}

root=
[ "$(id -u)" = 0 ] && root=1

run_tap build/tests/test_*
TAP_LABEL=" (ASan+UBSan)" run_tap build/san-tests/test_*

echo "== golden JSON files parse (jq)"
if ! command -v jq >/dev/null 2>&1; then
	skip "golden JSON" "jq not found (apt-get install jq)"
else
	n=0
	bad=0
	for j in tests/golden/*.json; do
		[ -e "$j" ] || continue
		n=$((n + 1))
		# one document, an object: jq alone would accept several in a row
		if ! jq -e -s 'length == 1 and (.[0] | type) == "object"' "$j" >/dev/null; then
			echo "FAIL jq: $j is not one JSON object"
			bad=$((bad + 1))
		fi
	done
	if [ "$n" -eq 0 ]; then
		fail "golden JSON: no tests/golden/*.json"
	elif [ "$bad" -ne 0 ]; then
		fail "golden JSON: $bad of $n files"
	else
		echo "ok golden JSON: $n files"
		passed=$((passed + 1))
	fi
fi

echo "== integration"
if [ -z "$root" ]; then
	skip "integration" "needs root (network namespaces, setpriv, other users' /proc entries)"
	skip "integration (ASan+UBSan)" "needs root (as above)"
else
	out=$(SOCKMEM=./sockmem SOCKMEM_SAN=build/sockmem-san HELPERS=build/helpers \
		tests/integration/run.sh 2>&1)
	rc=$?
	printf '%s\n' "$out"
	count_driver integration "$rc" "$out"
	echo "== integration again, sockmem built with ASan+UBSan"
	# valgrind cannot run an ASan binary; the plain build had its valgrind run above.
	out=$(SOCKMEM=build/sockmem-san SOCKMEM_SAN=build/sockmem-san HELPERS=build/helpers \
		IT_EXCLUDE=valgrind ASAN_OPTIONS=detect_leaks=1 \
		UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 tests/integration/run.sh 2>&1)
	rc=$?
	printf '%s\n' "$out"
	count_driver "integration (ASan+UBSan)" "$rc" "$out"
fi

echo "== fault injection (strace)"
if [ -z "$root" ]; then
	skip "fault injection" "needs root (ip netns, other processes' /proc/[pid]/fd)"
elif ! command -v strace >/dev/null 2>&1; then
	skip "fault injection" "strace not found (apt-get install strace)"
else
	out=$(SOCKMEM=./sockmem HELPERS=build/helpers tests/fault/run.sh 2>&1)
	rc=$?
	printf '%s\n' "$out"
	count_driver "fault injection" "$rc" "$out"
fi

echo "== output contract: names in the man page (check_contract.py --man-only)"
# As root the integration suite runs the whole contract check (output_contract).
if out=$(tests/contract/check_contract.py --man-only 2>&1); then
	printf '%s\n' "$out"
	echo "ok contract --man-only"
	passed=$((passed + 1))
else
	printf '%s\n' "$out"
	fail "contract --man-only"
fi

echo "== bash completion (contrib/bash-completion/sockmem)"
out=$(SOCKMEM=./sockmem tests/completion/run.sh 2>&1)
rc=$?
printf '%s\n' "$out"
count_driver "bash completion" "$rc" "$out"

echo "== man page lint"
if lint=$(mandoc -Tlint -W warning man/sockmem.8 2>&1) && [ -z "$lint" ]; then
	echo "ok mandoc -Tlint"
	passed=$((passed + 1))
else
	printf '%s\n' "$lint"
	fail "mandoc -Tlint"
fi

echo "== fuzz regression replay"
out=$(tests/fuzz/regress.sh 2>&1)
rc=$?
printf '%s\n' "$out"
n=$(printf '%s\n' "$out" | grep -c '^regress .* ok')
passed=$((passed + n))
if [ "$rc" -ne 0 ]; then
	fail "fuzz regression replay: exit status $rc"
fi

if [ "$skipped" -gt 0 ]; then
	echo "check: $passed passed, $failed failed, $skipped skipped"
else
	echo "check: $passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
