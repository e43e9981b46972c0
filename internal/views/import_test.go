package views

import (
	"errors"
	"testing"

	"github.com/mfactl/mfactl/internal/iostreams"
)

// After a failed import, stdout is called incomplete only when some YAML
// reached it.
func TestImportSummarySaysWhatWasWritten(t *testing.T) {
	failed := errors.New("AccessDenied")
	for _, tc := range []struct {
		name          string
		written       []string
		partialStdout bool
		err           error
		want          string
	}{
		{"stdout, some written", nil, true, failed, "Import stopped: the YAML on stdout is incomplete; do not use it.\n"},
		{"stdout, nothing written", nil, false, failed, "Import stopped; nothing was written.\n"},
		{"files, one complete", []string{"mfa/a.yaml"}, false, failed, "Import stopped; these files are complete: mfa/a.yaml. Nothing else was written.\n"},
		{"files, done", []string{"mfa/a.yaml", "mfa/b.yaml"}, false, nil, "Wrote mfa/a.yaml, mfa/b.yaml. Check it with: mfactl plan -f mfa/ --detailed-exitcode\n"},
	} {
		ios, _, _, errOut := iostreams.TestStreams()
		ImportSummary(ios, tc.written, tc.partialStdout, tc.err)
		if errOut.String() != tc.want {
			t.Errorf("%s: %q; want %q", tc.name, errOut.String(), tc.want)
		}
	}
}
