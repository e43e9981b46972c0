package conformance

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mfactl/mfactl/cmd"
)

// TestPlanCLIScriptConverges gives the AWS CLI what mfactl plan -o cli
// prints, runs it against each selected target, and plans again: nothing is
// left to do. The script reads the SMS role's ExternalId from the
// environment; without it, the shell refuses the command before any call.
func TestPlanCLIScriptConverges(t *testing.T) {
	if !Selected(AWSCLI) {
		t.Skipf("%s not selected; to run it: %s", AWSCLI, HowToRun)
	}
	if _, err := os.Stat(awsCLIPath); err != nil {
		t.Fatalf("%s selected but %s is missing: run scripts/install-peers.sh", AWSCLI, awsCLIPath)
	}
	targets, err := Targets()
	if err != nil {
		t.Fatal(err)
	}
	isolateMfactl(t)
	for _, target := range targets {
		t.Run(target.Name, func(t *testing.T) {
			backend := startBackend(t, target)
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			s := &session{ctx: ctx, api: newClient(t, backend.Endpoint)}
			if err := s.createPool(); err != nil {
				t.Fatal(err)
			}
			if err := s.createUser("alice", "phone_number="+phoneNumber); err != nil {
				t.Fatal(err)
			}
			users := `
    Users:
      - Username: alice
        SMSMfaSettings: {Enabled: true, PreferredMfa: true}`
			if target.Name == CognitoLocal {
				users = "" // it does not serve AdminSetUserMFAPreference (see its divergences)
			}
			doc := fmt.Sprintf(`Version: 1
UserPools:
  - UserPoolId: %s
    MfaConfiguration: OPTIONAL
    SoftwareTokenMfaConfiguration: {Enabled: true}
    SmsMfaConfiguration:
      Enabled: true
      SmsAuthenticationMessage: "It's your code: {####}"
      SmsConfiguration: {SnsCallerArn: "arn:aws:iam::123456789012:role/cognito-sms", ExternalId: cli-script-secret, SnsRegion: us-east-1}%s
`, s.pool, users)
			file := filepath.Join(t.TempDir(), "pool.yaml")
			if err := os.WriteFile(file, []byte(doc), 0o600); err != nil {
				t.Fatal(err)
			}
			code, script, errOut := mfactl(ctx, "plan", "-f", file, "-o", "cli", "--endpoint-url", backend.Endpoint)
			if code != cmd.ExitOK || strings.Contains(script, "cli-script-secret") {
				t.Fatalf("plan -o cli: exit %d\n%s%s", code, script, errOut)
			}
			secretVar := "MFACTL_SMS_EXTERNAL_ID_" + strings.ToUpper(strings.NewReplacer("-", "_").Replace(s.pool))

			run := func(extraEnv ...string) (string, error) {
				// aws is the Debian CLI pointed at the target; the script is run as printed.
				prelude := fmt.Sprintf("aws() { %s --endpoint-url %s \"$@\" >/dev/null; }\n", awsCLIPath, backend.Endpoint)
				sh := exec.CommandContext(ctx, "/bin/sh", "-c", prelude+script)
				sh.Env = append(cliEnv(), extraEnv...)
				out, err := sh.CombinedOutput()
				return string(out), err
			}
			if out, err := run(); err == nil || !strings.Contains(out, secretVar) {
				t.Fatalf("the script ran without the ExternalId: %v\n%s", err, out)
			}
			if code, out, _ := mfactl(ctx, "plan", "-f", file, "--detailed-exitcode", "--endpoint-url", backend.Endpoint); code != cmd.ExitChanges {
				t.Fatalf("a refused script changed the pool: plan exit %d\n%s", code, out)
			}
			if out, err := run(secretVar + "=cli-script-secret"); err != nil {
				t.Fatalf("the script failed: %v\n%s\n%s", err, out, script)
			}
			if code, out, errOut := mfactl(ctx, "plan", "-f", file, "--detailed-exitcode", "--endpoint-url", backend.Endpoint); code != cmd.ExitOK {
				t.Fatalf("after the script, plan exit %d\n%s%s", code, out, errOut)
			}
		})
	}
}

// cliEnv is an environment for the AWS CLI with fake credentials and no
// configuration, pager or instance metadata to find.
func cliEnv() []string {
	return []string{
		"PATH=/usr/bin:/bin", "HOME=" + os.TempDir(),
		"AWS_ACCESS_KEY_ID=conformance", "AWS_SECRET_ACCESS_KEY=conformance", "AWS_REGION=us-east-1",
		"AWS_EC2_METADATA_DISABLED=true", "AWS_PAGER=", "AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null",
	}
}
