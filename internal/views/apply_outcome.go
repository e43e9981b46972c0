package views

import (
	"fmt"

	"github.com/mfactl/mfactl/internal/diag"
	"github.com/mfactl/mfactl/internal/plan"
	"github.com/mfactl/mfactl/internal/usecase"
)

// Apply shows applying, for people: the plan, what happened to each call
// and whether Cognito matches afterwards.
type Apply struct{ io *IOStreams }

// NewApply returns the view of apply.
func NewApply(io *IOStreams) *Apply { return &Apply{io} }

// Plan shows the plan about to be applied, or why it cannot be.
func (v *Apply) Plan(p *plan.Plan) error { return planText(*v).Plan(p) }

// InputErrors shows why the files could not be planned.
func (v *Apply) InputErrors(diags diag.List) error { return planText(*v).InputErrors(diags) }

// SavedPlan introduces a saved plan about to be applied.
func (v *Apply) SavedPlan(path string, p *plan.Plan) {
	if !p.HasChanges() {
		fmt.Fprintln(v.io.Out, "The saved plan has no changes. Nothing to apply.")
		return
	}
	fmt.Fprintf(v.io.Out, "Applying the saved plan %s.\n%s\n", path, PlanSummary(p))
}

// Applied shows what happened to each call and, after a complete apply,
// the verification.
func (v *Apply) Applied(a *usecase.Applied) error {
	if err := RenderSummary(v.io.Out, a.Result, v.io.Palette()); err != nil {
		return err
	}
	if a.Verification != nil {
		return v.verification(a.Verification)
	}
	return nil
}

func (v *Apply) verification(ver *usecase.Verification) error {
	pal := v.io.Palette()
	switch {
	case ver.Err != nil:
		return nil // the error itself is the message; Main prints it
	case ver.OK():
		users := 0
		for _, dp := range ver.Desired.Pools {
			users += len(dp.Users)
		}
		_, err := fmt.Fprintf(v.io.Out, "%s %s and %s match the desired state.\n", pal.Green("Verified:"), Plural(len(ver.Desired.Pools), "pool"), Plural(users, "user"))
		return err
	}
	fmt.Fprintln(v.io.Out, pal.Yellow("Verification: live state still differs after apply:"))
	if ver.Again.Diagnostics.HasErrors() {
		WriteDiagnostics(v.io.Out, pal, ver.Again.Diagnostics)
		return nil
	}
	return RenderPlanText(v.io.Out, ver.Again, pal)
}
