package cognito

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/mfactl/mfactl/emulator"
	"github.com/mfactl/mfactl/internal/token"
)

const recoverySeed = `
Pools:
  - Id: eu-west-1_Recover
    UserPoolTier: ESSENTIALS
    DeviceConfiguration: {ChallengeRequiredOnNewDevice: true}
    Users:
      - Username: alice
        Password: Correct-Horse-9
        Attributes: {email: alice@example.com, email_verified: "true"}
        Devices:
          - {DeviceKey: eu-west-1_00000000-0000-4000-8000-000000000001, Name: laptop}
          - {DeviceKey: eu-west-1_00000000-0000-4000-8000-000000000002, Remembered: false}
        Passkeys:
          - {CredentialId: cred-1, Name: YubiKey, RelyingPartyId: example.com, Transports: [usb]}
`

func TestRecoveryCallsThroughTheSDK(t *testing.T) {
	isolateAWSEnv(t)
	const pool = "eu-west-1_Recover"
	e := startEmulator(t, emulator.Options{QuotaScale: 1}, "eu-west-1")
	if err := e.Seed(strings.NewReader(recoverySeed)); err != nil {
		t.Fatal(err)
	}
	c := newE2EClient(t, Options{EndpointURL: e.url})
	ctx := context.Background()

	devices, err := c.ListDevices(ctx, pool, "alice")
	if err != nil {
		t.Fatal(err)
	}
	if len(devices) != 2 || devices[0].Name != "laptop" || !devices[0].Remembered || devices[1].Remembered {
		t.Fatalf("devices: %+v", devices)
	}
	if err := c.ForgetDevice(ctx, pool, "alice", devices[0].Key); err != nil {
		t.Fatal(err)
	}
	if err := c.GlobalSignOut(ctx, pool, "alice"); err != nil {
		t.Fatal(err)
	}
	if err := c.ResetPassword(ctx, pool, "alice"); err != nil {
		t.Fatal(err)
	}
	err = c.ForgetDevice(ctx, pool, "alice", devices[0].Key)
	if ce, ok := err.(*CallError); !ok || ce.Code != "ResourceNotFoundException" || ce.Operation != "AdminForgetDevice" {
		t.Fatalf("forgetting a forgotten device: %v", err)
	}
	var ops []string
	for _, call := range e.Stats().Calls {
		ops = append(ops, call.Operation+" "+call.Username)
	}
	want := "AdminListDevices alice,AdminForgetDevice alice,AdminUserGlobalSignOut alice,AdminResetUserPassword alice,AdminForgetDevice alice"
	if got := strings.Join(ops, ","); got != want {
		t.Errorf("calls:\n got %s\nwant %s", got, want)
	}

	// The emulator does not serve STS: the access key ID stands in, and
	// STS went to the emulator, not to AWS.
	caller, err := c.Caller(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if caller.ARN != "" || caller.AccessKeyID != "AKIDENVIRONMENT" {
		t.Errorf("caller: %+v", caller)
	}
}

func TestPasskeysWithTheUsersToken(t *testing.T) {
	isolateAWSEnv(t)
	e := startEmulator(t, emulator.Options{QuotaScale: 1}, "eu-west-1")
	if err := e.Seed(strings.NewReader(recoverySeed)); err != nil {
		t.Fatal(err)
	}
	raw, err := e.IssueAccessToken("eu-west-1_Recover", "alice")
	if err != nil {
		t.Fatal(err)
	}
	tok, err := token.Parse(raw, "test")
	if err != nil {
		t.Fatal(err)
	}
	c, err := NewWithToken(Options{EndpointURL: e.url}, tok)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	keys, err := c.ListPasskeys(ctx)
	if err != nil || len(keys) != 1 || keys[0].Name != "YubiKey" || keys[0].Transports[0] != "usb" {
		t.Fatalf("passkeys: %+v, %v", keys, err)
	}
	if err := c.DeletePasskey(ctx, "cred-1"); err != nil {
		t.Fatal(err)
	}
	err = c.DeletePasskey(ctx, "cred-1")
	if err == nil || strings.Contains(err.Error(), raw) {
		t.Fatalf("deleting twice: %v", err)
	}
	if _, err := c.Caller(ctx); err == nil {
		t.Error("a token client named an AWS caller")
	}
}

// The caller's ARN comes from STS where it answers, at the redirected endpoint.
func TestCallerFromSTS(t *testing.T) {
	isolateAWSEnv(t)
	var asked atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		if r.Form.Get("Action") != "GetCallerIdentity" {
			http.Error(w, "unexpected", http.StatusBadRequest)
			return
		}
		asked.Add(1)
		w.Header().Set("Content-Type", "text/xml")
		_, _ = w.Write([]byte(`<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>` +
			`<Arn>arn:aws:sts::123456789012:assumed-role/HelpDesk/jo</Arn><UserId>AROAEXAMPLE:jo</UserId><Account>123456789012</Account>` +
			`</GetCallerIdentityResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></GetCallerIdentityResponse>`))
	}))
	t.Cleanup(srv.Close)
	c := newE2EClient(t, Options{EndpointURL: srv.URL})
	caller, err := c.Caller(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if caller.ARN != "arn:aws:sts::123456789012:assumed-role/HelpDesk/jo" || caller.AccessKeyID != "AKIDENVIRONMENT" || asked.Load() != 1 {
		t.Errorf("caller %+v after %d STS calls", caller, asked.Load())
	}
}
