package plan

import (
	"strings"
	"testing"

	"github.com/mfactl/mfactl/internal/state"
)

// A migration: users with a phone are moved to SMS (preferred unless they
// prefer another factor), a user without one is reported, a declared user
// keeps its declaration.
func TestMigrationPlansSMSThenClearAndReportsUsersWithoutPhone(t *testing.T) {
	const id = "eu-west-1_Mig1"
	legacyUser := func(name string, phone bool, preferTOTP bool) *state.LiveUser {
		u := &state.LiveUser{Username: name, Exists: true, HasPhoneNumber: phone, LegacySMS: true, LegacySMSOnly: true,
			MFAOptions: []state.MFAOption{state.LegacySMSOption}, Unknown: "legacy MFAOptions",
			Settings: state.UserSettings{SMSMfaSettings: &state.FactorSettings{Enabled: true}, SoftwareTokenMfaSettings: &state.FactorSettings{}, EmailMfaSettings: &state.FactorSettings{}}}
		if preferTOTP {
			u.Settings.SoftwareTokenMfaSettings = &state.FactorSettings{Enabled: true, PreferredMfa: true}
		}
		return u
	}
	live := state.Live{Pools: map[string]*state.LivePool{id: {
		UserPoolId: id, Exists: true,
		Config: state.PoolConfig{MfaConfiguration: state.ModeOptional,
			SmsMfaConfiguration: &state.SmsMfaConfiguration{Enabled: true, SmsConfiguration: &state.SmsConfiguration{SnsCallerArn: "arn:aws:iam::123456789012:role/sms", ExternalId: "x"}}},
		LegacyScanned: true, LegacyUsers: []string{"ann", "ben", "cat", "dan"},
		Users: map[string]*state.LiveUser{"ann": legacyUser("ann", true, false), "ben": legacyUser("ben", false, false),
			"cat": legacyUser("cat", true, true), "dan": legacyUser("dan", true, false)},
	}}}
	desired := state.Desired{Pools: []state.DesiredPool{{UserPoolId: id, LegacyMfaOptions: state.LegacyMigrate,
		Users: []state.DesiredUser{{Username: "dan", MFAOptions: &[]state.MFAOption{state.LegacySMSOption}}}}}}
	p := Build(desired, live, Options{})
	if p.Diagnostics.HasErrors() {
		t.Fatalf("diagnostics: %v", p.Diagnostics)
	}
	var calls []string
	for _, c := range p.Calls {
		s := string(c.Operation) + " " + c.Username
		if c.UserRequest != nil {
			s += " " + describe(c.UserRequest.SMSMfaSettings)
		}
		calls = append(calls, s)
	}
	want := "AdminSetUserMFAPreference ann preferred,AdminSetUserMFAPreference cat enabled,AdminSetUserSettings ann,AdminSetUserSettings cat"
	if got := strings.Join(calls, ","); got != want {
		t.Fatalf("calls = %s\nwant    %s", got, want)
	}
	m := p.Pools[0].LegacyMigration
	if m == nil || m.Users != 4 || m.Migrated != 2 || strings.Join(m.WithoutPhone, ",") != "ben" || strings.Join(m.Declared, ",") != "dan" {
		t.Fatalf("migration = %+v", m)
	}
	warned := false
	for _, d := range p.Diagnostics {
		warned = warned || strings.Contains(d.Summary, "1 user with legacy MFAOptions has no phone_number and is not migrated: ben")
		if strings.Contains(d.Summary, "live MFA settings of user ann") {
			t.Errorf("a migrated user got its own unknown-settings warning: %s", d.Summary)
		}
	}
	if !warned {
		t.Errorf("no warning about ben: %v", p.Diagnostics)
	}
	// Verification plans the targets' desired state: nothing is left once
	// the users are migrated.
	d := p.DesiredState()
	if d.Pools[0].LegacyMfaOptions != state.LegacyMigrate || len(d.Pools[0].Users) != 3 {
		t.Fatalf("desired state = %+v", d)
	}
}

func describe(f *state.FactorSettings) string {
	switch {
	case f == nil:
		return "-"
	case f.PreferredMfa:
		return "preferred"
	case f.Enabled:
		return "enabled"
	}
	return "off"
}
