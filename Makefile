# mfactl — see README.md. `make demo` and `make test` are the two commands a newcomer needs.
GO      ?= go
BIN     := bin/mfactl
PEERS   := tools/peers
FUZZTIME ?= 30s

.PHONY: build test demo lint fuzz bench conformance peers chaos clean licenses release-check release-snapshot release-repro image version-check

# A build from a clone says what `git describe` says (the commit when there is
# no tag); release builds get the same variables from GoReleaser.
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo unknown)
COMMIT  ?= $(shell git rev-parse HEAD 2>/dev/null)
DATE    ?= $(shell git log -1 --format=%cI 2>/dev/null)
BUILDINFO := github.com/mfactl/mfactl/internal/buildinfo
LDFLAGS := -X $(BUILDINFO).Version=$(VERSION) -X $(BUILDINFO).Commit=$(COMMIT) -X $(BUILDINFO).Date=$(DATE)

build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags "$(LDFLAGS)" -o $(BIN) .

# -parallel 4: the end-to-end tests mostly wait, on the client pacing its
# calls at Cognito's default quotas, not on the CPU; at the default (one
# per core) two sleeping tests would hold a two-core machine's slots, and
# at 8 the race detector's bookkeeping costs more CPU than the overlap saves.
test:
	$(GO) test -race -count=1 -parallel 4 ./...

# staticcheck is pinned here and built by go run (cached after the first run).
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) mod tidy -diff
	$(GO) run $(STATICCHECK) ./...

demo: build
	./scripts/demo.sh

fuzz:
	$(GO) test ./schema -run '^$$' -fuzz '^FuzzLoad$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 5s

bench:
	$(GO) test -p 1 -run '^$$' -bench . -benchmem ./...

# The fault-and-kill suite (docs/reliability.md): CHAOS=full for the figures,
# CHAOS=ci for the bounded form .ci/run uses. Its figures are the last lines.
CHAOS ?= full
chaos:
	@mkdir -p bin
	MFACTL_CHAOS=$(CHAOS) MFACTL_CHAOS_FIGURES=$(CURDIR)/bin/chaos-figures.txt \
	  $(GO) test ./internal/chaos -count=1 -timeout 90m
	@cat bin/chaos-figures.txt

# Installs cognito-local (pinned, npm ci) and the Debian awscli if missing.
peers:
	./scripts/install-peers.sh

conformance: peers
	./scripts/conformance.sh

# docs/licenses.md: the license of every module built into mfactl; the tests
# fail when it is stale or a license is not a known permissive one.
licenses:
	$(GO) test ./internal/licenses -run TestDependencyLicenses -update

# GoReleaser runs from its own module (tools/release) so that go.mod here
# does not carry its dependencies.
GORELEASER := $(GO) tool -modfile=tools/release/go.mod goreleaser
release-check:
	$(GORELEASER) check

# Every release archive, checksums.txt and an SBOM per archive in dist/,
# without publishing or signing. Run it twice: the checksums are the same.
release-snapshot: build/ca-certificates.crt
	$(GORELEASER) release --snapshot --clean --skip=sign,publish,docker

build/ca-certificates.crt:
	@mkdir -p build
	cp /etc/ssl/certs/ca-certificates.crt $@

# The container image, built locally with buildah or podman (Debian packages).
IMAGE ?= ghcr.io/mfactl/mfactl:$(VERSION)
image: build/ca-certificates.crt
	./scripts/build-image.sh "$(IMAGE)" "$(LDFLAGS)"

# `go install` of this module at a release tag says that tag: serves the
# tree as v0.3.0 from a file proxy, installs it, and checks `version -o json`.
version-check:
	./scripts/version-check.sh

clean:
	rm -rf bin dist build

# Builds the release twice from the same commit and compares checksums.txt:
# the same commit must give the same bytes.
release-repro:
	./scripts/release-repro.sh
