package views

import (
	"bytes"
	"fmt"

	"github.com/mfactl/mfactl/internal/diag"
	"github.com/mfactl/mfactl/internal/iostreams"
	"github.com/mfactl/mfactl/schema"
)

// Validate shows the outcome of validating files in one format.
type Validate interface {
	Result(r schema.Result) error
	// Interrupted shows that validation was stopped (Ctrl-C, SIGTERM)
	// before it had a result; the text view leaves it to Main.
	Interrupted(err error) error
}

// NewValidate returns the view of validation in format f. Text run by
// GitHub Actions annotates the files' lines too.
func NewValidate(f Format, io *iostreams.IOStreams) Validate {
	switch f {
	case JSON:
		return validateJSON{io}
	case Markdown:
		return validateMarkdown{io}
	case GitHub:
		return validateText{io: io, annotate: true, summary: true}
	case JUnit:
		return validateJUnit{io}
	case SARIF:
		return validateSARIF{io}
	}
	return validateText{io: io, annotate: io.CI.GitHubActions}
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

func (v validateText) Interrupted(error) error { return nil }

type validateJSON struct{ io *iostreams.IOStreams }

// Interrupted prints a report that is not valid, with the interrupt as
// its one error: stdout is JSON whatever happened.
func (v validateJSON) Interrupted(err error) error {
	return WriteDiagnosticsJSON(v.io.Out, diag.List{{Severity: diag.Error, Summary: "validation was interrupted: " + SafeError(err)}})
}

func (v validateJSON) Result(r schema.Result) error {
	return WriteDiagnosticsJSON(v.io.Out, r.Diagnostics)
}

type validateMarkdown struct{ io *iostreams.IOStreams }

func (v validateMarkdown) Result(r schema.Result) error {
	return RenderDiagnosticsMarkdown(v.io.Out, validateHeadline(r), r.Diagnostics, MarkdownOptions{CI: v.io.CI})
}

type validateJUnit struct{ io *iostreams.IOStreams }

func (v validateJUnit) Result(r schema.Result) error { return WriteValidateJUnit(v.io.Out, r) }

type validateSARIF struct{ io *iostreams.IOStreams }

// The CI formats leave an interrupt to Main, which prints it on stderr.
func (v validateMarkdown) Interrupted(error) error { return nil }
func (v validateJUnit) Interrupted(error) error    { return nil }
func (v validateSARIF) Interrupted(error) error    { return nil }

func (v validateSARIF) Result(r schema.Result) error {
	return WriteSARIF(v.io.Out, v.io.CI, r.Diagnostics)
}
