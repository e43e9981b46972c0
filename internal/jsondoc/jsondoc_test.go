package jsondoc

import (
	"testing"
)

// Every published schema compiles and accepts the smallest document of
// each outcome it lists, with an Error exactly where one is required.
func TestSchemasCompileAndAcceptTheHead(t *testing.T) {
	for _, c := range Commands {
		if _, err := compiledSchema(c); err != nil {
			t.Fatalf("%s: %v", c, err)
		}
	}
	if err := Check(CommandPlan, []byte(`{"FormatVersion":"2.0","Command":"plan","Outcome":"failed","Counts":{"PoolsChanged":0,"UsersChanged":0,"Calls":0,"CallsApplied":0,"CallsFailed":0,"CallsNotStarted":0},"Pools":[],"Diagnostics":[],"Calls":[]}`)); err == nil {
		t.Error("a failed plan without Error passes")
	}
	if err := Check(CommandPlan, []byte(`{"FormatVersion":"2.0","Command":"plan","Outcome":"failed","Error":"x","Counts":{"PoolsChanged":0,"UsersChanged":0,"Calls":0,"CallsApplied":0,"CallsFailed":0,"CallsNotStarted":0},"Pools":[],"Diagnostics":[],"Calls":[]}`)); err == nil {
		t.Error("an Error that is a string passes")
	}
	if err := Check(CommandPlan, []byte(`{"FormatVersion":"2.0","Command":"plan","Outcome":"failed","Error":{"Message":"x","Code":"","Meaning":""},"Counts":{"PoolsChanged":0,"UsersChanged":0,"Calls":0,"CallsApplied":0,"CallsFailed":0,"CallsNotStarted":0},"Pools":[],"Diagnostics":[],"Calls":[]}`)); err != nil {
		t.Errorf("a failed plan with its Error: %v", err)
	}
	if err := Check(CommandPlan, []byte(`{"FormatVersion":"2.0","Command":"plan","Outcome":"no-changes","Counts":{"PoolsChanged":0,"UsersChanged":0,"Calls":0,"CallsApplied":0,"CallsFailed":0,"CallsNotStarted":0},"Pools":[],"Diagnostics":[],"Calls":[],"Changed":false}`)); err == nil {
		t.Error("a key the schema does not name passes")
	}
	if err := Check(CommandValidate, []byte(`{"FormatVersion":"2.0","Command":"plan","Outcome":"valid","Counts":{"PoolsChanged":0,"UsersChanged":0,"Calls":0,"CallsApplied":0,"CallsFailed":0,"CallsNotStarted":0},"Valid":true,"Files":[],"Diagnostics":[]}`)); err == nil {
		t.Error("a validate document that says it is plan's passes")
	}
}
