package cmd

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mfactl/mfactl/emulator"
	"github.com/mfactl/mfactl/internal/iostreams"
	"github.com/mfactl/mfactl/internal/usecase"
)

// These tests run mfactl's commands in-process, through the real AWS SDK,
// against the in-process emulator seeded with fixtures/demo/seed.yaml, and
// assert the exact calls mfactl made from the emulator's call log.

const examples = "../fixtures/examples"

type harness struct {
	t   *testing.T
	emu *emulator.Server
	url string
	// env is the environment the commands see, over the process's: CI
	// variables and mfactl's own (MFACTL_PLAN_KEY...). Set it here, not
	// with t.Setenv, and the test can run in parallel with the others.
	env map[string]string

	checkpointsOnce sync.Once
	checkpoints     string // this test's MFACTL_CHECKPOINT_DIR
}

func newHarness(t *testing.T, opts emulator.Options) *harness {
	t.Helper()
	emu, url := emulator.NewTestServer(t, opts)
	if err := emu.SeedFile("../fixtures/demo/seed.yaml"); err != nil {
		t.Fatal(err)
	}
	return &harness{t: t, emu: emu, url: url}
}

// run executes mfactl with args and returns stdout, stderr and the exit code
// Main would have returned.
func (h *harness) run(ctx context.Context, args ...string) (string, string, int) {
	h.t.Helper()
	return h.runIn(ctx, h.env, args...)
}

// runIn is run in a CI whose environment is env (GITHUB_ACTIONS...).
func (h *harness) runIn(ctx context.Context, env map[string]string, args ...string) (string, string, int) {
	h.t.Helper()
	ios, _, out, errOut := unwrappedStreams()
	ios.CI = iostreams.CIFromEnv(func(k string) string { return env[k] })
	f := NewFactory(ios)
	// Each test keeps its checkpoints of reads apart: tests running side
	// by side read the same demo pools.
	h.checkpointsOnce.Do(func() { h.checkpoints = h.t.TempDir() })
	f.LookupEnv = func(k string) (string, bool) {
		if v, ok := env[k]; ok {
			return v, true
		}
		if k == usecase.CheckpointDirEnv {
			return h.checkpoints, true
		}
		return os.LookupEnv(k)
	}
	root := NewRootCmd(f)
	if !slices.Contains(args, "--endpoint-url") && (args[0] == "plan" || args[0] == "apply" || args[0] == "report" || args[0] == "import" || args[0] == "totp" || (args[0] == "init" && slices.Contains(args, "--user-pool-id"))) {
		args = append(args, "--endpoint-url", h.url)
	}
	root.SetArgs(args)
	code := exitCode(root.ExecuteContext(ctx), ios)
	checkJSONOutput(h.t, args, out.String())
	return out.String(), errOut.String(), code
}

// unwrappedStreams are test streams as wide as a line can be: these tests
// assert what is said, and wrapping to 80 columns (the width of a log) has
// tests of its own (TestCILogsWrapAtEightyColumns, views' wrap tests).
func unwrappedStreams() (*iostreams.IOStreams, *iostreams.Buffer, *iostreams.Buffer, *iostreams.Buffer) {
	ios, in, out, errOut := iostreams.TestStreams()
	ios.OutColumns, ios.ErrColumns = 1<<16, 1<<16
	return ios, in, out, errOut
}

// writes returns the write calls the emulator answered since the last reset,
// as "Operation pool [user]".
func (h *harness) writes() []string {
	var calls []string
	for _, c := range h.emu.Stats().Calls {
		if c.Operation != "SetUserPoolMfaConfig" && c.Operation != "AdminSetUserMFAPreference" {
			continue
		}
		calls = append(calls, strings.TrimSpace(c.Operation+" "+c.UserPoolId+" "+c.Username))
	}
	return calls
}

func TestPlanApplyConvergesAndSecondApplyWritesNothing(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	ctx := context.Background()

	out, _, code := h.run(ctx, "plan", "-f", examples, "--detailed-exitcode")
	if code != ExitChanges {
		t.Fatalf("first plan exit = %d, want %d\n%s", code, ExitChanges, out)
	}
	if !strings.Contains(out, "Plan: 21 calls — 4 pools, 16 users to change; 4 users in sync.") {
		t.Errorf("plan summary missing:\n%s", out)
	}
	if got := h.writes(); len(got) != 0 {
		t.Fatalf("plan made writes: %v", got)
	}

	h.emu.ResetStats()
	out, errOut, code := h.run(ctx, "apply", "-f", examples, "--auto-approve")
	if code != ExitOK {
		t.Fatalf("apply exit = %d\n%s\n%s", code, out, errOut)
	}
	if !strings.Contains(out, "Apply complete: 21 calls applied.") || !strings.Contains(out, "Verified: what apply changed (5 pools, 16 changed users) matches the desired state; 4 unchanged users not re-read (--verify all re-reads them).") {
		t.Errorf("apply output:\n%s", out)
	}
	// Every declared user is read to plan; only the 16 it wrote are read again.
	if got := h.emu.Stats().Operations["AdminGetUser"].Calls; got != 20+16 {
		t.Errorf("apply made %d AdminGetUser calls, want 20 to plan + 16 to verify", got)
	}
	writes := h.writes()
	if len(writes) != 21 {
		t.Fatalf("apply made %d writes, want 21: %v", len(writes), writes)
	}
	// The email pool goes OPTIONAL+email, then its users, then ON: the
	// per-user calls sit strictly between its two pool calls.
	const staff = "ap-southeast-2_Staff9Mail"
	var order []string
	for _, w := range writes {
		if strings.Contains(w, staff) {
			order = append(order, strings.Fields(w)[0])
		}
	}
	want := []string{"SetUserPoolMfaConfig", "AdminSetUserMFAPreference", "AdminSetUserMFAPreference",
		"AdminSetUserMFAPreference", "AdminSetUserMFAPreference", "SetUserPoolMfaConfig"}
	if strings.Join(order, ",") != strings.Join(want, ",") {
		t.Errorf("staff pool call order = %v, want %v", order, want)
	}

	h.emu.ResetStats()
	out, _, code = h.run(ctx, "plan", "-f", examples, "--detailed-exitcode")
	if code != ExitOK || !strings.Contains(out, "No changes.") {
		t.Fatalf("plan after apply: exit %d\n%s", code, out)
	}
	out, _, code = h.run(ctx, "apply", "-f", examples, "--auto-approve")
	if code != ExitOK {
		t.Fatalf("second apply exit = %d\n%s", code, out)
	}
	if got := h.writes(); len(got) != 0 {
		t.Fatalf("no-op plan and second apply made writes: %v", got)
	}
}

func TestApplyVerifyAllReadsEveryTargetAgain(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"apply", "-f", examples, "--auto-approve", "--verify", "all"}, "Verified: 5 pools and 20 users match the desired state."},
		{[]string{"apply", "PLANFILE", "--verify", "all"}, "Verified: 5 pools and 20 users match the desired state."},
		{[]string{"apply", "PLANFILE"}, "Verified: what apply changed (5 pools, 16 changed users) matches the desired state; 4 unchanged users not re-read (--verify all re-reads them)."},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			h := newHarness(t, emulator.Options{})
			ctx := context.Background()
			reads := 20 // to plan, or to check that the saved plan is not stale
			if tc.args[1] == "PLANFILE" {
				planFile := filepath.Join(t.TempDir(), "mfa.plan")
				if _, errOut, code := h.run(ctx, "plan", "-f", examples, "--out", planFile); code != ExitOK {
					t.Fatalf("plan --out: %s", errOut)
				}
				tc.args[1] = planFile
			}
			h.emu.ResetStats()
			out, errOut, code := h.run(ctx, tc.args...)
			if code != ExitOK || !strings.Contains(out, tc.want) {
				t.Fatalf("exit %d, want output with %q\n%s\n%s", code, tc.want, out, errOut)
			}
			if slices.Contains(tc.args, "all") {
				reads += 20
			} else {
				reads += 16 // the users apply wrote
			}
			if got := h.emu.Stats().Operations["AdminGetUser"].Calls; got != reads {
				t.Errorf("AdminGetUser calls = %d, want %d", got, reads)
			}
		})
	}
}

func TestInvalidInputMakesNoAPICall(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	os.WriteFile(bad, []byte("Version: 1\nUserPools:\n  - UserPoolId: eu-west-1_Prod0TOTP\n    MfaConfiguration: on\n"), 0o600)
	for _, cmd := range []string{"plan", "apply"} {
		_, errOut, code := h.run(context.Background(), cmd, "-f", bad, "--auto-approve")
		if cmd == "plan" {
			_, errOut, code = h.run(context.Background(), cmd, "-f", bad)
		}
		if code != ExitError || !strings.Contains(errOut, "bad.yaml:4:") {
			t.Errorf("%s: exit %d, stderr:\n%s", cmd, code, errOut)
		}
	}
	if n := len(h.emu.Stats().Calls); n != 0 {
		t.Fatalf("invalid input made %d API calls", n)
	}
}

// Without a terminal apply reads, to know whether there is anything to
// approve (nothing to do exits 0), but never writes without --auto-approve.
func TestApplyWithoutTTYRefusesBeforeAnyWrite(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	_, errOut, code := h.run(context.Background(), "apply", "-f", examples)
	if code != ExitError || !strings.Contains(errOut, "--auto-approve") {
		t.Fatalf("exit %d, stderr:\n%s", code, errOut)
	}
	if w := h.writes(); len(w) != 0 {
		t.Fatalf("refused apply made writes: %v", w)
	}
}

func TestFailedCallStopsOnlyItsPoolAndRerunConverges(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	ctx := context.Background()
	// The first user call anywhere fails for good (not retryable).
	h.emu.FailNext("AdminSetUserMFAPreference", 1, "InvalidParameterException")
	out, _, code := h.run(ctx, "apply", "-f", examples, "--auto-approve", "--concurrency", "1")
	if code != ExitError {
		t.Fatalf("exit = %d, want 1\n%s", code, out)
	}
	for _, want := range []string{"1 failed", "InvalidParameterException", "not started", "mfactl plan"} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
	var failedPool string
	for _, c := range h.emu.Stats().Calls {
		if c.Error == "InvalidParameterException" {
			failedPool = c.UserPoolId
		}
	}
	poolWrites := map[string]int{}
	for _, w := range h.writes() {
		poolWrites[strings.Fields(w)[1]]++
	}
	if failedPool == "" || len(poolWrites) != 5 {
		t.Fatalf("every pool should have been written to (failed pool %q): %v", failedPool, poolWrites)
	}

	h.emu.ResetStats()
	out, _, code = h.run(ctx, "apply", "-f", examples, "--auto-approve")
	if code != ExitOK || !strings.Contains(out, "Verified:") {
		t.Fatalf("re-run exit = %d\n%s", code, out)
	}
	for _, w := range h.writes() {
		if !strings.Contains(w, failedPool) {
			t.Errorf("re-run repeated an applied call outside the failed pool: %s", w)
		}
	}
}

func TestSavedPlanHoldsNoSecretAndRefusesWhenStale(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	ctx := context.Background()
	planFile := filepath.Join(t.TempDir(), "mfa.plan")
	if _, errOut, code := h.run(ctx, "plan", "-f", examples, "--out", planFile); code != ExitOK {
		t.Fatalf("plan --out: %d %s", code, errOut)
	}
	data, err := os.ReadFile(planFile)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(data, []byte("retail-sms-7f3c")) {
		t.Fatal("plan file contains the SMS ExternalId")
	}

	// Someone changes a user by hand: the plan is stale for that user.
	staleFile := filepath.Join(t.TempDir(), "stale.plan")
	h.run(ctx, "plan", "-f", examples, "--out", staleFile)
	other := filepath.Join(t.TempDir(), "one.yaml")
	os.WriteFile(other, []byte("Version: 1\nUserPools:\n  - UserPoolId: us-west-2_Partners3\n    Users:\n      - Username: acme.jsmith\n        SoftwareTokenMfaSettings: {Enabled: true, PreferredMfa: true}\n"), 0o600)
	if _, errOut, code := h.run(ctx, "apply", "-f", other, "--auto-approve"); code != ExitOK {
		t.Fatalf("side apply: %d %s", code, errOut)
	}
	h.emu.ResetStats()
	_, errOut, code := h.run(ctx, "apply", staleFile)
	if code != ExitError || !strings.Contains(errOut, "stale") || !strings.Contains(errOut, "acme.jsmith") {
		t.Fatalf("stale plan: exit %d\n%s", code, errOut)
	}
	if got := h.writes(); len(got) != 0 {
		t.Fatalf("stale plan made writes: %v", got)
	}

	// A fresh saved plan applies, with the ExternalId taken from live state.
	if _, errOut, code := h.run(ctx, "plan", "-f", examples, "--out", planFile); code != ExitOK {
		t.Fatalf("plan --out: %s", errOut)
	}
	out, errOut, code := h.run(ctx, "apply", planFile)
	if code != ExitOK || !strings.Contains(out, "Verified:") {
		t.Fatalf("apply saved plan: exit %d\n%s\n%s", code, out, errOut)
	}
	if out, _, code := h.run(ctx, "plan", "-f", examples, "--detailed-exitcode"); code != ExitOK {
		t.Fatalf("not converged after saved plan:\n%s", out)
	}
}

func TestCorruptPlanFileIsRefused(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	f := filepath.Join(t.TempDir(), "x.plan")
	os.WriteFile(f, []byte(`{"FormatVersion":"9.0","Calls":[]}`), 0o600)
	_, errOut, code := h.run(context.Background(), "apply", f)
	if code != ExitError || !strings.Contains(errOut, "x.plan") {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	if n := len(h.emu.Stats().Calls); n != 0 {
		t.Fatalf("refused plan file made %d API calls", n)
	}
}

func TestInterruptFinishesInFlightCallsAndExits130(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{Latency: 20 * time.Millisecond})
	ctx, cancel := context.WithCancel(context.Background())
	go func() { // interrupt as soon as the first write has been answered
		for ctx.Err() == nil {
			if len(h.writes()) > 0 {
				cancel()
				return
			}
			time.Sleep(2 * time.Millisecond)
		}
	}()
	out, _, code := h.run(ctx, "apply", "-f", examples, "--auto-approve", "--concurrency", "1")
	cancel()
	if code != ExitInterrupted {
		t.Fatalf("exit = %d, want 130\n%s", code, out)
	}
	if !strings.Contains(out, "nterrupted") || !strings.Contains(out, "not started") {
		t.Errorf("summary:\n%s", out)
	}
	if n := len(h.writes()); n == 0 || n >= 21 {
		t.Fatalf("%d writes: interrupt should stop part-way", n)
	}
	out, _, code = h.run(context.Background(), "apply", "-f", examples, "--auto-approve")
	if code != ExitOK {
		t.Fatalf("re-run after interrupt: exit %d\n%s", code, out)
	}
}

func TestErrorsMapToExitCodes(t *testing.T) {
	t.Parallel()
	ios, _, _, errOut := iostreams.TestStreams()
	cases := []struct {
		err  error
		want int
	}{
		{nil, ExitOK},
		{ErrChangesPresent, ExitChanges},
		{ErrInterrupted, ExitInterrupted},
		{context.Canceled, ExitInterrupted},
		{&SilentError{Err: errors.New("x")}, ExitError},
		{errors.New("boom"), ExitError},
	}
	for _, c := range cases {
		if got := exitCode(c.err, ios); got != c.want {
			t.Errorf("exitCode(%v) = %d, want %d", c.err, got, c.want)
		}
	}
	if !strings.Contains(errOut.String(), "Error: boom") || strings.Contains(errOut.String(), "changes present") {
		t.Errorf("stderr: %q", errOut.String())
	}
}

func TestFileWarningsReachTextAndJSONPlansOnce(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	f := filepath.Join(t.TempDir(), "warn.yaml")
	os.WriteFile(f, []byte("Version: 1\nUserPools:\n  - UserPoolId: us-west-2_Partners3\n    MfaConfiguration: OPTIONAL\n    SoftwareTokenMfaConfiguration: {Enabled: true}\n    EmailMfaConfiguration: {Enabled: false, Subject: Your code}\n"), 0o600)
	out, errOut, code := h.run(context.Background(), "plan", "-f", f, "-o", "json")
	if code != ExitOK {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	if n := strings.Count(out, `"Severity": "warning"`); n != 1 {
		t.Errorf("JSON plan has %d warnings, want 1:\n%s", n, out)
	}
	out, _, _ = h.run(context.Background(), "plan", "-f", f)
	if n := strings.Count(out, "EmailMfaConfiguration.Subject"); n != 1 {
		t.Errorf("text plan mentions the warning %d times, want 1:\n%s", n, out)
	}
}

// cancelWhen calls cancel once cond holds, polling, or after a minute at
// the latest, so that a run waiting for it cannot hang the test; it fails
// the test when cond never held.
func cancelWhen(t *testing.T, cond func() bool, cancel context.CancelFunc) {
	t.Helper()
	const limit = time.Minute
	timedOut := make(chan bool, 1)
	go func() {
		deadline := time.Now().Add(limit)
		for !cond() && time.Now().Before(deadline) {
			time.Sleep(5 * time.Millisecond)
		}
		timedOut <- !cond()
		cancel()
	}()
	t.Cleanup(func() {
		if <-timedOut {
			t.Errorf("the condition to cancel on did not hold within %v", limit)
		}
	})
}
