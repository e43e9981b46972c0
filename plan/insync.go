package plan

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"math/big"
	"reflect"
	"slices"
	"sync"

	"github.com/mfactl/mfactl/internal/state"
)

// A policy over a large pool is planned without holding its compliant
// users (docs/planning.md, "Large pools"): each user its selection lists
// is read and judged on its own, and a user who would cost the plan
// nothing but counts (in sync, named in no diagnostic, no call, no entry)
// is counted and let go. Only the others are kept for Build, whose plan
// AddInSync then completes with the counts and a digest of the users let
// go, so that apply still refuses the plan when any of them changed.

// InSyncJudge tells, for one pool and the policy whose listing is
// streamed, whether a user that policy alone selects is in sync. It plans
// the pool with that user alone and compares the plan with the pool's plan
// without any user: the user is in sync when the two differ only by its
// counts. Users that differ only in name are judged alike, so it plans
// each form of user once. It is safe for concurrent use.
type InSyncJudge struct {
	desired state.Desired
	pool    state.LivePool // as read, without users; its selections without names
	policy  string
	opts    Options
	base    *Plan

	mu   sync.Mutex
	memo map[userFingerprintKey]bool
}

// NewInSyncJudge judges the users policy selects in dp's pool, as lp holds
// it after its other selections were listed (their groups' precedence).
func NewInSyncJudge(dp state.DesiredPool, lp *state.LivePool, policy string, opts Options) *InSyncJudge {
	dp.Users = nil // named users win over policies: they are never judged
	pool := *lp
	pool.Users = map[string]*state.LiveUser{}
	pool.Selections = map[string]*state.LiveSelection{}
	for name, sel := range lp.Selections {
		pool.Selections[name] = &state.LiveSelection{GroupExists: sel.GroupExists, Precedence: sel.Precedence}
	}
	for _, pol := range dp.Policies {
		if pool.Selections[pol.Name] == nil {
			pool.Selections[pol.Name] = &state.LiveSelection{}
		}
	}
	j := &InSyncJudge{desired: state.Desired{Pools: []state.DesiredPool{dp}}, pool: pool, policy: policy, opts: opts,
		memo: map[userFingerprintKey]bool{}}
	j.base = j.build(nil)
	return j
}

// InSync reports whether lu, selected by the judge's policy alone, would
// be counted in sync and appear nowhere else in the plan.
func (j *InSyncJudge) InSync(lu *state.LiveUser) bool {
	if lu == nil || !lu.Exists || len(lu.Unreadable) > 0 || lu.TOTPRegistered != nil {
		return false
	}
	probe := &state.LivePool{Users: map[string]*state.LiveUser{lu.Username: lu}}
	key, ok := userKey(probe, lu.Username)
	if !ok {
		return false // legacy MFAOptions: rare, and planned with care
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if v, ok := j.memo[key]; ok {
		return v
	}
	v := j.sameButCounts(j.build(lu))
	j.memo[key] = v
	return v
}

// build plans the pool with lu alone (none when nil).
func (j *InSyncJudge) build(lu *state.LiveUser) *Plan {
	lp := j.pool
	lp.Users = map[string]*state.LiveUser{}
	lp.Selections = map[string]*state.LiveSelection{}
	for name, sel := range j.pool.Selections {
		s := *sel
		if lu != nil && name == j.policy {
			s.Usernames = []string{lu.Username}
			lp.Users[lu.Username] = lu
		}
		lp.Selections[name] = &s
	}
	return Build(j.desired, state.Live{Pools: map[string]*state.LivePool{lp.UserPoolId: &lp}}, j.opts)
}

// sameButCounts reports whether p, the plan with one user, is the plan
// without users but for that user counted in sync under the policy.
func (j *InSyncJudge) sameButCounts(p *Plan) bool {
	if !reflect.DeepEqual(p.Diagnostics, j.base.Diagnostics) || len(p.Calls) != len(j.base.Calls) || len(p.Pools) != len(j.base.Pools) {
		return false
	}
	if len(p.Pools) == 0 {
		return true
	}
	pc := p.Pools[0]
	pc.Policies = slices.Clone(pc.Policies)
	AddInSync(&pc, j.policy, -1)
	got, err1 := json.Marshal(pc)
	want, err2 := json.Marshal(j.base.Pools[0])
	return err1 == nil && err2 == nil && string(got) == string(want)
}

// AddInSync counts n more users in sync under policy in pc: selected,
// applied and in sync, as Build counts them.
func AddInSync(pc *PoolChange, policy string, n int) {
	pc.UsersInSync += n
	for i := range pc.Policies {
		if o := &pc.Policies[i]; o.Name == policy {
			o.Selected += n
			o.Applied += n
			o.InSync += n
		}
	}
}

// InSyncDigest is an order-free digest of users' fingerprints: the sum of
// their SHA-256 digests modulo 2^256, so that users read in any order, or
// over two runs, give the same digest.
type InSyncDigest struct{ sum big.Int }

var digestModulus = new(big.Int).Lsh(big.NewInt(1), 256)

// Add adds the user lu of pool poolID (its fingerprint: name, settings,
// last modification).
func (d *InSyncDigest) Add(poolID string, lu *state.LiveUser) {
	fp := Fingerprint(poolID, &state.LivePool{Exists: true, Users: map[string]*state.LiveUser{lu.Username: lu}}, lu.Username)
	sum := sha256.Sum256([]byte(fp))
	d.sum.Add(&d.sum, new(big.Int).SetBytes(sum[:]))
	d.sum.Mod(&d.sum, digestModulus)
}

// String is the digest as a plan file records it.
func (d *InSyncDigest) String() string {
	b := make([]byte, 32)
	d.sum.FillBytes(b)
	return "sha256-sum:" + hex.EncodeToString(b)
}
