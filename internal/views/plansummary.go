package views

import (
	"fmt"
	"strings"

	"github.com/mfactl/mfactl/internal/diag"
	"github.com/mfactl/mfactl/internal/plan"
)

// PlanSummary is the one-line outcome of a plan, e.g.
// "Plan: 1 SetUserPoolMfaConfig, 12 AdminSetUserMFAPreference calls; 88 users in sync.",
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
	counts := p.CallCounts()
	var parts []string
	for _, op := range plan.Operations {
		if counts[op] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", counts[op], op))
		}
	}
	calls := "calls"
	if len(p.Calls) == 1 {
		calls = "call"
	}
	if n := p.UncertainCalls(); n > 0 {
		calls += fmt.Sprintf(" (%d uncertain)", n)
	}
	return fmt.Sprintf("Plan: %s %s; %s in sync.", strings.Join(parts, ", "), calls, Plural(p.UsersInSync(), "user"))
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
