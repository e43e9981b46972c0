package schema

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/mfactl/mfactl/internal/diag"
)

// The rules a pool's Ignore accepts are the catalogue's ignorable
// warnings, no more and no fewer.
func TestIgnoreOffersTheIgnorableWarnings(t *testing.T) {
	var doc struct {
		Defs map[string]struct {
			Properties map[string]struct {
				Items struct{ Enum []string }
			}
		} `json:"$defs"`
	}
	if err := json.Unmarshal(JSON(), &doc); err != nil {
		t.Fatal(err)
	}
	var offered []string
	for _, def := range doc.Defs {
		if p, ok := def.Properties["Ignore"]; ok {
			offered = p.Items.Enum
		}
	}
	var want []string
	for _, r := range diag.Rules() {
		if r.Ignorable {
			if r.Severity != diag.Warning {
				t.Errorf("rule %s is ignorable but not a warning", r.ID)
			}
			want = append(want, r.ID)
		}
	}
	slices.Sort(offered)
	slices.Sort(want)
	if len(want) == 0 || !slices.Equal(offered, want) {
		t.Fatalf("Ignore offers %v; the ignorable rules are %v", offered, want)
	}
}

// Ignore adds up over a pool's entries, and a rule that is not an
// ignorable warning is refused with the ones that are.
func TestIgnoreIsReadFromEveryEntry(t *testing.T) {
	r := Read([]string{"-"}, strings.NewReader(`Version: 1
UserPools:
  - UserPoolId: eu-west-1_AbC123
    MfaConfiguration: OPTIONAL
    SoftwareTokenMfaConfiguration: {Enabled: true}
    Ignore: [user-settings-unknown]
  - UserPoolId: eu-west-1_AbC123
    Ignore: [tier-unknown, user-settings-unknown]
`))
	if r.Diagnostics.HasErrors() {
		t.Fatal(r.Diagnostics)
	}
	if got := r.Desired.Pools[0].Ignore; !slices.Equal(got, []string{"user-settings-unknown", "tier-unknown"}) {
		t.Fatalf("Ignore = %v", got)
	}
	r = Read([]string{"-"}, strings.NewReader("Version: 1\nUserPools:\n  - UserPoolId: eu-west-1_AbC123\n    Ignore: [user-not-found]\n"))
	if !r.Diagnostics.HasErrors() || !strings.Contains(r.Diagnostics[0].String(), `"user-not-found"`) || !strings.Contains(r.Diagnostics[0].String(), "user-settings-unknown") {
		t.Fatalf("an error rule in Ignore: %v", r.Diagnostics)
	}
}
