#!/usr/bin/env bash
# Runs the conformance suite (docs/conformance.md) against every target: mfactl's
# emulator, cognito-local, and the AWS CLI as a client. Installs the peers first.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
./scripts/install-peers.sh

export MFACTL_CONFORMANCE=all
export COGNITO_LOCAL_DIR="$PWD/tools/peers/node_modules/cognito-local"

# -v shows each target's timing and divergence count; the RUN lines add nothing.
go test -count=1 -v ./internal/conformance/... 2>&1 | grep -Ev '^=== (RUN|PAUSE|CONT|NAME)'

# The SDK behaves differently with AWS_CA_BUNDLE set (it insists on a buildable
# HTTP client): run the in-process emulator once more with the opposite setting.
if [[ -n "${AWS_CA_BUNDLE:-}" ]]; then
	echo "conformance: emulator again, AWS_CA_BUNDLE unset"
	env -u AWS_CA_BUNDLE MFACTL_CONFORMANCE=emulator go test -count=1 -run '^TestScenarios$' ./internal/conformance/...
elif [[ -f /etc/ssl/certs/ca-certificates.crt ]]; then
	echo "conformance: emulator again, AWS_CA_BUNDLE set"
	AWS_CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt MFACTL_CONFORMANCE=emulator go test -count=1 -run '^TestScenarios$' ./internal/conformance/...
fi
