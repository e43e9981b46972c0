package schema

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/mfactl/mfactl/internal/state"
)

const awscliFixtures = "../fixtures/awscli"

// declared is what a desired state says, without positions.
func declared(d state.Desired) string {
	var b strings.Builder
	for _, p := range d.Pools {
		b.WriteString(p.UserPoolId + " " + jsonOf(p.Config) + "\n")
		for _, u := range p.Users {
			b.WriteString("  " + u.Username + " " + jsonOf(u.Settings) + "\n")
		}
	}
	return b.String()
}

func TestAWSCLIInputsEqualTheirMfactlForm(t *testing.T) {
	for input, form := range map[string]string{
		"set-user-pool-mfa-config.yaml":      "set-user-pool-mfa-config.mfactl.yaml",
		"set-user-pool-mfa-config.json":      "set-user-pool-mfa-config.mfactl.yaml",
		"admin-set-user-mfa-preference.yaml": "admin-set-user-mfa-preference.mfactl.yaml",
	} {
		got, diags := Load([]string{filepath.Join(awscliFixtures, input)}, nil)
		if diags.HasErrors() {
			t.Fatalf("%s: %v", input, diags)
		}
		want, wantDiags := Load([]string{filepath.Join(awscliFixtures, form)}, nil)
		if len(wantDiags) > 0 {
			t.Fatalf("%s: %v", form, wantDiags)
		}
		if declared(got) != declared(want) {
			t.Errorf("%s reads as\n%s\nits mfactl form %s as\n%s", input, declared(got), form, declared(want))
		}
	}
}

func TestAWSCLIPoolInputIsAFullReplacement(t *testing.T) {
	d, diags := LoadBytes("cli.yaml", []byte("UserPoolId: eu-west-1_A\nSoftwareTokenMfaConfiguration: {Enabled: true}\nMfaConfiguration: ON\n"))
	if diags.HasErrors() || len(diags) != 1 {
		t.Fatalf("diagnostics: %v", diags)
	}
	w := diags[0]
	if w.Pos.Line != 1 || !strings.Contains(w.Summary, "declared off because absent: SmsMfaConfiguration, EmailMfaConfiguration") ||
		!strings.Contains(w.Detail, "WebAuthnConfiguration is absent and left as it is") {
		t.Errorf("warning: %v", w)
	}
	cfg := d.Pools[0].Config
	if cfg.SmsMfaConfiguration == nil || cfg.SmsMfaConfiguration.Enabled || cfg.EmailMfaConfiguration == nil || cfg.EmailMfaConfiguration.Enabled ||
		!cfg.SoftwareTokenMfaConfiguration.Enabled || cfg.WebAuthnConfiguration != nil || cfg.MfaConfiguration != state.ModeOn {
		t.Errorf("config: %s", jsonOf(cfg))
	}

	// An input with nothing but the pool turns MFA off, as Cognito would.
	d, _ = LoadBytes("off.json", []byte(`{"UserPoolId": "eu-west-1_A"}`))
	if got := d.Pools[0].Config.MfaConfiguration; got != state.ModeOff {
		t.Errorf("{UserPoolId} alone reads as %q, want OFF", got)
	}
}

func TestAWSCLIInputDiagnosticsPointIntoTheFileAsWritten(t *testing.T) {
	_, diags := LoadBytes("cli.yaml", []byte(`UserPoolId: eu-west-1_A
SmsMfaConfig: {}
MfaConfiguration: "OFF"
SoftwareTokenMfaConfiguration:
  Enabled: yes
SmsMfaConfiguration:
  SmsAuthenticationMessage: "no placeholder"
`))
	var got []string
	for _, d := range diags {
		if d.Severity == "error" {
			got = append(got, d.String())
		}
	}
	want := []string{
		"cli.yaml:2:1: error: UserPools[0].SmsMfaConfig: unknown field SmsMfaConfig",
		"cli.yaml:5:12: error: UserPools[0].SoftwareTokenMfaConfiguration.Enabled: Enabled must be true or false",
		"cli.yaml:7:29: error: UserPools[0].SmsMfaConfiguration.SmsAuthenticationMessage: SmsAuthenticationMessage has no {####} placeholder",
	}
	if len(got) < len(want) {
		t.Fatalf("diagnostics:\n%s", strings.Join(got, "\n"))
	}
	for i, w := range want {
		if !strings.HasPrefix(got[i], w) {
			t.Errorf("diagnostic %d:\n got %s\nwant %s...", i, got[i], w)
		}
	}
}

func TestAWSCLIUserInputLeavesOtherBlocksUnmanaged(t *testing.T) {
	d, diags := LoadBytes("user.yaml", []byte("UserPoolId: eu-west-1_A\nUsername: bob\nEmailMfaSettings: {Enabled: true, PreferredMfa: true}\n"))
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	p := d.Pools[0]
	if !reflect.DeepEqual(p.Config, state.PoolConfig{}) || len(p.Users) != 1 || p.Users[0].Username != "bob" ||
		p.Users[0].Settings.SMSMfaSettings != nil || !p.Users[0].Settings.EmailMfaSettings.PreferredMfa || p.Users[0].Pos.Line != 1 {
		t.Errorf("desired: %+v", p)
	}
}
