package views

import (
	"fmt"
	"io"

	"github.com/mfactl/mfactl/internal/diag"
	"github.com/mfactl/mfactl/internal/untrusted"
)

// WriteDiagnostics prints each diagnostic on one line (errors red, warnings
// yellow when colour is on) and, when there are errors, a closing count.
func WriteDiagnostics(w io.Writer, p Palette, diags diag.List) {
	errs, warns := 0, 0
	for _, d := range diags {
		line := untrusted.Line(d.String())
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
