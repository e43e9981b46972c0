package conformance

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mfactl/mfactl/emulator"
)

// TestJSClient checks that a third client nobody here wrote, the AWS SDK for
// JavaScript (tools/peers, newer than our Go SDK), decodes every answer the
// emulator gives, for every operation it serves: each call succeeds (or
// fails with the error the call list expects, decoded as the SDK's own
// exception), and the SDK's output keeps every member of the raw JSON.
func TestJSClient(t *testing.T) {
	if !Selected(JSSDK) {
		t.Skipf("%s not selected; to run it: %s", JSSDK, HowToRun)
	}
	root, err := repoRoot()
	if err != nil {
		t.Fatal(err)
	}
	peers := filepath.Join(root, "tools", "peers")
	if _, err := os.Stat(filepath.Join(peers, "node_modules", "@aws-sdk", "client-cognito-identity-provider")); err != nil {
		t.Fatalf("%s selected but the AWS SDK for JavaScript is not installed: run scripts/install-peers.sh", JSSDK)
	}
	s, url := emulator.NewTestServer(t, emulator.Options{})
	if err := s.Seed(strings.NewReader(jsSeed)); err != nil {
		t.Fatal(err)
	}
	calls := jsCalls()
	var served []string
	for _, c := range calls {
		served = append(served, c.Op)
	}
	for _, op := range emulator.Operations() {
		if !slices.Contains(served, op) {
			t.Errorf("no call of %s in the JavaScript client's list: add one to jsCalls", op)
		}
	}

	in, _ := json.Marshal(map[string]any{"endpoint": url, "calls": calls})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", filepath.Join(peers, "jsclient.cjs"))
	cmd.Dir = peers
	cmd.Env = append(os.Environ(), "NODE_NO_WARNINGS=1", "AWS_EC2_METADATA_DISABLED=true")
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node jsclient.cjs: %v\n%s", err, stderr.String())
	}
	var results []struct {
		Op, Error, Message   string
		OK, Decoded, Unknown bool
		Members, Missing     []string
	}
	if err := json.Unmarshal(out, &results); err != nil {
		t.Fatalf("jsclient.cjs answered %q: %v", out, err)
	}
	if len(results) != len(calls) {
		t.Fatalf("%d results for %d calls", len(results), len(calls))
	}
	decoded := 0
	for i, r := range results {
		want := calls[i].WantError
		switch {
		case r.Unknown:
			t.Errorf("call %d: the JavaScript SDK has no %sCommand", i, r.Op)
		case want == "" && !r.OK:
			t.Errorf("call %d %s: %s: %s", i, r.Op, r.Error, r.Message)
		case want != "" && r.Error != want:
			t.Errorf("call %d %s: want %s, got ok=%v %s: %s", i, r.Op, want, r.OK, r.Error, r.Message)
		case want != "" && !r.Decoded:
			t.Errorf("call %d %s: %s is not an exception the SDK models", i, r.Op, r.Error)
		case len(r.Missing) > 0:
			t.Errorf("call %d %s: the SDK's output lacks %v of the answer's members", i, r.Op, r.Missing)
		default:
			decoded++
		}
	}
	t.Logf("%s: %d of %d answers decoded in full, covering %d operations", JSSDK, decoded, len(calls), len(emulator.Operations()))
}

// jsCall is one call for jsclient.cjs.
type jsCall struct {
	Op        string         `json:"op"`
	Input     map[string]any `json:"input"`
	WantError string         `json:"wantError,omitempty"`
}

const (
	jsPool   = "us-east-1_JsPool"
	jsClient = "jsclientid"
	jsPass   = "Correct-Horse-9"
)

// jsSeed is a pool with SMS and TOTP MFA under OPTIONAL, a client, tess
// with a verified authenticator and TOTP preferred, a verified email and a
// remembered device, and newbie, who must change a temporary password and
// has a passkey.
const jsSeed = `{"Pools":[{"Id":"` + jsPool + `","Name":"js",
	"SmsConfiguration":{"SnsCallerArn":"arn:aws:iam::123456789012:role/sns","ExternalId":"x"},
	"MfaConfig":{"MfaConfiguration":"OPTIONAL","SmsMfaConfiguration":{},"SoftwareTokenMfaConfiguration":{"Enabled":true}},
	"Clients":[{"ClientId":"` + jsClient + `","ExplicitAuthFlows":["ALLOW_USER_PASSWORD_AUTH","ALLOW_REFRESH_TOKEN_AUTH"]}],
	"Users":[
		{"Username":"tess","Password":"` + jsPass + `","Attributes":{"email":"tess@example.com","email_verified":"true"},
			"TotpSecret":"JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP","MfaSettings":{"SoftwareTokenMfaSettings":{"Enabled":true,"PreferredMfa":true}},
			"Devices":[{"DeviceKey":"` + jsDevice + `","Name":"tess-laptop"}]},
		{"Username":"newbie","Password":"Temporary-Pass-1","Status":"FORCE_CHANGE_PASSWORD","Attributes":{"phone_number":"+15555550100"},
			"Passkeys":[{"CredentialId":"js-cred","Name":"js key","RelyingPartyId":"example.com","Attachment":"platform","Transports":["internal"]}]}]}]}`

const jsDevice = "us-east-1_0a0b0c0d-0000-4000-8000-000000000001"

// jsCalls calls every operation the emulator serves, in an order where
// each finds what it needs; "${N.Member}" refers to call N's output.
func jsCalls() []jsCall {
	pool := map[string]any{"UserPoolId": jsPool}
	with := func(extra map[string]any) map[string]any {
		m := map[string]any{"UserPoolId": jsPool}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	userRead := map[string]any{"LimitClass": "API_CATEGORY", "Attributes": map[string]string{"Category": "UserRead"}}
	eums := map[string]any{"CallerArn": "arn:aws:iam::123456789012:role/eums", "ExternalId": "x", "OriginationIdentity": "+15555550199"}
	return []jsCall{
		{Op: "CreateUserPool", Input: map[string]any{"PoolName": "js2", "UserPoolTags": map[string]string{emulator.PoolIDTag: "us-east-1_JsPool2", "team": "js"},
			"AutoVerifiedAttributes": []string{"email"}, "SmsConfiguration": map[string]any{"EumsSms": eums}}},
		{Op: "DescribeUserPool", Input: map[string]any{"UserPoolId": "us-east-1_JsPool2"}},
		{Op: "UpdateUserPool", Input: map[string]any{"UserPoolId": "us-east-1_JsPool2", "AutoVerifiedAttributes": []string{"email"}}},
		{Op: "ListUserPools", Input: map[string]any{"MaxResults": 60}},
		{Op: "SetUserPoolMfaConfig", Input: with(map[string]any{"MfaConfiguration": "OPTIONAL",
			"SmsMfaConfiguration":           map[string]any{"SmsAuthenticationMessage": "Your code is {####}", "SmsConfiguration": map[string]any{"EumsSms": eums}},
			"SoftwareTokenMfaConfiguration": map[string]any{"Enabled": true}})},
		{Op: "GetUserPoolMfaConfig", Input: pool},
		{Op: "CreateGroup", Input: with(map[string]any{"GroupName": "js-group", "Precedence": 1})},
		{Op: "GetGroup", Input: with(map[string]any{"GroupName": "js-group"})},
		{Op: "ListGroups", Input: pool},
		{Op: "CreateUserPoolClient", Input: with(map[string]any{"ClientName": "js-app", "GenerateSecret": true})},
		{Op: "ListUserPoolClients", Input: with(map[string]any{"MaxResults": 10})},
		{Op: "AdminCreateUser", Input: with(map[string]any{"Username": "jsuser", "MessageAction": "SUPPRESS",
			"UserAttributes": []map[string]string{{"Name": "phone_number", "Value": "+15555550101"}}})},
		{Op: "AdminSetUserPassword", Input: with(map[string]any{"Username": "jsuser", "Password": jsPass, "Permanent": true})},
		{Op: "AdminGetUser", Input: with(map[string]any{"Username": "tess"})},
		{Op: "AdminGetUser", Input: with(map[string]any{"Username": "ghost"}), WantError: "UserNotFoundException"},
		{Op: "AdminAddUserToGroup", Input: with(map[string]any{"Username": "jsuser", "GroupName": "js-group"})},
		{Op: "AdminListGroupsForUser", Input: with(map[string]any{"Username": "jsuser"})},
		{Op: "ListUsers", Input: pool},
		{Op: "ListUsers", Input: with(map[string]any{"Limit": 61}), WantError: "InvalidParameterException"},
		{Op: "ListUsersInGroup", Input: with(map[string]any{"GroupName": "js-group"})},
		{Op: "AdminSetUserMFAPreference", Input: with(map[string]any{"Username": "jsuser", "SMSMfaSettings": map[string]any{"Enabled": true}})},
		{Op: "AdminSetUserSettings", Input: with(map[string]any{"Username": "jsuser",
			"MFAOptions": []map[string]string{{"DeliveryMedium": "SMS", "AttributeName": "phone_number"}}})},
		{Op: "AdminGetUserAuthFactors", Input: with(map[string]any{"Username": "tess"})},
		{Op: "GetProvisionedLimit", Input: map[string]any{"LimitDefinition": userRead}},
		{Op: "UpdateProvisionedLimit", Input: map[string]any{"LimitDefinition": userRead, "RequestedLimitValue": 240}},
		// 25: a challenge; 26: answered, which signs newbie in.
		{Op: "InitiateAuth", Input: map[string]any{"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": jsClient,
			"AuthParameters": map[string]string{"USERNAME": "newbie", "PASSWORD": "Temporary-Pass-1"}}},
		{Op: "RespondToAuthChallenge", Input: map[string]any{"ClientId": jsClient, "ChallengeName": "NEW_PASSWORD_REQUIRED", "Session": "${25.Session}",
			"ChallengeResponses": map[string]string{"USERNAME": "newbie", "NEW_PASSWORD": jsPass}}},
		{Op: "GetUser", Input: map[string]any{"AccessToken": "${26.AuthenticationResult.AccessToken}"}},
		{Op: "SetUserMFAPreference", Input: map[string]any{"AccessToken": "${26.AuthenticationResult.AccessToken}",
			"SMSMfaSettings": map[string]any{"Enabled": true, "PreferredMfa": true}}},
		// 29: a secret; 30: verified with its current code.
		{Op: "AssociateSoftwareToken", Input: map[string]any{"AccessToken": "${26.AuthenticationResult.AccessToken}"}},
		{Op: "VerifySoftwareToken", Input: map[string]any{"AccessToken": "${26.AuthenticationResult.AccessToken}",
			"UserCode": "${totp:29.SecretCode}", "FriendlyDeviceName": "js"}},
		{Op: "InitiateAuth", Input: map[string]any{"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": jsClient,
			"AuthParameters": map[string]string{"USERNAME": "tess", "PASSWORD": jsPass}}},
		{Op: "AdminDeleteSoftwareToken", Input: with(map[string]any{"Username": "tess"})},
		{Op: "ListWebAuthnCredentials", Input: map[string]any{"AccessToken": "${26.AuthenticationResult.AccessToken}"}},
		{Op: "DeleteWebAuthnCredential", Input: map[string]any{"AccessToken": "${26.AuthenticationResult.AccessToken}", "CredentialId": "js-cred"}},
		{Op: "AdminListDevices", Input: with(map[string]any{"Username": "tess"})},
		{Op: "AdminForgetDevice", Input: with(map[string]any{"Username": "tess", "DeviceKey": jsDevice})},
		{Op: "AdminResetUserPassword", Input: with(map[string]any{"Username": "tess"})},
		{Op: "AdminUserGlobalSignOut", Input: with(map[string]any{"Username": "tess"})},
		{Op: "GlobalSignOut", Input: map[string]any{"AccessToken": "${26.AuthenticationResult.AccessToken}"}},
		{Op: "AdminDeleteUser", Input: with(map[string]any{"Username": "jsuser"})},
		// The posture: threat protection needs PLUS; risk actions need it on.
		{Op: "UpdateUserPool", Input: map[string]any{"UserPoolId": "us-east-1_JsPool2", "AutoVerifiedAttributes": []string{"email"},
			"UserPoolTier": "PLUS", "UserPoolAddOns": map[string]any{"AdvancedSecurityMode": "ENFORCED"}}},
		{Op: "SetRiskConfiguration", Input: map[string]any{"UserPoolId": "us-east-1_JsPool2",
			"CompromisedCredentialsRiskConfiguration": map[string]any{"Actions": map[string]any{"EventAction": "BLOCK"}}}},
		{Op: "DescribeRiskConfiguration", Input: map[string]any{"UserPoolId": "us-east-1_JsPool2"}},
	}
}
