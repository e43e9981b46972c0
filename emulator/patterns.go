package emulator

import "regexp"

// Attribute value formats Cognito applies beyond the API model (whose
// constraints emulator/apimodel holds and validateRequest enforces).
var (
	patEmail = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)
	patPhone = regexp.MustCompile(`^\+[0-9]{4,15}$`)
)
