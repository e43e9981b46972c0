// Package diag holds diagnostics: problems found in input files or in a
// plan, each with where it is, which field, what is wrong and what is allowed.
// They are collected, never returned one at a time.
package diag

import (
	"fmt"
	"sort"
	"strings"

	"github.com/mfactl/mfactl/internal/state"
)

// Severity of a diagnostic.
type Severity string

const (
	Error   Severity = "error"
	Warning Severity = "warning"
)

// Diagnostic is one problem. Pos may be zero for problems that come from live
// state rather than a file; Path is the field path such as
// "UserPools[0].Users[3].SMSMfaSettings". Code names the kind of problem:
// one of the rules of this package's catalogue (Rules), stable across
// releases, so that tools can key on it (SARIF rule IDs, JUnit types).
// UserPoolId and Username say which pool and user it is about, when it is
// about one.
type Diagnostic struct {
	Severity   Severity  `json:"Severity"`
	Code       string    `json:"Code,omitempty"`
	Pos        state.Pos `json:"Pos"`
	Path       string    `json:"Path,omitempty"`
	UserPoolId string    `json:"UserPoolId,omitempty"`
	Username   string    `json:"Username,omitempty"`
	Summary    string    `json:"Summary"`          // what is wrong
	Detail     string    `json:"Detail,omitempty"` // what is allowed, or how to fix it
}

// String renders "file:line:col: severity: Path: summary (detail)" on one line.
func (d Diagnostic) String() string {
	var b strings.Builder
	if d.Pos.File != "" {
		fmt.Fprintf(&b, "%s:%d:%d: ", d.Pos.File, d.Pos.Line, d.Pos.Column)
	}
	b.WriteString(string(d.Severity))
	b.WriteString(": ")
	if d.Path != "" {
		b.WriteString(d.Path)
		b.WriteString(": ")
	}
	b.WriteString(d.Summary)
	if d.Detail != "" {
		b.WriteString("; ")
		b.WriteString(d.Detail)
	}
	return b.String()
}

// List is a set of diagnostics.
type List []Diagnostic

// HasErrors reports whether any diagnostic is an error.
func (l List) HasErrors() bool {
	for _, d := range l {
		if d.Severity == Error {
			return true
		}
	}
	return false
}

// Sort orders diagnostics by file, line, column, then path and summary, so
// output is stable.
func (l List) Sort() {
	sort.SliceStable(l, func(i, j int) bool {
		a, b := l[i], l[j]
		if a.Pos.File != b.Pos.File {
			return a.Pos.File < b.Pos.File
		}
		if a.Pos.Line != b.Pos.Line {
			return a.Pos.Line < b.Pos.Line
		}
		if a.Pos.Column != b.Pos.Column {
			return a.Pos.Column < b.Pos.Column
		}
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		return a.Summary < b.Summary
	})
}

// AsError returns nil when l has no errors, else an error carrying l.
func (l List) AsError() error {
	if !l.HasErrors() {
		return nil
	}
	return &ListError{List: l}
}

// ListError is an error that carries diagnostics for rendering.
type ListError struct{ List List }

func (e *ListError) Error() string {
	n := 0
	for _, d := range e.List {
		if d.Severity == Error {
			n++
		}
	}
	if n == 1 {
		return "1 error in the input"
	}
	return fmt.Sprintf("%d errors in the input", n)
}
