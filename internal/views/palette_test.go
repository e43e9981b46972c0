package views

import "testing"

// tags is a Palette that marks each colour, so tests can see which text
// gets which: "<red>Error:</red>".
var tags = Palette{paint: func(c colour, s string) string {
	name := [...]string{red: "red", green: "green", yellow: "yellow", cyan: "cyan", bold: "bold", dim: "dim"}[c]
	return "<" + name + ">" + s + "</" + name + ">"
}}

func TestPalettes(t *testing.T) {
	if got := Plain.Red("x") + Plain.Dim("y"); got != "xy" {
		t.Errorf("Plain coloured: %q", got)
	}
	if got := Terminal.Red("x"); got != "\x1b[31mx\x1b[0m" {
		t.Errorf("Terminal red = %q", got)
	}
	if got := tags.Cyan("x"); got != "<cyan>x</cyan>" {
		t.Errorf("tags = %q", got)
	}
	ios, _, _, _ := TestStreams()
	if ios.Palette().Red("x") != "x" || ios.ErrPalette().Red("x") != "x" {
		t.Error("test streams are coloured")
	}
	ios.NoColor, ios.StderrTTY = false, true
	if ios.Palette().Red("x") == "x" || ios.ErrPalette().Red("x") == "x" {
		t.Error("a terminal without NO_COLOR is not coloured")
	}
}
