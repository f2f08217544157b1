#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Drives contrib/bash-completion/sockmem's completion function for partial
# command lines and checks the candidates. Commands and options come from
# the built binary's --help (SOCKMEM, default ./sockmem); "ip netns list" is
# a stub on PATH. Any user, no network; prints "ok NAME" / "FAIL NAME: ..."
# per case, then "N passed, M failed".
set -u
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
SOCKMEM=${SOCKMEM:-$repo/sockmem}
case $SOCKMEM in /*) ;; *) SOCKMEM=$PWD/$SOCKMEM ;; esac
passed=0
failed=0

tmp=$(mktemp -d /tmp/sockmem-completion.XXXXXX) || exit 1
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/bin" "$tmp/files"
printf '#!/bin/sh\n[ "$1 $2" = "netns list" ] && printf "blue (id: 0)\\nred\\n"\n' >"$tmp/bin/ip"
chmod +x "$tmp/bin/ip"
touch "$tmp/files/snap-1.json" "$tmp/files/snap-2.json" "$tmp/files/other"
PATH=$tmp/bin:$PATH

# shellcheck source=contrib/bash-completion/sockmem
. "$repo/contrib/bash-completion/sockmem"

# complete WORDS...: the candidates for the last word, sorted, one line.
complete_words() {
	COMP_WORDS=("$SOCKMEM" "$@")
	COMP_CWORD=$#
	COMP_LINE="${COMP_WORDS[*]}"
	COMP_POINT=${#COMP_LINE}
	COMPREPLY=()
	_sockmem 2>/dev/null
	printf '%s\n' "${COMPREPLY[@]}" | sed '/^$/d' | sort | tr '\n' ' ' | sed 's/ $//'
}

expect() {
	local name=$1 want=$2 got
	shift 2
	got=$(complete_words "$@")
	if [ "$got" = "$want" ]; then
		echo "ok completion $name"
		passed=$((passed + 1))
	else
		echo "FAIL completion $name: sockmem $* -> '$got', expected '$want'"
		failed=$((failed + 1))
	fi
}

# every command of --help, and only those
cmds=$("$SOCKMEM" --help | sed -n '/^Commands:/,/^[^ ]/{/^  [a-z]/{s/^  \([a-z-]*\).*/\1/;p}}' |
	sort | tr '\n' ' ' | sed 's/ $//')
expect commands "$cmds" ""
case " $cmds " in *" report "*" top "*) ;; *) echo "FAIL completion: --help lists no commands"; failed=$((failed + 1)) ;; esac
expect command-prefix "snapshot sockets system" s
expect option-prefix "--by" top --b
expect option-textfile "--tcp --textfile --this-netns --top" top --t
expect output-values "prom" top -o p
expect output-all "json prom table tsv" -o ""
expect by-values "cgroup" top --by c
expect sort-values "charged" --sort ch
expect state-values "time-wait" --state time
expect netns-names "blue red" -N ""
expect netns-prefix "red" top --netns r
expect textfile-files "$tmp/files/snap-1.json $tmp/files/snap-2.json" \
	report -o prom --textfile "$tmp/files/snap"
expect after-command "" top -o prom ""
expect option-value-not-command "" --top ""
expect walk-threads-option "--walk-threads" top --walk
expect walk-threads-value "" --walk-threads ""
expect after-walk-threads "$cmds" --walk-threads 2 ""
expect owner-walk-values "auto bpf proc" --owner-walk ""
expect after-owner-walk "$cmds" --owner-walk proc ""
if [[ " $cmds " == *" diff "* ]]; then
	expect diff-files "$tmp/files/snap-1.json $tmp/files/snap-2.json" diff "$tmp/files/snap"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
