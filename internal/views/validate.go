package views

import (
	"bytes"
	"fmt"

	"github.com/mfactl/mfactl/internal/diag"
	"github.com/mfactl/mfactl/internal/iostreams"
	"github.com/mfactl/mfactl/internal/jsondoc"
	"github.com/mfactl/mfactl/schema"
)

// Validate shows the outcome of validating files in one format.
type Validate interface {
	Result(r schema.Result) error
	// Failed shows that validation stopped (interrupted: by Ctrl-C or
	// SIGTERM) before it had a result; the text view leaves the message
	// to Main.
	Failed(err error, interrupted bool) error
}

// ValidateFormats are the formats of `mfactl validate`.
var ValidateFormats = register(string(jsondoc.CommandValidate),
	format(Text, func(io *iostreams.IOStreams, _ Options) Validate {
		return validateText{io: io, annotate: io.CI.GitHubActions}
	}),
	format(JSON, func(io *iostreams.IOStreams, _ Options) Validate { return validateJSON{io} }),
	format(Markdown, func(io *iostreams.IOStreams, _ Options) Validate { return validateMarkdown{io} }),
	format(GitHub, func(io *iostreams.IOStreams, _ Options) Validate {
		return validateText{io: io, annotate: true, summary: true}
	}),
	format(JUnit, func(io *iostreams.IOStreams, _ Options) Validate { return validateJUnit{io} }),
	format(SARIF, func(io *iostreams.IOStreams, _ Options) Validate { return validateSARIF{io} }),
)

// NewValidate returns the view of validation in format f, one of
// ValidateFormats. Text run by GitHub Actions annotates the files' lines too.
func NewValidate(f Format, io *iostreams.IOStreams) (Validate, error) {
	return ValidateFormats.New(f, io, Options{})
}

func validateFailure(err error, interrupted bool) runFailure {
	return runFailure{command: jsondoc.CommandValidate, err: err, interrupted: interrupted}
}

type validateText struct {
	io       *iostreams.IOStreams
	annotate bool // add GitHub workflow commands for the diagnostics
	summary  bool // append the Markdown to $GITHUB_STEP_SUMMARY
}

// Result prints the diagnostics on stderr and, for valid files, a summary
// line on stdout.
func (v validateText) Result(r schema.Result) error {
	WriteDiagnostics(v.io.ErrOut, v.io.ErrPalette(), v.io.ErrWidth(), r.Diagnostics)
	if v.annotate {
		if err := WriteAnnotations(v.io.ErrOut, v.io.CI, r.Diagnostics); err != nil {
			return err
		}
	}
	if v.summary {
		var md bytes.Buffer
		if err := RenderDiagnosticsMarkdown(&md, validateHeadline(r), r.Diagnostics, MarkdownOptions{CI: v.io.CI}); err != nil {
			return err
		}
		appendStepSummary(v.io, md.String())
	}
	if r.Diagnostics.HasErrors() {
		return nil
	}
	_, err := fmt.Fprintln(v.io.Out, v.io.Palette().Green(validSummary(r)))
	return err
}

// validSummary is the line of valid files: "6 files valid: 5 pools, 20 users".
func validSummary(r schema.Result) string {
	users, policies := 0, 0
	for _, p := range r.Desired.Pools {
		users += len(p.Users)
		policies += len(p.Policies)
	}
	summary := fmt.Sprintf("%s valid: %s, %s", Plural(len(r.Files), "file"),
		Plural(len(r.Desired.Pools), "pool"), Plural(users, "user"))
	if policies > 0 {
		summary += ", " + Plural(policies, "policy")
	}
	if n := len(r.Diagnostics); n > 0 {
		summary += fmt.Sprintf(" (%s)", Plural(n, "warning"))
	}
	return summary
}

func validateHeadline(r schema.Result) string {
	if r.Diagnostics.HasErrors() {
		return inputHeadline("mfactl validate", r.Diagnostics)
	}
	return "mfactl validate: " + validSummary(r)
}

// Failed leaves the message to Main; in GitHub Actions it annotates the
// run and adds the failure to the job summary too.
func (v validateText) Failed(err error, interrupted bool) error {
	return validateFailure(err, interrupted).toGitHub(v.io, v.io.ErrOut, v.annotate, v.summary)
}

type validateJSON struct{ io *iostreams.IOStreams }

// Failed prints a document that is not valid, with the error, which is
// also its one diagnostic: stdout is JSON whatever happened.
func (v validateJSON) Failed(err error, interrupted bool) error {
	doc := jsondoc.Validate{Head: jsondoc.NewHead(jsondoc.CommandValidate, validateFailure(err, interrupted).outcome()), Files: []string{}, Diagnostics: diag.List{failureDiagnostic(err)}}
	doc.Error = errorDoc(err)
	return jsondoc.Write(v.io.Out, doc)
}

func (v validateJSON) Result(r schema.Result) error {
	doc := jsondoc.Validate{Head: jsondoc.NewHead(jsondoc.CommandValidate, jsondoc.Valid), Valid: !r.Diagnostics.HasErrors(), Files: r.Files, Diagnostics: r.Diagnostics}
	if !doc.Valid {
		doc.Outcome = jsondoc.InvalidInput
	}
	if doc.Files == nil {
		doc.Files = []string{}
	}
	if doc.Diagnostics == nil {
		doc.Diagnostics = diag.List{}
	}
	return jsondoc.Write(v.io.Out, doc)
}

type validateMarkdown struct{ io *iostreams.IOStreams }

func (v validateMarkdown) Result(r schema.Result) error {
	return RenderDiagnosticsMarkdown(v.io.Out, validateHeadline(r), r.Diagnostics, MarkdownOptions{CI: v.io.CI})
}

type validateJUnit struct{ io *iostreams.IOStreams }

func (v validateJUnit) Result(r schema.Result) error { return WriteValidateJUnit(v.io.Out, r) }

type validateSARIF struct{ io *iostreams.IOStreams }

func (v validateMarkdown) Failed(err error, interrupted bool) error {
	return renderFailureMarkdown(v.io.Out, validateFailure(err, interrupted))
}

func (v validateJUnit) Failed(err error, interrupted bool) error {
	return writeFailureJUnit(v.io.Out, validateFailure(err, interrupted))
}

func (v validateSARIF) Failed(err error, interrupted bool) error {
	return writeFailureSARIF(v.io.Out, v.io.CI, validateFailure(err, interrupted))
}

func (v validateSARIF) Result(r schema.Result) error {
	return WriteSARIF(v.io.Out, v.io.CI, r.Diagnostics)
}
