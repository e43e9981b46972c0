package views

import (
	"errors"
	"fmt"
	"strings"

	"github.com/mfactl/mfactl/apply"
	"github.com/mfactl/mfactl/internal/diag"
	"github.com/mfactl/mfactl/internal/iostreams"
	"github.com/mfactl/mfactl/internal/jsondoc"
	"github.com/mfactl/mfactl/internal/usecase"
	"github.com/mfactl/mfactl/plan"
)

// Apply shows applying: the plan about to be applied, what happened to
// each call and whether Cognito matches afterwards.
type Apply interface {
	// Plan shows the plan about to be applied, or why it cannot be.
	Plan(p *plan.Plan) error
	// PlanAfterCalls is Plan for a plan some of whose calls were made
	// before it was complete (apply -f --auto-approve): a failed check
	// then no longer means that nothing changed.
	PlanAfterCalls(p *plan.Plan) error
	// InputErrors shows why the files could not be planned.
	InputErrors(diags diag.List) error
	// SavedPlan shows a saved plan about to be applied.
	SavedPlan(path string, p *plan.Plan) error
	// Applied shows what happened to each call and, after a complete
	// apply, the verification.
	Applied(a *usecase.Applied) error
	// Done ends the view; err is what the command returns (nil on
	// success), interrupted whether a signal stopped it. The JSON view
	// writes its one document here, whatever happened.
	Done(err error, interrupted bool) error
}

// ErrApplyCancelled is apply's error when the prompt was not answered yes.
var ErrApplyCancelled = errors.New("apply cancelled; nothing was changed")

// ApplyFormats are the formats of `mfactl apply`.
var ApplyFormats = register(string(jsondoc.CommandApply),
	format(Text, func(io *iostreams.IOStreams, o Options) Apply {
		return &applyText{plan: planText{io: io, command: jsondoc.CommandApply, verbose: o.Verbose, annotate: io.CI.GitHubActions}}
	}),
	format(JSON, func(io *iostreams.IOStreams, _ Options) Apply {
		return &applyJSON{io: io, doc: jsondoc.Apply{Head: jsondoc.NewHead(jsondoc.CommandApply, ""), Calls: []jsondoc.ApplyCall{}}}
	}),
)

// NewApply returns the view of apply in format f, one of ApplyFormats.
func NewApply(f Format, io *iostreams.IOStreams, o Options) (Apply, error) {
	return ApplyFormats.New(f, io, o)
}

type applyText struct {
	plan      planText
	explained bool // diagnostics already say why apply stopped
}

func (v *applyText) Plan(p *plan.Plan) error {
	v.explained = p.Diagnostics.HasErrors()
	return v.plan.Plan(p)
}

func (v *applyText) PlanAfterCalls(p *plan.Plan) error {
	v.plan.callsMade = true
	return v.Plan(p)
}

func (v *applyText) InputErrors(diags diag.List) error {
	v.explained = true
	return v.plan.InputErrors(diags)
}

// SavedPlan shows the saved plan compactly, so that a deploy log says what
// it changed.
func (v *applyText) SavedPlan(path string, p *plan.Plan) error {
	io := v.plan.io
	if !p.HasChanges() {
		_, err := fmt.Fprintf(io.Out, "The saved plan %s has no changes. Nothing to apply.\n", path)
		return err
	}
	fmt.Fprintf(io.Out, "Applying the saved plan %s:\n\n", path)
	return v.plan.Plan(p)
}

func (v *applyText) Applied(a *usecase.Applied) error {
	io := v.plan.io
	if err := renderSummary(io.Out, a.Result, io.Palette(), io.OutWidth()); err != nil {
		return err
	}
	if a.Verification != nil {
		return v.verification(a.Verification)
	}
	return nil
}

// Done leaves the error to Main, which prints it on stderr. In GitHub
// Actions it also annotates the run and adds the failure to the job
// summary, unless the files' diagnostics, annotated already, say it.
func (v *applyText) Done(err error, interrupted bool) error {
	if err == nil || v.explained || !v.plan.io.CI.GitHubActions {
		return nil
	}
	f := runFailure{command: jsondoc.CommandApply, err: err, interrupted: interrupted}
	return f.toGitHub(v.plan.io, v.plan.io.ErrOut, true, true)
}

func (v *applyText) verification(ver *usecase.Verification) error {
	io := v.plan.io
	pal := io.Palette()
	switch {
	case ver.Err != nil:
		return nil // the error itself is the message; Main prints it
	case ver.OK():
		users := 0
		for _, dp := range ver.Desired.Pools {
			users += len(dp.Users)
		}
		pools := Plural(len(ver.Desired.Pools), "pool")
		if ver.Scope == usecase.VerifyAll {
			_, err := fmt.Fprintf(io.Out, "%s %s and %s match the desired state.\n", pal.Green("Verified:"), pools, Plural(users, "user"))
			return err
		}
		// Say what was not read again, so that "Verified" reads as no
		// more than it is: another writer may have changed those meanwhile.
		var notReread string
		if ver.NotRereadUsers > 0 || ver.NotRereadPools > 0 {
			var parts []string
			if ver.NotRereadPools > 0 {
				parts = append(parts, Plural(ver.NotRereadPools, "unchanged pool"))
			}
			if ver.NotRereadUsers > 0 {
				parts = append(parts, Plural(ver.NotRereadUsers, "unchanged user"))
			}
			notReread = fmt.Sprintf("; %s not re-read (--verify all re-reads them)", strings.Join(parts, " and "))
		}
		_, err := fmt.Fprintf(io.Out, "%s what apply changed (%s, %s) matches the desired state%s.\n", pal.Green("Verified:"), pools, Plural(users, "changed user"), notReread)
		return err
	}
	fmt.Fprintln(io.Out, pal.Yellow("Verification: live state still differs after apply:"))
	if ver.Again.Diagnostics.HasErrors() {
		WriteDiagnostics(io.Out, pal, io.OutWidth(), ver.Again.Diagnostics)
		return nil
	}
	// The plan above already explained the symbols: once per output.
	return renderPlanText(io.Out, ver.Again, pal, textOptions{width: io.OutWidth()})
}

// applyJSON collects the outcome and writes one document when Done.
type applyJSON struct {
	io  *iostreams.IOStreams
	doc jsondoc.Apply
}

func (v *applyJSON) Plan(p *plan.Plan) error {
	v.doc.Counts = jsondoc.PlanCounts(p)
	if p.Diagnostics.HasErrors() {
		v.doc.Diagnostics = p.Diagnostics
		v.doc.Outcome = jsondoc.ChecksFailed
		return nil
	}
	doc := jsondoc.NewPlan(jsondoc.CommandApply, p)
	v.doc.Plan = &doc
	if !p.HasChanges() {
		v.doc.Outcome = jsondoc.NoChanges
	}
	return nil
}

func (v *applyJSON) PlanAfterCalls(p *plan.Plan) error { return v.Plan(p) }

func (v *applyJSON) InputErrors(diags diag.List) error {
	v.doc.Diagnostics = diags
	v.doc.Outcome = jsondoc.InvalidInput
	return nil
}

func (v *applyJSON) SavedPlan(_ string, p *plan.Plan) error { return v.Plan(p) }

func (v *applyJSON) Applied(a *usecase.Applied) error {
	r := a.Result
	for _, c := range r.Calls {
		ac := jsondoc.ApplyCall{Index: c.Index + 1, Operation: c.Call.Operation, UserPoolId: c.Call.UserPoolId, Username: c.Call.Username, Stage: c.Call.Stage}
		switch c.Outcome {
		case apply.Applied:
			ac.Status = jsondoc.StatusApplied
			v.doc.Counts.CallsApplied++
		case apply.Ineligible:
			ac.Status = jsondoc.StatusIneligible
			ac.Error = errorDoc(c.Err)
		case apply.Failed:
			ac.Status = jsondoc.StatusFailed
			ac.Error = errorDoc(c.Err)
			v.doc.Counts.CallsFailed++
		default:
			ac.Status = jsondoc.StatusNotStarted
			v.doc.Counts.CallsNotStarted++
		}
		v.doc.Calls = append(v.doc.Calls, ac)
	}
	for _, h := range r.Halted {
		v.doc.StoppedPools = append(v.doc.StoppedPools, jsondoc.ApplyHalt{UserPoolId: h.UserPoolId, Stage: h.Stage, Error: *errorDoc(h.Err)})
	}
	v.doc.Stopped = errorDoc(r.Stopped)
	switch {
	case r.Interrupted:
		v.doc.Outcome = jsondoc.Interrupted
	case !r.OK():
		v.doc.Outcome = jsondoc.Failed
	default:
		v.doc.Outcome = jsondoc.Applied
	}
	if ver := a.Verification; ver != nil {
		av := &jsondoc.Verification{Verified: ver.OK(), Scope: ver.Scope, NotRereadPools: ver.NotRereadPools, NotRereadUsers: ver.NotRereadUsers, Error: errorDoc(ver.Err)}
		if ver.Err == nil && !ver.OK() {
			remaining := jsondoc.NewPlan(jsondoc.CommandApply, ver.Again)
			av.Remaining = &remaining
		}
		if !av.Verified && v.doc.Outcome == jsondoc.Applied {
			v.doc.Outcome = jsondoc.Failed
		}
		v.doc.Verification = av
	}
	return nil
}

// Done writes the document. An error that stopped apply before it had an
// outcome makes it failed (interrupted, cancelled); the outcomes that
// mean "did not finish" carry the error, the others never do.
func (v *applyJSON) Done(err error, interrupted bool) error {
	switch {
	case err == nil && v.doc.Outcome == "":
		v.doc.Outcome = jsondoc.NoChanges
	case err == nil:
	case errors.Is(err, ErrApplyCancelled):
		v.doc.Outcome = jsondoc.Cancelled
	case interrupted && (v.doc.Outcome == "" || v.doc.Outcome == jsondoc.Applied):
		v.doc.Outcome = jsondoc.Interrupted
	case v.doc.Outcome == "" || v.doc.Outcome == jsondoc.Applied || v.doc.Outcome == jsondoc.NoChanges || v.doc.Outcome == jsondoc.Changes:
		v.doc.Outcome = jsondoc.Failed
	}
	switch v.doc.Outcome {
	case jsondoc.Failed, jsondoc.Interrupted, jsondoc.Cancelled:
		if err == nil {
			err = errors.New("apply " + string(v.doc.Outcome))
		}
		v.doc.Error = errorDoc(err)
	}
	return jsondoc.Write(v.io.Out, v.doc)
}
