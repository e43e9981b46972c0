package views

import (
	"strings"
	"testing"

	"github.com/mfactl/mfactl/internal/diag"
	"github.com/mfactl/mfactl/internal/iostreams"
	"github.com/mfactl/mfactl/internal/state"
)

func TestWrapHangsContinuationsAndKeepsCommandsWhole(t *testing.T) {
	text := "Cognito does not report it, so mfactl cannot tell whether it is in sync; it is sent only along with another change to the same user; to send it now: mfactl apply --resend-write-only"
	lines := wrap(text, 80, 2)
	for i, l := range lines {
		if len(l) > 80 {
			t.Errorf("line %d has %d columns: %q", i, len(l), l)
		}
		if want := map[bool]string{true: "  ", false: "    "}[i == 0]; !strings.HasPrefix(l, want) || l[len(want)] == ' ' {
			t.Errorf("line %d is not indented by %d: %q", i, len(want), l)
		}
	}
	if last := lines[len(lines)-1]; !strings.HasSuffix(last, "mfactl apply --resend-write-only") {
		t.Errorf("the command was broken: %q", lines)
	}
	if got := strings.Join(strings.Fields(strings.Join(lines, " ")), " "); got != text {
		t.Errorf("words lost or changed: %q", got)
	}
	if one := wrap(text, 0, 2); len(one) != 1 || one[0] != "  "+text {
		t.Errorf("width 0 wrapped: %q", one)
	}
}

// A wrapped diagnostic keeps "file:line:col: error: " and its first word
// on its first line, where problem matchers look for them.
func TestWrappedDiagnosticsKeepTheirHeader(t *testing.T) {
	var b strings.Builder
	d := diag.Diagnostic{Severity: diag.Error, Pos: state.Pos{File: strings.Repeat("deep/", 12) + "mfa.yaml", Line: 5, Column: 23},
		Path: "UserPools[0].MfaConfiguration", Summary: `unknown MfaConfiguration "Optional"; did you mean OPTIONAL? allowed: OFF, ON, OPTIONAL (in capitals)`}
	WriteDiagnostics(&b, iostreams.Plain, 80, diag.List{d})
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if want := strings.Repeat("deep/", 12) + "mfa.yaml:5:23: error: UserPools[0].MfaConfiguration:"; lines[0] != want {
		t.Errorf("first line %q; want %q", lines[0], want)
	}
	for _, l := range lines[1 : len(lines)-1] {
		if len(l) > 80 || !strings.HasPrefix(l, "  ") {
			t.Errorf("continuation %q", l)
		}
	}
}
