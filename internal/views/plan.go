package views

import (
	"bytes"
	"fmt"
	"slices"
	"strings"

	"github.com/mfactl/mfactl/internal/diag"
	"github.com/mfactl/mfactl/internal/iostreams"
	"github.com/mfactl/mfactl/internal/jsondoc"
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

// PlanFormats are the formats of `mfactl plan`; ShowFormats those of
// `mfactl show`, the same views of a saved plan.
var (
	PlanFormats = planFormats(jsondoc.CommandPlan)
	ShowFormats = planFormats(jsondoc.CommandShow)
)

func planFormats(command jsondoc.Command) *Formats[Plan] {
	text := func(io *iostreams.IOStreams, o Options) planText {
		return planText{io: io, command: command, verbose: o.Verbose, showUsers: o.ShowUsers, annotate: io.CI.GitHubActions}
	}
	return register(string(command),
		format(Text, func(io *iostreams.IOStreams, o Options) Plan { return text(io, o) }),
		format(JSON, func(io *iostreams.IOStreams, o Options) Plan { return planJSON{text(io, o)} }),
		format(CLI, func(io *iostreams.IOStreams, o Options) Plan { return planCLI{text(io, o)} }),
		format(Markdown, func(io *iostreams.IOStreams, o Options) Plan { return planMarkdown{text(io, o), o} }),
		format(GitHub, func(io *iostreams.IOStreams, o Options) Plan {
			v := text(io, o)
			v.annotate, v.summary = true, true
			v.markdown = MarkdownOptions{CI: io.CI, FullPlan: o.FullPlan}
			return v
		}),
		format(JUnit, func(io *iostreams.IOStreams, o Options) Plan { return planJUnit{text(io, o)} }),
		format(SARIF, func(io *iostreams.IOStreams, o Options) Plan { return planSARIF{text(io, o)} }),
	)
}

// NewPlan returns the view of planning in format f, one of PlanFormats.
// Text run by GitHub Actions annotates the files' lines too.
func NewPlan(f Format, io *iostreams.IOStreams, o Options) (Plan, error) {
	return PlanFormats.New(f, io, o)
}

type planText struct {
	io        *iostreams.IOStreams
	command   jsondoc.Command
	verbose   bool
	showUsers bool
	annotate  bool // add GitHub workflow commands for the diagnostics
	summary   bool // append the Markdown to $GITHUB_STEP_SUMMARY
	markdown  MarkdownOptions
	// callsMade: calls of the plan were made before it was complete
	// (apply -f --auto-approve), so a failed check no longer means that
	// nothing changes.
	callsMade bool
}

func (v planText) Plan(p *plan.Plan) error {
	out, style, width := v.io.Out, v.io.Palette(), v.io.OutWidth()
	if p.Diagnostics.HasErrors() {
		out, style, width = v.io.ErrOut, v.io.ErrPalette(), v.io.ErrWidth()
	}
	if err := renderPlanText(out, p, style, textOptions{verbose: v.verbose, showUsers: v.showUsers, width: width, legend: true, callsMade: v.callsMade}); err != nil {
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

// Failed leaves the error to Main, which prints it once on stderr; in
// GitHub Actions it annotates the run and adds the failure to the job
// summary too, so that a failed plan is not a silent one.
func (v planText) Failed(err error, interrupted bool) error {
	f := runFailure{command: v.command, err: err, interrupted: interrupted}
	return f.toGitHub(v.io, v.io.Out, v.annotate, v.summary)
}

// planJSON writes one JSON document on stdout whatever happened, so that
// a program reading it never gets text.
type planJSON struct{ planText }

func (v planJSON) Plan(p *plan.Plan) error {
	return jsondoc.Write(v.io.Out, jsondoc.NewPlan(v.command, p))
}

// InputErrors prints a plan document with no calls, the outcome
// invalid-input and the files' diagnostics.
func (v planJSON) InputErrors(diags diag.List) error {
	doc := jsondoc.EmptyPlan(v.command, jsondoc.InvalidInput)
	if diags != nil {
		doc.Diagnostics = diags
	}
	return jsondoc.Write(v.io.Out, doc)
}

// Failed prints a plan document with no calls, the outcome and the error,
// which is also its one diagnostic, for programs that read only those.
func (v planJSON) Failed(err error, interrupted bool) error {
	f := runFailure{command: v.command, err: err, interrupted: interrupted}
	doc := jsondoc.EmptyPlan(v.command, f.outcome())
	doc.Error = errorDoc(err)
	doc.Diagnostics = diag.List{failureDiagnostic(err)}
	return jsondoc.Write(v.io.Out, doc)
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
	return RenderDiagnosticsMarkdown(v.io.Out, inputHeadline("mfactl "+string(v.command), diags), diags, v.options())
}

// Failed writes a comment that says the plan failed and why, so that a
// pull request never keeps an older comment as if it were this run's.
func (v planMarkdown) Failed(err error, interrupted bool) error {
	return renderFailureMarkdown(v.io.Out, runFailure{command: v.command, err: err, interrupted: interrupted})
}

// planJUnit writes JUnit XML on stdout.
type planJUnit struct{ planText }

func (v planJUnit) Plan(p *plan.Plan) error { return WritePlanJUnit(v.io.Out, p) }

func (v planJUnit) InputErrors(diags diag.List) error {
	return writeJUnit(v.io.Out, "mfactl "+string(v.command), fileSuites(nil, state.Desired{}, diags))
}

// Failed writes one failing test case: the run's error.
func (v planJUnit) Failed(err error, interrupted bool) error {
	return writeFailureJUnit(v.io.Out, runFailure{command: v.command, err: err, interrupted: interrupted})
}

// planSARIF writes a SARIF log on stdout.
type planSARIF struct{ planText }

func (v planSARIF) Plan(p *plan.Plan) error {
	return WriteSARIF(v.io.Out, v.io.CI, shownDiagnostics(p))
}

func (v planSARIF) InputErrors(diags diag.List) error { return WriteSARIF(v.io.Out, v.io.CI, diags) }

// Failed writes a log whose invocation did not succeed, with the error.
func (v planSARIF) Failed(err error, interrupted bool) error {
	return writeFailureSARIF(v.io.Out, v.io.CI, runFailure{command: v.command, err: err, interrupted: interrupted})
}
