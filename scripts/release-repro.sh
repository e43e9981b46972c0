#!/usr/bin/env bash
# Reproducibility of the release artefacts: `make release-snapshot` twice,
# from a clean dist/, and the two checksums.txt must be identical (every
# archive and SBOM byte for byte).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
make -s release-snapshot >/dev/null
cp dist/checksums.txt "${TMPDIR:-/tmp}/mfactl-checksums.first"
make -s release-snapshot >/dev/null
if ! diff -u "${TMPDIR:-/tmp}/mfactl-checksums.first" dist/checksums.txt; then
	echo "release-repro: two builds of $(git rev-parse --short HEAD) differ" >&2
	exit 1
fi
echo "release-repro: $(wc -l <dist/checksums.txt) artefacts, identical in two builds:"
cat dist/checksums.txt
