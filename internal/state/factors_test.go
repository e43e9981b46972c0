package state

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

func TestFactorTable(t *testing.T) {
	for _, tt := range []struct {
		f                                                   *Factor
		poolBlock, userBlock, label, attribute, cognitoName string
		answers, presenceEnables                            bool
	}{
		{SMS, "SmsMfaConfiguration", "SMSMfaSettings", "SMS", "phone_number", "SMS_MFA", true, true},
		{TOTP, "SoftwareTokenMfaConfiguration", "SoftwareTokenMfaSettings", "TOTP", "", "SOFTWARE_TOKEN_MFA", true, false},
		{Email, "EmailMfaConfiguration", "EmailMfaSettings", "email", "email", "EMAIL_OTP", true, true},
		{WebAuthn, "WebAuthnConfiguration", "WebAuthnMfaSettings", "WebAuthn", "", "", false, false},
	} {
		t.Run(tt.label, func(t *testing.T) {
			f := tt.f
			got := []any{f.PoolBlock, f.UserBlock, f.Label, f.Attribute, f.CognitoName, f.AnswersChallenge, f.PresenceEnables}
			want := []any{tt.poolBlock, tt.userBlock, tt.label, tt.attribute, tt.cognitoName, tt.answers, tt.presenceEnables}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("entry = %v, want %v", got, want)
			}
			if FactorByPoolBlock(tt.poolBlock) != f || FactorByUserBlock(tt.userBlock) != f {
				t.Errorf("lookup by block name does not find %s", f)
			}
			if tt.cognitoName != "" && FactorByCognitoName(tt.cognitoName) != f {
				t.Errorf("FactorByCognitoName(%q) != %s", tt.cognitoName, f)
			}
		})
	}
	if FactorByCognitoName("") != nil || FactorByUserBlock("Nope") != nil || FactorByPoolBlock("Nope") != nil {
		t.Error("lookup of an unknown name found a factor")
	}
	if !reflect.DeepEqual(MFAFactors, []*Factor{SMS, TOTP, Email}) {
		t.Errorf("MFAFactors = %v", MFAFactors)
	}
}

// Every block of the model is described by exactly one factor, so a new
// block cannot be added without its entry.
func TestEveryBlockHasOneFactor(t *testing.T) {
	check := func(typ reflect.Type, name func(*Factor) string) {
		for i := range typ.NumField() {
			field := typ.Field(i)
			if field.Type.Kind() != reflect.Pointer {
				continue
			}
			n := 0
			for _, f := range Factors {
				if name(f) == field.Name {
					n++
				}
			}
			if n != 1 {
				t.Errorf("%s.%s is described by %d factors, want 1", typ.Name(), field.Name, n)
			}
		}
	}
	check(reflect.TypeOf(PoolConfig{}), func(f *Factor) string { return f.PoolBlock })
	check(reflect.TypeOf(UserSettings{}), func(f *Factor) string { return f.UserBlock })
}

func jsonKeys(t *testing.T, v any) string {
	t.Helper()
	out, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

func TestFactorPoolAccessors(t *testing.T) {
	for _, f := range Factors {
		t.Run(f.Label, func(t *testing.T) {
			var c PoolConfig
			if f.PoolHas(c) {
				t.Fatal("an empty configuration has the block")
			}
			f.SetPoolOff(&c)
			present, enabled := f.PoolEnabled(c)
			if f.AnswersChallenge != present || enabled {
				t.Fatalf("after SetPoolOff: present %v, enabled %v", present, enabled)
			}
			if present && !strings.Contains(jsonKeys(t, c), `"`+f.PoolBlock+`"`) {
				t.Fatalf("SetPoolOff set another block: %s", jsonKeys(t, c))
			}

			full := PoolConfig{
				MfaConfiguration:              ModeOn,
				SmsMfaConfiguration:           &SmsMfaConfiguration{Enabled: true, SmsAuthenticationMessage: str("m"), SmsConfiguration: &SmsConfiguration{SnsCallerArn: "arn"}},
				SoftwareTokenMfaConfiguration: &SoftwareTokenMfaConfiguration{Enabled: true},
				EmailMfaConfiguration:         &EmailMfaConfiguration{Enabled: true, Message: str("m"), Subject: str("s")},
				WebAuthnConfiguration:         &WebAuthnConfiguration{RelyingPartyId: str("r")},
			}
			if present, enabled := f.PoolEnabled(full); !present || enabled != f.AnswersChallenge {
				t.Fatalf("PoolEnabled(full) = %v, %v", present, enabled)
			}
			var dst PoolConfig
			f.CopyPoolBlock(&dst, full)
			for _, g := range Factors {
				if g.PoolHas(dst) != (g == f) || dst.MfaConfiguration != ModeUnset {
					t.Fatalf("CopyPoolBlock copied %s", jsonKeys(t, dst))
				}
			}
			back := full.Copy()
			f.ClearPoolBlock(&back)
			f.CopyPoolBlock(&back, full)
			if !reflect.DeepEqual(back, full) || !strings.Contains(jsonKeys(t, dst), `"`+f.PoolBlock+`"`) {
				t.Fatalf("CopyPoolBlock did not copy the whole block: %s", jsonKeys(t, back))
			}
			f.ClearPoolBlock(&dst)
			if f.PoolHas(dst) || !reflect.DeepEqual(dst, PoolConfig{}) {
				t.Fatalf("ClearPoolBlock left %s", jsonKeys(t, dst))
			}
			f.CopyPoolBlock(&dst, PoolConfig{})
			if f.PoolHas(dst) {
				t.Fatal("copying an absent block left one")
			}
		})
	}
}

func TestFactorUserAccessors(t *testing.T) {
	for _, f := range MFAFactors {
		t.Run(f.Label, func(t *testing.T) {
			var s UserSettings
			if f.User(s) != nil || f.UserHas(s) {
				t.Fatal("empty settings have the block")
			}
			f.SetUser(&s, &FactorSettings{Enabled: true, PreferredMfa: true})
			if got := f.User(s); got == nil || !got.PreferredMfa || !f.UserHas(s) {
				t.Fatalf("User after SetUser = %+v", got)
			}
			if keys := jsonKeys(t, s); keys != `{"`+f.UserBlock+`":{"Enabled":true,"PreferredMfa":true}}` {
				t.Fatalf("SetUser set %s", keys)
			}
		})
	}
	s := UserSettings{WebAuthnMfaSettings: &WebAuthnSettings{Enabled: true}}
	if !WebAuthn.UserHas(s) || WebAuthn.User(s) != nil {
		t.Error("WebAuthn's block is not a FactorSettings but is present")
	}
	defer func() {
		if recover() == nil {
			t.Error("SetUser on WebAuthn did not panic")
		}
	}()
	WebAuthn.SetUser(&s, &FactorSettings{})
}

func TestFactorAttributes(t *testing.T) {
	var u LiveUser
	for _, f := range Factors {
		if got := f.HasAttribute(&u); got != (f.Attribute == "") {
			t.Errorf("%s: HasAttribute of a user without attributes = %v", f, got)
		}
	}
	SMS.SetHasAttribute(&u)
	TOTP.SetHasAttribute(&u) // needs none: no effect
	if !u.HasPhoneNumber || u.HasEmail || !SMS.HasAttribute(&u) || Email.HasAttribute(&u) {
		t.Errorf("after SMS.SetHasAttribute: %+v", u)
	}
	Email.SetHasAttribute(&u)
	if !u.HasEmail || !Email.HasAttribute(&u) {
		t.Errorf("after Email.SetHasAttribute: %+v", u)
	}
}

func TestCopiesAreDeep(t *testing.T) {
	c := PoolConfig{
		MfaConfiguration:              ModeOptional,
		SmsMfaConfiguration:           &SmsMfaConfiguration{Enabled: true, SmsAuthenticationMessage: str("m"), SmsConfiguration: &SmsConfiguration{SnsCallerArn: "arn", ExternalId: "x"}},
		SoftwareTokenMfaConfiguration: &SoftwareTokenMfaConfiguration{Enabled: true},
		EmailMfaConfiguration:         &EmailMfaConfiguration{Enabled: true, Message: str("m"), Subject: str("s")},
		WebAuthnConfiguration:         &WebAuthnConfiguration{RelyingPartyId: str("r"), UserVerification: str("required"), FactorConfiguration: str(SingleFactor)},
	}
	before := jsonKeys(t, c)
	cp := c.Copy()
	if !reflect.DeepEqual(cp, c) {
		t.Fatalf("copy differs: %s", jsonKeys(t, cp))
	}
	*cp.SmsMfaConfiguration.SmsAuthenticationMessage = "changed"
	cp.SmsMfaConfiguration.SmsConfiguration.ExternalId = "changed"
	cp.SoftwareTokenMfaConfiguration.Enabled = false
	*cp.EmailMfaConfiguration.Subject = "changed"
	*cp.WebAuthnConfiguration.FactorConfiguration = "changed"
	if jsonKeys(t, c) != before {
		t.Fatalf("changing the copy changed the original: %s", jsonKeys(t, c))
	}

	s := UserSettings{SMSMfaSettings: &FactorSettings{Enabled: true}, EmailMfaSettings: &FactorSettings{}, WebAuthnMfaSettings: &WebAuthnSettings{Enabled: true}}
	us := s.Copy()
	if !reflect.DeepEqual(us, s) {
		t.Fatalf("copy differs: %s", jsonKeys(t, us))
	}
	us.SMSMfaSettings.PreferredMfa = true
	us.WebAuthnMfaSettings.Enabled = false
	if s.SMSMfaSettings.PreferredMfa || !s.WebAuthnMfaSettings.Enabled {
		t.Fatal("changing the copy changed the original")
	}
}

func str(s string) *string { return &s }
