package cmd

// Today's Cognito, end to end through the commands, the real SDK and the
// emulator: an EUMS pool (SmsConfiguration.EumsSms, newer than the SDK), a
// pool whose answer holds a member no one knows, and TOTP enables decided
// by AdminGetUserAuthFactors.

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mfactl/mfactl/emulator"
)

const (
	eumsPool   = "eu-west-1_Eums0Pool"
	eumsRole   = "arn:aws:iam::123456789012:role/cognito-eums"
	eumsSecret = "eums-external-7Q"
	totpSecret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
)

// denyAuthFactors makes the emulator refuse AdminGetUserAuthFactors, as
// Cognito does for credentials without the permission: plans then take the
// uncertain path for TOTP enables, and apply meets the refusals.
func (h *harness) denyAuthFactors() {
	h.emu.FailNext("AdminGetUserAuthFactors", 1000, "AccessDeniedException") // more than any test asks
}

// seed adds pools to the harness's emulator from a document in the
// emulator's seed format.
func (h *harness) seed(doc any) {
	h.t.Helper()
	b, err := json.Marshal(doc)
	if err != nil {
		h.t.Fatal(err)
	}
	if err := h.emu.Seed(bytes.NewReader(b)); err != nil {
		h.t.Fatal(err)
	}
}

// storedSmsConfiguration is the pool's SmsConfiguration as the emulator
// stores it (its state file), whatever the SDK can decode.
func (h *harness) storedSmsConfiguration(pool string) map[string]any {
	h.t.Helper()
	path := filepath.Join(h.t.TempDir(), "state.json")
	if err := h.emu.SaveState(path); err != nil {
		h.t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		h.t.Fatal(err)
	}
	var st struct {
		Pools []struct {
			Id               string
			SmsConfiguration map[string]any
		}
	}
	if err := json.Unmarshal(data, &st); err != nil {
		h.t.Fatal(err)
	}
	for _, p := range st.Pools {
		if p.Id == pool {
			return p.SmsConfiguration
		}
	}
	h.t.Fatalf("no pool %s in the emulator's state", pool)
	return nil
}

func (h *harness) seedEumsPool() {
	h.seed(map[string]any{"Pools": []any{map[string]any{
		"Id":                     eumsPool,
		"UserPoolTier":           "ESSENTIALS",
		"AutoVerifiedAttributes": []string{"phone_number"},
		"SmsConfiguration": map[string]any{"EumsSms": map[string]any{
			"CallerArn": eumsRole, "ExternalId": eumsSecret, "OriginationIdentity": "+15555550199", "Region": "eu-west-1"}},
		"MfaConfig": map[string]any{"MfaConfiguration": "OPTIONAL",
			"SmsMfaConfiguration": map[string]any{"SmsAuthenticationMessage": "Your code is {####}"}},
		"Users": []any{map[string]any{"Username": "dana", "Attributes": map[string]string{"phone_number": "+15555550100"}}},
	}}})
}

// An EUMS pool imports, plans to no changes, and a TOTP-only change leaves
// its EUMS SMS configuration intact in the emulator.
func TestEumsPoolImportsPlansCleanAndKeepsEumsThroughATOTPChange(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	h.seedEumsPool()
	ctx := context.Background()
	before := h.storedSmsConfiguration(eumsPool)

	out, errOut, code := h.run(ctx, "import", "--user-pool-id", eumsPool, "--users", "all")
	if code != ExitOK {
		t.Fatalf("import: exit %d\n%s", code, errOut)
	}
	for _, want := range []string{"SmsMfaConfiguration:\n      Enabled: true", "EumsSms:\n          CallerArn: " + eumsRole, "OriginationIdentity: \"+15555550199\""} {
		if !strings.Contains(out, want) {
			t.Errorf("import lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out+errOut, eumsSecret) {
		t.Fatal("the EumsSms ExternalId reached the import")
	}
	file := filepath.Join(t.TempDir(), "eums.yaml")
	if err := os.WriteFile(file, []byte(out), 0o600); err != nil {
		t.Fatal(err)
	}
	h.emu.ResetStats()
	h.planIsEmpty(ctx, file)

	// The TOTP-only change.
	edited := strings.Replace(out, "SoftwareTokenMfaConfiguration: {Enabled: false}", "SoftwareTokenMfaConfiguration: {Enabled: true}", 1)
	if edited == out {
		t.Fatalf("no TOTP line to edit:\n%s", out)
	}
	if err := os.WriteFile(file, []byte(edited), 0o600); err != nil {
		t.Fatal(err)
	}
	aout, aerr, code := h.run(ctx, "apply", "-f", file, "--auto-approve")
	if code != ExitOK {
		t.Fatalf("apply: exit %d\n%s\n%s", code, aout, aerr)
	}
	if w := h.writes(); len(w) != 1 || w[0] != "SetUserPoolMfaConfig "+eumsPool {
		t.Errorf("writes = %v; want one SetUserPoolMfaConfig", w)
	}
	if after := h.storedSmsConfiguration(eumsPool); !jsonEqual(after, before) {
		t.Errorf("the pool's SMS configuration changed:\n before %v\n after  %v", before, after)
	}
	if strings.Contains(aout+aerr, eumsSecret) {
		t.Fatal("the EumsSms ExternalId reached apply's output")
	}
	h.emu.ResetStats()
	h.planIsEmpty(ctx, file)
}

func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}

// A pool whose answer holds a member mfactl cannot represent is refused
// before any write, naming the member and the remedy.
func TestUnreadablePoolIsRefusedBeforeAnyWrite(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	const pool = "eu-west-1_Future0Pool"
	h.seed(map[string]any{"Pools": []any{map[string]any{
		"Id": pool,
		// A member from a Cognito newer than every model mfactl knows.
		"Extra": map[string]any{"AdaptiveSmsRouting": map[string]any{"Mode": "PRIORITY"}},
		"Users": []any{map[string]any{"Username": "erin"}},
	}}})
	file := filepath.Join(t.TempDir(), "future.yaml")
	doc := "Version: 1\nUserPools:\n  - UserPoolId: " + pool + "\n    MfaConfiguration: OPTIONAL\n    SoftwareTokenMfaConfiguration: {Enabled: true}\n"
	if err := os.WriteFile(file, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, args := range [][]string{{"plan", "-f", file}, {"apply", "-f", file, "--auto-approve"}} {
		h.emu.ResetStats()
		out, errOut, code := h.run(ctx, args...)
		if code != ExitError {
			t.Errorf("%s: exit %d; want %d\n%s\n%s", args[0], code, ExitError, out, errOut)
		}
		for _, want := range []string{"not fully readable", "DescribeUserPool: UserPool.AdaptiveSmsRouting", "upgrade mfactl"} {
			if !strings.Contains(out+errOut, want) {
				t.Errorf("%s does not say %q:\n%s\n%s", args[0], want, out, errOut)
			}
		}
		if w := h.writes(); len(w) != 0 {
			t.Errorf("%s wrote %v", args[0], w)
		}
	}
	// Report says so.
	rout, rerr, code := h.run(ctx, "report", "--user-pool-id", pool, "--endpoint-url", h.url)
	if code != ExitOK || !strings.Contains(rout, "Not fully readable: Cognito's answer holds DescribeUserPool: UserPool.AdaptiveSmsRouting") {
		t.Errorf("report (exit %d) does not say the pool is not fully readable:\n%s\n%s", code, rout, rerr)
	}
	// Import leaves the configuration unmanaged and says why.
	out, _, code := h.run(ctx, "import", "--user-pool-id", pool)
	if code != ExitOK || !strings.Contains(out, "# Not fully readable: Cognito's answer holds DescribeUserPool: UserPool.AdaptiveSmsRouting") || strings.Contains(out, "MfaConfiguration:") {
		t.Errorf("import (exit %d) does not leave the pool unmanaged with the reason:\n%s", code, out)
	}
}

// seedTOTPPool is a pool with TOTP offered and two users whose TOTP is off:
// one registered an authenticator, one did not.
func (h *harness) seedTOTPPool(pool string) {
	h.seed(map[string]any{"Pools": []any{map[string]any{
		"Id":        pool,
		"MfaConfig": map[string]any{"MfaConfiguration": "OPTIONAL", "SoftwareTokenMfaConfiguration": map[string]any{"Enabled": true}},
		"Users": []any{
			map[string]any{"Username": "registered", "TotpSecret": totpSecret},
			map[string]any{"Username": "bare"},
		},
	}}})
}

// AdminGetUserAuthFactors decides the TOTP enables reads cannot show: a
// registered user's call is certain, one without an authenticator is
// ineligible (an error for a named user, counted by a policy), and each
// costs one paced UserRead, shown in the plan.
func TestTOTPEnablesDecidedByAdminGetUserAuthFactors(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{QuotaScale: 1})
	const pool = "eu-west-1_Totp0Decide"
	h.seedTOTPPool(pool)
	ctx := context.Background()
	dir := t.TempDir()
	write := func(name, doc string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte("Version: 1\nUserPools:\n  - UserPoolId: "+pool+"\n"+doc), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}

	named := write("named.yaml", "    Users:\n      - Username: registered\n        SoftwareTokenMfaSettings: {Enabled: true}\n")
	out, errOut, code := h.run(ctx, "plan", "-f", named, "-o", "json")
	if code != ExitOK {
		t.Fatalf("plan: exit %d\n%s\n%s", code, out, errOut)
	}
	var p struct {
		Calls []struct{ Username, Uncertain string }
		Reads struct {
			AuthFactors struct{ Calls, Registered, NotRegistered int }
			Limits      []struct {
				Region, Category, Source string
				RPS                      float64
			}
		}
	}
	if err := json.Unmarshal([]byte(out), &p); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if len(p.Calls) != 1 || p.Calls[0].Uncertain != "" {
		t.Errorf("calls = %+v; want one certain call", p.Calls)
	}
	if a := p.Reads.AuthFactors; a.Calls != 1 || a.Registered != 1 {
		t.Errorf("Reads.AuthFactors = %+v; want 1 call, 1 registered", a)
	}
	if n := h.emu.Stats().Operations["AdminGetUserAuthFactors"].Calls; n != 1 {
		t.Errorf("AdminGetUserAuthFactors served %d times; want 1", n)
	}
	if len(p.Reads.Limits) == 0 || p.Reads.Limits[0].Source != "provisioned" {
		t.Errorf("Reads.Limits = %+v; want the provisioned quotas", p.Reads.Limits)
	}

	bare := write("bare.yaml", "    Users:\n      - Username: bare\n        SoftwareTokenMfaSettings: {Enabled: true}\n")
	out, errOut, code = h.run(ctx, "plan", "-f", bare)
	if code != ExitError || !strings.Contains(errOut+out, "TOTP MFA cannot be enabled for user bare: the user has registered no authenticator app") {
		t.Errorf("bare: exit %d; want the totp-not-registered error\n%s\n%s", code, out, errOut)
	}

	policy := write("policy.yaml", "    Policies:\n      - Name: everyone-totp\n        Select: {AllUsers: true}\n        SoftwareTokenMfaSettings: {Enabled: true}\n        Ineligible: Report\n")
	out, errOut, code = h.run(ctx, "plan", "-f", policy, "-v")
	if code != ExitOK {
		t.Fatalf("policy plan: exit %d\n%s\n%s", code, out, errOut)
	}
	for _, want := range []string{"bare (no authenticator app registered for TOTP MFA)", "AdminGetUserAuthFactors: 2 calls (UserRead, paced)"} {
		if !strings.Contains(out+errOut, want) {
			t.Errorf("policy plan does not say %q:\n%s\n%s", want, out, errOut)
		}
	}
	if strings.Contains(out+errOut, "uncertain") {
		t.Errorf("policy plan still marks a call uncertain:\n%s", out)
	}

	// Denied: today's uncertain path, with one line saying why.
	h.emu.FailNext("AdminGetUserAuthFactors", 100, "AccessDeniedException")
	out, errOut, code = h.run(ctx, "plan", "-f", named)
	if code != ExitOK || !strings.Contains(out+errOut, "AdminGetUserAuthFactors is not available for pool "+pool+" (AccessDeniedException)") ||
		!strings.Contains(out+errOut, "Cognito cannot show whether registered has registered") {
		t.Errorf("denied: exit %d; want the uncertain path and the reason\n%s\n%s", code, out, errOut)
	}

	// A saved plan is checked against the same decision, and applies
	// (the remaining denials cleared: AdminGetUserAuthFactors answers again).
	h.emu.ClearFaults()
	planFile := filepath.Join(dir, "named.plan")
	if _, errOut, code := h.run(ctx, "plan", "-f", named, "--out", planFile); code != ExitOK {
		t.Fatalf("plan --out: exit %d\n%s", code, errOut)
	}
	if out, errOut, code := h.run(ctx, "apply", planFile, "--auto-approve"); code != ExitOK || !strings.Contains(out, "Apply complete: 1 call applied.") {
		t.Fatalf("apply PLANFILE: exit %d\n%s\n%s", code, out, errOut)
	}
}
