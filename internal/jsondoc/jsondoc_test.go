package jsondoc

import (
	"os"
	"strings"
	"testing"

	"github.com/mfactl/mfactl/plan"
)

// Every published schema compiles and accepts the smallest document of
// each outcome it lists, with an Error exactly where one is required.
func TestSchemasCompileAndAcceptTheHead(t *testing.T) {
	for _, c := range Commands {
		if _, err := compiledSchema(c); err != nil {
			t.Fatalf("%s: %v", c, err)
		}
	}
	if err := Check(CommandPlan, []byte(`{"FormatVersion":"2.0","MfactlVersion":"v0.3.0","Command":"plan","Outcome":"failed","Counts":{"PoolsChanged":0,"UsersChanged":0,"Calls":0,"CallsApplied":0,"CallsFailed":0,"CallsNotStarted":0},"Pools":[],"Diagnostics":[],"Calls":[]}`)); err == nil {
		t.Error("a failed plan without Error passes")
	}
	if err := Check(CommandPlan, []byte(`{"FormatVersion":"2.0","MfactlVersion":"v0.3.0","Command":"plan","Outcome":"failed","Error":"x","Counts":{"PoolsChanged":0,"UsersChanged":0,"Calls":0,"CallsApplied":0,"CallsFailed":0,"CallsNotStarted":0},"Pools":[],"Diagnostics":[],"Calls":[]}`)); err == nil {
		t.Error("an Error that is a string passes")
	}
	if err := Check(CommandPlan, []byte(`{"FormatVersion":"2.0","MfactlVersion":"v0.3.0","Command":"plan","Outcome":"failed","Error":{"Message":"x","Code":"","Meaning":""},"Counts":{"PoolsChanged":0,"UsersChanged":0,"Calls":0,"CallsApplied":0,"CallsFailed":0,"CallsNotStarted":0},"Pools":[],"Diagnostics":[],"Calls":[]}`)); err != nil {
		t.Errorf("a failed plan with its Error: %v", err)
	}
	if err := Check(CommandPlan, []byte(`{"FormatVersion":"2.0","MfactlVersion":"v0.3.0","Command":"plan","Outcome":"no-changes","Counts":{"PoolsChanged":0,"UsersChanged":0,"Calls":0,"CallsApplied":0,"CallsFailed":0,"CallsNotStarted":0},"Pools":[],"Diagnostics":[],"Calls":[],"Changed":false}`)); err == nil {
		t.Error("a key the schema does not name passes")
	}
	if err := Check(CommandValidate, []byte(`{"FormatVersion":"2.0","MfactlVersion":"v0.3.0","Command":"plan","Outcome":"valid","Counts":{"PoolsChanged":0,"UsersChanged":0,"Calls":0,"CallsApplied":0,"CallsFailed":0,"CallsNotStarted":0},"Valid":true,"Files":[],"Diagnostics":[]}`)); err == nil {
		t.Error("a validate document that says it is plan's passes")
	}
}

// The plan document is not a plan file: it never has the targets, the
// fingerprints or the signature, and its lists are [] when empty.
func TestPlanDocumentIsNotAPlanFile(t *testing.T) {
	var b strings.Builder
	if err := Write(&b, NewPlan(CommandPlan, &plan.Plan{Targets: []plan.Target{{UserPoolId: "eu-west-1_A", Fingerprint: "x"}}})); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"Targets", "Fingerprint", "Signature", "Selections", "Options"} {
		if strings.Contains(b.String(), key) {
			t.Errorf("the plan document has %s:\n%s", key, b.String())
		}
	}
	for _, empty := range []string{`"Pools": []`, `"Calls": []`, `"Diagnostics": []`, `"Outcome": "no-changes"`} {
		if !strings.Contains(b.String(), empty) {
			t.Errorf("the plan document lacks %s:\n%s", empty, b.String())
		}
	}
	if err := Check(CommandPlan, []byte(b.String())); err != nil {
		t.Error(err)
	}
}

// docs/json.md has the one table of outcomes, with every outcome.
func TestOutcomesAreDocumented(t *testing.T) {
	doc, err := os.ReadFile("../../docs/json.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range Outcomes {
		if !strings.Contains(string(doc), "| `"+string(o.Outcome)+"` |") {
			t.Errorf("docs/json.md has no row for outcome %s", o.Outcome)
		}
	}
	if !strings.Contains(string(doc), "FormatVersion `"+FormatVersion+"`") {
		t.Errorf("docs/json.md does not give FormatVersion %s", FormatVersion)
	}
}

// The reset-mfa schema accepts the lines real runs wrote
// (fixtures/recovery, kept by cmd's end-to-end tests) and the failure
// document, and refuses a line that breaks the record's contract.
func TestResetMFASchemaAcceptsRealAuditLines(t *testing.T) {
	var lines []string
	for _, f := range []string{"audit-lost-authenticator.jsonl", "audit-dry-run.jsonl", "reset-failed.json"} {
		data, err := os.ReadFile("../../fixtures/recovery/" + f)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
			if err := Check(CommandResetMFA, []byte(line)); err != nil {
				t.Errorf("%s: %v\n%s", f, err, line)
			}
			lines = append(lines, line)
		}
	}
	done := lines[0]
	for name, bad := range map[string]string{
		"a key the record does not have": strings.Replace(done, `"who":`, `"aws_secret_access_key":"x","who":`, 1),
		"no reason":                      strings.Replace(done, `"reason":"lost phone; identity checked on a video call",`, "", 1),
		"an unknown who_from":            strings.Replace(done, `"who_from":"access key ID"`, `"who_from":"guess"`, 1),
		"an unknown outcome":             strings.Replace(done, `"outcome":"done"`, `"outcome":"ok"`, 1),
		"an unknown call result":         strings.Replace(done, `"result":"ok"`, `"result":"maybe"`, 1),
		"a time not in UTC":              strings.Replace(done, `"time":"2026-12-07T15:55:01.812432489Z"`, `"time":"2026-12-07T16:55:01+01:00"`, 1),
		"steps null":                     strings.Replace(done, `"steps":[`, `"steps":null,"x":[`, 1),
		"another format_version":         strings.Replace(done, `"format_version":"1"`, `"format_version":"2"`, 1),
		"a failure without its error":    `{"outcome":"failed"}`,
	} {
		if bad == done {
			t.Fatalf("%s: the mutation did not apply", name)
		}
		if err := Check(CommandResetMFA, []byte(bad)); err == nil {
			t.Errorf("%s passes", name)
		}
	}
}
