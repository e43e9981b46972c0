package views

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Quote returns an input-derived string (a username, a key, a file name)
// as it may be printed: unchanged when it is plain printable text, else
// Go-quoted, so that no control character, escape sequence, bidi control
// (U+202E …), zero-width character or invalid UTF-8 reaches a terminal or
// a log as itself. Quoted, a newline cannot start a forged line such as a
// GitHub workflow command (::error …).
func Quote(s string) string {
	if printable(s) {
		return s
	}
	return strconv.Quote(s)
}

func printable(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if !unicode.IsPrint(r) {
			return false
		}
	}
	return true
}

// Sanitize makes free text (an error message, a diagnostic) safe to print
// on lines of its own: newlines and tabs are kept, and each other control
// character, bidi control, zero-width character or invalid byte is
// replaced by its escape (\x1b, \u202e). Text from inputs gets to
// messages in many ways; this is the last step before output.
func Sanitize(s string) string { return sanitize(s, true) }

// SanitizeLine is Sanitize for text that must stay on one line (a
// diagnostic): newlines are escaped too.
func SanitizeLine(s string) string { return sanitize(s, false) }

func sanitize(s string, keepNewlines bool) string {
	if safeText(s, keepNewlines) {
		return s
	}
	var b strings.Builder
	for i, w := 0, 0; i < len(s); i += w {
		r, size := utf8.DecodeRuneInString(s[i:])
		w = size
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteString(`\x` + strconv.FormatUint(uint64(s[i]), 16))
		case r == '\n' && keepNewlines, r == '\t', unicode.IsPrint(r):
			b.WriteRune(r)
		default:
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
		}
	}
	return b.String()
}

func safeText(s string, keepNewlines bool) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if (r != '\n' || !keepNewlines) && r != '\t' && !unicode.IsPrint(r) {
			return false
		}
	}
	return true
}
