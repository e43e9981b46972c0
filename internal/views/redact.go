package views

import "regexp"

// The secrets an error's text can carry without mfactl putting them there:
// the AWS SDK quotes a credential_process's output when it cannot parse
// it, keys and tokens included. Redact is the one step every error goes
// through before any output (text or JSON).
var (
	// processOutput is the SDK's "parse failed of process output: <output>,
	// error: ...": the output is dropped whole, since a truncated document
	// need not look like JSON at all.
	processOutput = regexp.MustCompile(`(?s)(process output: ).*?(, error: |$)`)
	// secretField is a secret-looking field in JSON, INI or key=value form.
	secretField = regexp.MustCompile(`(?i)("?\b(?:aws_)?(?:secret_?access_?key|session_?token|security_?token|access_?token|refresh_?token|id_?token|client_?secret|password|external_?id)\b"?\s*[:=]\s*)("[^"]*"?|[^\s,;}"]+)`)
)

// Redact returns text with credentials and secrets it may quote replaced
// by "(sensitive)".
func Redact(text string) string {
	text = processOutput.ReplaceAllString(text, "${1}(hidden: it may hold credentials)${2}")
	return secretField.ReplaceAllString(text, `${1}"(sensitive)"`)
}

// SafeError is how an error's text is printed: secrets redacted, and
// control characters and bidi controls escaped.
func SafeError(err error) string { return Sanitize(Redact(err.Error())) }
