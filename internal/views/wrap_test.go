package views

import (
	"strings"
	"testing"
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
