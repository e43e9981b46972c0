// Package apply executes a plan's calls, and nothing else, and reports what
// happened to each of them.
//
// Calls of one pool run stage by stage in the plan's order: every call of a
// stage completes before the next stage starts. Calls inside a stage run
// concurrently. Pools are independent and run side by side. A call that
// fails stops the later stages of its pool; the rest of its stage and the
// other pools go on. Cancelling the context stops new calls from starting;
// calls already in flight finish, so that their outcome is known.
//
// The package never prints: progress reaches the terminal through Hooks, and
// RenderSummary turns a Result into text once Run returns.
package apply

import (
	"context"
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mfactl/mfactl/plan"
)

// Executor makes one API call. It owns rate limiting and retries; an error
// it returns is final. Execute is called concurrently.
//
// ctx is cancelled when the run is interrupted. An executor that has not
// yet sent the call (it may be waiting for rate budget) must then not send
// it, and returns ctx's error: the call counts as not started. A call it
// has sent it sees through, whatever ctx says, so that its outcome is known.
type Executor interface {
	Execute(ctx context.Context, call plan.Call) error
}

// Hooks is told about each call as it starts and ends, from the goroutine
// that runs it: implementations must be safe for concurrent use. i is the
// call's index in the plan's Calls, or -1 for a call an Early run made
// before its plan was complete. A call the executor did not send (an
// interrupt or a stopped run caught it waiting) gets PreCall but no
// PostCall: it is not started, neither applied nor failed.
type Hooks interface {
	PreCall(i int, c plan.Call)
	PostCall(i int, c plan.Call, err error, d time.Duration)
}

// DefaultConcurrency is the number of calls one stage of one pool keeps in
// flight when Options.Concurrency is not set. The Executor's rate limiter,
// not this number, is what keeps requests within Cognito's quotas.
const DefaultConcurrency = 16

// Options tune Run. The zero value is ready to use.
type Options struct {
	// Concurrency bounds the calls in flight within one stage of one pool
	// (DefaultConcurrency when zero or less). Each pool has its own bound,
	// so a pool with many users never holds up another pool.
	Concurrency int
	// Hooks, if not nil, is told about every call that starts.
	Hooks Hooks
	// BeforeStage, if not nil, is asked before each stage of a pool starts,
	// with the pool's calls applied so far, in order; an error stops that
	// pool (its calls from this stage on are not started) and is reported
	// in Result.Halted. It is how apply notices that a pool changed under
	// it (Cognito has no conditional writes).
	BeforeStage func(ctx context.Context, poolID string, stage int, applied []plan.Call) error
	// Early, with Made, is the run that made some of the plan's calls
	// while the plan was being built (see Early): Made[k] is the plan's
	// index of the k-th call Early started. Run makes those not again and
	// waits for their outcome where their stage needs it.
	Early *Early
	Made  []int
}

// Halt is a pool that BeforeStage stopped.
type Halt struct {
	UserPoolId string
	Stage      int
	Err        error
}

// Outcome is what happened to one call.
type Outcome int

const (
	NotStarted Outcome = iota // never sent: an earlier stage failed, or the run was interrupted
	Applied                   // Cognito accepted it
	Failed                    // it failed for good, after the Executor's retries
	// Ineligible: Cognito refused a policy's call because the user cannot
	// take the factor (no registered authenticator), and the call's
	// Ineligible mode counts that as ineligible rather than failed.
	Ineligible
)

func (o Outcome) String() string {
	switch o {
	case NotStarted:
		return "not started"
	case Applied:
		return "applied"
	case Failed:
		return "failed"
	case Ineligible:
		return "ineligible"
	}
	return "unknown outcome"
}

// CallResult is what happened to the plan's call at Index.
type CallResult struct {
	Index    int
	Call     plan.Call
	Outcome  Outcome
	Err      error         // set when Outcome is Failed or Ineligible
	Duration time.Duration // time spent in Execute; zero when not started
}

// Result reports every call of a plan, in the plan's order.
type Result struct {
	Calls []CallResult
	// Interrupted is set when the context was cancelled before every call
	// that was due to start had started.
	Interrupted bool
	// Stopped is the error that stopped the whole run (see Stopper), if any.
	Stopped error
	// Halted lists the pools that Options.BeforeStage stopped.
	Halted []Halt
}

// Stopper is implemented by Executor errors after which no call can
// succeed (Cognito cannot be reached, no credentials): Run starts nothing
// more, in any pool.
type Stopper interface{ StopsRun() bool }

// Unsent is implemented by Executor errors for a call that was not sent:
// it counts as not started.
type Unsent interface{ Unsent() bool }

// Applied returns the calls Cognito accepted, in plan order.
func (r *Result) Applied() []CallResult { return r.with(Applied) }

// Failed returns the calls that failed, in plan order.
func (r *Result) Failed() []CallResult { return r.with(Failed) }

// Ineligible returns the calls refused because the user cannot take the
// factor, under a policy that counts that as ineligible, in plan order.
func (r *Result) Ineligible() []CallResult { return r.with(Ineligible) }

// NotStarted returns the calls that were never sent, in plan order.
func (r *Result) NotStarted() []CallResult { return r.with(NotStarted) }

// OK reports whether every call was applied, or refused as ineligible.
func (r *Result) OK() bool {
	if r.Stopped != nil || len(r.Halted) > 0 {
		return false
	}
	for _, c := range r.Calls {
		if c.Outcome != Applied && c.Outcome != Ineligible {
			return false
		}
	}
	return !r.Interrupted
}

func (r *Result) with(o Outcome) []CallResult {
	var out []CallResult
	for _, c := range r.Calls {
		if c.Outcome == o {
			out = append(out, c)
		}
	}
	return out
}

// Run executes p's calls with ex and returns what happened to each of them.
// It returns once no call is in flight. Once ctx is cancelled no call is
// started, and calls the executor had not yet sent are not started either
// (see Executor).
func Run(ctx context.Context, p *plan.Plan, ex Executor, opts Options) *Result {
	res := &Result{Calls: make([]CallResult, len(p.Calls))}
	for i, c := range p.Calls {
		res.Calls[i] = CallResult{Index: i, Call: c}
	}
	r := newRunner(ctx, ex, opts)
	r.beforeStage, r.results = opts.BeforeStage, res.Calls
	if e := opts.Early; e != nil {
		r.shared = e.r.shared
		r.made = map[int]*earlyCall{}
		for k, i := range opts.Made {
			r.made[i] = e.started[k]
		}
	}
	var wg sync.WaitGroup
	for _, calls := range byPool(p.Calls) {
		wg.Go(func() { r.runPool(calls) })
	}
	wg.Wait()
	for i, ec := range r.made { // in a stage that never ran too: a halted pool
		<-ec.done
		res.Calls[i] = ec.res
		res.Calls[i].Index = i
	}
	res.Interrupted = r.interrupted.Load()
	if stopped := r.stopped.Load(); stopped != nil {
		res.Stopped = *stopped
	}
	res.Halted = r.halted
	return res
}

func newRunner(ctx context.Context, ex Executor, opts Options) *runner {
	r := &runner{ctx: ctx, ex: ex, hooks: opts.Hooks, concurrency: opts.Concurrency, shared: &shared{}}
	if r.concurrency <= 0 {
		r.concurrency = DefaultConcurrency
	}
	return r
}

// runner is the state of one Run shared by its goroutines. Each result is
// written by the one goroutine that runs that call, and read after all of
// them are done.
type runner struct {
	ctx         context.Context // cancelled: start nothing more
	ex          Executor
	hooks       Hooks
	concurrency int
	results     []CallResult
	*shared
	beforeStage func(ctx context.Context, poolID string, stage int, applied []plan.Call) error
	made        map[int]*earlyCall // plan index → the call an Early run made

	mu     sync.Mutex
	halted []Halt
}

// shared is what an Early run and the Run that completes it both see.
type shared struct {
	interrupted atomic.Bool
	stopped     atomic.Pointer[error] // the first Stopper error
}

// runPool runs one pool's calls (indexes into the plan, in plan order)
// stage after stage, and stops at the first stage that does not complete.
func (r *runner) runPool(calls []int) {
	var applied []plan.Call
	for len(calls) > 0 {
		n := stageLen(r.results, calls)
		first := r.results[calls[0]].Call
		if r.beforeStage != nil && r.ctx.Err() == nil && r.stopped.Load() == nil {
			if err := r.beforeStage(r.ctx, first.UserPoolId, first.Stage, applied); err != nil {
				if r.ctx.Err() != nil {
					r.interrupted.Store(true)
					return
				}
				r.mu.Lock()
				r.halted = append(r.halted, Halt{UserPoolId: first.UserPoolId, Stage: first.Stage, Err: err})
				r.mu.Unlock()
				return
			}
		}
		if !r.runStage(calls[:n]) {
			return
		}
		for _, i := range calls[:n] {
			applied = append(applied, r.results[i].Call)
		}
		calls = calls[n:]
	}
}

// runStage runs the calls of one stage, at most r.concurrency at a time, and
// reports whether all of them were applied. Calls are started in plan
// order; a failure does not stop the stage's other calls, which do not
// depend on each other.
func (r *runner) runStage(calls []int) (complete bool) {
	var next atomic.Int64
	var incomplete atomic.Bool
	var made []int
	if len(r.made) > 0 {
		calls = slices.DeleteFunc(slices.Clone(calls), func(i int) bool {
			if r.made[i] != nil {
				made = append(made, i)
				return true
			}
			return false
		})
		defer func() {
			// The stage ends when the calls made early have returned too.
			for _, i := range made {
				ec := r.made[i]
				<-ec.done
				r.results[i] = ec.res
				r.results[i].Index = i
				if o := ec.res.Outcome; o != Applied && o != Ineligible {
					complete = false
				}
			}
		}()
	}
	if len(calls) == 0 {
		return true
	}
	work := func() {
		for {
			k := int(next.Add(1) - 1)
			if k >= len(calls) {
				return
			}
			if r.ctx.Err() != nil {
				r.interrupted.Store(true)
				incomplete.Store(true)
				return
			}
			if r.stopped.Load() != nil {
				incomplete.Store(true)
				return
			}
			if !r.call(calls[k]) {
				incomplete.Store(true)
			}
		}
	}
	workers := min(r.concurrency, len(calls))
	if workers == 1 {
		work()
		return !incomplete.Load()
	}
	var wg sync.WaitGroup
	for range workers {
		wg.Go(work)
	}
	wg.Wait()
	return !incomplete.Load()
}

// call executes the plan's call i and records its outcome.
func (r *runner) call(i int) (applied bool) { return r.exec(i, &r.results[i]) }

// exec executes res.Call, i for the hooks, and records its outcome in res.
func (r *runner) exec(i int, res *CallResult) (applied bool) {
	if r.hooks != nil {
		r.hooks.PreCall(i, res.Call)
	}
	start := time.Now()
	err := r.ex.Execute(r.ctx, res.Call)
	res.Duration = time.Since(start)
	var stopper Stopper
	var unsent Unsent
	if errors.As(err, &stopper) && stopper.StopsRun() {
		r.stopped.CompareAndSwap(nil, &err)
	}
	switch {
	case err == nil:
		res.Outcome = Applied
	case res.Call.Ineligible.Contains() && refusesUser(err):
		res.Outcome, res.Err = Ineligible, err
		err = nil // it does not hold back the pool's later stages
	case r.ctx.Err() != nil && errors.Is(err, r.ctx.Err()):
		// Interrupted before the executor sent it.
		res.Outcome = NotStarted
		r.interrupted.Store(true)
	case errors.As(err, &unsent) && unsent.Unsent():
		res.Outcome = NotStarted
	default:
		res.Outcome, res.Err = Failed, err
	}
	if r.hooks != nil && res.Outcome != NotStarted {
		r.hooks.PostCall(i, res.Call, err, res.Duration)
	}
	return err == nil
}

// userRefusal is an error that can say it is Cognito refusing a user a
// factor the user cannot take (*cognito.CallError says so).
type userRefusal interface{ RefusesUser() bool }

func refusesUser(err error) bool {
	var r userRefusal
	return errors.As(err, &r) && r.RefusesUser()
}

// byPool splits the plan's call indexes by pool, pools in order of first
// appearance, calls in plan order.
func byPool(calls []plan.Call) [][]int {
	pos := map[string]int{}
	var pools [][]int
	for i, c := range calls {
		k, ok := pos[c.UserPoolId]
		if !ok {
			k = len(pools)
			pos[c.UserPoolId] = k
			pools = append(pools, nil)
		}
		pools[k] = append(pools[k], i)
	}
	return pools
}

// stageLen returns how many of a pool's calls, from the first, belong to
// the same stage. The plan's order is authoritative: every change of stage
// is a barrier, even in a plan whose stages are not ascending.
func stageLen(results []CallResult, calls []int) int {
	stage := results[calls[0]].Call.Stage
	n := 1
	for n < len(calls) && results[calls[n]].Call.Stage == stage {
		n++
	}
	return n
}
