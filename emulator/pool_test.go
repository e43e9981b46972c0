package emulator_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/mfactl/mfactl/emulator"
)

func TestCreateAndDescribeUserPool(t *testing.T) {
	e := newEnv(t, emulator.Options{})
	id := e.pool("shop")
	if got := regionPrefix(id); got != "us-east-1" {
		t.Fatalf("pool ID %q: want the signing Region as prefix", id)
	}
	out := must[*cip.DescribeUserPoolOutput](t)(e.c.DescribeUserPool(e.ctx, &cip.DescribeUserPoolInput{UserPoolId: &id}))
	p := out.UserPool
	if *p.Id != id || *p.Name != "shop" || p.UserPoolTier != types.UserPoolTierTypeEssentials ||
		p.MfaConfiguration != types.UserPoolMfaTypeOff ||
		p.EmailConfiguration.EmailSendingAccount != types.EmailSendingAccountTypeDeveloper ||
		*p.SmsConfiguration.SnsCallerArn != "arn:aws:iam::123456789012:role/sns" ||
		p.CreationDate == nil || p.CreationDate.IsZero() {
		t.Fatalf("DescribeUserPool: %+v", p)
	}
}

func TestDescribeUserPoolNotFound(t *testing.T) {
	e := newEnv(t, emulator.Options{})
	_, err := e.c.DescribeUserPool(e.ctx, &cip.DescribeUserPoolInput{UserPoolId: aws.String("us-east-1_nope")})
	wantError(t, err, "ResourceNotFoundException", "User pool us-east-1_nope does not exist.")
	_, err = e.c.GetUserPoolMfaConfig(e.ctx, &cip.GetUserPoolMfaConfigInput{UserPoolId: aws.String("bad id")})
	wantError(t, err, "InvalidParameterException",
		`1 validation error detected: Value 'bad id' at 'userPoolId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w-]+_[0-9a-zA-Z]+`)
}

func TestPoolOfAnotherRegionIsNotFound(t *testing.T) {
	e := newEnv(t, emulator.Options{})
	id := e.pool("shop")
	other := newClient(e.url, "eu-west-1")
	_, err := other.GetUserPoolMfaConfig(e.ctx, &cip.GetUserPoolMfaConfigInput{UserPoolId: &id})
	wantCode(t, err, "ResourceNotFoundException")
}

func TestGetUserPoolMfaConfigUntouched(t *testing.T) {
	e := newEnv(t, emulator.Options{})
	id := e.pool("shop")
	out := must[*cip.GetUserPoolMfaConfigOutput](t)(e.c.GetUserPoolMfaConfig(e.ctx, &cip.GetUserPoolMfaConfigInput{UserPoolId: &id}))
	if out.MfaConfiguration != types.UserPoolMfaTypeOff || out.SmsMfaConfiguration != nil ||
		out.SoftwareTokenMfaConfiguration != nil || out.EmailMfaConfiguration != nil || out.WebAuthnConfiguration != nil {
		t.Fatalf("untouched pool: %+v", out)
	}
}

func TestSetUserPoolMfaConfigRules(t *testing.T) {
	e := newEnv(t, emulator.Options{})
	id := e.pool("shop")
	lite := must[*cip.CreateUserPoolOutput](t)(e.c.CreateUserPool(e.ctx, &cip.CreateUserPoolInput{
		PoolName: aws.String("lite"), UserPoolTier: types.UserPoolTierTypeLite,
		EmailConfiguration: &types.EmailConfigurationType{
			EmailSendingAccount: types.EmailSendingAccountTypeDeveloper,
			SourceArn:           aws.String("arn:aws:ses:us-east-1:123456789012:identity/example.com"),
		},
	})).UserPool.Id
	cognitoMail := must[*cip.CreateUserPoolOutput](t)(e.c.CreateUserPool(e.ctx, &cip.CreateUserPoolInput{
		PoolName: aws.String("cognito-mail"),
	})).UserPool.Id
	emailOnlyRecovery := must[*cip.CreateUserPoolOutput](t)(e.c.CreateUserPool(e.ctx, &cip.CreateUserPoolInput{
		PoolName: aws.String("email-recovery"),
		EmailConfiguration: &types.EmailConfigurationType{
			EmailSendingAccount: types.EmailSendingAccountTypeDeveloper,
			SourceArn:           aws.String("arn:aws:ses:us-east-1:123456789012:identity/example.com"),
		},
		AccountRecoverySetting: &types.AccountRecoverySettingType{RecoveryMechanisms: []types.RecoveryOptionType{
			{Name: types.RecoveryOptionNameTypeVerifiedEmail, Priority: aws.Int32(1)},
		}},
	})).UserPool.Id

	tests := []struct {
		name    string
		in      cip.SetUserPoolMfaConfigInput
		code    string
		message string
	}{
		{
			name: "OFF with a TOTP block, even a disabled one",
			in: cip.SetUserPoolMfaConfigInput{UserPoolId: &id, MfaConfiguration: types.UserPoolMfaTypeOff,
				SoftwareTokenMfaConfiguration: &types.SoftwareTokenMfaConfigType{Enabled: false}},
			code: "InvalidParameterException", message: "Invalid MFA configuration given, can't turn off MFA and configure an MFA together.",
		},
		{
			name: "omitted mode is OFF, so a factor block is refused",
			in: cip.SetUserPoolMfaConfigInput{UserPoolId: &id,
				SoftwareTokenMfaConfiguration: &types.SoftwareTokenMfaConfigType{Enabled: true}},
			code: "InvalidParameterException", message: "Invalid MFA configuration given, can't turn off MFA and configure an MFA together.",
		},
		{
			name: "ON with no factor",
			in:   cip.SetUserPoolMfaConfigInput{UserPoolId: &id, MfaConfiguration: types.UserPoolMfaTypeOn},
			code: "InvalidParameterException", message: "Invalid MFA Configuration given. SMS MFA, Email MFA, or Software Token MFA must be enabled.",
		},
		{
			name: "OPTIONAL with WebAuthn alone",
			in: cip.SetUserPoolMfaConfigInput{UserPoolId: &id, MfaConfiguration: types.UserPoolMfaTypeOptional,
				WebAuthnConfiguration: &types.WebAuthnConfigurationType{RelyingPartyId: aws.String("example.com")}},
			code: "InvalidParameterException", message: "Invalid MFA Configuration given. SMS MFA, Email MFA, or Software Token MFA must be enabled.",
		},
		{
			name: "SMS without ExternalId",
			in: cip.SetUserPoolMfaConfigInput{UserPoolId: &id, MfaConfiguration: types.UserPoolMfaTypeOn,
				SmsMfaConfiguration: &types.SmsMfaConfigType{SmsConfiguration: &types.SmsConfigurationType{
					SnsCallerArn: aws.String("arn:aws:iam::123456789012:role/sns")}}},
			code: "InvalidParameterException", message: "Invalid SMS MFA configuration given, external id and a valid caller arn are required",
		},
		{
			name: "SMS without SmsConfiguration",
			in: cip.SetUserPoolMfaConfigInput{UserPoolId: &id, MfaConfiguration: types.UserPoolMfaTypeOn,
				SmsMfaConfiguration: &types.SmsMfaConfigType{}},
			code: "InvalidParameterException", message: "Invalid SMS MFA configuration given, external id and a valid caller arn are required",
		},
		{
			name: "SMS message without {####}",
			in: cip.SetUserPoolMfaConfigInput{UserPoolId: &id, MfaConfiguration: types.UserPoolMfaTypeOn,
				SmsMfaConfiguration: &types.SmsMfaConfigType{SmsAuthenticationMessage: aws.String("Your code"), SmsConfiguration: smsConfig().SmsConfiguration}},
			code: "InvalidParameterException", message: `1 validation error detected: Value 'Your code' at 'smsMfaConfiguration.smsAuthenticationMessage' failed to satisfy constraint: Member must satisfy regular expression pattern: .*\{####\}.*`,
		},
		{
			name: "SMS message too long",
			in: cip.SetUserPoolMfaConfigInput{UserPoolId: &id, MfaConfiguration: types.UserPoolMfaTypeOn,
				SmsMfaConfiguration: &types.SmsMfaConfigType{SmsAuthenticationMessage: aws.String(strings.Repeat("x", 135) + "{####}"), SmsConfiguration: smsConfig().SmsConfiguration}},
			code: "InvalidParameterException", message: "1 validation error detected: Value '" + strings.Repeat("x", 135) + "{####}' at 'smsMfaConfiguration.smsAuthenticationMessage' failed to satisfy constraint: Member must have length less than or equal to 140",
		},
		{
			name: "SnsCallerArn that is not an ARN",
			in: cip.SetUserPoolMfaConfigInput{UserPoolId: &id, MfaConfiguration: types.UserPoolMfaTypeOn,
				SmsMfaConfiguration: &types.SmsMfaConfigType{SmsConfiguration: &types.SmsConfigurationType{
					SnsCallerArn: aws.String("role/cognito-sms-sender"), ExternalId: aws.String("external-secret")}}},
			code: "InvalidParameterException", message: "1 validation error detected: Value 'role/cognito-sms-sender' at 'smsMfaConfiguration.smsConfiguration.snsCallerArn' failed to satisfy constraint: Member must satisfy regular expression pattern: " +
				`(arn:[\w+=/,.@-]+:[\w+=/,.@-]+:([\w+=/,.@-]*)?:[0-9]+:[\w+=/,.@-]+(:[\w+=/,.@-]+)?(:[\w+=/,.@-]+)?)?`,
		},
		{
			name: "email message without {####} and an empty subject",
			in: cip.SetUserPoolMfaConfigInput{UserPoolId: &id, MfaConfiguration: types.UserPoolMfaTypeOn,
				EmailMfaConfiguration: &types.EmailMfaConfigType{Message: aws.String("Your code is ####"), Subject: aws.String("")}},
			code: "InvalidParameterException", message: "2 validation errors detected: " +
				`Value 'Your code is ####' at 'emailMfaConfiguration.message' failed to satisfy constraint: Member must satisfy regular expression pattern: [\p{L}\p{M}\p{S}\p{N}\p{P}\s*]*\{####\}[\p{L}\p{M}\p{S}\p{N}\p{P}\s*]*; ` +
				`Value '' at 'emailMfaConfiguration.subject' failed to satisfy constraint: Member must satisfy regular expression pattern: [\p{L}\p{M}\p{S}\p{N}\p{P}\s]+`,
		},
		{
			name: "RelyingPartyId too long and an unknown UserVerification",
			in: cip.SetUserPoolMfaConfigInput{UserPoolId: &id, WebAuthnConfiguration: &types.WebAuthnConfigurationType{
				RelyingPartyId: aws.String(strings.Repeat("a", 128)), UserVerification: types.UserVerificationType("always")}},
			code: "InvalidParameterException", message: "2 validation errors detected: Value '" + strings.Repeat("a", 128) + "' at 'webAuthnConfiguration.relyingPartyId' failed to satisfy constraint: Member must have length less than or equal to 127; " +
				"Value 'always' at 'webAuthnConfiguration.userVerification' failed to satisfy constraint: Member must satisfy enum value set: [required, preferred]",
		},
		{
			name: "email on the Lite tier",
			in: cip.SetUserPoolMfaConfigInput{UserPoolId: lite, MfaConfiguration: types.UserPoolMfaTypeOptional,
				EmailMfaConfiguration: &types.EmailMfaConfigType{}},
			code: "FeatureUnavailableInTierException",
		},
		{
			name: "email without SES",
			in: cip.SetUserPoolMfaConfigInput{UserPoolId: cognitoMail, MfaConfiguration: types.UserPoolMfaTypeOptional,
				EmailMfaConfiguration: &types.EmailMfaConfigType{}},
			code: "InvalidParameterException",
		},
		{
			name: "email with email-only recovery",
			in: cip.SetUserPoolMfaConfigInput{UserPoolId: emailOnlyRecovery, MfaConfiguration: types.UserPoolMfaTypeOptional,
				EmailMfaConfiguration: &types.EmailMfaConfigType{}},
			code: "InvalidParameterException",
		},
		{
			name: "unknown pool",
			in: cip.SetUserPoolMfaConfigInput{UserPoolId: aws.String("us-east-1_missing"), MfaConfiguration: types.UserPoolMfaTypeOn,
				SoftwareTokenMfaConfiguration: &types.SoftwareTokenMfaConfigType{Enabled: true}},
			code: "ResourceNotFoundException",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.c.SetUserPoolMfaConfig(e.ctx, &tt.in)
			if tt.message != "" {
				wantError(t, err, tt.code, tt.message)
			} else {
				wantCode(t, err, tt.code)
			}
		})
	}
	// Nothing above changed the pool.
	out := must[*cip.GetUserPoolMfaConfigOutput](t)(e.c.GetUserPoolMfaConfig(e.ctx, &cip.GetUserPoolMfaConfigInput{UserPoolId: &id}))
	if out.MfaConfiguration != types.UserPoolMfaTypeOff {
		t.Fatalf("rejected calls changed the pool: %+v", out)
	}
}

func TestSetUserPoolMfaConfigReplacesWholeConfiguration(t *testing.T) {
	e := newEnv(t, emulator.Options{})
	id := e.pool("shop")
	set := func(in cip.SetUserPoolMfaConfigInput) *cip.SetUserPoolMfaConfigOutput {
		t.Helper()
		in.UserPoolId = &id
		return must[*cip.SetUserPoolMfaConfigOutput](t)(e.c.SetUserPoolMfaConfig(e.ctx, &in))
	}
	get := func() *cip.GetUserPoolMfaConfigOutput {
		t.Helper()
		return must[*cip.GetUserPoolMfaConfigOutput](t)(e.c.GetUserPoolMfaConfig(e.ctx, &cip.GetUserPoolMfaConfigInput{UserPoolId: &id}))
	}

	out := set(cip.SetUserPoolMfaConfigInput{MfaConfiguration: types.UserPoolMfaTypeOptional,
		SmsMfaConfiguration: smsConfig(), SoftwareTokenMfaConfiguration: &types.SoftwareTokenMfaConfigType{Enabled: true},
		EmailMfaConfiguration: &types.EmailMfaConfigType{Subject: aws.String("Your code")}})
	if out.MfaConfiguration != types.UserPoolMfaTypeOptional || out.SmsMfaConfiguration == nil || out.EmailMfaConfiguration == nil ||
		!out.SoftwareTokenMfaConfiguration.Enabled {
		t.Fatalf("set answer: %+v", out)
	}
	got := get()
	if got.SmsMfaConfiguration == nil || *got.SmsMfaConfiguration.SmsConfiguration.ExternalId != "external-secret" ||
		*got.SmsMfaConfiguration.SmsAuthenticationMessage != "Your code is {####}" ||
		got.EmailMfaConfiguration == nil || *got.EmailMfaConfiguration.Subject != "Your code" {
		t.Fatalf("after set: %+v", got)
	}

	// Only TOTP sent: SMS and email go off.
	set(cip.SetUserPoolMfaConfigInput{MfaConfiguration: types.UserPoolMfaTypeOn,
		SoftwareTokenMfaConfiguration: &types.SoftwareTokenMfaConfigType{Enabled: true}})
	got = get()
	if got.MfaConfiguration != types.UserPoolMfaTypeOn || got.SmsMfaConfiguration != nil || got.EmailMfaConfiguration != nil {
		t.Fatalf("a full replacement kept omitted factors: %+v", got)
	}

	// Real Cognito accepts ON with a disabled TOTP block (it checks presence).
	set(cip.SetUserPoolMfaConfigInput{MfaConfiguration: types.UserPoolMfaTypeOn,
		SoftwareTokenMfaConfiguration: &types.SoftwareTokenMfaConfigType{Enabled: false}})
	got = get()
	if got.MfaConfiguration != types.UserPoolMfaTypeOn || got.SoftwareTokenMfaConfiguration == nil || got.SoftwareTokenMfaConfiguration.Enabled {
		t.Fatalf("ON + TOTP{Enabled:false}: %+v", got)
	}

	// {UserPoolId} alone turns MFA off; WebAuthn alone is allowed with OFF.
	set(cip.SetUserPoolMfaConfigInput{WebAuthnConfiguration: &types.WebAuthnConfigurationType{RelyingPartyId: aws.String("example.com")}})
	got = get()
	if got.MfaConfiguration != types.UserPoolMfaTypeOff || got.SoftwareTokenMfaConfiguration != nil ||
		got.WebAuthnConfiguration == nil || *got.WebAuthnConfiguration.RelyingPartyId != "example.com" {
		t.Fatalf("OFF + WebAuthn: %+v", got)
	}
	desc := must[*cip.DescribeUserPoolOutput](t)(e.c.DescribeUserPool(e.ctx, &cip.DescribeUserPoolInput{UserPoolId: &id}))
	if desc.UserPool.MfaConfiguration != types.UserPoolMfaTypeOff {
		t.Fatalf("DescribeUserPool MfaConfiguration %q", desc.UserPool.MfaConfiguration)
	}
}

func regionPrefix(id string) string {
	for i := range id {
		if id[i] == '_' {
			return id[:i]
		}
	}
	return ""
}

// SMS MFA is tied to the pool's SMS configuration while that also verifies
// phone numbers or lets users sign in with them (amplify-backend#1481). The
// exact condition is inferred: the emulator is strict.
func TestSmsMfaStaysOnWhileItServesPhoneNumbers(t *testing.T) {
	e := newEnv(t, emulator.Options{})
	role := &types.SmsConfigurationType{SnsCallerArn: aws.String("arn:aws:iam::123456789012:role/sns"), ExternalId: aws.String("external-secret")}
	create := func(in cip.CreateUserPoolInput) string {
		t.Helper()
		in.PoolName = aws.String("phones")
		return *must[*cip.CreateUserPoolOutput](t)(e.c.CreateUserPool(e.ctx, &in)).UserPool.Id
	}
	set := func(id string, mode types.UserPoolMfaType, sms bool) error {
		in := &cip.SetUserPoolMfaConfigInput{UserPoolId: &id, MfaConfiguration: mode}
		if mode != types.UserPoolMfaTypeOff {
			in.SoftwareTokenMfaConfiguration = &types.SoftwareTokenMfaConfigType{Enabled: true}
		}
		if sms {
			in.SmsMfaConfiguration = smsConfig()
		}
		_, err := e.c.SetUserPoolMfaConfig(e.ctx, in)
		return err
	}
	const refused = "Can't turn off SMS_MFA when SMS configuration is set for the user pool."

	verifies := create(cip.CreateUserPoolInput{SmsConfiguration: role,
		AutoVerifiedAttributes: []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail, types.VerifiedAttributeTypePhoneNumber}})
	described := must[*cip.DescribeUserPoolOutput](t)(e.c.DescribeUserPool(e.ctx, &cip.DescribeUserPoolInput{UserPoolId: &verifies})).UserPool
	if len(described.AutoVerifiedAttributes) != 2 || described.AutoVerifiedAttributes[1] != types.VerifiedAttributeTypePhoneNumber {
		t.Fatalf("DescribeUserPool AutoVerifiedAttributes = %v", described.AutoVerifiedAttributes)
	}
	if err := set(verifies, types.UserPoolMfaTypeOptional, true); err != nil {
		t.Fatal(err)
	}
	wantError(t, set(verifies, types.UserPoolMfaTypeOptional, false), "InvalidParameterException", refused)
	wantError(t, set(verifies, types.UserPoolMfaTypeOn, false), "InvalidParameterException", refused)
	wantError(t, set(verifies, types.UserPoolMfaTypeOff, false), "InvalidParameterException", refused)
	if out := must[*cip.GetUserPoolMfaConfigOutput](t)(e.c.GetUserPoolMfaConfig(e.ctx, &cip.GetUserPoolMfaConfigInput{UserPoolId: &verifies})); out.SmsMfaConfiguration == nil {
		t.Fatalf("a refused call changed the pool: %+v", out)
	}
	// Once phone numbers are no longer verified by SMS, SMS MFA can go.
	must[*cip.UpdateUserPoolOutput](t)(e.c.UpdateUserPool(e.ctx, &cip.UpdateUserPoolInput{UserPoolId: &verifies, SmsConfiguration: role,
		AutoVerifiedAttributes: []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail}}))
	if err := set(verifies, types.UserPoolMfaTypeOptional, false); err != nil {
		t.Fatalf("after UpdateUserPool: %v", err)
	}

	// Users sign in with phone numbers, MFA OFF: OPTIONAL needs SMS MFA.
	signsIn := create(cip.CreateUserPoolInput{SmsConfiguration: role, UsernameAttributes: []types.UsernameAttributeType{types.UsernameAttributeTypePhoneNumber}})
	wantError(t, set(signsIn, types.UserPoolMfaTypeOptional, false), "InvalidParameterException", refused)
	if err := set(signsIn, types.UserPoolMfaTypeOff, false); err != nil {
		t.Fatalf("OFF while SMS MFA is off already: %v", err)
	}
	aliases := create(cip.CreateUserPoolInput{SmsConfiguration: role, AliasAttributes: []types.AliasAttributeType{types.AliasAttributeTypePhoneNumber}})
	wantError(t, set(aliases, types.UserPoolMfaTypeOptional, false), "InvalidParameterException", refused)

	// Without an SMS role nothing is sent to phone numbers: no tie.
	noRole := create(cip.CreateUserPoolInput{AutoVerifiedAttributes: []types.VerifiedAttributeType{types.VerifiedAttributeTypePhoneNumber}})
	if err := set(noRole, types.UserPoolMfaTypeOptional, false); err != nil {
		t.Fatalf("pool without an SMS role: %v", err)
	}

	_, err := e.c.CreateUserPool(e.ctx, &cip.CreateUserPoolInput{PoolName: aws.String("both"),
		UsernameAttributes: []types.UsernameAttributeType{types.UsernameAttributeTypeEmail},
		AliasAttributes:    []types.AliasAttributeType{types.AliasAttributeTypePhoneNumber}})
	wantCode(t, err, "InvalidParameterException")

	err = e.s.Seed(strings.NewReader(`Pools:
  - Id: us-east-1_SeedPhone
    SmsConfiguration: {SnsCallerArn: "arn:aws:iam::123456789012:role/sns", ExternalId: x}
    AutoVerifiedAttributes: [phone_number]
    MfaConfig: {MfaConfiguration: OPTIONAL, SoftwareTokenMfaConfiguration: {Enabled: true}}
`))
	if err == nil || !strings.Contains(err.Error(), refused) {
		t.Fatalf("seed of a pool verifying phone numbers without SMS MFA: %v", err)
	}
}
