package plan

import (
	"reflect"
	"strings"
	"testing"

	"github.com/mfactl/mfactl/internal/diag"
	"github.com/mfactl/mfactl/internal/state"
)

func TestChecks(t *testing.T) {
	optionalTOTP := state.PoolConfig{MfaConfiguration: state.ModeOptional, SoftwareTokenMfaConfiguration: totpOn()}
	optionalAll := state.PoolConfig{MfaConfiguration: state.ModeOptional, SoftwareTokenMfaConfiguration: totpOn(), SmsMfaConfiguration: smsOn(), EmailMfaConfiguration: emailOn()}
	multiFactor := &state.WebAuthnConfiguration{RelyingPartyId: str("auth.example.com"), FactorConfiguration: str(state.MultiFactorWithUserVerification)}
	noPhone := func(name string, s state.UserSettings) *state.LiveUser {
		u := liveUser(name, s)
		u.HasPhoneNumber = false
		return u
	}
	noEmail := func(name string, s state.UserSettings) *state.LiveUser {
		u := liveUser(name, s)
		u.HasEmail = false
		return u
	}
	prerequisites := func(change func(*state.Prerequisites)) liveOpt {
		p := essentials()
		change(&p)
		return withPrerequisites(p)
	}

	tests := []struct {
		name     string
		desired  state.Desired
		live     state.Live
		severity diag.Severity
		summary  string // a part of the diagnostic's summary
		path     string
		line     int    // the declaration the diagnostic points at
		detail   string // a part of the detail, if it matters
	}{
		{
			name:     "pool does not exist",
			desired:  desiredPool(state.PoolConfig{MfaConfiguration: state.ModeOn}),
			live:     state.Live{Pools: map[string]*state.LivePool{poolID: {UserPoolId: poolID, Exists: false}}},
			severity: diag.Error, summary: "user pool eu-west-1_AbCdEf123 does not exist", path: "UserPools[0]", line: 2,
		},
		{
			name:     "pool not read at all",
			desired:  desiredPool(state.PoolConfig{MfaConfiguration: state.ModeOn}),
			live:     state.Live{},
			severity: diag.Error, summary: "no live state was read for user pool eu-west-1_AbCdEf123", path: "UserPools[0]", line: 2,
		},
		{
			name:     "user not read at all",
			desired:  desiredPool(state.PoolConfig{}, user("ghost", state.UserSettings{SoftwareTokenMfaSettings: enabled()})),
			live:     live(optionalTOTP),
			severity: diag.Error, summary: "no live state was read for user ghost", path: "UserPools[0].Users[0]", line: 20,
		},
		{
			name:     "user does not exist",
			desired:  desiredPool(state.PoolConfig{}, user("ghost", state.UserSettings{SoftwareTokenMfaSettings: enabled()})),
			live:     live(optionalTOTP, withUsers(&state.LiveUser{Username: "ghost"})),
			severity: diag.Error, summary: "user ghost does not exist", path: "UserPools[0].Users[0]", line: 20,
		},
		{
			name:     "SMS for a user without phone_number",
			desired:  desiredPool(state.PoolConfig{}, user("alice", state.UserSettings{SMSMfaSettings: enabled()})),
			live:     live(optionalAll, withUsers(noPhone("alice", state.UserSettings{}))),
			severity: diag.Error, summary: "no phone_number", path: "UserPools[0].Users[0].SMSMfaSettings", line: 20,
		},
		{
			name:     "email for a user without email",
			desired:  desiredPool(state.PoolConfig{}, user("alice", state.UserSettings{EmailMfaSettings: enabled()})),
			live:     live(optionalAll, withUsers(noEmail("alice", state.UserSettings{}))),
			severity: diag.Error, summary: "has no email", path: "UserPools[0].Users[0].EmailMfaSettings", line: 20,
		},
		{
			// Reads cannot show a registered authenticator: planned, with a warning.
			name:     "TOTP for a user Cognito shows without it",
			desired:  desiredPool(state.PoolConfig{}, user("alice", state.UserSettings{SoftwareTokenMfaSettings: preferred()})),
			live:     live(optionalTOTP, withUsers(liveUser("alice", state.UserSettings{}))),
			severity: diag.Warning, summary: "Cognito cannot show whether alice has registered an authenticator app; if not, Cognito refuses this call", path: "UserPools[0].Users[0].SoftwareTokenMfaSettings", line: 20,
			detail: "AssociateSoftwareToken then VerifySoftwareToken",
		},
		{
			name:     "SMS MFA removed while the pool verifies phone numbers",
			desired:  desiredPool(state.PoolConfig{SmsMfaConfiguration: &state.SmsMfaConfiguration{}}),
			live:     live(optionalAll, prerequisites(func(p *state.Prerequisites) { p.AutoVerifiedAttributes = []string{"email", "phone_number"} })),
			severity: diag.Error, summary: "SMS MFA cannot be off in user pool eu-west-1_AbCdEf123: its SMS configuration also serves phone-number verification (AutoVerifiedAttributes: phone_number)", path: "UserPools[0].SmsMfaConfiguration", line: 5,
			detail: "remove phone_number from its AutoVerifiedAttributes",
		},
		{
			name:    "OPTIONAL without SMS MFA while users sign in with phone numbers",
			desired: desiredPool(state.PoolConfig{MfaConfiguration: state.ModeOptional, SoftwareTokenMfaConfiguration: totpOn()}),
			live: live(state.PoolConfig{MfaConfiguration: state.ModeOff},
				prerequisites(func(p *state.Prerequisites) { p.UsernameAttributes = []string{"phone_number"} })),
			severity: diag.Error, summary: "also serves sign-in with phone numbers (UsernameAttributes: phone_number)", path: "UserPools[0].MfaConfiguration", line: 3,
			detail: "UsernameAttributes cannot change once a pool exists",
		},
		{
			name:     "MFA turned OFF while phone numbers are aliases",
			desired:  desiredPool(state.PoolConfig{MfaConfiguration: state.ModeOff}),
			live:     live(optionalAll, prerequisites(func(p *state.Prerequisites) { p.AliasAttributes = []string{"phone_number", "preferred_username"} })),
			severity: diag.Error, summary: "(AliasAttributes: phone_number)", path: "UserPools[0].MfaConfiguration", line: 3,
			detail: "Can't turn off SMS_MFA when SMS configuration is set for the user pool",
		},
		{
			name:     "email MFA on the Lite tier",
			desired:  desiredPool(state.PoolConfig{EmailMfaConfiguration: emailOn()}),
			live:     live(optionalTOTP, prerequisites(func(p *state.Prerequisites) { p.Tier = "LITE" })),
			severity: diag.Error, summary: "Lite tier", path: "UserPools[0].EmailMfaConfiguration", line: 6,
			detail: "FeatureUnavailableInTierException",
		},
		{
			name:     "email MFA with an unknown tier",
			desired:  desiredPool(state.PoolConfig{EmailMfaConfiguration: emailOn()}),
			live:     live(optionalTOTP, prerequisites(func(p *state.Prerequisites) { p.Tier = "" })),
			severity: diag.Warning, summary: "tier of user pool eu-west-1_AbCdEf123 is unknown", path: "UserPools[0].EmailMfaConfiguration", line: 6,
		},
		{
			name:     "email MFA without SES sending",
			desired:  desiredPool(state.PoolConfig{EmailMfaConfiguration: emailOn()}),
			live:     live(optionalTOTP, prerequisites(func(p *state.Prerequisites) { p.EmailSendingAccount = "COGNITO_DEFAULT" })),
			severity: diag.Error, summary: "EmailSendingAccount is COGNITO_DEFAULT", path: "UserPools[0].EmailMfaConfiguration", line: 6,
		},
		{
			name:     "email MFA with recovery by email only",
			desired:  desiredPool(state.PoolConfig{EmailMfaConfiguration: emailOn()}),
			live:     live(optionalTOTP, prerequisites(func(p *state.Prerequisites) { p.RecoveryMechanisms = []string{"verified_email"} })),
			severity: diag.Error, summary: "relies on email alone", path: "UserPools[0].EmailMfaConfiguration", line: 6,
		},
		{
			name:     "SMS without any role",
			desired:  desiredPool(state.PoolConfig{SmsMfaConfiguration: &state.SmsMfaConfiguration{Enabled: true}}),
			live:     live(optionalTOTP, prerequisites(func(p *state.Prerequisites) { p.SmsConfiguration = nil })),
			severity: diag.Error, summary: "SmsConfiguration has no SnsCallerArn and ExternalId", path: "UserPools[0].SmsMfaConfiguration.SmsConfiguration", line: 5,
		},
		{
			name:     "ON with no factor",
			desired:  desiredPool(state.PoolConfig{MfaConfiguration: state.ModeOn}),
			live:     live(state.PoolConfig{MfaConfiguration: state.ModeOff}),
			severity: diag.Error, summary: "MfaConfiguration ON needs an MFA factor", path: "UserPools[0].MfaConfiguration", line: 3,
		},
		{
			name:     "OPTIONAL with WebAuthn alone",
			desired:  desiredPool(state.PoolConfig{MfaConfiguration: state.ModeOptional, SoftwareTokenMfaConfiguration: &state.SoftwareTokenMfaConfiguration{}, WebAuthnConfiguration: multiFactor}),
			live:     live(optionalTOTP),
			severity: diag.Error, summary: "MfaConfiguration OPTIONAL needs an MFA factor", path: "UserPools[0].MfaConfiguration", line: 3,
		},
		{
			name:     "a factor enabled under OFF",
			desired:  desiredPool(state.PoolConfig{MfaConfiguration: state.ModeOff, SoftwareTokenMfaConfiguration: totpOn()}),
			live:     live(optionalTOTP),
			severity: diag.Error, summary: "TOTP MFA is enabled but MfaConfiguration is OFF", path: "UserPools[0].SoftwareTokenMfaConfiguration", line: 4,
		},
		{
			name:     "a factor enabled while OFF live and the mode unmanaged",
			desired:  desiredPool(state.PoolConfig{SoftwareTokenMfaConfiguration: totpOn()}),
			live:     live(state.PoolConfig{MfaConfiguration: state.ModeOff}),
			severity: diag.Error, summary: "OFF in Cognito and not set in the files", path: "UserPools[0].SoftwareTokenMfaConfiguration", line: 4,
		},
		{
			// The pool steps through OPTIONAL for the users stage (TestPerUserDisablesUnderOn).
			name: "per-user disable while the pool stays ON",
			desired: desiredPool(state.PoolConfig{},
				user("alice", state.UserSettings{SMSMfaSettings: disabled(), SoftwareTokenMfaSettings: preferred()})),
			live: live(state.PoolConfig{MfaConfiguration: state.ModeOn, SmsMfaConfiguration: smsOn(), SoftwareTokenMfaConfiguration: totpOn()},
				withUsers(liveUser("alice", state.UserSettings{SMSMfaSettings: preferred(), SoftwareTokenMfaSettings: enabled()}))),
			severity: diag.Warning, summary: "user pool eu-west-1_AbCdEf123 is OPTIONAL while its users are moved off SMS, and ON again after them", path: "UserPools[0].MfaConfiguration", line: 3,
			detail: "the pool stays OPTIONAL until plan and apply run again",
		},
		{
			name: "users moved off their only factor under ON",
			desired: desiredPool(state.PoolConfig{},
				user("alice", state.UserSettings{SMSMfaSettings: disabled()}), user("bob", state.UserSettings{})),
			live: live(state.PoolConfig{MfaConfiguration: state.ModeOn, SmsMfaConfiguration: smsOn(), SoftwareTokenMfaConfiguration: totpOn()},
				withUsers(liveUser("alice", state.UserSettings{SMSMfaSettings: preferred()}), liveUser("bob", state.UserSettings{SMSMfaSettings: preferred()}))),
			severity: diag.Warning, summary: "MfaConfiguration goes ON while 1 declared user has no MFA factor: alice", path: "UserPools[0].MfaConfiguration", line: 3,
			detail: "MFA_SETUP",
		},
		{
			name:     "ON while the sign-in policy allows EMAIL_OTP first",
			desired:  desiredPool(state.PoolConfig{MfaConfiguration: state.ModeOn}),
			live:     live(optionalTOTP, prerequisites(func(p *state.Prerequisites) { p.FirstAuthFactors = []string{"EMAIL_OTP", "PASSWORD"} })),
			severity: diag.Error, summary: "allows EMAIL_OTP as a first factor", path: "UserPools[0].MfaConfiguration", line: 3,
		},
		{
			name:     "ON while the sign-in policy allows SMS_OTP first",
			desired:  desiredPool(state.PoolConfig{MfaConfiguration: state.ModeOn}),
			live:     live(optionalTOTP, prerequisites(func(p *state.Prerequisites) { p.FirstAuthFactors = []string{"PASSWORD", "SMS_OTP"} })),
			severity: diag.Error, summary: "allows SMS_OTP as a first factor", path: "UserPools[0].MfaConfiguration", line: 3,
		},
		{
			name:     "ON while WEB_AUTHN is a single-factor first factor",
			desired:  desiredPool(state.PoolConfig{MfaConfiguration: state.ModeOn}),
			live:     live(optionalTOTP, prerequisites(func(p *state.Prerequisites) { p.FirstAuthFactors = []string{"PASSWORD", "WEB_AUTHN"} })),
			severity: diag.Error, summary: "WEB_AUTHN is a first factor and WebAuthnConfiguration.FactorConfiguration is not set", path: "UserPools[0].MfaConfiguration", line: 3,
		},
		{
			name:     "a user enabled for a factor the pool does not offer",
			desired:  desiredPool(state.PoolConfig{}, user("alice", state.UserSettings{EmailMfaSettings: enabled()})),
			live:     live(optionalTOTP, withUsers(liveUser("alice", state.UserSettings{}))),
			severity: diag.Error, summary: "email MFA is enabled for user alice, but the pool does not offer it", path: "UserPools[0].Users[0].EmailMfaSettings", line: 20,
		},
		{
			name:     "PreferredMfa on a disabled factor",
			desired:  desiredPool(state.PoolConfig{}, user("alice", state.UserSettings{SMSMfaSettings: &state.FactorSettings{PreferredMfa: true}})),
			live:     live(optionalAll, withUsers(liveUser("alice", state.UserSettings{}))),
			severity: diag.Error, summary: "SMSMfaSettings is preferred but not enabled for user alice", path: "UserPools[0].Users[0].SMSMfaSettings", line: 20,
		},
		{
			name:     "two preferred factors",
			desired:  desiredPool(state.PoolConfig{}, user("alice", state.UserSettings{SMSMfaSettings: preferred(), EmailMfaSettings: preferred()})),
			live:     live(optionalAll, withUsers(liveUser("alice", state.UserSettings{}))),
			severity: diag.Error, summary: "more than one preferred MFA factor for user alice: SMSMfaSettings, EmailMfaSettings", path: "UserPools[0].Users[0]", line: 20,
		},
		{
			name: "WebAuthn MFA without multi-factor passkeys",
			desired: desiredPool(state.PoolConfig{},
				user("alice", state.UserSettings{SoftwareTokenMfaSettings: enabled(), WebAuthnMfaSettings: &state.WebAuthnSettings{Enabled: true}})),
			live:     live(optionalTOTP, withUsers(liveUser("alice", state.UserSettings{SoftwareTokenMfaSettings: enabled()}))),
			severity: diag.Error, summary: "needs the pool's WebAuthnConfiguration.FactorConfiguration MULTI_FACTOR_WITH_USER_VERIFICATION", path: "UserPools[0].Users[0].WebAuthnMfaSettings", line: 20,
		},
		{
			name:     "WebAuthn MFA as the user's only factor",
			desired:  desiredPool(state.PoolConfig{WebAuthnConfiguration: multiFactor}, user("alice", state.UserSettings{WebAuthnMfaSettings: &state.WebAuthnSettings{Enabled: true}})),
			live:     live(optionalTOTP, withUsers(liveUser("alice", state.UserSettings{}))),
			severity: diag.Error, summary: "needs another MFA factor enabled for the user", path: "UserPools[0].Users[0].WebAuthnMfaSettings", line: 20,
		},
		{
			name:     "multi-factor passkeys on the Lite tier",
			desired:  desiredPool(state.PoolConfig{WebAuthnConfiguration: multiFactor}),
			live:     live(optionalTOTP, prerequisites(func(p *state.Prerequisites) { p.Tier = "LITE" })),
			severity: diag.Error, summary: "MULTI_FACTOR_WITH_USER_VERIFICATION is not available on the Lite tier", path: "UserPools[0].WebAuthnConfiguration.FactorConfiguration", line: 7,
		},
		{
			name: "going ON while declared users have no factor",
			desired: desiredPool(state.PoolConfig{MfaConfiguration: state.ModeOn},
				user("alice", state.UserSettings{}), user("bob", state.UserSettings{SoftwareTokenMfaSettings: enabled()})),
			live:     live(optionalTOTP, withUsers(liveUser("alice", state.UserSettings{}), liveUser("bob", state.UserSettings{SoftwareTokenMfaSettings: enabled()}))),
			severity: diag.Warning, summary: "MfaConfiguration goes ON while 1 declared user has no MFA factor: alice", path: "UserPools[0].MfaConfiguration", line: 3,
			detail: "MFA_SETUP",
		},
		{
			name: "one write-only setting that cannot be verified",
			desired: desiredPool(state.PoolConfig{WebAuthnConfiguration: multiFactor},
				user("alice", state.UserSettings{SoftwareTokenMfaSettings: enabled(), WebAuthnMfaSettings: &state.WebAuthnSettings{Enabled: true}})),
			live:     live(optionalTOTP, withUsers(liveUser("alice", state.UserSettings{SoftwareTokenMfaSettings: enabled()}))),
			severity: diag.Warning, summary: "WebAuthnMfaSettings of user alice cannot be verified", path: "UserPools[0].Users[0].WebAuthnMfaSettings", line: 20,
			detail: "--resend-write-only",
		},
		{
			name: "unknown live settings",
			desired: desiredPool(state.PoolConfig{},
				user("alice", state.UserSettings{SMSMfaSettings: preferred()})),
			live: live(optionalAll, withUsers(&state.LiveUser{Username: "alice", Exists: true, HasPhoneNumber: true, LegacySMS: true,
				Settings: state.UserSettings{SMSMfaSettings: enabled()}, Unknown: "legacy MFAOptions"})),
			severity: diag.Warning, summary: "live MFA settings of user alice are unknown: legacy MFAOptions", path: "UserPools[0].Users[0]", line: 20,
			detail: "mfactl sends each declared block that Cognito does not confirm (a factor it lists is on; one it leaves out may not be off): SMSMfaSettings",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := build(t, tt.desired, tt.live, Options{})
			d := findDiag(p.Diagnostics, tt.severity, tt.summary)
			if d == nil {
				t.Fatalf("no %s containing %q; got:\n%s", tt.severity, tt.summary, diagText(p.Diagnostics))
			}
			if d.Path != tt.path || d.Pos.Line != tt.line || d.Pos.File != "mfa.yaml" {
				t.Fatalf("diagnostic at %s line %d (%s), want %s line %d", d.Path, d.Pos.Line, d.Pos.File, tt.path, tt.line)
			}
			if !strings.Contains(d.Detail, tt.detail) {
				t.Fatalf("detail %q does not mention %q", d.Detail, tt.detail)
			}
			if tt.severity == diag.Warning && p.Diagnostics.HasErrors() {
				t.Fatalf("a warning scenario has errors:\n%s", diagText(p.Diagnostics))
			}
		})
	}
}

func TestChecksReportEveryProblem(t *testing.T) {
	l := live(state.PoolConfig{MfaConfiguration: state.ModeOptional, SoftwareTokenMfaConfiguration: totpOn()},
		withPrerequisites(state.Prerequisites{Tier: "LITE", EmailSendingAccount: "COGNITO_DEFAULT", RecoveryMechanisms: []string{"verified_email"}}),
		withUsers(&state.LiveUser{Username: "alice", Exists: true}, liveUser("bob", state.UserSettings{}), &state.LiveUser{Username: "carol"}))
	d := desiredPool(state.PoolConfig{EmailMfaConfiguration: emailOn()},
		user("alice", state.UserSettings{EmailMfaSettings: enabled()}),
		user("bob", state.UserSettings{SoftwareTokenMfaSettings: enabled()}),
		user("carol", state.UserSettings{}))
	p := build(t, d, l, Options{})
	for _, want := range []string{"Lite tier", "EmailSendingAccount", "relies on email alone", "alice: the user has no email", "user carol does not exist"} {
		if findDiag(p.Diagnostics, diag.Error, want) == nil {
			t.Errorf("missing error %q", want)
		}
	}
	if findDiag(p.Diagnostics, diag.Warning, "whether bob has registered an authenticator app") == nil {
		t.Errorf("missing the warning on bob's TOTP")
	}
	if t.Failed() {
		t.Logf("got:\n%s", diagText(p.Diagnostics))
	}
	if p.HasChanges() || len(p.Pools) > 0 || len(p.Targets) > 0 {
		t.Fatalf("a failed plan has calls, changes or targets")
	}
}

func TestUnknownUserIsNotOff(t *testing.T) {
	cfg := state.PoolConfig{MfaConfiguration: state.ModeOn, SmsMfaConfiguration: smsOn(), SoftwareTokenMfaConfiguration: totpOn(), EmailMfaConfiguration: emailOn()}
	unknown := &state.LiveUser{Username: "alice", Exists: true, HasEmail: true,
		Settings: liveUser("alice", state.UserSettings{}).Settings,
		Unknown:  "the pool requires MFA but Cognito lists no factor for the user"}
	t.Run("declared blocks are sent unless Cognito confirms them", func(t *testing.T) {
		d := desiredPool(state.PoolConfig{}, user("alice", state.UserSettings{SoftwareTokenMfaSettings: preferred(), SMSMfaSettings: disabled(), EmailMfaSettings: enabled()}))
		p := build(t, d, live(cfg, withUsers(unknown)), Options{})
		requireNoErrors(t, p)
		if len(p.Calls) != 1 {
			t.Fatalf("calls = %v", callSummary(p))
		}
		req := p.Calls[0].UserRequest
		// TOTP is sent: the user may have enrolled at sign-in. SMS is not:
		// alice has no phone_number, so a disabling block could fail
		// (amplify-js#5766) and SMS cannot be on anyway.
		if !sameFactor(req.SoftwareTokenMfaSettings, preferred()) || !sameFactor(req.EmailMfaSettings, enabled()) || req.SMSMfaSettings != nil {
			t.Fatalf("request = %s", mustJSON(t, req))
		}
		w := findDiag(p.Diagnostics, diag.Warning, "are unknown")
		if w == nil || !strings.Contains(w.Detail, "SMSMfaSettings is not sent: the user has no phone_number") {
			t.Fatalf("warning does not explain what is sent: %+v", w)
		}
		// Enabling TOTP is uncertain for an unknown user as for any other.
		if findDiag(p.Diagnostics, diag.Warning, "whether alice has registered an authenticator app") == nil || p.Calls[0].Uncertain == "" {
			t.Fatalf("the TOTP call is not marked uncertain: %s\n%s", mustJSON(t, p.Calls[0]), diagText(p.Diagnostics))
		}
		if p.Pools[0].Users[0].Unknown == "" {
			t.Fatalf("the change does not carry Unknown")
		}
	})
	t.Run("off cannot be confirmed, enabled can", func(t *testing.T) {
		optional := cfg
		optional.MfaConfiguration = state.ModeOptional
		cfg := optional
		listed := *unknown
		listed.HasPhoneNumber = true
		listed.Settings = state.UserSettings{EmailMfaSettings: preferred()}
		d := desiredPool(state.PoolConfig{}, user("alice", state.UserSettings{EmailMfaSettings: preferred(), SMSMfaSettings: disabled()}))
		p := build(t, d, live(cfg, withUsers(&listed)), Options{})
		requireNoErrors(t, p)
		if len(p.Calls) != 1 || !reflect.DeepEqual(p.Calls[0].UserRequest, &state.UserSettings{SMSMfaSettings: disabled()}) {
			t.Fatalf("calls = %s, want SMS disabled only", mustJSON(t, p.Calls))
		}
		d = desiredPool(state.PoolConfig{}, user("alice", state.UserSettings{EmailMfaSettings: preferred()}))
		p = build(t, d, live(cfg, withUsers(&listed)), Options{})
		if p.HasChanges() {
			t.Fatalf("a confirmed factor is sent again: %s", mustJSON(t, p.Calls))
		}
		if w := findDiag(p.Diagnostics, diag.Warning, "are unknown"); w == nil || !strings.Contains(w.Detail, "every declared factor is one Cognito lists as on") {
			t.Fatalf("warning = %+v", w)
		}
	})
	t.Run("an unconfirmed off is not sent under ON", func(t *testing.T) {
		listed := *unknown
		listed.HasPhoneNumber = true
		d := desiredPool(state.PoolConfig{}, user("alice", state.UserSettings{SMSMfaSettings: disabled()}))
		p := build(t, d, live(cfg, withUsers(&listed)), Options{})
		requireNoErrors(t, p)
		if p.HasChanges() {
			t.Fatalf("calls = %s", mustJSON(t, p.Calls))
		}
		if w := findDiag(p.Diagnostics, diag.Warning, "are unknown"); w == nil || !strings.Contains(w.Detail, "SMSMfaSettings: {Enabled: false} is not sent: under MfaConfiguration ON") {
			t.Fatalf("warning = %+v", w)
		}
	})
	t.Run("nothing declared, nothing sent", func(t *testing.T) {
		p := build(t, desiredPool(state.PoolConfig{}, user("alice", state.UserSettings{})), live(cfg, withUsers(unknown)), Options{})
		requireNoErrors(t, p)
		if p.HasChanges() {
			t.Fatalf("calls = %v", callSummary(p))
		}
		if w := findDiag(p.Diagnostics, diag.Warning, "are unknown"); w == nil || !strings.Contains(w.Detail, "nothing is sent") {
			t.Fatalf("warning = %+v", w)
		}
	})
}

func TestWriteOnlyWebAuthn(t *testing.T) {
	cfg := state.PoolConfig{MfaConfiguration: state.ModeOptional, SoftwareTokenMfaConfiguration: totpOn(), SmsMfaConfiguration: smsOn(),
		WebAuthnConfiguration: &state.WebAuthnConfiguration{FactorConfiguration: str(state.MultiFactorWithUserVerification)}}
	webAuthnOn := &state.WebAuthnSettings{Enabled: true}
	l := live(cfg, withUsers(
		liveUser("alice", state.UserSettings{SoftwareTokenMfaSettings: preferred()}),
		liveUser("bob", state.UserSettings{SoftwareTokenMfaSettings: preferred()}),
		liveUser("carol", state.UserSettings{SoftwareTokenMfaSettings: preferred()}),
	))
	d := desiredPool(state.PoolConfig{},
		user("alice", state.UserSettings{SoftwareTokenMfaSettings: preferred(), WebAuthnMfaSettings: webAuthnOn}),
		user("bob", state.UserSettings{SoftwareTokenMfaSettings: preferred(), WebAuthnMfaSettings: webAuthnOn}),
		user("carol", state.UserSettings{SMSMfaSettings: enabled(), WebAuthnMfaSettings: webAuthnOn}))

	t.Run("rides along with another change, else a warning", func(t *testing.T) {
		p := build(t, d, l, Options{})
		requireNoErrors(t, p)
		if got := callSummary(p); len(got) != 1 || got[0] != "AdminSetUserMFAPreference@2(carol)" {
			t.Fatalf("calls = %v", got)
		}
		if p.Calls[0].UserRequest.WebAuthnMfaSettings == nil {
			t.Fatalf("WebAuthn did not ride along with carol's SMS change")
		}
		w := findDiag(p.Diagnostics, diag.Warning, "WebAuthnMfaSettings of 2 users cannot be verified: alice, bob")
		if w == nil || w.Path != "UserPools[0].Users" {
			t.Fatalf("warning = %+v in\n%s", w, diagText(p.Diagnostics))
		}
		if p.Pools[0].UsersInSync != 2 {
			t.Fatalf("UsersInSync = %d, want 2 (write-only settings are not a phantom diff)", p.Pools[0].UsersInSync)
		}
	})
	t.Run("--resend-write-only sends it", func(t *testing.T) {
		p := build(t, d, l, Options{ResendWriteOnly: true})
		requireNoErrors(t, p)
		if got := len(p.Calls); got != 3 {
			t.Fatalf("calls = %v", callSummary(p))
		}
		if req := p.Calls[0].UserRequest; req.WebAuthnMfaSettings == nil || req.SoftwareTokenMfaSettings != nil {
			t.Fatalf("alice's request = %s, want WebAuthn alone", mustJSON(t, req))
		}
		if findDiag(p.Diagnostics, diag.Warning, "cannot be verified") != nil {
			t.Fatalf("warning despite --resend-write-only")
		}
	})
}

func TestNamedUsersAreCapped(t *testing.T) {
	var declared []state.DesiredUser
	var lives []*state.LiveUser
	for i := range 13 {
		name := "user" + itoa(i)
		declared = append(declared, user(name, state.UserSettings{}))
		lives = append(lives, liveUser(name, state.UserSettings{}))
	}
	d := desiredPool(state.PoolConfig{MfaConfiguration: state.ModeOn}, declared...)
	p := build(t, d, live(state.PoolConfig{MfaConfiguration: state.ModeOptional, SoftwareTokenMfaConfiguration: totpOn()}, withUsers(lives...)), Options{})
	w := findDiag(p.Diagnostics, diag.Warning, "13 declared users have no MFA factor")
	if w == nil || !strings.HasSuffix(w.Summary, "user0, user1, user2, user3, user4, user5, user6, user7, user8, user9 and 3 more") {
		t.Fatalf("warning = %+v", w)
	}
}
