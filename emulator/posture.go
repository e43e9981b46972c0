package emulator

import (
	"bytes"
	"encoding/json"
)

// The parts of a pool's MFA posture that UpdateUserPool sets besides the
// modelled prerequisites: remembered devices (DeviceConfiguration) and
// threat protection (UserPoolAddOns), plus every other member of
// UpdateUserPoolRequest, which the emulator stores as it came.

// storedUpdateMembers are the members of UpdateUserPoolRequest that the
// emulator keeps as sent (in pool.extra, where CreateUserPool puts them too)
// and DescribeUserPool returns. UpdateUserPool replaces each: an omitted one
// returns to its default, which here is absent. The other members of the
// request are modelled (see updateUserPool); TestUpdateUserPoolMembers
// checks, against the API model, that every member is one or the other.
var storedUpdateMembers = []string{
	"AdminCreateUserConfig", "DeletionProtection", "DeviceConfiguration",
	"EmailVerificationMessage", "EmailVerificationSubject", "IssuerConfiguration",
	"KeyConfiguration", "LambdaConfig", "SmsAuthenticationMessage", "SmsVerificationMessage",
	"UserAttributeUpdateSettings", "UserPoolAddOns", "VerificationMessageTemplate",
}

// modelledUpdateMembers are the members of UpdateUserPoolRequest that the
// emulator models rather than stores.
var modelledUpdateMembers = []string{
	"UserPoolId", "PoolName", "UserPoolTier", "MfaConfiguration", "EmailConfiguration",
	"SmsConfiguration", "AccountRecoverySetting", "AutoVerifiedAttributes", "Policies", "UserPoolTags",
}

// deviceConfigurationMember is DeviceConfiguration as UpdateUserPool and
// CreateUserPool take it (decoded only to check its members' types; the
// pool keeps the member as sent, and recovery's devices read it there).
type deviceConfigurationMember struct {
	ChallengeRequiredOnNewDevice     *bool `json:",omitempty"`
	DeviceOnlyRememberedOnUserPrompt *bool `json:",omitempty"`
}

type userPoolAddOns struct {
	AdvancedSecurityMode            *string
	AdvancedSecurityAdditionalFlows *struct{ CustomAuthMode *string } `json:",omitempty"`
}

// postureMembers are the typed posture members of CreateUserPool and
// UpdateUserPool (validateRequest has checked them against the model).
type postureMembers struct {
	DeviceConfiguration *deviceConfigurationMember
	UserPoolAddOns      *userPoolAddOns
	DeletionProtection  *string
}

// checkTier refuses threat protection below the PLUS feature plan, as
// Cognito documents for UserPoolAddOns.
func (pm *postureMembers) checkTier(tier string) error {
	if a := pm.UserPoolAddOns; a != nil && deref(a.AdvancedSecurityMode) != "OFF" && tier != tierPlus {
		return newError(CodeFeatureUnavailableInTier, "Threat protection (AdvancedSecurityMode %s) is not available in the %s feature plan; the user pool must be on PLUS.", deref(a.AdvancedSecurityMode), tier)
	}
	return nil
}

// replaceStoredMembers sets p's stored members to those of an
// UpdateUserPool request: what raw omits (or sends as null) goes back to
// its default, absent.
func (p *pool) replaceStoredMembers(raw map[string]json.RawMessage) {
	for _, m := range storedUpdateMembers {
		val, ok := raw[m]
		if !ok || bytes.Equal(bytes.TrimSpace(val), []byte("null")) {
			delete(p.extra, m)
			continue
		}
		if p.extra == nil {
			p.extra = map[string]json.RawMessage{}
		}
		p.extra[m] = val
	}
}

// threatProtection returns the pool's AdvancedSecurityMode: OFF unless
// UserPoolAddOns says otherwise.
func (p *pool) threatProtection() string {
	var a userPoolAddOns
	if raw, ok := p.extra["UserPoolAddOns"]; !ok || json.Unmarshal(raw, &a) != nil || a.AdvancedSecurityMode == nil {
		return "OFF"
	}
	return *a.AdvancedSecurityMode
}
