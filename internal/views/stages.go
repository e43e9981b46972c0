package views

import (
	"fmt"
	"strings"

	"github.com/mfactl/mfactl/plan"
)

// poolStages is one pool's calls, stage by stage, as the compact plan
// summarises them.
type poolStages struct {
	pool   string
	stages []*stageCalls
}

// stageCalls is the calls of one stage of one pool.
type stageCalls struct {
	stage  int
	ops    []plan.Operation // in order of first call
	count  map[plan.Operation]int
	reason string // a pool call's reason; user calls' reasons are in the full list
}

// counts says what the stage calls: "SetUserPoolMfaConfig", "200 AdminSetUserMFAPreference".
func (s *stageCalls) counts() string {
	parts := make([]string, len(s.ops))
	for i, op := range s.ops {
		if n := s.count[op]; n == 1 {
			parts[i] = string(op)
		} else {
			parts[i] = fmt.Sprintf("%d %s", n, op)
		}
	}
	return strings.Join(parts, ", ")
}

// markdownCounts is counts for Markdown: "`SetUserPoolMfaConfig`", "200 × `AdminSetUserMFAPreference`".
func (s *stageCalls) markdownCounts() string {
	parts := make([]string, len(s.ops))
	for i, op := range s.ops {
		parts[i] = mdCode(string(op))
		if n := s.count[op]; n > 1 {
			parts[i] = fmt.Sprintf("%d × %s", n, parts[i])
		}
	}
	return strings.Join(parts, ", ")
}

// callStages groups calls by pool (in order of first call) and stage.
func callStages(calls []plan.Call) []*poolStages {
	var out []*poolStages
	byPool := map[string]*poolStages{}
	for _, c := range calls {
		ps := byPool[c.UserPoolId]
		if ps == nil {
			ps = &poolStages{pool: c.UserPoolId}
			byPool[c.UserPoolId] = ps
			out = append(out, ps)
		}
		var st *stageCalls
		if n := len(ps.stages); n > 0 && ps.stages[n-1].stage == c.Stage {
			st = ps.stages[n-1]
		} else {
			st = &stageCalls{stage: c.Stage, count: map[plan.Operation]int{}}
			ps.stages = append(ps.stages, st)
		}
		if st.count[c.Operation] == 0 {
			st.ops = append(st.ops, c.Operation)
		}
		st.count[c.Operation]++
		if (c.Operation == plan.SetUserPoolMfaConfig || c.Operation == plan.UpdateUserPool) && st.reason == "" {
			st.reason = c.Reason
		}
	}
	return out
}
