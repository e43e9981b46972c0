package cmd

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mfactl/mfactl/emulator"
	"github.com/mfactl/mfactl/internal/iostreams"
)

// runWith is run with streams the test made (a terminal, a CI environment).
func (h *harness) runWith(ctx context.Context, ios *iostreams.IOStreams, args ...string) int {
	h.t.Helper()
	root := NewRootCmd(NewFactory(ios))
	if args[0] == "plan" || args[0] == "apply" {
		args = append(args, "--endpoint-url", h.url)
	}
	root.SetArgs(args)
	return exitCode(root.ExecuteContext(ctx), ios)
}

// reads returns the read calls the emulator answered, as "Operation pool [user]".
func (h *harness) reads() []string {
	var calls []string
	for _, c := range h.emu.Stats().Calls {
		// Writes, and the account's quotas (GetProvisionedLimit), which
		// are about no pool.
		if c.Operation == "SetUserPoolMfaConfig" || c.Operation == "AdminSetUserMFAPreference" || c.UserPoolId == "" {
			continue
		}
		calls = append(calls, strings.TrimSpace(c.Operation+" "+c.UserPoolId+" "+c.Username))
	}
	return calls
}

// One plan run makes the pull-request comment on stdout and writes JUnit,
// SARIF and the annotated log to files, as the GitHub workflow of
// docs/ci.md does.
func TestOnePlanRunWritesEveryReport(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	dir := t.TempDir()
	junit, sarif, github := filepath.Join(dir, "mfactl.xml"), filepath.Join(dir, "mfactl.sarif"), filepath.Join(dir, "github.txt")
	out, errOut, code := h.run(context.Background(), "plan", "-f", examples, "-o", "markdown",
		"--report", "junit="+junit, "--report", "sarif="+sarif, "--report", "github="+github)
	if code != ExitOK {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	if !strings.HasPrefix(out, "### mfactl plan: 5 pools, 21 calls: 5 pool changes, 16 users\n") || strings.Count(out, "<details>") != 5 ||
		!strings.HasSuffix(out, "\n**Plan: 21 calls — 4 pools, 16 users to change; 4 users in sync.**\n") {
		t.Errorf("comment:\n%s", out)
	}
	var suites struct {
		Suites []struct {
			Name  string `xml:"name,attr"`
			Cases []struct {
				Name string `xml:"name,attr"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	data, err := os.ReadFile(junit)
	if err != nil || xml.Unmarshal(data, &suites) != nil {
		t.Fatalf("junit report: %v\n%s", err, data)
	}
	cases := 0
	for _, s := range suites.Suites {
		cases += len(s.Cases)
	}
	if len(suites.Suites) != 5 || cases != 25 { // a case per pool configuration and per declared user
		t.Errorf("junit: %d suites, %d cases; want 5 and 25\n%s", len(suites.Suites), cases, data)
	}
	var log struct {
		Runs []struct {
			Results []struct{ RuleID string } `json:"results"`
		} `json:"runs"`
	}
	data, err = os.ReadFile(sarif)
	if err != nil || json.Unmarshal(data, &log) != nil || len(log.Runs) != 1 || len(log.Runs[0].Results) != 1 || log.Runs[0].Results[0].RuleID != "webauthn-unverifiable" {
		t.Errorf("sarif report: %v\n%s", err, data)
	}
	data, _ = os.ReadFile(github)
	if !strings.Contains(string(data), "::warning file=../fixtures/examples/passkeys.yaml,line=25,col=9,") || !strings.Contains(string(data), "Plan: 21 calls") {
		t.Errorf("github report:\n%s", data)
	}
	if got := h.writes(); len(got) != 0 {
		t.Fatalf("plan made writes: %v", got)
	}
}

func TestInvalidFilesGetAnnotationsAndAReport(t *testing.T) {
	t.Chdir(repoRoot)
	sarif := filepath.Join(t.TempDir(), "v.sarif")
	ios, _, out, errOut := iostreams.TestStreams()
	ios.CI = iostreams.CIFromEnv(func(k string) string { return map[string]string{"GITHUB_ACTIONS": "true"}[k] })
	root := NewRootCmd(&Factory{IO: ios})
	root.SetArgs([]string{"validate", "-f", "fixtures/invalid/schema-unknown-key-did-you-mean.yaml", "--report", "sarif=" + sarif})
	if code := exitCode(root.Execute(), ios); code != ExitError {
		t.Fatalf("exit %d", code)
	}
	if !strings.Contains(errOut.String(), "::error file=fixtures/invalid/schema-unknown-key-did-you-mean.yaml,line=") || out.Len() != 0 {
		t.Errorf("no annotation on the bad line:\n%s", errOut.String())
	}
	if data, err := os.ReadFile(sarif); err != nil || !strings.Contains(string(data), `"ruleId": "schema-unknown-field"`) {
		t.Errorf("sarif: %v\n%s", err, data)
	}
}

func TestTargetReadsAndChangesOnlyItsTargets(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	ctx := context.Background()
	planFile := filepath.Join(t.TempDir(), "partial.plan")
	out, errOut, code := h.run(ctx, "plan", "-f", examples, "--target", "eu-west-1_Prod0TOTP/alice.nguyen", "--target", "us-east-1_Retail7SMS", "--out", planFile)
	if code != ExitOK {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	if !strings.Contains(out, "Partial plan: only --target eu-west-1_Prod0TOTP/alice.nguyen, us-east-1_Retail7SMS") {
		t.Errorf("the plan does not say it is partial:\n%s", out)
	}
	for _, r := range h.reads() {
		if f := strings.Fields(r); f[1] != "eu-west-1_Prod0TOTP" && f[1] != "us-east-1_Retail7SMS" || (f[1] == "eu-west-1_Prod0TOTP" && len(f) == 3 && f[2] != "alice.nguyen") {
			t.Errorf("read outside the targets: %s", r)
		}
	}
	data, _ := os.ReadFile(planFile)
	if !strings.Contains(string(data), `"Partial": [`) {
		t.Errorf("the saved plan does not record its targets")
	}
	h.emu.ResetStats()
	out, errOut, code = h.run(ctx, "apply", planFile)
	if code != ExitOK || !strings.Contains(out, "Partial plan") {
		t.Fatalf("apply partial plan: exit %d\n%s\n%s", code, out, errOut)
	}
	for _, w := range h.writes() {
		if w != "AdminSetUserMFAPreference eu-west-1_Prod0TOTP alice.nguyen" && !strings.Contains(w, "us-east-1_Retail7SMS") {
			t.Errorf("wrote outside the targets: %s", w)
		}
	}
	if len(h.writes()) != 4 { // alice; the retail pool and its 2 users
		t.Errorf("writes: %v", h.writes())
	}

	h.emu.ResetStats()
	_, errOut, code = h.run(ctx, "plan", "-f", examples, "--target", "eu-west-1_Prod0TOTP/nobody")
	if code != ExitError || !strings.Contains(errOut, "the files declare no user nobody for user pool eu-west-1_Prod0TOTP") || len(h.emu.Stats().Calls) != 0 {
		t.Fatalf("unknown target: exit %d, %d calls\n%s", code, len(h.emu.Stats().Calls), errOut)
	}
}

type applyOutcome struct {
	FormatVersion string
	Outcome       string
	Error         *struct{ Message, Code, Meaning string }
	Calls         []struct {
		Status string
		Error  *struct{ Code string }
	}
	Verification *struct{ Verified bool }
}

func TestApplyJSONSaysWhatHappened(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	ctx := context.Background()
	decode := func(out string) applyOutcome {
		t.Helper()
		var o applyOutcome
		if err := json.Unmarshal([]byte(out), &o); err != nil {
			t.Fatalf("stdout is not one JSON document: %v\n%s", err, out)
		}
		return o
	}
	h.emu.FailNext("AdminSetUserMFAPreference", 1, "InvalidParameterException")
	out, _, code := h.run(ctx, "apply", "-f", examples, "--auto-approve", "--concurrency", "1", "-o", "json")
	o := decode(out)
	failed := 0
	for _, c := range o.Calls {
		if c.Status == "failed" && c.Error != nil && c.Error.Code == "InvalidParameterException" {
			failed++
		}
	}
	if code != ExitError || o.Outcome != "failed" || failed != 1 || len(o.Calls) != 21 {
		t.Fatalf("exit %d: %+v", code, o)
	}

	out, errOut, code := h.run(ctx, "apply", "-f", examples, "--auto-approve", "-o", "json")
	if o := decode(out); code != ExitOK || o.Outcome != "applied" || o.Verification == nil || !o.Verification.Verified {
		t.Fatalf("exit %d: %+v\n%s", code, o, errOut)
	}

	out, errOut, code = h.run(ctx, "apply", filepath.Join(t.TempDir(), "missing.plan"), "-o", "json")
	if o := decode(out); code != ExitError || o.Outcome != "failed" || o.Error == nil || !strings.Contains(o.Error.Message, "missing.plan") || strings.Contains(errOut, "Error:") {
		t.Fatalf("exit %d: %+v\nstderr %s", code, o, errOut)
	}
}

// blockingReader is a terminal nobody types into.
type blockingReader struct{ done chan struct{} }

func (r blockingReader) Read([]byte) (int, error) { <-r.done; return 0, io.EOF }

// Without a terminal, apply asks nothing: with nothing to do it says so
// and exits 0; with changes it shows them and refuses, naming the flag.
func TestApplyWithoutATerminalNeedsApprovalOnlyForChanges(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	ctx := context.Background()
	out, errOut, code := h.run(ctx, "apply", "-f", examples)
	if code != ExitError || len(h.writes()) != 0 || !strings.Contains(out, "Plan: 21 calls") ||
		!strings.Contains(errOut, "refusing to apply 21 calls without confirmation") || !strings.Contains(errOut, "--auto-approve") {
		t.Fatalf("changes, no terminal: exit %d, writes %v\n%s\n%s", code, h.writes(), out, errOut)
	}
	if _, errOut, code := h.run(ctx, "apply", "-f", examples, "--auto-approve"); code != ExitOK {
		t.Fatalf("apply: exit %d\n%s", code, errOut)
	}
	h.emu.ResetStats()
	out, errOut, code = h.run(ctx, "apply", "-f", examples)
	if code != ExitOK || len(h.writes()) != 0 || !strings.Contains(out, "No changes") || errOut != "" {
		t.Fatalf("nothing to do, no terminal: exit %d\n%s\n%s", code, out, errOut)
	}
}

func TestPromptTakesOnlyYesAndCtrlCSendsNothing(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	terminal := func(in io.Reader) (*iostreams.IOStreams, *iostreams.Buffer) {
		ios, _, _, errOut := iostreams.TestStreams()
		ios.In, ios.StdinTTY, ios.StderrTTY = in, true, true
		return ios, errOut
	}
	ios, errOut := terminal(strings.NewReader("y\n"))
	if code := h.runWith(context.Background(), ios, "apply", "-f", examples); code != ExitError || len(h.writes()) != 0 {
		t.Fatalf("'y' approved: exit %d, writes %v\n%s", code, h.writes(), errOut)
	}
	if !strings.Contains(errOut.String(), "Apply 21 calls to 5 pools? Only 'yes' is accepted: ") || !strings.Contains(errOut.String(), "apply cancelled; nothing was changed") {
		t.Errorf("prompt:\n%s", errOut)
	}

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	defer close(done)
	ios, errOut = terminal(blockingReader{done})
	// Ctrl-C at the prompt: cancel is what the signal handler does.
	cancelWhen(t, func() bool { return strings.Contains(errOut.String(), "is accepted:") }, cancel)
	if code := h.runWith(ctx, ios, "apply", "-f", examples); code != ExitInterrupted || len(h.writes()) != 0 {
		t.Fatalf("Ctrl-C at the prompt: exit %d, writes %v", code, h.writes())
	}
	if !strings.HasSuffix(errOut.String(), "is accepted: \nInterrupted at the prompt: nothing was sent to Cognito.\n") {
		t.Errorf("stderr:\n%s", errOut)
	}

	ios, errOut = terminal(strings.NewReader("yes\n"))
	if code := h.runWith(context.Background(), ios, "apply", "-f", examples); code != ExitOK || len(h.writes()) != 21 {
		t.Fatalf("'yes': exit %d, %d writes\n%s", code, len(h.writes()), errOut)
	}
}

func TestSavedPlanWithANewSecretSaysToGiveTheFiles(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	f := filepath.Join(t.TempDir(), "sms.yaml")
	os.WriteFile(f, []byte("Version: 1\nUserPools:\n  - UserPoolId: us-east-1_Retail7SMS\n    SmsMfaConfiguration:\n      Enabled: true\n      SmsConfiguration: {SnsCallerArn: 'arn:aws:iam::123456789012:role/new-sms', ExternalId: brand-new-id}\n"), 0o600)
	planFile := filepath.Join(t.TempDir(), "sec.plan")
	_, errOut, code := h.run(context.Background(), "plan", "-f", f, "--out", planFile)
	if want := "Apply it with: mfactl apply " + planFile + " -f " + f; code != ExitOK || !strings.Contains(errOut, want) {
		t.Fatalf("exit %d; stderr lacks %q:\n%s", code, want, errOut)
	}
	out, errOut, code := h.run(context.Background(), "apply", planFile, "-f", f)
	if code != ExitOK || !strings.Contains(out, "Verified: what apply changed (1 pool, 0 changed users) matches") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
}

func TestNoColorFlagAndEmptyNoColor(t *testing.T) {
	t.Chdir(repoRoot)
	ios, _, out, _ := iostreams.TestStreams()
	ios.NoColor, ios.StdoutTTY = false, true
	root := NewRootCmd(&Factory{IO: ios})
	root.SetArgs([]string{"validate", "-f", "fixtures/examples", "--no-color"})
	if code := exitCode(root.Execute(), ios); code != ExitOK || strings.Contains(out.String(), "\x1b[") {
		t.Fatalf("exit %d, coloured with --no-color: %q", code, out.String())
	}
	t.Setenv("NO_COLOR", "")
	if s := iostreams.System(); s.StdoutTTY && s.NoColor && os.Getenv("TERM") != "dumb" {
		t.Error("an empty NO_COLOR turned colour off (no-color.org: only a non-empty value does)")
	}
}
