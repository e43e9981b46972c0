package cmd

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"

	"github.com/mfactl/mfactl/emulator"
)

// End-to-end tests of policies: mfactl through the real SDK against the
// emulator seeded with fixtures/policies/seed.yaml, with Cognito's quotas on.

const policyPool = "eu-west-1_Policies1"

func newPolicyHarness(t *testing.T) *harness {
	t.Helper()
	emu, url := emulator.NewTestServer(t, emulator.Options{QuotaScale: 1})
	if err := emu.SeedFile("../fixtures/policies/seed.yaml"); err != nil {
		t.Fatal(err)
	}
	return &harness{t: t, emu: emu, url: url}
}

// policyFile writes a desired-state file for the policy pool with the
// given Policies and Users blocks (YAML, indented for the pool entry).
func policyFile(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "mfa.yaml")
	text := "Version: 1\nUserPools:\n  - UserPoolId: " + policyPool + "\n" + body
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// userWrites returns the users the emulator's AdminSetUserMFAPreference
// calls named since the last reset, sorted, and whether each succeeded.
func (h *harness) userWrites() (ok, refused []string) {
	for _, c := range h.emu.Stats().Calls {
		if c.Operation != "AdminSetUserMFAPreference" {
			continue
		}
		if c.Error == "" {
			ok = append(ok, c.Username)
		} else if c.Error != "TooManyRequestsException" {
			refused = append(refused, c.Username)
		}
	}
	sort.Strings(ok)
	sort.Strings(refused)
	return ok, refused
}

func (h *harness) admin() *cip.Client {
	return cip.New(cip.Options{Region: "eu-west-1", BaseEndpoint: aws.String(h.url),
		Credentials: credentials.NewStaticCredentialsProvider("AKIDSETUP", "setup", "")})
}

const adminsTOTP = `    Policies:
      - Name: admins-use-totp
        Select: {Group: admins}
        SoftwareTokenMfaSettings: {Enabled: true, PreferredMfa: true}
`

func TestGroupPolicyConvergesAndReplansToZero(t *testing.T) {
	t.Parallel()
	h := newPolicyHarness(t)
	h.denyAuthFactors()
	ctx := context.Background()
	file := policyFile(t, adminsTOTP+`    Users:
      - Username: breakglass
        SMSMfaSettings: {Enabled: true, PreferredMfa: true}
`)
	out, errOut, code := h.run(ctx, "plan", "-f", file, "--detailed-exitcode")
	if code != ExitChanges {
		t.Fatalf("plan: exit %d\n%s\n%s", code, out, errOut)
	}
	for _, want := range []string{
		"mfa.yaml:5:9 — policy admins-use-totp",
		"! Cognito cannot show whether ann has registered an authenticator app",
		"policy admins-use-totp (Group admins): 4 users selected; it applies to 3: 2 change, 1 in sync",
		"1 user declared by name, whose entry wins: breakglass",
		"~ user breakglass",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("plan lacks %q:\n%s", want, out)
		}
	}
	h.emu.ResetStats()
	if out, errOut, code := h.run(ctx, "apply", "-f", file, "--auto-approve"); code != ExitOK || !strings.Contains(out, "Verified:") {
		t.Fatalf("apply: exit %d\n%s\n%s", code, out, errOut)
	}
	if ok, refused := h.userWrites(); !slices.Equal(ok, []string{"ann", "bob", "breakglass"}) || len(refused) != 0 {
		t.Errorf("apply wrote %v, refused %v; want ann, bob (the policy) and breakglass (by name)", ok, refused)
	}
	// The group was listed once per run, at the UserList quota, and every
	// member read once.
	if n := h.emu.Stats().Operations["ListUsersInGroup"].Calls; n < 1 {
		t.Errorf("ListUsersInGroup calls = %d", n)
	}
	h.emu.ResetStats()
	if out, _, code := h.run(ctx, "plan", "-f", file, "--detailed-exitcode"); code != ExitOK || !strings.Contains(out, "No changes.") {
		t.Fatalf("replan: exit %d\n%s", code, out)
	}
	if n := h.emu.Stats().Operations["ListUsersInGroup"].Calls; n != 1 {
		t.Errorf("replan listed the group %d times, want 1", n)
	}
}

func TestFilterPolicySelectsWhatCognitosFilterSelects(t *testing.T) {
	t.Parallel()
	h := newPolicyHarness(t)
	ctx := context.Background()
	const filter = `email ^= "support-"`
	file := policyFile(t, `    Policies:
      - Name: support-email
        Select: {Filter: '`+filter+`'}
        Ineligible: Skip
        SMSMfaSettings: {Enabled: true}
`)
	if out, errOut, code := h.run(ctx, "apply", "-f", file, "--auto-approve"); code != ExitOK {
		t.Fatalf("apply: exit %d\n%s\n%s", code, out, errOut)
	}
	listed, err := h.admin().ListUsers(ctx, &cip.ListUsersInput{UserPoolId: aws.String(policyPool), Filter: aws.String(filter)})
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, u := range listed.Users {
		if name := *u.Username; name != "support-eve" && name != "eve" { // eve has no phone: skipped
			want = append(want, name)
		}
	}
	sort.Strings(want)
	ok, _ := h.userWrites()
	if !slices.Equal(ok, want) || !slices.Equal(want, []string{"bob", "dee"}) {
		t.Errorf("filter policy wrote %v; Cognito's filter lists %v (minus eve, who has no phone)", ok, want)
	}
}

func TestGroupPrecedenceDecidesAndThePlanSaysSo(t *testing.T) {
	t.Parallel()
	h := newPolicyHarness(t)
	file := policyFile(t, adminsTOTP+`      - Name: support-sms
        Select: {Group: support}
        SMSMfaSettings: {Enabled: true, PreferredMfa: true}
`)
	out, errOut, code := h.run(context.Background(), "plan", "-f", file, "-o", "json")
	if code != ExitOK {
		t.Fatalf("plan: exit %d\n%s", code, errOut)
	}
	if !strings.Contains(out, `"By": "admins-use-totp"`) || !strings.Contains(out, `"Username": "bob"`) {
		t.Errorf("JSON plan does not say admins-use-totp wins for bob:\n%s", out)
	}
	text, _, _ := h.run(context.Background(), "plan", "-f", file)
	if !strings.Contains(text, "1 user also selected by policy admins-use-totp, whose group has the lower Precedence, so it applies to them: bob") {
		t.Errorf("text plan does not say so:\n%s", text)
	}
}

func TestIneligibleModesEndToEnd(t *testing.T) {
	t.Parallel()
	support := func(mode string) string {
		return `    Policies:
      - Name: support-sms
        Select: {Group: support}
        Ineligible: ` + mode + `
        SMSMfaSettings: {Enabled: true, PreferredMfa: true}
`
	}
	ctx := context.Background()
	t.Run("Report", func(t *testing.T) {
		h := newPolicyHarness(t)
		out, _, code := h.run(ctx, "plan", "-f", policyFile(t, support("Report")))
		if code != ExitOK || !strings.Contains(out, "1 user ineligible, left out: eve (no phone_number for SMS MFA)") {
			t.Errorf("exit %d\n%s", code, out)
		}
	})
	t.Run("Skip", func(t *testing.T) {
		h := newPolicyHarness(t)
		out, _, code := h.run(ctx, "plan", "-f", policyFile(t, support("Skip")))
		if code != ExitOK || strings.Contains(out, "eve (") || !strings.Contains(out, "1 user ineligible, skipped") {
			t.Errorf("exit %d\n%s", code, out)
		}
	})
	t.Run("Error", func(t *testing.T) {
		h := newPolicyHarness(t)
		_, errOut, code := h.run(ctx, "plan", "-f", policyFile(t, support("Error")))
		if code != ExitError || !strings.Contains(errOut, "policy support-sms selects 1 user who cannot take its factor: eve (no phone_number for SMS MFA)") {
			t.Errorf("exit %d\n%s", code, errOut)
		}
	})
	// TOTP for a user with no authenticator: refused at apply, counted as
	// ineligible, and the pool's last stage (ON) still runs.
	on := "    MfaConfiguration: ON\n"
	t.Run("TOTP refusal under Report", func(t *testing.T) {
		h := newPolicyHarness(t)
		h.denyAuthFactors()
		h.admin().AdminAddUserToGroup(ctx, &cip.AdminAddUserToGroupInput{UserPoolId: aws.String(policyPool), GroupName: aws.String("admins"), Username: aws.String("gus")})
		out, errOut, code := h.run(ctx, "apply", "-f", policyFile(t, on+adminsTOTP), "--auto-approve")
		if code != ExitOK || !strings.Contains(out, "policy admins-use-totp: 2 users: breakglass, gus") || !strings.Contains(out, "Verified:") {
			t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
		}
		mfa, err := h.admin().GetUserPoolMfaConfig(ctx, &cip.GetUserPoolMfaConfigInput{UserPoolId: aws.String(policyPool)})
		if err != nil || mfa.MfaConfiguration != "ON" {
			t.Errorf("the pool's narrowing call did not run after the refusals: %v %v", mfa.MfaConfiguration, err)
		}
	})
	t.Run("TOTP refusal under Error", func(t *testing.T) {
		h := newPolicyHarness(t)
		h.denyAuthFactors()
		body := strings.Replace(on+adminsTOTP, "Select: {Group: admins}", "Select: {Group: admins}\n        Ineligible: Error", 1)
		out, _, code := h.run(ctx, "apply", "-f", policyFile(t, body), "--auto-approve")
		if code != ExitError || !strings.Contains(out, "Apply failed") || !strings.Contains(out, "breakglass") {
			t.Fatalf("exit %d\n%s", code, out)
		}
	})
}

func TestSavedPlanIsStaleAfterAMembershipChange(t *testing.T) {
	t.Parallel()
	h := newPolicyHarness(t)
	ctx := context.Background()
	file := policyFile(t, adminsTOTP)
	planFile := filepath.Join(t.TempDir(), "mfa.plan")
	if _, errOut, code := h.run(ctx, "plan", "-f", file, "--out", planFile); code != ExitOK {
		t.Fatalf("plan --out: %s", errOut)
	}
	if _, err := h.admin().AdminAddUserToGroup(ctx, &cip.AdminAddUserToGroupInput{UserPoolId: aws.String(policyPool), GroupName: aws.String("admins"), Username: aws.String("gus")}); err != nil {
		t.Fatal(err)
	}
	h.emu.ResetStats()
	_, errOut, code := h.run(ctx, "apply", planFile)
	if code != ExitError || !strings.Contains(errOut, "the listing of Group admins for policy admins-use-totp in pool "+policyPool+": 1 joined (gus)") {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	if ok, refused := h.userWrites(); len(ok)+len(refused) != 0 {
		t.Fatalf("a stale plan made writes: %v %v", ok, refused)
	}
}
