package cmd

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mfactl/mfactl/emulator"
	"github.com/mfactl/mfactl/internal/iostreams"
)

// The mistakes of a new user's first hour (issue 20, item 5): each gets a
// message that says what went wrong and the command to run instead, and
// reads nothing from Cognito. One case per mistake.
func TestFirstHourMistakesSayWhatToRunInstead(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	mfa := filepath.Join(dir, "mfa") + "/"
	if err := os.Mkdir(mfa, 0o755); err != nil {
		t.Fatal(err)
	}
	users := filepath.Join(dir, "users.yaml")
	a, b, c := filepath.Join(mfa, "a.yaml"), filepath.Join(mfa, "b.yaml"), filepath.Join(mfa, "c.yaml")
	for _, f := range []string{users, a, b, c} {
		if err := os.WriteFile(f, []byte("# users\nVersion: 1\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name string
		args []string
		want string // the whole of stderr
	}{
		{"apply DIR", []string{"apply", mfa},
			"Error: " + mfa + " is a directory, not a saved plan\napply desired-state files with -f: mfactl apply -f " + mfa + "\n"},
		{"apply FILE.yaml", []string{"apply", users},
			"Error: " + users + " is a desired-state file, not a saved plan\napply desired-state files with -f: mfactl apply -f " + users + "\n"},
		{"apply -f mfa/*.yaml", []string{"apply", "-f", a, b, c},
			"Error: unexpected argument \"" + b + "\"\na shell glob after -f gives -f only its first file; desired-state files are given with -f, each with its own: mfactl apply -f " + a + " -f " + b + " -f " + c + ", or the directory: mfactl apply -f " + mfa + "\n"},
		{"apply -f two files", []string{"apply", "-f", a, b},
			"Error: unexpected argument \"" + b + "\"\na shell glob after -f gives -f only its first file; desired-state files are given with -f, each with its own: mfactl apply -f " + a + " -f " + b + ", or the directory: mfactl apply -f " + mfa + "\n"},
		{"plan -f mfa/*.yaml keeps the first file", []string{"plan", "-f", a, b, c},
			"Error: unexpected argument \"" + b + "\"\na shell glob after -f gives -f only its first file; desired-state files are given with -f, each with its own: mfactl plan -f " + a + " -f " + b + " -f " + c + ", or the directory: mfactl plan -f " + mfa + "\n"},
		{"misspelt command with a shorthand flag", []string{"aply", "-f", "x"},
			"Error: unknown command \"aply\"\ndid you mean apply? mfactl apply\n"},
		{"misspelt command", []string{"plna"},
			"Error: unknown command \"plna\"\ndid you mean plan? mfactl plan\n"},
		{"misspelt command with arguments", []string{"valdate", "mfa/"},
			"Error: unknown command \"valdate\"\ndid you mean validate? mfactl validate mfa/\n"},
		{"help for a misspelt command", []string{"help", "plna"},
			"Error: unknown command \"plna\"\ndid you mean plan? mfactl help plan\n"},
		{"help for no such command", []string{"help", "nosuch"},
			"Error: unknown command \"nosuch\"\nthe commands are apply, completion, emulator, import, init, passkey, plan, report, reset-mfa, schema, show, totp, validate and version; see `mfactl --help`\n"},
		{"init --out missing/dir/x.yaml", []string{"init", "--out", filepath.Join(dir, "missing", "dir", "x.yaml")},
			"Error: cannot write " + filepath.Join(dir, "missing", "dir", "x.yaml") + ": directory " + filepath.Join(dir, "missing", "dir") + " does not exist; create it first (mkdir -p " + filepath.Join(dir, "missing", "dir") + "), or give --out a directory ending in / (mfactl creates it)\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ios, _, out, errOut := iostreams.TestStreams()
			root := NewRootCmd(&Factory{IO: ios}) // no Cognito: a mistake reads nothing
			root.SetArgs(tc.args)
			code := exitCode(root.Execute(), ios)
			if code != ExitError || errOut.String() != tc.want || out.Len() != 0 {
				t.Errorf("exit %d, stdout %q\nstderr %q\nwant   %q", code, out.String(), errOut.String(), tc.want)
			}
		})
	}
}

func TestHelpOfACommandStillWorks(t *testing.T) {
	t.Parallel()
	ios, _, out, _ := iostreams.TestStreams()
	root := NewRootCmd(&Factory{IO: ios})
	root.SetArgs([]string{"help", "plan"})
	if err := root.Execute(); err != nil || !strings.HasPrefix(out.String(), "Plan reads the live MFA state") {
		t.Fatalf("help plan: %v\n%s", err, out)
	}
}

// init --out DIR writes the starter into the directory.
func TestInitIntoADirectory(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, out := range []string{dir, filepath.Join(dir, "new") + "/"} {
		ios, _, _, errOut := iostreams.TestStreams()
		root := NewRootCmd(&Factory{IO: ios})
		root.SetArgs([]string{"init", "--out", out})
		if err := root.Execute(); err != nil {
			t.Fatalf("init --out %s: %v", out, err)
		}
		file := filepath.Join(out, "mfa.yaml")
		if _, err := os.Stat(file); err != nil || errOut.String() != "Wrote "+file+". Put your pool's ID in it, then: mfactl plan -f "+file+"\n" {
			t.Errorf("init --out %s: %v\n%s", out, err, errOut)
		}
	}
}

// import --out into a directory that does not exist: said before any
// read, with no temporary file name; a failed import to stdout that wrote
// nothing does not call stdout incomplete.
func TestImportMistakes(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	ctx := context.Background()
	target := filepath.Join(t.TempDir(), "missing", "dir", "x.yaml")
	_, errOut, code := h.run(ctx, "import", "--user-pool-id", "eu-west-1_Prod0TOTP", "--out", target)
	if code != ExitError || strings.Contains(errOut, ".mfactl-import") || !strings.Contains(errOut, "directory "+filepath.Dir(target)+" does not exist; create it first (mkdir -p "+filepath.Dir(target)+")") {
		t.Errorf("import --out missing/dir/x.yaml: exit %d\n%s", code, errOut)
	}
	if n := len(h.emu.Stats().Calls); n != 0 {
		t.Errorf("import read %d times before refusing the --out", n)
	}

	out, errOut, code := h.run(ctx, "import", "--user-pool-id", "eu-west-1_Prod0TOTP", "--users", "group:nosuch")
	if code != ExitError || out != "" || strings.Contains(errOut, "incomplete") || !strings.Contains(errOut, "Import stopped; nothing was written.") {
		t.Errorf("failed import, nothing on stdout: exit %d\nstdout %q\n%s", code, out, errOut)
	}
	// A missing group is a missing group, not a missing pool.
	if !strings.Contains(errOut, "the group does not exist in this pool") || strings.Contains(errOut, "user pool does not exist") {
		t.Errorf("missing group explained as:\n%s", errOut)
	}
}

// report passes on plan's warnings: their advice names a command that has
// the flag, not a flag report lacks.
func TestReportAdvisesOnlyFlagsThatExist(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	ctx := context.Background()
	out, errOut, code := h.run(ctx, "report", "-f", filepath.Join(examples, "passkeys.yaml"), "--endpoint-url", h.url)
	if code != ExitOK {
		t.Fatalf("report: exit %d\n%s", code, errOut)
	}
	if all := out + errOut; !strings.Contains(all, "to send it now: mfactl apply --resend-write-only") || strings.Contains(all, "pass --resend-write-only") {
		t.Errorf("report's advice:\n%s", all)
	}
	if NewCmdApply(&Factory{}, nil).Flags().Lookup("resend-write-only") == nil {
		t.Error("apply has no --resend-write-only, which the advice names")
	}
}

// A misspelt command before a shorthand flag: cobra fails on the flag
// (the root has no -f), yet the suggestion is the whole command line.
func TestMisspeltCommandBeforeAFlagSuggestsTheWholeLine(t *testing.T) {
	t.Parallel()
	saved := os.Args
	t.Cleanup(func() { os.Args = saved })
	os.Args = []string{"mfactl", "aply", "-f", "mfa/", "--auto-approve"}
	ios, _, _, errOut := iostreams.TestStreams()
	root := NewRootCmd(&Factory{IO: ios})
	root.SetArgs(os.Args[1:])
	if code := exitCode(root.Execute(), ios); code != ExitError || errOut.String() != "Error: unknown command \"aply\"\ndid you mean apply? mfactl apply -f mfa/ --auto-approve\n" {
		t.Errorf("exit %d\n%s", code, errOut)
	}
}
