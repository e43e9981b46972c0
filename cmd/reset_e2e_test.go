package cmd

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"

	"github.com/mfactl/mfactl/emulator"
	"github.com/mfactl/mfactl/internal/cognito"
	"github.com/mfactl/mfactl/internal/iostreams"
	"github.com/mfactl/mfactl/internal/jsondoc"
	"github.com/mfactl/mfactl/internal/usecase"
)

// The help-desk case of docs/recovery.md (fixtures/recovery): a pool that
// requires MFA with TOTP and email, and remembers devices. alice lost the
// phone with her authenticator; bob and carol must not be touched.
const resetSeed = "../fixtures/recovery/helpdesk-seed.yaml"

const (
	helpDeskPool = "eu-west-1_HelpDesk"
	alicePhone   = "eu-west-1_a1b2c3d4-0000-4000-8000-000000000001"
	awsSecret    = "wJalrXUtnFEMI-K7MDENG-bPxRfiCYEXAMPLEKEY"
	aliceTOTP    = "JBSWY3DPEHPK3PXP"
)

type resetHarness struct {
	t     *testing.T
	emu   *emulator.Server
	url   string
	api   *cip.Client
	clock *time.Time
}

func newResetHarness(t *testing.T) *resetHarness {
	t.Helper()
	t.Setenv("AWS_SECRET_ACCESS_KEY", awsSecret)
	clock := time.Now()
	h := &resetHarness{t: t, clock: &clock}
	h.emu, h.url = emulator.NewTestServer(t, emulator.Options{Now: func() time.Time { return *h.clock }})
	if err := h.emu.SeedFile(resetSeed); err != nil {
		t.Fatal(err)
	}
	h.api = cip.New(cip.Options{
		Region: "eu-west-1", BaseEndpoint: aws.String(h.url), RetryMaxAttempts: 1,
		Credentials: credentials.NewStaticCredentialsProvider("AKIDTEST", "test-secret", ""),
		HTTPClient:  cognito.InMemoryBodies(awshttp.NewBuildableClient()),
	})
	return h
}

func (h *resetHarness) run(args ...string) (string, string, int) {
	h.t.Helper()
	ios, _, out, errOut := iostreams.TestStreams()
	root := NewRootCmd(NewFactory(ios))
	root.SetArgs(append(args, "--endpoint-url", h.url))
	code := exitCode(root.ExecuteContext(context.Background()), ios)
	checkJSONOutput(h.t, args, out.String())
	return out.String(), errOut.String(), code
}

// signIn signs in with the password (and a device key, if given) and
// returns the challenge's name, or "tokens" and the access token.
func (h *resetHarness) signIn(username, deviceKey string) (string, string) {
	h.t.Helper()
	params := map[string]string{"USERNAME": username, "PASSWORD": "Correct-Horse-9"}
	if deviceKey != "" {
		params["DEVICE_KEY"] = deviceKey
	}
	out, err := h.api.InitiateAuth(context.Background(), &cip.InitiateAuthInput{
		AuthFlow: types.AuthFlowTypeUserPasswordAuth, ClientId: aws.String("helpdeskapp"), AuthParameters: params})
	if err != nil {
		h.t.Fatalf("sign-in %s: %v", username, err)
	}
	if out.AuthenticationResult != nil {
		return "tokens", aws.ToString(out.AuthenticationResult.AccessToken)
	}
	return string(out.ChallengeName), ""
}

// writes lists the calls that changed something, as "Operation user".
func (h *resetHarness) writes() []string {
	reads := map[string]bool{"AdminGetUser": true, "GetUserPoolMfaConfig": true, "DescribeUserPool": true,
		"AdminGetUserAuthFactors": true, "AdminListDevices": true, "GetUser": true, "InitiateAuth": true}
	var out []string
	for _, c := range h.emu.Stats().Calls {
		if !reads[c.Operation] {
			out = append(out, strings.TrimSpace(c.Operation+" "+c.Username))
		}
	}
	return out
}

// snapshot is what must not change for bystanders: the pool's MFA
// configuration and bob's and carol's users, factors and devices.
func (h *resetHarness) snapshot() string {
	h.t.Helper()
	ctx := context.Background()
	var b strings.Builder
	cfg, err := h.api.GetUserPoolMfaConfig(ctx, &cip.GetUserPoolMfaConfigInput{UserPoolId: aws.String(helpDeskPool)})
	if err != nil {
		h.t.Fatal(err)
	}
	j, _ := json.Marshal(struct {
		Mode  types.UserPoolMfaType
		TOTP  *types.SoftwareTokenMfaConfigType
		Email *types.EmailMfaConfigType
	}{cfg.MfaConfiguration, cfg.SoftwareTokenMfaConfiguration, cfg.EmailMfaConfiguration})
	b.Write(j)
	for _, name := range []string{"bob", "carol"} {
		u, err := h.api.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(helpDeskPool), Username: aws.String(name)})
		if err != nil {
			h.t.Fatal(err)
		}
		d, err := h.api.AdminListDevices(ctx, &cip.AdminListDevicesInput{UserPoolId: aws.String(helpDeskPool), Username: aws.String(name)})
		if err != nil {
			h.t.Fatal(err)
		}
		j, _ := json.Marshal([]any{u.UserStatus, u.UserMFASettingList, u.PreferredMfaSetting, u.UserLastModifiedDate, len(d.Devices)})
		b.WriteString(" " + name + "=" + string(j))
	}
	return b.String()
}

var updateAudit = flag.Bool("update", false, "rewrite the golden audit records in fixtures/recovery")

// auditTime is the time of an audit record, which differs from run to run.
var auditTime = regexp.MustCompile(`"time":"[^"]*"`)

// auditGolden keeps what a real run wrote (audit lines, or -o json) in
// fixtures/recovery, where scripts/ajv-check.sh checks it against the
// published schema with ajv; the time is fixed. Regenerate with
//
//	go test ./cmd -run TestResetMFA -update
func auditGolden(t *testing.T, name, got string) {
	t.Helper()
	got = auditTime.ReplaceAllString(got, `"time":"2026-12-07T15:55:01.812432489Z"`)
	path := filepath.Join("../fixtures/recovery", name)
	if *updateAudit {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test ./cmd -run TestResetMFA -update writes it)", err)
	}
	if got != string(want) {
		t.Errorf("%s is not what the run wrote (go test ./cmd -run TestResetMFA -update):\ngot  %s\nwant %s", path, got, want)
	}
}

func readAudit(t *testing.T, path string) ([]usecase.AuditRecord, string) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var recs []usecase.AuditRecord
	for _, line := range bytes.Split(bytes.TrimSpace(raw), []byte("\n")) {
		if err := jsondoc.Check(jsondoc.CommandResetMFA, line); err != nil {
			t.Errorf("audit line does not match the published schema (mfactl schema --output reset-mfa): %v\n%s", err, line)
		}
		var r usecase.AuditRecord
		if err := json.Unmarshal(line, &r); err != nil {
			t.Fatalf("audit line %q: %v", line, err)
		}
		recs = append(recs, r)
	}
	return recs, string(raw)
}

func TestResetMFALostAuthenticatorEndToEnd(t *testing.T) {
	h := newResetHarness(t)
	// Before: alice signs in with her authenticator, or skips it on her
	// remembered phone, and holds tokens from that.
	if got, _ := h.signIn("alice", ""); got != "SOFTWARE_TOKEN_MFA" {
		t.Fatalf("before: alice's challenge %s", got)
	}
	got, oldToken := h.signIn("alice", alicePhone)
	if got != "tokens" {
		t.Fatalf("before: alice on her remembered phone got %s", got)
	}
	before := h.snapshot()
	*h.clock = h.clock.Add(2 * time.Second) // tokens are dated in seconds
	h.emu.ResetStats()

	audit := filepath.Join(t.TempDir(), "audit.jsonl")
	out, errOut, code := h.run("reset-mfa", "--user-pool-id", helpDeskPool, "--username", "alice", "--factor", "totp",
		"--reason", "lost phone; identity checked on a video call", "--ticket", "HD-4312",
		"--sign-out", "--forget-devices", "--audit-log", audit, "--yes")
	if code != ExitOK {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	for _, want := range []string{
		"reset-mfa user pool eu-west-1_HelpDesk: MFA ON, factors TOTP, email",
		"now: TOTP enabled; TOTP preferred; authenticator registered; 1 remembered device; status CONFIRMED",
		"1. AdminDeleteSoftwareToken: remove alice's lost authenticator",
		"if denied or unknown: AdminSetUserMFAPreference (TOTP off, email on and preferred)",
		"2. AdminSetUserMFAPreference (email on and preferred)",
		"3. AdminForgetDevice " + alicePhone,
		"4. AdminUserGlobalSignOut",
		"Next sign-in: alice is asked for a code by email.",
		"after: email enabled; email preferred; authenticator none; 0 remembered devices",
		"Reset complete: 4 calls made for 1 user.",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	want := []string{"AdminDeleteSoftwareToken alice", "AdminSetUserMFAPreference alice", "AdminForgetDevice alice", "AdminUserGlobalSignOut alice"}
	if got := h.writes(); !slices.Equal(got, want) {
		t.Fatalf("writes:\n got %v\nwant %v", got, want)
	}

	// After: no SOFTWARE_TOKEN_MFA, no registered token, and sign-in
	// falls back to email, on the forgotten phone too.
	ctx := context.Background()
	u, err := h.api.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(helpDeskPool), Username: aws.String("alice")})
	if err != nil {
		t.Fatal(err)
	}
	if slices.Contains(u.UserMFASettingList, "SOFTWARE_TOKEN_MFA") || aws.ToString(u.PreferredMfaSetting) != "EMAIL_OTP" {
		t.Errorf("alice after: %v preferred %q", u.UserMFASettingList, aws.ToString(u.PreferredMfaSetting))
	}
	api := cognito.NewWithAPI(func(string) cognito.API { return h.api }, cognito.Options{})
	factors, err := api.AdminGetUserAuthFactors(ctx, helpDeskPool, "alice")
	if err != nil {
		t.Fatal(err)
	}
	if slices.Contains(factors.ConfiguredUserAuthFactors, "SOFTWARE_TOKEN") {
		t.Errorf("alice still has a registered authenticator: %v", factors.ConfiguredUserAuthFactors)
	}
	for _, device := range []string{"", alicePhone} {
		if got, _ := h.signIn("alice", device); got != "EMAIL_OTP" {
			t.Errorf("after, sign-in with device %q: %s, want EMAIL_OTP", device, got)
		}
	}
	_, err = h.api.GetUser(ctx, &cip.GetUserInput{AccessToken: aws.String(oldToken)})
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) || apiErr.ErrorCode() != "NotAuthorizedException" {
		t.Errorf("alice's old token after --sign-out: %v", err)
	}
	if after := h.snapshot(); after != before {
		t.Errorf("bystanders changed:\nbefore %s\nafter  %s", before, after)
	}

	// On the record: one line, with the reason, the ticket, who, before,
	// after and each call; no secret.
	recs, raw := readAudit(t, audit)
	if len(recs) != 1 {
		t.Fatalf("%d audit lines", len(recs))
	}
	auditGolden(t, "audit-lost-authenticator.jsonl", raw)
	r := recs[0]
	if r.Reason != "lost phone; identity checked on a video call" || r.Ticket != "HD-4312" || r.Pool != helpDeskPool ||
		r.Factor != "totp" || r.Outcome != "done" || r.FormatVersion != "1" || r.Who != "test" || r.WhoFrom != "access key ID" || r.Time.IsZero() {
		t.Errorf("audit record: %+v", r)
	}
	if len(r.Users) != 1 || r.Users[0].Username != "alice" || r.Users[0].After == nil ||
		!slices.Equal(r.Users[0].Before.Enabled, []string{"TOTP"}) || !slices.Equal(r.Users[0].After.Enabled, []string{"email"}) {
		t.Fatalf("audit users: %s", raw)
	}
	var results []string
	for _, c := range r.Users[0].Calls {
		results = append(results, c.Call+"="+c.Result)
	}
	if got := strings.Join(results, " "); got != "AdminDeleteSoftwareToken=ok AdminSetUserMFAPreference=ok AdminForgetDevice=ok AdminUserGlobalSignOut=ok" {
		t.Errorf("audit calls: %s", got)
	}
	for _, secret := range []string{awsSecret, oldToken, aliceTOTP, "Correct-Horse-9"} {
		if strings.Contains(raw, secret) || strings.Contains(out, secret) || strings.Contains(errOut, secret) {
			t.Errorf("a secret reached the audit log or the output: %.12s…", secret)
		}
	}
}

func TestResetMFADryRunWritesNothing(t *testing.T) {
	h := newResetHarness(t)
	before := h.snapshot()
	h.emu.ResetStats()
	audit := filepath.Join(t.TempDir(), "audit.jsonl")
	// No terminal and no --yes: a dry run needs neither.
	out, errOut, code := h.run("reset-mfa", "--user-pool-id", helpDeskPool, "--username", "alice", "--username", "bob",
		"--factor", "totp", "--reason", "INC-77: authenticator app compromised", "--sign-out", "--forget-devices",
		"--reset-password", "--dry-run", "--audit-log", audit)
	if code != ExitOK {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	if !strings.Contains(out, "Plan: 10 calls for 2 users.") || !strings.Contains(out, "Dry run: nothing was changed.") {
		t.Errorf("dry-run output:\n%s", out)
	}
	if got := h.writes(); len(got) != 0 {
		t.Fatalf("--dry-run wrote: %v", got)
	}
	if after := h.snapshot(); after != before {
		t.Errorf("--dry-run changed state:\n%s\n%s", before, after)
	}
	recs, raw := readAudit(t, audit)
	auditGolden(t, "audit-dry-run.jsonl", raw)
	if len(recs) != 1 || recs[0].Outcome != "dry-run" || !recs[0].Options.DryRun || len(recs[0].Users) != 2 || len(recs[0].Users[0].Calls) != 0 {
		t.Errorf("dry-run audit: %+v", recs)
	}
}

func TestResetMFAJSONPrintsTheAuditLine(t *testing.T) {
	h := newResetHarness(t)
	audit := filepath.Join(t.TempDir(), "audit.jsonl")
	out, errOut, code := h.run("reset-mfa", "--user-pool-id", helpDeskPool, "--username", "carol", "--factor", "email",
		"--reason", "mailbox deleted by IT", "--audit-log", audit, "--yes", "-o", "json")
	if code != ExitOK {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	_, raw := readAudit(t, audit)
	if out != raw {
		t.Errorf("-o json printed\n%s\nthe audit log holds\n%s", out, raw)
	}
	if !strings.Contains(errOut, "AdminSetUserMFAPreference (email off)") || !strings.Contains(errOut, "Next sign-in: under MFA ON, Cognito still requires MFA from carol") {
		t.Errorf("the plan on stderr:\n%s", errOut)
	}
}

func TestResetMFAFallsBackWhereDeleteIsDenied(t *testing.T) {
	h := newResetHarness(t)
	h.emu.FailNext("AdminDeleteSoftwareToken", 1, "AccessDeniedException")
	out, errOut, code := h.run("reset-mfa", "--user-pool-id", helpDeskPool, "--username", "alice", "--factor", "totp",
		"--reason", "lost phone", "--yes")
	if code != ExitOK {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	want := []string{"AdminDeleteSoftwareToken alice", "AdminSetUserMFAPreference alice", "AdminSetUserMFAPreference alice"}
	if got := h.writes(); !slices.Equal(got, want) {
		t.Fatalf("writes: %v, want %v", got, want)
	}
	if got, _ := h.signIn("alice", ""); got != "EMAIL_OTP" {
		t.Errorf("after the fallback, sign-in: %s", got)
	}
	if !strings.Contains(errOut, "failed AdminDeleteSoftwareToken alice: AccessDeniedException (denied or unknown: falling back)") {
		t.Errorf("progress:\n%s", errOut)
	}
}

func TestResetMFARefusesBadInputWithoutACall(t *testing.T) {
	h := newResetHarness(t)
	base := []string{"reset-mfa", "--user-pool-id", helpDeskPool, "--factor", "totp"}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--username", "alice"}, "--reason is required"},
		{[]string{"--username", "alice", "--reason", "x"}, "refusing to reset without confirmation"},
		{[]string{"--username", "alice", "--reason", "x", "--factor", "voice", "--yes"}, `--factor "voice": want one of totp, sms, email, all`},
		{[]string{"--username", "nobody", "--reason", "x", "--yes"}, "user pool eu-west-1_HelpDesk has no user nobody; nothing was changed"},
		{[]string{"--username", "carol", "--reason", "x", "--yes"}, "carol has no TOTP registered; nothing to reset"},
		{[]string{"--username", "alice", "--reason", "x", "--factor", "sms", "--yes"}, "alice has no SMS MFA enabled; nothing to reset"},
	} {
		h.emu.ResetStats()
		out, errOut, code := h.run(append(slices.Clone(base), tc.args...)...)
		if code != ExitError || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: exit %d\n%s%s", tc.args, code, out, errOut)
		}
		if got := h.writes(); len(got) != 0 {
			t.Errorf("%v wrote %v", tc.args, got)
		}
	}
	// -o json is JSON on failure too.
	h.emu.ResetStats()
	out, _, code := h.run(append(slices.Clone(base), "--username", "nobody", "--reason", "x", "--yes", "-o", "json")...)
	var doc struct {
		Outcome string `json:"outcome"`
		Error   struct{ Message string }
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || code != ExitError || doc.Outcome != "failed" ||
		doc.Error.Message != "user pool eu-west-1_HelpDesk has no user nobody; nothing was changed" {
		t.Errorf("-o json failure: exit %d, %v\n%s", code, err, out)
	}
	auditGolden(t, "reset-failed.json", out)
	h.emu.ResetStats()
	_, errOut, code := h.run("reset-mfa", "--user-pool-id", "eu-west-1_Missing", "--username", "alice", "--factor", "totp", "--reason", "x", "--yes")
	if code != ExitError || !strings.Contains(errOut, "user pool eu-west-1_Missing does not exist") || len(h.writes()) != 0 {
		t.Errorf("unknown pool: exit %d\n%s", code, errOut)
	}
}

func TestResetMFACrossChecksTheFiles(t *testing.T) {
	h := newResetHarness(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "helpdesk.yaml")
	if err := os.WriteFile(file, []byte(`Version: 1
UserPools:
  - UserPoolId: eu-west-1_HelpDesk
    Users:
      - Username: alice
        SoftwareTokenMfaSettings: {Enabled: true, PreferredMfa: true}
`), 0o600); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := h.run("reset-mfa", "--user-pool-id", helpDeskPool, "--username", "alice", "--factor", "totp",
		"--reason", "lost phone", "--dry-run", "-f", file)
	if code != ExitOK {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	if want := file + ":6:9 declares alice with TOTP enabled: the next plan will want TOTP on for alice again"; !strings.Contains(out, want) {
		t.Errorf("output lacks %q:\n%s", want, out)
	}
}

func TestPasskeyListAndDeleteEndToEnd(t *testing.T) {
	t.Parallel()
	emu, url := emulator.NewTestServer(t, emulator.Options{})
	if err := emu.Seed(strings.NewReader(`
Pools:
  - Id: eu-west-1_Keys
    Users:
      - Username: dana
        Passkeys:
          - {CredentialId: cred-lost, Name: Old phone, RelyingPartyId: example.com, Attachment: platform, Transports: [internal]}
          - {CredentialId: cred-key, Name: YubiKey, RelyingPartyId: example.com, Transports: [usb, nfc]}
`)); err != nil {
		t.Fatal(err)
	}
	raw, err := emu.IssueAccessToken("eu-west-1_Keys", "dana")
	if err != nil {
		t.Fatal(err)
	}
	tokenFile := filepath.Join(t.TempDir(), "dana.token")
	if err := os.WriteFile(tokenFile, []byte(raw), 0o600); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) (string, string, int) {
		ios, _, out, errOut := iostreams.TestStreams()
		root := NewRootCmd(NewFactory(ios))
		root.SetArgs(append(args, "--access-token-file", tokenFile, "--endpoint-url", url))
		code := exitCode(root.ExecuteContext(context.Background()), ios)
		return out.String(), errOut.String(), code
	}
	out, errOut, code := run("passkey", "list")
	if code != ExitOK || !strings.Contains(out, "2 passkeys of dana in user pool eu-west-1_Keys") || !strings.Contains(out, "Old phone") {
		t.Fatalf("list: exit %d\n%q%s", code, out, errOut)
	}
	if _, errOut, code := run("passkey", "delete", "cred-lost"); code != ExitError || !strings.Contains(errOut, "pass --yes") {
		t.Fatalf("delete without a terminal or --yes: exit %d %s", code, errOut)
	}
	if out, _, code := run("passkey", "delete", "no-such-key", "--yes", "-o", "json"); code != ExitError || !json.Valid([]byte(out)) ||
		!strings.Contains(out, `"outcome":"failed"`) || !strings.Contains(out, "you have no passkey with that credential ID") {
		t.Fatalf("-o json failure: exit %d\n%s", code, out)
	}
	out, errOut, code = run("passkey", "delete", "cred-lost", "--yes", "-o", "json")
	if code != ExitOK {
		t.Fatalf("delete: exit %d\n%s%s", code, out, errOut)
	}
	var left usecase.PasskeyList
	if err := json.Unmarshal([]byte(out), &left); err != nil || len(left.Passkeys) != 1 || left.Passkeys[0].CredentialId != "cred-key" {
		t.Fatalf("after delete: %v %s", err, out)
	}
	for _, s := range []string{out, errOut} {
		if strings.Contains(s, raw) {
			t.Error("the access token reached the output")
		}
	}
	var ops []string
	for _, c := range emu.Stats().Calls {
		ops = append(ops, c.Operation)
	}
	if got := strings.Join(ops, ","); got != "ListWebAuthnCredentials,DeleteWebAuthnCredential,DeleteWebAuthnCredential,ListWebAuthnCredentials" {
		t.Errorf("calls: %s", got)
	}
}

// On a terminal reset-mfa asks, and only "yes" approves.
func TestResetMFAAsksAndOnlyYesApproves(t *testing.T) {
	h := newResetHarness(t)
	audit := filepath.Join(t.TempDir(), "audit.jsonl")
	run := func(answer string) (string, string, int) {
		ios, in, out, errOut := iostreams.TestStreams()
		ios.StdinTTY, ios.StderrTTY = true, true
		in.Write([]byte(answer + "\n"))
		root := NewRootCmd(NewFactory(ios))
		root.SetArgs([]string{"reset-mfa", "--user-pool-id", helpDeskPool, "--username", "alice", "--username", "bob",
			"--factor", "totp", "--reason", "authenticator vendor breach INC-9", "--audit-log", audit, "--endpoint-url", h.url})
		code := exitCode(root.ExecuteContext(context.Background()), ios)
		return out.String(), errOut.String(), code
	}
	for _, answer := range []string{"y", "YES", "yes please"} {
		h.emu.ResetStats()
		_, errOut, code := run(answer)
		if code != ExitError || !strings.Contains(errOut, "Only 'yes' will be accepted") || !strings.Contains(errOut, "reset cancelled; nothing was changed") {
			t.Errorf("answer %q: exit %d\n%s", answer, code, errOut)
		}
		if got := h.writes(); len(got) != 0 {
			t.Errorf("answer %q wrote %v", answer, got)
		}
	}
	h.emu.ResetStats()
	out, errOut, code := run("yes")
	if code != ExitOK || !strings.Contains(out, "Reset complete: 4 calls made for 2 users.") {
		t.Fatalf("yes: exit %d\n%s\n%s", code, out, errOut)
	}
	// Users are reset side by side; each user's calls stay in order.
	for _, user := range []string{"alice", "bob"} {
		var got []string
		for _, w := range h.writes() {
			if op, name, _ := strings.Cut(w, " "); name == user {
				got = append(got, op)
			}
		}
		if want := []string{"AdminDeleteSoftwareToken", "AdminSetUserMFAPreference"}; !slices.Equal(got, want) {
			t.Errorf("%s's writes %v, want %v", user, got, want)
		}
	}
	if n := len(h.writes()); n != 4 {
		t.Errorf("%d writes, want 4: %v", n, h.writes())
	}
	recs, _ := readAudit(t, audit)
	var outcomes []string
	for _, r := range recs {
		outcomes = append(outcomes, r.Outcome)
	}
	if got := strings.Join(outcomes, ","); got != "cancelled,cancelled,cancelled,done" {
		t.Errorf("audit outcomes: %s", got)
	}
}
