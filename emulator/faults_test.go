package emulator_test

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"

	"github.com/mfactl/mfactl/emulator"
)

func (e *env) setTOTP(id string) error {
	_, err := e.c.SetUserPoolMfaConfig(e.ctx, &cip.SetUserPoolMfaConfigInput{UserPoolId: &id,
		MfaConfiguration: types.UserPoolMfaTypeOptional, SoftwareTokenMfaConfiguration: &types.SoftwareTokenMfaConfigType{Enabled: true}})
	return err
}

func TestFailNextAndFailNth(t *testing.T) {
	e := newEnv(t, emulator.Options{})
	id := e.pool("shop")
	e.s.ResetStats()
	e.s.FailNext("SetUserPoolMfaConfig", 2, "ConcurrentModificationException")
	e.s.FailNth("AdminGetUser", 2, "InternalErrorException")

	wantCode(t, e.setTOTP(id), "ConcurrentModificationException")
	wantCode(t, e.setTOTP(id), "ConcurrentModificationException")
	if err := e.setTOTP(id); err != nil {
		t.Fatalf("third call: %v", err)
	}
	e.user(id, "alice")
	get := func() error {
		_, err := e.c.AdminGetUser(e.ctx, &cip.AdminGetUserInput{UserPoolId: &id, Username: aws.String("alice")})
		return err
	}
	if err := get(); err != nil {
		t.Fatalf("first AdminGetUser: %v", err)
	}
	err := get()
	wantCode(t, err, "InternalErrorException")
	var re interface{ HTTPStatusCode() int }
	if !errors.As(err, &re) || re.HTTPStatusCode() != 500 {
		t.Fatalf("InternalErrorException must be HTTP 500: %v", err)
	}
	if err := get(); err != nil {
		t.Fatalf("third AdminGetUser: %v", err)
	}

	st := e.s.Stats()
	if c := st.Operations["SetUserPoolMfaConfig"]; c != (emulator.Counters{Calls: 3, Failed: 2}) {
		t.Fatalf("SetUserPoolMfaConfig counters %+v", c)
	}
	if c := st.Categories["UserRead"]; c != (emulator.Counters{Calls: 3, Failed: 1}) {
		t.Fatalf("UserRead counters %+v", c)
	}
	var ops []string
	for _, c := range st.Calls {
		ops = append(ops, c.Operation+":"+c.Error)
	}
	want := []string{
		"SetUserPoolMfaConfig:ConcurrentModificationException", "SetUserPoolMfaConfig:ConcurrentModificationException",
		"SetUserPoolMfaConfig:", "AdminCreateUser:", "AdminSetUserPassword:",
		"AdminGetUser:", "AdminGetUser:InternalErrorException", "AdminGetUser:",
	}
	if !slices.Equal(ops, want) {
		t.Fatalf("call log:\n got %v\nwant %v", ops, want)
	}
	if st.Calls[5].UserPoolId != id || st.Calls[5].Username != "alice" {
		t.Fatalf("call record %+v", st.Calls[5])
	}
	e.s.ResetStats()
	if st := e.s.Stats(); len(st.Calls) != 0 || len(st.Operations) != 0 {
		t.Fatalf("after reset: %+v", st)
	}
}

func TestDroppedConnection(t *testing.T) {
	e := newEnv(t, emulator.Options{})
	id := e.pool("shop")
	e.s.FailNext("GetUserPoolMfaConfig", 1, emulator.FaultDrop)
	_, err := e.c.GetUserPoolMfaConfig(e.ctx, &cip.GetUserPoolMfaConfigInput{UserPoolId: &id})
	var apiErr smithy.APIError
	if err == nil || errors.As(err, &apiErr) {
		t.Fatalf("a dropped connection must be a transport error, got %v", err)
	}
	if _, err := e.c.GetUserPoolMfaConfig(e.ctx, &cip.GetUserPoolMfaConfigInput{UserPoolId: &id}); err != nil {
		t.Fatal(err)
	}
	if c := e.s.Stats().Operations["GetUserPoolMfaConfig"]; c.Failed != 1 || c.Calls != 2 {
		t.Fatalf("counters %+v", c)
	}
}

// failures runs n DescribeUserPool calls and returns which failed, and how.
func failures(t *testing.T, opts emulator.Options, n int) []string {
	e := newEnv(t, opts)
	id := e.pool("shop")
	var out []string
	for range n {
		_, err := e.c.DescribeUserPool(e.ctx, &cip.DescribeUserPoolInput{UserPoolId: &id})
		code := ""
		var apiErr smithy.APIError
		if errors.As(err, &apiErr) {
			code = apiErr.ErrorCode()
		} else if err != nil {
			code = "transport"
		}
		out = append(out, code)
	}
	return out
}

func TestRandomFaultsAreDeterministic(t *testing.T) {
	rules := []emulator.FaultRule{
		{Operation: "DescribeUserPool", Kind: "TooManyRequestsException", Rate: 0.2},
		{Operation: "*", Kind: "InternalErrorException", Rate: 0.2},
	}
	a := failures(t, emulator.Options{FaultSeed: 7, Faults: rules}, 200)
	b := failures(t, emulator.Options{FaultSeed: 7, Faults: rules}, 200)
	c := failures(t, emulator.Options{FaultSeed: 8, Faults: rules}, 200)
	if !slices.Equal(a, b) {
		t.Fatal("same seed, different faults")
	}
	if slices.Equal(a, c) {
		t.Fatal("different seeds, same faults")
	}
	count := map[string]int{}
	for _, code := range a {
		count[code]++
	}
	// 20% throttled, then 20% of the rest internal errors: about 40 and 32.
	if n := count["TooManyRequestsException"]; n < 20 || n > 60 {
		t.Fatalf("throttled %d of 200 at rate 0.2", n)
	}
	if n := count["InternalErrorException"]; n < 15 || n > 50 {
		t.Fatalf("internal errors %d of 200 at rate 0.2", n)
	}
}

func TestParseFaultRule(t *testing.T) {
	r, err := emulator.ParseFaultRule("AdminSetUserMFAPreference=throttle:0.25")
	if err != nil || r != (emulator.FaultRule{Operation: "AdminSetUserMFAPreference", Kind: "TooManyRequestsException", Rate: 0.25}) {
		t.Fatalf("%+v %v", r, err)
	}
	if r, err := emulator.ParseFaultRule("*=drop:1"); err != nil || r.Kind != emulator.FaultDrop {
		t.Fatalf("%+v %v", r, err)
	}
	for _, bad := range []string{"X=internal:0.1", "GetUser=boom:0.1", "GetUser=internal:2", "GetUser", "=internal:0.1"} {
		if _, err := emulator.ParseFaultRule(bad); err == nil {
			t.Errorf("%q: want an error", bad)
		}
	}
}

func TestLatency(t *testing.T) {
	e := newEnv(t, emulator.Options{Latency: 30 * time.Millisecond, Jitter: 10 * time.Millisecond})
	start := time.Now()
	e.pool("shop")
	if d := time.Since(start); d < 30*time.Millisecond {
		t.Fatalf("call took %v with 30ms latency", d)
	}
}

func TestQuotas(t *testing.T) {
	e := newEnv(t, emulator.Options{QuotaScale: 1})
	id := e.pool("shop")
	// SetUserPoolMfaConfig: 5 per second per pool, so a burst of 10 is cut.
	throttled := 0
	for range 10 {
		err := e.setTOTP(id)
		if err != nil {
			wantError(t, err, "TooManyRequestsException", "Rate exceeded")
			throttled++
		}
	}
	if throttled < 4 || throttled > 5 {
		t.Fatalf("%d of 10 throttled; want 5 (4 if a token refilled)", throttled)
	}
	var re interface{ HTTPStatusCode() int }
	err := e.setTOTP(id)
	if !errors.As(err, &re) || re.HTTPStatusCode() != 400 {
		t.Fatalf("throttling must be HTTP 400: %v", err)
	}
	if c := e.s.Stats().Categories["UserPoolResourceUpdate"]; c.Throttled < 4 {
		t.Fatalf("UserPoolResourceUpdate counters %+v", c)
	}
	// Another Region has its own buckets.
	other := newClient(e.url, "eu-west-1")
	if _, err := other.ListUserPools(e.ctx, &cip.ListUserPoolsInput{MaxResults: aws.Int32(10)}); err != nil {
		t.Fatal(err)
	}
}

func TestPerUserQuota(t *testing.T) {
	e := newEnv(t, emulator.Options{QuotaScale: 1})
	id := e.pool("shop")
	e.user(id, "alice")
	e.user(id, "bob")
	get := func(username string) error {
		_, err := e.c.AdminGetUser(e.ctx, &cip.AdminGetUserInput{UserPoolId: &id, Username: &username})
		return err
	}
	list := must[*cip.ListUsersOutput](t)(e.c.ListUsers(e.ctx, &cip.ListUsersInput{UserPoolId: &id, Filter: aws.String(`username = "alice"`)}))
	sub := attr(list.Users[0].Attributes, "sub")
	// UserRead allows 120 a second, but one user only 10 reads a second,
	// whether the calls name her by username or by sub.
	throttled := 0
	for i := range 15 {
		name := "alice"
		if i%2 == 1 {
			name = sub
		}
		if err := get(name); err != nil {
			wantError(t, err, "TooManyRequestsException", "Rate exceeded")
			throttled++
		}
	}
	if throttled < 4 || throttled > 5 {
		t.Fatalf("%d of 15 reads of one user throttled; want 5 (4 if a token refilled)", throttled)
	}
	// Another user, and alice's writes, have buckets of their own.
	if err := get("bob"); err != nil {
		t.Fatalf("bob throttled by alice's reads: %v", err)
	}
	if _, err := e.c.AdminSetUserSettings(e.ctx, &cip.AdminSetUserSettingsInput{UserPoolId: &id, Username: aws.String("alice"),
		MFAOptions: []types.MFAOptionType{}}); err != nil {
		t.Fatalf("alice's write throttled by her reads: %v", err)
	}
}

func TestQuotaScaleZeroIsUnlimited(t *testing.T) {
	e := newEnv(t, emulator.Options{QuotaScale: 0})
	id := e.pool("shop")
	for range 50 {
		if err := e.setTOTP(id); err != nil {
			t.Fatal(err)
		}
	}
}

func TestCategory(t *testing.T) {
	for op, want := range map[string]string{
		"AdminGetUser": "UserRead", "GetUser": "UserRead", "ListUsers": "UserList", "ListUsersInGroup": "UserList",
		"AdminSetUserMFAPreference": "UserResourceUpdate", "SetUserMFAPreference": "UserResourceUpdate",
		"AdminSetUserSettings": "UserResourceUpdate", "DescribeUserPool": "UserPoolRead", "ListUserPools": "UserPoolRead",
		"GetUserPoolMfaConfig": "UserPoolResourceRead", "SetUserPoolMfaConfig": "UserPoolResourceUpdate",
		"CreateUserPool": "UserPoolUpdate", "UpdateUserPool": "UserPoolUpdate", "AdminCreateUser": "UserCreation",
		"InitiateAuth": "UserAuthentication", "CreateUserPoolClient": "UserPoolClientUpdate", "Nope": "",
	} {
		if got := emulator.Category(op); got != want {
			t.Errorf("Category(%s) = %q, want %q", op, got, want)
		}
	}
	for _, op := range emulator.Operations() {
		if emulator.Category(op) == "" {
			t.Errorf("operation %s has no category", op)
		}
	}
}

// post sends a raw JSON 1.1 request.
func post(t *testing.T, url, op, body string, signed bool) (int, map[string]string) {
	t.Helper()
	req, _ := emulator.NewRequest(t.Context(), url, "us-east-1", op, strings.NewReader(body))
	if !signed {
		req.Header.Del("Authorization")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]string
	data, _ := io.ReadAll(resp.Body)
	_ = json.Unmarshal(data, &out)
	return resp.StatusCode, out
}

// Unsigned admin calls are refused before quotas: they neither spend the
// caller's quota nor come back as throttling.
func TestUnsignedCallsSpendNoQuota(t *testing.T) {
	e := newEnv(t, emulator.Options{QuotaScale: 1})
	id := e.pool("shop")
	for range 20 {
		status, body := post(t, e.url, "DescribeUserPool", `{"UserPoolId":"`+id+`"}`, false)
		if status != 400 || body["__type"] != "MissingAuthenticationTokenException" {
			t.Fatalf("unsigned admin call: %d %v", status, body)
		}
	}
	if _, err := e.c.DescribeUserPool(e.ctx, &cip.DescribeUserPoolInput{UserPoolId: &id}); err != nil {
		t.Fatalf("signed call after unsigned ones: %v", err)
	}
}

func TestWireProtocolErrors(t *testing.T) {
	e := newEnv(t, emulator.Options{})
	status, body := post(t, e.url, "DescribeUserPool", `{"UserPoolId":"us-east-1_x"}`, false)
	if status != 400 || body["__type"] != "MissingAuthenticationTokenException" {
		t.Fatalf("unsigned admin call: %d %v", status, body)
	}
	status, body = post(t, e.url, "DeleteIdentityProvider", `{}`, true)
	if status != 400 || body["__type"] != "UnknownOperationException" {
		t.Fatalf("unknown operation: %d %v", status, body)
	}
	status, body = post(t, e.url, "DescribeUserPool", `{"UserPoolId":`, true)
	if status != 400 || body["__type"] != "SerializationException" {
		t.Fatalf("bad JSON: %d %v", status, body)
	}
	status, body = post(t, e.url, "DescribeUserPool", `{"UserPoolId":42}`, true)
	if status != 400 || body["__type"] != "SerializationException" {
		t.Fatalf("wrong type: %d %v", status, body)
	}
	status, body = post(t, e.url, "DescribeUserPool", `{"UserPoolId":"us-east-1_x"}`, true)
	if status != 400 || body["__type"] != "ResourceNotFoundException" || body["message"] != "User pool us-east-1_x does not exist." {
		t.Fatalf("not found: %d %v", status, body)
	}
}

func TestStatsEndpointHoldsNoSecrets(t *testing.T) {
	e := newEnv(t, emulator.Options{})
	id := e.mfaPool(types.UserPoolMfaTypeOptional)
	e.user(id, "dave")
	token := e.signIn(id, "dave")
	must[*cip.GetUserOutput](t)(e.c.GetUser(e.ctx, &cip.GetUserInput{AccessToken: &token}))

	resp, err := http.Get(e.url + "/_emulator/stats")
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, secret := range []string{"external-secret", token, testPassword} {
		if strings.Contains(string(data), secret) {
			t.Fatalf("stats leak a secret %q", secret)
		}
	}
	var st emulator.Stats
	if err := json.Unmarshal(data, &st); err != nil {
		t.Fatal(err)
	}
	last := st.Calls[len(st.Calls)-1]
	if last != (emulator.CallRecord{Operation: "GetUser", UserPoolId: id, Username: "dave", Applied: true}) {
		t.Fatalf("GetUser record %+v", last)
	}
	if st.Operations["SetUserPoolMfaConfig"].Calls != 1 {
		t.Fatalf("stats %+v", st.Operations)
	}

	req, _ := http.NewRequest(http.MethodPost, e.url+"/_emulator/faults", strings.NewReader(`{"Operation":"GetUser","Count":1,"Code":"throttle"}`))
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusNoContent {
		t.Fatalf("POST /_emulator/faults: %v %v", resp, err)
	}
	_, err = e.c.GetUser(e.ctx, &cip.GetUserInput{AccessToken: &token})
	wantCode(t, err, "TooManyRequestsException")
	req, _ = http.NewRequest(http.MethodPost, e.url+"/_emulator/reset", nil)
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusNoContent {
		t.Fatalf("POST /_emulator/reset: %v %v", resp, err)
	}
	if n := len(e.s.Stats().Calls); n != 0 {
		t.Fatalf("%d calls after reset", n)
	}
}

// A reset connection fails before the call has any effect; a lost response
// comes after it: the change is made, the client hears nothing. The call
// log says which.
func TestResetConnectionAndLostResponse(t *testing.T) {
	e := newEnv(t, emulator.Options{})
	id := e.pool("shop")
	set := func(mode types.UserPoolMfaType) error {
		_, err := e.c.SetUserPoolMfaConfig(e.ctx, &cip.SetUserPoolMfaConfigInput{UserPoolId: &id, MfaConfiguration: mode,
			SoftwareTokenMfaConfiguration: &types.SoftwareTokenMfaConfigType{Enabled: true}})
		return err
	}
	mode := func() types.UserPoolMfaType {
		out := must[*cip.GetUserPoolMfaConfigOutput](t)(e.c.GetUserPoolMfaConfig(e.ctx, &cip.GetUserPoolMfaConfigInput{UserPoolId: &id}))
		return out.MfaConfiguration
	}
	e.s.ResetStats()
	e.s.FailNext("SetUserPoolMfaConfig", 1, emulator.FaultReset)
	var apiErr smithy.APIError
	if err := set(types.UserPoolMfaTypeOptional); err == nil || errors.As(err, &apiErr) {
		t.Fatalf("a reset connection must be a transport error, got %v", err)
	}
	if got := mode(); got != types.UserPoolMfaTypeOff {
		t.Fatalf("after a reset the pool is %s; want it untouched (OFF)", got)
	}
	e.s.FailNext("SetUserPoolMfaConfig", 1, emulator.FaultLost)
	if err := set(types.UserPoolMfaTypeOptional); err == nil || errors.As(err, &apiErr) {
		t.Fatalf("a lost response must be a transport error, got %v", err)
	}
	if got := mode(); got != types.UserPoolMfaTypeOptional {
		t.Fatalf("after a lost response the pool is %s; want the change made (OPTIONAL)", got)
	}
	var writes []emulator.CallRecord
	for _, c := range e.s.Stats().Calls {
		if c.Operation == "SetUserPoolMfaConfig" {
			writes = append(writes, c)
		}
	}
	if len(writes) != 2 || writes[0].Error != "reset" || writes[0].Applied || writes[1].Error != "lost" || !writes[1].Applied {
		t.Fatalf("call log: %+v", writes)
	}
	for _, kind := range []string{"reset", "lost"} {
		if r, err := emulator.ParseFaultRule("*=" + kind + ":0.1"); err != nil || r.Kind != kind {
			t.Errorf("%s: %+v %v", kind, r, err)
		}
	}
}
