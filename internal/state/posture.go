package state

import (
	"encoding/json"
	"reflect"
	"slices"
)

// Posture is what decides whether a sign-in is challenged for MFA besides
// SetUserPoolMfaConfig: the feature plan, remembered devices, the sign-in
// policy, threat protection and its risk actions, for the pool and per app
// client. Names and shapes are AWS's (UpdateUserPool, SetRiskConfiguration).
//
// In desired state a nil block (or an empty UserPoolTier) is not managed;
// in live state it is what Cognito reported (nil: none).
type Posture struct {
	UserPoolTier        string               `json:",omitempty"` // LITE | ESSENTIALS | PLUS
	DeviceConfiguration *DeviceConfiguration `json:",omitempty"`
	SignInPolicy        *SignInPolicy        `json:",omitempty"`
	UserPoolAddOns      *UserPoolAddOns      `json:",omitempty"`
	// RiskConfiguration is the pool's own (SetRiskConfiguration without a
	// ClientId).
	RiskConfiguration *RiskConfiguration `json:",omitempty"`
	// AppClients are per app client risk configurations, by ClientId.
	AppClients []AppClientPosture `json:",omitempty"`
}

// DeviceConfiguration is UpdateUserPool's remembered-device setting.
type DeviceConfiguration struct {
	ChallengeRequiredOnNewDevice     bool `json:"ChallengeRequiredOnNewDevice"`
	DeviceOnlyRememberedOnUserPrompt bool `json:"DeviceOnlyRememberedOnUserPrompt"`
}

// SignInPolicy is Policies.SignInPolicy: the first factors users may sign in with.
type SignInPolicy struct {
	AllowedFirstAuthFactors []string `json:"AllowedFirstAuthFactors"`
}

// UserPoolAddOns is threat protection.
type UserPoolAddOns struct {
	AdvancedSecurityMode            string                           `json:"AdvancedSecurityMode"` // OFF | AUDIT | ENFORCED
	AdvancedSecurityAdditionalFlows *AdvancedSecurityAdditionalFlows `json:",omitempty"`
}

// AdvancedSecurityAdditionalFlows is threat protection for custom authentication.
type AdvancedSecurityAdditionalFlows struct {
	CustomAuthMode string `json:",omitempty"` // AUDIT | ENFORCED
}

// RiskConfiguration is SetRiskConfiguration's request (and
// DescribeRiskConfiguration's answer) without the pool and client IDs. A nil
// block is, in desired state, not managed.
type RiskConfiguration struct {
	AccountTakeoverRiskConfiguration        *AccountTakeoverRiskConfiguration        `json:",omitempty"`
	CompromisedCredentialsRiskConfiguration *CompromisedCredentialsRiskConfiguration `json:",omitempty"`
	RiskExceptionConfiguration              *RiskExceptionConfiguration              `json:",omitempty"`
}

// AccountTakeoverRiskConfiguration maps risk levels to actions.
type AccountTakeoverRiskConfiguration struct {
	Actions             AccountTakeoverActions `json:"Actions"`
	NotifyConfiguration *NotifyConfiguration   `json:",omitempty"`
}

// AccountTakeoverActions are the actions per risk level; nil: none.
type AccountTakeoverActions struct {
	LowAction    *AccountTakeoverAction `json:",omitempty"`
	MediumAction *AccountTakeoverAction `json:",omitempty"`
	HighAction   *AccountTakeoverAction `json:",omitempty"`
}

// Levels lists the actions by level name, low to high.
func (a AccountTakeoverActions) Levels() []struct {
	Name   string
	Action *AccountTakeoverAction
} {
	return []struct {
		Name   string
		Action *AccountTakeoverAction
	}{{"LowAction", a.LowAction}, {"MediumAction", a.MediumAction}, {"HighAction", a.HighAction}}
}

// AccountTakeoverAction is one level's action.
type AccountTakeoverAction struct {
	EventAction string `json:"EventAction"` // BLOCK | MFA_IF_CONFIGURED | MFA_REQUIRED | NO_ACTION
	Notify      bool   `json:"Notify"`
}

// NotifyConfiguration is the email Cognito sends about risky sign-ins.
type NotifyConfiguration struct {
	SourceArn     string       `json:"SourceArn"`
	From          string       `json:",omitempty"`
	ReplyTo       string       `json:",omitempty"`
	BlockEmail    *NotifyEmail `json:",omitempty"`
	MfaEmail      *NotifyEmail `json:",omitempty"`
	NoActionEmail *NotifyEmail `json:",omitempty"`
}

// NotifyEmail is one notification's template.
type NotifyEmail struct {
	Subject  string `json:"Subject"`
	HtmlBody string `json:",omitempty"`
	TextBody string `json:",omitempty"`
}

// CompromisedCredentialsRiskConfiguration is what Cognito does when a
// password is known to be compromised.
type CompromisedCredentialsRiskConfiguration struct {
	Actions     CompromisedCredentialsActions `json:"Actions"`
	EventFilter []string                      `json:",omitempty"` // SIGN_IN | PASSWORD_CHANGE | SIGN_UP
}

// CompromisedCredentialsActions is BLOCK or NO_ACTION.
type CompromisedCredentialsActions struct {
	EventAction string `json:"EventAction"`
}

// RiskExceptionConfiguration lists IP ranges always blocked or never scored.
type RiskExceptionConfiguration struct {
	BlockedIPRangeList []string `json:",omitempty"`
	SkippedIPRangeList []string `json:",omitempty"`
}

// AppClientPosture is one app client's risk configuration. In live state
// Exists is false when Cognito has no such client in the pool.
type AppClientPosture struct {
	ClientId          string             `json:"ClientId"`
	RiskConfiguration *RiskConfiguration `json:",omitempty"`
	Exists            bool               `json:"-"`
}

// Tiers, lowest first.
var Tiers = []string{"LITE", "ESSENTIALS", "PLUS"}

// TierRank orders tiers: -1 for an unknown one.
func TierRank(tier string) int { return slices.Index(Tiers, tier) }

// Threat protection modes.
const (
	ThreatProtectionOff      = "OFF"
	ThreatProtectionAudit    = "AUDIT"
	ThreatProtectionEnforced = "ENFORCED"
)

// ThreatProtection returns the AdvancedSecurityMode, OFF when there are no add-ons.
func (p Posture) ThreatProtection() string {
	if p.UserPoolAddOns == nil || p.UserPoolAddOns.AdvancedSecurityMode == "" {
		return ThreatProtectionOff
	}
	return p.UserPoolAddOns.AdvancedSecurityMode
}

// Client returns the app client entry for id, or nil.
func (p Posture) Client(id string) *AppClientPosture {
	for i := range p.AppClients {
		if p.AppClients[i].ClientId == id {
			return &p.AppClients[i]
		}
	}
	return nil
}

// Empty reports whether nothing is declared (desired) or read (live).
func (p Posture) Empty() bool { return reflect.DeepEqual(p, Posture{}) }

// PoolMembersDeclared reports whether p declares anything UpdateUserPool sets.
func (p Posture) PoolMembersDeclared() bool {
	return p.UserPoolTier != "" || p.DeviceConfiguration != nil || p.SignInPolicy != nil || p.UserPoolAddOns != nil
}

// Risks lists the risk configurations p holds: the pool's ("" client) first,
// then each app client's, in order.
func (p Posture) Risks() []ClientRisk {
	var out []ClientRisk
	if p.RiskConfiguration != nil {
		out = append(out, ClientRisk{RiskConfiguration: p.RiskConfiguration})
	}
	for _, c := range p.AppClients {
		if c.RiskConfiguration != nil {
			out = append(out, ClientRisk{ClientId: c.ClientId, RiskConfiguration: c.RiskConfiguration})
		}
	}
	return out
}

// ClientRisk is one risk configuration and the client it is for ("" for the pool's).
type ClientRisk struct {
	ClientId          string
	RiskConfiguration *RiskConfiguration
}

// RiskActions lists the EventActions a risk configuration uses.
func (r *RiskConfiguration) RiskActions() []string {
	if r == nil {
		return nil
	}
	var out []string
	if a := r.AccountTakeoverRiskConfiguration; a != nil {
		for _, l := range a.Actions.Levels() {
			if l.Action != nil {
				out = append(out, l.Action.EventAction)
			}
		}
	}
	if c := r.CompromisedCredentialsRiskConfiguration; c != nil {
		out = append(out, c.Actions.EventAction)
	}
	return out
}

// Clone returns a deep copy.
func (p Posture) Clone() Posture {
	var out Posture
	b, _ := json.Marshal(p)
	_ = json.Unmarshal(b, &out)
	for i := range out.AppClients {
		out.AppClients[i].Exists = p.AppClients[i].Exists
	}
	return out
}
