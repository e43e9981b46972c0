package state

// Factor describes one MFA factor of the model: its names in the pool
// configuration, in a user's settings, in Cognito's reads and in messages,
// what it needs, and how to reach its blocks. Factors lists every factor,
// MFAFactors those that answer an MFA challenge; code that handles "each
// factor" ranges over one of them and handles, by name, only the special
// cases this type documents. Adding a factor is one entry here plus its
// special cases (its pool block's own settings, its SDK and wire types).
//
// The entries are shared: never modify one. Compare them by pointer
// (f == state.SMS).
type Factor struct {
	// PoolBlock names the PoolConfig block, e.g. "SmsMfaConfiguration".
	PoolBlock string
	// UserBlock names the UserSettings block, e.g. "SMSMfaSettings".
	UserBlock string
	// Label names the factor in messages: "SMS", "TOTP", "email", "WebAuthn".
	Label string
	// Attribute is the user attribute the factor needs ("phone_number",
	// "email"), "" when it needs none.
	Attribute string
	// Registration is what a user must register themselves before the
	// factor can be enabled for them ("an authenticator app"), "" when
	// nothing. An administrator cannot register it, and Cognito's reads do
	// not show whether a user whose factor is off has one: enabling it is
	// a call only Cognito's answer can tell will work.
	Registration string
	// CognitoName is the factor's name in AdminGetUser's
	// UserMFASettingList and PreferredMfaSetting ("SMS_MFA"); "" when
	// Cognito never reports it (WebAuthn).
	CognitoName string
	// AnswersChallenge: the factor answers an MFA challenge by itself. Such
	// a factor counts for MfaConfiguration ON and OPTIONAL, can be a user's
	// preferred one, has an on/off pool block (Enabled) that Cognito
	// refuses under OFF, and its per-user block is a FactorSettings.
	// WebAuthn does not: its pool block is a configuration, not a switch,
	// and its per-user block is a WebAuthnSettings (no PreferredMfa).
	AnswersChallenge bool
	// PresenceEnables: Cognito's pool block has no Enabled field, so a
	// block in a SetUserPoolMfaConfig request switches the factor on and
	// an off factor is sent as no block (SMS, email). TOTP's block carries
	// Enabled. mfactl's own model and files always carry Enabled.
	PresenceEnables bool
	// PoolSettings names the pool block's fields other than Enabled, e.g.
	// "SmsAuthenticationMessage": settings that mean nothing while the
	// factor is off.
	PoolSettings []string
	// PoolFields are the pool block's fields as a plan's diff shows them,
	// in display order (see PoolField).
	PoolFields []PoolField

	poolEnabled  func(PoolConfig) (present, enabled bool)
	copyPool     func(dst *PoolConfig, src PoolConfig)
	poolOff      func(*PoolConfig) // sets an explicit off block
	clearPool    func(*PoolConfig)
	user         func(*UserSettings) **FactorSettings // nil when AnswersChallenge is false
	userGet      func(UserSettings) *FactorSettings   // the same block, read from a value: no copy escapes
	userPresent  func(UserSettings) bool
	hasAttribute func(*LiveUser) *bool // nil when Attribute is ""
}

// The factors, in the order mfactl lists them.
var (
	SMS = &Factor{
		PoolBlock: "SmsMfaConfiguration", UserBlock: "SMSMfaSettings", Label: "SMS",
		Attribute: "phone_number", CognitoName: "SMS_MFA",
		AnswersChallenge: true, PresenceEnables: true,
		PoolSettings: []string{"SmsAuthenticationMessage", "SmsConfiguration"},
		PoolFields: []PoolField{
			enabledField(func(c PoolConfig) bool { return c.SmsMfaConfiguration != nil && c.SmsMfaConfiguration.Enabled }),
			textField("SmsAuthenticationMessage", func(c PoolConfig) *string {
				if c.SmsMfaConfiguration == nil {
					return nil
				}
				return c.SmsMfaConfiguration.SmsAuthenticationMessage
			}),
			smsRoleField("SnsCallerArn", false, func(r SmsConfiguration) string { return r.SnsCallerArn }),
			smsRoleField("ExternalId", true, func(r SmsConfiguration) string { return r.ExternalId }),
			smsRoleField("SnsRegion", false, func(r SmsConfiguration) string { return r.SnsRegion }),
			eumsField("CallerArn", false, func(e EumsSms) string { return e.CallerArn }),
			eumsField("ExternalId", true, func(e EumsSms) string { return e.ExternalId }),
			eumsField("OriginationIdentity", false, func(e EumsSms) string { return e.OriginationIdentity }),
			eumsField("ConfigurationSetName", false, func(e EumsSms) string { return e.ConfigurationSetName }),
			eumsField("InEntityId", false, func(e EumsSms) string { return e.InEntityId }),
			eumsField("InTemplateId", false, func(e EumsSms) string { return e.InTemplateId }),
			eumsField("Region", false, func(e EumsSms) string { return e.Region }),
		},
		poolEnabled: func(c PoolConfig) (bool, bool) {
			return c.SmsMfaConfiguration != nil, c.SmsMfaConfiguration != nil && c.SmsMfaConfiguration.Enabled
		},
		copyPool: func(dst *PoolConfig, src PoolConfig) {
			dst.SmsMfaConfiguration = nil
			if s := src.SmsMfaConfiguration; s != nil {
				dst.SmsMfaConfiguration = &SmsMfaConfiguration{
					Enabled:                  s.Enabled,
					SmsAuthenticationMessage: copyString(s.SmsAuthenticationMessage),
					SmsConfiguration:         s.SmsConfiguration.Copy(),
				}
			}
		},
		poolOff:      func(c *PoolConfig) { c.SmsMfaConfiguration = &SmsMfaConfiguration{} },
		clearPool:    func(c *PoolConfig) { c.SmsMfaConfiguration = nil },
		user:         func(s *UserSettings) **FactorSettings { return &s.SMSMfaSettings },
		userGet:      func(s UserSettings) *FactorSettings { return s.SMSMfaSettings },
		userPresent:  func(s UserSettings) bool { return s.SMSMfaSettings != nil },
		hasAttribute: func(u *LiveUser) *bool { return &u.HasPhoneNumber },
	}
	TOTP = &Factor{
		PoolBlock: "SoftwareTokenMfaConfiguration", UserBlock: "SoftwareTokenMfaSettings", Label: "TOTP",
		Registration:     "an authenticator app",
		CognitoName:      "SOFTWARE_TOKEN_MFA",
		AnswersChallenge: true,
		PoolFields: []PoolField{enabledField(func(c PoolConfig) bool {
			return c.SoftwareTokenMfaConfiguration != nil && c.SoftwareTokenMfaConfiguration.Enabled
		})},
		poolEnabled: func(c PoolConfig) (bool, bool) {
			return c.SoftwareTokenMfaConfiguration != nil, c.SoftwareTokenMfaConfiguration != nil && c.SoftwareTokenMfaConfiguration.Enabled
		},
		copyPool: func(dst *PoolConfig, src PoolConfig) {
			dst.SoftwareTokenMfaConfiguration = nil
			if t := src.SoftwareTokenMfaConfiguration; t != nil {
				v := *t
				dst.SoftwareTokenMfaConfiguration = &v
			}
		},
		poolOff:     func(c *PoolConfig) { c.SoftwareTokenMfaConfiguration = &SoftwareTokenMfaConfiguration{} },
		clearPool:   func(c *PoolConfig) { c.SoftwareTokenMfaConfiguration = nil },
		user:        func(s *UserSettings) **FactorSettings { return &s.SoftwareTokenMfaSettings },
		userGet:     func(s UserSettings) *FactorSettings { return s.SoftwareTokenMfaSettings },
		userPresent: func(s UserSettings) bool { return s.SoftwareTokenMfaSettings != nil },
	}
	Email = &Factor{
		PoolBlock: "EmailMfaConfiguration", UserBlock: "EmailMfaSettings", Label: "email",
		Attribute: "email", CognitoName: "EMAIL_OTP",
		AnswersChallenge: true, PresenceEnables: true,
		PoolSettings: []string{"Message", "Subject"},
		PoolFields: []PoolField{
			enabledField(func(c PoolConfig) bool { return c.EmailMfaConfiguration != nil && c.EmailMfaConfiguration.Enabled }),
			textField("Message", func(c PoolConfig) *string {
				if c.EmailMfaConfiguration == nil {
					return nil
				}
				return c.EmailMfaConfiguration.Message
			}),
			textField("Subject", func(c PoolConfig) *string {
				if c.EmailMfaConfiguration == nil {
					return nil
				}
				return c.EmailMfaConfiguration.Subject
			}),
		},
		poolEnabled: func(c PoolConfig) (bool, bool) {
			return c.EmailMfaConfiguration != nil, c.EmailMfaConfiguration != nil && c.EmailMfaConfiguration.Enabled
		},
		copyPool: func(dst *PoolConfig, src PoolConfig) {
			dst.EmailMfaConfiguration = nil
			if e := src.EmailMfaConfiguration; e != nil {
				dst.EmailMfaConfiguration = &EmailMfaConfiguration{Enabled: e.Enabled, Message: copyString(e.Message), Subject: copyString(e.Subject)}
			}
		},
		poolOff:      func(c *PoolConfig) { c.EmailMfaConfiguration = &EmailMfaConfiguration{} },
		clearPool:    func(c *PoolConfig) { c.EmailMfaConfiguration = nil },
		user:         func(s *UserSettings) **FactorSettings { return &s.EmailMfaSettings },
		userGet:      func(s UserSettings) *FactorSettings { return s.EmailMfaSettings },
		userPresent:  func(s UserSettings) bool { return s.EmailMfaSettings != nil },
		hasAttribute: func(u *LiveUser) *bool { return &u.HasEmail },
	}
	// WebAuthn is passkeys as MFA. Its special cases: its pool block
	// (WebAuthnConfiguration) has no on/off and is allowed under OFF; its
	// per-user block is a WebAuthnSettings (read s.WebAuthnMfaSettings:
	// User and SetUser do not apply); Cognito never reports the per-user
	// setting (write-only), and it counts as MFA only next to another
	// factor and with FactorConfiguration MULTI_FACTOR_WITH_USER_VERIFICATION.
	WebAuthn = &Factor{
		PoolBlock: "WebAuthnConfiguration", UserBlock: "WebAuthnMfaSettings", Label: "WebAuthn",
		PoolSettings: []string{"RelyingPartyId", "UserVerification", "FactorConfiguration"},
		PoolFields: []PoolField{
			webAuthnField("RelyingPartyId", func(w WebAuthnConfiguration) *string { return w.RelyingPartyId }),
			webAuthnField("UserVerification", func(w WebAuthnConfiguration) *string { return w.UserVerification }),
			webAuthnField("FactorConfiguration", func(w WebAuthnConfiguration) *string { return w.FactorConfiguration }),
		},
		poolEnabled: func(c PoolConfig) (bool, bool) { return c.WebAuthnConfiguration != nil, false },
		copyPool: func(dst *PoolConfig, src PoolConfig) {
			dst.WebAuthnConfiguration = nil
			if w := src.WebAuthnConfiguration; w != nil {
				dst.WebAuthnConfiguration = &WebAuthnConfiguration{
					RelyingPartyId:      copyString(w.RelyingPartyId),
					UserVerification:    copyString(w.UserVerification),
					FactorConfiguration: copyString(w.FactorConfiguration),
				}
			}
		},
		poolOff:     func(*PoolConfig) {},
		clearPool:   func(c *PoolConfig) { c.WebAuthnConfiguration = nil },
		userPresent: func(s UserSettings) bool { return s.WebAuthnMfaSettings != nil },
	}
)

// Factors is every factor of the model, in the order mfactl lists them.
var Factors = []*Factor{SMS, TOTP, Email, WebAuthn}

// MFAFactors are the factors that answer an MFA challenge
// (AnswersChallenge), in the order of Factors: SMS, TOTP and email.
var MFAFactors = answeringChallenge(Factors)

func answeringChallenge(fs []*Factor) []*Factor {
	var out []*Factor
	for _, f := range fs {
		if f.AnswersChallenge {
			out = append(out, f)
		}
	}
	return out
}

// FactorByPoolBlock returns the factor whose pool block is named name, or nil.
func FactorByPoolBlock(name string) *Factor {
	for _, f := range Factors {
		if f.PoolBlock == name {
			return f
		}
	}
	return nil
}

// FactorByUserBlock returns the factor whose per-user block is named name, or nil.
func FactorByUserBlock(name string) *Factor {
	for _, f := range Factors {
		if f.UserBlock == name {
			return f
		}
	}
	return nil
}

// FactorByCognitoName returns the factor Cognito calls name in
// UserMFASettingList and PreferredMfaSetting ("SMS_MFA"), or nil.
func FactorByCognitoName(name string) *Factor {
	for _, f := range Factors {
		if name != "" && f.CognitoName == name {
			return f
		}
	}
	return nil
}

// String returns the factor's label.
func (f *Factor) String() string { return f.Label }

// PoolEnabled reports whether c has the factor's pool block, and whether
// that block says Enabled. In a normalised configuration a present block
// is an enabled one. WebAuthn's block has no Enabled: enabled is false.
func (f *Factor) PoolEnabled(c PoolConfig) (present, enabled bool) { return f.poolEnabled(c) }

// PoolHas reports whether c has the factor's pool block: in a normalised
// configuration, whether the pool offers the factor.
func (f *Factor) PoolHas(c PoolConfig) bool {
	present, _ := f.poolEnabled(c)
	return present
}

// CopyPoolBlock sets dst's block for the factor to a deep copy of src's
// (nil when src has none).
func (f *Factor) CopyPoolBlock(dst *PoolConfig, src PoolConfig) { f.copyPool(dst, src) }

// SetPoolOff sets c's block for the factor to an explicit off block
// ({Enabled: false}). WebAuthn has no off block: c is left as it is.
func (f *Factor) SetPoolOff(c *PoolConfig) { f.poolOff(c) }

// ClearPoolBlock removes c's block for the factor.
func (f *Factor) ClearPoolBlock(c *PoolConfig) { f.clearPool(c) }

// User returns s's block for the factor (nil when absent). It is nil for
// WebAuthn, whose block is s.WebAuthnMfaSettings, of another type.
func (f *Factor) User(s UserSettings) *FactorSettings {
	if f.userGet == nil {
		return nil
	}
	return f.userGet(s)
}

// SetUser sets s's block for the factor to v. It panics for WebAuthn,
// whose block is s.WebAuthnMfaSettings, of another type.
func (f *Factor) SetUser(s *UserSettings, v *FactorSettings) {
	if f.user == nil {
		panic("state: " + f.UserBlock + " is not a FactorSettings block")
	}
	*f.user(s) = v
}

// UserHas reports whether s has a block for the factor, WebAuthn included.
func (f *Factor) UserHas(s UserSettings) bool { return f.userPresent(s) }

// HasAttribute reports whether u has the attribute the factor needs
// (always true for a factor that needs none).
func (f *Factor) HasAttribute(u *LiveUser) bool {
	if f.hasAttribute == nil {
		return true
	}
	return *f.hasAttribute(u)
}

// SetHasAttribute records that u has the attribute the factor needs; it
// does nothing for a factor that needs none.
func (f *Factor) SetHasAttribute(u *LiveUser) {
	if f.hasAttribute != nil {
		*f.hasAttribute(u) = true
	}
}

// Copy returns a copy of c (nil for nil).
func (c *SmsConfiguration) Copy() *SmsConfiguration {
	if c == nil {
		return nil
	}
	v := *c
	if c.EumsSms != nil {
		e := *c.EumsSms
		v.EumsSms = &e
	}
	return &v
}

// Copy returns a deep copy of c.
func (c PoolConfig) Copy() PoolConfig {
	out := PoolConfig{MfaConfiguration: c.MfaConfiguration}
	for _, f := range Factors {
		f.CopyPoolBlock(&out, c)
	}
	return out
}

// Copy returns a deep copy of s.
func (s UserSettings) Copy() UserSettings {
	var out UserSettings
	for _, f := range MFAFactors {
		if v := f.User(s); v != nil {
			c := *v
			f.SetUser(&out, &c)
		}
	}
	if w := s.WebAuthnMfaSettings; w != nil {
		v := *w
		out.WebAuthnMfaSettings = &v
	}
	return out
}

func copyString(s *string) *string {
	if s == nil {
		return nil
	}
	v := *s
	return &v
}
