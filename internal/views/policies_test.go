package views

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/mfactl/mfactl/internal/iostreams"
	"github.com/mfactl/mfactl/internal/state"
	"github.com/mfactl/mfactl/plan"
	"github.com/mfactl/mfactl/plan/plantest"
)

// policyPlan is a plan whose policy gives email MFA to n users, one of
// whom has no email (ineligible).
func policyPlan(t *testing.T, n int) *plan.Plan {
	t.Helper()
	var users []*state.LiveUser
	var names []string
	for i := range n {
		u := plantest.LiveUser(fmt.Sprintf("u%02d", i), state.UserSettings{})
		users = append(users, u)
		names = append(names, u.Username)
	}
	users[n-1].HasEmail = false
	l := plantest.Live(state.PoolConfig{MfaConfiguration: state.ModeOptional, EmailMfaConfiguration: plantest.EmailOn()}, plantest.WithUsers(users...))
	l.Pools[plantest.PoolID].Selections = map[string]*state.LiveSelection{"staff-email": {Usernames: names}}
	d := plantest.DesiredPool(state.PoolConfig{})
	d.Pools[0].Policies = []state.Policy{{Name: "staff-email", Select: state.Selection{AllUsers: true}, Ineligible: state.IneligibleReport,
		Settings: state.UserSettings{EmailMfaSettings: plantest.Enabled()}, Pos: state.Pos{File: "mfa.yaml", Line: 9, Column: 9}}}
	p := plan.Build(d, l, plan.Options{})
	if p.Diagnostics.HasErrors() {
		t.Fatalf("%+v", p.Diagnostics)
	}
	return p
}

func TestPolicyUsersAreGroupedWithTheirPolicy(t *testing.T) {
	p := policyPlan(t, 30)
	var b bytes.Buffer
	if err := renderPlanText(&b, p, iostreams.Plain, textOptions{}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		"~ 29 users (policy staff-email)",
		"+ EmailMfaSettings: enabled",
		"u00, u01, u02, u03, u04, u05, u06, u07, u08, u09 and 19 more",
		"policy staff-email (AllUsers): 30 users selected; it applies to 29: 29 change, 0 in sync  # mfa.yaml:9:9",
		"1 user ineligible, left out: u29 (no email for email MFA)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("plan lacks %q:\n%s", want, out)
		}
	}
	b.Reset()
	if err := renderPlanText(&b, p, iostreams.Plain, textOptions{showUsers: true}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "u27, u28\n") || strings.Contains(b.String(), "more") {
		t.Errorf("--show-users does not name every user:\n%s", b.String())
	}
}
