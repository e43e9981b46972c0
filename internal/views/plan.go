package views

import (
	"fmt"

	"github.com/mfactl/mfactl/internal/diag"
	"github.com/mfactl/mfactl/internal/plan"
)

// Plan shows the outcome of planning in one format.
type Plan interface {
	// Plan shows a plan: its changes, calls, diagnostics and summary, or,
	// when its checks failed, its diagnostics.
	Plan(p *plan.Plan) error
	// InputErrors shows why the files could not be planned.
	InputErrors(diags diag.List) error
	// Saved says where the plan was saved.
	Saved(path string)
}

// NewPlan returns the view of planning in format f.
func NewPlan(f Format, io *IOStreams) Plan {
	switch f {
	case JSON:
		return planJSON{io}
	case CLI:
		return planCLI{io}
	}
	return planText{io}
}

type planText struct{ io *IOStreams }

func (v planText) Plan(p *plan.Plan) error {
	if p.Diagnostics.HasErrors() {
		return RenderPlanText(v.io.ErrOut, p, v.io.ErrPalette())
	}
	return RenderPlanText(v.io.Out, p, v.io.Palette())
}

func (v planText) InputErrors(diags diag.List) error {
	WriteDiagnostics(v.io.ErrOut, v.io.ErrPalette(), diags)
	return nil
}

func (v planText) Saved(path string) {
	fmt.Fprintf(v.io.ErrOut, "Saved the plan to %s. Apply it with: mfactl apply %s\n", path, path)
}

// planJSON writes one JSON document on stdout whatever happened, so that a
// program reading it never gets text.
type planJSON struct{ io *IOStreams }

func (v planJSON) Plan(p *plan.Plan) error { return plan.WriteJSON(v.io.Out, p) }

func (v planJSON) InputErrors(diags diag.List) error { return WriteDiagnosticsJSON(v.io.Out, diags) }

func (v planJSON) Saved(path string) { planText(v).Saved(path) } // on stderr either way
