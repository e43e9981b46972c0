// Package jsondoc holds every public JSON document mfactl prints with
// -o json (plan, show, apply, validate, report), their common head and
// their JSON Schemas, and the schema of reset-mfa's audit record. It is the one place that says what programs may rely
// on; plan files are not here: they are the plan package's own codec
// (plan/planfile), versioned apart, for mfactl alone to read.
//
// One versioning rule covers every document: FormatVersion is MAJOR.MINOR;
// a key that is added, or an Outcome that is added, raises MINOR; a key
// that is removed or renamed, or whose type or meaning changes, raises
// MAJOR. A program should check MAJOR and ignore keys it does not know.
package jsondoc

import (
	"encoding/json"
	"github.com/mfactl/mfactl/internal/buildinfo"
	"io"

	"github.com/mfactl/mfactl/plan"
)

// FormatVersion is the version of every document in this package.
const FormatVersion = "2.2"

// Command names the command that printed a document.
type Command string

const (
	CommandPlan     Command = "plan"
	CommandShow     Command = "show"
	CommandApply    Command = "apply"
	CommandValidate Command = "validate"
	CommandReport   Command = "report"
	// CommandResetMFA prints its audit record (audit.go), not a document
	// with the head.
	CommandResetMFA Command = "reset-mfa"
)

// Commands are the commands that print a document, in the order
// `mfactl schema --output` lists them.
var Commands = []Command{CommandPlan, CommandShow, CommandApply, CommandValidate, CommandReport, CommandResetMFA}

// Outcome is how a run ended, in one vocabulary for every command.
type Outcome string

const (
	NoChanges    Outcome = "no-changes"    // plan, show, apply: Cognito already matches
	Changes      Outcome = "changes"       // plan, show: the plan has calls
	Applied      Outcome = "applied"       // apply: every call applied and verified
	Valid        Outcome = "valid"         // validate: no errors (warnings may be listed)
	NoFindings   Outcome = "no-findings"   // report: every user read has MFA and complies
	Findings     Outcome = "findings"      // report: users lack MFA or violate a policy
	InvalidInput Outcome = "invalid-input" // the files (or the plan file) are invalid; nothing was read or changed
	ChecksFailed Outcome = "checks-failed" // plan, apply: the files cannot be applied to the live state (Diagnostics say why)
	Cancelled    Outcome = "cancelled"     // apply: the prompt was not answered yes
	Failed       Outcome = "failed"        // an error stopped the run (Error says which), or a call failed, or verification found differences
	Interrupted  Outcome = "interrupted"   // Ctrl-C or SIGTERM; calls in flight finished
)

// OutcomeInfo documents one outcome: docs/json.md has a table of these,
// and a test keeps the two in step.
type OutcomeInfo struct {
	Outcome  Outcome
	Commands []Command
	ExitCode string
	Meaning  string
}

// Outcomes is every outcome, with the commands that give it.
var Outcomes = []OutcomeInfo{
	{NoChanges, []Command{CommandPlan, CommandShow, CommandApply}, "0", "Cognito already matches the files: the plan has no calls, apply made none."},
	{Changes, []Command{CommandPlan, CommandShow}, "0, or 2 with --detailed-exitcode", "The plan has calls; Counts says how many, on how many pools and users."},
	{Applied, []Command{CommandApply}, "0", "Every call was applied and the re-read matches the files."},
	{Valid, []Command{CommandValidate}, "0", "The files are valid; warnings may be listed."},
	{NoFindings, []Command{CommandReport}, "0", "Every user read has MFA and complies with the policies."},
	{Findings, []Command{CommandReport}, "0, or 2 with --detailed-exitcode", "Users lack MFA or violate a policy."},
	{InvalidInput, []Command{CommandPlan, CommandApply, CommandValidate, CommandReport}, "1", "The files are invalid; Diagnostics say where. Nothing was read from or sent to Cognito."},
	{ChecksFailed, []Command{CommandPlan, CommandShow, CommandApply, CommandReport}, "1", "The files are valid but do not fit the live state (a pool or user that does not exist, a factor a user cannot take); Diagnostics say why. Nothing was sent."},
	{Cancelled, []Command{CommandApply}, "1", "The prompt was not answered yes; nothing was sent."},
	{Failed, []Command{CommandPlan, CommandShow, CommandApply, CommandValidate, CommandReport}, "1", "An error stopped the run (AccessDenied, no credentials, Cognito unreachable, an unreadable or stale plan file: Error says which), a call failed, or the re-read after apply differs."},
	{Interrupted, []Command{CommandPlan, CommandApply, CommandValidate, CommandReport}, "130", "Ctrl-C or SIGTERM stopped the run; calls in flight finished. Counts and Calls say what was applied."},
}

// Error is an error as programs see it, in every document: redacted and
// escaped as in text.
type Error struct {
	Message string // what went wrong
	Code    string // Cognito's error code (AccessDeniedException), or ""
	Meaning string // what it means for the user and what to do, or ""
}

// Counts are what a run changes, or would: the same keys in every
// document, zero where they do not apply (validate and report change nothing).
type Counts struct {
	PoolsChanged    int // pools with a call
	UsersChanged    int // users with a call
	Calls           int // calls in the plan
	CallsApplied    int // apply only
	CallsFailed     int // apply only
	CallsNotStarted int // apply only
}

// Head is the top of every document.
type Head struct {
	FormatVersion string
	// MfactlVersion is the version of the mfactl that printed it (what
	// `mfactl version` says).
	MfactlVersion string
	Command       Command
	Outcome       Outcome
	Error         *Error `json:",omitempty"` // why the run failed, when it did
	Counts        Counts
}

// NewHead is the head of a document of command with outcome.
func NewHead(c Command, o Outcome) Head {
	return Head{FormatVersion: FormatVersion, MfactlVersion: buildinfo.Read().Version, Command: c, Outcome: o}
}

// PlanCounts counts what p changes.
func PlanCounts(p *plan.Plan) Counts {
	if p == nil {
		return Counts{}
	}
	type user struct{ pool, name string }
	pools, users := map[string]bool{}, map[user]bool{}
	for _, c := range p.Calls {
		pools[c.UserPoolId] = true
		if c.Username != "" {
			users[user{c.UserPoolId, c.Username}] = true
		}
	}
	return Counts{PoolsChanged: len(pools), UsersChanged: len(users), Calls: len(p.Calls)}
}

// Write writes doc as indented JSON, without HTML escapes, and a newline.
func Write(w io.Writer, doc any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}
