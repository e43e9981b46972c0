package views

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/mfactl/mfactl/apply"
	"github.com/mfactl/mfactl/internal/diag"
	"github.com/mfactl/mfactl/internal/iostreams"
	"github.com/mfactl/mfactl/internal/usecase"
	"github.com/mfactl/mfactl/plan"
)

// Apply shows applying: the plan about to be applied, what happened to
// each call and whether Cognito matches afterwards.
type Apply interface {
	// Plan shows the plan about to be applied, or why it cannot be.
	Plan(p *plan.Plan) error
	// InputErrors shows why the files could not be planned.
	InputErrors(diags diag.List) error
	// SavedPlan shows a saved plan about to be applied.
	SavedPlan(path string, p *plan.Plan) error
	// Applied shows what happened to each call and, after a complete
	// apply, the verification.
	Applied(a *usecase.Applied) error
	// Done ends the view; err is what the command returns (nil on success).
	// The JSON view writes its one document here, whatever happened.
	Done(err error) error
}

// ApplyFormats are the formats apply offers.
var ApplyFormats = []Format{Text, JSON}

// NewApply returns the view of apply in format f (Text or JSON).
func NewApply(f Format, io *iostreams.IOStreams, o PlanOptions) Apply {
	text := &applyText{plan: planText{io: io, verbose: o.Verbose, annotate: io.CI.GitHubActions}}
	if f == JSON {
		return &applyJSON{io: io, doc: applyDoc{FormatVersion: applyFormatVersion, Outcome: OutcomeNotStarted}}
	}
	return text
}

type applyText struct{ plan planText }

func (v *applyText) Plan(p *plan.Plan) error { return v.plan.Plan(p) }

func (v *applyText) InputErrors(diags diag.List) error { return v.plan.InputErrors(diags) }

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

func (v *applyText) Done(error) error { return nil }

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
		_, err := fmt.Fprintf(io.Out, "%s what apply changed (%s, %s) matches the desired state.\n", pal.Green("Verified:"), pools, Plural(users, "user"))
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

// applyFormatVersion versions the JSON outcome of apply.
const applyFormatVersion = "1.0"

// Outcomes of apply, in its JSON form.
const (
	OutcomeApplied     = "applied"     // every call applied and verified, or nothing to do
	OutcomeFailed      = "failed"      // a call failed, or live state differs after apply
	OutcomeInterrupted = "interrupted" // stopped by a signal; calls in flight finished
	OutcomeNotStarted  = "not started" // refused before any call: files, checks, stale plan, no answer
)

// applyDoc is the JSON outcome of apply; docs/applying.md describes it.
type applyDoc struct {
	FormatVersion string
	Outcome       string
	Error         string          `json:",omitempty"` // why it stopped, when it did
	Diagnostics   diag.List       `json:",omitempty"` // of the files or of the checks, when they stopped it
	Plan          json.RawMessage `json:",omitempty"` // the plan applied, in plan -o json's form
	Calls         []applyCall     `json:",omitempty"`
	// StoppedPools are the pools apply stopped because they changed under
	// it (another apply); Stopped is the failure that stopped the whole run
	// (Cognito unreachable, no credentials).
	StoppedPools []applyHalt        `json:",omitempty"`
	Stopped      string             `json:",omitempty"`
	Verification *applyVerification `json:",omitempty"`
}

type applyHalt struct {
	UserPoolId string
	Stage      int // the stage it was stopped before
	Error      string
}

type applyCall struct {
	Index      int // from 1, in plan order
	Operation  plan.Operation
	UserPoolId string
	Username   string `json:",omitempty"`
	Stage      int
	Status     string       // applied, failed or not started
	Error      *ErrorDetail `json:",omitempty"`
}

type applyVerification struct {
	Verified  bool
	Scope     usecase.VerifyScope // what was read again: changed (what apply wrote) or all
	Error     string              `json:",omitempty"`
	Remaining json.RawMessage     `json:",omitempty"` // what is left to do, as a plan
}

// applyJSON collects the outcome and writes one document when Done.
type applyJSON struct {
	io  *iostreams.IOStreams
	doc applyDoc
}

func (v *applyJSON) Plan(p *plan.Plan) error {
	if p.Diagnostics.HasErrors() {
		v.doc.Diagnostics = p.Diagnostics
		return nil
	}
	var b bytes.Buffer
	if err := plan.WriteJSON(&b, p); err != nil {
		return err
	}
	v.doc.Plan = json.RawMessage(bytes.TrimSpace(b.Bytes()))
	if !p.HasChanges() {
		v.doc.Outcome = OutcomeApplied
	}
	return nil
}

func (v *applyJSON) InputErrors(diags diag.List) error {
	v.doc.Diagnostics = diags
	return nil
}

func (v *applyJSON) SavedPlan(_ string, p *plan.Plan) error { return v.Plan(p) }

func (v *applyJSON) Applied(a *usecase.Applied) error {
	r := a.Result
	for _, c := range r.Calls {
		ac := applyCall{Index: c.Index + 1, Operation: c.Call.Operation, UserPoolId: c.Call.UserPoolId, Username: c.Call.Username, Stage: c.Call.Stage}
		switch c.Outcome {
		case apply.Applied:
			ac.Status = "applied"
		case apply.Failed:
			ac.Status = "failed"
			d := Explain(c.Err)
			ac.Error = &d
		default:
			ac.Status = "not started"
		}
		v.doc.Calls = append(v.doc.Calls, ac)
	}
	for _, h := range r.Halted {
		v.doc.StoppedPools = append(v.doc.StoppedPools, applyHalt{UserPoolId: h.UserPoolId, Stage: h.Stage, Error: SafeError(h.Err)})
	}
	if r.Stopped != nil {
		v.doc.Stopped = SafeError(r.Stopped)
	}
	switch {
	case r.Interrupted:
		v.doc.Outcome = OutcomeInterrupted
	case !r.OK():
		v.doc.Outcome = OutcomeFailed
	default:
		v.doc.Outcome = OutcomeApplied
	}
	if ver := a.Verification; ver != nil {
		av := &applyVerification{Verified: ver.OK(), Scope: ver.Scope}
		switch {
		case ver.Err != nil:
			av.Error = SafeError(ver.Err)
		case !ver.OK():
			var b bytes.Buffer
			if err := plan.WriteJSON(&b, ver.Again); err != nil {
				return err
			}
			av.Remaining = json.RawMessage(bytes.TrimSpace(b.Bytes()))
		}
		if !av.Verified {
			v.doc.Outcome = OutcomeFailed
		}
		v.doc.Verification = av
	}
	return nil
}

func (v *applyJSON) Done(err error) error {
	if err != nil && v.doc.Error == "" {
		v.doc.Error = SafeError(err)
	}
	enc := json.NewEncoder(v.io.Out)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v.doc)
}
