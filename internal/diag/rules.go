package diag

// Rule is one kind of diagnostic. Its ID is a contract: SARIF rule IDs,
// JUnit failure types and the Code of -o json all use it, and
// docs/diagnostics.md has a section whose anchor is the ID. Add rules;
// never rename or reuse one.
type Rule struct {
	ID   string
	Name string // a short title, as a heading says it
	Help string // what the rule is about and what to do, in a sentence or two
	// Severity is what the rule's diagnostics are: Error unless set.
	Severity Severity
	// QuietInSync marks a warning that is worth saying only when the plan
	// changes something: people-facing formats leave it out of a plan with
	// no changes (a drift check from cron stays clean); -o json keeps it.
	QuietInSync bool
	// Ignorable marks a warning about live state that a pool's Ignore
	// may silence once the team has acknowledged it (docs/file-format.md).
	// Errors never are: they stop the plan.
	Ignorable bool
}

// Unclassified is the code of a diagnostic that was made without one.
const Unclassified = "unclassified"

// HelpBase is where the rules are documented; a rule's help is HelpBase + "#" + ID.
const HelpBase = "https://github.com/mfactl/mfactl/blob/main/docs/diagnostics.md"

// HelpURI is the address of a rule's documentation.
func HelpURI(id string) string { return HelpBase + "#" + id }

// rules is the catalogue, in the order docs/diagnostics.md lists it:
// reading the files, the schema, merging, Cognito's rules, checks against
// live state.
var rules = []Rule{
	{ID: "input-unreadable", Name: "Input cannot be read", Help: "A path given with -f does not exist or cannot be read, a directory holds no *.yaml or *.yml file, or a file is too large, empty, not UTF-8 or holds control characters. Fix the path or the file's encoding."},
	{ID: "yaml-syntax", Name: "Invalid YAML", Help: "The file is not valid YAML. The first syntax error ends the file, as YAML cannot resynchronise after it."},
	{ID: "yaml-unsupported", Name: "Unsupported YAML feature", Help: "Duplicate keys, merge keys (<<), tags, keys that are not plain names, aliases that expand too far, and nesting too deep are refused: mfactl reads plain YAML values."},
	{ID: "schema-type", Name: "Wrong type", Help: "A field has a value of the wrong type (a string where a boolean is expected, a mapping where a list is expected). The message says which type is allowed."},
	{ID: "schema-value", Name: "Value not allowed", Help: "A field has a value outside its allowed set (MfaConfiguration is OFF, ON or OPTIONAL; Version is 1). The message lists the allowed values."},
	{ID: "schema-required", Name: "Required field missing", Help: "A required field (Version, UserPools, UserPoolId, Username, Enabled) is missing."},
	{ID: "schema-unknown-field", Name: "Unknown field", Help: "A field is not part of the file format at this place, often a typo or a field at the wrong level. The message names the nearest allowed field."},
	{ID: "schema-length", Name: "Value too long or too short", Help: "A text is longer or shorter than Cognito allows (an SMS message is 6 to 140 characters, a RelyingPartyId at most 127)."},
	{ID: "schema-pattern", Name: "Malformed value", Help: "A value does not have the form Cognito needs: a user pool ID such as eu-west-1_AbC123, an IAM role ARN, a message with the {####} placeholder."},
	{ID: "schema-empty", Name: "Empty list or block", Help: "A list or block that must hold something is empty (UserPools: [], SmsMfaConfiguration: {})."},
	{ID: "schema-invalid", Name: "Document does not match the schema", Help: "The document breaks the JSON Schema in a way that has no more specific rule; the message says where."},
	{ID: "pool-declared-twice", Name: "Pool configured twice", Help: "The pool-level fields of one user pool are set in two UserPools entries. Set them in one entry; other entries for the same pool may only list Users."},
	{ID: "duplicate-user", Name: "User declared twice", Help: "A user is declared twice for the same pool. Declare each user once per pool."},
	{ID: "username-case", Severity: Warning, Name: "Usernames differ only in case", Help: "Two declared usernames differ only in case. In a pool with case-insensitive usernames (Cognito's default) both name the same user."},
	{ID: "setting-without-effect", Severity: Warning, Name: "Setting has no effect", Help: "A setting is declared on a factor that is disabled, so it is never sent. Enable the factor or remove the setting."},
	{ID: "self-with-pools", Name: "Self together with UserPools", Help: "Self (your own settings, planned with your access token) and UserPools (planned with AWS credentials) go in separate files and separate runs."},
	{ID: "self-declared-twice", Name: "Self declared twice", Help: "Self is declared in more than one place; one access token is one user, so declare your own settings once."},
	{ID: "legacy-mfa-options", Severity: Warning, Name: "Legacy SMS MFAOptions", Help: "A user is given a legacy SMS entry with MFAOptions (AdminSetUserSettings, deprecated, and not shown by UserMFASettingList). Prefer SMSMfaSettings: {Enabled: true} with MFAOptions: []."},
	{ID: "cli-input-absent-is-off", Severity: Warning, Name: "AWS CLI input: absent factors are off", Help: "A file read as an aws cognito-idp set-user-pool-mfa-config input leaves factors out; that call replaces the whole configuration, so mfactl reads them as off."},
	{ID: "policy-declared-twice", Name: "Policy name used twice", Help: "Two policies of one pool have the same Name. Plans and reports name policies by it: give each its own."},
	{ID: "policy-sets-nothing", Name: "Policy sets nothing", Help: "A policy has no settings block. Give it the settings its users should have: SMSMfaSettings, SoftwareTokenMfaSettings, EmailMfaSettings or WebAuthnMfaSettings."},
	{ID: "filter-invalid", Name: "ListUsers filter Cognito refuses", Help: "A policy's Select.Filter (or report --filter) is not one Cognito's ListUsers accepts: one attribute of username, email, phone_number, name, given_name, family_name, preferred_username, cognito:user_status, status or sub, = or ^=, and a value in double quotes."},
	{ID: "enabled-under-off", Name: "Factor enabled while MFA is OFF", Help: "Cognito refuses any MFA factor while the pool's MfaConfiguration is OFF. Set OPTIONAL or ON, or disable the factor."},
	{ID: "mode-needs-factor", Name: "MFA mode without a factor", Help: "MfaConfiguration ON or OPTIONAL needs SMS, email or TOTP enabled on the pool; WebAuthn alone does not count."},
	{ID: "preferred-not-enabled", Name: "Preferred factor not enabled", Help: "A user's preferred factor must be enabled: set Enabled: true, or PreferredMfa: false."},
	{ID: "more-than-one-preferred", Name: "More than one preferred factor", Help: "A user has at most one preferred MFA factor."},
	{ID: "factor-not-offered", Name: "Factor not offered by the pool", Help: "A user enables a factor the pool does not offer after apply. Enable it on the pool too (mfactl turns it on before the user calls), or disable it for the user."},
	{ID: "webauthn-needs-multi-factor", Name: "Passkey MFA needs multi-factor configuration", Help: "WebAuthn counts as MFA only when the pool's WebAuthnConfiguration.FactorConfiguration is MULTI_FACTOR_WITH_USER_VERIFICATION."},
	{ID: "webauthn-needs-other-factor", Name: "Passkey MFA needs another factor", Help: "Cognito accepts a passkey as MFA only next to SMS, email or TOTP enabled for the same user."},
	{ID: "legacy-migration-needs-sms", Name: "Legacy migration needs SMS MFA", Help: "LegacyMfaOptions: Migrate moves users with legacy SMS MFAOptions to SMS MFA, so the pool must offer SMS MFA. Enable SmsMfaConfiguration, or remove LegacyMfaOptions."},
	{ID: "legacy-without-phone", Severity: Warning, Name: "Legacy users without a phone number", Help: "Users with a legacy SMS MFAOptions entry but no phone_number are not migrated: SMS cannot reach them. Set their phone_number, or clear the entry with MFAOptions: [].", Ignorable: true},
	{ID: "legacy-sms-not-offered", Severity: Warning, Name: "Legacy SMS entry while the pool has no SMS MFA", Help: "A user is given a legacy SMS MFAOptions entry while the pool does not offer SMS MFA; what Cognito does then is not documented. Enable SmsMfaConfiguration, or use MFAOptions: [].", Ignorable: true},
	{ID: "pool-not-found", Name: "User pool does not exist", Help: "Cognito has no user pool with this ID in the account and Region mfactl uses. Check the ID, the credentials and the Region (the part of the ID before the underscore)."},
	{ID: "user-not-found", Name: "User does not exist", Help: "The user does not exist in the pool. mfactl sets MFA for existing users only: create the user first, or remove it from the files."},
	{ID: "group-not-found", Name: "Group does not exist", Help: "A policy selects the members of a group the pool does not have. Create the group, or correct its name (group names are case-sensitive)."},
	{ID: "policies-disagree", Name: "Policies disagree for a user", Help: "Several policies select a user and give it different settings. They must agree (the same value in each block two declare, one preferred factor at most), unless both are Group policies and the groups' Precedence decides. Narrow a selection, make the settings agree, or name the users under Users."},
	{ID: "policy-users-ineligible", Name: "Policy selects users who cannot take its factor", Help: "Under Ineligible: Error, a policy selects users without the attribute its factor needs (phone_number for SMS, email for email codes). Give them the attribute, or set Ineligible: Report or Skip."},
	{ID: "disable-under-on", Name: "Factor disabled under MFA ON", Help: "Under MfaConfiguration ON Cognito accepts a per-user disable but keeps challenging the user with the factor. Change only PreferredMfa, or set the pool to OPTIONAL."},
	{ID: "user-lacks-attribute", Name: "User lacks the attribute a factor needs", Help: "SMS MFA needs a phone_number attribute and email MFA an email attribute. Set the attribute first, or leave the factor out for this user."},
	{ID: "not-fully-readable", Name: "Not fully readable", Help: "Cognito answered with a member the AWS SDK mfactl is built with does not know (it would be dropped silently). mfactl writes nothing to a pool or user it cannot read completely; upgrade mfactl to a version that knows the member."},
	{ID: "partly-read", Severity: Warning, Name: "Read in part", Help: "Cognito answered with a member the AWS SDK mfactl is built with does not know. The plan changes nothing here, but cannot show a difference in that member; upgrade mfactl to a version that knows it."},
	{ID: "totp-not-registered", Name: "No authenticator app registered", Help: "TOTP can be enabled only for a user who registered an authenticator app; an administrator cannot register one for them."},
	{ID: "sms-sender", Name: "SMS sender: SNS or End User Messaging", Help: "SmsConfiguration names the role Cognito sends SMS with: SnsCallerArn (Amazon SNS) or EumsSms (AWS End User Messaging), exactly one of them."},
	{ID: "sms-role-missing", Name: "SMS MFA without an SNS role", Help: "SMS MFA needs SmsConfiguration with an SnsCallerArn and ExternalId, from the files or from the pool."},
	{ID: "tier-unknown", Severity: Warning, Name: "Feature tier unknown", Help: "Cognito did not report the pool's feature tier; email MFA needs the Essentials or Plus tier.", Ignorable: true},
	{ID: "tier-unavailable", Name: "Not available on the pool's tier", Help: "Email MFA and FactorConfiguration MULTI_FACTOR_WITH_USER_VERIFICATION need the Essentials or Plus tier, threat protection the Plus tier. Declare UserPoolTier (mfactl raises it first), or stop using the feature; mfactl never lowers the tier below what the declared configuration needs."},
	{ID: "tier-change", Severity: Warning, Name: "Feature plan changes", Help: "A declared UserPoolTier differs from the pool's: applying the plan changes what AWS bills for the pool. Check the pricing of the tier before applying."},
	{ID: "webauthn-first-factor-alone", Name: "WEB_AUTHN alone as first factor", Help: "AllowedFirstAuthFactors [WEB_AUTHN] leaves users without a passkey no way to sign in and register one. Add PASSWORD (or EMAIL_OTP or SMS_OTP)."},
	{ID: "risk-without-threat-protection", Name: "Risk actions without threat protection", Help: "A RiskConfiguration is declared while threat protection (UserPoolAddOns.AdvancedSecurityMode) is OFF: Cognito refuses SetRiskConfiguration and would not act on it. Declare AUDIT or ENFORCED, on the PLUS tier."},
	{ID: "adaptive-mfa-under-on", Severity: Warning, Name: "Adaptive MFA under MFA ON", Help: "A risk action MFA_IF_CONFIGURED has no effect while MfaConfiguration is ON: every user is challenged anyway. AWS advises OPTIONAL with adaptive authentication."},
	{ID: "app-client-not-found", Name: "App client does not exist", Help: "AppClients names a ClientId the pool does not have. Correct the ID, or create the app client first."},
	{ID: "update-user-pool-incomplete", Name: "UpdateUserPool cannot carry the pool", Help: "The pool has a member mfactl reads but its AWS SDK cannot send in UpdateUserPool (SmsConfiguration.EumsSms). UpdateUserPool resets what a request omits, so mfactl refuses to plan one for this pool; the message names the member."},
	{ID: "ses-required", Name: "Email MFA needs Amazon SES", Help: "Email MFA needs the pool to send email through Amazon SES (EmailSendingAccount DEVELOPER). mfactl does not change the pool's EmailConfiguration."},
	{ID: "recovery-email-only", Name: "Account recovery relies on email alone", Help: "Email MFA cannot be used while account recovery relies on verified_email alone. Add verified_phone_number or admin_only first."},
	{ID: "first-factor-blocks-on", Name: "Sign-in policy blocks MFA ON", Help: "MfaConfiguration ON is refused while the sign-in policy allows EMAIL_OTP or SMS_OTP as a first factor, or WEB_AUTHN without MULTI_FACTOR_WITH_USER_VERIFICATION."},
	{ID: "sms-serves-phone-numbers", Name: "SMS MFA held on by phone-number use", Help: "Cognito refuses to turn SMS MFA off while the pool's SMS configuration also sends codes for phone-number verification or sign-in. Keep SMS MFA enabled, or change the pool first."},
	{ID: "totp-registration-unknown", Severity: Warning, Name: "Authenticator registration cannot be seen", Help: "Cognito's reads do not show whether a user whose TOTP is off has registered an authenticator app, and Cognito refuses to enable TOTP for one who has not. The call is planned as uncertain; apply reports a refusal and finishes the other calls.", Ignorable: true},
	{ID: "on-steps-through-optional", Severity: Warning, Name: "Pool steps through OPTIONAL", Help: "Moving users off a factor under MfaConfiguration ON needs the pool OPTIONAL during the user calls (a per-user disable does not take effect under ON); users without a factor sign in without MFA meanwhile.", Ignorable: true},
	{ID: "on-leaves-users-without-mfa", Severity: Warning, Name: "MFA ON for users without a factor", Help: "The pool goes ON while declared users have no factor: Cognito makes them set up MFA at their next sign-in.", Ignorable: true},
	{ID: "factor-removed-while-in-use", Severity: Warning, Name: "Factor removed while users keep it", Help: "A factor is removed from the pool while declared users keep it enabled; what Cognito does when they sign in is not documented. Move them off it first.", Ignorable: true},
	{ID: "user-settings-unknown", Severity: Warning, Name: "User's live MFA settings unknown", Help: "Cognito's list of the user's factors cannot be trusted (legacy MFAOptions, or TOTP set up at sign-in). The user is shown as unknown, not off, and every declared block Cognito does not confirm is sent. Text, Markdown and annotation output leave this warning out of plans that change nothing.", QuietInSync: true, Ignorable: true},
	{ID: "webauthn-unverifiable", Severity: Warning, Name: "WebAuthn setting cannot be verified", Help: "Cognito does not report WebAuthnMfaSettings, so mfactl cannot tell whether it is in sync; it is sent only with another change to the same user, or with --resend-write-only. Text, Markdown and annotation output leave this warning out of plans that change nothing.", QuietInSync: true, Ignorable: true},
	{ID: "plan-file-unsigned", Severity: Warning, Name: "Unsigned plan file shown in part", Help: "mfactl show leaves out the warnings and the --target scope a plan file records unless MFACTL_PLAN_KEY is set and its signature matches: nothing else vouches for them, while apply checks the calls and changes shown against live state. Sign plan files (MFACTL_PLAN_KEY for plan --out and show) to see everything."},
	{ID: "internal-error", Name: "Internal error", Help: "mfactl found a fault in itself (an invalid planned request, a state it did not read). Nothing was changed; please report it."},
	{ID: Unclassified, Name: "Other problem", Help: "A problem without a more specific rule; the message says what it is."},
}

var byID = func() map[string]Rule {
	m := make(map[string]Rule, len(rules))
	for i := range rules {
		if rules[i].Severity == "" {
			rules[i].Severity = Error
		}
		m[rules[i].ID] = rules[i]
	}
	return m
}()

// Rules returns the catalogue, in documentation order.
func Rules() []Rule { return append([]Rule(nil), rules...) }

// RuleOf returns the rule of d: its Code's, or Unclassified when d has no
// code or one the catalogue does not know.
func RuleOf(d Diagnostic) Rule {
	if r, ok := byID[d.Code]; ok {
		return r
	}
	return byID[Unclassified]
}

// KnownCode reports whether code is in the catalogue.
func KnownCode(code string) bool {
	_, ok := byID[code]
	return ok
}
