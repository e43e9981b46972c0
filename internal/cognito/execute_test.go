package cognito

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/mfactl/mfactl/internal/state"
)

const pool1 = "eu-west-1_Pool1"

func smsOn() *state.SmsMfaConfiguration {
	return &state.SmsMfaConfiguration{Enabled: true, SmsAuthenticationMessage: aws.String("Code {####}"),
		SmsConfiguration: &state.SmsConfiguration{SnsCallerArn: "arn:aws:iam::123456789012:role/sms", ExternalId: "ext-SECRET-42"}}
}

func TestPoolInputMapping(t *testing.T) {
	webAuthn := &state.WebAuthnConfiguration{RelyingPartyId: aws.String("auth.example.com"), FactorConfiguration: aws.String(state.MultiFactorWithUserVerification)}
	wantWebAuthn := &types.WebAuthnConfigurationType{RelyingPartyId: aws.String("auth.example.com"), FactorConfiguration: types.WebAuthnFactorConfigurationTypeMultiFactorWithUserVerification}
	for _, tc := range []struct {
		name string
		cfg  state.PoolConfig
		want cip.SetUserPoolMfaConfigInput
	}{
		{"OPTIONAL with SMS and TOTP",
			state.PoolConfig{MfaConfiguration: state.ModeOptional, SmsMfaConfiguration: smsOn(),
				SoftwareTokenMfaConfiguration: &state.SoftwareTokenMfaConfiguration{Enabled: true}},
			cip.SetUserPoolMfaConfigInput{MfaConfiguration: types.UserPoolMfaTypeOptional,
				SmsMfaConfiguration: &types.SmsMfaConfigType{SmsAuthenticationMessage: aws.String("Code {####}"),
					SmsConfiguration: &types.SmsConfigurationType{SnsCallerArn: aws.String("arn:aws:iam::123456789012:role/sms"), ExternalId: aws.String("ext-SECRET-42")}},
				SoftwareTokenMfaConfiguration: &types.SoftwareTokenMfaConfigType{Enabled: true}}},
		{"disabled SMS and email are left out; a disabled TOTP block is sent",
			state.PoolConfig{MfaConfiguration: state.ModeOn, SmsMfaConfiguration: &state.SmsMfaConfiguration{},
				SoftwareTokenMfaConfiguration: &state.SoftwareTokenMfaConfiguration{},
				EmailMfaConfiguration:         &state.EmailMfaConfiguration{Enabled: true, Subject: aws.String("Code")}},
			cip.SetUserPoolMfaConfigInput{MfaConfiguration: types.UserPoolMfaTypeOn,
				SoftwareTokenMfaConfiguration: &types.SoftwareTokenMfaConfigType{Enabled: false},
				EmailMfaConfiguration:         &types.EmailMfaConfigType{Subject: aws.String("Code")}}},
		{"WebAuthn is re-sent as given",
			state.PoolConfig{MfaConfiguration: state.ModeOptional, SoftwareTokenMfaConfiguration: &state.SoftwareTokenMfaConfiguration{Enabled: true}, WebAuthnConfiguration: webAuthn},
			cip.SetUserPoolMfaConfigInput{MfaConfiguration: types.UserPoolMfaTypeOptional,
				SoftwareTokenMfaConfiguration: &types.SoftwareTokenMfaConfigType{Enabled: true}, WebAuthnConfiguration: wantWebAuthn}},
		{"OFF sends WebAuthn alone",
			state.PoolConfig{MfaConfiguration: state.ModeOff, SmsMfaConfiguration: smsOn(), WebAuthnConfiguration: webAuthn},
			cip.SetUserPoolMfaConfigInput{MfaConfiguration: types.UserPoolMfaTypeOff, WebAuthnConfiguration: wantWebAuthn}},
		{"SMS without an ExternalId sends none",
			state.PoolConfig{MfaConfiguration: state.ModeOn, SmsMfaConfiguration: &state.SmsMfaConfiguration{Enabled: true,
				SmsConfiguration: &state.SmsConfiguration{SnsCallerArn: "arn:r", SnsRegion: "eu-west-1"}}},
			cip.SetUserPoolMfaConfigInput{MfaConfiguration: types.UserPoolMfaTypeOn, SmsMfaConfiguration: &types.SmsMfaConfigType{
				SmsConfiguration: &types.SmsConfigurationType{SnsCallerArn: aws.String("arn:r"), SnsRegion: aws.String("eu-west-1")}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := poolInput(pool1, tc.cfg)
			if err != nil {
				t.Fatal(err)
			}
			tc.want.UserPoolId = aws.String(pool1)
			if !reflect.DeepEqual(*got, tc.want) {
				t.Errorf("poolInput()\n got %s\nwant %s", dump(got), dump(tc.want))
			}
		})
	}
}

// Under OFF, whatever the configuration holds, no SMS, TOTP or email block
// may be sent: Cognito rejects even a disabling one.
func TestPoolInputNeverSendsAFactorBlockWithOFF(t *testing.T) {
	sms := []*state.SmsMfaConfiguration{nil, {}, smsOn()}
	totp := []*state.SoftwareTokenMfaConfiguration{nil, {}, {Enabled: true}}
	email := []*state.EmailMfaConfiguration{nil, {}, {Enabled: true}}
	webAuthn := []*state.WebAuthnConfiguration{nil, {RelyingPartyId: aws.String("x")}}
	for _, s := range sms {
		for _, tt := range totp {
			for _, e := range email {
				for _, w := range webAuthn {
					cfg := state.PoolConfig{MfaConfiguration: state.ModeOff, SmsMfaConfiguration: s,
						SoftwareTokenMfaConfiguration: tt, EmailMfaConfiguration: e, WebAuthnConfiguration: w}
					in, err := poolInput(pool1, cfg)
					if err != nil {
						t.Fatalf("%s: %v", dump(cfg), err)
					}
					if in.SmsMfaConfiguration != nil || in.SoftwareTokenMfaConfiguration != nil || in.EmailMfaConfiguration != nil {
						t.Errorf("%s: sent %s", dump(cfg), dump(in))
					}
					if (in.WebAuthnConfiguration != nil) != (w != nil) {
						t.Errorf("%s: WebAuthn block sent = %v; want %v", dump(cfg), in.WebAuthnConfiguration != nil, w != nil)
					}
				}
			}
		}
	}
}

func TestPoolInputRefusesIncompleteUnusableOrMaskedConfig(t *testing.T) {
	for _, cfg := range []state.PoolConfig{
		{},
		{MfaConfiguration: "SOMETIMES", SoftwareTokenMfaConfiguration: &state.SoftwareTokenMfaConfiguration{Enabled: true}},
		{MfaConfiguration: state.ModeOn},
		{MfaConfiguration: state.ModeOn, SoftwareTokenMfaConfiguration: &state.SoftwareTokenMfaConfiguration{}},
		{MfaConfiguration: state.ModeOptional, SmsMfaConfiguration: &state.SmsMfaConfiguration{}, EmailMfaConfiguration: &state.EmailMfaConfiguration{}},
		{MfaConfiguration: state.ModeOn, WebAuthnConfiguration: &state.WebAuthnConfiguration{FactorConfiguration: aws.String(state.MultiFactorWithUserVerification)}},
		{MfaConfiguration: state.ModeOn, SmsMfaConfiguration: &state.SmsMfaConfiguration{Enabled: true}}, // no SNS role
		{MfaConfiguration: state.ModeOn, SmsMfaConfiguration: &state.SmsMfaConfiguration{Enabled: true,
			SmsConfiguration: &state.SmsConfiguration{SnsCallerArn: "arn:r", ExternalId: state.SecretMarker}}},
		{MfaConfiguration: state.ModeOn, SmsMfaConfiguration: &state.SmsMfaConfiguration{Enabled: true,
			SmsConfiguration: &state.SmsConfiguration{SnsCallerArn: "arn:r", ExternalId: "(sensitive: unchanged)"}}},
	} {
		if in, err := poolInput(pool1, cfg); err == nil {
			t.Errorf("poolInput(%s) = %s; want an error", dump(cfg), dump(in))
		}
	}
}

func TestUserInputSendsOnlyTheBlocksPresent(t *testing.T) {
	in, err := userInput(pool1, "alice", state.UserSettings{
		SoftwareTokenMfaSettings: &state.FactorSettings{Enabled: true, PreferredMfa: true},
		WebAuthnMfaSettings:      &state.WebAuthnSettings{Enabled: false},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := &cip.AdminSetUserMFAPreferenceInput{UserPoolId: aws.String(pool1), Username: aws.String("alice"),
		SoftwareTokenMfaSettings: &types.SoftwareTokenMfaSettingsType{Enabled: true, PreferredMfa: true},
		WebAuthnMfaSettings:      &types.WebAuthnMfaSettingsType{Enabled: false}}
	if !reflect.DeepEqual(in, want) {
		t.Errorf("userInput()\n got %s\nwant %s", dump(in), dump(want))
	}
	in, err = userInput(pool1, "bob", settings(enabled, none, preferred))
	if err != nil {
		t.Fatal(err)
	}
	if in.SMSMfaSettings == nil || !in.SMSMfaSettings.Enabled || in.SoftwareTokenMfaSettings == nil || in.SoftwareTokenMfaSettings.Enabled ||
		in.EmailMfaSettings == nil || !in.EmailMfaSettings.PreferredMfa || in.WebAuthnMfaSettings != nil {
		t.Errorf("userInput() = %s", dump(in))
	}
	if _, err := userInput(pool1, "carol", state.UserSettings{}); !errors.Is(err, errEmptyUserRequest) {
		t.Errorf("empty request: err = %v; want errEmptyUserRequest", err)
	}
	if _, err := userInput(pool1, "", settings(enabled, none, none)); err == nil {
		t.Error("no username: want an error")
	}
}

func poolCall(cfg state.PoolConfig) testCall {
	return testCall{Operation: opSetUserPoolMfaConfig, UserPoolId: pool1, PoolRequest: &cfg}
}

func userCall(name string, s state.UserSettings) testCall {
	return testCall{Operation: opAdminSetUserMFAPreference, UserPoolId: pool1, Username: name, UserRequest: &s}
}

func TestExecuteSendsThePlannedRequest(t *testing.T) {
	f := newFakeCognito()
	c, _ := f.client(Options{})
	ctx := context.Background()
	cfg := state.PoolConfig{MfaConfiguration: state.ModeOptional, SmsMfaConfiguration: smsOn()}
	if err := execCall(ctx, c, poolCall(cfg)); err != nil {
		t.Fatal(err)
	}
	if err := execCall(ctx, c, userCall("alice", state.UserSettings{SMSMfaSettings: &preferred})); err != nil {
		t.Fatal(err)
	}
	wantPool, _ := poolInput(pool1, cfg)
	if len(f.setPool) != 1 || !reflect.DeepEqual(f.setPool[0], wantPool) {
		t.Errorf("SetUserPoolMfaConfig got %s; want %s", dump(f.setPool), dump(wantPool))
	}
	if len(f.setUser) != 1 || *f.setUser[0].Username != "alice" || !f.setUser[0].SMSMfaSettings.PreferredMfa {
		t.Errorf("AdminSetUserMFAPreference got %s", dump(f.setUser))
	}
	if want := []string{"eu-west-1 SetUserPoolMfaConfig " + pool1, "eu-west-1 AdminSetUserMFAPreference " + pool1 + " alice"}; !reflect.DeepEqual(f.callLog(), want) {
		t.Errorf("calls = %q; want %q", f.callLog(), want)
	}
}

func TestExecuteRefusesRequestsCognitoMustNotReceiveWithoutCalling(t *testing.T) {
	f := newFakeCognito()
	c, _ := f.client(Options{})
	for name, call := range map[string]testCall{
		"user call without blocks": userCall("alice", state.UserSettings{}),
		"ON with nothing enabled":  poolCall(state.PoolConfig{MfaConfiguration: state.ModeOn}),
	} {
		var callErr *CallError
		if err := execCall(context.Background(), c, call); err == nil || errors.As(err, &callErr) {
			t.Errorf("%s: err = %v; want a plain error", name, err)
		}
	}
	if calls := f.callLog(); len(calls) != 0 {
		t.Errorf("Cognito was called: %q", calls)
	}
}

// testCall is one write as the tests describe it; execCall makes it with
// the Client method of its operation.
type testCall struct {
	Operation   string
	UserPoolId  string
	Username    string
	PoolRequest *state.PoolConfig
	UserRequest *state.UserSettings
}

func execCall(ctx context.Context, c *Client, call testCall) error {
	if call.Operation == opSetUserPoolMfaConfig {
		return c.SetUserPoolMfaConfig(ctx, call.UserPoolId, *call.PoolRequest)
	}
	return c.AdminSetUserMFAPreference(ctx, call.UserPoolId, call.Username, *call.UserRequest)
}

func TestExecuteExplainsFailures(t *testing.T) {
	for _, tc := range []struct {
		name    string
		call    testCall
		err     error
		code    string
		meaning string // a fragment
	}{
		{"SMS for a user without a phone number", userCall("alice", state.UserSettings{SMSMfaSettings: &enabled}),
			apiError("InvalidParameterException", "User does not have a phone_number set to turn on SMS MFA"),
			"InvalidParameterException", "no phone_number attribute"},
		{"TOTP for a user without an authenticator", userCall("alice", state.UserSettings{SoftwareTokenMfaSettings: &enabled}),
			apiError("InvalidParameterException", "User has not verified software token mfa"),
			"InvalidParameterException", "authenticator app"},
		{"SMS MFA off while the pool verifies phone numbers", poolCall(state.PoolConfig{MfaConfiguration: state.ModeOptional, SoftwareTokenMfaConfiguration: &state.SoftwareTokenMfaConfiguration{Enabled: true}}),
			apiError("InvalidParameterException", "Can't turn off SMS_MFA when SMS configuration is set for the user pool"),
			"InvalidParameterException", "remove phone_number from AutoVerifiedAttributes"},
		{"email MFA on the Lite tier", poolCall(state.PoolConfig{MfaConfiguration: state.ModeOptional, EmailMfaConfiguration: &state.EmailMfaConfiguration{Enabled: true}}),
			&types.FeatureUnavailableInTierException{Message: aws.String("Email MFA is not available")},
			"FeatureUnavailableInTierException", "Essentials or Plus"},
		{"missing IAM permission", poolCall(state.PoolConfig{MfaConfiguration: state.ModeOff}),
			apiError("AccessDeniedException", "User: arn:aws:iam::1:user/ci is not authorized"),
			"AccessDeniedException", "cognito-idp:SetUserPoolMfaConfig"},
		{"not authorized for users", userCall("alice", state.UserSettings{SMSMfaSettings: &enabled}),
			&types.NotAuthorizedException{Message: aws.String("not authorized")},
			"NotAuthorizedException", "cognito-idp:AdminSetUserMFAPreference"},
		{"pool gone", poolCall(state.PoolConfig{MfaConfiguration: state.ModeOff}),
			&types.ResourceNotFoundException{Message: aws.String("User pool does not exist.")},
			"ResourceNotFoundException", "does not exist"},
		{"throttled after every SDK retry", userCall("alice", state.UserSettings{SMSMfaSettings: &enabled}),
			&types.TooManyRequestsException{Message: aws.String("Rate exceeded")},
			"TooManyRequestsException", "--rate for UserResourceUpdate"},
		{"transport failure", poolCall(state.PoolConfig{MfaConfiguration: state.ModeOff}),
			errors.New("dial tcp 127.0.0.1:9: connect: connection refused"),
			"", "could not be reached"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeCognito()
			c, _ := f.client(Options{})
			f.failNext(strings.Join(targetKey(tc.call), " "), tc.err)
			err := execCall(context.Background(), c, tc.call)
			var callErr *CallError
			if !errors.As(err, &callErr) {
				t.Fatalf("err = %v (%T); want *CallError", err, err)
			}
			if callErr.Code != tc.code || callErr.Operation != string(tc.call.Operation) ||
				callErr.UserPoolId != pool1 || callErr.Username != tc.call.Username {
				t.Errorf("CallError = %+v", callErr)
			}
			if !strings.Contains(callErr.Meaning, tc.meaning) {
				t.Errorf("Meaning = %q; want it to mention %q", callErr.Meaning, tc.meaning)
			}
			if !strings.Contains(err.Error(), callErr.Meaning) {
				t.Errorf("Error() = %q does not carry the meaning", err)
			}
		})
	}
}

func targetKey(call testCall) []string {
	key := []string{string(call.Operation), call.UserPoolId}
	if call.Username != "" {
		key = append(key, call.Username)
	}
	return key
}

func TestExecuteNeverShowsTheExternalId(t *testing.T) {
	f := newFakeCognito()
	c, _ := f.client(Options{})
	cfg := state.PoolConfig{MfaConfiguration: state.ModeOn, SmsMfaConfiguration: smsOn()}
	// A server that echoes the request back must not leak it either.
	f.failNext("SetUserPoolMfaConfig "+pool1,
		apiError("InvalidSmsRoleTrustRelationshipException", "Role does not trust cognito with external id ext-SECRET-42"))
	f.failNext("SetUserPoolMfaConfig "+pool1, apiError("InvalidParameterException", "bad ExternalId ext-SECRET-42"))
	err := execCall(context.Background(), c, poolCall(cfg))
	if err == nil {
		t.Fatal("want an error")
	}
	var callErr *CallError
	errors.As(err, &callErr)
	for _, s := range []string{err.Error(), dump(callErr), callErr.Message, callErr.Meaning} {
		if strings.Contains(s, "ext-SECRET-42") {
			t.Errorf("the ExternalId leaked: %s", s)
		}
	}
	if !strings.Contains(callErr.Message, state.SecretMarker) {
		t.Errorf("Message = %q; want the secret masked with %q", callErr.Message, state.SecretMarker)
	}
}

func TestExecuteRetriesConcurrentModification(t *testing.T) {
	f := newFakeCognito()
	c, slept := f.client(Options{})
	cme := &types.ConcurrentModificationException{Message: aws.String("busy")}
	f.failNext("AdminSetUserMFAPreference "+pool1+" alice", cme, cme)
	if err := execCall(context.Background(), c, userCall("alice", state.UserSettings{SMSMfaSettings: &enabled})); err != nil {
		t.Fatalf("err = %v; want success after retries", err)
	}
	if n := len(f.callLog()); n != 3 {
		t.Errorf("%d calls; want 3", n)
	}
	assertBackoff(t, *slept, callRetries["ConcurrentModificationException"].firstDelay, 2)
}

func TestExecuteGivesUpOnConcurrentModificationAfterItsAttempts(t *testing.T) {
	f := newFakeCognito()
	c, _ := f.client(Options{})
	policy := callRetries["ConcurrentModificationException"]
	for range policy.attempts + 2 {
		f.failNext("SetUserPoolMfaConfig "+pool1, &types.ConcurrentModificationException{Message: aws.String("busy")})
	}
	err := execCall(context.Background(), c, poolCall(state.PoolConfig{MfaConfiguration: state.ModeOff}))
	var callErr *CallError
	if !errors.As(err, &callErr) || callErr.Code != "ConcurrentModificationException" {
		t.Fatalf("err = %v; want a ConcurrentModificationException CallError", err)
	}
	if n := len(f.callLog()); n != policy.attempts {
		t.Errorf("%d calls; want %d", n, policy.attempts)
	}
}

func TestExecuteRetriesNewSmsRolesWhileIAMPropagates(t *testing.T) {
	for _, code := range []string{"InvalidSmsRoleTrustRelationshipException", "InvalidSmsRoleAccessPolicyException"} {
		t.Run(code, func(t *testing.T) {
			f := newFakeCognito()
			c, slept := f.client(Options{})
			policy := callRetries[code]
			for range policy.attempts {
				f.failNext("SetUserPoolMfaConfig "+pool1, apiError(code, "role not usable"))
			}
			err := execCall(context.Background(), c, poolCall(state.PoolConfig{MfaConfiguration: state.ModeOn, SmsMfaConfiguration: smsOn()}))
			var callErr *CallError
			if !errors.As(err, &callErr) || callErr.Code != code {
				t.Fatalf("err = %v; want %s", err, code)
			}
			if n := len(f.callLog()); n != policy.attempts {
				t.Errorf("%d calls; want %d", n, policy.attempts)
			}
			assertBackoff(t, *slept, policy.firstDelay, policy.attempts-1)
		})
	}
}

// assertBackoff checks n delays that double from first, each jittered
// into [d/2, d].
func assertBackoff(t *testing.T, slept []time.Duration, first time.Duration, n int) {
	t.Helper()
	if len(slept) != n {
		t.Fatalf("slept %v; want %d delays", slept, n)
	}
	for i, d := range slept {
		ceiling := first << i
		if d < ceiling/2 || d > ceiling {
			t.Errorf("delay %d = %v; want within [%v, %v]", i, d, ceiling/2, ceiling)
		}
	}
}

func TestExecuteDoesNotRetryOtherErrors(t *testing.T) {
	f := newFakeCognito()
	c, slept := f.client(Options{})
	f.failNext("AdminSetUserMFAPreference "+pool1+" alice", apiError("InvalidParameterException", "no phone"))
	if err := execCall(context.Background(), c, userCall("alice", state.UserSettings{SMSMfaSettings: &enabled})); err == nil {
		t.Fatal("want an error")
	}
	if n := len(f.callLog()); n != 1 || len(*slept) != 0 {
		t.Errorf("%d calls, slept %v; want 1 call, no sleep", n, *slept)
	}
}

// An interrupt before a call is sent stops it: nothing reaches Cognito and
// the caller learns it was not sent (apply reports it not started).
func TestExecuteSendsNothingOnceInterrupted(t *testing.T) {
	f := newFakeCognito()
	c, _ := f.client(Options{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := execCall(ctx, c, poolCall(state.PoolConfig{MfaConfiguration: state.ModeOff}))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v; want context.Canceled", err)
	}
	if n := len(f.callLog()); n != 0 {
		t.Errorf("%d calls sent after the interrupt; want 0", n)
	}
}

// interruptingAPI cancels the run's context while the first call is on the
// wire, as Ctrl-C would, and records whether later attempts were cancelled.
type interruptingAPI struct {
	API
	interrupt       context.CancelFunc
	cancelledDuring []bool
}

func (a *interruptingAPI) SetUserPoolMfaConfig(ctx context.Context, in *cip.SetUserPoolMfaConfigInput, optFns ...func(*cip.Options)) (*cip.SetUserPoolMfaConfigOutput, error) {
	a.interrupt()
	a.cancelledDuring = append(a.cancelledDuring, ctx.Err() != nil)
	return a.API.SetUserPoolMfaConfig(ctx, in, optFns...)
}

// A call that was sent is seen through, own retries included, even when the
// run is interrupted meanwhile, so that its outcome is known.
func TestExecuteSeesASentCallThroughAnInterrupt(t *testing.T) {
	f := newFakeCognito()
	f.failNext("SetUserPoolMfaConfig "+pool1, &types.ConcurrentModificationException{Message: aws.String("busy")})
	ctx, cancel := context.WithCancel(context.Background())
	api := &interruptingAPI{interrupt: cancel}
	c := NewWithAPI(func(region string) API { api.API = &fakeAPI{f: f, region: region}; return api }, Options{})
	c.sleep = func(context.Context, time.Duration) error { return nil }
	if err := execCall(ctx, c, poolCall(state.PoolConfig{MfaConfiguration: state.ModeOff})); err != nil {
		t.Fatalf("err = %v; want the retried call to succeed", err)
	}
	if want := []bool{false, false}; !reflect.DeepEqual(api.cancelledDuring, want) {
		t.Errorf("attempts saw a cancelled context: %v; want %v", api.cancelledDuring, want)
	}
}

func TestExecuteNeedsARegionInThePoolID(t *testing.T) {
	f := newFakeCognito()
	c, _ := f.client(Options{})
	call := poolCall(state.PoolConfig{MfaConfiguration: state.ModeOff})
	call.UserPoolId = "NoRegion"
	err := execCall(context.Background(), c, call)
	var callErr *CallError
	if !errors.As(err, &callErr) || !strings.Contains(callErr.Meaning, "eu-west-1_") {
		t.Fatalf("err = %v; want a CallError explaining pool IDs", err)
	}
}

// The SDK wraps a dropped connection in several layers; the report keeps
// what happened to the request and how many attempts were made.
func TestExecuteReportsTransportFailuresPlainly(t *testing.T) {
	dropped := &smithy.OperationError{ServiceID: "Cognito Identity Provider", OperationName: "AdminSetUserMFAPreference",
		Err: &retry.MaxAttemptsError{Attempt: 8, Err: &awshttp.ResponseError{ResponseError: &smithyhttp.ResponseError{
			Response: &smithyhttp.Response{Response: &http.Response{}},
			Err:      &smithyhttp.RequestSendError{Err: &url.Error{Op: "Post", URL: "https://cognito-idp.eu-west-1.amazonaws.com/", Err: io.EOF}}}}}}
	f := newFakeCognito()
	c, _ := f.client(Options{})
	call := userCall("alice", state.UserSettings{SMSMfaSettings: &enabled})
	f.failNext(strings.Join(targetKey(call), " "), dropped)
	var callErr *CallError
	if err := execCall(context.Background(), c, call); !errors.As(err, &callErr) {
		t.Fatalf("err = %v (%T); want *CallError", err, err)
	}
	want := `no answer after 8 attempts: Post "https://cognito-idp.eu-west-1.amazonaws.com/": EOF`
	if callErr.Message != want || callErr.Code != "" || !strings.Contains(callErr.Meaning, "could not be reached") {
		t.Errorf("CallError = %+v; want Message %q and the transport meaning", callErr, want)
	}
}

// Every factor that answers a challenge reaches Cognito in its own block.
func TestUserInputCoversEveryFactor(t *testing.T) {
	for _, f := range state.MFAFactors {
		if sdkUserBlock[f] == nil {
			t.Fatalf("no SDK block for %s", f.UserBlock)
		}
		var s state.UserSettings
		f.SetUser(&s, &state.FactorSettings{Enabled: true, PreferredMfa: true})
		in, err := userInput(pool1, "alice", s)
		if err != nil {
			t.Fatal(err)
		}
		if got := dump(in); !strings.Contains(got, `"`+f.UserBlock+`":{"Enabled":true,"PreferredMfa":true}`) {
			t.Errorf("%s: sent %s", f.UserBlock, got)
		}
	}
}
