package views

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mfactl/mfactl/internal/diag"
	"github.com/mfactl/mfactl/internal/iostreams"
	"github.com/mfactl/mfactl/internal/jsondoc"
	"github.com/mfactl/mfactl/internal/state"
	"github.com/mfactl/mfactl/plan"
	"github.com/mfactl/mfactl/plan/plantest"
	"github.com/mfactl/mfactl/schema"
)

// formatGoldens are the machine and CI formats with their golden file names.
var formatGoldens = []struct {
	format Format
	file   string
}{
	{JSON, "json"}, {Markdown, "md"}, {GitHub, "github.txt"}, {JUnit, "junit.xml"}, {SARIF, "sarif.json"},
}

// Every format plan offers has goldens: these, plan.txt (plantext_test.go)
// or, for cli, plancli_test.go.
func TestEveryPlanFormatHasGoldens(t *testing.T) {
	for _, f := range PlanFormats.Names() {
		found := f == Text || f == CLI
		for _, g := range formatGoldens {
			found = found || g.format == f
		}
		if !found {
			t.Errorf("plan format %s has no goldens: add it to formatGoldens", f)
		}
	}
}

// TestGoldenPlanFormats renders each scenario of fixtures/plans in every
// CI format, next to plan.txt. Regenerate with
//
//	go test ./internal/views -run TestGoldenPlanFormats -update
func TestGoldenPlanFormats(t *testing.T) {
	t.Chdir("../..")
	for _, dir := range plantest.Scenarios(t) {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			d, l, o := plantest.LoadScenario(t, dir)
			p := plan.Build(d, l, plan.Options{ResendWriteOnly: o.ResendWriteOnly})
			for _, g := range formatGoldens {
				ios, _, out, errOut := iostreams.TestStreams()
				if err := must(NewPlan(g.format, ios, PlanOptions{})).Plan(p); err != nil {
					t.Fatal(err)
				}
				got := out.String() + errOut.String()
				checkFormat(t, g.format, got)
				checkDocument(t, g.format, jsondoc.CommandPlan, out.Bytes())
				golden(t, filepath.Join(dir, "plan."+g.file), got)
			}
		})
	}
}

// TestGoldenValidateFormats renders validation of valid and invalid files
// in every CI format (goldens in testdata/validate).
func TestGoldenValidateFormats(t *testing.T) {
	t.Chdir("../..")
	for name, files := range map[string][]string{
		"examples":          {"fixtures/examples"},
		"many-faults":       {"fixtures/invalid/schema-many-faults.yaml"},
		"two-preferred":     {"fixtures/invalid/rule-two-preferred-factors.yaml"},
		"duplicate-user":    {"fixtures/invalid/multi-duplicate-user"},
		"invalid-yaml":      {"fixtures/invalid/schema-key-wrong-level.yaml", "fixtures/examples/passkeys.yaml"},
		"unreadable-inputs": {"fixtures/no-such-dir"},
	} {
		t.Run(name, func(t *testing.T) {
			r := schema.Read(files, strings.NewReader(""))
			for _, g := range formatGoldens {
				ios, _, out, errOut := iostreams.TestStreams()
				if err := must(NewValidate(g.format, ios)).Result(r); err != nil {
					t.Fatal(err)
				}
				got := out.String() + errOut.String()
				checkFormat(t, g.format, got)
				checkDocument(t, g.format, jsondoc.CommandValidate, out.Bytes())
				golden(t, filepath.Join("internal/views/testdata/validate", name+"."+g.file), got)
			}
		})
	}
}

// checkFormat checks what every output of a format must be, whatever the input.
// checkDocument checks a -o json golden against its published schema.
func checkDocument(t *testing.T, f Format, command jsondoc.Command, out []byte) {
	t.Helper()
	if f != JSON {
		return
	}
	if err := jsondoc.Check(command, out); err != nil {
		t.Fatalf("%s -o json does not match its schema: %v\n%s", command, err, out)
	}
}

func checkFormat(t *testing.T, f Format, out string) {
	t.Helper()
	if strings.Contains(out, plantest.Secret) || strings.Contains(out, plantest.NewSecret) {
		t.Fatalf("a secret reached -o %s:\n%s", f, out)
	}
	switch f {
	case JUnit:
		var doc junitSuites
		if err := xml.Unmarshal([]byte(out), &doc); err != nil {
			t.Fatalf("not XML: %v\n%s", err, out)
		}
		tests := 0
		for _, s := range doc.Suites {
			if s.Tests != len(s.Cases) || s.Tests == 0 {
				t.Fatalf("suite %s: tests=%d with %d cases", s.Name, s.Tests, len(s.Cases))
			}
			tests += s.Tests
		}
		if doc.Tests != tests {
			t.Fatalf("testsuites tests=%d, cases %d", doc.Tests, tests)
		}
	case SARIF:
		var log sarifLog
		if err := json.Unmarshal([]byte(out), &log); err != nil || log.Version != "2.1.0" || len(log.Runs) != 1 {
			t.Fatalf("not a SARIF 2.1.0 log (%v):\n%s", err, out)
		}
		rules := log.Runs[0].Tool.Driver.Rules
		for _, r := range log.Runs[0].Results {
			if r.RuleIndex >= len(rules) || rules[r.RuleIndex].ID != r.RuleID {
				t.Fatalf("result's ruleIndex %d does not name rule %s", r.RuleIndex, r.RuleID)
			}
		}
	case Markdown:
		if len(out) > CommentLimit {
			t.Fatalf("the comment has %d characters, more than GitHub's %d", len(out), CommentLimit)
		}
		if strings.Count(out, "<details>") != strings.Count(out, "</details>") || strings.Count(out, "```")%2 != 0 {
			t.Fatalf("unbalanced Markdown:\n%s", out)
		}
	}
}

// manyUsersPlan is a pool of n users, each changing one of a few ways, and
// one more pool per 1,000 users with a change of its own.
func manyUsersPlan(t testing.TB, n int) *plan.Plan {
	var live []*state.LiveUser
	var desired []state.DesiredUser
	for i := range n {
		name := fmt.Sprintf("user%05d-with-a-long-name@example.com", i)
		live = append(live, plantest.LiveUser(name, state.UserSettings{SoftwareTokenMfaSettings: plantest.Enabled()}))
		s := state.UserSettings{}
		switch i % 3 {
		case 0:
			s.SMSMfaSettings = plantest.Preferred()
		case 1:
			s.SoftwareTokenMfaSettings = plantest.Preferred()
		case 2:
			s.SMSMfaSettings, s.SoftwareTokenMfaSettings = plantest.Enabled(), plantest.Preferred()
		}
		desired = append(desired, plantest.User(name, s))
	}
	l := plantest.Live(state.PoolConfig{MfaConfiguration: state.ModeOptional, SmsMfaConfiguration: plantest.SmsOn(), SoftwareTokenMfaConfiguration: plantest.TotpOn()}, plantest.WithUsers(live...))
	d := plantest.DesiredPool(state.PoolConfig{MfaConfiguration: state.ModeOn}, desired...)
	p := plan.Build(d, l, plan.Options{})
	if p.Diagnostics.HasErrors() {
		t.Fatalf("the plan failed: %s", plantest.DiagText(p.Diagnostics))
	}
	return p
}

func TestMarkdownOfTenThousandUsersFitsAComment(t *testing.T) {
	p := manyUsersPlan(t, 10_000)
	if len(p.Calls) < 10_000 {
		t.Fatalf("calls = %d", len(p.Calls))
	}
	var md bytes.Buffer
	if err := RenderPlanMarkdown(&md, p, MarkdownOptions{}); err != nil {
		t.Fatal(err)
	}
	checkFormat(t, Markdown, md.String())
	if !strings.Contains(md.String(), "10,000 users change") || !strings.Contains(md.String(), "3,334 users") {
		t.Fatalf("the comment does not sum up the users:\n%s", md.String())
	}
}

func TestMarkdownTruncationSaysWhatIsLeftOutAndWhere(t *testing.T) {
	// 200 pools, each with a different user change: more than fits.
	live := state.Live{Pools: map[string]*state.LivePool{}}
	var d state.Desired
	for i := range 200 {
		id := fmt.Sprintf("eu-west-1_Pool%05d", i)
		l := plantest.Live(state.PoolConfig{MfaConfiguration: state.ModeOptional, SmsMfaConfiguration: plantest.SmsOn()},
			plantest.WithUsers(plantest.LiveUser(fmt.Sprintf("u%d", i), state.UserSettings{})))
		lp := l.Pools[plantest.PoolID]
		lp.UserPoolId = id
		live.Pools[id] = lp
		dp := plantest.DesiredPool(state.PoolConfig{SmsMfaConfiguration: &state.SmsMfaConfiguration{Enabled: true, SmsAuthenticationMessage: plantest.Str(strings.Repeat("x", 120) + "{####}")}},
			plantest.User(fmt.Sprintf("u%d", i), state.UserSettings{SMSMfaSettings: plantest.Preferred()})).Pools[0]
		dp.UserPoolId = id
		d.Pools = append(d.Pools, dp)
	}
	p := plan.Build(d, live, plan.Options{})
	var md bytes.Buffer
	if err := RenderPlanMarkdown(&md, p, MarkdownOptions{Budget: 20_000, FullPlan: "the saved plan `mfa.plan`"}); err != nil {
		t.Fatal(err)
	}
	out := md.String()
	if len(out) > 20_000 || !strings.Contains(out, "**Truncated**") || !strings.Contains(out, "pools' changes not shown") || !strings.Contains(out, "the saved plan `mfa.plan`") {
		t.Fatalf("%d characters:\n%s", len(out), out[max(0, len(out)-600):])
	}
	if !strings.HasSuffix(out, "\n**"+PlanSummary(p)+"**\n") {
		t.Fatalf("a truncated comment still ends with the summary line:\n%s", out[max(0, len(out)-600):])
	}
	if shown := strings.Count(out, "<details>"); shown == 0 || shown == 200 || !strings.Contains(out, fmt.Sprintf("%d pools", 200-shown)) {
		t.Fatalf("%d pools shown; the truncation line must count the other %d:\n%s", shown, 200-shown, out[len(out)-600:])
	}
}

func TestQuietWarningsLeaveAConvergedPlanClean(t *testing.T) {
	l := plantest.Live(state.PoolConfig{MfaConfiguration: state.ModeOptional, SoftwareTokenMfaConfiguration: plantest.TotpOn(),
		WebAuthnConfiguration: &state.WebAuthnConfiguration{FactorConfiguration: plantest.Str(state.MultiFactorWithUserVerification)}},
		plantest.WithUsers(plantest.LiveUser("noor", state.UserSettings{SoftwareTokenMfaSettings: plantest.Preferred()})))
	d := plantest.DesiredPool(state.PoolConfig{}, plantest.User("noor", state.UserSettings{SoftwareTokenMfaSettings: plantest.Preferred(), WebAuthnMfaSettings: &state.WebAuthnSettings{Enabled: true}}))
	p := buildPlan(t, d, l, plan.Options{})
	if p.HasChanges() || len(p.Diagnostics) != 1 || p.Diagnostics[0].Code != "webauthn-unverifiable" {
		t.Fatalf("want a converged plan with the webauthn warning: %+v", p.Diagnostics)
	}
	for _, f := range []Format{Text, Markdown, GitHub, JUnit, SARIF} {
		ios, _, out, errOut := iostreams.TestStreams()
		if err := must(NewPlan(f, ios, PlanOptions{})).Plan(p); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(out.String()+errOut.String(), "of user noor cannot be verified") {
			t.Errorf("-o %s shows the warning on a converged plan:\n%s", f, out.String())
		}
	}
	ios, _, out, _ := iostreams.TestStreams()
	_ = must(NewPlan(JSON, ios, PlanOptions{})).Plan(p)
	if !strings.Contains(out.String(), "webauthn-unverifiable") {
		t.Errorf("-o json lost the warning:\n%s", out.String())
	}
}

func TestTextUnderGitHubActionsAnnotates(t *testing.T) {
	t.Chdir("../..")
	r := schema.Read([]string{"fixtures/invalid/rule-two-preferred-factors.yaml"}, nil)
	ios, _, out, errOut := iostreams.TestStreams()
	ios.CI = iostreams.CIFromEnv(func(k string) string { return map[string]string{"GITHUB_ACTIONS": "true"}[k] })
	if err := must(NewValidate(Text, ios)).Result(r); err != nil {
		t.Fatal(err)
	}
	want := "::error file=fixtures/invalid/rule-two-preferred-factors.yaml,line=12,col=51,title=mfactl%3A More than one preferred factor::"
	if !strings.Contains(errOut.String(), want) {
		t.Fatalf("no annotation %q in:\n%s", want, errOut.String())
	}
	ios, _, _, errOut = iostreams.TestStreams()
	if err := must(NewValidate(Text, ios)).Result(r); err != nil || strings.Contains(errOut.String(), "::error") {
		t.Fatalf("text outside GitHub Actions annotates:\n%s", errOut.String())
	}
	_ = out
}

func TestGitHubWritesTheJobSummary(t *testing.T) {
	t.Chdir("../..")
	summary := filepath.Join(t.TempDir(), "summary.md")
	if err := os.WriteFile(summary, []byte("earlier step\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": summary, "GITHUB_SERVER_URL": "https://github.com",
		"GITHUB_REPOSITORY": "acme/mfa", "GITHUB_SHA": "0123abc", "GITHUB_RUN_ID": "42"}
	ios, _, _, _ := iostreams.TestStreams()
	ios.CI = iostreams.CIFromEnv(func(k string) string { return env[k] })
	r := schema.Read([]string{"fixtures/invalid/rule-two-preferred-factors.yaml"}, nil)
	if err := must(NewValidate(GitHub, ios)).Result(r); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(summary)
	for _, want := range []string{"earlier step\n### mfactl validate: the files are invalid: 3 errors",
		"[`fixtures/invalid/rule-two-preferred-factors.yaml:12`](https://github.com/acme/mfa/blob/0123abc/fixtures/invalid/rule-two-preferred-factors.yaml#L12)"} {
		if !strings.Contains(string(got), want) {
			t.Errorf("job summary lacks %q:\n%s", want, got)
		}
	}
}

func TestAnnotationEscaping(t *testing.T) {
	var b bytes.Buffer
	l := diag.List{{Severity: diag.Warning, Code: "username-case", Pos: state.Pos{File: "a,b:c.yaml", Line: 3, Column: 1}, Summary: "100% sure\nnext", Detail: "x"}}
	if err := WriteAnnotations(&b, iostreams.CI{}, l); err != nil {
		t.Fatal(err)
	}
	want := "::warning file=a%2Cb%3Ac.yaml,line=3,col=1,title=mfactl%3A Usernames differ only in case::100%25 sure%0Anext%0Ax\n"
	if b.String() != want {
		t.Fatalf("got  %q\nwant %q", b.String(), want)
	}
}

// must returns a view the registry holds, or stops the test.
func must[V any](v V, err error) V {
	if err != nil {
		panic(err)
	}
	return v
}
