package conformance

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Environment variables that select what the suite runs against.
const (
	// EnvSelect is a comma-separated list of target and client names
	// (emulator, cognito-local, awscli, js-sdk), or "all".
	EnvSelect = "MFACTL_CONFORMANCE"
	// EnvCognitoLocalDir is the cognito-local package directory; it defaults
	// to tools/peers/node_modules/cognito-local in the repository.
	EnvCognitoLocalDir = "COGNITO_LOCAL_DIR"
)

// Names of the targets and of the client check.
const (
	Emulator     = "emulator"
	CognitoLocal = "cognito-local"
	AWSCLI       = "awscli"
	JSSDK        = "js-sdk"
)

// HowToRun is the message for whoever finds a target or client skipped.
const HowToRun = "make conformance (or: scripts/install-peers.sh && " +
	EnvSelect + "=all go test ./internal/conformance/...)"

// A Target is a backend that speaks Cognito's JSON protocol and that the
// suite (and mfactl's own plan/apply tests) can start on a loopback port.
type Target struct {
	Name string
	// Divergences maps a scenario name to how this target departs there from
	// what real Cognito does. The suite asserts the divergent behaviour, so a
	// target that stops diverging fails until its entry is removed.
	Divergences map[string]Divergence
	start       func(ctx context.Context) (*Backend, error)
}

// A Divergence is a known, deliberate difference between a target and real
// Cognito in one scenario.
type Divergence struct {
	// Observed is what the suite sees from this target, in the scenario's
	// observation format.
	Observed string
	// Why names the target's limitation, for the docs and failure messages.
	Why string
}

// Expect returns what to assert for a scenario on this target: the stated
// divergence's observation if there is one, else what Cognito does. Suites
// other than this package's (mfactl's plan/apply tests) name their
// scenarios under their own prefix, e.g. "plan/…", and add entries to the
// divergence tables beside the ones here.
func (t Target) Expect(scenario, cognito string) (want string, divergence *Divergence) {
	if d, ok := t.Divergences[scenario]; ok {
		return d.Observed, &d
	}
	return cognito, nil
}

// Start launches a fresh, empty backend for the target.
func (t Target) Start(ctx context.Context) (*Backend, error) {
	b, err := t.start(ctx)
	if err != nil {
		return nil, fmt.Errorf("start %s: %w", t.Name, err)
	}
	return b, nil
}

// A Backend is one running instance of a target.
type Backend struct {
	Target string
	// Endpoint is the base URL to hand to an SDK client or the AWS CLI
	// (http://127.0.0.1:PORT).
	Endpoint string
	stop     func() error
}

// Stop shuts the backend down and removes whatever it stored.
func (b *Backend) Stop() error { return b.stop() }

// Targets returns the targets that EnvSelect asks for, in a fixed order.
// With EnvSelect unset only the emulator runs: it is in-process and needs
// nothing installed.
func Targets() ([]Target, error) {
	names, err := selection()
	if err != nil {
		return nil, err
	}
	var targets []Target
	for _, t := range allTargets() {
		if slices.Contains(names, t.Name) {
			targets = append(targets, t)
		}
	}
	return targets, nil
}

// Selected reports whether EnvSelect asks for the named target or client.
func Selected(name string) bool {
	names, err := selection()
	return err == nil && slices.Contains(names, name)
}

func allTargets() []Target {
	return []Target{
		{Name: Emulator, start: startEmulator},
		{Name: CognitoLocal, Divergences: cognitoLocalDivergences, start: startCognitoLocal},
	}
}

func selection() ([]string, error) {
	raw, set := os.LookupEnv(EnvSelect)
	if !set {
		return []string{Emulator}, nil
	}
	known := []string{Emulator, CognitoLocal, AWSCLI, JSSDK}
	var names []string
	for _, name := range strings.Split(raw, ",") {
		name = strings.TrimSpace(name)
		switch {
		case name == "":
		case name == "all":
			names = append(names, known...)
		case slices.Contains(known, name):
			names = append(names, name)
		default:
			return nil, fmt.Errorf("%s=%q: unknown name %q; allowed: %s or all",
				EnvSelect, raw, name, strings.Join(known, ", "))
		}
	}
	return names, nil
}

// cognitoLocalDir finds the installed cognito-local package.
func cognitoLocalDir() (string, error) {
	dir := os.Getenv(EnvCognitoLocalDir)
	if dir == "" {
		root, err := repoRoot()
		if err != nil {
			return "", err
		}
		dir = filepath.Join(root, "tools", "peers", "node_modules", "cognito-local")
	}
	if _, err := os.Stat(filepath.Join(dir, "lib", "bin", "start.js")); err != nil {
		return "", fmt.Errorf("cognito-local is not installed at %s (%s points elsewhere); run scripts/install-peers.sh", dir, EnvCognitoLocalDir)
	}
	return filepath.Abs(dir)
}

// repoRoot is the nearest directory above the working directory with a go.mod.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory; set " + EnvCognitoLocalDir)
		}
		dir = parent
	}
}
