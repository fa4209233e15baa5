#!/usr/bin/env bash
# Fuzz smoke: every Fuzz target of both modules runs for FUZZTIME (default 3s),
# so that the targets stay runnable. The targets come from go test -list, so
# a new one is picked up without editing this file.
# Usage: bash .ci/fuzz-smoke.sh   (or make fuzz-smoke FUZZTIME=10s)
set -euo pipefail
cd "$(dirname "$0")/.."
fuzztime=${FUZZTIME:-3s}

n=0
for mod in . asm; do
	for pkg in $(cd "$mod" && go list ./...); do
		listed=$(cd "$mod" && go test -list '^Fuzz' "$pkg")
		for target in $(grep '^Fuzz' <<<"$listed" || true); do
			echo "== $target ($pkg, $fuzztime)"
			(cd "$mod" && go test -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime" "$pkg")
			n=$((n + 1))
		done
	done
done
echo "fuzz smoke: $n targets, $fuzztime each"
