package jsondoc

import (
	"fmt"

	"github.com/mfactl/mfactl/internal/usecase"
)

// The reset-mfa audit record (usecase.AuditRecord) is the line
// --audit-log gets and `reset-mfa -o json` prints. It predates the shared
// head and keeps its own keys and version (format_version, snake_case):
// audit logs outlive releases, so its keys are never renamed. Its schema
// is published beside the others, as `mfactl schema --output reset-mfa`.
// Its objects are closed, so a key added to the record without its schema
// fails the tests that check every audit line; a key added later must not
// be required, so that the lines of older runs still validate.

// auditSchema is the schema of what `reset-mfa -o json` prints: the audit
// record, or, when the run stopped before it had a plan, {outcome: failed,
// error}. An audit log holds only records.
func auditSchema() object {
	factorSettings := closed(object{"Enabled": boolean(), "PreferredMfa": boolean()}, "Enabled", "PreferredMfa")
	mfaState := closed(object{
		"status":             object{"type": "string", "description": "the user's status (CONFIRMED, RESET_REQUIRED...), when known"},
		"enabled":            object{"type": "array", "items": str(), "description": "the factors enabled for the user: SMS, TOTP, email"},
		"preferred":          str(),
		"authenticator":      object{"type": "string", "minLength": 1, "description": "registered, none, or unknown (why)"},
		"configured_factors": object{"type": "array", "items": str(), "description": "AdminGetUserAuthFactors' ConfiguredUserAuthFactors, when read"},
		"remembered_devices": object{"type": "array", "items": str(), "description": "the keys of the devices that skip MFA"},
		"unknown":            object{"type": "string", "description": "why Cognito's MFA list cannot be trusted, if it cannot"},
	}, "enabled", "authenticator", "remembered_devices")
	call := object{"enum": usecase.ResetCalls}
	step := closed(object{
		"call":   call,
		"reason": object{"type": "string", "minLength": 1},
		"settings": closed(object{
			"SMSMfaSettings": factorSettings, "SoftwareTokenMfaSettings": factorSettings, "EmailMfaSettings": factorSettings,
			"WebAuthnMfaSettings": closed(object{"Enabled": boolean()}, "Enabled"),
		}),
		"device_key":         str(),
		"if_refused":         ref("Step"),
		"no_path_if_refused": str(),
	}, "call", "reason")
	record := closed(object{
		"format_version": object{"const": usecase.AuditFormatVersion, "description": "changes only if a key is renamed or removed; keys may be added within a version"},
		"time":           object{"type": "string", "pattern": `^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?Z$`, "description": "when the record was made, RFC 3339 in UTC"},
		"pool":           object{"type": "string", "minLength": 1},
		"factor":         object{"enum": usecase.ResetFactors},
		"reason":         object{"type": "string", "minLength": 1},
		"ticket":         str(),
		"who":            object{"type": "string", "minLength": 1, "description": "the caller's IAM ARN, else the access key ID, else unknown; never a secret"},
		"who_from":       object{"enum": usecase.WhoFromValues},
		"options": closed(object{"sign_out": boolean(), "forget_devices": boolean(), "reset_password": boolean(), "dry_run": boolean()},
			"sign_out", "forget_devices", "reset_password", "dry_run"),
		"users": object{"type": "array", "minItems": 1, "items": closed(object{
			"user":   object{"type": "string", "minLength": 1},
			"before": ref("MFAState"),
			"steps":  arrayOf(ref("Step")),
			"notes":  arrayOf(str()),
			"after":  ref("MFAState"),
			"calls": arrayOf(closed(object{
				"call": call, "reason": object{"type": "string", "minLength": 1}, "device_key": str(),
				"result": object{"enum": usecase.CallResults},
				"error":  object{"type": "string", "minLength": 1, "description": "why the call failed, redacted"},
			}, "call", "reason", "result")),
		}, "user", "before", "steps", "calls")},
		"outcome": object{"enum": usecase.ResetOutcomes},
	}, "format_version", "time", "pool", "factor", "reason", "who", "who_from", "options", "users", "outcome")
	failure := closed(object{
		"outcome": object{"const": usecase.OutcomeFailed},
		"error":   ref("Error"),
	}, "outcome", "error")
	return object{
		"$schema":     "https://json-schema.org/draft/2020-12/schema",
		"$id":         "https://github.com/mfactl/mfactl/schema/" + string(CommandResetMFA) + ".schema.json",
		"title":       "mfactl reset-mfa audit record and -o json",
		"description": fmt.Sprintf("The line `mfactl reset-mfa --audit-log` appends and `-o json` prints, format_version %s; or, from -o json when the run stopped before its plan, the failure. See docs/recovery.md.", usecase.AuditFormatVersion),
		"oneOf":       []any{ref("AuditRecord"), ref("Failure")},
		"$defs": object{
			"AuditRecord": record,
			"Failure":     failure,
			"MFAState":    mfaState,
			"Step":        step,
			"Error":       defs()["Error"],
		},
	}
}
