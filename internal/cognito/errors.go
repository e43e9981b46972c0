package cognito

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/mfactl/mfactl/internal/operations"
	"github.com/mfactl/mfactl/internal/state"
	"github.com/mfactl/mfactl/internal/untrusted"
)

// CallError is a Cognito call that failed after every retry. Message is
// Cognito's own text with any secret of the request masked; Meaning says in
// one sentence what the failure means for the user and what to do.
type CallError struct {
	Operation  string
	UserPoolId string
	Username   string `json:",omitempty"`
	Code       string `json:",omitempty"` // Cognito's error code; "" for transport errors
	Message    string
	Meaning    string `json:",omitempty"`
	// cause is the error the call failed with, for errors.As and
	// errors.Is; the fields above are what it says.
	cause error
}

// Unwrap returns the error the call failed with.
func (e *CallError) Unwrap() error { return e.cause }

func (e *CallError) Error() string {
	var b strings.Builder
	b.WriteString(e.Operation)
	b.WriteString(" ")
	b.WriteString(e.target())
	b.WriteString(": ")
	if e.Code != "" {
		b.WriteString(e.Code)
		if e.Message != "" {
			b.WriteString(": ")
		}
	}
	b.WriteString(e.Message)
	if e.Meaning != "" {
		b.WriteString(" (")
		b.WriteString(e.Meaning)
		b.WriteString(")")
	}
	return b.String()
}

// ErrorCode, ErrorMessage and UserMeaning let callers explain a failure
// without depending on this package.
func (e *CallError) ErrorCode() string    { return e.Code }
func (e *CallError) ErrorMessage() string { return e.Message }
func (e *CallError) UserMeaning() string  { return e.Meaning }

// RefusesUser reports whether Cognito refused a user's MFA preference
// because the user cannot take the factor: no registered authenticator
// ("User has not verified software token mfa", "User has not set up
// software token mfa", "User does not have delivery config set to turn on
// SOFTWARE_TOKEN_MFA"), no phone_number, no email. Apply counts such a refusal of a policy's call as ineligible.
func (e *CallError) RefusesUser() bool {
	if e.Operation != "AdminSetUserMFAPreference" || e.Code != "InvalidParameterException" {
		return false
	}
	m := strings.ToLower(e.Message)
	for _, fragment := range []string{"not verified software token", "not set up software token", "delivery config set to turn on software_token_mfa", "does not have a phone_number", "does not have an email"} {
		if strings.Contains(m, fragment) {
			return true
		}
	}
	return false
}

func (e *CallError) target() string {
	if e.UserPoolId == "" { // an account's quota (GetProvisionedLimit)
		return "for the account and Region"
	}
	if e.Username != "" {
		return fmt.Sprintf("pool %s user %s", e.UserPoolId, e.Username)
	}
	return "pool " + e.UserPoolId
}

// meaning is one row of the error table: the first row whose operation
// (empty: any), code and message fragment (empty: any; compared in lower
// case) match explains the error. "{action}" stands for the IAM action.
type meaning struct {
	operation, code, contains string
	text                      string
}

// meanings is the one place that turns Cognito's errors into advice.
var meanings = []meaning{
	// Credentials and permissions.
	{"", "AccessDeniedException", "", "the AWS credentials lack IAM permission {action} on this user pool"},
	{"", "NotAuthorizedException", "", "the AWS credentials are not allowed to call this: grant IAM permission {action} on this user pool"},
	{"", "UnrecognizedClientException", "", "the AWS credentials are not valid; check --profile or the AWS_* environment variables"},
	{"", "InvalidClientTokenId", "", "the AWS access key is not valid; check --profile or the AWS_* environment variables"},
	{"", "InvalidSignatureException", "", "the request signature was rejected: the secret access key does not match the access key, or the clock is wrong"},
	{"", "ExpiredTokenException", "", "the AWS session credentials have expired; refresh them (e.g. aws sso login) and run again"},
	{"", "ExpiredToken", "", "the AWS session credentials have expired; refresh them (e.g. aws sso login) and run again"},

	// Targets.
	{"ListUsersInGroup", "ResourceNotFoundException", "group", "the group does not exist in this pool; group names are case-sensitive (aws cognito-idp list-groups lists them)"},
	{"GetGroup", "ResourceNotFoundException", "group", "the group does not exist in this pool; group names are case-sensitive (aws cognito-idp list-groups lists them)"},
	{"", "ResourceNotFoundException", "", "the user pool does not exist in this account and Region"},
	{"", "UserNotFoundException", "", "the user does not exist in this pool"},
	{"", "OperationNotEnabledException", "", "the operation is not available here; a pool replica accepts changes only in its primary Region"},
	{"", "ForbiddenException", "", "the AWS WAF web ACL associated with the pool blocked the request"},

	// Quotas and transient failures that outlasted every retry.
	{"", "TooManyRequestsException", "", "Cognito kept throttling after every retry; lower --rate for {category} or ask AWS to raise the quota"},
	{"", "LimitExceededException", "", "Cognito kept reporting a limit exceeded after every retry; lower --rate for {category} and run again"},
	{"", "ConcurrentModificationException", "", "another change to this user pool kept running while mfactl retried; run again when it has finished"},
	{"", "InternalErrorException", "", "Cognito failed internally; running again later usually works"},

	// SetUserPoolMfaConfig.
	{"SetUserPoolMfaConfig", "InvalidParameterException", "turn off sms_mfa", "the pool's SMS configuration also serves phone-number verification or sign-in (AutoVerifiedAttributes, UsernameAttributes or AliasAttributes hold phone_number), and Cognito keeps SMS MFA on while it does: keep SmsMfaConfiguration enabled, or remove phone_number from AutoVerifiedAttributes first"},
	{"SetUserPoolMfaConfig", "InvalidParameterException", "turn off mfa and configure", "Cognito refuses SMS, email or TOTP settings while MfaConfiguration is OFF"},
	{"SetUserPoolMfaConfig", "InvalidParameterException", "must be enabled", "MfaConfiguration ON or OPTIONAL needs SMS, email or TOTP MFA enabled on the pool"},
	{"SetUserPoolMfaConfig", "InvalidParameterException", "external id", "SMS MFA needs SmsConfiguration with the SNS caller role ARN and its ExternalId"},
	{"SetUserPoolMfaConfig", "InvalidParameterException", "caller arn", "SMS MFA needs SmsConfiguration with the SNS caller role ARN and its ExternalId"},
	{"SetUserPoolMfaConfig", "InvalidParameterException", "first", "MFA cannot be ON while the sign-in policy allows EMAIL_OTP or SMS_OTP (or single-factor passkeys) as a first factor"},
	{"SetUserPoolMfaConfig", "InvalidParameterException", "", "Cognito rejected the pool's MFA configuration; check the pool's tier, SMS role, email sending account and sign-in policy"},
	{"SetUserPoolMfaConfig", "FeatureUnavailableInTierException", "", "email MFA and passkey MFA (FactorConfiguration) need the Essentials or Plus feature plan"},
	{"SetUserPoolMfaConfig", "InvalidSmsRoleTrustRelationshipException", "", "the SMS role's trust policy does not let cognito-idp.amazonaws.com assume it with this ExternalId (mfactl retried in case the role was new)"},
	{"SetUserPoolMfaConfig", "InvalidSmsRoleAccessPolicyException", "", "the SMS role is not allowed to sns:Publish (mfactl retried in case the role was new)"},

	// AdminSetUserMFAPreference.
	{"AdminSetUserMFAPreference", "InvalidParameterException", "phone", "the user has no phone_number attribute; add one or leave SMS off"},
	{"AdminSetUserMFAPreference", "InvalidParameterException", "software", "the user has not registered an authenticator app, and only the user can: from your app (AssociateSoftwareToken, then VerifySoftwareToken) or when prompted at sign-in; once they have, run plan and apply again (or leave TOTP off for them)"},
	{"AdminSetUserMFAPreference", "InvalidParameterException", "webauthn", "passkey MFA needs the pool's FactorConfiguration MULTI_FACTOR_WITH_USER_VERIFICATION and another MFA factor enabled for the user"},
	{"AdminSetUserMFAPreference", "InvalidParameterException", "email", "the user has no email attribute; add one or leave email MFA off"},
	{"AdminSetUserMFAPreference", "InvalidParameterException", "", "Cognito rejected the user's MFA settings; the user may lack the attribute or registration the factor needs, or the pool has the factor off"},
	{"AdminSetUserMFAPreference", "FeatureUnavailableInTierException", "", "email MFA needs the Essentials or Plus feature plan"},
	{"AdminSetUserMFAPreference", "PasswordResetRequiredException", "", "the user must reset their password before their MFA settings can change"},
	{"AdminSetUserMFAPreference", "UserNotConfirmedException", "", "the user has not confirmed their account; confirm it first (e.g. AdminConfirmSignUp)"},

	// SetUserMFAPreference: the user's own call (token errors: tokenMeaning).
	{"SetUserMFAPreference", "InvalidParameterException", "phone", "the user has no phone_number attribute; add one or leave SMS off"},
	{"SetUserMFAPreference", "InvalidParameterException", "software", "no authenticator app is registered for the user: register one with `mfactl totp enroll`, which also enables TOTP"},
	{"SetUserMFAPreference", "InvalidParameterException", "", "Cognito rejected the MFA settings; the user may lack the attribute or registration the factor needs, or the pool has the factor off"},

	// AdminSetUserSettings (legacy MFAOptions).
	{"AdminSetUserSettings", "InvalidParameterException", "does not have a phone", "the user has no phone_number attribute, which a legacy SMS MFAOptions entry needs"},
	{"AdminSetUserSettings", "InvalidParameterException", "", "Cognito accepts only SMS to phone_number in MFAOptions, and only for a user with a phone_number"},

	// VerifySoftwareToken.
	{"VerifySoftwareToken", "EnableSoftwareTokenMFAException", "", "the code did not match: check the authenticator's clock and enter the current code"},
	{"VerifySoftwareToken", "CodeMismatchException", "", "the code did not match: check the authenticator's clock and enter the current code"},
	{"", "SoftwareTokenMFANotFoundException", "", "the pool does not offer TOTP (SoftwareTokenMfaConfiguration), or no authenticator is being registered"},

	// No answer from Cognito at all, after every retry.
	{"", "", "get credentials", "no usable AWS credentials were found: pick a profile (--profile, AWS_PROFILE), refresh it (e.g. aws sso login), or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"},
	{"", "", "", "Cognito could not be reached; check the network, --endpoint-url and the pool's Region"},
}

// meaningOf explains an error code from an operation, or returns "".
func meaningOf(operation, code, message string) string {
	lower := strings.ToLower(message)
	for _, m := range meanings {
		if m.code != code || (m.operation != "" && m.operation != operation) ||
			(m.contains != "" && !strings.Contains(lower, m.contains)) {
			continue
		}
		return strings.NewReplacer(
			"{action}", iamAction(operation),
			"{category}", string(CategoryOf(operation)),
		).Replace(m.text)
	}
	return ""
}

// failure is what a failed call returns: the *NotSentError or
// *StoppedError withRetries gave, as it is (it already says which call
// stopped the run, and callers look for its type); ctx's error once ctx has
// ended; otherwise a *CallError describing err.
func failure(ctx context.Context, operation, poolID, username string, err error, secrets ...string) error {
	var notSent *NotSentError
	var stopped *StoppedError
	switch {
	case errors.As(err, &notSent):
		return notSent
	case errors.As(err, &stopped):
		return stopped
	case ctx.Err() != nil:
		return ctx.Err()
	}
	return newCallError(operation, poolID, username, err, secrets...)
}

// errorCode returns Cognito's error code carried by err, or "".
func errorCode(err error) string {
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		return apiErr.ErrorCode()
	}
	return ""
}

// newCallError describes a failed call without keeping the SDK's error,
// whose text could carry anything: each secret in secrets is masked in the
// message.
func newCallError(operation, poolID, username string, err error, secrets ...string) *CallError {
	e := &CallError{Operation: operation, UserPoolId: poolID, Username: username, cause: err}
	var apiErr smithy.APIError
	var opErr *smithy.OperationError
	switch {
	case errors.As(err, &apiErr):
		e.Code = apiErr.ErrorCode()
		e.Message = apiErr.ErrorMessage()
	case errors.As(err, &opErr): // drop "operation error <service>: <operation>,"
		e.Message = transportMessage(opErr.Err)
	default:
		// An error that already names this call (a stopped run's) is not
		// named twice.
		e.Message = strings.TrimPrefix(err.Error(), operation+" "+e.target()+": ")
	}
	for _, s := range secrets {
		if s != "" {
			e.Message = strings.ReplaceAll(e.Message, s, state.SecretMarker)
		}
	}
	// What came back is untrusted (a proxy can rewrite it, a
	// credential_process print anything): on one line, redacted.
	e.Code, e.Message = untrusted.Line(e.Code), untrusted.Line(untrusted.Redact(e.Message))
	e.Meaning = meaningOf(operation, e.Code, e.Message)
	return e
}

// transportMessage says what happened to a request that got no answer:
// the SDK's wrapping ("https response error StatusCode: 0, RequestID: ,
// request send failed, ...") says nothing more than the innermost error,
// the failed request itself, and the number of attempts. Credential errors
// are left whole: their wording is what explains them.
func transportMessage(err error) string {
	msg := err.Error()
	if strings.Contains(strings.ToLower(msg), "get credentials") {
		return msg
	}
	var sendErr *smithyhttp.RequestSendError
	var urlErr *url.Error
	switch {
	case errors.As(err, &urlErr):
		msg = urlErr.Error()
	case errors.As(err, &sendErr):
		msg = sendErr.Err.Error()
	}
	var attemptsErr *retry.MaxAttemptsError
	if errors.As(err, &attemptsErr) {
		attempts := "attempts"
		if attemptsErr.Attempt == 1 {
			attempts = "attempt"
		}
		msg = fmt.Sprintf("no answer after %d %s: %s", attemptsErr.Attempt, attempts, msg)
	}
	return msg
}

// ReadError names every pool and user that ReadLive could not read.
type ReadError struct {
	Failures []*CallError
	// Skipped counts users not read because their pool could not be read.
	Skipped int
}

func (e *ReadError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "could not read %s from Cognito", count(len(e.Failures), "pool or user", "pools or users"))
	if e.Skipped > 0 {
		fmt.Fprintf(&b, " (and skipped %s of pools that could not be read)", count(e.Skipped, "user", "users"))
	}
	b.WriteString(":")
	for _, f := range e.Failures {
		b.WriteString("\n  ")
		b.WriteString(f.Error())
	}
	return b.String()
}

// Unwrap lets errors.As find each CallError.
func (e *ReadError) Unwrap() []error {
	errs := make([]error, len(e.Failures))
	for i, f := range e.Failures {
		errs[i] = f
	}
	return errs
}

func sortFailures(fs []*CallError) {
	sort.Slice(fs, func(i, j int) bool {
		if fs[i].UserPoolId != fs[j].UserPoolId {
			return fs[i].UserPoolId < fs[j].UserPoolId
		}
		if fs[i].Username != fs[j].Username {
			return fs[i].Username < fs[j].Username
		}
		return fs[i].Operation < fs[j].Operation
	})
}

func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// iamAction is the IAM action of an operation, from the operation table.
func iamAction(operation string) string {
	if op, ok := operations.Lookup(operation); ok && op.IAMAction() != "" {
		return op.IAMAction()
	}
	return "cognito-idp:" + operation
}
