package cognito

// End-to-end tests: mfactl's Client, the real AWS SDK and the project's
// emulator on a loopback httptest server.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/mfactl/mfactl/emulator"
	"github.com/mfactl/mfactl/internal/operations"
	"github.com/mfactl/mfactl/internal/state"
)

const smsRoleArn = "arn:aws:iam::123456789012:role/cognito-sms"

// testEmulator is an emulator with a raw SDK client for setting it up.
type testEmulator struct {
	*emulator.Server
	url   string
	admin *cip.Client
}

func startEmulator(t testing.TB, opts emulator.Options, region string) *testEmulator {
	t.Helper()
	srv, url := emulator.NewTestServer(t, opts)
	admin := cip.New(cip.Options{
		Region:       region,
		BaseEndpoint: aws.String(url),
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDSETUP", "setup-secret", ""),
	})
	return &testEmulator{Server: srv, url: url, admin: admin}
}

// createPool creates a pool with a known ID on the Essentials tier with SES
// email and an SMS role, so that every factor can be enabled.
func (e *testEmulator) createPool(t testing.TB, id string) {
	t.Helper()
	_, err := e.admin.CreateUserPool(context.Background(), &cip.CreateUserPoolInput{
		PoolName:     aws.String("pool-" + id),
		UserPoolTags: map[string]string{emulator.PoolIDTag: id},
		UserPoolTier: types.UserPoolTierTypeEssentials,
		EmailConfiguration: &types.EmailConfigurationType{EmailSendingAccount: types.EmailSendingAccountTypeDeveloper,
			SourceArn: aws.String("arn:aws:ses:eu-west-1:123456789012:identity/example.com")},
		SmsConfiguration: &types.SmsConfigurationType{SnsCallerArn: aws.String(smsRoleArn), ExternalId: aws.String("pool-ext-id")},
		AccountRecoverySetting: &types.AccountRecoverySettingType{RecoveryMechanisms: []types.RecoveryOptionType{
			{Name: types.RecoveryOptionNameTypeVerifiedPhoneNumber, Priority: aws.Int32(1)},
			{Name: types.RecoveryOptionNameTypeVerifiedEmail, Priority: aws.Int32(2)},
		}},
	})
	if err != nil {
		t.Fatalf("CreateUserPool %s: %v", id, err)
	}
}

// createUser creates a user with the given attributes ("name=value").
func (e *testEmulator) createUser(t testing.TB, pool, name string, attrs ...string) {
	t.Helper()
	in := &cip.AdminCreateUserInput{UserPoolId: aws.String(pool), Username: aws.String(name), MessageAction: types.MessageActionTypeSuppress}
	for _, a := range attrs {
		k, v, _ := strings.Cut(a, "=")
		in.UserAttributes = append(in.UserAttributes, types.AttributeType{Name: aws.String(k), Value: aws.String(v)})
	}
	if _, err := e.admin.AdminCreateUser(context.Background(), in); err != nil {
		t.Fatalf("AdminCreateUser %s/%s: %v", pool, name, err)
	}
}

func newE2EClient(t testing.TB, opts Options) *Client {
	t.Helper()
	c, err := New(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestEndToEndWriteThenRead(t *testing.T) {
	isolateAWSEnv(t)
	const pool = "eu-west-1_RoundTrip"
	e := startEmulator(t, emulator.Options{QuotaScale: 1}, "eu-west-1")
	e.createPool(t, pool)
	e.createUser(t, pool, "alice", "phone_number=+15555550100")
	e.createUser(t, pool, "bob", "email=bob@example.com")
	e.createUser(t, pool, "carol")
	// Through the SDK's own endpoint variable rather than the flag.
	t.Setenv("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", e.url)
	c := newE2EClient(t, Options{})
	ctx := context.Background()

	desired := state.PoolConfig{
		MfaConfiguration: state.ModeOptional,
		SmsMfaConfiguration: &state.SmsMfaConfiguration{Enabled: true, SmsAuthenticationMessage: aws.String("Your code is {####}"),
			SmsConfiguration: &state.SmsConfiguration{SnsCallerArn: smsRoleArn, ExternalId: "ext-SECRET-7"}},
		SoftwareTokenMfaConfiguration: &state.SoftwareTokenMfaConfiguration{Enabled: true},
		EmailMfaConfiguration:         &state.EmailMfaConfiguration{Enabled: true, Subject: aws.String("Your code")},
	}
	calls := []testCall{
		{Operation: opSetUserPoolMfaConfig, UserPoolId: pool, PoolRequest: &desired},
		{Operation: opAdminSetUserMFAPreference, UserPoolId: pool, Username: "alice", UserRequest: &state.UserSettings{SMSMfaSettings: &preferred}},
		{Operation: opAdminSetUserMFAPreference, UserPoolId: pool, Username: "bob", UserRequest: &state.UserSettings{EmailMfaSettings: &enabled}},
	}
	for _, call := range calls {
		if err := execCall(ctx, c, call); err != nil {
			t.Fatalf("%s %s: %v", call.Operation, call.Username, err)
		}
	}

	live, err := c.ReadLive(ctx, state.ReadSet{pool: {"alice", "bob", "carol", "nobody"}, "eu-west-1_Missing": {"x"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	p := live.Pools[pool]
	want := desired
	want.SoftwareTokenMfaConfiguration = &state.SoftwareTokenMfaConfiguration{Enabled: true}
	if !reflect.DeepEqual(p.Config, want) {
		t.Errorf("live config\n got %s\nwant %s", dump(p.Config), dump(want))
	}
	// SetUserPoolMfaConfig's SmsConfiguration becomes the pool's.
	wantPrereq := state.Prerequisites{Tier: "ESSENTIALS", EmailSendingAccount: "DEVELOPER",
		SmsConfiguration:   &state.SmsConfiguration{SnsCallerArn: smsRoleArn, ExternalId: "ext-SECRET-7"},
		RecoveryMechanisms: []string{"verified_phone_number", "verified_email"}}
	if !reflect.DeepEqual(p.Prerequisites, wantPrereq) {
		t.Errorf("prerequisites\n got %s\nwant %s", dump(p.Prerequisites), dump(wantPrereq))
	}
	for name, want := range map[string]state.UserSettings{
		"alice": settings(preferred, none, none),
		"bob":   settings(none, none, enabled),
		"carol": settings(none, none, none),
	} {
		u := p.Users[name]
		if u == nil || !u.Exists || u.Unknown != "" || !reflect.DeepEqual(u.Settings, want) {
			t.Errorf("%s = %s; want settings %s", name, dump(u), dump(want))
		}
	}
	if u := p.Users["alice"]; u == nil || !u.HasPhoneNumber || u.HasEmail {
		t.Errorf("alice's attributes = %s", dump(u))
	}
	if u := p.Users["nobody"]; u == nil || u.Exists {
		t.Errorf("nobody = %s; want Exists false", dump(u))
	}
	if m := live.Pools["eu-west-1_Missing"]; m == nil || m.Exists {
		t.Errorf("missing pool = %s; want Exists false", dump(m))
	}

	// Turning MFA off sends no factor block, which Cognito would reject.
	off := state.PoolConfig{MfaConfiguration: state.ModeOff, SmsMfaConfiguration: desired.SmsMfaConfiguration,
		SoftwareTokenMfaConfiguration: &state.SoftwareTokenMfaConfiguration{}}
	if err := execCall(ctx, c, testCall{Operation: opSetUserPoolMfaConfig, UserPoolId: pool, PoolRequest: &off}); err != nil {
		t.Fatalf("turning MFA off: %v", err)
	}
	live, err = c.ReadLive(ctx, state.ReadSet{pool: nil}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := live.Pools[pool].Config; !reflect.DeepEqual(got, allOff(state.ModeOff)) {
		t.Errorf("after OFF: %s", dump(got))
	}
}

func TestEndToEndExplainsRefusals(t *testing.T) {
	isolateAWSEnv(t)
	const pool = "eu-west-1_Refusals"
	e := startEmulator(t, emulator.Options{}, "eu-west-1")
	e.createPool(t, pool)
	e.createUser(t, pool, "carol")
	c := newE2EClient(t, Options{EndpointURL: e.url})
	ctx := context.Background()
	smsOnly := state.PoolConfig{MfaConfiguration: state.ModeOptional, SmsMfaConfiguration: smsOn()}
	if err := execCall(ctx, c, testCall{Operation: opSetUserPoolMfaConfig, UserPoolId: pool, PoolRequest: &smsOnly}); err != nil {
		t.Fatal(err)
	}
	err := execCall(ctx, c, testCall{Operation: opAdminSetUserMFAPreference, UserPoolId: pool, Username: "carol",
		UserRequest: &state.UserSettings{SMSMfaSettings: &enabled}})
	var callErr *CallError
	if !errors.As(err, &callErr) {
		t.Fatalf("err = %v; want a CallError", err)
	}
	if callErr.Code != "InvalidParameterException" || !strings.Contains(callErr.Meaning, "phone_number") || callErr.Username != "carol" {
		t.Errorf("CallError = %+v; want InvalidParameterException explained as a missing phone_number", callErr)
	}

	// A role that cannot be assumed is retried (IAM propagation), then explained, without the ExternalId.
	e.FailNext("SetUserPoolMfaConfig", 10, "InvalidSmsRoleTrustRelationshipException")
	c.sleep = func(ctx context.Context, d time.Duration) error { return ctx.Err() }
	err = execCall(ctx, c, testCall{Operation: opSetUserPoolMfaConfig, UserPoolId: pool, PoolRequest: &smsOnly})
	if !errors.As(err, &callErr) || callErr.Code != "InvalidSmsRoleTrustRelationshipException" || callErr.Meaning == "" {
		t.Fatalf("err = %v; want an explained InvalidSmsRoleTrustRelationshipException", err)
	}
	if strings.Contains(err.Error(), "ext-SECRET-42") {
		t.Errorf("error shows the ExternalId: %v", err)
	}
	if n := e.Stats().Operations["SetUserPoolMfaConfig"].Calls; n != 1+callRetries["InvalidSmsRoleTrustRelationshipException"].attempts {
		t.Errorf("SetUserPoolMfaConfig called %d times; want 1 + %d", n, callRetries["InvalidSmsRoleTrustRelationshipException"].attempts)
	}
}

func TestEndToEndRetriesWhatIsWorthRetrying(t *testing.T) {
	isolateAWSEnv(t)
	const pool = "us-east-1_Retries"
	e := startEmulator(t, emulator.Options{}, "us-east-1")
	e.createPool(t, pool)
	e.createUser(t, pool, "alice", "phone_number=+15555550100")
	c := newE2EClient(t, Options{EndpointURL: e.url})
	c.sleep = func(ctx context.Context, d time.Duration) error { return ctx.Err() }
	ctx := context.Background()

	e.FailNext("SetUserPoolMfaConfig", 2, "ConcurrentModificationException")
	cfg := state.PoolConfig{MfaConfiguration: state.ModeOptional, SmsMfaConfiguration: smsOn()}
	if err := execCall(ctx, c, testCall{Operation: opSetUserPoolMfaConfig, UserPoolId: pool, PoolRequest: &cfg}); err != nil {
		t.Fatalf("after two ConcurrentModificationExceptions: %v", err)
	}
	// 5xx and dropped connections are the SDK retryer's.
	e.FailNext("AdminGetUser", 1, "InternalErrorException")
	e.FailNext("GetUserPoolMfaConfig", 1, emulator.FaultDrop)
	live, err := c.ReadLive(ctx, state.ReadSet{pool: {"alice"}}, nil)
	if err != nil {
		t.Fatalf("after a 500 and a dropped connection: %v", err)
	}
	if live.Pools[pool].Users["alice"] == nil || !live.Pools[pool].Config.SmsMfaConfiguration.Enabled {
		t.Errorf("live = %s", dump(live.Pools[pool]))
	}
	stats := e.Stats().Operations
	if stats["SetUserPoolMfaConfig"].Calls != 3 || stats["AdminGetUser"].Calls != 2 || stats["GetUserPoolMfaConfig"].Calls != 2 {
		t.Errorf("calls = %+v", stats)
	}
}

// seedUsers adds a pool with n users named user0000… to the emulator, each
// with a phone number and, if legacy, an SMS entry in legacy MFAOptions.
func (e *testEmulator) seedUsers(t testing.TB, pool string, n int) []string {
	t.Helper()
	type user struct {
		Username   string
		Attributes map[string]string
	}
	names := make([]string, n)
	users := make([]user, n)
	for i := range users {
		names[i] = fmt.Sprintf("user%04d", i)
		users[i] = user{Username: names[i], Attributes: map[string]string{"phone_number": "+15555550100"}}
	}
	doc, err := json.Marshal(map[string]any{"Pools": []any{map[string]any{"Id": pool, "Users": users}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Seed(bytes.NewReader(doc)); err != nil {
		t.Fatal(err)
	}
	return names
}

// With the server's quotas far below the client's rates, requests are
// throttled at first; the client must slow down and finish without error.
func TestEndToEndThrottlingNeverSurfaces(t *testing.T) {
	if testing.Short() {
		t.Skip("takes a few seconds of paced traffic")
	}
	isolateAWSEnv(t)
	const pool = "eu-west-1_Throttle"
	e := startEmulator(t, emulator.Options{QuotaScale: 0.2}, "eu-west-1") // UserRead 24 rps
	names := e.seedUsers(t, pool, 72)
	c := newE2EClient(t, Options{EndpointURL: e.url, Rates: map[Category]float64{UserRead: 96, UserResourceUpdate: 25}})
	ctx := context.Background()

	start := time.Now()
	live, err := c.ReadLive(ctx, state.ReadSet{pool: names}, nil)
	if err != nil {
		t.Fatalf("throttling surfaced: %v", err)
	}
	t.Logf("read %d users in %v", len(names), time.Since(start))
	start = time.Now()
	if n := len(live.Pools[pool].Users); n != len(names) {
		t.Errorf("read %d users; want %d", n, len(names))
	}

	sms := state.PoolConfig{MfaConfiguration: state.ModeOptional, SmsMfaConfiguration: smsOn()}
	if err := execCall(ctx, c, testCall{Operation: opSetUserPoolMfaConfig, UserPoolId: pool, PoolRequest: &sms}); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 15)
	for _, name := range names[:15] {
		wg.Go(func() {
			errs <- execCall(ctx, c, testCall{Operation: opAdminSetUserMFAPreference, UserPoolId: pool, Username: name,
				UserRequest: &state.UserSettings{SMSMfaSettings: &enabled}})
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("throttling surfaced: %v", err)
		}
	}

	t.Logf("wrote 15 users in %v", time.Since(start))
	stats := e.Stats().Operations
	t.Logf("AdminGetUser %+v, AdminSetUserMFAPreference %+v", stats["AdminGetUser"], stats["AdminSetUserMFAPreference"])
	if stats["AdminGetUser"].Throttled == 0 || stats["AdminSetUserMFAPreference"].Throttled == 0 {
		t.Fatal("the emulator throttled nothing; the test proves nothing")
	}
}

func TestEndToEndLegacyMFAOptionsAreUnknown(t *testing.T) {
	isolateAWSEnv(t)
	const pool = "eu-west-1_Legacy"
	e := startEmulator(t, emulator.Options{}, "eu-west-1")
	doc := `{"Pools":[{"Id":"` + pool + `","Users":[{"Username":"old","Attributes":{"phone_number":"+15555550100"},
		"MFAOptions":[{"DeliveryMedium":"SMS","AttributeName":"phone_number"}]}]}]}`
	if err := e.Seed(strings.NewReader(doc)); err != nil {
		t.Fatal(err)
	}
	c := newE2EClient(t, Options{EndpointURL: e.url})
	live, err := c.ReadLive(context.Background(), state.ReadSet{pool: {"old"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	u := live.Pools[pool].Users["old"]
	if u == nil || !u.LegacySMS || !u.Settings.SMSMfaSettings.Enabled || u.Unknown == "" {
		t.Errorf("legacy user = %s; want LegacySMS, SMS enabled, unknown", dump(u))
	}
}

func TestEndToEndCancellationStopsWaiting(t *testing.T) {
	isolateAWSEnv(t)
	const pool = "eu-west-1_Cancel"
	e := startEmulator(t, emulator.Options{}, "eu-west-1")
	e.createPool(t, pool)
	c := newE2EClient(t, Options{EndpointURL: e.url, Rates: map[Category]float64{UserRead: 0.01}})
	ctx, cancel := context.WithCancel(context.Background())
	var once sync.Once
	start := time.Now()
	// The first user read spends the bucket's only token; the rest wait ~100 s each.
	_, err := c.ReadLive(ctx, state.ReadSet{pool: {"a", "b", "c"}}, func(done, total int) {
		if done >= 2 {
			once.Do(func() { time.AfterFunc(50*time.Millisecond, cancel) })
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v; want context.Canceled", err)
	}
	if elapsed := time.Since(start); elapsed > 5*time.Second {
		t.Errorf("ReadLive returned %v after cancellation; want at once", elapsed)
	}
}

// The client paces by the same quota table the emulator enforces, so that a
// benchmark against the emulator measures what it would against Cognito.
func TestQuotaTableMatchesEmulator(t *testing.T) {
	for _, entry := range operations.Table {
		op, category := entry.Name, entry.Category
		if got := emulator.Category(op); got != string(category) {
			t.Errorf("%s: client category %s, emulator %s", op, category, got)
		}
		if got := emulator.CategoryRate(string(category)); got != defaultRates[category] {
			t.Errorf("%s: client rate %v, emulator %v", category, defaultRates[category], got)
		}
	}
}

// A connection dropped on every attempt is reported as what happened to
// the request, without the SDK's layers of wrapping (status code 0, an
// empty request ID, "request send failed").
func TestEndToEndDroppedConnectionIsReadable(t *testing.T) {
	isolateAWSEnv(t)
	const pool = "us-east-1_Dropped"
	e := startEmulator(t, emulator.Options{}, "us-east-1")
	e.createPool(t, pool)
	c := newE2EClient(t, Options{EndpointURL: e.url, MaxAttempts: 1})
	e.FailNext("SetUserPoolMfaConfig", 1, emulator.FaultDrop)
	cfg := state.PoolConfig{MfaConfiguration: state.ModeOptional, SmsMfaConfiguration: smsOn()}
	err := execCall(context.Background(), c, testCall{Operation: opSetUserPoolMfaConfig, UserPoolId: pool, PoolRequest: &cfg})
	var callErr *CallError
	if !errors.As(err, &callErr) {
		t.Fatalf("err = %v (%T); want *CallError", err, err)
	}
	if !strings.Contains(callErr.Message, "EOF") || !strings.Contains(callErr.Message, e.url) {
		t.Errorf("Message = %q; want the request's URL and what happened to it (EOF)", callErr.Message)
	}
	for _, noise := range []string{"StatusCode", "RequestID", "request send failed", "https response error"} {
		if strings.Contains(callErr.Message, noise) {
			t.Errorf("Message = %q; want it without the SDK's %q", callErr.Message, noise)
		}
	}
}
