// Package plan turns desired and live state into a plan, purely: no
// network, no clock, no printing. Build expands the policies into users,
// compares each pool and user with what Cognito holds, checks what the
// files alone cannot (diag), and orders the calls in stages (widen the
// pool, users, narrow the pool, legacy MFAOptions). A Plan is a value that
// apply executes; this package also saves and loads plan files, checks
// that a saved plan is what its own desired state makes (CheckRebuild) and
// keeps secrets out of both (ResolveSecrets).
package plan

import (
	"time"

	"github.com/mfactl/mfactl/internal/diag"
	"github.com/mfactl/mfactl/internal/operations"
	"github.com/mfactl/mfactl/internal/state"
)

// Operation names a Cognito API operation a plan calls: each has an entry
// in the operation table (internal/operations) with the stages it runs in.
type Operation string

const (
	SetUserPoolMfaConfig      Operation = "SetUserPoolMfaConfig"
	AdminSetUserMFAPreference Operation = "AdminSetUserMFAPreference"
	// SetUserMFAPreference is AdminSetUserMFAPreference of a self-service
	// plan: the user's own call, authorised by their access token.
	SetUserMFAPreference Operation = "SetUserMFAPreference"
	// AdminSetUserSettings sets or clears a user's legacy MFAOptions.
	AdminSetUserSettings Operation = "AdminSetUserSettings"
	// UpdateUserPool sets the declared members of a pool's posture (tier,
	// remembered devices, sign-in policy, threat protection), sending every
	// other member as DescribeUserPool returns it just before the call.
	UpdateUserPool Operation = "UpdateUserPool"
	// SetRiskConfiguration sets the risk configuration of a pool or of one
	// of its app clients.
	SetRiskConfiguration Operation = "SetRiskConfiguration"
)

// Operations lists every operation a plan may call, in the order summaries
// count them.
var Operations = []Operation{SetUserPoolMfaConfig, AdminSetUserMFAPreference, SetUserMFAPreference, AdminSetUserSettings, UpdateUserPool, SetRiskConfiguration}

// Stages of one pool's calls, from the operation table. Calls of one pool
// run stage by stage (a stage is a barrier); calls inside a stage may run
// concurrently. Pools are independent of each other.
const (
	StageWidenPool  = operations.StageWidenPool  // add factors users will need; OPTIONAL on the way to ON
	StageUsers      = operations.StageUsers      // per-user preference calls
	StageNarrowPool = operations.StageNarrowPool // the pool's exact desired configuration
	StageLegacy     = operations.StageLegacy     // legacy MFAOptions, after the preference calls that supersede them
	// The posture's stages (numbered after the first four, which plan
	// files of earlier versions use; StageOrder is their order).
	StagePoolSettings = operations.StagePoolSettings // UpdateUserPool before the MFA calls: a higher tier, threat protection, devices, sign-in policy
	StageRisk         = operations.StageRisk         // SetRiskConfiguration, once threat protection is on
	StageSignInPolicy = operations.StageSignInPolicy // UpdateUserPool with the sign-in policy, after FactorConfiguration and before ON
	StageLowerTier    = operations.StageLowerTier    // UpdateUserPool with a lower tier, after what needed the higher one is gone
)

// StageOrder is the order of a pool's stages.
var StageOrder = operations.Stages()

// Plan is a value: everything apply needs, and nothing it has to recompute.
type Plan struct {
	// FormatVersion is the plan-file format the plan was read from
	// (package planfile); empty for a plan just built.
	FormatVersion string
	Pools         []PoolChange // what differs, for people to review
	Calls         []Call       // what apply executes, in order
	Diagnostics   diag.List
	Targets       []Target // what was read, with fingerprints of its live state
	// SelfService is set for a plan of the signed-in user's own settings
	// (a file's Self): applying it needs that user's access token.
	SelfService *SelfService `json:",omitempty"`
	// Partial lists the --target arguments a partial plan was made for
	// ("POOL_ID" or "POOL_ID/USERNAME"); empty for a plan of everything
	// the files declare.
	Partial []string `json:",omitempty"`
	// Selections are the listings the policies' users came from, with
	// fingerprints, so that apply refuses a plan whose listings changed.
	Selections []SelectionTarget `json:",omitempty"`
	// Options are those Build was given: apply builds the plan again from
	// its desired state with them, and refuses a plan whose calls differ.
	Options Options
	// Reads are what planning asked of Cognito beyond live state, and the
	// rates it paced at (set by the use case, not by Build).
	Reads *Reads `json:",omitempty"`
	// Created is when the plan was made (the caller's clock: Build is
	// pure). A plan file records it in its signed part, and apply refuses
	// one older than --max-plan-age (CheckAge).
	Created time.Time
}

// Reads are what a run asked of Cognito besides live state, for people to
// see what planning cost and how it was paced.
type Reads struct {
	// Limits are the request rates paced at, per Region and category.
	Limits []Limit `json:",omitempty"`
	// AuthFactors are the AdminGetUserAuthFactors calls made for TOTP
	// enables that reads cannot show.
	AuthFactors AuthFactorReads `json:",omitzero"`
}

// Limit is the rate a run paced one category at in one Region: Source is
// "provisioned" (GetProvisionedLimit), "--rate" or "default"; Note says why
// a default was used when the quota could not be read.
type Limit struct {
	Region   string
	Category string
	RPS      float64
	Source   string
	Note     string `json:",omitempty"`
}

// AuthFactorReads are the AdminGetUserAuthFactors calls (one UserRead each)
// made to tell whether users whose TOTP a call enables registered an
// authenticator: Registered made the call certain, NotRegistered made the
// user ineligible; Notes say why some stayed uncertain.
type AuthFactorReads struct {
	Calls         int      `json:",omitempty"`
	Registered    int      `json:",omitempty"`
	NotRegistered int      `json:",omitempty"`
	Notes         []string `json:",omitempty"`
}

// SelfService says whose token a self-service plan was made with: the
// pool and user its claims name (read, not verified: Cognito verifies the
// token on every call). The token itself is never in a plan.
type SelfService struct {
	UserPoolId string
	Username   string
	Issuer     string // the token's iss claim, which names the pool and its Region
	// AccessToken is always AccessTokenMarker: where apply takes the token from.
	AccessToken string
}

// AccessTokenMarker stands for the access token in plans and plan files.
const AccessTokenMarker = "(sensitive: the access token, from --access-token-file or MFACTL_ACCESS_TOKEN)"

// PoolChange is the reviewable difference for one pool. Live and Desired are
// nil when the pool-level configuration is in sync. Desired is the full
// configuration after apply (unmanaged fields carried over from live).
type PoolChange struct {
	UserPoolId  string
	Pos         state.Pos         `json:",omitzero"` // where the pool is declared
	Live        *state.PoolConfig `json:",omitempty"`
	Desired     *state.PoolConfig `json:",omitempty"`
	Users       []UserChange      `json:",omitempty"`
	UsersInSync int
	// LegacyMigration is what LegacyMfaOptions: Migrate does here: its
	// users are counted, not listed one by one.
	LegacyMigration *LegacyMigration `json:",omitempty"`
	// Policies says, per policy of the pool, what it selected and what
	// became of its users.
	Policies []PolicyOutcome `json:",omitempty"`
	// Ignored counts, per rule, the warnings the pool's Ignore silenced:
	// not shown, but never dropped without a trace.
	Ignored map[string]int `json:",omitempty"`
	// Posture is the change of the pool's declared MFA posture, if any.
	Posture *PostureChange `json:",omitempty"`
}

// PostureChange is a pool's posture before and after apply, each holding
// only the declared members that change (and the app clients whose risk
// configuration changes).
type PostureChange struct {
	Live    state.Posture
	Desired state.Posture
}

// LegacyMigration counts the users of a pool with legacy MFAOptions that a
// plan migrates to SMSMfaSettings, and names those it cannot.
type LegacyMigration struct {
	Users        int      // users with a legacy entry found in ListUsers pages
	Migrated     int      // users the plan migrates (AdminSetUserMFAPreference, then AdminSetUserSettings [])
	WithoutPhone []string `json:",omitempty"` // not migrated: no phone_number
	Declared     []string `json:",omitempty"` // declared in the files: their entry decides
}

// UserChange is the reviewable difference for one user. Unknown is set when
// the live settings cannot be trusted (they are shown as unknown, not off).
type UserChange struct {
	Username string
	Pos      state.Pos `json:",omitzero"` // where the user is declared
	// Policy names the policies whose settings the user gets ("" for a
	// user the files name).
	Policy  string `json:",omitempty"`
	Live    state.UserSettings
	Desired state.UserSettings
	Unknown string `json:",omitempty"`
	// MFAOptions is set when the user's legacy MFAOptions change.
	MFAOptions *MFAOptionsChange `json:",omitempty"`
}

// MFAOptionsChange is a user's legacy MFAOptions before and after apply.
type MFAOptionsChange struct {
	Live    []state.MFAOption
	Desired []state.MFAOption
}

// Call is one API call apply will make. Exactly one of PoolRequest and
// UserRequest is set, matching Operation. PoolRequest is always a complete
// configuration (SetUserPoolMfaConfig replaces the whole thing); UserRequest
// carries only the blocks that change; an AdminSetUserSettings call has
// LegacyRequest instead. Reason is for display only and never drives
// behaviour. Uncertain is set on a call that reads cannot tell Cognito will
// accept: it says why, for people and for pipelines (the call is planned
// and made all the same; apply contains a refusal).
type Call struct {
	Operation  Operation
	UserPoolId string
	Username   string `json:",omitempty"`
	Stage      int
	Reason     string `json:",omitempty"`
	Uncertain  string `json:",omitempty"`
	// Policy names the policies a user call carries out, for display.
	Policy string `json:",omitempty"`
	// Ineligible is set (Report or Skip) on an Uncertain call for a
	// policy's user: if Cognito refuses it for lack of the registration
	// reads cannot show, the user counts as ineligible and the pool's
	// later stages still run.
	Ineligible  state.Ineligible    `json:",omitempty"`
	PoolRequest *state.PoolConfig   `json:"-"`
	UserRequest *state.UserSettings `json:"-"`
	// ExternalIdSource says where PoolRequest's SMS ExternalId comes from
	// (SecretFromLive or SecretFromFiles); empty when the request has none.
	// Plan files hold this marker instead of the secret; see ResolveSecrets.
	ExternalIdSource SecretSource `json:"-"`
	// LegacyRequest is AdminSetUserSettings's MFAOptions (empty: clear).
	LegacyRequest *[]state.MFAOption `json:"-"`
	// LegacyMigration marks the calls of LegacyMfaOptions: Migrate, which
	// views show as one line per pool.
	LegacyMigration bool `json:"-"`
	// PostureRequest is what an UpdateUserPool call sets: the declared
	// members that change. The request sent holds every other member as
	// DescribeUserPool returns it right before the call.
	PostureRequest *state.Posture `json:"-"`
	// FullRequest is that complete request as the plan's read of the pool
	// makes it (secrets masked), for display (-o cli); not in plan files.
	FullRequest map[string]any `json:"-"`
	// ClientId is the app client of a SetRiskConfiguration call ("" for the pool's).
	ClientId string `json:"-"`
	// RiskRequest is a SetRiskConfiguration call's complete configuration.
	RiskRequest *state.RiskConfiguration `json:"-"`
}

// Target is one thing the plan read from Cognito, with a fingerprint of its
// live state so that apply can refuse a stale plan, and what the files
// declare for it: with the live state, that decides the calls (Build) and
// the end state apply verifies (DesiredState). Username is empty for a pool
// target, which has DesiredConfig; a user target has DesiredSettings.
type Target struct {
	UserPoolId      string
	Username        string `json:",omitempty"`
	Fingerprint     string
	DesiredConfig   *state.PoolConfig   `json:",omitempty"`
	DesiredSettings *state.UserSettings `json:",omitempty"`
	// DesiredMFAOptions is a user's declared legacy MFAOptions (nil: not managed).
	DesiredMFAOptions *[]state.MFAOption `json:",omitempty"`
	// LegacyMfaOptions is a pool's declared LegacyMfaOptions ("" or Migrate).
	LegacyMfaOptions string `json:",omitempty"`
	// DesiredPosture is a pool's declared MFA posture (nil: none).
	DesiredPosture *state.Posture `json:",omitempty"`
	// DesiredSecret says whether DesiredConfig's SMS ExternalId, if it
	// declares one, is the pool's current one (SecretFromLive) or a new one
	// (SecretFromFiles). Plan files hold this marker in place of the value.
	DesiredSecret SecretSource `json:"-"`
	// Policies and Ineligible are a policy's user's attribution (see
	// state.DesiredUser), so that DesiredState plans it alike.
	Policies   []string         `json:",omitempty"`
	Ineligible state.Ineligible `json:",omitempty"`
	// LegacyMigrated marks a user target that LegacyMfaOptions: Migrate
	// added (the files do not name it).
	LegacyMigrated bool `json:",omitempty"`
	// DesiredPolicies are a pool target's declared policies: apply expands
	// them again, so that a saved plan's review form (PoolChange.Policies)
	// is rebuilt with its calls.
	DesiredPolicies []RecordedPolicy `json:",omitempty"`
	// DesiredIgnore is a pool target's declared Ignore: the warnings it
	// silences change the review form (PoolChange.Ignored) apply rebuilds.
	DesiredIgnore []string `json:",omitempty"`
}

// RecordedPolicy is a declared policy as a plan file records it: what
// decides its users and their settings, without where it was declared.
type RecordedPolicy struct {
	Name       string
	Select     state.Selection
	Settings   state.UserSettings
	Ineligible state.Ineligible `json:",omitempty"`
}

// SelectionTarget is one policy's listing as the plan read it: the users
// listed and a fingerprint of the listing (and, for a group, its
// precedence), which apply compares with a listing made again.
type SelectionTarget struct {
	UserPoolId  string
	Policy      string
	Select      state.Selection
	Fingerprint string
	Usernames   []string
	// InSync counts the listed users a plan counted in sync without
	// keeping them (a policy over a large pool: docs/planning.md), whose
	// names are not in Usernames and not in Fingerprint; InSyncDigest is
	// their InSyncDigest. Apply lists again and refuses the plan unless
	// the users listed now and not in Usernames are as many, with the
	// same digest: none joined, left or changed.
	InSync       int    `json:",omitempty"`
	InSyncDigest string `json:",omitempty"`
}
