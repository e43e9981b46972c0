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

// normalizePool returns c in normal form.
func normalizePool(c state.PoolConfig) state.PoolConfig {
	out := state.PoolConfig{MfaConfiguration: c.MfaConfiguration}
	if out.MfaConfiguration == state.ModeUnset {
		out.MfaConfiguration = state.ModeOff
	}
	if out.MfaConfiguration != state.ModeOff {
		for _, f := range state.MFAFactors {
			if _, enabled := f.PoolEnabled(c); enabled {
				f.CopyPoolBlock(&out, c)
			}
		}
	}
	if w := c.WebAuthnConfiguration; w != nil && (w.RelyingPartyId != nil || w.UserVerification != nil || w.FactorConfiguration != nil) {
		state.WebAuthn.CopyPoolBlock(&out, c)
	}
	return out
}

// normalizeLivePool returns a live pool's configuration in normal form. An
// SMS block that came without its role gets the pool's role from
// DescribeUserPool: it is the same setting, and requests must carry it.
func normalizeLivePool(lp *state.LivePool) state.PoolConfig {
	c := normalizePool(lp.Config)
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
	live = normalizePool(live)
	out := live
	if desired.MfaConfiguration != state.ModeUnset {
		out.MfaConfiguration = desired.MfaConfiguration
	}
	// A declared block replaces live's: off, or on with the declared
	// settings over live's. Each factor's own settings are its special case.
	for _, f := range state.MFAFactors {
		present, enabled := f.PoolEnabled(desired)
		if !present {
			continue
		}
		f.ClearPoolBlock(&out)
		if !enabled {
			continue
		}
		switch f {
		case state.SMS:
			d := desired.SmsMfaConfiguration
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
		case state.Email:
			d := desired.EmailMfaConfiguration
			base := live.EmailMfaConfiguration
			if base == nil {
				base = &state.EmailMfaConfiguration{}
			}
			out.EmailMfaConfiguration = &state.EmailMfaConfiguration{
				Enabled: true,
				Message: firstString(d.Message, base.Message),
				Subject: firstString(d.Subject, base.Subject),
			}
		default: // a factor with no settings of its own (TOTP)
			f.CopyPoolBlock(&out, desired)
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
	return normalizePool(out)
}

// mergeSmsConfiguration overlays the non-empty fields of d on base. A d
// that names the other sender (EumsSms instead of SnsCallerArn, or the
// reverse) replaces base's sender whole: an ExternalId belongs to its role.
func mergeSmsConfiguration(d, base *state.SmsConfiguration) *state.SmsConfiguration {
	if d == nil {
		return copySmsConfiguration(base)
	}
	if d.EumsSms != nil {
		out := state.SmsConfiguration{EumsSms: &state.EumsSms{}}
		if base != nil && base.EumsSms != nil {
			*out.EumsSms = *base.EumsSms
		}
		mergeEums(out.EumsSms, d.EumsSms)
		return &out
	}
	out := state.SmsConfiguration{}
	if base != nil && base.EumsSms == nil {
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

// mergeEums overlays the non-empty fields of d on out.
func mergeEums(out, d *state.EumsSms) {
	for _, f := range []struct{ to, from *string }{
		{&out.CallerArn, &d.CallerArn}, {&out.ExternalId, &d.ExternalId}, {&out.OriginationIdentity, &d.OriginationIdentity},
		{&out.ConfigurationSetName, &d.ConfigurationSetName}, {&out.InEntityId, &d.InEntityId}, {&out.InTemplateId, &d.InTemplateId},
		{&out.Region, &d.Region},
	} {
		if *f.from != "" {
			*f.to = *f.from
		}
	}
}

// normalizeUser returns s in normal form. WebAuthnMfaSettings is kept as it
// is: it is write-only, so its presence in desired state means "declared".
func normalizeUser(s state.UserSettings) state.UserSettings {
	var out state.UserSettings
	for _, f := range state.MFAFactors {
		f.SetUser(&out, normalizeFactor(f.User(s)))
	}
	if s.WebAuthnMfaSettings != nil {
		w := *s.WebAuthnMfaSettings
		out.WebAuthnMfaSettings = &w
	}
	return out
}

func normalizeFactor(f *state.FactorSettings) *state.FactorSettings {
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
	out := normalizeUser(live)
	out.WebAuthnMfaSettings = nil // never read from Cognito
	declaresPreferred := false
	for _, f := range state.MFAFactors {
		if d := f.User(desired); d != nil {
			f.SetUser(&out, normalizeFactor(d))
			declaresPreferred = declaresPreferred || (d.Enabled && d.PreferredMfa)
		}
	}
	if declaresPreferred {
		for _, f := range state.MFAFactors {
			if o := f.User(out); f.User(desired) == nil && o != nil && o.PreferredMfa {
				f.SetUser(&out, &state.FactorSettings{Enabled: true})
			}
		}
	}
	if desired.WebAuthnMfaSettings != nil {
		w := *desired.WebAuthnMfaSettings
		out.WebAuthnMfaSettings = &w
	}
	return out
}

// sameFactor compares two normalised-or-not factor settings by meaning:
// as normalizeFactor makes them, without making them (it is called for
// every factor of every user).
func sameFactor(a, b *state.FactorSettings) bool {
	onA, onB := a != nil && a.Enabled, b != nil && b.Enabled
	if !onA || !onB {
		return onA == onB
	}
	return a.PreferredMfa == b.PreferredMfa
}

// hasMfaFactor reports whether a normalised pool configuration offers a
// factor that counts for ON/OPTIONAL (WebAuthn alone does not).
func hasMfaFactor(c state.PoolConfig) bool {
	for _, f := range state.MFAFactors {
		if f.PoolHas(c) {
			return true
		}
	}
	return false
}

// hasUsableFactor reports whether normalised user settings enable a factor
// that answers an MFA challenge.
func hasUsableFactor(s state.UserSettings) bool {
	for _, f := range state.MFAFactors {
		if f.User(s) != nil {
			return true
		}
	}
	return false
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

func copySmsConfiguration(c *state.SmsConfiguration) *state.SmsConfiguration { return c.Copy() }

// explicitPool returns normalised c with every factor block present, off
// ones as {Enabled: false}: the form people and programs review, where
// nothing absent has to be interpreted.
func explicitPool(c state.PoolConfig) state.PoolConfig {
	out := copyPool(c)
	for _, f := range state.MFAFactors {
		if !f.PoolHas(out) {
			f.SetPoolOff(&out)
		}
	}
	return out
}

// explicitUser is explicitPool for normalised user settings.
func explicitUser(s state.UserSettings) state.UserSettings {
	out := normalizeUser(s)
	for _, f := range state.MFAFactors {
		if f.User(out) == nil {
			f.SetUser(&out, &state.FactorSettings{})
		}
	}
	return out
}

// copyPool returns a deep copy of c.
func copyPool(c state.PoolConfig) state.PoolConfig { return c.Copy() }

// copyUser returns a deep copy of s.
func copyUser(s state.UserSettings) state.UserSettings { return s.Copy() }
