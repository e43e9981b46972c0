package emulator

import "regexp"

// pattern is a whole-value regular expression; text is how messages quote it.
type pattern struct {
	re   *regexp.Regexp
	text string
}

func mustPattern(text string) *pattern {
	return &pattern{re: regexp.MustCompile(`^(?:` + text + `)$`), text: text}
}

func (p *pattern) matches(s string) bool { return p.re.MatchString(s) }

// Attribute value formats Cognito applies beyond the API model (whose
// constraints emulator/apimodel holds and validateRequest enforces).
var (
	patEmail = mustPattern(`[^@\s]+@[^@\s]+\.[^@\s]+`)
	patPhone = mustPattern(`\+[0-9]{4,15}`)
)
