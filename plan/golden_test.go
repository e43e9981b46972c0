package plan

import (
	"bytes"
	"flag"
	"github.com/mfactl/mfactl/plan/plantest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden JSON plans in fixtures/plans")

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

func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./plan -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s differs from the golden file (run go test ./plan -update if the change is intended):\n%s", path, lineDiff(string(want), string(got)))
	}
}

// lineDiff shows the first lines where two texts differ.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return "line " + itoa(i+1) + ":\n- " + wl + "\n+ " + gl
		}
	}
	return ""
}
