// Package plantest builds desired and live state, and loads the scenarios
// of fixtures/plans, for the tests of plan and of what renders plans.
package plantest

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/mfactl/mfactl/internal/diag"
	"github.com/mfactl/mfactl/internal/state"
	"github.com/mfactl/mfactl/schema"
)

// Builders for desired and live state in tests. Live state is built in the
// cognito package's normal form (every factor block present, {Enabled:
// false} when off), so every test also checks that this form makes no
// phantom diff against desired state that leaves blocks out.

const (
	PoolID    = "eu-west-1_AbCdEf123"
	Secret    = "s3cr3t-external-id" // must never appear in output
	NewSecret = "n3w-s3cr3t-external-id"
	RoleArn   = "arn:aws:iam::123456789012:role/cognito-sms"
)

func Str(s string) *string { return &s }

func Role(externalID string) *state.SmsConfiguration {
	return &state.SmsConfiguration{SnsCallerArn: RoleArn, ExternalId: externalID, SnsRegion: "eu-west-1"}
}

func SmsOn() *state.SmsMfaConfiguration {
	return &state.SmsMfaConfiguration{Enabled: true, SmsAuthenticationMessage: Str("Your code is {####}"), SmsConfiguration: Role(Secret)}
}

func TotpOn() *state.SoftwareTokenMfaConfiguration {
	return &state.SoftwareTokenMfaConfiguration{Enabled: true}
}

func EmailOn() *state.EmailMfaConfiguration {
	return &state.EmailMfaConfiguration{Enabled: true, Subject: Str("Your code")}
}

func Enabled() *state.FactorSettings { return &state.FactorSettings{Enabled: true} }
func Preferred() *state.FactorSettings {
	return &state.FactorSettings{Enabled: true, PreferredMfa: true}
}
func Disabled() *state.FactorSettings { return &state.FactorSettings{} }

// LivePoolConfig returns cfg as the cognito package reports it: every factor
// block present, off ones as {Enabled:false}.
func LivePoolConfig(cfg state.PoolConfig) state.PoolConfig {
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

type LiveOpt func(*state.LivePool)

func WithPrerequisites(p state.Prerequisites) LiveOpt {
	return func(lp *state.LivePool) { lp.Prerequisites = p }
}

func WithUsers(users ...*state.LiveUser) LiveOpt {
	return func(lp *state.LivePool) {
		for _, u := range users {
			lp.Users[u.Username] = u
		}
	}
}

func Essentials() state.Prerequisites {
	return state.Prerequisites{
		Tier: "ESSENTIALS", EmailSendingAccount: "DEVELOPER", SmsConfiguration: Role(Secret),
		RecoveryMechanisms: []string{"verified_email", "verified_phone_number"},
	}
}

func Live(cfg state.PoolConfig, opts ...LiveOpt) state.Live {
	lp := &state.LivePool{UserPoolId: PoolID, Exists: true, Config: LivePoolConfig(cfg), Prerequisites: Essentials(), Users: map[string]*state.LiveUser{}}
	for _, o := range opts {
		o(lp)
	}
	return state.Live{Pools: map[string]*state.LivePool{PoolID: lp}}
}

// LiveUser is an existing user with a phone number and an email, and the
// given factors on (in the cognito package's form).
func LiveUser(name string, s state.UserSettings) *state.LiveUser {
	if s.SMSMfaSettings == nil {
		s.SMSMfaSettings = Disabled()
	}
	if s.SoftwareTokenMfaSettings == nil {
		s.SoftwareTokenMfaSettings = Disabled()
	}
	if s.EmailMfaSettings == nil {
		s.EmailMfaSettings = Disabled()
	}
	return &state.LiveUser{Username: name, Exists: true, HasPhoneNumber: true, HasEmail: true, Settings: s}
}

func DesiredPool(cfg state.PoolConfig, users ...state.DesiredUser) state.Desired {
	fieldPos := map[string]state.Pos{}
	for i, f := range []string{"MfaConfiguration", "SoftwareTokenMfaConfiguration", "SmsMfaConfiguration", "EmailMfaConfiguration", "WebAuthnConfiguration"} {
		fieldPos[f] = state.Pos{File: "mfa.yaml", Line: 3 + i, Column: 5}
	}
	for i := range users {
		users[i].Pos = state.Pos{File: "mfa.yaml", Line: 20 + i, Column: 9}
		users[i].Path = "UserPools[0].Users[" + strconv.Itoa(i) + "]"
	}
	return state.Desired{Pools: []state.DesiredPool{{
		UserPoolId: PoolID, Config: cfg, Users: users,
		Pos: state.Pos{File: "mfa.yaml", Line: 2, Column: 5}, Path: "UserPools[0]", FieldPos: fieldPos,
	}}}
}

func User(name string, s state.UserSettings) state.DesiredUser {
	return state.DesiredUser{Username: name, Settings: s}
}

// Scenarios returns the scenario directories of fixtures/plans, relative to
// the repository root (the working directory of the caller).
func Scenarios(t *testing.T) []string {
	t.Helper()
	dirs, err := filepath.Glob("fixtures/plans/*")
	if err != nil {
		t.Fatal(err)
	}
	if len(dirs) < 5 {
		t.Fatalf("found %d scenarios in fixtures/plans, want at least 5", len(dirs))
	}
	return dirs
}

// Options are a scenario's plan options (options.yaml), in plan.Options'
// field names.
type Options struct {
	ResendWriteOnly bool
}

// LoadScenario loads a scenario: its desired-state files, live.yaml and
// options.yaml.
func LoadScenario(t *testing.T, dir string) (state.Desired, state.Live, Options) {
	t.Helper()
	d, opts := LoadScenarioDesired(t, dir)
	var l state.Live
	decodeYAMLAsJSON(t, filepath.Join(dir, "live.yaml"), &l)
	for id, lp := range l.Pools {
		lp.UserPoolId = id
		for name, u := range lp.Users {
			u.Username = name
		}
	}
	return d, l, opts
}

// LoadScenarioDesired loads a scenario's desired-state files (every YAML
// file but live.yaml, options.yaml and emulator.yaml) and its options.
func LoadScenarioDesired(t *testing.T, dir string) (state.Desired, Options) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	files = slices.DeleteFunc(files, func(f string) bool {
		switch filepath.Base(f) {
		case "live.yaml", "options.yaml", "emulator.yaml":
			return true
		}
		return false
	})
	d, diags := schema.Load(files, nil)
	if diags.HasErrors() {
		t.Fatalf("scenario files do not load:\n%s", DiagText(diags))
	}
	var opts Options
	if _, err := os.Stat(filepath.Join(dir, "options.yaml")); err == nil {
		decodeYAMLAsJSON(t, filepath.Join(dir, "options.yaml"), &opts)
	}
	return d, opts
}

// DiagText is diagnostics one per line, for test failures.
func DiagText(l diag.List) string {
	var b strings.Builder
	for _, d := range l {
		b.WriteString(d.String() + "\n")
	}
	return b.String()
}

// decodeYAMLAsJSON reads a YAML file into v through JSON, so that the
// state types' JSON field names apply, and rejects unknown fields.
func decodeYAMLAsJSON(t *testing.T, path string, v any) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var generic any
	if err := yaml.Unmarshal(data, &generic); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	js, err := json.Marshal(generic)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}
