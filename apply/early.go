package apply

import (
	"context"
	"sync"

	"github.com/mfactl/mfactl/plan"
)

// Early makes calls of a plan that is still being built: the planner hands
// it each call it knows will be in the plan, with the same request, as
// soon as it knows (a user's call that depends on nothing but that user's
// read), and Early makes it while the planner reads on. It executes what
// it is given and decides nothing; which calls may go early is the
// planner's (plan.Streaming).
//
// Once the plan is complete, Stop ends the early run and Run completes
// the plan with Options.Early and Made: calls Early started are not made
// again, the ones it had not started yet are made in their stage. When the
// plan cannot be completed, Stop and Wait say what was made.
type Early struct {
	r *runner

	mu      sync.Mutex
	cond    *sync.Cond
	queue   []plan.Call
	stopped bool
	dropped []plan.Call  // queued when Stop came
	started []*earlyCall // in the order started
	workers sync.WaitGroup
}

// earlyCall is one call Early started; done is closed once res is final.
type earlyCall struct {
	res  CallResult
	done chan struct{}
}

// NewEarly starts an early run: opts.Concurrency calls in flight at most
// (DefaultConcurrency when not set), each reported to opts.Hooks with index
// -1. Its other options are Run's.
func NewEarly(ctx context.Context, ex Executor, opts Options) *Early {
	e := &Early{r: newRunner(ctx, ex, opts)}
	e.cond = sync.NewCond(&e.mu)
	for range e.r.concurrency {
		e.workers.Go(e.work)
	}
	return e
}

// Add queues c to be made. It never waits for a call.
func (e *Early) Add(c plan.Call) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if !e.stopped {
		e.queue = append(e.queue, c)
		e.cond.Signal()
	}
}

// Stop starts nothing more and returns the calls queued but not started,
// in the order they were added; calls in flight go on.
func (e *Early) Stop() []plan.Call {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.stopped = true
	left := e.queue
	e.dropped = append(e.dropped, left...)
	e.queue = nil
	e.cond.Broadcast()
	return left
}

// Started returns the calls started so far, in the order started. Once
// Stop has returned, the list is final.
func (e *Early) Started() []plan.Call {
	e.mu.Lock()
	defer e.mu.Unlock()
	calls := make([]plan.Call, len(e.started))
	for k, ec := range e.started {
		calls[k] = ec.res.Call
	}
	return calls
}

// Wait stops the run, waits until no call is in flight and returns what
// happened to each call started, in the order started (Index counts them
// from 0), then the calls never started (not started): the result of a
// run whose plan could not be completed.
func (e *Early) Wait() *Result {
	e.Stop()
	e.workers.Wait()
	res := &Result{Interrupted: e.r.interrupted.Load()}
	for k, ec := range e.started {
		res.Calls = append(res.Calls, ec.res)
		res.Calls[k].Index = k
	}
	for _, c := range e.dropped {
		res.Calls = append(res.Calls, CallResult{Index: len(res.Calls), Call: c})
	}
	if stopped := e.r.stopped.Load(); stopped != nil {
		res.Stopped = *stopped
	}
	return res
}

func (e *Early) work() {
	for {
		e.mu.Lock()
		for len(e.queue) == 0 && !e.stopped {
			e.cond.Wait()
		}
		if e.stopped || e.r.ctx.Err() != nil || e.r.stopped.Load() != nil {
			if e.r.ctx.Err() != nil {
				e.r.interrupted.Store(true)
			}
			e.stopped = true
			e.cond.Broadcast()
			e.mu.Unlock()
			return
		}
		ec := &earlyCall{res: CallResult{Call: e.queue[0]}, done: make(chan struct{})}
		e.queue = e.queue[1:]
		e.started = append(e.started, ec)
		e.mu.Unlock()
		e.r.exec(-1, &ec.res)
		close(ec.done)
	}
}
