package plan

import (
	"fmt"
	"strings"

	"github.com/mfactl/mfactl/internal/diag"
)

// HasChanges reports whether applying p would call Cognito.
func (p *Plan) HasChanges() bool { return len(p.Calls) > 0 }

// CallCounts returns how many calls p makes of each operation.
func (p *Plan) CallCounts() map[Operation]int {
	counts := map[Operation]int{}
	for _, c := range p.Calls {
		counts[c.Operation]++
	}
	return counts
}

// UsersInSync returns how many declared users need no call.
func (p *Plan) UsersInSync() int {
	n := 0
	for _, pc := range p.Pools {
		n += pc.UsersInSync
	}
	return n
}

// PoolsInSync returns how many pools need no call at all.
func (p *Plan) PoolsInSync() int {
	n := 0
	for _, pc := range p.Pools {
		if pc.InSync() {
			n++
		}
	}
	return n
}

// InSync reports whether neither the pool nor any of its declared users
// changes.
func (pc PoolChange) InSync() bool { return pc.Desired == nil && len(pc.Users) == 0 }

// Summary is the one-line outcome of a plan, e.g.
// "Plan: 1 SetUserPoolMfaConfig, 12 AdminSetUserMFAPreference calls; 88 users in sync."
func (p *Plan) Summary() string {
	if errs, warns := p.diagnosticCounts(); errs > 0 {
		counts := plural(errs, "error")
		if warns > 0 {
			counts += ", " + plural(warns, "warning")
		}
		return fmt.Sprintf("Plan failed: %s. Nothing will be changed.", counts)
	}
	if !p.HasChanges() {
		return fmt.Sprintf("No changes. %s and %s in sync.", plural(len(p.Pools), "pool"), plural(p.UsersInSync(), "user"))
	}
	counts := p.CallCounts()
	var parts []string
	for _, op := range []Operation{SetUserPoolMfaConfig, AdminSetUserMFAPreference} {
		if counts[op] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", counts[op], op))
		}
	}
	calls := "calls"
	if len(p.Calls) == 1 {
		calls = "call"
	}
	return fmt.Sprintf("Plan: %s %s; %s in sync.", strings.Join(parts, ", "), calls, plural(p.UsersInSync(), "user"))
}

func (p *Plan) diagnosticCounts() (errs, warns int) {
	for _, d := range p.Diagnostics {
		if d.Severity == diag.Error {
			errs++
		} else {
			warns++
		}
	}
	return errs, warns
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
