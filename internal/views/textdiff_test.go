package views

import (
	"strconv"
	"strings"
	"testing"

	"github.com/mfactl/mfactl/internal/iostreams"
)

func TestMultiLineMessageChangeIsShownLineByLine(t *testing.T) {
	before := "Hello,\n\nyour code is {####}.\nIt is valid for 3 minutes.\n"
	after := "Hello,\n\nyour code is {####}.\nIt is valid for 5 minutes.\n"
	r := textRenderer{s: iostreams.Plain}
	got := r.symbolLine(fieldDiff{kind: '~', key: "EmailMfaConfiguration.Message",
		from: strconv.Quote(before), to: strconv.Quote(after)})
	want := strings.Join([]string{
		"~ EmailMfaConfiguration.Message:",
		"              Hello,",
		"              ",
		"              your code is {####}.",
		"            - It is valid for 3 minutes.",
		"            + It is valid for 5 minutes.",
	}, "\n")
	if got != want {
		t.Fatalf("got:\n%s\nwant:\n%s", got, want)
	}
}

func TestSingleLineChangeStaysOnOneLine(t *testing.T) {
	r := textRenderer{s: iostreams.Plain}
	got := r.symbolLine(fieldDiff{kind: '~', key: "MfaConfiguration", from: `"OFF"`, to: `"ON"`})
	if got != `~ MfaConfiguration: "OFF" -> "ON"` {
		t.Fatalf("got %q", got)
	}
}
