package plan

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/mfactl/mfactl/internal/state"
)

func TestCallJSONIsTheAPIRequest(t *testing.T) {
	pool := Call{
		Operation: SetUserPoolMfaConfig, UserPoolId: poolID, Stage: StageWidenPool, Reason: "enable SMS",
		PoolRequest: &state.PoolConfig{
			MfaConfiguration:              state.ModeOptional,
			SmsMfaConfiguration:           smsOn(),
			SoftwareTokenMfaConfiguration: totpOn(),
			EmailMfaConfiguration:         &state.EmailMfaConfiguration{Enabled: true},
			WebAuthnConfiguration:         &state.WebAuthnConfiguration{RelyingPartyId: str("auth.example.com")},
		},
		ExternalIdSource: SecretFromLive,
	}
	user := Call{
		Operation: AdminSetUserMFAPreference, UserPoolId: poolID, Username: "alice", Stage: StageUsers,
		UserRequest: &state.UserSettings{SMSMfaSettings: disabled(), SoftwareTokenMfaSettings: preferred()},
	}
	tests := []struct {
		call Call
		want string
	}{
		{pool, `{"Operation":"SetUserPoolMfaConfig","UserPoolId":"eu-west-1_AbCdEf123","Stage":1,"Reason":"enable SMS","Request":` +
			`{"UserPoolId":"eu-west-1_AbCdEf123","MfaConfiguration":"OPTIONAL",` +
			`"SmsMfaConfiguration":{"SmsAuthenticationMessage":"Your code is {####}","SmsConfiguration":{"SnsCallerArn":"arn:aws:iam::123456789012:role/cognito-sms","ExternalId":"(sensitive: unchanged)","SnsRegion":"eu-west-1"}},` +
			`"SoftwareTokenMfaConfiguration":{"Enabled":true},"EmailMfaConfiguration":{},"WebAuthnConfiguration":{"RelyingPartyId":"auth.example.com"}}}`},
		{user, `{"Operation":"AdminSetUserMFAPreference","UserPoolId":"eu-west-1_AbCdEf123","Username":"alice","Stage":2,"Request":` +
			`{"UserPoolId":"eu-west-1_AbCdEf123","Username":"alice","SMSMfaSettings":{"Enabled":false,"PreferredMfa":false},"SoftwareTokenMfaSettings":{"Enabled":true,"PreferredMfa":true}}}`},
	}
	for _, tt := range tests {
		t.Run(string(tt.call.Operation), func(t *testing.T) {
			got, err := json.Marshal(tt.call)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Fatalf("JSON:\n got %s\nwant %s", got, tt.want)
			}
			var back Call
			if err := json.Unmarshal(got, &back); err != nil {
				t.Fatal(err)
			}
			want := tt.call
			if want.PoolRequest != nil {
				// The secret comes back as its source, never as a value.
				req := copyPool(*want.PoolRequest)
				setExternalID(&req, "")
				want.PoolRequest = &req
			}
			if !reflect.DeepEqual(back, want) {
				t.Fatalf("round trip:\n got %+v\nwant %+v", back, want)
			}
		})
	}
}

func TestCallUnmarshalRefuses(t *testing.T) {
	tests := []struct{ name, json, want string }{
		{"a secret value", `{"Operation":"SetUserPoolMfaConfig","UserPoolId":"eu-west-1_A1","Stage":1,"Request":{"UserPoolId":"eu-west-1_A1","MfaConfiguration":"OPTIONAL","SmsMfaConfiguration":{"SmsConfiguration":{"SnsCallerArn":"arn","ExternalId":"hunter2"}}}}`, "plan files never carry secrets"},
		{"an unknown operation", `{"Operation":"DeleteUserPool","UserPoolId":"eu-west-1_A1","Stage":1,"Request":{}}`, `unknown operation "DeleteUserPool"`},
		{"no request", `{"Operation":"SetUserPoolMfaConfig","UserPoolId":"eu-west-1_A1","Stage":1}`, "has no Request"},
		{"a request for another pool", `{"Operation":"SetUserPoolMfaConfig","UserPoolId":"eu-west-1_A1","Stage":1,"Request":{"UserPoolId":"eu-west-1_B2","MfaConfiguration":"OFF"}}`, "has a request for eu-west-1_B2"},
		{"a request for another user", `{"Operation":"AdminSetUserMFAPreference","UserPoolId":"eu-west-1_A1","Username":"alice","Stage":2,"Request":{"UserPoolId":"eu-west-1_A1","Username":"mallory","SMSMfaSettings":{"Enabled":true}}}`, `request for user "mallory"`},
		{"an unknown request field", `{"Operation":"AdminSetUserMFAPreference","UserPoolId":"eu-west-1_A1","Username":"alice","Stage":2,"Request":{"UserPoolId":"eu-west-1_A1","Username":"alice","PhoneMfaSettings":{"Enabled":true}}}`, `unknown field "PhoneMfaSettings"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c Call
			err := json.Unmarshal([]byte(tt.json), &c)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

// savedPlan returns a plan with a new secret (from files) and the saved
// form of it.
func savedPlan(t *testing.T) (*Plan, state.Desired, state.Live, []byte) {
	t.Helper()
	l := live(state.PoolConfig{MfaConfiguration: state.ModeOff}, withUsers(liveUser("alice", state.UserSettings{})))
	sms := smsOn()
	sms.SmsConfiguration.ExternalId = newSecret
	d := desiredPool(state.PoolConfig{MfaConfiguration: state.ModeOn, SmsMfaConfiguration: sms}, user("alice", state.UserSettings{SMSMfaSettings: preferred()}))
	p := build(t, d, l, Options{})
	requireNoErrors(t, p)
	var b bytes.Buffer
	if err := Save(&b, p); err != nil {
		t.Fatal(err)
	}
	return p, d, l, b.Bytes()
}

func TestSaveAndLoad(t *testing.T) {
	p, d, l, saved := savedPlan(t)
	if bytes.Contains(saved, []byte(newSecret)) || !bytes.Contains(saved, []byte(SecretFromFiles)) {
		t.Fatalf("the plan file holds the secret, or no marker for it:\n%s", saved)
	}
	loaded, err := Load(bytes.NewReader(saved))
	if err != nil {
		t.Fatal(err)
	}
	if len(loaded.Targets) != len(p.Targets) || len(loaded.Calls) != len(p.Calls) {
		t.Fatalf("loaded plan differs: %+v", loaded)
	}
	if got := externalID(loaded.Targets[0].DesiredConfig); got != "" {
		t.Fatalf("a loaded target holds ExternalId %q before ResolveSecrets", got)
	}
	if got := externalID(loaded.Calls[0].PoolRequest); got != "" {
		t.Fatalf("a loaded call holds ExternalId %q before ResolveSecrets", got)
	}

	t.Run("secrets from the same files", func(t *testing.T) {
		loaded, _ := Load(bytes.NewReader(saved))
		if err := ResolveSecrets(loaded, l, &d); err != nil {
			t.Fatal(err)
		}
		for i := range loaded.Calls {
			if !reflect.DeepEqual(loaded.Calls[i], p.Calls[i]) {
				t.Fatalf("call %d after ResolveSecrets:\n got %+v\nwant %+v", i+1, loaded.Calls[i], p.Calls[i])
			}
		}
		if !reflect.DeepEqual(loaded.Targets, p.Targets) {
			t.Fatalf("targets after ResolveSecrets:\n got %+v\nwant %+v", loaded.Targets, p.Targets)
		}
	})
	t.Run("secrets need the files", func(t *testing.T) {
		loaded, _ := Load(bytes.NewReader(saved))
		err := ResolveSecrets(loaded, l, nil)
		if err == nil || !strings.Contains(err.Error(), "pass the same -f files") {
			t.Fatalf("error = %v", err)
		}
	})
	t.Run("secrets from live", func(t *testing.T) {
		l := live(state.PoolConfig{MfaConfiguration: state.ModeOptional, SmsMfaConfiguration: smsOn()})
		p := build(t, desiredPool(state.PoolConfig{MfaConfiguration: state.ModeOn}), l, Options{})
		var b bytes.Buffer
		if err := Save(&b, p); err != nil {
			t.Fatal(err)
		}
		saved := b.Bytes()
		loaded, err := Load(bytes.NewReader(saved))
		if err != nil {
			t.Fatal(err)
		}
		if err := ResolveSecrets(loaded, l, nil); err != nil {
			t.Fatal(err)
		}
		if got := externalID(loaded.Calls[0].PoolRequest); got != secret {
			t.Fatalf("ExternalId not resolved from live")
		}
		gone := live(state.PoolConfig{MfaConfiguration: state.ModeOptional, SoftwareTokenMfaConfiguration: totpOn()}, withPrerequisites(state.Prerequisites{}))
		loaded, _ = Load(bytes.NewReader(saved))
		if err := ResolveSecrets(loaded, gone, nil); err == nil || !strings.Contains(err.Error(), "the live pool has none") {
			t.Fatalf("error = %v", err)
		}
	})
}

func TestLoadRefuses(t *testing.T) {
	_, _, _, saved := savedPlan(t)
	edit := func(change func(m map[string]any)) string {
		var m map[string]any
		if err := json.Unmarshal(saved, &m); err != nil {
			t.Fatal(err)
		}
		change(m)
		b, _ := json.Marshal(m)
		return string(b)
	}
	calls := func(m map[string]any) []any { return m["Calls"].([]any) }
	call := func(m map[string]any, i int) map[string]any { return calls(m)[i].(map[string]any) }
	tests := []struct{ name, file, want string }{
		{"not JSON", "Plan: 1 call", "not a valid plan file (corrupt or truncated?)"},
		{"truncated", string(saved[:len(saved)/2]), "corrupt or truncated"},
		{"not a plan", `{"Pools": []}`, "no FormatVersion"},
		{"another major version", edit(func(m map[string]any) { m["FormatVersion"] = "2.0" }), "format version 2.0, and this mfactl reads 1.x"},
		{"a wrong type", edit(func(m map[string]any) { m["Calls"] = "all of them" }), "corrupt plan file"},
		{"a call outside the targets", edit(func(m map[string]any) { m["Targets"] = []any{} }), "not among the targets"},
		{"a target without fingerprint", edit(func(m map[string]any) { m["Targets"].([]any)[0].(map[string]any)["Fingerprint"] = "" }), "has no fingerprint"},
		{"a pool call in the user stage", edit(func(m map[string]any) { call(m, 0)["Stage"] = 2 }), "SetUserPoolMfaConfig in stage 2"},
		{"stages out of order", edit(func(m map[string]any) {
			c := calls(m)
			c[0], c[len(c)-1] = c[len(c)-1], c[0]
		}), "comes after stage 3 of the same pool"},
		{"OFF with a factor", edit(func(m map[string]any) {
			call(m, 0)["Request"].(map[string]any)["MfaConfiguration"] = "OFF"
		}), "MfaConfiguration OFF with an SMS, TOTP or email block"},
		{"a secret in place of the marker", edit(func(m map[string]any) {
			req := call(m, 0)["Request"].(map[string]any)
			req["SmsMfaConfiguration"].(map[string]any)["SmsConfiguration"].(map[string]any)["ExternalId"] = "hunter2"
		}), "never carry secrets"},
		{"a secret in a target's declared state", edit(func(m map[string]any) {
			cfg := m["Targets"].([]any)[0].(map[string]any)["DesiredConfig"].(map[string]any)
			cfg["SmsMfaConfiguration"].(map[string]any)["SmsConfiguration"].(map[string]any)["ExternalId"] = "hunter2"
		}), "never carry secrets"},
		{"a pool target without its declared state", edit(func(m map[string]any) {
			delete(m["Targets"].([]any)[0].(map[string]any), "DesiredConfig")
		}), "does not record what the files declare"},
		{"a user target without its declared state", edit(func(m map[string]any) {
			delete(m["Targets"].([]any)[1].(map[string]any), "DesiredSettings")
		}), "does not record what the files declare"},
		{"a failed plan", edit(func(m map[string]any) {
			m["Diagnostics"] = []any{map[string]any{"Severity": "error", "Summary": "x"}}
		}), "failed its checks"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(strings.NewReader(tt.file))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestLoadAcceptsNewerMinorVersion(t *testing.T) {
	_, _, _, saved := savedPlan(t)
	newer := strings.Replace(string(saved), `"FormatVersion": "`+FormatVersion+`"`, `"FormatVersion": "1.99"`, 1)
	if newer == string(saved) {
		t.Fatal("FormatVersion not found in the saved plan")
	}
	if _, err := Load(strings.NewReader(newer)); err != nil {
		t.Fatal(err)
	}
}

// Plan files of 1.1 (before Calls[].Uncertain) still load: the key is optional.
func TestLoadAcceptsOlderMinorVersion(t *testing.T) {
	_, _, _, saved := savedPlan(t)
	older := strings.Replace(string(saved), `"FormatVersion": "`+FormatVersion+`"`, `"FormatVersion": "1.1"`, 1)
	if older == string(saved) || strings.Contains(older, `"Uncertain"`) {
		t.Fatal("the saved plan is not a 1.1 plan once its version is changed")
	}
	p, err := Load(strings.NewReader(older))
	if err != nil {
		t.Fatal(err)
	}
	if p.FormatVersion != "1.1" || p.UncertainCalls() != 0 {
		t.Fatalf("loaded %s with %d uncertain calls", p.FormatVersion, p.UncertainCalls())
	}
}

func TestSaveRefusesFailedPlan(t *testing.T) {
	p := build(t, desiredPool(state.PoolConfig{MfaConfiguration: state.ModeOn}), state.Live{}, Options{})
	if err := Save(&bytes.Buffer{}, p); err == nil {
		t.Fatal("Save accepted a plan with errors")
	}
}

func TestWriteJSONShape(t *testing.T) {
	p, _, _, _ := savedPlan(t)
	var b bytes.Buffer
	if err := WriteJSON(&b, p); err != nil {
		t.Fatal(err)
	}
	var out map[string]json.RawMessage
	if err := json.Unmarshal(b.Bytes(), &out); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"FormatVersion", "Pools", "Diagnostics", "Calls"} {
		if _, ok := out[key]; !ok {
			t.Errorf("WriteJSON has no %s", key)
		}
	}
	if _, ok := out["Targets"]; ok {
		t.Errorf("WriteJSON has Targets; only plan files do")
	}
	empty := &Plan{FormatVersion: FormatVersion}
	b.Reset()
	if err := WriteJSON(&b, empty); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), `"Calls": []`) || !strings.Contains(b.String(), `"Pools": []`) {
		t.Fatalf("empty lists must be [] not null:\n%s", b.String())
	}
}

func TestNoSecretInAnyOutput(t *testing.T) {
	// A secret that changes (from files) next to one that stays (from
	// live), in JSON and plan files; build() checks every output (and the
	// text view's tests check the text).
	l := live(state.PoolConfig{MfaConfiguration: state.ModeOptional, SmsMfaConfiguration: smsOn()})
	sms := smsOn()
	sms.SmsConfiguration.ExternalId = newSecret
	p := build(t, desiredPool(state.PoolConfig{SmsMfaConfiguration: sms}), l, Options{})
	requireNoErrors(t, p)
	var js bytes.Buffer
	if err := WriteJSON(&js, p); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(js.String(), `"ExternalId": "(sensitive: from files)"`) {
		t.Fatalf("the JSON does not show that the secret changes:\n%s", js.String())
	}
}
