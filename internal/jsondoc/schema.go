package jsondoc

import (
	"encoding/json"
	"fmt"
	"slices"

	"github.com/mfactl/mfactl/plan"
)

// The JSON Schemas (draft 2020-12) of the documents, published by
// `mfactl schema --output COMMAND`. Every document's top level is closed
// (additionalProperties: false), so a key added without its schema fails
// the tests that check every -o json golden against it; nested objects
// name what they require and leave room for keys added later.

type object = map[string]any

func str() object              { return object{"type": "string"} }
func integer() object          { return object{"type": "integer", "minimum": 0} }
func boolean() object          { return object{"type": "boolean"} }
func arrayOf(items any) object { return object{"type": "array", "items": items} }
func ref(name string) object   { return object{"$ref": "#/$defs/" + name} }

// closed is an object with exactly these properties, the required ones listed.
func closed(props object, required ...string) object {
	return object{"type": "object", "properties": props, "required": orEmpty(required), "additionalProperties": false}
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// open is an object with these properties (and maybe more), the required ones listed.
func open(props object, required ...string) object {
	return object{"type": "object", "properties": props, "required": orEmpty(required)}
}

func outcomesOf(c Command) []string {
	var out []string
	for _, o := range Outcomes {
		if slices.Contains(o.Commands, c) {
			out = append(out, string(o.Outcome))
		}
	}
	return out
}

func operations() []string {
	out := make([]string, len(plan.Operations))
	for i, op := range plan.Operations {
		out[i] = string(op)
	}
	return out
}

// defs are the parts documents share.
func defs() object {
	return object{
		"Error": closed(object{
			"Message": object{"type": "string", "minLength": 1, "description": "what went wrong"},
			"Code":    object{"type": "string", "description": "Cognito's error code, e.g. AccessDeniedException; empty when there is none"},
			"Meaning": object{"type": "string", "description": "what it means for the user and what to do; empty when unknown"},
		}, "Message", "Code", "Meaning"),
		"Counts": closed(object{
			"PoolsChanged": integer(), "UsersChanged": integer(), "Calls": integer(),
			"CallsApplied": integer(), "CallsFailed": integer(), "CallsNotStarted": integer(),
		}, "PoolsChanged", "UsersChanged", "Calls", "CallsApplied", "CallsFailed", "CallsNotStarted"),
		"Pos": open(object{"File": str(), "Line": integer(), "Column": integer()}),
		"Diagnostic": open(object{
			"Severity": object{"enum": []string{"error", "warning"}},
			"Code":     str(), "Pos": ref("Pos"), "Path": str(), "UserPoolId": str(), "Username": str(),
			"Summary": object{"type": "string", "minLength": 1}, "Detail": str(),
		}, "Severity", "Summary"),
		"Diagnostics": arrayOf(ref("Diagnostic")),
		"Call": open(object{
			"Operation": object{"enum": operations()}, "UserPoolId": str(), "Username": str(),
			"Stage": integer(), "Reason": str(), "Uncertain": str(), "LegacyMigration": boolean(),
			"Policy": str(), "Ineligible": str(), "Request": object{"type": "object"},
		}, "Operation", "UserPoolId", "Stage", "Request"),
		"PoolChange": open(object{
			"UserPoolId": str(), "Pos": ref("Pos"), "Live": object{"type": "object"}, "Desired": object{"type": "object"},
			"Users": arrayOf(open(object{"Username": str()}, "Username")), "UsersInSync": integer(),
			"Posture": open(object{"Live": object{"type": "object"}, "Desired": object{"type": "object"}}, "Live", "Desired"),
		}, "UserPoolId", "UsersInSync"),
		"Plan": planDocument(""),
	}
}

// head is the properties every document starts with.
func head(c Command) object {
	return object{
		"FormatVersion": object{"type": "string", "pattern": fmt.Sprintf(`^%s\.[0-9]+$`, major(FormatVersion)), "description": "MAJOR.MINOR of the JSON format; see docs/json.md"},
		"MfactlVersion": object{"type": "string", "description": "the version of the mfactl that printed the document, as mfactl version says it"},
		"Command":       object{"const": string(c)},
		"Outcome":       object{"enum": outcomesOf(c), "description": "how the run ended; docs/json.md has the table"},
		"Error":         ref("Error"),
		"Counts":        ref("Counts"),
	}
}

var headRequired = []string{"FormatVersion", "MfactlVersion", "Command", "Outcome", "Counts"}

func with(base object, more object) object {
	out := object{}
	for k, v := range base {
		out[k] = v
	}
	for k, v := range more {
		out[k] = v
	}
	return out
}

// planDocument is the plan document of command c, or of plan or show ("")
// where it is embedded in apply's.
func planDocument(c Command) object {
	h := head(c)
	if c == "" {
		h = head(CommandPlan)
		h["Command"] = object{"enum": []string{string(CommandPlan), string(CommandShow), string(CommandApply)}}
		h["Outcome"] = object{"type": "string"}
	}
	return closed(with(h, object{
		"Partial":     arrayOf(str()),
		"Pools":       arrayOf(ref("PoolChange")),
		"Diagnostics": ref("Diagnostics"),
		"Calls":       arrayOf(ref("Call")),
		"SelfService": open(object{"UserPoolId": str(), "Username": str(), "Issuer": str(), "AccessToken": str()}, "UserPoolId", "Username"),
		"Reads": closed(object{
			"Limits": arrayOf(closed(object{"Region": str(), "Category": str(), "RPS": object{"type": "number", "exclusiveMinimum": 0}, "Source": object{"enum": []string{"provisioned", "--rate", "default"}}, "Note": str()},
				"Region", "Category", "RPS", "Source")),
			"AuthFactors": closed(object{"Calls": integer(), "Registered": integer(), "NotRegistered": integer(), "Notes": arrayOf(str())}),
		}),
	}), append(headRequired, "Pools", "Diagnostics", "Calls")...)
}

func documentSchema(c Command) object {
	var body object
	switch c {
	case CommandPlan, CommandShow:
		body = planDocument(c)
	case CommandApply:
		body = closed(with(head(c), object{
			"Diagnostics": ref("Diagnostics"),
			"Plan":        ref("Plan"),
			"Calls": arrayOf(closed(object{
				"Index": integer(), "Operation": object{"enum": operations()}, "UserPoolId": str(), "Username": str(), "Stage": integer(),
				"Status": object{"enum": []string{StatusApplied, StatusFailed, StatusIneligible, StatusNotStarted}},
				"Error":  ref("Error"),
			}, "Index", "Operation", "UserPoolId", "Stage", "Status")),
			"StoppedPools": arrayOf(closed(object{"UserPoolId": str(), "Stage": integer(), "Error": ref("Error")}, "UserPoolId", "Stage", "Error")),
			"Stopped":      ref("Error"),
			"Verification": closed(object{
				"Verified": boolean(), "Scope": object{"enum": []string{"changed", "all"}},
				"NotRereadPools": integer(), "NotRereadUsers": integer(),
				"Error": ref("Error"), "Remaining": ref("Plan"),
			}, "Verified", "Scope"),
		}), append(headRequired, "Calls")...)
	case CommandValidate:
		body = closed(with(head(c), object{
			"Valid":       boolean(),
			"Files":       arrayOf(str()),
			"Diagnostics": ref("Diagnostics"),
		}), append(headRequired, "Valid", "Files", "Diagnostics")...)
	case CommandReport:
		body = closed(with(head(c), object{
			"Pools": arrayOf(open(object{
				"UserPoolId": str(), "MfaConfiguration": str(), "Factors": arrayOf(str()), "Selection": str(),
				"Listed": integer(), "Read": integer(),
				"Counts":          object{"type": "object", "additionalProperties": integer()},
				"Preferred":       object{"type": "object", "additionalProperties": integer()},
				"UsersWithoutMfa": arrayOf(str()),
				"Unknown":         arrayOf(open(object{"Username": str(), "Reason": str()}, "Username", "Reason")),
				"Violations":      arrayOf(open(object{"Username": str(), "Policy": str(), "Reason": str()}, "Username", "Policy", "Reason")),
				"Posture": open(object{
					"Tier": str(), "ThreatProtection": str(), "DeviceRemembering": str(), "FirstAuthFactors": arrayOf(str()),
					"RiskActions": arrayOf(open(object{"Client": str(), "Low": str(), "Medium": str(), "High": str(), "CompromisedCredentials": str()})),
				}, "Tier", "ThreatProtection", "DeviceRemembering", "FirstAuthFactors"),
			}, "UserPoolId", "MfaConfiguration", "Listed", "Read", "Counts")),
			"Diagnostics": ref("Diagnostics"),
			"Interrupted": boolean(),
		}), append(headRequired, "Pools", "Diagnostics", "Interrupted")...)
	default:
		return nil
	}
	doc := with(body, object{
		"$schema":     "https://json-schema.org/draft/2020-12/schema",
		"$id":         "https://github.com/mfactl/mfactl/schema/" + string(c) + ".schema.json",
		"title":       "mfactl " + string(c) + " -o json",
		"description": fmt.Sprintf("The document `mfactl %s -o json` prints, FormatVersion %s; see docs/json.md.", c, FormatVersion),
		"$defs":       defs(),
	})
	// Error is there exactly when the run did not finish as asked.
	doc["if"] = object{"properties": object{"Outcome": object{"enum": []string{string(Failed), string(Interrupted), string(Cancelled)}}}}
	doc["then"] = object{"properties": object{"Error": ref("Error")}, "required": []string{"Error"}}
	doc["else"] = object{"not": object{"properties": object{"Error": true}, "required": []string{"Error"}}}
	return doc
}

// Schema returns the JSON Schema of the document command prints, indented.
func Schema(c Command) ([]byte, error) {
	doc := documentSchema(c)
	if c == CommandResetMFA {
		doc = auditSchema()
	}
	if doc == nil {
		return nil, fmt.Errorf("no JSON document for %q: the commands with -o json are %v", c, Commands)
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

func major(version string) string {
	for i, r := range version {
		if r == '.' {
			return version[:i]
		}
	}
	return version
}
