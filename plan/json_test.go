package plan

import (
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

func TestNoSecretInAnyOutput(t *testing.T) {
	// A secret that changes (from files) next to one that stays (from
	// live), in JSON and plan files; build() checks every output (and the
	// text view's tests check the text).
	l := live(state.PoolConfig{MfaConfiguration: state.ModeOptional, SmsMfaConfiguration: smsOn()})
	sms := smsOn()
	sms.SmsConfiguration.ExternalId = newSecret
	p := build(t, desiredPool(state.PoolConfig{SmsMfaConfiguration: sms}), l, Options{})
	requireNoErrors(t, p)
	js := publicJSON(t, p)
	if !strings.Contains(js, `"ExternalId": "(sensitive: from files)"`) {
		t.Fatalf("the JSON does not show that the secret changes:\n%s", js)
	}
}
