package views

import (
	"fmt"

	"github.com/mfactl/mfactl/internal/schema"
)

// Validate shows the outcome of validating files in one format.
type Validate interface {
	Result(r schema.Result) error
}

// NewValidate returns the view of validation in format f.
func NewValidate(f Format, io *IOStreams) Validate {
	if f == JSON {
		return validateJSON{io}
	}
	return validateText{io}
}

type validateText struct{ io *IOStreams }

// Result prints the diagnostics on stderr and, for valid files, a summary
// line on stdout.
func (v validateText) Result(r schema.Result) error {
	WriteDiagnostics(v.io.ErrOut, v.io.ErrPalette(), r.Diagnostics)
	if r.Diagnostics.HasErrors() {
		return nil
	}
	users := 0
	for _, p := range r.Desired.Pools {
		users += len(p.Users)
	}
	summary := fmt.Sprintf("%s valid: %s, %s", Plural(len(r.Files), "file"),
		Plural(len(r.Desired.Pools), "pool"), Plural(users, "user"))
	if n := len(r.Diagnostics); n > 0 {
		summary += fmt.Sprintf(" (%s)", Plural(n, "warning"))
	}
	_, err := fmt.Fprintln(v.io.Out, v.io.Palette().Green(summary))
	return err
}

type validateJSON struct{ io *IOStreams }

func (v validateJSON) Result(r schema.Result) error {
	return WriteDiagnosticsJSON(v.io.Out, r.Diagnostics)
}
