package plan

import (
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mfactl/mfactl/internal/state"
	"github.com/mfactl/mfactl/plan/plantest"
)

// streamAll plans every user of l's streamed pools alone, in name order,
// as PlanApply does when the reads arrive, and returns the calls to make
// early and whether any user failed a check alone.
func streamAll(d state.Desired, l state.Live, opts Options) (early []Call, failed bool) {
	s := NewStreaming(d, l, opts)
	for _, dp := range d.Pools {
		lp := l.Pools[dp.UserPoolId]
		if lp == nil {
			continue
		}
		for _, name := range slices.Sorted(maps.Keys(lp.Users)) {
			f := s.User(dp.UserPoolId, lp.Users[name])
			if f.Call != nil {
				early = append(early, *f.Call)
			}
			failed = failed || len(f.Errors) > 0
		}
	}
	return early, failed
}

// Over every scenario of fixtures/plans: what a user planned alone says
// agrees with the plan of every read. A call made early is in that plan,
// unchanged; a user who fails a check alone fails the whole plan.
func TestFragmentsAgreeWithTheWholePlan(t *testing.T) {
	t.Chdir("..")
	streamed := 0
	for _, dir := range plantest.Scenarios(t) {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			d, l, o := plantest.LoadScenario(t, dir)
			opts := Options{ResendWriteOnly: o.ResendWriteOnly}
			early, failed := streamAll(d, l, opts)
			p := Build(d, l, opts)
			if failed && !p.Diagnostics.HasErrors() {
				t.Fatal("a user failed a check alone, the whole plan did not")
			}
			if p.Diagnostics.HasErrors() {
				return // PlanApply stops: nothing is placed
			}
			if _, err := Placed(p, early); err != nil {
				t.Fatal(err)
			}
			streamed += len(early)
		})
	}
	if streamed == 0 {
		t.Fatal("no scenario made a call early: the test checks nothing")
	}
}

func TestStreamingLeavesPoolsThatChangeToTheWholePlan(t *testing.T) {
	totp := state.PoolConfig{MfaConfiguration: state.ModeOptional, SoftwareTokenMfaConfiguration: totpOn()}
	l := live(totp, withUsers(
		liveUser("alice", state.UserSettings{SoftwareTokenMfaSettings: enabled()}),
		liveUser("bob", state.UserSettings{SoftwareTokenMfaSettings: enabled()}),
	))
	alice := l.Pools[poolID].Users["alice"]

	// The pool as it is: alice's call can go now, and it is the plan's.
	d := desiredPool(totp, user("alice", state.UserSettings{SoftwareTokenMfaSettings: preferred()}),
		user("bob", state.UserSettings{SoftwareTokenMfaSettings: enabled()}))
	s := NewStreaming(d, l, Options{})
	f := s.User(poolID, alice)
	if !s.Streams(poolID) || f.Call == nil || f.Call.Username != "alice" || f.Call.Stage != StageUsers {
		t.Fatalf("fragment %+v", f)
	}
	if got := s.User(poolID, l.Pools[poolID].Users["bob"]); got.Call != nil || got.Errors != nil {
		t.Errorf("bob is in sync: fragment %+v", got)
	}
	if _, err := Placed(Build(d, l, Options{}), []Call{*f.Call}); err != nil {
		t.Error(err)
	}

	// The pool changes: its users wait for the whole plan and its stages.
	on := totp
	on.MfaConfiguration = state.ModeOn
	s = NewStreaming(desiredPool(on, user("alice", state.UserSettings{SoftwareTokenMfaSettings: preferred()})), l, Options{})
	if s.Streams(poolID) || s.User(poolID, alice).Call != nil {
		t.Error("a pool the plan changes is streamed")
	}

	// A user who alone needs the pool changed (moved off a factor under
	// ON) stops the pool's streaming: later users wait too.
	lOn := live(state.PoolConfig{MfaConfiguration: state.ModeOn, SoftwareTokenMfaConfiguration: totpOn(), SmsMfaConfiguration: smsOn()}, withUsers(
		liveUser("carol", state.UserSettings{SMSMfaSettings: enabled(), SoftwareTokenMfaSettings: enabled()}),
		liveUser("dave", state.UserSettings{SoftwareTokenMfaSettings: enabled()}),
	))
	dOn := desiredPool(state.PoolConfig{MfaConfiguration: state.ModeOn, SoftwareTokenMfaConfiguration: totpOn(), SmsMfaConfiguration: smsOn()},
		user("carol", state.UserSettings{SMSMfaSettings: disabled(), SoftwareTokenMfaSettings: preferred()}),
		user("dave", state.UserSettings{SoftwareTokenMfaSettings: preferred()}))
	s = NewStreaming(dOn, lOn, Options{})
	if !s.Streams(poolID) {
		t.Fatal("a pool left alone is not streamed")
	}
	if f := s.User(poolID, lOn.Pools[poolID].Users["carol"]); f.Call != nil {
		t.Errorf("carol's call needs the pool OPTIONAL first: %+v", f.Call)
	}
	if f := s.User(poolID, lOn.Pools[poolID].Users["dave"]); f.Call != nil || s.Streams(poolID) {
		t.Errorf("after carol, dave waits for the whole plan: %+v", f.Call)
	}

	// Read the other way round, dave's call goes before carol shows the
	// pool must go OPTIONAL: the whole plan puts it after that pool call,
	// unchanged. It never needed the pool changed (preferring a factor the
	// user has works under ON), which planning him alone checked.
	s = NewStreaming(dOn, lOn, Options{})
	f = s.User(poolID, lOn.Pools[poolID].Users["dave"])
	if f.Call == nil {
		t.Fatal("dave, read first, waits")
	}
	s.User(poolID, lOn.Pools[poolID].Users["carol"])
	p := Build(dOn, lOn, Options{})
	idx, err := Placed(p, []Call{*f.Call})
	if err != nil || p.Calls[0].PoolRequest == nil || p.Calls[0].PoolRequest.MfaConfiguration != state.ModeOptional || idx[0] == 0 {
		t.Fatalf("placed at %v (%v) in %s", idx, err, callSummary(p))
	}
}

func TestAUserWhoFailsAloneStopsTheStream(t *testing.T) {
	totp := state.PoolConfig{MfaConfiguration: state.ModeOptional, SoftwareTokenMfaConfiguration: totpOn()}
	l := live(totp)
	d := desiredPool(totp, user("zed", state.UserSettings{SoftwareTokenMfaSettings: preferred()}))
	f := NewStreaming(d, l, Options{}).User(poolID, &state.LiveUser{Username: "zed"})
	if f.Call != nil || len(f.Errors) != 1 || f.Errors[0].Code != "user-not-found" {
		t.Fatalf("fragment %+v", f)
	}
}

func TestPlacedRefusesACallThePlanDoesNotMake(t *testing.T) {
	totp := state.PoolConfig{MfaConfiguration: state.ModeOptional, SoftwareTokenMfaConfiguration: totpOn()}
	l := live(totp, withUsers(liveUser("alice", state.UserSettings{SoftwareTokenMfaSettings: enabled()})))
	p := Build(desiredPool(totp, user("alice", state.UserSettings{SoftwareTokenMfaSettings: preferred()})), l, Options{})
	other := p.Calls[0]
	other.UserRequest = &state.UserSettings{SoftwareTokenMfaSettings: disabled()}
	if _, err := Placed(p, []Call{other}); err == nil || !strings.Contains(err.Error(), "alice") {
		t.Errorf("a changed request was placed: %v", err)
	}
	gone := p.Calls[0]
	gone.Username = "bob"
	if _, err := Placed(p, []Call{gone}); err == nil {
		t.Error("a call for a user the plan does not write was placed")
	}
	if idx, err := Placed(p, []Call{p.Calls[0]}); err != nil || !slices.Equal(idx, []int{0}) {
		t.Errorf("Placed = %v, %v", idx, err)
	}
}
