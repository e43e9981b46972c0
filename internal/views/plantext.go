package views

import (
	"io"

	"github.com/mfactl/mfactl/internal/plan"
)

// RenderPlanText writes p for people.
func RenderPlanText(w io.Writer, p *plan.Plan, pal Palette) error { return plan.RenderText(w, p, pal) }

// RenderPlanJSON writes p as versioned JSON.
func RenderPlanJSON(w io.Writer, p *plan.Plan) error { return plan.RenderJSON(w, p) }

// PlanSummary is the one-line outcome of a plan.
func PlanSummary(p *plan.Plan) string { return p.Summary() }
