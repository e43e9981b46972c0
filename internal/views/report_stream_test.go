package views

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mfactl/mfactl/internal/cognito/cognitotest"
	"github.com/mfactl/mfactl/internal/iostreams"
	"github.com/mfactl/mfactl/internal/token"
	"github.com/mfactl/mfactl/internal/usecase"
)

// A report streams its users (each tallied as read and let go, past the
// first thousand a selection lists) and prints, in every format, what it
// printed when it held every user read: the goldens in
// testdata/report-stream were written by that report, before streaming.
// 1,100 users of every kind (cognitotest.MixedUser): a whole pool, a
// filter, and the files' policies with their violations.
func TestStreamedReportPrintsWhatTheReportHeldWholePrinted(t *testing.T) {
	const n = 1100
	dir := t.TempDir()
	files := filepath.Join(dir, "mfa.yaml")
	if err := os.WriteFile(files, []byte(cognitotest.MixedPolicies), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := map[string]usecase.ReportOptions{
		"pool":   {UserPoolId: cognitotest.GeneratedPoolID},
		"filter": {UserPoolId: cognitotest.GeneratedPoolID, Filter: `email ^= "x"`},
		"files":  {Files: []string{files}},
	}
	formats := map[string]struct {
		format Format
		opts   Options
	}{
		"txt": {Text, Options{}}, "all.txt": {Text, Options{ShowUsers: true}}, "json": {JSON, Options{}},
		"csv": {CSV, Options{}}, "md": {Markdown, Options{}},
	}
	for name, opts := range cases {
		pool := &cognitotest.GeneratedPool{N: n, User: cognitotest.MixedUser}
		s := usecase.NewSession(func(context.Context, *token.Token) (usecase.Cognito, error) {
			return poolClient{LiveReader: pool, Selecting: pool}, nil
		})
		rep, err := s.Report(context.Background(), opts)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for ext, f := range formats {
			io, _, out, errOut := iostreams.TestStreams()
			view, err := NewReport(f.format, io, f.opts)
			if err != nil {
				t.Fatal(err)
			}
			if err := view.Report(rep); err != nil {
				t.Fatal(err)
			}
			got := strings.ReplaceAll(out.String()+errOut.String(), dir, "DIR")
			sameAsGolden(t, filepath.Join("testdata", "report-stream", name+"."+ext), got)
		}
	}
}

// sameAsGolden is golden for long outputs: it names the first line that
// differs rather than printing both.
func sameAsGolden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		golden(t, path, got)
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/views -update to create it)", err)
	}
	if got == string(want) {
		return
	}
	g, w := strings.Split(got, "\n"), strings.Split(string(want), "\n")
	for i := range min(len(g), len(w)) {
		if g[i] != w[i] {
			t.Errorf("%s differs at line %d:\n got %q\nwant %q", path, i+1, g[i], w[i])
			return
		}
	}
	t.Errorf("%s: %d lines, want %d", path, len(g), len(w))
}
