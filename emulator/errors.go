package emulator

import (
	"fmt"
	"net/http"
	"strings"
)

// Error codes the emulator answers with. They are Cognito's exception
// names, which the SDK's deserializers turn into typed errors.
const (
	CodeInternalError                   = "InternalErrorException"
	CodeInvalidParameter                = "InvalidParameterException"
	CodeResourceNotFound                = "ResourceNotFoundException"
	CodeUserNotFound                    = "UserNotFoundException"
	CodeUsernameExists                  = "UsernameExistsException"
	CodeGroupExists                     = "GroupExistsException"
	CodeTooManyRequests                 = "TooManyRequestsException"
	CodeConcurrentModification          = "ConcurrentModificationException"
	CodeNotAuthorized                   = "NotAuthorizedException"
	CodeFeatureUnavailableInTier        = "FeatureUnavailableInTierException"
	CodeInvalidPassword                 = "InvalidPasswordException"
	CodeEnableSoftwareTokenMFA          = "EnableSoftwareTokenMFAException"
	CodeSoftwareTokenMFANotFound        = "SoftwareTokenMFANotFoundException"
	CodeCodeMismatch                    = "CodeMismatchException"
	CodePasswordResetRequired           = "PasswordResetRequiredException"
	CodeUserNotConfirmed                = "UserNotConfirmedException"
	CodeInvalidSmsRoleTrustRelationship = "InvalidSmsRoleTrustRelationshipException"
	CodeInvalidSmsRoleAccessPolicy      = "InvalidSmsRoleAccessPolicyException"
	CodeLimitExceeded                   = "LimitExceededException"

	// Protocol-level errors, not specific to Cognito.
	CodeSerialization         = "SerializationException"
	CodeUnknownOperation      = "UnknownOperationException"
	CodeMissingAuthentication = "MissingAuthenticationTokenException"
)

// apiError is an error answered to the client as Cognito would: HTTP status
// plus a JSON body {"__type": Code, "message": Message}.
type apiError struct {
	Code    string
	Message string
}

func (e *apiError) Error() string { return e.Code + ": " + e.Message }

// status is the HTTP status Cognito uses for an error code: 500 for
// internal errors, 400 for everything the client can act on.
func (e *apiError) status() int { return statusFor(e.Code) }

func statusFor(code string) int {
	if code == CodeInternalError {
		return http.StatusInternalServerError
	}
	return http.StatusBadRequest
}

func newError(code, format string, args ...any) *apiError {
	return &apiError{Code: code, Message: fmt.Sprintf(format, args...)}
}

func invalidParameter(format string, args ...any) *apiError {
	return newError(CodeInvalidParameter, format, args...)
}

func poolNotFound(id string) *apiError {
	return newError(CodeResourceNotFound, "User pool %s does not exist.", id)
}

func userNotFound() *apiError {
	return newError(CodeUserNotFound, "User does not exist.")
}

// defaultMessage is the message used when a fault is injected by code alone.
func defaultMessage(code string) string {
	switch code {
	case CodeTooManyRequests:
		return "Rate exceeded"
	case CodeInternalError:
		return "Internal server error"
	case CodeConcurrentModification:
		return "A concurrent modification of the user pool was detected; retry the request"
	default:
		return "Injected fault: " + strings.TrimSuffix(code, "Exception")
	}
}

// validation collects constraint violations in the form Cognito reports
// them: "2 validation errors detected: Value 'x' at 'userPoolId' failed to
// satisfy constraint: ...; Value ...".
type validation struct{ problems []string }

// member converts an API field path ("SmsMfaConfiguration.SmsAuthenticationMessage")
// to the lower-camel form Cognito uses in messages.
func member(path string) string {
	parts := strings.Split(path, ".")
	for i, p := range parts {
		if p != "" {
			parts[i] = strings.ToLower(p[:1]) + p[1:]
		}
	}
	return strings.Join(parts, ".")
}

func (v *validation) add(path string, value *string, sensitive bool, constraint string) {
	shown := "null"
	if value != nil {
		shown = "'" + *value + "'"
	}
	if sensitive && value != nil {
		v.problems = append(v.problems, fmt.Sprintf("Value at '%s' failed to satisfy constraint: %s", member(path), constraint))
		return
	}
	v.problems = append(v.problems, fmt.Sprintf("Value %s at '%s' failed to satisfy constraint: %s", shown, member(path), constraint))
}

func (v *validation) err() error {
	switch len(v.problems) {
	case 0:
		return nil
	case 1:
		return invalidParameter("1 validation error detected: %s", v.problems[0])
	default:
		return invalidParameter("%d validation errors detected: %s", len(v.problems), strings.Join(v.problems, "; "))
	}
}
