package views

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/mfactl/mfactl/internal/diag"
	"github.com/mfactl/mfactl/internal/iostreams"
)

// diagnosticsFormatVersion versions the JSON form of a diagnostics report.
const diagnosticsFormatVersion = "1.1"

// diagnosticsReport is the JSON shape of `validate -o json` and of a plan
// that stopped at input errors.
type diagnosticsReport struct {
	FormatVersion string
	Valid         bool
	Diagnostics   diag.List
}

// WriteDiagnostics prints each diagnostic on one line (errors red, warnings
// yellow when colour is on) and, when there are errors, a closing count.
func WriteDiagnostics(w io.Writer, p iostreams.Palette, diags diag.List) {
	errs, warns := 0, 0
	for _, d := range diags {
		line := SanitizeLine(d.String())
		switch d.Severity {
		case diag.Error:
			errs++
			line = p.Red(line)
		case diag.Warning:
			warns++
			line = p.Yellow(line)
		}
		fmt.Fprintln(w, line)
	}
	if errs > 0 {
		fmt.Fprintf(w, "%s, %s\n", Plural(errs, "error"), Plural(warns, "warning"))
	}
}

// WriteDiagnosticsJSON prints a versioned diagnostics report.
func WriteDiagnosticsJSON(w io.Writer, diags diag.List) error {
	if diags == nil {
		diags = diag.List{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(diagnosticsReport{FormatVersion: diagnosticsFormatVersion, Valid: !diags.HasErrors(), Diagnostics: diags})
}
