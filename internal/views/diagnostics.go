package views

import (
	"fmt"
	"io"
	"strings"

	"github.com/mfactl/mfactl/internal/diag"
	"github.com/mfactl/mfactl/internal/iostreams"
	"github.com/mfactl/mfactl/internal/untrusted"
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
		for _, line := range wrap(keepHeader(untrusted.Line(d.String())), width, 0) {
			fmt.Fprintln(w, colour(line))
		}
	}
	if errs > 0 {
		fmt.Fprintf(w, "%s, %s\n", Plural(errs, "error"), Plural(warns, "warning"))
	}
}

// keepHeader keeps "file:line:col: error: " and the first word after it on
// one line when wrapping: editors and CI problem matchers read a
// diagnostic from that line.
func keepHeader(line string) string {
	for _, severity := range []string{": error: ", ": warning: "} {
		if i := strings.Index(line, severity); i >= 0 {
			end := i + len(severity)
			if j := strings.IndexByte(line[end:], ' '); j >= 0 {
				end += j
			} else {
				end = len(line)
			}
			return strings.ReplaceAll(line[:end], " ", keep) + line[end:]
		}
	}
	return line
}
