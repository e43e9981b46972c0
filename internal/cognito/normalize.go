package cognito

import (
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/mfactl/mfactl/internal/state"
)

// Live state is normalised so that comparing it with desired state is plain
// field-by-field equality, with no phantom diffs from absent-versus-empty:
//
// Pool configuration (livePoolConfig):
//   - MfaConfiguration is always OFF, ON or OPTIONAL, never unset.
//   - SmsMfaConfiguration, SoftwareTokenMfaConfiguration and
//     EmailMfaConfiguration are never nil. Enabled says whether the factor
//     is in effect; a disabled block carries nothing else, an enabled one
//     carries what Cognito reported (SMS message and SmsConfiguration,
//     ExternalId included; email message and subject), nil where Cognito
//     reported nothing.
//   - SMS is on ⇔ the mode is not OFF and Cognito returned an SMS block
//     whose SmsConfiguration names a caller ARN: Cognito refuses SMS MFA
//     without one, so an empty block (cognito-local returns `{}` for every
//     pool) is not SMS in effect. Email is on ⇔ the mode is not OFF and an
//     email block came back; TOTP ⇔ the mode is not OFF and Enabled is true. Under
//     OFF every factor is off: nobody is challenged, and Cognito accepts no
//     factor block with OFF anyway.
//   - WebAuthnConfiguration is as reported (nil when absent), with empty
//     strings as nil fields.
//
// User settings (liveUser):
//   - SMSMfaSettings, SoftwareTokenMfaSettings and EmailMfaSettings are
//     never nil; WebAuthnMfaSettings is always nil (Cognito does not report it).
//   - Enabled comes from UserMFASettingList (plus a legacy MFAOptions SMS
//     entry); PreferredMfa from PreferredMfaSetting.
//   - Unknown says why the settings cannot be trusted, when they cannot.
//
// Prerequisites: lists Cognito treats as sets (first factors, verified,
// username and alias attributes) are sorted; recovery mechanisms stay in
// priority order.

// livePoolConfig normalises a GetUserPoolMfaConfig answer.
// eums is the answer's EumsSms, which the SDK cannot decode (readable.go).
func livePoolConfig(out *cip.GetUserPoolMfaConfigOutput, eums *state.EumsSms) state.PoolConfig {
	mode := state.Mode(out.MfaConfiguration)
	if mode == state.ModeUnset {
		mode = state.ModeOff // Cognito's default for a pool never configured
	}
	on := mode != state.ModeOff
	cfg := state.PoolConfig{MfaConfiguration: mode}
	for _, f := range state.MFAFactors {
		f.SetPoolOff(&cfg)
	}
	// Each factor's block has its own SDK type, and its own test of "on".
	if sms := out.SmsMfaConfiguration; on && sms != nil && smsConfiguration(sms.SmsConfiguration, eums).CallerArn() != "" {
		cfg.SmsMfaConfiguration = &state.SmsMfaConfiguration{
			Enabled:                  true,
			SmsAuthenticationMessage: nonEmpty(sms.SmsAuthenticationMessage),
			SmsConfiguration:         smsConfiguration(sms.SmsConfiguration, eums),
		}
	}
	if totp := out.SoftwareTokenMfaConfiguration; on && totp != nil && totp.Enabled {
		cfg.SoftwareTokenMfaConfiguration.Enabled = true
	}
	if email := out.EmailMfaConfiguration; on && email != nil {
		cfg.EmailMfaConfiguration = &state.EmailMfaConfiguration{
			Enabled: true,
			Message: nonEmpty(email.Message),
			Subject: nonEmpty(email.Subject),
		}
	}
	if w := out.WebAuthnConfiguration; w != nil {
		cfg.WebAuthnConfiguration = &state.WebAuthnConfiguration{
			RelyingPartyId:      nonEmpty(w.RelyingPartyId),
			UserVerification:    nonEmptyString(string(w.UserVerification)),
			FactorConfiguration: nonEmptyString(string(w.FactorConfiguration)),
		}
	}
	return cfg
}

// prerequisites extracts from DescribeUserPool what decides whether a
// factor can be used.
func prerequisites(pool *types.UserPoolType, eums *state.EumsSms) state.Prerequisites {
	var p state.Prerequisites
	if pool == nil {
		return p
	}
	p.Tier = string(pool.UserPoolTier)
	if pool.EmailConfiguration != nil {
		p.EmailSendingAccount = string(pool.EmailConfiguration.EmailSendingAccount)
	}
	p.SmsConfiguration = smsConfiguration(pool.SmsConfiguration, eums)
	if r := pool.AccountRecoverySetting; r != nil {
		mechanisms := append([]types.RecoveryOptionType(nil), r.RecoveryMechanisms...)
		sort.SliceStable(mechanisms, func(i, j int) bool {
			return priority(mechanisms[i]) < priority(mechanisms[j])
		})
		for _, m := range mechanisms {
			p.RecoveryMechanisms = append(p.RecoveryMechanisms, string(m.Name))
		}
	}
	if pool.Policies != nil && pool.Policies.SignInPolicy != nil {
		for _, f := range pool.Policies.SignInPolicy.AllowedFirstAuthFactors {
			p.FirstAuthFactors = append(p.FirstAuthFactors, string(f))
		}
		sort.Strings(p.FirstAuthFactors)
	}
	p.AutoVerifiedAttributes = sortedNames(pool.AutoVerifiedAttributes)
	p.UsernameAttributes = sortedNames(pool.UsernameAttributes)
	p.AliasAttributes = sortedNames(pool.AliasAttributes)
	return p
}

// sortedNames returns a set of Cognito's enum values as sorted strings,
// nil when empty.
func sortedNames[T ~string](values []T) []string {
	if len(values) == 0 {
		return nil
	}
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = string(v)
	}
	sort.Strings(out)
	return out
}

func priority(o types.RecoveryOptionType) int32 {
	if o.Priority == nil {
		return 1 << 30
	}
	return *o.Priority
}

// liveUser normalises an AdminGetUser answer; poolMode is the pool's live
// MfaConfiguration, which decides whether an empty list can be trusted.
func liveUser(username string, out *cip.AdminGetUserOutput, poolMode state.Mode) state.LiveUser {
	u := state.LiveUser{Username: username, Exists: true, Status: string(out.UserStatus), LastModified: aws.ToTime(out.UserLastModifiedDate)}
	for _, f := range state.MFAFactors {
		f.SetUser(&u.Settings, &state.FactorSettings{})
	}
	for _, a := range out.UserAttributes {
		if a.Name == nil || a.Value == nil || *a.Value == "" {
			continue
		}
		if *a.Name == "email_verified" {
			u.EmailVerified = *a.Value == "true"
		}
		for _, f := range state.MFAFactors {
			if f.Attribute == *a.Name {
				f.SetHasAttribute(&u)
			}
		}
	}
	// factor returns the user's block for a name Cognito uses in
	// UserMFASettingList and PreferredMfaSetting, nil for one mfactl does
	// not know.
	factor := func(name string) *state.FactorSettings {
		if f := state.FactorByCognitoName(name); f != nil {
			return f.User(u.Settings)
		}
		return nil
	}
	var unknown []string
	for _, name := range out.UserMFASettingList {
		if f := factor(name); f != nil {
			f.Enabled = true
		} else {
			unknown = append(unknown, fmt.Sprintf("Cognito lists an MFA setting mfactl does not know (%s)", name))
		}
	}
	if out.PreferredMfaSetting != nil && *out.PreferredMfaSetting != "" {
		preferred := *out.PreferredMfaSetting
		switch f := factor(preferred); {
		case f == nil:
			unknown = append(unknown, fmt.Sprintf("Cognito reports a preferred MFA setting mfactl does not know (%s)", preferred))
		case !f.Enabled:
			f.PreferredMfa = true
			unknown = append(unknown, fmt.Sprintf("Cognito reports %s as preferred but not enabled", preferred))
		default:
			f.PreferredMfa = true
		}
	}
	for _, o := range out.MFAOptions {
		// Legacy MFAOptions know SMS only.
		if o.DeliveryMedium == types.DeliveryMediumTypeSms {
			u.LegacySMS = true
			u.Settings.SMSMfaSettings.Enabled = true
		}
	}
	if len(out.MFAOptions) > 0 {
		unknown = append(unknown, "the user has legacy MFAOptions (AdminSetUserSettings), which UserMFASettingList does not reflect")
	}
	if len(out.UserMFASettingList) == 0 && len(out.MFAOptions) == 0 && poolMode == state.ModeOn {
		unknown = append(unknown, "the pool requires MFA but Cognito lists no factor for the user; users who set up TOTP while signing in can look like this (aws/aws-sdk#693)")
	}
	u.Unknown = strings.Join(unknown, "; ")
	return u
}

// smsConfiguration normalises an SmsConfigurationType and its EumsSms,
// which the SDK cannot carry.
func smsConfiguration(c *types.SmsConfigurationType, eums *state.EumsSms) *state.SmsConfiguration {
	if c == nil {
		return nil
	}
	return &state.SmsConfiguration{
		SnsCallerArn: deref(c.SnsCallerArn),
		ExternalId:   deref(c.ExternalId),
		SnsRegion:    deref(c.SnsRegion),
		EumsSms:      eums,
	}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func nonEmpty(s *string) *string {
	if s == nil || *s == "" {
		return nil
	}
	v := *s
	return &v
}

func nonEmptyString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
