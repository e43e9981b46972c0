package cognito

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/mfactl/mfactl/emulator"
	"github.com/mfactl/mfactl/internal/state"
)

// modelShapeMembers returns the members of one shape of the Cognito API
// model (the newest, newer than our SDK).
func modelShapeMembers(t *testing.T, shape string) []string {
	t.Helper()
	data, err := os.ReadFile("testdata/cognito-idp-model-2026-07-24.json")
	if err != nil {
		t.Fatal(err)
	}
	var model struct {
		Shapes map[string]struct{ Members map[string]json.RawMessage }
	}
	if err := json.Unmarshal(data, &model); err != nil {
		t.Fatal(err)
	}
	var names []string
	for name := range model.Shapes[shape].Members {
		names = append(names, name)
	}
	slices.Sort(names)
	if len(names) == 0 {
		t.Fatalf("the model has no shape %s", shape)
	}
	return names
}

// TestUpdateRequestCarriesEveryModelMember ranges over UpdateUserPoolRequest
// in the API model: every member must be one the SDK can send and one that
// updateRequest copies from DescribeUserPool's answer, so that no member,
// including one added to the API later, is dropped (UpdateUserPool would
// reset it).
func TestUpdateRequestCarriesEveryModelMember(t *testing.T) {
	var pool types.UserPoolType
	fill(reflect.ValueOf(&pool).Elem(), 0)
	in, err := updateRequest("eu-west-1_Abc", &pool)
	if err != nil {
		t.Fatal(err)
	}
	sent := requestJSON(in)
	sdk := UpdateRequestMembers()
	described := modelShapeMembers(t, "UserPoolType")
	for _, m := range modelShapeMembers(t, "UpdateUserPoolRequest") {
		if !slices.Contains(sdk, m) {
			t.Errorf("UpdateUserPoolRequest member %s: the SDK cannot send it", m)
		}
		if _, ok := sent[m]; !ok {
			t.Errorf("UpdateUserPoolRequest member %s: not copied from DescribeUserPool into the request", m)
		}
		source := map[string]string{"UserPoolId": "Id", "PoolName": "Name"}[m]
		if source == "" {
			source = m
		}
		if !slices.Contains(described, source) {
			t.Errorf("UpdateUserPoolRequest member %s: DescribeUserPool (UserPoolType) does not return %s", m, source)
		}
	}
}

// fill sets every exported field of v to a value that is not zero.
func fill(v reflect.Value, depth int) {
	if depth > 6 {
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(v.Elem(), depth+1)
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(v.Field(i), depth+1)
			}
		}
	case reflect.String:
		v.SetString("x")
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int32, reflect.Int64:
		v.SetInt(1)
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 1, 1)
		fill(s.Index(0), depth+1)
		v.Set(s)
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		val := reflect.New(v.Type().Elem()).Elem()
		fill(val, depth+1)
		m.SetMapIndex(reflect.ValueOf("k").Convert(v.Type().Key()), val)
		v.Set(m)
	}
}

// The safe write path against the emulator, through the SDK: it keeps what
// it does not manage, refuses a pool it cannot read completely, and
// refuses to send when the pool changes while the request is prepared.
func TestUpdateUserPoolSafeWritePath(t *testing.T) {
	isolateAWSEnv(t)
	ctx := context.Background()
	const pool = "eu-west-1_SafeWrite"
	var describes atomic.Int32
	var e *testEmulator
	var meddle atomic.Bool
	e = startEmulator(t, emulator.Options{OnCall: func(rec emulator.CallRecord, _ time.Duration) {
		// A second writer changes the pool right after mfactl's first read.
		if rec.Operation == "DescribeUserPool" && describes.Add(1) == 1 && meddle.Load() {
			_, _ = e.admin.UpdateUserPool(context.Background(), &cip.UpdateUserPoolInput{UserPoolId: aws.String(pool),
				EmailVerificationSubject: aws.String("changed by someone else")})
		}
	}}, "eu-west-1")
	e.createPool(t, pool)
	_, err := e.admin.UpdateUserPool(ctx, &cip.UpdateUserPoolInput{UserPoolId: aws.String(pool), UserPoolTier: types.UserPoolTierTypeEssentials,
		EmailVerificationSubject: aws.String("Verify"), DeletionProtection: types.DeletionProtectionTypeActive,
		SmsConfiguration: &types.SmsConfigurationType{SnsCallerArn: aws.String(smsRoleArn), ExternalId: aws.String("pool-ext-id")},
		EmailConfiguration: &types.EmailConfigurationType{EmailSendingAccount: types.EmailSendingAccountTypeDeveloper,
			SourceArn: aws.String("arn:aws:ses:eu-west-1:123456789012:identity/example.com")},
		LambdaConfig: &types.LambdaConfigType{PreSignUp: aws.String("arn:aws:lambda:eu-west-1:123456789012:function:pre")}})
	if err != nil {
		t.Fatal(err)
	}
	c := newE2EClient(t, Options{EndpointURL: e.url})
	set := state.Posture{UserPoolTier: "PLUS", UserPoolAddOns: &state.UserPoolAddOns{AdvancedSecurityMode: "ENFORCED"},
		DeviceConfiguration: &state.DeviceConfiguration{ChallengeRequiredOnNewDevice: true}}

	meddle.Store(true)
	err = c.UpdateUserPool(ctx, pool, set)
	if err == nil || !strings.Contains(err.Error(), "EmailVerificationSubject") || !strings.Contains(err.Error(), "changed while the request was prepared") {
		t.Fatalf("a pool changed between the reads: %v", err)
	}
	if n := e.Stats().Operations["UpdateUserPool"].Calls; n != 2 { // the test's own two
		t.Fatalf("UpdateUserPool calls = %d: mfactl sent one although the pool moved", n)
	}

	meddle.Store(false)
	before, _ := e.admin.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: aws.String(pool)})
	if err := c.UpdateUserPool(ctx, pool, set); err != nil {
		t.Fatal(err)
	}
	after, _ := e.admin.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: aws.String(pool)})
	a, b := *after.UserPool, *before.UserPool
	if a.UserPoolTier != types.UserPoolTierTypePlus || a.UserPoolAddOns == nil || a.DeviceConfiguration == nil {
		t.Fatalf("not applied: %+v", a)
	}
	a.UserPoolTier, a.UserPoolAddOns, a.DeviceConfiguration, a.LastModifiedDate = b.UserPoolTier, b.UserPoolAddOns, b.DeviceConfiguration, b.LastModifiedDate
	if !reflect.DeepEqual(requestJSON(a), requestJSON(b)) {
		t.Fatalf("unmanaged members changed:\nafter  %v\nbefore %v", requestJSON(a), requestJSON(b))
	}

	// A member the SDK cannot represent: refused by name, nothing sent.
	const future = "eu-west-1_Future"
	e.seedJSON(t, map[string]any{"Pools": []any{map[string]any{"Id": future,
		"Extra": map[string]any{"LambdaConfig": map[string]any{"PreSignUp": "arn:aws:lambda:eu-west-1:123456789012:function:pre", "OnSomethingNew": "arn:aws:lambda:eu-west-1:123456789012:function:new"}}}}})
	e.ResetStats()
	err = c.UpdateUserPool(ctx, future, set)
	if err == nil || !strings.Contains(err.Error(), "UserPool.LambdaConfig.OnSomethingNew") || !strings.Contains(err.Error(), "refusing") {
		t.Fatalf("a member the SDK cannot represent: %v", err)
	}
	if n := e.Stats().Operations["UpdateUserPool"].Calls; n != 0 {
		t.Fatalf("UpdateUserPool was sent for a pool mfactl cannot read completely")
	}
}

// ListAppClients follows ListUserPoolClients' pages: 61 clients are two
// pages of at most 60, in the emulator's order.
func TestListAppClientsReadsEveryPage(t *testing.T) {
	isolateAWSEnv(t)
	const pool = "eu-west-1_Clients1"
	e := startEmulator(t, emulator.Options{}, "eu-west-1")
	var clients []string
	for i := range 61 {
		clients = append(clients, fmt.Sprintf(`{"ClientId":"client%03dabcdefgh"}`, i))
	}
	if err := e.Seed(strings.NewReader(`{"Pools":[{"Id":"` + pool + `","Clients":[` + strings.Join(clients, ",") + `]}]}`)); err != nil {
		t.Fatal(err)
	}
	e.ResetStats()
	got, err := newE2EClient(t, Options{EndpointURL: e.url}).ListAppClients(context.Background(), pool)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 61 || got[0] != "client000abcdefgh" || got[60] != "client060abcdefgh" {
		t.Fatalf("listed %d clients: %v", len(got), got)
	}
	if calls := len(e.Stats().Calls); calls != 2 {
		t.Errorf("%d ListUserPoolClients calls for 61 clients, want 2", calls)
	}
}
