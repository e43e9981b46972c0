package emulator

import "regexp"

// pattern is a constraint from Cognito's API model: the whole value must
// match; text is how Cognito's messages quote it.
type pattern struct {
	re   *regexp.Regexp
	text string
}

func mustPattern(text string) *pattern {
	return &pattern{re: regexp.MustCompile(`^(?:` + text + `)$`), text: text}
}

func (p *pattern) matches(s string) bool { return p.re.MatchString(s) }

// Constraints from the API model (cognito-idp 2016-04-18).
var (
	patUserPoolID    = mustPattern(`[\w-]+_[0-9a-zA-Z]+`)
	patUsername      = mustPattern(`[\p{L}\p{M}\p{S}\p{N}\p{P}]+`)
	patGroupName     = patUsername
	patPoolName      = mustPattern(`[\w\s+=,.@-]+`)
	patClientID      = mustPattern(`[\w+]+`)
	patClientName    = mustPattern(`[\w\s+=,.@-]+`)
	patArn           = mustPattern(`arn:[\w+=/,.@-]+:[\w+=/,.@-]+:([\w+=/,.@-]*)?:[0-9]+:[\w+=/,.@-]+(:[\w+=/,.@-]+)?(:[\w+=/,.@-]+)?`)
	patSmsMessage    = mustPattern(`(?s).*\{####\}.*`)
	patEmailMessage  = mustPattern(`[\p{L}\p{M}\p{S}\p{N}\p{P}\s*]*\{####\}[\p{L}\p{M}\p{S}\p{N}\p{P}\s*]*`)
	patEmailSubject  = mustPattern(`[\p{L}\p{M}\p{S}\p{N}\p{P}\s]+`)
	patAttrName      = mustPattern(`[\p{L}\p{M}\p{S}\p{N}\p{P}]+`)
	patPassword      = mustPattern(`[\S]+`)
	patToken         = mustPattern(`[A-Za-z0-9-_=.]+`)
	patUserCode      = mustPattern(`[0-9]+`)
	patSnsRegion     = mustPattern(`[-\w]+`)
	patRelyingParty  = mustPattern(`[\w.-]+`)
	patPaginationKey = mustPattern(`[\S]+`)
	patEmail         = mustPattern(`[^@\s]+@[^@\s]+\.[^@\s]+`)
	patPhone         = mustPattern(`\+[0-9]{4,15}`)
)
