package conformance

import "strings"

// Reasons cognito-local 5.3.0 departs from real Cognito (see docs/conformance.md, "Divergences are asserted, not skipped").
const (
	becauseAlwaysBothBlocks = "GetUserPoolMfaConfig always returns an SMS block (empty if never set) and a TOTP block"
	becausePatch            = "SetUserPoolMfaConfig is a patch: omitted blocks and an omitted mode keep their old values"
	becauseNoPoolValidation = "SetUserPoolMfaConfig validates nothing"
	becauseNoIDValidation   = "pool IDs are looked up, never checked against Cognito's pattern"
	becauseWrongPassword    = "a wrong password answers InvalidPasswordException, which Cognito reserves for password policy"
	becauseTokensUnverified = "access tokens are decoded, never verified"
	becauseSmsChallenge     = "an SMS challenge needs a legacy MFAOptions entry; from UserMFASettingList alone sign-in fails (HTTP 500 CognitoLocal#Unsupported)"
	becauseIgnoresPreferred = "with two factors enabled, sign-in ignores the preferred one and asks the user to choose (SELECT_MFA_TYPE)"
	becauseNoMfaSetup       = "MFA ON with no factor for the user refuses sign-in instead of the MFA_SETUP challenge"
	becauseNoPhoneCheck     = "SetUserMFAPreference does not check that the user has a phone_number for SMS"
	becauseVerifyEnables    = "VerifySoftwareToken adds SOFTWARE_TOKEN_MFA to the user's MFA list by itself"
	becauseCodeMismatch     = "a wrong code in VerifySoftwareToken answers CodeMismatchException"
	becausePreferenceClears = "any SetUserMFAPreference without PreferredMfa=true clears the preferred factor"
	becauseTwoPreferred     = "SetUserMFAPreference accepts two preferred factors and keeps SMS as the preferred one"
	becauseAdminUnsupported = "admin MFA operations are not implemented (HTTP 500 CognitoLocal#Unsupported)"
	becauseNoListLimit      = "ListUsers ignores Limit and returns every user in one page, without a PaginationToken"
	becauseNoPhoneTie       = "SMS MFA is not tied to phone-number verification: the request is accepted, and (being a patch) keeps SMS on"
	becauseFilterEscapes    = "a ListUsers filter value keeps its backslash escapes, so an escaped quotation mark matches nothing"
	becauseMissingGroup     = "ListUsersInGroup for a group that does not exist fails with HTTP 500 instead of ResourceNotFoundException"
	becauseNoDeletionGuard  = "UpdateUserPool drops DeletionProtection: it is not stored or returned"
	becauseNoTiers          = "feature plans are not modelled: threat protection is accepted on any tier"
	becauseNoRiskOperations = "DescribeRiskConfiguration and SetRiskConfiguration are not implemented (HTTP 500 Unsupported)"
	becauseOldAuthenticator = "AssociateSoftwareToken leaves the verified authenticator in force until the new one is verified"
	becauseMfaAtCreation    = "CreateUserPool with MFA does not require phone_number auto-verification"
	becauseNoRecovery       = "AdminUserGlobalSignOut, the device operations, AdminResetUserPassword and the WebAuthn credential operations are not implemented (HTTP 500 CognitoLocal#Unsupported)"
)

// cognitoLocalDivergences is where cognito-local 5.3.0 knowingly departs
// from real Cognito, keyed by scenario name, with what the suite observes
// from it there.
var cognitoLocalDivergences = map[string]Divergence{
	// The MFA posture: mfactl's UpdateUserPool reads every member back and
	// fails when one it did not manage changed, and its risk calls fail.
	"posture/update-user-pool-stores-its-members": {
		Observed: "ok; deletion=absent devices={true,true} threat=absent subject=Verify lambda=set",
		Why:      becauseNoDeletionGuard,
	},
	"posture/threat-protection-needs-plus":               {Observed: "ok", Why: becauseNoTiers},
	"posture/risk-configuration-needs-threat-protection": {Observed: "error Unsupported (HTTP 500)", Why: becauseNoRiskOperations},
	"posture/risk-configuration-of-pool-and-client":      {Observed: "pool: error Unsupported (HTTP 500)", Why: becauseNoRiskOperations},
	"posture/risk-configuration-refuses-unknown-action":  {Observed: "error Unsupported (HTTP 500)", Why: becauseNoRiskOperations},
	// mfactl reset-mfa and mfactl passkey cannot run against cognito-local.
	"recovery/admin-global-sign-out-revokes-tokens":       {Observed: "sign-out error Unsupported (HTTP 500); get-user ok", Why: becauseNoRecovery},
	"recovery/global-sign-out-of-unknown-user":            {Observed: "error Unsupported (HTTP 500)", Why: becauseNoRecovery},
	"recovery/new-user-has-no-devices":                    {Observed: "error Unsupported (HTTP 500)", Why: becauseNoRecovery},
	"recovery/forget-unknown-device-is-not-found":         {Observed: "error Unsupported (HTTP 500)", Why: becauseNoRecovery},
	"recovery/reset-password-requires-a-reset-at-sign-in": {Observed: "reset error Unsupported (HTTP 500); status=CONFIRMED; sign-in ok", Why: becauseNoRecovery},
	"recovery/reset-password-needs-a-verified-address":    {Observed: "error Unsupported (HTTP 500); status=CONFIRMED", Why: becauseNoRecovery},
	"passkeys/new-user-lists-none":                        {Observed: "error Unsupported (HTTP 500)", Why: becauseNoRecovery},
	"passkeys/delete-unknown-credential-is-not-found":     {Observed: "error Unsupported (HTTP 500)", Why: becauseNoRecovery},
	"passkeys/list-needs-a-valid-token":                   {Observed: "error Unsupported (HTTP 500)", Why: becauseNoRecovery},
	// mfactl import pages until no token comes back, so one page is fine.
	"user/list-users-pages-through-every-user": {
		Observed: "pages=[3] users=[alice bob carol]",
		Why:      becauseNoListLimit,
	},
	"list/filter-escaped-quotes":      {Observed: "users=[]", Why: becauseFilterEscapes},
	"list/missing-group-is-not-found": {Observed: "error UnknownError (HTTP 500)", Why: becauseMissingGroup},
	// mfactl removes SMS by leaving its block out of a complete request;
	// cognito-local keeps it, so apply's verification reports the difference.
	"plan/remove-sms": {
		Observed: "plan=2 apply=1 replan=2",
		Why:      becausePatch,
	},
	"pool/new-pool-reads-off-with-no-blocks": {
		Observed: "MfaConfiguration=OFF SmsMfaConfiguration={} SoftwareTokenMfaConfiguration={Enabled:false}",
		Why:      becauseAlwaysBothBlocks,
	},
	"pool/totp-only-pool-reads-no-sms-block": {
		Observed: "MfaConfiguration=ON SmsMfaConfiguration={} SoftwareTokenMfaConfiguration={Enabled:true}",
		Why:      becauseAlwaysBothBlocks,
	},
	"pool/off-pool-reads-no-blocks": {
		Observed: "MfaConfiguration=OFF SmsMfaConfiguration={" + smsOnFields + "} SoftwareTokenMfaConfiguration={Enabled:true}",
		Why:      becausePatch,
	},
	"pool/omitted-sms-block-turns-sms-off": {
		Observed: "ok; mode=ON sms=on(" + smsOnFields + ") totp=on",
		Why:      becausePatch,
	},
	"pool/omitted-totp-block-turns-totp-off": {
		Observed: "ok; mode=OPTIONAL sms=on(" + smsOnFields + ") totp=on",
		Why:      becausePatch,
	},
	"pool/pool-id-alone-turns-mfa-off": {
		Observed: "ok; mode=OPTIONAL sms=off totp=on",
		Why:      becausePatch,
	},
	"pool/rejects-on-without-a-factor": {
		Observed: "ok; mode=ON sms=off totp=on",
		Why:      becauseNoPoolValidation,
	},
	"pool/rejects-off-with-totp-block": {
		Observed: "ok; mode=OFF sms=off totp=off",
		Why:      becauseNoPoolValidation,
	},
	"pool/rejects-off-with-disabled-totp-block": {
		Observed: "ok; mode=OFF sms=off totp=off",
		Why:      becauseNoPoolValidation,
	},
	"pool/rejects-off-with-sms-block": {
		Observed: "ok; mode=OFF sms=off totp=off",
		Why:      becauseNoPoolValidation,
	},
	"pool/rejects-sms-message-without-code-placeholder": {
		Observed: `ok; mode=OPTIONAL sms=on(message="Your code is here" caller=arn:aws:iam::123456789012:role/mfactl-sms region=us-east-1 external-id=set) totp=on`,
		Why:      becauseNoPoolValidation,
	},
	"pool/rejects-sms-without-caller-arn": {
		Observed: "ok; mode=OPTIONAL sms=off totp=on",
		Why:      becauseNoPoolValidation,
	},
	"pool/rejects-sms-message-over-140-characters": {
		Observed: `ok; mode=OPTIONAL sms=on(message="Your code is {####}` + strings.Repeat(".", 140) + `" caller=arn:aws:iam::123456789012:role/mfactl-sms region=us-east-1 external-id=set) totp=on`,
		Why:      becauseNoPoolValidation,
	},
	"pool/rejects-sms-caller-that-is-not-an-arn": {
		Observed: `ok; mode=OPTIONAL sms=on(message="Your code is {####}" caller=mfactl-sms region=us-east-1 external-id=set) totp=on`,
		Why:      becauseNoPoolValidation,
	},
	"pool/rejects-unknown-mode": {
		Observed: "ok; mode=SOMETIMES sms=off totp=on",
		Why:      becauseNoPoolValidation,
	},
	"pool/sms-mfa-stays-on-while-phone-numbers-are-verified": {
		Observed: "ok; mode=OPTIONAL sms=on(" + smsOnFields + ") totp=on",
		Why:      becauseNoPhoneTie,
	},
	"pool/rejects-malformed-pool-id": {
		Observed: "get: error ResourceNotFoundException; set: error ResourceNotFoundException",
		Why:      becauseNoIDValidation,
	},
	"auth/wrong-password-is-not-authorized": {
		Observed: "error InvalidPasswordException",
		Why:      becauseWrongPassword,
	},
	"auth/tampered-token-is-not-authorized": {
		Observed: "ok",
		Why:      becauseTokensUnverified,
	},
	"auth/malformed-token-is-not-authorized": {
		Observed: "error InvalidParameterException",
		Why:      becauseTokensUnverified,
	},
	"auth/sms-user-is-challenged": {
		Observed: "error Unsupported (HTTP 500)",
		Why:      becauseSmsChallenge,
	},
	"auth/preferred-factor-is-challenged": {
		Observed: "challenge=SELECT_MFA_TYPE",
		Why:      becauseIgnoresPreferred,
	},
	"auth/mfa-on-user-without-factor-must-set-one-up": {
		Observed: "error NotAuthorizedException",
		Why:      becauseNoMfaSetup,
	},
	"mfa/sms-needs-a-phone-number": {
		Observed: "ok; mfa=[SMS_MFA] preferred=SMS_MFA",
		Why:      becauseNoPhoneCheck,
	},
	"mfa/only-one-factor-can-be-preferred": {
		Observed: "ok; mfa=[SMS_MFA SOFTWARE_TOKEN_MFA] preferred=SMS_MFA",
		Why:      becauseTwoPreferred,
	},
	"mfa/totp-registration-leaves-mfa-off": {
		Observed: "verify: SUCCESS; mfa=[SOFTWARE_TOKEN_MFA] preferred=none",
		Why:      becauseVerifyEnables,
	},
	"mfa/totp-wrong-code-is-rejected": {
		Observed: "error CodeMismatchException; mfa=[] preferred=none",
		Why:      becauseCodeMismatch,
	},
	"mfa/omitted-factor-keeps-its-setting": {
		Observed: "ok; mfa=[SMS_MFA SOFTWARE_TOKEN_MFA] preferred=none",
		Why:      becausePreferenceClears,
	},
	"mfa/admin-preference-reads-back": {
		Observed: "error Unsupported (HTTP 500); mfa=[] preferred=none",
		Why:      becauseAdminUnsupported,
	},
	"mfa/admin-sms-needs-a-phone-number": {
		Observed: "error Unsupported (HTTP 500); mfa=[] preferred=none",
		Why:      becauseAdminUnsupported,
	},
	"mfa/admin-totp-needs-a-registered-authenticator": {
		Observed: "error Unsupported (HTTP 500); mfa=[] preferred=none",
		Why:      becauseAdminUnsupported,
	},
	"mfa/admin-totp-after-user-registration": {
		Observed: "error Unsupported (HTTP 500); mfa=[SOFTWARE_TOKEN_MFA] preferred=none",
		Why:      becauseAdminUnsupported,
	},
	"mfa/admin-re-enables-a-registered-authenticator": {
		Observed: "error Unsupported (HTTP 500); mfa=[] preferred=none",
		Why:      becauseAdminUnsupported,
	},
	"mfa/admin-omitted-factor-keeps-its-setting": {
		Observed: "error Unsupported (HTTP 500); mfa=[SMS_MFA SOFTWARE_TOKEN_MFA] preferred=SMS_MFA",
		Why:      becauseAdminUnsupported,
	},
	"mfa/admin-unknown-user-is-not-found": {
		Observed: "error Unsupported (HTTP 500)",
		Why:      becauseAdminUnsupported,
	},
	"mfa/admin-legacy-sms-setting-reads-back": {
		Observed: "error Unsupported (HTTP 500); mfa=[] preferred=none",
		Why:      becauseAdminUnsupported,
	},
	"self/get-user-shows-legacy-mfa-options": {
		Observed: "error Unsupported (HTTP 500); self: mfa=[] preferred=none",
		Why:      becauseAdminUnsupported,
	},
	"self/set-preference-with-a-malformed-token-is-not-authorized": {
		Observed: "error InvalidParameterException",
		Why:      becauseTokensUnverified,
	},
	"legacy/empty-list-clears-mfa-options": {
		Observed: "error Unsupported (HTTP 500)",
		Why:      becauseAdminUnsupported,
	},
	"legacy/sms-entry-needs-a-phone-number": {
		Observed: "error Unsupported (HTTP 500); mfa=[] preferred=none",
		Why:      becauseAdminUnsupported,
	},
	// The legacy entry is set with AdminSetUserSettings first, which
	// cognito-local lacks; its ListUsers itself works.
	"legacy/list-users-pages-carry-mfa-options": {
		Observed: "error Unsupported (HTTP 500)",
		Why:      becauseAdminUnsupported,
	},
	"legacy/sms-preference-after-a-legacy-entry": {
		Observed: "error Unsupported (HTTP 500)",
		Why:      becauseAdminUnsupported,
	},
	"auth/re-associating-stops-the-old-authenticator":    {Observed: "challenge=SOFTWARE_TOKEN_MFA", Why: becauseOldAuthenticator},
	"pool/create-with-mfa-needs-phone-auto-verification": {Observed: "ok", Why: becauseMfaAtCreation},
}

// smsOnFields is how the suite's standard SMS configuration reads back.
const smsOnFields = `message="Your code is {####}" caller=arn:aws:iam::123456789012:role/mfactl-sms region=us-east-1 external-id=set`
