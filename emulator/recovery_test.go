package emulator_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/mfactl/mfactl/emulator"
)

// recoverySeed is a pool that requires MFA (TOTP or email) and remembers
// devices; alice has an authenticator, a remembered and a forgotten-to-be
// device, and two passkeys; bob has no verified address.
const recoverySeed = `
Pools:
  - Id: us-east-1_Recover1
    UserPoolTier: ESSENTIALS
    EmailConfiguration:
      EmailSendingAccount: DEVELOPER
      SourceArn: arn:aws:ses:us-east-1:123456789012:identity/example.com
    MfaConfig:
      MfaConfiguration: ON
      SoftwareTokenMfaConfiguration: {Enabled: true}
      EmailMfaConfiguration: {Message: "Code {####}", Subject: Code}
    DeviceConfiguration: {ChallengeRequiredOnNewDevice: true}
    Clients:
      - ClientId: recoverclient
        ExplicitAuthFlows: [ALLOW_USER_PASSWORD_AUTH]
    Users:
      - Username: alice
        Password: Correct-Horse-9
        Attributes: {email: alice@example.com, email_verified: "true"}
        TotpSecret: JBSWY3DPEHPK3PXP
        MfaSettings:
          SoftwareTokenMfaSettings: {Enabled: true, PreferredMfa: true}
        Devices:
          - {DeviceKey: us-east-1_0f0e0d0c-0000-4000-8000-000000000001, Name: alice-laptop}
          - {DeviceKey: us-east-1_0f0e0d0c-0000-4000-8000-000000000002, Name: alice-old-phone, Remembered: false}
        Passkeys:
          - {CredentialId: cred-1, Name: YubiKey, RelyingPartyId: example.com, Attachment: cross-platform, Transports: [usb]}
          - {CredentialId: cred-2, Name: Phone, RelyingPartyId: example.com, Attachment: platform, Transports: [internal]}
      - Username: bob
        Password: Correct-Horse-9
        Attributes: {email: bob@example.com}
`

const (
	recoverPool = "us-east-1_Recover1"
	laptop      = "us-east-1_0f0e0d0c-0000-4000-8000-000000000001"
)

func recoveryEnv(t *testing.T, now func() time.Time) *env {
	e := newEnv(t, emulator.Options{Now: now})
	if err := e.s.Seed(strings.NewReader(recoverySeed)); err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *env) signInWith(username, deviceKey string) (*cip.InitiateAuthOutput, error) {
	params := map[string]string{"USERNAME": username, "PASSWORD": testPassword}
	if deviceKey != "" {
		params["DEVICE_KEY"] = deviceKey
	}
	return e.c.InitiateAuth(e.ctx, &cip.InitiateAuthInput{
		AuthFlow: types.AuthFlowTypeUserPasswordAuth, ClientId: aws.String("recoverclient"), AuthParameters: params,
	})
}

func TestRememberedDeviceSkipsMFAUntilForgotten(t *testing.T) {
	e := recoveryEnv(t, nil)
	out := must[*cip.InitiateAuthOutput](t)(e.signInWith("alice", ""))
	if out.ChallengeName != types.ChallengeNameTypeSoftwareTokenMfa {
		t.Fatalf("without a device: challenge %q, want SOFTWARE_TOKEN_MFA", out.ChallengeName)
	}
	out = must[*cip.InitiateAuthOutput](t)(e.signInWith("alice", laptop))
	if out.AuthenticationResult == nil {
		t.Fatalf("remembered device: challenge %q, want tokens", out.ChallengeName)
	}
	// A tracked device that is not remembered does not skip MFA.
	out = must[*cip.InitiateAuthOutput](t)(e.signInWith("alice", "us-east-1_0f0e0d0c-0000-4000-8000-000000000002"))
	if out.ChallengeName != types.ChallengeNameTypeSoftwareTokenMfa {
		t.Fatalf("not-remembered device: challenge %q", out.ChallengeName)
	}

	list := must[*cip.AdminListDevicesOutput](t)(e.c.AdminListDevices(e.ctx, &cip.AdminListDevicesInput{
		UserPoolId: aws.String(recoverPool), Username: aws.String("alice"), Limit: aws.Int32(1)}))
	if len(list.Devices) != 1 || aws.ToString(list.Devices[0].DeviceKey) != laptop || list.PaginationToken == nil ||
		list.Devices[0].DeviceLastAuthenticatedDate == nil {
		t.Fatalf("first page: %+v", list)
	}
	if !hasAttr(list.Devices[0].DeviceAttributes, "dev:device_remembered_status", "remembered") {
		t.Errorf("laptop attributes: %v", list.Devices[0].DeviceAttributes)
	}
	next := must[*cip.AdminListDevicesOutput](t)(e.c.AdminListDevices(e.ctx, &cip.AdminListDevicesInput{
		UserPoolId: aws.String(recoverPool), Username: aws.String("alice"), PaginationToken: list.PaginationToken}))
	if len(next.Devices) != 1 || next.PaginationToken != nil || !hasAttr(next.Devices[0].DeviceAttributes, "dev:device_remembered_status", "not_remembered") {
		t.Fatalf("second page: %+v", next)
	}

	must[*cip.AdminForgetDeviceOutput](t)(e.c.AdminForgetDevice(e.ctx, &cip.AdminForgetDeviceInput{
		UserPoolId: aws.String(recoverPool), Username: aws.String("alice"), DeviceKey: aws.String(laptop)}))
	out = must[*cip.InitiateAuthOutput](t)(e.signInWith("alice", laptop))
	if out.ChallengeName != types.ChallengeNameTypeSoftwareTokenMfa {
		t.Fatalf("forgotten device: challenge %q, want SOFTWARE_TOKEN_MFA", out.ChallengeName)
	}
	_, err := e.c.AdminForgetDevice(e.ctx, &cip.AdminForgetDeviceInput{
		UserPoolId: aws.String(recoverPool), Username: aws.String("alice"), DeviceKey: aws.String(laptop)})
	wantError(t, err, emulator.CodeResourceNotFound, "Device does not exist.")
	_, err = e.c.AdminForgetDevice(e.ctx, &cip.AdminForgetDeviceInput{
		UserPoolId: aws.String(recoverPool), Username: aws.String("alice"), DeviceKey: aws.String("not a key")})
	wantCode(t, err, emulator.CodeInvalidParameter)
}

func TestRememberedDeviceNeedsDeviceConfiguration(t *testing.T) {
	e := recoveryEnv(t, nil)
	seed := strings.Replace(strings.Replace(recoverySeed, "    DeviceConfiguration: {ChallengeRequiredOnNewDevice: true}\n", "", 1), "Recover1", "Recover2", 1)
	if err := e.s.Seed(strings.NewReader(strings.Replace(seed, "recoverclient", "otherclient", 1))); err != nil {
		t.Fatal(err)
	}
	out := must[*cip.InitiateAuthOutput](t)(e.c.InitiateAuth(e.ctx, &cip.InitiateAuthInput{
		AuthFlow: types.AuthFlowTypeUserPasswordAuth, ClientId: aws.String("otherclient"),
		AuthParameters: map[string]string{"USERNAME": "alice", "PASSWORD": testPassword, "DEVICE_KEY": laptop},
	}))
	if out.ChallengeName != types.ChallengeNameTypeSoftwareTokenMfa {
		t.Fatalf("pool without DeviceConfiguration: challenge %q, want SOFTWARE_TOKEN_MFA", out.ChallengeName)
	}
}

func TestAdminUserGlobalSignOutRevokesEarlierTokens(t *testing.T) {
	clk := &clock{t: time.Now()}
	e := recoveryEnv(t, clk.now)
	out := must[*cip.InitiateAuthOutput](t)(e.signInWith("alice", laptop))
	token := out.AuthenticationResult.AccessToken
	must[*cip.GetUserOutput](t)(e.c.GetUser(e.ctx, &cip.GetUserInput{AccessToken: token}))

	clk.t = clk.t.Add(2 * time.Second)
	must[*cip.AdminUserGlobalSignOutOutput](t)(e.c.AdminUserGlobalSignOut(e.ctx, &cip.AdminUserGlobalSignOutInput{
		UserPoolId: aws.String(recoverPool), Username: aws.String("alice")}))
	_, err := e.c.GetUser(e.ctx, &cip.GetUserInput{AccessToken: token})
	wantError(t, err, emulator.CodeNotAuthorized, "Access Token has been revoked")

	// A sign-in in the same second as the sign-out gets a token that works.
	fresh := must[*cip.InitiateAuthOutput](t)(e.signInWith("alice", laptop))
	must[*cip.GetUserOutput](t)(e.c.GetUser(e.ctx, &cip.GetUserInput{AccessToken: fresh.AuthenticationResult.AccessToken}))

	_, err = e.c.AdminUserGlobalSignOut(e.ctx, &cip.AdminUserGlobalSignOutInput{UserPoolId: aws.String(recoverPool), Username: aws.String("nobody")})
	wantCode(t, err, emulator.CodeUserNotFound)
}

func TestAdminResetUserPassword(t *testing.T) {
	e := recoveryEnv(t, nil)
	must[*cip.AdminResetUserPasswordOutput](t)(e.c.AdminResetUserPassword(e.ctx, &cip.AdminResetUserPasswordInput{
		UserPoolId: aws.String(recoverPool), Username: aws.String("alice")}))
	alice := must[*cip.AdminGetUserOutput](t)(e.c.AdminGetUser(e.ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(recoverPool), Username: aws.String("alice")}))
	if alice.UserStatus != types.UserStatusTypeResetRequired {
		t.Fatalf("status %s, want RESET_REQUIRED", alice.UserStatus)
	}
	_, err := e.signInWith("alice", "")
	wantError(t, err, emulator.CodePasswordResetRequired, "Password reset required for the user")
	msgs := e.s.Messages()
	if len(msgs) != 1 || msgs[0].Medium != "EMAIL" || msgs[0].Destination != "alice@example.com" || len(msgs[0].Code) != 6 {
		t.Fatalf("messages: %+v", msgs)
	}

	// bob's email is not verified: Cognito cannot send him a code.
	_, err = e.c.AdminResetUserPassword(e.ctx, &cip.AdminResetUserPasswordInput{UserPoolId: aws.String(recoverPool), Username: aws.String("bob")})
	wantError(t, err, emulator.CodeInvalidParameter, "Cannot reset password for the user as there is no registered/verified email or phone_number")
}

func TestPasskeysListAndDeleteWithTheUsersToken(t *testing.T) {
	e := recoveryEnv(t, nil)
	token := aws.String(must[string](t)(e.s.IssueAccessToken(recoverPool, "alice")))
	page := must[*cip.ListWebAuthnCredentialsOutput](t)(e.c.ListWebAuthnCredentials(e.ctx, &cip.ListWebAuthnCredentialsInput{AccessToken: token, MaxResults: aws.Int32(1)}))
	if len(page.Credentials) != 1 || aws.ToString(page.Credentials[0].CredentialId) != "cred-1" || page.NextToken == nil ||
		aws.ToString(page.Credentials[0].AuthenticatorAttachment) != "cross-platform" {
		t.Fatalf("first page: %+v", page)
	}
	page = must[*cip.ListWebAuthnCredentialsOutput](t)(e.c.ListWebAuthnCredentials(e.ctx, &cip.ListWebAuthnCredentialsInput{AccessToken: token, NextToken: page.NextToken}))
	if len(page.Credentials) != 1 || aws.ToString(page.Credentials[0].FriendlyCredentialName) != "Phone" || page.NextToken != nil {
		t.Fatalf("second page: %+v", page)
	}
	must[*cip.DeleteWebAuthnCredentialOutput](t)(e.c.DeleteWebAuthnCredential(e.ctx, &cip.DeleteWebAuthnCredentialInput{AccessToken: token, CredentialId: aws.String("cred-1")}))
	all := must[*cip.ListWebAuthnCredentialsOutput](t)(e.c.ListWebAuthnCredentials(e.ctx, &cip.ListWebAuthnCredentialsInput{AccessToken: token}))
	if len(all.Credentials) != 1 || aws.ToString(all.Credentials[0].CredentialId) != "cred-2" {
		t.Fatalf("after delete: %+v", all.Credentials)
	}
	_, err := e.c.DeleteWebAuthnCredential(e.ctx, &cip.DeleteWebAuthnCredentialInput{AccessToken: token, CredentialId: aws.String("cred-1")})
	wantCode(t, err, emulator.CodeResourceNotFound)
	_, err = e.c.ListWebAuthnCredentials(e.ctx, &cip.ListWebAuthnCredentialsInput{AccessToken: aws.String("not.a.token")})
	wantCode(t, err, emulator.CodeNotAuthorized)
}

func TestDevicesAndPasskeysSurviveARestart(t *testing.T) {
	e := recoveryEnv(t, nil)
	path := t.TempDir() + "/state.json"
	if err := e.s.SaveState(path); err != nil {
		t.Fatal(err)
	}
	again := newEnv(t, emulator.Options{})
	if err := again.s.LoadState(path); err != nil {
		t.Fatal(err)
	}
	list := must[*cip.AdminListDevicesOutput](t)(again.c.AdminListDevices(again.ctx, &cip.AdminListDevicesInput{UserPoolId: aws.String(recoverPool), Username: aws.String("alice")}))
	if len(list.Devices) != 2 {
		t.Fatalf("devices after restart: %+v", list.Devices)
	}
	out := must[*cip.InitiateAuthOutput](t)(again.signInWith("alice", laptop))
	if out.AuthenticationResult == nil {
		t.Fatalf("remembered device after restart: challenge %q", out.ChallengeName)
	}
	token := aws.String(must[string](t)(again.s.IssueAccessToken(recoverPool, "alice")))
	creds := must[*cip.ListWebAuthnCredentialsOutput](t)(again.c.ListWebAuthnCredentials(again.ctx, &cip.ListWebAuthnCredentialsInput{AccessToken: token}))
	if len(creds.Credentials) != 2 {
		t.Fatalf("passkeys after restart: %+v", creds.Credentials)
	}
}

func hasAttr(attrs []types.AttributeType, name, value string) bool {
	for _, a := range attrs {
		if aws.ToString(a.Name) == name && aws.ToString(a.Value) == value {
			return true
		}
	}
	return false
}

// deviceSeed is a pool requiring MFA with SMS, TOTP and email, whose
// DeviceConfiguration is %[2]s; each user has a device of their own.
const deviceSeed = `
Pools:
  - Id: us-east-1_Devices%[1]d
    UserPoolTier: ESSENTIALS
    SmsConfiguration: {SnsCallerArn: "arn:aws:iam::123456789012:role/cognito-sms", ExternalId: x, SnsRegion: us-east-1}
    EmailConfiguration:
      EmailSendingAccount: DEVELOPER
      SourceArn: arn:aws:ses:us-east-1:123456789012:identity/example.com
    MfaConfig:
      MfaConfiguration: ON
      SmsMfaConfiguration: {SmsAuthenticationMessage: "Code {####}"}
      SoftwareTokenMfaConfiguration: {Enabled: true}
      EmailMfaConfiguration: {Message: "Code {####}", Subject: Code}
    %[2]s
    Clients:
      - ClientId: devices%[1]d
        ExplicitAuthFlows: [ALLOW_USER_PASSWORD_AUTH]
    Users:
      - Username: tess
        Password: Correct-Horse-9
        TotpSecret: JBSWY3DPEHPK3PXP
        MfaSettings: {SoftwareTokenMfaSettings: {Enabled: true, PreferredMfa: true}}
        Devices: [{DeviceKey: us-east-1_0f0e0d0c-0000-4000-8000-00000000000a}]
      - Username: tom
        Password: Correct-Horse-9
        TotpSecret: JBSWY3DPEHPK3PXP
        MfaSettings: {SoftwareTokenMfaSettings: {Enabled: true, PreferredMfa: true}}
        Devices: [{DeviceKey: us-east-1_0f0e0d0c-0000-4000-8000-00000000000b, Remembered: true}]
      - Username: sam
        Password: Correct-Horse-9
        Attributes: {phone_number: "+15550100"}
        MfaSettings: {SMSMfaSettings: {Enabled: true, PreferredMfa: true}}
        Devices: [{DeviceKey: us-east-1_0f0e0d0c-0000-4000-8000-00000000000c}]
      - Username: eve
        Password: Correct-Horse-9
        Attributes: {email: eve@example.com, email_verified: "true"}
        MfaSettings: {EmailMfaSettings: {Enabled: true, PreferredMfa: true}}
        Devices: [{DeviceKey: us-east-1_0f0e0d0c-0000-4000-8000-00000000000d}]
      - Username: cho
        Password: Correct-Horse-9
        Attributes: {email: cho@example.com, email_verified: "true"}
        TotpSecret: JBSWY3DPEHPK3PXP
        MfaSettings: {SoftwareTokenMfaSettings: {Enabled: true}, EmailMfaSettings: {Enabled: true}}
        Devices: [{DeviceKey: us-east-1_0f0e0d0c-0000-4000-8000-00000000000e}]
      - Username: ned
        Password: Correct-Horse-9
        Devices: [{DeviceKey: us-east-1_0f0e0d0c-0000-4000-8000-00000000000f}]
`

// A remembered device replaces the MFA challenge as Cognito documents it
// (DeviceConfigurationType): only with ChallengeRequiredOnNewDevice, only
// when remembered (with DeviceOnlyRememberedOnUserPrompt, when the user
// chose to), only the user's own, and only for SMS and TOTP; where the
// documentation is silent (email, a choice with email, MFA_SETUP) the
// challenge stays.
func TestRememberedDeviceFollowsDeviceConfiguration(t *testing.T) {
	device := func(last string) string { return "us-east-1_0f0e0d0c-0000-4000-8000-00000000000" + last }
	// Each user signs in on their own device (tess's on another user's);
	// "tokens" is a skipped challenge.
	type signIn struct{ user, device, want string }
	for i, tc := range []struct {
		config string
		want   []signIn
	}{
		{"DeviceConfiguration: {ChallengeRequiredOnNewDevice: true}", []signIn{
			{"tess", device("a"), "tokens"},
			{"tom", device("b"), "tokens"},
			{"sam", device("c"), "tokens"},
			{"tom", device("a"), "SOFTWARE_TOKEN_MFA"}, // tess's device
			{"eve", device("d"), "EMAIL_OTP"},
			{"cho", device("e"), "SELECT_MFA_TYPE"},
			{"ned", device("f"), "MFA_SETUP"},
		}},
		{"DeviceConfiguration: {ChallengeRequiredOnNewDevice: false}", []signIn{
			{"tess", device("a"), "SOFTWARE_TOKEN_MFA"},
			{"tom", device("b"), "SOFTWARE_TOKEN_MFA"},
			{"sam", device("c"), "SMS_MFA"},
		}},
		{"DeviceConfiguration: {DeviceOnlyRememberedOnUserPrompt: true}", []signIn{
			{"tom", device("b"), "SOFTWARE_TOKEN_MFA"},
		}},
		// Only the user's "remember" remembers: tess never chose, tom did.
		{"DeviceConfiguration: {ChallengeRequiredOnNewDevice: true, DeviceOnlyRememberedOnUserPrompt: true}", []signIn{
			{"tess", device("a"), "SOFTWARE_TOKEN_MFA"},
			{"tom", device("b"), "tokens"},
			{"sam", device("c"), "SMS_MFA"},
		}},
		{"", []signIn{
			{"tom", device("b"), "SOFTWARE_TOKEN_MFA"},
		}},
	} {
		t.Run(tc.config, func(t *testing.T) {
			e := newEnv(t, emulator.Options{})
			if err := e.s.Seed(strings.NewReader(fmt.Sprintf(deviceSeed, i, tc.config))); err != nil {
				t.Fatal(err)
			}
			for _, s := range tc.want {
				out := must[*cip.InitiateAuthOutput](t)(e.c.InitiateAuth(e.ctx, &cip.InitiateAuthInput{
					AuthFlow: types.AuthFlowTypeUserPasswordAuth, ClientId: aws.String(fmt.Sprintf("devices%d", i)),
					AuthParameters: map[string]string{"USERNAME": s.user, "PASSWORD": testPassword, "DEVICE_KEY": s.device},
				}))
				got := string(out.ChallengeName)
				if out.AuthenticationResult != nil {
					got = "tokens"
				}
				if got != s.want {
					t.Errorf("%s on device %s: %s, want %s", s.user, s.device, got, s.want)
				}
			}
		})
	}
}

// With DeviceOnlyRememberedOnUserPrompt, a confirmed device the user was
// never asked about is listed as not remembered.
func TestDeviceOnlyRememberedOnUserPromptListsUnchosenDevicesAsNotRemembered(t *testing.T) {
	e := newEnv(t, emulator.Options{})
	seed := fmt.Sprintf(deviceSeed, 0, "DeviceConfiguration: {ChallengeRequiredOnNewDevice: true, DeviceOnlyRememberedOnUserPrompt: true}")
	if err := e.s.Seed(strings.NewReader(seed)); err != nil {
		t.Fatal(err)
	}
	for user, want := range map[string]string{"tess": "not_remembered", "tom": "remembered"} {
		list := must[*cip.AdminListDevicesOutput](t)(e.c.AdminListDevices(e.ctx, &cip.AdminListDevicesInput{
			UserPoolId: aws.String("us-east-1_Devices0"), Username: aws.String(user)}))
		if len(list.Devices) != 1 || !hasAttr(list.Devices[0].DeviceAttributes, "dev:device_remembered_status", want) {
			t.Errorf("%s's device: %+v, want %s", user, list.Devices, want)
		}
	}
}
