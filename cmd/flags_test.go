package cmd

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/mfactl/mfactl/internal/iostreams"
	"github.com/mfactl/mfactl/internal/views"
)

func TestPlanFlagsReachTheOptions(t *testing.T) {
	t.Parallel()
	ios, _, _, _ := iostreams.TestStreams()
	var got *PlanOptions
	c := NewCmdPlan(&Factory{IO: ios}, func(_ context.Context, o *PlanOptions) error { got = o; return nil })
	c.SetArgs([]string{"-f", "a.yaml", "--file", "dir/", "--detailed-exitcode", "-o", "json", "--out", "p.plan",
		"--resend-write-only", "--profile", "prod", "--region", "eu-west-1", "--endpoint-url", "http://127.0.0.1:9",
		"--rate", "UserRead=300", "--rate", "UserResourceUpdate=50", "--verbose", "--target", "eu-west-1_A/bob",
		"--report", "junit=r.xml", "--report", "sarif=r.sarif"})
	if err := c.Execute(); err != nil {
		t.Fatal(err)
	}
	want := PlanOptions{IO: ios, Files: []string{"a.yaml", "dir/"}, Out: outputFlags{Output: "json", Reports: []string{"junit=r.xml", "sarif=r.sarif"}, offered: views.PlanFormats.Names()},
		OutFile: "p.plan", DetailedExitCode: true, ResendWriteOnly: true, Verbose: true, Targets: []string{"eu-west-1_A/bob"},
		AWS: awsFlags{Profile: "prod", Region: "eu-west-1", EndpointURL: "http://127.0.0.1:9", Rates: []string{"UserRead=300", "UserResourceUpdate=50"}}}
	if got.AWS.lookupEnv == nil {
		t.Fatal("no environment lookup reached the AWS options (MFACTL_ACCESS_TOKEN would not be read)")
	}
	got.NewClient, got.AWS.lookupEnv = nil, nil
	if !reflect.DeepEqual(*got, want) {
		t.Fatalf("options\n got %+v\nwant %+v", *got, want)
	}
}

func TestPlanRejectsBadFlagsBeforeRunning(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-f", "a.yaml", "-o", "yaml"}, "use text, json, cli, markdown, github, junit or sarif"},
		{[]string{"-f", "a.yaml", "--report", "junit"}, "want FORMAT=FILE"},
		{[]string{"-f", "a.yaml", "--report", "yaml=x"}, "use text, json, cli, markdown, github, junit or sarif"},
		{[]string{"-f", "a.yaml", "--report", "junit=x", "--report", "sarif=x"}, "already the file of another --report"},
		{[]string{"-o", "json"}, `"file" not set`},
		{[]string{"-f", "a.yaml", "extra"}, "desired-state files are given with -f, each with its own: plan -f a.yaml -f extra"},
	} {
		ios, _, _, _ := iostreams.TestStreams()
		ran := false
		c := NewCmdPlan(&Factory{IO: ios}, func(context.Context, *PlanOptions) error { ran = true; return nil })
		c.SetArgs(tc.args)
		err := c.Execute()
		if err == nil || !strings.Contains(err.Error(), tc.want) || ran {
			t.Errorf("%v: err = %v, ran = %v; want an error containing %q", tc.args, err, ran, tc.want)
		}
	}
}

func TestApplyTakesFilesOrAPlanFile(t *testing.T) {
	t.Parallel()
	run := func(args ...string) (*ApplyOptions, error) {
		ios, _, _, _ := iostreams.TestStreams()
		var got *ApplyOptions
		c := NewCmdApply(&Factory{IO: ios}, func(_ context.Context, o *ApplyOptions) error { got = o; return nil })
		c.SetArgs(args)
		return got, c.Execute()
	}
	o, err := run("mfa.plan")
	if err != nil || o.PlanFile != "mfa.plan" || len(o.Files) != 0 {
		t.Fatalf("PLANFILE: %+v, %v", o, err)
	}
	o, err = run("-f", "mfa/", "--auto-approve", "--concurrency", "4")
	if err != nil || o.PlanFile != "" || !o.AutoApprove || o.Concurrency != 4 || !reflect.DeepEqual(o.Files, []string{"mfa/"}) {
		t.Fatalf("files: %+v, %v", o, err)
	}
	if _, err := run(); err == nil || !strings.Contains(err.Error(), "nothing to apply") {
		t.Fatalf("no input: %v", err)
	}
	if o, err = run("-f", "mfa/"); err != nil || o.Verify != "changed" {
		t.Fatalf("--verify default: %+v, %v", o, err)
	}
	if o, err = run("mfa.plan", "--verify", "all"); err != nil || o.Verify != "all" {
		t.Fatalf("--verify all: %+v, %v", o, err)
	}
	o, err = run("-f", "mfa/", "--verify", "some")
	if err == nil || o != nil || err.Error() != `invalid --verify "some": use changed (the pools and users apply wrote) or all (every target of the plan)` {
		t.Fatalf("--verify some: ran %v, err %v; want a usage error before running", o != nil, err)
	}
}

func TestUsageErrorsSayWhatWasMeant(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"users.yaml"}, "unknown command \"users.yaml\"\nto see what a file would change, give it to plan with -f: mfactl plan -f users.yaml"},
		{[]string{"frobnicate"}, "unknown command \"frobnicate\"\nthe commands are apply, completion, emulator, import, init, passkey, plan, report, reset-mfa, schema, show, totp, validate and version; see `mfactl --help`"},
		{[]string{"plan", "users.yaml"}, "unexpected argument \"users.yaml\"\ndesired-state files are given with -f, each with its own: mfactl plan -f users.yaml"},
		// validate takes paths as arguments too (pre-commit passes them so).
		{[]string{"report", "a.yaml", "b.yaml"}, "desired-state files are given with -f, each with its own: mfactl report -f a.yaml -f b.yaml"},
		{[]string{"plan", "-f", "a.yaml", "--nope"}, "unknown flag: --nope\nsee `mfactl plan --help`"},
		{[]string{"plan", "-f", "a.yaml", "-o", "yaml"}, "invalid --output \"yaml\": use text, json, cli, markdown, github, junit or sarif"},
	} {
		ios, _, out, errOut := iostreams.TestStreams()
		root := NewRootCmd(&Factory{IO: ios})
		root.SetArgs(tc.args)
		err := root.Execute()
		var usage *UsageError
		if !errors.As(err, &usage) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: err = %v; want a UsageError containing %q", tc.args, err, tc.want)
			continue
		}
		if code := exitCode(err, ios); code != ExitError || !strings.HasPrefix(errOut.String(), "Error: ") || !strings.Contains(errOut.String(), tc.want) || out.Len() != 0 {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", tc.args, code, out.String(), errOut.String())
		}
	}
}
