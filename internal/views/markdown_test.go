package views

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/mfactl/mfactl/internal/iostreams"
	"github.com/mfactl/mfactl/internal/state"
	"github.com/mfactl/mfactl/plan"
	"github.com/mfactl/mfactl/plan/plantest"
)

// The comment ends with the text view's summary line, word for word, for
// every scenario: failed, no changes, changes and uncertain calls.
func TestMarkdownEndsWithTheTextSummaryLine(t *testing.T) {
	t.Chdir("../..")
	for _, dir := range plantest.Scenarios(t) {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			d, l, o := plantest.LoadScenario(t, dir)
			p := plan.Build(d, l, plan.Options{ResendWriteOnly: o.ResendWriteOnly})
			last := map[Format]string{}
			for _, f := range []Format{Text, Markdown} {
				ios, _, out, errOut := iostreams.TestStreams()
				if err := must(NewPlan(f, ios, PlanOptions{})).Plan(p); err != nil {
					t.Fatal(err)
				}
				// The text of a failed plan goes to stderr.
				lines := strings.Split(strings.TrimRight(out.String()+errOut.String(), "\n"), "\n")
				last[f] = lines[len(lines)-1]
			}
			if want := "**" + last[Text] + "**"; last[Markdown] != want || !strings.HasPrefix(last[Text], "Plan") && !strings.HasPrefix(last[Text], "No changes") {
				t.Errorf("the comment ends with\n%s\nthe text view with\n%s", last[Markdown], last[Text])
			}
		})
	}
}

// The headline counts users as the summary line does: a self-service plan
// changes its user with SetUserMFAPreference, not AdminSetUserMFAPreference.
func TestMarkdownHeadlineCountsUsersAsTheSummaryLine(t *testing.T) {
	p := &plan.Plan{Calls: []plan.Call{{
		Operation: plan.SetUserMFAPreference, UserPoolId: "eu-west-1_A", Username: "alice", Stage: plan.StageUsers,
		UserRequest: &state.UserSettings{SoftwareTokenMfaSettings: plantest.Preferred()},
	}}}
	if got, want := PlanHeadline(p), "0 pools, 1 call: 0 pool changes, 1 user"; got != want {
		t.Errorf("headline %q, want %q (summary: %q)", got, want, PlanSummary(p))
	}
}
