package views

import (
	"strings"

	"github.com/mitchellh/go-wordwrap"
)

// wrap breaks text into lines that fit width columns once indented by
// indent: the first line at indent, the rest hang by two more, so that a
// continuation is not taken for a new item (a CI log, 80 columns, keeps
// them readable). Words longer than a line stay whole. width 0: one line.
func wrap(text string, width, indent int) []string {
	if width <= 0 {
		return []string{strings.Repeat(" ", indent) + text}
	}
	room := max(width-indent-2, 20)
	lines := strings.Split(wordwrap.WrapString(text, uint(room)), "\n")
	for i := range lines {
		pad := indent
		if i > 0 {
			pad += 2
		}
		lines[i] = strings.Repeat(" ", pad) + lines[i]
	}
	return lines
}
