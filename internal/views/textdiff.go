package views

import (
	"strconv"
	"strings"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// multiLineChange returns the two sides of a changed field as plain text
// when either holds several lines (an email message, say), so that the
// change can be shown line by line instead of as two long quoted strings.
func multiLineChange(from, to string) (before, after string, ok bool) {
	before, errFrom := strconv.Unquote(from)
	after, errTo := strconv.Unquote(to)
	if errFrom != nil || errTo != nil {
		return "", "", false
	}
	if !strings.Contains(before, "\n") && !strings.Contains(after, "\n") {
		return "", "", false
	}
	return before, after, true
}

// textLineDiff is a line-level diff of two texts: each line prefixed with
// "  " (kept), "- " (removed) or "+ " (added).
func textLineDiff(before, after string) []string {
	dmp := diffmatchpatch.New()
	a, b, lines := dmp.DiffLinesToChars(before, after)
	diffs := dmp.DiffCharsToLines(dmp.DiffMain(a, b, false), lines)
	var out []string
	for _, d := range diffs {
		prefix := "  "
		switch d.Type {
		case diffmatchpatch.DiffDelete:
			prefix = "- "
		case diffmatchpatch.DiffInsert:
			prefix = "+ "
		}
		for _, line := range strings.SplitAfter(d.Text, "\n") {
			if line == "" {
				continue
			}
			out = append(out, prefix+strings.TrimSuffix(line, "\n"))
		}
	}
	return out
}
