package views

import "github.com/mfactl/mfactl/internal/iostreams"

// tags is a Palette that marks each colour, so tests can see which text
// gets which: "<red>Error:</red>".
var tags = iostreams.NewPalette(func(c iostreams.Colour, s string) string {
	return "<" + c.String() + ">" + s + "</" + c.String() + ">"
})
