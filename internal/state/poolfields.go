package state

// PoolField is one field of a factor's pool block as a plan's diff shows
// it. A field the configuration does not have is absent, which a diff
// shows as added or removed.
type PoolField struct {
	// Name is the field's path below the pool block: "Enabled",
	// "SmsConfiguration.SnsCallerArn".
	Name string
	// Value reads the field from c: a string or a bool; ok is false when c
	// does not have it.
	Value func(c PoolConfig) (v any, ok bool)
	// Secret: the value is never shown. In a plan it is always a marker.
	Secret bool
	// KeptWhenOff: Cognito keeps the field when the factor is switched
	// off (SetUserPoolMfaConfig without the block leaves the pool's SMS
	// role in place, DescribeUserPool still shows it, and mfactl reuses it
	// when SMS comes back), so switching the factor off does not remove it.
	KeptWhenOff bool
}

// enabledField is a factor's on/off switch: always there, false when the
// block is absent.
func enabledField(get func(PoolConfig) bool) PoolField {
	return PoolField{Name: "Enabled", Value: func(c PoolConfig) (any, bool) { return get(c), true }}
}

// textField is an optional text setting of a block.
func textField(name string, get func(PoolConfig) *string) PoolField {
	return PoolField{Name: name, Value: func(c PoolConfig) (any, bool) {
		if s := get(c); s != nil {
			return *s, true
		}
		return nil, false
	}}
}

// smsRoleField is a field of the SMS role (SmsConfiguration): absent when
// empty, and kept by Cognito when SMS MFA goes off.
func smsRoleField(name string, secret bool, get func(SmsConfiguration) string) PoolField {
	return PoolField{Name: "SmsConfiguration." + name, Secret: secret, KeptWhenOff: true, Value: func(c PoolConfig) (any, bool) {
		if c.SmsMfaConfiguration == nil || c.SmsMfaConfiguration.SmsConfiguration == nil {
			return nil, false
		}
		if v := get(*c.SmsMfaConfiguration.SmsConfiguration); v != "" {
			return v, true
		}
		return nil, false
	}}
}

// eumsField is a field of the End User Messaging sender
// (SmsConfiguration.EumsSms), the other SMS sender: like the SNS role, kept
// by Cognito when SMS MFA goes off.
func eumsField(name string, secret bool, get func(EumsSms) string) PoolField {
	return smsRoleField("EumsSms."+name, secret, func(r SmsConfiguration) string {
		if r.EumsSms == nil {
			return ""
		}
		return get(*r.EumsSms)
	})
}

// webAuthnField is an optional setting of WebAuthnConfiguration.
func webAuthnField(name string, get func(WebAuthnConfiguration) *string) PoolField {
	return textField(name, func(c PoolConfig) *string {
		if c.WebAuthnConfiguration == nil {
			return nil
		}
		return get(*c.WebAuthnConfiguration)
	})
}

// KeepsWhenOff reports whether switching the factor off from live to
// desired leaves fields in place that Cognito keeps (KeptWhenOff): live
// has one, and desired has the factor off.
func (f *Factor) KeepsWhenOff(live, desired PoolConfig) bool {
	if _, on := f.PoolEnabled(desired); on {
		return false
	}
	for _, field := range f.PoolFields {
		if _, ok := field.Value(live); ok && field.KeptWhenOff {
			return true
		}
	}
	return false
}
