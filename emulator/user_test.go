package emulator_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/pquerna/otp/totp"

	"github.com/mfactl/mfactl/emulator"
)

func TestAdminCreateGetDeleteUser(t *testing.T) {
	e := newEnv(t, emulator.Options{})
	id := e.pool("shop")
	created := must[*cip.AdminCreateUserOutput](t)(e.c.AdminCreateUser(e.ctx, &cip.AdminCreateUserInput{
		UserPoolId: &id, Username: aws.String("alice"),
		UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String("alice@example.com")}},
	}))
	if *created.User.Username != "alice" || created.User.UserStatus != types.UserStatusTypeForceChangePassword || !created.User.Enabled {
		t.Fatalf("AdminCreateUser: %+v", created.User)
	}
	_, err := e.c.AdminCreateUser(e.ctx, &cip.AdminCreateUserInput{UserPoolId: &id, Username: aws.String("alice")})
	wantError(t, err, "UsernameExistsException", "User account already exists")

	got := must[*cip.AdminGetUserOutput](t)(e.c.AdminGetUser(e.ctx, &cip.AdminGetUserInput{UserPoolId: &id, Username: aws.String("alice")}))
	if attr(got.UserAttributes, "email") != "alice@example.com" || attr(got.UserAttributes, "sub") == "" ||
		got.UserMFASettingList != nil || got.PreferredMfaSetting != nil || got.MFAOptions != nil {
		t.Fatalf("AdminGetUser: %+v", got)
	}
	// Cognito finds users by sub as well as by username.
	bySub := must[*cip.AdminGetUserOutput](t)(e.c.AdminGetUser(e.ctx, &cip.AdminGetUserInput{UserPoolId: &id, Username: aws.String(attr(got.UserAttributes, "sub"))}))
	if *bySub.Username != "alice" {
		t.Fatalf("by sub: %s", *bySub.Username)
	}

	must[*cip.AdminDeleteUserOutput](t)(e.c.AdminDeleteUser(e.ctx, &cip.AdminDeleteUserInput{UserPoolId: &id, Username: aws.String("alice")}))
	_, err = e.c.AdminGetUser(e.ctx, &cip.AdminGetUserInput{UserPoolId: &id, Username: aws.String("alice")})
	wantError(t, err, "UserNotFoundException", "User does not exist.")
	_, err = e.c.AdminDeleteUser(e.ctx, &cip.AdminDeleteUserInput{UserPoolId: &id, Username: aws.String("alice")})
	wantCode(t, err, "UserNotFoundException")
}

func TestAdminCreateUserValidation(t *testing.T) {
	e := newEnv(t, emulator.Options{})
	id := e.pool("shop")
	attrs := func(name, value string) []types.AttributeType {
		return []types.AttributeType{{Name: aws.String(name), Value: aws.String(value)}}
	}
	tests := []struct {
		name    string
		in      cip.AdminCreateUserInput
		code    string
		message string
	}{
		{"bad phone", cip.AdminCreateUserInput{Username: aws.String("a"), UserAttributes: attrs("phone_number", "555-1234")},
			"InvalidParameterException", "Invalid phone number format."},
		{"bad email", cip.AdminCreateUserInput{Username: aws.String("a"), UserAttributes: attrs("email", "not-an-email")},
			"InvalidParameterException", "Invalid email address format."},
		{"unknown attribute", cip.AdminCreateUserInput{Username: aws.String("a"), UserAttributes: attrs("custom:team", "x")},
			"InvalidParameterException", "Attributes did not conform to the schema: custom:team: Attribute does not exist in the schema."},
		{"username too long", cip.AdminCreateUserInput{Username: aws.String(string(make([]byte, 0)) + longName(129))},
			"InvalidParameterException", "1 validation error detected: Value at 'username' failed to satisfy constraint: Member must have length less than or equal to 128"}, // UsernameType is sensitive: the value is not echoed
		{"weak temporary password", cip.AdminCreateUserInput{Username: aws.String("a"), TemporaryPassword: aws.String("short")},
			"InvalidPasswordException", "Password did not conform with policy: Password not long enough"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.in.UserPoolId = &id
			_, err := e.c.AdminCreateUser(e.ctx, &tt.in)
			wantError(t, err, tt.code, tt.message)
		})
	}
}

func longName(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = 'a'
	}
	return string(b)
}

func attr(list []types.AttributeType, name string) string {
	for _, a := range list {
		if *a.Name == name {
			return aws.ToString(a.Value)
		}
	}
	return ""
}

func TestListUsersPaginates(t *testing.T) {
	e := newEnv(t, emulator.Options{})
	id := e.pool("shop")
	for i := range 130 {
		e.user(id, fmt.Sprintf("user%03d", i), "email", fmt.Sprintf("u%d@example.com", i))
	}
	_, err := e.c.ListUsers(e.ctx, &cip.ListUsersInput{UserPoolId: &id, Limit: aws.Int32(61)})
	wantError(t, err, "InvalidParameterException",
		"1 validation error detected: Value '61' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 60")

	var names []string
	pages := 0
	p := cip.NewListUsersPaginator(e.c, &cip.ListUsersInput{UserPoolId: &id})
	for p.HasMorePages() {
		out := must[*cip.ListUsersOutput](t)(p.NextPage(e.ctx))
		if len(out.Users) > 60 {
			t.Fatalf("page of %d users", len(out.Users))
		}
		for _, u := range out.Users {
			names = append(names, *u.Username)
		}
		pages++
	}
	if len(names) != 130 || pages != 3 || names[0] != "user000" || names[129] != "user129" {
		t.Fatalf("ListUsers: %d users in %d pages", len(names), pages)
	}

	filtered := must[*cip.ListUsersOutput](t)(e.c.ListUsers(e.ctx, &cip.ListUsersInput{UserPoolId: &id, Filter: aws.String(`email = "u7@example.com"`)}))
	if len(filtered.Users) != 1 || *filtered.Users[0].Username != "user007" {
		t.Fatalf("filter: %+v", filtered.Users)
	}
	prefix := must[*cip.ListUsersOutput](t)(e.c.ListUsers(e.ctx, &cip.ListUsersInput{UserPoolId: &id, Filter: aws.String(`username ^= "user12"`)}))
	if len(prefix.Users) != 10 {
		t.Fatalf("prefix filter: %d users", len(prefix.Users))
	}
	_, err = e.c.ListUsers(e.ctx, &cip.ListUsersInput{UserPoolId: &id, Filter: aws.String(`email is "x"`)})
	wantCode(t, err, "InvalidParameterException")
}

func TestGroups(t *testing.T) {
	e := newEnv(t, emulator.Options{})
	id := e.pool("shop")
	must[*cip.CreateGroupOutput](t)(e.c.CreateGroup(e.ctx, &cip.CreateGroupInput{UserPoolId: &id, GroupName: aws.String("admins")}))
	_, err := e.c.CreateGroup(e.ctx, &cip.CreateGroupInput{UserPoolId: &id, GroupName: aws.String("admins")})
	wantCode(t, err, "GroupExistsException")
	for i := range 70 {
		e.user(id, fmt.Sprintf("u%02d", i))
		must[*cip.AdminAddUserToGroupOutput](t)(e.c.AdminAddUserToGroup(e.ctx, &cip.AdminAddUserToGroupInput{
			UserPoolId: &id, GroupName: aws.String("admins"), Username: aws.String(fmt.Sprintf("u%02d", i))}))
	}
	_, err = e.c.AdminAddUserToGroup(e.ctx, &cip.AdminAddUserToGroupInput{UserPoolId: &id, GroupName: aws.String("nobody"), Username: aws.String("u01")})
	wantError(t, err, "ResourceNotFoundException", "Group not found.")
	_, err = e.c.AdminAddUserToGroup(e.ctx, &cip.AdminAddUserToGroupInput{UserPoolId: &id, GroupName: aws.String("admins"), Username: aws.String("ghost")})
	wantCode(t, err, "UserNotFoundException")
	must[*cip.AdminDeleteUserOutput](t)(e.c.AdminDeleteUser(e.ctx, &cip.AdminDeleteUserInput{UserPoolId: &id, Username: aws.String("u00")}))

	var names []string
	p := cip.NewListUsersInGroupPaginator(e.c, &cip.ListUsersInGroupInput{UserPoolId: &id, GroupName: aws.String("admins")})
	for p.HasMorePages() {
		out := must[*cip.ListUsersInGroupOutput](t)(p.NextPage(e.ctx))
		for _, u := range out.Users {
			names = append(names, *u.Username)
		}
	}
	if len(names) != 69 || names[0] != "u01" || slices.Contains(names, "u00") {
		t.Fatalf("ListUsersInGroup: %d users, first %q", len(names), names[0])
	}
}

// mfaPool is a pool with SMS, TOTP and email MFA on, under mode.
func (e *env) mfaPool(mode types.UserPoolMfaType) string {
	e.t.Helper()
	id := e.pool("mfa")
	must[*cip.SetUserPoolMfaConfigOutput](e.t)(e.c.SetUserPoolMfaConfig(e.ctx, &cip.SetUserPoolMfaConfigInput{
		UserPoolId: &id, MfaConfiguration: mode, SmsMfaConfiguration: smsConfig(),
		SoftwareTokenMfaConfiguration: &types.SoftwareTokenMfaConfigType{Enabled: true},
		EmailMfaConfiguration:         &types.EmailMfaConfigType{},
	}))
	return id
}

func TestAdminSetUserMFAPreferenceRules(t *testing.T) {
	e := newEnv(t, emulator.Options{})
	id := e.mfaPool(types.UserPoolMfaTypeOptional)
	e.user(id, "nophone", "email", "n@example.com")
	e.user(id, "both", "email", "b@example.com", "phone_number", "+15555550100")
	on := &types.SMSMfaSettingsType{Enabled: true}
	set := func(username string, in cip.AdminSetUserMFAPreferenceInput) error {
		in.UserPoolId, in.Username = &id, &username
		_, err := e.c.AdminSetUserMFAPreference(e.ctx, &in)
		return err
	}

	wantError(t, set("nophone", cip.AdminSetUserMFAPreferenceInput{SMSMfaSettings: on}),
		"InvalidParameterException", "User does not have a phone_number set to turn on SMS MFA")
	// Even a block that disables SMS is refused for a user without a phone.
	wantError(t, set("nophone", cip.AdminSetUserMFAPreferenceInput{SMSMfaSettings: &types.SMSMfaSettingsType{}}),
		"InvalidParameterException", "User does not have a phone_number set to turn on SMS MFA")
	e.user(id, "nomail", "phone_number", "+15555550101")
	wantError(t, set("nomail", cip.AdminSetUserMFAPreferenceInput{EmailMfaSettings: &types.EmailMfaSettingsType{Enabled: true}}),
		"InvalidParameterException", "User does not have an email set to turn on email MFA")
	wantError(t, set("both", cip.AdminSetUserMFAPreferenceInput{SoftwareTokenMfaSettings: &types.SoftwareTokenMfaSettingsType{Enabled: true}}),
		"InvalidParameterException", "User has not verified software token mfa")
	wantCode(t, set("ghost", cip.AdminSetUserMFAPreferenceInput{SMSMfaSettings: on}), "UserNotFoundException")
	wantCode(t, set("both", cip.AdminSetUserMFAPreferenceInput{
		SMSMfaSettings:   &types.SMSMfaSettingsType{Enabled: true, PreferredMfa: true},
		EmailMfaSettings: &types.EmailMfaSettingsType{Enabled: true, PreferredMfa: true},
	}), "InvalidParameterException")
	wantCode(t, set("both", cip.AdminSetUserMFAPreferenceInput{SMSMfaSettings: &types.SMSMfaSettingsType{PreferredMfa: true}}), "InvalidParameterException")
	wantCode(t, set("both", cip.AdminSetUserMFAPreferenceInput{WebAuthnMfaSettings: &types.WebAuthnMfaSettingsType{Enabled: true}}), "InvalidParameterException")

	// SMS and email on, email preferred; then SMS preferred moves the preference.
	if err := set("both", cip.AdminSetUserMFAPreferenceInput{SMSMfaSettings: on,
		EmailMfaSettings: &types.EmailMfaSettingsType{Enabled: true, PreferredMfa: true}}); err != nil {
		t.Fatal(err)
	}
	get := func(username string) *cip.AdminGetUserOutput {
		return must[*cip.AdminGetUserOutput](t)(e.c.AdminGetUser(e.ctx, &cip.AdminGetUserInput{UserPoolId: &id, Username: &username}))
	}
	u := get("both")
	if !slices.Equal(u.UserMFASettingList, []string{"SMS_MFA", "EMAIL_OTP"}) || aws.ToString(u.PreferredMfaSetting) != "EMAIL_OTP" {
		t.Fatalf("after enabling: %v preferred %v", u.UserMFASettingList, aws.ToString(u.PreferredMfaSetting))
	}
	if err := set("both", cip.AdminSetUserMFAPreferenceInput{SMSMfaSettings: &types.SMSMfaSettingsType{Enabled: true, PreferredMfa: true}}); err != nil {
		t.Fatal(err)
	}
	if u = get("both"); aws.ToString(u.PreferredMfaSetting) != "SMS_MFA" {
		t.Fatalf("one preferred factor: %v", aws.ToString(u.PreferredMfaSetting))
	}
	// Disabling the preferred factor clears the preference.
	if err := set("both", cip.AdminSetUserMFAPreferenceInput{SMSMfaSettings: &types.SMSMfaSettingsType{}}); err != nil {
		t.Fatal(err)
	}
	if u = get("both"); !slices.Equal(u.UserMFASettingList, []string{"EMAIL_OTP"}) || u.PreferredMfaSetting != nil {
		t.Fatalf("after disabling SMS: %v preferred %v", u.UserMFASettingList, aws.ToString(u.PreferredMfaSetting))
	}
}

func TestUserFactorNeedsPoolFactor(t *testing.T) {
	e := newEnv(t, emulator.Options{})
	id := e.pool("totp-only")
	must[*cip.SetUserPoolMfaConfigOutput](t)(e.c.SetUserPoolMfaConfig(e.ctx, &cip.SetUserPoolMfaConfigInput{
		UserPoolId: &id, MfaConfiguration: types.UserPoolMfaTypeOptional,
		SoftwareTokenMfaConfiguration: &types.SoftwareTokenMfaConfigType{Enabled: true},
	}))
	e.user(id, "bob", "phone_number", "+15555550100", "email", "bob@example.com")
	// SMS is the exception, as real Cognito accepted it (amplify-js#11260):
	// listed, but sign-in does not ask for it while the pool has it off.
	must[*cip.AdminSetUserMFAPreferenceOutput](t)(e.c.AdminSetUserMFAPreference(e.ctx, &cip.AdminSetUserMFAPreferenceInput{UserPoolId: &id, Username: aws.String("bob"),
		SMSMfaSettings: &types.SMSMfaSettingsType{Enabled: true}}))
	got := must[*cip.AdminGetUserOutput](t)(e.c.AdminGetUser(e.ctx, &cip.AdminGetUserInput{UserPoolId: &id, Username: aws.String("bob")}))
	if len(got.UserMFASettingList) != 1 || got.UserMFASettingList[0] != "SMS_MFA" {
		t.Fatalf("SMS enabled while the pool has it off: list %v", got.UserMFASettingList)
	}
	_, err := e.c.AdminSetUserMFAPreference(e.ctx, &cip.AdminSetUserMFAPreferenceInput{UserPoolId: &id, Username: aws.String("bob"),
		EmailMfaSettings: &types.EmailMfaSettingsType{Enabled: true}})
	wantError(t, err, "InvalidParameterException", "Email MFA is not enabled for the user pool.")
}

// A user with a registered authenticator still cannot enable TOTP while the
// pool has it off.
func TestUserTOTPNeedsPoolTOTP(t *testing.T) {
	e := newEnv(t, emulator.Options{})
	if err := e.s.Seed(strings.NewReader(`
Pools:
  - Id: us-east-1_SmsOnly
    SmsConfiguration: {SnsCallerArn: "arn:aws:iam::123456789012:role/sns", ExternalId: external-secret}
    MfaConfig: {MfaConfiguration: OPTIONAL, SmsMfaConfiguration: {}}
    Users:
      - Username: dana
        Attributes: {phone_number: "+15555550100"}
        TotpSecret: JBSWY3DPEHPK3PXP
`)); err != nil {
		t.Fatal(err)
	}
	_, err := e.c.AdminSetUserMFAPreference(e.ctx, &cip.AdminSetUserMFAPreferenceInput{UserPoolId: aws.String("us-east-1_SmsOnly"),
		Username: aws.String("dana"), SoftwareTokenMfaSettings: &types.SoftwareTokenMfaSettingsType{Enabled: true}})
	wantError(t, err, "InvalidParameterException", "Software token MFA is not enabled for the user pool.")
	// Disabling it is allowed: the authenticator is registered.
	must[*cip.AdminSetUserMFAPreferenceOutput](t)(e.c.AdminSetUserMFAPreference(e.ctx, &cip.AdminSetUserMFAPreferenceInput{
		UserPoolId: aws.String("us-east-1_SmsOnly"), Username: aws.String("dana"),
		SoftwareTokenMfaSettings: &types.SoftwareTokenMfaSettingsType{Enabled: false}}))
}

func TestLegacyMFAOptions(t *testing.T) {
	e := newEnv(t, emulator.Options{})
	id := e.mfaPool(types.UserPoolMfaTypeOptional)
	e.user(id, "old", "phone_number", "+15555550100")
	e.user(id, "nophone")
	sms := []types.MFAOptionType{{DeliveryMedium: types.DeliveryMediumTypeSms, AttributeName: aws.String("phone_number")}}
	must[*cip.AdminSetUserSettingsOutput](t)(e.c.AdminSetUserSettings(e.ctx, &cip.AdminSetUserSettingsInput{UserPoolId: &id, Username: aws.String("old"), MFAOptions: sms}))
	u := must[*cip.AdminGetUserOutput](t)(e.c.AdminGetUser(e.ctx, &cip.AdminGetUserInput{UserPoolId: &id, Username: aws.String("old")}))
	if len(u.MFAOptions) != 1 || u.MFAOptions[0].DeliveryMedium != types.DeliveryMediumTypeSms || u.UserMFASettingList != nil {
		t.Fatalf("legacy user: options %+v list %v", u.MFAOptions, u.UserMFASettingList)
	}
	_, err := e.c.AdminSetUserSettings(e.ctx, &cip.AdminSetUserSettingsInput{UserPoolId: &id, Username: aws.String("nophone"), MFAOptions: sms})
	wantCode(t, err, "InvalidParameterException")
	_, err = e.c.AdminSetUserSettings(e.ctx, &cip.AdminSetUserSettingsInput{UserPoolId: &id, Username: aws.String("old"),
		MFAOptions: []types.MFAOptionType{{DeliveryMedium: types.DeliveryMediumTypeEmail, AttributeName: aws.String("email")}}})
	wantCode(t, err, "InvalidParameterException")

	// Migrating with one SMS preference call replaces the legacy setting.
	must[*cip.AdminSetUserMFAPreferenceOutput](t)(e.c.AdminSetUserMFAPreference(e.ctx, &cip.AdminSetUserMFAPreferenceInput{
		UserPoolId: &id, Username: aws.String("old"), SMSMfaSettings: &types.SMSMfaSettingsType{Enabled: true, PreferredMfa: true}}))
	u = must[*cip.AdminGetUserOutput](t)(e.c.AdminGetUser(e.ctx, &cip.AdminGetUserInput{UserPoolId: &id, Username: aws.String("old")}))
	if u.MFAOptions != nil || !slices.Equal(u.UserMFASettingList, []string{"SMS_MFA"}) {
		t.Fatalf("migrated: options %+v list %v", u.MFAOptions, u.UserMFASettingList)
	}
}

// signIn returns an access token for username.
func (e *env) signIn(poolID, username string) string {
	e.t.Helper()
	out := e.initiate(poolID, username)
	if out.AuthenticationResult == nil {
		e.t.Fatalf("sign-in of %s answered challenge %s", username, out.ChallengeName)
	}
	return *out.AuthenticationResult.AccessToken
}

func (e *env) initiate(poolID, username string) *cip.InitiateAuthOutput {
	e.t.Helper()
	cl := must[*cip.CreateUserPoolClientOutput](e.t)(e.c.CreateUserPoolClient(e.ctx, &cip.CreateUserPoolClientInput{
		UserPoolId: &poolID, ClientName: aws.String("app"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth},
	}))
	return must[*cip.InitiateAuthOutput](e.t)(e.c.InitiateAuth(e.ctx, &cip.InitiateAuthInput{
		AuthFlow: types.AuthFlowTypeUserPasswordAuth, ClientId: cl.UserPoolClient.ClientId,
		AuthParameters: map[string]string{"USERNAME": username, "PASSWORD": testPassword},
	}))
}

func TestRegisterAuthenticatorLikeAPerson(t *testing.T) {
	clk := &clock{t: time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)}
	e := newEnv(t, emulator.Options{Now: clk.now})
	id := e.mfaPool(types.UserPoolMfaTypeOptional)
	e.user(id, "carol", "email", "carol@example.com")
	token := e.signIn(id, "carol")

	me := must[*cip.GetUserOutput](t)(e.c.GetUser(e.ctx, &cip.GetUserInput{AccessToken: &token}))
	if *me.Username != "carol" {
		t.Fatalf("GetUser: %s", *me.Username)
	}
	_, err := e.c.SetUserMFAPreference(e.ctx, &cip.SetUserMFAPreferenceInput{AccessToken: &token,
		SoftwareTokenMfaSettings: &types.SoftwareTokenMfaSettingsType{Enabled: true}})
	wantError(t, err, "InvalidParameterException", "User has not verified software token mfa")

	assoc := must[*cip.AssociateSoftwareTokenOutput](t)(e.c.AssociateSoftwareToken(e.ctx, &cip.AssociateSoftwareTokenInput{AccessToken: &token}))
	secret := *assoc.SecretCode
	wrong, _ := totp.GenerateCode(secret, clk.t.Add(-10*time.Minute))
	_, err = e.c.VerifySoftwareToken(e.ctx, &cip.VerifySoftwareTokenInput{AccessToken: &token, UserCode: &wrong})
	wantError(t, err, "EnableSoftwareTokenMFAException", "Code mismatch and fail enable Software Token MFA")

	code, err := totp.GenerateCode(secret, clk.t)
	if err != nil {
		t.Fatal(err)
	}
	ok := must[*cip.VerifySoftwareTokenOutput](t)(e.c.VerifySoftwareToken(e.ctx, &cip.VerifySoftwareTokenInput{AccessToken: &token, UserCode: &code}))
	if ok.Status != types.VerifySoftwareTokenResponseTypeSuccess {
		t.Fatalf("VerifySoftwareToken: %s", ok.Status)
	}
	// Verifying registers the authenticator but does not enable TOTP.
	me = must[*cip.GetUserOutput](t)(e.c.GetUser(e.ctx, &cip.GetUserInput{AccessToken: &token}))
	if me.UserMFASettingList != nil {
		t.Fatalf("after verify: %v", me.UserMFASettingList)
	}
	must[*cip.SetUserMFAPreferenceOutput](t)(e.c.SetUserMFAPreference(e.ctx, &cip.SetUserMFAPreferenceInput{AccessToken: &token,
		SoftwareTokenMfaSettings: &types.SoftwareTokenMfaSettingsType{Enabled: true, PreferredMfa: true}}))
	me = must[*cip.GetUserOutput](t)(e.c.GetUser(e.ctx, &cip.GetUserInput{AccessToken: &token}))
	if !slices.Equal(me.UserMFASettingList, []string{"SOFTWARE_TOKEN_MFA"}) || aws.ToString(me.PreferredMfaSetting) != "SOFTWARE_TOKEN_MFA" {
		t.Fatalf("after enabling: %v %v", me.UserMFASettingList, aws.ToString(me.PreferredMfaSetting))
	}
	// The next sign-in asks for the authenticator's code.
	if out := e.initiate(id, "carol"); out.ChallengeName != types.ChallengeNameTypeSoftwareTokenMfa || out.Session == nil {
		t.Fatalf("sign-in challenge: %q", out.ChallengeName)
	}

	// Tokens expire; a tampered token is refused.
	clk.t = clk.t.Add(2 * time.Hour)
	_, err = e.c.GetUser(e.ctx, &cip.GetUserInput{AccessToken: &token})
	wantError(t, err, "NotAuthorizedException", "Access Token has expired")
	tampered := token[:len(token)-2] + "xx"
	_, err = e.c.GetUser(e.ctx, &cip.GetUserInput{AccessToken: &tampered})
	wantError(t, err, "NotAuthorizedException", "Invalid Access Token")
}

func TestSignInChallenges(t *testing.T) {
	e := newEnv(t, emulator.Options{})
	optional := e.mfaPool(types.UserPoolMfaTypeOptional)
	on := e.mfaPool(types.UserPoolMfaTypeOn)
	e.user(optional, "plain", "email", "p@example.com")
	e.user(optional, "sms", "phone_number", "+15555550100", "email", "s@example.com")
	must[*cip.AdminSetUserMFAPreferenceOutput](t)(e.c.AdminSetUserMFAPreference(e.ctx, &cip.AdminSetUserMFAPreferenceInput{
		UserPoolId: &optional, Username: aws.String("sms"), SMSMfaSettings: &types.SMSMfaSettingsType{Enabled: true},
		EmailMfaSettings: &types.EmailMfaSettingsType{Enabled: true}}))
	e.user(on, "fresh")
	e.user(on, "phone", "phone_number", "+15555550101")

	if out := e.initiate(optional, "plain"); out.AuthenticationResult == nil {
		t.Fatalf("OPTIONAL, no factor: want tokens, got %q", out.ChallengeName)
	}
	out := e.initiate(optional, "sms")
	if out.ChallengeName != types.ChallengeNameTypeSelectMfaType || out.ChallengeParameters["MFAS_CAN_CHOOSE"] != `["SMS_MFA","EMAIL_OTP"]` {
		t.Fatalf("two factors, none preferred: %q %v", out.ChallengeName, out.ChallengeParameters)
	}
	out = e.initiate(on, "fresh")
	if out.ChallengeName != types.ChallengeNameTypeMfaSetup {
		t.Fatalf("ON, no factor: %q", out.ChallengeName)
	}
	out = e.initiate(on, "phone")
	if out.ChallengeName != types.ChallengeNameTypeSmsMfa || out.ChallengeParameters["CODE_DELIVERY_DESTINATION"] != "********0101" {
		t.Fatalf("ON with a phone: %q %v", out.ChallengeName, out.ChallengeParameters)
	}

	// Wrong password, unknown user, client without the flow.
	cl := must[*cip.CreateUserPoolClientOutput](t)(e.c.CreateUserPoolClient(e.ctx, &cip.CreateUserPoolClientInput{UserPoolId: &optional, ClientName: aws.String("srp")}))
	_, err := e.c.InitiateAuth(e.ctx, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeUserPasswordAuth, ClientId: cl.UserPoolClient.ClientId,
		AuthParameters: map[string]string{"USERNAME": "plain", "PASSWORD": testPassword}})
	wantError(t, err, "InvalidParameterException", "USER_PASSWORD_AUTH flow not enabled for this client")
}

func TestCompleteSignInWithEachChallenge(t *testing.T) {
	clk := &clock{t: time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)}
	e := newEnv(t, emulator.Options{Now: clk.now})
	const secret = "JBSWY3DPEHPK3PXP"
	seed := fmt.Sprintf(`
Pools:
  - Id: us-east-1_Flows
    SmsConfiguration: {SnsCallerArn: "arn:aws:iam::123456789012:role/sns", ExternalId: x}
    MfaConfig: {MfaConfiguration: OPTIONAL, SmsMfaConfiguration: {}, SoftwareTokenMfaConfiguration: {Enabled: true}}
    Clients: [{ClientId: flows, ExplicitAuthFlows: [ALLOW_USER_PASSWORD_AUTH]}]
    Users:
      - {Username: totp, Password: %[1]s, TotpSecret: %[2]s, MfaSettings: {SoftwareTokenMfaSettings: {Enabled: true}}}
      - Username: chooser
        Password: %[1]s
        TotpSecret: %[2]s
        Attributes: {phone_number: "+15555550104"}
        MfaSettings: {SoftwareTokenMfaSettings: {Enabled: true}, SMSMfaSettings: {Enabled: true}}
`, testPassword, secret)
	if err := e.s.Seed(strings.NewReader(seed)); err != nil {
		t.Fatal(err)
	}
	start := func(username string) *cip.InitiateAuthOutput {
		return must[*cip.InitiateAuthOutput](t)(e.c.InitiateAuth(e.ctx, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeUserPasswordAuth,
			ClientId: aws.String("flows"), AuthParameters: map[string]string{"USERNAME": username, "PASSWORD": testPassword}}))
	}
	respond := func(name types.ChallengeNameType, session *string, r map[string]string) (*cip.RespondToAuthChallengeOutput, error) {
		return e.c.RespondToAuthChallenge(e.ctx, &cip.RespondToAuthChallengeInput{ClientId: aws.String("flows"), ChallengeName: name, Session: session, ChallengeResponses: r})
	}

	// TOTP: a wrong code, then the right one.
	out := start("totp")
	_, err := respond(out.ChallengeName, out.Session, map[string]string{"USERNAME": "totp", "SOFTWARE_TOKEN_MFA_CODE": "000000"})
	wantCode(t, err, "CodeMismatchException")
	out = start("totp")
	code, _ := totp.GenerateCode(secret, clk.t)
	done := must[*cip.RespondToAuthChallengeOutput](t)(respond(out.ChallengeName, out.Session, map[string]string{"USERNAME": "totp", "SOFTWARE_TOKEN_MFA_CODE": code}))
	if done.AuthenticationResult == nil {
		t.Fatal("no tokens after a correct TOTP code")
	}
	// A session answers one challenge.
	_, err = respond(out.ChallengeName, out.Session, map[string]string{"USERNAME": "totp", "SOFTWARE_TOKEN_MFA_CODE": code})
	wantCode(t, err, "NotAuthorizedException")

	// SELECT_MFA_TYPE, then SMS with the code the emulator "sent".
	out = start("chooser")
	if out.ChallengeName != types.ChallengeNameTypeSelectMfaType {
		t.Fatalf("chooser: %q", out.ChallengeName)
	}
	sms := must[*cip.RespondToAuthChallengeOutput](t)(respond(out.ChallengeName, out.Session, map[string]string{"USERNAME": "chooser", "ANSWER": "SMS_MFA"}))
	if sms.ChallengeName != types.ChallengeNameTypeSmsMfa {
		t.Fatalf("after choosing SMS: %q", sms.ChallengeName)
	}
	msgs := e.s.Messages()
	last := msgs[len(msgs)-1]
	if last.Username != "chooser" || last.Medium != "SMS" || last.Destination != "+15555550104" || len(last.Code) != 6 {
		t.Fatalf("message %+v", last)
	}
	done = must[*cip.RespondToAuthChallengeOutput](t)(respond(sms.ChallengeName, sms.Session, map[string]string{"USERNAME": "chooser", "SMS_MFA_CODE": last.Code}))
	if done.AuthenticationResult == nil {
		t.Fatal("no tokens after the SMS code")
	}
}

func TestMfaSetupAndNewPassword(t *testing.T) {
	clk := &clock{t: time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)}
	e := newEnv(t, emulator.Options{Now: clk.now})
	id := e.pool("required")
	must[*cip.SetUserPoolMfaConfigOutput](t)(e.c.SetUserPoolMfaConfig(e.ctx, &cip.SetUserPoolMfaConfigInput{UserPoolId: &id,
		MfaConfiguration: types.UserPoolMfaTypeOn, SoftwareTokenMfaConfiguration: &types.SoftwareTokenMfaConfigType{Enabled: true}}))
	must[*cip.AdminCreateUserOutput](t)(e.c.AdminCreateUser(e.ctx, &cip.AdminCreateUserInput{UserPoolId: &id, Username: aws.String("lea"),
		TemporaryPassword: aws.String(testPassword)}))
	cl := must[*cip.CreateUserPoolClientOutput](t)(e.c.CreateUserPoolClient(e.ctx, &cip.CreateUserPoolClientInput{UserPoolId: &id,
		ClientName: aws.String("app"), ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth}})).UserPoolClient
	out := must[*cip.InitiateAuthOutput](t)(e.c.InitiateAuth(e.ctx, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeUserPasswordAuth,
		ClientId: cl.ClientId, AuthParameters: map[string]string{"USERNAME": "lea", "PASSWORD": testPassword}}))
	if out.ChallengeName != types.ChallengeNameTypeNewPasswordRequired {
		t.Fatalf("%q", out.ChallengeName)
	}
	next := must[*cip.RespondToAuthChallengeOutput](t)(e.c.RespondToAuthChallenge(e.ctx, &cip.RespondToAuthChallengeInput{ClientId: cl.ClientId,
		ChallengeName: out.ChallengeName, Session: out.Session, ChallengeResponses: map[string]string{"USERNAME": "lea", "NEW_PASSWORD": "Another-Horse-7"}}))
	if next.ChallengeName != types.ChallengeNameTypeMfaSetup || next.ChallengeParameters["MFAS_CAN_SETUP"] != `["SOFTWARE_TOKEN_MFA"]` {
		t.Fatalf("after the new password under ON: %q %v", next.ChallengeName, next.ChallengeParameters)
	}
	assoc := must[*cip.AssociateSoftwareTokenOutput](t)(e.c.AssociateSoftwareToken(e.ctx, &cip.AssociateSoftwareTokenInput{Session: next.Session}))
	code, _ := totp.GenerateCode(*assoc.SecretCode, clk.t)
	verified := must[*cip.VerifySoftwareTokenOutput](t)(e.c.VerifySoftwareToken(e.ctx, &cip.VerifySoftwareTokenInput{Session: assoc.Session, UserCode: &code}))
	done := must[*cip.RespondToAuthChallengeOutput](t)(e.c.RespondToAuthChallenge(e.ctx, &cip.RespondToAuthChallengeInput{ClientId: cl.ClientId,
		ChallengeName: types.ChallengeNameTypeMfaSetup, Session: verified.Session, ChallengeResponses: map[string]string{"USERNAME": "lea"}}))
	if done.AuthenticationResult == nil {
		t.Fatal("no tokens after MFA_SETUP")
	}
	// Enrolled during sign-in: the list stays empty, as Cognito reports such users.
	u := must[*cip.AdminGetUserOutput](t)(e.c.AdminGetUser(e.ctx, &cip.AdminGetUserInput{UserPoolId: &id, Username: aws.String("lea")}))
	if u.UserMFASettingList != nil || u.UserStatus != types.UserStatusTypeConfirmed {
		t.Fatalf("after MFA_SETUP: %v %s", u.UserMFASettingList, u.UserStatus)
	}
	// The next sign-in asks for the authenticator.
	clk.t = clk.t.Add(time.Minute)
	out = must[*cip.InitiateAuthOutput](t)(e.c.InitiateAuth(e.ctx, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeUserPasswordAuth,
		ClientId: cl.ClientId, AuthParameters: map[string]string{"USERNAME": "lea", "PASSWORD": "Another-Horse-7"}}))
	if out.ChallengeName != types.ChallengeNameTypeSoftwareTokenMfa {
		t.Fatalf("next sign-in: %q", out.ChallengeName)
	}
}

func TestTokensNeedTheAdminScopeAndDieWithGlobalSignOut(t *testing.T) {
	e := newEnv(t, emulator.Options{})
	id := e.mfaPool(types.UserPoolMfaTypeOptional)
	e.user(id, "dave", "phone_number", "+15555550101")

	narrow := must[string](t)(e.s.IssueAccessToken(id, "dave", "openid", "email"))
	for name, call := range map[string]func() error{
		"GetUser": func() error { _, err := e.c.GetUser(e.ctx, &cip.GetUserInput{AccessToken: &narrow}); return err },
		"SetUserMFAPreference": func() error {
			_, err := e.c.SetUserMFAPreference(e.ctx, &cip.SetUserMFAPreferenceInput{AccessToken: &narrow,
				SMSMfaSettings: &types.SMSMfaSettingsType{Enabled: true}})
			return err
		},
		"AssociateSoftwareToken": func() error {
			_, err := e.c.AssociateSoftwareToken(e.ctx, &cip.AssociateSoftwareTokenInput{AccessToken: &narrow})
			return err
		},
	} {
		t.Run(name, func(t *testing.T) {
			wantError(t, call(), "NotAuthorizedException", "Access Token does not have required scopes")
		})
	}

	// A helper token and a sign-in token are equally good, and both die
	// with GlobalSignOut.
	helper := must[string](t)(e.s.IssueAccessToken(id, "dave"))
	signedIn := e.signIn(id, "dave")
	for _, tok := range []string{helper, signedIn} {
		if me := must[*cip.GetUserOutput](t)(e.c.GetUser(e.ctx, &cip.GetUserInput{AccessToken: &tok})); *me.Username != "dave" {
			t.Fatalf("GetUser: %s", *me.Username)
		}
	}
	must[*cip.GlobalSignOutOutput](t)(e.c.GlobalSignOut(e.ctx, &cip.GlobalSignOutInput{AccessToken: &signedIn}))
	for _, tok := range []string{helper, signedIn} {
		_, err := e.c.GetUser(e.ctx, &cip.GetUserInput{AccessToken: &tok})
		wantError(t, err, "NotAuthorizedException", "Access Token has been revoked")
	}
	if _, err := e.s.IssueAccessToken(id, "nobody"); err == nil {
		t.Fatal("IssueAccessToken for an unknown user succeeded")
	}
}

// The most common support case: a user registered an authenticator, and
// TOTP was later switched off for them (or never switched on). Reads show no
// TOTP either way; the admin's re-enable works only when one is registered.
func TestAdminReEnablesARegisteredAuthenticator(t *testing.T) {
	clk := &clock{t: time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)}
	e := newEnv(t, emulator.Options{Now: clk.now})
	id := e.mfaPool(types.UserPoolMfaTypeOptional)
	e.user(id, "dana", "email", "dana@example.com")
	e.user(id, "eve", "email", "eve@example.com")
	token := e.signIn(id, "dana")
	assoc := must[*cip.AssociateSoftwareTokenOutput](t)(e.c.AssociateSoftwareToken(e.ctx, &cip.AssociateSoftwareTokenInput{AccessToken: &token}))
	code, err := totp.GenerateCode(*assoc.SecretCode, clk.t)
	if err != nil {
		t.Fatal(err)
	}
	must[*cip.VerifySoftwareTokenOutput](t)(e.c.VerifySoftwareToken(e.ctx, &cip.VerifySoftwareTokenInput{AccessToken: &token, UserCode: &code}))
	admin := func(username string, enabled bool) error {
		_, err := e.c.AdminSetUserMFAPreference(e.ctx, &cip.AdminSetUserMFAPreferenceInput{UserPoolId: &id, Username: &username,
			SoftwareTokenMfaSettings: &types.SoftwareTokenMfaSettingsType{Enabled: enabled, PreferredMfa: enabled}})
		return err
	}
	list := func(username string) []string {
		return must[*cip.AdminGetUserOutput](t)(e.c.AdminGetUser(e.ctx, &cip.AdminGetUserInput{UserPoolId: &id, Username: &username})).UserMFASettingList
	}
	for _, step := range []bool{true, false, true} {
		if err := admin("dana", step); err != nil {
			t.Fatalf("admin sets dana's TOTP to %t: %v", step, err)
		}
	}
	if got := list("dana"); !slices.Equal(got, []string{"SOFTWARE_TOKEN_MFA"}) {
		t.Fatalf("after disable and re-enable: %v", got)
	}
	// eve looks the same to AdminGetUser before, but never registered one.
	if got := list("eve"); len(got) != 0 {
		t.Fatalf("eve: %v", got)
	}
	wantError(t, admin("eve", true), "InvalidParameterException", "User has not verified software token mfa")
}
