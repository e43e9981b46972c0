package cmd

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mfactl/mfactl/emulator"
)

const selfSeed = `Pools:
  - Id: eu-west-1_Self1
    SmsConfiguration: {SnsCallerArn: "arn:aws:iam::123456789012:role/cognito-sms", ExternalId: self-sms-ext}
    MfaConfig:
      MfaConfiguration: OPTIONAL
      SoftwareTokenMfaConfiguration: {Enabled: true}
      SmsMfaConfiguration: {}
    Users:
      - {Username: alice, Attributes: {phone_number: "+15555550100"}, TotpSecret: JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP}
      - {Username: bob, Attributes: {phone_number: "+15555550101"}}
`

const selfFile = `Version: 1
Self:
  SoftwareTokenMfaSettings: {Enabled: true, PreferredMfa: true}
  SMSMfaSettings: {Enabled: true}
`

// selfHarness is an emulator seeded with one pool for self-service, with
// no AWS credentials in the environment at all: self-service needs none.
func selfHarness(t *testing.T, opts emulator.Options) *harness {
	t.Helper()
	for _, k := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	t.Setenv("AWS_PROFILE", "no-such-profile") // the credential chain would fail on it
	emu, url := emulator.NewTestServer(t, opts)
	if err := emu.Seed(strings.NewReader(selfSeed)); err != nil {
		t.Fatal(err)
	}
	return &harness{t: t, emu: emu, url: url}
}

func writeTemp(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func (h *harness) token(username string, scopes ...string) string {
	h.t.Helper()
	tok, err := h.emu.IssueAccessToken("eu-west-1_Self1", username, scopes...)
	if err != nil {
		h.t.Fatal(err)
	}
	return tok
}

func TestSelfServicePlanApplyConvergesWithOnlyAnAccessToken(t *testing.T) {
	h := selfHarness(t, emulator.Options{})
	ctx := context.Background()
	tok := h.token("alice")
	tokFile := writeTemp(t, "alice.token", tok+"\n")
	me := writeTemp(t, "me.yaml", selfFile)
	planFile := filepath.Join(t.TempDir(), "me.plan")
	var streams []string

	out, errOut, code := h.run(ctx, "plan", "-f", me, "--access-token-file", tokFile, "--detailed-exitcode", "--out", planFile, "--verbose")
	streams = append(streams, out, errOut)
	if code != ExitChanges {
		t.Fatalf("plan: exit %d\n%s\n%s", code, out, errOut)
	}
	for _, want := range []string{"Self-service: user alice of user pool eu-west-1_Self1", "issuer https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Self1",
		"SetUserMFAPreference eu-west-1_Self1 alice", "Plan: 1 call (1 uncertain) — 1 user to change"} {
		if !strings.Contains(out, want) {
			t.Errorf("plan lacks %q:\n%s", want, out)
		}
	}
	jsonOut, _, _ := h.run(ctx, "plan", "-f", me, "--access-token-file", tokFile, "-o", "json")
	streams = append(streams, jsonOut)
	if !strings.Contains(jsonOut, `"SelfService": {`) || !strings.Contains(jsonOut, `"AccessToken": "(sensitive: the access token`) || !strings.Contains(jsonOut, `"Operation": "SetUserMFAPreference"`) {
		t.Errorf("JSON plan:\n%s", jsonOut)
	}

	// The saved plan needs the token again, and takes it the same way.
	out, errOut, code = h.run(ctx, "apply", planFile)
	streams = append(streams, out, errOut)
	if code != ExitError || !strings.Contains(errOut, "is a self-service plan for user alice of eu-west-1_Self1: give that user's access token") {
		t.Fatalf("apply PLANFILE without a token: exit %d\n%s", code, errOut)
	}
	bobFile := writeTemp(t, "bob.token", h.token("bob"))
	out, errOut, code = h.run(ctx, "apply", planFile, "--access-token-file", bobFile)
	streams = append(streams, out, errOut)
	if code != ExitError || !strings.Contains(errOut, "is for user bob, but the plan") {
		t.Fatalf("apply PLANFILE with bob's token: exit %d\n%s", code, errOut)
	}
	h.emu.ResetStats()
	t.Setenv("MFACTL_ACCESS_TOKEN", tok)
	out, errOut, code = h.run(ctx, "apply", planFile)
	streams = append(streams, out, errOut)
	if code != ExitOK || !strings.Contains(out, "Verified:") {
		t.Fatalf("apply PLANFILE: exit %d\n%s\n%s", code, out, errOut)
	}
	var ops []string
	for _, c := range h.emu.Stats().Calls {
		if c.Signed {
			t.Errorf("%s was signed with AWS credentials", c.Operation)
		}
		ops = append(ops, c.Operation)
	}
	if got := strings.Join(ops, ","); got != "GetUser,SetUserMFAPreference,GetUser" {
		t.Errorf("calls = %s; want a read for staleness, the write, a read to verify", got)
	}

	out, errOut, code = h.run(ctx, "plan", "-f", me, "--detailed-exitcode")
	streams = append(streams, out, errOut)
	if code != ExitOK || !strings.Contains(out, "No changes.") {
		t.Fatalf("re-plan: exit %d\n%s\n%s", code, out, errOut)
	}
	planData, err := os.ReadFile(planFile)
	if err != nil {
		t.Fatal(err)
	}
	streams = append(streams, string(planData))
	sig := tok[strings.LastIndex(tok, ".")+1:]
	for i, s := range streams {
		if strings.Contains(s, tok) || strings.Contains(s, sig) {
			t.Errorf("stream or file %d shows the access token:\n%s", i, s)
		}
	}
}

func TestSelfServiceApplyFromFilesAndTokenErrors(t *testing.T) {
	clock := time.Now()
	h := selfHarness(t, emulator.Options{Now: func() time.Time { return clock }})
	ctx := context.Background()
	me := writeTemp(t, "me.yaml", selfFile)
	tokFile := writeTemp(t, "bob.token", h.token("bob"))

	// Files without a token; a token with pool files; a pinned other pool.
	_, errOut, code := h.run(ctx, "plan", "-f", me)
	if code != ExitError || !strings.Contains(errOut, "declare Self") || !strings.Contains(errOut, "--access-token-file FILE or the environment variable MFACTL_ACCESS_TOKEN") {
		t.Errorf("no token: exit %d\n%s", code, errOut)
	}
	pools := writeTemp(t, "pools.yaml", "Version: 1\nUserPools:\n  - UserPoolId: eu-west-1_Self1\n")
	_, errOut, code = h.run(ctx, "plan", "-f", pools, "--access-token-file", tokFile)
	if code != ExitError || !strings.Contains(errOut, "--access-token-file is for files that declare Self") {
		t.Errorf("token with pools: exit %d\n%s", code, errOut)
	}
	pinned := writeTemp(t, "pinned.yaml", "Version: 1\nSelf:\n  UserPoolId: eu-west-1_Other9\n  SMSMfaSettings: {Enabled: true}\n")
	_, errOut, code = h.run(ctx, "plan", "-f", pinned, "--access-token-file", tokFile)
	if code != ExitError || !strings.Contains(errOut, "is for user pool eu-west-1_Self1") || !strings.Contains(errOut, "declares Self for user pool eu-west-1_Other9") {
		t.Errorf("other pool: exit %d\n%s", code, errOut)
	}
	narrow := writeTemp(t, "narrow.token", h.token("bob", "openid"))
	_, errOut, code = h.run(ctx, "plan", "-f", me, "--access-token-file", narrow)
	if code != ExitError || !strings.Contains(errOut, "lacks the aws.cognito.signin.user.admin scope") {
		t.Errorf("narrow scope: exit %d\n%s", code, errOut)
	}
	if n := len(h.emu.Stats().Calls); n != 0 {
		t.Fatalf("refused runs made %d calls", n)
	}

	// bob has no authenticator: TOTP is a warning, and Cognito refuses it
	// at apply; SMS alone converges.
	smsOnly := writeTemp(t, "sms.yaml", "Version: 1\nSelf:\n  SMSMfaSettings: {Enabled: true, PreferredMfa: true}\n")
	out, errOut, code := h.run(ctx, "apply", "-f", smsOnly, "--access-token-file", tokFile, "--auto-approve")
	if code != ExitOK || !strings.Contains(out, "Apply complete: 1 call applied.") {
		t.Fatalf("apply -f: exit %d\n%s\n%s", code, out, errOut)
	}
	out, _, code = h.run(ctx, "plan", "-f", me, "--access-token-file", tokFile)
	if code != ExitOK || !strings.Contains(out, "TOTP is off for you") || !strings.Contains(out, "mfactl totp enroll") {
		t.Errorf("TOTP without authenticator:\n%s", out)
	}

	// An expired token: Cognito's NotAuthorizedException, explained.
	clock = clock.Add(-2 * time.Hour)
	old := writeTemp(t, "old.token", h.token("bob"))
	clock = clock.Add(2 * time.Hour)
	h.emu.ResetStats()
	_, errOut, code = h.run(ctx, "plan", "-f", smsOnly, "--access-token-file", old)
	if code != ExitError || !strings.Contains(errOut, "expired at") {
		t.Errorf("expired token (claims): exit %d\n%s", code, errOut)
	}
	// Expired by the server's clock only (clocks differ): Cognito says so.
	fresh := writeTemp(t, "fresh.token", h.token("bob"))
	clock = clock.Add(2 * time.Hour)
	_, errOut, code = h.run(ctx, "plan", "-f", smsOnly, "--access-token-file", fresh)
	if code != ExitError || !strings.Contains(errOut, "NotAuthorizedException") || !strings.Contains(errOut, "the access token has expired: sign in again") {
		t.Errorf("expired token (Cognito): exit %d\n%s", code, errOut)
	}
	for _, c := range h.emu.Stats().Calls {
		if c.Operation != "GetUser" {
			t.Errorf("an expired token led to %s", c.Operation)
		}
	}
}
