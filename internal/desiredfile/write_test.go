package desiredfile

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/mfactl/mfactl/internal/state"
	"github.com/mfactl/mfactl/schema"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func ptr[T any](v T) *T { return &v }

var importedAt = time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)

// goldenPools cover every shape Writer handles: every factor on, every
// factor off, OFF, passkeys, a multi-line email body, and users whose state
// is known, empty or unknown.
func goldenPools() []*state.LivePool {
	on := &state.FactorSettings{Enabled: true}
	preferred := &state.FactorSettings{Enabled: true, PreferredMfa: true}
	off := &state.FactorSettings{}
	full := &state.LivePool{UserPoolId: "eu-west-1_Full1", Exists: true, Config: state.PoolConfig{
		MfaConfiguration: state.ModeOptional,
		SmsMfaConfiguration: &state.SmsMfaConfiguration{Enabled: true, SmsAuthenticationMessage: ptr("Your code: {####}"),
			SmsConfiguration: &state.SmsConfiguration{SnsCallerArn: "arn:aws:iam::123456789012:role/sms", ExternalId: "SECRET-ext-42", SnsRegion: "eu-west-1"}},
		SoftwareTokenMfaConfiguration: &state.SoftwareTokenMfaConfiguration{Enabled: true},
		EmailMfaConfiguration:         &state.EmailMfaConfiguration{Enabled: true, Message: ptr("Hello,\n\nyour code is {####}.\n"), Subject: ptr("Your code")},
		WebAuthnConfiguration:         &state.WebAuthnConfiguration{RelyingPartyId: ptr("auth.example.com"), FactorConfiguration: ptr(state.MultiFactorWithUserVerification)},
	}}
	off1 := &state.LivePool{UserPoolId: "us-east-1_Off1", Exists: true, Config: state.PoolConfig{MfaConfiguration: state.ModeOff,
		SmsMfaConfiguration: &state.SmsMfaConfiguration{}, SoftwareTokenMfaConfiguration: &state.SoftwareTokenMfaConfiguration{}, EmailMfaConfiguration: &state.EmailMfaConfiguration{}}}
	full.Users = map[string]*state.LiveUser{
		"alice": {Username: "alice", Exists: true, Settings: state.UserSettings{SMSMfaSettings: on, SoftwareTokenMfaSettings: preferred, EmailMfaSettings: off}},
		"007":   {Username: "007", Exists: true, Settings: state.UserSettings{SMSMfaSettings: off, SoftwareTokenMfaSettings: off, EmailMfaSettings: off}},
		"legacy": {Username: "legacy", Exists: true, LegacySMS: true, Settings: state.UserSettings{SMSMfaSettings: on},
			Unknown: "the user has legacy MFAOptions (AdminSetUserSettings), which UserMFASettingList does not reflect"},
	}
	// Cognito accepts ON with an empty TOTP block (conformance
	// pool/on-with-disabled-totp-block-is-accepted); mfactl refuses to declare it.
	onNone := &state.LivePool{UserPoolId: "eu-west-1_OnNone1", Exists: true, Config: state.PoolConfig{MfaConfiguration: state.ModeOn,
		SmsMfaConfiguration: &state.SmsMfaConfiguration{}, SoftwareTokenMfaConfiguration: &state.SoftwareTokenMfaConfiguration{}, EmailMfaConfiguration: &state.EmailMfaConfiguration{}}}
	// Threat protection with risk actions for the pool and one app client;
	// and the same pool where they could not be read.
	risk := func(high string) *state.RiskConfiguration {
		return &state.RiskConfiguration{AccountTakeoverRiskConfiguration: &state.AccountTakeoverRiskConfiguration{
			Actions: state.AccountTakeoverActions{HighAction: &state.AccountTakeoverAction{EventAction: high}}}}
	}
	plus := &state.LivePool{UserPoolId: "eu-west-1_Plus1", Exists: true, Config: off1.Config, Posture: state.Posture{
		UserPoolTier: "PLUS", UserPoolAddOns: &state.UserPoolAddOns{AdvancedSecurityMode: state.ThreatProtectionEnforced},
		RiskConfiguration: risk("MFA_REQUIRED"),
		AppClients:        []state.AppClientPosture{{ClientId: "1example23456789", RiskConfiguration: risk("BLOCK"), Exists: true}},
	}}
	unread := &state.LivePool{UserPoolId: "eu-west-1_Plus2", Exists: true, Config: off1.Config, Posture: state.Posture{
		UserPoolTier: "PLUS", UserPoolAddOns: &state.UserPoolAddOns{AdvancedSecurityMode: state.ThreatProtectionAudit}},
		RiskUnread:    "DescribeRiskConfiguration pool eu-west-1_Plus2: AccessDeniedException",
		ClientsUnread: "ListUserPoolClients pool eu-west-1_Plus2: AccessDeniedException",
	}
	return []*state.LivePool{full, off1, onNone, plus, unread}
}

func TestImportGolden(t *testing.T) {
	var buf bytes.Buffer
	pools := goldenPools()
	w := NewWriter(&buf, ImportHeader(importedAt, "alice,007,legacy")([]string{pools[0].UserPoolId, pools[1].UserPoolId}))
	w.Pool(pools[0])
	u := pools[0].Users
	w.Users([]*state.LiveUser{u["alice"], u["007"]})
	w.Users([]*state.LiveUser{u["legacy"]})
	w.Pool(pools[1])
	w.Users(nil)
	w.Pool(pools[2])
	w.Pool(pools[3])
	w.Pool(pools[4])
	if err := w.Err(); err != nil {
		t.Fatal(err)
	}
	got := buf.String()
	checkGolden(t, "import.golden", got)
	if strings.Contains(got, "SECRET") {
		t.Fatal("the ExternalId was written")
	}
	mustBeCleanlyValid(t, got)
}

func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/desiredfile -update)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs (go test ./internal/desiredfile -update to accept)\n--- got\n%s--- want\n%s", name, got, want)
	}
}

// mustBeCleanlyValid loads text as mfactl does: no error, no warning.
func mustBeCleanlyValid(t *testing.T, text string) state.Desired {
	t.Helper()
	d, diags := schema.LoadBytes("out.yaml", []byte(text))
	if len(diags) > 0 {
		t.Fatalf("written file does not validate cleanly:\n%v\n%s", diags, text)
	}
	return d
}

func TestImportedFileReadsBackAsLive(t *testing.T) {
	var buf bytes.Buffer
	pools := goldenPools()
	w := NewWriter(&buf, nil)
	w.Pool(pools[0])
	w.Users([]*state.LiveUser{pools[0].Users["alice"], pools[0].Users["legacy"]})
	d := mustBeCleanlyValid(t, buf.String())
	cfg := d.Pools[0].Config
	if cfg.SmsMfaConfiguration.SmsConfiguration.ExternalId != "" || cfg.SmsMfaConfiguration.SmsConfiguration.SnsCallerArn != "arn:aws:iam::123456789012:role/sms" {
		t.Errorf("SMS role read back as %+v", cfg.SmsMfaConfiguration.SmsConfiguration)
	}
	if *cfg.EmailMfaConfiguration.Message != "Hello,\n\nyour code is {####}.\n" {
		t.Errorf("email message read back as %q", *cfg.EmailMfaConfiguration.Message)
	}
	alice, legacy := d.Pools[0].Users[0].Settings, d.Pools[0].Users[1].Settings
	if !alice.SoftwareTokenMfaSettings.PreferredMfa || !alice.SMSMfaSettings.Enabled || alice.EmailMfaSettings != nil || alice.WebAuthnMfaSettings != nil {
		t.Errorf("alice read back as %+v", alice)
	}
	if legacy != (state.UserSettings{}) {
		t.Errorf("a user of unknown state got guessed blocks: %+v", legacy)
	}
}

func TestScalarReadsBackAsTheSameString(t *testing.T) {
	for _, s := range []string{"007", "true", "yes", "OFF", "on", "null", "~", "a: b", "#x", "- x", "line\nbreak", "  lead", "trail ", "{####}", "", "ünïcödé", `quo"te`, "1e3", "2024-01-01"} {
		doc := "v: " + scalar(s) + "\n"
		var got map[string]any
		if err := yamlUnmarshal([]byte(doc), &got); err != nil {
			t.Errorf("%q → %s: %v", s, doc, err)
			continue
		}
		if got["v"] != s {
			t.Errorf("%q → %s reads back as %#v", s, doc, got["v"])
		}
	}
}

func yamlUnmarshal(data []byte, v any) error { return yaml.Unmarshal(data, v) }
