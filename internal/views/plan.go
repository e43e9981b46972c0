package views

import (
	"bytes"
	"fmt"
	"slices"
	"strings"

	"github.com/mfactl/mfactl/internal/diag"
	"github.com/mfactl/mfactl/internal/iostreams"
	"github.com/mfactl/mfactl/internal/state"
	"github.com/mfactl/mfactl/plan"
)

// Plan shows the outcome of planning in one format.
type Plan interface {
	// Plan shows a plan: its changes, calls, diagnostics and summary, or,
	// when its checks failed, its diagnostics.
	Plan(p *plan.Plan) error
	// InputErrors shows why the files could not be planned.
	InputErrors(diags diag.List) error
	// Saved says where the plan was saved, and how to apply it: files are
	// the -f arguments it was made from.
	Saved(path string, p *plan.Plan, files []string)
	// Failed shows that planning stopped with err before it had a plan
	// (interrupted: by Ctrl-C or SIGTERM). Views for people leave it to
	// Main, which prints every error once on stderr; the JSON view prints
	// its one document.
	Failed(err error, interrupted bool) error
}

// PlanOptions shape a plan view.
type PlanOptions struct {
	// Verbose shows every user and every call with its request (text).
	Verbose bool
	// ShowUsers names every user of a group and every user a policy
	// cannot apply to, instead of the first few and a count (text).
	ShowUsers bool
	// FullPlan says where the whole plan is, for a truncated Markdown comment.
	FullPlan string
}

// NewPlan returns the view of planning in format f. Text run by GitHub
// Actions annotates the files' lines too.
func NewPlan(f Format, io *iostreams.IOStreams, o PlanOptions) Plan {
	text := planText{io: io, verbose: o.Verbose, showUsers: o.ShowUsers}
	switch f {
	case JSON:
		return planJSON{text}
	case CLI:
		return planCLI{text}
	case Markdown:
		return planMarkdown{text, o}
	case GitHub:
		text.annotate, text.summary = true, true
		text.markdown = MarkdownOptions{CI: io.CI, FullPlan: o.FullPlan}
	case JUnit:
		return planJUnit{text}
	case SARIF:
		return planSARIF{text}
	default:
		text.annotate = io.CI.GitHubActions
	}
	return text
}

type planText struct {
	io        *iostreams.IOStreams
	verbose   bool
	showUsers bool
	annotate  bool // add GitHub workflow commands for the diagnostics
	summary   bool // append the Markdown to $GITHUB_STEP_SUMMARY
	markdown  MarkdownOptions
}

func (v planText) Plan(p *plan.Plan) error {
	out, style, width := v.io.Out, v.io.Palette(), v.io.OutWidth()
	if p.Diagnostics.HasErrors() {
		out, style, width = v.io.ErrOut, v.io.ErrPalette(), v.io.ErrWidth()
	}
	if err := renderPlanText(out, p, style, textOptions{verbose: v.verbose, showUsers: v.showUsers, width: width, legend: true}); err != nil {
		return err
	}
	if v.annotate {
		if err := WriteAnnotations(out, v.io.CI, shownDiagnostics(p)); err != nil {
			return err
		}
	}
	if v.summary {
		var md bytes.Buffer
		if err := RenderPlanMarkdown(&md, p, v.markdown); err != nil {
			return err
		}
		appendStepSummary(v.io, md.String())
	}
	return nil
}

func (v planText) InputErrors(diags diag.List) error {
	WriteDiagnostics(v.io.ErrOut, v.io.ErrPalette(), v.io.ErrWidth(), diags)
	if v.annotate {
		if err := WriteAnnotations(v.io.ErrOut, v.io.CI, diags); err != nil {
			return err
		}
	}
	if v.summary {
		var md bytes.Buffer
		if err := RenderDiagnosticsMarkdown(&md, inputHeadline("mfactl plan", diags), diags, v.markdown); err != nil {
			return err
		}
		appendStepSummary(v.io, md.String())
	}
	return nil
}

// Saved goes to stderr whatever the format, so that stdout holds one document.
func (v planText) Saved(path string, p *plan.Plan, files []string) {
	how := "mfactl apply " + path
	if needsFiles(p) {
		how += " -f " + strings.Join(files, " -f ")
		fmt.Fprintf(v.io.ErrOut, "Saved the plan to %s. It holds no secret: apply needs the files for the new SMS ExternalId. Apply it with: %s\n", path, how)
		return
	}
	fmt.Fprintf(v.io.ErrOut, "Saved the plan to %s. Apply it with: %s\n", path, how)
}

// needsFiles reports whether applying p needs the files given again: a
// call sends a secret that only they hold.
func needsFiles(p *plan.Plan) bool {
	return slices.ContainsFunc(p.Calls, func(c plan.Call) bool { return c.ExternalIdSource == plan.SecretFromFiles })
}

func inputHeadline(command string, diags diag.List) string {
	errs, warns := diagnosticCounts(diags)
	s := fmt.Sprintf("%s: the files are invalid: %s", command, Plural(errs, "error"))
	if warns > 0 {
		s += ", " + Plural(warns, "warning")
	}
	return s
}

// Failed leaves the error to Main, which prints it once on stderr.
func (v planText) Failed(error, bool) error { return nil }

// planJSON writes one JSON document on stdout whatever happened, so that a
// program reading it never gets text.
type planJSON struct{ planText }

func (v planJSON) Plan(p *plan.Plan) error { return plan.WriteJSON(v.io.Out, p) }

// InputErrors prints a plan document with no calls, the outcome
// "invalid-input" and the files' diagnostics.
func (v planJSON) InputErrors(diags diag.List) error {
	return writeFailureJSON(v.io.Out, OutcomeInvalidInput, nil, diags)
}

// Failed prints a plan document with no calls, the outcome and the error:
// stdout is JSON whatever happened.
func (v planJSON) Failed(err error, interrupted bool) error {
	outcome := OutcomeFailed
	if interrupted {
		outcome = OutcomeInterrupted
	}
	return writeFailureJSON(v.io.Out, outcome, err, nil)
}

// planMarkdown writes a pull-request comment on stdout.
type planMarkdown struct {
	planText
	o PlanOptions
}

func (v planMarkdown) options() MarkdownOptions {
	return MarkdownOptions{CI: v.io.CI, FullPlan: v.o.FullPlan}
}

func (v planMarkdown) Plan(p *plan.Plan) error { return RenderPlanMarkdown(v.io.Out, p, v.options()) }

func (v planMarkdown) InputErrors(diags diag.List) error {
	return RenderDiagnosticsMarkdown(v.io.Out, inputHeadline("mfactl plan", diags), diags, v.options())
}

// planJUnit writes JUnit XML on stdout.
type planJUnit struct{ planText }

func (v planJUnit) Plan(p *plan.Plan) error { return WritePlanJUnit(v.io.Out, p) }

func (v planJUnit) InputErrors(diags diag.List) error {
	return writeJUnit(v.io.Out, "mfactl plan", fileSuites(nil, state.Desired{}, diags))
}

// planSARIF writes a SARIF log on stdout.
type planSARIF struct{ planText }

func (v planSARIF) Plan(p *plan.Plan) error {
	return WriteSARIF(v.io.Out, v.io.CI, shownDiagnostics(p))
}

func (v planSARIF) InputErrors(diags diag.List) error { return WriteSARIF(v.io.Out, v.io.CI, diags) }
