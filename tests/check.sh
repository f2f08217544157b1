#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs every suite `make check` builds and ends with one total line:
# "check: N passed, M failed". Suites: cmocka unit tests (plain and under
# ASan+UBSan), the real-kernel integration suite, the strace fault-injection
# table (root only), mandoc lint of the man page, and the fuzz regression replay.
set -u
passed=0
failed=0

# cmocka prints "[  PASSED  ] N test(s)." and "[  FAILED  ] N test(s), listed below:".
run_cmocka() {
	local bin=$1 out rc p f
	out=$("$bin" 2>&1)
	rc=$?
	printf '%s\n' "$out"
	p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | tail -1)
	f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | tail -1)
	passed=$((passed + ${p:-0}))
	failed=$((failed + ${f:-0}))
	if [ "$rc" -ne 0 ] && [ -z "$f" ]; then
		echo "FAIL $bin: exit status $rc"
		failed=$((failed + 1))
	fi
}

for t in build/tests/test_*; do
	echo "== $t"
	run_cmocka "$t"
done
for t in build/san-tests/test_*; do
	echo "== $t (ASan+UBSan)"
	run_cmocka "$t"
done

# Runs the integration driver with the given environment; adds its counts.
run_integration() {
	local out rc line f
	out=$(env "$@" SOCKMEM_SAN=build/sockmem-san HELPERS=build/helpers tests/integration/run.sh 2>&1)
	rc=$?
	printf '%s\n' "$out"
	line=$(printf '%s\n' "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed$' | tail -1)
	f=
	if [ -n "$line" ]; then
		passed=$((passed + ${line%% passed*}))
		f=${line#*, }
		f=${f%% failed}
		failed=$((failed + f))
	fi
	if [ "$rc" -ne 0 ] && { [ -z "$line" ] || [ "$f" = 0 ]; }; then
		echo "FAIL integration: exit status $rc"
		failed=$((failed + 1))
	fi
}

echo "== integration"
run_integration SOCKMEM=./sockmem
echo "== integration again, sockmem built with ASan+UBSan"
# valgrind cannot run an ASan binary; the plain build had its valgrind run above.
run_integration SOCKMEM=build/sockmem-san IT_EXCLUDE=valgrind ASAN_OPTIONS=detect_leaks=1 \
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1

echo "== fault injection (strace)"
# Skipped, with the reason, where it cannot run; otherwise its counts join the total.
if [ "$(id -u)" != 0 ]; then
	echo "skip fault injection: needs root (ip netns, other processes' /proc/[pid]/fd)"
elif ! command -v strace >/dev/null 2>&1; then
	echo "skip fault injection: strace not found (apt-get install strace)"
else
	out=$(SOCKMEM=./sockmem HELPERS=build/helpers tests/fault/run.sh 2>&1)
	rc=$?
	printf '%s\n' "$out"
	line=$(printf '%s\n' "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed$' | tail -1)
	f=
	if [ -n "$line" ]; then
		passed=$((passed + ${line%% passed*}))
		f=${line#*, }
		f=${f%% failed}
		failed=$((failed + f))
	fi
	if [ "$rc" -ne 0 ] && { [ -z "$line" ] || [ "$f" = 0 ]; }; then
		echo "FAIL fault injection: exit status $rc"
		failed=$((failed + 1))
	fi
fi

echo "== man page lint"
if lint=$(mandoc -Tlint -W warning man/sockmem.8 2>&1) && [ -z "$lint" ]; then
	echo "ok mandoc -Tlint"
	passed=$((passed + 1))
else
	printf '%s\n' "$lint"
	echo "FAIL mandoc -Tlint"
	failed=$((failed + 1))
fi

echo "== fuzz regression replay"
out=$(tests/fuzz/regress.sh 2>&1)
rc=$?
printf '%s\n' "$out"
n=$(printf '%s\n' "$out" | grep -c '^regress .* ok')
passed=$((passed + n))
if [ "$rc" -ne 0 ]; then
	echo "FAIL fuzz regression replay: exit status $rc"
	failed=$((failed + 1))
fi

echo "check: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
