package views

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/mfactl/mfactl/internal/iostreams"
	"github.com/mfactl/mfactl/internal/state"
	"github.com/mfactl/mfactl/plan"
	"github.com/mfactl/mfactl/plan/plantest"
)

// onPoolOfUnenrolled is an ON pool whose 100 users Cognito lists with no
// factor (their settings are unknown), declared with settings.
func onPoolOfUnenrolled(settings state.UserSettings, ignore ...string) (state.Desired, state.Live) {
	var live []*state.LiveUser
	var declared []state.DesiredUser
	for i := range 100 {
		name := fmt.Sprintf("user%03d", i)
		lu := plantest.LiveUser(name, state.UserSettings{})
		lu.Unknown = "the pool requires MFA but Cognito lists no factor for the user"
		live = append(live, lu)
		declared = append(declared, plantest.User(name, settings))
	}
	cfg := state.PoolConfig{MfaConfiguration: state.ModeOn, SoftwareTokenMfaConfiguration: plantest.TotpOn()}
	d := plantest.DesiredPool(cfg, declared...)
	d.Pools[0].Ignore = ignore
	return d, plantest.Live(cfg, plantest.WithUsers(live...))
}

var annotationRule = regexp.MustCompile(`(?m)^::(?:warning|error) [^\n]*title=([^:]*)::`)

// annotationsPerRule counts the annotations of each rule in out.
func annotationsPerRule(out string) map[string]int {
	n := map[string]int{}
	for _, m := range annotationRule.FindAllStringSubmatch(out, -1) {
		n[m[1]]++
	}
	return n
}

func sarifResultsPerRule(t *testing.T, out string) map[string]int {
	t.Helper()
	var log sarifLog
	if err := json.Unmarshal([]byte(out), &log); err != nil {
		t.Fatal(err)
	}
	n := map[string]int{}
	for _, r := range log.Runs[0].Results {
		n[r.RuleID]++
	}
	return n
}

// 100 unenrolled users under ON make at most one annotation, one SARIF
// result and one text warning per pool and rule; the annotation names the
// first few users and the count, the job summary's Markdown all of them.
func TestManyUsersMakeOneAnnotationPerRule(t *testing.T) {
	d, l := onPoolOfUnenrolled(state.UserSettings{SoftwareTokenMfaSettings: plantest.Preferred()})
	p := buildPlan(t, d, l, plan.Options{})
	if !p.HasChanges() || len(p.Diagnostics) < 100 {
		t.Fatalf("want a plan with changes and a warning per user, got %d calls, %d diagnostics", len(p.Calls), len(p.Diagnostics))
	}

	ios, _, out, _ := iostreams.TestStreams()
	if err := must(NewPlan(GitHub, ios, Options{})).Plan(p); err != nil {
		t.Fatal(err)
	}
	perRule := annotationsPerRule(out.String())
	if len(perRule) == 0 {
		t.Fatalf("no annotations:\n%s", out.String())
	}
	for rule, n := range perRule {
		if n > 1 {
			t.Errorf("%d annotations of %q, want 1", n, rule)
		}
	}
	if !strings.Contains(out.String(), "live MFA settings of 100 users are unknown") || !strings.Contains(out.String(), "users: user000, user001, user002") || !strings.Contains(out.String(), "and 90 more") {
		t.Errorf("the annotation does not name the first users and the count:\n%s", out.String())
	}

	ios, _, out, _ = iostreams.TestStreams()
	if err := must(NewPlan(SARIF, ios, Options{})).Plan(p); err != nil {
		t.Fatal(err)
	}
	for rule, n := range sarifResultsPerRule(t, out.String()) {
		if n > 1 {
			t.Errorf("%d SARIF results of %s, want 1", n, rule)
		}
	}

	ios, _, out, _ = iostreams.TestStreams()
	if err := must(NewPlan(Text, ios, Options{})).Plan(p); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(out.String(), "Warning: live MFA settings of"); n != 1 {
		t.Errorf("%d text warnings about unknown settings, want 1:\n%s", n, out.String())
	}
	ios, _, out, _ = iostreams.TestStreams()
	if err := must(NewPlan(Text, ios, Options{ShowUsers: true})).Plan(p); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "user098, user099\n") {
		t.Errorf("--show-users does not list every user of the warning:\n%s", out.String())
	}
	var md strings.Builder
	if err := RenderPlanMarkdown(&md, p, MarkdownOptions{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(md.String(), "user098, user099") {
		t.Errorf("the job summary does not list every user:\n%s", md.String())
	}
}

// A plan that changes nothing stays quiet about users whose settings
// Cognito cannot confirm: no annotation, no SARIF result, no text
// warning; -o json keeps the diagnostics.
func TestNoChangePlanStaysQuiet(t *testing.T) {
	d, l := onPoolOfUnenrolled(state.UserSettings{})
	p := buildPlan(t, d, l, plan.Options{})
	if p.HasChanges() {
		t.Fatalf("want no changes, got %d calls", len(p.Calls))
	}
	for _, f := range []Format{Text, GitHub, SARIF, Markdown} {
		ios, _, out, errOut := iostreams.TestStreams()
		if err := must(NewPlan(f, ios, Options{})).Plan(p); err != nil {
			t.Fatal(err)
		}
		got := out.String() + errOut.String()
		if strings.Contains(got, "user000") || strings.Contains(got, "::warning") || strings.Contains(got, `"ruleId"`) {
			t.Errorf("-o %s is not quiet about a plan with no changes:\n%s", f, got)
		}
	}
	ios, _, out, _ := iostreams.TestStreams()
	if err := must(NewPlan(JSON, ios, Options{})).Plan(p); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(out.String(), `"Code": "user-settings-unknown"`); n != 100 {
		t.Errorf("-o json has %d of the 100 warnings", n)
	}
}

// Ignore: [user-settings-unknown] on the pool silences the condition the
// team acknowledged in every format, and -o json counts what it silenced.
func TestIgnoreSilencesAnAcknowledgedWarning(t *testing.T) {
	d, l := onPoolOfUnenrolled(state.UserSettings{SoftwareTokenMfaSettings: plantest.Preferred()}, "user-settings-unknown")
	p := buildPlan(t, d, l, plan.Options{})
	for _, f := range []Format{Text, GitHub, SARIF, Markdown, JSON} {
		ios, _, out, errOut := iostreams.TestStreams()
		if err := must(NewPlan(f, ios, Options{})).Plan(p); err != nil {
			t.Fatal(err)
		}
		got := out.String() + errOut.String()
		if strings.Contains(got, "live MFA settings of") || strings.Contains(got, `"Code": "user-settings-unknown"`) {
			t.Errorf("-o %s still shows the ignored warning:\n%s", f, got)
		}
		if f == JSON && !strings.Contains(got, `"user-settings-unknown": 100`) {
			t.Errorf("-o json does not count the 100 ignored warnings:\n%s", got)
		}
		if f == Text && !strings.Contains(got, "Ignored in user pool "+plantest.PoolID+" (Ignore): 100 user-settings-unknown.") {
			t.Errorf("text does not say what Ignore silenced:\n%s", got)
		}
	}
	if !strings.Contains(plantest.DiagText(p.Diagnostics), "totp-registration-unknown") && !strings.Contains(plantest.DiagText(p.Diagnostics), "authenticator") {
		t.Errorf("Ignore silenced a rule it does not name:\n%s", plantest.DiagText(p.Diagnostics))
	}
}
