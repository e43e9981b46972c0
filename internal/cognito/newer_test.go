package cognito

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"slices"
	"testing"

	"github.com/mfactl/mfactl/emulator"
)

// seedJSON seeds the emulator with a document in its seed format.
func (e *testEmulator) seedJSON(t testing.TB, doc any) {
	t.Helper()
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Seed(bytes.NewReader(b)); err != nil {
		t.Fatal(err)
	}
}

const totpSecret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

// The newer operations go through the SDK's stack: signed (the emulator
// refuses unsigned IAM calls), at the --endpoint-url, decoded, and their
// errors mapped like any other call's.
func TestNewerCallsEndToEnd(t *testing.T) {
	isolateAWSEnv(t)
	const pool = "eu-west-1_Newer"
	e := startEmulator(t, emulator.Options{QuotaScale: 1}, "eu-west-1")
	e.seedJSON(t, map[string]any{"Pools": []any{map[string]any{"Id": pool, "Users": []any{
		map[string]any{"Username": "registered", "TotpSecret": totpSecret},
		map[string]any{"Username": "bare"},
	}}}})
	c := newE2EClient(t, Options{EndpointURL: e.url})
	ctx := context.Background()

	factors, err := c.AdminGetUserAuthFactors(ctx, pool, "registered")
	if err != nil {
		t.Fatal(err)
	}
	if factors.Username != "registered" || !slices.Contains(factors.ConfiguredUserAuthFactors, "SOFTWARE_TOKEN") {
		t.Errorf("registered: %+v; want SOFTWARE_TOKEN configured", factors)
	}
	if err := c.AdminDeleteSoftwareToken(ctx, pool, "registered"); err != nil {
		t.Fatal(err)
	}
	factors, err = c.AdminGetUserAuthFactors(ctx, pool, "registered")
	if err != nil {
		t.Fatal(err)
	}
	if slices.Contains(factors.ConfiguredUserAuthFactors, "SOFTWARE_TOKEN") {
		t.Errorf("after AdminDeleteSoftwareToken: %+v; want no SOFTWARE_TOKEN", factors)
	}

	_, err = c.AdminGetUserAuthFactors(ctx, pool, "nobody")
	var callErr *CallError
	if !errors.As(err, &callErr) || callErr.Operation != "AdminGetUserAuthFactors" || callErr.Code != "UserNotFoundException" || callErr.Username != "nobody" {
		t.Errorf("missing user: %v; want a CallError for AdminGetUserAuthFactors with UserNotFoundException", err)
	}

	limit, err := c.GetProvisionedLimit(ctx, "eu-west-1", UserRead)
	if err != nil || limit.Provisioned != 120 || limit.Free != 120 {
		t.Fatalf("GetProvisionedLimit = %+v, %v; want 120/120", limit, err)
	}
	if limit, err = c.UpdateProvisionedLimit(ctx, "eu-west-1", UserRead, 240); err != nil || limit.Provisioned != 240 {
		t.Fatalf("UpdateProvisionedLimit = %+v, %v; want 240", limit, err)
	}
	if limit, err = c.GetProvisionedLimit(ctx, "eu-west-1", UserRead); err != nil || limit.Provisioned != 240 || limit.Free != 120 {
		t.Errorf("after the update: %+v, %v; want 240 provisioned, 120 free", limit, err)
	}
	// Another Region has its own quota.
	if limit, err = c.GetProvisionedLimit(ctx, "us-east-1", UserRead); err != nil || limit.Provisioned != 120 {
		t.Errorf("us-east-1: %+v, %v; want 120", limit, err)
	}

	// Each went out under its own name: the emulator logs what it served.
	for _, op := range []string{"AdminGetUserAuthFactors", "AdminDeleteSoftwareToken", "GetProvisionedLimit", "UpdateProvisionedLimit"} {
		if n := e.Stats().Operations[op].Calls; n == 0 {
			t.Errorf("the emulator served no %s", op)
		}
	}
}

// A client that cannot send them (a test fake) answers as Cognito does for
// an operation it does not know, so callers take their fallback path.
func TestNewerCallsOnAFake(t *testing.T) {
	c, _ := newFakeCognito().client(Options{})
	_, err := c.GetProvisionedLimit(context.Background(), "eu-west-1", UserRead)
	var callErr *CallError
	if !errors.As(err, &callErr) || callErr.Code != "UnknownOperationException" {
		t.Errorf("err = %v; want UnknownOperationException", err)
	}
}
