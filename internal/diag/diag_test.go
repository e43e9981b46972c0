package diag

import (
	"strings"
	"testing"

	"github.com/mfactl/mfactl/internal/state"
)

func TestStringNamesPlaceFieldProblemAndWhatIsAllowed(t *testing.T) {
	d := Diagnostic{Severity: Error, Pos: state.Pos{File: "a.yaml", Line: 4, Column: 5},
		Path: "UserPools[0].MfaConfiguration", Summary: `"on" is not a valid mode`, Detail: "use ON, OFF or OPTIONAL"}
	want := `a.yaml:4:5: error: UserPools[0].MfaConfiguration: "on" is not a valid mode; use ON, OFF or OPTIONAL`
	if got := d.String(); got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	if got := (Diagnostic{Severity: Warning, Summary: "x"}).String(); got != "warning: x" {
		t.Fatalf("no position: %q", got)
	}
}

func TestSortByFileLineColumn(t *testing.T) {
	l := List{
		{Pos: state.Pos{File: "b.yaml", Line: 1, Column: 1}, Summary: "b1"},
		{Pos: state.Pos{File: "a.yaml", Line: 10, Column: 1}, Summary: "a10"},
		{Pos: state.Pos{File: "a.yaml", Line: 2, Column: 7}, Summary: "a2c7"},
		{Pos: state.Pos{File: "a.yaml", Line: 2, Column: 3}, Summary: "a2c3"},
	}
	l.Sort()
	var got []string
	for _, d := range l {
		got = append(got, d.Summary)
	}
	if want := "a2c3 a2c7 a10 b1"; strings.Join(got, " ") != want {
		t.Fatalf("order = %v, want %s", got, want)
	}
}

func TestAsErrorOnlyForErrors(t *testing.T) {
	if (List{{Severity: Warning, Summary: "w"}}).AsError() != nil {
		t.Fatal("warnings alone are not an error")
	}
	err := (List{{Severity: Error}, {Severity: Error}, {Severity: Warning}}).AsError()
	if err == nil || err.Error() != "2 errors in the input" {
		t.Fatalf("err = %v", err)
	}
}
