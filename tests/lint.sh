#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/lint.sh - the layering rules of src/ and include/ (make lint):
#   util/     includes util/ only
#   collect/  may include util/ and model/ (the data it fills)
#   model/    may include util/ and model/: pure, works on data from anywhere
#   render/   may include util/, model/ and render/: never a collector
#   cmd/      may include anything
# and collection code never prints (no printf/puts/perror in collect/).
# Prints one line per violation and exits 1 if there is any.
cd "$(dirname "$0")/.." || exit 2
bad=0
# check LAYER ALLOWED... : every quoted include in LAYER's sources and headers
# must start with one of the allowed folders.
check() {
	layer=$1
	shift
	for f in src/"$layer"/*.c include/"$layer"/*.h; do
		[ -e "$f" ] || continue
		grep -n '^#include "' "$f" | while IFS= read -r line; do
			inc=${line#*\"}
			inc=${inc%%\"*}
			ok=0
			for a in "$@"; do
				case $inc in "$a"/*) ok=1 ;; esac
			done
			[ $ok = 1 ] || echo "lint: $f:${line%%:*}: $layer/ must not include \"$inc\""
		done
	done
}
out=$( (
	check util util
	check collect util model collect
	check model util model
	check render util model render
	grep -nE '\<(printf|fprintf|puts|fputs|perror|putchar)\>' src/collect/*.c | sed 's/^/lint: collection code prints: /'
	for f in src/*.c include/*.h; do
		[ -e "$f" ] && echo "lint: $f: sources live in a layer folder (src/LAYER/, include/LAYER/)"
	done
) )
if [ -n "$out" ]; then
	printf '%s\n' "$out"
	bad=1
fi
[ $bad = 0 ] && echo "lint: ok (layers util, collect, model, render, cmd)"
exit $bad
