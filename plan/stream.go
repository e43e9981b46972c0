package plan

import (
	"fmt"
	"reflect"
	"sync"

	"github.com/mfactl/mfactl/internal/diag"
	"github.com/mfactl/mfactl/internal/state"
)

// Streaming plans users one at a time, as their reads arrive, for the pools
// whose own plan makes no call: there, a user's call depends on nothing
// but the pool as read and that user, so it can be made while the other
// users are still being read. Each user's Fragment is a value, as the
// plan is; Build over every read still makes the whole plan, which must
// hold every call made early unchanged (Placed).
//
// A pool is streamed when it is found, its configuration is fully
// readable, it declares no policies and no LegacyMfaOptions: Migrate
// (their users are known only once listed), and its plan without users
// makes no call. Streaming stops for a pool as soon as one user's plan
// alone needs the pool changed around the user calls: from then on that
// pool's users wait for the whole plan and its stage order.
type Streaming struct {
	opts Options

	mu    sync.Mutex
	pools map[string]*streamPool
}

type streamPool struct {
	dp    state.DesiredPool
	lp    state.LivePool // the pool as read, without users
	users map[string]state.DesiredUser
	off   bool // a user needed the pool changed: stream no more
}

// Fragment is one user's part of the plan, planned alone.
type Fragment struct {
	// Call is the user's call, when it can be made now: the whole plan
	// will make it unchanged, in a stage that no pool call precedes.
	Call *Call
	// Errors are the checks the user fails alone: the whole plan will
	// fail its checks and make no call.
	Errors diag.List
}

// NewStreaming returns the streaming planner of desired's pools, with live
// holding the pools as read (their users are not needed).
func NewStreaming(desired state.Desired, live state.Live, opts Options) *Streaming {
	s := &Streaming{opts: opts, pools: map[string]*streamPool{}}
	for _, dp := range desired.Pools {
		lp := live.Pools[dp.UserPoolId]
		if !Streamable(dp) || lp == nil || !lp.Exists {
			continue
		}
		sp := &streamPool{dp: dp, lp: *lp, users: make(map[string]state.DesiredUser, len(dp.Users))}
		sp.lp.Users = map[string]*state.LiveUser{}
		alone := dp
		alone.Users = nil
		if pp := newPoolPlan(alone, &sp.lp, opts); pp.diags.HasErrors() || len(pp.calls) > 0 {
			continue
		}
		for _, du := range dp.Users {
			sp.users[du.Username] = du
		}
		s.pools[dp.UserPoolId] = sp
	}
	return s
}

// Streamable says whether a pool's users can be planned one by one at all,
// from its declaration alone (NewStreaming decides with its live state).
func Streamable(dp state.DesiredPool) bool {
	return !dp.Self && len(dp.Policies) == 0 && dp.LegacyMfaOptions != state.LegacyMigrate
}

// Streams reports whether the users of pool poolID are planned one by one.
func (s *Streaming) Streams(poolID string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	sp := s.pools[poolID]
	return sp != nil && !sp.off
}

// User plans the user u of pool poolID alone. It is safe for concurrent
// use. The zero Fragment: nothing to do now (in sync, or the user waits
// for the whole plan).
func (s *Streaming) User(poolID string, u *state.LiveUser) Fragment {
	// One at a time: planning shares the pool's live state, and a user
	// planned alone costs microseconds against a read's milliseconds.
	s.mu.Lock()
	defer s.mu.Unlock()
	sp := s.pools[poolID]
	if sp == nil || sp.off {
		return Fragment{}
	}
	du, declared := sp.users[u.Username]
	if !declared {
		return Fragment{}
	}
	dp := sp.dp
	dp.Users = []state.DesiredUser{du}
	lp := sp.lp
	lp.Users = map[string]*state.LiveUser{u.Username: u}
	pp := newPoolPlan(dp, &lp, s.opts)
	if pp.diags.HasErrors() {
		var errs diag.List
		for _, d := range pp.diags {
			if d.Severity == diag.Error {
				errs = append(errs, d)
			}
		}
		return Fragment{Errors: errs}
	}
	for _, c := range pp.calls {
		if c.Username == "" { // the user alone needs the pool changed
			sp.off = true
			return Fragment{}
		}
	}
	if len(pp.calls) != 1 {
		return Fragment{}
	}
	c := pp.calls[0]
	if c.Stage != StageUsers || c.Operation != AdminSetUserMFAPreference || c.Uncertain != "" || c.LegacyMigration {
		return Fragment{}
	}
	return Fragment{Call: &c}
}

// Placed finds each call made early in p, the plan built from every read,
// and returns their indexes in p.Calls. A call p does not make exactly so
// is an error: what was made early is no longer the plan.
func Placed(p *Plan, made []Call) ([]int, error) {
	type key struct {
		pool, user string
		op         Operation
	}
	at := make(map[key]int, len(p.Calls))
	for i, c := range p.Calls {
		if c.Username != "" {
			at[key{c.UserPoolId, c.Username, c.Operation}] = i
		}
	}
	out := make([]int, len(made))
	for k, c := range made {
		i, ok := at[key{c.UserPoolId, c.Username, c.Operation}]
		if !ok || !reflect.DeepEqual(p.Calls[i], c) {
			return nil, fmt.Errorf("the plan of every user read no longer makes the %s call already made for user %s of %s", c.Operation, c.Username, c.UserPoolId)
		}
		out[k] = i
	}
	return out, nil
}
