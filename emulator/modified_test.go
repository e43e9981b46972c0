package emulator_test

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/mfactl/mfactl/emulator"
)

// Cognito moves a pool's LastModifiedDate when its configuration is
// written (SetUserPoolMfaConfig, UpdateUserPool) and a user's
// UserLastModifiedDate on every write to the user; reads move neither.
// mfactl's plan fingerprints rely on it to tell a pool that went A -> B -> A
// from the one a plan read.
func TestWritesMoveLastModifiedDatesAndReadsDoNot(t *testing.T) {
	var clock atomic.Int64
	clock.Store(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli())
	tick := func() time.Time { return time.UnixMilli(clock.Add(60_000)).UTC() } // one minute per step
	e := newEnv(t, emulator.Options{Now: func() time.Time { return time.UnixMilli(clock.Load()).UTC() }})
	id := e.mfaPool(types.UserPoolMfaTypeOptional)
	e.user(id, "alice", "phone_number", "+15555550100")
	pool := func() time.Time {
		out := must[*cip.DescribeUserPoolOutput](t)(e.c.DescribeUserPool(e.ctx, &cip.DescribeUserPoolInput{UserPoolId: &id}))
		return aws.ToTime(out.UserPool.LastModifiedDate)
	}
	user := func() time.Time {
		out := must[*cip.AdminGetUserOutput](t)(e.c.AdminGetUser(e.ctx, &cip.AdminGetUserInput{UserPoolId: &id, Username: aws.String("alice")}))
		return aws.ToTime(out.UserLastModifiedDate)
	}
	p0, u0 := pool(), user()

	at := tick()
	must[*cip.SetUserPoolMfaConfigOutput](t)(e.c.SetUserPoolMfaConfig(e.ctx, &cip.SetUserPoolMfaConfigInput{UserPoolId: &id,
		MfaConfiguration: types.UserPoolMfaTypeOptional, SoftwareTokenMfaConfiguration: &types.SoftwareTokenMfaConfigType{Enabled: true}, SmsMfaConfiguration: smsConfig()}))
	if got := pool(); !got.Equal(at) || got.Equal(p0) {
		t.Errorf("after SetUserPoolMfaConfig: pool LastModifiedDate %v, want %v", got, at)
	}
	if got := user(); !got.Equal(u0) {
		t.Errorf("SetUserPoolMfaConfig moved the user's date to %v", got)
	}

	at = tick()
	must[*cip.AdminSetUserMFAPreferenceOutput](t)(e.c.AdminSetUserMFAPreference(e.ctx, &cip.AdminSetUserMFAPreferenceInput{UserPoolId: &id, Username: aws.String("alice"),
		SMSMfaSettings: &types.SMSMfaSettingsType{Enabled: true}}))
	if got := user(); !got.Equal(at) {
		t.Errorf("after AdminSetUserMFAPreference: UserLastModifiedDate %v, want %v", got, at)
	}

	at = tick()
	must[*cip.AdminSetUserSettingsOutput](t)(e.c.AdminSetUserSettings(e.ctx, &cip.AdminSetUserSettingsInput{UserPoolId: &id, Username: aws.String("alice"),
		MFAOptions: []types.MFAOptionType{}}))
	if got := user(); !got.Equal(at) {
		t.Errorf("after AdminSetUserSettings: UserLastModifiedDate %v, want %v", got, at)
	}

	before, userBefore := pool(), user()
	tick()
	must[*cip.GetUserPoolMfaConfigOutput](t)(e.c.GetUserPoolMfaConfig(e.ctx, &cip.GetUserPoolMfaConfigInput{UserPoolId: &id}))
	if !pool().Equal(before) || !user().Equal(userBefore) {
		t.Errorf("reads moved a date")
	}
}
