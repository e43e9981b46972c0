package views

import (
	"fmt"
	"slices"
	"strings"

	"github.com/mfactl/mfactl/internal/diag"
	"github.com/mfactl/mfactl/internal/untrusted"
	"github.com/mfactl/mfactl/plan"
)

// shownDiagnostics is what the people-facing formats (text, Markdown,
// annotations, JUnit, SARIF) show of a plan's diagnostics: all of them,
// except, in a plan that changes nothing, the warnings of rules that
// matter only next to a change (diag.Rule.QuietInSync), so that a
// converged plan is quiet. -o json keeps every diagnostic.
func shownDiagnostics(p *plan.Plan) diag.List {
	if p.HasChanges() || p.Diagnostics.HasErrors() {
		return p.Diagnostics
	}
	var out diag.List
	for _, d := range p.Diagnostics {
		if d.Severity == diag.Warning && diag.RuleOf(d).QuietInSync {
			continue
		}
		out = append(out, d)
	}
	return out
}

// diagGroup is diagnostics that say the same thing about different users
// of one pool: shown once, with the first few users named and the count,
// so that 300 users make one annotation, not 300.
type diagGroup struct {
	diag.Diagnostic // the first; for a group, Summary names the count instead of the user
	members         []diag.Diagnostic
}

// groupDiagnostics merges diagnostics that differ only in the user they
// are about (same severity, rule, pool, detail, and summary but for the
// username), in order of their first member: per pool and rule, one
// group for each thing said. Two about the same user (at two places)
// stay apart, and so do those that say different things (each user's
// own conflict in a file), which each need their own fix.
func groupDiagnostics(l diag.List) []diagGroup {
	var out []diagGroup
	byKey := map[string]int{}
	for _, d := range l {
		key := ""
		if d.Username != "" && strings.Contains(d.Summary, "user "+d.Username) {
			key = strings.Join([]string{string(d.Severity), d.Code, d.UserPoolId, d.Detail,
				strings.Replace(d.Summary, "user "+d.Username, "user \x00", 1)}, "\x00")
		}
		if i, ok := byKey[key]; ok && key != "" && !slices.ContainsFunc(out[i].members, func(m diag.Diagnostic) bool { return m.Username == d.Username }) {
			out[i].members = append(out[i].members, d)
			continue
		}
		if _, taken := byKey[key]; key != "" && !taken {
			byKey[key] = len(out)
		}
		out = append(out, diagGroup{Diagnostic: d, members: []diag.Diagnostic{d}})
	}
	for i := range out {
		if g := &out[i]; len(g.members) > 1 {
			g.Summary = pluralVerb.Replace(strings.Replace(g.members[0].Summary, "user "+g.members[0].Username, Plural(len(g.members), "user")+"\x00", 1))
		}
	}
	return out
}

// pluralVerb makes the verb after the count agree with it: "300 users do
// not exist", not "300 users does not exist". The \x00 marks where the
// count ended.
var pluralVerb = strings.NewReplacer("\x00 does ", " do ", "\x00 is ", " are ", "\x00 has ", " have ", "\x00 was ", " were ", "\x00", "")

// users names the users of a group: the first limit of them and how many
// more, or all of them when limit is 0.
func (g diagGroup) users(limit int) string {
	names := make([]string, len(g.members))
	for i, m := range g.members {
		names[i] = m.Username
	}
	return NameList(names, limit)
}

// message is a group as one annotation or SARIF result says it: the
// summary, the users (the first few and the count) and the detail.
func (g diagGroup) message(sep string) string {
	text := g.Summary
	if g.Path != "" && len(g.members) == 1 {
		text = g.Path + ": " + text
	}
	if len(g.members) > 1 {
		text += sep + "users: " + g.users(groupNamesShown)
	}
	if g.Detail != "" {
		text += sep + g.Detail
	}
	return text
}

// where says where a diagnostic is: "file:line:col, Path".
func where(d diag.Diagnostic) string {
	var parts []string
	if d.Pos.File != "" {
		parts = append(parts, fmt.Sprintf("%s:%d:%d", untrusted.Name(d.Pos.File), d.Pos.Line, d.Pos.Column))
	}
	if d.Path != "" {
		parts = append(parts, d.Path)
	}
	return strings.Join(parts, ", ")
}
