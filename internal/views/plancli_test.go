package views

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/mfactl/mfactl/internal/state"
	"github.com/mfactl/mfactl/plan"
)

// The quoted body reads back, through a POSIX shell, as the JSON it was;
// a masked ExternalId becomes the value of its variable, or a refusal.
func TestShellJSONQuotesForTheShell(t *testing.T) {
	body := `{"UserPoolId":"eu-west-1_A","SmsMfaConfiguration":{"SmsAuthenticationMessage":"It's {####} $HOME ` + "`x`" + `","SmsConfiguration":{"SnsCallerArn":"arn:aws:iam::1:role/r","ExternalId":"(sensitive: unchanged)"}}}`
	quoted, secretVar := shellJSON(body, "eu-west-1_A")
	if secretVar != "MFACTL_SMS_EXTERNAL_ID_EU_WEST_1_A" || strings.Contains(quoted, "sensitive") {
		t.Fatalf("quoted %s, variable %q", quoted, secretVar)
	}
	sh := exec.Command("/bin/sh", "-c", "printf %s "+quoted)
	sh.Env = []string{secretVar + "=s3cret", "HOME=/nowhere"}
	out, err := sh.Output()
	if err != nil {
		t.Fatal(err)
	}
	if want := strings.Replace(body, "(sensitive: unchanged)", "s3cret", 1); string(out) != want {
		t.Errorf("the shell reads\n%s\nwant\n%s", out, want)
	}
	sh = exec.Command("/bin/sh", "-c", "printf %s "+quoted)
	sh.Env = []string{}
	if out, err := sh.CombinedOutput(); err == nil || !strings.Contains(string(out), "set it to the SMS role external ID of eu-west-1_A") {
		t.Errorf("without the variable the shell ran it: %v %s", err, out)
	}
	if q, v := shellJSON(`{"a":"b'c"}`, "x_Y"); q != `'{"a":"b'\''c"}'` || v != "" {
		t.Errorf("plain body: %s %q", q, v)
	}
}

func TestPlanCLIMarksUncertainCalls(t *testing.T) {
	p := &plan.Plan{Calls: []plan.Call{{
		Operation: plan.AdminSetUserMFAPreference, UserPoolId: "eu-west-1_A", Username: "alice", Stage: plan.StageUsers,
		UserRequest: &state.UserSettings{SoftwareTokenMfaSettings: &state.FactorSettings{Enabled: true, PreferredMfa: true}},
		Uncertain:   "Cognito cannot show whether alice has registered an authenticator app; if not, Cognito refuses this call",
	}}}
	var b strings.Builder
	if err := RenderPlanCLI(&b, p); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"# Plan: 1 call (1 uncertain) — 1 user to change; 0 users in sync.",
		"# Uncertain: Cognito cannot show whether alice has registered an authenticator app; if not, Cognito refuses this call.\naws cognito-idp admin-set-user-mfa-preference",
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("script lacks %q:\n%s", want, b.String())
		}
	}
}
