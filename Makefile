# mfactl — see README.md. `make demo` and `make test` are the two commands a newcomer needs.
GO      ?= go
BIN     := bin/mfactl
PEERS   := tools/peers
FUZZTIME ?= 30s

.PHONY: build test demo lint fuzz bench conformance peers chaos clean

build:
	CGO_ENABLED=0 $(GO) build -o $(BIN) .

test:
	$(GO) test -race -count=1 ./...

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

clean:
	rm -rf bin
