package cognito

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/mfactl/mfactl/emulator"
	"github.com/mfactl/mfactl/internal/state"
)

// GetProvisionedLimit sets the pace once per run, --rate wins, and a
// Cognito that denies the call leaves the defaults with one line saying so.
func TestUseProvisionedLimits(t *testing.T) {
	isolateAWSEnv(t)
	e := startEmulator(t, emulator.Options{QuotaScale: 1}, "eu-west-1")
	ctx := context.Background()
	owner := newE2EClient(t, Options{EndpointURL: e.url})
	if _, err := owner.UpdateProvisionedLimit(ctx, "eu-west-1", UserRead, 300); err != nil {
		t.Fatal(err)
	}

	c := newE2EClient(t, Options{EndpointURL: e.url, Rates: map[Category]float64{UserList: 7}})
	e.ResetStats()
	used := c.UseProvisionedLimits(ctx, []string{"eu-west-1"}, []Category{UserRead, UserList, UserPoolRead})
	want := map[Category]LimitUsed{
		UserRead:     {Region: "eu-west-1", Category: UserRead, RPS: 300, Source: LimitProvisioned},
		UserList:     {Region: "eu-west-1", Category: UserList, RPS: 7, Source: LimitFlag},
		UserPoolRead: {Region: "eu-west-1", Category: UserPoolRead, RPS: 15, Source: LimitProvisioned},
	}
	if len(used) != len(want) {
		t.Fatalf("used = %+v", used)
	}
	for _, u := range used {
		if u != want[u.Category] {
			t.Errorf("%s: %+v; want %+v", u.Category, u, want[u.Category])
		}
	}
	if got := c.quotas.bucket("eu-west-1", "AdminGetUser").rateNow(); got != 300 {
		t.Errorf("UserRead is paced at %v/s; want 300", got)
	}
	// Asked once per run: a second use reads nothing.
	c.UseProvisionedLimits(ctx, []string{"eu-west-1"}, []Category{UserRead, UserList, UserPoolRead})
	if n := e.Stats().Operations["GetProvisionedLimit"].Calls; n != 2 {
		t.Errorf("GetProvisionedLimit served %d times; want 2 (UserRead, UserPoolRead; UserList has --rate)", n)
	}

	// Denied: defaults, one note for the Region, and no further asking.
	denied := newE2EClient(t, Options{EndpointURL: e.url})
	e.ResetStats()
	e.FailNext("GetProvisionedLimit", 10, "AccessDeniedException")
	used = denied.UseProvisionedLimits(ctx, []string{"eu-west-1"}, []Category{UserRead, UserList})
	if len(used) != 2 || used[0].Source != LimitDefault || used[1].Source != LimitDefault || used[1].RPS != 120 {
		t.Fatalf("denied: %+v; want the defaults", used)
	}
	notes := 0
	for _, u := range used {
		if u.Note != "" {
			notes++
			if !strings.Contains(u.Note, "GetProvisionedLimit is not available in eu-west-1 (AccessDeniedException)") {
				t.Errorf("note = %q", u.Note)
			}
		}
	}
	if notes != 1 || e.Stats().Operations["GetProvisionedLimit"].Calls != 1 {
		t.Errorf("%d notes, %d calls; want one of each", notes, e.Stats().Operations["GetProvisionedLimit"].Calls)
	}
}

// EumsSms, which the SDK drops, is read from the raw answers and written
// into the serialised request: the emulator ends up holding exactly it.
func TestEumsSmsReadAndWrittenThroughTheSDKStack(t *testing.T) {
	isolateAWSEnv(t)
	const pool = "eu-west-1_Eums"
	e := startEmulator(t, emulator.Options{}, "eu-west-1")
	eums := map[string]any{"CallerArn": smsRoleArn, "ExternalId": "eums-SECRET-1", "ConfigurationSetName": "mfa", "InEntityId": "e1", "InTemplateId": "t1", "Region": "eu-west-1"}
	e.seedJSON(t, map[string]any{"Pools": []any{map[string]any{"Id": pool, "SmsConfiguration": map[string]any{"EumsSms": eums},
		"MfaConfig": map[string]any{"MfaConfiguration": "OPTIONAL", "SmsMfaConfiguration": map[string]any{}}}}})
	c := newE2EClient(t, Options{EndpointURL: e.url})
	ctx := context.Background()
	live, err := c.ReadLive(ctx, state.ReadSet{pool: nil}, nil)
	if err != nil {
		t.Fatal(err)
	}
	lp := live.Pools[pool]
	wantEums := state.EumsSms{CallerArn: smsRoleArn, ExternalId: "eums-SECRET-1", ConfigurationSetName: "mfa", InEntityId: "e1", InTemplateId: "t1", Region: "eu-west-1"}
	sms := lp.Config.SmsMfaConfiguration
	if sms == nil || !sms.Enabled || sms.SmsConfiguration == nil || sms.SmsConfiguration.EumsSms == nil || *sms.SmsConfiguration.EumsSms != wantEums {
		t.Fatalf("SMS MFA read as %s; want on with %+v", dump(sms), wantEums)
	}
	if p := lp.Prerequisites.SmsConfiguration; p == nil || p.EumsSms == nil || *p.EumsSms != wantEums {
		t.Errorf("DescribeUserPool's SmsConfiguration = %s", dump(p))
	}
	if lp.Unreadable != nil {
		t.Errorf("Unreadable = %v; want none", lp.Unreadable)
	}

	// Write it back with another external ID, TOTP on as well.
	cfg := lp.Config
	cfg.SoftwareTokenMfaConfiguration = &state.SoftwareTokenMfaConfiguration{Enabled: true}
	sc := cfg.SmsMfaConfiguration.SmsConfiguration.WithSecret("eums-SECRET-2")
	cfg.SmsMfaConfiguration = &state.SmsMfaConfiguration{Enabled: true, SmsConfiguration: sc}
	if err := c.SetUserPoolMfaConfig(ctx, pool, cfg); err != nil {
		t.Fatal(err)
	}
	live, err = c.ReadLive(ctx, state.ReadSet{pool: nil}, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := live.Pools[pool].Config.SmsMfaConfiguration
	wantEums.ExternalId = "eums-SECRET-2"
	if got == nil || got.SmsConfiguration.EumsSms == nil || *got.SmsConfiguration.EumsSms != wantEums || got.SmsConfiguration.SnsCallerArn != "" {
		t.Errorf("after the write: %s; want EumsSms %+v and no SnsCallerArn", dump(got), wantEums)
	}

	// A fake cannot carry EumsSms: the write is refused, not sent without it.
	f := newFakeCognito()
	fc, _ := f.client(Options{})
	var callErr *CallError
	if err := fc.SetUserPoolMfaConfig(ctx, pool, cfg); !errors.As(err, &callErr) || callErr.Code != "UnknownOperationException" {
		t.Errorf("fake: %v; want UnknownOperationException", err)
	}
}

// A member no model mfactl knows makes the pool, or the user, not fully
// readable, whichever read it is in.
func TestUnknownMembersMakeReadsPartial(t *testing.T) {
	isolateAWSEnv(t)
	const pool = "eu-west-1_Future"
	e := startEmulator(t, emulator.Options{}, "eu-west-1")
	e.seedJSON(t, map[string]any{"Pools": []any{map[string]any{"Id": pool,
		"Extra": map[string]any{"QuantumMfa": map[string]any{"Enabled": true}},
		"Users": []any{map[string]any{"Username": "u"}}}}})
	c := newE2EClient(t, Options{EndpointURL: e.url})
	live, err := c.ReadLive(context.Background(), state.ReadSet{pool: {"u"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	lp := live.Pools[pool]
	if want := []string{"DescribeUserPool: UserPool.QuantumMfa"}; !slices.Equal(lp.Unreadable, want) {
		t.Errorf("pool Unreadable = %v; want %v", lp.Unreadable, want)
	}
	if u := lp.Users["u"]; u == nil || u.Unreadable != nil {
		t.Errorf("user u = %s; want fully readable", dump(u))
	}
}
