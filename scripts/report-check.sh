#!/usr/bin/env bash
# Checks mfactl's CI reports with validators mfactl does not use:
#  - SARIF against the SARIF 2.1.0 JSON Schema (ajv, tools/ajv/check-sarif.mjs),
#  - JUnit against tools/junit/junit.xsd (xmllint, Debian's libxml2-utils).
# It checks the goldens of every plan scenario (fixtures/plans/*/plan.*), of a
# failed plan (internal/views/testdata/failure/plan.*), and
# the reports `mfactl validate` writes for every example and every invalid
# input, so that every diagnostic rule that the corpus triggers is covered.
# Set MFACTL to a built binary to skip `go build`.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

command -v node >/dev/null || { echo "report-check: node is required" >&2; exit 1; }
if ! command -v xmllint >/dev/null; then
	echo "report-check: installing xmllint (libxml2-utils)"
	if ! apt-get install -y -qq libxml2-utils >/dev/null 2>&1; then
		apt-get update -qq >/dev/null && apt-get install -y -qq libxml2-utils >/dev/null
	fi
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mfactl="${MFACTL:-}"
if [[ -z "$mfactl" ]]; then
	go build -o "$tmp/mfactl" .
	mfactl="$tmp/mfactl"
fi

(cd tools/ajv && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)

sarif=(fixtures/plans/*/plan.sarif.json internal/views/testdata/validate/*.sarif.json internal/views/testdata/failure/*.sarif.json)
junit=(fixtures/plans/*/plan.junit.xml internal/views/testdata/validate/*.junit.xml internal/views/testdata/failure/*.junit.xml)
n=0
for input in fixtures/examples fixtures/invalid/*; do
	case "$input" in *.golden) continue ;; esac
	n=$((n + 1))
	# Invalid inputs exit 1; the reports are written either way.
	"$mfactl" validate -f "$input" -o sarif >"$tmp/v$n.sarif" 2>/dev/null || true
	"$mfactl" validate -f "$input" -o junit >"$tmp/v$n.xml" 2>/dev/null || true
	sarif+=("$tmp/v$n.sarif")
	junit+=("$tmp/v$n.xml")
done

node tools/ajv/check-sarif.mjs "${sarif[@]}"
bad=0
for f in "${junit[@]}"; do
	xmllint --noout --schema tools/junit/junit.xsd "$f" 2>"$tmp/xmllint.err" || { bad=$((bad + 1)); cat "$tmp/xmllint.err" >&2; }
done
echo "check-junit: $((${#junit[@]} - bad)) passed, $bad failed"
[[ $bad -eq 0 ]]
