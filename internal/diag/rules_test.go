package diag

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

func TestRuleCatalogue(t *testing.T) {
	id := regexp.MustCompile(`^[a-z][a-z0-9]*(-[a-z0-9]+)*$`)
	seen := map[string]bool{}
	for _, r := range Rules() {
		if !id.MatchString(r.ID) || seen[r.ID] {
			t.Errorf("rule ID %q is not kebab-case or not unique", r.ID)
		}
		seen[r.ID] = true
		if r.Name == "" || !strings.HasSuffix(r.Help, ".") || (r.Severity != Error && r.Severity != Warning) {
			t.Errorf("rule %s: needs a name, a help sentence and a severity: %+v", r.ID, r)
		}
		if r.QuietInSync && r.Severity != Warning {
			t.Errorf("rule %s: only a warning can be quiet", r.ID)
		}
	}
	if got := RuleOf(Diagnostic{Code: "no-such-rule"}).ID; got != Unclassified {
		t.Errorf("unknown code maps to %q", got)
	}
}

// TestEveryRuleIsDocumented holds docs/diagnostics.md to the catalogue: a
// section per rule, whose anchor (the heading) is the ID, so that every
// helpUri leads somewhere.
func TestEveryRuleIsDocumented(t *testing.T) {
	doc, err := os.ReadFile("../../docs/diagnostics.md")
	if err != nil {
		t.Fatal(err)
	}
	headings := map[string]bool{}
	for _, m := range regexp.MustCompile("(?m)^### `?([a-z0-9-]+)`?$").FindAllStringSubmatch(string(doc), -1) {
		headings[m[1]] = true
	}
	for _, r := range Rules() {
		if !headings[r.ID] {
			t.Errorf("docs/diagnostics.md has no \"### %s\" section", r.ID)
		}
		delete(headings, r.ID)
	}
	for h := range headings {
		t.Errorf("docs/diagnostics.md documents %q, which is not in the catalogue", h)
	}
}
