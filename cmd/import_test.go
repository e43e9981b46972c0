package cmd

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mfactl/mfactl/emulator"
)

// demoPools are the pools of fixtures/demo/seed.yaml.
var demoPools = []string{"eu-west-1_Prod0TOTP", "us-east-1_Retail7SMS", "ap-southeast-2_Staff9Mail", "eu-central-1_Pass4Keys", "us-west-2_Partners3"}

func importArgs(users, out string) []string {
	args := []string{"import", "--users", users}
	for _, id := range demoPools {
		args = append(args, "--user-pool-id", id)
	}
	if out != "" {
		args = append(args, "--out", out)
	}
	return args
}

// planIsEmpty runs plan --detailed-exitcode -f files and fails unless it
// exits 0, warning of nothing, having read only.
func (h *harness) planIsEmpty(ctx context.Context, files ...string) {
	h.t.Helper()
	h.planIsEmptyWith(ctx, files, nil)
}

func (h *harness) planIsEmptyWith(ctx context.Context, files, flags []string) {
	h.t.Helper()
	args := append([]string{"plan", "--detailed-exitcode"}, flags...)
	for _, f := range files {
		args = append(args, "-f", f)
	}
	out, errOut, code := h.run(ctx, args...)
	if code != ExitOK {
		h.t.Fatalf("plan on the imported files: exit %d\n%s\n%s", code, out, errOut)
	}
	if strings.Contains(out+errOut, "warning") {
		h.t.Errorf("plan on the imported files warns:\n%s\n%s", out, errOut)
	}
	if w := h.writes(); len(w) != 0 {
		h.t.Fatalf("plan wrote: %v", w)
	}
}

func TestImportThenPlanIsEmptyOnTheDemoPools(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, users string }{{"seed/none", "none"}, {"seed/all", "all"}, {"converged/all", "all"}} {
		users := tc.users
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, emulator.Options{})
			ctx := context.Background()
			if strings.HasPrefix(tc.name, "converged") { // SMS, email and passkeys on, users enrolled
				if _, errOut, code := h.run(ctx, "apply", "-f", examples, "--auto-approve"); code != ExitOK {
					t.Fatalf("apply: %s", errOut)
				}
			}
			out, errOut, code := h.run(ctx, importArgs(users, "")...)
			if code != ExitOK {
				t.Fatalf("import: exit %d\n%s", code, errOut)
			}
			file := filepath.Join(t.TempDir(), "imported.yaml")
			if err := os.WriteFile(file, []byte(out), 0o600); err != nil {
				t.Fatal(err)
			}
			vout, verr, code := h.run(ctx, "validate", "-f", file)
			if code != ExitOK || strings.Contains(verr, "warning") {
				t.Fatalf("validate: exit %d\n%s\n%s\n%s", code, vout, verr, out)
			}
			h.emu.ResetStats()
			h.planIsEmpty(ctx, file)
			if secret := "retail-sms-7f3c"; strings.Contains(out+errOut, secret) {
				t.Fatalf("the SMS ExternalId reached the output")
			}
			if tc.name == "seed/all" && !strings.Contains(out, "- Username: alice.nguyen\n        SoftwareTokenMfaSettings: {Enabled: true, PreferredMfa: false}") {
				t.Errorf("alice's TOTP is not imported:\n%s", out)
			}
		})
	}
}

func TestImportEditOneLineAndApply(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "mfa") + "/"
	if _, errOut, code := h.run(ctx, importArgs("all", dir)...); code != ExitOK {
		t.Fatalf("import: exit %d\n%s", code, errOut)
	}
	for _, id := range demoPools {
		if _, err := os.Stat(filepath.Join(dir, id+".yaml")); err != nil {
			t.Fatal(err)
		}
	}
	h.emu.ResetStats()
	h.planIsEmpty(ctx, dir)

	// The one-line edit: production goes from OPTIONAL to ON.
	prod := filepath.Join(dir, "eu-west-1_Prod0TOTP.yaml")
	data, _ := os.ReadFile(prod)
	edited := strings.Replace(string(data), "MfaConfiguration: OPTIONAL", "MfaConfiguration: \"ON\"", 1)
	if edited == string(data) {
		t.Fatalf("no MfaConfiguration line to edit:\n%s", data)
	}
	if err := os.WriteFile(prod, []byte(edited), 0o600); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := h.run(ctx, "apply", "-f", dir, "--auto-approve")
	if code != ExitOK {
		t.Fatalf("apply: exit %d\n%s\n%s", code, out, errOut)
	}
	if got := h.writes(); len(got) != 1 || got[0] != "SetUserPoolMfaConfig eu-west-1_Prod0TOTP" {
		t.Fatalf("apply wrote %v, want one SetUserPoolMfaConfig", got)
	}
	h.emu.ResetStats()
	h.planIsEmpty(ctx, dir)
}

func TestImportSplitsUsersIntoFiles(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	ctx := context.Background()
	dir := t.TempDir()
	_, errOut, code := h.run(ctx, "import", "--user-pool-id", "eu-west-1_Prod0TOTP", "--users", "all", "--out", dir, "--users-per-file", "2")
	if code != ExitOK {
		t.Fatalf("import: exit %d\n%s", code, errOut)
	}
	names, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
	var base []string
	for _, n := range names {
		base = append(base, filepath.Base(n))
	}
	want := "eu-west-1_Prod0TOTP.users-0001.yaml eu-west-1_Prod0TOTP.users-0002.yaml eu-west-1_Prod0TOTP.users-0003.yaml eu-west-1_Prod0TOTP.yaml"
	if strings.Join(base, " ") != want {
		t.Fatalf("files: %v", base)
	}
	last, _ := os.ReadFile(filepath.Join(dir, "eu-west-1_Prod0TOTP.users-0003.yaml"))
	if strings.Count(string(last), "- Username:") != 1 {
		t.Errorf("last users file:\n%s", last)
	}
	h.emu.ResetStats()
	h.planIsEmpty(ctx, dir)

	// A second import into the same directory refuses to overwrite.
	_, errOut, code = h.run(ctx, "import", "--user-pool-id", "eu-west-1_Prod0TOTP", "--out", dir)
	if code != ExitError || !strings.Contains(errOut, "already exists; mfactl never overwrites a file") {
		t.Fatalf("second import: exit %d\n%s", code, errOut)
	}
}

func TestImportErrors(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	ctx := context.Background()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"import", "--user-pool-id", "eu-west-1_Missing1"}, "user pool eu-west-1_Missing1 does not exist"},
		{[]string{"import", "--user-pool-id", "eu-west-1_Prod0TOTP", "--users", "alice.nguyen,ghost"}, "user ghost does not exist in user pool eu-west-1_Prod0TOTP"},
		{[]string{"import", "--user-pool-id", "eu-west-1_Prod0TOTP", "--users-per-file", "5"}, "--users-per-file needs --out DIR"},
		{[]string{"import", "--user-pool-id", "eu-west-1_Prod0TOTP", "--users", "group:"}, "needs a group name"},
		{[]string{"import"}, `required flag(s) "user-pool-id" not set`},
	} {
		_, errOut, code := h.run(ctx, tc.args...)
		if code != ExitError || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: exit %d\n%s", tc.args, code, errOut)
		}
	}
}

func TestInitWritesAValidStarterAndNeverOverwrites(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	ctx := context.Background()
	file := filepath.Join(t.TempDir(), "mfa.yaml")
	if _, errOut, code := h.run(ctx, "init", "--out", file); code != ExitOK {
		t.Fatalf("init: exit %d\n%s", code, errOut)
	}
	data, _ := os.ReadFile(file)
	for _, want := range []string{"# yaml-language-server: $schema=", "SmsMfaConfiguration:", "SoftwareTokenMfaConfiguration:", "EmailMfaConfiguration:",
		"WebAuthnConfiguration:", "OFF | ON | OPTIONAL", "SINGLE_FACTOR | MULTI_FACTOR_WITH_USER_VERIFICATION", "- Username: alice"} {
		if !strings.Contains(string(data), want) {
			t.Errorf("starter lacks %q", want)
		}
	}
	if out, errOut, code := h.run(ctx, "validate", "-f", file); code != ExitOK || strings.Contains(errOut, "warning") {
		t.Fatalf("the starter does not validate cleanly: %s%s", out, errOut)
	}
	if _, errOut, code := h.run(ctx, "init", "--out", file); code != ExitError || !strings.Contains(errOut, "already exists") {
		t.Fatalf("second init: exit %d\n%s", code, errOut)
	}

	// With a pool ID, init is import --users none.
	h.emu.ResetStats()
	fromPool := filepath.Join(t.TempDir(), "prod.yaml")
	if _, errOut, code := h.run(ctx, "init", "--user-pool-id", "eu-west-1_Prod0TOTP", "--out", fromPool); code != ExitOK {
		t.Fatalf("init --user-pool-id: exit %d\n%s", code, errOut)
	}
	imported, _, _ := h.run(ctx, "import", "--user-pool-id", "eu-west-1_Prod0TOTP")
	got, _ := os.ReadFile(fromPool)
	if dropTimes(string(got)) != dropTimes(imported) {
		t.Errorf("init --user-pool-id differs from import --users none:\n%s\n---\n%s", got, imported)
	}
	h.planIsEmpty(ctx, fromPool)
}

// dropTimes removes the import time from a header.
func dropTimes(s string) string {
	if i := strings.Index(s, " at "); i >= 0 {
		if j := strings.Index(s[i:], ": "); j >= 0 {
			return s[:i] + s[i+j:]
		}
	}
	return s
}

func TestAWSCLIInputFilesPlanAndApply(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	ctx := context.Background()
	pool := "../fixtures/awscli/set-user-pool-mfa-config.yaml"
	user := "../fixtures/awscli/admin-set-user-mfa-preference.yaml"
	out, errOut, code := h.run(ctx, "apply", "-f", pool, "-f", user, "--auto-approve")
	if code != ExitOK {
		t.Fatalf("apply: exit %d\n%s\n%s", code, out, errOut)
	}
	if !strings.Contains(out+errOut, "declared off because absent: EmailMfaConfiguration") {
		t.Errorf("apply does not say how the CLI input was read:\n%s%s", out, errOut)
	}
	if got := strings.Join(h.writes(), "; "); got != "SetUserPoolMfaConfig us-east-1_Retail7SMS; AdminSetUserMFAPreference us-east-1_Retail7SMS james.wilson" {
		t.Errorf("writes: %s", got)
	}
	h.emu.ResetStats()
	if _, _, code := h.run(ctx, "plan", "-f", pool, "-f", user, "--detailed-exitcode"); code != ExitOK {
		t.Fatalf("plan after apply: exit %d", code)
	}
}
