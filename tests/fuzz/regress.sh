#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/fuzz/regress.sh - replay every fuzz target once over its committed
# corpus (tests/fuzz/corpus/T) and its crash reproducers (tests/fuzz/regress/T),
# with -runs=0: no mutation, nothing written to the tree. Builds the targets
# first (into build/fuzz/, incrementally). Fast; meant for `make check`.
#   tests/fuzz/regress.sh [TARGET...]
exec "$(dirname "$0")/run.sh" --regress "$@"
