package usecase

import (
	"context"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/mfactl/mfactl/apply"
	"github.com/mfactl/mfactl/internal/diag"
	"github.com/mfactl/mfactl/internal/state"
	"github.com/mfactl/mfactl/internal/token"
	"github.com/mfactl/mfactl/internal/untrusted"
	"github.com/mfactl/mfactl/plan"
	"github.com/mfactl/mfactl/plan/planfile"
)

// ApplyOptions tune applying a plan.
type ApplyOptions struct {
	Concurrency int         // calls in flight per stage of a pool; apply.DefaultConcurrency when 0
	Hooks       apply.Hooks // told about each call (progress); may be nil
	Verify      VerifyScope // what is read again after apply; VerifyChanged when empty
}

// VerifyScope says which targets verification reads again after apply.
type VerifyScope string

const (
	// VerifyChanged reads again only what the plan's calls wrote: their
	// pools and users. The other targets were read moments before and left
	// alone.
	VerifyChanged VerifyScope = "changed"
	// VerifyAll reads every target of the plan again.
	VerifyAll VerifyScope = "all"
)

// ParseVerifyScope reads a --verify value.
func ParseVerifyScope(s string) (VerifyScope, error) {
	switch v := VerifyScope(s); v {
	case VerifyChanged, VerifyAll:
		return v, nil
	}
	return "", fmt.Errorf("invalid --verify %q: use %s (the pools and users apply wrote) or %s (every target of the plan)", s, VerifyChanged, VerifyAll)
}

// Applied is the outcome of applying a plan: what happened to each call,
// and, when every call was applied, whether Cognito now matches.
type Applied struct {
	Result       *apply.Result
	Verification *Verification // nil unless every call was applied
}

// Verification is the plan's desired state planned again against the
// live state read after apply: nothing may be left to do.
type Verification struct {
	Scope   VerifyScope
	Desired state.Desired // what was verified: the plan's DesiredState, or its WrittenState
	// NotRereadPools and NotRereadUsers count the plan's targets that
	// were not read again (VerifyChanged: apply did not write them), so
	// that "Verified" is never read as more than it is.
	NotRereadPools, NotRereadUsers int
	Again                          *plan.Plan // nil when Err is set
	Err                            error      // re-reading live state failed
}

// OK reports whether live state matches the plan's desired state.
func (v *Verification) OK() bool {
	return v.Err == nil && !v.Again.HasChanges() && !v.Again.Diagnostics.HasErrors()
}

// Apply executes p's calls (apply executes the plan and nothing else), then
// verifies against the desired state p records. The error is for what
// stopped it from applying at all.
func (s *Session) Apply(ctx context.Context, p *plan.Plan, opts ApplyOptions) (*Applied, error) {
	client, err := s.cognito(ctx, s.token)
	if err != nil {
		return nil, err
	}
	var back *readBack
	if readsBack(p, opts) {
		back = newReadBack(ctx, client, opts.Hooks)
	}
	return s.run(ctx, client, p, opts, back, apply.Options{}), nil
}

// readsBack says whether users are read back as their calls return.
func readsBack(p *plan.Plan, opts ApplyOptions) bool {
	return p.SelfService == nil && opts.Verify != VerifyAll
}

// run executes p, with the calls an early run made already (early.Made),
// then verifies. back, if not nil, reads users back as their calls return.
func (s *Session) run(ctx context.Context, client Cognito, p *plan.Plan, opts ApplyOptions, back *readBack, early apply.Options) *Applied {
	hooks, check := opts.Hooks, poolCheck(client, p, nil)
	if back != nil {
		back.expect(p, early.Made)
		hooks, check = back, poolCheck(client, p, back.sawPool)
	}
	result := apply.Run(ctx, p, apply.Dispatch(client), apply.Options{
		Concurrency: opts.Concurrency, Hooks: hooks, BeforeStage: check, Early: early.Early, Made: early.Made,
	})
	out := &Applied{Result: result}
	if result.OK() {
		out.Verification = s.verify(ctx, client, p, result, opts.Verify, back.wait())
	}
	return out
}

// readBack reads each user back for verification as soon as its last
// call returns, while apply's other calls go on: reads and writes have
// separate quotas, so verification then costs little after the last write.
// Only users of pools that no call of the plan changes are read early (a
// pool's mode decides what a user's read means); the rest are read by
// verify as before. Hooks passes every call on to the caller's hooks.
type readBack struct {
	ctx    context.Context
	client userReader
	next   apply.Hooks // may be nil

	mu        sync.Mutex
	remaining map[userKey]int              // user calls not yet returned, of pools no call changes
	modes     map[string]state.Mode        // pool → mode, as read before its stages
	changed   map[string]bool              // pools a call of the plan changes: their users are verify's
	read      map[string][]*state.LiveUser // pool → users read back
	reads     sync.WaitGroup
}

type userKey struct{ pool, user string }

// userReader reads one user: the port readBack needs.
type userReader interface {
	ReadUser(ctx context.Context, poolID, username string, poolMode state.Mode) (*state.LiveUser, error)
}

func newReadBack(ctx context.Context, client userReader, next apply.Hooks) *readBack {
	return &readBack{ctx: ctx, client: client, next: next, remaining: map[userKey]int{},
		modes: map[string]state.Mode{}, changed: map[string]bool{}, read: map[string][]*state.LiveUser{}}
}

// expect counts the user calls of p that are yet to be made (all but the
// indexes in made, which an early run made and expectEarly counted), in
// the pools p leaves alone.
func (r *readBack) expect(p *plan.Plan, made []int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, c := range p.Calls {
		if c.Username == "" { // any pool call: MFA configuration, posture
			r.changed[c.UserPoolId] = true
		}
	}
	for _, t := range p.Targets {
		if t.Username == "" && t.LegacyMfaOptions == state.LegacyMigrate {
			r.changed[t.UserPoolId] = true
		}
	}
	skip := make(map[int]bool, len(made))
	for _, i := range made {
		skip[i] = true
	}
	due := map[userKey]int{}
	for i, c := range p.Calls {
		if c.Username != "" && !skip[i] && !r.changed[c.UserPoolId] {
			due[userKey{c.UserPoolId, c.Username}]++
		}
	}
	// A call queued early but not started is counted here, once.
	maps.Copy(r.remaining, due)
}

// expectEarly counts a user's one call, about to be made early.
func (r *readBack) expectEarly(c plan.Call) {
	r.mu.Lock()
	r.remaining[userKey{c.UserPoolId, c.Username}] = 1
	r.mu.Unlock()
}

// sawPool notes a pool's mode, as poolCheck read it before a stage.
func (r *readBack) sawPool(poolID string, mode state.Mode) {
	r.mu.Lock()
	r.modes[poolID] = mode
	r.mu.Unlock()
}

func (r *readBack) PreCall(i int, c plan.Call) {
	if r.next != nil {
		r.next.PreCall(i, c)
	}
}

func (r *readBack) PostCall(i int, c plan.Call, err error, d time.Duration) {
	if r.next != nil {
		r.next.PostCall(i, c, err, d)
	}
	k := userKey{c.UserPoolId, c.Username}
	r.mu.Lock()
	defer r.mu.Unlock()
	n, tracked := r.remaining[k]
	mode, known := r.modes[c.UserPoolId]
	if err != nil || !tracked || !known {
		delete(r.remaining, k) // verify reads it
		return
	}
	if n > 1 {
		r.remaining[k] = n - 1
		return
	}
	delete(r.remaining, k)
	r.reads.Go(func() {
		u, err := r.client.ReadUser(r.ctx, k.pool, k.user, mode)
		if err != nil {
			return // verify reads it again
		}
		r.mu.Lock()
		r.read[k.pool] = append(r.read[k.pool], u)
		r.mu.Unlock()
	})
}

// wait returns the users read back, once every read has ended, less those
// of pools the plan changes (an early run may have read them back before
// the plan showed it); nil for a nil readBack.
func (r *readBack) wait() map[string][]*state.LiveUser {
	if r == nil {
		return nil
	}
	r.reads.Wait()
	for id := range r.changed {
		delete(r.read, id)
	}
	return r.read
}

// PoolMovedError stops a pool whose configuration changed between two
// stages of apply: another writer (most likely a second apply) is at work.
type PoolMovedError struct {
	UserPoolId string
	Stage      int
}

func (e *PoolMovedError) Error() string {
	return fmt.Sprintf("user pool %s changed while this apply ran (another apply, or a change by hand, between its stages); stopped before stage %d of that pool", e.UserPoolId, e.Stage)
}

// poolCheck re-reads a pool's configuration before each of its stages and
// refuses to go on when it is not the one this apply left (see
// plan.PoolAsExpected): Cognito has no conditional writes, so two applies
// on one pool could otherwise interleave into a state neither planned,
// such as users' SMS off while the pool is ON. seen, if not nil, is told
// the mode of each pool found as expected.
func poolCheck(client LiveReader, p *plan.Plan, seen func(poolID string, mode state.Mode)) func(context.Context, string, int, []plan.Call) error {
	if p.SelfService != nil {
		return nil // the user's token cannot read the pool
	}
	return func(ctx context.Context, poolID string, stage int, applied []plan.Call) error {
		var last *state.PoolConfig
		posture := false
		for _, c := range applied {
			if c.PoolRequest != nil {
				last = c.PoolRequest
			}
			posture = posture || c.PostureRequest != nil || c.RiskRequest != nil
		}
		live, err := client.ReadLive(ctx, state.ReadSet{poolID: {}}, nil)
		if err != nil {
			return fmt.Errorf("re-reading user pool %s before stage %d: %w", poolID, stage, err)
		}
		lp := live.Pools[poolID]
		if lp != nil && lp.Exists {
			// The fingerprint covers the risk configurations the plan read.
			if err := readRisk(ctx, client, lp, p.DesiredState()); err != nil {
				return fmt.Errorf("re-reading user pool %s before stage %d: %w", poolID, stage, err)
			}
		}
		expected := plan.PoolAsExpected(p, poolID, lp, last)
		if posture {
			expected = plan.PostureAsExpected(p, poolID, lp, applied)
		}
		if !expected {
			return &PoolMovedError{UserPoolId: poolID, Stage: stage}
		}
		if seen != nil {
			seen(poolID, live.Pools[poolID].Config.MfaConfiguration)
		}
		return nil
	}
}

// verify plans the desired state of the targets in scope again against
// their live state, less the users whose calls Cognito refused as
// ineligible. Restricting the targets keeps the definition: it is the
// plan's recorded desired state, only for fewer targets.
//
// readBack holds users already read back after their calls returned, by
// pool: they are not read again.
func (s *Session) verify(ctx context.Context, client planReading, p *plan.Plan, result *apply.Result, scope VerifyScope, readBack map[string][]*state.LiveUser) *Verification {
	v := &Verification{Scope: VerifyChanged, Desired: p.WrittenState()}
	if scope == VerifyAll {
		v.Scope, v.Desired = VerifyAll, p.DesiredState()
	}
	all := p.DesiredState()
	v.NotRereadPools, v.NotRereadUsers = len(all.Pools)-len(v.Desired.Pools), countUsers(all)-countUsers(v.Desired)
	v.Desired = withoutRefused(v.Desired, result.Ineligible())
	live, err := readLiveExcept(ctx, client, v.Desired, readBack)
	if err != nil {
		v.Err = fmt.Errorf("applied, but re-reading live state to confirm failed: %w", err)
		return v
	}
	v.Again = plan.Build(v.Desired, live, plan.Options{})
	return v
}

func countUsers(d state.Desired) int {
	n := 0
	for _, dp := range d.Pools {
		n += len(dp.Users)
	}
	return n
}

// withoutRefused leaves out of d the users whose calls Cognito refused as
// ineligible: their policy does not apply to them, so nothing is verified.
func withoutRefused(d state.Desired, refused []apply.CallResult) state.Desired {
	if len(refused) == 0 {
		return d
	}
	type key struct{ pool, user string }
	gone := map[key]bool{}
	for _, c := range refused {
		gone[key{c.Call.UserPoolId, c.Call.Username}] = true
	}
	for i := range d.Pools {
		dp := &d.Pools[i]
		kept := dp.Users[:0]
		for _, u := range dp.Users {
			if !gone[key{dp.UserPoolId, u.Username}] {
				kept = append(kept, u)
			}
		}
		dp.Users = kept
	}
	return d
}

// SavedOptions are the inputs of loading a saved plan for applying.
type SavedOptions struct {
	Path  string
	Files []string // only to supply secrets the plan file does not hold
	Stdin io.Reader
	// Key, when set, is the key the plan file must be signed with
	// (planfile.KeyEnv); a plan file signed with a key needs it.
	Key []byte
	// MaxAge refuses a plan file made longer ago (0: no limit); see
	// plan.CheckAge.
	MaxAge time.Duration
	// ReadProgress, if set, is told how far reading live state has got.
	ReadProgress func(done, total int)
	// AccessToken reads the signed-in user's token, which a self-service
	// plan needs (and no other plan takes); as in PlanOptions.
	AccessToken func() (*token.Token, error)
	TokenGiven  bool
}

// LoadSaved reads a plan file, reads again what it read, and refuses it,
// before any call, when that changed since (*StaleError) or when its calls
// are not exactly the ones its own desired state and options make against
// that live state (*plan.InconsistentError: an edited plan); then it puts
// back the secrets the file does not hold. Only a plan that read nothing
// is returned without contacting Cognito. As with Plan, invalid files (given
// for secrets) leave Plan nil and their diagnostics in Input.
func (s *Session) LoadSaved(ctx context.Context, opts SavedOptions) (*Planned, error) {
	p, err := loadPlanFile(opts.Path, opts.Key)
	if err != nil {
		return nil, err
	}
	if err := planfile.Applicable(p); err != nil {
		return nil, fmt.Errorf("%s: %w", opts.Path, err)
	}
	if err := planfile.CheckAge(p, s.now(), opts.MaxAge); err != nil {
		return nil, fmt.Errorf("%s: %w", opts.Path, err)
	}
	var desired *state.Desired
	if len(opts.Files) > 0 {
		d, diags, err := loadFiles(ctx, opts.Files, opts.Stdin)
		if err != nil {
			return nil, err
		}
		if diags.HasErrors() {
			return &Planned{Input: diags}, nil
		}
		desired = &d
	}
	tok, err := savedPlanToken(p, opts)
	if err != nil {
		return nil, err
	}
	if len(p.Targets) == 0 { // read nothing: nothing to check, nothing to apply
		return &Planned{Plan: p}, nil
	}
	if tok != nil {
		if err := tok.Usable(s.now()); err != nil {
			return nil, err
		}
	}
	client, err := s.cognito(ctx, tok)
	if err != nil {
		return nil, err
	}
	p.Reads = &plan.Reads{Limits: useProvisionedLimits(ctx, client, p.DesiredState(), runCategories)}
	live, err := readLive(ctx, client, p.DesiredState(), opts.ReadProgress)
	if err != nil {
		return nil, fmt.Errorf("reading live state to check the saved plan: %w", err)
	}
	var sels []selection
	for _, st := range p.Selections {
		if lp := live.Pools[st.UserPoolId]; lp != nil && lp.Exists {
			sels = append(sels, selection{st.UserPoolId, st.Policy, st.Select})
		}
	}
	if len(sels) > 0 {
		// The listed users that are not targets (ineligible, skipped,
		// overridden) are read too: the plan's review form counts them.
		r := &selectionReader{client: client, live: live, read: true}
		if err := r.run(ctx, sels); err != nil {
			return nil, fmt.Errorf("listing what the saved plan's policies select: %w", err)
		}
	}
	stale, staleSels := plan.StaleTargets(p, live), plan.StaleSelections(p, live)
	if len(stale) > 0 || len(staleSels) > 0 {
		return nil, &StaleError{Path: opts.Path, Targets: stale, Selections: staleSels}
	}
	// The saved plan's TOTP enables were decided by AdminGetUserAuthFactors
	// where it could: decide them again, so the rebuilt plan can match.
	if _, p.Reads.AuthFactors, err = decideTOTP(ctx, client, live, func(live state.Live) *plan.Plan {
		return plan.Rebuild(p, live)
	}); err != nil {
		return nil, err
	}
	if err := plan.CheckRebuild(p, live); err != nil {
		return nil, fmt.Errorf("%s: %w", opts.Path, err)
	}
	if desired != nil {
		if err := plan.CheckFilesAgree(p, *desired); err != nil {
			return nil, fmt.Errorf("%s: %w", opts.Path, err)
		}
	}
	if err := plan.ResolveSecrets(p, live, desired); err != nil {
		return nil, err
	}
	return &Planned{Plan: p}, nil
}

func loadPlanFile(path string, key []byte) (*plan.Plan, error) {
	return openPlanFile(path, func(r io.Reader) (*plan.Plan, error) { return planfile.LoadVerified(r, key) })
}

// openPlanFile reads a plan file, refusing what is not a regular file
// before opening it (a named pipe would block, a device such as /dev/zero
// never end) and what is larger than planfile.MaxFileSize.
func openPlanFile(path string, load func(io.Reader) (*plan.Plan, error)) (*plan.Plan, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("reading the plan file: %w", err)
	}
	if err := planFileShape(path, info); err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reading the plan file: %w", err)
	}
	defer f.Close()
	opened, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("reading the plan file: %w", err)
	}
	if !os.SameFile(info, opened) {
		return nil, fmt.Errorf("reading the plan file %s: it was replaced while mfactl opened it", path)
	}
	limited := &io.LimitedReader{R: f, N: planfile.MaxFileSize + 1}
	p, err := load(limited)
	if limited.N == 0 {
		return nil, planFileTooLarge(path)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return p, nil
}

// planFileShape refuses a plan file that is not a regular file, or too large.
func planFileShape(path string, info os.FileInfo) error {
	switch {
	case info.IsDir():
		return fmt.Errorf("reading the plan file %s: it is a directory; give the file mfactl plan --out wrote", path)
	case !info.Mode().IsRegular():
		return fmt.Errorf("reading the plan file %s: not a regular file (%s); give the file mfactl plan --out wrote, not a pipe or a device", path, fileKind(info.Mode()))
	case info.Size() > planfile.MaxFileSize:
		return planFileTooLarge(path)
	}
	return nil
}

func planFileTooLarge(path string) error {
	return fmt.Errorf("reading the plan file %s: it is larger than %d MiB, the most a plan file may be (about 140,000 changed users); apply such a change from the files (mfactl apply -f) or in parts (mfactl plan --target ... --out)", path, planfile.MaxFileSize>>20)
}

func fileKind(m os.FileMode) string {
	switch {
	case m&os.ModeNamedPipe != 0:
		return "a named pipe"
	case m&os.ModeSocket != 0:
		return "a socket"
	case m&os.ModeDevice != 0, m&os.ModeCharDevice != 0:
		return "a device"
	}
	return m.Type().String()
}

// StaleError refuses a saved plan whose targets changed since it was made.
type StaleError struct {
	Path       string
	Targets    []plan.Target
	Selections []plan.SelectionChange
}

// staleShown is how many stale targets the message names.
const staleShown = 10

func (e *StaleError) Error() string {
	var b strings.Builder
	b.WriteString("the saved plan " + e.Path + " is stale: live state changed since it was made")
	if len(e.Targets) > 0 {
		b.WriteString(" for")
	}
	for i, t := range e.Targets {
		if i == staleShown {
			fmt.Fprintf(&b, "\n  … and %d more", len(e.Targets)-staleShown)
			break
		}
		if t.Username != "" {
			fmt.Fprintf(&b, "\n  user %s in pool %s", t.Username, t.UserPoolId)
		} else {
			fmt.Fprintf(&b, "\n  pool %s", t.UserPoolId)
		}
	}
	for _, c := range e.Selections {
		fmt.Fprintf(&b, "\n  the listing of %s for policy %s in pool %s", c.Select, c.Policy, c.UserPoolId)
		switch {
		case c.Group:
			b.WriteString(": the group itself changed (created, deleted, or its Precedence)")
		case c.InSync != "" && len(c.Joined)+len(c.Left) == 0:
			b.WriteString(": " + c.InSync)
		default:
			if len(c.Joined) > 0 {
				fmt.Fprintf(&b, ": %d joined (%s)", len(c.Joined), shortList(c.Joined))
			}
			if len(c.Left) > 0 {
				fmt.Fprintf(&b, ": %d left (%s)", len(c.Left), shortList(c.Left))
			}
		}
	}
	b.WriteString("\nRun `mfactl plan` again to make a new plan.")
	return b.String()
}

func shortList(names []string) string {
	if len(names) <= staleShown {
		return strings.Join(names, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(names[:staleShown], ", "), len(names)-staleShown)
}

// SavePlan writes p to path atomically (temp file + rename), readable only
// by its owner: it names users and pools. A non-empty key signs it
// (planfile.KeyEnv).
func SavePlan(path string, p *plan.Plan, key []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".mfactl-plan-*")
	if err != nil {
		return fmt.Errorf("saving the plan: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := planfile.SaveSigned(tmp, p, key); err != nil {
		tmp.Close()
		return fmt.Errorf("saving the plan: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("saving the plan: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("saving the plan: %w", err)
	}
	return nil
}

// ShowSaved reads a plan file for display only: no client, no call to
// Cognito, no secret resolved (a saved plan holds none). With a key, the
// file's signature must match, and all of it is shown. Without one, what
// apply does not check is left out (the recorded warnings and --target
// scope: text anyone could have added) and a warning says so: a plan
// file's display text is derived from what apply checks, never read back
// on trust.
func ShowSaved(path string, key []byte) (*plan.Plan, error) {
	if len(key) > 0 {
		return openPlanFile(path, func(r io.Reader) (*plan.Plan, error) { return planfile.LoadVerified(r, key) })
	}
	p, err := openPlanFile(path, planfile.LoadForDisplay)
	if err != nil {
		return nil, err
	}
	p.Partial = nil
	p.Diagnostics = diag.List{{Severity: diag.Warning, Code: "plan-file-unsigned",
		Summary: fmt.Sprintf("%s is not signed: its recorded warnings and --target scope are not shown", path),
		Detail:  fmt.Sprintf("nothing vouches for them; apply checks the calls and changes shown against live state. Make and show plans with %s set to see everything", planfile.KeyEnv)}}
	return p, nil
}

// savedPlanToken returns the token a saved plan needs: a self-service
// plan's, for the pool and user it was made for; none for any other plan.
func savedPlanToken(p *plan.Plan, opts SavedOptions) (*token.Token, error) {
	self := p.SelfService
	var tok *token.Token
	if self != nil {
		var err error
		if tok, err = readToken(opts.AccessToken); err != nil {
			return nil, err
		}
	}
	switch {
	case self == nil && opts.TokenGiven:
		return nil, fmt.Errorf("%s is not a self-service plan: it is applied with AWS credentials, not an access token", opts.Path)
	case self == nil:
		return nil, nil
	case tok == nil:
		return nil, fmt.Errorf("%s is a self-service plan for user %s of %s: give that user's access token with --access-token-file FILE or %s", opts.Path, self.Username, self.UserPoolId, token.EnvVar)
	case tok.Claims.UserPoolId != self.UserPoolId:
		return nil, fmt.Errorf("the access token from %s is for user pool %s, but the plan %s was made for user pool %s: give a token of that pool", tok.Source, tok.Claims.UserPoolId, opts.Path, self.UserPoolId)
	case tok.Claims.Username != self.Username:
		return nil, fmt.Errorf("the access token from %s is for user %s, but the plan %s was made for user %s", tok.Source, untrusted.Name(tok.Claims.Username), opts.Path, untrusted.Name(self.Username))
	}
	return tok, nil
}
