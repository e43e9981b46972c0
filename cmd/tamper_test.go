package cmd

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mfactl/mfactl/emulator"
	"github.com/mfactl/mfactl/plan"
	"github.com/mfactl/mfactl/plan/planfile"
)

// planMap is a plan file as generic JSON, for editing it as an attacker
// with jq would.
type planMap map[string]any

func (m planMap) calls() []any       { return m["Calls"].([]any) }
func (m planMap) call(i int) planMap { return m.calls()[i].(map[string]any) }
func (m planMap) request(i int) planMap {
	return m.call(i)["Request"].(map[string]any)
}
func (m planMap) target(pool, user string) planMap {
	for _, t := range m["Targets"].([]any) {
		t := t.(map[string]any)
		name, _ := t["Username"].(string)
		if t["UserPoolId"] == pool && name == user {
			return t
		}
	}
	panic("no target " + pool + "/" + user)
}

// clone deep-copies v through JSON.
func clone(v any) any {
	b, _ := json.Marshal(v)
	var out any
	_ = json.Unmarshal(b, &out)
	return out
}

// makePlan runs `mfactl plan --out` and returns the file as a planMap.
func (h *harness) makePlan(ctx context.Context, path string, files ...string) planMap {
	h.t.Helper()
	args := []string{"plan", "--out", path}
	for _, f := range files {
		args = append(args, "-f", f)
	}
	if _, errOut, code := h.run(ctx, args...); code != ExitOK {
		h.t.Fatalf("plan --out: exit %d\n%s", code, errOut)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		h.t.Fatal(err)
	}
	var m planMap
	if err := json.Unmarshal(data, &m); err != nil {
		h.t.Fatal(err)
	}
	return m
}

func writePlanMap(t *testing.T, path string, m planMap) {
	t.Helper()
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// The calls of the examples' plan (fixtures/examples against the demo seed),
// by index: the staff pool widens (0), enrols four users (1-4) and goes ON
// (5); the retail pool adds SMS (6) for maria (7) and james (8); partners
// users (9-12); the passkeys pool (13) and noah, emma (14, 15); the prod
// pool goes ON (16) with alice, carol, dmitri and svc (17-20).
const (
	staff    = "ap-southeast-2_Staff9Mail"
	retail   = "us-east-1_Retail7SMS"
	partners = "us-west-2_Partners3"
	prod     = "eu-west-1_Prod0TOTP"
)

// Every edit of a saved plan is refused before any write, with a message
// that says what differs; the same plan unedited applies and converges.
func TestTamperedPlansAreRefusedBeforeAnyCall(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		edit func(m planMap)
		want string // in stderr
	}{
		{"a user's request edited", func(m planMap) {
			m.request(7)["SMSMfaSettings"] = map[string]any{"Enabled": false, "PreferredMfa": false}
		}, "call 8 differs"},
		{"a pool call replaced by MFA OFF", func(m planMap) {
			m.call(16)["Request"] = map[string]any{"UserPoolId": prod, "MfaConfiguration": "OFF"}
		}, "call 17 differs"},
		{"the ON call relabelled stage 1 and moved first", func(m planMap) {
			on := m.call(5)
			on["Stage"] = 1.0
			calls := m.calls()
			m["Calls"] = append([]any{on}, append(calls[:5:5], calls[6:]...)...)
		}, "differs"},
		{"a pool call's stage-1 request turned ON before users enrol", func(m planMap) {
			m.request(0)["MfaConfiguration"] = "ON"
		}, "call 1 differs"},
		{"a call dropped", func(m planMap) {
			calls := m.calls()
			m["Calls"] = append(calls[:3:3], calls[4:]...)
		}, "the file has 20 calls; its desired state makes 21"},
		{"a call duplicated", func(m planMap) {
			calls := m.calls()
			m["Calls"] = append(calls[:2:2], append([]any{clone(calls[1])}, calls[2:]...)...)
		}, "the file has 22 calls"},
		{"two calls of a pool swapped", func(m planMap) {
			calls := m.calls()
			calls[1], calls[2] = calls[2], calls[1]
		}, "call 2 differs"},
		{"every call and change dropped", func(m planMap) {
			m["Calls"], m["Pools"] = []any{}, []any{}
		}, "its desired state makes 21"},
		{"a user call renamed to another declared user", func(m planMap) {
			m.call(17)["Username"] = "bob.schmidt"
			m.request(17)["Username"] = "bob.schmidt"
		}, "call 18 differs"},
		{"a call for a user the plan did not read", func(m planMap) {
			m.call(17)["Username"] = "mallory"
			m.request(17)["Username"] = "mallory"
		}, "not among the targets"},
		{"a call added for a user in sync", func(m planMap) {
			extra := clone(m.call(17)).(map[string]any)
			extra["Username"] = "bob.schmidt"
			extra["Request"].(map[string]any)["Username"] = "bob.schmidt"
			m["Calls"] = append(m.calls(), extra)
		}, "call 22 is not expected"},
		{"a user call moved to stage 1", func(m planMap) {
			m.call(1)["Stage"] = 1.0
		}, "AdminSetUserMFAPreference in stage 1"},
		{"the reason edited", func(m planMap) {
			m.call(16)["Reason"] = "harmless: no change"
		}, "call 17 differs"},
		{"the secret source changed", func(m planMap) {
			sms := m.request(6)["SmsMfaConfiguration"].(map[string]any)["SmsConfiguration"].(map[string]any)
			sms["ExternalId"] = string(plan.SecretFromFiles)
		}, "call 7 differs"},
		{"a user's declared state edited, calls left alone", func(m planMap) {
			m.target(prod, "alice.nguyen")["DesiredSettings"] = map[string]any{"SMSMfaSettings": map[string]any{"Enabled": false}}
		}, "differs"},
		{"the review form edited, calls left alone", func(m planMap) {
			pools := m["Pools"].([]any)
			pools[0].(map[string]any)["Desired"].(map[string]any)["MfaConfiguration"] = "OPTIONAL"
		}, "the changes shown for pool " + staff + " differ"},
		{"users dropped from the review form", func(m planMap) {
			pools := m["Pools"].([]any)
			delete(pools[0].(map[string]any), "Users")
		}, "the changes shown for pool " + staff + " differ"},
		{"the build options flipped", func(m planMap) {
			m["Options"] = map[string]any{"ResendWriteOnly": true}
		}, "ravi.patel"},
		{"a fingerprint edited", func(m planMap) {
			m.target(partners, "acme.jsmith")["Fingerprint"] = "sha256:" + strings.Repeat("0", 64)
		}, "stale"},
		{"a target a call needs removed", func(m planMap) {
			var kept []any
			for _, tg := range m["Targets"].([]any) {
				if tg.(map[string]any)["Username"] != "alice.nguyen" {
					kept = append(kept, tg)
				}
			}
			m["Targets"] = kept
		}, "not among the targets"},
		{"a call moved to another pool", func(m planMap) {
			m.call(9)["UserPoolId"] = retail
			m.request(9)["UserPoolId"] = retail
		}, "not among the targets"},
		{"a username that forges a line of output", func(m planMap) {
			forged := "alice.nguyen\n::error file=prod.yaml::forged"
			m.target(prod, "alice.nguyen")["Username"] = forged
			m.call(17)["Username"] = forged
			m.request(17)["Username"] = forged
		}, "is not a Cognito username"},
		{"an operation changed", func(m planMap) {
			m.call(0)["Operation"] = "AdminSetUserMFAPreference"
		}, "corrupt plan file"},
		{"a foreign format", func(m planMap) {
			m["FormatVersion"] = "2.0"
		}, "format version 2.0"},
		{"an older format", func(m planMap) {
			m["FormatVersion"] = "1.1"
		}, "older mfactl"},
	}

	h := newHarness(t, emulator.Options{})
	ctx := context.Background()
	dir := t.TempDir()
	original := h.makePlan(ctx, filepath.Join(dir, "mfa.plan"), examples)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := clone(original).(map[string]any)
			tt.edit(m)
			path := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "-")+".plan")
			writePlanMap(t, path, m)
			h.emu.ResetStats()
			out, errOut, code := h.run(ctx, "apply", path)
			if code != ExitError || !strings.Contains(errOut, tt.want) {
				t.Fatalf("exit %d, want 1 with %q in stderr\nstdout:\n%s\nstderr:\n%s", code, tt.want, out, errOut)
			}
			if strings.Contains(errOut, "\n::error") {
				t.Fatalf("a forged line reached the output:\n%s", errOut)
			}
			if w := h.writes(); len(w) != 0 {
				t.Fatalf("a tampered plan made writes: %v", w)
			}
		})
	}

	// The same plan, unedited (through the same JSON round trip), applies.
	path := filepath.Join(dir, "unedited.plan")
	writePlanMap(t, path, clone(original).(map[string]any))
	if out, errOut, code := h.run(ctx, "apply", path); code != ExitOK || !strings.Contains(out, "Verified:") {
		t.Fatalf("the unedited plan: exit %d\n%s\n%s", code, out, errOut)
	}
}

// A plan that rotates the SMS secret records it as coming from the files;
// relabelling it "unchanged" (call and review form alike) would cancel the
// rotation, and is refused: the plan's declared state says otherwise.
func TestPlanCancellingASecretRotationIsRefused(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	ctx := context.Background()
	dir := t.TempDir()
	src, err := os.ReadFile(filepath.Join(examples, "optional-sms-totp.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	rotated := filepath.Join(dir, "retail.yaml")
	os.WriteFile(rotated, []byte(strings.Replace(string(src), "ExternalId: retail-sms-7f3c", "ExternalId: retail-sms-rotated", 1)), 0o600)
	original := h.makePlan(ctx, filepath.Join(dir, "rotate.plan"), rotated)

	text, _ := json.Marshal(original)
	if !strings.Contains(string(text), string(plan.SecretFromFiles)) {
		t.Fatal("the plan does not mark the secret as coming from the files")
	}
	// Relabel the call and the review form, leaving the declared state.
	m := clone(original).(map[string]any)
	for _, key := range []string{"Calls", "Pools"} {
		b, _ := json.Marshal(m[key])
		var v any
		_ = json.Unmarshal([]byte(strings.ReplaceAll(string(b), string(plan.SecretFromFiles), string(plan.SecretFromLive))), &v)
		m[key] = v
	}
	path := filepath.Join(dir, "cancelled.plan")
	writePlanMap(t, path, m)
	h.emu.ResetStats()
	_, errOut, code := h.run(ctx, "apply", path, "-f", rotated)
	if code != ExitError || !strings.Contains(errOut, "call 1 differs") {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	if w := h.writes(); len(w) != 0 {
		t.Fatalf("writes: %v", w)
	}
	// The rotation as planned applies, with the files' secret.
	if out, errOut, code := h.run(ctx, "apply", filepath.Join(dir, "rotate.plan"), "-f", rotated); code != ExitOK {
		t.Fatalf("the rotation: exit %d\n%s\n%s", code, out, errOut)
	}
}

// apply PLANFILE -f takes only secrets from the files, so files that
// declare anything else than the plan was made from are refused: here the
// reviewed SMS role would have gone out with the ExternalId of files that
// declare another role (red-team item 18.6).
func TestFilesThatDisagreeWithAPlanFileAreRefused(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	ctx := context.Background()
	dir := t.TempDir()
	src, err := os.ReadFile(filepath.Join(examples, "optional-sms-totp.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	rotated := strings.Replace(string(src), "ExternalId: retail-sms-7f3c", "ExternalId: retail-sms-rotated", 1)
	reviewed := filepath.Join(dir, "reviewed", "retail.yaml")
	other := filepath.Join(dir, "other", "retail.yaml")
	for path, text := range map[string]string{
		reviewed: rotated,
		other:    strings.Replace(strings.Replace(rotated, "role/cognito-sms", "role/attacker-sms", 1), "retail-sms-rotated", "attacker-ext", 1),
	} {
		os.MkdirAll(filepath.Dir(path), 0o700)
		os.WriteFile(path, []byte(text), 0o600)
	}
	planFile := filepath.Join(dir, "rotate.plan")
	h.makePlan(ctx, planFile, reviewed)
	h.emu.ResetStats()
	_, errOut, code := h.run(ctx, "apply", planFile, "-f", filepath.Dir(other))
	if code != ExitError || !strings.Contains(errOut, "the files given with -f do not declare what the plan file was made from") ||
		!strings.Contains(errOut, "user pool "+retail+": SmsMfaConfiguration differs") {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	if w := h.writes(); len(w) != 0 {
		t.Fatalf("writes: %v", w)
	}
	if out, errOut, code := h.run(ctx, "apply", planFile, "-f", filepath.Dir(reviewed)); code != ExitOK {
		t.Fatalf("with the files that made it: exit %d\n%s\n%s", code, out, errOut)
	}
}

// A plan for one pool does not pass for a plan for another pool in the same
// state: the pool's ID is part of every fingerprint.
func TestPlanForOnePoolIsRefusedForAnother(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	ctx := context.Background()
	dir := t.TempDir()
	seed := filepath.Join(dir, "twin.yaml")
	os.WriteFile(seed, []byte(`Pools:
  - Id: us-west-2_Partners4
    MfaConfig: {MfaConfiguration: OPTIONAL, SoftwareTokenMfaConfiguration: {Enabled: true}}
    Users:
      - {Username: acme.jsmith, Attributes: {email: j.smith@acme.example}, TotpSecret: JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXL, MfaSettings: {SoftwareTokenMfaSettings: {Enabled: true}}}
      - {Username: acme.kdavis, Attributes: {email: k.davis@acme.example}, TotpSecret: JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXM, MfaSettings: {SoftwareTokenMfaSettings: {Enabled: true}}}
      - {Username: globex.mramirez, Attributes: {email: m.ramirez@globex.example}, TotpSecret: JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXN, MfaSettings: {SoftwareTokenMfaSettings: {Enabled: true}}}
      - {Username: globex.tchen, Attributes: {email: t.chen@globex.example}, TotpSecret: JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXO, MfaSettings: {SoftwareTokenMfaSettings: {Enabled: true}}}
`), 0o600)
	if err := h.emu.SeedFile(seed); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "partners.plan")
	h.makePlan(ctx, path, filepath.Join(examples, "partners-pool.yaml"), filepath.Join(examples, "partners-users.yaml"))
	data, _ := os.ReadFile(path)
	os.WriteFile(path, []byte(strings.ReplaceAll(string(data), partners, "us-west-2_Partners4")), 0o600)
	h.emu.ResetStats()
	_, errOut, code := h.run(ctx, "apply", path)
	if code != ExitError || !strings.Contains(errOut, "stale") || !strings.Contains(errOut, "us-west-2_Partners4") {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	if w := h.writes(); len(w) != 0 {
		t.Fatalf("writes: %v", w)
	}
}

// With MFACTL_PLAN_KEY set for both plan and apply, a plan file is signed,
// and even an edit that keeps the file consistent with itself (declared
// state, calls and review form changed together) is refused.
func TestSignedPlanRefusesEveryEdit(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	ctx := context.Background()
	dir := t.TempDir()
	const shared = "shared-by-the-plan-and-apply-jobs"
	h.setPlanKey(shared)
	path := filepath.Join(dir, "signed.plan")
	original := h.makePlan(ctx, path, examples)
	if sig, _ := original["Signature"].(string); !strings.HasPrefix(sig, "hmac-sha256:") {
		t.Fatalf("Signature = %q", original["Signature"])
	}

	// A consistent forgery: prod's ON becomes OPTIONAL in the declared
	// state, the call and the review form.
	forged := planMap(clone(original).(map[string]any))
	forged.target(prod, "")["DesiredConfig"].(map[string]any)["MfaConfiguration"] = "OPTIONAL"
	forged.request(16)["MfaConfiguration"] = "OPTIONAL"
	forgedPath := filepath.Join(dir, "forged.plan")
	writePlanMap(t, forgedPath, forged)

	cases := []struct {
		name, path, key, want string
	}{
		{"a consistent forgery", forgedPath, shared, "Signature does not match"},
		{"another key", path, "another-key", "Signature does not match"},
		{"no key for a signed plan", path, "", "the plan file is signed"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h.setPlanKey(c.key)
			defer h.setPlanKey(shared)
			h.emu.ResetStats()
			_, errOut, code := h.run(ctx, "apply", c.path)
			if code != ExitError || !strings.Contains(errOut, c.want) {
				t.Fatalf("exit %d\n%s", code, errOut)
			}
			if n := len(h.emu.Stats().Calls); n != 0 {
				t.Fatalf("%d API calls", n)
			}
		})
	}
	// An empty key is what a CI secret that is not defined becomes: refused,
	// by plan --out and by apply, before any call (red-team item 18.6).
	t.Run("an empty key", func(t *testing.T) {
		h.env[planfile.KeyEnv] = "" // set, and empty
		defer h.setPlanKey(shared)
		h.emu.ResetStats()
		for _, args := range [][]string{{"apply", path}, {"plan", "-f", examples, "--out", filepath.Join(dir, "empty-key.plan")}} {
			_, errOut, code := h.run(ctx, args...)
			if code != ExitError || !strings.Contains(errOut, "MFACTL_PLAN_KEY is set but empty") {
				t.Fatalf("%s: exit %d\n%s", args[0], code, errOut)
			}
		}
		if n := len(h.emu.Stats().Calls); n != 0 {
			t.Fatalf("%d API calls", n)
		}
		if _, err := os.Stat(filepath.Join(dir, "empty-key.plan")); err == nil {
			t.Fatal("plan --out saved an unsigned plan under an empty key")
		}
	})
	t.Run("an unsigned plan when a key is set", func(t *testing.T) {
		h.setPlanKey("")
		unsigned := filepath.Join(dir, "unsigned.plan")
		h.makePlan(ctx, unsigned, examples)
		h.setPlanKey(shared)
		if _, errOut, code := h.run(ctx, "apply", unsigned); code != ExitError || !strings.Contains(errOut, "not signed") {
			t.Fatalf("exit %d\n%s", code, errOut)
		}
	})
	// Rewritten without any change (other white space, other key order),
	// the signed plan still applies.
	writePlanMap(t, path, original)
	if out, errOut, code := h.run(ctx, "apply", path); code != ExitOK {
		t.Fatalf("the signed plan: exit %d\n%s\n%s", code, out, errOut)
	}
}

// setPlanKey sets MFACTL_PLAN_KEY for the commands h runs, or unsets it
// when key is empty (an empty variable is not the same as none: see
// planKey).
func (h *harness) setPlanKey(key string) {
	if h.env == nil {
		h.env = map[string]string{}
	}
	if key == "" {
		delete(h.env, planfile.KeyEnv)
		return
	}
	h.env[planfile.KeyEnv] = key
}
