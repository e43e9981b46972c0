package views

import (
	"fmt"
	"io"
	"strings"

	"github.com/mfactl/mfactl/internal/diag"
	"github.com/mfactl/mfactl/internal/iostreams"
	"github.com/mfactl/mfactl/internal/jsondoc"
	"github.com/mfactl/mfactl/internal/untrusted"
)

// A run that stops before it has a result (Cognito refused or could not be
// reached, no credentials, an interrupt) is rendered in every format, so
// that CI shows it where people look: an annotation and a job-summary
// entry (github), a comment (markdown), a failing test case (junit), a
// failed invocation (sarif), an Error (json), and every --report file
// rewritten with it.

// runFailure is a run that stopped with err.
type runFailure struct {
	command     jsondoc.Command
	err         error
	interrupted bool
}

// headline says what failed, in a line: "mfactl plan failed" or "mfactl plan was interrupted".
func (f runFailure) headline() string {
	if f.interrupted {
		return fmt.Sprintf("mfactl %s was interrupted", f.command)
	}
	return fmt.Sprintf("mfactl %s failed", f.command)
}

// outcome is the document's outcome for the failure.
func (f runFailure) outcome() jsondoc.Outcome {
	if f.interrupted {
		return jsondoc.Interrupted
	}
	return jsondoc.Failed
}

// errorDoc is err as every JSON document shows it.
func errorDoc(err error) *jsondoc.Error {
	if err == nil {
		return nil
	}
	d := Explain(err)
	return &jsondoc.Error{Message: untrusted.Error(err), Code: d.Code, Meaning: d.Meaning}
}

// consequence says what the failure left behind.
func (f runFailure) consequence() string {
	switch f.command {
	case jsondoc.CommandApply:
		return "The apply summary says what was applied; re-run `mfactl plan` and `mfactl apply` to converge."
	case jsondoc.CommandPlan:
		return "There is no plan: nothing was changed in Cognito."
	}
	return "Nothing was changed in Cognito."
}

// toGitHub annotates the run with the failure (a workflow command on w)
// when annotate is set, and adds it to the job summary when summary is.
func (f runFailure) toGitHub(ios *iostreams.IOStreams, w io.Writer, annotate, summary bool) error {
	if annotate {
		if err := writeFailureAnnotation(w, f); err != nil {
			return err
		}
	}
	if summary {
		var md strings.Builder
		if err := renderFailureMarkdown(&md, f); err != nil {
			return err
		}
		appendStepSummary(ios, md.String())
	}
	return nil
}

// writeFailureAnnotation writes one ::error workflow command for the
// failure, with no file: GitHub shows it on the run and the pull request.
func writeFailureAnnotation(w io.Writer, f runFailure) error {
	e := errorDoc(f.err)
	message := e.Message
	if e.Meaning != "" && !strings.Contains(message, e.Meaning) {
		message += "\n" + e.Meaning
	}
	_, err := fmt.Fprintf(w, "::error title=%s::%s\n", untrusted.GitHubProperty(f.headline()), untrusted.GitHubData(message))
	return err
}

// renderFailureMarkdown writes the failure as a comment or job-summary
// entry: the headline, the error as printed, its meaning, what it left.
func renderFailureMarkdown(w io.Writer, f runFailure) error {
	e := errorDoc(f.err)
	var b strings.Builder
	fmt.Fprintf(&b, "### :x: %s\n\n", untrusted.Markdown(f.headline()))
	if e.Code != "" {
		fmt.Fprintf(&b, "Cognito answered %s.\n\n", mdCode(e.Code))
	}
	b.WriteString(fenced("text", strings.Split(e.Message, "\n")))
	if e.Meaning != "" && !strings.Contains(e.Message, e.Meaning) {
		fmt.Fprintf(&b, "\n%s\n", untrusted.Markdown(e.Meaning))
	}
	fmt.Fprintf(&b, "\n%s\n", f.consequence())
	_, err := io.WriteString(w, b.String())
	return err
}

// writeFailureJUnit writes the failure as one failing test case, of the
// error's Cognito code (or "run-failed").
func writeFailureJUnit(w io.Writer, f runFailure) error {
	e := errorDoc(f.err)
	kind := e.Code
	switch {
	case f.interrupted:
		kind = "interrupted"
	case kind == "":
		kind = "run-failed"
	}
	text := e.Message
	if e.Meaning != "" && !strings.Contains(text, e.Meaning) {
		text += "\n" + e.Meaning
	}
	name := "mfactl " + string(f.command)
	doc := junitSuites{Name: name, Tests: 1, Failures: 1, Suites: []junitSuite{{
		Name: name, Tests: 1, Failures: 1, Time: "0", Properties: versionProperties(),
		Cases: []junitCase{{Name: f.headline(), Classname: name, Time: "0",
			Failures: []junitFailure{{Message: firstLine(e.Message), Type: kind, Text: text}}}},
	}}}
	return encodeJUnit(w, doc)
}

// writeFailureSARIF writes a SARIF log with no results and an invocation
// that did not succeed, whose notification is the error: code scanning
// then shows the run as failed, not as clean.
func writeFailureSARIF(w io.Writer, ci iostreams.CI, f runFailure) error {
	e := errorDoc(f.err)
	text := f.headline() + ": " + e.Message
	if e.Meaning != "" && !strings.Contains(text, e.Meaning) {
		text += "; " + e.Meaning
	}
	inv := sarifInvocation{ExecutionSuccessful: false, ToolExecutionNotifications: []sarifNotification{{Level: "error", Message: sarifText{text}}}}
	if e.Code != "" {
		inv.ToolExecutionNotifications[0].Descriptor = &sarifDescriptor{ID: e.Code}
	}
	return writeSARIFLog(w, ci, nil, []sarifInvocation{inv})
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return strings.TrimSuffix(line, ":")
}

// failureDiagnostic is the failure as a diagnostic, for documents whose
// readers look only at Diagnostics.
func failureDiagnostic(err error) diag.Diagnostic {
	e := errorDoc(err)
	return diag.Diagnostic{Severity: diag.Error, Summary: e.Message, Detail: e.Meaning}
}
