package plan

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/mfactl/mfactl/internal/diag"
	"github.com/mfactl/mfactl/internal/rules"
	"github.com/mfactl/mfactl/internal/state"
)

// Policies are expanded into users before a pool is planned: each user a
// policy's selection listed gets the policy's settings, by these rules
// (docs/planning.md, "Policies", says the same for users):
//
//  1. A user named in the files wins over every policy.
//  2. A user several policies select gets the settings they agree on: every
//     block two of them declare must be the same, and together they may
//     prefer one factor at most; the user then gets all their blocks.
//  3. When two Group policies disagree, the group with the lower Cognito
//     Precedence wins (a group with one wins over a group with none), as
//     Cognito picks a member's IAM role; the plan says so. Two groups of
//     the same precedence, or a Group policy and another kind, that
//     disagree are an error naming the user and both policies.
//  4. A user who cannot take a factor a policy enables (no phone_number,
//     no email) is ineligible: left out and listed (Report), left out and
//     counted (Skip), or an error (Error). Whether a user registered an
//     authenticator cannot be read: a user whose TOTP is off is planned
//     anyway, counted as uncertain, and a refusal at apply counts as
//     ineligible under Report and Skip.

// PolicyOutcome is what one policy selected and what became of its users.
type PolicyOutcome struct {
	Name       string
	Select     state.Selection
	Ineligible state.Ineligible
	Pos        state.Pos `json:",omitzero"`
	// Selected counts the users the selection listed that exist.
	Selected int
	// Applied counts the users the policy's settings apply to: Changes of
	// them need a call, InSync do not.
	Applied, Changes, InSync int
	// Uncertain counts the users Applied whose TOTP is switched on while
	// Cognito cannot show whether they registered an authenticator.
	Uncertain int `json:",omitempty"`
	// DeclaredByName are selected users the files name: their entry wins.
	DeclaredByName []string `json:",omitempty"`
	// Overridden are selected users another Group policy wins for, by its
	// group's precedence.
	Overridden []Override `json:",omitempty"`
	// IneligibleUsers cannot take the policy's factor (Report, Error);
	// Skipped counts those left out silently (Skip).
	IneligibleUsers []IneligibleUser `json:",omitempty"`
	Skipped         int              `json:",omitempty"`
}

// Override is a set of users for whom policy By applies instead, because
// its group's precedence is lower.
type Override struct {
	By        string
	Usernames []string
}

// IneligibleUser is a user a policy selects who cannot take its factor.
type IneligibleUser struct {
	Username string
	Reason   string
}

// expansion is one pool's policies expanded.
type expansion struct {
	users    []state.DesiredUser // the users policies give settings to, by username
	outcomes []PolicyOutcome     // in declaration order
	diags    diag.List
}

// expandPolicies expands dp's policies against what was read for them.
func expandPolicies(dp state.DesiredPool, lp *state.LivePool) *expansion {
	x := &expansion{outcomes: make([]PolicyOutcome, len(dp.Policies))}
	if len(dp.Policies) == 0 {
		return x
	}
	named := make(map[string]bool, len(dp.Users))
	for _, u := range dp.Users {
		named[u.Username] = true
	}
	selectedBy := map[string][]int{}
	for i, pol := range dp.Policies {
		out := &x.outcomes[i]
		*out = PolicyOutcome{Name: pol.Name, Select: pol.Select, Ineligible: pol.Ineligible, Pos: pol.Pos}
		sel := lp.Selections[pol.Name]
		switch {
		case sel == nil:
			x.errorf("internal-error", pol.Pos, pol.Path, fmt.Sprintf("the selection of policy %s was not read", pol.Name),
				"mfactl cannot plan what it did not read; this is a bug, please report it")
			continue
		case pol.Select.Group != "" && !sel.GroupExists:
			pos, path := pol.PosOf("Select.Group"), pol.Path+".Select.Group"
			x.errorf("group-not-found", pos, path, fmt.Sprintf("group %s of policy %s does not exist in user pool %s", pol.Select.Group, pol.Name, dp.UserPoolId),
				"create the group first, or correct the name (group names are case-sensitive)")
			continue
		}
		for _, name := range sel.Usernames {
			if lu := lp.Users[name]; lu == nil || !lu.Exists {
				continue // deleted between listing and reading
			}
			out.Selected++
			if named[name] {
				out.DeclaredByName = append(out.DeclaredByName, name)
				continue
			}
			if prev := selectedBy[name]; len(prev) == 0 || prev[len(prev)-1] != i {
				selectedBy[name] = append(prev, i)
			}
		}
	}
	names := make([]string, 0, len(selectedBy))
	for name := range selectedBy {
		names = append(names, name)
	}
	sort.Strings(names)

	conflicts := map[[2]int][]string{}
	overrides := map[[2]int][]string{} // loser, winner → users
	ineligible := map[int][]IneligibleUser{}
	for _, name := range names {
		r := x.resolve(dp.Policies, lp.Selections, selectedBy[name])
		if r.conflict != nil {
			conflicts[*r.conflict] = append(conflicts[*r.conflict], name)
			continue
		}
		for _, o := range r.overridden {
			overrides[o] = append(overrides[o], name)
		}
		lu := lp.Users[name]
		mode := strictest(dp.Policies, r.policies)
		if why := cannotTake(r.settings, lu); why != "" {
			for _, i := range r.policies {
				switch mode {
				case state.IneligibleSkip:
					x.outcomes[i].Skipped++
				default:
					x.outcomes[i].IneligibleUsers = append(x.outcomes[i].IneligibleUsers, IneligibleUser{name, why})
				}
			}
			if mode == state.IneligibleError {
				ineligible[r.policies[0]] = append(ineligible[r.policies[0]], IneligibleUser{name, why})
			}
			continue
		}
		first := dp.Policies[r.policies[0]]
		du := state.DesiredUser{Username: name, Settings: r.settings, Ineligible: mode,
			Pos: first.Pos, Path: first.Path, Fields: first.Fields}
		for _, i := range r.policies {
			du.Policies = append(du.Policies, dp.Policies[i].Name)
			x.outcomes[i].Applied++
		}
		x.users = append(x.users, du)
	}
	x.report(dp, conflicts, overrides, ineligible)
	return x
}

// resolution is what applies to one user several policies may select.
type resolution struct {
	settings   state.UserSettings
	policies   []int    // the policies whose settings the user gets
	overridden [][2]int // loser, winner: Group policies precedence decided
	conflict   *[2]int  // two policies that disagree, when they cannot be reconciled
}

// resolve applies rules 2 and 3 to the policies (indexes, in declaration
// order) that select one user.
func (x *expansion) resolve(pols []state.Policy, sels map[string]*state.LiveSelection, idx []int) resolution {
	var groups, others []int
	for _, i := range idx {
		if pols[i].Select.Group != "" {
			groups = append(groups, i)
		} else {
			others = append(others, i)
		}
	}
	precedence := func(i int) *int { return sels[pols[i].Name].Precedence }
	sort.SliceStable(groups, func(a, b int) bool { return lowerPrecedence(precedence(groups[a]), precedence(groups[b])) })
	var r resolution
	for _, i := range append(groups, others...) {
		if len(r.policies) == 0 {
			r.settings, r.policies = pols[i].Settings.Copy(), []int{i}
			continue
		}
		if merged, ok := agree(r.settings, pols[i].Settings); ok {
			r.settings, r.policies = merged, append(r.policies, i)
			continue
		}
		winner := r.policies[0]
		if pols[i].Select.Group != "" && pols[winner].Select.Group != "" && lowerPrecedence(precedence(winner), precedence(i)) {
			r.overridden = append(r.overridden, [2]int{i, winner})
			continue
		}
		// The first of the policies it disagrees with is the one to name.
		for _, j := range r.policies {
			if _, ok := agree(pols[j].Settings, pols[i].Settings); !ok {
				winner = j
				break
			}
		}
		r.conflict = &[2]int{winner, i}
		return r
	}
	return r
}

// lowerPrecedence reports whether a group of precedence a wins over one of
// precedence b: a lower value wins, and any value wins over none.
func lowerPrecedence(a, b *int) bool {
	switch {
	case a == nil:
		return false
	case b == nil:
		return true
	}
	return *a < *b
}

// agree merges two policies' settings when every block both declare is the
// same and together they prefer one factor at most.
func agree(a, b state.UserSettings) (state.UserSettings, bool) {
	out := a.Copy()
	for _, f := range state.MFAFactors {
		va, vb := f.User(a), f.User(b)
		switch {
		case vb == nil:
		case va == nil:
			v := *vb
			f.SetUser(&out, &v)
		case *va != *vb:
			return a, false
		}
	}
	switch wa, wb := a.WebAuthnMfaSettings, b.WebAuthnMfaSettings; {
	case wb == nil:
	case wa == nil:
		v := *wb
		out.WebAuthnMfaSettings = &v
	case *wa != *wb:
		return a, false
	}
	if rules.MorePreferred(rules.User(""), out) != nil {
		return a, false
	}
	return out, true
}

// strictest is the Ineligible mode for a user several policies give
// settings to: Error over Report over Skip.
func strictest(pols []state.Policy, idx []int) state.Ineligible {
	mode := state.IneligibleSkip
	for _, i := range idx {
		switch pols[i].Ineligible {
		case state.IneligibleError:
			return state.IneligibleError
		case state.IneligibleReport, "":
			mode = state.IneligibleReport
		}
	}
	return mode
}

// cannotTake says why lu cannot take a factor s enables, or "" when
// nothing visible stands in the way.
func cannotTake(s state.UserSettings, lu *state.LiveUser) string {
	var why []string
	for _, f := range state.MFAFactors {
		v := f.User(s)
		switch {
		case v == nil || !v.Enabled:
		case !f.HasAttribute(lu):
			why = append(why, fmt.Sprintf("no %s for %s MFA", f.Attribute, f.Label))
		case f == state.TOTP && notRegistered(lu) && normalizeFactor(f.User(lu.Settings)) == nil:
			why = append(why, "no authenticator app registered for TOTP MFA")
		}
	}
	return strings.Join(why, "; ")
}

// report turns what the expansion found into diagnostics and outcomes.
func (x *expansion) report(dp state.DesiredPool, conflicts, overrides map[[2]int][]string, ineligible map[int][]IneligibleUser) {
	for _, pair := range sortedPairs(conflicts) {
		a, b := dp.Policies[pair[0]], dp.Policies[pair[1]]
		users := conflicts[pair]
		detail := "a user gets the settings of every policy that selects it, so they must agree: the same value in each block both declare, and one preferred factor at most; "
		if a.Select.Group != "" && b.Select.Group != "" {
			detail += fmt.Sprintf("groups %s and %s have the same Precedence in Cognito, so neither wins; give them different precedences, ", a.Select.Group, b.Select.Group)
		}
		detail += "narrow one selection, make the settings agree, or declare these users by name under Users (a named entry wins over every policy)"
		x.errorf("policies-disagree", b.Pos, b.Path, fmt.Sprintf("policies %s and %s disagree for %s: %s", a.Name, b.Name, countOf(len(users), "user", "users"), nameList(users)), detail)
	}
	for _, pair := range sortedPairs(overrides) {
		loser := &x.outcomes[pair[0]]
		loser.Overridden = append(loser.Overridden, Override{By: dp.Policies[pair[1]].Name, Usernames: overrides[pair]})
	}
	for i, users := range ineligible {
		pol := dp.Policies[i]
		names := make([]string, len(users))
		for k, u := range users {
			names[k] = u.Username + " (" + u.Reason + ")"
		}
		pos, path := pol.PosOf("Ineligible"), pol.Path+".Ineligible"
		x.errorf("policy-users-ineligible", pos, path, fmt.Sprintf("policy %s selects %s who cannot take its factor: %s", pol.Name, countOf(len(users), "user", "users"), nameList(names)),
			"give them the attribute the factor needs, or set Ineligible: Report (leave them out and list them) or Skip (leave them out and count them)")
	}
}

func (x *expansion) errorf(code string, pos state.Pos, path, summary, detail string) {
	x.diags = append(x.diags, diag.Diagnostic{Severity: diag.Error, Code: code, Pos: pos, Path: path, Summary: summary, Detail: detail})
}

func sortedPairs(m map[[2]int][]string) [][2]int {
	pairs := make([][2]int, 0, len(m))
	for p := range m {
		pairs = append(pairs, p)
	}
	slices.SortFunc(pairs, func(a, b [2]int) int {
		if a[0] != b[0] {
			return a[0] - b[0]
		}
		return a[1] - b[1]
	})
	return pairs
}
