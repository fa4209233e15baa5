#!/usr/bin/env bash
# staticcheck (pinned; built from the Go module proxy) on both modules, with
# the library also checked as built for arm64 (the NEON files) and with
# -tags purego (the files every other GOARCH builds).
# Usage: bash .ci/staticcheck.sh   (or make staticcheck)
set -euo pipefail
cd "$(dirname "$0")/.."
STATICCHECK=honnef.co/go/tools/cmd/staticcheck@v0.8.2

tools=$(mktemp -d)
trap 'rm -rf "$tools"' EXIT
# Installed once for the host, then run with GOARCH set for the packages
# (go run with GOARCH=arm64 would build the tool itself for arm64).
GOBIN=$tools go install "$STATICCHECK"

for config in "" "-tags purego" "GOARCH=arm64"; do
	echo "staticcheck ./... ${config:-(host)}"
	case $config in
	GOARCH=*) env "$config" "$tools/staticcheck" ./... ;;
	*) "$tools/staticcheck" $config ./... ;;
	esac
done
echo "staticcheck asm/..."
(cd asm && "$tools/staticcheck" ./...)
