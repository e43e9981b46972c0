package iostreams

import "github.com/fatih/color"

// Palette colours text, or returns it as it is. Its zero value is Plain.
// What each colour means: green something switched on or added, red
// switched off, removed or an error, yellow changed or a warning, cyan call
// headings, bold summaries, dim positions, reasons and counts.
type Palette struct {
	paint func(c Colour, text string) string // nil: plain
}

// Colour is one of the styles a Palette applies.
type Colour int

const (
	Red Colour = iota
	Green
	Yellow
	Cyan
	Bold
	Dim
)

var colourNames = [...]string{Red: "red", Green: "green", Yellow: "yellow", Cyan: "cyan", Bold: "bold", Dim: "dim"}

func (c Colour) String() string { return colourNames[c] }

var terminalAttrs = map[Colour]color.Attribute{
	Red: color.FgRed, Green: color.FgGreen, Yellow: color.FgYellow, Cyan: color.FgCyan, Bold: color.Bold, Dim: color.Faint,
}

// Plain is the Palette without colour.
var Plain = Palette{}

// Terminal is the Palette of ANSI colours, whatever the terminal is.
var Terminal = Palette{paint: func(c Colour, text string) string {
	p := color.New(terminalAttrs[c])
	p.EnableColor()
	return p.Sprint(text)
}}

// NewPalette returns a Palette that styles text with paint; tests use one
// that tags each colour, to see which text gets which.
func NewPalette(paint func(c Colour, text string) string) Palette { return Palette{paint: paint} }

func palette(enabled bool) Palette {
	if enabled {
		return Terminal
	}
	return Plain
}

func (p Palette) apply(c Colour, s string) string {
	if p.paint == nil {
		return s
	}
	return p.paint(c, s)
}

func (p Palette) Red(s string) string    { return p.apply(Red, s) }
func (p Palette) Green(s string) string  { return p.apply(Green, s) }
func (p Palette) Yellow(s string) string { return p.apply(Yellow, s) }
func (p Palette) Cyan(s string) string   { return p.apply(Cyan, s) }
func (p Palette) Bold(s string) string   { return p.apply(Bold, s) }
func (p Palette) Dim(s string) string    { return p.apply(Dim, s) }

// Palette colours what goes to stdout: only on a terminal, and not with NO_COLOR.
func (s *IOStreams) Palette() Palette { return palette(!s.NoColor) }

// ErrPalette colours what goes to stderr: only when stderr is a terminal.
func (s *IOStreams) ErrPalette() Palette { return palette(!s.NoColor && s.StderrTTY) }
