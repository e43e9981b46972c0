package cmd

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mfactl/mfactl/emulator"
)

func TestShowRendersASavedPlanAsPlanDidWithoutAWS(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	ctx := context.Background()
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
