// Package rules is Cognito's MFA rules as mfactl enforces them, each in one
// wording: validate (the files alone) and plan (the files and live state)
// ask the same functions, and only say where a finding belongs and add
// what they alone know (a position, a pool ID, a live fact).
//
// The functions take what is known. A configuration or a user's settings
// read with Declared is the files' view, where an absent block or an unset
// mode is not managed, so unknown, and a rule that needs it does not fire.
// Read with Complete it is a normalised state (declared merged over live),
// where an absent block is off.
//
// PoolRequest is the one statement of what a SetUserPoolMfaConfig request
// must be, used for planned requests, for plan files and by the Cognito
// client before it sends anything.
package rules

import (
	"errors"
	"fmt"
	"strings"

	"github.com/mfactl/mfactl/internal/diag"
	"github.com/mfactl/mfactl/internal/state"
)

// Subject is whom a rule about a user's settings speaks of: one user, or
// every user a policy selects.
type Subject struct {
	name   string
	policy bool
}

// User is the subject of one user's settings.
func User(name string) Subject { return Subject{name: name} }

// Policy is the subject of a policy's settings.
func Policy(name string) Subject { return Subject{name: name, policy: true} }

// String is the subject in a message: "user alice", "policy admins-use-totp".
func (s Subject) String() string {
	if s.policy {
		return "policy " + s.name
	}
	return "user " + s.name
}

// username is the user a finding is about, "" for a policy's.
func (s Subject) username() string {
	if s.policy {
		return ""
	}
	return s.name
}

func (s Subject) them() string {
	if s.policy {
		return "its users"
	}
	return "the user"
}

// Known says how to read a block, or a mode, that a configuration leaves out.
type Known int

const (
	// Declared is the files alone: what they leave out is unmanaged, so unknown.
	Declared Known = iota
	// Complete is a normalised configuration: an absent block is off.
	Complete
)

// Finding is one broken rule. Callers place it (At) and may add a fact
// of their own to the detail (Because).
type Finding struct {
	Severity diag.Severity
	// Factor is the factor the finding is about; nil for the pool as a whole.
	Factor *state.Factor
	// Factors are the factors involved when there are several (the
	// preferred ones of MorePreferred).
	Factors []*state.Factor
	// Field is the declaration that breaks the rule, relative to the pool
	// or the user ("SmsMfaConfiguration.Enabled", "SMSMfaSettings.PreferredMfa").
	Field string
	// Code is the rule's diagnostic code (diag.Rules); User is the user the
	// finding is about, if any.
	Code    string
	User    string
	Summary string // what is wrong
	Detail  string // how to fix it
}

// At returns the finding as a diagnostic at pos and path.
func (f Finding) At(pos state.Pos, path string) diag.Diagnostic {
	return diag.Diagnostic{Severity: f.Severity, Code: f.Code, Username: f.User, Pos: pos, Path: path, Summary: f.Summary, Detail: f.Detail}
}

// Because returns f with fact, something only the caller knows (where the
// conflicting value is declared, or what live state says), before its detail.
func (f Finding) Because(fact string) Finding {
	if fact != "" {
		f.Detail = fact + "; " + f.Detail
	}
	return f
}

func errorFinding(code, user string, factor *state.Factor, field, summary, detail string) Finding {
	return Finding{Severity: diag.Error, Code: code, User: user, Factor: factor, Field: field, Summary: summary, Detail: detail}
}

// labels joins the factors' labels: "SMS, TOTP and email".
func labels(fs []*state.Factor, conjunction string) string {
	return join(fs, conjunction, func(f *state.Factor) string { return f.Label })
}

// poolBlocks joins the factors' pool block names.
func poolBlocks(fs []*state.Factor, conjunction string) string {
	return join(fs, conjunction, func(f *state.Factor) string { return f.PoolBlock })
}

func join(fs []*state.Factor, conjunction string, name func(*state.Factor) string) string {
	names := make([]string, len(fs))
	for i, f := range fs {
		names[i] = name(f)
	}
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " " + conjunction + " " + names[len(names)-1]
}

// EnabledUnderOff finds each factor that declared enables while the
// pool's MfaConfiguration is mode: under OFF Cognito refuses any factor
// block. modeDeclared says whether the files set the mode (when they do
// not, it is OFF in Cognito). Field is the factor's "<PoolBlock>.Enabled".
func EnabledUnderOff(declared state.PoolConfig, mode state.Mode, modeDeclared bool) []Finding {
	if mode != state.ModeOff {
		return nil
	}
	off := "MfaConfiguration is OFF"
	if !modeDeclared {
		off = "MfaConfiguration is OFF in Cognito and not set in the files"
	}
	var out []Finding
	for _, f := range state.MFAFactors {
		if _, enabled := f.PoolEnabled(declared); enabled {
			out = append(out, errorFinding("enabled-under-off", "", f, f.PoolBlock+".Enabled",
				fmt.Sprintf("%s MFA is enabled but %s", f.Label, off),
				`Cognito refuses any MFA factor while MFA is OFF ("can't turn off MFA and configure an MFA together"): set MfaConfiguration to OPTIONAL or ON, or set Enabled: false`))
		}
	}
	return out
}

// ModeNeedsFactor finds a pool whose MfaConfiguration is ON or OPTIONAL
// while every factor that answers a challenge is known to be off:
// WebAuthn alone does not count. Field is "MfaConfiguration".
func ModeNeedsFactor(c state.PoolConfig, k Known) *Finding {
	if c.MfaConfiguration != state.ModeOn && c.MfaConfiguration != state.ModeOptional {
		return nil
	}
	for _, f := range state.MFAFactors {
		present, enabled := f.PoolEnabled(c)
		if enabled || (!present && k == Declared) {
			return nil
		}
	}
	fd := errorFinding("mode-needs-factor", "", nil, "MfaConfiguration",
		fmt.Sprintf("MfaConfiguration %s needs an MFA factor, but %s MFA are all off", c.MfaConfiguration, labels(state.MFAFactors, "and")),
		fmt.Sprintf("enable %s (WebAuthn alone does not count), or set MfaConfiguration: OFF", poolBlocks(state.MFAFactors, "or")))
	return &fd
}

// PreferredNotEnabled finds each factor s prefers without enabling it.
// Field is the factor's "<UserBlock>.PreferredMfa".
func PreferredNotEnabled(user Subject, s state.UserSettings) []Finding {
	var out []Finding
	for _, f := range state.MFAFactors {
		if v := f.User(s); v != nil && v.PreferredMfa && !v.Enabled {
			out = append(out, errorFinding("preferred-not-enabled", user.username(), f, f.UserBlock+".PreferredMfa",
				fmt.Sprintf("%s is preferred but not enabled for %s", f.UserBlock, user),
				"a preferred factor must be enabled: set Enabled: true, or PreferredMfa: false"))
		}
	}
	return out
}

// MorePreferred finds settings that prefer more than one enabled factor.
// Factors are the preferred ones, in table order; Field is the second's
// "<UserBlock>.PreferredMfa".
func MorePreferred(user Subject, s state.UserSettings) *Finding {
	var preferred []*state.Factor
	for _, f := range state.MFAFactors {
		if v := f.User(s); v != nil && v.PreferredMfa && v.Enabled {
			preferred = append(preferred, f)
		}
	}
	if len(preferred) < 2 {
		return nil
	}
	names := make([]string, len(preferred))
	for i, f := range preferred {
		names[i] = f.UserBlock
	}
	fd := errorFinding("more-than-one-preferred", user.username(), nil, preferred[1].UserBlock+".PreferredMfa",
		fmt.Sprintf("more than one preferred MFA factor for %s: %s", user, strings.Join(names, ", ")),
		"a user has at most one preferred factor: set PreferredMfa: true on one of them only")
	fd.Factors = preferred
	return &fd
}

// FactorNotOffered finds a user who enables factor f while the pool does
// not offer it after apply: pool is the pool's configuration, read as k.
// Field is what keeps the factor off: "MfaConfiguration" when the mode is
// OFF, else "<PoolBlock>.Enabled" (Declared) or "<PoolBlock>" (Complete).
// It returns nil when s does not enable f, or when the pool offers it or
// (Declared) the files leave it open.
func FactorNotOffered(f *state.Factor, user Subject, s state.UserSettings, pool state.PoolConfig, k Known) *Finding {
	if v := f.User(s); v == nil || !v.Enabled {
		return nil
	}
	summary := func() string { // only for a finding: this runs for every enabled factor of every user
		return fmt.Sprintf("%s MFA is enabled for %s, but the pool does not offer it", f.Label, user)
	}
	if pool.MfaConfiguration == state.ModeOff {
		fd := errorFinding("factor-not-offered", user.username(), f, "MfaConfiguration", summary(),
			fmt.Sprintf("set the pool's MfaConfiguration to OPTIONAL or ON and enable %s, or set Enabled: false for the user", f.PoolBlock))
		return &fd
	}
	present, enabled := f.PoolEnabled(pool)
	if enabled || (!present && k == Declared) {
		return nil
	}
	field := f.PoolBlock
	if k == Declared {
		field += ".Enabled"
	}
	fd := errorFinding("factor-not-offered", user.username(), f, field, summary(),
		fmt.Sprintf("enable %s on the pool as well (mfactl turns it on before the user calls), or set Enabled: false for the user", f.PoolBlock))
	return &fd
}

// WebAuthnNeedsMultiFactor finds a user who enables WebAuthn MFA while the
// pool's WebAuthnConfiguration.FactorConfiguration is factorConfiguration
// ("" when not set): a passkey counts as MFA only with
// MULTI_FACTOR_WITH_USER_VERIFICATION. Field is "WebAuthnMfaSettings.Enabled".
func WebAuthnNeedsMultiFactor(user Subject, s state.UserSettings, factorConfiguration string) *Finding {
	if w := s.WebAuthnMfaSettings; w == nil || !w.Enabled || factorConfiguration == state.MultiFactorWithUserVerification {
		return nil
	}
	is := factorConfiguration
	if is == "" {
		is = "not set"
	}
	fd := errorFinding("webauthn-needs-multi-factor", user.username(), state.WebAuthn, state.WebAuthn.UserBlock+".Enabled",
		fmt.Sprintf("WebAuthn MFA for %s needs the pool's WebAuthnConfiguration.FactorConfiguration %s, but it is %s", user, state.MultiFactorWithUserVerification, is),
		fmt.Sprintf("a passkey counts as MFA only with FactorConfiguration: %s; set it on the pool", state.MultiFactorWithUserVerification))
	return &fd
}

// WebAuthnNeedsOtherFactor finds a user who enables WebAuthn MFA with no
// factor that answers a challenge known to be on: Cognito accepts a
// passkey as MFA only next to one. Field is "WebAuthnMfaSettings.Enabled".
func WebAuthnNeedsOtherFactor(user Subject, s state.UserSettings, k Known) *Finding {
	if w := s.WebAuthnMfaSettings; w == nil || !w.Enabled {
		return nil
	}
	for _, f := range state.MFAFactors {
		v := f.User(s)
		if (v != nil && v.Enabled) || (v == nil && k == Declared) {
			return nil
		}
	}
	fd := errorFinding("webauthn-needs-other-factor", user.username(), state.WebAuthn, state.WebAuthn.UserBlock+".Enabled",
		fmt.Sprintf("WebAuthn MFA for %s needs another MFA factor enabled for %s", user, user.them()),
		fmt.Sprintf("Cognito accepts a passkey as MFA only next to %s MFA: enable one of them for this user as well", labels(state.MFAFactors, "or")))
	return &fd
}

// PoolRequest checks that c, as the body of a SetUserPoolMfaConfig
// request (a present block is sent), is one Cognito accepts and one that
// does not switch off more than it says: a complete mode; under OFF no
// block of a factor that answers a challenge, not even a disabling one;
// under ON or OPTIONAL at least one such factor enabled; no disabled block
// of a factor whose presence enables it (SMS, email); and SMS with its
// SNS role.
func PoolRequest(c state.PoolConfig) error {
	switch c.MfaConfiguration {
	case state.ModeOff:
		for _, f := range state.MFAFactors {
			if f.PoolHas(c) {
				return fmt.Errorf("MfaConfiguration OFF with an %s block (Cognito refuses it)", labels(state.MFAFactors, "or"))
			}
		}
	case state.ModeOn, state.ModeOptional:
		if ModeNeedsFactor(c, Complete) != nil {
			return fmt.Errorf("MfaConfiguration %s with no %s factor enabled", c.MfaConfiguration, labels(state.MFAFactors, "or"))
		}
	default:
		return fmt.Errorf("MfaConfiguration is %q (allowed: OFF, ON, OPTIONAL)", c.MfaConfiguration)
	}
	for _, f := range state.MFAFactors {
		if present, enabled := f.PoolEnabled(c); present && !enabled && f.PresenceEnables {
			return fmt.Errorf("a disabled %s block (a present block switches %s MFA on)", f.Label, f.Label)
		}
	}
	if s := c.SmsMfaConfiguration; s != nil && s.SmsConfiguration.CallerArn() == "" {
		return errors.New("SMS MFA without SmsConfiguration.SnsCallerArn or EumsSms.CallerArn")
	}
	if f := SmsSender(c); f != nil {
		return errors.New(f.Summary)
	}
	return nil
}

// SmsSender finds an SmsConfiguration that names both senders, or
// neither: Cognito takes SMS through Amazon SNS (SnsCallerArn) or through
// AWS End User Messaging (EumsSms), "either SnsCallerArn or this
// configuration, not both". Field is the member to change.
func SmsSender(c state.PoolConfig) *Finding {
	sms := c.SmsMfaConfiguration
	if sms == nil || sms.SmsConfiguration == nil {
		return nil
	}
	sc := sms.SmsConfiguration
	const field = "SmsMfaConfiguration.SmsConfiguration"
	switch {
	case sc.SnsCallerArn != "" && sc.EumsSms != nil:
		fd := errorFinding("sms-sender", "", state.SMS, field,
			"SmsConfiguration names both SnsCallerArn and EumsSms",
			"Cognito sends SMS either through Amazon SNS (SnsCallerArn, ExternalId, SnsRegion) or through AWS End User Messaging (EumsSms), not both: keep one")
		return &fd
	case sc.SnsCallerArn == "" && sc.EumsSms == nil:
		fd := errorFinding("sms-sender", "", state.SMS, field,
			"SmsConfiguration names no sender",
			"give SnsCallerArn (the IAM role for Amazon SNS, such as arn:aws:iam::123456789012:role/cognito-sms) or EumsSms: {CallerArn: <IAM role for AWS End User Messaging>}")
		return &fd
	case sc.EumsSms != nil && (sc.ExternalId != "" || sc.SnsRegion != ""):
		fd := errorFinding("sms-sender", "", state.SMS, field,
			"ExternalId and SnsRegion of SmsConfiguration belong to Amazon SNS, but the pool sends through EumsSms",
			"move the external ID into EumsSms (EumsSms: {CallerArn, ExternalId}) and its Region into EumsSms.Region")
		return &fd
	}
	return nil
}
