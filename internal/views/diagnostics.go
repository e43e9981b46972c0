package views

import (
	"fmt"
	"io"

	"github.com/mfactl/mfactl/internal/diag"
	"github.com/mfactl/mfactl/internal/iostreams"
)

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
