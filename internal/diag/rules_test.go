package diag

import (
	"flag"
	"fmt"
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
		if (r.QuietInSync || r.Ignorable) && r.Severity != Warning {
			t.Errorf("rule %s: only a warning can be quiet or ignorable", r.ID)
		}
	}
	if got := RuleOf(Diagnostic{Code: "no-such-rule"}).ID; got != Unclassified {
		t.Errorf("unknown code maps to %q", got)
	}
}

var update = flag.Bool("update", false, "rewrite docs/diagnostics.md from the catalogue")

// TestEveryRuleIsDocumented holds docs/diagnostics.md to the catalogue: it
// is made from it (a section per rule, whose heading, and so anchor, is the
// ID), so every helpUri leads somewhere. Regenerate with
//
//	go test ./internal/diag -run TestEveryRuleIsDocumented -update
func TestEveryRuleIsDocumented(t *testing.T) {
	var b strings.Builder
	b.WriteString(`# Diagnostics

Every problem mfactl reports has a rule: a stable ID that ` + "`-o json`" + ` gives as
` + "`Code`" + `, SARIF as ` + "`ruleId`" + ` (with this page as ` + "`helpUri`" + `) and JUnit as the
failure's ` + "`type`" + `. IDs are never renamed or reused. This page is made from
the catalogue in ` + "`internal/diag/rules.go`" + ` (` + "`go test ./internal/diag -update`" + `).

Warnings marked *quiet when in sync* are left out of text, Markdown,
annotation, JUnit and SARIF output when the plan changes nothing, so that a
converged plan (a nightly drift check) is quiet; ` + "`-o json`" + ` keeps them.
Warnings marked *ignorable* may be listed in a pool's ` + "`Ignore`" + ` once the team
has acknowledged them (see file-format.md): plan then counts them in
` + "`Pools[].Ignored`" + ` of ` + "`-o json`" + ` instead of showing them. Many diagnostics of one
rule about users of one pool that say the same thing are shown once, with
the first few users and the count (` + "`--show-users`" + ` and the job summary name
them all): one annotation, one SARIF result, one text warning.

| rule | severity |
|---|---|
`)
	for _, r := range Rules() {
		fmt.Fprintf(&b, "| [%s](#%s) | %s |\n", r.ID, r.ID, r.Severity)
	}
	for _, r := range Rules() {
		fmt.Fprintf(&b, "\n### %s\n\n**%s** (%s", r.ID, r.Name, r.Severity)
		if r.QuietInSync {
			b.WriteString(", quiet when in sync")
		}
		if r.Ignorable {
			b.WriteString(", ignorable")
		}
		fmt.Fprintf(&b, ")\n\n%s\n", r.Help)
	}
	const path = "../../docs/diagnostics.md"
	if *update {
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	doc, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(doc) != b.String() {
		t.Fatalf("docs/diagnostics.md is not the catalogue's; run go test ./internal/diag -run TestEveryRuleIsDocumented -update")
	}
	headings := regexp.MustCompile("(?m)^### ([a-z0-9-]+)$").FindAllStringSubmatch(string(doc), -1)
	if len(headings) != len(Rules()) {
		t.Fatalf("%d sections for %d rules", len(headings), len(Rules()))
	}
}
