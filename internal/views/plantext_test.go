package views

import (
	"bytes"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mfactl/mfactl/internal/iostreams"
	"github.com/mfactl/mfactl/internal/state"
	"github.com/mfactl/mfactl/plan"
	"github.com/mfactl/mfactl/plan/plantest"
)

func TestRenderTextColours(t *testing.T) {
	l := plantest.Live(state.PoolConfig{MfaConfiguration: state.ModeOptional, SmsMfaConfiguration: plantest.SmsOn(), SoftwareTokenMfaConfiguration: plantest.TotpOn()},
		plantest.WithUsers(plantest.LiveUser("alice", state.UserSettings{SMSMfaSettings: plantest.Preferred(), SoftwareTokenMfaSettings: plantest.Enabled()})))
	d := plantest.DesiredPool(state.PoolConfig{SmsMfaConfiguration: &state.SmsMfaConfiguration{}, EmailMfaConfiguration: plantest.EmailOn()},
		plantest.User("alice", state.UserSettings{SMSMfaSettings: plantest.Disabled(), SoftwareTokenMfaSettings: plantest.Preferred()}))
	p := buildPlan(t, d, l, plan.Options{})
	var b bytes.Buffer
	if err := RenderPlanText(&b, p, tags); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		"<yellow>~ user pool eu-west-1_AbCdEf123</yellow><dim>  # mfa.yaml:2:5</dim>",
		`<yellow>~ EmailMfaConfiguration.Enabled: false -> true</yellow>`,
		`<green>+ EmailMfaConfiguration.Subject: "Your code"</green>`,
		"<dim># the pool keeps its SMS role (SmsConfiguration): switching SMS MFA off does not remove it</dim>",
		"<red>- SMSMfaSettings: enabled, preferred</red>",
		"<yellow>~ SoftwareTokenMfaSettings: enabled -> enabled, preferred</yellow>",
		"<cyan>stage 1: SetUserPoolMfaConfig</cyan><dim>  # widen before the user calls: enable email</dim>",
		"<cyan>stage 2: AdminSetUserMFAPreference</cyan>",
		"<dim>Symbols: ~ changes, + adds or turns on, - removes or turns off, ! a call Cognito may refuse</dim>\n\n<yellow>~ user pool",
		"<bold>Plan: 3 calls — 1 pool, 1 user to change; 0 users in sync.</bold>",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if strings.Contains(out, "SmsConfiguration.ExternalId") || strings.Contains(out, "SnsCallerArn") {
		t.Errorf("switching SMS MFA off shows the pool's SMS role as removed")
	}
	if t.Failed() {
		t.Logf("output:\n%s", out)
	}
	b.Reset()
	if err := RenderPlanTextVerbose(&b, p, tags); err != nil {
		t.Fatal(err)
	}
	if want := "<cyan>1. SetUserPoolMfaConfig eu-west-1_AbCdEf123</cyan><dim>  [stage 1: pool, before users]</dim>"; !strings.Contains(b.String(), want) {
		t.Errorf("verbose output lacks %q:\n%s", want, b.String())
	}
	var plainOut, zeroOut bytes.Buffer
	_ = RenderPlanText(&plainOut, p, iostreams.Plain)
	_ = RenderPlanText(&zeroOut, p, iostreams.Palette{})
	if zeroOut.String() != plainOut.String() || strings.Contains(plainOut.String(), "<dim>") {
		t.Fatalf("the zero iostreams.Palette is not iostreams.Plain:\n%s", zeroOut.String())
	}
}

func TestRenderTextFailedPlan(t *testing.T) {
	l := state.Live{Pools: map[string]*state.LivePool{plantest.PoolID: {UserPoolId: plantest.PoolID}}}
	p := plan.Build(plantest.DesiredPool(state.PoolConfig{MfaConfiguration: state.ModeOn}), l, plan.Options{})
	var b bytes.Buffer
	if err := RenderPlanText(&b, p, iostreams.Plain); err != nil {
		t.Fatal(err)
	}
	want := "Error: user pool eu-west-1_AbCdEf123 does not exist\n" +
		"  at mfa.yaml:2:5, UserPools[0]\n" +
		"  check the UserPoolId, and the AWS account and Region mfactl uses (this ID is in eu-west-1)\n" +
		"\n" +
		"Plan failed: 1 error. Nothing will be changed.\n"
	if b.String() != want {
		t.Fatalf("output:\n%s\nwant:\n%s", b.String(), want)
	}
}

// buildPlan builds a plan that must pass its checks.
func buildPlan(t *testing.T, d state.Desired, l state.Live, opts plan.Options) *plan.Plan {
	t.Helper()
	p := plan.Build(d, l, opts)
	if p.Diagnostics.HasErrors() {
		t.Fatalf("the plan failed its checks:\n%s", plantest.DiagText(p.Diagnostics))
	}
	return p
}

func TestPlanSummary(t *testing.T) {
	l := plantest.Live(state.PoolConfig{MfaConfiguration: state.ModeOptional, SmsMfaConfiguration: plantest.SmsOn()},
		plantest.WithUsers(plantest.LiveUser("alice", state.UserSettings{}), plantest.LiveUser("bob", state.UserSettings{SMSMfaSettings: plantest.Enabled()})))
	inSync := buildPlan(t, plantest.DesiredPool(state.PoolConfig{},
		plantest.User("alice", state.UserSettings{}), plantest.User("bob", state.UserSettings{SMSMfaSettings: plantest.Enabled()})), l, plan.Options{})
	if got := PlanSummary(inSync); got != "No changes. 1 pool and 2 users in sync." {
		t.Errorf("Summary = %q", got)
	}
	changes := buildPlan(t, plantest.DesiredPool(state.PoolConfig{SoftwareTokenMfaConfiguration: plantest.TotpOn()},
		plantest.User("alice", state.UserSettings{SMSMfaSettings: plantest.Enabled()}), plantest.User("bob", state.UserSettings{})), l, plan.Options{})
	if got := PlanSummary(changes); got != "Plan: 2 calls — 1 pool, 1 user to change; 1 user in sync." {
		t.Errorf("Summary = %q", got)
	}
	failed := plan.Build(plantest.DesiredPool(state.PoolConfig{MfaConfiguration: state.ModeOn}), state.Live{}, plan.Options{})
	if got := PlanSummary(failed); got != "Plan failed: 1 error. Nothing will be changed." {
		t.Errorf("Summary = %q", got)
	}
}

func TestPlanTextShowsASecretChangeButNotTheSecret(t *testing.T) {
	l := plantest.Live(state.PoolConfig{MfaConfiguration: state.ModeOptional, SmsMfaConfiguration: plantest.SmsOn()})
	sms := plantest.SmsOn()
	sms.SmsConfiguration.ExternalId = plantest.NewSecret
	p := buildPlan(t, plantest.DesiredPool(state.PoolConfig{SmsMfaConfiguration: sms}), l, plan.Options{})
	var text bytes.Buffer
	if err := RenderPlanText(&text, p, iostreams.Plain); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text.String(), "~ SmsMfaConfiguration.SmsConfiguration.ExternalId: (sensitive) -> (sensitive: from files)") {
		t.Fatalf("the text does not show that the secret changes:\n%s", text.String())
	}
	if strings.Contains(text.String(), plantest.Secret) || strings.Contains(text.String(), plantest.NewSecret) {
		t.Fatalf("a secret reached the text:\n%s", text.String())
	}
}

// TestGoldenPlanTexts renders each scenario of fixtures/plans (see
// plan's TestGoldenPlans) as text. Regenerate with
//
//	go test ./internal/views -run TestGoldenPlanTexts -update
func TestGoldenPlanTexts(t *testing.T) {
	t.Chdir("../..") // diagnostics name files relative to the repository root
	for _, dir := range plantest.Scenarios(t) {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			d, l, o := plantest.LoadScenario(t, dir)
			p := plan.Build(d, l, plan.Options{ResendWriteOnly: o.ResendWriteOnly})
			for name, render := range map[string]func(io.Writer, *plan.Plan, iostreams.Palette) error{
				"plan.txt": RenderPlanText, "plan-verbose.txt": RenderPlanTextVerbose,
			} {
				var text bytes.Buffer
				if err := render(&text, p, iostreams.Plain); err != nil {
					t.Fatal(err)
				}
				if strings.Contains(text.String(), plantest.Secret) || strings.Contains(text.String(), plantest.NewSecret) {
					t.Fatalf("a secret reached the text:\n%s", text.String())
				}
				golden(t, filepath.Join(dir, name), text.String())
			}
		})
	}
}
