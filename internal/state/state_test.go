package state

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func TestRegion(t *testing.T) {
	for id, want := range map[string]string{
		"eu-west-1_AbCdEf123": "eu-west-1",
		"us-gov-west-1_X":     "us-gov-west-1",
		"local_1RPt38OQ":      "local",
		"nounderscore":        "",
	} {
		if got := Region(id); got != want {
			t.Errorf("Region(%q) = %q, want %q", id, got, want)
		}
	}
}

func TestMaskedHidesExternalIDWithoutTouchingTheOriginal(t *testing.T) {
	cfg := PoolConfig{MfaConfiguration: ModeOn, SmsMfaConfiguration: &SmsMfaConfiguration{
		Enabled: true, SmsConfiguration: &SmsConfiguration{SnsCallerArn: "arn:aws:iam::1:role/r", ExternalId: "s3cret"}}}
	masked := cfg.Masked()
	out, _ := json.Marshal(masked)
	if strings.Contains(string(out), "s3cret") || !strings.Contains(string(out), SecretMarker) {
		t.Fatalf("masked = %s", out)
	}
	if cfg.SmsMfaConfiguration.SmsConfiguration.ExternalId != "s3cret" {
		t.Fatal("Masked changed the original")
	}
	if got := (PoolConfig{MfaConfiguration: ModeOff}).Masked(); !reflect.DeepEqual(got, PoolConfig{MfaConfiguration: ModeOff}) {
		t.Fatalf("config without SMS changed: %+v", got)
	}
}

func TestReadSetNamesDeclaredPoolsAndUsers(t *testing.T) {
	d := Desired{Pools: []DesiredPool{
		{UserPoolId: "eu-west-1_A", Users: []DesiredUser{{Username: "bob"}, {Username: "alice"}}},
		{UserPoolId: "us-east-1_B"},
	}}
	want := ReadSet{"eu-west-1_A": {"bob", "alice"}, "us-east-1_B": {}}
	if got := d.ReadSet(); !reflect.DeepEqual(got, want) {
		t.Fatalf("ReadSet = %v, want %v", got, want)
	}
}

func TestPhoneNumberUses(t *testing.T) {
	role := &SmsConfiguration{SnsCallerArn: "arn:aws:iam::123456789012:role/sms"}
	tests := []struct {
		name string
		pre  Prerequisites
		want []string
	}{
		{"no phone use", Prerequisites{SmsConfiguration: role, AutoVerifiedAttributes: []string{"email"}}, nil},
		{"verification", Prerequisites{SmsConfiguration: role, AutoVerifiedAttributes: []string{"email", "phone_number"}}, []string{"AutoVerifiedAttributes"}},
		{"sign-in and verification", Prerequisites{SmsConfiguration: role, AutoVerifiedAttributes: []string{"phone_number"}, UsernameAttributes: []string{"phone_number"}},
			[]string{"AutoVerifiedAttributes", "UsernameAttributes"}},
		{"alias", Prerequisites{SmsConfiguration: role, AliasAttributes: []string{"preferred_username", "phone_number"}}, []string{"AliasAttributes"}},
		// Nothing can be sent without an SMS role.
		{"no SMS role", Prerequisites{AutoVerifiedAttributes: []string{"phone_number"}}, nil},
		{"a role without a caller ARN", Prerequisites{SmsConfiguration: &SmsConfiguration{}, UsernameAttributes: []string{"phone_number"}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, u := range tt.pre.PhoneNumberUses() {
				got = append(got, u.Setting)
			}
			if !slices.Equal(got, tt.want) {
				t.Fatalf("PhoneNumberUses() = %v, want %v", got, tt.want)
			}
		})
	}
}
