package cmd

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The policy pool's MFA goes from what its seed has (OPTIONAL, TOTP, SMS)
// to OFF and back, exactly.
const (
	abaPool = "eu-west-1_Policies1"
	abaOff  = "Version: 1\nUserPools:\n  - UserPoolId: " + abaPool + "\n    MfaConfiguration: \"OFF\"\n"
	abaOn   = "Version: 1\nUserPools:\n  - UserPoolId: " + abaPool + "\n    MfaConfiguration: OPTIONAL\n    SoftwareTokenMfaConfiguration: {Enabled: true}\n" +
		"    SmsMfaConfiguration: {Enabled: true, SmsAuthenticationMessage: \"Your code is {####}\"}\n"
)

// A signed plan that switched MFA off, applied, then undone by another
// change, does not switch it off again: live state went A -> B -> A, and
// the pool's LastModifiedDate, which Cognito moves on every
// SetUserPoolMfaConfig, tells the pool now from the one the plan read
// (red-team item 18.2).
func TestAnAppliedPlanCannotBeReplayedAfterLiveStateWentBack(t *testing.T) {
	t.Parallel()
	h := newPolicyHarness(t)
	ctx := context.Background()
	h.setPlanKey("replay-test-key")
	off, on := writeTemp(t, "off.yaml", abaOff), writeTemp(t, "on.yaml", abaOn)
	saved := filepath.Join(t.TempDir(), "off.plan")
	if out, errOut, code := h.run(ctx, "plan", "-f", off, "--out", saved); code != ExitOK {
		t.Fatalf("plan --out: exit %d\n%s\n%s", code, out, errOut)
	}
	if out, errOut, code := h.run(ctx, "apply", saved); code != ExitOK {
		t.Fatalf("apply: exit %d\n%s\n%s", code, out, errOut)
	}
	if out, errOut, code := h.run(ctx, "apply", "-f", on, "--auto-approve"); code != ExitOK {
		t.Fatalf("apply -f on.yaml: exit %d\n%s\n%s", code, out, errOut)
	}
	// A -> B -> A: the files that made the plan plan it again alike.
	if out, errOut, code := h.run(ctx, "plan", "-f", off, "-o", "json"); code != ExitOK || !strings.Contains(out, `"MfaConfiguration": "OFF"`) {
		t.Fatalf("plan of off.yaml after the way back: exit %d\n%s\n%s", code, out, errOut)
	}
	h.emu.ResetStats()
	_, errOut, code := h.run(ctx, "apply", saved)
	if code != ExitError || !strings.Contains(errOut, "is stale") || !strings.Contains(errOut, "pool "+abaPool) {
		t.Fatalf("replayed plan: exit %d\n%s", code, errOut)
	}
	for _, c := range h.emu.Stats().Calls {
		if strings.HasPrefix(c.Operation, "Set") || strings.HasPrefix(c.Operation, "Admin") && !strings.HasPrefix(c.Operation, "AdminGet") {
			t.Errorf("the replay made %s", c.Operation)
		}
	}
	if out, _, code := h.run(ctx, "plan", "-f", on, "--detailed-exitcode"); code != ExitOK {
		t.Errorf("MFA is no longer OPTIONAL after the replay:\n%s", out)
	}
}

// A plan file older than --max-plan-age (24 h by default) is refused
// before anything is read, with the way to make a new one; its time of
// making is in the signed part.
func TestAPlanOlderThanMaxPlanAgeIsRefused(t *testing.T) {
	t.Parallel()
	h := newPolicyHarness(t)
	ctx := context.Background()
	saved := filepath.Join(t.TempDir(), "off.plan")
	if _, errOut, code := h.run(ctx, "plan", "-f", writeTemp(t, "off.yaml", abaOff), "--out", saved); code != ExitOK {
		t.Fatalf("plan --out: %s", errOut)
	}
	time.Sleep(20 * time.Millisecond)
	h.emu.ResetStats()
	_, errOut, code := h.run(ctx, "apply", saved, "--max-plan-age", "10ms")
	if code != ExitError || !strings.Contains(errOut, "longer ago than --max-plan-age 10ms allows: make the plan again (mfactl plan -f FILES --out PLANFILE)") {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	if n := len(h.emu.Stats().Calls); n != 0 {
		t.Errorf("%d API calls before refusing", n)
	}
	var m planMap
	data, err := os.ReadFile(saved)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	if _, err := time.Parse(time.RFC3339Nano, m["Created"].(string)); err != nil {
		t.Fatalf("Created = %v: %v", m["Created"], err)
	}
	// The default lets the same fresh plan through.
	if out, errOut, code := h.run(ctx, "apply", saved); code != ExitOK {
		t.Fatalf("apply within the default age: exit %d\n%s\n%s", code, out, errOut)
	}
}

// Moving a signed plan's time of making is an edit like any other.
func TestASignedPlansTimeOfMakingCannotBeMoved(t *testing.T) {
	t.Parallel()
	h := newPolicyHarness(t)
	ctx := context.Background()
	h.setPlanKey("age-test-key")
	saved := filepath.Join(t.TempDir(), "off.plan")
	m := h.makePlan(ctx, saved, writeTemp(t, "off.yaml", abaOff))
	m["Created"] = time.Now().Add(time.Hour).UTC().Format(time.RFC3339Nano)
	writePlanMap(t, saved, m)
	if _, errOut, code := h.run(ctx, "apply", saved); code != ExitError || !strings.Contains(errOut, "Signature does not match") {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
}
