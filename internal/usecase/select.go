package usecase

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/mfactl/mfactl/internal/cognito"
	"github.com/mfactl/mfactl/internal/state"
	"github.com/mfactl/mfactl/plan"
)

// Selecting is what reading policies' selections needs from Cognito, on
// top of ReadLive: listings at the UserList quota, a group's precedence,
// and one AdminGetUser per listed user at the UserRead quota.
type Selecting interface {
	ListUsersFiltered(ctx context.Context, poolID, filter string, attributes []string, each func(state.ListedUser) error) error
	ListUsersInGroup(ctx context.Context, poolID, group string, each func(state.ListedUser) error) error
	GetGroup(ctx context.Context, poolID, name string) (state.Group, error)
	ReadUser(ctx context.Context, poolID, username string, poolMode state.Mode) (*state.LiveUser, error)
	// ReadersInFlight is how many ReadUser calls to keep going at once.
	ReadersInFlight() int
}

// selection is one listing to make: a policy's selection in a pool.
type selection struct {
	poolID, policy string
	sel            state.Selection
}

// selectionsOf lists the selections of desired's policies, for the pools
// live has read and found.
func selectionsOf(desired state.Desired, live state.Live) []selection {
	var out []selection
	for _, dp := range desired.Pools {
		if lp := live.Pools[dp.UserPoolId]; lp == nil || !lp.Exists {
			continue
		}
		for _, pol := range dp.Policies {
			out = append(out, selection{dp.UserPoolId, pol.Name, pol.Select})
		}
	}
	return out
}

// selectionReader lists selections and reads the users they list, the two
// overlapping: each listed user is handed to the readers as soon as its
// page arrives, and a page is asked for only once the readers have taken
// the one before, so memory holds what the plan needs and a page at most.
type selectionReader struct {
	client   Selecting
	live     state.Live
	read     bool                   // read the listed users too (not when only checking a saved plan)
	progress func(listed, read int) // may be nil; called under mu
	// streamed are, by pool, the selections read without keeping the
	// users they count in sync (planning only; see streamedSelection).
	streamed map[string]*streamedSelection
	// checkpoint keeps the reads, and gives back those of a resumed run
	// (may be nil).
	checkpoint *checkpoint
	// observe and forget are readOptions'.
	observe func(poolID string, lu *state.LiveUser)
	forget  bool

	mu            sync.Mutex
	listed, readN int
	queued        map[string]map[string]bool // pool → usernames already read or queued
	failures      []error
}

// userRead is one user to read; streamed: listed by its pool's streamed
// selection alone.
type userRead struct {
	poolID, username string
	streamed         bool
}

// streamedSelection is the one selection of a pool whose users are not
// all kept: each user only it selects is judged as it is read, and one in
// sync is counted (InSync, and its fingerprint in Digest) instead of kept.
// So a policy over a whole pool holds the users it changes, not the pool.
type streamedSelection struct {
	dp     state.DesiredPool
	policy string
	opts   plan.Options
	judge  *plan.InSyncJudge

	inSync int
	digest plan.InSyncDigest
	// unnamed counts the users listed and not named in the selection's
	// Usernames (yet): let go when read, or not read (interrupted).
	unnamed int
}

// keepWhole is how many users of a streamed selection are kept whole
// before the others are judged: a small pool's plan names every user its
// policies select, as it always did (and a stale saved plan names who
// joined or left); a large one's counts those in sync beyond these.
var keepWhole = 1000

// streamedPolicy is the policy of dp whose listing is streamed: the
// AllUsers one (every other selection is within it), else the only one.
// The pool's other selections are listed first and held whole.
func streamedPolicy(dp state.DesiredPool) string {
	for _, pol := range dp.Policies {
		if pol.Select.AllUsers {
			return pol.Name
		}
	}
	if len(dp.Policies) == 1 {
		return dp.Policies[0].Name
	}
	return ""
}

// isStreamed reports whether s is its pool's streamed selection.
func (r *selectionReader) isStreamed(s selection) bool {
	ss := r.streamed[s.poolID]
	return ss != nil && ss.policy == s.policy
}

// run lists every selection and, with read, reads each user listed that
// live does not hold yet, recording both in live. It returns ctx's error
// when interrupted, and otherwise an error naming what could not be read.
func (r *selectionReader) run(ctx context.Context, sels []selection) error {
	r.queued = map[string]map[string]bool{}
	for _, s := range sels {
		lp := r.live.Pools[s.poolID]
		if lp.Selections == nil {
			lp.Selections = map[string]*state.LiveSelection{}
		}
		if r.queued[s.poolID] == nil {
			r.queued[s.poolID] = map[string]bool{}
			for name := range lp.Users {
				r.queued[s.poolID][name] = true
			}
		}
	}
	reads := make(chan userRead, 2*cognito.ListPageSize)
	var readers sync.WaitGroup
	if r.read {
		for range r.client.ReadersInFlight() {
			readers.Go(func() {
				for job := range reads {
					r.readUser(ctx, job)
				}
			})
		}
	}
	// The selections held whole are listed before the streamed ones, which
	// need to know who else is selected.
	for _, streamed := range []bool{false, true} {
		var lists sync.WaitGroup
		for _, s := range sels {
			if r.isStreamed(s) != streamed {
				continue
			}
			lists.Go(func() {
				if err := r.list(ctx, s, reads); err != nil && ctx.Err() == nil {
					r.fail(err)
				}
			})
		}
		lists.Wait()
	}
	close(reads)
	readers.Wait()
	if err := ctx.Err(); err != nil {
		return err
	}
	if len(r.failures) > 0 {
		return r.error()
	}
	return nil
}

// list makes one selection's listing and queues its new users for reading.
func (r *selectionReader) list(ctx context.Context, s selection, reads chan<- userRead) error {
	lp := r.live.Pools[s.poolID]
	live := &state.LiveSelection{}
	r.mu.Lock()
	lp.Selections[s.policy] = live
	r.mu.Unlock()
	streams := r.read && r.isStreamed(s)
	judged := false
	listedHere := 0
	each := func(u state.ListedUser) error {
		r.mu.Lock()
		listedHere++
		streamed := streams && listedHere > keepWhole
		if streamed && !judged && !r.forget {
			ss := r.streamed[s.poolID]
			ss.judge = plan.NewInSyncJudge(ss.dp, lp, ss.policy, ss.opts)
			judged = true
		}
		r.listed++
		// A user of the streamed selection only is named once read, if
		// kept; one read already (named, or held by another selection) is
		// kept, and not remembered otherwise: no set of the pool's users.
		held := r.queued[s.poolID][u.Username]
		if !streamed || held {
			live.Usernames = append(live.Usernames, u.Username)
		}
		fresh := r.read && !held
		if fresh && !streamed {
			r.queued[s.poolID][u.Username] = true
		}
		if streamed && !held {
			r.streamed[s.poolID].unnamed++
		}
		r.report()
		r.mu.Unlock()
		if fresh {
			select {
			case reads <- userRead{s.poolID, u.Username, streamed}:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		return nil
	}
	switch {
	case s.sel.Group != "":
		g, err := r.client.GetGroup(ctx, s.poolID, s.sel.Group)
		if err != nil {
			return err
		}
		r.mu.Lock()
		live.GroupExists, live.Precedence = g.Exists, g.Precedence
		r.mu.Unlock()
		if !g.Exists {
			return nil
		}
		err = r.client.ListUsersInGroup(ctx, s.poolID, s.sel.Group, each)
		var callErr *cognito.CallError
		if errors.As(err, &callErr) && callErr.Code == "ResourceNotFoundException" {
			r.mu.Lock()
			live.GroupExists, live.Usernames = false, nil // deleted while listed
			r.mu.Unlock()
			return nil
		}
		return err
	case s.sel.AllUsers:
		return r.client.ListUsersFiltered(ctx, s.poolID, "", []string{"sub"}, each)
	default:
		return r.client.ListUsersFiltered(ctx, s.poolID, s.sel.Filter, []string{"sub"}, each)
	}
}

func (r *selectionReader) readUser(ctx context.Context, job userRead) {
	if ctx.Err() != nil {
		return // interrupted: start no more reads
	}
	lp := r.live.Pools[job.poolID]
	u := r.checkpoint.take(job.poolID, job.username)
	var err error
	if u == nil {
		readCtx := ctx
		if r.checkpoint != nil {
			// A read already sent when the run is interrupted finishes and
			// is kept: Cognito has answered it, and a resumed run must not
			// ask again. One still waiting for its turn is not sent.
			readCtx = cognito.FinishOnceSent(ctx)
		}
		if u, err = r.client.ReadUser(readCtx, job.poolID, job.username, lp.Config.MfaConfiguration); err == nil {
			r.checkpoint.record(job.poolID, u)
		}
	}
	inSync := false
	if job.streamed && err == nil && ctx.Err() == nil && !r.forget {
		inSync = r.streamed[job.poolID].judge.InSync(u)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if err == nil && ctx.Err() == nil && r.observe != nil {
		r.observe(job.poolID, u)
	}
	switch {
	case ctx.Err() != nil:
		return
	case err != nil:
		r.failures = append(r.failures, err)
	case job.streamed && r.forget:
	case inSync:
		ss := r.streamed[job.poolID]
		ss.inSync++
		ss.digest.Add(job.poolID, u)
	default:
		lp.Users[job.username] = u
		if job.streamed {
			ss := r.streamed[job.poolID]
			ss.unnamed--
			sel := lp.Selections[ss.policy]
			sel.Usernames = append(sel.Usernames, job.username)
		}
	}
	r.readN++
	r.report()
}

func (r *selectionReader) fail(err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failures = append(r.failures, err)
}

// report tells progress how far listing and reading have got; r.mu is held.
func (r *selectionReader) report() {
	if r.progress != nil {
		r.progress(r.listed, r.readN)
	}
}

// failuresShown is how many failures the error names.
const failuresShown = 10

func (r *selectionReader) error() error {
	msgs := make([]string, len(r.failures))
	for i, f := range r.failures {
		msgs[i] = f.Error()
	}
	sort.Strings(msgs)
	var b strings.Builder
	fmt.Fprintf(&b, "could not read what the policies select (%d failed calls)", len(msgs))
	for i, m := range msgs {
		if i == failuresShown {
			fmt.Fprintf(&b, "\n  … and %d more", len(msgs)-failuresShown)
			break
		}
		b.WriteString("\n  " + m)
	}
	return errors.New(b.String())
}

// estimatedUsers is how many users the selections will list, as far as
// known before listing: a whole pool's EstimatedNumberOfUsers.
func estimatedUsers(sels []selection, live state.Live) int {
	n := 0
	counted := map[string]bool{}
	for _, s := range sels {
		if s.sel.AllUsers && !counted[s.poolID] {
			counted[s.poolID] = true
			n += live.Pools[s.poolID].EstimatedUsers
		}
	}
	return n
}

// readOptions say how readSelections reads.
type readOptions struct {
	// stream: leave out of live the users a pool's streamed selection
	// alone selects and who are in sync, planned with build (see
	// streamedSelection); only for planning.
	stream bool
	build  plan.Options
	// checkpoint keeps the reads (nil: none).
	checkpoint *checkpoint
	// observe, if set, is shown every user the selections read, kept or
	// let go, as it is read (one at a time); not those live held before.
	observe func(poolID string, lu *state.LiveUser)
	// forget, with stream, lets every user of a streamed selection beyond
	// keepWhole go once observed, in sync or not: nothing plans from them
	// (a report without files).
	forget bool
}

// readSelections lists desired's selections and reads the users they list
// into live, telling progress (done, total) on top of base reads already
// made; total grows as listings find users. It returns, with stream, the
// selections it streamed, by pool.
func readSelections(ctx context.Context, client Selecting, desired state.Desired, live state.Live, base int, progress func(done, total int), opts readOptions) (map[string]*streamedSelection, error) {
	sels := selectionsOf(desired, live)
	if len(sels) == 0 {
		return nil, nil
	}
	estimate := estimatedUsers(sels, live)
	r := &selectionReader{client: client, live: live, read: true, checkpoint: opts.checkpoint, observe: opts.observe, forget: opts.forget}
	if opts.stream {
		r.streamed = map[string]*streamedSelection{}
		for _, dp := range desired.Pools {
			if name := streamedPolicy(dp); name != "" && live.Pools[dp.UserPoolId] != nil && live.Pools[dp.UserPoolId].Exists {
				r.streamed[dp.UserPoolId] = &streamedSelection{dp: dp, policy: name, opts: opts.build}
			}
		}
	}
	if progress != nil {
		r.progress = func(listed, read int) { progress(base+read, base+max(listed, estimate, read)) }
	}
	return r.streamed, r.run(ctx, sels)
}

// addInSync completes a plan built without the users streamed selections
// counted in sync: their counts, and the digest apply checks them by.
func addInSync(p *plan.Plan, streamed map[string]*streamedSelection) {
	for poolID, ss := range streamed {
		if ss.inSync == 0 {
			continue
		}
		for i := range p.Pools {
			if p.Pools[i].UserPoolId == poolID {
				plan.AddInSync(&p.Pools[i], ss.policy, ss.inSync)
			}
		}
		for i := range p.Selections {
			if st := &p.Selections[i]; st.UserPoolId == poolID && st.Policy == ss.policy {
				st.InSync, st.InSyncDigest = ss.inSync, ss.digest.String()
			}
		}
	}
}
