package plan

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"time"

	"github.com/mfactl/mfactl/internal/state"
)

// Fingerprint returns a digest of the normalised live state of a pool
// (username "") or of one of its users: the same state gives the same
// fingerprint, any change that could change the plan gives another. It
// leaves out the value of the SMS ExternalId (only whether one is set
// counts): plan files hold fingerprints, and a digest over a weak secret
// would let anyone holding the file test guesses offline. A saved plan that
// keeps the live secret sends the value the pool has at apply time. A nil
// pool or a missing user has the fingerprint of a target that does not exist.
// The pool's ID is part of it, so a plan for one pool does not pass for a
// plan for another pool in the same state.
func Fingerprint(poolID string, live *state.LivePool, username string) string {
	return newFingerprinter().of(poolID, live, username)
}

// fingerprinter computes fingerprints, encoding the data of each form of
// user once: the data of users that differ only in name share everything
// after the Username, so a plan of many users marshals few.
type fingerprinter struct {
	rest map[userFingerprintKey][]byte // a form's encoding after its Username
	buf  []byte
}

func newFingerprinter() *fingerprinter {
	return &fingerprinter{rest: map[userFingerprintKey][]byte{}}
}

func (fp *fingerprinter) of(poolID string, live *state.LivePool, username string) string {
	if username == "" {
		return digest(poolID, marshal(poolFingerprint(live)))
	}
	k, ok := userKey(live, username)
	if !ok {
		return digest(poolID, marshal(userFingerprint(live, username)))
	}
	rest, ok := fp.rest[k]
	if !ok {
		d := userFingerprint(live, username)
		d.Username, d.LastModified = "", 0
		rest, ok = bytes.CutPrefix(marshal(d), []byte(`{"Username":""`))
		if !ok {
			panic("plan: fingerprint: Username is not the first field") // see userFingerprintData
		}
		fp.rest[k] = rest
	}
	fp.buf = appendJSONString(append(fp.buf[:0], `{"Username":`...), username)
	if m := userModified(live, username); m != 0 {
		fp.buf = strconv.AppendInt(append(fp.buf, `,"LastModified":`...), m, 10)
	}
	fp.buf = append(fp.buf, rest...)
	return digest(poolID, fp.buf)
}

// marshal encodes fingerprint data. Struct fields marshal in a fixed order
// and map keys sorted, so the encoding is canonical.
func marshal(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic("plan: fingerprint: " + err.Error()) // plain data; cannot happen
	}
	return b
}

// appendJSONString appends s as encoding/json writes it.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7F || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			return append(b, marshal(s)...) // escapes: encoding/json's own
		}
	}
	return append(append(append(b, '"'), s...), '"')
}

// digest hashes a target's encoding after its pool's ID.
func digest(poolID string, b []byte) string {
	h := sha256.New()
	h.Write([]byte(poolID))
	h.Write([]byte{'\n'})
	h.Write(b)
	var sum [sha256.Size]byte
	h.Sum(sum[:0])
	var out [len("sha256:") + 2*sha256.Size]byte
	copy(out[:], "sha256:")
	hex.Encode(out[len("sha256:"):], sum[:])
	return string(out[:])
}

type poolFingerprintData struct {
	Exists        bool
	Config        state.PoolConfig
	Prerequisites state.Prerequisites
	// LegacyUsers, when the pool was listed for them: a plan that migrates
	// them is stale once the set changes.
	LegacyUsers []string `json:",omitempty"`
	// Posture is the pool's MFA posture as read (risk configurations only
	// where declared); nil when nothing was read, so that fingerprints of
	// plans without it stay what they were.
	Posture *state.Posture `json:",omitempty"`
	// LastModified makes a plan single-use where Cognito moves the date:
	// once applied (or once anything else wrote), the pool is not the one
	// the plan read, even if its configuration is the same again (A, B, A).
	LastModified int64 `json:",omitempty"`
}

// userModified is lastModified of a user that may not have been read.
func userModified(lp *state.LivePool, username string) int64 {
	if lp == nil || lp.Users[username] == nil || !lp.Users[username].Exists {
		return 0
	}
	return lastModified(lp.Users[username].LastModified)
}

// lastModified is a live date in a fingerprint: nanoseconds since 1970, 0
// when Cognito did not give one.
func lastModified(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

func poolFingerprint(lp *state.LivePool) poolFingerprintData {
	if lp == nil || !lp.Exists {
		return poolFingerprintData{}
	}
	pre := lp.Prerequisites
	pre.SmsConfiguration = copySmsConfiguration(pre.SmsConfiguration)
	if pre.SmsConfiguration.Secret() != "" {
		pre.SmsConfiguration = pre.SmsConfiguration.WithSecret(state.SecretMarker)
	}
	// Sets are sorted; RecoveryMechanisms is ordered by priority.
	for _, set := range []*[]string{&pre.FirstAuthFactors, &pre.AutoVerifiedAttributes, &pre.UsernameAttributes, &pre.AliasAttributes} {
		*set = slices.Clone(*set)
		sort.Strings(*set)
	}
	fp := poolFingerprintData{Exists: true, Config: normalizeLivePool(lp).Masked(), Prerequisites: pre, LastModified: lastModified(lp.LastModified)}
	if !lp.Posture.Empty() {
		p := lp.Posture.Clone()
		if p.SignInPolicy != nil {
			slices.Sort(p.SignInPolicy.AllowedFirstAuthFactors)
		}
		fp.Posture = &p
	}
	if lp.LegacyScanned {
		fp.LegacyUsers = orEmptyNames(lp.LegacyUsers)
	}
	return fp
}

// userFingerprintData is what a user's fingerprint digests. Username and
// LastModified must stay the first fields (fingerprinter splices them in).
type userFingerprintData struct {
	Username string
	// LastModified: see poolFingerprintData.
	LastModified   int64 `json:",omitempty"`
	Exists         bool
	HasPhoneNumber bool
	HasEmail       bool
	Settings       state.UserSettings
	LegacySMS      bool
	Unknown        string
	MFAOptions     []state.MFAOption `json:",omitempty"`
	LegacySMSOnly  bool              `json:",omitempty"`
}

// userFingerprintKey is userFingerprintData without its Username, as a
// comparable value: every field, and each settings block's presence and
// fields (TestFingerprintKeyHoldsAllTheData keeps it complete).
type userFingerprintKey struct {
	Exists, HasPhoneNumber, HasEmail, LegacySMS, LegacySMSOnly bool
	Unknown                                                    string
	Present                                                    [3]bool // by state.MFAFactors
	Factors                                                    [3]state.FactorSettings
}

// userKey is the key of what userFingerprint makes for username, without
// making it: settings as normalizeUser leaves them (only enabled blocks, and
// no WebAuthn, which Cognito never reports). It reports false for a user
// with legacy MFAOptions, rare data the key does not hold.
func userKey(lp *state.LivePool, username string) (userFingerprintKey, bool) {
	var u *state.LiveUser
	if lp != nil {
		u = lp.Users[username]
	}
	if u == nil || !u.Exists {
		return userFingerprintKey{}, true
	}
	if len(u.MFAOptions) > 0 {
		return userFingerprintKey{}, false
	}
	k := userFingerprintKey{Exists: true, HasPhoneNumber: u.HasPhoneNumber, HasEmail: u.HasEmail, LegacySMS: u.LegacySMS,
		LegacySMSOnly: u.LegacySMSOnly, Unknown: u.Unknown}
	for i, f := range state.MFAFactors {
		if v := f.User(u.Settings); v != nil && v.Enabled {
			k.Present[i], k.Factors[i] = true, state.FactorSettings{Enabled: true, PreferredMfa: v.PreferredMfa}
		}
	}
	return k, true
}

func userFingerprint(lp *state.LivePool, username string) userFingerprintData {
	var u *state.LiveUser
	if lp != nil {
		u = lp.Users[username]
	}
	if u == nil || !u.Exists {
		return userFingerprintData{Username: username}
	}
	settings := normalizeUser(u.Settings)
	settings.WebAuthnMfaSettings = nil // never read from Cognito
	return userFingerprintData{
		Username:       username,
		LastModified:   lastModified(u.LastModified),
		Exists:         true,
		HasPhoneNumber: u.HasPhoneNumber,
		HasEmail:       u.HasEmail,
		Settings:       settings,
		LegacySMS:      u.LegacySMS,
		Unknown:        u.Unknown,
		MFAOptions:     u.MFAOptions,
		LegacySMSOnly:  u.LegacySMSOnly,
	}
}

// Targets lists what a plan for desired reads, with fingerprints of its
// live state and what desired declares for each: every pool, in
// declaration order (the order of the plan's calls), followed by its users
// in declaration order.
func Targets(live state.Live, desired state.Desired) []Target {
	pools := desired.Pools
	n := len(pools)
	for _, dp := range pools {
		n += len(dp.Users)
	}
	var targets []Target
	if n > 0 {
		targets = make([]Target, 0, n)
	}
	fp := newFingerprinter()
	settings := make([]state.UserSettings, 0, n) // one allocation for all users' copies
	for _, dp := range pools {
		lp := live.Pools[dp.UserPoolId]
		cfg := copyPool(dp.Config)
		t := Target{UserPoolId: dp.UserPoolId, Fingerprint: fp.of(dp.UserPoolId, lp, ""), DesiredConfig: &cfg,
			DesiredSecret: secretSource(externalID(&cfg), lp), LegacyMfaOptions: dp.LegacyMfaOptions}
		if !dp.Posture.Empty() {
			p := dp.Posture.Clone()
			t.DesiredPosture = &p
		}
		targets = append(targets, t)
		seen := make(map[string]bool, len(dp.Users))
		for _, du := range dp.Users {
			if seen[du.Username] {
				continue
			}
			seen[du.Username] = true
			settings = append(settings, copyUser(du.Settings))
			targets = append(targets, Target{UserPoolId: dp.UserPoolId, Username: du.Username, Fingerprint: fp.of(dp.UserPoolId, lp, du.Username), DesiredSettings: &settings[len(settings)-1],
				DesiredMFAOptions: copyOptions(du.MFAOptions), Policies: slices.Clone(du.Policies), Ineligible: du.Ineligible})
		}
	}
	return targets
}

// DesiredState is what the plan was built for, from its targets: planning
// it again against live state after apply must find nothing left to do.
// Verification after `apply -f` and after `apply PLANFILE` both use it.
func (p *Plan) DesiredState() state.Desired {
	return p.desiredState(func(Target) bool { return true })
}

// DeclaredState is what the files declared when the plan was made, as its
// targets record it: each pool with its policies, and the users the files
// name (not those policies or a legacy migration added). Building it
// against the same live state makes the same plan, review form included.
func (p *Plan) DeclaredState() state.Desired {
	d := p.desiredState(func(t Target) bool { return t.Username == "" || (len(t.Policies) == 0 && !t.LegacyMigrated) })
	policies := map[string][]RecordedPolicy{}
	for _, t := range p.Targets {
		if t.Username == "" {
			policies[t.UserPoolId] = t.DesiredPolicies
		}
	}
	for i := range d.Pools {
		dp := &d.Pools[i]
		for _, rp := range policies[dp.UserPoolId] {
			dp.Policies = append(dp.Policies, state.Policy{Name: rp.Name, Select: rp.Select, Settings: copyUser(rp.Settings), Ineligible: rp.Ineligible})
		}
	}
	return d
}

// WrittenState is DesiredState restricted to what the plan's calls write:
// each pool it calls for or whose users it calls for, and those users. The
// other targets were read moments before apply and left alone, so
// verification need not read them again.
func (p *Plan) WrittenState() state.Desired {
	pools, users := map[string]bool{}, map[[2]string]bool{}
	for _, c := range p.Calls {
		pools[c.UserPoolId] = true
		if c.Username != "" {
			users[[2]string{c.UserPoolId, c.Username}] = true
		}
	}
	return p.desiredState(func(t Target) bool {
		if t.Username == "" {
			return pools[t.UserPoolId]
		}
		return users[[2]string{t.UserPoolId, t.Username}]
	})
}

// desiredState is what the targets that keep accepts declare. A user
// target is kept only with its pool's.
func (p *Plan) desiredState(keep func(Target) bool) state.Desired {
	var d state.Desired
	inPool := false // the last pool target was kept
	for _, t := range p.Targets {
		switch {
		case t.Username == "":
			if inPool = keep(t); !inPool {
				continue
			}
			dp := state.DesiredPool{UserPoolId: t.UserPoolId, LegacyMfaOptions: t.LegacyMfaOptions, Ignore: slices.Clone(t.DesiredIgnore),
				Self: p.SelfService != nil && p.SelfService.UserPoolId == t.UserPoolId}
			if t.DesiredConfig != nil {
				dp.Config = copyPool(*t.DesiredConfig)
			}
			if t.DesiredPosture != nil {
				dp.Posture = t.DesiredPosture.Clone()
			}
			d.Pools = append(d.Pools, dp)
		case inPool && d.Pools[len(d.Pools)-1].UserPoolId == t.UserPoolId && keep(t):
			du := state.DesiredUser{Username: t.Username, MFAOptions: copyOptions(t.DesiredMFAOptions), Policies: slices.Clone(t.Policies), Ineligible: t.Ineligible}
			if t.DesiredSettings != nil {
				du.Settings = copyUser(*t.DesiredSettings)
			}
			last := &d.Pools[len(d.Pools)-1]
			last.Users = append(last.Users, du)
		}
	}
	return d
}

// ReadSet returns what a plan's targets name, so that apply can read the
// same pools and users again before running a saved plan.
func (p *Plan) ReadSet() state.ReadSet {
	rs := state.ReadSet{}
	for _, t := range p.Targets {
		if t.Username == "" {
			if _, ok := rs[t.UserPoolId]; !ok {
				rs[t.UserPoolId] = []string{}
			}
			continue
		}
		rs[t.UserPoolId] = append(rs[t.UserPoolId], t.Username)
	}
	return rs
}

// StaleTargets returns the targets of p whose live state is no longer the
// one the plan was made from. Apply must not run a plan with any.
func StaleTargets(p *Plan, live state.Live) []Target {
	var stale []Target
	fp := newFingerprinter()
	for _, t := range p.Targets {
		if fp.of(t.UserPoolId, live.Pools[t.UserPoolId], t.Username) != t.Fingerprint {
			stale = append(stale, t)
		}
	}
	return stale
}

func copyOptions(o *[]state.MFAOption) *[]state.MFAOption {
	if o == nil {
		return nil
	}
	c := append([]state.MFAOption{}, *o...)
	return &c
}

func orEmptyNames(names []string) []string {
	if names == nil {
		return []string{}
	}
	return names
}

// Selections lists the listings desired's policies were expanded from,
// with fingerprints, pools by ID and policies in declaration order.
func Selections(live state.Live, desired state.Desired) []SelectionTarget {
	pools := slices.Clone(desired.Pools)
	sort.SliceStable(pools, func(i, j int) bool { return pools[i].UserPoolId < pools[j].UserPoolId })
	var out []SelectionTarget
	for _, dp := range pools {
		lp := live.Pools[dp.UserPoolId]
		for _, pol := range dp.Policies {
			var sel *state.LiveSelection
			if lp != nil {
				sel = lp.Selections[pol.Name]
			}
			st := SelectionTarget{UserPoolId: dp.UserPoolId, Policy: pol.Name, Select: pol.Select, Fingerprint: SelectionFingerprint(pol.Select, sel)}
			if sel != nil {
				st.Usernames = sortedUnique(sel.Usernames)
			}
			out = append(out, st)
		}
	}
	return out
}

// SelectionFingerprint is a digest of what a listing found: the users
// listed (in any order) and, for a group, whether it exists and its
// precedence, which decides between Group policies.
func SelectionFingerprint(sel state.Selection, live *state.LiveSelection) string {
	v := struct {
		Select      state.Selection
		Read        bool
		Usernames   []string
		GroupExists bool
		Precedence  *int
	}{Select: sel}
	if live != nil {
		v.Read, v.Usernames, v.GroupExists, v.Precedence = true, sortedUnique(live.Usernames), live.GroupExists, live.Precedence
	}
	b, err := json.Marshal(v)
	if err != nil {
		panic("plan: fingerprint: " + err.Error()) // plain data; cannot happen
	}
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:])
}

func sortedUnique(names []string) []string {
	out := slices.Clone(names)
	sort.Strings(out)
	return slices.Compact(out)
}

// SelectionChange is how a listing differs from the one a plan recorded.
type SelectionChange struct {
	SelectionTarget
	Joined, Left []string // users listed now and not then, and then and not now
	// Group says the group itself changed (created, deleted, precedence).
	Group bool
	// InSync says how the users a plan counted in sync without naming them
	// changed (see SelectionTarget.InSync); empty when they did not.
	InSync string
}

// StaleSelections returns how each of p's listings differs now, for those
// that changed since the plan was made. Apply must not run a plan with any.
func StaleSelections(p *Plan, live state.Live) []SelectionChange {
	var stale []SelectionChange
	for _, st := range p.Selections {
		var sel *state.LiveSelection
		lp := live.Pools[st.UserPoolId]
		if lp != nil {
			sel = lp.Selections[st.Policy]
		}
		inSync := ""
		if st.InSync > 0 || st.InSyncDigest != "" {
			sel, inSync = splitInSync(st, lp, sel)
		}
		if SelectionFingerprint(st.Select, sel) == st.Fingerprint && inSync == "" {
			continue
		}
		change := SelectionChange{SelectionTarget: st, InSync: inSync}
		var now []string
		if sel != nil {
			now = sortedUnique(sel.Usernames)
		}
		then := map[string]bool{}
		for _, n := range st.Usernames {
			then[n] = true
		}
		for _, n := range now {
			if !then[n] {
				change.Joined = append(change.Joined, n)
			}
			delete(then, n)
		}
		for _, n := range st.Usernames {
			if then[n] {
				change.Left = append(change.Left, n)
			}
		}
		change.Group = len(change.Joined) == 0 && len(change.Left) == 0 && inSync == ""
		stale = append(stale, change)
	}
	return stale
}

// splitInSync splits a listing made again for a plan that counted users in
// sync without naming them: the users it names (returned as the listing to
// fingerprint) and the others, whose count and digest must be the plan's
// (a description of how they differ, or "").
func splitInSync(st SelectionTarget, lp *state.LivePool, sel *state.LiveSelection) (*state.LiveSelection, string) {
	if sel == nil {
		return nil, ""
	}
	named := make(map[string]bool, len(st.Usernames))
	for _, n := range st.Usernames {
		named[n] = true
	}
	kept := &state.LiveSelection{GroupExists: sel.GroupExists, Precedence: sel.Precedence}
	var digest InSyncDigest
	others := 0
	for _, n := range sortedUnique(sel.Usernames) {
		if named[n] {
			kept.Usernames = append(kept.Usernames, n)
			continue
		}
		others++
		lu := lp.Users[n]
		if lu == nil {
			lu = &state.LiveUser{Username: n}
		}
		digest.Add(st.UserPoolId, lu)
	}
	switch {
	case others != st.InSync:
		return kept, fmt.Sprintf("%d users were counted in sync, %d such users are listed now", st.InSync, others)
	case digest.String() != st.InSyncDigest:
		return kept, fmt.Sprintf("users among the %d counted in sync changed, joined or left since", st.InSync)
	}
	return kept, ""
}

// PoolAsExpected reports whether a pool's live state, read again before a
// stage of apply, is the one apply expects there: the state the plan was
// made from while none of the plan's pool calls has been applied
// (lastApplied nil), else the configuration of the last one applied.
// Cognito has no conditional writes, so this is how apply notices another
// writer (a second apply) between its stages.
func PoolAsExpected(p *Plan, poolID string, lp *state.LivePool, lastApplied *state.PoolConfig) bool {
	if lastApplied != nil {
		return lp != nil && lp.Exists && samePool(normalizeLivePool(lp), *lastApplied)
	}
	for _, t := range p.Targets {
		if t.UserPoolId == poolID && t.Username == "" {
			if t.LegacyMfaOptions == state.LegacyMigrate {
				// Its fingerprint covers the list of legacy users, which a
				// read of the pool alone does not make: checked after its
				// first pool call only.
				return true
			}
			return Fingerprint(poolID, lp, "") == t.Fingerprint
		}
	}
	return false
}
