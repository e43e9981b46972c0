package plan

import "github.com/mfactl/mfactl/internal/state"

// The normal form both sides are brought to before any comparison, so that
// the different ways of saying "off" never show up as a diff:
//
//   - MfaConfiguration is always set ("" reads as OFF).
//   - A factor that is off is a nil block: {Enabled:false} and an absent
//     block are the same thing. Under OFF there are no SMS/TOTP/email
//     blocks at all (Cognito cannot hold one).
//   - A WebAuthnConfiguration with no field set is nil.
//   - A user's factor that is not enabled is a nil block (a preference on a
//     disabled factor means nothing).
//
// Normalised values are deep copies: nothing here aliases its input.

// normalisePool returns c in normal form.
func normalisePool(c state.PoolConfig) state.PoolConfig {
	out := state.PoolConfig{MfaConfiguration: c.MfaConfiguration}
	if out.MfaConfiguration == state.ModeUnset {
		out.MfaConfiguration = state.ModeOff
	}
	if out.MfaConfiguration != state.ModeOff {
		if t := c.SoftwareTokenMfaConfiguration; t != nil && t.Enabled {
			out.SoftwareTokenMfaConfiguration = &state.SoftwareTokenMfaConfiguration{Enabled: true}
		}
		if s := c.SmsMfaConfiguration; s != nil && s.Enabled {
			out.SmsMfaConfiguration = &state.SmsMfaConfiguration{
				Enabled:                  true,
				SmsAuthenticationMessage: copyString(s.SmsAuthenticationMessage),
				SmsConfiguration:         copySmsConfiguration(s.SmsConfiguration),
			}
		}
		if e := c.EmailMfaConfiguration; e != nil && e.Enabled {
			out.EmailMfaConfiguration = &state.EmailMfaConfiguration{
				Enabled: true,
				Message: copyString(e.Message),
				Subject: copyString(e.Subject),
			}
		}
	}
	if w := c.WebAuthnConfiguration; w != nil && (w.RelyingPartyId != nil || w.UserVerification != nil || w.FactorConfiguration != nil) {
		out.WebAuthnConfiguration = &state.WebAuthnConfiguration{
			RelyingPartyId:      copyString(w.RelyingPartyId),
			UserVerification:    copyString(w.UserVerification),
			FactorConfiguration: copyString(w.FactorConfiguration),
		}
	}
	return out
}

// normaliseLivePool returns a live pool's configuration in normal form. An
// SMS block that came without its role gets the pool's role from
// DescribeUserPool: it is the same setting, and requests must carry it.
func normaliseLivePool(lp *state.LivePool) state.PoolConfig {
	c := normalisePool(lp.Config)
	if c.SmsMfaConfiguration != nil && c.SmsMfaConfiguration.SmsConfiguration == nil {
		c.SmsMfaConfiguration.SmsConfiguration = copySmsConfiguration(lp.Prerequisites.SmsConfiguration)
	}
	return c
}

// mergePool returns the pool configuration after apply: what desired
// declares, with everything it leaves unmanaged (nil blocks, nil fields,
// empty strings) taken from live, in normal form. smsFallback is the pool's
// SMS role from DescribeUserPool, used when SMS is switched on without a
// role in the files or in GetUserPoolMfaConfig.
func mergePool(desired, live state.PoolConfig, smsFallback *state.SmsConfiguration) state.PoolConfig {
	live = normalisePool(live)
	out := live
	if desired.MfaConfiguration != state.ModeUnset {
		out.MfaConfiguration = desired.MfaConfiguration
	}
	if d := desired.SoftwareTokenMfaConfiguration; d != nil {
		out.SoftwareTokenMfaConfiguration = nil
		if d.Enabled {
			out.SoftwareTokenMfaConfiguration = &state.SoftwareTokenMfaConfiguration{Enabled: true}
		}
	}
	if d := desired.SmsMfaConfiguration; d != nil {
		out.SmsMfaConfiguration = nil
		if d.Enabled {
			var liveMessage *string
			role := smsFallback
			if l := live.SmsMfaConfiguration; l != nil {
				liveMessage = l.SmsAuthenticationMessage
				if l.SmsConfiguration != nil {
					role = l.SmsConfiguration
				}
			}
			out.SmsMfaConfiguration = &state.SmsMfaConfiguration{
				Enabled:                  true,
				SmsAuthenticationMessage: firstString(d.SmsAuthenticationMessage, liveMessage),
				SmsConfiguration:         mergeSmsConfiguration(d.SmsConfiguration, role),
			}
		}
	}
	if d := desired.EmailMfaConfiguration; d != nil {
		out.EmailMfaConfiguration = nil
		if d.Enabled {
			base := live.EmailMfaConfiguration
			if base == nil {
				base = &state.EmailMfaConfiguration{}
			}
			out.EmailMfaConfiguration = &state.EmailMfaConfiguration{
				Enabled: true,
				Message: firstString(d.Message, base.Message),
				Subject: firstString(d.Subject, base.Subject),
			}
		}
	}
	if d := desired.WebAuthnConfiguration; d != nil {
		base := live.WebAuthnConfiguration
		if base == nil {
			base = &state.WebAuthnConfiguration{}
		}
		out.WebAuthnConfiguration = &state.WebAuthnConfiguration{
			RelyingPartyId:      firstString(d.RelyingPartyId, base.RelyingPartyId),
			UserVerification:    firstString(d.UserVerification, base.UserVerification),
			FactorConfiguration: firstString(d.FactorConfiguration, base.FactorConfiguration),
		}
	}
	// Normalising again drops the factor blocks when the result is OFF:
	// Cognito cannot keep them (a declared factor under OFF is an error,
	// reported by the checks).
	return normalisePool(out)
}

// mergeSmsConfiguration overlays the non-empty fields of d on base.
func mergeSmsConfiguration(d, base *state.SmsConfiguration) *state.SmsConfiguration {
	if d == nil {
		return copySmsConfiguration(base)
	}
	out := state.SmsConfiguration{}
	if base != nil {
		out = *base
	}
	if d.SnsCallerArn != "" {
		out.SnsCallerArn = d.SnsCallerArn
	}
	if d.ExternalId != "" {
		out.ExternalId = d.ExternalId
	}
	if d.SnsRegion != "" {
		out.SnsRegion = d.SnsRegion
	}
	return &out
}

// normaliseUser returns s in normal form. WebAuthnMfaSettings is kept as it
// is: it is write-only, so its presence in desired state means "declared".
func normaliseUser(s state.UserSettings) state.UserSettings {
	out := state.UserSettings{
		SMSMfaSettings:           normaliseFactor(s.SMSMfaSettings),
		SoftwareTokenMfaSettings: normaliseFactor(s.SoftwareTokenMfaSettings),
		EmailMfaSettings:         normaliseFactor(s.EmailMfaSettings),
	}
	if s.WebAuthnMfaSettings != nil {
		w := *s.WebAuthnMfaSettings
		out.WebAuthnMfaSettings = &w
	}
	return out
}

func normaliseFactor(f *state.FactorSettings) *state.FactorSettings {
	if f == nil || !f.Enabled {
		return nil
	}
	return &state.FactorSettings{Enabled: true, PreferredMfa: f.PreferredMfa}
}

// mergeUser returns a user's settings after apply: the declared blocks over
// the live ones. Declaring a preferred factor moves the preference: an
// unmanaged live block that was preferred ends up enabled but not preferred,
// which is what Cognito keeps (one preferred factor at most), and is made
// explicit so the call says so.
func mergeUser(desired, live state.UserSettings) state.UserSettings {
	out := normaliseUser(live)
	out.WebAuthnMfaSettings = nil // never read from Cognito
	declaresPreferred := false
	for _, f := range userFactors {
		if d := *f.get(&desired); d != nil {
			f.set(&out, normaliseFactor(d))
			declaresPreferred = declaresPreferred || (d.Enabled && d.PreferredMfa)
		}
	}
	if declaresPreferred {
		for _, f := range userFactors {
			if o := *f.get(&out); *f.get(&desired) == nil && o != nil && o.PreferredMfa {
				f.set(&out, &state.FactorSettings{Enabled: true})
			}
		}
	}
	if desired.WebAuthnMfaSettings != nil {
		w := *desired.WebAuthnMfaSettings
		out.WebAuthnMfaSettings = &w
	}
	return out
}

// sameFactor compares two normalised-or-not factor settings by meaning.
func sameFactor(a, b *state.FactorSettings) bool {
	a, b = normaliseFactor(a), normaliseFactor(b)
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}

// userFactor names one of the three readable per-user factors, with what
// the plan needs to know about it.
type userFactor struct {
	Name      string // block name in the API, e.g. "SMSMfaSettings"
	Label     string // for messages, e.g. "SMS"
	poolName  string // the pool block that offers it
	attribute string // the user attribute it needs ("" for none)
	get       func(*state.UserSettings) **state.FactorSettings
	// poolHas reports whether a normalised pool configuration offers it.
	poolHas func(state.PoolConfig) bool
	// copyPoolBlock copies its pool block from src to dst.
	copyPoolBlock func(dst *state.PoolConfig, src state.PoolConfig)
	// hasAttribute reports whether a user has the attribute it needs.
	hasAttribute func(*state.LiveUser) bool
}

func (f userFactor) set(s *state.UserSettings, v *state.FactorSettings) { *f.get(s) = v }

var (
	smsFactor = userFactor{
		Name: "SMSMfaSettings", Label: "SMS", poolName: "SmsMfaConfiguration", attribute: "phone_number",
		get:     func(s *state.UserSettings) **state.FactorSettings { return &s.SMSMfaSettings },
		poolHas: func(c state.PoolConfig) bool { return c.SmsMfaConfiguration != nil },
		copyPoolBlock: func(dst *state.PoolConfig, src state.PoolConfig) {
			dst.SmsMfaConfiguration = copyPool(src).SmsMfaConfiguration
		},
		hasAttribute: func(u *state.LiveUser) bool { return u.HasPhoneNumber },
	}
	totpFactor = userFactor{
		Name: "SoftwareTokenMfaSettings", Label: "TOTP", poolName: "SoftwareTokenMfaConfiguration",
		get:     func(s *state.UserSettings) **state.FactorSettings { return &s.SoftwareTokenMfaSettings },
		poolHas: func(c state.PoolConfig) bool { return c.SoftwareTokenMfaConfiguration != nil },
		copyPoolBlock: func(dst *state.PoolConfig, src state.PoolConfig) {
			dst.SoftwareTokenMfaConfiguration = copyPool(src).SoftwareTokenMfaConfiguration
		},
		hasAttribute: func(*state.LiveUser) bool { return true },
	}
	emailFactor = userFactor{
		Name: "EmailMfaSettings", Label: "email", poolName: "EmailMfaConfiguration", attribute: "email",
		get:     func(s *state.UserSettings) **state.FactorSettings { return &s.EmailMfaSettings },
		poolHas: func(c state.PoolConfig) bool { return c.EmailMfaConfiguration != nil },
		copyPoolBlock: func(dst *state.PoolConfig, src state.PoolConfig) {
			dst.EmailMfaConfiguration = copyPool(src).EmailMfaConfiguration
		},
		hasAttribute: func(u *state.LiveUser) bool { return u.HasEmail },
	}
	userFactors = []userFactor{smsFactor, totpFactor, emailFactor}
)

// hasMfaFactor reports whether a normalised pool configuration offers a
// factor that counts for ON/OPTIONAL (WebAuthn alone does not).
func hasMfaFactor(c state.PoolConfig) bool {
	return c.SmsMfaConfiguration != nil || c.SoftwareTokenMfaConfiguration != nil || c.EmailMfaConfiguration != nil
}

// hasUsableFactor reports whether normalised user settings enable a factor
// that answers an MFA challenge.
func hasUsableFactor(s state.UserSettings) bool {
	return s.SMSMfaSettings != nil || s.SoftwareTokenMfaSettings != nil || s.EmailMfaSettings != nil
}

func firstString(a, b *string) *string {
	if a != nil {
		return copyString(a)
	}
	return copyString(b)
}

func copyString(s *string) *string {
	if s == nil {
		return nil
	}
	v := *s
	return &v
}

func copySmsConfiguration(c *state.SmsConfiguration) *state.SmsConfiguration {
	if c == nil {
		return nil
	}
	v := *c
	return &v
}

// explicitPool returns normalised c with every factor block present, off
// ones as {Enabled: false}: the form people and programs review, where
// nothing absent has to be interpreted.
func explicitPool(c state.PoolConfig) state.PoolConfig {
	out := copyPool(c)
	if out.SoftwareTokenMfaConfiguration == nil {
		out.SoftwareTokenMfaConfiguration = &state.SoftwareTokenMfaConfiguration{}
	}
	if out.SmsMfaConfiguration == nil {
		out.SmsMfaConfiguration = &state.SmsMfaConfiguration{}
	}
	if out.EmailMfaConfiguration == nil {
		out.EmailMfaConfiguration = &state.EmailMfaConfiguration{}
	}
	return out
}

// explicitUser is explicitPool for normalised user settings.
func explicitUser(s state.UserSettings) state.UserSettings {
	out := normaliseUser(s)
	for _, f := range userFactors {
		if *f.get(&out) == nil {
			f.set(&out, &state.FactorSettings{})
		}
	}
	return out
}

// copyPool returns a deep copy of c.
func copyPool(c state.PoolConfig) state.PoolConfig {
	out := state.PoolConfig{MfaConfiguration: c.MfaConfiguration}
	if t := c.SoftwareTokenMfaConfiguration; t != nil {
		v := *t
		out.SoftwareTokenMfaConfiguration = &v
	}
	if s := c.SmsMfaConfiguration; s != nil {
		out.SmsMfaConfiguration = &state.SmsMfaConfiguration{
			Enabled:                  s.Enabled,
			SmsAuthenticationMessage: copyString(s.SmsAuthenticationMessage),
			SmsConfiguration:         copySmsConfiguration(s.SmsConfiguration),
		}
	}
	if e := c.EmailMfaConfiguration; e != nil {
		out.EmailMfaConfiguration = &state.EmailMfaConfiguration{Enabled: e.Enabled, Message: copyString(e.Message), Subject: copyString(e.Subject)}
	}
	if w := c.WebAuthnConfiguration; w != nil {
		out.WebAuthnConfiguration = &state.WebAuthnConfiguration{
			RelyingPartyId:      copyString(w.RelyingPartyId),
			UserVerification:    copyString(w.UserVerification),
			FactorConfiguration: copyString(w.FactorConfiguration),
		}
	}
	return out
}

// copyUser returns a deep copy of s.
func copyUser(s state.UserSettings) state.UserSettings {
	copyFactor := func(f *state.FactorSettings) *state.FactorSettings {
		if f == nil {
			return nil
		}
		v := *f
		return &v
	}
	out := state.UserSettings{
		SMSMfaSettings:           copyFactor(s.SMSMfaSettings),
		SoftwareTokenMfaSettings: copyFactor(s.SoftwareTokenMfaSettings),
		EmailMfaSettings:         copyFactor(s.EmailMfaSettings),
	}
	if w := s.WebAuthnMfaSettings; w != nil {
		v := *w
		out.WebAuthnMfaSettings = &v
	}
	return out
}
