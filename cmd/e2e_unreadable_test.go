package cmd

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/pquerna/otp/totp"

	"github.com/mfactl/mfactl/emulator"
	"github.com/mfactl/mfactl/internal/jsondoc"
	"github.com/mfactl/mfactl/internal/state"
)

// What Cognito's reads cannot show, end to end through the SDK against the
// emulator with Cognito's quotas on: a registered authenticator behind a
// TOTP that is off, and SMS MFA that the pool's phone-number verification
// holds on. Plus moving users off a factor under ON, which needs the pool
// OPTIONAL for the users stage.

// newSeededHarness is an emulator with Cognito's default quotas, seeded
// with seed, and a pool-mode probe: modeAt records the pool's
// MfaConfiguration as each AdminSetUserMFAPreference call saw it.
func newSeededHarness(t *testing.T, seed string) (*harness, *modeProbe) {
	t.Helper()
	probe := &modeProbe{}
	emu, url := emulator.NewTestServer(t, emulator.Options{QuotaScale: 1, OnCall: probe.onCall})
	probe.url = url
	if err := emu.Seed(strings.NewReader(seed)); err != nil {
		t.Fatal(err)
	}
	return &harness{t: t, emu: emu, url: url}, probe
}

// sdkClient is a plain SDK client for the emulator, signing for the
// Region of pool (pools are regional).
func sdkClient(url, pool string) *cip.Client {
	return cip.New(cip.Options{
		Region: state.Region(pool), BaseEndpoint: aws.String(url),
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", ""),
		HTTPClient:  awshttp.NewBuildableClient(),
	})
}

// modeProbe reads a pool's mode right after each user call, while the
// users stage runs (the next stage waits for every user call to finish).
type modeProbe struct {
	url   string
	mu    sync.Mutex
	modes []string
}

func (p *modeProbe) onCall(rec emulator.CallRecord, _ time.Duration) {
	if rec.Operation != "AdminSetUserMFAPreference" || rec.Error != "" {
		return
	}
	out, err := sdkClient(p.url, rec.UserPoolId).GetUserPoolMfaConfig(context.Background(), &cip.GetUserPoolMfaConfigInput{UserPoolId: aws.String(rec.UserPoolId)})
	mode := "read failed"
	if err == nil {
		mode = string(out.MfaConfiguration)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.modes = append(p.modes, rec.Username+":"+mode)
}

func (p *modeProbe) seen() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := slices.Clone(p.modes)
	slices.Sort(out)
	p.modes = nil
	return out
}

func writeFile(t *testing.T, text string) string {
	t.Helper()
	f := filepath.Join(t.TempDir(), "mfa.yaml")
	if err := os.WriteFile(f, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return f
}

const totpPool = "us-east-1_TotpAgain1"

// alice and bob registered an authenticator (their app never called
// SetUserMFAPreference, or TOTP was switched off for them): AdminGetUser
// shows no TOTP. carol, with a password and an app client, has not yet.
const totpSeed = `Pools:
  - Id: us-east-1_TotpAgain1
    Clients: [{ClientId: app, ExplicitAuthFlows: [ALLOW_USER_PASSWORD_AUTH, ALLOW_REFRESH_TOKEN_AUTH]}]
    Users:
      - {Username: alice, Attributes: {email: alice@example.com}, TotpSecret: JBSWY3DPEHPK3PXP}
      - {Username: bob, Attributes: {email: bob@example.com}, TotpSecret: JBSWY3DPEHPK3PXQ}
      - {Username: carol, Password: Correct-Horse-9, Attributes: {email: carol@example.com}}
`

func totpFiles(users ...string) string {
	doc := "Version: 1\nUserPools:\n  - UserPoolId: " + totpPool + "\n    MfaConfiguration: ON\n    SoftwareTokenMfaConfiguration: {Enabled: true}\n    Users:\n"
	for _, u := range users {
		doc += "      - Username: " + u + "\n        SoftwareTokenMfaSettings: {Enabled: true, PreferredMfa: true}\n"
	}
	return doc
}

func TestTotpReEnableConvergesInOnePlanAndApply(t *testing.T) {
	t.Parallel()
	h, probe := newSeededHarness(t, totpSeed)
	h.denyAuthFactors()
	ctx := context.Background()
	files := writeFile(t, totpFiles("alice", "bob"))

	out, _, code := h.run(ctx, "plan", "-f", files, "--detailed-exitcode")
	if code != ExitChanges {
		t.Fatalf("plan exit = %d\n%s", code, out)
	}
	for _, want := range []string{
		"! Cognito cannot show whether alice has registered an authenticator app; if not, Cognito refuses this call",
		"! Cognito cannot show whether bob has registered an authenticator app",
		"Warning: Cognito cannot show whether 2 declared users have registered an authenticator app",
		"Plan: 4 calls (2 uncertain) — 1 pool, 2 users to change; 0 users in sync.",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("plan lacks %q:\n%s", want, out)
		}
	}
	js, _, _ := h.run(ctx, "plan", "-f", files, "-o", "json")
	var p struct {
		FormatVersion string
		Calls         []struct{ Operation, Username, Uncertain string }
	}
	if err := json.Unmarshal([]byte(js), &p); err != nil {
		t.Fatalf("plan -o json: %v\n%s", err, js)
	}
	var marked []string
	for _, c := range p.Calls {
		if c.Uncertain != "" {
			marked = append(marked, c.Username)
		}
	}
	if p.FormatVersion != jsondoc.FormatVersion || !slices.Equal(marked, []string{"alice", "bob"}) {
		t.Fatalf("JSON plan %s marks %v uncertain, want alice and bob", p.FormatVersion, marked)
	}

	h.emu.ResetStats()
	out, errOut, code := h.run(ctx, "apply", "-f", files, "--auto-approve")
	if code != ExitOK || !strings.Contains(out, "Apply complete: 4 calls applied.") || !strings.Contains(out, "Verified: what apply changed (1 pool, 2 changed users) matches") {
		t.Fatalf("apply exit = %d\n%s\n%s", code, out, errOut)
	}
	writes := h.writes()
	if len(writes) != 4 || writes[0] != "SetUserPoolMfaConfig "+totpPool || writes[3] != "SetUserPoolMfaConfig "+totpPool {
		t.Fatalf("writes = %v, want the pool, the two users, the pool", writes)
	}
	if got := probe.seen(); !slices.Equal(got, []string{"alice:OPTIONAL", "bob:OPTIONAL"}) {
		t.Fatalf("the user calls saw the pool %v, want OPTIONAL", got)
	}
	if mode := poolMode(t, h, totpPool); mode != types.UserPoolMfaTypeOn {
		t.Fatalf("pool is %s after apply, want ON", mode)
	}
	if out, _, code := h.run(ctx, "plan", "-f", files, "--detailed-exitcode"); code != ExitOK || !strings.Contains(out, "No changes.") {
		t.Fatalf("not converged:\n%s", out)
	}
}

func TestTotpForAUserWhoNeverRegisteredFailsOnlyThatCall(t *testing.T) {
	t.Parallel()
	h, _ := newSeededHarness(t, totpSeed)
	h.denyAuthFactors()
	ctx := context.Background()
	files := writeFile(t, totpFiles("alice", "bob", "carol"))

	out, errOut, code := h.run(ctx, "apply", "-f", files, "--auto-approve")
	if code != ExitError {
		t.Fatalf("apply exit = %d, want 1\n%s\n%s", code, out, errOut)
	}
	for _, want := range []string{
		"Apply failed: 3 applied, 1 failed, 1 not started.",
		"AdminSetUserMFAPreference user carol in " + totpPool,
		"InvalidParameterException: User has not verified software token mfa",
		"Meaning: the user has not registered an authenticator app, and only the user can",
		"the pool stays MfaConfiguration OPTIONAL, not ON, until these calls run",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
	var failed []string
	for _, c := range h.emu.Stats().Calls {
		if c.Error != "" && c.Operation != "AdminGetUserAuthFactors" { // denied on purpose, above
			failed = append(failed, c.Operation+" "+c.Username+" "+c.Error)
		}
	}
	if !slices.Equal(failed, []string{"AdminSetUserMFAPreference carol InvalidParameterException"}) {
		t.Fatalf("failed calls = %v, want carol's only", failed)
	}
	if mode := poolMode(t, h, totpPool); mode != types.UserPoolMfaTypeOptional {
		t.Fatalf("pool is %s after the failure, want OPTIONAL (short of ON)", mode)
	}

	// carol registers an authenticator in the app; plan and apply converge.
	registerAuthenticator(t, h.url, totpPool, "carol", "Correct-Horse-9")
	h.emu.ResetStats()
	out, errOut, code = h.run(ctx, "apply", "-f", files, "--auto-approve")
	if code != ExitOK || !strings.Contains(out, "Verified:") {
		t.Fatalf("re-run exit = %d\n%s\n%s", code, out, errOut)
	}
	if got := h.writes(); !slices.Equal(got, []string{"AdminSetUserMFAPreference " + totpPool + " carol", "SetUserPoolMfaConfig " + totpPool}) {
		t.Fatalf("re-run writes = %v, want carol then the pool", got)
	}
	if mode := poolMode(t, h, totpPool); mode != types.UserPoolMfaTypeOn {
		t.Fatalf("pool is %s after the re-run, want ON", mode)
	}
}

func TestRemovingSmsFromAPoolThatVerifiesPhonesIsRefusedAtPlanTime(t *testing.T) {
	t.Parallel()
	h, _ := newSeededHarness(t, `Pools:
  - Id: us-west-2_PhoneVrfy1
    SmsConfiguration: {SnsCallerArn: "arn:aws:iam::123456789012:role/cognito-sms", ExternalId: vrfy-ext}
    AutoVerifiedAttributes: [email, phone_number]
    MfaConfig:
      MfaConfiguration: OPTIONAL
      SmsMfaConfiguration: {SmsAuthenticationMessage: "Your code is {####}"}
      SoftwareTokenMfaConfiguration: {Enabled: true}
    Users:
      - {Username: ivy, Attributes: {phone_number: "+15550100"}, TotpSecret: JBSWY3DPEHPK3PXP, MfaSettings: {SMSMfaSettings: {Enabled: true, PreferredMfa: true}, SoftwareTokenMfaSettings: {Enabled: true}}}
`)
	files := writeFile(t, `Version: 1
UserPools:
  - UserPoolId: us-west-2_PhoneVrfy1
    SmsMfaConfiguration: {Enabled: false}
    Users:
      - Username: ivy
        SoftwareTokenMfaSettings: {Enabled: true, PreferredMfa: true}
        SMSMfaSettings: {Enabled: false}
`)
	for _, cmd := range []string{"plan", "apply"} {
		out, errOut, code := h.run(context.Background(), cmd, "-f", files, "--auto-approve")
		if cmd == "plan" {
			out, errOut, code = h.run(context.Background(), cmd, "-f", files)
		}
		all := out + errOut
		if code != ExitError {
			t.Fatalf("%s exit = %d, want 1\n%s", cmd, code, all)
		}
		for _, want := range []string{
			"Error: SMS MFA cannot be off in user pool us-west-2_PhoneVrfy1: its SMS configuration also serves phone-number verification (AutoVerifiedAttributes: phone_number)",
			"remove phone_number from its AutoVerifiedAttributes",
			"Plan failed: 1 error. Nothing will be changed.",
		} {
			if !strings.Contains(all, want) {
				t.Errorf("%s lacks %q:\n%s", cmd, want, all)
			}
		}
	}
	if got := h.writes(); len(got) != 0 {
		t.Fatalf("a refused plan made writes: %v", got)
	}
}

func TestDroppingSmsFromAnOnPoolConvergesInOnePlanAndApply(t *testing.T) {
	t.Parallel()
	dir := "../fixtures/plans/on-drop-sms-move-to-totp"
	seed, err := os.ReadFile(filepath.Join(dir, "emulator.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	h, probe := newSeededHarness(t, string(seed))
	ctx := context.Background()
	files := filepath.Join(dir, "mfa.yaml")
	const pool = "eu-west-1_OnNoSms01"

	out, errOut, code := h.run(ctx, "apply", "-f", files, "--auto-approve")
	if code != ExitOK || !strings.Contains(out, "Apply complete: 5 calls applied.") || !strings.Contains(out, "Verified:") {
		t.Fatalf("apply exit = %d\n%s\n%s", code, out, errOut)
	}
	if !strings.Contains(out, "Warning: user pool "+pool+" is OPTIONAL while its users are moved off SMS, and ON again after them") {
		t.Errorf("the plan does not say the pool is OPTIONAL for the users stage:\n%s", out)
	}
	writes := h.writes()
	if len(writes) != 5 || writes[0] != "SetUserPoolMfaConfig "+pool || writes[4] != "SetUserPoolMfaConfig "+pool {
		t.Fatalf("writes = %v, want the pool, three users, the pool", writes)
	}
	if got := probe.seen(); !slices.Equal(got, []string{"fay:OPTIONAL", "gus:OPTIONAL", "hal:OPTIONAL"}) {
		t.Fatalf("the user calls saw the pool %v, want OPTIONAL", got)
	}
	cfg, err := sdkClient(h.url, pool).GetUserPoolMfaConfig(ctx, &cip.GetUserPoolMfaConfigInput{UserPoolId: aws.String(pool)})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.MfaConfiguration != types.UserPoolMfaTypeOn || cfg.SmsMfaConfiguration != nil || !cfg.SoftwareTokenMfaConfiguration.Enabled {
		t.Fatalf("pool after apply: %s, SMS %v, TOTP %v; want ON with TOTP only", cfg.MfaConfiguration, cfg.SmsMfaConfiguration, cfg.SoftwareTokenMfaConfiguration)
	}
	if out, _, code := h.run(ctx, "plan", "-f", files, "--detailed-exitcode"); code != ExitOK {
		t.Fatalf("not converged:\n%s", out)
	}
}

func poolMode(t *testing.T, h *harness, pool string) types.UserPoolMfaType {
	t.Helper()
	out, err := sdkClient(h.url, pool).GetUserPoolMfaConfig(context.Background(), &cip.GetUserPoolMfaConfigInput{UserPoolId: aws.String(pool)})
	if err != nil {
		t.Fatal(err)
	}
	return out.MfaConfiguration
}

// registerAuthenticator does what a user does in the app: signs in with a
// password, associates an authenticator and verifies it with a code.
func registerAuthenticator(t *testing.T, url, pool, username, password string) {
	t.Helper()
	ctx := context.Background()
	api := sdkClient(url, pool)
	auth, err := api.InitiateAuth(ctx, &cip.InitiateAuthInput{
		ClientId: aws.String("app"), AuthFlow: types.AuthFlowTypeUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": username, "PASSWORD": password},
	})
	if err != nil || auth.AuthenticationResult == nil {
		t.Fatalf("sign-in of %s in %s: %v (challenge %q)", username, pool, err, auth.ChallengeName)
	}
	token := auth.AuthenticationResult.AccessToken
	assoc, err := api.AssociateSoftwareToken(ctx, &cip.AssociateSoftwareTokenInput{AccessToken: token})
	if err != nil {
		t.Fatal(err)
	}
	code, err := totp.GenerateCode(*assoc.SecretCode, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := api.VerifySoftwareToken(ctx, &cip.VerifySoftwareTokenInput{AccessToken: token, UserCode: &code}); err != nil {
		t.Fatal(err)
	}
}
