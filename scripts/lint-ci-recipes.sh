#!/usr/bin/env bash
# Lints the CI recipes of docs/ci.md so that they do not rot: the GitHub
# workflows with actionlint (from the Go module proxy, pinned), the GitLab
# file, the cron script and the IAM documents for what can be checked here:
# every mfactl command line parses, GitLab jobs hang together, the IAM
# documents are well-formed (TestCIRecipes), and shellcheck. Exits 1 on any
# finding.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

# actionlint runs shellcheck on each run: block when it is installed.
if ! command -v shellcheck >/dev/null; then
	echo "lint-ci-recipes: installing shellcheck (Debian)"
	apt-get install -y -qq shellcheck >/dev/null 2>&1 || { apt-get update -qq >/dev/null && apt-get install -y -qq shellcheck >/dev/null; }
fi

ACTIONLINT=github.com/rhysd/actionlint/cmd/actionlint@v1.7.12
echo "lint-ci-recipes: actionlint docs/ci/github/*.yml .github/workflows/*.yml"
go run "$ACTIONLINT" -no-color docs/ci/github/*.yml .github/workflows/*.yml

echo "lint-ci-recipes: the mfactl command lines, the GitLab file and the IAM documents (TestCIRecipes); cron.sh"
go test ./cmd -run TestCIRecipes -count=1
shellcheck docs/ci/cron.sh action/*.sh scripts/version-check.sh scripts/pre-commit-check.sh scripts/build-image.sh
echo "lint-ci-recipes: ok"
