package views

import (
	"fmt"
	"strings"

	"github.com/mfactl/mfactl/internal/diag"
	"github.com/mfactl/mfactl/plan"
)

// planCounts are what a plan's one-line outcomes say, counted in one place
// so that the text summary, the script's header and the comment's headline
// and summary line cannot disagree.
type planCounts struct {
	errs, warns   int
	pools         int // pools planned
	calls         int
	uncertain     int // calls Cognito may refuse for a reason reads cannot show
	poolCalls     int // calls that write a pool's configuration or posture
	poolsChanging int // pools whose configuration or posture a call writes
	usersChanging int
	usersInSync   int
}

func countPlan(p *plan.Plan) planCounts {
	c := planCounts{pools: len(p.Pools), calls: len(p.Calls), uncertain: p.UncertainCalls(), usersInSync: p.UsersInSync()}
	c.errs, c.warns = diagnosticCounts(p.Diagnostics)
	for _, call := range p.Calls {
		if call.Username == "" {
			c.poolCalls++
		}
	}
	c.poolsChanging, c.usersChanging = p.Changing()
	return c
}

// PlanSummary is the one-line outcome of a plan, as Terraform ends its
// plans: "Plan: 21 calls — 5 pools, 16 users to change; 4 users in sync.",
// with "(N uncertain)" after the calls when Cognito may refuse some of them
// for a reason reads cannot show (plan.Call.Uncertain). The text view, the
// -o cli script and the Markdown comment all end with it.
func PlanSummary(p *plan.Plan) string {
	c := countPlan(p)
	if c.errs > 0 {
		counts := Plural(c.errs, "error")
		if c.warns > 0 {
			counts += ", " + Plural(c.warns, "warning")
		}
		return fmt.Sprintf("Plan failed: %s. Nothing will be changed.", counts)
	}
	if c.calls == 0 {
		return fmt.Sprintf("No changes. %s and %s in sync.", Plural(c.pools, "pool"), Plural(c.usersInSync, "user"))
	}
	calls := Plural(c.calls, "call")
	if c.uncertain > 0 {
		calls += fmt.Sprintf(" (%s uncertain)", Count(c.uncertain))
	}
	var changing []string
	if c.poolsChanging > 0 {
		changing = append(changing, Plural(c.poolsChanging, "pool"))
	}
	if c.usersChanging > 0 {
		changing = append(changing, Plural(c.usersChanging, "user"))
	}
	return fmt.Sprintf("Plan: %s — %s to change; %s in sync.", calls, strings.Join(changing, ", "), Plural(c.usersInSync, "user"))
}

// PlanHeadline is the one-line outcome of a plan for a comment's heading:
// "3 pools, 41 calls: 2 pool changes, 39 users" (pool changes: the calls
// that write a pool's configuration or posture; users: the users that
// change, as PlanSummary counts them).
func PlanHeadline(p *plan.Plan) string {
	c := countPlan(p)
	pools := Plural(c.pools, "pool")
	if c.errs > 0 {
		s := "failed: " + Plural(c.errs, "error")
		if c.warns > 0 {
			s += ", " + Plural(c.warns, "warning")
		}
		return s + "; nothing will be changed"
	}
	if c.calls == 0 {
		return fmt.Sprintf("%s, no changes: %s in sync", pools, Plural(c.usersInSync, "user"))
	}
	return fmt.Sprintf("%s, %s: %s, %s", pools, Plural(c.calls, "call"),
		Plural(c.poolCalls, "pool change"), Plural(c.usersChanging, "user"))
}

func diagnosticCounts(l diag.List) (errs, warns int) {
	for _, d := range l {
		if d.Severity == diag.Error {
			errs++
		} else {
			warns++
		}
	}
	return errs, warns
}
