package cmd

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mfactl/mfactl/emulator"
)

// planDoc is what `plan -o json` prints, success or not.
type planDoc struct {
	FormatVersion string
	Outcome       string
	Error         *struct{ Message, Code, Meaning string }
	Pools, Calls  []json.RawMessage
	Diagnostics   []struct{ Severity, Summary string }
	Changed       *bool
}

func parsePlanDoc(t *testing.T, stdout string) planDoc {
	t.Helper()
	var doc planDoc
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
		t.Fatalf("stdout is not one plan JSON document: %v\n%s", err, stdout)
	}
	if doc.FormatVersion == "" || doc.Pools == nil || doc.Calls == nil || doc.Diagnostics == nil {
		t.Fatalf("document lacks FormatVersion, Pools, Calls or Diagnostics:\n%s", stdout)
	}
	return doc
}

// `plan -o json` prints a plan-shaped JSON document on every path, so that
// `> drift.json` from cron always leaves something parseable.
func TestPlanJSONOnEveryPath(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("Version: 1\nUserPools:\n  - UserPoolId: eu-west-1_Prod0TOTP\n    MfaConfiguration: on\n"), 0o600)
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()

	cases := []struct {
		name    string
		ctx     context.Context
		args    []string
		code    int
		outcome string
		want    string // in the error or a diagnostic
	}{
		{"invalid files", context.Background(), []string{"plan", "-o", "json", "-f", bad}, ExitError, "invalid-input", `unknown MfaConfiguration "on"`},
		{"Cognito unreachable", context.Background(), []string{"plan", "-o", "json", "-f", examples, "--endpoint-url", deadURL(t)}, ExitError, "failed", "connection refused"},
		{"a bad --rate", context.Background(), []string{"plan", "-o", "json", "-f", examples, "--rate", "UserRead=0"}, ExitError, "failed", "--rate"},
		{"interrupted", cancelled, []string{"plan", "-o", "json", "-f", examples}, ExitInterrupted, "interrupted", "canceled"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			stdout, stderr, code := h.run(c.ctx, c.args...)
			if code != c.code {
				t.Fatalf("exit %d, want %d\n%s", code, c.code, stderr)
			}
			doc := parsePlanDoc(t, stdout)
			if doc.Outcome != c.outcome || len(doc.Calls) != 0 {
				t.Errorf("Outcome %q, %d calls; want %q and none", doc.Outcome, len(doc.Calls), c.outcome)
			}
			found := false
			for _, d := range doc.Diagnostics {
				found = found || d.Severity == "error" && strings.Contains(d.Summary, c.want)
			}
			if !found {
				t.Errorf("no error diagnostic mentions %q:\n%s", c.want, stdout)
			}
		})
	}
}

func deadURL(t *testing.T) string {
	t.Helper()
	return "http://127.0.0.1:1"
}

// A credential_process whose output does not parse is quoted by the SDK,
// keys included: neither the text error nor the JSON document shows them.
func TestCredentialProcessOutputNeverReachesOutput(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	dir := t.TempDir()
	script := filepath.Join(dir, "creds.sh")
	os.WriteFile(script, []byte("#!/bin/sh\nprintf '{\"Version\": 1, \"AccessKeyId\": \"AKIDEXAMPLE\", \"SecretAccessKey\": \"wJalrSUPERSECRETKEY\", \"SessionToken\": \"tok'\n"), 0o700)
	config := filepath.Join(dir, "config")
	os.WriteFile(config, []byte("[profile leak]\ncredential_process = "+script+"\n"), 0o600)
	t.Setenv("AWS_CONFIG_FILE", config)
	t.Setenv("AWS_ACCESS_KEY_ID", "")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "")
	for _, format := range []string{"text", "json"} {
		stdout, stderr, code := h.run(context.Background(), "plan", "-o", format, "--profile", "leak", "-f", examples)
		if code != ExitError {
			t.Fatalf("%s: exit %d\n%s", format, code, stderr)
		}
		if strings.Contains(stdout+stderr, "SUPERSECRET") || strings.Contains(stdout+stderr, "AKIDEXAMPLE") {
			t.Fatalf("%s: the credential process's output reached the output:\n%s\n%s", format, stdout, stderr)
		}
		if !strings.Contains(stdout+stderr, "process output: (hidden") || !strings.Contains(stdout+stderr, "nothing was sent to Cognito") {
			t.Errorf("%s: the error does not say what failed:\n%s\n%s", format, stdout, stderr)
		}
		if format == "json" {
			parsePlanDoc(t, stdout)
		}
	}
	if n := len(h.emu.Stats().Calls); n != 0 {
		t.Fatalf("%d API calls without credentials", n)
	}
}

func TestConcurrencyBelowOneIsAUsageError(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	for _, n := range []string{"0", "-3"} {
		_, stderr, code := h.run(context.Background(), "apply", "-f", examples, "--auto-approve", "--concurrency", n)
		if code != ExitError || !strings.Contains(stderr, "--concurrency "+n) {
			t.Errorf("--concurrency %s: exit %d\n%s", n, code, stderr)
		}
	}
	if n := len(h.emu.Stats().Calls); n != 0 {
		t.Fatalf("%d API calls", n)
	}
}
