#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# make deb-check: builds the package (tests/deb/build.sh OUTDIR), runs
# lintian on it, installs it with dpkg -i, checks that sockmem --version and
# man -w sockmem work and that the binary, man page, completion and systemd
# units are where Debian puts them (units neither enabled nor started),
# then purges it and checks that none of its files is left. Root; it
# installs into this system (refuses when a sockmem package is installed
# already). Prints "ok ..." / "FAIL ..." lines, then "N passed, M failed".
set -u
out=${1:-build/deb}
repo=$(cd "$(dirname "$0")/../.." && pwd)
passed=0
failed=0
ok() { echo "ok deb $1"; passed=$((passed + 1)); }
bad() { echo "FAIL deb $1"; failed=$((failed + 1)); }
finish() { echo "$passed passed, $failed failed"; [ "$failed" -eq 0 ]; exit; }

[ "$(id -u)" = 0 ] || { bad "setup: needs root (dpkg -i)"; finish; }
if dpkg-query -W -f '${Status}' sockmem 2>/dev/null | grep -q installed; then
	bad "setup: a sockmem package is installed already; not touching it"
	finish
fi
for t in lintian dpkg man; do
	command -v "$t" >/dev/null || { bad "setup: $t not found"; finish; }
done

start=$(date +%s)
if ! log=$("$repo/tests/deb/build.sh" "$out" 2>&1); then
	printf '%s\n' "$log" | tail -20
	bad "build: dpkg-buildpackage failed"
	finish
fi
deb=$(printf '%s\n' "$log" | tail -1)
ok "build: $(basename "$deb") in $(($(date +%s) - start)) s"

# lintian: no errors; warnings and info are printed for the record
lint=$(lintian --info "$deb" 2>&1)
printf '%s\n' "$lint" | sed 's/^/  lintian: /'
if printf '%s\n' "$lint" | grep -q '^E: '; then
	bad "lintian: errors"
else
	ok "lintian: no errors ($(printf '%s\n' "$lint" | grep -c '^W: ') warnings)"
fi

if ! dpkg -i "$deb" >/dev/null 2>&1; then
	bad "dpkg -i $deb"
	finish
fi
ok "dpkg -i"
files=$(dpkg -L sockmem)
printf '%s\n' "$files" | sed 's/^/  file: /'
v=$(sockmem --version 2>&1) && [[ $v == "sockmem "* ]] && ok "sockmem --version: $v" ||
	bad "sockmem --version: $v"
m=$(man -w sockmem 2>&1) && ok "man -w sockmem: $m" || bad "man -w sockmem: $m"
for f in /usr/sbin/sockmem /usr/share/man/man8/sockmem.8.gz \
	/usr/share/bash-completion/completions/sockmem /lib/systemd/system/sockmem.service \
	/lib/systemd/system/sockmem.timer; do
	if printf '%s\n' "$files" | grep -qx "$f" && [ -e "$f" ]; then
		ok "installed $f"
	else
		bad "not installed: $f"
	fi
done
# not enabled: no timers.target.wants link
if [ -e /etc/systemd/system/timers.target.wants/sockmem.timer ]; then
	bad "sockmem.timer is enabled"
else
	ok "sockmem.timer not enabled"
fi

dpkg --purge sockmem >/dev/null 2>&1 && ok "dpkg --purge" || bad "dpkg --purge"
left=0
while IFS= read -r f; do
	# directories other packages share (/usr, /usr/sbin...) stay
	if [ -e "$f" ] && [ ! -d "$f" ]; then
		bad "left after purge: $f"
		left=1
	fi
done <<<"$files"
[ "$left" = 0 ] && ok "purge leaves none of its files"
if dpkg-query -W sockmem >/dev/null 2>&1; then
	bad "dpkg still knows sockmem after purge"
else
	ok "dpkg knows no sockmem after purge"
fi
finish
