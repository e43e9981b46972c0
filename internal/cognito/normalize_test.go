package cognito

import (
	"reflect"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/mfactl/mfactl/internal/state"
)

func off() *state.SmsMfaConfiguration { return &state.SmsMfaConfiguration{} }

// allOff is the normal form of a pool with no factor, in the given mode.
func allOff(mode state.Mode) state.PoolConfig {
	return state.PoolConfig{
		MfaConfiguration:              mode,
		SmsMfaConfiguration:           off(),
		SoftwareTokenMfaConfiguration: &state.SoftwareTokenMfaConfiguration{},
		EmailMfaConfiguration:         &state.EmailMfaConfiguration{},
	}
}

func with(cfg state.PoolConfig, edit func(*state.PoolConfig)) state.PoolConfig {
	edit(&cfg)
	return cfg
}

func TestLivePoolConfig(t *testing.T) {
	smsRole := &types.SmsConfigurationType{SnsCallerArn: aws.String("arn:aws:iam::123456789012:role/sms"), ExternalId: aws.String("s3cret"), SnsRegion: aws.String("eu-west-1")}
	liveRole := &state.SmsConfiguration{SnsCallerArn: "arn:aws:iam::123456789012:role/sms", ExternalId: "s3cret", SnsRegion: "eu-west-1"}
	for _, tc := range []struct {
		name string
		in   cip.GetUserPoolMfaConfigOutput
		want state.PoolConfig
	}{
		{"untouched pool answers OFF alone",
			cip.GetUserPoolMfaConfigOutput{MfaConfiguration: types.UserPoolMfaTypeOff},
			allOff(state.ModeOff)},
		{"no mode at all is OFF",
			cip.GetUserPoolMfaConfigOutput{},
			allOff(state.ModeOff)},
		{"SMS is on when the block is present and the mode is not OFF",
			cip.GetUserPoolMfaConfigOutput{MfaConfiguration: types.UserPoolMfaTypeOptional,
				SmsMfaConfiguration: &types.SmsMfaConfigType{SmsAuthenticationMessage: aws.String("Code {####}"), SmsConfiguration: smsRole}},
			with(allOff(state.ModeOptional), func(c *state.PoolConfig) {
				c.SmsMfaConfiguration = &state.SmsMfaConfiguration{Enabled: true, SmsAuthenticationMessage: aws.String("Code {####}"), SmsConfiguration: liveRole}
			})},
		{"an SMS block under OFF is not SMS on",
			cip.GetUserPoolMfaConfigOutput{MfaConfiguration: types.UserPoolMfaTypeOff,
				SmsMfaConfiguration: &types.SmsMfaConfigType{SmsConfiguration: smsRole}},
			allOff(state.ModeOff)},
		{"an empty SMS message is no message",
			cip.GetUserPoolMfaConfigOutput{MfaConfiguration: types.UserPoolMfaTypeOn,
				SmsMfaConfiguration: &types.SmsMfaConfigType{SmsAuthenticationMessage: aws.String(""), SmsConfiguration: smsRole}},
			with(allOff(state.ModeOn), func(c *state.PoolConfig) {
				c.SmsMfaConfiguration = &state.SmsMfaConfiguration{Enabled: true, SmsConfiguration: liveRole}
			})},
		{"an SMS block without a caller ARN is not SMS on (cognito-local returns {} for every pool)",
			cip.GetUserPoolMfaConfigOutput{MfaConfiguration: types.UserPoolMfaTypeOptional,
				SmsMfaConfiguration: &types.SmsMfaConfigType{SmsConfiguration: &types.SmsConfigurationType{}}},
			allOff(state.ModeOptional)},
		{"TOTP is on when Enabled",
			cip.GetUserPoolMfaConfigOutput{MfaConfiguration: types.UserPoolMfaTypeOn,
				SoftwareTokenMfaConfiguration: &types.SoftwareTokenMfaConfigType{Enabled: true}},
			with(allOff(state.ModeOn), func(c *state.PoolConfig) { c.SoftwareTokenMfaConfiguration.Enabled = true })},
		{"a TOTP block with Enabled false is TOTP off",
			cip.GetUserPoolMfaConfigOutput{MfaConfiguration: types.UserPoolMfaTypeOn,
				SoftwareTokenMfaConfiguration: &types.SoftwareTokenMfaConfigType{}},
			allOff(state.ModeOn)},
		{"email is on when the block is present, even empty",
			cip.GetUserPoolMfaConfigOutput{MfaConfiguration: types.UserPoolMfaTypeOptional,
				EmailMfaConfiguration: &types.EmailMfaConfigType{}},
			with(allOff(state.ModeOptional), func(c *state.PoolConfig) {
				c.EmailMfaConfiguration = &state.EmailMfaConfiguration{Enabled: true}
			})},
		{"email keeps its message and subject",
			cip.GetUserPoolMfaConfigOutput{MfaConfiguration: types.UserPoolMfaTypeOptional,
				EmailMfaConfiguration: &types.EmailMfaConfigType{Message: aws.String("Code {####}"), Subject: aws.String("Sign-in")}},
			with(allOff(state.ModeOptional), func(c *state.PoolConfig) {
				c.EmailMfaConfiguration = &state.EmailMfaConfiguration{Enabled: true, Message: aws.String("Code {####}"), Subject: aws.String("Sign-in")}
			})},
		{"every factor at once",
			cip.GetUserPoolMfaConfigOutput{MfaConfiguration: types.UserPoolMfaTypeOn,
				SmsMfaConfiguration:           &types.SmsMfaConfigType{SmsConfiguration: smsRole},
				SoftwareTokenMfaConfiguration: &types.SoftwareTokenMfaConfigType{Enabled: true},
				EmailMfaConfiguration:         &types.EmailMfaConfigType{}},
			state.PoolConfig{MfaConfiguration: state.ModeOn,
				SmsMfaConfiguration:           &state.SmsMfaConfiguration{Enabled: true, SmsConfiguration: liveRole},
				SoftwareTokenMfaConfiguration: &state.SoftwareTokenMfaConfiguration{Enabled: true},
				EmailMfaConfiguration:         &state.EmailMfaConfiguration{Enabled: true}}},
		{"WebAuthn is kept as reported, also under OFF",
			cip.GetUserPoolMfaConfigOutput{MfaConfiguration: types.UserPoolMfaTypeOff,
				WebAuthnConfiguration: &types.WebAuthnConfigurationType{RelyingPartyId: aws.String("auth.example.com"),
					UserVerification: types.UserVerificationTypeRequired, FactorConfiguration: types.WebAuthnFactorConfigurationTypeMultiFactorWithUserVerification}},
			with(allOff(state.ModeOff), func(c *state.PoolConfig) {
				c.WebAuthnConfiguration = &state.WebAuthnConfiguration{RelyingPartyId: aws.String("auth.example.com"),
					UserVerification: aws.String("required"), FactorConfiguration: aws.String(state.MultiFactorWithUserVerification)}
			})},
		{"WebAuthn with nothing set has nil fields",
			cip.GetUserPoolMfaConfigOutput{MfaConfiguration: types.UserPoolMfaTypeOff, WebAuthnConfiguration: &types.WebAuthnConfigurationType{}},
			with(allOff(state.ModeOff), func(c *state.PoolConfig) { c.WebAuthnConfiguration = &state.WebAuthnConfiguration{} })},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := livePoolConfig(&tc.in, nil)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("livePoolConfig()\n got %s\nwant %s", dump(got), dump(tc.want))
			}
		})
	}
}

func TestPrerequisites(t *testing.T) {
	if got := prerequisites(nil, nil); !reflect.DeepEqual(got, state.Prerequisites{}) {
		t.Errorf("prerequisites(nil, nil) = %+v; want zero", got)
	}
	pool := &types.UserPoolType{
		UserPoolTier:       types.UserPoolTierTypeEssentials,
		EmailConfiguration: &types.EmailConfigurationType{EmailSendingAccount: types.EmailSendingAccountTypeDeveloper},
		SmsConfiguration:   &types.SmsConfigurationType{SnsCallerArn: aws.String("arn:aws:iam::1:role/r"), ExternalId: aws.String("x")},
		AccountRecoverySetting: &types.AccountRecoverySettingType{RecoveryMechanisms: []types.RecoveryOptionType{
			{Name: types.RecoveryOptionNameTypeVerifiedPhoneNumber, Priority: aws.Int32(2)},
			{Name: types.RecoveryOptionNameTypeVerifiedEmail, Priority: aws.Int32(1)},
		}},
		Policies: &types.UserPoolPolicyType{SignInPolicy: &types.SignInPolicyType{
			AllowedFirstAuthFactors: []types.AuthFactorType{types.AuthFactorTypeWebAuthn, types.AuthFactorTypePassword, types.AuthFactorTypeEmailOtp},
		}},
		AutoVerifiedAttributes: []types.VerifiedAttributeType{types.VerifiedAttributeTypePhoneNumber, types.VerifiedAttributeTypeEmail},
		AliasAttributes:        []types.AliasAttributeType{types.AliasAttributeTypePreferredUsername, types.AliasAttributeTypePhoneNumber},
	}
	want := state.Prerequisites{
		Tier:                   "ESSENTIALS",
		EmailSendingAccount:    "DEVELOPER",
		SmsConfiguration:       &state.SmsConfiguration{SnsCallerArn: "arn:aws:iam::1:role/r", ExternalId: "x"},
		RecoveryMechanisms:     []string{"verified_email", "verified_phone_number"},
		FirstAuthFactors:       []string{"EMAIL_OTP", "PASSWORD", "WEB_AUTHN"},
		AutoVerifiedAttributes: []string{"email", "phone_number"},
		AliasAttributes:        []string{"phone_number", "preferred_username"},
	}
	if got := prerequisites(pool, nil); !reflect.DeepEqual(got, want) {
		t.Errorf("prerequisites()\n got %+v\nwant %+v", got, want)
	}
}

func settings(sms, totp, email state.FactorSettings) state.UserSettings {
	return state.UserSettings{SMSMfaSettings: &sms, SoftwareTokenMfaSettings: &totp, EmailMfaSettings: &email}
}

var (
	none      = state.FactorSettings{}
	enabled   = state.FactorSettings{Enabled: true}
	preferred = state.FactorSettings{Enabled: true, PreferredMfa: true}
)

func TestLiveUser(t *testing.T) {
	legacySMS := []types.MFAOptionType{{DeliveryMedium: types.DeliveryMediumTypeSms, AttributeName: aws.String("phone_number")}}
	for _, tc := range []struct {
		name        string
		in          *cip.AdminGetUserOutput
		mode        state.Mode
		want        state.UserSettings
		legacy      bool
		unknown     bool
		phone, mail bool
	}{
		{name: "never set: nothing listed", in: user(nil, ""), mode: state.ModeOptional,
			want: settings(none, none, none)},
		{name: "SMS and TOTP, TOTP preferred", in: user([]string{"SMS_MFA", "SOFTWARE_TOKEN_MFA"}, "SOFTWARE_TOKEN_MFA"), mode: state.ModeOptional,
			want: settings(enabled, preferred, none)},
		{name: "email preferred", in: user([]string{"EMAIL_OTP"}, "EMAIL_OTP"), mode: state.ModeOn,
			want: settings(none, none, preferred)},
		{name: "listed factor under ON is trusted", in: user([]string{"SMS_MFA"}, ""), mode: state.ModeOn,
			want: settings(enabled, none, none)},
		{name: "empty list under ON is unknown (TOTP set up at sign-in)", in: user(nil, ""), mode: state.ModeOn,
			want: settings(none, none, none), unknown: true},
		{name: "empty list under OFF is off", in: user(nil, ""), mode: state.ModeOff,
			want: settings(none, none, none)},
		{name: "legacy MFAOptions SMS counts as SMS enabled, and is unknown", in: &cip.AdminGetUserOutput{MFAOptions: legacySMS}, mode: state.ModeOptional,
			want: settings(enabled, none, none), legacy: true, unknown: true},
		{name: "legacy MFAOptions under ON is unknown too", in: &cip.AdminGetUserOutput{MFAOptions: legacySMS, UserMFASettingList: []string{"SMS_MFA"}}, mode: state.ModeOn,
			want: settings(enabled, none, none), legacy: true, unknown: true},
		{name: "legacy MFAOptions by email is not SMS, still unknown",
			in:   &cip.AdminGetUserOutput{MFAOptions: []types.MFAOptionType{{DeliveryMedium: types.DeliveryMediumTypeEmail}}},
			mode: state.ModeOptional, want: settings(none, none, none), unknown: true},
		{name: "a factor mfactl does not know is unknown, not dropped", in: user([]string{"SMS_MFA", "WEB_AUTHN"}, ""), mode: state.ModeOptional,
			want: settings(enabled, none, none), unknown: true},
		{name: "preferred but not enabled is unknown", in: user(nil, "SMS_MFA"), mode: state.ModeOptional,
			want: settings(state.FactorSettings{PreferredMfa: true}, none, none), unknown: true},
		{name: "attributes", in: user(nil, "", "phone_number=+15555550100", "email=a@example.com"), mode: state.ModeOff,
			want: settings(none, none, none), phone: true, mail: true},
		{name: "empty attributes do not count", in: user(nil, "", "phone_number=", "email="), mode: state.ModeOff,
			want: settings(none, none, none)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := liveUser("alice", tc.in, tc.mode)
			if !got.Exists || got.Username != "alice" {
				t.Errorf("Exists, Username = %v, %q; want true, alice", got.Exists, got.Username)
			}
			if !reflect.DeepEqual(got.Settings, tc.want) {
				t.Errorf("Settings\n got %s\nwant %s", dump(got.Settings), dump(tc.want))
			}
			if got.Settings.WebAuthnMfaSettings != nil {
				t.Error("WebAuthnMfaSettings is set; Cognito does not report it")
			}
			if got.LegacySMS != tc.legacy {
				t.Errorf("LegacySMS = %v; want %v", got.LegacySMS, tc.legacy)
			}
			if (got.Unknown != "") != tc.unknown {
				t.Errorf("Unknown = %q; want unknown %v", got.Unknown, tc.unknown)
			}
			if got.HasPhoneNumber != tc.phone || got.HasEmail != tc.mail {
				t.Errorf("HasPhoneNumber, HasEmail = %v, %v; want %v, %v", got.HasPhoneNumber, got.HasEmail, tc.phone, tc.mail)
			}
		})
	}
}

// Every factor Cognito reports by name is read into its own block.
func TestLiveUserReadsEveryNamedFactor(t *testing.T) {
	for _, f := range state.Factors {
		if f.CognitoName == "" {
			continue
		}
		u := liveUser("alice", &cip.AdminGetUserOutput{UserMFASettingList: []string{f.CognitoName}, PreferredMfaSetting: aws.String(f.CognitoName)}, state.ModeOptional)
		if got := f.User(u.Settings); got == nil || !got.Enabled || !got.PreferredMfa || u.Unknown != "" {
			t.Errorf("%s: settings %+v, unknown %q", f.CognitoName, got, u.Unknown)
		}
	}
}
