package plan

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/mfactl/mfactl/internal/schema"
	"github.com/mfactl/mfactl/internal/state"
)

var update = flag.Bool("update", false, "rewrite the golden plans in fixtures/plans")

// Each directory of fixtures/plans is a scenario: desired-state files in
// the project's format (every *.yaml but the ones below), live.yaml
// describing state.Live, optionally options.yaml (plan.Options) and
// emulator.yaml (a seed for TestPlansConverge), and the goldens plan.txt
// and plan.json. Regenerate the goldens with
//
//	go test ./plan -run TestGoldenPlans -update
func TestGoldenPlans(t *testing.T) {
	t.Chdir("../..") // diagnostics name files relative to the repository root
	dirs, err := filepath.Glob("fixtures/plans/*")
	if err != nil {
		t.Fatal(err)
	}
	if len(dirs) < 5 {
		t.Fatalf("found %d scenarios in fixtures/plans, want at least 5", len(dirs))
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			d, l, opts := loadScenario(t, dir)
			p := Build(d, l, opts)
			checkInvariants(t, p)

			var text, js bytes.Buffer
			if err := RenderText(&text, p, Plain); err != nil {
				t.Fatal(err)
			}
			if err := RenderJSON(&js, p); err != nil {
				t.Fatal(err)
			}
			golden(t, filepath.Join(dir, "plan.txt"), text.Bytes())
			golden(t, filepath.Join(dir, "plan.json"), js.Bytes())

			if !p.Diagnostics.HasErrors() {
				checkSaveLoad(t, p, l, d)
			}
		})
	}
}

// checkSaveLoad checks that a saved plan loads back to the same plan, is
// not stale against the live state it came from, and gets its secrets back.
func checkSaveLoad(t *testing.T, p *Plan, l state.Live, d state.Desired) {
	t.Helper()
	var saved bytes.Buffer
	if err := Save(&saved, p); err != nil {
		t.Fatal(err)
	}
	loaded, err := Load(&saved)
	if err != nil {
		t.Fatalf("Load(Save(plan)): %v", err)
	}
	var before, after bytes.Buffer
	_ = RenderJSON(&before, p)
	_ = RenderJSON(&after, loaded)
	if before.String() != after.String() {
		t.Fatalf("the plan changed through Save and Load:\nbefore %s\nafter %s", before.String(), after.String())
	}
	if stale := StaleTargets(loaded, l); len(stale) > 0 {
		t.Fatalf("a fresh plan is stale: %+v", stale)
	}
	if err := ResolveSecrets(loaded, l, &d); err != nil {
		t.Fatal(err)
	}
	for i := range p.Calls {
		if got, want := externalID(loaded.Calls[i].PoolRequest), externalID(p.Calls[i].PoolRequest); got != want {
			t.Fatalf("call %d: resolved ExternalId differs from the planned one", i+1)
		}
	}
}

func loadScenario(t *testing.T, dir string) (state.Desired, state.Live, Options) {
	t.Helper()
	d, opts := loadScenarioDesired(t, dir)
	var l state.Live
	decodeYAMLAsJSON(t, filepath.Join(dir, "live.yaml"), &l)
	for id, lp := range l.Pools {
		lp.UserPoolId = id
		for name, u := range lp.Users {
			u.Username = name
		}
	}
	return d, l, opts
}

// loadScenarioDesired loads a scenario's desired-state files (every YAML
// file but live.yaml, options.yaml and emulator.yaml) and its options.
func loadScenarioDesired(t *testing.T, dir string) (state.Desired, Options) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	files = slices.DeleteFunc(files, func(f string) bool {
		switch filepath.Base(f) {
		case "live.yaml", "options.yaml", "emulator.yaml":
			return true
		}
		return false
	})
	d, diags := schema.Load(files, nil)
	if diags.HasErrors() {
		t.Fatalf("scenario files do not load:\n%s", diagText(diags))
	}
	var opts Options
	if _, err := os.Stat(filepath.Join(dir, "options.yaml")); err == nil {
		decodeYAMLAsJSON(t, filepath.Join(dir, "options.yaml"), &opts)
	}
	return d, opts
}

// decodeYAMLAsJSON reads a YAML file into v through JSON, so that the
// state types' JSON field names apply, and rejects unknown fields.
func decodeYAMLAsJSON(t *testing.T, path string, v any) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var generic any
	if err := yaml.Unmarshal(data, &generic); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	js, err := json.Marshal(generic)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("%s: %v", path, err)
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
