#!/usr/bin/env bash
# Checks the version a build reports, both ways a user gets mfactl:
#  1. `make build` from this clone says what `git describe` says;
#  2. `go install github.com/mfactl/mfactl@v0.3.0` says v0.3.0: the tree is
#     served as that version from a file-based module proxy on disk (the
#     dependencies come from the usual proxy), installed, and asked.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
command -v go >/dev/null || export PATH="/usr/local/go/bin:$PATH"

fail() { echo "version-check: $*" >&2; exit 1; }
if ! command -v zip >/dev/null; then
	echo "version-check: installing zip (Debian)"
	apt-get install -y -qq zip >/dev/null 2>&1 || { apt-get update -qq >/dev/null && apt-get install -y -qq zip >/dev/null; }
fi
field() { sed -n "s/^ *\"$1\": \"\\(.*\\)\",\\{0,1\\}$/\\1/p"; }

make -s build
want=$(git describe --tags --always --dirty)
got=$(bin/mfactl version -o json | field Version)
[[ "$got" == "$want" ]] || fail "make build reports version '$got', git describe says '$want'"
commit=$(bin/mfactl version -o json | field Commit)
[[ "$commit" == "$(git rev-parse HEAD)" ]] || fail "make build reports commit '$commit'"
sdk=$(bin/mfactl version -o json | field SDKVersion)
want_sdk=$(go list -m -f '{{.Version}}' github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider)
[[ "$sdk" == "$want_sdk" ]] || fail "make build reports the Cognito SDK as '$sdk', go.mod requires '$want_sdk'"
echo "make build: $got ($commit), Cognito SDK $sdk"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mod=github.com/mfactl/mfactl
dir="$tmp/proxy/$mod/@v"
mkdir -p "$dir"
git ls-files -z | grep -zv '^tools/' | xargs -0 tar -cf - | (mkdir -p "$tmp/src/$mod@v0.3.0" && tar -xf - -C "$tmp/src/$mod@v0.3.0")
(cd "$tmp/src" && zip -qr "$dir/v0.3.0.zip" "$mod@v0.3.0")
cp go.mod "$dir/v0.3.0.mod"
echo '{"Version":"v0.3.0","Time":"2026-12-01T00:00:00Z"}' >"$dir/v0.3.0.info"
echo v0.3.0 >"$dir/list"

GOBIN="$tmp/bin" GOFLAGS='' GONOSUMDB=$mod \
	GOPROXY="file://$tmp/proxy,$(go env GOPROXY)" \
	go install "$mod@v0.3.0"
got=$("$tmp/bin/mfactl" version -o json | field Version)
[[ "$got" == v0.3.0 ]] || fail "go install $mod@v0.3.0 reports version '$got'"
echo "go install @v0.3.0: $got"
