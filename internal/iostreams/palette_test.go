package iostreams

import "testing"

func TestPalettes(t *testing.T) {
	if got := Plain.Red("x") + Plain.Dim("y"); got != "xy" {
		t.Errorf("Plain coloured: %q", got)
	}
	if got := Terminal.Red("x"); got != "\x1b[31mx\x1b[0m" {
		t.Errorf("Terminal red = %q", got)
	}
	tags := NewPalette(func(c Colour, s string) string { return "<" + c.String() + ">" + s + "</" + c.String() + ">" })
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

func TestWidthIsTheTerminalsOrEightyInLogs(t *testing.T) {
	ios, _, _, _ := TestStreams()
	if ios.OutWidth() != 80 || ios.ErrWidth() != 80 {
		t.Errorf("no terminal: %d, %d; want 80", ios.OutWidth(), ios.ErrWidth())
	}
	ios.OutColumns, ios.ErrColumns = 132, 100
	if ios.OutWidth() != 132 || ios.ErrWidth() != 100 {
		t.Errorf("terminals of 132 and 100 columns: %d, %d", ios.OutWidth(), ios.ErrWidth())
	}
}
