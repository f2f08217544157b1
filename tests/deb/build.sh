#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Builds the Debian package from a clean copy of the source tree:
#   tests/deb/build.sh OUTDIR
# copies the files git tracks (or, outside a git checkout, the tree without
# build products) to OUTDIR/src/sockmem-VERSION, runs dpkg-buildpackage -us
# -uc -b there, and leaves sockmem_*.deb (and .changes, .buildinfo) in
# OUTDIR/src. Prints the .deb's path last.
set -euo pipefail
out=${1:?usage: build.sh OUTDIR}
repo=$(cd "$(dirname "$0")/../.." && pwd)
for t in dpkg-buildpackage dh; do
	command -v "$t" >/dev/null || {
		echo "deb: $t not found (apt-get install dpkg-dev debhelper)" >&2
		exit 1
	}
done
version=$(dpkg-parsechangelog -l "$repo/debian/changelog" -S Version)
mkdir -p "$out"
out=$(cd "$out" && pwd)
src=$out/src/sockmem-$version
rm -rf "$out/src"
mkdir -p "$src"
if git -C "$repo" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	# tracked files as they are in the work tree (uncommitted edits included)
	(cd "$repo" && git ls-files -z | xargs -0 cp --parents -d -t "$src" 2>/dev/null ||
		git ls-files -z | while IFS= read -r -d '' f; do
			[ -e "$f" ] && cp --parents -d -t "$src" "$f"
		done)
else
	tar -C "$repo" --exclude=./build --exclude=./sockmem -cf - . | tar -C "$src" -xf -
fi
(cd "$src" && dpkg-buildpackage -us -uc -b)
ls "$out"/src/sockmem_"$version"_*.deb
