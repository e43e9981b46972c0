package emulator_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"os"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/mfactl/mfactl/emulator"
	"github.com/mfactl/mfactl/internal/cognito"
)

func TestUpdateUserPool(t *testing.T) {
	e := newEnv(t, emulator.Options{})
	id := e.mfaPool(types.UserPoolMfaTypeOptional) // SMS, TOTP and email on
	update := func(in cip.UpdateUserPoolInput) error {
		in.UserPoolId = &id
		_, err := e.c.UpdateUserPool(e.ctx, &in)
		return err
	}
	prereqs := func() cip.UpdateUserPoolInput {
		return cip.UpdateUserPoolInput{
			SmsConfiguration: smsConfig().SmsConfiguration,
			EmailConfiguration: &types.EmailConfigurationType{EmailSendingAccount: types.EmailSendingAccountTypeDeveloper,
				SourceArn: aws.String("arn:aws:ses:us-east-1:123456789012:identity/example.com")},
		}
	}
	in := prereqs()
	in.MfaConfiguration = types.UserPoolMfaTypeOn
	wantError(t, update(in), "InvalidParameterException", "Cannot turn MFA functionality ON, once the user pool has been created.")
	in.MfaConfiguration = types.UserPoolMfaTypeOff
	wantCode(t, update(in), "InvalidParameterException")

	// Removing the SMS role while SMS MFA is on, or dropping SES while email MFA is on.
	in = prereqs()
	in.SmsConfiguration = nil
	wantCode(t, update(in), "InvalidParameterException")
	in = prereqs()
	in.EmailConfiguration = nil
	wantCode(t, update(in), "InvalidParameterException")
	in = prereqs()
	in.UserPoolTier = types.UserPoolTierTypeLite
	wantCode(t, update(in), "FeatureUnavailableInTierException")

	// A valid update replaces: the omitted AccountRecoverySetting goes back to none.
	in = prereqs()
	in.UserPoolTier = types.UserPoolTierTypePlus
	in.AccountRecoverySetting = &types.AccountRecoverySettingType{RecoveryMechanisms: []types.RecoveryOptionType{
		{Name: types.RecoveryOptionNameTypeVerifiedPhoneNumber, Priority: aws.Int32(1)}}}
	in.MfaConfiguration = types.UserPoolMfaTypeOptional // unchanged is fine
	if err := update(in); err != nil {
		t.Fatal(err)
	}
	p := must[*cip.DescribeUserPoolOutput](t)(e.c.DescribeUserPool(e.ctx, &cip.DescribeUserPoolInput{UserPoolId: &id})).UserPool
	if p.UserPoolTier != types.UserPoolTierTypePlus || len(p.AccountRecoverySetting.RecoveryMechanisms) != 1 {
		t.Fatalf("after update: %+v", p)
	}
	if err := update(prereqs()); err != nil {
		t.Fatal(err)
	}
	p = must[*cip.DescribeUserPoolOutput](t)(e.c.DescribeUserPool(e.ctx, &cip.DescribeUserPoolInput{UserPoolId: &id})).UserPool
	if p.AccountRecoverySetting != nil || p.UserPoolTier != types.UserPoolTierTypePlus {
		t.Fatalf("omitted fields: recovery %+v tier %s", p.AccountRecoverySetting, p.UserPoolTier)
	}
	_, err := e.c.UpdateUserPool(e.ctx, &cip.UpdateUserPoolInput{UserPoolId: aws.String("us-east-1_gone")})
	wantCode(t, err, "ResourceNotFoundException")
}

func TestCreateUserPoolChoices(t *testing.T) {
	e := newEnv(t, emulator.Options{})
	tags := map[string]string{emulator.PoolIDTag: "us-east-1_Chosen1", "team": "shop"}
	out := must[*cip.CreateUserPoolOutput](t)(e.c.CreateUserPool(e.ctx, &cip.CreateUserPoolInput{PoolName: aws.String("chosen"), UserPoolTags: tags}))
	if *out.UserPool.Id != "us-east-1_Chosen1" || out.UserPool.UserPoolTags["team"] != "shop" || out.UserPool.UserPoolTags[emulator.PoolIDTag] != "" {
		t.Fatalf("chosen ID: %+v", out.UserPool)
	}
	_, err := e.c.CreateUserPool(e.ctx, &cip.CreateUserPoolInput{PoolName: aws.String("again"), UserPoolTags: tags})
	wantCode(t, err, "InvalidParameterException")
	_, err = e.c.CreateUserPool(e.ctx, &cip.CreateUserPoolInput{PoolName: aws.String("elsewhere"),
		UserPoolTags: map[string]string{emulator.PoolIDTag: "eu-west-1_Chosen2"}})
	wantCode(t, err, "InvalidParameterException")
	_, err = e.c.CreateUserPool(e.ctx, &cip.CreateUserPoolInput{PoolName: aws.String("on"), MfaConfiguration: types.UserPoolMfaTypeOn})
	wantError(t, err, "InvalidParameterException", "SMS configuration and Auto verification for phone_number are required when MFA is required")
	// The SMS role alone is not enough: phone numbers must be verified by SMS too.
	_, err = e.c.CreateUserPool(e.ctx, &cip.CreateUserPoolInput{PoolName: aws.String("optional"), MfaConfiguration: types.UserPoolMfaTypeOptional,
		SmsConfiguration: smsConfig().SmsConfiguration})
	wantError(t, err, "InvalidParameterException", "SMS configuration and Auto verification for phone_number are required when MFA is optional")
	_, err = e.c.CreateUserPool(e.ctx, &cip.CreateUserPoolInput{PoolName: aws.String("bad/name")})
	wantCode(t, err, "InvalidParameterException")

	// Created ON with an SMS role: SMS MFA is on.
	on := must[*cip.CreateUserPoolOutput](t)(e.c.CreateUserPool(e.ctx, &cip.CreateUserPoolInput{PoolName: aws.String("on"),
		MfaConfiguration: types.UserPoolMfaTypeOn, SmsConfiguration: smsConfig().SmsConfiguration, AutoVerifiedAttributes: []types.VerifiedAttributeType{"phone_number"},
		LambdaConfig: &types.LambdaConfigType{PreSignUp: aws.String("arn:aws:lambda:us-east-1:123456789012:function:pre")}}))
	cfg := must[*cip.GetUserPoolMfaConfigOutput](t)(e.c.GetUserPoolMfaConfig(e.ctx, &cip.GetUserPoolMfaConfigInput{UserPoolId: on.UserPool.Id}))
	if cfg.MfaConfiguration != types.UserPoolMfaTypeOn || cfg.SmsMfaConfiguration == nil {
		t.Fatalf("created ON: %+v", cfg)
	}
	// Unmodelled members are echoed back.
	if on.UserPool.LambdaConfig == nil || aws.ToString(on.UserPool.LambdaConfig.PreSignUp) == "" {
		t.Fatalf("LambdaConfig not echoed: %+v", on.UserPool.LambdaConfig)
	}
}

func TestListUserPools(t *testing.T) {
	e := newEnv(t, emulator.Options{})
	for range 5 {
		e.pool("p")
	}
	newClient(e.url, "eu-west-1").CreateUserPool(e.ctx, &cip.CreateUserPoolInput{PoolName: aws.String("eu")})
	_, err := e.c.ListUserPools(e.ctx, &cip.ListUserPoolsInput{MaxResults: aws.Int32(61)})
	wantCode(t, err, "InvalidParameterException")
	var ids []string
	p := cip.NewListUserPoolsPaginator(e.c, &cip.ListUserPoolsInput{MaxResults: aws.Int32(2)})
	for p.HasMorePages() {
		for _, up := range must[*cip.ListUserPoolsOutput](t)(p.NextPage(e.ctx)).UserPools {
			ids = append(ids, *up.Id)
		}
	}
	if len(ids) != 5 {
		t.Fatalf("us-east-1 pools: %v", ids)
	}
	for _, id := range ids {
		if !strings.HasPrefix(id, "us-east-1_") {
			t.Fatalf("pool of another Region listed: %s", id)
		}
	}
}

func TestPoolRulesWithSignInPolicyAndWebAuthn(t *testing.T) {
	e := newEnv(t, emulator.Options{})
	otp := must[*cip.CreateUserPoolOutput](t)(e.c.CreateUserPool(e.ctx, &cip.CreateUserPoolInput{PoolName: aws.String("otp"),
		Policies: &types.UserPoolPolicyType{SignInPolicy: &types.SignInPolicyType{
			AllowedFirstAuthFactors: []types.AuthFactorType{types.AuthFactorTypePassword, types.AuthFactorTypeEmailOtp}}}})).UserPool.Id
	_, err := e.c.SetUserPoolMfaConfig(e.ctx, &cip.SetUserPoolMfaConfigInput{UserPoolId: otp, MfaConfiguration: types.UserPoolMfaTypeOn,
		SoftwareTokenMfaConfiguration: &types.SoftwareTokenMfaConfigType{Enabled: true}})
	wantCode(t, err, "InvalidParameterException")
	// OPTIONAL is allowed with the same sign-in policy.
	if _, err := e.c.SetUserPoolMfaConfig(e.ctx, &cip.SetUserPoolMfaConfigInput{UserPoolId: otp, MfaConfiguration: types.UserPoolMfaTypeOptional,
		SoftwareTokenMfaConfiguration: &types.SoftwareTokenMfaConfigType{Enabled: true}}); err != nil {
		t.Fatal(err)
	}

	lite := must[*cip.CreateUserPoolOutput](t)(e.c.CreateUserPool(e.ctx, &cip.CreateUserPoolInput{PoolName: aws.String("lite"), UserPoolTier: types.UserPoolTierTypeLite})).UserPool.Id
	_, err = e.c.SetUserPoolMfaConfig(e.ctx, &cip.SetUserPoolMfaConfigInput{UserPoolId: lite,
		WebAuthnConfiguration: &types.WebAuthnConfigurationType{RelyingPartyId: aws.String("example.com"), FactorConfiguration: types.WebAuthnFactorConfigurationTypeMultiFactorWithUserVerification}})
	wantCode(t, err, "FeatureUnavailableInTierException")

	// WebAuthn as MFA for a user: needs the pool's factor configuration and another factor; never reported.
	id := e.pool("passkeys")
	must[*cip.SetUserPoolMfaConfigOutput](t)(e.c.SetUserPoolMfaConfig(e.ctx, &cip.SetUserPoolMfaConfigInput{UserPoolId: &id,
		MfaConfiguration: types.UserPoolMfaTypeOptional, SmsMfaConfiguration: smsConfig(),
		WebAuthnConfiguration: &types.WebAuthnConfigurationType{RelyingPartyId: aws.String("example.com"), FactorConfiguration: types.WebAuthnFactorConfigurationTypeMultiFactorWithUserVerification}}))
	e.user(id, "gina", "phone_number", "+15555550103")
	_, err = e.c.AdminSetUserMFAPreference(e.ctx, &cip.AdminSetUserMFAPreferenceInput{UserPoolId: &id, Username: aws.String("gina"),
		WebAuthnMfaSettings: &types.WebAuthnMfaSettingsType{Enabled: true}})
	wantError(t, err, "InvalidParameterException", "WebAuthn MFA requires another MFA method to be enabled for the user.")
	must[*cip.AdminSetUserMFAPreferenceOutput](t)(e.c.AdminSetUserMFAPreference(e.ctx, &cip.AdminSetUserMFAPreferenceInput{UserPoolId: &id, Username: aws.String("gina"),
		SMSMfaSettings: &types.SMSMfaSettingsType{Enabled: true}, WebAuthnMfaSettings: &types.WebAuthnMfaSettingsType{Enabled: true}}))
	u := must[*cip.AdminGetUserOutput](t)(e.c.AdminGetUser(e.ctx, &cip.AdminGetUserInput{UserPoolId: &id, Username: aws.String("gina")}))
	if len(u.UserMFASettingList) != 1 || u.UserMFASettingList[0] != "SMS_MFA" {
		t.Fatalf("WebAuthn must not be reported: %v", u.UserMFASettingList)
	}
}

func TestPasswordsAndNewPasswordChallenge(t *testing.T) {
	e := newEnv(t, emulator.Options{})
	id := e.pool("shop")
	must[*cip.AdminCreateUserOutput](t)(e.c.AdminCreateUser(e.ctx, &cip.AdminCreateUserInput{UserPoolId: &id, Username: aws.String("hana"),
		TemporaryPassword: aws.String(testPassword)}))
	for pw, msg := range map[string]string{
		"short1!A":       "",
		"alllowercase1!": "Password did not conform with policy: Password must have uppercase characters",
		"NoNumbers!!":    "Password did not conform with policy: Password must have numeric characters",
		"NoSymbols123":   "Password did not conform with policy: Password must have symbol characters",
		"Sh0rt!":         "Password did not conform with policy: Password not long enough",
	} {
		_, err := e.c.AdminSetUserPassword(e.ctx, &cip.AdminSetUserPasswordInput{UserPoolId: &id, Username: aws.String("hana"), Password: aws.String(pw), Permanent: true})
		if msg == "" {
			if err != nil {
				t.Fatalf("%s: %v", pw, err)
			}
			continue
		}
		wantError(t, err, "InvalidPasswordException", msg)
	}
	must[*cip.AdminSetUserPasswordOutput](t)(e.c.AdminSetUserPassword(e.ctx, &cip.AdminSetUserPasswordInput{UserPoolId: &id, Username: aws.String("hana"),
		Password: aws.String(testPassword), Permanent: false}))
	if out := e.initiate(id, "hana"); out.ChallengeName != types.ChallengeNameTypeNewPasswordRequired {
		t.Fatalf("temporary password: %q", out.ChallengeName)
	}
}

func TestClientSecretHash(t *testing.T) {
	e := newEnv(t, emulator.Options{})
	id := e.pool("shop")
	e.user(id, "ivan")
	cl := must[*cip.CreateUserPoolClientOutput](t)(e.c.CreateUserPoolClient(e.ctx, &cip.CreateUserPoolClientInput{UserPoolId: &id,
		ClientName: aws.String("server"), GenerateSecret: true,
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth}})).UserPoolClient
	auth := func(params map[string]string) error {
		_, err := e.c.InitiateAuth(e.ctx, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeUserPasswordAuth, ClientId: cl.ClientId, AuthParameters: params})
		return err
	}
	wantCode(t, auth(map[string]string{"USERNAME": "ivan", "PASSWORD": testPassword}), "NotAuthorizedException")
	wantCode(t, auth(map[string]string{"USERNAME": "ivan", "PASSWORD": testPassword, "SECRET_HASH": "bm9wZQ=="}), "NotAuthorizedException")
	mac := hmac.New(sha256.New, []byte(*cl.ClientSecret))
	mac.Write([]byte("ivan" + *cl.ClientId))
	hash := base64.StdEncoding.EncodeToString(mac.Sum(nil))
	if err := auth(map[string]string{"USERNAME": "ivan", "PASSWORD": testPassword, "SECRET_HASH": hash}); err != nil {
		t.Fatal(err)
	}
	wantError(t, auth(map[string]string{"USERNAME": "ivan", "PASSWORD": "Wrong-Horse-9", "SECRET_HASH": hash}),
		"NotAuthorizedException", "Incorrect username or password.")
	_, err := e.c.InitiateAuth(e.ctx, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeUserPasswordAuth, ClientId: aws.String("nosuchclient"),
		AuthParameters: map[string]string{"USERNAME": "ivan", "PASSWORD": testPassword}})
	wantCode(t, err, "ResourceNotFoundException")
}

func TestSoftwareTokenPreconditions(t *testing.T) {
	e := newEnv(t, emulator.Options{})
	off := e.pool("off")
	e.user(off, "jo")
	token := e.signIn(off, "jo")
	_, err := e.c.AssociateSoftwareToken(e.ctx, &cip.AssociateSoftwareTokenInput{AccessToken: &token})
	wantCode(t, err, "SoftwareTokenMFANotFoundException")

	on := e.mfaPool(types.UserPoolMfaTypeOptional)
	e.user(on, "kim")
	token = e.signIn(on, "kim")
	_, err = e.c.VerifySoftwareToken(e.ctx, &cip.VerifySoftwareTokenInput{AccessToken: &token, UserCode: aws.String("123456")})
	wantCode(t, err, "SoftwareTokenMFANotFoundException")
	_, err = e.c.VerifySoftwareToken(e.ctx, &cip.VerifySoftwareTokenInput{AccessToken: &token, UserCode: aws.String("12345")})
	wantCode(t, err, "InvalidParameterException")
}

func TestCaseInsensitiveUsernames(t *testing.T) {
	e := newEnv(t, emulator.Options{})
	id := *must[*cip.CreateUserPoolOutput](t)(e.c.CreateUserPool(e.ctx, &cip.CreateUserPoolInput{PoolName: aws.String("ci"),
		UsernameConfiguration: &types.UsernameConfigurationType{CaseSensitive: aws.Bool(false)}})).UserPool.Id
	e.user(id, "Alice")
	u := must[*cip.AdminGetUserOutput](t)(e.c.AdminGetUser(e.ctx, &cip.AdminGetUserInput{UserPoolId: &id, Username: aws.String("ALICE")}))
	if *u.Username != "Alice" {
		t.Fatalf("%s", *u.Username)
	}
	_, err := e.c.AdminCreateUser(e.ctx, &cip.AdminCreateUserInput{UserPoolId: &id, Username: aws.String("alice")})
	wantCode(t, err, "UsernameExistsException")
}

// TestSDKConfigChain builds the client the way mfactl does, through
// config.LoadDefaultConfig and AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER,
// with AWS_CA_BUNDLE both set and unset.
func TestSDKConfigChain(t *testing.T) {
	_, url := emulator.NewTestServer(t, emulator.Options{})
	bundle := os.Getenv("AWS_CA_BUNDLE")
	if bundle == "" {
		bundle = "/etc/ssl/certs/ca-certificates.crt"
	}
	for _, ca := range []string{"", bundle} {
		t.Run("AWS_CA_BUNDLE="+ca, func(t *testing.T) {
			if ca != "" {
				if _, err := os.Stat(ca); err != nil {
					t.Skipf("no CA bundle at %s", ca)
				}
			}
			t.Setenv("AWS_CA_BUNDLE", ca)
			t.Setenv("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", url)
			t.Setenv("AWS_CONFIG_FILE", os.DevNull)
			t.Setenv("AWS_SHARED_CREDENTIALS_FILE", os.DevNull)
			cfg, err := config.LoadDefaultConfig(t.Context(), config.WithRegion("us-east-1"),
				config.WithHTTPClient(awshttp.NewBuildableClient()),
				config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider("test", "test", "")))
			if err != nil {
				t.Fatal(err)
			}
			c := cip.NewFromConfig(cfg, func(o *cip.Options) { o.HTTPClient = cognito.InMemoryBodies(o.HTTPClient) })
			out, err := c.CreateUserPool(t.Context(), &cip.CreateUserPoolInput{PoolName: aws.String("chain")})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := c.GetUserPoolMfaConfig(t.Context(), &cip.GetUserPoolMfaConfigInput{UserPoolId: out.UserPool.Id}); err != nil {
				t.Fatal(err)
			}
		})
	}
}
