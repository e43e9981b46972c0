package cognito

import (
	"errors"
	"strings"
	"testing"

	"github.com/aws/smithy-go"
)

// Error text from Cognito, or from what stands between (a rewriting
// proxy), reaches messages on one line, without escapes, redacted
// (red-team item 18.7).
func TestCallErrorsCarryNoRawLinesFromTheAnswer(t *testing.T) {
	for _, err := range []error{
		&smithy.GenericAPIError{Code: "Bad\nCode", Message: "denied\n::error::forged\x1b[2J \"SecretAccessKey\": \"s3cr3t\""},
		errors.New("proxy says\r\n\x1b]0;title\x07 AccessKeyId=AKIAEXAMPLE"),
	} {
		got := newCallError("AdminGetUser", "eu-west-1_A", "alice", err).Error()
		if strings.ContainsAny(got, "\n\r\x1b\x07") || strings.Contains(got, "s3cr3t") || strings.Contains(got, "AKIAEXAMPLE") {
			t.Errorf("Error() = %q", got)
		}
	}
}
