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

// docHead is the head every -o json document starts with.
type docHead struct {
	FormatVersion string
	Command       string
	Outcome       string
	Error         *struct{ Message, Code, Meaning string }
	Counts        struct{ PoolsChanged, UsersChanged, Calls, CallsApplied, CallsFailed, CallsNotStarted int }
}

// Every command that offers -o json prints one document on every path:
// success, invalid input, Cognito refusing (AccessDenied) or unreachable,
// and an interrupt. h.run checks each against its published schema; this
// checks the outcome, the exit code and the error it names.
func TestEveryPathPrintsOneDocumentOfItsSchema(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("Version: 1\nUserPools:\n  - UserPoolId: eu-west-1_Prod0TOTP\n    MfaConfiguration: on\n"), 0o600)
	saved := filepath.Join(dir, "mfa.plan")
	if _, errOut, code := h.run(context.Background(), "plan", "-f", examples, "--out", saved); code != ExitOK {
		t.Fatalf("plan --out: exit %d\n%s", code, errOut)
	}
	missingPool := filepath.Join(dir, "missing-pool.yaml")
	os.WriteFile(missingPool, []byte("Version: 1\nUserPools:\n  - UserPoolId: eu-west-1_NoSuchPool\n    MfaConfiguration: OFF\n"), 0o600)
	corrupt := filepath.Join(dir, "corrupt.plan")
	os.WriteFile(corrupt, []byte(`{"FormatVersion": "1.5", "Calls": [`), 0o600)
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	denied := func() { h.emu.FailNext("GetUserPoolMfaConfig", 1, "AccessDeniedException") }
	dead := deadURL(t)

	cases := []struct {
		name    string
		ctx     context.Context
		before  func()
		args    []string
		code    int
		outcome string
		errCode string // the Error's Code; "-" for no Error at all
	}{
		{"plan changes", context.Background(), nil, []string{"plan", "-f", examples}, ExitOK, "changes", "-"},
		{"plan invalid", context.Background(), nil, []string{"plan", "-f", bad}, ExitError, "invalid-input", "-"},
		{"plan of a pool that does not exist", context.Background(), nil, []string{"plan", "-f", missingPool}, ExitError, "checks-failed", "-"},
		{"plan denied", context.Background(), denied, []string{"plan", "-f", examples}, ExitError, "failed", "AccessDeniedException"},
		{"plan unreachable", context.Background(), nil, []string{"plan", "-f", examples, "--endpoint-url", dead}, ExitError, "failed", ""},
		{"plan interrupted", cancelled, nil, []string{"plan", "-f", examples}, ExitInterrupted, "interrupted", ""},
		{"show", context.Background(), nil, []string{"show", saved}, ExitOK, "changes", "-"},
		{"show missing", context.Background(), nil, []string{"show", filepath.Join(dir, "none.plan")}, ExitError, "failed", ""},
		{"show corrupt", context.Background(), nil, []string{"show", corrupt}, ExitError, "failed", ""},
		{"validate", context.Background(), nil, []string{"validate", "-f", examples}, ExitOK, "valid", "-"},
		{"validate invalid", context.Background(), nil, []string{"validate", "-f", bad}, ExitError, "invalid-input", "-"},
		{"validate interrupted", cancelled, nil, []string{"validate", "-f", examples}, ExitInterrupted, "interrupted", ""},
		{"report", context.Background(), nil, []string{"report", "-f", examples}, ExitOK, "findings", "-"},
		{"report invalid", context.Background(), nil, []string{"report", "-f", bad}, ExitError, "invalid-input", "-"},
		{"report denied", context.Background(), denied, []string{"report", "-f", examples}, ExitError, "failed", "AccessDeniedException"},
		{"report unreachable", context.Background(), nil, []string{"report", "-f", examples, "--endpoint-url", dead}, ExitError, "failed", ""},
		{"report interrupted", cancelled, nil, []string{"report", "-f", examples}, ExitInterrupted, "interrupted", ""},
		{"apply invalid", context.Background(), nil, []string{"apply", "-f", bad, "--auto-approve"}, ExitError, "invalid-input", "-"},
		{"apply denied", context.Background(), denied, []string{"apply", "-f", examples, "--auto-approve"}, ExitError, "failed", "AccessDeniedException"},
		{"apply unreachable", context.Background(), nil, []string{"apply", "-f", examples, "--auto-approve", "--endpoint-url", dead}, ExitError, "failed", ""},
		{"apply interrupted", cancelled, nil, []string{"apply", "-f", examples, "--auto-approve"}, ExitInterrupted, "interrupted", ""},
		{"apply stale plan file", context.Background(), nil, []string{"apply", corrupt}, ExitError, "failed", ""},
		{"apply", context.Background(), nil, []string{"apply", "-f", examples, "--auto-approve"}, ExitOK, "applied", "-"},
		{"apply no changes", context.Background(), nil, []string{"apply", "-f", examples, "--auto-approve"}, ExitOK, "no-changes", "-"},
		{"plan no changes", context.Background(), nil, []string{"plan", "-f", examples}, ExitOK, "no-changes", "-"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.before != nil {
				c.before()
			}
			stdout, stderr, code := h.run(c.ctx, append(c.args, "-o", "json")...)
			if code != c.code {
				t.Fatalf("exit %d, want %d\n%s", code, c.code, stderr)
			}
			var head docHead
			if err := json.Unmarshal([]byte(stdout), &head); err != nil {
				t.Fatalf("stdout is not one JSON document: %v\n%s", err, stdout)
			}
			if head.Command != c.args[0] || head.Outcome != c.outcome {
				t.Errorf("Command %q, Outcome %q; want %q, %q\n%s", head.Command, head.Outcome, c.args[0], c.outcome, stdout)
			}
			switch {
			case c.errCode == "-" && head.Error != nil:
				t.Errorf("an Error on a run that did not fail: %+v", *head.Error)
			case c.errCode != "-" && (head.Error == nil || head.Error.Message == "" || head.Error.Code != c.errCode):
				t.Errorf("Error %+v, want one with Code %q\n%s", head.Error, c.errCode, stdout)
			}
		})
	}
}

// A plan, apply, report or validate that fails in GitHub Actions says so
// where people look: an ::error annotation, an entry in the job summary,
// and every --report file rewritten with the failure (a stale comment or
// a stale JUnit file would say an earlier run's result).
func TestFailuresShowInEveryCIFormat(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	dir := t.TempDir()
	summary := filepath.Join(dir, "summary.md")
	env := map[string]string{"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": summary}
	reports := map[string]string{"markdown": "comment.md", "junit": "mfactl.xml", "sarif": "mfactl.sarif", "text": "plan.txt", "json": "plan.json"}
	var reportArgs []string
	for format, file := range reports {
		path := filepath.Join(dir, file)
		os.WriteFile(path, []byte("validate: 1 file valid (an earlier run's)"), 0o644)
		reportArgs = append(reportArgs, "--report", format+"="+path)
	}

	h.emu.FailNext("GetUserPoolMfaConfig", 1, "AccessDeniedException")
	out, errOut, code := h.runIn(context.Background(), env, append([]string{"plan", "-f", examples, "-o", "github"}, reportArgs...)...)
	if code != ExitError {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	if !strings.Contains(out, "::error title=mfactl plan failed::") || !strings.Contains(out, "AccessDeniedException") {
		t.Errorf("no ::error annotation for the failed plan:\n%s", out)
	}
	if got, _ := os.ReadFile(summary); !strings.Contains(string(got), "### :x: mfactl plan failed") || !strings.Contains(string(got), "AccessDeniedException") {
		t.Errorf("the job summary does not say the plan failed:\n%s", got)
	}
	wants := map[string][]string{
		"markdown": {"### :x: mfactl plan failed", "Cognito answered `AccessDeniedException`", "There is no plan"},
		"junit":    {`<testcase name="mfactl plan failed"`, `<failure message=`, `type="AccessDeniedException"`},
		"sarif":    {`"executionSuccessful": false`, `"toolExecutionNotifications"`, `"id": "AccessDeniedException"`},
		"text":     {"Error: reading live state", "AccessDeniedException"},
		"json":     {`"Outcome": "failed"`, `"Code": "AccessDeniedException"`},
	}
	for format, file := range reports {
		got, err := os.ReadFile(filepath.Join(dir, file))
		if err != nil || strings.Contains(string(got), "an earlier run's") {
			t.Errorf("--report %s was not rewritten: %v\n%s", format, err, got)
			continue
		}
		for _, want := range wants[format] {
			if !strings.Contains(string(got), want) {
				t.Errorf("--report %s lacks %q:\n%s", format, want, got)
			}
		}
	}

	// apply (text in GitHub Actions), report (markdown) and validate
	// (github, interrupted) fail visibly too.
	os.Remove(summary)
	h.emu.FailNext("GetUserPoolMfaConfig", 1, "AccessDeniedException")
	_, errOut, code = h.runIn(context.Background(), env, "apply", "-f", examples, "--auto-approve")
	if got, _ := os.ReadFile(summary); code != ExitError || !strings.Contains(errOut, "::error title=mfactl apply failed::") || !strings.Contains(string(got), "mfactl apply failed") {
		t.Errorf("apply: exit %d, no annotation or summary entry:\n%s\n%s", code, errOut, got)
	}
	h.emu.FailNext("GetUserPoolMfaConfig", 1, "AccessDeniedException")
	out, _, code = h.runIn(context.Background(), env, "report", "-f", examples, "-o", "markdown")
	if code != ExitError || !strings.Contains(out, "### :x: mfactl report failed") || !strings.Contains(out, "AccessDeniedException") {
		t.Errorf("report -o markdown: exit %d, the comment does not say it failed:\n%s", code, out)
	}
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	_, errOut, code = h.runIn(cancelled, env, "validate", "-f", examples, "-o", "github")
	if code != ExitInterrupted || !strings.Contains(errOut, "::error title=mfactl validate was interrupted::") {
		t.Errorf("validate -o github interrupted: exit %d, no annotation:\n%s", code, errOut)
	}
}
