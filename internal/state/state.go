// Package state is mfactl's model of Cognito MFA: the pool-level
// configuration and the per-user settings, used for both the desired state
// (loaded from YAML) and the live state (read from Cognito), so that the diff
// is a pure function of two values of the same types.
//
// Field names mirror Cognito's API (SetUserPoolMfaConfig and
// AdminSetUserMFAPreference). In desired state a nil block or an empty
// string means "not managed": mfactl leaves that part as it is live.
// In live state a nil block means Cognito reported no such block.
package state

import (
	"slices"
	"strings"
	"time"
)

// Mode is a pool's MfaConfiguration.
type Mode string

const (
	ModeUnset    Mode = ""
	ModeOff      Mode = "OFF"
	ModeOn       Mode = "ON"
	ModeOptional Mode = "OPTIONAL"
)

// PoolConfig is the whole of what SetUserPoolMfaConfig sets for one pool.
type PoolConfig struct {
	MfaConfiguration              Mode                           `json:"MfaConfiguration,omitempty"`
	SoftwareTokenMfaConfiguration *SoftwareTokenMfaConfiguration `json:"SoftwareTokenMfaConfiguration,omitempty"`
	SmsMfaConfiguration           *SmsMfaConfiguration           `json:"SmsMfaConfiguration,omitempty"`
	EmailMfaConfiguration         *EmailMfaConfiguration         `json:"EmailMfaConfiguration,omitempty"`
	WebAuthnConfiguration         *WebAuthnConfiguration         `json:"WebAuthnConfiguration,omitempty"`
}

// SoftwareTokenMfaConfiguration switches TOTP for the pool.
type SoftwareTokenMfaConfiguration struct {
	Enabled bool `json:"Enabled"`
}

// SmsMfaConfiguration is SMS MFA for the pool. Cognito's API has no Enabled
// field here (a present block means on); mfactl's files carry one so that
// "off" can be declared explicitly.
type SmsMfaConfiguration struct {
	Enabled                  bool              `json:"Enabled"`
	SmsAuthenticationMessage *string           `json:"SmsAuthenticationMessage,omitempty"`
	SmsConfiguration         *SmsConfiguration `json:"SmsConfiguration,omitempty"`
}

// SmsConfiguration is the role Cognito uses to send SMS: through Amazon SNS
// (SnsCallerArn) or AWS End User Messaging (EumsSms), never both. The
// ExternalId of either is a secret: it never reaches output, logs or plan
// files (see Masked); Secret and WithSecret address the one in use.
type SmsConfiguration struct {
	SnsCallerArn string   `json:"SnsCallerArn,omitempty"`
	ExternalId   string   `json:"ExternalId,omitempty"`
	SnsRegion    string   `json:"SnsRegion,omitempty"`
	EumsSms      *EumsSms `json:"EumsSms,omitempty"`
}

// EumsSms is SMS through AWS End User Messaging (Cognito, 2026-07-17):
// CallerArn is required, the rest optional.
type EumsSms struct {
	CallerArn            string `json:"CallerArn,omitempty"`
	ExternalId           string `json:"ExternalId,omitempty"`
	OriginationIdentity  string `json:"OriginationIdentity,omitempty"`
	ConfigurationSetName string `json:"ConfigurationSetName,omitempty"`
	InEntityId           string `json:"InEntityId,omitempty"`
	InTemplateId         string `json:"InTemplateId,omitempty"`
	Region               string `json:"Region,omitempty"`
}

// CallerArn is the role Cognito assumes to send SMS, whichever service
// sends it ("" for none).
func (s *SmsConfiguration) CallerArn() string {
	switch {
	case s == nil:
		return ""
	case s.EumsSms != nil:
		return s.EumsSms.CallerArn
	}
	return s.SnsCallerArn
}

// Secret is the ExternalId of the role in use ("" for none).
func (s *SmsConfiguration) Secret() string {
	switch {
	case s == nil:
		return ""
	case s.EumsSms != nil:
		return s.EumsSms.ExternalId
	}
	return s.ExternalId
}

// WithSecret returns a copy whose role in use has ExternalId id.
func (s SmsConfiguration) WithSecret(id string) *SmsConfiguration {
	if s.EumsSms != nil {
		e := *s.EumsSms
		e.ExternalId = id
		s.EumsSms = &e
		return &s
	}
	s.ExternalId = id
	return &s
}

// EmailMfaConfiguration is email OTP MFA for the pool (Essentials tier or higher).
type EmailMfaConfiguration struct {
	Enabled bool    `json:"Enabled"`
	Message *string `json:"Message,omitempty"`
	Subject *string `json:"Subject,omitempty"`
}

// WebAuthnConfiguration is the pool's passkey setup. A nil field is not managed.
type WebAuthnConfiguration struct {
	RelyingPartyId      *string `json:"RelyingPartyId,omitempty"`
	UserVerification    *string `json:"UserVerification,omitempty"`    // required | preferred
	FactorConfiguration *string `json:"FactorConfiguration,omitempty"` // SINGLE_FACTOR | MULTI_FACTOR_WITH_USER_VERIFICATION
}

const (
	SingleFactor                    = "SINGLE_FACTOR"
	MultiFactorWithUserVerification = "MULTI_FACTOR_WITH_USER_VERIFICATION"
)

// UserSettings is what AdminSetUserMFAPreference sets for one user.
type UserSettings struct {
	SMSMfaSettings           *FactorSettings   `json:"SMSMfaSettings,omitempty"`
	SoftwareTokenMfaSettings *FactorSettings   `json:"SoftwareTokenMfaSettings,omitempty"`
	EmailMfaSettings         *FactorSettings   `json:"EmailMfaSettings,omitempty"`
	WebAuthnMfaSettings      *WebAuthnSettings `json:"WebAuthnMfaSettings,omitempty"`
}

// FactorSettings is one factor's per-user setting.
type FactorSettings struct {
	Enabled      bool `json:"Enabled"`
	PreferredMfa bool `json:"PreferredMfa"`
}

// WebAuthnSettings is the per-user passkey-as-MFA switch.
type WebAuthnSettings struct {
	Enabled bool `json:"Enabled"`
}

// Pos is a place in an input file (1-based line and column).
type Pos struct {
	File   string `json:"File,omitempty"`
	Line   int    `json:"Line,omitempty"`
	Column int    `json:"Column,omitempty"`
}

// Desired is what the input files declare, merged across files: one entry
// per pool, in order of first appearance. Files declare pools, or the
// signed-in user's own settings (Self), never both.
type Desired struct {
	Pools []DesiredPool
	// Self is a self-service declaration: the settings of the user whose
	// access token mfactl is given. ResolveSelf turns it into a pool entry
	// once the token names the pool and the user.
	Self *DesiredSelf
}

// DesiredSelf is a file's Self entry: a user entry without Username (the
// token names the user), optionally pinned to a UserPoolId.
type DesiredSelf struct {
	DesiredUser
	// UserPoolId, when declared, is the pool the token must be for.
	UserPoolId string
}

// ResolveSelf returns the desired state of a Self declaration for the
// user username of pool poolID: one self-service pool (Self set: its
// configuration is neither read nor managed) with one user.
func (d Desired) ResolveSelf(poolID, username string) Desired {
	if d.Self == nil {
		return d
	}
	u := d.Self.DesiredUser
	u.Username = username
	return Desired{Pools: []DesiredPool{{UserPoolId: poolID, Self: true, Users: []DesiredUser{u},
		Pos: u.Pos, Path: u.Path, FieldPos: map[string]Pos{}}}}
}

// MFAOption is one entry of a user's legacy MFAOptions (AdminSetUserSettings,
// which AWS calls no longer supported but still serves): SMS to the
// phone_number attribute is the only entry Cognito accepts.
type MFAOption struct {
	DeliveryMedium string `json:"DeliveryMedium"`
	AttributeName  string `json:"AttributeName"`
}

// LegacySMSOption is the one legacy MFAOptions entry Cognito still accepts.
var LegacySMSOption = MFAOption{DeliveryMedium: "SMS", AttributeName: "phone_number"}

// LegacyMigrate is a pool's LegacyMfaOptions: Migrate: move every user with
// a legacy MFAOptions entry to SMSMfaSettings, then clear the entry.
const LegacyMigrate = "Migrate"

// DesiredPool is one pool's declared configuration and users. Path is the
// field path of the pool entry that declared its pool-level fields (for
// diagnostics); FieldPos says where each pool-level field was declared,
// keyed by its name (e.g. "MfaConfiguration", "SmsMfaConfiguration").
type DesiredPool struct {
	UserPoolId string
	Config     PoolConfig
	// Posture is the declared MFA posture besides SetUserPoolMfaConfig
	// (UpdateUserPool members, risk configurations); zero: none managed.
	Posture Posture
	Users   []DesiredUser
	// LegacyMfaOptions is "" or LegacyMigrate.
	LegacyMfaOptions string
	// Self: the pool of a self-service run (ResolveSelf). Its configuration
	// is not read (that needs IAM credentials) and not managed; its one
	// user is written with SetUserMFAPreference and the user's token.
	Self bool
	// Policies are the pool's policies, in declaration order; plan expands
	// them into users once their selections have been read.
	Policies []Policy
	// Ignore are the warning rules (diag rule IDs) the team has
	// acknowledged for this pool: plan counts them instead of showing them.
	Ignore   []string
	Pos      Pos
	Path     string
	FieldPos map[string]Pos
}

// DesiredUser is one declared user. Path is e.g. "UserPools[0].Users[3]";
// Fields says where each of its fields was declared, in the file of Pos.
//
// A user a policy selects (rather than one named in the files) carries the
// names of the policies whose settings it gets, and the Ineligible mode
// that applies to it; its position, path and fields are its policy's.
type DesiredUser struct {
	Username string
	Settings UserSettings
	// MFAOptions is the user's legacy MFAOptions: nil is not managed, an
	// empty list clears them (AdminSetUserSettings).
	MFAOptions *[]MFAOption
	Policies   []string
	Ineligible Ineligible
	Pos        Pos
	Path       string
	Fields     []FieldPos
}

// FieldPos is where one field of a user was declared. Field is its name,
// or a block's name and the field's: "SMSMfaSettings",
// "SMSMfaSettings.Enabled".
type FieldPos struct {
	Field        string
	Line, Column int
}

// DeclaredAt returns where field was declared, if it was.
func (u DesiredUser) DeclaredAt(field string) (Pos, bool) {
	for _, f := range u.Fields {
		if f.Field == field {
			return Pos{File: u.Pos.File, Line: f.Line, Column: f.Column}, true
		}
	}
	return Pos{}, false
}

// FromPolicy reports whether the user was selected by a policy.
func (u DesiredUser) FromPolicy() bool { return len(u.Policies) > 0 }

// Policy is a pool's rule for many users: every user Select chooses should
// have Settings, unless it is named in the files (a named entry wins).
// Path is e.g. "UserPools[0].Policies[1]"; Fields are named as a user's.
type Policy struct {
	Name       string
	Select     Selection
	Settings   UserSettings
	Ineligible Ineligible
	Pos        Pos
	Path       string
	Fields     []FieldPos
}

// PosOf returns where field was declared, or the policy's own position.
func (p Policy) PosOf(field string) Pos {
	return DesiredUser{Pos: p.Pos, Fields: p.Fields}.PosOf(field)
}

// Selection is how a policy chooses its users: exactly one of a group's
// members, every user, or the users a ListUsers filter matches.
type Selection struct {
	Group    string `json:"Group,omitempty"`
	AllUsers bool   `json:"AllUsers,omitempty"`
	Filter   string `json:"Filter,omitempty"`
}

// String names the selection as the files write it: "Group admins",
// "AllUsers", `Filter email ^= "support-"`.
func (s Selection) String() string {
	switch {
	case s.Group != "":
		return "Group " + s.Group
	case s.AllUsers:
		return "AllUsers"
	default:
		return "Filter " + s.Filter
	}
}

// Ineligible is what a policy does with a user it selects who cannot take
// its factor (no phone_number, no email, no registered authenticator).
type Ineligible string

const (
	// IneligibleReport leaves the user out and lists it (the default).
	IneligibleReport Ineligible = "Report"
	// IneligibleError stops the plan.
	IneligibleError Ineligible = "Error"
	// IneligibleSkip leaves the user out and only counts it.
	IneligibleSkip Ineligible = "Skip"
)

// Contains reports whether a refusal from Cognito for lack of the factor
// counts as ineligible rather than as a failed call.
func (i Ineligible) Contains() bool { return i == IneligibleReport || i == IneligibleSkip }

// PosOf returns where field was declared, or the user's own position.
func (u DesiredUser) PosOf(field string) Pos {
	if pos, ok := u.DeclaredAt(field); ok {
		return pos
	}
	return u.Pos
}

// Region returns the AWS Region encoded in a user pool ID ("eu-west-1_AbC" → "eu-west-1").
func Region(userPoolID string) string {
	region, _, ok := strings.Cut(userPoolID, "_")
	if !ok {
		return ""
	}
	return region
}

// Live is what Cognito reports for the targets of a plan.
type Live struct {
	Pools map[string]*LivePool // by UserPoolId
}

// LivePool is one pool as read from Cognito. Exists is false when Cognito
// answered ResourceNotFoundException.
type LivePool struct {
	UserPoolId    string
	Exists        bool
	Config        PoolConfig // normalised from GetUserPoolMfaConfig
	Prerequisites Prerequisites
	// Posture is the pool's MFA posture from DescribeUserPool, with the
	// risk configurations of the pool and of the app clients the files
	// name (read only when declared).
	Posture Posture
	// UpdateBase is the complete UpdateUserPool request that DescribeUserPool's
	// answer makes, in AWS's JSON: posture calls change only their members of
	// it (UpdateUserPool resets what a request omits).
	UpdateBase map[string]any `json:"-"`
	// RiskUnread says why the pool's risk configuration could not be
	// read ("" when it was, or was not asked for).
	RiskUnread string `json:"-"`
	// ClientsUnread says why the app clients' risk configurations could
	// not be listed or read by import ("" when they were, or were not
	// asked for).
	ClientsUnread string `json:"-"`
	// EstimatedUsers is DescribeUserPool's EstimatedNumberOfUsers: how
	// many users a whole-pool listing will find, for progress only.
	EstimatedUsers int
	// Users are the users the files name, those their policies select,
	// and LegacyUsers.
	Users map[string]*LiveUser
	// LegacyScanned says the pool's users were listed for legacy MFAOptions
	// (LegacyMfaOptions: Migrate); LegacyUsers are those who have an entry,
	// sorted. They are read into Users too.
	LegacyScanned bool
	LegacyUsers   []string
	// Selections are what each policy's selection found, by policy name.
	Selections map[string]*LiveSelection
	// Unreadable lists the members of the pool's reads that mfactl cannot
	// read ("GetUserPoolMfaConfig: SmsMfaConfiguration.X"): the pool is not
	// fully readable, and nothing may be written to it.
	Unreadable []string `json:",omitempty"`
	// LastModified is DescribeUserPool's LastModifiedDate, which Cognito
	// moves on SetUserPoolMfaConfig and UpdateUserPool: a pool that went
	// from A to B and back to A is not the pool a plan read (zero: unknown).
	LastModified time.Time
}

// LiveSelection is what Cognito listed for one policy's selection.
type LiveSelection struct {
	// Usernames are the users listed, each once, in listing order.
	Usernames []string
	// Group is the selected group (Group selections only): GroupExists is
	// false when Cognito has no such group, and Precedence is nil when the
	// group has none.
	GroupExists bool
	Precedence  *int
}

// Prerequisites are the DescribeUserPool facts that decide whether a factor can be used.
type Prerequisites struct {
	Tier                string            // LITE | ESSENTIALS | PLUS; "" if Cognito did not say
	EmailSendingAccount string            // COGNITO_DEFAULT | DEVELOPER; "" if unset
	SmsConfiguration    *SmsConfiguration // the pool's SMS role, if any
	RecoveryMechanisms  []string          // AccountRecoverySetting names in priority order
	FirstAuthFactors    []string          // sign-in policy AllowedFirstAuthFactors
	// What else the pool's SMS configuration serves: attributes Cognito
	// verifies by sending a code (AutoVerifiedAttributes), and those users
	// sign in with (UsernameAttributes, or AliasAttributes). Sets, sorted.
	// Left out of JSON when empty, so that fingerprints of pools that have
	// none stay what they were before mfactl read them.
	AutoVerifiedAttributes []string `json:",omitempty"`
	UsernameAttributes     []string `json:",omitempty"`
	AliasAttributes        []string `json:",omitempty"`
}

// PhoneNumberUse is one pool setting that has Cognito send SMS to users'
// phone numbers for something other than MFA.
type PhoneNumberUse struct {
	Setting string // AutoVerifiedAttributes, UsernameAttributes or AliasAttributes
	Purpose string // what it uses the phone number for, in a few words
}

// PhoneNumberUses lists the settings of a pool that use its SMS
// configuration for phone numbers besides MFA: verification codes, or
// sign-in with the phone number. It is empty when the pool has no SMS
// role, which nothing could be sent with.
func (p Prerequisites) PhoneNumberUses() []PhoneNumberUse {
	if p.SmsConfiguration == nil || p.SmsConfiguration.SnsCallerArn == "" {
		return nil
	}
	var uses []PhoneNumberUse
	for _, s := range []struct {
		setting, purpose string
		attrs            []string
	}{
		{"AutoVerifiedAttributes", "phone-number verification", p.AutoVerifiedAttributes},
		{"UsernameAttributes", "sign-in with phone numbers", p.UsernameAttributes},
		{"AliasAttributes", "sign-in with phone numbers", p.AliasAttributes},
	} {
		if slices.Contains(s.attrs, "phone_number") {
			uses = append(uses, PhoneNumberUse{Setting: s.setting, Purpose: s.purpose})
		}
	}
	return uses
}

// LiveUser is one user as read with AdminGetUser.
type LiveUser struct {
	Username       string
	Exists         bool
	HasPhoneNumber bool
	HasEmail       bool
	// EmailVerified: the email attribute is verified (email_verified).
	// Nothing is planned from it; reset-mfa moves a user to email MFA
	// only at a verified address.
	EmailVerified bool `json:",omitempty"`
	// Status is AdminGetUser's UserStatus (CONFIRMED, RESET_REQUIRED, ...);
	// "" when not read. Nothing is planned from it.
	Status string `json:",omitempty"`
	// Settings is derived from UserMFASettingList and PreferredMfaSetting,
	// plus legacy MFAOptions SMS. WebAuthnMfaSettings is always nil:
	// Cognito does not report it.
	Settings  UserSettings
	LegacySMS bool // MFAOptions holds an SMS entry
	// MFAOptions are the user's legacy entries as Cognito reports them.
	MFAOptions []MFAOption
	// LegacySMSOnly: SMS is on through MFAOptions alone; UserMFASettingList
	// does not list it, so a preference call has never confirmed it.
	LegacySMSOnly bool
	// Unknown explains why Settings cannot be trusted (empty when it can):
	// e.g. legacy MFAOptions or an empty list under an ON pool.
	Unknown string
	// Unreadable lists the members of the user's read that mfactl cannot
	// read ("AdminGetUser: X"): nothing may be written to the user.
	Unreadable []string `json:",omitempty"`
	// TOTPRegistered says whether the user has registered an
	// authenticator, as AdminGetUserAuthFactors told (SOFTWARE_TOKEN among
	// ConfiguredUserAuthFactors); nil when it was not asked or could not
	// answer.
	TOTPRegistered *bool `json:",omitempty"`
	// LastModified is AdminGetUser's UserLastModifiedDate, which Cognito
	// moves on every write to the user (zero: unknown, as from GetUser).
	LastModified time.Time
}

// Masked returns a copy with secrets replaced by a fixed marker, for output.
func (c PoolConfig) Masked() PoolConfig {
	if c.SmsMfaConfiguration != nil && c.SmsMfaConfiguration.SmsConfiguration.Secret() != "" {
		sms := *c.SmsMfaConfiguration
		sms.SmsConfiguration = sms.SmsConfiguration.WithSecret(SecretMarker)
		c.SmsMfaConfiguration = &sms
	}
	return c
}

// SecretMarker replaces secret values in output and plan files.
const SecretMarker = "(sensitive)"

// ReadSet names what to read from Cognito: each pool, and per pool the
// users whose MFA state matters. Only what the files declare is read.
type ReadSet map[string][]string // UserPoolId → usernames, in declaration order

// ReadSet returns the pools and users d declares.
func (d Desired) ReadSet() ReadSet {
	rs := ReadSet{}
	for _, p := range d.Pools {
		names := make([]string, 0, len(p.Users))
		for _, u := range p.Users {
			names = append(names, u.Username)
		}
		rs[p.UserPoolId] = names
	}
	return rs
}
