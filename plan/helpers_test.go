package plan

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/mfactl/mfactl/internal/diag"
	"github.com/mfactl/mfactl/internal/operations"
	"github.com/mfactl/mfactl/internal/rules"
	"github.com/mfactl/mfactl/internal/state"
	"github.com/mfactl/mfactl/plan/plantest"
)

// Builders for desired and live state, shared with the tests of views
// (package plantest).
const (
	poolID    = plantest.PoolID
	secret    = plantest.Secret
	newSecret = plantest.NewSecret
	roleArn   = plantest.RoleArn
)

type liveOpt = plantest.LiveOpt

var (
	str               = plantest.Str
	role              = plantest.Role
	smsOn             = plantest.SmsOn
	totpOn            = plantest.TotpOn
	emailOn           = plantest.EmailOn
	enabled           = plantest.Enabled
	preferred         = plantest.Preferred
	disabled          = plantest.Disabled
	withPrerequisites = plantest.WithPrerequisites
	withUsers         = plantest.WithUsers
	essentials        = plantest.Essentials
	live              = plantest.Live
	liveUser          = plantest.LiveUser
	desiredPool       = plantest.DesiredPool
	user              = plantest.User
	diagText          = plantest.DiagText
)

func itoa(i int) string { return strconv.Itoa(i) }

// build runs Build and checks the guarantees every plan must keep,
// whatever the scenario.
func build(t *testing.T, d state.Desired, l state.Live, opts Options) *Plan {
	t.Helper()
	p := Build(d, l, opts)
	checkInvariants(t, p)
	return p
}

func checkInvariants(t *testing.T, p *Plan) {
	t.Helper()
	if p.Diagnostics.HasErrors() && (len(p.Calls) > 0 || len(p.Pools) > 0) {
		t.Fatalf("a plan with errors has calls or changes: %+v", p)
	}
	for _, d := range p.Diagnostics {
		if !diag.KnownCode(d.Code) || d.Code == diag.Unclassified || d.UserPoolId == "" {
			t.Fatalf("diagnostic without a catalogued code or a pool: %s (Code %q, UserPoolId %q)", d, d.Code, d.UserPoolId)
		}
	}
	lastStage := map[string]int{}
	for i, c := range p.Calls {
		if (c.PoolRequest == nil) == (c.UserRequest == nil) {
			t.Fatalf("call %d: exactly one request must be set: %+v", i+1, c)
		}
		if c.Stage < lastStage[c.UserPoolId] {
			t.Fatalf("call %d: stages out of order", i+1)
		}
		lastStage[c.UserPoolId] = c.Stage
		if op, _ := operations.Lookup(string(c.Operation)); !slices.Contains(op.Stages, c.Stage) {
			t.Fatalf("call %d: %s in stage %d; the operation table allows stages %v", i+1, c.Operation, c.Stage, op.Stages)
		}
		if c.PoolRequest != nil {
			if err := rules.PoolRequest(*c.PoolRequest); err != nil {
				t.Fatalf("call %d: invalid pool request: %v", i+1, err)
			}
			r := c.PoolRequest
			if r.MfaConfiguration == state.ModeOff && (r.SmsMfaConfiguration != nil || r.SoftwareTokenMfaConfiguration != nil || r.EmailMfaConfiguration != nil) {
				t.Fatalf("call %d: OFF with a factor block", i+1)
			}
		}
		if c.UserRequest != nil && *c.UserRequest == (state.UserSettings{}) {
			t.Fatalf("call %d: empty user request", i+1)
		}
	}
	for _, out := range renderAll(t, p) {
		if strings.Contains(out, secret) || strings.Contains(out, newSecret) {
			t.Fatalf("a secret reached the output:\n%s", out)
		}
	}
}

// renderAll returns what this package writes of a plan for output: its
// changes, diagnostics and calls as JSON (what -o json shows; package
// jsondoc adds its head). Plan files (package planfile) and the text view
// (package views) are checked for secrets in their own tests.
func renderAll(t *testing.T, p *Plan) []string {
	t.Helper()
	return []string{publicJSON(t, p)}
}

// publicJSON is p's reviewable parts as -o json shows them.
func publicJSON(t *testing.T, p *Plan) string {
	t.Helper()
	b, err := json.MarshalIndent(struct {
		Pools       []PoolChange
		Diagnostics diag.List
		Calls       []Call
		SelfService *SelfService
	}{p.Pools, p.Diagnostics, p.Calls, p.SelfService}, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// callSummary describes calls compactly: "SetUserPoolMfaConfig@1(OPTIONAL)",
// "AdminSetUserMFAPreference@2(alice)".
func callSummary(p *Plan) []string {
	var out []string
	for _, c := range p.Calls {
		if c.PoolRequest != nil {
			out = append(out, string(c.Operation)+"@"+itoa(c.Stage)+"("+string(c.PoolRequest.MfaConfiguration)+")")
		} else {
			out = append(out, string(c.Operation)+"@"+itoa(c.Stage)+"("+c.Username+")")
		}
	}
	return out
}

func requireNoErrors(t *testing.T, p *Plan) {
	t.Helper()
	if p.Diagnostics.HasErrors() {
		t.Fatalf("unexpected errors:\n%s", diagText(p.Diagnostics))
	}
}

// findDiag returns the first diagnostic of severity sev whose summary
// contains substr.
func findDiag(l diag.List, sev diag.Severity, substr string) *diag.Diagnostic {
	for i := range l {
		if l[i].Severity == sev && strings.Contains(l[i].Summary, substr) {
			return &l[i]
		}
	}
	return nil
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// Every operation a plan may call has an entry in the operation table with
// the stages it runs in: its quota, IAM action, AWS CLI command and stage
// names come from there.
func TestPlanOperationsAreInTheOperationTable(t *testing.T) {
	for _, name := range Operations {
		op, ok := operations.Lookup(string(name))
		if !ok || len(op.Stages) == 0 {
			t.Errorf("%s: no entry with stages in internal/operations.Table", name)
		}
	}
}
