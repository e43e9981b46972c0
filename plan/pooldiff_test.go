package plan

import (
	"strings"
	"testing"

	"github.com/mfactl/mfactl/internal/state"
)

func ptr(s string) *string { return &s }

// The pool diff shows what changes, field by field, in the factor table's
// order; the SMS role is kept when SMS goes off, and a secret reused from
// live is no change.
func TestPoolDiff(t *testing.T) {
	role := &state.SmsConfiguration{SnsCallerArn: "arn:aws:iam::1:role/sms", ExternalId: string(SecretFromLive), SnsRegion: "eu-west-1"}
	live := state.PoolConfig{MfaConfiguration: state.ModeOptional,
		SmsMfaConfiguration:           &state.SmsMfaConfiguration{Enabled: true, SmsAuthenticationMessage: ptr("Code {####}"), SmsConfiguration: role},
		SoftwareTokenMfaConfiguration: &state.SoftwareTokenMfaConfiguration{Enabled: false}}
	for _, c := range []struct {
		name    string
		desired state.PoolConfig
		want    string
		kept    bool
	}{
		{"SMS off keeps the role", state.PoolConfig{MfaConfiguration: state.ModeOn, SoftwareTokenMfaConfiguration: &state.SoftwareTokenMfaConfiguration{Enabled: true}},
			`MfaConfiguration OPTIONAL->ON; SmsMfaConfiguration.Enabled true->false; SmsMfaConfiguration.SmsAuthenticationMessage Code {####}-><nil>; SoftwareTokenMfaConfiguration.Enabled false->true`, true},
		{"the secret reused from live is no change", state.PoolConfig{MfaConfiguration: state.ModeOptional,
			SmsMfaConfiguration:           &state.SmsMfaConfiguration{Enabled: true, SmsAuthenticationMessage: ptr("New {####}"), SmsConfiguration: role},
			SoftwareTokenMfaConfiguration: &state.SoftwareTokenMfaConfiguration{}, WebAuthnConfiguration: &state.WebAuthnConfiguration{RelyingPartyId: ptr("example.com")}},
			`SmsMfaConfiguration.SmsAuthenticationMessage Code {####}->New {####}; WebAuthnConfiguration.RelyingPartyId <nil>->example.com`, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			desired := c.desired
			d := PoolChange{Live: &live, Desired: &desired}.Diff()
			var got []string
			for _, f := range d.Fields {
				got = append(got, f.Field+" "+show(f.From)+"->"+show(f.To))
			}
			if strings.Join(got, "; ") != c.want {
				t.Errorf("diff\n  %s\nwant\n  %s", strings.Join(got, "; "), c.want)
			}
			if kept := len(d.Kept) == 1 && d.Kept[0] == state.SMS; kept != c.kept {
				t.Errorf("Kept = %v; want SMS kept: %v", d.Kept, c.kept)
			}
		})
	}
	if d := (PoolChange{Live: &live}).Diff(); len(d.Fields) != 0 {
		t.Errorf("a pool in sync has a diff: %v", d.Fields)
	}
}

func show(v any) string {
	switch v := v.(type) {
	case nil:
		return "<nil>"
	case bool:
		if v {
			return "true"
		}
		return "false"
	case string:
		return v
	}
	return "?"
}

// Every setting of every factor's pool block is a field of the diff: a
// factor added to the table without its fields would hide changes.
func TestEveryPoolSettingIsDiffed(t *testing.T) {
	for _, f := range state.Factors {
		names := map[string]bool{}
		for _, field := range f.PoolFields {
			names[strings.SplitN(field.Name, ".", 2)[0]] = true
		}
		if f.AnswersChallenge && !names["Enabled"] {
			t.Errorf("%s: no Enabled field in PoolFields", f)
		}
		for _, setting := range f.PoolSettings {
			if !names[setting] {
				t.Errorf("%s: pool setting %s is not in PoolFields, so a plan's diff would not show it", f, setting)
			}
		}
	}
}
