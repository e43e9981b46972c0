#!/usr/bin/env bash
# Installs the third-party peers the conformance suite checks mfactl's emulator
# against (docs/conformance.md): cognito-local and the AWS SDK for JavaScript (the
# third client), pinned by tools/peers/package-lock.json, and the Debian awscli. Safe to run again: each step runs only when its result is
# missing or stale, so a warm machine pays nothing.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
peers="$root/tools/peers"
stamp="$peers/node_modules/.mfactl-lock.sha256"

for tool in node npm sha256sum; do
	command -v "$tool" >/dev/null || { echo "install-peers: $tool is required but not on PATH" >&2; exit 1; }
done

# npm ci wipes node_modules, so run it only when the lock file differs from the one
# that was last installed (a stamp written after a successful install).
want="$(sha256sum "$peers/package-lock.json" | cut -d' ' -f1)"
have="$(cat "$stamp" 2>/dev/null || true)"
if [[ "$want" != "$have" || ! -f "$peers/node_modules/cognito-local/lib/bin/start.js" ||
	! -f "$peers/node_modules/@aws-sdk/client-cognito-identity-provider/package.json" ]]; then
	echo "install-peers: npm ci in tools/peers (cognito-local, @aws-sdk/client-cognito-identity-provider)"
	# --ignore-scripts: nothing in the tree needs an install script to run.
	(cd "$peers" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
	echo "$want" >"$stamp"
else
	echo "install-peers: cognito-local and the AWS SDK for JavaScript up to date"
fi

# Debian's awscli, called by full path: another aws may come first on PATH.
if [[ ! -x /usr/bin/aws ]]; then
	echo "install-peers: apt-get install awscli"
	sudo=""
	[[ "$(id -u)" -eq 0 ]] || sudo="sudo"
	export DEBIAN_FRONTEND=noninteractive
	$sudo apt-get update -qq
	$sudo apt-get install -y -qq --no-install-recommends awscli >/dev/null
else
	echo "install-peers: awscli present ($(/usr/bin/aws --version 2>&1))"
fi
