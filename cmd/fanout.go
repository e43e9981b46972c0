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

// newViews builds the -o view and one view per --report file, from the
// command's registry: a format it does not hold is an error.
func newViews[V any](formats *views.Formats[V], format views.Format, io *iostreams.IOStreams, o views.Options, rf *reportFiles) (main V, reports []V, err error) {
	if main, err = formats.New(format, io, o); err != nil {
		return main, nil, err
	}
	for i, r := range rf.reports {
		v, err := formats.New(r.format, rf.streams[i], o)
		if err != nil {
			return main, nil, err
		}
		reports = append(reports, v)
	}
	return main, reports, nil
}

func newPlanFanOut(formats *views.Formats[views.Plan], format views.Format, io *iostreams.IOStreams, o views.Options, rf *reportFiles) (planFanOut, error) {
	main, reports, err := newViews(formats, format, io, o, rf)
	return planFanOut{main: main, reports: reports}, err
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

func newValidateFanOut(format views.Format, io *iostreams.IOStreams, rf *reportFiles) (validateFanOut, error) {
	main, reports, err := newViews(views.ValidateFormats, format, io, views.Options{}, rf)
	return append(validateFanOut{main}, reports...), err
}

func (v validateFanOut) Result(r schema.Result) error {
	var errs []error
	for _, view := range v {
		errs = append(errs, view.Result(r))
	}
	return errors.Join(errs...)
}

func (v validateFanOut) Failed(err error, interrupted bool) error {
	var errs []error
	for _, view := range v {
		errs = append(errs, view.Failed(err, interrupted))
	}
	return errors.Join(errs...)
}
