package views

import (
	"regexp"
	"strings"

	"github.com/mitchellh/go-wordwrap"
)

// command is a command line quoted in a message (`…`, or mfactl and a
// subcommand with at least one flag, up to the end of its clause): wrapping
// never breaks one, so that it can be copied whole. Prose such as "mfactl
// reads YAML" has no flag and wraps as words do.
var command = regexp.MustCompile("`[^`]+`|\\bmfactl [a-z]+(?: [^\\s;,()]+)*? --?[a-z][^;,()]*[^;,().\\s]")

// keep stands for a space that must not break a line; sanitised text,
// which is all that is wrapped, holds no control characters.
const keep = "\x1f"

// wrap breaks text into lines that fit width columns once indented by
// indent: the first line at indent, the rest hang by two more, so that a
// continuation is not taken for a new item (a CI log, 80 columns, keeps
// them readable). Words longer than a line, and quoted commands, stay
// whole. width 0: one line.
func wrap(text string, width, indent int) []string {
	if width <= 0 {
		return []string{strings.Repeat(" ", indent) + text}
	}
	text = command.ReplaceAllStringFunc(text, func(c string) string { return strings.ReplaceAll(c, " ", keep) })
	room := max(width-indent-2, 20)
	lines := strings.Split(wordwrap.WrapString(text, uint(room)), "\n")
	for i := range lines {
		pad := indent
		if i > 0 {
			pad += 2
		}
		lines[i] = strings.Repeat(" ", pad) + strings.ReplaceAll(lines[i], keep, " ")
	}
	return lines
}
