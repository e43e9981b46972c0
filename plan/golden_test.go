package plan

import (
	"path/filepath"
	"testing"

	"github.com/mfactl/mfactl/plan/plantest"
)

// Each directory of fixtures/plans is a scenario: desired-state files in
// the project's format (every *.yaml but the ones below), live.yaml
// describing state.Live, optionally options.yaml (plan.Options) and
// emulator.yaml (a seed for TestPlansConverge), and the goldens of the
// views (plan.txt, plan.json, plan.md...), in package views. Here each
// scenario's plan keeps its invariants and survives a plan file.
func TestGoldenPlans(t *testing.T) {
	t.Chdir("..") // diagnostics name files relative to the repository root
	for _, dir := range plantest.Scenarios(t) {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			d, l, o := plantest.LoadScenario(t, dir)
			p := Build(d, l, Options{ResendWriteOnly: o.ResendWriteOnly})
			checkInvariants(t, p)
		})
	}
}
