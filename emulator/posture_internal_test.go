package emulator

import (
	"slices"
	"testing"

	"github.com/mfactl/mfactl/emulator/apimodel"
)

// TestUpdateUserPoolMembers ranges over UpdateUserPoolRequest in the API
// model: each member must be modelled or stored, so that a member added to
// the API later cannot be ignored silently.
func TestUpdateUserPoolMembers(t *testing.T) {
	shape := apimodel.Load().Shapes["UpdateUserPoolRequest"]
	if shape == nil || len(shape.Members) < 20 {
		t.Fatalf("the model's UpdateUserPoolRequest: %+v", shape)
	}
	var names []string
	for _, m := range shape.Members {
		names = append(names, m.Name)
		stored, modelled := slices.Contains(storedUpdateMembers, m.Name), slices.Contains(modelledUpdateMembers, m.Name)
		if stored == modelled {
			t.Errorf("UpdateUserPoolRequest member %s: stored %v, modelled %v; want exactly one", m.Name, stored, modelled)
		}
	}
	for _, name := range slices.Concat(storedUpdateMembers, modelledUpdateMembers) {
		if !slices.Contains(names, name) {
			t.Errorf("%s is not a member of UpdateUserPoolRequest", name)
		}
	}
}
