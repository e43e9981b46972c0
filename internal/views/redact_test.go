package views

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/mfactl/mfactl/apply"
	"github.com/mfactl/mfactl/apply/applytest"
	"github.com/mfactl/mfactl/internal/iostreams"
	"github.com/mfactl/mfactl/internal/jsondoc"
	"github.com/mfactl/mfactl/internal/usecase"
	"github.com/mfactl/mfactl/plan"

	"github.com/mfactl/mfactl/internal/diag"
	"github.com/mfactl/mfactl/internal/state"
)

// Whatever a diagnostic holds from its input (a file name, a key), it is
// printed on one line, without control characters.
func TestDiagnosticsPrintOnOneLineWhateverTheyHold(t *testing.T) {
	var b strings.Builder
	WriteDiagnostics(&b, iostreams.Plain, iostreams.LogWidth, diag.List{{Severity: diag.Error,
		Pos: state.Pos{File: "x\n::error file=prod.yaml,line=1::forged.yaml", Line: 1, Column: 1}, Summary: "bad \x1b[2J\u202e"}})
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if len(lines) != 2 || strings.HasPrefix(lines[1], "::") || strings.ContainsAny(b.String(), "\x1b\u202e") {
		t.Fatalf("output:\n%s", b.String())
	}
}

// apply -o json says which pools were stopped and what stopped the run,
// redacted like the text.
func TestApplyJSONNamesStoppedPoolsAndTheStop(t *testing.T) {
	p := applytest.Plan(applytest.Pool{ID: "eu-west-1_A", Widen: true, Users: applytest.Users("a", 2)})
	r := apply.Run(context.Background(), p, &applytest.Executor{}, apply.Options{
		BeforeStage: func(_ context.Context, pool string, stage int, _ []plan.Call) error {
			if stage == 2 {
				return errors.New("user pool eu-west-1_A changed while this apply ran")
			}
			return nil
		}})
	r.Stopped = errors.New(`get credentials: parse failed of process output: {"SecretAccessKey": "wJalrSECRET"}, error: EOF`)
	ios, _, out, _ := iostreams.TestStreams()
	v, _ := NewApply(JSON, ios, PlanOptions{})
	if err := v.Applied(&usecase.Applied{Result: r}); err != nil {
		t.Fatal(err)
	}
	if err := v.Done(nil, false); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Outcome      string
		StoppedPools []struct {
			UserPoolId string
			Stage      int
			Error      struct{ Message string }
		}
		Stopped struct{ Message string }
	}
	if err := json.Unmarshal([]byte(out.String()), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Outcome != string(jsondoc.Failed) || len(doc.StoppedPools) != 1 || doc.StoppedPools[0].Stage != 2 || !strings.Contains(doc.StoppedPools[0].Error.Message, "changed while") {
		t.Errorf("document: %s", out.String())
	}
	if strings.Contains(out.String(), "wJalrSECRET") || !strings.Contains(doc.Stopped.Message, "(hidden") {
		t.Errorf("Stopped: %q", doc.Stopped.Message)
	}
}
