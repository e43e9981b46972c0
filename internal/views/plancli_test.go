package views

import (
	"fmt"
	"os/exec"
	"strings"
	"testing"

	"github.com/mfactl/mfactl/internal/operations"
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

// Every operation a plan may call, in every stage it runs in, becomes a
// command the AWS CLI knows, under a named stage: a call without a CLI name
// would print "aws cognito-idp  --region" and stop the script there.
func TestPlanCLINamesEveryOperation(t *testing.T) {
	for _, name := range plan.Operations {
		op, _ := operations.Lookup(string(name))
		for _, stage := range op.Stages {
			c := plan.Call{Operation: name, UserPoolId: "eu-west-1_A", Username: "alice", Stage: stage}
			switch name {
			case plan.SetUserPoolMfaConfig:
				c.Username = ""
				c.PoolRequest = &state.PoolConfig{MfaConfiguration: state.ModeOff}
			case plan.AdminSetUserSettings:
				c.LegacyRequest = &[]state.MFAOption{}
			default:
				c.UserRequest = &state.UserSettings{SoftwareTokenMfaSettings: &state.FactorSettings{Enabled: true}}
			}
			var b strings.Builder
			if err := RenderPlanCLI(&b, &plan.Plan{Calls: []plan.Call{c}}); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			for _, want := range []string{
				fmt.Sprintf("stage %d (%s)", stage, operations.StageName(stage)),
				"aws cognito-idp " + op.CLI + " --region eu-west-1 --cli-input-json '",
			} {
				if op.CLI == "" || operations.StageName(stage) == "" || !strings.Contains(b.String(), want) {
					t.Errorf("%s in stage %d: the script lacks %q:\n%s", name, stage, want, b.String())
				}
			}
		}
	}
}

// A self-service call's access token comes from MFACTL_ACCESS_TOKEN, the
// variable mfactl reads, and the shell refuses the command without it.
func TestShellJSONTakesTheAccessTokenFromTheEnvironment(t *testing.T) {
	body := `{"AccessToken":"` + plan.AccessTokenMarker + `","SoftwareTokenMfaSettings":{"Enabled":true}}`
	quoted, secretVar := shellJSON(body, "eu-west-1_A")
	if secretVar != "MFACTL_ACCESS_TOKEN" || strings.Contains(quoted, "sensitive") {
		t.Fatalf("quoted %s, variable %q", quoted, secretVar)
	}
	sh := exec.Command("/bin/sh", "-c", "printf %s "+quoted)
	sh.Env = []string{"MFACTL_ACCESS_TOKEN=eyJ.token"}
	if out, err := sh.Output(); err != nil || string(out) != `{"AccessToken":"eyJ.token","SoftwareTokenMfaSettings":{"Enabled":true}}` {
		t.Errorf("the shell reads %s (%v)", out, err)
	}
	sh = exec.Command("/bin/sh", "-c", "printf %s "+quoted)
	sh.Env = []string{}
	if out, err := sh.CombinedOutput(); err == nil || !strings.Contains(string(out), "set it to your access token") {
		t.Errorf("without the variable the shell ran it: %v %s", err, out)
	}
}
