#!/usr/bin/env bash
# Checks the pre-commit hook (.pre-commit-hooks.yaml) the way a user meets
# it: `pre-commit try-repo` of this repository, in a scratch repository with
# one valid and one invalid desired-state file. The valid one must pass, the
# invalid one must fail with its file:line:column.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
command -v go >/dev/null || export PATH="/usr/local/go/bin:$PATH"
if ! command -v pre-commit >/dev/null; then
	echo "pre-commit-check: installing pre-commit (Debian)"
	apt-get install -y -qq pre-commit >/dev/null 2>&1 || { apt-get update -qq >/dev/null && apt-get install -y -qq pre-commit >/dev/null; }
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export PRE_COMMIT_HOME="$work/cache"
cd "$work"
git init -q repo && cd repo
git config user.email ci@example.com && git config user.name ci
mkdir mfa
cp "$root/fixtures/examples/prod-totp.yaml" mfa/prod.yaml
cp "$root/fixtures/invalid/rule-preferred-not-enabled.yaml" mfa/broken.yaml
git add mfa

try() { pre-commit try-repo "$root" mfactl-validate --files "$@" 2>&1; }

if ! out=$(try mfa/prod.yaml); then
	echo "$out"
	echo "pre-commit-check: the valid file was rejected" >&2
	exit 1
fi
echo "pre-commit-check: valid file passed"
if out=$(try mfa/broken.yaml); then
	echo "$out"
	echo "pre-commit-check: the invalid file was accepted" >&2
	exit 1
fi
if ! grep -q 'mfa/broken.yaml:[0-9]*:[0-9]*' <<<"$out"; then
	echo "$out"
	echo "pre-commit-check: the failure does not name the file's line and column" >&2
	exit 1
fi
echo "pre-commit-check: invalid file rejected:"
grep 'mfa/broken.yaml:' <<<"$out" | head -3
