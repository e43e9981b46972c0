package schema

import (
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"testing"

	"github.com/mfactl/mfactl/internal/diag"
	"github.com/mfactl/mfactl/internal/state"
)

// FuzzLoad feeds arbitrary bytes to the loader (make fuzz). Whatever the
// input, loading must not panic, must be deterministic, must give every
// diagnostic a place in the file, and must only return a desired state
// that obeys the rules it claims to have checked.
func FuzzLoad(f *testing.F) {
	for _, pattern := range []string{"../fixtures/examples/*.yaml", "../fixtures/invalid/*.yaml", "../fixtures/invalid/*/*.yaml"} {
		files, _ := filepath.Glob(pattern)
		for _, name := range files {
			if data, err := os.ReadFile(name); err == nil {
				f.Add(data)
			}
		}
	}
	for _, seed := range []string{"", "---\n---\n", "a: &a [*a]\n", "Version: 1\nUserPools: [{UserPoolId: a_b, Users: [{Username: u}]}]\n",
		"? [a]\n: b\n", "Version: !!int x\n", "Version: 1\nUserPools:\n- &p {UserPoolId: a_b}\n- *p\n"} {
		f.Add([]byte(seed))
	}
	poolID := regexp.MustCompile(`^[\w-]+_[0-9a-zA-Z]+$`)
	f.Fuzz(func(t *testing.T, data []byte) {
		d, diags := LoadBytes("fuzz.yaml", data)
		d2, diags2 := LoadBytes("fuzz.yaml", data)
		if !reflect.DeepEqual(d, d2) || !reflect.DeepEqual(diags, diags2) {
			t.Fatal("two loads of the same bytes differ")
		}
		sorted := append(diag.List(nil), diags...)
		sorted.Sort()
		if !reflect.DeepEqual(sorted, diags) {
			t.Fatal("diagnostics are not sorted")
		}
		for _, x := range diags {
			if x.Summary == "" || (x.Severity != diag.Error && x.Severity != diag.Warning) {
				t.Fatalf("incomplete diagnostic %#v", x)
			}
			if x.Pos.File != "fuzz.yaml" || x.Pos.Line < 1 || x.Pos.Column < 1 || x.Pos.Line > len(data)+1 {
				t.Fatalf("diagnostic outside the file: %s", x)
			}
		}
		if diags.HasErrors() {
			return
		}
		for _, p := range d.Pools {
			if !poolID.MatchString(p.UserPoolId) {
				t.Fatalf("valid input with pool ID %q", p.UserPoolId)
			}
			seen := map[string]bool{}
			for _, u := range p.Users {
				if u.Username == "" || seen[u.Username] {
					t.Fatalf("valid input with empty or repeated username %q", u.Username)
				}
				seen[u.Username] = true
				preferred := 0
				for _, s := range []*state.FactorSettings{u.Settings.SMSMfaSettings, u.Settings.SoftwareTokenMfaSettings, u.Settings.EmailMfaSettings} {
					if s != nil && s.PreferredMfa {
						if !s.Enabled {
							t.Fatalf("valid input with %s preferred but not enabled", u.Username)
						}
						preferred++
					}
				}
				if preferred > 1 {
					t.Fatalf("valid input with %d preferred factors for %s", preferred, u.Username)
				}
			}
		}
	})
}
