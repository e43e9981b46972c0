package emulator

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/big"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Wire types: the JSON shapes of Cognito's API, shared by requests,
// responses, seed files and the state file. Pointers mark optional members.

// smsConfiguration sends SMS through Amazon SNS (SnsCallerArn) or AWS End
// User Messaging (EumsSms, model of 2026-07-17), never both.
type smsConfiguration struct {
	SnsCallerArn *string               `json:",omitempty"`
	ExternalId   *string               `json:",omitempty"`
	SnsRegion    *string               `json:",omitempty"`
	EumsSms      *eumsSmsConfiguration `json:",omitempty"`
}

type eumsSmsConfiguration struct {
	CallerArn            *string `json:",omitempty"`
	ExternalId           *string `json:",omitempty"`
	OriginationIdentity  *string `json:",omitempty"`
	ConfigurationSetName *string `json:",omitempty"`
	InEntityId           *string `json:",omitempty"`
	InTemplateId         *string `json:",omitempty"`
	Region               *string `json:",omitempty"`
}

// sends reports whether the configuration names a role to send SMS with.
func (sc *smsConfiguration) sends() bool {
	return sc != nil && (deref(sc.SnsCallerArn) != "" || (sc.EumsSms != nil && deref(sc.EumsSms.CallerArn) != ""))
}

// check refuses a configuration with both SnsCallerArn and EumsSms, as the
// model's documentation does ("either SnsCallerArn or this configuration,
// not both").
func (sc *smsConfiguration) check() error {
	if sc != nil && sc.SnsCallerArn != nil && sc.EumsSms != nil {
		return invalidParameter("SmsConfiguration can have SnsCallerArn or EumsSms, not both.")
	}
	return nil
}

type emailConfiguration struct {
	SourceArn           *string `json:",omitempty"`
	ReplyToEmailAddress *string `json:",omitempty"`
	EmailSendingAccount *string `json:",omitempty"`
	From                *string `json:",omitempty"`
	ConfigurationSet    *string `json:",omitempty"`
}

type recoveryOption struct {
	Name     *string `json:",omitempty"`
	Priority *int    `json:",omitempty"`
}

type accountRecoverySetting struct {
	RecoveryMechanisms []recoveryOption
}

type smsMfaConfig struct {
	SmsAuthenticationMessage *string           `json:",omitempty"`
	SmsConfiguration         *smsConfiguration `json:",omitempty"`
}

type softwareTokenMfaConfig struct {
	Enabled bool
}

type emailMfaConfig struct {
	Message *string `json:",omitempty"`
	Subject *string `json:",omitempty"`
}

type webAuthnConfig struct {
	RelyingPartyId      *string `json:",omitempty"`
	UserVerification    *string `json:",omitempty"`
	FactorConfiguration *string `json:",omitempty"`
}

// mfaConfig is what SetUserPoolMfaConfig sets and GetUserPoolMfaConfig
// returns. A nil block is a factor that is not configured.
type mfaConfig struct {
	MfaConfiguration              string                  `json:",omitempty"`
	SmsMfaConfiguration           *smsMfaConfig           `json:",omitempty"`
	SoftwareTokenMfaConfiguration *softwareTokenMfaConfig `json:",omitempty"`
	EmailMfaConfiguration         *emailMfaConfig         `json:",omitempty"`
	WebAuthnConfiguration         *webAuthnConfig         `json:",omitempty"`
}

type passwordPolicy struct {
	MinimumLength                 *int `json:",omitempty"`
	RequireUppercase              bool
	RequireLowercase              bool
	RequireNumbers                bool
	RequireSymbols                bool
	TemporaryPasswordValidityDays int  `json:",omitempty"`
	PasswordHistorySize           *int `json:",omitempty"`
}

type signInPolicy struct {
	AllowedFirstAuthFactors []string
}

type poolPolicies struct {
	PasswordPolicy *passwordPolicy `json:",omitempty"`
	SignInPolicy   *signInPolicy   `json:",omitempty"`
}

type attribute struct {
	Name  string
	Value string
}

type mfaOption struct {
	DeliveryMedium string `json:",omitempty"`
	AttributeName  string `json:",omitempty"`
}

// Factor names as UserMFASettingList and challenges spell them.
const (
	factorSMS   = "SMS_MFA"
	factorTOTP  = "SOFTWARE_TOKEN_MFA"
	factorEmail = "EMAIL_OTP"
)

// Tiers.
const (
	tierLite       = "LITE"
	tierEssentials = "ESSENTIALS"
	tierPlus       = "PLUS"
)

// epoch is a timestamp as the JSON protocol carries it: seconds since 1970.
type epoch time.Time

func (t epoch) MarshalJSON() ([]byte, error) {
	return strconv.AppendFloat(nil, float64(time.Time(t).UnixMilli())/1000, 'f', 3, 64), nil
}

func (t *epoch) UnmarshalJSON(b []byte) error {
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return fmt.Errorf("timestamp %s: want seconds since 1970", b)
	}
	*t = epoch(time.UnixMilli(int64(f * 1000)).UTC())
	return nil
}

// The in-memory model. Everything below is guarded by Server.mu.

type pool struct {
	id, name, arn     string
	created, modified time.Time
	tier              string
	email             *emailConfiguration
	sms               *smsConfiguration
	recovery          *accountRecoverySetting
	autoVerified      []string // AutoVerifiedAttributes
	usernameAttrs     []string // UsernameAttributes
	aliasAttrs        []string // AliasAttributes
	policies          poolPolicies
	// mfa's SmsMfaConfiguration carries no SmsConfiguration: the pool's sms
	// field is the one place the SMS role lives.
	mfa             mfaConfig
	caseInsensitive bool
	customAttrs     map[string]bool
	tags            map[string]string
	// extra holds CreateUserPool members the emulator does not model;
	// DescribeUserPool echoes them.
	extra map[string]json.RawMessage
	// risk holds the risk configurations: the pool's under "", each app
	// client's under its ID (see risk.go).
	risk map[string]*riskConfiguration

	users   map[string]*user // by userKey
	subs    map[string]*user // by sub attribute
	order   []*user          // in creation order; deleted users are compacted away lazily
	nextSeq int64
	deleted int // deleted users still in order

	groups     map[string]*group
	groupOrder []*group
}

type user struct {
	seq               int64 // creation order, for pagination
	username          string
	sub               string
	attrs             []attribute // sub first, then in the order set
	password          string
	status            string // FORCE_CHANGE_PASSWORD | CONFIRMED | RESET_REQUIRED
	enabled           bool
	created, modified time.Time

	sms, totp, email, webAuthn bool
	preferred                  string // a factor name, or ""
	legacy                     []mfaOption

	totpSecret        string // a verified authenticator
	pendingTotpSecret string // associated, not yet verified
	lastTotpCode      string // the last code accepted, which cannot be replayed
	// signedOutAt is when GlobalSignOut last revoked the user's tokens
	// (Unix seconds): tokens issued then or before are refused.
	signedOutAt int64

	devices  []*device  // tracked devices, oldest first
	passkeys []*passkey // WebAuthn credentials, oldest first

	groups  []*group
	deleted bool
}

type group struct {
	name, description, roleArn string
	precedence                 *int
	created, modified          time.Time
	members                    []*user
}

type client struct {
	id, poolID, name, secret string
	flows                    []string
	created, modified        time.Time
	extra                    map[string]json.RawMessage
}

func newPool(id, name string, now time.Time) *pool {
	return &pool{
		id: id, name: name, created: now, modified: now,
		arn:         fmt.Sprintf("arn:aws:cognito-idp:%s:000000000000:userpool/%s", regionOf(id), id),
		tier:        tierEssentials,
		mfa:         mfaConfig{MfaConfiguration: "OFF"},
		customAttrs: map[string]bool{},
		users:       map[string]*user{},
		subs:        map[string]*user{},
		groups:      map[string]*group{},
	}
}

func regionOf(poolID string) string {
	region, _, _ := strings.Cut(poolID, "_")
	return region
}

func (p *pool) userKey(username string) string {
	if p.caseInsensitive {
		return strings.ToLower(username)
	}
	return username
}

// user finds a user by username or by sub, as Cognito's admin operations do.
func (p *pool) user(username string) *user {
	if u := p.users[p.userKey(username)]; u != nil {
		return u
	}
	return p.subs[username]
}

func (p *pool) addUser(u *user) {
	p.nextSeq++
	u.seq = p.nextSeq
	p.users[p.userKey(u.username)] = u
	p.subs[u.sub] = u
	p.order = append(p.order, u)
}

func (p *pool) deleteUser(u *user) {
	delete(p.users, p.userKey(u.username))
	delete(p.subs, u.sub)
	for _, g := range u.groups {
		g.removeMember(u)
	}
	u.groups = nil
	u.deleted = true
	p.deleted++
	if p.deleted > 64 && p.deleted > len(p.order)/2 {
		live := p.order[:0]
		for _, x := range p.order {
			if !x.deleted {
				live = append(live, x)
			}
		}
		clear(p.order[len(live):])
		p.order = live
		p.deleted = 0
	}
}

func (p *pool) userCount() int { return len(p.users) }

// usersFrom returns the index in order of the first user created at or
// after seq, for pagination.
func (p *pool) usersFrom(seq int64) int {
	return sort.Search(len(p.order), func(i int) bool { return p.order[i].seq >= seq })
}

func (g *group) removeMember(u *user) {
	for i, m := range g.members {
		if m == u {
			g.members = append(g.members[:i], g.members[i+1:]...)
			return
		}
	}
}

func (u *user) attr(name string) (string, bool) {
	for _, a := range u.attrs {
		if a.Name == name {
			return a.Value, true
		}
	}
	return "", false
}

func (u *user) setAttr(name, value string) {
	for i, a := range u.attrs {
		if a.Name == name {
			u.attrs[i].Value = value
			return
		}
	}
	u.attrs = append(u.attrs, attribute{Name: name, Value: value})
}

func (u *user) hasAttr(name string) bool {
	v, ok := u.attr(name)
	return ok && v != ""
}

// mfaSettingList is UserMFASettingList: the factors the user enabled with
// a preference call, in Cognito's order. WebAuthn is never listed: Cognito's
// list has no such value.
func (u *user) mfaSettingList() []string {
	var list []string
	if u.sms {
		list = append(list, factorSMS)
	}
	if u.totp {
		list = append(list, factorTOTP)
	}
	if u.email {
		list = append(list, factorEmail)
	}
	return list
}

func (u *user) legacySMS() bool {
	for _, o := range u.legacy {
		if o.DeliveryMedium == "SMS" {
			return true
		}
	}
	return false
}

// randomID returns n characters drawn from alphabet.
func randomID(n int, alphabet string) string {
	b := make([]byte, n)
	max := big.NewInt(int64(len(alphabet)))
	for i := range b {
		x, _ := rand.Int(rand.Reader, max)
		b[i] = alphabet[x.Int64()]
	}
	return string(b)
}

const (
	alnum      = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	lowerAlnum = "abcdefghijklmnopqrstuvwxyz0123456789"
)

func newUUID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return uuidString(b)
}

func uuidString(b []byte) string {
	h := hex.EncodeToString(b)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

func ptr[T any](v T) *T { return &v }

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
