package plan

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"slices"
	"sort"

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
func Fingerprint(live *state.LivePool, username string) string {
	var v any
	if username == "" {
		v = poolFingerprint(live)
	} else {
		v = userFingerprint(live, username)
	}
	// Struct fields marshal in a fixed order and map keys sorted, so the
	// encoding is canonical.
	b, err := json.Marshal(v)
	if err != nil {
		panic("plan: fingerprint: " + err.Error()) // plain data; cannot happen
	}
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:])
}

type poolFingerprintData struct {
	Exists        bool
	Config        state.PoolConfig
	Prerequisites state.Prerequisites
}

func poolFingerprint(lp *state.LivePool) poolFingerprintData {
	if lp == nil || !lp.Exists {
		return poolFingerprintData{}
	}
	pre := lp.Prerequisites
	pre.SmsConfiguration = copySmsConfiguration(pre.SmsConfiguration)
	if pre.SmsConfiguration != nil && pre.SmsConfiguration.ExternalId != "" {
		pre.SmsConfiguration.ExternalId = state.SecretMarker
	}
	pre.FirstAuthFactors = slices.Clone(pre.FirstAuthFactors)
	sort.Strings(pre.FirstAuthFactors) // a set; RecoveryMechanisms is ordered by priority
	return poolFingerprintData{Exists: true, Config: normaliseLivePool(lp).Masked(), Prerequisites: pre}
}

type userFingerprintData struct {
	Username       string
	Exists         bool
	HasPhoneNumber bool
	HasEmail       bool
	Settings       state.UserSettings
	LegacySMS      bool
	Unknown        string
}

func userFingerprint(lp *state.LivePool, username string) userFingerprintData {
	if lp == nil || lp.Users[username] == nil || !lp.Users[username].Exists {
		return userFingerprintData{Username: username}
	}
	u := lp.Users[username]
	settings := normaliseUser(u.Settings)
	settings.WebAuthnMfaSettings = nil // never read from Cognito
	return userFingerprintData{
		Username:       username,
		Exists:         true,
		HasPhoneNumber: u.HasPhoneNumber,
		HasEmail:       u.HasEmail,
		Settings:       settings,
		LegacySMS:      u.LegacySMS,
		Unknown:        u.Unknown,
	}
}

// Targets lists what a plan over rs reads, with fingerprints of its live
// state: each pool (by ID), followed by its users in rs's order.
func Targets(live state.Live, rs state.ReadSet) []Target {
	ids := make([]string, 0, len(rs))
	for id := range rs {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	var targets []Target
	for _, id := range ids {
		lp := live.Pools[id]
		targets = append(targets, Target{UserPoolId: id, Fingerprint: Fingerprint(lp, "")})
		seen := map[string]bool{}
		for _, name := range rs[id] {
			if seen[name] {
				continue
			}
			seen[name] = true
			targets = append(targets, Target{UserPoolId: id, Username: name, Fingerprint: Fingerprint(lp, name)})
		}
	}
	return targets
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
	for _, t := range p.Targets {
		if Fingerprint(live.Pools[t.UserPoolId], t.Username) != t.Fingerprint {
			stale = append(stale, t)
		}
	}
	return stale
}
