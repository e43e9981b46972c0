package cmd

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mfactl/mfactl/emulator"
	"github.com/mfactl/mfactl/plan/planfile"
)

// A signed plan file shows exactly as plan showed it.
func TestShowRendersASavedPlanAsPlanDidWithoutAWS(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	ctx := context.Background()
	t.Setenv(planfile.KeyEnv, "show-test-key")
	planFile := filepath.Join(t.TempDir(), "mfa.plan")
	planned, _, code := h.run(ctx, "plan", "-f", examples, "--out", planFile)
	if code != ExitOK {
		t.Fatalf("plan: exit %d", code)
	}
	plannedJSON, _, _ := h.run(ctx, "plan", "-f", examples, "-o", "json")
	plannedCLI, _, _ := h.run(ctx, "plan", "-f", examples, "-o", "cli")
	h.emu.ResetStats()
	// No credentials and nowhere to send a request: show must not need either.
	t.Setenv("AWS_ACCESS_KEY_ID", "")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "")
	for format, want := range map[string]string{"text": planned, "json": plannedJSON, "cli": plannedCLI} {
		got, errOut, code := h.run(ctx, "show", planFile, "-o", format)
		if code != ExitOK {
			t.Fatalf("show -o %s: exit %d\n%s", format, code, errOut)
		}
		if format == "json" {
			// The one difference: the document names the command that printed it.
			got = strings.Replace(got, `"Command": "show"`, `"Command": "plan"`, 1)
		}
		if got != want {
			t.Errorf("show -o %s differs from plan -o %s\n--- show\n%s\n--- plan\n%s", format, format, got, want)
		}
	}
	if calls := h.emu.Stats().Calls; len(calls) != 0 {
		t.Fatalf("show called Cognito: %v", calls)
	}
	if strings.Contains(plannedCLI, "retail-sms-7f3c") || !strings.Contains(plannedCLI, "${MFACTL_SMS_EXTERNAL_ID_US_EAST_1_RETAIL7SMS:?") {
		t.Errorf("-o cli does not keep the ExternalId out:\n%s", plannedCLI)
	}

	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"show"}, "show takes one plan file"},
		{[]string{"show", filepath.Join(t.TempDir(), "none.plan")}, "reading the plan file"},
		{[]string{"show", planFile, "-o", "yaml"}, `invalid --output "yaml": use text, json, cli, markdown, github, junit or sarif`},
	} {
		_, errOut, code := h.run(ctx, tc.args...)
		if code != ExitError || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: exit %d\n%s", tc.args, code, errOut)
		}
	}
}

// Without a key, show leaves out what nothing vouches for: a warning or a
// "Partial plan" header added to a plan file is not displayed, and a
// warning of mfactl's own says the file is unsigned (red-team item 18.6).
func TestShowDoesNotDisplayTextAddedToAnUnsignedPlanFile(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	ctx := context.Background()
	planFile := filepath.Join(t.TempDir(), "mfa.plan")
	m := h.makePlan(ctx, planFile, examples)
	m["Partial"] = []any{"us-east-1_Retail7SMS"}
	m["Diagnostics"] = append(m["Diagnostics"].([]any), map[string]any{"Severity": "warning", "Summary": "FORGED: reviewed and approved by security"})
	writePlanMap(t, planFile, m)
	for _, format := range []string{"text", "json", "markdown", "github"} {
		out, errOut, code := h.run(ctx, "show", planFile, "-o", format)
		if code != ExitOK {
			t.Fatalf("show -o %s: exit %d\n%s", format, code, errOut)
		}
		all := out + errOut
		if strings.Contains(all, "FORGED") || strings.Contains(all, "Partial plan") || strings.Contains(all, `"Partial"`) {
			t.Errorf("show -o %s displays text added to the file:\n%s", format, all)
		}
		if !strings.Contains(all, "is not signed: its recorded warnings and --target scope are not shown") {
			t.Errorf("show -o %s does not say the file is unsigned:\n%s", format, all)
		}
	}
}
