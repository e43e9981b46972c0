package views

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/mfactl/mfactl/internal/diag"
	"github.com/mfactl/mfactl/internal/iostreams"
	"github.com/mfactl/mfactl/internal/untrusted"
	"github.com/mfactl/mfactl/schema"
)

// sourcePath is a diagnostic's file as CI tools want it: relative to the
// checkout (the working directory, or ci.Workspace), with forward slashes.
// It is "" for a diagnostic without a file or about standard input.
func sourcePath(ci iostreams.CI, file string) string {
	if file == "" || file == schema.StdinName {
		return ""
	}
	if filepath.IsAbs(file) && ci.Workspace != "" {
		if rel, err := filepath.Rel(ci.Workspace, file); err == nil && !strings.HasPrefix(rel, "..") {
			file = rel
		}
	}
	return filepath.ToSlash(filepath.Clean(file))
}

// WriteAnnotations writes one GitHub Actions workflow command per
// diagnostic (::error file=...,line=...,col=...,title=...::message), so that
// each appears on its line of the pull request; the diagnostics of one
// rule about many users of a pool make one, at the first user's line,
// naming the first few users and the count.
func WriteAnnotations(w io.Writer, ci iostreams.CI, l diag.List) error {
	var b strings.Builder
	for _, g := range groupDiagnostics(l) {
		command := "warning"
		if g.Severity == diag.Error {
			command = "error"
		}
		var props []string
		if file := sourcePath(ci, g.Pos.File); file != "" {
			props = append(props, "file="+untrusted.GitHubProperty(file))
			if g.Pos.Line > 0 {
				props = append(props, "line="+strconv.Itoa(g.Pos.Line))
			}
			if g.Pos.Column > 0 {
				props = append(props, "col="+strconv.Itoa(g.Pos.Column))
			}
		}
		props = append(props, "title="+untrusted.GitHubProperty("mfactl: "+diag.RuleOf(g.Diagnostic).Name))
		fmt.Fprintf(&b, "::%s %s::%s\n", command, strings.Join(props, ","), untrusted.GitHubData(g.message("\n")))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// appendStepSummary appends markdown to the job summary file, if the run
// has one. Failing to write it does not fail the command, but is said.
func appendStepSummary(io *iostreams.IOStreams, markdown string) {
	if io.CI.StepSummary == "" {
		return
	}
	f, err := os.OpenFile(io.CI.StepSummary, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err == nil {
		_, err = f.WriteString(markdown + "\n")
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		fmt.Fprintf(io.ErrOut, "mfactl: could not write the job summary to $GITHUB_STEP_SUMMARY: %v\n", err)
	}
}
