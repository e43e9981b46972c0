package usecase

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/mfactl/mfactl/apply"
	"github.com/mfactl/mfactl/internal/state"
	"github.com/mfactl/mfactl/plan"
)

// countHooks counts the calls it is told about.
type countHooks struct {
	mu    sync.Mutex
	posts int
}

func (h *countHooks) PreCall(int, plan.Call) {}
func (h *countHooks) PostCall(int, plan.Call, error, time.Duration) {
	h.mu.Lock()
	h.posts++
	h.mu.Unlock()
}

// In a pool the plan leaves alone, PlanApply makes the user's call while
// reading, reads the user back after it, shows the whole plan once and
// tells the hooks it returns of the call made before (a progress bar
// counts it).
func TestPlanApplyMakesAUsersCallBeforeThePlanIsComplete(t *testing.T) {
	f, connects := newFake(), 0
	s := sessionOf(f, &connects)
	file := writeFile(t, desiredYAML)
	if _, applied, err := s.PlanApply(context.Background(), PlanOptions{Files: []string{file}}, ApplyOptions{},
		func(*Planned) apply.Hooks { return nil }); err != nil || !applied.Verification.OK() {
		t.Fatalf("first apply: %v %+v", err, applied)
	}
	// Someone turns alice's SMS off again: the pool stays as it is.
	alice := *f.live.Users["alice"]
	alice.Settings.SMSMfaSettings = &state.FactorSettings{}
	f.live.Users["alice"] = &alice
	f.writes, f.userReads = nil, nil

	// bob is read only once alice's call was made: it must not wait for
	// the plan, which needs bob's read.
	f.readAfter = map[string]string{"bob": "user alice"}
	hooks := &countHooks{}
	var shown []*Planned
	planned, applied, err := s.PlanApply(context.Background(), PlanOptions{Files: []string{file}}, ApplyOptions{},
		func(p *Planned) apply.Hooks {
			shown = append(shown, p)
			return hooks
		})
	if len(f.readsGaveUp) > 0 {
		t.Errorf("%v: the read waited for alice's call until it gave up: the call waited for the plan", f.readsGaveUp)
	}
	if err != nil || len(shown) != 1 || shown[0] != planned || len(planned.Plan.Calls) != 1 {
		t.Fatalf("PlanApply: %v; shown %d times; plan %+v", err, len(shown), planned)
	}
	if !applied.Result.OK() || applied.Result.Calls[0].Outcome != apply.Applied || !applied.Verification.OK() {
		t.Fatalf("applied %+v", applied)
	}
	if !slices.Equal(f.writes, []string{"user alice"}) || hooks.posts != 1 {
		t.Errorf("writes %v, hooks told of %d; want alice's once", f.writes, hooks.posts)
	}
	slices.Sort(f.userReads)
	if want := []string{"alice", "alice", "bob"}; !slices.Equal(f.userReads, want) {
		t.Errorf("user reads %v; want %v: N to plan, alice again after her call", f.userReads, want)
	}
}

// A pool the plan changes keeps its stages: nothing is written before
// the whole plan is shown.
func TestPlanApplyKeepsTheStagesOfAPoolThatChanges(t *testing.T) {
	f, connects := newFake(), 0
	s := sessionOf(f, &connects)
	file := writeFile(t, desiredYAML) // the pool goes OFF -> OPTIONAL with SMS
	_, applied, err := s.PlanApply(context.Background(), PlanOptions{Files: []string{file}}, ApplyOptions{},
		func(*Planned) apply.Hooks {
			f.mu.Lock()
			defer f.mu.Unlock()
			if len(f.writes) != 0 {
				t.Errorf("written before the plan was shown: %v", f.writes)
			}
			return nil
		})
	if err != nil || !applied.Verification.OK() {
		t.Fatalf("%v %+v", err, applied)
	}
	if want := []string{"pool " + poolID, "user alice"}; !slices.Equal(f.writes, want) {
		t.Errorf("writes %v; want %v", f.writes, want)
	}
}
