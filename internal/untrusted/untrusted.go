// Package untrusted neutralises text that mfactl did not write: usernames
// and group names from live state (in self-registration pools, end users
// choose them), names and keys from input files, claims of an access token,
// error text from Cognito or whatever stands between (a proxy), and the
// output of a credential_process. It is the one place that knows what each
// kind of output must not receive:
//
//   - a terminal or CI log (Name, Line, Text): no control character, escape
//     sequence, bidi control or invalid UTF-8 as itself, and nothing a CI
//     runner takes for a command: GitHub's runner treats "##[cmd]" anywhere
//     in a line and "::cmd::" at a line's start as workflow commands;
//   - a GitHub workflow command's message or property (GitHubData,
//     GitHubProperty): the runner's own escapes, on top;
//   - Markdown (Markdown): literal text, no HTML, no live @mention;
//   - CSV (CSV): no formula (OWASP's CSV injection).
//
// Secrets an error may quote are Redact's. Views call these; nothing else
// in mfactl escapes text for output.
package untrusted

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Name returns a name (a username, a key, a file name) as it may be
// printed on a terminal or in a log: unchanged when it is plain printable
// text that no CI runner reads as a command, else Go-quoted, so that it
// cannot start a forged line. In the quoted form "#" is written \x23, so a
// "##[" inside cannot survive either. The quoted form reads back with
// strconv.Unquote.
func Name(s string) string {
	if printable(s) && !ciCommand(s) {
		return s
	}
	q := strconv.Quote(s)
	if strings.Contains(q, "##[") {
		q = strings.ReplaceAll(q, "#", `\x23`)
	}
	return q
}

// ciCommand reports whether s holds what a CI runner could read as a
// command: "##[" anywhere, or "::" (which starts a line once wrapped).
func ciCommand(s string) bool {
	return strings.Contains(s, "##[") || strings.Contains(s, "::")
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

// Text makes free text (an error message, a diagnostic's detail) safe to
// print on lines of its own: newlines and tabs are kept; each other
// control character, bidi control, zero-width character or invalid byte
// is replaced by its escape (\x1b, \u202e); and what a CI runner would
// take for a command is broken ("##[" becomes "#\x23[", a line's leading
// "::" becomes "\x3a:"). Text from inputs reaches messages in many ways;
// this is the last step before output.
func Text(s string) string { return sanitize(s, true) }

// Line is Text for text that must stay on one line (a diagnostic, a
// message from Cognito or a proxy): newlines are escaped too.
func Line(s string) string { return sanitize(s, false) }

func sanitize(s string, keepNewlines bool) string {
	if safeText(s, keepNewlines) {
		return s
	}
	var b strings.Builder
	lineStart := true
	for i, w := 0, 0; i < len(s); i += w {
		r, size := utf8.DecodeRuneInString(s[i:])
		w = size
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteString(`\x` + strconv.FormatUint(uint64(s[i]), 16))
		case r == '#' && strings.HasPrefix(s[i:], "##["):
			b.WriteString(`#\x23[`)
			w = len("##[")
		case r == ':' && lineStart && strings.HasPrefix(s[i:], "::"):
			b.WriteString(`\x3a:`)
			w = len("::")
		case r == '\n' && keepNewlines, r == '\t', unicode.IsPrint(r):
			b.WriteRune(r)
		default:
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
		}
		lineStart = r == '\n' && keepNewlines || (lineStart && (r == ' ' || r == '\t'))
	}
	return b.String()
}

func safeText(s string, keepNewlines bool) bool {
	if !utf8.ValidString(s) || strings.Contains(s, "##[") || strings.HasPrefix(strings.TrimLeft(s, " \t"), "::") {
		return false
	}
	for i, r := range s {
		if r == '\n' && keepNewlines {
			if strings.HasPrefix(strings.TrimLeft(s[i+1:], " \t"), "::") {
				return false
			}
			continue
		}
		if r != '\t' && !unicode.IsPrint(r) {
			return false
		}
	}
	return true
}

// GitHubData escapes a workflow command's message (::error ...::MESSAGE),
// as the runner's toolkit does (%, CR, LF), after Text: the message is one
// command, and nothing in it may read as another.
func GitHubData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(Text(s))
}

// GitHubProperty escapes a workflow command's property value (file=,
// title=): GitHubData's escapes, and the : and , that separate properties.
func GitHubProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(Line(s))
}

// Markdown makes text literal in Markdown and in the HTML GitHub allows,
// on one line: Markdown's punctuation is escaped, HTML's special
// characters are entities, and an "@" is followed by a word joiner
// (U+2060), invisible, so that "@someone" does not notify anyone.
func Markdown(s string) string {
	return strings.NewReplacer(
		`\`, `\\`, "`", "\\`", "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`, "|", `\|`, "#", `\#`,
		"&", "&amp;", "<", "&lt;", ">", "&gt;", "\n", " ", "@", "@\u2060",
	).Replace(Line(s))
}

// CSV makes a cell's text inert in a spreadsheet: a cell that starts with
// =, +, -, @, a tab or a carriage return (a formula to Excel, LibreOffice
// and Google Sheets) gets a leading ', as OWASP advises. The CSV encoder
// quotes what CSV itself needs.
func CSV(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
