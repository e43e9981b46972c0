#!/usr/bin/env bash
# Cross-checks mfactl's JSON Schema with an independent validator: ajv, with
# YAML converted to JSON by the npm yaml package, both pinned by
# tools/ajv/package-lock.json. The schema is the one `mfactl schema` prints.
# Every example must be accepted, every fixtures/invalid/schema-* input
# rejected, and every other invalid input (a fault beyond JSON Schema)
# accepted; inputs that cannot be converted to JSON are skipped with the
# reason. It then compiles the JSON Schema of every -o json document
# (`mfactl schema --output COMMAND`) and checks the -o json goldens against
# them: every plan scenario's plan.json, validation's, a failed plan's, and
# the reset-mfa audit lines and failure that cmd's end-to-end tests keep in
# fixtures/recovery.
# Exits 1 on any disagreement. Set MFACTL to a built binary to skip
# `go run`.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

for tool in node npm; do
	command -v "$tool" >/dev/null || { echo "ajv-check: $tool is required but not on PATH" >&2; exit 1; }
done

echo "ajv-check: npm ci in tools/ajv"
(cd tools/ajv && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mfactl="${MFACTL:-}"
if [[ -z "$mfactl" ]]; then
	go build -o "$tmp/mfactl" .
	mfactl="$tmp/mfactl"
fi
"$mfactl" schema >"$tmp/mfactl.schema.json"

node tools/ajv/check.mjs "$tmp/mfactl.schema.json" fixtures/examples fixtures/invalid

for command in plan show apply validate report reset-mfa; do
	"$mfactl" schema --output "$command" >"$tmp/$command.schema.json"
done
validate_docs=()
for f in internal/views/testdata/validate/*.json; do
	case "$f" in *.sarif.json) ;; *) validate_docs+=("$f") ;; esac
done
node tools/ajv/check-docs.mjs "$tmp" \
	plan fixtures/plans/*/plan.json internal/views/testdata/failure/plan.json \
	validate "${validate_docs[@]}" \
	reset-mfa fixtures/recovery/audit-*.jsonl fixtures/recovery/reset-failed.json
