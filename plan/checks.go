package plan

import (
	"fmt"

	"github.com/mfactl/mfactl/internal/diag"
	"slices"
	"strings"

	"github.com/mfactl/mfactl/internal/rules"
	"github.com/mfactl/mfactl/internal/state"
)

// The checks encode what Cognito refuses, or accepts and then does
// something surprising with (docs/planning.md, "Checks", lists them all).
// Errors stop the plan; warnings are shown with it.

// maxNamed caps the users named in one diagnostic.
const maxNamed = 10

// checkDeclaredPool checks the pool-level fields as declared. Settings
// declared on a disabled factor are the loader's warning (schema), being
// decidable from the files alone.
func (pp *poolPlan) checkDeclaredPool() {
	d := pp.dp.Config
	for _, f := range rules.EnabledUnderOff(d, pp.desired.MfaConfiguration, d.MfaConfiguration != state.ModeUnset) {
		pos, path := pp.poolField(f.Factor.PoolBlock)
		pp.add(f.At(pos, path))
	}
}

// checkUser checks one user's declaration and request against the user's
// live attributes and the pool's configuration.
func (pp *poolPlan) checkUser(up *userPlan) {
	du := up.du
	if du.FromPolicy() {
		return // checkPolicies checks them, a policy at a time
	}
	for _, f := range rules.PreferredNotEnabled(rules.User(du.Username), du.Settings) {
		pp.add(f.At(du.PosOf(f.Field), joinPath(du.Path, f.Factor.UserBlock)))
	}
	if f := rules.MorePreferred(rules.User(du.Username), du.Settings); f != nil {
		pp.add(f.At(du.Pos, du.Path))
	}

	for _, f := range state.MFAFactors {
		if up.enables(f) {
			pp.checkEnable(up, f, joinPath(du.Path, f.UserBlock))
		}
	}

	webAuthn := func(f *rules.Finding) {
		pp.add(f.At(du.PosOf(state.WebAuthn.UserBlock), joinPath(du.Path, state.WebAuthn.UserBlock)))
	}
	// A self-service plan does not know the pool's configuration: Cognito
	// decides what depends on it.
	if f := rules.WebAuthnNeedsMultiFactor(rules.User(du.Username), du.Settings, webAuthnFactorConfiguration(pp.desired)); f != nil && !pp.dp.Self {
		webAuthn(f)
	}
	if f := rules.WebAuthnNeedsOtherFactor(rules.User(du.Username), up.desired, rules.Complete); f != nil {
		webAuthn(f)
	}
}

// notRegistered: AdminGetUserAuthFactors told that lu registered no
// authenticator app.
func notRegistered(lu *state.LiveUser) bool {
	return lu != nil && lu.TOTPRegistered != nil && !*lu.TOTPRegistered
}

// checkEnable checks that factor f can be switched on for up.
func (pp *poolPlan) checkEnable(up *userPlan, f *state.Factor, path string) {
	du, lu := up.du, up.lu
	if finding := rules.FactorNotOffered(f, rules.User(du.Username), *up.request, pp.desired, rules.Complete); finding != nil && !pp.dp.Self {
		fact := fmt.Sprintf("user pool %s will not offer it after apply", pp.dp.UserPoolId)
		if finding.Field == "MfaConfiguration" {
			fact = fmt.Sprintf("MFA is OFF for user pool %s", pp.dp.UserPoolId)
		}
		pp.add(finding.Because(fact).At(du.PosOf(f.UserBlock), path))
	}
	if !f.HasAttribute(lu) {
		note := ""
		if f == state.SMS {
			note = " (it need not be verified)"
		}
		pp.errorf("user-lacks-attribute", du.Username, du.PosOf(f.UserBlock), path, fmt.Sprintf("%s MFA cannot be enabled for user %s: the user has no %s", f.Label, du.Username, f.Attribute),
			fmt.Sprintf("set the user's %s attribute first%s, or leave %s out for this user", f.Attribute, note, f.UserBlock))
	}
	if f == state.TOTP && notRegistered(lu) && !pp.dp.Self {
		pp.errorf("totp-not-registered", du.Username, du.PosOf(f.UserBlock), path, fmt.Sprintf("TOTP MFA cannot be enabled for user %s: the user has registered no authenticator app", du.Username),
			"AdminGetUserAuthFactors lists no SOFTWARE_TOKEN for the user, and Cognito refuses to enable TOTP without one; the user registers one (mfactl totp enroll), or leave SoftwareTokenMfaSettings out for this user")
	}
	if f == state.TOTP && lu.Unknown == "" && pp.dp.Self {
		// GetUser does not show a registered authenticator either, but
		// the user is the one who can register it: warn, and let Cognito
		// decide.
		pp.warnf("totp-registration-unknown", du.Username, du.PosOf(f.UserBlock), path, "TOTP is off for you: Cognito refuses to enable it unless an authenticator app is registered",
			"mfactl cannot see whether one is; if none is, register one with `mfactl totp enroll --access-token-file FILE`, which also enables TOTP (add --preferred to prefer it)")
	}
	// For an administrator, a factor the user must have registered (TOTP)
	// is not checked here either: reads cannot show it, so the call is
	// planned as uncertain (warnUncertain) and apply contains a refusal.
}

// checkPolicies checks the users policies give settings to, a policy at a
// time: a policy's settings broke the validate rules already, so what is
// left is what live state decides, said once per policy with the users it
// concerns (a policy may have thousands).
func (pp *poolPlan) checkPolicies() {
	type finding struct {
		code        string
		pos         state.Pos
		path        string
		summary     func(users string) string
		detail      string
		users       []string
		severityErr bool
	}
	var order []string
	found := map[string]*finding{}
	note := func(key string, f finding, user string) {
		if found[key] == nil {
			order = append(order, key)
			found[key] = &f
		}
		found[key].users = append(found[key].users, user)
	}
	unknown := map[string][]string{}
	uncertain := map[string]int{} // by policy: users whose call Cognito may refuse
	for _, up := range pp.users {
		du := up.du
		if !du.FromPolicy() {
			continue
		}
		pol := pp.policy(du.Policies[0])
		for _, f := range state.MFAFactors {
			path := joinPath(pol.Path, f.UserBlock)
			if up.enables(f) {
				if nf := rules.FactorNotOffered(f, rules.Policy(pol.Name), *up.request, pp.desired, rules.Complete); nf != nil {
					fact := fmt.Sprintf("user pool %s will not offer it after apply", pp.dp.UserPoolId)
					if nf.Field == "MfaConfiguration" {
						fact = fmt.Sprintf("MFA is OFF for user pool %s", pp.dp.UserPoolId)
					}
					d := nf.Because(fact).At(pol.PosOf(f.UserBlock), path)
					note("offered "+pol.Name+f.UserBlock, finding{code: d.Code, pos: d.Pos, path: d.Path, summary: func(string) string { return d.Summary }, detail: d.Detail, severityErr: true}, du.Username)
				}
			}
		}
		pos, path := pol.PosOf(state.WebAuthn.UserBlock), joinPath(pol.Path, state.WebAuthn.UserBlock)
		if f := rules.WebAuthnNeedsMultiFactor(rules.Policy(pol.Name), du.Settings, webAuthnFactorConfiguration(pp.desired)); f != nil {
			d := f.At(pos, path)
			note("webauthn-mf "+pol.Name, finding{code: d.Code, pos: pos, path: path, summary: func(string) string { return d.Summary }, detail: d.Detail, severityErr: true}, du.Username)
		}
		if f := rules.WebAuthnNeedsOtherFactor(rules.User(du.Username), up.desired, rules.Complete); f != nil {
			name := pol.Name
			note("webauthn-other "+pol.Name, finding{code: f.Code, pos: pos, path: path, severityErr: true,
				summary: func(users string) string {
					return fmt.Sprintf("WebAuthn MFA of policy %s needs another MFA factor enabled for each user, and these have none: %s", name, users)
				}, detail: f.Detail}, du.Username)
		}
		if up.lu.Unknown != "" {
			unknown[pol.Name] = append(unknown[pol.Name], du.Username)
		}
		if up.uncertain != "" {
			for _, name := range du.Policies {
				uncertain[name]++
			}
		}
	}
	for _, key := range order {
		f := found[key]
		severity := diag.Warning
		if f.severityErr {
			severity = diag.Error
		}
		pp.add(diag.Diagnostic{Severity: severity, Code: f.code, UserPoolId: pp.dp.UserPoolId, Pos: f.pos, Path: f.path, Summary: f.summary(nameList(f.users)), Detail: f.detail})
	}
	for _, out := range pp.policies.outcomes {
		pol := pp.policy(out.Name)
		if names := unknown[out.Name]; len(names) > 0 {
			pp.warnf("user-settings-unknown", "", pol.Pos, pol.Path, fmt.Sprintf("live MFA settings of %s selected by policy %s are unknown: %s", countOf(len(names), "user", "users"), out.Name, nameList(names)),
				"Cognito's list of their factors cannot be trusted (legacy MFAOptions, or TOTP set up at sign-in under ON): they are shown as unknown, not off, and mfactl sends each block of the policy that Cognito does not confirm")
		}
		if n := uncertain[out.Name]; n > 0 {
			what := "a refusal for lack of an authenticator counts as ineligible, not as a failed apply, and does not hold back the pool's later stages"
			if out.Ineligible == state.IneligibleError {
				what = "with Ineligible: Error, a refusal fails as any call does"
			}
			pp.warnf("totp-registration-unknown", "", pol.PosOf("SoftwareTokenMfaSettings"), joinPath(pol.Path, "SoftwareTokenMfaSettings"),
				fmt.Sprintf("policy %s switches TOTP on for %s whose authenticator Cognito cannot show", out.Name, countOf(n, "user", "users")),
				"Cognito accepts it only for a user who registered an authenticator app (AssociateSoftwareToken, VerifySoftwareToken), and no read shows who has; "+what)
		}
	}
}

// policy returns the pool's policy of that name.
func (pp *poolPlan) policy(name string) state.Policy {
	for _, p := range pp.dp.Policies {
		if p.Name == name {
			return p
		}
	}
	return state.Policy{Name: name}
}

// checkPoolCalls checks the pool configurations the calls will send.
func (pp *poolPlan) checkPoolCalls() {
	if samePool(pp.desired, pp.live) {
		return
	}
	d, pre := pp.desired, pp.effectivePrerequisites()
	tierDeclared := pp.dp.Posture.UserPoolTier != "" // then checkPosture checks what needs it
	if f := rules.ModeNeedsFactor(d, rules.Complete); f != nil {
		pos, path := pp.poolField(f.Field)
		pp.add(f.At(pos, path))
	}
	if s := d.SmsMfaConfiguration; s != nil {
		var missing []string
		switch {
		case s.SmsConfiguration != nil && s.SmsConfiguration.EumsSms != nil:
			// AWS End User Messaging: the role is required, its
			// external ID optional (the model has no constraint).
			if s.SmsConfiguration.EumsSms.CallerArn == "" {
				missing = append(missing, "EumsSms.CallerArn")
			}
		default:
			if s.SmsConfiguration == nil || s.SmsConfiguration.SnsCallerArn == "" {
				missing = append(missing, "SnsCallerArn")
			}
			if s.SmsConfiguration == nil || s.SmsConfiguration.ExternalId == "" {
				missing = append(missing, "ExternalId")
			}
		}
		if len(missing) > 0 {
			pos, path := pp.poolField("SmsMfaConfiguration.SmsConfiguration")
			pp.errorf("sms-role-missing", "", pos, path, "SMS MFA needs an SNS role, but SmsConfiguration has no "+strings.Join(missing, " and "),
				"neither the files nor the pool (GetUserPoolMfaConfig, DescribeUserPool) provide it: set SmsConfiguration: {SnsCallerArn: <IAM role ARN>, ExternalId: <its external ID>}")
		}
	}
	if d.EmailMfaConfiguration != nil && pp.live.EmailMfaConfiguration == nil {
		pp.checkEmailPrerequisites(pre, tierDeclared)
	}
	if fc := webAuthnFactorConfiguration(d); fc == state.MultiFactorWithUserVerification && fc != webAuthnFactorConfiguration(pp.live) && pre.Tier == "LITE" && !tierDeclared {
		pos, path := pp.poolField("WebAuthnConfiguration.FactorConfiguration")
		pp.errorf("tier-unavailable", "", pos, path, fmt.Sprintf("FactorConfiguration %s is not available on the Lite tier of user pool %s", fc, pp.dp.UserPoolId),
			"Cognito refuses it with FeatureUnavailableInTierException: move the pool to the Essentials or Plus tier first")
	}
	if d.MfaConfiguration == state.ModeOn {
		pos, path := pp.poolField("MfaConfiguration")
		for _, factor := range []string{"EMAIL_OTP", "SMS_OTP"} {
			if slices.Contains(pre.FirstAuthFactors, factor) {
				pp.errorf("first-factor-blocks-on", "", pos, path, fmt.Sprintf("MfaConfiguration ON is refused while the sign-in policy allows %s as a first factor", factor),
					"remove EMAIL_OTP and SMS_OTP from the pool's AllowedFirstAuthFactors (declare SignInPolicy), or use OPTIONAL")
			}
		}
		if fc := webAuthnFactorConfiguration(d); slices.Contains(pre.FirstAuthFactors, "WEB_AUTHN") && fc != state.MultiFactorWithUserVerification {
			pp.errorf("first-factor-blocks-on", "", pos, path, "MfaConfiguration ON is refused while WEB_AUTHN is a first factor and WebAuthnConfiguration.FactorConfiguration is "+orNotSet(fc),
				fmt.Sprintf("set WebAuthnConfiguration.FactorConfiguration: %s, or remove WEB_AUTHN from the pool's AllowedFirstAuthFactors", state.MultiFactorWithUserVerification))
		}
	}
}

// checkEmailPrerequisites checks what email MFA needs from the pool (read
// with DescribeUserPool; mfactl never changes it).
func (pp *poolPlan) checkEmailPrerequisites(pre state.Prerequisites, tierDeclared bool) {
	pos, path := pp.poolField("EmailMfaConfiguration")
	id := pp.dp.UserPoolId
	switch {
	case tierDeclared:
	case pre.Tier == "LITE":
		pp.errorf("tier-unavailable", "", pos, path, fmt.Sprintf("email MFA is not available on the Lite tier of user pool %s", id),
			"Cognito refuses it with FeatureUnavailableInTierException: move the pool to the Essentials or Plus tier first")
	case pre.Tier == "":
		pp.warnf("tier-unknown", "", pos, path, fmt.Sprintf("the feature tier of user pool %s is unknown", id),
			"Cognito did not report it; email MFA needs the Essentials or Plus tier (FeatureUnavailableInTierException otherwise)")
	}
	if pre.EmailSendingAccount != "DEVELOPER" {
		pp.errorf("ses-required", "", pos, path, fmt.Sprintf("email MFA needs user pool %s to send email with Amazon SES, but its EmailSendingAccount is %s", id, orNotSet(pre.EmailSendingAccount)),
			"configure the pool's EmailConfiguration with an SES identity and EmailSendingAccount: DEVELOPER first (mfactl does not change it)")
	}
	if len(pre.RecoveryMechanisms) == 1 && pre.RecoveryMechanisms[0] == "verified_email" {
		pp.errorf("recovery-email-only", "", pos, path, fmt.Sprintf("email MFA cannot be used while account recovery of user pool %s relies on email alone", id),
			"add verified_phone_number or admin_only to the pool's AccountRecoverySetting first (mfactl does not change it)")
	}
}

// warnAboutUsers reports what will surprise users at sign-in, and what
// mfactl cannot verify.
func (pp *poolPlan) warnAboutUsers() {
	if pp.desired.MfaConfiguration == state.ModeOn && (pp.live.MfaConfiguration != state.ModeOn || pp.during.MfaConfiguration != state.ModeOn) {
		// Going ON, or back to ON after the users stage: name who will
		// have no factor then (under a pool that stays ON, only the users
		// this plan moves off one).
		var names []string
		for _, up := range pp.users {
			if !hasUsableFactor(up.desired) && (pp.live.MfaConfiguration != state.ModeOn || slices.ContainsFunc(state.MFAFactors, up.disables)) {
				names = append(names, up.du.Username)
			}
		}
		if len(names) > 0 {
			pos, path := pp.poolField("MfaConfiguration")
			pp.warnf("on-leaves-users-without-mfa", "", pos, path, fmt.Sprintf("MfaConfiguration goes ON while %s no MFA factor: %s", countUsers(len(names), "has", "have"), nameList(names)),
				"Cognito will make them set up MFA (MFA_SETUP challenge) at their next sign-in; users not declared in the files were not read and may be in the same situation")
		}
	}
	for _, f := range state.MFAFactors {
		// TOTP users keep working after the pool drops TOTP; for the
		// others it is not documented.
		if f == state.TOTP || !f.PoolHas(pp.live) || f.PoolHas(pp.desired) || pp.desired.MfaConfiguration == state.ModeOff {
			continue
		}
		var names []string
		for _, up := range pp.users {
			if f.User(up.desired) != nil {
				names = append(names, up.du.Username)
			}
		}
		if len(names) > 0 {
			pos, path := pp.poolField(f.PoolBlock)
			pp.warnf("factor-removed-while-in-use", "", pos, path, fmt.Sprintf("%s MFA is removed from the pool while %s it enabled: %s", f.Label, countUsers(len(names), "keeps", "keep"), nameList(names)),
				fmt.Sprintf("what Cognito does when they sign in is not documented; declare %s: {Enabled: false} and another factor for them to move them off it first", f.UserBlock))
		}
	}
	if pp.live.MfaConfiguration == state.ModeOn && pp.during.MfaConfiguration == state.ModeOptional && pp.desired.MfaConfiguration == state.ModeOn {
		pos, path := pp.poolField("MfaConfiguration")
		pp.warnf("on-steps-through-optional", "", pos, path, fmt.Sprintf("user pool %s is OPTIONAL while its users are moved off %s, and ON again after them", pp.dp.UserPoolId, factorLabels(pp.disabledFactors())),
			"under ON a per-user disable answers 200 but does not take effect (aws-sdk-js-v3#7961), so the pool steps through OPTIONAL, as on the way from OFF to ON; for the duration of the users stage, users with no MFA factor enabled sign in without MFA, and if a user call fails apply does not start the last stage, so the pool stays OPTIONAL until plan and apply run again")
	}
	for _, up := range pp.users {
		// A migrated user is unknown for its legacy entry, which the
		// migration itself replaces: LegacyMigration counts them. A
		// policy's users are counted per policy (checkPolicies).
		if up.lu.Unknown != "" && !pp.migrated[up.du.Username] && !up.du.FromPolicy() {
			pp.warnUnknown(up)
		}
	}
	pp.warnUncertain()
	var withheld []*userPlan
	for _, up := range pp.users {
		if up.withheldWebAuthn {
			withheld = append(withheld, up)
		}
	}
	const why = "Cognito does not report it, so mfactl cannot tell whether it is in sync; it is sent only along with another change to the same user; to send it now: mfactl apply --resend-write-only"
	switch len(withheld) {
	case 0:
	case 1:
		up := withheld[0]
		pp.warnf("webauthn-unverifiable", up.du.Username, up.du.PosOf("WebAuthnMfaSettings"), joinPath(up.du.Path, "WebAuthnMfaSettings"), fmt.Sprintf("WebAuthnMfaSettings of user %s cannot be verified", up.du.Username), why)
	default:
		names := make([]string, len(withheld))
		for i, up := range withheld {
			names[i] = up.du.Username
		}
		pp.warnf("webauthn-unverifiable", "", pp.dp.Pos, joinPath(pp.dp.Path, "Users"), fmt.Sprintf("WebAuthnMfaSettings of %d users cannot be verified: %s", len(names), nameList(names)), why)
	}
}

// warnUncertain reports the user calls that Cognito may refuse for a
// reason reads cannot show: each is marked on its call (Call.Uncertain),
// and this says what happens if it is refused.
func (pp *poolPlan) warnUncertain() {
	if pp.dp.Self {
		return // checkEnable tells the user, who is the one who can register
	}
	var uncertain []*userPlan
	for _, up := range pp.users {
		if up.uncertain != "" && !up.du.FromPolicy() { // checkPolicies counts a policy's users
			uncertain = append(uncertain, up)
		}
	}
	if len(uncertain) == 0 {
		return
	}
	refused := "If Cognito refuses a call, apply reports it and finishes the other user calls"
	if !samePool(pp.during, pp.desired) {
		refused += fmt.Sprintf(", but does not start this pool's last stage (%s), so the pool is never narrowed over a user whose call failed", describePoolChange(pp.during, pp.desired))
	}
	detail := "Cognito enables TOTP only for a user who has registered an authenticator app, and its reads do not show whether a user whose TOTP is off has one (users whose app never called SetUserMFAPreference, or whose TOTP was switched off, have one). An administrator cannot register one: the user must, with AssociateSoftwareToken then VerifySoftwareToken (from your app, or when prompted at sign-in). " +
		refused + "; plan and apply again once the user has registered"
	if len(uncertain) == 1 {
		up := uncertain[0]
		pp.warnf("totp-registration-unknown", up.du.Username, up.du.PosOf(state.TOTP.UserBlock), joinPath(up.du.Path, state.TOTP.UserBlock), up.uncertain, detail)
		return
	}
	names := make([]string, len(uncertain))
	for i, up := range uncertain {
		names[i] = up.du.Username
	}
	pp.warnf("totp-registration-unknown", "", pp.dp.Pos, joinPath(pp.dp.Path, "Users"), fmt.Sprintf("Cognito cannot show whether %d declared users have registered an authenticator app, and refuses to enable TOTP for those who have not: %s", len(names), nameList(names)), detail)
}

func (pp *poolPlan) warnUnknown(up *userPlan) {
	var sent []string
	for _, f := range state.Factors {
		if up.sends(f) {
			sent = append(sent, f.UserBlock)
		}
	}
	declared := false
	for _, f := range state.MFAFactors {
		declared = declared || f.User(up.du.Settings) != nil
	}
	detail := "it is shown as unknown, not off; "
	switch {
	case len(sent) > 0:
		detail += "mfactl sends each declared block that Cognito does not confirm (a factor it lists is on; one it leaves out may not be off): " + strings.Join(sent, ", ")
	case declared && len(up.notSent) == 0:
		detail += "every declared factor is one Cognito lists as on, so nothing is sent"
	case declared:
		detail += "nothing is sent"
	default:
		detail += "nothing is declared for this user, so nothing is sent"
	}
	for _, why := range up.notSent {
		detail += "; " + why
	}
	pp.warnf("user-settings-unknown", up.du.Username, up.du.Pos, up.du.Path, fmt.Sprintf("live MFA settings of user %s are unknown: %s", up.du.Username, up.lu.Unknown), detail)
}

// checkPhoneNumberUses refuses a plan whose pool calls would leave SMS MFA
// off while the pool's SMS configuration also serves phone-number
// verification or sign-in: Cognito answers "Can't turn off SMS_MFA when
// SMS configuration is set for the user pool" (amplify-backend#1481).
// Which settings exactly couple the two is inferred, so the check is
// strict: any of them, for any request ON or OPTIONAL without SMS, and for
// OFF while SMS is on. The emulator refuses the same calls.
func (pp *poolPlan) checkPhoneNumberUses() {
	uses := pp.lp.Prerequisites.PhoneNumberUses()
	if len(uses) == 0 {
		return
	}
	before := pp.live
	for _, c := range pp.calls {
		if c.PoolRequest == nil {
			continue
		}
		req := *c.PoolRequest
		off := !state.SMS.PoolHas(req) && (req.MfaConfiguration != state.ModeOff || state.SMS.PoolHas(before))
		before = req
		if !off {
			continue
		}
		var serves, change []string
		for _, u := range uses {
			serves = append(serves, fmt.Sprintf("%s (%s: phone_number)", u.Purpose, u.Setting))
			if u.Setting == "AutoVerifiedAttributes" {
				change = append(change, "remove phone_number from its AutoVerifiedAttributes (UpdateUserPool)")
			} else {
				change = append(change, fmt.Sprintf("%s cannot change once a pool exists, so a pool whose users sign in with phone numbers keeps SMS MFA", u.Setting))
			}
		}
		field := "MfaConfiguration"
		if state.SMS.PoolHas(pp.dp.Config) {
			field = state.SMS.PoolBlock // the files switch it off
		}
		pos, path := pp.poolField(field)
		pp.errorf("sms-serves-phone-numbers", "", pos, path,
			fmt.Sprintf("SMS MFA cannot be off in user pool %s: its SMS configuration also serves %s", pp.dp.UserPoolId, strings.Join(serves, " and ")),
			fmt.Sprintf(`Cognito refuses to turn SMS MFA off, or to set MfaConfiguration ON or OPTIONAL without it, while the pool's SMS configuration sends codes to phone numbers for anything else ("Can't turn off SMS_MFA when SMS configuration is set for the user pool", amplify-backend#1481); the exact condition is not documented, so mfactl is strict. Keep SmsMfaConfiguration enabled, or change the pool first (mfactl does not change it): %s`, strings.Join(change, "; ")))
		return
	}
}

func factorLabels(fs []*state.Factor) string {
	labels := make([]string, len(fs))
	for i, f := range fs {
		labels[i] = f.Label
	}
	return strings.Join(labels, " and ")
}

func webAuthnFactorConfiguration(c state.PoolConfig) string {
	if c.WebAuthnConfiguration == nil || c.WebAuthnConfiguration.FactorConfiguration == nil {
		return ""
	}
	return *c.WebAuthnConfiguration.FactorConfiguration
}

func orNotSet(s string) string {
	if s == "" {
		return "not set"
	}
	return s
}

// nameList joins names, naming at most maxNamed of them.
func nameList(names []string) string {
	if len(names) <= maxNamed {
		return strings.Join(names, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(names[:maxNamed], ", "), len(names)-maxNamed)
}

func countUsers(n int, singular, plural string) string {
	if n == 1 {
		return "1 declared user " + singular
	}
	return fmt.Sprintf("%d declared users %s", n, plural)
}
