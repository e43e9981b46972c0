package state

import (
	"encoding/json"
	"reflect"
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
