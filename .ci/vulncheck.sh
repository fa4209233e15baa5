#!/usr/bin/env bash
# govulncheck (pinned) on both modules, against a vulnerability database built
# from the golang.org/x/vulndb module: its data/osv holds the OSV entries that
# vuln.go.dev serves, and its indexdb command turns them into the database
# layout govulncheck reads with -db file://. Everything comes through the Go
# module proxy, so this works where vuln.go.dev cannot be reached.
# The database is as of VULNDB's commit: move VULNDB to a newer pseudo-version
# of golang.org/x/vulndb to pick up newer reports.
# Usage: bash .ci/vulncheck.sh   (or make vulncheck)
set -euo pipefail
cd "$(dirname "$0")/.."
GOVULNCHECK=golang.org/x/vuln/cmd/govulncheck@v1.9.0
VULNDB=golang.org/x/vulndb@v0.0.0-20261105234957-e22db6528018

db=$(mktemp -d)
trap 'rm -rf "$db"' EXIT
src=$(go mod download -json "$VULNDB" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
[ -d "$src/data/osv" ] || { echo "vulncheck: $VULNDB has no data/osv (got dir '$src')" >&2; exit 1; }
go run "golang.org/x/vulndb/cmd/indexdb@${VULNDB#*@}" -vulns "$src/data/osv" -out "$db"
echo "vulnerability database: $VULNDB, $(ls "$db"/ID/*.json | wc -l) reports"

go run "$GOVULNCHECK" -db "file://$db" ./...
(cd asm && go run "$GOVULNCHECK" -db "file://$db" ./...)
