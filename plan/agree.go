package plan

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/mfactl/mfactl/internal/state"
)

// DisagreeError refuses files given with a plan file (apply PLANFILE -f)
// that declare something else than the plan was made from. Such files
// only supply the secrets a plan file does not hold; taking the secret of
// files that declare, say, another SMS role would pair the reviewed role
// with another role's ExternalId without a word.
type DisagreeError struct {
	Differences []string
	More        int
}

func (e *DisagreeError) Error() string {
	var b strings.Builder
	b.WriteString("the files given with -f do not declare what the plan file was made from; with a plan file, -f only supplies the secrets the plan does not hold, so give the files that made the plan; nothing was sent")
	for _, d := range e.Differences {
		b.WriteString("\n  ")
		b.WriteString(d)
	}
	if e.More > 0 {
		fmt.Fprintf(&b, "\n  … and %d more", e.More)
	}
	return b.String()
}

// CheckFilesAgree returns a *DisagreeError unless files declare what p
// records it was made from (DeclaredState), the SMS ExternalId's value
// aside: the same pools with the same configuration, policies and legacy
// migration, and the same users with the same settings. For a partial
// plan, files may declare more than its targets. A self-service plan
// takes no secret, so any files do.
func CheckFilesAgree(p *Plan, files state.Desired) error {
	if p.SelfService != nil {
		return nil
	}
	partial := len(p.Partial) > 0
	recorded := p.DeclaredState()
	given := map[string]state.DesiredPool{}
	for _, dp := range files.Pools {
		given[dp.UserPoolId] = dp
	}
	var diffs []string
	for _, rp := range recorded.Pools {
		fp, ok := given[rp.UserPoolId]
		if !ok {
			diffs = append(diffs, fmt.Sprintf("user pool %s: the plan changes it; the files do not declare it", rp.UserPoolId))
			continue
		}
		delete(given, rp.UserPoolId)
		for _, field := range poolFieldsThatDiffer(rp.Config, fp.Config) {
			diffs = append(diffs, fmt.Sprintf("user pool %s: %s differs", rp.UserPoolId, field))
		}
		if rp.LegacyMfaOptions != fp.LegacyMfaOptions {
			diffs = append(diffs, fmt.Sprintf("user pool %s: LegacyMfaOptions is %q in the plan, %q in the files", rp.UserPoolId, rp.LegacyMfaOptions, fp.LegacyMfaOptions))
		}
		if !samePolicies(rp.Policies, fp.Policies) {
			diffs = append(diffs, fmt.Sprintf("user pool %s: its Policies differ", rp.UserPoolId))
		}
		// A declared user with a legacy entry gets the migration's settings
		// in the plan (see addMigratedUsers): its declaration is not kept.
		migrated := map[string]bool{}
		for _, pc := range p.Pools {
			if pc.UserPoolId == rp.UserPoolId && pc.LegacyMigration != nil {
				for _, name := range pc.LegacyMigration.Declared {
					migrated[name] = true
				}
			}
		}
		declared := map[string]state.DesiredUser{}
		for _, du := range fp.Users {
			declared[du.Username] = du
		}
		for _, ru := range rp.Users {
			du, ok := declared[ru.Username]
			delete(declared, ru.Username)
			switch {
			case !ok:
				diffs = append(diffs, fmt.Sprintf("user %s of %s: in the plan; not in the files", ru.Username, rp.UserPoolId))
			case migrated[ru.Username]:
			case !sameJSON(ru.Settings, du.Settings) || !sameJSON(ru.MFAOptions, du.MFAOptions):
				diffs = append(diffs, fmt.Sprintf("user %s of %s: its settings differ", ru.Username, rp.UserPoolId))
			}
		}
		if !partial {
			for _, name := range slices.Sorted(maps.Keys(declared)) {
				diffs = append(diffs, fmt.Sprintf("user %s of %s: in the files; not in the plan", name, rp.UserPoolId))
			}
		}
	}
	if !partial {
		for _, id := range slices.Sorted(maps.Keys(given)) {
			diffs = append(diffs, fmt.Sprintf("user pool %s: in the files; not in the plan", id))
		}
	}
	if len(diffs) == 0 {
		return nil
	}
	e := &DisagreeError{Differences: diffs}
	if len(diffs) > differencesShown {
		e.Differences, e.More = diffs[:differencesShown], len(diffs)-differencesShown
	}
	return e
}

// poolFieldsThatDiffer names the top-level fields of two declared pool
// configurations that differ, the ExternalId's value left out.
func poolFieldsThatDiffer(a, b state.PoolConfig) []string {
	fields := func(c state.PoolConfig) map[string]json.RawMessage {
		c = copyPool(c)
		maskSecret(&c, "")
		var m map[string]json.RawMessage
		raw, _ := json.Marshal(c)
		_ = json.Unmarshal(raw, &m)
		return m
	}
	fa, fb := fields(a), fields(b)
	var out []string
	for _, k := range slices.Sorted(maps.Keys(maps.Collect(func(yield func(string, bool) bool) {
		for k := range fa {
			yield(k, true)
		}
		for k := range fb {
			yield(k, true)
		}
	}))) {
		if string(fa[k]) != string(fb[k]) {
			out = append(out, k)
		}
	}
	return out
}

func samePolicies(recorded, declared []state.Policy) bool {
	if len(recorded) != len(declared) {
		return false
	}
	for i := range recorded {
		r, d := recorded[i], declared[i]
		if r.Name != d.Name || r.Select != d.Select || r.Ineligible != d.Ineligible || !sameJSON(r.Settings, d.Settings) {
			return false
		}
	}
	return true
}

func sameJSON(a, b any) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}
