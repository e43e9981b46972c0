package rules

import (
	"strings"
	"testing"

	"github.com/mfactl/mfactl/internal/diag"
	"github.com/mfactl/mfactl/internal/state"
)

func on() *state.FactorSettings  { return &state.FactorSettings{Enabled: true} }
func off() *state.FactorSettings { return &state.FactorSettings{} }
func preferred() *state.FactorSettings {
	return &state.FactorSettings{Enabled: true, PreferredMfa: true}
}
func str(s string) *string { return &s }

var webAuthnOn = &state.WebAuthnSettings{Enabled: true}

func sms(enabled bool) *state.SmsMfaConfiguration {
	return &state.SmsMfaConfiguration{Enabled: enabled, SmsConfiguration: &state.SmsConfiguration{SnsCallerArn: "arn:r"}}
}

func TestEnabledUnderOff(t *testing.T) {
	declared := state.PoolConfig{SmsMfaConfiguration: sms(true), SoftwareTokenMfaConfiguration: &state.SoftwareTokenMfaConfiguration{},
		EmailMfaConfiguration: &state.EmailMfaConfiguration{Enabled: true}, WebAuthnConfiguration: &state.WebAuthnConfiguration{}}
	got := EnabledUnderOff(declared, state.ModeOff, true)
	if len(got) != 2 || got[0].Factor != state.SMS || got[1].Factor != state.Email {
		t.Fatalf("findings = %+v", got)
	}
	if got[0].Summary != "SMS MFA is enabled but MfaConfiguration is OFF" || got[0].Field != "SmsMfaConfiguration.Enabled" || got[0].Severity != diag.Error {
		t.Errorf("finding = %+v", got[0])
	}
	if got := EnabledUnderOff(declared, state.ModeOff, false); !strings.HasSuffix(got[0].Summary, "OFF in Cognito and not set in the files") {
		t.Errorf("mode from Cognito: %q", got[0].Summary)
	}
	if got := EnabledUnderOff(declared, state.ModeOptional, true); got != nil {
		t.Errorf("OPTIONAL: %+v", got)
	}
}

func TestModeNeedsFactor(t *testing.T) {
	allOff := state.PoolConfig{MfaConfiguration: state.ModeOn, SmsMfaConfiguration: sms(false),
		SoftwareTokenMfaConfiguration: &state.SoftwareTokenMfaConfiguration{}, EmailMfaConfiguration: &state.EmailMfaConfiguration{}}
	webAuthnOnly := state.PoolConfig{MfaConfiguration: state.ModeOptional, WebAuthnConfiguration: &state.WebAuthnConfiguration{FactorConfiguration: str(state.MultiFactorWithUserVerification)}}
	twoOff := allOff
	twoOff.EmailMfaConfiguration = nil
	totp := twoOff
	totp.SoftwareTokenMfaConfiguration = &state.SoftwareTokenMfaConfiguration{Enabled: true}
	for _, tt := range []struct {
		name string
		c    state.PoolConfig
		k    Known
		want bool
	}{
		{"declared all off", allOff, Declared, true},
		{"declared, one unmanaged", twoOff, Declared, false},
		{"complete, absent is off", twoOff, Complete, true},
		{"WebAuthn alone does not count", webAuthnOnly, Complete, true},
		{"WebAuthn alone, the rest unmanaged", webAuthnOnly, Declared, false},
		{"TOTP on", totp, Complete, false},
		{"OFF", state.PoolConfig{MfaConfiguration: state.ModeOff}, Complete, false},
		{"mode unmanaged", state.PoolConfig{}, Declared, false},
	} {
		got := ModeNeedsFactor(tt.c, tt.k)
		if (got != nil) != tt.want {
			t.Errorf("%s: finding = %+v, want one: %v", tt.name, got, tt.want)
		}
	}
	got := ModeNeedsFactor(allOff, Declared)
	if got.Summary != "MfaConfiguration ON needs an MFA factor, but SMS, TOTP and email MFA are all off" ||
		got.Detail != "enable SmsMfaConfiguration, SoftwareTokenMfaConfiguration or EmailMfaConfiguration (WebAuthn alone does not count), or set MfaConfiguration: OFF" ||
		got.Field != "MfaConfiguration" {
		t.Errorf("finding = %+v", got)
	}
}

func TestPreferences(t *testing.T) {
	s := state.UserSettings{SMSMfaSettings: preferred(), SoftwareTokenMfaSettings: &state.FactorSettings{PreferredMfa: true}, EmailMfaSettings: preferred()}
	got := PreferredNotEnabled(User("alice"), s)
	if len(got) != 1 || got[0].Factor != state.TOTP || got[0].Field != "SoftwareTokenMfaSettings.PreferredMfa" ||
		got[0].Summary != "SoftwareTokenMfaSettings is preferred but not enabled for user alice" {
		t.Fatalf("PreferredNotEnabled = %+v", got)
	}
	more := MorePreferred(User("alice"), s)
	if more == nil || more.Summary != "more than one preferred MFA factor for user alice: SMSMfaSettings, EmailMfaSettings" ||
		more.Field != "EmailMfaSettings.PreferredMfa" || len(more.Factors) != 2 || more.Factors[0] != state.SMS {
		t.Fatalf("MorePreferred = %+v", more)
	}
	if MorePreferred(User("alice"), state.UserSettings{SMSMfaSettings: preferred(), EmailMfaSettings: on()}) != nil {
		t.Error("one preferred factor is reported")
	}
}

func TestFactorNotOffered(t *testing.T) {
	user := state.UserSettings{SMSMfaSettings: on(), EmailMfaSettings: off()}
	for _, tt := range []struct {
		name  string
		f     *state.Factor
		pool  state.PoolConfig
		k     Known
		field string // "" for no finding
	}{
		{"declared OFF", state.SMS, state.PoolConfig{MfaConfiguration: state.ModeOff}, Declared, "MfaConfiguration"},
		{"declared disabled", state.SMS, state.PoolConfig{SmsMfaConfiguration: sms(false)}, Declared, "SmsMfaConfiguration.Enabled"},
		{"unmanaged", state.SMS, state.PoolConfig{}, Declared, ""},
		{"complete, absent", state.SMS, state.PoolConfig{MfaConfiguration: state.ModeOptional}, Complete, "SmsMfaConfiguration"},
		{"complete, offered", state.SMS, state.PoolConfig{MfaConfiguration: state.ModeOptional, SmsMfaConfiguration: sms(true)}, Complete, ""},
		{"the user does not enable it", state.Email, state.PoolConfig{MfaConfiguration: state.ModeOff}, Complete, ""},
	} {
		got := FactorNotOffered(tt.f, User("alice"), user, tt.pool, tt.k)
		switch {
		case tt.field == "" && got != nil:
			t.Errorf("%s: unexpected %+v", tt.name, got)
		case tt.field != "" && (got == nil || got.Field != tt.field):
			t.Errorf("%s: finding = %+v, want one at %s", tt.name, got, tt.field)
		case got != nil && got.Summary != "SMS MFA is enabled for user alice, but the pool does not offer it":
			t.Errorf("%s: summary %q", tt.name, got.Summary)
		}
	}
	got := FactorNotOffered(state.SMS, User("alice"), user, state.PoolConfig{MfaConfiguration: state.ModeOff}, Complete).Because("MFA is OFF for user pool X")
	if !strings.HasPrefix(got.Detail, "MFA is OFF for user pool X; set the pool's MfaConfiguration to OPTIONAL or ON and enable SmsMfaConfiguration") {
		t.Errorf("detail = %q", got.Detail)
	}
}

func TestWebAuthn(t *testing.T) {
	s := state.UserSettings{WebAuthnMfaSettings: webAuthnOn}
	if got := WebAuthnNeedsMultiFactor(User("alice"), s, state.SingleFactor); got == nil || !strings.HasSuffix(got.Summary, "but it is SINGLE_FACTOR") {
		t.Errorf("single factor: %+v", got)
	}
	if got := WebAuthnNeedsMultiFactor(User("alice"), s, ""); got == nil || !strings.HasSuffix(got.Summary, "but it is not set") {
		t.Errorf("not set: %+v", got)
	}
	if WebAuthnNeedsMultiFactor(User("alice"), s, state.MultiFactorWithUserVerification) != nil ||
		WebAuthnNeedsMultiFactor(User("alice"), state.UserSettings{WebAuthnMfaSettings: &state.WebAuthnSettings{}}, "") != nil {
		t.Error("reported with multi-factor passkeys, or with WebAuthn off")
	}

	allOff := state.UserSettings{SMSMfaSettings: off(), SoftwareTokenMfaSettings: off(), EmailMfaSettings: off(), WebAuthnMfaSettings: webAuthnOn}
	for _, tt := range []struct {
		name string
		s    state.UserSettings
		k    Known
		want bool
	}{
		{"declared all off", allOff, Declared, true},
		{"declared, the rest unmanaged", s, Declared, false},
		{"complete, nothing on", s, Complete, true},
		{"complete, TOTP on", state.UserSettings{SoftwareTokenMfaSettings: on(), WebAuthnMfaSettings: webAuthnOn}, Complete, false},
		{"WebAuthn off", state.UserSettings{WebAuthnMfaSettings: &state.WebAuthnSettings{}}, Complete, false},
	} {
		if got := WebAuthnNeedsOtherFactor(User("alice"), tt.s, tt.k); (got != nil) != tt.want {
			t.Errorf("%s: finding = %+v, want one: %v", tt.name, got, tt.want)
		}
	}
}

func TestPoolRequest(t *testing.T) {
	totpOn := &state.SoftwareTokenMfaConfiguration{Enabled: true}
	for _, tt := range []struct {
		name string
		c    state.PoolConfig
		err  string // "" when valid
	}{
		{"OFF", state.PoolConfig{MfaConfiguration: state.ModeOff}, ""},
		{"OFF with WebAuthn", state.PoolConfig{MfaConfiguration: state.ModeOff, WebAuthnConfiguration: &state.WebAuthnConfiguration{RelyingPartyId: str("x")}}, ""},
		{"OPTIONAL with TOTP", state.PoolConfig{MfaConfiguration: state.ModeOptional, SoftwareTokenMfaConfiguration: totpOn}, ""},
		{"ON with SMS", state.PoolConfig{MfaConfiguration: state.ModeOn, SmsMfaConfiguration: sms(true)}, ""},
		{"ON with a disabled TOTP block next to email", state.PoolConfig{MfaConfiguration: state.ModeOn,
			SoftwareTokenMfaConfiguration: &state.SoftwareTokenMfaConfiguration{}, EmailMfaConfiguration: &state.EmailMfaConfiguration{Enabled: true}}, ""},
		{"no mode", state.PoolConfig{SoftwareTokenMfaConfiguration: totpOn}, `MfaConfiguration is "" (allowed: OFF, ON, OPTIONAL)`},
		{"OFF with a disabled TOTP block", state.PoolConfig{MfaConfiguration: state.ModeOff, SoftwareTokenMfaConfiguration: &state.SoftwareTokenMfaConfiguration{}},
			"MfaConfiguration OFF with an SMS, TOTP or email block (Cognito refuses it)"},
		{"ON with nothing", state.PoolConfig{MfaConfiguration: state.ModeOn}, "MfaConfiguration ON with no SMS, TOTP or email factor enabled"},
		{"ON with TOTP disabled", state.PoolConfig{MfaConfiguration: state.ModeOn, SoftwareTokenMfaConfiguration: &state.SoftwareTokenMfaConfiguration{}},
			"MfaConfiguration ON with no SMS, TOTP or email factor enabled"},
		{"a disabled SMS block", state.PoolConfig{MfaConfiguration: state.ModeOn, SoftwareTokenMfaConfiguration: totpOn, SmsMfaConfiguration: sms(false)},
			"a disabled SMS block (a present block switches SMS MFA on)"},
		{"a disabled email block", state.PoolConfig{MfaConfiguration: state.ModeOn, SoftwareTokenMfaConfiguration: totpOn, EmailMfaConfiguration: &state.EmailMfaConfiguration{}},
			"a disabled email block (a present block switches email MFA on)"},
		{"SMS without a role", state.PoolConfig{MfaConfiguration: state.ModeOn, SmsMfaConfiguration: &state.SmsMfaConfiguration{Enabled: true}},
			"SMS MFA without SmsConfiguration.SnsCallerArn or EumsSms.CallerArn"},
		{"SMS through End User Messaging", state.PoolConfig{MfaConfiguration: state.ModeOn, SmsMfaConfiguration: &state.SmsMfaConfiguration{Enabled: true,
			SmsConfiguration: &state.SmsConfiguration{EumsSms: &state.EumsSms{CallerArn: "arn:aws:iam::123456789012:role/eums"}}}}, ""},
		{"SMS through both", state.PoolConfig{MfaConfiguration: state.ModeOn, SmsMfaConfiguration: &state.SmsMfaConfiguration{Enabled: true,
			SmsConfiguration: &state.SmsConfiguration{SnsCallerArn: "arn:aws:iam::123456789012:role/sns", EumsSms: &state.EumsSms{CallerArn: "arn:aws:iam::123456789012:role/eums"}}}},
			"SmsConfiguration names both SnsCallerArn and EumsSms"},
		{"an SNS external ID beside End User Messaging", state.PoolConfig{MfaConfiguration: state.ModeOn, SmsMfaConfiguration: &state.SmsMfaConfiguration{Enabled: true,
			SmsConfiguration: &state.SmsConfiguration{ExternalId: "x", EumsSms: &state.EumsSms{CallerArn: "arn:aws:iam::123456789012:role/eums"}}}},
			"ExternalId and SnsRegion of SmsConfiguration belong to Amazon SNS, but the pool sends through EumsSms"},
	} {
		err := PoolRequest(tt.c)
		switch {
		case tt.err == "" && err != nil:
			t.Errorf("%s: %v", tt.name, err)
		case tt.err != "" && (err == nil || err.Error() != tt.err):
			t.Errorf("%s: error %v, want %q", tt.name, err, tt.err)
		}
	}
}

func TestFindingPlacement(t *testing.T) {
	f := Finding{Severity: diag.Warning, Summary: "s", Detail: "d"}
	d := f.Because("fact").At(state.Pos{File: "a.yaml", Line: 2, Column: 3}, "UserPools[0]")
	if d.String() != "a.yaml:2:3: warning: UserPools[0]: s; fact; d" {
		t.Errorf("diagnostic = %s", d)
	}
	if f.Because("").Detail != "d" {
		t.Error("an empty fact changed the detail")
	}
}

// A policy's settings break the same rules in the same words, about the
// policy rather than a user.
func TestRulesSpeakOfPolicies(t *testing.T) {
	s := state.UserSettings{SMSMfaSettings: &state.FactorSettings{PreferredMfa: true}, WebAuthnMfaSettings: &state.WebAuthnSettings{Enabled: true}}
	got := PreferredNotEnabled(Policy("admins-use-totp"), s)
	if len(got) != 1 || got[0].Summary != "SMSMfaSettings is preferred but not enabled for policy admins-use-totp" {
		t.Errorf("PreferredNotEnabled for a policy: %+v", got)
	}
	w := WebAuthnNeedsOtherFactor(Policy("p"), state.UserSettings{SMSMfaSettings: &state.FactorSettings{}, WebAuthnMfaSettings: &state.WebAuthnSettings{Enabled: true}}, Complete)
	if w == nil || w.Summary != "WebAuthn MFA for policy p needs another MFA factor enabled for its users" {
		t.Errorf("WebAuthnNeedsOtherFactor for a policy: %+v", w)
	}
	if User("alice").String() != "user alice" {
		t.Error(User("alice").String())
	}
}
