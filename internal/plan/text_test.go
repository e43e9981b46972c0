package plan

import (
	"bytes"
	"strings"
	"testing"

	"github.com/mfactl/mfactl/internal/state"
)

// tagStyle marks each colour so tests can see which text gets which.
type tagStyle struct{}

func (tagStyle) Green(s string) string  { return "<green>" + s + "</green>" }
func (tagStyle) Red(s string) string    { return "<red>" + s + "</red>" }
func (tagStyle) Yellow(s string) string { return "<yellow>" + s + "</yellow>" }
func (tagStyle) Cyan(s string) string   { return "<cyan>" + s + "</cyan>" }
func (tagStyle) Bold(s string) string   { return "<bold>" + s + "</bold>" }
func (tagStyle) Dim(s string) string    { return "<dim>" + s + "</dim>" }

func TestRenderTextColours(t *testing.T) {
	l := live(state.PoolConfig{MfaConfiguration: state.ModeOptional, SmsMfaConfiguration: smsOn(), SoftwareTokenMfaConfiguration: totpOn()},
		withUsers(liveUser("alice", state.UserSettings{SMSMfaSettings: preferred(), SoftwareTokenMfaSettings: enabled()})))
	d := desiredPool(state.PoolConfig{SmsMfaConfiguration: &state.SmsMfaConfiguration{}, EmailMfaConfiguration: emailOn()},
		user("alice", state.UserSettings{SMSMfaSettings: disabled(), SoftwareTokenMfaSettings: preferred()}))
	p := build(t, d, l, Options{})
	requireNoErrors(t, p)
	var b bytes.Buffer
	if err := RenderText(&b, p, tagStyle{}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		"<yellow>~ user pool eu-west-1_AbCdEf123</yellow><dim>  # mfa.yaml:2:5</dim>",
		`<yellow>~ EmailMfaConfiguration.Enabled: false -> true</yellow>`,
		`<green>+ EmailMfaConfiguration.Subject: "Your code"</green>`,
		`<red>- SmsMfaConfiguration.SmsConfiguration.ExternalId: (sensitive)</red>`,
		"<red>- SMSMfaSettings: enabled, preferred</red>",
		"<yellow>~ SoftwareTokenMfaSettings: enabled -> enabled, preferred</yellow>",
		"<cyan>1. SetUserPoolMfaConfig eu-west-1_AbCdEf123</cyan><dim>  [stage 1: pool, before users]</dim>",
		"<bold>Plan: 2 SetUserPoolMfaConfig, 1 AdminSetUserMFAPreference calls; 0 users in sync.</bold>",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if t.Failed() {
		t.Logf("output:\n%s", out)
	}
	var plainOut, nilOut bytes.Buffer
	_ = RenderText(&plainOut, p, Plain)
	_ = RenderText(&nilOut, p, nil)
	if nilOut.String() != plainOut.String() || strings.Contains(plainOut.String(), "<dim>") {
		t.Fatalf("a nil style is not Plain:\n%s", nilOut.String())
	}
}

func TestRenderTextFailedPlan(t *testing.T) {
	l := state.Live{Pools: map[string]*state.LivePool{poolID: {UserPoolId: poolID}}}
	p := build(t, desiredPool(state.PoolConfig{MfaConfiguration: state.ModeOn}), l, Options{})
	var b bytes.Buffer
	if err := RenderText(&b, p, Plain); err != nil {
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
