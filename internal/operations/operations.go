// Package operations is the table of the Cognito operations mfactl calls:
// for each, the quota that paces it, the IAM action it needs, its AWS CLI
// command and the plan stages it runs in. Pacing (internal/cognito), the
// AWS CLI script (plan -o cli), the stage names, the IAM policies in
// docs/ci/iam and the docs' IAM lists all come from this table or are
// tested against it, so an operation added here is added everywhere, and
// one missing here fails a test.
//
// It sits below every other package and imports nothing of mfactl's, so
// that plan, views and cognito can all read it.
package operations

// Category is a Cognito request-rate quota category. Quotas apply per
// account and Region to the sum of all operations in a category. The names
// are AWS's (developer guide, "API operation categories and request rate
// quotas"); the emulator uses the same table.
type Category string

const (
	UserRead               Category = "UserRead"
	UserList               Category = "UserList"
	UserResourceUpdate     Category = "UserResourceUpdate"
	UserPoolRead           Category = "UserPoolRead"
	UserPoolResourceRead   Category = "UserPoolResourceRead"
	UserPoolResourceUpdate Category = "UserPoolResourceUpdate"
	UserAuthentication     Category = "UserAuthentication"
	UserResourceRead       Category = "UserResourceRead"
	UserAccountRecovery    Category = "UserAccountRecovery"
	UserPoolUpdate         Category = "UserPoolUpdate"
	UserPoolClientRead     Category = "UserPoolClientRead"
)

// Access says how Cognito authorises an operation, and so which IAM policy
// (docs/ci/iam) must allow it.
type Access int

const (
	// Read is an IAM-authorised read: the plan policy allows it (and so
	// does the apply policy, which holds the plan policy's actions).
	Read Access = iota + 1
	// Write is an IAM-authorised change: only the apply policy allows it.
	Write
	// Token is authorised by the signed-in user's access token, not IAM
	// (self-service): no policy names it.
	Token
	// Recovery is an IAM-authorised call of the commands outside plan and
	// apply (reset-mfa, passkey, quota lookups): neither policy in
	// docs/ci/iam holds it; docs/recovery.md lists what they need.
	Recovery
)

// The stages of one pool's calls in a plan. Calls of one pool run stage by
// stage (a stage is a barrier); calls inside a stage may run concurrently.
const (
	StageWidenPool  = 1 // add factors users will need; OPTIONAL on the way to ON
	StageUsers      = 2 // per-user preference calls
	StageNarrowPool = 3 // the pool's exact desired configuration
	StageLegacy     = 4 // legacy MFAOptions, after the preference calls that supersede them
	// The posture's stages, numbered after the first four (which plan files
	// of earlier versions use); Stages gives their order.
	StagePoolSettings = 5 // UpdateUserPool before the MFA calls: a higher tier, threat protection, devices
	StageRisk         = 6 // SetRiskConfiguration, once threat protection is on
	StageSignInPolicy = 7 // UpdateUserPool with the sign-in policy, after FactorConfiguration and before ON
	StageLowerTier    = 8 // UpdateUserPool with a lower tier, after what needed the higher one is gone
)

// stageNames are what plans (text and -o cli) call each stage.
var stageNames = map[int]string{
	StageWidenPool:    "pool, before users",
	StageUsers:        "users",
	StageNarrowPool:   "pool, after users",
	StageLegacy:       "legacy MFAOptions, after users",
	StagePoolSettings: "pool settings, before MFA",
	StageRisk:         "risk actions, after threat protection",
	StageSignInPolicy: "sign-in policy, before ON",
	StageLowerTier:    "lower tier, last",
}

// StageName names a plan stage for people, or returns "" for a number that
// is no stage.
func StageName(stage int) string { return stageNames[stage] }

// Stages lists the plan stages in the order they run.
func Stages() []int {
	return []int{StagePoolSettings, StageRisk, StageWidenPool, StageSignInPolicy, StageUsers, StageNarrowPool, StageLegacy, StageLowerTier}
}

// Operation is one Cognito operation mfactl calls.
type Operation struct {
	// Name is Cognito's name: the SDK's method (cognito.API) and, prefixed
	// with cognito-idp:, the IAM action.
	Name string
	// Category is the quota that paces every request of it.
	Category Category
	// Access says which IAM policy allows it, or that the user's token does.
	Access Access
	// CLI is the AWS CLI's command: aws cognito-idp CLI.
	CLI string
	// Stages are the plan stages it is called in; none for an operation
	// that only reads or that plans never make.
	Stages []int
	// Raw is set for an operation the Go SDK has no method for: it is sent
	// as a raw JSON request instead of through cognito.API.
	Raw bool
}

// IAMAction is the IAM action the operation needs, or "" for one that the
// user's access token authorises.
func (o Operation) IAMAction() string {
	if o.Access == Token {
		return ""
	}
	return "cognito-idp:" + o.Name
}

// Table is every Cognito operation mfactl calls. A new call is one entry
// here (see docs/ARCHITECTURE.md, "where a change goes"); the tests of
// this package, internal/cognito and plan say what else it needs.
var Table = []Operation{
	// Reading live state (plan, apply, report, import).
	{Name: "GetUserPoolMfaConfig", Category: UserPoolResourceRead, Access: Read, CLI: "get-user-pool-mfa-config"},
	{Name: "DescribeUserPool", Category: UserPoolRead, Access: Read, CLI: "describe-user-pool"},
	{Name: "AdminGetUser", Category: UserRead, Access: Read, CLI: "admin-get-user"},
	// Listing users: policies' selections, import, report, legacy migration.
	{Name: "ListUsers", Category: UserList, Access: Read, CLI: "list-users"},
	{Name: "ListUsersInGroup", Category: UserList, Access: Read, CLI: "list-users-in-group"},
	{Name: "GetGroup", Category: UserPoolResourceRead, Access: Read, CLI: "get-group"},
	// A plan's calls.
	{Name: "SetUserPoolMfaConfig", Category: UserPoolResourceUpdate, Access: Write, CLI: "set-user-pool-mfa-config",
		Stages: []int{StageWidenPool, StageNarrowPool}},
	{Name: "AdminSetUserMFAPreference", Category: UserResourceUpdate, Access: Write, CLI: "admin-set-user-mfa-preference",
		Stages: []int{StageUsers}},
	{Name: "AdminSetUserSettings", Category: UserResourceUpdate, Access: Write, CLI: "admin-set-user-settings",
		Stages: []int{StageLegacy}},
	// The MFA posture (docs/posture.md): read, and written through the
	// safe UpdateUserPool path.
	{Name: "DescribeRiskConfiguration", Category: UserPoolResourceRead, Access: Read, CLI: "describe-risk-configuration"},
	// Import lists a pool's app clients for their risk configurations.
	{Name: "ListUserPoolClients", Category: UserPoolClientRead, Access: Read, CLI: "list-user-pool-clients"},
	{Name: "UpdateUserPool", Category: UserPoolUpdate, Access: Write, CLI: "update-user-pool",
		Stages: []int{StagePoolSettings, StageSignInPolicy, StageLowerTier}},
	{Name: "SetRiskConfiguration", Category: UserPoolResourceUpdate, Access: Write, CLI: "set-risk-configuration",
		Stages: []int{StageRisk}},
	// Self-service: the signed-in user's own calls.
	{Name: "GetUser", Category: UserRead, Access: Token, CLI: "get-user"},
	{Name: "SetUserMFAPreference", Category: UserResourceUpdate, Access: Token, CLI: "set-user-mfa-preference",
		Stages: []int{StageUsers}},
	{Name: "AssociateSoftwareToken", Category: UserResourceUpdate, Access: Token, CLI: "associate-software-token"},
	{Name: "VerifySoftwareToken", Category: UserResourceUpdate, Access: Token, CLI: "verify-software-token"},
	// Recovering a user (reset-mfa, passkey).
	{Name: "AdminUserGlobalSignOut", Category: UserAuthentication, Access: Recovery, CLI: "admin-user-global-sign-out"},
	{Name: "AdminListDevices", Category: UserResourceRead, Access: Recovery, CLI: "admin-list-devices"},
	{Name: "AdminForgetDevice", Category: UserResourceUpdate, Access: Recovery, CLI: "admin-forget-device"},
	{Name: "AdminResetUserPassword", Category: UserAccountRecovery, Access: Recovery, CLI: "admin-reset-user-password"},
	{Name: "ListWebAuthnCredentials", Category: UserResourceRead, Access: Token, CLI: "list-web-authn-credentials"},
	{Name: "DeleteWebAuthnCredential", Category: UserResourceUpdate, Access: Token, CLI: "delete-web-authn-credential"},
	// Newer than the Go SDK (internal/cognito/newer.go), sent raw. The
	// quotas page does not list the limit operations yet: paced as pool
	// reads, as the emulator counts them.
	{Name: "GetProvisionedLimit", Category: UserPoolRead, Access: Recovery, CLI: "get-provisioned-limit", Raw: true},
	{Name: "AdminGetUserAuthFactors", Category: UserRead, Access: Recovery, CLI: "admin-get-user-auth-factors", Raw: true},
	{Name: "AdminDeleteSoftwareToken", Category: UserResourceUpdate, Access: Recovery, CLI: "admin-delete-software-token", Raw: true},
	{Name: "UpdateProvisionedLimit", Category: UserPoolUpdate, Access: Recovery, CLI: "update-provisioned-limit", Raw: true},
}

var byName = func() map[string]Operation {
	m := make(map[string]Operation, len(Table))
	for _, op := range Table {
		m[op.Name] = op
	}
	return m
}()

// Lookup returns the table's entry for a Cognito operation name.
func Lookup(name string) (Operation, bool) {
	op, ok := byName[name]
	return op, ok
}

// BeyondSDK names the operations sent raw because the Go SDK has no method
// for them yet, in table order (what `mfactl version` lists).
func BeyondSDK() []string {
	var names []string
	for _, op := range Table {
		if op.Raw {
			names = append(names, op.Name)
		}
	}
	return names
}

// CLI returns the AWS CLI command of an operation, or "" for one that is
// not in the table.
func CLI(name string) string { return byName[name].CLI }

// IAMActions returns the IAM actions of the operations with the given
// access, in table order.
func IAMActions(access Access) []string {
	var actions []string
	for _, op := range Table {
		if op.Access == access {
			actions = append(actions, op.IAMAction())
		}
	}
	return actions
}
