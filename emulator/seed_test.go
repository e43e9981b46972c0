package emulator_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/mfactl/mfactl/emulator"
)

const seedYAML = `
Pools:
  - Id: us-east-1_Seeded1
    Name: seeded
    UserPoolTier: ESSENTIALS
    SmsConfiguration:
      SnsCallerArn: arn:aws:iam::123456789012:role/sns
      ExternalId: external-secret
    EmailConfiguration:
      EmailSendingAccount: DEVELOPER
      SourceArn: arn:aws:ses:us-east-1:123456789012:identity/example.com
    MfaConfig:
      MfaConfiguration: OPTIONAL
      SmsMfaConfiguration: {SmsAuthenticationMessage: "Code {####}"}
      SoftwareTokenMfaConfiguration: {Enabled: true}
    Groups:
      - GroupName: admins
    Clients:
      - ClientId: seededclient
        ExplicitAuthFlows: [ALLOW_USER_PASSWORD_AUTH]
    Users:
      - Username: alice
        Password: Correct-Horse-9
        Attributes: {email: alice@example.com, phone_number: "+15555550100"}
        TotpSecret: JBSWY3DPEHPK3PXP
        MfaSettings:
          SoftwareTokenMfaSettings: {Enabled: true, PreferredMfa: true}
          SMSMfaSettings: {Enabled: true}
        Groups: [admins]
      - Username: legacy
        Attributes: {phone_number: "+15555550101"}
        MFAOptions: [{DeliveryMedium: SMS, AttributeName: phone_number}]
`

func TestSeedYAML(t *testing.T) {
	e := newEnv(t, emulator.Options{})
	if err := e.s.Seed(strings.NewReader(seedYAML)); err != nil {
		t.Fatal(err)
	}
	id := "us-east-1_Seeded1"
	cfg := must[*cip.GetUserPoolMfaConfigOutput](t)(e.c.GetUserPoolMfaConfig(e.ctx, &cip.GetUserPoolMfaConfigInput{UserPoolId: aws.String(id)}))
	if cfg.MfaConfiguration != types.UserPoolMfaTypeOptional || *cfg.SmsMfaConfiguration.SmsConfiguration.ExternalId != "external-secret" ||
		!cfg.SoftwareTokenMfaConfiguration.Enabled || cfg.EmailMfaConfiguration != nil {
		t.Fatalf("seeded pool: %+v", cfg)
	}
	alice := must[*cip.AdminGetUserOutput](t)(e.c.AdminGetUser(e.ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(id), Username: aws.String("alice")}))
	if !slices.Equal(alice.UserMFASettingList, []string{"SMS_MFA", "SOFTWARE_TOKEN_MFA"}) || aws.ToString(alice.PreferredMfaSetting) != "SOFTWARE_TOKEN_MFA" ||
		alice.UserStatus != types.UserStatusTypeConfirmed {
		t.Fatalf("alice: %v %v %s", alice.UserMFASettingList, aws.ToString(alice.PreferredMfaSetting), alice.UserStatus)
	}
	legacy := must[*cip.AdminGetUserOutput](t)(e.c.AdminGetUser(e.ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(id), Username: aws.String("legacy")}))
	if len(legacy.MFAOptions) != 1 || legacy.UserMFASettingList != nil {
		t.Fatalf("legacy: %+v", legacy)
	}
	members := must[*cip.ListUsersInGroupOutput](t)(e.c.ListUsersInGroup(e.ctx, &cip.ListUsersInGroupInput{UserPoolId: aws.String(id), GroupName: aws.String("admins")}))
	if len(members.Users) != 1 || *members.Users[0].Username != "alice" {
		t.Fatalf("group: %+v", members.Users)
	}
	out := must[*cip.InitiateAuthOutput](t)(e.c.InitiateAuth(e.ctx, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeUserPasswordAuth,
		ClientId: aws.String("seededclient"), AuthParameters: map[string]string{"USERNAME": "alice", "PASSWORD": testPassword}}))
	if out.ChallengeName != types.ChallengeNameTypeSoftwareTokenMfa {
		t.Fatalf("seeded sign-in: %q", out.ChallengeName)
	}
}

func TestSeedErrors(t *testing.T) {
	tests := []struct{ name, seed, want string }{
		{"unknown field", `{"Pools":[{"Id":"us-east-1_A","Tier":"LITE"}]}`, `unknown field "Tier"`},
		{"bad pool ID", "Pools: [{Id: nounderscore}]", "Pools[0] (nounderscore): InvalidParameterException: 1 validation error detected"},
		{"OFF with a factor", "Pools: [{Id: us-east-1_A, MfaConfig: {MfaConfiguration: 'OFF', SoftwareTokenMfaConfiguration: {Enabled: true}}}]",
			"Pools[0] (us-east-1_A): MfaConfig: InvalidParameterException: Invalid MFA configuration given, can't turn off MFA and configure an MFA together."},
		{"SMS for a user without phone", `
Pools:
  - Id: us-east-1_A
    SmsConfiguration: {SnsCallerArn: "arn:aws:iam::123456789012:role/sns", ExternalId: x}
    MfaConfig: {MfaConfiguration: ON, SmsMfaConfiguration: {}}
    Users: [{Username: bob, MfaSettings: {SMSMfaSettings: {Enabled: true}}}]`,
			"Pools[0] (us-east-1_A).Users[0] (bob): MfaSettings: InvalidParameterException: User does not have a phone_number set to turn on SMS MFA"},
		{"TOTP without a secret", `
Pools:
  - Id: us-east-1_A
    MfaConfig: {MfaConfiguration: ON, SoftwareTokenMfaConfiguration: {Enabled: true}}
    Users: [{Username: bob, MfaSettings: {SoftwareTokenMfaSettings: {Enabled: true}}}]`,
			"User has not verified software token mfa"},
		{"unknown group", "Pools: [{Id: us-east-1_A, Users: [{Username: bob, Groups: [admins]}]}]", `no group "admins"`},
		{"duplicate user", "Pools: [{Id: us-east-1_A, Users: [{Username: bob}, {Username: bob}]}]", "Users[1] (bob): user already exists"},
		// Users are decoded one at a time, as they are built: an error names the user.
		{"unknown user field", `{"Pools":[{"Id":"us-east-1_A","Users":[{"Username":"a"},{"Username":"b","Nickname":"x"}]}]}`,
			`seed: Pools[0] (us-east-1_A).Users[1]: json: unknown field "Nickname"`},
		{"user of the wrong type", `{"Pools":[{"Id":"us-east-1_A","Users":[{"Username":"a"},{"Username":7}]}]}`,
			`seed: Pools[0] (us-east-1_A).Users[1]: json: cannot unmarshal number`},
		{"users not a list", `{"Pools":[{"Id":"us-east-1_A","Users":{"Username":"a"}}]}`,
			`seed: Pools[0] (us-east-1_A).Users: want a list of users, not {"Username":"a"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := emulator.New(emulator.Options{})
			err := s.Seed(strings.NewReader(tt.seed))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v\nwant an error containing %q", err, tt.want)
			}
			// Nothing of a bad seed is kept.
			if err := s.Seed(strings.NewReader("Pools: [{Id: us-east-1_A}]")); err != nil {
				t.Fatalf("after a failed seed: %v", err)
			}
		})
	}
}

func TestStateSurvivesRestart(t *testing.T) {
	e := newEnv(t, emulator.Options{})
	if err := e.s.Seed(strings.NewReader(seedYAML)); err != nil {
		t.Fatal(err)
	}
	id := e.mfaPool(types.UserPoolMfaTypeOn)
	e.user(id, "erin", "phone_number", "+15555550102")
	must[*cip.AdminSetUserMFAPreferenceOutput](t)(e.c.AdminSetUserMFAPreference(e.ctx, &cip.AdminSetUserMFAPreferenceInput{
		UserPoolId: &id, Username: aws.String("erin"), SMSMfaSettings: &types.SMSMfaSettingsType{Enabled: true, PreferredMfa: true}}))
	plain := e.pool("plain")
	e.user(plain, "frank")
	token := e.signIn(plain, "frank")
	// The pool switches SMS off after erin enabled it: the state must still load.
	must[*cip.SetUserPoolMfaConfigOutput](t)(e.c.SetUserPoolMfaConfig(e.ctx, &cip.SetUserPoolMfaConfigInput{UserPoolId: &id,
		MfaConfiguration: types.UserPoolMfaTypeOn, SoftwareTokenMfaConfiguration: &types.SoftwareTokenMfaConfigType{Enabled: true}}))
	before := must[*cip.AdminGetUserOutput](t)(e.c.AdminGetUser(e.ctx, &cip.AdminGetUserInput{UserPoolId: &id, Username: aws.String("erin")}))

	path := filepath.Join(t.TempDir(), "state.json")
	if err := e.s.SaveState(path); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Fatalf("temporary files left behind: %v", entries)
	}

	s2, url2 := emulator.NewTestServer(t, emulator.Options{})
	if err := s2.LoadState(path); err != nil {
		t.Fatal(err)
	}
	c2 := newClient(url2, "us-east-1")
	after := must[*cip.AdminGetUserOutput](t)(c2.AdminGetUser(e.ctx, &cip.AdminGetUserInput{UserPoolId: &id, Username: aws.String("erin")}))
	if attr(after.UserAttributes, "sub") != attr(before.UserAttributes, "sub") || !after.UserCreateDate.Equal(*before.UserCreateDate) ||
		!slices.Equal(after.UserMFASettingList, before.UserMFASettingList) || aws.ToString(after.PreferredMfaSetting) != "SMS_MFA" {
		t.Fatalf("erin before %+v\nafter %+v", before, after)
	}
	cfg := must[*cip.GetUserPoolMfaConfigOutput](t)(c2.GetUserPoolMfaConfig(e.ctx, &cip.GetUserPoolMfaConfigInput{UserPoolId: &id}))
	if cfg.MfaConfiguration != types.UserPoolMfaTypeOn || cfg.SmsMfaConfiguration != nil {
		t.Fatalf("pool after restart: %+v", cfg)
	}
	if me, err := c2.GetUser(e.ctx, &cip.GetUserInput{AccessToken: &token}); err != nil || *me.Username != "frank" {
		t.Fatalf("a token from before the restart: %v", err)
	}
	// Saving again gives the same document.
	path2 := filepath.Join(t.TempDir(), "state.json")
	if err := s2.SaveState(path2); err != nil {
		t.Fatal(err)
	}
	a, _ := os.ReadFile(path)
	b, _ := os.ReadFile(path2)
	if !bytes.Equal(a, b) {
		t.Fatal("state changed across a save/load round trip")
	}
}

// seedJSON makes a seed of n users with phone, email, a TOTP secret and MFA settings.
func seedJSON(n int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"Pools":[{"Id":"us-east-1_Big","SmsConfiguration":{"SnsCallerArn":"arn:aws:iam::123456789012:role/sns","ExternalId":"x"},` +
		`"MfaConfig":{"MfaConfiguration":"OPTIONAL","SmsMfaConfiguration":{},"SoftwareTokenMfaConfiguration":{"Enabled":true}},"Users":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"Username":"user%06d","Password":"Correct-Horse-9","Attributes":{"email":"u%d@example.com","phone_number":"+1555%07d"},`+
			`"TotpSecret":"JBSWY3DPEHPK3PXP","MfaSettings":{"SMSMfaSettings":{"Enabled":true},"SoftwareTokenMfaSettings":{"Enabled":true,"PreferredMfa":true}}}`, i, i, i)
	}
	b.WriteString(`]}]}`)
	return b.Bytes()
}

func TestSeedLargeJSON(t *testing.T) {
	s, url := emulator.NewTestServer(t, emulator.Options{})
	if err := s.Seed(bytes.NewReader(seedJSON(2000))); err != nil {
		t.Fatal(err)
	}
	c := newClient(url, "us-east-1")
	u := must[*cip.AdminGetUserOutput](t)(c.AdminGetUser(t.Context(), &cip.AdminGetUserInput{UserPoolId: aws.String("us-east-1_Big"), Username: aws.String("user001999")}))
	if aws.ToString(u.PreferredMfaSetting) != "SOFTWARE_TOKEN_MFA" {
		t.Fatalf("%+v", u)
	}
}

// BenchmarkSeed100kUsers measures loading a JSON seed of 100,000 users.
func BenchmarkSeed100kUsers(b *testing.B) {
	data := seedJSON(100_000)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		s := emulator.New(emulator.Options{})
		if err := s.Seed(bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}
