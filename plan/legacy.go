package plan

import (
	"fmt"
	"slices"

	"github.com/mfactl/mfactl/internal/state"
)

// Legacy MFAOptions (AdminSetUserSettings, SMS only), which Cognito's
// UserMFASettingList does not show. A user may declare them (MFAOptions:
// [] clears them); a pool may ask for every user who has them to be
// migrated (LegacyMfaOptions: Migrate): SMS on as a current setting with
// AdminSetUserMFAPreference, then the legacy entry cleared. The clearing
// calls come in StageLegacy, after the preference calls.

// addMigratedUsers adds, for LegacyMfaOptions: Migrate, a desired user for
// each legacy user of the pool: SMS enabled (preferred unless another
// factor is) and MFAOptions cleared. A declared user keeps the declaration:
// it gets MFAOptions: [] unless it declares MFAOptions, and the SMS block
// unless it declares one. A user without a phone_number is reported.
func (pp *poolPlan) addMigratedUsers() {
	if pp.dp.LegacyMfaOptions != state.LegacyMigrate {
		return
	}
	pos, path := pp.poolField("LegacyMfaOptions")
	if !pp.lp.LegacyScanned {
		pp.errorf("internal-error", "", pos, path, fmt.Sprintf("the users of user pool %s were not listed for legacy MFAOptions", pp.dp.UserPoolId),
			"mfactl cannot plan what it did not read; this is a bug, please report it")
		return
	}
	if !state.SMS.PoolHas(pp.desired) {
		pp.errorf("legacy-migration-needs-sms", "", pos, path, fmt.Sprintf("LegacyMfaOptions: Migrate moves users to SMS MFA, which user pool %s will not offer", pp.dp.UserPoolId),
			"enable SmsMfaConfiguration (and MfaConfiguration OPTIONAL or ON) for the pool, or remove LegacyMfaOptions")
		return
	}
	declared := map[string]int{}
	users := slices.Clone(pp.dp.Users)
	for i, du := range users {
		declared[du.Username] = i
	}
	m := &LegacyMigration{Users: len(pp.lp.LegacyUsers)}
	pp.migrated = map[string]bool{}
	for _, name := range pp.lp.LegacyUsers {
		lu := pp.lp.Users[name]
		if lu == nil || !lu.Exists {
			continue // gone since the listing: nothing to migrate
		}
		if !lu.HasPhoneNumber {
			m.WithoutPhone = append(m.WithoutPhone, name)
			continue
		}
		sms := &state.FactorSettings{Enabled: true, PreferredMfa: !prefersAnotherFactor(lu)}
		if i, ok := declared[name]; ok {
			du := &users[i]
			m.Declared = append(m.Declared, name)
			if du.MFAOptions == nil {
				du.MFAOptions = &[]state.MFAOption{}
				if du.Settings.SMSMfaSettings == nil && !declaresPreferred(du.Settings) {
					du.Settings = du.Settings.Copy()
					du.Settings.SMSMfaSettings = sms
				}
			}
			continue
		}
		m.Migrated++
		pp.migrated[name] = true
		users = append(users, state.DesiredUser{Username: name, Settings: state.UserSettings{SMSMfaSettings: sms},
			MFAOptions: &[]state.MFAOption{}, Pos: pos, Path: path})
	}
	pp.dp.Users = users
	pp.migration = m
	if len(m.WithoutPhone) > 0 {
		pp.warnf("legacy-without-phone", "", pos, path, fmt.Sprintf("%s with legacy MFAOptions %s no phone_number and %s not migrated: %s",
			countOf(len(m.WithoutPhone), "user", "users"), verb(len(m.WithoutPhone), "has", "have"), verb(len(m.WithoutPhone), "is", "are"), nameList(m.WithoutPhone)),
			"their legacy SMS entry names an attribute they lack, so SMS cannot reach them; set their phone_number and plan again, or clear the entry with MFAOptions: [] for each")
	}
}

// prefersAnotherFactor reports whether Cognito reports a preferred factor
// other than SMS for u.
func prefersAnotherFactor(u *state.LiveUser) bool {
	for _, f := range state.MFAFactors {
		if v := f.User(u.Settings); f != state.SMS && v != nil && v.PreferredMfa {
			return true
		}
	}
	return false
}

func declaresPreferred(s state.UserSettings) bool {
	for _, f := range state.MFAFactors {
		if v := f.User(s); v != nil && v.Enabled && v.PreferredMfa {
			return true
		}
	}
	return false
}

// legacyRequest is the AdminSetUserSettings request for a user: the
// declared MFAOptions when they differ from live, else nil.
func legacyRequest(du state.DesiredUser, lu *state.LiveUser) *[]state.MFAOption {
	if du.MFAOptions == nil || sameOptions(*du.MFAOptions, lu.MFAOptions) {
		return nil
	}
	req := slices.Clone(*du.MFAOptions)
	if req == nil {
		req = []state.MFAOption{}
	}
	return &req
}

// sameOptions compares two lists of MFAOptions as sets.
func sameOptions(a, b []state.MFAOption) bool {
	has := func(list []state.MFAOption, o state.MFAOption) bool { return slices.Contains(list, o) }
	for _, o := range a {
		if !has(b, o) {
			return false
		}
	}
	for _, o := range b {
		if !has(a, o) {
			return false
		}
	}
	return true
}

// checkLegacy checks a user's legacy request: Cognito refuses an SMS entry
// for a user without a phone_number, and one the pool cannot serve is of
// no use.
func (pp *poolPlan) checkLegacy(up *userPlan) {
	if up.legacy == nil || len(*up.legacy) == 0 {
		return
	}
	du := up.du
	pos, path := du.PosOf("MFAOptions"), joinPath(du.Path, "MFAOptions")
	if !up.lu.HasPhoneNumber {
		pp.errorf("user-lacks-attribute", du.Username, pos, path, fmt.Sprintf("legacy SMS MFAOptions cannot be set for user %s: the user has no phone_number", du.Username),
			"set the user's phone_number attribute first, or use MFAOptions: [] for this user")
	}
	if !pp.dp.Self && !state.SMS.PoolHas(pp.desired) {
		pp.warnf("legacy-sms-not-offered", du.Username, pos, path, fmt.Sprintf("legacy SMS MFAOptions are set for user %s while user pool %s does not offer SMS MFA", du.Username, pp.dp.UserPoolId),
			"what Cognito does with a legacy SMS entry while the pool has SMS off is not documented; enable SmsMfaConfiguration, or use MFAOptions: []")
	}
}

// legacyCalls are the AdminSetUserSettings calls, after every preference
// call of the pool.
func (pp *poolPlan) legacyCalls() []Call {
	var calls []Call
	for _, up := range pp.users {
		if up.legacy == nil {
			continue
		}
		c := Call{Operation: AdminSetUserSettings, UserPoolId: pp.dp.UserPoolId, Username: up.du.Username, Stage: StageLegacy,
			LegacyRequest: up.legacy, LegacyMigration: pp.migrated[up.du.Username]}
		switch {
		case c.LegacyMigration:
			c.Reason = "LegacyMfaOptions: Migrate: clear the legacy entry (what Cognito does with an empty list is not documented)"
		case len(*up.legacy) == 0:
			c.Reason = "clear legacy MFAOptions (what Cognito does with an empty list is not documented)"
		default:
			c.Reason = "set legacy MFAOptions (AdminSetUserSettings is deprecated)"
		}
		calls = append(calls, c)
	}
	return calls
}

func orEmpty(opts []state.MFAOption) []state.MFAOption {
	if opts == nil {
		return []state.MFAOption{}
	}
	return opts
}

func countOf(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

func verb(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
