package views

import (
	"errors"
	"strings"
	"testing"

	"github.com/mfactl/mfactl/internal/iostreams"
	"github.com/mfactl/mfactl/internal/jsondoc"
)

// A format a command does not hold is an error, never text.
func TestUnknownFormatIsAnError(t *testing.T) {
	ios, _, out, errOut := iostreams.TestStreams()
	for _, err := range []error{
		second(PlanFormats.New("yaml", ios, Options{})),
		second(ShowFormats.New(CSV, ios, Options{})),
		second(ValidateFormats.New(CLI, ios, Options{})),
		second(ApplyFormats.New(Markdown, ios, Options{})),
		second(ReportFormats.New(SARIF, ios, Options{})),
	} {
		if err == nil || !strings.Contains(err.Error(), "has no output format") {
			t.Errorf("err = %v, want one naming the formats there are", err)
		}
	}
	if out.Len()+errOut.Len() != 0 {
		t.Errorf("an unknown format printed something:\n%s%s", out, errOut)
	}
}

func second[V any](_ V, err error) error { return err }

// deniedError is AccessDenied as the cognito package returns it: Cognito's
// code and message, and what it means.
type deniedError struct{}

func (deniedError) Error() string {
	return "reading live state: GetUserPoolMfaConfig pool eu-west-1_AbC123: AccessDeniedException: User is not authorized to perform: cognito-idp:GetUserPoolMfaConfig"
}
func (deniedError) ErrorCode() string { return "AccessDeniedException" }
func (deniedError) ErrorMessage() string {
	return "User is not authorized to perform: cognito-idp:GetUserPoolMfaConfig"
}
func (deniedError) UserMeaning() string {
	return "the AWS credentials lack IAM permission cognito-idp:GetUserPoolMfaConfig on this user pool"
}

// The failure of a plan in each format, as goldens in testdata/failure
// (scripts/report-check.sh checks the SARIF and JUnit ones with
// validators mfactl does not use, scripts/ajv-check.sh the JSON one).
func TestGoldenFailures(t *testing.T) {
	for _, f := range PlanFormats.Names() {
		ios, _, out, _ := iostreams.TestStreams()
		if err := must(PlanFormats.New(f, ios, Options{})).Failed(deniedError{}, false); err != nil {
			t.Fatal(err)
		}
		if f == Text {
			if out.Len() != 0 {
				t.Errorf("text printed the failure on stdout; Main prints it on stderr:\n%s", out)
			}
			continue
		}
		checkFormat(t, f, out.String())
		checkDocument(t, f, jsondoc.CommandPlan, out.Bytes())
		ext := map[Format]string{JSON: "json", CLI: "sh", Markdown: "md", GitHub: "github.txt", JUnit: "junit.xml", SARIF: "sarif.json"}[f]
		if ext == "" {
			t.Fatalf("no golden name for format %s", f)
		}
		golden(t, "testdata/failure/plan."+ext, out.String())
	}
}

// Every registered format of every command renders a failure: the
// machine formats as their own document (JSON of its schema, JUnit with a
// failing case, SARIF with a failed invocation), Markdown as a comment
// that says it failed; text leaves it to Main.
func TestEveryFormatRendersAFailure(t *testing.T) {
	failure := errors.New("reading live state: AccessDeniedException: not allowed")
	type failer interface{ Failed(error, bool) error }
	for _, c := range []struct {
		command jsondoc.Command
		names   []Format
		view    func(Format, *iostreams.IOStreams) failer
	}{
		{jsondoc.CommandPlan, PlanFormats.Names(), func(f Format, io *iostreams.IOStreams) failer { return must(PlanFormats.New(f, io, Options{})) }},
		{jsondoc.CommandShow, ShowFormats.Names(), func(f Format, io *iostreams.IOStreams) failer { return must(ShowFormats.New(f, io, Options{})) }},
		{jsondoc.CommandValidate, ValidateFormats.Names(), func(f Format, io *iostreams.IOStreams) failer { return must(ValidateFormats.New(f, io, Options{})) }},
		{jsondoc.CommandReport, ReportFormats.Names(), func(f Format, io *iostreams.IOStreams) failer { return must(ReportFormats.New(f, io, Options{})) }},
	} {
		for _, f := range c.names {
			ios, _, out, _ := iostreams.TestStreams()
			if err := c.view(f, ios).Failed(failure, false); err != nil {
				t.Fatalf("%s -o %s: %v", c.command, f, err)
			}
			got := out.String()
			var want []string
			switch f {
			case JSON:
				if err := jsondoc.Check(c.command, out.Bytes()); err != nil {
					t.Errorf("%s -o json: %v\n%s", c.command, err, got)
				}
				want = []string{`"Outcome": "failed"`, "AccessDeniedException: not allowed"}
			case Markdown:
				want = []string{"mfactl " + string(c.command) + " failed", "AccessDeniedException: not allowed"}
			case JUnit:
				want = []string{`failures="1"`, "<failure message=\"reading live state: AccessDeniedException: not allowed\""}
			case SARIF:
				want = []string{`"executionSuccessful": false`, "AccessDeniedException: not allowed"}
			case CLI:
				want = []string{"exit 1"}
			}
			for _, w := range want {
				if !strings.Contains(got, w) {
					t.Errorf("%s -o %s lacks %q:\n%s", c.command, f, w, got)
				}
			}
		}
	}
}
