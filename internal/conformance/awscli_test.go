package conformance

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// Debian's awscli, by full path: another aws may come first on PATH.
const awsCLIPath = "/usr/bin/aws"

// requireAWSCLI skips t unless the AWS CLI is selected, and fails it when
// the CLI is selected but not installed.
func requireAWSCLI(t *testing.T) {
	t.Helper()
	if !Selected(AWSCLI) {
		t.Skipf("%s not selected; to run it: %s", AWSCLI, HowToRun)
	}
	if _, err := os.Stat(awsCLIPath); err != nil {
		t.Fatalf("%s selected but %s is missing: run scripts/install-peers.sh", AWSCLI, awsCLIPath)
	}
}

// TestAWSCLI checks that a client nobody here wrote, the AWS CLI, writes and
// reads a pool's MFA configuration and reads a user through each selected
// target, and that what it reads is what was set.
func TestAWSCLI(t *testing.T) {
	requireAWSCLI(t)
	targets, err := Targets()
	if err != nil {
		t.Fatal(err)
	}
	for _, target := range targets {
		t.Run(target.Name, func(t *testing.T) {
			backend := startBackend(t, target)
			checkAWSCLI(t, backend.Endpoint)
		})
	}
}

// mfaConfigJSON is the part of the CLI's (Get|Set)UserPoolMfaConfig output the check compares.
type mfaConfigJSON struct {
	MfaConfiguration    string
	SmsMfaConfiguration *struct {
		SmsAuthenticationMessage string
		SmsConfiguration         *struct{ SnsCallerArn, ExternalId, SnsRegion string }
	}
	SoftwareTokenMfaConfiguration *struct{ Enabled bool }
}

func checkAWSCLI(t *testing.T, endpoint string) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s := &session{ctx: ctx, api: newClient(t, endpoint)}
	if err := s.createPool(); err != nil {
		t.Fatal(err)
	}

	smsJSON := `{"SmsAuthenticationMessage":"Your code is {####}","SmsConfiguration":` +
		`{"SnsCallerArn":"arn:aws:iam::123456789012:role/mfactl-sms","ExternalId":"cli-external-id","SnsRegion":"us-east-1"}}`
	var want mfaConfigJSON
	if err := json.Unmarshal([]byte(`{"MfaConfiguration":"OPTIONAL","SmsMfaConfiguration":`+smsJSON+
		`,"SoftwareTokenMfaConfiguration":{"Enabled":true}}`), &want); err != nil {
		t.Fatal(err)
	}

	var set mfaConfigJSON
	awsJSON(t, ctx, endpoint, &set, "set-user-pool-mfa-config", "--user-pool-id", s.pool,
		"--mfa-configuration", "OPTIONAL",
		"--sms-mfa-configuration", smsJSON,
		"--software-token-mfa-configuration", "Enabled=true")
	if !reflect.DeepEqual(set, want) {
		t.Errorf("set-user-pool-mfa-config answered %s\nwant %s", asJSON(set), asJSON(want))
	}

	var got mfaConfigJSON
	awsJSON(t, ctx, endpoint, &got, "get-user-pool-mfa-config", "--user-pool-id", s.pool)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("get-user-pool-mfa-config read %s\nwant what was set: %s", asJSON(got), asJSON(want))
	}

	token, err := s.newSignedInUser("alice", "phone_number="+phoneNumber)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.mustSetPreference(token, enabledPreferred, nil); err != nil {
		t.Fatal(err)
	}
	var user struct {
		Username            string
		UserStatus          string
		Enabled             bool
		UserMFASettingList  []string
		PreferredMfaSetting string
		UserAttributes      []struct{ Name, Value string }
	}
	awsJSON(t, ctx, endpoint, &user, "admin-get-user", "--user-pool-id", s.pool, "--username", "alice")
	phone := slices.IndexFunc(user.UserAttributes, func(a struct{ Name, Value string }) bool {
		return a.Name == "phone_number" && a.Value == phoneNumber
	})
	if user.Username != "alice" || user.UserStatus != "CONFIRMED" || !user.Enabled ||
		!slices.Equal(user.UserMFASettingList, []string{"SMS_MFA"}) || user.PreferredMfaSetting != "SMS_MFA" || phone < 0 {
		t.Errorf("admin-get-user read %s\nwant alice, CONFIRMED, enabled, SMS_MFA enabled and preferred, phone_number %s", asJSON(user), phoneNumber)
	}
}

// awsJSON runs one cognito-idp command of the AWS CLI against endpoint and
// decodes its JSON output into out.
func awsJSON(t *testing.T, ctx context.Context, endpoint string, out any, args ...string) {
	t.Helper()
	cmd := exec.CommandContext(ctx, awsCLIPath,
		append([]string{"--endpoint-url", endpoint, "--output", "json", "cognito-idp"}, args...)...)
	cmd.Env = awsCLIEnv()
	var stderr strings.Builder
	cmd.Stderr = &stderr
	stdout, err := cmd.Output()
	if err != nil {
		t.Fatalf("aws cognito-idp %s: %v\n%s", args[0], err, stderr.String())
	}
	if err := json.Unmarshal(stdout, out); err != nil {
		t.Fatalf("aws cognito-idp %s printed no JSON: %v\n%s", args[0], err, stdout)
	}
}

// awsCLIEnv is the environment with the caller's AWS settings replaced by
// fake credentials, no profile files and no pager: the CLI must reach only
// the endpoint it is given.
func awsCLIEnv() []string {
	env := slices.DeleteFunc(os.Environ(), func(kv string) bool {
		return strings.HasPrefix(kv, "AWS_") && !strings.HasPrefix(kv, "AWS_CA_BUNDLE=")
	})
	return append(env,
		"AWS_ACCESS_KEY_ID=conformance", "AWS_SECRET_ACCESS_KEY=conformance",
		"AWS_REGION=us-east-1", "AWS_PAGER=",
		"AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null")
}

func asJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return err.Error()
	}
	return string(b)
}
