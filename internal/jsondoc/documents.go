package jsondoc

import (
	"github.com/mfactl/mfactl/internal/diag"
	"github.com/mfactl/mfactl/internal/usecase"
	"github.com/mfactl/mfactl/plan"
)

// Plan is what plan -o json and show -o json print: the changes for people
// to review, the diagnostics and the ordered calls with their request
// bodies (secrets masked). docs/planning.md describes every field.
type Plan struct {
	Head
	Partial     []string `json:",omitempty"` // the --target arguments of a partial plan
	Pools       []plan.PoolChange
	Diagnostics diag.List
	Calls       []plan.Call
	SelfService *plan.SelfService `json:",omitempty"`
	// Reads are what planning asked of Cognito besides live state: the
	// rates paced at, the AdminGetUserAuthFactors calls.
	Reads *plan.Reads `json:",omitempty"`
}

// NewPlan is the document of p, printed by command (plan or show). Its
// outcome is Changes, NoChanges or, when p's checks failed, ChecksFailed.
func NewPlan(command Command, p *plan.Plan) Plan {
	outcome := NoChanges
	switch {
	case p.Diagnostics.HasErrors():
		outcome = ChecksFailed
	case p.HasChanges():
		outcome = Changes
	}
	doc := EmptyPlan(command, outcome)
	doc.Counts = PlanCounts(p)
	doc.Partial, doc.SelfService, doc.Reads = p.Partial, p.SelfService, p.Reads
	if p.Pools != nil {
		doc.Pools = p.Pools
	}
	if p.Diagnostics != nil {
		doc.Diagnostics = p.Diagnostics
	}
	if p.Calls != nil {
		doc.Calls = p.Calls
	}
	return doc
}

// EmptyPlan is a plan document with no plan in it: that of a run that
// stopped before it had one (invalid input, a Cognito failure, an
// interrupt), so that a program reading plans reads it too.
func EmptyPlan(command Command, outcome Outcome) Plan {
	return Plan{Head: NewHead(command, outcome), Pools: []plan.PoolChange{}, Diagnostics: diag.List{}, Calls: []plan.Call{}}
}

// Apply is what apply -o json prints, once, whatever happened.
// docs/applying.md describes every field.
type Apply struct {
	Head
	Diagnostics diag.List `json:",omitempty"` // of the files or of the checks, when they stopped it
	Plan        *Plan     `json:",omitempty"` // the plan applied
	Calls       []ApplyCall
	// StoppedPools are the pools apply stopped because they changed under
	// it (another apply); Stopped is the failure that stopped the whole run
	// (Cognito unreachable, no credentials).
	StoppedPools []ApplyHalt   `json:",omitempty"`
	Stopped      *Error        `json:",omitempty"`
	Verification *Verification `json:",omitempty"`
}

// Statuses of a call in the apply document.
const (
	StatusApplied    = "applied"
	StatusFailed     = "failed"
	StatusIneligible = "ineligible"
	StatusNotStarted = "not-started"
)

// ApplyCall is one call of the plan and what became of it.
type ApplyCall struct {
	Index      int // from 1, in plan order
	Operation  plan.Operation
	UserPoolId string
	Username   string `json:",omitempty"`
	Stage      int
	Status     string // applied, failed, ineligible or not-started
	Error      *Error `json:",omitempty"`
}

// ApplyHalt is a pool apply stopped because it changed under it.
type ApplyHalt struct {
	UserPoolId string
	Stage      int // the stage it was stopped before
	Error      Error
}

// Verification is what the re-read after apply found.
type Verification struct {
	Verified bool
	Scope    usecase.VerifyScope // what was read again: changed (what apply wrote) or all
	// NotRereadPools and NotRereadUsers count the targets that were not
	// read again (Scope changed: apply did not write them).
	NotRereadPools int    `json:",omitempty"`
	NotRereadUsers int    `json:",omitempty"`
	Error          *Error `json:",omitempty"`
	Remaining      *Plan  `json:",omitempty"` // what is left to do, as a plan
}

// Validate is what validate -o json prints.
type Validate struct {
	Head
	Valid       bool
	Files       []string // the files read, in order
	Diagnostics diag.List
}

// Report is what report -o json prints, also for invalid files, a failure
// and an interrupt (with the users read until then).
type Report struct {
	Head
	Pools       []usecase.PoolReport
	Diagnostics diag.List
	Interrupted bool // reading stopped early; Pools hold the users read until then
}
