package views

import "github.com/fatih/color"

// Palette colours text, or returns it as it is. Its zero value is Plain.
// What each colour means: green something switched on or added, red
// switched off, removed or an error, yellow changed or a warning, cyan call
// headings, bold summaries, dim positions, reasons and counts.
type Palette struct {
	paint func(c colour, text string) string // nil: plain
}

// colour is one of the styles a Palette applies.
type colour int

const (
	red colour = iota
	green
	yellow
	cyan
	bold
	dim
)

var terminalAttrs = map[colour]color.Attribute{
	red: color.FgRed, green: color.FgGreen, yellow: color.FgYellow, cyan: color.FgCyan, bold: color.Bold, dim: color.Faint,
}

// Plain is the Palette without colour.
var Plain = Palette{}

// Terminal is the Palette of ANSI colours, whatever the terminal is.
var Terminal = Palette{paint: func(c colour, text string) string {
	p := color.New(terminalAttrs[c])
	p.EnableColor()
	return p.Sprint(text)
}}

func palette(enabled bool) Palette {
	if enabled {
		return Terminal
	}
	return Plain
}

func (p Palette) apply(c colour, s string) string {
	if p.paint == nil {
		return s
	}
	return p.paint(c, s)
}

func (p Palette) Red(s string) string    { return p.apply(red, s) }
func (p Palette) Green(s string) string  { return p.apply(green, s) }
func (p Palette) Yellow(s string) string { return p.apply(yellow, s) }
func (p Palette) Cyan(s string) string   { return p.apply(cyan, s) }
func (p Palette) Bold(s string) string   { return p.apply(bold, s) }
func (p Palette) Dim(s string) string    { return p.apply(dim, s) }
