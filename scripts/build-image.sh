#!/usr/bin/env bash
# Builds mfactl's container image locally from the same Dockerfile the
# release uses: a static linux binary and the CA bundle on `scratch`, run as a
# non-root user, with OCI labels. Uses buildah (or podman) from Debian; on a
# machine without user namespaces it runs buildah with chroot isolation and
# the vfs storage driver.
#   scripts/build-image.sh IMAGE LDFLAGS
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
image=${1:?image name}
ldflags=${2:-}
arch=$(go env GOARCH)

ctx=build/image
rm -rf "$ctx" && mkdir -p "$ctx/build" "$ctx/linux/$arch"
cp build/ca-certificates.crt "$ctx/build/"
CGO_ENABLED=0 GOOS=linux GOARCH="$arch" go build -trimpath -ldflags "-s -w -buildid= $ldflags" -o "$ctx/linux/$arch/mfactl" .
version=$("$ctx/linux/$arch/mfactl" version -o json | sed -n 's/^  "Version": "\(.*\)",$/\1/p')

labels=(
	--label org.opencontainers.image.title=mfactl
	--label "org.opencontainers.image.version=$version"
	--label "org.opencontainers.image.revision=$(git rev-parse HEAD)"
	--label org.opencontainers.image.source=https://github.com/mfactl/mfactl
	--label org.opencontainers.image.licenses=Apache-2.0
)
if command -v buildah >/dev/null; then
	buildah --storage-driver vfs build --isolation chroot --platform "linux/$arch" "${labels[@]}" -f Dockerfile -t "$image" "$ctx"
	echo "built $image; run it with: buildah --storage-driver vfs from $image (or podman run)"
elif command -v podman >/dev/null; then
	podman build --platform "linux/$arch" "${labels[@]}" -f Dockerfile -t "$image" "$ctx"
else
	echo "make image needs buildah or podman (Debian: apt-get install buildah)" >&2
	exit 1
fi
