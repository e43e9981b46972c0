package plan

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/mfactl/mfactl/internal/diag"
	"github.com/mfactl/mfactl/internal/rules"
	"github.com/mfactl/mfactl/internal/state"
)

// Builders for desired and live state in tests. Live state is built in the
// cognito package's normal form (every factor block present, {Enabled:
// false} when off), so every test also checks that this form makes no
// phantom diff against desired state that leaves blocks out.

const (
	poolID    = "eu-west-1_AbCdEf123"
	secret    = "s3cr3t-external-id" // must never appear in output
	newSecret = "n3w-s3cr3t-external-id"
	roleArn   = "arn:aws:iam::123456789012:role/cognito-sms"
)

func str(s string) *string { return &s }

func role(externalID string) *state.SmsConfiguration {
	return &state.SmsConfiguration{SnsCallerArn: roleArn, ExternalId: externalID, SnsRegion: "eu-west-1"}
}

func smsOn() *state.SmsMfaConfiguration {
	return &state.SmsMfaConfiguration{Enabled: true, SmsAuthenticationMessage: str("Your code is {####}"), SmsConfiguration: role(secret)}
}

func totpOn() *state.SoftwareTokenMfaConfiguration {
	return &state.SoftwareTokenMfaConfiguration{Enabled: true}
}

func emailOn() *state.EmailMfaConfiguration {
	return &state.EmailMfaConfiguration{Enabled: true, Subject: str("Your code")}
}

func enabled() *state.FactorSettings { return &state.FactorSettings{Enabled: true} }
func preferred() *state.FactorSettings {
	return &state.FactorSettings{Enabled: true, PreferredMfa: true}
}
func disabled() *state.FactorSettings { return &state.FactorSettings{} }

// livePoolConfig returns cfg as the cognito package reports it: every factor
// block present, off ones as {Enabled:false}.
func livePoolConfig(cfg state.PoolConfig) state.PoolConfig {
	if cfg.SmsMfaConfiguration == nil {
		cfg.SmsMfaConfiguration = &state.SmsMfaConfiguration{}
	}
	if cfg.SoftwareTokenMfaConfiguration == nil {
		cfg.SoftwareTokenMfaConfiguration = &state.SoftwareTokenMfaConfiguration{}
	}
	if cfg.EmailMfaConfiguration == nil {
		cfg.EmailMfaConfiguration = &state.EmailMfaConfiguration{}
	}
	return cfg
}

type liveOpt func(*state.LivePool)

func withPrerequisites(p state.Prerequisites) liveOpt {
	return func(lp *state.LivePool) { lp.Prerequisites = p }
}

func withUsers(users ...*state.LiveUser) liveOpt {
	return func(lp *state.LivePool) {
		for _, u := range users {
			lp.Users[u.Username] = u
		}
	}
}

func essentials() state.Prerequisites {
	return state.Prerequisites{
		Tier: "ESSENTIALS", EmailSendingAccount: "DEVELOPER", SmsConfiguration: role(secret),
		RecoveryMechanisms: []string{"verified_email", "verified_phone_number"},
	}
}

func live(cfg state.PoolConfig, opts ...liveOpt) state.Live {
	lp := &state.LivePool{UserPoolId: poolID, Exists: true, Config: livePoolConfig(cfg), Prerequisites: essentials(), Users: map[string]*state.LiveUser{}}
	for _, o := range opts {
		o(lp)
	}
	return state.Live{Pools: map[string]*state.LivePool{poolID: lp}}
}

// liveUser is an existing user with a phone number and an email, and the
// given factors on (in the cognito package's form).
func liveUser(name string, s state.UserSettings) *state.LiveUser {
	if s.SMSMfaSettings == nil {
		s.SMSMfaSettings = disabled()
	}
	if s.SoftwareTokenMfaSettings == nil {
		s.SoftwareTokenMfaSettings = disabled()
	}
	if s.EmailMfaSettings == nil {
		s.EmailMfaSettings = disabled()
	}
	return &state.LiveUser{Username: name, Exists: true, HasPhoneNumber: true, HasEmail: true, Settings: s}
}

func desiredPool(cfg state.PoolConfig, users ...state.DesiredUser) state.Desired {
	fieldPos := map[string]state.Pos{}
	for i, f := range []string{"MfaConfiguration", "SoftwareTokenMfaConfiguration", "SmsMfaConfiguration", "EmailMfaConfiguration", "WebAuthnConfiguration"} {
		fieldPos[f] = state.Pos{File: "mfa.yaml", Line: 3 + i, Column: 5}
	}
	for i := range users {
		users[i].Pos = state.Pos{File: "mfa.yaml", Line: 20 + i, Column: 9}
		users[i].Path = "UserPools[0].Users[" + itoa(i) + "]"
	}
	return state.Desired{Pools: []state.DesiredPool{{
		UserPoolId: poolID, Config: cfg, Users: users,
		Pos: state.Pos{File: "mfa.yaml", Line: 2, Column: 5}, Path: "UserPools[0]", FieldPos: fieldPos,
	}}}
}

func user(name string, s state.UserSettings) state.DesiredUser {
	return state.DesiredUser{Username: name, Settings: s}
}

func itoa(i int) string { return strconv.Itoa(i) }

// build runs Build and checks the guarantees every plan must keep,
// whatever the scenario.
func build(t *testing.T, d state.Desired, l state.Live, opts Options) *Plan {
	t.Helper()
	p := Build(d, l, opts)
	checkInvariants(t, p)
	return p
}

func checkInvariants(t *testing.T, p *Plan) {
	t.Helper()
	if p.Diagnostics.HasErrors() && (len(p.Calls) > 0 || len(p.Pools) > 0) {
		t.Fatalf("a plan with errors has calls or changes: %+v", p)
	}
	lastStage := map[string]int{}
	for i, c := range p.Calls {
		if (c.PoolRequest == nil) == (c.UserRequest == nil) {
			t.Fatalf("call %d: exactly one request must be set: %+v", i+1, c)
		}
		if c.Stage < lastStage[c.UserPoolId] {
			t.Fatalf("call %d: stages out of order", i+1)
		}
		lastStage[c.UserPoolId] = c.Stage
		if c.PoolRequest != nil {
			if err := rules.PoolRequest(*c.PoolRequest); err != nil {
				t.Fatalf("call %d: invalid pool request: %v", i+1, err)
			}
			r := c.PoolRequest
			if r.MfaConfiguration == state.ModeOff && (r.SmsMfaConfiguration != nil || r.SoftwareTokenMfaConfiguration != nil || r.EmailMfaConfiguration != nil) {
				t.Fatalf("call %d: OFF with a factor block", i+1)
			}
		}
		if c.UserRequest != nil && *c.UserRequest == (state.UserSettings{}) {
			t.Fatalf("call %d: empty user request", i+1)
		}
	}
	for _, out := range renderAll(t, p) {
		if strings.Contains(out, secret) || strings.Contains(out, newSecret) {
			t.Fatalf("a secret reached the output:\n%s", out)
		}
	}
}

// renderAll returns every form of output a plan has.
func renderAll(t *testing.T, p *Plan) []string {
	t.Helper()
	var text, js, saved bytes.Buffer
	if err := RenderText(&text, p, Plain); err != nil {
		t.Fatal(err)
	}
	if err := RenderJSON(&js, p); err != nil {
		t.Fatal(err)
	}
	out := []string{text.String(), js.String()}
	if !p.Diagnostics.HasErrors() {
		if err := Save(&saved, p); err != nil {
			t.Fatal(err)
		}
		out = append(out, saved.String())
	}
	return out
}

// callSummary describes calls compactly: "SetUserPoolMfaConfig@1(OPTIONAL)",
// "AdminSetUserMFAPreference@2(alice)".
func callSummary(p *Plan) []string {
	var out []string
	for _, c := range p.Calls {
		if c.PoolRequest != nil {
			out = append(out, string(c.Operation)+"@"+itoa(c.Stage)+"("+string(c.PoolRequest.MfaConfiguration)+")")
		} else {
			out = append(out, string(c.Operation)+"@"+itoa(c.Stage)+"("+c.Username+")")
		}
	}
	return out
}

func requireNoErrors(t *testing.T, p *Plan) {
	t.Helper()
	if p.Diagnostics.HasErrors() {
		t.Fatalf("unexpected errors:\n%s", diagText(p.Diagnostics))
	}
}

func diagText(l diag.List) string {
	var b strings.Builder
	for _, d := range l {
		b.WriteString(d.String())
		b.WriteByte('\n')
	}
	return b.String()
}

// findDiag returns the first diagnostic of severity sev whose summary
// contains substr.
func findDiag(l diag.List, sev diag.Severity, substr string) *diag.Diagnostic {
	for i := range l {
		if l[i].Severity == sev && strings.Contains(l[i].Summary, substr) {
			return &l[i]
		}
	}
	return nil
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
