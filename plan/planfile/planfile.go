// Package planfile is the codec of plan files (mfactl plan --out, mfactl
// apply PLANFILE): a plan with its targets, fingerprints, selections and
// build options, signed when a key is set, that only mfactl reads. It is
// versioned apart from the public -o json documents (package jsondoc), so
// that either can change without the other.
package planfile

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mfactl/mfactl/internal/diag"
	"github.com/mfactl/mfactl/internal/rules"
	"github.com/mfactl/mfactl/internal/state"
	"github.com/mfactl/mfactl/plan"
)

// FormatVersion is the version of the plan-file format: MAJOR changes
// make older files unreadable, MINOR ones add keys older files lack.
const FormatVersion = "1.7"

// fileJSON is a plan file. docs/planning.md ("Plan files") describes it.
type fileJSON struct {
	FormatVersion string
	Partial       []string `json:",omitempty"`
	Pools         []plan.PoolChange
	Diagnostics   diag.List
	Calls         []plan.Call
	Targets       []plan.Target          `json:",omitempty"`
	SelfService   *plan.SelfService      `json:",omitempty"`
	Selections    []plan.SelectionTarget `json:",omitempty"`
	Reads         *plan.Reads            `json:",omitempty"`
	Created       string                 `json:",omitempty"` // when the plan was made (RFC 3339, UTC): signed, see CheckAge
	Options       *plan.Options          `json:",omitempty"`
	Signature     string                 `json:",omitempty"`
}

// Save writes p as a plan file: its changes, diagnostics and calls plus the targets
// and their fingerprints, which apply checks before running anything, and
// the options Build was given. Plan files never hold a secret (see
// plan.ResolveSecrets).
func Save(w io.Writer, p *plan.Plan) error { return SaveSigned(w, p, nil) }

// SaveSigned is Save, with a Signature (HMAC-SHA256 under key) when key is
// not empty: LoadVerified with the same key then refuses any edit.
func SaveSigned(w io.Writer, p *plan.Plan, key []byte) error {
	if p.Diagnostics.HasErrors() {
		return errors.New("the plan has errors: there is nothing to save")
	}
	if len(p.Calls) > 0 && len(p.Targets) == 0 {
		return errors.New("the plan has no targets: apply could not tell whether it is stale")
	}
	out := jsonOf(p)
	out.Targets = plan.MaskTargets(p.Targets)
	out.Selections = p.Selections
	opts := p.Options
	out.Options = &opts
	if !p.Created.IsZero() {
		out.Created = p.Created.UTC().Format(time.RFC3339Nano)
	}
	if len(key) > 0 {
		sig, err := signature(out, key)
		if err != nil {
			return err
		}
		out.Signature = sig
	}
	return encodePlan(w, out)
}

func jsonOf(p *plan.Plan) fileJSON {
	out := fileJSON{
		FormatVersion: FormatVersion,
		Partial:       p.Partial,
		Pools:         p.Pools,
		Diagnostics:   p.Diagnostics,
		Calls:         p.Calls,
		SelfService:   p.SelfService,
		Reads:         p.Reads,
	}
	if out.Pools == nil {
		out.Pools = []plan.PoolChange{}
	}
	if out.Diagnostics == nil {
		out.Diagnostics = diag.List{}
	}
	if out.Calls == nil {
		out.Calls = []plan.Call{}
	}
	return out
}

func encodePlan(w io.Writer, out fileJSON) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// Load reads a plan file written by Save. It refuses a file that is not
// valid JSON, was written in another major FormatVersion, is signed (only
// LoadVerified with the key can check it), or whose calls are not what
// Build makes: complete pool requests, one stage order, every call covered
// by a target, and no secret anywhere. Whether the calls are exactly what
// the plan's own desired state makes is for CheckRebuild, against live state.
func Load(r io.Reader) (*plan.Plan, error) { return LoadVerified(r, nil) }

// LoadVerified is Load for a plan that must carry a valid Signature under
// key; with an empty key it is Load.
func LoadVerified(r io.Reader, key []byte) (*plan.Plan, error) { return load(r, key, true) }

// LoadForDisplay is Load without the signature check, for showing a plan
// file (mfactl show): nothing is applied from it.
func LoadForDisplay(r io.Reader) (*plan.Plan, error) { return load(r, nil, false) }

func load(r io.Reader, key []byte, checkSignature bool) (*plan.Plan, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("reading the plan file: %w", err)
	}
	var head struct{ FormatVersion *string }
	if err := json.Unmarshal(data, &head); err != nil {
		return nil, fmt.Errorf("not a valid plan file (corrupt or truncated?): %w", err)
	}
	if head.FormatVersion == nil {
		return nil, errors.New("not an mfactl plan file: it has no FormatVersion")
	}
	if major(*head.FormatVersion) != major(FormatVersion) {
		return nil, fmt.Errorf("the plan file has format version %s, and this mfactl reads %s.x: make the plan again with this mfactl", *head.FormatVersion, major(FormatVersion))
	}
	var pj fileJSON
	if err := json.Unmarshal(data, &pj); err != nil {
		return nil, fmt.Errorf("corrupt plan file: %w", err)
	}
	if checkSignature {
		if err := verifySignature(pj, key); err != nil {
			return nil, err
		}
	}
	p := &plan.Plan{FormatVersion: pj.FormatVersion, Partial: pj.Partial, Pools: pj.Pools, Calls: pj.Calls, Diagnostics: pj.Diagnostics, Targets: pj.Targets, SelfService: pj.SelfService, Selections: pj.Selections, Reads: pj.Reads}
	if pj.Options != nil {
		p.Options = *pj.Options
	}
	if pj.Created != "" {
		if p.Created, err = time.Parse(time.RFC3339Nano, pj.Created); err != nil {
			return nil, fmt.Errorf("corrupt plan file: Created %q is not a time (RFC 3339)", pj.Created)
		}
	}
	if s := p.SelfService; s != nil && s.AccessToken != plan.AccessTokenMarker {
		return nil, fmt.Errorf("corrupt plan file: plan.SelfService.AccessToken holds a value; plan files never carry the access token (expected %q)", plan.AccessTokenMarker)
	}
	if err := plan.UnmaskTargets(p.Targets); err != nil {
		return nil, fmt.Errorf("corrupt plan file: %w", err)
	}
	if err := validateLoaded(p); err != nil {
		return nil, fmt.Errorf("corrupt plan file: %w", err)
	}
	return p, nil
}

func major(version string) string {
	m, _, _ := strings.Cut(version, ".")
	return m
}

// oldestPlanFile is the oldest plan-file format this mfactl applies: 1.6
// put the dates Cognito moves on writes into fingerprints and the time the
// plan was made into the file (1.5, the pool ID and the build options).
// Older files still load (to be shown), but apply refuses them.
const oldestPlanFile = "1.6"

// MaxFileSize is the largest plan file apply and show read: about 140,000
// changed users at some 1.8 KB each. A larger change applies from the
// files, or in parts (--target).
const MaxFileSize = 256 << 20

// DefaultMaxAge is how old a plan file apply takes by default
// (--max-plan-age).
const DefaultMaxAge = 24 * time.Hour

// CheckAge refuses a plan made longer than maxAge before now (0: no
// limit), or with no time of making, or made in the future: a plan file
// is for the change it was reviewed for, not one to keep and replay.
func CheckAge(p *plan.Plan, now time.Time, maxAge time.Duration) error {
	const again = "make the plan again (mfactl plan -f FILES --out PLANFILE), review it, and apply that file"
	switch age := now.Sub(p.Created); {
	case maxAge <= 0:
		return nil
	case p.Created.IsZero():
		return fmt.Errorf("the plan file does not say when it was made, so apply cannot tell its age: %s", again)
	case age < -clockSkew:
		return fmt.Errorf("the plan file says it was made at %s, %s from now: check this machine's clock, or %s", p.Created.UTC().Format(time.RFC3339), (-age).Round(time.Second), again)
	case age > maxAge:
		return fmt.Errorf("the plan file was made %s ago (at %s), longer ago than --max-plan-age %s allows: %s (or raise --max-plan-age)",
			age.Round(time.Minute), p.Created.UTC().Format(time.RFC3339), maxAge, again)
	}
	return nil
}

// clockSkew is how far ahead of this machine's clock the machine that made
// a plan may be.
const clockSkew = 5 * time.Minute

// Applicable says why a loaded plan file cannot be applied by this mfactl
// although it can be read: it was made in an older minor format whose
// fingerprints and calls this one cannot check.
func Applicable(p *plan.Plan) error {
	if p.FormatVersion != "" && olderThan(p.FormatVersion, oldestPlanFile) {
		return fmt.Errorf("the plan file has format version %s, made by an older mfactl whose plan files this one cannot check (it applies %s and later): make the plan again with this mfactl", p.FormatVersion, oldestPlanFile)
	}
	return nil
}

// olderThan reports whether version's minor part is below oldest's (same major).
func olderThan(version, oldest string) bool {
	minor := func(v string) int {
		_, m, _ := strings.Cut(v, ".")
		n, err := strconv.Atoi(m)
		if err != nil {
			return 0
		}
		return n
	}
	return minor(version) < minor(oldest)
}

var (
	userPoolIDPattern = regexp.MustCompile(`^[\w-]+_[0-9a-zA-Z]+$`)
	// usernamePattern is Cognito's (and the file format's): a plan file's
	// names end up in messages, so one that holds a newline or a control
	// character is refused rather than printed. Its Unicode classes take
	// tens of milliseconds and about 5 MB to compile, so it is compiled
	// when a plan file is first read, not at every start of mfactl.
	usernamePattern = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^[\p{L}\p{M}\p{S}\p{N}\p{P}]{1,128}$`)
	})
)

func validateLoaded(p *plan.Plan) error {
	if p.Diagnostics.HasErrors() {
		return errors.New("it records a plan that failed its checks")
	}
	type targetKey struct{ pool, user string }
	targets := map[targetKey]bool{}
	for _, t := range p.Targets {
		if !userPoolIDPattern.MatchString(t.UserPoolId) {
			return fmt.Errorf("target %q is not a user pool ID", t.UserPoolId)
		}
		if t.Username != "" && !usernamePattern().MatchString(t.Username) {
			return fmt.Errorf("target %q of %s is not a Cognito username (1 to 128 letters, marks, numbers, symbols or punctuation)", t.Username, t.UserPoolId)
		}
		if t.Fingerprint == "" {
			return fmt.Errorf("target %s has no fingerprint", plan.TargetName(t))
		}
		if (t.Username == "" && (t.DesiredConfig == nil || t.DesiredSettings != nil)) || (t.Username != "" && (t.DesiredSettings == nil || t.DesiredConfig != nil)) {
			return fmt.Errorf("target %s does not record what the files declare for it (DesiredConfig for a pool, DesiredSettings for a user)", plan.TargetName(t))
		}
		targets[targetKey{t.UserPoolId, t.Username}] = true
	}
	lastStage := map[string]int{}
	for i, c := range p.Calls {
		n := i + 1
		if !userPoolIDPattern.MatchString(c.UserPoolId) {
			return fmt.Errorf("call %d: %q is not a user pool ID", n, c.UserPoolId)
		}
		switch c.Operation {
		case plan.SetUserPoolMfaConfig:
			if c.Ineligible != "" {
				return fmt.Errorf("call %d: Ineligible on a plan.SetUserPoolMfaConfig call", n)
			}
			if c.Stage != plan.StageWidenPool && c.Stage != plan.StageNarrowPool {
				return fmt.Errorf("call %d: plan.SetUserPoolMfaConfig in stage %d (allowed: %d or %d)", n, c.Stage, plan.StageWidenPool, plan.StageNarrowPool)
			}
			if err := rules.PoolRequest(*c.PoolRequest); err != nil {
				return fmt.Errorf("call %d: %w", n, err)
			}
		case plan.AdminSetUserMFAPreference, plan.SetUserMFAPreference:
			if c.Stage != plan.StageUsers {
				return fmt.Errorf("call %d: %s in stage %d (allowed: %d)", n, c.Operation, c.Stage, plan.StageUsers)
			}
			if *c.UserRequest == (state.UserSettings{}) {
				return fmt.Errorf("call %d: the request sets nothing", n)
			}
			if c.Ineligible != "" && (!c.Ineligible.Contains() || state.TOTP.User(*c.UserRequest) == nil) {
				return fmt.Errorf("call %d: Ineligible %q on a call that does not switch on TOTP for a policy (allowed: %s, %s)", n, c.Ineligible, state.IneligibleReport, state.IneligibleSkip)
			}
		case plan.AdminSetUserSettings:
			if c.Stage != plan.StageLegacy {
				return fmt.Errorf("call %d: plan.AdminSetUserSettings in stage %d (allowed: %d)", n, c.Stage, plan.StageLegacy)
			}
		case plan.UpdateUserPool:
			if c.Stage != plan.StagePoolSettings && c.Stage != plan.StageSignInPolicy && c.Stage != plan.StageLowerTier {
				return fmt.Errorf("call %d: UpdateUserPool in stage %d (allowed: %d, %d or %d)", n, c.Stage, plan.StagePoolSettings, plan.StageSignInPolicy, plan.StageLowerTier)
			}
		case plan.SetRiskConfiguration:
			if c.Stage != plan.StageRisk {
				return fmt.Errorf("call %d: SetRiskConfiguration in stage %d (allowed: %d)", n, c.Stage, plan.StageRisk)
			}
		}
		// A self-service plan calls plan.SetUserMFAPreference for its user
		// and nothing else; any other plan never calls it.
		self := p.SelfService
		switch {
		case self != nil && (c.Operation != plan.SetUserMFAPreference || c.UserPoolId != self.UserPoolId || c.Username != self.Username):
			return fmt.Errorf("call %d: a self-service plan (user %s of %s) makes %s for user %s of %s", n, self.Username, self.UserPoolId, c.Operation, c.Username, c.UserPoolId)
		case self == nil && c.Operation == plan.SetUserMFAPreference:
			return fmt.Errorf("call %d: plan.SetUserMFAPreference in a plan that is not self-service (no plan.SelfService)", n)
		}
		if last, ok := lastStage[c.UserPoolId]; ok && plan.StageRank(c.Stage) < plan.StageRank(last) {
			return fmt.Errorf("call %d: stage %d comes after stage %d of the same pool", n, c.Stage, last)
		}
		lastStage[c.UserPoolId] = c.Stage
		if !targets[targetKey{c.UserPoolId, ""}] {
			return fmt.Errorf("call %d: user pool %s is not among the targets, so apply could not tell whether the plan is stale", n, c.UserPoolId)
		}
		if c.Username != "" && !targets[targetKey{c.UserPoolId, c.Username}] {
			return fmt.Errorf("call %d: user %s of %s is not among the targets, so apply could not tell whether the plan is stale", n, c.Username, c.UserPoolId)
		}
	}
	return nil
}
