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

// WriteDiagnostics prints each diagnostic (errors red, warnings yellow
// when colour is on), wrapped to width (0: each on one line), and, when
// there are errors, a closing count.
func WriteDiagnostics(w io.Writer, p iostreams.Palette, width int, diags diag.List) {
	errs, warns := 0, 0
	for _, d := range diags {
		colour := func(s string) string { return s }
		switch d.Severity {
		case diag.Error:
			errs++
			colour = p.Red
		case diag.Warning:
			warns++
			colour = p.Yellow
		}
		for _, line := range wrap(SanitizeLine(d.String()), width, 0) {
			fmt.Fprintln(w, colour(line))
		}
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
