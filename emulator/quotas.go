package emulator

import (
	"math"
	"sync"

	"golang.org/x/time/rate"
)

// Quota categories, as named on Cognito's quotas page ("Amazon Cognito user
// pools API operation categories and request rate quotas").
const (
	UserAuthentication     = "UserAuthentication"
	UserCreation           = "UserCreation"
	UserAccountRecovery    = "UserAccountRecovery"
	UserRead               = "UserRead"
	UserUpdate             = "UserUpdate"
	UserResourceRead       = "UserResourceRead"
	UserResourceUpdate     = "UserResourceUpdate"
	UserList               = "UserList"
	UserPoolRead           = "UserPoolRead"
	UserPoolUpdate         = "UserPoolUpdate"
	UserPoolResourceRead   = "UserPoolResourceRead"
	UserPoolResourceUpdate = "UserPoolResourceUpdate"
	UserPoolClientRead     = "UserPoolClientRead"
	UserPoolClientUpdate   = "UserPoolClientUpdate"
)

// categoryRates are Cognito's default request rates per category, per
// account and Region, in requests per second.
var categoryRates = map[string]float64{
	UserAuthentication:     120,
	UserCreation:           50,
	UserAccountRecovery:    30,
	UserRead:               120,
	UserUpdate:             25,
	UserResourceRead:       50,
	UserResourceUpdate:     25,
	UserList:               30,
	UserPoolRead:           15,
	UserPoolUpdate:         15,
	UserPoolResourceRead:   20,
	UserPoolResourceUpdate: 15,
	UserPoolClientRead:     15,
	UserPoolClientUpdate:   15,
}

// perPoolOperationRate applies on top of the category rate to each
// operation of these categories, per user pool (the quotas page's
// footnote: "no higher than 5 RPS for a single user pool").
var perPoolOperationRate = map[string]float64{
	UserPoolResourceRead:   5,
	UserPoolResourceUpdate: 5,
	UserPoolClientRead:     5,
	UserPoolClientUpdate:   5,
}

// perUserRate is Cognito's per-user quota for reading and for writing one
// user's profile.
const perUserRate = 10

// operationCategories maps each operation the emulator serves to its quota
// category, as Cognito's quotas page lists them.
var operationCategories = map[string]string{
	"InitiateAuth":              UserAuthentication,
	"RespondToAuthChallenge":    UserAuthentication,
	"GlobalSignOut":             UserAuthentication,
	"AdminCreateUser":           UserCreation,
	"AdminSetUserPassword":      UserAccountRecovery,
	"AdminGetUser":              UserRead,
	"GetUser":                   UserRead,
	"AdminDeleteUser":           UserUpdate,
	"AdminAddUserToGroup":       UserUpdate,
	"AdminListGroupsForUser":    UserResourceRead,
	"AdminSetUserMFAPreference": UserResourceUpdate,
	"AdminDeleteSoftwareToken":  UserResourceUpdate,
	"AdminGetUserAuthFactors":   UserRead,
	"SetUserMFAPreference":      UserResourceUpdate,
	"AdminSetUserSettings":      UserResourceUpdate,
	"AssociateSoftwareToken":    UserResourceUpdate,
	"VerifySoftwareToken":       UserResourceUpdate,
	"ListUsers":                 UserList,
	"ListUsersInGroup":          UserList,
	"DescribeUserPool":          UserPoolRead,
	"ListUserPools":             UserPoolRead,
	// Not on the quotas page yet; inferred from what they read and write.
	"GetProvisionedLimit":       UserPoolRead,
	"UpdateProvisionedLimit":    UserPoolUpdate,
	"CreateUserPool":            UserPoolUpdate,
	"UpdateUserPool":            UserPoolUpdate,
	"DeleteUserPool":            UserPoolUpdate,
	"GetUserPoolMfaConfig":      UserPoolResourceRead,
	"GetGroup":                  UserPoolResourceRead,
	"ListGroups":                UserPoolResourceRead,
	"SetUserPoolMfaConfig":      UserPoolResourceUpdate,
	"DescribeRiskConfiguration": UserPoolResourceRead,
	"SetRiskConfiguration":      UserPoolResourceUpdate,
	"CreateGroup":               UserPoolResourceUpdate,
	"DescribeUserPoolClient":    UserPoolClientRead,
	"ListUserPoolClients":       UserPoolClientRead,
	"CreateUserPoolClient":      UserPoolClientUpdate,

	// Recovering a user (mfactl reset-mfa, mfactl passkey).
	"AdminUserGlobalSignOut":   UserAuthentication,
	"AdminResetUserPassword":   UserAccountRecovery,
	"AdminListDevices":         UserResourceRead,
	"ListWebAuthnCredentials":  UserResourceRead,
	"AdminForgetDevice":        UserResourceUpdate,
	"DeleteWebAuthnCredential": UserResourceUpdate,
}

// userWrites are the operations that count against a user's write quota;
// the other user-scoped operations count against its read quota.
var userWrites = map[string]bool{
	"AdminSetUserMFAPreference": true, "SetUserMFAPreference": true, "AdminSetUserSettings": true,
	"AdminSetUserPassword": true, "AssociateSoftwareToken": true, "VerifySoftwareToken": true,
	"AdminDeleteUser": true, "AdminAddUserToGroup": true, "AdminDeleteSoftwareToken": true,
	"AdminUserGlobalSignOut": true, "AdminResetUserPassword": true, "AdminForgetDevice": true, "DeleteWebAuthnCredential": true,
}

// Category returns the quota category of a Cognito operation, or "" for an
// operation the emulator does not serve.
func Category(op string) string { return operationCategories[op] }

// CategoryRate returns Cognito's default rate for a category in requests
// per second, or 0 for an unknown category.
func CategoryRate(category string) float64 { return categoryRates[category] }

// quotas holds token buckets per Region and category, per Region, pool and
// operation, and per Region, pool, user and direction. A nil *quotas allows
// everything.
type quotas struct {
	scale   float64
	mu      sync.Mutex
	buckets map[quotaKey]*rate.Limiter
	// raised holds category rates UpdateProvisionedLimit raised, by Region
	// and category.
	raised map[quotaKey]float64
}

type quotaKey struct {
	region, category, poolID, op, userSub string
	write                                 bool
}

func newQuotas(scale float64) *quotas {
	if scale <= 0 {
		return nil
	}
	return &quotas{scale: scale, buckets: map[quotaKey]*rate.Limiter{}, raised: map[quotaKey]float64{}}
}

// allow takes one token from every bucket that applies to c. A call refused
// by one bucket does not consume tokens of the others it did not reach.
func (q *quotas) allow(c *call) bool {
	if q == nil {
		return true
	}
	cat := Category(c.op)
	if cat == "" {
		return true
	}
	q.mu.Lock()
	catRate := q.categoryRate(c.region, cat)
	q.mu.Unlock()
	if !q.take(quotaKey{region: c.region, category: cat}, catRate) {
		return false
	}
	// Only real pools get buckets of their own, so that requests naming
	// made-up pools cannot grow the table.
	if !c.poolExists {
		return true
	}
	if r, ok := perPoolOperationRate[cat]; ok {
		if !q.take(quotaKey{region: c.region, category: cat, poolID: c.poolID, op: c.op}, r) {
			return false
		}
	}
	// Likewise only real users, keyed by sub, whichever name the call used.
	if c.userSub != "" && isUserScoped(cat) {
		k := quotaKey{region: c.region, poolID: c.poolID, userSub: c.userSub, write: userWrites[c.op]}
		if !q.take(k, perUserRate) {
			return false
		}
	}
	return true
}

func isUserScoped(category string) bool {
	switch category {
	case UserAuthentication, UserAccountRecovery, UserRead, UserUpdate, UserResourceRead, UserResourceUpdate:
		return true
	}
	return false
}

func (q *quotas) take(k quotaKey, rps float64) bool {
	q.mu.Lock()
	b := q.buckets[k]
	if b == nil {
		limit := rps * q.scale
		// A bucket holds one second's worth of requests: short bursts
		// pass, a sustained rate above the quota does not.
		b = rate.NewLimiter(rate.Limit(limit), int(math.Max(1, math.Ceil(limit))))
		q.buckets[k] = b
	}
	q.mu.Unlock()
	return b.Allow()
}
