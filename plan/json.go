package plan

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/mfactl/mfactl/internal/diag"
	"github.com/mfactl/mfactl/internal/rules"
	"github.com/mfactl/mfactl/internal/state"
)

// planJSON is the JSON form of a plan, for both `-o json` output and plan
// files (which add Targets). docs/planning.md describes every field.
type planJSON struct {
	FormatVersion string
	Partial       []string `json:",omitempty"`
	Pools         []PoolChange
	Diagnostics   diag.List
	Calls         []Call
	Targets       []Target          `json:",omitempty"`
	SelfService   *SelfService      `json:",omitempty"`
	Selections    []SelectionTarget `json:",omitempty"`
	Reads         *Reads            `json:",omitempty"`
	// Options and Signature are in plan files only.
	Options   *Options `json:",omitempty"`
	Signature string   `json:",omitempty"`
}

// WriteJSON writes p in its versioned JSON form: the changes, the
// diagnostics and the ordered calls with their full request bodies, secrets
// masked. The JSON view of plan (package views) is this form.
func WriteJSON(w io.Writer, p *Plan) error {
	return writeJSON(w, p)
}

// Save writes p as a plan file: the JSON of WriteJSON plus the targets
// and their fingerprints, which apply checks before running anything, and
// the options Build was given. Plan files never hold a secret (see
// ResolveSecrets).
func Save(w io.Writer, p *Plan) error { return SaveSigned(w, p, nil) }

// SaveSigned is Save, with a Signature (HMAC-SHA256 under key) when key is
// not empty: LoadVerified with the same key then refuses any edit.
func SaveSigned(w io.Writer, p *Plan, key []byte) error {
	if p.Diagnostics.HasErrors() {
		return errors.New("the plan has errors: there is nothing to save")
	}
	if len(p.Calls) > 0 && len(p.Targets) == 0 {
		return errors.New("the plan has no targets: apply could not tell whether it is stale")
	}
	out := jsonOf(p)
	out.Targets = maskedTargets(p.Targets)
	out.Selections = p.Selections
	opts := p.Options
	out.Options = &opts
	if len(key) > 0 {
		sig, err := signature(out, key)
		if err != nil {
			return err
		}
		out.Signature = sig
	}
	return encodePlan(w, out)
}

func writeJSON(w io.Writer, p *Plan) error { return encodePlan(w, jsonOf(p)) }

func jsonOf(p *Plan) planJSON {
	out := planJSON{
		FormatVersion: p.FormatVersion,
		Partial:       p.Partial,
		Pools:         p.Pools,
		Diagnostics:   p.Diagnostics,
		Calls:         p.Calls,
		SelfService:   p.SelfService,
		Reads:         p.Reads,
	}
	if out.FormatVersion == "" {
		out.FormatVersion = FormatVersion
	}
	if out.Pools == nil {
		out.Pools = []PoolChange{}
	}
	if out.Diagnostics == nil {
		out.Diagnostics = diag.List{}
	}
	if out.Calls == nil {
		out.Calls = []Call{}
	}
	return out
}

func encodePlan(w io.Writer, out planJSON) error {
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
func Load(r io.Reader) (*Plan, error) { return LoadVerified(r, nil) }

// LoadVerified is Load for a plan that must carry a valid Signature under
// key; with an empty key it is Load.
func LoadVerified(r io.Reader, key []byte) (*Plan, error) { return load(r, key, true) }

// LoadForDisplay is Load without the signature check, for showing a plan
// file (mfactl show): nothing is applied from it.
func LoadForDisplay(r io.Reader) (*Plan, error) { return load(r, nil, false) }

func load(r io.Reader, key []byte, checkSignature bool) (*Plan, error) {
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
	var pj planJSON
	if err := json.Unmarshal(data, &pj); err != nil {
		return nil, fmt.Errorf("corrupt plan file: %w", err)
	}
	if checkSignature {
		if err := verifySignature(pj, key); err != nil {
			return nil, err
		}
	}
	p := &Plan{FormatVersion: pj.FormatVersion, Partial: pj.Partial, Pools: pj.Pools, Calls: pj.Calls, Diagnostics: pj.Diagnostics, Targets: pj.Targets, SelfService: pj.SelfService, Selections: pj.Selections}
	if pj.Options != nil {
		p.Options = *pj.Options
	}
	if s := p.SelfService; s != nil && s.AccessToken != AccessTokenMarker {
		return nil, fmt.Errorf("corrupt plan file: SelfService.AccessToken holds a value; plan files never carry the access token (expected %q)", AccessTokenMarker)
	}
	if err := unmaskTargets(p.Targets); err != nil {
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

// oldestPlanFile is the oldest plan-file format this mfactl applies: 1.5
// put the pool ID into fingerprints and the build options into the file.
// Older files still load (to be shown), but apply refuses them.
const oldestPlanFile = "1.5"

// Applicable says why a loaded plan file cannot be applied by this mfactl
// although it can be read: it was made in an older minor format whose
// fingerprints and calls this one cannot check.
func (p *Plan) Applicable() error {
	if olderThan(p.FormatVersion, oldestPlanFile) {
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
	// character is refused rather than printed.
	usernamePattern = regexp.MustCompile(`^[\p{L}\p{M}\p{S}\p{N}\p{P}]{1,128}$`)
)

func validateLoaded(p *Plan) error {
	if p.Diagnostics.HasErrors() {
		return errors.New("it records a plan that failed its checks")
	}
	type targetKey struct{ pool, user string }
	targets := map[targetKey]bool{}
	for _, t := range p.Targets {
		if !userPoolIDPattern.MatchString(t.UserPoolId) {
			return fmt.Errorf("target %q is not a user pool ID", t.UserPoolId)
		}
		if t.Username != "" && !usernamePattern.MatchString(t.Username) {
			return fmt.Errorf("target %q of %s is not a Cognito username (1 to 128 letters, marks, numbers, symbols or punctuation)", t.Username, t.UserPoolId)
		}
		if t.Fingerprint == "" {
			return fmt.Errorf("target %s has no fingerprint", targetName(t))
		}
		if (t.Username == "" && (t.DesiredConfig == nil || t.DesiredSettings != nil)) || (t.Username != "" && (t.DesiredSettings == nil || t.DesiredConfig != nil)) {
			return fmt.Errorf("target %s does not record what the files declare for it (DesiredConfig for a pool, DesiredSettings for a user)", targetName(t))
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
		case SetUserPoolMfaConfig:
			if c.Ineligible != "" {
				return fmt.Errorf("call %d: Ineligible on a SetUserPoolMfaConfig call", n)
			}
			if c.Stage != StageWidenPool && c.Stage != StageNarrowPool {
				return fmt.Errorf("call %d: SetUserPoolMfaConfig in stage %d (allowed: %d or %d)", n, c.Stage, StageWidenPool, StageNarrowPool)
			}
			if err := rules.PoolRequest(*c.PoolRequest); err != nil {
				return fmt.Errorf("call %d: %w", n, err)
			}
		case AdminSetUserMFAPreference, SetUserMFAPreference:
			if c.Stage != StageUsers {
				return fmt.Errorf("call %d: %s in stage %d (allowed: %d)", n, c.Operation, c.Stage, StageUsers)
			}
			if *c.UserRequest == (state.UserSettings{}) {
				return fmt.Errorf("call %d: the request sets nothing", n)
			}
			if c.Ineligible != "" && (!c.Ineligible.Contains() || state.TOTP.User(*c.UserRequest) == nil) {
				return fmt.Errorf("call %d: Ineligible %q on a call that does not switch on TOTP for a policy (allowed: %s, %s)", n, c.Ineligible, state.IneligibleReport, state.IneligibleSkip)
			}
		case AdminSetUserSettings:
			if c.Stage != StageLegacy {
				return fmt.Errorf("call %d: AdminSetUserSettings in stage %d (allowed: %d)", n, c.Stage, StageLegacy)
			}
		case UpdateUserPool:
			if c.Stage != StagePoolSettings && c.Stage != StageSignInPolicy && c.Stage != StageLowerTier {
				return fmt.Errorf("call %d: UpdateUserPool in stage %d (allowed: %d, %d or %d)", n, c.Stage, StagePoolSettings, StageSignInPolicy, StageLowerTier)
			}
		case SetRiskConfiguration:
			if c.Stage != StageRisk {
				return fmt.Errorf("call %d: SetRiskConfiguration in stage %d (allowed: %d)", n, c.Stage, StageRisk)
			}
		}
		// A self-service plan calls SetUserMFAPreference for its user
		// and nothing else; any other plan never calls it.
		self := p.SelfService
		switch {
		case self != nil && (c.Operation != SetUserMFAPreference || c.UserPoolId != self.UserPoolId || c.Username != self.Username):
			return fmt.Errorf("call %d: a self-service plan (user %s of %s) makes %s for user %s of %s", n, self.Username, self.UserPoolId, c.Operation, c.Username, c.UserPoolId)
		case self == nil && c.Operation == SetUserMFAPreference:
			return fmt.Errorf("call %d: SetUserMFAPreference in a plan that is not self-service (no SelfService)", n)
		}
		if last, ok := lastStage[c.UserPoolId]; ok && stageRank(c.Stage) < stageRank(last) {
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

// stageRank is a stage's place in StageOrder.
func stageRank(stage int) int { return slices.Index(StageOrder, stage) }

func targetName(t Target) string {
	if t.Username == "" {
		return "user pool " + t.UserPoolId
	}
	return fmt.Sprintf("user %s of %s", t.Username, t.UserPoolId)
}

// The request bodies, as Cognito receives them. Cognito's SMS and email
// blocks have no Enabled field: a present block is on.
type poolRequestBody struct {
	UserPoolId                    string
	MfaConfiguration              state.Mode                           `json:",omitempty"`
	SmsMfaConfiguration           *smsMfaConfigBody                    `json:",omitempty"`
	SoftwareTokenMfaConfiguration *state.SoftwareTokenMfaConfiguration `json:",omitempty"`
	EmailMfaConfiguration         *emailMfaConfigBody                  `json:",omitempty"`
	WebAuthnConfiguration         *state.WebAuthnConfiguration         `json:",omitempty"`
}

type smsMfaConfigBody struct {
	SmsAuthenticationMessage *string                 `json:",omitempty"`
	SmsConfiguration         *state.SmsConfiguration `json:",omitempty"`
}

type emailMfaConfigBody struct {
	Message *string `json:",omitempty"`
	Subject *string `json:",omitempty"`
}

// userRequestBody is AdminSetUserMFAPreference's body: the user's blocks
// have Cognito's names and shape already.
type userRequestBody struct {
	UserPoolId string
	Username   string
	state.UserSettings
}

// selfRequestBody is SetUserMFAPreference's body: the access token (always
// its marker here) and the user's blocks.
type selfRequestBody struct {
	AccessToken string
	state.UserSettings
}

// legacyRequestBody is AdminSetUserSettings's body.
type legacyRequestBody struct {
	UserPoolId string
	Username   string
	MFAOptions []state.MFAOption
}

// updateRequestBody is what an UpdateUserPool call sets, in the request's
// shape; the call sends every other member as DescribeUserPool returns it.
type updateRequestBody struct {
	UserPoolId          string
	UserPoolTier        string                     `json:",omitempty"`
	DeviceConfiguration *state.DeviceConfiguration `json:",omitempty"`
	Policies            *signInPolicyBody          `json:",omitempty"`
	UserPoolAddOns      *state.UserPoolAddOns      `json:",omitempty"`
}

type signInPolicyBody struct {
	SignInPolicy *state.SignInPolicy
}

// riskRequestBody is SetRiskConfiguration's body.
type riskRequestBody struct {
	UserPoolId string
	ClientId   string `json:",omitempty"`
	state.RiskConfiguration
}

type callJSON struct {
	Operation       Operation
	UserPoolId      string
	Username        string `json:",omitempty"`
	Stage           int
	Reason          string           `json:",omitempty"`
	Uncertain       string           `json:",omitempty"`
	LegacyMigration bool             `json:",omitempty"`
	Policy          string           `json:",omitempty"`
	Ineligible      state.Ineligible `json:",omitempty"`
	Request         json.RawMessage
}

// RequestBody returns the body of the API request c makes, as Cognito
// receives it, with the secret masked.
func (c Call) RequestBody() any {
	switch {
	case c.PoolRequest != nil:
		req := maskedRequest(c)
		body := poolRequestBody{
			UserPoolId:                    c.UserPoolId,
			MfaConfiguration:              req.MfaConfiguration,
			SoftwareTokenMfaConfiguration: req.SoftwareTokenMfaConfiguration,
			WebAuthnConfiguration:         req.WebAuthnConfiguration,
		}
		if s := req.SmsMfaConfiguration; s != nil && s.Enabled {
			body.SmsMfaConfiguration = &smsMfaConfigBody{SmsAuthenticationMessage: s.SmsAuthenticationMessage, SmsConfiguration: s.SmsConfiguration}
		}
		if e := req.EmailMfaConfiguration; e != nil && e.Enabled {
			body.EmailMfaConfiguration = &emailMfaConfigBody{Message: e.Message, Subject: e.Subject}
		}
		return body
	case c.UserRequest != nil && c.Operation == SetUserMFAPreference:
		return selfRequestBody{AccessToken: AccessTokenMarker, UserSettings: *c.UserRequest}
	case c.UserRequest != nil:
		return userRequestBody{UserPoolId: c.UserPoolId, Username: c.Username, UserSettings: *c.UserRequest}
	case c.LegacyRequest != nil:
		return legacyRequestBody{UserPoolId: c.UserPoolId, Username: c.Username, MFAOptions: orEmpty(*c.LegacyRequest)}
	case c.PostureRequest != nil:
		p := c.PostureRequest
		body := updateRequestBody{UserPoolId: c.UserPoolId, UserPoolTier: p.UserPoolTier, DeviceConfiguration: p.DeviceConfiguration, UserPoolAddOns: p.UserPoolAddOns}
		if p.SignInPolicy != nil {
			body.Policies = &signInPolicyBody{SignInPolicy: p.SignInPolicy}
		}
		return body
	case c.RiskRequest != nil:
		return riskRequestBody{UserPoolId: c.UserPoolId, ClientId: c.ClientId, RiskConfiguration: *c.RiskRequest}
	}
	return nil
}

// RequestJSON is RequestBody as JSON, as Cognito receives it (secret masked).
func (c Call) RequestJSON() ([]byte, error) { return marshalNoEscape(c.RequestBody()) }

// MarshalJSON writes the call with its full request body (secret masked).
func (c Call) MarshalJSON() ([]byte, error) {
	body := c.RequestBody()
	if body == nil {
		return nil, fmt.Errorf("%s call for %s has no request", c.Operation, c.UserPoolId)
	}
	raw, err := marshalNoEscape(body)
	if err != nil {
		return nil, err
	}
	return marshalNoEscape(callJSON{Operation: c.Operation, UserPoolId: c.UserPoolId, Username: c.Username, Stage: c.Stage, Reason: c.Reason,
		Uncertain: c.Uncertain, LegacyMigration: c.LegacyMigration, Policy: c.Policy, Ineligible: c.Ineligible, Request: raw})
}

// UnmarshalJSON reads a call written by MarshalJSON. A secret comes back
// as its source (ExternalIdSource) with an empty value; anything else in
// its place is refused.
func (c *Call) UnmarshalJSON(data []byte) error {
	var cj callJSON
	if err := json.Unmarshal(data, &cj); err != nil {
		return err
	}
	*c = Call{Operation: cj.Operation, UserPoolId: cj.UserPoolId, Username: cj.Username, Stage: cj.Stage, Reason: cj.Reason, Uncertain: cj.Uncertain, LegacyMigration: cj.LegacyMigration,
		Policy: cj.Policy, Ineligible: cj.Ineligible}
	if len(cj.Request) == 0 || string(cj.Request) == "null" {
		return fmt.Errorf("%s call for %s has no Request", cj.Operation, cj.UserPoolId)
	}
	switch cj.Operation {
	case SetUserPoolMfaConfig:
		var body poolRequestBody
		if err := decodeStrict(cj.Request, &body); err != nil {
			return fmt.Errorf("SetUserPoolMfaConfig request for %s: %w", cj.UserPoolId, err)
		}
		if body.UserPoolId != cj.UserPoolId || cj.Username != "" {
			return fmt.Errorf("SetUserPoolMfaConfig call for %s has a request for %s", cj.UserPoolId, body.UserPoolId)
		}
		req := state.PoolConfig{
			MfaConfiguration:              body.MfaConfiguration,
			SoftwareTokenMfaConfiguration: body.SoftwareTokenMfaConfiguration,
			WebAuthnConfiguration:         body.WebAuthnConfiguration,
		}
		if s := body.SmsMfaConfiguration; s != nil {
			req.SmsMfaConfiguration = &state.SmsMfaConfiguration{Enabled: true, SmsAuthenticationMessage: s.SmsAuthenticationMessage, SmsConfiguration: s.SmsConfiguration}
		}
		if e := body.EmailMfaConfiguration; e != nil {
			req.EmailMfaConfiguration = &state.EmailMfaConfiguration{Enabled: true, Message: e.Message, Subject: e.Subject}
		}
		if hasSmsRole(&req) {
			switch id := SecretSource(externalID(&req)); id {
			case "":
			case SecretFromLive, SecretFromFiles:
				c.ExternalIdSource = id
				setExternalID(&req, "")
			default:
				return fmt.Errorf("SetUserPoolMfaConfig request for %s holds an ExternalId value; plan files never carry secrets (expected %q or %q)", cj.UserPoolId, SecretFromLive, SecretFromFiles)
			}
		}
		c.PoolRequest = &req
	case AdminSetUserMFAPreference:
		var body userRequestBody
		if err := decodeStrict(cj.Request, &body); err != nil {
			return fmt.Errorf("AdminSetUserMFAPreference request for %s in %s: %w", cj.Username, cj.UserPoolId, err)
		}
		if body.UserPoolId != cj.UserPoolId || body.Username != cj.Username || cj.Username == "" {
			return fmt.Errorf("AdminSetUserMFAPreference call for user %q of %s has a request for user %q of %s", cj.Username, cj.UserPoolId, body.Username, body.UserPoolId)
		}
		c.UserRequest = &body.UserSettings
	case SetUserMFAPreference:
		var body selfRequestBody
		if err := decodeStrict(cj.Request, &body); err != nil {
			return fmt.Errorf("SetUserMFAPreference request for %s in %s: %w", cj.Username, cj.UserPoolId, err)
		}
		if body.AccessToken != AccessTokenMarker {
			return fmt.Errorf("SetUserMFAPreference request for %s in %s holds an AccessToken value; plan files never carry the access token (expected %q)", cj.Username, cj.UserPoolId, AccessTokenMarker)
		}
		c.UserRequest = &body.UserSettings
	case AdminSetUserSettings:
		var body legacyRequestBody
		if err := decodeStrict(cj.Request, &body); err != nil {
			return fmt.Errorf("AdminSetUserSettings request for %s in %s: %w", cj.Username, cj.UserPoolId, err)
		}
		if body.UserPoolId != cj.UserPoolId || body.Username != cj.Username || cj.Username == "" || body.MFAOptions == nil {
			return fmt.Errorf("AdminSetUserSettings call for user %q of %s has a request for user %q of %s, or no MFAOptions", cj.Username, cj.UserPoolId, body.Username, body.UserPoolId)
		}
		opts := body.MFAOptions
		c.LegacyRequest = &opts
	case UpdateUserPool:
		var body updateRequestBody
		if err := decodeStrict(cj.Request, &body); err != nil {
			return fmt.Errorf("UpdateUserPool request for %s: %w", cj.UserPoolId, err)
		}
		if body.UserPoolId != cj.UserPoolId || cj.Username != "" {
			return fmt.Errorf("UpdateUserPool call for %s has a request for %s", cj.UserPoolId, body.UserPoolId)
		}
		set := state.Posture{UserPoolTier: body.UserPoolTier, DeviceConfiguration: body.DeviceConfiguration, UserPoolAddOns: body.UserPoolAddOns}
		if body.Policies != nil {
			set.SignInPolicy = body.Policies.SignInPolicy
		}
		if !set.PoolMembersDeclared() {
			return fmt.Errorf("UpdateUserPool call for %s sets nothing", cj.UserPoolId)
		}
		c.PostureRequest = &set
	case SetRiskConfiguration:
		var body riskRequestBody
		if err := decodeStrict(cj.Request, &body); err != nil {
			return fmt.Errorf("SetRiskConfiguration request for %s: %w", cj.UserPoolId, err)
		}
		if body.UserPoolId != cj.UserPoolId || cj.Username != "" {
			return fmt.Errorf("SetRiskConfiguration call for %s has a request for %s", cj.UserPoolId, body.UserPoolId)
		}
		rc := body.RiskConfiguration
		c.ClientId, c.RiskRequest = body.ClientId, &rc
	default:
		return fmt.Errorf("unknown operation %q (known: %s)", cj.Operation, operationNames())
	}
	return nil
}

func decodeStrict(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

func marshalNoEscape(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}

func operationNames() string {
	names := make([]string, len(Operations))
	for i, op := range Operations {
		names[i] = string(op)
	}
	return strings.Join(names, ", ")
}
