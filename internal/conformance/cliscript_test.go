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

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/mfactl/mfactl/cmd"
)

// TestPlanCLIScriptConverges gives the AWS CLI what mfactl plan -o cli
// prints, runs it against each selected target, and plans again: nothing is
// left to do. The script reads the SMS role's ExternalId from the
// environment; without it, the shell refuses the command before any call.
func TestPlanCLIScriptConverges(t *testing.T) {
	requireAWSCLI(t)
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

			run := func(extraEnv ...string) (string, error) { return runScript(ctx, backend.Endpoint, script, extraEnv...) }
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

// TestPlanCLIScriptConvergesLegacyAndSelf is TestPlanCLIScriptConverges for
// the two other kinds of plan calls: a legacy migration
// (AdminSetUserMFAPreference, then AdminSetUserSettings) and a
// self-service plan (SetUserMFAPreference with the user's access token,
// which the script reads from MFACTL_ACCESS_TOKEN). Every operation a plan
// makes goes through the real AWS CLI.
func TestPlanCLIScriptConvergesLegacyAndSelf(t *testing.T) {
	requireAWSCLI(t)
	targets, err := Targets()
	if err != nil {
		t.Fatal(err)
	}
	isolateMfactl(t)
	for _, target := range targets {
		t.Run(target.Name+"/legacy", func(t *testing.T) {
			if target.Name == CognitoLocal {
				t.Skip("cognito-local serves neither AdminSetUserSettings nor AdminSetUserMFAPreference (see its divergences)")
			}
			backend := startBackend(t, target)
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			s := &session{ctx: ctx, api: newClient(t, backend.Endpoint)}
			if err := s.createPool(); err != nil {
				t.Fatal(err)
			}
			for _, user := range []string{"alice", "bob"} {
				if err := s.createUser(user, "phone_number="+phoneNumber); err != nil {
					t.Fatal(err)
				}
				if err := s.setLegacy(user, legacySMS); err != nil {
					t.Fatal(err)
				}
			}
			file := writeDoc(t, fmt.Sprintf(`Version: 1
UserPools:
  - UserPoolId: %s
    MfaConfiguration: OPTIONAL
    SoftwareTokenMfaConfiguration: {Enabled: true}
    SmsMfaConfiguration:
      Enabled: true
      SmsAuthenticationMessage: "Your code: {####}"
      SmsConfiguration: {SnsCallerArn: "arn:aws:iam::123456789012:role/cognito-sms", ExternalId: cli-legacy-secret, SnsRegion: us-east-1}
    LegacyMfaOptions: Migrate
`, s.pool))
			script := planScript(t, ctx, backend.Endpoint, file, "admin-set-user-mfa-preference", "admin-set-user-settings")
			secretVar := "MFACTL_SMS_EXTERNAL_ID_" + strings.ToUpper(strings.NewReplacer("-", "_").Replace(s.pool))
			if out, err := runScript(ctx, backend.Endpoint, script, secretVar+"=cli-legacy-secret"); err != nil {
				t.Fatalf("the script failed: %v\n%s\n%s", err, out, script)
			}
			assertConverged(t, ctx, backend.Endpoint, file)
			for _, user := range []string{"alice", "bob"} {
				if view, err := s.userView(user); err != nil || strings.Contains(view, "legacy=") || !strings.Contains(view, "SMS") {
					t.Errorf("%s after the script: %s (%v); want SMS as a current setting and no legacy entry", user, view, err)
				}
			}
		})
		t.Run(target.Name+"/self-service", func(t *testing.T) {
			if target.Name == CognitoLocal {
				// Its access tokens name the issuer http://127.0.0.1:PORT/POOL,
				// which mfactl refuses as no Cognito user pool's.
				t.Skip("cognito-local's access tokens are not issued by a Cognito user pool's URL, so mfactl refuses them (see its divergences)")
			}
			backend := startBackend(t, target)
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			s := &session{ctx: ctx, api: newClient(t, backend.Endpoint)}
			if err := s.createPool(); err != nil {
				t.Fatal(err)
			}
			if _, err := s.api.SetUserPoolMfaConfig(ctx, &cip.SetUserPoolMfaConfigInput{
				UserPoolId: aws.String(s.pool), MfaConfiguration: types.UserPoolMfaTypeOptional,
				SmsMfaConfiguration: &types.SmsMfaConfigType{SmsAuthenticationMessage: aws.String("Your code: {####}"),
					SmsConfiguration: &types.SmsConfigurationType{SnsCallerArn: aws.String("arn:aws:iam::123456789012:role/cognito-sms"), ExternalId: aws.String("x")}},
			}); err != nil {
				t.Fatal(err)
			}
			token, err := s.newSignedInUser("alice", "phone_number="+phoneNumber)
			if err != nil {
				t.Fatal(err)
			}
			t.Setenv("MFACTL_ACCESS_TOKEN", token)
			file := writeDoc(t, "Version: 1\nSelf:\n  SMSMfaSettings: {Enabled: true, PreferredMfa: true}\n")
			script := planScript(t, ctx, backend.Endpoint, file, "set-user-mfa-preference")
			if strings.Contains(script, token) {
				t.Fatalf("the script holds the access token:\n%s", script)
			}
			if out, err := runScript(ctx, backend.Endpoint, script); err == nil || !strings.Contains(out, "MFACTL_ACCESS_TOKEN") {
				t.Fatalf("the script ran without the access token: %v\n%s", err, out)
			}
			if out, err := runScript(ctx, backend.Endpoint, script, "MFACTL_ACCESS_TOKEN="+token); err != nil {
				t.Fatalf("the script failed: %v\n%s\n%s", err, out, script)
			}
			assertConverged(t, ctx, backend.Endpoint, file)
		})
	}
}

func writeDoc(t *testing.T, doc string) string {
	t.Helper()
	file := filepath.Join(t.TempDir(), "mfa.yaml")
	if err := os.WriteFile(file, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	return file
}

// planScript is what plan -o cli prints for file; it must call each of
// the AWS CLI commands named.
func planScript(t *testing.T, ctx context.Context, endpoint, file string, commands ...string) string {
	t.Helper()
	code, script, errOut := mfactl(ctx, "plan", "-f", file, "-o", "cli", "--endpoint-url", endpoint)
	if code != cmd.ExitOK {
		t.Fatalf("plan -o cli: exit %d\n%s%s", code, script, errOut)
	}
	for _, command := range commands {
		if !strings.Contains(script, "\naws cognito-idp "+command+" --region ") {
			t.Fatalf("the script does not call %s:\n%s", command, script)
		}
	}
	return script
}

// runScript runs a plan -o cli script as printed, with aws the Debian CLI
// pointed at endpoint.
func runScript(ctx context.Context, endpoint, script string, extraEnv ...string) (string, error) {
	prelude := fmt.Sprintf("aws() { %s --endpoint-url %s \"$@\" >/dev/null; }\n", awsCLIPath, endpoint)
	sh := exec.CommandContext(ctx, "/bin/sh", "-c", prelude+script)
	sh.Env = append(cliEnv(), extraEnv...)
	out, err := sh.CombinedOutput()
	return string(out), err
}

// assertConverged plans file again: nothing is left to do.
func assertConverged(t *testing.T, ctx context.Context, endpoint, file string) {
	t.Helper()
	if code, out, errOut := mfactl(ctx, "plan", "-f", file, "--detailed-exitcode", "--endpoint-url", endpoint); code != cmd.ExitOK {
		t.Fatalf("after the script, plan exit %d\n%s%s", code, out, errOut)
	}
}
