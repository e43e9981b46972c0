package apimodel_test

import (
	"bytes"
	"os"
	"testing"

	"github.com/mfactl/mfactl/emulator/apimodel"
	"github.com/mfactl/mfactl/emulator/apimodel/internal/compact"
)

// model.json is what `go generate` makes of the full model, when the full
// model is at hand (COGNITO_API_MODEL, or the shared folder beside the
// checkout).
func TestModelJSONIsGenerated(t *testing.T) {
	src := os.Getenv("COGNITO_API_MODEL")
	if src == "" {
		src = "../../../shared/aws/cognito-idp-model-2026-07-24.json"
	}
	full, err := os.ReadFile(src)
	if err != nil {
		t.Skipf("the full API model is not at hand (%v); set COGNITO_API_MODEL to check model.json", err)
	}
	want, err := compact.Compact(full)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("model.json")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("model.json is stale: run go generate ./emulator/apimodel")
	}
}

func TestEveryReferenceResolves(t *testing.T) {
	m := apimodel.Load()
	if len(m.Operations) < 100 {
		t.Fatalf("%d operations", len(m.Operations))
	}
	for name, op := range m.Operations {
		if m.Input(name) == nil {
			t.Errorf("%s: input %s missing", name, op.Input)
		}
	}
	for name, s := range m.Shapes {
		refs := []string{s.Member, s.Key, s.Value}
		for _, mem := range s.Members {
			refs = append(refs, mem.Shape)
		}
		for _, r := range refs {
			if r != "" && m.Shapes[r] == nil {
				t.Errorf("%s refers to %s, which is missing", name, r)
			}
		}
	}
	// A constraint the emulator's fidelity depends on, read back.
	if s := m.Shapes["EumsSmsConfigurationType"]; s == nil || !s.IsRequired("CallerArn") {
		t.Errorf("EumsSmsConfigurationType: %+v", s)
	}
}
