package plan

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/mfactl/mfactl/internal/state"
)

// InconsistentError refuses a plan file whose calls or changes are not the
// ones Build makes from what the file itself records. Differences says
// what differs, one line each.
type InconsistentError struct {
	Differences []string
	More        int // differences not listed
}

// differencesShown is how many differences the error lists.
const differencesShown = 10

func (e *InconsistentError) Error() string {
	var b strings.Builder
	b.WriteString("the plan file does not do what it records: its calls are not the ones its own desired state makes against live state (it was edited after it was made, or by another tool); nothing was sent")
	for _, d := range e.Differences {
		b.WriteString("\n  ")
		b.WriteString(d)
	}
	if e.More > 0 {
		fmt.Fprintf(&b, "\n  … and %d more", e.More)
	}
	b.WriteString("\nRun `mfactl plan` again to make a new plan.")
	return b.String()
}

// CheckRebuild builds p again from what it records, its desired state
// (Targets) and Options, against live (read again before applying), and
// returns an *InconsistentError unless the result is p: the same calls in
// the same order, each with the same operation, target, stage, reason,
// request and secret source, and the same reviewable changes. With it, a
// plan file that passes does exactly what its review form shows for the
// desired state it records; the fingerprints only have to tell that live
// state is still the one it was made from. Call it before ResolveSecrets.
func CheckRebuild(p *Plan, live state.Live) error {
	again := Rebuild(p, live)
	var diffs []string
	if again.Diagnostics.HasErrors() {
		for _, d := range again.Diagnostics {
			if d.Severity == "error" {
				diffs = append(diffs, "its desired state fails a check against live state: "+d.Summary)
			}
		}
	}
	diffs = append(diffs, diffCalls(p.Calls, again.Calls)...)
	diffs = append(diffs, diffChanges(p.Pools, again.Pools)...)
	if len(diffs) == 0 {
		return nil
	}
	e := &InconsistentError{Differences: diffs}
	if len(diffs) > differencesShown {
		e.Differences, e.More = diffs[:differencesShown], len(diffs)-differencesShown
	}
	return e
}

// Rebuild is the plan p's own declared state and options make against
// live, with its secrets' sources in place: what CheckRebuild compares p with.
func Rebuild(p *Plan, live state.Live) *Plan {
	desired := p.DeclaredState()
	placeSecrets(&desired, p.Targets, live)
	return Build(desired, live, p.Options)
}

// placeSecrets gives each declared secret that a plan file leaves out a
// value that makes Build choose the same source: the pool's current value
// for SecretFromLive, and for SecretFromFiles a stand-in that differs from
// it (the marker itself; requests are compared masked).
func placeSecrets(d *state.Desired, targets []Target, live state.Live) {
	source := map[string]SecretSource{}
	for _, t := range targets {
		if t.Username == "" {
			source[t.UserPoolId] = t.DesiredSecret
		}
	}
	for i := range d.Pools {
		dp := &d.Pools[i]
		if !hasSmsRole(&dp.Config) || externalID(&dp.Config) != "" {
			continue
		}
		switch source[dp.UserPoolId] {
		case SecretFromLive:
			setExternalID(&dp.Config, liveExternalID(live.Pools[dp.UserPoolId]))
		case SecretFromFiles:
			setExternalID(&dp.Config, string(SecretFromFiles))
		}
	}
}

// diffCalls compares the calls of a plan file with the ones expected, in
// their JSON form (requests with secrets masked by source).
func diffCalls(got, want []Call) []string {
	var diffs []string
	if len(got) != len(want) {
		diffs = append(diffs, fmt.Sprintf("the file has %d calls; its desired state makes %d", len(got), len(want)))
	}
	for i := range max(len(got), len(want)) {
		switch {
		case i >= len(got):
			diffs = append(diffs, fmt.Sprintf("call %d is missing: expected %s", i+1, callText(want[i])))
		case i >= len(want):
			diffs = append(diffs, fmt.Sprintf("call %d is not expected: %s", i+1, callText(got[i])))
		case callText(got[i]) != callText(want[i]):
			diffs = append(diffs, fmt.Sprintf("call %d differs: the file has %s; expected %s", i+1, callText(got[i]), callText(want[i])))
		}
	}
	return diffs
}

// callText is a call's JSON form, on one line.
func callText(c Call) string {
	b, err := c.MarshalJSON()
	if err != nil {
		return fmt.Sprintf("%s for %s (%v)", c.Operation, c.UserPoolId, err)
	}
	return string(b)
}

// diffChanges compares the reviewable changes, leaving out where in the
// files each was declared (a plan file does not record the files).
func diffChanges(got, want []PoolChange) []string {
	text := func(pcs []PoolChange) []string {
		var out []string
		for _, pc := range pcs {
			pc.Pos = state.Pos{}
			pc.Policies = slices.Clone(pc.Policies)
			for i := range pc.Policies {
				pc.Policies[i].Pos = state.Pos{}
			}
			users := make([]UserChange, len(pc.Users))
			for i, u := range pc.Users {
				u.Pos = state.Pos{}
				users[i] = u
			}
			pc.Users = users
			b, _ := marshalNoEscape(pc)
			out = append(out, string(compact(b)))
		}
		return out
	}
	g, w := text(got), text(want)
	var diffs []string
	if len(g) != len(w) {
		diffs = append(diffs, fmt.Sprintf("the file shows changes for %d pools; its desired state makes %d", len(g), len(w)))
	}
	for i := range min(len(g), len(w)) {
		if g[i] != w[i] {
			diffs = append(diffs, fmt.Sprintf("the changes shown for pool %s differ from the ones its desired state makes (the file has %s; expected %s)", got[i].UserPoolId, g[i], w[i]))
		}
	}
	return diffs
}

func compact(b []byte) []byte {
	var out bytes.Buffer
	if err := json.Compact(&out, b); err != nil {
		return b
	}
	return out.Bytes()
}
