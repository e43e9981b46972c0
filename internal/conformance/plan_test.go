package conformance

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/mfactl/mfactl/cmd"
	"github.com/mfactl/mfactl/internal/iostreams"
)

// Pool-level plan scenarios: mfactl's own plan and apply, run in-process
// against each target, on one pool taken through a sequence of desired
// states. Each step's observation is "plan=<exit> apply=<exit> replan=<exit>"
// with --detailed-exitcode for both plans: real Cognito converges in one
// apply, so it observes "plan=2 apply=0 replan=0".
type planStep struct {
	name string
	yaml string // the pool's fields; UserPoolId is filled in
}

var planSteps = []planStep{
	{"plan/off-to-optional-totp", `
    MfaConfiguration: OPTIONAL
    SoftwareTokenMfaConfiguration: {Enabled: true}`},
	{"plan/add-sms-and-turn-on", `
    MfaConfiguration: ON
    SoftwareTokenMfaConfiguration: {Enabled: true}
    SmsMfaConfiguration:
      Enabled: true
      SmsAuthenticationMessage: "Your code is {####}"
      SmsConfiguration: {SnsCallerArn: "arn:aws:iam::123456789012:role/cognito-sms", ExternalId: conformance-ext, SnsRegion: us-east-1}`},
	{"plan/remove-sms", `
    MfaConfiguration: ON
    SoftwareTokenMfaConfiguration: {Enabled: true}
    SmsMfaConfiguration: {Enabled: false}`},
	{"plan/back-to-off", `
    MfaConfiguration: "OFF"
    SoftwareTokenMfaConfiguration: {Enabled: false}
    SmsMfaConfiguration: {Enabled: false}`},
}

const convergesInOneApply = "plan=2 apply=0 replan=0"

func TestPlanScenarios(t *testing.T) {
	targets, err := Targets()
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_ACCESS_KEY_ID", "conformance")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "conformance")
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true") // never ask the instance metadata service
	t.Setenv("AWS_REGION", "us-east-1")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_MAX_ATTEMPTS", "2")
	for _, target := range targets {
		t.Run(target.Name, func(t *testing.T) {
			backend := startBackend(t, target)
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			s := &session{ctx: ctx, api: newClient(t, backend.Endpoint)}
			if err := s.createPool(); err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			for _, step := range planSteps {
				t.Run(step.name, func(t *testing.T) {
					file := filepath.Join(dir, "pool.yaml")
					doc := fmt.Sprintf("Version: 1\nUserPools:\n  - UserPoolId: %s%s\n", s.pool, step.yaml)
					if err := os.WriteFile(file, []byte(doc), 0o600); err != nil {
						t.Fatal(err)
					}
					run := func(args ...string) string {
						ios, _, out, errOut := iostreams.TestStreams()
						root := cmd.NewRootCmd(cmd.NewFactory(ios))
						root.SetArgs(append(args, "-f", file, "--endpoint-url", backend.Endpoint))
						code := cmd.ExitCode(root.ExecuteContext(ctx))
						t.Logf("mfactl %s → %d\n%s%s", args[0], code, out, errOut)
						return fmt.Sprint(code)
					}
					got := "plan=" + run("plan", "--detailed-exitcode") +
						" apply=" + run("apply", "--auto-approve") +
						" replan=" + run("plan", "--detailed-exitcode")
					want, divergence := target.Expect(step.name, convergesInOneApply)
					if got != want {
						t.Errorf("observed %q, want %q", got, want)
					}
					if divergence != nil && got == want {
						t.Logf("known divergence from Cognito: %s", divergence.Why)
					}
				})
			}
		})
	}
}
