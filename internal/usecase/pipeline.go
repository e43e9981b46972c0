package usecase

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/mfactl/mfactl/apply"
	"github.com/mfactl/mfactl/internal/cognito"
	"github.com/mfactl/mfactl/internal/diag"
	"github.com/mfactl/mfactl/internal/state"
	"github.com/mfactl/mfactl/plan"
)

// PlanApply plans from the files and applies the plan in one pass, for an
// apply nobody is asked to approve (--auto-approve). In the pools whose
// plan leaves the pool alone (plan.Streaming), each user's call is made as
// soon as that user's read shows it, while the other users are still being
// read, and the user is read back as it returns: reads and writes have
// separate quotas, so the run takes about as long as its writes alone.
//
// The whole plan is still built from every read and handed to shown (to
// show it; shown returns the hooks the plan's calls are reported to), then
// executed: the calls made early are calls of that plan, made once.
//
// When the plan cannot be completed after calls were made early (a read
// failed, the plan failed a check for a user read later, an interrupt),
// no call is started any more, those in flight finish, and Applied says
// what was made and what was not: its Result is Interrupted, or Stopped by
// a *StoppedEarlyError. Without calls made early it ends as Plan would.
func (s *Session) PlanApply(ctx context.Context, opts PlanOptions, aopts ApplyOptions, shown func(*Planned) apply.Hooks) (*Planned, *Applied, error) {
	in, invalid, err := s.planInput(ctx, opts, true)
	if in == nil {
		if invalid != nil {
			shown(invalid)
		}
		return invalid, nil, err
	}
	first, streamed := in.desired, 0
	first.Pools = slices.Clone(in.desired.Pools)
	for i, dp := range first.Pools {
		if plan.Streamable(dp) {
			streamed += len(dp.Users)
			first.Pools[i].Users = nil
		}
	}
	// The provisioned quotas pace the reads of users that are not streamed;
	// when every user is, they are read beside the users, once the pools'
	// configurations (needed first) have been.
	beside := !slices.ContainsFunc(in.desired.Pools, func(dp state.DesiredPool) bool { return !plan.Streamable(dp) })
	if !beside {
		in.readLimits()
	}
	progress := &readCount{report: opts.ReadProgress, later: streamed}
	live, err := readLive(ctx, in.client, first, progress.first)
	if err != nil {
		return nil, nil, fmt.Errorf("reading live state: %w", err)
	}
	if beside {
		in.readLimitsBeside()
		defer in.limits() // they end with the run, whatever ends it
	}
	p := &pipeline{ctx: ctx, client: in.client, live: live, progress: progress,
		planner: plan.NewStreaming(in.desired, live, opts.Build), later: &laterHooks{}}
	var hooks apply.Hooks = p.later
	if !slices.ContainsFunc(in.desired.Pools, func(dp state.DesiredPool) bool { return dp.Self }) && aopts.Verify != VerifyAll {
		p.back = newReadBack(ctx, in.client, p.later)
		hooks = p.back
	}
	p.early = apply.NewEarly(ctx, apply.Dispatch(in.client), apply.Options{Concurrency: aopts.Concurrency, Hooks: hooks})
	p.readUsers(in.desired)

	if ctx.Err() != nil {
		return nil, p.unfinished(nil), ctx.Err()
	}
	if len(p.failures) > 0 {
		slices.SortFunc(p.failures, func(a, b *cognito.CallError) int {
			return cmp.Or(cmp.Compare(a.UserPoolId, b.UserPoolId), cmp.Compare(a.Username, b.Username))
		})
		err := fmt.Errorf("reading live state: %w", &cognito.ReadError{Failures: p.failures})
		return nil, p.unfinished(&StoppedEarlyError{Err: err, Reason: "reading live state failed after these calls were made, so the plan could not be completed"}), err
	}
	planned, err := s.planRead(ctx, in, live, progress.total(), opts)
	if err != nil {
		return nil, p.unfinished(&StoppedEarlyError{Err: err, Reason: "the plan could not be completed after these calls were made"}), err
	}
	// The plan is complete: what the early run has not started, Run makes
	// in its stage, once the plan holds every call made (Placed).
	p.early.Stop()
	planned.CallsMade = len(p.early.Started()) > 0
	p.later.set(shown(planned))
	pl := planned.Plan
	if pl.Diagnostics.HasErrors() {
		return planned, p.unfinished(&StoppedEarlyError{Err: checksFailed(pl.Diagnostics), Checks: true,
			Reason: "the plan failed its checks (see its errors) for a user read after these calls were made; the other users were not changed"}), nil
	}
	made, err := plan.Placed(pl, p.early.Started())
	if err != nil {
		return planned, p.unfinished(&StoppedEarlyError{Err: err, Reason: err.Error() + "; the other users were not changed"}), nil
	}
	if !pl.HasChanges() {
		return planned, nil, nil
	}
	return planned, s.run(ctx, in.client, pl, aopts, p.back, apply.Options{Early: p.early, Made: made}), nil
}

// StoppedEarlyError stops a PlanApply whose plan could not be completed,
// or no longer held its calls, after some of them had been made early.
type StoppedEarlyError struct {
	Err    error
	Reason string // one sentence, for the summary
	// Checks: the plan failed its checks, whose diagnostics say why.
	Checks bool
}

func (e *StoppedEarlyError) Error() string { return e.Err.Error() }
func (e *StoppedEarlyError) Unwrap() error { return e.Err }

// StopReason says why nothing more was sent.
func (e *StoppedEarlyError) StopReason() string { return e.Reason }

// checksFailed names the first error of diags, and how many more there are.
func checksFailed(diags diag.List) error {
	var errs []diag.Diagnostic
	for _, d := range diags {
		if d.Severity == diag.Error {
			errs = append(errs, d)
		}
	}
	more := ""
	if len(errs) > 1 {
		more = fmt.Sprintf(" (and %d more errors)", len(errs)-1)
	}
	return fmt.Errorf("the plan failed its checks after some of its calls were made: %s%s", errs[0].Summary, more)
}

// pipeline is the state of one PlanApply while it reads.
type pipeline struct {
	ctx      context.Context
	client   Cognito
	planner  *plan.Streaming
	early    *apply.Early
	back     *readBack // nil: users are not read back
	later    *laterHooks
	progress *readCount

	mu       sync.Mutex // guards live's users of the streamed pools, failures
	live     state.Live
	failures []*cognito.CallError
}

// readUsers reads the declared users of the streamable pools that exist,
// handing each user planned alone to the early run.
func (p *pipeline) readUsers(desired state.Desired) {
	type job struct {
		pool *state.LivePool
		name string
	}
	jobs := make(chan job)
	var workers sync.WaitGroup
	for range min(p.client.ReadersInFlight(), p.progress.later) {
		workers.Go(func() {
			for j := range jobs {
				p.readUser(j.pool, j.name)
			}
		})
	}
feed:
	for _, dp := range desired.Pools {
		lp := p.live.Pools[dp.UserPoolId]
		if !plan.Streamable(dp) || lp == nil || !lp.Exists {
			continue
		}
		if p.back != nil && p.planner.Streams(dp.UserPoolId) {
			p.back.sawPool(dp.UserPoolId, lp.Config.MfaConfiguration)
		}
		for _, name := range uniqueNames(dp.Users) {
			select {
			case jobs <- job{lp, name}:
			case <-p.ctx.Done():
				break feed
			}
		}
	}
	close(jobs)
	workers.Wait()
}

func (p *pipeline) readUser(lp *state.LivePool, name string) {
	u, err := p.client.ReadUser(p.ctx, lp.UserPoolId, name, lp.Config.MfaConfiguration)
	if p.ctx.Err() != nil {
		return
	}
	if err != nil {
		p.early.Stop()
		var ce *cognito.CallError
		if !errors.As(err, &ce) {
			ce = &cognito.CallError{Operation: "AdminGetUser", UserPoolId: lp.UserPoolId, Username: name, Message: err.Error()}
		}
		p.mu.Lock()
		p.failures = append(p.failures, ce)
		p.mu.Unlock()
		return
	}
	p.mu.Lock()
	lp.Users[name] = u
	p.mu.Unlock()
	p.progress.read()
	switch f := p.planner.User(lp.UserPoolId, u); {
	case len(f.Errors) > 0:
		p.early.Stop() // the plan will fail its checks: make nothing more
	case f.Call != nil:
		if p.back != nil {
			p.back.expectEarly(*f.Call)
		}
		p.early.Add(*f.Call)
	}
}

// unfinished ends the early run of a plan that will not be executed and
// returns what it made, or nil when it made nothing.
func (p *pipeline) unfinished(stopped error) *Applied {
	result := p.early.Wait()
	if len(result.Calls) == 0 || result.Applied() == nil && result.Failed() == nil && result.Ineligible() == nil {
		return nil
	}
	p.back.wait() // nothing is verified: the plan did not run
	if err := p.ctx.Err(); err != nil {
		result.Interrupted = true
		stopped = &StoppedEarlyError{Err: fmt.Errorf("interrupted before the plan was complete: %w", err), Reason: "interrupted before the plan was complete"}
	}
	if result.Stopped == nil {
		result.Stopped = stopped
	}
	return &Applied{Result: result}
}

func uniqueNames(users []state.DesiredUser) []string {
	seen := make(map[string]bool, len(users))
	names := make([]string, 0, len(users))
	for _, u := range users {
		if !seen[u.Username] {
			seen[u.Username] = true
			names = append(names, u.Username)
		}
	}
	return names
}

// readCount reports reads made in two parts: ReadLive's (pools, and users
// of the pools not streamed), then the streamed pools' users, later.
type readCount struct {
	report func(done, total int) // may be nil
	later  int

	mu                  sync.Mutex
	firstDone, firstAll int
	laterDone           int
}

func (c *readCount) first(done, total int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.firstDone, c.firstAll = done, total
	if c.report != nil {
		c.report(c.firstDone+c.laterDone, c.firstAll+c.later)
	}
}

func (c *readCount) read() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.laterDone++
	if c.report != nil {
		c.report(c.firstDone+c.laterDone, c.firstAll+c.later)
	}
}

func (c *readCount) total() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.firstAll + c.later
}

// laterHooks holds the calls that end before the plan is shown and passes
// them on, in order, to the hooks shown returns; later calls go straight
// on. PreCall is passed on only once there are hooks.
type laterHooks struct {
	mu    sync.Mutex
	next  apply.Hooks
	ready bool
	ended []endedCall
}

type endedCall struct {
	i   int
	c   plan.Call
	err error
	d   time.Duration
}

func (h *laterHooks) PreCall(i int, c plan.Call) {
	h.mu.Lock()
	next := h.next
	h.mu.Unlock()
	if next != nil {
		next.PreCall(i, c)
	}
}

func (h *laterHooks) PostCall(i int, c plan.Call, err error, d time.Duration) {
	h.mu.Lock()
	if !h.ready {
		h.ended = append(h.ended, endedCall{i, c, err, d})
		h.mu.Unlock()
		return
	}
	next := h.next
	h.mu.Unlock()
	if next != nil {
		next.PostCall(i, c, err, d)
	}
}

func (h *laterHooks) set(next apply.Hooks) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.next, h.ready = next, true
	if next != nil {
		for _, e := range h.ended {
			next.PostCall(e.i, e.c, e.err, e.d)
		}
	}
	h.ended = nil
}
