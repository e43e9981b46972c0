package apply

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/mfactl/mfactl/apply/applytest"
	"github.com/mfactl/mfactl/plan"
)

// waitStarted waits until e has started n calls.
func waitStarted(t *testing.T, e *Early, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for len(e.Started()) < n {
		if time.Now().After(deadline) {
			t.Fatalf("%d calls started, want %d", len(e.Started()), n)
		}
		time.Sleep(time.Millisecond)
	}
}

// earlyHooks records the plan's calls as recordingHooks does, and counts
// the early ones (index -1) apart.
type earlyHooks struct {
	*recordingHooks
	mu             sync.Mutex
	preEarly, post int
}

func (h *earlyHooks) PreCall(i int, c plan.Call) {
	if i >= 0 {
		h.recordingHooks.PreCall(i, c)
		return
	}
	h.mu.Lock()
	h.preEarly++
	h.mu.Unlock()
}

func (h *earlyHooks) PostCall(i int, c plan.Call, err error, d time.Duration) {
	if i >= 0 {
		h.recordingHooks.PostCall(i, c, err, d)
		return
	}
	h.mu.Lock()
	h.post++
	h.mu.Unlock()
}

// made returns the plan indexes of the calls e started.
func made(t *testing.T, p *plan.Plan, e *Early) []int {
	t.Helper()
	var idx []int
	for _, c := range e.Started() {
		i := slices.IndexFunc(p.Calls, func(pc plan.Call) bool { return applytest.Key(pc) == applytest.Key(c) })
		if i < 0 {
			t.Fatalf("%s is not in the plan", applytest.Key(c))
		}
		idx = append(idx, i)
	}
	return idx
}

// Calls made early are not made again; the plan's next stage waits for
// those still in flight; the result is the plan's, with the hooks told of
// every call once.
func TestRunCompletesAnEarlyRun(t *testing.T) {
	p := applytest.Plan(applytest.Pool{ID: "eu-west-1_A", Narrow: true, Users: applytest.Users("a", 10)})
	fake := newFake()
	slow := applytest.Key(p.Calls[1])
	fake.block[slow] = make(chan struct{})
	hooks := &earlyHooks{recordingHooks: newRecordingHooks()}
	e := NewEarly(context.Background(), fake, Options{Concurrency: 2, Hooks: hooks})
	for _, c := range p.Calls[0:4] { // the first four users' calls
		e.Add(c)
	}
	waitStarted(t, e, 4)
	e.Stop()
	if hooks.preEarly != 4 {
		t.Fatalf("PreCall for early calls: %d, want 4 with index -1", hooks.preEarly)
	}
	go func() {
		time.Sleep(20 * time.Millisecond)
		close(fake.block[slow])
	}()
	r := runWithTimeout(t, context.Background(), p, fake, Options{Hooks: hooks, Early: e, Made: made(t, p, e)})

	if !r.OK() || len(r.Calls) != len(p.Calls) {
		t.Fatalf("OK %v, %d results for %d calls", r.OK(), len(r.Calls), len(p.Calls))
	}
	got := fake.startedKeys()
	var want []string
	for _, c := range p.Calls {
		want = append(want, applytest.Key(c))
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("calls made:\n got %v\nwant %v (each once)", got, want)
	}
	for i, c := range r.Calls {
		if c.Index != i || c.Outcome != Applied {
			t.Errorf("result %d: index %d, %v", i, c.Index, c.Outcome)
		}
	}
	// The narrow stage starts after the slow early call has ended.
	var slowEnd, narrowStart int
	for _, ev := range fake.events {
		if ev.key == slow && !ev.start {
			slowEnd = ev.seq
		}
		if ev.stage == plan.StageNarrowPool && ev.start {
			narrowStart = ev.seq
		}
	}
	if narrowStart < slowEnd {
		t.Errorf("the narrow stage started (event %d) before an early call of the users' stage ended (event %d)", narrowStart, slowEnd)
	}
	if len(hooks.recordingHooks.post) != len(p.Calls)-4 || hooks.post != 4 {
		t.Errorf("PostCall for %d plan indexes and %d early calls, want %d and 4", len(hooks.recordingHooks.post), hooks.post, len(p.Calls)-4)
	}
}

// An early call that fails holds back the plan's later stages of its pool,
// as a failure within the stage does.
func TestAFailedEarlyCallStopsLaterStages(t *testing.T) {
	p := applytest.Plan(applytest.Pool{ID: "eu-west-1_A", Narrow: true, Users: applytest.Users("a", 3)})
	fake := newFake()
	fake.fail[applytest.Key(p.Calls[0])] = errors.New("boom")
	e := NewEarly(context.Background(), fake, Options{})
	e.Add(p.Calls[0])
	waitStarted(t, e, 1)
	e.Stop()
	r := runWithTimeout(t, context.Background(), p, fake, Options{Early: e, Made: made(t, p, e)})
	if r.OK() || r.Calls[0].Outcome != Failed || r.Calls[3].Outcome != NotStarted {
		t.Fatalf("outcomes: %v %v %v %v", r.Calls[0].Outcome, r.Calls[1].Outcome, r.Calls[2].Outcome, r.Calls[3].Outcome)
	}
	if r.Calls[1].Outcome != Applied || r.Calls[2].Outcome != Applied {
		t.Errorf("the rest of the failed call's stage goes on: %v %v", r.Calls[1].Outcome, r.Calls[2].Outcome)
	}
}

// Wait, for a plan that will not run: what was made, in the order started,
// then what was queued and never started.
func TestWaitSaysWhatAnAbandonedEarlyRunMade(t *testing.T) {
	p := applytest.Plan(applytest.Pool{ID: "eu-west-1_A", Users: applytest.Users("a", 5)})
	fake := newFake()
	first := applytest.Key(p.Calls[0])
	fake.block[first] = make(chan struct{})
	e := NewEarly(context.Background(), fake, Options{Concurrency: 1})
	for _, c := range p.Calls {
		e.Add(c)
	}
	waitStarted(t, e, 1) // the one worker holds the first call
	left := e.Stop()
	close(fake.block[first])
	r := e.Wait()
	if len(left) != 4 || len(r.Calls) != 5 || r.Calls[0].Outcome != Applied || applytest.Key(r.Calls[0].Call) != first {
		t.Fatalf("left %d, result %+v", len(left), r.Calls)
	}
	for k, c := range r.Calls[1:] {
		if c.Outcome != NotStarted || c.Index != k+1 {
			t.Errorf("queued call %d: %v, index %d", k, c.Outcome, c.Index)
		}
	}
	e.Add(p.Calls[0]) // after Stop: ignored
	if got := len(fake.startedKeys()); got != 1 {
		t.Errorf("%d calls made, want 1", got)
	}
}

// An interrupt stops an early run as it stops Run: nothing more starts,
// the call in flight finishes.
func TestInterruptStopsAnEarlyRun(t *testing.T) {
	p := applytest.Plan(applytest.Pool{ID: "eu-west-1_A", Users: applytest.Users("a", 5)})
	fake := newFake()
	first := applytest.Key(p.Calls[0])
	fake.block[first] = make(chan struct{})
	ctx, cancel := context.WithCancel(context.Background())
	e := NewEarly(ctx, fake, Options{Concurrency: 1})
	for _, c := range p.Calls {
		e.Add(c)
	}
	waitStarted(t, e, 1)
	cancel()
	close(fake.block[first])
	r := e.Wait()
	if !r.Interrupted || r.Calls[0].Outcome != Applied || len(fake.startedKeys()) != 1 {
		t.Fatalf("interrupted %v, first %v, %d made", r.Interrupted, r.Calls[0].Outcome, len(fake.startedKeys()))
	}
}
