#!/usr/bin/env bash
# Installs one mfactl release for the GitHub Action: downloads the archive for
# this runner and the release's checksums.txt, refuses an archive whose
# SHA-256 is not the one listed, and puts the binary on GITHUB_PATH. A binary
# already in MFACTL_INSTALL_DIR (the Action's cache) is used as it is.
#   MFACTL_VERSION      v0.3.0 (required)
#   MFACTL_RELEASE_URL  base URL; the files are at BASE/VERSION/FILE
#   MFACTL_INSTALL_DIR  where the binary goes
set -euo pipefail

version=${MFACTL_VERSION:?set the version input, e.g. v0.3.0}
base=${MFACTL_RELEASE_URL:-https://github.com/mfactl/mfactl/releases/download}
dir=${MFACTL_INSTALL_DIR:-${RUNNER_TOOL_CACHE:-$HOME/.cache}/mfactl/$version}

case "$version" in
v[0-9]*) ;;
*) echo "::error::mfactl version must be a release tag such as v0.3.0, not '$version'" >&2; exit 1 ;;
esac

os=$(uname -s | tr '[:upper:]' '[:lower:]')
case "$os" in
linux | darwin) ext=tar.gz bin=mfactl ;;
mingw* | msys* | cygwin* | windows*) os=windows ext=zip bin=mfactl.exe ;;
*) echo "::error::mfactl has no release for $os" >&2; exit 1 ;;
esac
case "$(uname -m)" in
x86_64 | amd64) arch=amd64 ;;
aarch64 | arm64) arch=arm64 ;;
*) echo "::error::mfactl has no release for $(uname -m)" >&2; exit 1 ;;
esac

publish() {
	if [[ -n "${GITHUB_PATH:-}" ]]; then echo "$dir" >>"$GITHUB_PATH"; fi
	if [[ -n "${GITHUB_OUTPUT:-}" ]]; then echo "path=$dir" >>"$GITHUB_OUTPUT"; fi
	"$dir/$bin" version
}

if [[ -x "$dir/$bin" ]]; then
	echo "mfactl $version from the cache: $dir"
	publish
	exit 0
fi

archive="mfactl_${version#v}_${os}_${arch}.${ext}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fetch() { curl --fail --silent --show-error --location --retry 3 --output "$tmp/$1" "$base/$version/$1"; }
fetch checksums.txt
fetch "$archive"

want=$(awk -v f="$archive" '$2 == f || $2 == "*" f { print $1 }' "$tmp/checksums.txt")
if [[ -z "$want" ]]; then
	echo "::error::$archive is not listed in the release's checksums.txt" >&2
	exit 1
fi
if command -v sha256sum >/dev/null; then
	got=$(sha256sum "$tmp/$archive" | awk '{print $1}')
else
	got=$(shasum -a 256 "$tmp/$archive" | awk '{print $1}')
fi
if [[ "$got" != "$want" ]]; then
	echo "::error::checksum mismatch for $archive: checksums.txt says $want, the download is $got; not installing" >&2
	exit 1
fi

mkdir -p "$tmp/x"
if [[ "$ext" == zip ]]; then unzip -q "$tmp/$archive" -d "$tmp/x"; else tar -xzf "$tmp/$archive" -C "$tmp/x"; fi
mkdir -p "$dir"
install -m 0755 "$tmp/x/$bin" "$dir/$bin"
echo "mfactl $version installed in $dir (sha256 $got)"
publish
