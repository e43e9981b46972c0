package views

import (
	"fmt"
	"strings"

	"github.com/mfactl/mfactl/internal/diag"
	"github.com/mfactl/mfactl/plan"
)

// PlanSummary is the one-line outcome of a plan, as Terraform ends its
// plans: "Plan: 21 calls — 5 pools, 16 users to change; 4 users in sync.",
// with "(N uncertain)" after the calls when Cognito may refuse some of them
// for a reason reads cannot show (plan.Call.Uncertain).
func PlanSummary(p *plan.Plan) string {
	if errs, warns := diagnosticCounts(p.Diagnostics); errs > 0 {
		counts := Plural(errs, "error")
		if warns > 0 {
			counts += ", " + Plural(warns, "warning")
		}
		return fmt.Sprintf("Plan failed: %s. Nothing will be changed.", counts)
	}
	if !p.HasChanges() {
		return fmt.Sprintf("No changes. %s and %s in sync.", Plural(len(p.Pools), "pool"), Plural(p.UsersInSync(), "user"))
	}
	calls := Plural(len(p.Calls), "call")
	if n := p.UncertainCalls(); n > 0 {
		calls += fmt.Sprintf(" (%s uncertain)", Count(n))
	}
	pools, users := p.Changing()
	var changing []string
	if pools > 0 {
		changing = append(changing, Plural(pools, "pool"))
	}
	if users > 0 {
		changing = append(changing, Plural(users, "user"))
	}
	return fmt.Sprintf("Plan: %s — %s to change; %s in sync.", calls, strings.Join(changing, ", "), Plural(p.UsersInSync(), "user"))
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
