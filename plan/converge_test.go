package plan_test

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/mfactl/mfactl/apply"
	"github.com/mfactl/mfactl/emulator"
	"github.com/mfactl/mfactl/internal/cognito"
	"github.com/mfactl/mfactl/plan"
	"github.com/mfactl/mfactl/plan/planfile"
	"github.com/mfactl/mfactl/plan/plantest"
)

// TestPlansConverge runs every scenario that has an emulator seed
// (fixtures/plans/*/emulator.yaml) the way `plan --out` and `apply` do:
// read live state from the project's emulator, which enforces Cognito's
// rules, build the plan, save and load it, check it is not stale, resolve
// its secrets, make its calls in order, then plan again. The emulator must
// accept every call, and the second plan must have no changes.
func TestPlansConverge(t *testing.T) {
	t.Chdir("..")
	t.Setenv("AWS_ACCESS_KEY_ID", "test")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "test")
	t.Setenv("AWS_REGION", "us-east-1")
	seeds, err := filepath.Glob("fixtures/plans/*/emulator.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(seeds) < 4 {
		t.Fatalf("found %d seeded scenarios, want at least 4", len(seeds))
	}
	for _, seed := range seeds {
		dir := filepath.Dir(seed)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			ctx := context.Background()
			server, url := emulator.NewTestServer(t, emulator.Options{})
			if err := server.SeedFile(seed); err != nil {
				t.Fatal(err)
			}
			client, err := cognito.New(ctx, cognito.Options{EndpointURL: url, MaxAttempts: 1})
			if err != nil {
				t.Fatal(err)
			}
			desired, o := plantest.LoadScenarioDesired(t, dir)
			opts := plan.Options{ResendWriteOnly: o.ResendWriteOnly}

			live, err := client.ReadLive(ctx, desired.ReadSet(), nil)
			if err != nil {
				t.Fatal(err)
			}
			p := plan.Build(desired, live, opts)
			if p.Diagnostics.HasErrors() {
				t.Fatalf("plan failed: %v", p.Diagnostics)
			}
			var file bytes.Buffer
			if err := planfile.Save(&file, p); err != nil {
				t.Fatal(err)
			}
			saved, err := planfile.Load(&file)
			if err != nil {
				t.Fatal(err)
			}
			again, err := client.ReadLive(ctx, saved.ReadSet(), nil)
			if err != nil {
				t.Fatal(err)
			}
			if stale := plan.StaleTargets(saved, again); len(stale) > 0 {
				t.Fatalf("stale right after planning: %+v", stale)
			}
			if err := plan.ResolveSecrets(saved, again, &desired); err != nil {
				t.Fatal(err)
			}
			for i, call := range saved.Calls {
				if err := apply.Dispatch(client).Execute(ctx, call); err != nil {
					t.Fatalf("call %d (%s %s %s) refused: %v", i+1, call.Operation, call.UserPoolId, call.Username, err)
				}
			}

			after, err := client.ReadLive(ctx, desired.ReadSet(), nil)
			if err != nil {
				t.Fatal(err)
			}
			// Without --resend-write-only: with it, write-only settings are
			// sent every time by design.
			if second := plan.Build(desired, after, plan.Options{}); second.HasChanges() || second.Diagnostics.HasErrors() {
				js, _ := json.MarshalIndent(second.Calls, "", "  ")
				t.Fatalf("the plan does not converge; after applying it, it still calls:\n%s", js)
			}
		})
	}
}
