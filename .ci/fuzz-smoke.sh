#!/usr/bin/env bash
# Fuzz smoke: every Fuzz target of both modules runs for FUZZTIME (default
# 30000 executions, one to five seconds each here), so that the targets stay
# runnable. The targets come from go test -list, so a new one is picked up
# without editing this file.
# The default is a count, not a duration: with a duration, Go before 1.27 can
# fail a target with a bare "context deadline exceeded" when the time is up
# while a worker is busy (go.dev/issue/75804; seen here on go1.26.8 under load).
# Usage: bash .ci/fuzz-smoke.sh   (or make fuzz-smoke FUZZTIME=1000000x)
set -euo pipefail
cd "$(dirname "$0")/.."
fuzztime=${FUZZTIME:-30000x}

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
