package cmd

import (
	"context"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/mfactl/mfactl/emulator"
	"github.com/mfactl/mfactl/internal/iostreams"
)

// In a CI log (no terminal) diagnostics are wrapped to 80 columns, their
// first line still "file:line:col: error: <first word>".
func TestCILogsWrapAtEightyColumns(t *testing.T) {
	t.Chdir(repoRoot)
	ios, _, _, errOut := iostreams.TestStreams()
	root := NewRootCmd(&Factory{IO: ios})
	root.SetArgs([]string{"validate", "-f", "fixtures/invalid/schema-many-faults.yaml"})
	if code := exitCode(root.Execute(), ios); code != ExitError {
		t.Fatalf("exit %d", code)
	}
	lines := strings.Split(strings.TrimSpace(errOut.String()), "\n")
	if len(lines) < 8 {
		t.Fatalf("nothing was wrapped:\n%s", errOut)
	}
	for _, l := range lines {
		// A diagnostic's "file:line:col: error: " and first word stay on
		// one line, whatever their length, for the problem matchers.
		_, after, header := strings.Cut(l, ": error: ")
		if n := utf8.RuneCountInString(l); n > iostreams.LogWidth && (!header || strings.Contains(after, " ")) {
			t.Errorf("a line of %d columns:\n%s", n, l)
		}
	}
}

// The plan, the apply summary and the verification: the symbols are
// explained once, and the plan ends with its summary line.
func TestApplyOutputExplainsTheSymbolsOnce(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	out, errOut, code := h.run(context.Background(), "apply", "-f", examples, "--auto-approve")
	if code != ExitOK {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	if n := strings.Count(out, "Symbols: ~ changes, + adds or turns on, - removes or turns off, ! a call Cognito may refuse"); n != 1 {
		t.Errorf("the legend appears %d times:\n%s", n, out)
	}
	if !strings.Contains(out, "\nPlan: 21 calls — 4 pools, 16 users to change; 4 users in sync.\n") {
		t.Errorf("no summary line:\n%s", out)
	}
}
