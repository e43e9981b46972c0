package cognito

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/pquerna/otp/totp"

	"github.com/mfactl/mfactl/emulator"
	"github.com/mfactl/mfactl/internal/state"
	"github.com/mfactl/mfactl/internal/token"
)

// noAWSCredentials leaves the SDK nothing to find, and makes any attempt to
// load the shared configuration fail: a token client must not try.
func noAWSCredentials(t *testing.T) {
	for _, k := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	t.Setenv("AWS_PROFILE", "no-such-profile")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "missing"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "missing"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
}

func TestTokenClientReadsAndWritesTheUsersOwnMFAUnsigned(t *testing.T) {
	const pool = "eu-west-1_SelfServe"
	clk := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	now := func() time.Time { return clk }
	e := startEmulator(t, emulator.Options{QuotaScale: 1, Now: now}, "eu-west-1")
	e.createPool(t, pool)
	ctx := context.Background()
	if _, err := e.admin.SetUserPoolMfaConfig(ctx, &cip.SetUserPoolMfaConfigInput{UserPoolId: aws.String(pool),
		MfaConfiguration:              types.UserPoolMfaTypeOptional,
		SoftwareTokenMfaConfiguration: &types.SoftwareTokenMfaConfigType{Enabled: true},
		SmsMfaConfiguration: &types.SmsMfaConfigType{SmsConfiguration: &types.SmsConfigurationType{
			SnsCallerArn: aws.String(smsRoleArn), ExternalId: aws.String("x")}}}); err != nil {
		t.Fatal(err)
	}
	e.createUser(t, pool, "alice", "phone_number=+15555550100")
	raw, err := e.IssueAccessToken(pool, "alice")
	if err != nil {
		t.Fatal(err)
	}
	tok, err := token.Parse(raw, "test")
	if err != nil {
		t.Fatal(err)
	}
	noAWSCredentials(t)
	c, err := NewWithToken(Options{EndpointURL: e.url}, tok)
	if err != nil {
		t.Fatal(err)
	}
	e.ResetStats()

	u, err := c.ReadSelf(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !u.Exists || u.Username != "alice" || !u.HasPhoneNumber || u.Settings.SMSMfaSettings.Enabled {
		t.Fatalf("ReadSelf = %+v", u)
	}
	if err := c.SetUserMFAPreference(ctx, pool, state.UserSettings{SMSMfaSettings: &state.FactorSettings{Enabled: true, PreferredMfa: true}}); err != nil {
		t.Fatal(err)
	}
	// TOTP: associate, verify with a real RFC 6238 code, enable.
	secret, err := c.AssociateSoftwareToken(ctx)
	if err != nil {
		t.Fatal(err)
	}
	code, _ := totp.GenerateCode(secret, clk)
	if err := c.VerifySoftwareToken(ctx, code, "laptop"); err != nil {
		t.Fatal(err)
	}
	if err := c.SetUserMFAPreference(ctx, pool, state.UserSettings{SoftwareTokenMfaSettings: &state.FactorSettings{Enabled: true}}); err != nil {
		t.Fatal(err)
	}
	u, err = c.ReadSelf(ctx)
	if err != nil || !u.Settings.SMSMfaSettings.PreferredMfa || !u.Settings.SoftwareTokenMfaSettings.Enabled {
		t.Fatalf("after writes: %+v %v", u, err)
	}
	var ops []string
	for _, call := range e.Stats().Calls {
		if call.Signed {
			t.Errorf("%s was signed: a token client has no AWS credentials to sign with", call.Operation)
		}
		ops = append(ops, call.Operation)
	}
	want := []string{"GetUser", "SetUserMFAPreference", "AssociateSoftwareToken", "VerifySoftwareToken", "SetUserMFAPreference", "GetUser"}
	if !slices.Equal(ops, want) {
		t.Fatalf("calls = %v, want %v", ops, want)
	}

	// Another pool's plan call is refused before any request.
	if err := c.SetUserMFAPreference(ctx, "eu-west-1_Other", state.UserSettings{SMSMfaSettings: &state.FactorSettings{Enabled: true}}); err == nil || !strings.Contains(err.Error(), "the access token is for user pool eu-west-1_SelfServe, not eu-west-1_Other") {
		t.Fatalf("other pool: %v", err)
	}
	// An expired token: Cognito says NotAuthorizedException, mfactl says
	// what it means, and never the token.
	clk = clk.Add(2 * time.Hour)
	_, err = c.ReadSelf(ctx)
	var ce *CallError
	if !errors.As(err, &ce) || ce.Code != "NotAuthorizedException" || !strings.Contains(ce.Meaning, "expired: sign in again") {
		t.Fatalf("expired: %v", err)
	}
	if err := c.SetUserMFAPreference(ctx, pool, state.UserSettings{SMSMfaSettings: &state.FactorSettings{Enabled: false}}); !errors.As(err, &ce) || !strings.Contains(ce.Meaning, "nothing was changed") {
		t.Fatalf("expired write: %v", err)
	}
	for _, s := range []string{err.Error(), ce.Message, ce.Meaning} {
		if strings.Contains(s, raw) {
			t.Fatal("an error quotes the token")
		}
	}
}

func TestLegacyMFAOptionsAreListedAndCleared(t *testing.T) {
	isolateAWSEnv(t)
	const pool = "eu-west-1_Legacy1"
	e := startEmulator(t, emulator.Options{}, "eu-west-1")
	e.createPool(t, pool)
	ctx := context.Background()
	c := newE2EClient(t, Options{EndpointURL: e.url})
	var legacy []string
	for i := range 130 { // three pages
		name := "user" + string(rune('a'+i/26)) + string(rune('a'+i%26))
		e.createUser(t, pool, name, "phone_number=+15555550100")
		if i%3 == 0 {
			if err := c.AdminSetUserSettings(ctx, pool, name, []state.MFAOption{state.LegacySMSOption}); err != nil {
				t.Fatal(err)
			}
			legacy = append(legacy, name)
		}
	}
	e.ResetStats()
	got, err := c.LegacyUsers(ctx, pool)
	if err != nil || !slices.Equal(got, legacy) {
		t.Fatalf("LegacyUsers = %v, %v; want %v", got, err, legacy)
	}
	if n := e.Stats().Operations["ListUsers"].Calls; n != 3 {
		t.Fatalf("%d ListUsers pages for 130 users, want 3", n)
	}
	if err := c.AdminSetUserSettings(ctx, pool, legacy[0], nil); err != nil {
		t.Fatal(err)
	}
	live, err := c.ReadLive(ctx, state.ReadSet{pool: {legacy[0], legacy[1]}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if u := live.Pools[pool].Users[legacy[0]]; u.LegacySMS || len(u.MFAOptions) != 0 {
		t.Fatalf("cleared user: %+v", u)
	}
	if u := live.Pools[pool].Users[legacy[1]]; !u.LegacySMS || !slices.Equal(u.MFAOptions, []state.MFAOption{state.LegacySMSOption}) {
		t.Fatalf("legacy user: %+v", u)
	}
	err = c.AdminSetUserSettings(ctx, pool, legacy[0], []state.MFAOption{{DeliveryMedium: "EMAIL", AttributeName: "email"}})
	var ce *CallError
	if !errors.As(err, &ce) || ce.Code != "InvalidParameterException" || !strings.Contains(ce.Meaning, "only SMS to phone_number") {
		t.Fatalf("EMAIL entry: %v", err)
	}
}
