package cmd

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mfactl/mfactl/internal/diag"
	"github.com/mfactl/mfactl/internal/iostreams"
	"github.com/mfactl/mfactl/internal/jsondoc"
	"github.com/mfactl/mfactl/internal/views"
	"github.com/mfactl/mfactl/schema"
)

// repoRoot is where fixture paths in diagnostics are relative to.
var repoRoot, _ = filepath.Abs("..")

// runValidate runs `mfactl validate ARGS` through the root command from
// the repository root, with a factory that has no AWS client at all: a
// validate that reached for one would panic.
func runValidate(t *testing.T, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	t.Chdir(repoRoot)
	ios, in, out, errOut := unwrappedStreams()
	in.WriteString(stdin)
	root := NewRootCmd(&Factory{IO: ios})
	args = append([]string{"validate"}, args...)
	root.SetArgs(args)
	code = exitCode(root.Execute(), ios)
	checkJSONOutput(t, args, out.String())
	return out.String(), errOut.String(), code
}

func TestValidateFlags(t *testing.T) {
	t.Parallel()
	ios, _, _, _ := iostreams.TestStreams()
	var got *ValidateOptions
	c := NewCmdValidate(&Factory{IO: ios}, func(o *ValidateOptions) error { got = o; return nil })
	c.SetArgs([]string{"-f", "a.yaml", "--file", "dir,with,commas", "-f", "-", "-o", "json"})
	if err := c.Execute(); err != nil {
		t.Fatal(err)
	}
	if strings.Join(got.Files, "|") != "a.yaml|dir,with,commas|-" || got.Out.Output != "json" {
		t.Errorf("%+v", got)
	}

	// Paths given as arguments are validated too (pre-commit passes them so).
	c = NewCmdValidate(&Factory{IO: ios}, func(o *ValidateOptions) error { got = o; return nil })
	c.SetArgs([]string{"-f", "a.yaml", "b.yaml", "c.yml"})
	if err := c.Execute(); err != nil {
		t.Fatal(err)
	}
	if strings.Join(got.Files, "|") != "a.yaml|b.yaml|c.yml" {
		t.Errorf("arguments as files: %q", got.Files)
	}

	for _, args := range [][]string{{}, {"-f", "a.yaml", "-o", "yaml"}, {"-o", "json"}} {
		c := NewCmdValidate(&Factory{IO: ios}, func(*ValidateOptions) error { t.Error("ran"); return nil })
		c.SetArgs(args)
		c.SilenceErrors, c.SilenceUsage = true, true
		if err := c.Execute(); err == nil {
			t.Errorf("%v: no error", args)
		}
	}
}

func TestValidateExamples(t *testing.T) {
	t.Setenv("AWS_ACCESS_KEY_ID", "")
	t.Setenv("AWS_PROFILE", "does-not-exist")
	stdout, stderr, code := runValidate(t, "", "-f", "fixtures/examples")
	if code != ExitOK || stderr != "" {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	if !strings.HasSuffix(stdout, " valid: 5 pools, 20 users\n") || !strings.HasPrefix(stdout, "6 files") {
		t.Errorf("stdout %q", stdout)
	}
}

func TestValidateStdin(t *testing.T) {
	data, err := os.ReadFile("../fixtures/examples/prod-totp.yaml")
	if err != nil {
		t.Fatal(err)
	}
	stdout, stderr, code := runValidate(t, string(data), "-f", "-")
	if code != ExitOK || stdout != "1 file valid: 1 pool, 5 users\n" || stderr != "" {
		t.Errorf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}

// Every invalid fixture fails with exit 1 and exactly its golden
// diagnostics, then the count.
func TestValidateInvalidFixtures(t *testing.T) {
	entries, err := os.ReadDir("../fixtures/invalid")
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, e := range entries {
		if filepath.Ext(e.Name()) == ".golden" {
			continue
		}
		name := strings.TrimSuffix(e.Name(), filepath.Ext(e.Name()))
		t.Run(name, func(t *testing.T) {
			golden, err := os.ReadFile(filepath.Join("../fixtures/invalid", name+".golden"))
			if err != nil {
				t.Fatal(err)
			}
			stdout, stderr, code := runValidate(t, "", "-f", filepath.Join("fixtures/invalid", e.Name()))
			if code != ExitError || stdout != "" {
				t.Fatalf("exit %d, stdout %q", code, stdout)
			}
			errs, warns := 0, 0
			for _, line := range strings.Split(strings.TrimSuffix(string(golden), "\n"), "\n") {
				if strings.HasPrefix(line, "error: ") || strings.Contains(line, ": error: ") {
					errs++
				} else {
					warns++
				}
			}
			want := string(golden) + views.Plural(errs, "error") + ", " + views.Plural(warns, "warning") + "\n"
			if stderr != want {
				t.Errorf("stderr:\n%s\nwant:\n%s", stderr, want)
			}
		})
		checked++
	}
	if checked < 40 {
		t.Errorf("only %d invalid fixtures", checked)
	}
}

func TestValidateJSON(t *testing.T) {
	stdout, stderr, code := runValidate(t, "", "-f", "fixtures/invalid/schema-many-faults.yaml", "-o", "json")
	if code != ExitError || stderr != "" {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	var report struct {
		FormatVersion string
		Valid         bool
		Diagnostics   []diag.Diagnostic
	}
	if err := json.Unmarshal([]byte(stdout), &report); err != nil {
		t.Fatalf("%v\n%s", err, stdout)
	}
	_, want := schema.Load([]string{"fixtures/invalid/schema-many-faults.yaml"}, nil)
	if report.FormatVersion != jsondoc.FormatVersion || report.Valid || len(report.Diagnostics) != len(want) {
		t.Fatalf("%+v", report)
	}
	for i := range want {
		if report.Diagnostics[i] != want[i] {
			t.Errorf("diagnostic %d: %+v, want %+v", i, report.Diagnostics[i], want[i])
		}
	}
	if !strings.Contains(stdout, `"Line": 5`) || !strings.Contains(stdout, `"Path": "UserPools[0].MfaConfiguration"`) {
		t.Errorf("positions and paths must be in the JSON:\n%s", stdout)
	}

	stdout, _, code = runValidate(t, "", "-f", "fixtures/examples/passkeys.yaml", "-o", "json")
	if code != ExitOK || !strings.Contains(stdout, `"Valid": true`) || !strings.Contains(stdout, `"Diagnostics": []`) {
		t.Errorf("exit %d:\n%s", code, stdout)
	}
}

// Warnings are shown but do not fail validation.
func TestValidateWarningsAreNotErrors(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "w.yaml")
	if err := os.WriteFile(file, []byte("Version: 1\nUserPools:\n  - UserPoolId: eu-west-1_A\n    EmailMfaConfiguration: {Enabled: false, Subject: Code}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, code := runValidate(t, "", "-f", file)
	if code != ExitOK || stdout != "1 file valid: 1 pool, 0 users (1 warning)\n" || !strings.Contains(stderr, "warning: UserPools[0].EmailMfaConfiguration.Subject") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}

func TestValidateErrorIsSilent(t *testing.T) {
	t.Parallel()
	ios, _, _, errOut := iostreams.TestStreams()
	err := validateRun(context.Background(), &ValidateOptions{IO: ios, Files: []string{"../fixtures/invalid/rule-preferred-not-enabled.yaml"}, Out: outputFlags{Output: "text", offered: views.ValidateFormats.Names()}})
	var silent *SilentError
	if !errors.As(err, &silent) || !strings.HasSuffix(errOut.String(), "1 error, 0 warnings\n") {
		t.Errorf("err %v, stderr %q", err, errOut.String())
	}
}

func TestSchemaCommand(t *testing.T) {
	t.Parallel()
	ios, _, out, _ := iostreams.TestStreams()
	root := NewRootCmd(&Factory{IO: ios})
	root.SetArgs([]string{"schema"})
	if err := root.Execute(); err != nil {
		t.Fatal(err)
	}
	file, err := os.ReadFile("../schema/mfactl.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	if out.String() != string(file) {
		t.Error("mfactl schema does not print schema/mfactl.schema.json")
	}
	var v map[string]any
	if err := json.Unmarshal(out.Bytes(), &v); err != nil {
		t.Errorf("not JSON: %v", err)
	}
}

// mfactl schema --output COMMAND prints the published schema of that
// command's -o json document; a command without one is a usage error.
func TestSchemaOutputPrintsEachDocumentSchema(t *testing.T) {
	t.Parallel()
	for _, c := range jsondoc.Commands {
		ios, _, out, _ := iostreams.TestStreams()
		root := NewRootCmd(&Factory{IO: ios})
		root.SetArgs([]string{"schema", "--output", string(c)})
		if err := root.Execute(); err != nil {
			t.Fatal(err)
		}
		want, err := jsondoc.Schema(c)
		if err != nil {
			t.Fatal(err)
		}
		// Documents with the head name their command; the audit record does not.
		names := c == jsondoc.CommandResetMFA || strings.Contains(out.String(), `"const": "`+string(c)+`"`)
		if out.String() != string(want) || !names || !strings.Contains(out.String(), `"$id": "https://github.com/mfactl/mfactl/schema/`+string(c)+`.schema.json"`) {
			t.Errorf("schema --output %s is not its document's schema:\n%s", c, out.String())
		}
	}
	ios, _, out, errOut := iostreams.TestStreams()
	root := NewRootCmd(&Factory{IO: ios})
	root.SetArgs([]string{"schema", "--output", "import"})
	if code := exitCode(root.Execute(), ios); code != ExitError || out.Len() != 0 || !strings.Contains(errOut.String(), `invalid --output "import": use plan, show, apply, validate, report, reset-mfa`) {
		t.Errorf("schema --output import: exit %d\n%s%s", code, out, errOut)
	}
}
