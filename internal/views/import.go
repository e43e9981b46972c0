package views

import (
	"fmt"
	"strings"

	"github.com/mfactl/mfactl/internal/iostreams"
)

// ImportSummary says on stderr which files import wrote; after a failure,
// that only those are complete. partialStdout: some of the YAML went to
// stdout before the failure.
func ImportSummary(s *iostreams.IOStreams, written []string, partialStdout bool, err error) {
	switch {
	case err != nil && partialStdout:
		fmt.Fprintln(s.ErrOut, "Import stopped: the YAML on stdout is incomplete; do not use it.")
	case err != nil && len(written) > 0:
		fmt.Fprintf(s.ErrOut, "Import stopped; these files are complete: %s. Nothing else was written.\n", strings.Join(written, ", "))
	case err != nil:
		fmt.Fprintln(s.ErrOut, "Import stopped; nothing was written.")
	case len(written) > 0:
		fmt.Fprintf(s.ErrOut, "Wrote %s. Check it with: mfactl plan -f %s --detailed-exitcode\n", strings.Join(written, ", "), planTarget(written))
	}
}

// planTarget is what to give plan -f for the files written: the file, or
// their directory.
func planTarget(written []string) string {
	if len(written) == 1 {
		return written[0]
	}
	dir := written[0][:strings.LastIndexAny(written[0], `/\`)+1]
	if dir == "" {
		return "."
	}
	return dir
}
