package views

import (
	"fmt"
	"strings"

	"github.com/mfactl/mfactl/internal/diag"
	"github.com/mfactl/mfactl/plan"
)

// PlanSummary is the one-line outcome of a plan, e.g.
// "Plan: 13 calls (1 SetUserPoolMfaConfig, 12 AdminSetUserMFAPreference); 88 users in sync.",
// with "N uncertain" in the parentheses when Cognito may refuse some of them
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
	return fmt.Sprintf("Plan: %s; %s in sync.", CallCountText(p), Plural(p.UsersInSync(), "user"))
}

// CallCountText counts a plan's calls: "2 AdminSetUserMFAPreference calls",
// or, with both operations, "3 calls (1 SetUserPoolMfaConfig, 2 AdminSetUserMFAPreference)".
func CallCountText(p *plan.Plan) string {
	counts := p.CallCounts()
	var parts []string
	for _, op := range plan.Operations {
		if counts[op] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", counts[op], op))
		}
	}
	uncertain := ""
	if n := p.UncertainCalls(); n > 0 {
		uncertain = fmt.Sprintf("%d uncertain", n)
	}
	if len(parts) == 1 {
		calls := parts[0] + map[bool]string{true: " call", false: " calls"}[len(p.Calls) == 1]
		if uncertain != "" {
			calls += " (" + uncertain + ")"
		}
		return calls
	}
	inside := strings.Join(parts, ", ")
	if uncertain != "" {
		inside += "; " + uncertain
	}
	return fmt.Sprintf("%s (%s)", Plural(len(p.Calls), "call"), inside)
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
