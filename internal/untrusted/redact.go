package untrusted

import "regexp"

// The secrets an error's text can carry without mfactl putting them there:
// the AWS SDK quotes a credential_process's output when it cannot parse
// it, keys and tokens included. Redact is the one step every error goes
// through before any output (text or JSON).
var (
	// processOutput is the SDK's "parse failed of process output: <output>,
	// error: <why>": the output is dropped whole, up to the SDK's last
	// ", error: " (the output may hold that text itself, and anything
	// else: text before its JSON, raw lines, an AccessKeyId), since a
	// truncated document need not look like JSON at all.
	processOutput = regexp.MustCompile(`(?s)(process output: ).*(, error: [^\n]*$)|(?s)(process output: ).*$`)
	// secretField is a secret-looking field in JSON, INI or key=value form.
	secretField = regexp.MustCompile(`(?i)("?\b(?:aws_)?(?:secret_?access_?key|access_?key_?id|session_?token|security_?token|access_?token|refresh_?token|id_?token|client_?secret|password|external_?id)\b"?\s*[:=]\s*)("[^"]*"?|[^\s,;}"]+)`)
)

const hidden = "(hidden: it may hold credentials)"

// Redact returns text with credentials and secrets it may quote replaced
// by "(sensitive)", and a credential_process's output replaced whole.
func Redact(text string) string {
	text = processOutput.ReplaceAllStringFunc(text, func(m string) string {
		sub := processOutput.FindStringSubmatch(m)
		if sub[1] != "" {
			return sub[1] + hidden + sub[2]
		}
		return sub[3] + hidden
	})
	return secretField.ReplaceAllString(text, `${1}"(sensitive)"`)
}

// Error is how an error's text is printed: secrets redacted, then Text.
func Error(err error) string { return Text(Redact(err.Error())) }
