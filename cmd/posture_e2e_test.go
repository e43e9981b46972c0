package cmd

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/mfactl/mfactl/emulator"
)

// The "done when": a pool with many settings mfactl does not
// manage gets remembered devices, threat protection ENFORCED and risk
// actions from one apply (a saved plan), and DescribeUserPool afterwards
// shows every other member exactly as before; a re-plan is empty, and so
// is a plan of what import writes.

const posturePool = "us-east-1_Posture1"

// createBusyPool creates a pool with many settings besides MFA, and an
// app client, and returns the client's ID.
func createBusyPool(t *testing.T, c *cip.Client) string {
	t.Helper()
	ctx := context.Background()
	arn := func(fn string) *string { return aws.String("arn:aws:lambda:us-east-1:123456789012:function:" + fn) }
	_, err := c.CreateUserPool(ctx, &cip.CreateUserPoolInput{
		PoolName:                 aws.String("busy"),
		UserPoolTags:             map[string]string{emulator.PoolIDTag: posturePool, "team": "identity"},
		DeletionProtection:       types.DeletionProtectionTypeActive,
		AutoVerifiedAttributes:   []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail},
		EmailConfiguration:       &types.EmailConfigurationType{EmailSendingAccount: types.EmailSendingAccountTypeDeveloper, SourceArn: aws.String("arn:aws:ses:us-east-1:123456789012:identity/example.com"), From: aws.String("no-reply@example.com")},
		SmsConfiguration:         &types.SmsConfigurationType{SnsCallerArn: aws.String("arn:aws:iam::123456789012:role/cognito-sms"), ExternalId: aws.String("busy-ext-4711"), SnsRegion: aws.String("us-east-1")},
		EmailVerificationMessage: aws.String("Your code is {####}"),
		EmailVerificationSubject: aws.String("Verify your email"),
		SmsVerificationMessage:   aws.String("Code {####}"),
		SmsAuthenticationMessage: aws.String("MFA code {####}"),
		VerificationMessageTemplate: &types.VerificationMessageTemplateType{DefaultEmailOption: types.DefaultEmailOptionTypeConfirmWithLink,
			EmailMessageByLink: aws.String("Click {##here##}"), EmailSubjectByLink: aws.String("Confirm")},
		AdminCreateUserConfig: &types.AdminCreateUserConfigType{AllowAdminCreateUserOnly: true,
			InviteMessageTemplate: &types.MessageTemplateType{EmailSubject: aws.String("Welcome"), EmailMessage: aws.String("Hello {username}, {####}")}},
		AccountRecoverySetting: &types.AccountRecoverySettingType{RecoveryMechanisms: []types.RecoveryOptionType{
			{Name: types.RecoveryOptionNameTypeVerifiedEmail, Priority: aws.Int32(1)}, {Name: types.RecoveryOptionNameTypeVerifiedPhoneNumber, Priority: aws.Int32(2)}}},
		Policies: &types.UserPoolPolicyType{PasswordPolicy: &types.PasswordPolicyType{MinimumLength: aws.Int32(14), RequireUppercase: true,
			RequireNumbers: true, TemporaryPasswordValidityDays: 3, PasswordHistorySize: aws.Int32(5)}},
		LambdaConfig:                &types.LambdaConfigType{PreSignUp: arn("pre-sign-up"), PostConfirmation: arn("post-confirm"), PreTokenGeneration: arn("pre-token")},
		UserAttributeUpdateSettings: &types.UserAttributeUpdateSettingsType{AttributesRequireVerificationBeforeUpdate: []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail}},
	})
	if err != nil {
		t.Fatal(err)
	}
	out, err := c.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: aws.String(posturePool), ClientName: aws.String("web")})
	if err != nil {
		t.Fatal(err)
	}
	return *out.UserPoolClient.ClientId
}

func describePool(t *testing.T, c *cip.Client) types.UserPoolType {
	t.Helper()
	out, err := c.DescribeUserPool(context.Background(), &cip.DescribeUserPoolInput{UserPoolId: aws.String(posturePool)})
	if err != nil {
		t.Fatal(err)
	}
	return *out.UserPool
}

// unmanaged is the pool as JSON without the members the posture file
// manages and those Cognito changes by itself.
func unmanaged(t *testing.T, p types.UserPoolType) map[string]any {
	t.Helper()
	b, _ := json.Marshal(p)
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	for _, k := range []string{"UserPoolTier", "DeviceConfiguration", "UserPoolAddOns", "MfaConfiguration", "LastModifiedDate"} {
		delete(m, k)
	}
	return m
}

func TestPostureApplyKeepsEveryUnmanagedMember(t *testing.T) {
	t.Parallel()
	emu, url := emulator.NewTestServer(t, emulator.Options{})
	h := &harness{t: t, emu: emu, url: url}
	ctx := context.Background()
	c := sdkClient(url, posturePool)
	client := createBusyPool(t, c)
	before := describePool(t, c)

	dir := t.TempDir()
	file := filepath.Join(dir, "posture.yaml")
	os.WriteFile(file, []byte(`Version: 1
UserPools:
  - UserPoolId: `+posturePool+`
    MfaConfiguration: OPTIONAL
    SoftwareTokenMfaConfiguration: {Enabled: true}
    UserPoolTier: PLUS
    DeviceConfiguration:
      ChallengeRequiredOnNewDevice: true
      DeviceOnlyRememberedOnUserPrompt: true
    UserPoolAddOns:
      AdvancedSecurityMode: ENFORCED
    RiskConfiguration:
      AccountTakeoverRiskConfiguration:
        Actions:
          LowAction:    {EventAction: NO_ACTION, Notify: false}
          MediumAction: {EventAction: MFA_IF_CONFIGURED, Notify: false}
          HighAction:   {EventAction: MFA_REQUIRED, Notify: false}
      CompromisedCredentialsRiskConfiguration:
        Actions: {EventAction: BLOCK}
        EventFilter: [SIGN_IN, PASSWORD_CHANGE, SIGN_UP]
    AppClients:
      - ClientId: `+client+`
        RiskConfiguration:
          AccountTakeoverRiskConfiguration:
            Actions:
              HighAction: {EventAction: BLOCK, Notify: false}
`), 0o600)

	planFile := filepath.Join(dir, "posture.plan")
	out, errOut, code := h.run(ctx, "plan", "-f", file, "--out", planFile)
	if code != ExitOK || !strings.Contains(out, `~ UserPoolTier: "ESSENTIALS" -> "PLUS"`) || !strings.Contains(out, "changes what AWS bills") {
		t.Fatalf("plan: exit %d\n%s\n%s", code, out, errOut)
	}
	saved, _ := os.ReadFile(planFile)
	if strings.Contains(string(saved), "busy-ext-4711") {
		t.Fatal("the plan file holds the SMS role's ExternalId")
	}
	emu.ResetStats()
	out, errOut, code = h.run(ctx, "apply", planFile)
	if code != ExitOK || !strings.Contains(out, "Verified:") {
		t.Fatalf("apply: exit %d\n%s\n%s", code, out, errOut)
	}
	var writes []string
	for _, call := range emu.Stats().Calls {
		switch call.Operation {
		case "UpdateUserPool", "SetRiskConfiguration", "SetUserPoolMfaConfig":
			writes = append(writes, call.Operation)
		}
	}
	// Tier and threat protection, then the risk actions that rely on
	// them, then the MFA configuration.
	if got := strings.Join(writes, ","); got != "UpdateUserPool,SetRiskConfiguration,SetRiskConfiguration,SetUserPoolMfaConfig" {
		t.Fatalf("writes = %s", got)
	}

	after := describePool(t, c)
	if got, want := unmanaged(t, after), unmanaged(t, before); !samePostureJSON(got, want) {
		g, _ := json.MarshalIndent(got, "", " ")
		w, _ := json.MarshalIndent(want, "", " ")
		t.Fatalf("members mfactl does not manage changed:\nafter %s\nbefore %s", g, w)
	}
	if after.UserPoolTier != types.UserPoolTierTypePlus || after.DeviceConfiguration == nil || !after.DeviceConfiguration.ChallengeRequiredOnNewDevice ||
		after.UserPoolAddOns == nil || after.UserPoolAddOns.AdvancedSecurityMode != types.AdvancedSecurityModeTypeEnforced {
		t.Fatalf("posture not applied: %+v", after)
	}
	risk, err := c.DescribeRiskConfiguration(ctx, &cip.DescribeRiskConfigurationInput{UserPoolId: aws.String(posturePool), ClientId: aws.String(client)})
	if err != nil || risk.RiskConfiguration.AccountTakeoverRiskConfiguration.Actions.HighAction.EventAction != types.AccountTakeoverEventActionTypeBlock {
		t.Fatalf("client risk configuration: %v %+v", err, risk)
	}

	if out, _, code := h.run(ctx, "plan", "-f", file, "--detailed-exitcode"); code != ExitOK || !strings.Contains(out, "No changes.") {
		t.Fatalf("re-plan: exit %d\n%s", code, out)
	}
	// Import lists the app clients (ListUserPoolClients) and writes the
	// risk configuration of each that has its own: web's, not ios's.
	ios, err := c.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: aws.String(posturePool), ClientName: aws.String("ios")})
	if err != nil {
		t.Fatal(err)
	}
	imported := filepath.Join(dir, "imported.yaml")
	if _, errOut, code := h.run(ctx, "import", "--user-pool-id", posturePool, "--out", imported); code != ExitOK {
		t.Fatalf("import: exit %d\n%s", code, errOut)
	}
	data, _ := os.ReadFile(imported)
	if !strings.Contains(string(data), "    AppClients:\n      - ClientId: "+client+"\n        RiskConfiguration:\n          AccountTakeoverRiskConfiguration:") ||
		strings.Contains(string(data), *ios.UserPoolClient.ClientId) {
		t.Fatalf("the imported file does not hold web's risk configuration alone:\n%s", data)
	}
	if out, _, code := h.run(ctx, "plan", "-f", imported, "--detailed-exitcode"); code != ExitOK || !strings.Contains(out, "No changes.") {
		t.Fatalf("plan of the imported file: exit %d\n%s\n%s", code, out, data)
	}

	// The report's posture section, in text and JSON.
	out, errOut, code = h.run(ctx, "report", "-f", file, "--endpoint-url", url)
	if code != ExitOK || !strings.Contains(out, "posture: tier PLUS; threat protection ENFORCED; remembered devices user opt-in, remembered devices skip MFA") ||
		!strings.Contains(out, "risk actions of app client "+client+": low -, medium -, high BLOCK") {
		t.Fatalf("report: exit %d\n%s\n%s", code, out, errOut)
	}
	out, _, _ = h.run(ctx, "report", "-f", file, "--endpoint-url", url, "-o", "json")
	if !strings.Contains(out, `"ThreatProtection": "ENFORCED"`) || !strings.Contains(out, `"High": "MFA_REQUIRED"`) {
		t.Fatalf("report -o json:\n%s", out)
	}

	// Drift: threat protection switched off by hand is a change to plan.
	in, err := updateInputFrom(after)
	if err != nil {
		t.Fatal(err)
	}
	in.UserPoolAddOns = &types.UserPoolAddOnsType{AdvancedSecurityMode: types.AdvancedSecurityModeTypeAudit}
	if _, err := c.UpdateUserPool(ctx, in); err != nil {
		t.Fatal(err)
	}
	if out, _, code := h.run(ctx, "plan", "-f", file, "--detailed-exitcode"); code != ExitChanges || !strings.Contains(out, `~ UserPoolAddOns.AdvancedSecurityMode: "AUDIT" -> "ENFORCED"`) {
		t.Fatalf("drift: exit %d\n%s", code, out)
	}
	// The imported file manages web's risk actions: a change by hand is drift.
	if _, err := c.SetRiskConfiguration(ctx, &cip.SetRiskConfigurationInput{UserPoolId: aws.String(posturePool), ClientId: aws.String(client),
		AccountTakeoverRiskConfiguration: &types.AccountTakeoverRiskConfigurationType{Actions: &types.AccountTakeoverActionsType{
			HighAction: &types.AccountTakeoverActionType{EventAction: types.AccountTakeoverEventActionTypeNoAction}}}}); err != nil {
		t.Fatal(err)
	}
	if out, _, code := h.run(ctx, "plan", "-f", imported, "--detailed-exitcode"); code != ExitChanges || !strings.Contains(out, "~ AppClients["+client+"].RiskConfiguration.AccountTakeoverRiskConfiguration.Actions.HighAction.EventAction: \"NO_ACTION\" -> \"BLOCK\"") {
		t.Fatalf("drift of web's risk actions against the imported file: exit %d\n%s", code, out)
	}
}

// updateInputFrom is the UpdateUserPool request that keeps p as it is,
// for a change by hand in a test.
func updateInputFrom(p types.UserPoolType) (*cip.UpdateUserPoolInput, error) {
	b, err := json.Marshal(p)
	if err != nil {
		return nil, err
	}
	var in cip.UpdateUserPoolInput
	if err := json.Unmarshal(b, &in); err != nil {
		return nil, err
	}
	in.UserPoolId, in.PoolName = p.Id, p.Name
	return &in, nil
}

func samePostureJSON(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}
