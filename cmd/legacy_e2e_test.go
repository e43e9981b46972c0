package cmd

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mfactl/mfactl/emulator"
)

const legacyPool = "eu-west-1_Legacy1"

// legacySeed is a pool with SMS MFA whose users have legacy MFAOptions:
// n plain ones, one who prefers TOTP, and two without an entry.
func legacySeed(n int) string {
	type user map[string]any
	sms := []map[string]string{{"DeliveryMedium": "SMS", "AttributeName": "phone_number"}}
	users := []user{
		{"Username": "totp.fan", "Attributes": map[string]string{"phone_number": "+15555550199"}, "MFAOptions": sms,
			"TotpSecret": "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", "MfaSettings": map[string]any{"SoftwareTokenMfaSettings": map[string]bool{"Enabled": true, "PreferredMfa": true}}},
		{"Username": "modern", "Attributes": map[string]string{"phone_number": "+15555550198"}, "MfaSettings": map[string]any{"SMSMfaSettings": map[string]bool{"Enabled": true}}},
		{"Username": "set.me", "Attributes": map[string]string{"phone_number": "+15555550197"}},
	}
	for i := range n {
		users = append(users, user{"Username": fmt.Sprintf("legacy%04d", i), "Attributes": map[string]string{"phone_number": "+15555550100"}, "MFAOptions": sms})
	}
	doc := map[string]any{"Pools": []any{map[string]any{
		"Id":               legacyPool,
		"SmsConfiguration": map[string]string{"SnsCallerArn": "arn:aws:iam::123456789012:role/cognito-sms", "ExternalId": "legacy-ext"},
		"MfaConfig": map[string]any{"MfaConfiguration": "OPTIONAL", "SoftwareTokenMfaConfiguration": map[string]bool{"Enabled": true},
			"SmsMfaConfiguration": map[string]any{}},
		"Users": users,
	}}}
	b, _ := json.Marshal(doc)
	return string(b)
}

// legacyState counts, from the emulator itself, the users with legacy
// MFAOptions and those with SMS as a current setting.
func legacyState(t *testing.T, h *harness) (legacy, sms, smsPreferred int) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "state.json")
	if err := h.emu.SaveState(path); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Pools []struct {
			Users []struct {
				MFAOptions  []any
				MfaSettings *struct {
					SMSMfaSettings *struct{ Enabled, PreferredMfa bool }
				}
			}
		}
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	for _, u := range doc.Pools[0].Users {
		if len(u.MFAOptions) > 0 {
			legacy++
		}
		if u.MfaSettings != nil && u.MfaSettings.SMSMfaSettings != nil && u.MfaSettings.SMSMfaSettings.Enabled {
			sms++
			if u.MfaSettings.SMSMfaSettings.PreferredMfa {
				smsPreferred++
			}
		}
	}
	return legacy, sms, smsPreferred
}

func TestLegacyMigrationOfAThousandUsersInOnePlanAndApply(t *testing.T) {
	t.Parallel()
	emu, url := emulator.NewTestServer(t, emulator.Options{})
	if err := emu.Seed(strings.NewReader(legacySeed(1000))); err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, emu: emu, url: url}
	ctx := context.Background()
	if legacy, sms, _ := legacyState(t, h); legacy != 1001 || sms != 1 {
		t.Fatalf("seeded %d legacy users, %d with SMS", legacy, sms)
	}
	f := writeTemp(t, "legacy.yaml", `Version: 1
UserPools:
  - UserPoolId: eu-west-1_Legacy1
    LegacyMfaOptions: Migrate
    Users:
      - Username: set.me
        MFAOptions: [{DeliveryMedium: SMS, AttributeName: phone_number}]
`)
	fast := []string{"--rate", "UserResourceUpdate=2000", "--rate", "UserRead=2000", "--rate", "UserList=2000"}

	out, errOut, code := h.run(ctx, append([]string{"plan", "-f", f, "--detailed-exitcode", "--verbose"}, fast...)...)
	if code != ExitChanges {
		t.Fatalf("plan: exit %d\n%s\n%s", code, out, errOut)
	}
	for _, want := range []string{
		"~ LegacyMfaOptions: Migrate: 1,001 users with legacy SMS MFAOptions move to SMSMfaSettings",
		"AdminSetUserMFAPreference eu-west-1_Legacy1, 1,001 users  [stage 2: users]",
		"AdminSetUserSettings eu-west-1_Legacy1, 1,001 users  [stage 4: legacy MFAOptions, after users]",
		"~ MFAOptions: [] -> [{DeliveryMedium: SMS, AttributeName: phone_number}]",
		"Warning: MFAOptions of user set.me sets a legacy SMS entry",
		"Plan: 2,003 calls — 1,002 users to change",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("plan lacks %q", want)
		}
	}
	if n := strings.Count(out, "\n"); n > 80 {
		t.Errorf("the plan of a migration takes %d lines; it should be one per pool and stage", n)
	}
	st := h.emu.Stats()
	if pages, reads := st.Operations["ListUsers"].Calls, st.Operations["AdminGetUser"].Calls; pages != 17 || reads != 1002 {
		t.Errorf("plan read with %d ListUsers pages and %d AdminGetUser; want 17 pages (1003 users / 60) and 1002 reads (the legacy users and set.me)", pages, reads)
	}

	h.emu.ResetStats()
	out, errOut, code = h.run(ctx, append([]string{"apply", "-f", f, "--auto-approve"}, fast...)...)
	if code != ExitOK || !strings.Contains(out, "Apply complete: 2,003 calls applied.") || !strings.Contains(out, "Verified:") {
		t.Fatalf("apply: exit %d\n%s\n%s", code, out, errOut)
	}
	legacy, sms, preferred := legacyState(t, h)
	if legacy != 1 || sms != 1002 || preferred != 1000 {
		t.Errorf("after apply: %d legacy (want 1: set.me), %d with SMS (want 1002), %d preferring SMS (want 1000: not totp.fan or modern)", legacy, sms, preferred)
	}
	// Each legacy user got its preference call before its clearing call.
	seen := map[string]bool{}
	for _, c := range h.emu.Stats().Calls {
		switch c.Operation {
		case "AdminSetUserMFAPreference":
			seen[c.Username] = true
		case "AdminSetUserSettings":
			if c.Username != "set.me" && !seen[c.Username] {
				t.Fatalf("%s cleared before its SMS preference call", c.Username)
			}
		}
	}

	h.emu.ResetStats()
	out, _, code = h.run(ctx, append([]string{"plan", "-f", f, "--detailed-exitcode"}, fast...)...)
	if code != ExitOK || !strings.Contains(out, "No changes.") {
		t.Fatalf("re-plan: exit %d\n%s", code, out)
	}

	// Clearing the entry that was set.
	clear := writeTemp(t, "clear.yaml", "Version: 1\nUserPools:\n  - UserPoolId: eu-west-1_Legacy1\n    Users:\n      - Username: set.me\n        MFAOptions: []\n")
	out, errOut, code = h.run(ctx, "apply", "-f", clear, "--auto-approve")
	if code != ExitOK || !strings.Contains(out, "Apply complete: 1 call applied.") {
		t.Fatalf("clear: exit %d\n%s\n%s", code, out, errOut)
	}
	if legacy, _, _ := legacyState(t, h); legacy != 0 {
		t.Errorf("%d legacy users left", legacy)
	}
}
