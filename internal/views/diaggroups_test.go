package views

import (
	"fmt"
	"testing"

	"github.com/mfactl/mfactl/internal/diag"
)

// 300 missing users are one group whose verb agrees with its count.
func TestGroupedDiagnosticsAgreeWithTheirCount(t *testing.T) {
	var l diag.List
	for i := range 300 {
		name := fmt.Sprintf("user%03d", i)
		l = append(l, diag.Diagnostic{Severity: diag.Error, Code: "user-not-found", UserPoolId: "eu-west-1_A", Username: name,
			Summary: fmt.Sprintf("user %s does not exist in user pool eu-west-1_A", name)})
	}
	l = append(l, diag.Diagnostic{Severity: diag.Warning, Code: "x", UserPoolId: "eu-west-1_A", Username: "a", Summary: "user a is enrolled in nothing"},
		diag.Diagnostic{Severity: diag.Warning, Code: "x", UserPoolId: "eu-west-1_A", Username: "b", Summary: "user b is enrolled in nothing"})
	groups := groupDiagnostics(l)
	if len(groups) != 2 {
		t.Fatalf("%d groups", len(groups))
	}
	for i, want := range []string{"300 users do not exist in user pool eu-west-1_A", "2 users are enrolled in nothing"} {
		if groups[i].Summary != want {
			t.Errorf("group %d: %q; want %q", i, groups[i].Summary, want)
		}
	}
	if one := groupDiagnostics(l[:1]); one[0].Summary != "user user000 does not exist in user pool eu-west-1_A" {
		t.Errorf("a single diagnostic changed: %q", one[0].Summary)
	}
}
