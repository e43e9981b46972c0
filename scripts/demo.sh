#!/usr/bin/env bash
# make demo: start the emulator seeded with hand-made pools, plan and apply
# fixtures/examples/, then plan again to show the pools converged.
set -euo pipefail
cd "$(dirname "$0")/.."
MFACTL=./bin/mfactl
STATE=$(mktemp -d)
trap 'kill "$EMU_PID" 2>/dev/null || true; wait "$EMU_PID" 2>/dev/null || true; rm -rf "$STATE"' EXIT

# The emulator needs no AWS account; the SDK still wants some credentials.
export AWS_ACCESS_KEY_ID=demo AWS_SECRET_ACCESS_KEY=demo AWS_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true
unset AWS_PROFILE AWS_ENDPOINT_URL AWS_SESSION_TOKEN

if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then
  step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
else
  step() { printf '\n==> %s\n' "$*"; }
fi

step "Starting the Cognito emulator, seeded with 5 pools set up by hand (fixtures/demo/seed.yaml)"
"$MFACTL" emulator --listen 127.0.0.1:0 --seed fixtures/demo/seed.yaml >"$STATE/url" 2>"$STATE/emulator.log" &
EMU_PID=$!
for _ in $(seq 100); do [ -s "$STATE/url" ] && break; sleep 0.05; done
URL=$(head -1 "$STATE/url")
[ -n "$URL" ] || { cat "$STATE/emulator.log"; echo "emulator did not start" >&2; exit 1; }
export AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER=$URL
echo "emulator at $URL"

step "mfactl validate -f fixtures/examples"
"$MFACTL" validate -f fixtures/examples

step "mfactl plan -f fixtures/examples"
"$MFACTL" plan -f fixtures/examples

step "mfactl apply -f fixtures/examples --auto-approve"
"$MFACTL" apply -f fixtures/examples --auto-approve

step "mfactl plan -f fixtures/examples --detailed-exitcode   (0 = converged)"
set +e
"$MFACTL" plan -f fixtures/examples --detailed-exitcode
code=$?
set -e
echo "exit code: $code"
step "API calls the emulator served"
curl -s "$URL/_emulator/stats" | python3 -c '
import json, sys
for op, c in sorted(json.load(sys.stdin)["Operations"].items()):
    print("  %-28s %4d calls" % (op, c["Calls"]))' || true
exit "$code"
