#!/usr/bin/env bash
# Cross-checks mfactl's JSON Schema with an independent validator: ajv, with
# YAML converted to JSON by the npm yaml package, both pinned by
# tools/ajv/package-lock.json. The schema is the one `mfactl schema` prints.
# Every example must be accepted, every fixtures/invalid/schema-* input
# rejected, and every other invalid input (a fault beyond JSON Schema)
# accepted; inputs that cannot be converted to JSON are skipped with the
# reason. Exits 1 on any disagreement. Set MFACTL to a built binary to skip
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
if [[ -n "${MFACTL:-}" ]]; then
	"$MFACTL" schema >"$tmp/mfactl.schema.json"
else
	go run . schema >"$tmp/mfactl.schema.json"
fi

node tools/ajv/check.mjs "$tmp/mfactl.schema.json" fixtures/examples fixtures/invalid
