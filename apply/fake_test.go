package apply

import (
	"context"
	"fmt"
	"github.com/mfactl/mfactl/apply/applytest"
	"sync"
	"testing"
	"time"

	"github.com/mfactl/mfactl/plan"
)

// key identifies a call in tests: pool/stage/user ("" user for pool calls).

// event is one start or end of a call, in the order the fake saw them.
type event struct {
	seq   int
	key   string
	pool  string
	stage int
	start bool
}

// fakeExecutor records the order of calls, fails chosen calls, blocks chosen
// calls until released, and tracks how many calls of each pool are in flight.
type fakeExecutor struct {
	fail  map[string]error         // key → error to return
	block map[string]chan struct{} // key → call waits until closed
	delay time.Duration            // every call sleeps this long
	// started, if set, receives the key of every call as it starts.
	started chan string
	// queued calls wait for rate budget until ctx is cancelled, and then
	// return ctx's error without being sent, as a real executor must;
	// waiting, if set, receives their keys as they start waiting.
	queued  map[string]bool
	waiting chan string

	mu          sync.Mutex
	seq         int
	events      []event
	inFlight    map[string]int // pool → calls in flight
	maxInFlight map[string]int
}

func newFake() *fakeExecutor {
	return &fakeExecutor{
		fail:        map[string]error{},
		block:       map[string]chan struct{}{},
		inFlight:    map[string]int{},
		maxInFlight: map[string]int{},
		queued:      map[string]bool{},
	}
}

func (f *fakeExecutor) Execute(ctx context.Context, c plan.Call) error {
	k := applytest.Key(c)
	if f.queued[k] {
		if f.waiting != nil {
			f.waiting <- k
		}
		<-ctx.Done()
		return ctx.Err()
	}
	f.mu.Lock()
	f.seq++
	f.events = append(f.events, event{seq: f.seq, key: k, pool: c.UserPoolId, stage: c.Stage, start: true})
	f.inFlight[c.UserPoolId]++
	f.maxInFlight[c.UserPoolId] = max(f.maxInFlight[c.UserPoolId], f.inFlight[c.UserPoolId])
	block := f.block[k]
	f.mu.Unlock()

	if f.started != nil {
		f.started <- k
	}
	if block != nil {
		<-block
	}
	if f.delay > 0 {
		time.Sleep(f.delay)
	}

	f.mu.Lock()
	defer f.mu.Unlock()
	f.seq++
	f.events = append(f.events, event{seq: f.seq, key: k, pool: c.UserPoolId, stage: c.Stage})
	f.inFlight[c.UserPoolId]--
	return f.fail[k]
}

// startedKeys returns the keys of the calls that started, in start order.
func (f *fakeExecutor) startedKeys() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var keys []string
	for _, e := range f.events {
		if e.start {
			keys = append(keys, e.key)
		}
	}
	return keys
}

// recordingHooks records every hook call; safe for concurrent use.
type recordingHooks struct {
	mu   sync.Mutex
	pre  map[int]int // index → times PreCall was called
	post map[int]error
}

func newRecordingHooks() *recordingHooks {
	return &recordingHooks{pre: map[int]int{}, post: map[int]error{}}
}

func (h *recordingHooks) PreCall(i int, c plan.Call) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.pre[i]++
}

func (h *recordingHooks) PostCall(i int, c plan.Call, err error, d time.Duration) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, dup := h.post[i]; dup {
		panic(fmt.Sprintf("PostCall twice for call %d", i))
	}
	h.post[i] = err
}

// poolPlan is one pool's calls in a test plan: optional widen and narrow
// pool calls around some user calls.

// runWithTimeout runs Run and fails the test if it does not return in time
// (a deadlock in Run would otherwise hang the test binary).
func runWithTimeout(t *testing.T, ctx context.Context, p *plan.Plan, ex Executor, opts Options) *Result {
	t.Helper()
	done := make(chan *Result, 1)
	go func() { done <- Run(ctx, p, ex, opts) }()
	select {
	case r := <-done:
		return r
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return within 10s")
		return nil
	}
}
