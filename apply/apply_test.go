package apply

import (
	"context"
	"errors"
	"fmt"
	"github.com/mfactl/mfactl/apply/applytest"
	"slices"
	"testing"
	"time"

	"github.com/mfactl/mfactl/plan"
)

func TestRunExecutesExactlyThePlansCalls(t *testing.T) {
	p := applytest.Plan(
		applytest.Pool{ID: "eu-west-1_A", Widen: true, Narrow: true, Users: applytest.Users("a", 20)},
		applytest.Pool{ID: "us-east-1_B", Users: applytest.Users("b", 7)},
		applytest.Pool{ID: "us-east-1_C", Narrow: true},
	)
	fake := newFake()
	hooks := newRecordingHooks()

	r := runWithTimeout(t, context.Background(), p, fake, Options{Hooks: hooks})

	var want []string
	for _, c := range p.Calls {
		want = append(want, applytest.Key(c))
	}
	got := fake.startedKeys()
	slices.Sort(want)
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Fatalf("executed calls differ from the plan's:\n got %v\nwant %v", got, want)
	}
	if !r.OK() || r.Interrupted {
		t.Fatalf("OK() = %v, Interrupted = %v; want every call applied", r.OK(), r.Interrupted)
	}
	if len(r.Calls) != len(p.Calls) {
		t.Fatalf("%d results for %d calls", len(r.Calls), len(p.Calls))
	}
	for i, c := range r.Calls {
		if c.Index != i || applytest.Key(c.Call) != applytest.Key(p.Calls[i]) || c.Outcome != Applied || c.Err != nil {
			t.Errorf("result %d = {Index %d, %s, %v, %v}; want {Index %d, %s, applied, nil}",
				i, c.Index, applytest.Key(c.Call), c.Outcome, c.Err, i, applytest.Key(p.Calls[i]))
		}
		if hooks.pre[i] != 1 {
			t.Errorf("PreCall called %d times for call %d; want 1", hooks.pre[i], i)
		}
		if err, ok := hooks.post[i]; !ok || err != nil {
			t.Errorf("PostCall for call %d: called %v, err %v; want called once with nil", i, ok, err)
		}
	}
}

func TestRunWithConcurrencyOneFollowsPlanOrderWithinEachPool(t *testing.T) {
	p := applytest.Plan(
		applytest.Pool{ID: "eu-west-1_A", Widen: true, Narrow: true, Users: applytest.Users("a", 10)},
		applytest.Pool{ID: "us-east-1_B", Widen: true, Users: applytest.Users("b", 10)},
	)
	fake := newFake()

	runWithTimeout(t, context.Background(), p, fake, Options{Concurrency: 1})

	started := fake.startedKeys()
	for _, pool := range []string{"eu-west-1_A", "us-east-1_B"} {
		var want, got []string
		for _, c := range p.Calls {
			if c.UserPoolId == pool {
				want = append(want, applytest.Key(c))
			}
		}
		for _, k := range started {
			if k[:len(pool)] == pool {
				got = append(got, k)
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: calls started in order\n%v\nwant plan order\n%v", pool, got, want)
		}
	}
}

func TestStagesAreBarriersWithinEachPool(t *testing.T) {
	p := applytest.Plan(
		applytest.Pool{ID: "eu-west-1_A", Widen: true, Narrow: true, Users: applytest.Users("a", 30)},
		applytest.Pool{ID: "us-east-1_B", Widen: true, Narrow: true, Users: applytest.Users("b", 30)},
	)
	fake := newFake()
	fake.delay = time.Millisecond // long enough for a missing barrier to show

	runWithTimeout(t, context.Background(), p, fake, Options{Concurrency: 8})

	for _, pool := range []string{"eu-west-1_A", "us-east-1_B"} {
		lastEnd := map[int]int{}    // stage → seq of its last end
		firstStart := map[int]int{} // stage → seq of its first start
		for _, e := range fake.events {
			if e.pool != pool {
				continue
			}
			if e.start {
				if _, seen := firstStart[e.stage]; !seen {
					firstStart[e.stage] = e.seq
				}
			} else {
				lastEnd[e.stage] = e.seq
			}
		}
		for stage := plan.StageWidenPool; stage < plan.StageNarrowPool; stage++ {
			if firstStart[stage+1] < lastEnd[stage] {
				t.Errorf("%s: stage %d started (event %d) before stage %d ended (event %d)",
					pool, stage+1, firstStart[stage+1], stage, lastEnd[stage])
			}
		}
	}
}

func TestAChangeOfStageInPlanOrderIsABarrier(t *testing.T) {
	// The plan's order is authoritative even when its stages are not ascending.
	p := &plan.Plan{Calls: []plan.Call{
		applytest.PoolCall("eu-west-1_A", plan.StageNarrowPool),
		applytest.UserCall("eu-west-1_A", "x"),
		applytest.UserCall("eu-west-1_A", "y"),
		applytest.PoolCall("eu-west-1_A", plan.StageWidenPool),
	}}
	fake := newFake()
	fake.delay = time.Millisecond

	runWithTimeout(t, context.Background(), p, fake, Options{})

	var order []string
	for _, e := range fake.events {
		order = append(order, map[bool]string{true: "start ", false: "end "}[e.start]+e.key)
	}
	pos := func(s string) int { return slices.Index(order, s) }
	if !(pos("end eu-west-1_A/3/") < pos("start eu-west-1_A/2/x") &&
		pos("end eu-west-1_A/2/x") < pos("start eu-west-1_A/1/") &&
		pos("end eu-west-1_A/2/y") < pos("start eu-west-1_A/1/")) {
		t.Errorf("stages did not run one after another in plan order: %v", order)
	}
}

func TestPoolsRunConcurrently(t *testing.T) {
	p := applytest.Plan(
		applytest.Pool{ID: "eu-west-1_A", Widen: true, Users: applytest.Users("a", 3)},
		applytest.Pool{ID: "us-east-1_B", Widen: true, Narrow: true, Users: applytest.Users("b", 3)},
	)
	fake := newFake()
	releaseA := make(chan struct{})
	fake.block["eu-west-1_A/1/"] = releaseA
	fake.started = make(chan string, len(p.Calls))
	// Pool A's first call stays in flight until pool B has started its
	// last stage: run one pool after the other and this never happens.
	go func() {
		for k := range fake.started {
			if k == "us-east-1_B/3/" {
				close(releaseA)
				return
			}
		}
	}()

	r := runWithTimeout(t, context.Background(), p, fake, Options{})

	if !r.OK() {
		t.Fatalf("some calls were not applied: %+v", r.Calls)
	}
}

func TestFailureStopsLaterStagesOfItsPoolOnly(t *testing.T) {
	// With one call at a time, the calls queued after the failing one show
	// that the rest of its stage still runs.
	for _, concurrency := range []int{1, 3} {
		t.Run(fmt.Sprintf("concurrency %d", concurrency), func(t *testing.T) {
			p := applytest.Plan(
				applytest.Pool{ID: "eu-west-1_A", Widen: true, Narrow: true, Users: applytest.Users("a", 10)},
				applytest.Pool{ID: "us-east-1_B", Widen: true, Narrow: true, Users: applytest.Users("b", 10)},
			)
			fake := newFake()
			boom := errors.New("boom")
			fake.fail["eu-west-1_A/2/a003"] = boom
			hooks := newRecordingHooks()

			r := runWithTimeout(t, context.Background(), p, fake, Options{Concurrency: concurrency, Hooks: hooks})

			for _, c := range r.Calls {
				want := Applied
				switch applytest.Key(c.Call) {
				case "eu-west-1_A/2/a003":
					want = Failed
				case "eu-west-1_A/3/":
					want = NotStarted
				}
				if c.Outcome != want {
					t.Errorf("%s: %v; want %v", applytest.Key(c.Call), c.Outcome, want)
				}
			}
			if slices.Contains(fake.startedKeys(), "eu-west-1_A/3/") {
				t.Error("pool A's narrow call was executed after a stage-2 failure")
			}
			failed := r.Failed()
			if len(failed) != 1 || !errors.Is(failed[0].Err, boom) {
				t.Fatalf("Failed() = %+v; want the one call with its error", failed)
			}
			if hooks.post[failed[0].Index] != boom {
				t.Errorf("PostCall got err %v for the failed call; want %v", hooks.post[failed[0].Index], boom)
			}
			if r.OK() || r.Interrupted {
				t.Errorf("OK() = %v, Interrupted = %v; want false, false", r.OK(), r.Interrupted)
			}
		})
	}
}

func TestFailureInFirstStageStartsNothingMoreInThatPool(t *testing.T) {
	p := applytest.Plan(
		applytest.Pool{ID: "eu-west-1_A", Widen: true, Narrow: true, Users: applytest.Users("a", 5)},
		applytest.Pool{ID: "us-east-1_B", Users: applytest.Users("b", 5)},
	)
	fake := newFake()
	fake.fail["eu-west-1_A/1/"] = errors.New("denied")

	r := runWithTimeout(t, context.Background(), p, fake, Options{})

	for _, k := range fake.startedKeys() {
		if k != "eu-west-1_A/1/" && k[:len("eu-west-1_A")] == "eu-west-1_A" {
			t.Errorf("%s started after pool A's first stage failed", k)
		}
	}
	if got := len(r.NotStarted()); got != 6 {
		t.Errorf("%d calls not started; want 6 (pool A's users and narrow call)", got)
	}
	if got := len(r.Applied()); got != 5 {
		t.Errorf("%d calls applied; want pool B's 5", got)
	}
}

func TestInterruptLetsCallsInFlightFinishAndStartsNoMore(t *testing.T) {
	p := applytest.Plan(
		applytest.Pool{ID: "eu-west-1_A", Narrow: true, Users: applytest.Users("a", 50)},
		applytest.Pool{ID: "us-east-1_B", Widen: true, Users: applytest.Users("b", 5)},
	)
	fake := newFake()
	release := make(chan struct{})
	for _, c := range p.Calls {
		fake.block[applytest.Key(c)] = release
	}
	fake.started = make(chan string, len(p.Calls))
	hooks := newRecordingHooks()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	done := make(chan *Result)
	go func() { done <- Run(ctx, p, fake, Options{Concurrency: 4, Hooks: hooks}) }()
	inFlight := map[string]bool{}
	for len(inFlight) < 5 { // four of pool A's users, pool B's widen call
		select {
		case k := <-fake.started:
			inFlight[k] = true
		case <-time.After(10 * time.Second):
			t.Fatalf("only %d calls started", len(inFlight))
		}
	}
	cancel()
	close(release)
	var r *Result
	select {
	case r = <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after the interrupt")
	}

	if !r.Interrupted {
		t.Error("Interrupted not set")
	}
	if started := fake.startedKeys(); len(started) != 5 {
		t.Errorf("%d calls started; want only the 5 in flight at the interrupt: %v", len(started), started)
	}
	for _, c := range r.Calls {
		k := applytest.Key(c.Call)
		want := NotStarted
		if inFlight[k] {
			want = Applied // sent before the interrupt: the executor saw it through
			if _, ok := hooks.post[c.Index]; !ok {
				t.Errorf("%s: PostCall not called", k)
			}
		}
		if c.Outcome != want {
			t.Errorf("%s: %v; want %v", k, c.Outcome, want)
		}
	}
	if len(hooks.post) != 5 {
		t.Errorf("PostCall called for %d calls; want 5", len(hooks.post))
	}
}

func TestRunWithCancelledContextStartsNothing(t *testing.T) {
	p := applytest.Plan(applytest.Pool{ID: "eu-west-1_A", Widen: true, Narrow: true, Users: applytest.Users("a", 3)})
	fake := newFake()
	hooks := newRecordingHooks()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()

	r := runWithTimeout(t, ctx, p, fake, Options{Hooks: hooks})

	if started := fake.startedKeys(); len(started) != 0 {
		t.Errorf("calls started under a cancelled context: %v", started)
	}
	if len(r.NotStarted()) != len(p.Calls) || !r.Interrupted || r.OK() {
		t.Errorf("NotStarted %d of %d, Interrupted %v, OK %v; want all not started, interrupted",
			len(r.NotStarted()), len(p.Calls), r.Interrupted, r.OK())
	}
	if len(hooks.pre)+len(hooks.post) != 0 {
		t.Error("hooks called for calls that never started")
	}
}

// A call the executor had not sent when the run was interrupted (it was
// waiting for rate budget) is not started, not failed.
func TestInterruptedCallsTheExecutorHadNotSentAreNotStarted(t *testing.T) {
	p := applytest.Plan(applytest.Pool{ID: "eu-west-1_A", Users: applytest.Users("a", 3)})
	fake := newFake()
	for _, c := range p.Calls {
		fake.queued[applytest.Key(c)] = true
	}
	fake.waiting = make(chan string, len(p.Calls))
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for range p.Calls {
			<-fake.waiting
		}
		cancel()
	}()

	r := runWithTimeout(t, ctx, p, fake, Options{})

	if len(r.NotStarted()) != 3 || len(r.Failed()) != 0 || !r.Interrupted {
		t.Errorf("not started %d, failed %d, interrupted %v; want 3 not started, 0 failed, interrupted",
			len(r.NotStarted()), len(r.Failed()), r.Interrupted)
	}
	if started := fake.startedKeys(); len(started) != 0 {
		t.Errorf("calls sent after the interrupt: %v", started)
	}
}

func TestInterruptDuringTheLastCallIsNotAnInterruptedRun(t *testing.T) {
	p := applytest.Plan(applytest.Pool{ID: "eu-west-1_A", Users: applytest.Users("a", 1)})
	fake := newFake()
	release := make(chan struct{})
	fake.block["eu-west-1_A/2/a000"] = release
	fake.started = make(chan string, 1)
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-fake.started; cancel(); close(release) }()

	r := runWithTimeout(t, ctx, p, fake, Options{})

	if !r.OK() || r.Interrupted {
		t.Errorf("OK() = %v, Interrupted = %v; want the run complete: nothing was left to start", r.OK(), r.Interrupted)
	}
}

func TestConcurrencyIsBoundedPerStageOfEachPool(t *testing.T) {
	for _, tc := range []struct {
		name  string
		opt   int
		limit int
	}{
		{"explicit", 5, 5},
		{"default", 0, DefaultConcurrency},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := applytest.Plan(
				applytest.Pool{ID: "eu-west-1_A", Users: applytest.Users("a", 3*tc.limit)},
				applytest.Pool{ID: "us-east-1_B", Users: applytest.Users("b", 3*tc.limit)},
			)
			fake := newFake()
			release := make(chan struct{})
			for _, c := range p.Calls {
				fake.block[applytest.Key(c)] = release
			}
			fake.started = make(chan string, len(p.Calls))
			done := make(chan *Result)
			go func() { done <- Run(context.Background(), p, fake, Options{Concurrency: tc.opt}) }()

			// Both pools fill their bound while every call is blocked ...
			for range 2 * tc.limit {
				select {
				case <-fake.started:
				case <-time.After(10 * time.Second):
					t.Fatal("the bound was not reached")
				}
			}
			// ... and start nothing more until calls finish.
			select {
			case k := <-fake.started:
				t.Fatalf("%s started beyond the bound of %d per pool", k, tc.limit)
			case <-time.After(50 * time.Millisecond):
			}
			close(release)
			if r := <-done; !r.OK() {
				t.Fatal("not every call applied")
			}
			for pool, n := range fake.maxInFlight {
				if n != tc.limit {
					t.Errorf("%s: at most %d calls in flight; want exactly the bound %d", pool, n, tc.limit)
				}
			}
		})
	}
}

func TestResultPartitionsCallsByOutcome(t *testing.T) {
	r := &Result{Calls: []CallResult{
		{Index: 0, Outcome: Applied}, {Index: 1, Outcome: Failed}, {Index: 2, Outcome: NotStarted},
		{Index: 3, Outcome: Applied},
	}}
	indexes := func(cs []CallResult) (out []int) {
		for _, c := range cs {
			out = append(out, c.Index)
		}
		return out
	}
	if got := indexes(r.Applied()); !slices.Equal(got, []int{0, 3}) {
		t.Errorf("Applied() = %v", got)
	}
	if got := indexes(r.Failed()); !slices.Equal(got, []int{1}) {
		t.Errorf("Failed() = %v", got)
	}
	if got := indexes(r.NotStarted()); !slices.Equal(got, []int{2}) {
		t.Errorf("NotStarted() = %v", got)
	}
	if r.OK() {
		t.Error("OK() with a failed call")
	}
	if !(&Result{}).OK() {
		t.Error("an empty result is not OK()")
	}
	for o, want := range map[Outcome]string{Applied: "applied", Failed: "failed", NotStarted: "not started", 9: "unknown outcome"} {
		if o.String() != want {
			t.Errorf("Outcome(%d).String() = %q; want %q", int(o), o.String(), want)
		}
	}
}

func TestRunOfAnEmptyPlan(t *testing.T) {
	r := runWithTimeout(t, context.Background(), &plan.Plan{}, newFake(), Options{})
	if !r.OK() || len(r.Calls) != 0 {
		t.Errorf("empty plan: %+v", r)
	}
}

// stopErr is an executor error after which nothing can succeed; notSent
// is what the executor returns for the calls it then does not send.
type stopErr struct{}

func (stopErr) Error() string  { return "connection refused" }
func (stopErr) StopsRun() bool { return true }

type notSent struct{ stopErr }

func (notSent) Unsent() bool { return true }

func TestAStoppingErrorStartsNothingMoreInAnyPool(t *testing.T) {
	p := applytest.Plan(
		applytest.Pool{ID: "eu-west-1_A", Widen: true, Users: applytest.Users("a", 3)},
		applytest.Pool{ID: "us-east-1_B", Widen: true, Users: applytest.Users("b", 3)},
	)
	fake := newFake()
	fake.fail[applytest.Key(p.Calls[0])] = stopErr{}
	// Pool B's widen call, in flight meanwhile, finds the run stopped.
	fake.fail[applytest.Key(p.Calls[4])] = notSent{}
	released := make(chan struct{})
	fake.block[applytest.Key(p.Calls[4])] = released
	hooks := &releaseAfter{recordingHooks: newRecordingHooks(), index: 0, release: released}
	r := runWithTimeout(t, context.Background(), p, fake, Options{Concurrency: 1, Hooks: hooks})
	if r.OK() || r.Stopped == nil || r.Interrupted {
		t.Fatalf("OK %v, Stopped %v, Interrupted %v; want stopped", r.OK(), r.Stopped, r.Interrupted)
	}
	if got := r.Calls[0].Outcome; got != Failed {
		t.Errorf("the stopping call: %v; want failed", got)
	}
	for _, c := range r.Calls[1:] {
		if c.Outcome != NotStarted {
			t.Errorf("call %d: %v; want not started", c.Index+1, c.Outcome)
		}
	}
	if _, ok := hooks.recordingHooks.post[4]; ok {
		t.Error("PostCall for a call that was not sent")
	}
	if started := fake.startedKeys(); len(started) > 2 {
		t.Errorf("started %v after the run stopped", started)
	}
}

// releaseAfter closes release once call index has ended.
type releaseAfter struct {
	*recordingHooks
	index   int
	release chan struct{}
}

func (h *releaseAfter) PostCall(i int, c plan.Call, err error, d time.Duration) {
	h.recordingHooks.PostCall(i, c, err, d)
	if i == h.index {
		close(h.release)
	}
}
