package emulator

import (
	"encoding/json"
	"os"
	"slices"
	"testing"
)

// TestUpdateUserPoolMembers ranges over UpdateUserPoolRequest in the API
// model: each member must be modelled or stored, so that a member added to
// the API later cannot be ignored silently.
func TestUpdateUserPoolMembers(t *testing.T) {
	data, err := os.ReadFile("../internal/cognito/testdata/cognito-idp-model-2026-07-24.json")
	if err != nil {
		t.Fatal(err)
	}
	var model struct {
		Shapes map[string]struct{ Members map[string]json.RawMessage }
	}
	if err := json.Unmarshal(data, &model); err != nil {
		t.Fatal(err)
	}
	members := model.Shapes["UpdateUserPoolRequest"].Members
	if len(members) < 20 {
		t.Fatalf("the model lists %d members of UpdateUserPoolRequest; is it the right file?", len(members))
	}
	for name := range members {
		stored, modelled := slices.Contains(storedUpdateMembers, name), slices.Contains(modelledUpdateMembers, name)
		if stored == modelled {
			t.Errorf("UpdateUserPoolRequest member %s: stored %v, modelled %v; want exactly one", name, stored, modelled)
		}
	}
	for _, name := range slices.Concat(storedUpdateMembers, modelledUpdateMembers) {
		if _, ok := members[name]; !ok {
			t.Errorf("%s is not a member of UpdateUserPoolRequest", name)
		}
	}
}
