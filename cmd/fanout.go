package cmd

import (
	"errors"

	"github.com/mfactl/mfactl/internal/diag"
	"github.com/mfactl/mfactl/internal/iostreams"
	"github.com/mfactl/mfactl/internal/views"
	"github.com/mfactl/mfactl/plan"
	"github.com/mfactl/mfactl/schema"
)

// planFanOut shows planning in the -o view and in each --report view.
type planFanOut struct {
	main    views.Plan
	reports []views.Plan
}

func newPlanFanOut(format views.Format, io *iostreams.IOStreams, o views.PlanOptions, rf *reportFiles) planFanOut {
	out := planFanOut{main: views.NewPlan(format, io, o)}
	for i, r := range rf.reports {
		out.reports = append(out.reports, views.NewPlan(r.format, rf.streams[i], o))
	}
	return out
}

func (v planFanOut) each(show func(views.Plan) error) error {
	errs := []error{show(v.main)}
	for _, r := range v.reports {
		errs = append(errs, show(r))
	}
	return errors.Join(errs...)
}

func (v planFanOut) Plan(p *plan.Plan) error {
	return v.each(func(view views.Plan) error { return view.Plan(p) })
}

func (v planFanOut) InputErrors(diags diag.List) error {
	return v.each(func(view views.Plan) error { return view.InputErrors(diags) })
}

func (v planFanOut) Failed(err error, interrupted bool) error {
	return v.each(func(view views.Plan) error { return view.Failed(err, interrupted) })
}

// Saved is said once, by the -o view.
func (v planFanOut) Saved(path string, p *plan.Plan, files []string) { v.main.Saved(path, p, files) }

// validateFanOut shows validation in the -o view and in each --report view.
type validateFanOut []views.Validate

func newValidateFanOut(format views.Format, io *iostreams.IOStreams, rf *reportFiles) validateFanOut {
	out := validateFanOut{views.NewValidate(format, io)}
	for i, r := range rf.reports {
		out = append(out, views.NewValidate(r.format, rf.streams[i]))
	}
	return out
}

func (v validateFanOut) Result(r schema.Result) error {
	var errs []error
	for _, view := range v {
		errs = append(errs, view.Result(r))
	}
	return errors.Join(errs...)
}

func (v validateFanOut) Interrupted(err error) error {
	var errs []error
	for _, view := range v {
		errs = append(errs, view.Interrupted(err))
	}
	return errors.Join(errs...)
}
