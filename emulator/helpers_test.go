package emulator_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"

	"github.com/mfactl/mfactl/emulator"
	"github.com/mfactl/mfactl/internal/cognito"
)

// newClient is an SDK client for the emulator at url, signing for region,
// with retries off so that every call is exactly one request.
func newClient(url, region string) *cip.Client {
	return cip.New(cip.Options{
		Region:           region,
		BaseEndpoint:     aws.String(url),
		Credentials:      credentials.NewStaticCredentialsProvider("AKIDEMULATOR", "secret", ""),
		HTTPClient:       cognito.InMemoryBodies(awshttp.NewBuildableClient()),
		RetryMaxAttempts: 1,
	})
}

// env is an emulator with a client, for one test.
type env struct {
	t   *testing.T
	ctx context.Context
	s   *emulator.Server
	url string
	c   *cip.Client
}

func newEnv(t *testing.T, opts emulator.Options) *env {
	t.Helper()
	s, url := emulator.NewTestServer(t, opts)
	return &env{t: t, ctx: context.Background(), s: s, url: url, c: newClient(url, "us-east-1")}
}

// wantCode asserts that err is a Cognito error with the given code.
func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("want %s, got %v", code, err)
	}
	if apiErr.ErrorCode() != code {
		t.Fatalf("want %s, got %s: %s", code, apiErr.ErrorCode(), apiErr.ErrorMessage())
	}
}

// wantError asserts code and message.
func wantError(t *testing.T, err error, code, message string) {
	t.Helper()
	wantCode(t, err, code)
	var apiErr smithy.APIError
	errors.As(err, &apiErr)
	if apiErr.ErrorMessage() != message {
		t.Fatalf("%s message:\n got %q\nwant %q", code, apiErr.ErrorMessage(), message)
	}
}

func must[T any](t *testing.T) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

// pool creates a pool with an SMS role and SES email, on the Essentials tier.
func (e *env) pool(name string) string {
	e.t.Helper()
	out, err := e.c.CreateUserPool(e.ctx, &cip.CreateUserPoolInput{
		PoolName:     aws.String(name),
		UserPoolTier: types.UserPoolTierTypeEssentials,
		SmsConfiguration: &types.SmsConfigurationType{
			SnsCallerArn: aws.String("arn:aws:iam::123456789012:role/sns"),
			ExternalId:   aws.String("external-secret"),
		},
		EmailConfiguration: &types.EmailConfigurationType{
			EmailSendingAccount: types.EmailSendingAccountTypeDeveloper,
			SourceArn:           aws.String("arn:aws:ses:us-east-1:123456789012:identity/example.com"),
		},
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return *out.UserPool.Id
}

// user creates a confirmed user with a password and the given attributes.
func (e *env) user(poolID, username string, attrs ...string) {
	e.t.Helper()
	var list []types.AttributeType
	for i := 0; i+1 < len(attrs); i += 2 {
		list = append(list, types.AttributeType{Name: aws.String(attrs[i]), Value: aws.String(attrs[i+1])})
	}
	if _, err := e.c.AdminCreateUser(e.ctx, &cip.AdminCreateUserInput{
		UserPoolId: aws.String(poolID), Username: aws.String(username), UserAttributes: list,
		MessageAction: types.MessageActionTypeSuppress,
	}); err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.c.AdminSetUserPassword(e.ctx, &cip.AdminSetUserPasswordInput{
		UserPoolId: aws.String(poolID), Username: aws.String(username),
		Password: aws.String(testPassword), Permanent: true,
	}); err != nil {
		e.t.Fatal(err)
	}
}

const testPassword = "Correct-Horse-9"

// smsConfig is a valid SMS MFA block.
func smsConfig() *types.SmsMfaConfigType {
	return &types.SmsMfaConfigType{
		SmsAuthenticationMessage: aws.String("Your code is {####}"),
		SmsConfiguration: &types.SmsConfigurationType{
			SnsCallerArn: aws.String("arn:aws:iam::123456789012:role/sns"),
			ExternalId:   aws.String("external-secret"),
		},
	}
}

// clock is a settable clock for TOTP tests.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }
