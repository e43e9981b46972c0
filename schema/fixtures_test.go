package schema

import (
	"flag"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/mfactl/mfactl/internal/diag"
)

var update = flag.Bool("update", false, "rewrite the golden files of fixtures/invalid")

const invalidDir = "fixtures/invalid"

// generatedFixtures are invalid inputs too big to commit: each writes its
// file into dir and returns the name to load, relative to dir.
var generatedFixtures = map[string]func(t *testing.T, dir string) string{
	// 50 MB, five times the limit: refused from its size, without reading it.
	"load-file-too-large": func(t *testing.T, dir string) string {
		name := "load-file-too-large.yaml"
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if err := f.Truncate(50 << 20); err != nil {
			t.Fatal(err)
		}
		return name
	},
}

// invalidFixtures lists the corpus: every file or directory in
// fixtures/invalid except the golden files, by name without extension.
func invalidFixtures(t *testing.T) map[string]string {
	t.Helper()
	entries, err := os.ReadDir(invalidDir)
	if err != nil {
		t.Fatal(err)
	}
	inputs := map[string]string{}
	for _, e := range entries {
		if filepath.Ext(e.Name()) == ".golden" {
			continue
		}
		inputs[strings.TrimSuffix(e.Name(), filepath.Ext(e.Name()))] = filepath.Join(invalidDir, e.Name())
	}
	return inputs
}

func render(l diag.List) string {
	var b strings.Builder
	for _, d := range l {
		b.WriteString(d.String())
		b.WriteByte('\n')
	}
	return b.String()
}

// TestInvalidFixtures loads every invalid input and compares its
// diagnostics with the golden file beside it (regenerate with -update).
// Every input must fail, and every golden file must have an input.
func TestInvalidFixtures(t *testing.T) {
	t.Chdir("..")
	inputs := invalidFixtures(t)
	if len(inputs)+len(generatedFixtures) < 40 {
		t.Errorf("the invalid corpus has %d inputs; the project promises at least 40", len(inputs)+len(generatedFixtures))
	}
	goldens, _ := filepath.Glob(filepath.Join(invalidDir, "*.golden"))
	for _, g := range goldens {
		name := strings.TrimSuffix(filepath.Base(g), ".golden")
		if _, ok := inputs[name]; !ok && generatedFixtures[name] == nil {
			t.Errorf("%s has no input fixture", g)
		}
	}

	names := make([]string, 0, len(inputs)+len(generatedFixtures))
	for name := range inputs {
		names = append(names, name)
	}
	for name := range generatedFixtures {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			golden, err := filepath.Abs(filepath.Join(invalidDir, name+".golden"))
			if err != nil {
				t.Fatal(err)
			}
			input := inputs[name]
			if gen := generatedFixtures[name]; gen != nil {
				dir := t.TempDir()
				input = gen(t, dir)
				t.Chdir(dir)
			}
			_, diags := Load([]string{input}, strings.NewReader(""))
			if !diags.HasErrors() {
				t.Fatalf("%s loaded without errors", input)
			}
			for _, d := range diags {
				if !diag.KnownCode(d.Code) || d.Code == diag.Unclassified {
					t.Errorf("diagnostic without a catalogued code (diag.Rules): %s (Code %q)", d, d.Code)
				}
			}
			got := render(diags)
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("no golden file (run go test ./schema -run TestInvalidFixtures -update): %v", err)
			}
			if got != string(want) {
				t.Errorf("diagnostics differ from %s\n--- got\n%s--- want\n%s", golden, got, want)
			}
		})
	}
}

// TestFixtureLayers holds the corpus to its naming convention, which
// scripts/ajv-check.sh relies on: schema-* fail the JSON Schema and nothing
// before it; rule-* and multi-* pass YAML and the schema and fail only
// Cognito's cross-field rules; yaml-* fail while reading YAML.
func TestFixtureLayers(t *testing.T) {
	t.Chdir("..")
	for name, path := range invalidFixtures(t) {
		layer, _, _ := strings.Cut(name, "-")
		files := []string{path}
		if info, err := os.Stat(path); err == nil && info.IsDir() {
			files, _ = filepath.Glob(filepath.Join(path, "*.yaml"))
		}
		var yamlFaults, schemaFaults int
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			docs, diags := parseFile(f, data, nil)
			yamlFaults += len(diags)
			for _, doc := range docs {
				d, _ := checkSchema(doc)
				schemaFaults += len(d)
			}
		}
		switch layer {
		case "yaml":
			if yamlFaults == 0 {
				t.Errorf("%s: no YAML-level fault", name)
			}
		case "schema":
			if yamlFaults != 0 || schemaFaults == 0 {
				t.Errorf("%s: %d YAML-level and %d schema faults; want only schema faults", name, yamlFaults, schemaFaults)
			}
		case "rule", "multi":
			if yamlFaults != 0 || schemaFaults != 0 {
				t.Errorf("%s: %d YAML-level and %d schema faults; want neither", name, yamlFaults, schemaFaults)
			}
		case "load":
		default:
			t.Errorf("%s: name must start with yaml-, schema-, rule-, multi- or load-", name)
		}
	}
}
