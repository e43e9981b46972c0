package conformance

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"
	"github.com/pquerna/otp/totp"

	"github.com/mfactl/mfactl/internal/cognito"
)

// A scenario is one behaviour of real Cognito, written once and run against
// every target. run drives the target and returns what it saw as a short
// observation string; want is the observation real Cognito gives. A target
// that knowingly departs from Cognito states its own observation in
// Target.Divergences, and the suite asserts exactly that instead.
type scenario struct {
	name string
	want string
	run  func(s *session) (string, error)
}

// TestScenarios runs every scenario against every selected target.
func TestScenarios(t *testing.T) {
	targets, err := Targets()
	if err != nil {
		t.Fatal(err)
	}
	if !Selected(CognitoLocal) {
		t.Logf("%s not selected; to run it too: %s", CognitoLocal, HowToRun)
	}
	for _, target := range targets {
		t.Run(target.Name, func(t *testing.T) {
			started := time.Now()
			backend := startBackend(t, target)
			api := newClient(t, backend.Endpoint)
			for _, sc := range scenarios {
				t.Run(sc.name, func(t *testing.T) {
					runScenario(t, target, api, sc)
				})
			}
			t.Logf("%s: %d scenarios, %d with a stated divergence, in %s",
				target.Name, len(scenarios), len(target.Divergences), time.Since(started).Round(time.Millisecond))
		})
	}
}

func runScenario(t *testing.T, target Target, api *cip.Client, sc scenario) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s := &session{ctx: ctx, api: api}
	if err := s.createPool(); err != nil {
		t.Fatalf("setup: %v", err)
	}
	got, err := sc.run(s)
	if err != nil {
		t.Fatalf("could not reach the point under test: %v", err)
	}
	if problem := judge(target, sc, got); problem != "" {
		t.Error(problem)
	}
}

// judge compares an observation with what the target should show in the
// scenario and says what is wrong, if anything.
func judge(target Target, sc scenario, got string) string {
	want, divergence := target.Expect(sc.name, sc.want)
	switch {
	case got == want:
		return ""
	case divergence != nil && got == sc.want:
		return fmt.Sprintf("%s now behaves like Cognito here; remove its stated divergence (%s)\n got: %s", target.Name, divergence.Why, got)
	case divergence != nil:
		return fmt.Sprintf("%s departs from Cognito differently than stated\n       got: %s\n    stated: %s (%s)\n   Cognito: %s", target.Name, got, want, divergence.Why, sc.want)
	default:
		return fmt.Sprintf("%s departs from Cognito\n    got: %s\n   want: %s", target.Name, got, want)
	}
}

func startBackend(t *testing.T, target Target) *Backend {
	t.Helper()
	backend, err := target.Start(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := backend.Stop(); err != nil {
			t.Errorf("stop %s: %v", target.Name, err)
		}
	})
	return backend
}

// newClient builds the SDK client the way a user's program would, through the
// default config chain (so AWS_CA_BUNDLE is honoured), but with fixed fake
// credentials, no shared config files, and one attempt per call: a retry
// would hide the very responses the suite compares.
func newClient(t *testing.T, endpoint string) *cip.Client {
	t.Helper()
	cfg, err := config.LoadDefaultConfig(context.Background(),
		config.WithRegion("us-east-1"),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider("conformance", "conformance", "")),
		config.WithSharedConfigFiles([]string{}),
		config.WithSharedCredentialsFiles([]string{}),
		config.WithHTTPClient(awshttp.NewBuildableClient()),
		config.WithRetryMaxAttempts(1),
	)
	if err != nil {
		t.Fatal(err)
	}
	return cip.NewFromConfig(cfg, func(o *cip.Options) {
		o.BaseEndpoint = aws.String(endpoint)
		o.HTTPClient = cognito.InMemoryBodies(o.HTTPClient)
	})
}

// A session is one scenario's view of a target: a fresh pool of its own and
// helpers for the steps that lead up to the behaviour under test.
type session struct {
	ctx      context.Context
	api      *cip.Client
	pool     string
	clientID string
}

const (
	tempPassword = "Temp-Passw0rd!"
	password     = "Corr3ct-Horse!"
	phoneNumber  = "+15555550100"
)

func (s *session) createPool() error {
	return s.createPoolWith(&cip.CreateUserPoolInput{})
}

// createPoolWith replaces the session's pool with a new one created from in.
func (s *session) createPoolWith(in *cip.CreateUserPoolInput) error {
	in.PoolName = aws.String("conformance")
	out, err := s.api.CreateUserPool(s.ctx, in)
	if err != nil {
		return fmt.Errorf("CreateUserPool: %w", err)
	}
	s.pool = aws.ToString(out.UserPool.Id)
	return nil
}

// setMfa sends a SetUserPoolMfaConfig for the session's pool.
func (s *session) setMfa(mode types.UserPoolMfaType, sms *types.SmsMfaConfigType, software *types.SoftwareTokenMfaConfigType) (*cip.SetUserPoolMfaConfigOutput, error) {
	return s.api.SetUserPoolMfaConfig(s.ctx, &cip.SetUserPoolMfaConfigInput{
		UserPoolId:                    aws.String(s.pool),
		MfaConfiguration:              mode,
		SmsMfaConfiguration:           sms,
		SoftwareTokenMfaConfiguration: software,
	})
}

// mustSetMfa is setMfa for a step that leads up to the behaviour under test.
func (s *session) mustSetMfa(mode types.UserPoolMfaType, sms *types.SmsMfaConfigType, software *types.SoftwareTokenMfaConfigType) error {
	if _, err := s.setMfa(mode, sms, software); err != nil {
		return fmt.Errorf("SetUserPoolMfaConfig %s: %w", mode, err)
	}
	return nil
}

func (s *session) getMfa() (*cip.GetUserPoolMfaConfigOutput, error) {
	return s.api.GetUserPoolMfaConfig(s.ctx, &cip.GetUserPoolMfaConfigInput{UserPoolId: aws.String(s.pool)})
}

// poolView reads the pool's MFA configuration and describes it normalised.
func (s *session) poolView() (string, error) {
	out, err := s.getMfa()
	if err != nil {
		return "", fmt.Errorf("GetUserPoolMfaConfig: %w", err)
	}
	return describePool(out.MfaConfiguration, out.SmsMfaConfiguration, out.SoftwareTokenMfaConfiguration), nil
}

// createUser creates a user with a temporary password and no welcome message.
// attrs are name=value pairs.
func (s *session) createUser(name string, attrs ...string) error {
	var userAttrs []types.AttributeType
	for _, a := range attrs {
		k, v, _ := strings.Cut(a, "=")
		userAttrs = append(userAttrs, types.AttributeType{Name: aws.String(k), Value: aws.String(v)})
	}
	_, err := s.api.AdminCreateUser(s.ctx, &cip.AdminCreateUserInput{
		UserPoolId:        aws.String(s.pool),
		Username:          aws.String(name),
		TemporaryPassword: aws.String(tempPassword),
		MessageAction:     types.MessageActionTypeSuppress,
		UserAttributes:    userAttrs,
	})
	if err != nil {
		return fmt.Errorf("AdminCreateUser %s: %w", name, err)
	}
	return nil
}

// confirmUser gives the user a permanent password.
func (s *session) confirmUser(name string) error {
	_, err := s.api.AdminSetUserPassword(s.ctx, &cip.AdminSetUserPasswordInput{
		UserPoolId: aws.String(s.pool),
		Username:   aws.String(name),
		Password:   aws.String(password),
		Permanent:  true,
	})
	if err != nil {
		return fmt.Errorf("AdminSetUserPassword %s: %w", name, err)
	}
	return nil
}

// appClient returns the pool's app client, created on first use.
func (s *session) appClient() (string, error) {
	if s.clientID != "" {
		return s.clientID, nil
	}
	out, err := s.api.CreateUserPoolClient(s.ctx, &cip.CreateUserPoolClientInput{
		UserPoolId: aws.String(s.pool),
		ClientName: aws.String("conformance"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{
			types.ExplicitAuthFlowsTypeAllowUserPasswordAuth,
			types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth,
		},
	})
	if err != nil {
		return "", fmt.Errorf("CreateUserPoolClient: %w", err)
	}
	s.clientID = aws.ToString(out.UserPoolClient.ClientId)
	return s.clientID, nil
}

func (s *session) initiateAuth(name, pass string) (*cip.InitiateAuthOutput, error) {
	clientID, err := s.appClient()
	if err != nil {
		return nil, err
	}
	return s.api.InitiateAuth(s.ctx, &cip.InitiateAuthInput{
		ClientId:       aws.String(clientID),
		AuthFlow:       types.AuthFlowTypeUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": name, "PASSWORD": pass},
	})
}

// signIn returns an access token for a confirmed user. Sign in before
// turning the user's MFA on: afterwards sign-in answers with a challenge.
func (s *session) signIn(name string) (string, error) {
	out, err := s.initiateAuth(name, password)
	if err != nil {
		return "", fmt.Errorf("InitiateAuth %s: %w", name, err)
	}
	if out.AuthenticationResult == nil || out.AuthenticationResult.AccessToken == nil {
		return "", fmt.Errorf("InitiateAuth %s: no tokens (challenge %q)", name, out.ChallengeName)
	}
	return *out.AuthenticationResult.AccessToken, nil
}

// newSignedInUser creates and confirms a user and signs it in.
func (s *session) newSignedInUser(name string, attrs ...string) (string, error) {
	if err := s.createUser(name, attrs...); err != nil {
		return "", err
	}
	if err := s.confirmUser(name); err != nil {
		return "", err
	}
	return s.signIn(name)
}

// userView reads a user with AdminGetUser and describes its MFA settings.
func (s *session) userView(name string) (string, error) {
	out, err := s.api.AdminGetUser(s.ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(s.pool), Username: aws.String(name)})
	if err != nil {
		return "", fmt.Errorf("AdminGetUser %s: %w", name, err)
	}
	return describeUserMfa(out.UserMFASettingList, out.PreferredMfaSetting, out.MFAOptions), nil
}

// factor is one block of a user's MFA preference.
type factor struct{ enabled, preferred bool }

var (
	enabledPreferred = &factor{enabled: true, preferred: true}
	enabledOnly      = &factor{enabled: true}
	disabled         = &factor{}
)

// setPreference calls SetUserMFAPreference; a nil factor omits its block.
func (s *session) setPreference(token string, sms, software *factor) error {
	in := &cip.SetUserMFAPreferenceInput{AccessToken: aws.String(token)}
	if sms != nil {
		in.SMSMfaSettings = &types.SMSMfaSettingsType{Enabled: sms.enabled, PreferredMfa: sms.preferred}
	}
	if software != nil {
		in.SoftwareTokenMfaSettings = &types.SoftwareTokenMfaSettingsType{Enabled: software.enabled, PreferredMfa: software.preferred}
	}
	_, err := s.api.SetUserMFAPreference(s.ctx, in)
	return err
}

// adminSetPreference calls AdminSetUserMFAPreference, as mfactl does; a nil factor omits its block.
func (s *session) adminSetPreference(user string, sms, software *factor) error {
	in := &cip.AdminSetUserMFAPreferenceInput{UserPoolId: aws.String(s.pool), Username: aws.String(user)}
	if sms != nil {
		in.SMSMfaSettings = &types.SMSMfaSettingsType{Enabled: sms.enabled, PreferredMfa: sms.preferred}
	}
	if software != nil {
		in.SoftwareTokenMfaSettings = &types.SoftwareTokenMfaSettingsType{Enabled: software.enabled, PreferredMfa: software.preferred}
	}
	_, err := s.api.AdminSetUserMFAPreference(s.ctx, in)
	return err
}

// mustSetPreference is setPreference for a step that leads up to the behaviour under test.
func (s *session) mustSetPreference(token string, sms, software *factor) error {
	if err := s.setPreference(token, sms, software); err != nil {
		return fmt.Errorf("SetUserMFAPreference: %w", err)
	}
	return nil
}

// associateTOTP starts TOTP registration and returns the shared secret.
func (s *session) associateTOTP(token string) (string, error) {
	out, err := s.api.AssociateSoftwareToken(s.ctx, &cip.AssociateSoftwareTokenInput{AccessToken: aws.String(token)})
	if err != nil {
		return "", fmt.Errorf("AssociateSoftwareToken: %w", err)
	}
	if aws.ToString(out.SecretCode) == "" {
		return "", errors.New("AssociateSoftwareToken returned no SecretCode")
	}
	return *out.SecretCode, nil
}

// verifyTOTP finishes TOTP registration with code.
func (s *session) verifyTOTP(token, code string) (*cip.VerifySoftwareTokenOutput, error) {
	return s.api.VerifySoftwareToken(s.ctx, &cip.VerifySoftwareTokenInput{
		AccessToken:        aws.String(token),
		UserCode:           aws.String(code),
		FriendlyDeviceName: aws.String("conformance"),
	})
}

// registerTOTP associates an authenticator and verifies it with a real
// RFC 6238 code, as an authenticator app would.
func (s *session) registerTOTP(token string) error {
	secret, err := s.associateTOTP(token)
	if err != nil {
		return err
	}
	code, err := totp.GenerateCode(secret, time.Now())
	if err != nil {
		return fmt.Errorf("TOTP code from the secret: %w", err)
	}
	out, err := s.verifyTOTP(token, code)
	if err != nil {
		return fmt.Errorf("VerifySoftwareToken: %w", err)
	}
	if out.Status != types.VerifySoftwareTokenResponseTypeSuccess {
		return fmt.Errorf("VerifySoftwareToken: status %q", out.Status)
	}
	return nil
}

// outcome describes a call's result: "ok", or the API error code, with the
// HTTP status when it is not the usual 400.
func outcome(err error) string {
	if err == nil {
		return "ok"
	}
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) {
		return "failed: " + err.Error()
	}
	var respErr *awshttp.ResponseError
	if errors.As(err, &respErr) && respErr.HTTPStatusCode() != 400 {
		return fmt.Sprintf("error %s (HTTP %d)", apiErr.ErrorCode(), respErr.HTTPStatusCode())
	}
	return "error " + apiErr.ErrorCode()
}

// describePool is the normalised view of a pool's MFA configuration, as a
// client that diffs pools must read it: a factor is on only while MFA is not OFF and its block is
// present and in force. An SMS block without a caller ARN cannot send SMS, so
// it counts as off (cognito-local returns an empty block for pools that
// never had SMS). The external ID is a secret: only its presence shows.
func describePool(mode types.UserPoolMfaType, sms *types.SmsMfaConfigType, software *types.SoftwareTokenMfaConfigType) string {
	if mode == "" {
		mode = "unset"
	}
	smsView, totpView := "off", "off"
	if mode != types.UserPoolMfaTypeOff {
		if sms != nil && sms.SmsConfiguration != nil && aws.ToString(sms.SmsConfiguration.SnsCallerArn) != "" {
			smsView = "on(" + describeSms(sms) + ")"
		}
		if software != nil && software.Enabled {
			totpView = "on"
		}
	}
	return fmt.Sprintf("mode=%s sms=%s totp=%s", mode, smsView, totpView)
}

func describeSms(sms *types.SmsMfaConfigType) string {
	var parts []string
	if sms.SmsAuthenticationMessage != nil {
		parts = append(parts, fmt.Sprintf("message=%q", *sms.SmsAuthenticationMessage))
	}
	if c := sms.SmsConfiguration; c != nil {
		if c.SnsCallerArn != nil {
			parts = append(parts, "caller="+*c.SnsCallerArn)
		}
		if c.SnsRegion != nil {
			parts = append(parts, "region="+*c.SnsRegion)
		}
		if aws.ToString(c.ExternalId) != "" {
			parts = append(parts, "external-id=set")
		}
	}
	return strings.Join(parts, " ")
}

// describeWire lists exactly which fields GetUserPoolMfaConfig returned,
// without normalising: it shows what a client that does not normalise sees.
func describeWire(out *cip.GetUserPoolMfaConfigOutput) string {
	parts := []string{"MfaConfiguration=" + string(out.MfaConfiguration)}
	if out.SmsMfaConfiguration != nil {
		parts = append(parts, "SmsMfaConfiguration={"+describeSms(out.SmsMfaConfiguration)+"}")
	}
	if out.SoftwareTokenMfaConfiguration != nil {
		parts = append(parts, fmt.Sprintf("SoftwareTokenMfaConfiguration={Enabled:%t}", out.SoftwareTokenMfaConfiguration.Enabled))
	}
	if out.EmailMfaConfiguration != nil {
		parts = append(parts, "EmailMfaConfiguration={...}")
	}
	if out.WebAuthnConfiguration != nil {
		parts = append(parts, "WebAuthnConfiguration={...}")
	}
	return strings.Join(parts, " ")
}

// describeUserMfa is the normalised view of a user's MFA settings: an absent
// list and an empty one read the same.
func describeUserMfa(list []string, preferred *string, legacy []types.MFAOptionType) string {
	list = slices.Sorted(slices.Values(list))
	view := fmt.Sprintf("mfa=[%s] preferred=%s", strings.Join(list, " "), cmp.Or(aws.ToString(preferred), "none"))
	if len(legacy) > 0 {
		var opts []string
		for _, o := range legacy {
			opts = append(opts, string(o.DeliveryMedium)+":"+aws.ToString(o.AttributeName))
		}
		view += " legacy=[" + strings.Join(opts, " ") + "]"
	}
	return view
}
