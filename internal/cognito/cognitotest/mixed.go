package cognitotest

import (
	"time"

	"github.com/mfactl/mfactl/internal/state"
)

// MixedUser is user i of a pool where a policy enabling SMS finds every
// case: in sync, changing, preferring another factor, without a phone
// (ineligible), unknown (legacy MFAOptions), deleted since listed.
func MixedUser(i int) *state.LiveUser {
	on := func(preferred bool) *state.FactorSettings {
		return &state.FactorSettings{Enabled: true, PreferredMfa: preferred}
	}
	u := &state.LiveUser{Exists: true, HasPhoneNumber: true, HasEmail: true, LastModified: time.Date(2026, 1, 1, 0, 0, i%60, 0, time.UTC)}
	switch i % 7 {
	case 0:
		u.Settings.SMSMfaSettings = on(false)
	case 1: // SMS off: changes
	case 2:
		u.Settings.SMSMfaSettings, u.Settings.SoftwareTokenMfaSettings = on(false), on(true)
	case 3:
		u.HasPhoneNumber = false
	case 4:
		u.LegacySMS, u.Unknown = true, "the user has legacy MFAOptions"
		u.MFAOptions = []state.MFAOption{{DeliveryMedium: "SMS", AttributeName: "phone_number"}}
	case 5:
		u.Exists = false
	case 6:
		u.Settings.SMSMfaSettings = on(true)
	}
	return u
}

// MixedPolicies are two policies over a GeneratedPool of MixedUsers: SMS
// for every user, TOTP for those a filter lists (every third).
const MixedPolicies = `Version: 1
UserPools:
  - UserPoolId: ` + GeneratedPoolID + `
    Policies:
      - Name: everyone-sms
        Select: {AllUsers: true}
        SMSMfaSettings: {Enabled: true}
      - Name: some-totp
        Select: {Filter: 'email ^= "x"'}
        SoftwareTokenMfaSettings: {Enabled: true}
`
