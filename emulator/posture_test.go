package emulator_test

import (
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/mfactl/mfactl/emulator"
)

func TestUpdateUserPoolReplacesEveryMember(t *testing.T) {
	e := newEnv(t, emulator.Options{})
	id := e.pool("shop")
	full := &cip.UpdateUserPoolInput{
		UserPoolId:               &id,
		UserPoolTier:             types.UserPoolTierTypePlus,
		DeletionProtection:       types.DeletionProtectionTypeActive,
		DeviceConfiguration:      &types.DeviceConfigurationType{ChallengeRequiredOnNewDevice: true, DeviceOnlyRememberedOnUserPrompt: true},
		UserPoolAddOns:           &types.UserPoolAddOnsType{AdvancedSecurityMode: types.AdvancedSecurityModeTypeEnforced},
		EmailVerificationSubject: aws.String("Your code"),
		LambdaConfig:             &types.LambdaConfigType{PreSignUp: aws.String("arn:aws:lambda:us-east-1:123456789012:function:pre")},
		AdminCreateUserConfig:    &types.AdminCreateUserConfigType{AllowAdminCreateUserOnly: true},
		Policies: &types.UserPoolPolicyType{
			PasswordPolicy: &types.PasswordPolicyType{MinimumLength: aws.Int32(12)},
			SignInPolicy:   &types.SignInPolicyType{AllowedFirstAuthFactors: []types.AuthFactorType{types.AuthFactorTypePassword, types.AuthFactorTypeWebAuthn}},
		},
	}
	must[*cip.UpdateUserPoolOutput](t)(e.c.UpdateUserPool(e.ctx, full))
	p := must[*cip.DescribeUserPoolOutput](t)(e.c.DescribeUserPool(e.ctx, &cip.DescribeUserPoolInput{UserPoolId: &id})).UserPool
	if p.DeletionProtection != types.DeletionProtectionTypeActive || p.DeviceConfiguration == nil || !p.DeviceConfiguration.DeviceOnlyRememberedOnUserPrompt ||
		p.UserPoolAddOns == nil || p.UserPoolAddOns.AdvancedSecurityMode != types.AdvancedSecurityModeTypeEnforced ||
		aws.ToString(p.EmailVerificationSubject) != "Your code" || p.LambdaConfig == nil || p.AdminCreateUserConfig == nil ||
		aws.ToInt32(p.Policies.PasswordPolicy.MinimumLength) != 12 || len(p.Policies.SignInPolicy.AllowedFirstAuthFactors) != 2 {
		t.Fatalf("DescribeUserPool after a full UpdateUserPool: %+v", p)
	}

	// A request with only the pool ID resets every member it omits.
	must[*cip.UpdateUserPoolOutput](t)(e.c.UpdateUserPool(e.ctx, &cip.UpdateUserPoolInput{UserPoolId: &id}))
	p = must[*cip.DescribeUserPoolOutput](t)(e.c.DescribeUserPool(e.ctx, &cip.DescribeUserPoolInput{UserPoolId: &id})).UserPool
	if p.DeletionProtection != "" || p.DeviceConfiguration != nil || p.UserPoolAddOns != nil || p.EmailVerificationSubject != nil ||
		p.LambdaConfig != nil || p.AdminCreateUserConfig != nil || aws.ToInt32(p.Policies.PasswordPolicy.MinimumLength) != 8 {
		t.Fatalf("DescribeUserPool after an UpdateUserPool of the ID alone: %+v", p)
	}
	// The tier and the sign-in policy are kept (see updateUserPool).
	if p.UserPoolTier != types.UserPoolTierTypePlus || len(p.Policies.SignInPolicy.AllowedFirstAuthFactors) != 2 {
		t.Fatalf("tier %s, sign-in policy %+v: want both kept", p.UserPoolTier, p.Policies.SignInPolicy)
	}
}

func TestThreatProtectionNeedsPlus(t *testing.T) {
	e := newEnv(t, emulator.Options{})
	id := e.pool("shop")
	_, err := e.c.UpdateUserPool(e.ctx, &cip.UpdateUserPoolInput{UserPoolId: &id, UserPoolTier: types.UserPoolTierTypeEssentials,
		UserPoolAddOns: &types.UserPoolAddOnsType{AdvancedSecurityMode: types.AdvancedSecurityModeTypeAudit}})
	wantCode(t, err, "FeatureUnavailableInTierException")
	// OFF is allowed at any tier.
	must[*cip.UpdateUserPoolOutput](t)(e.c.UpdateUserPool(e.ctx, &cip.UpdateUserPoolInput{UserPoolId: &id, UserPoolTier: types.UserPoolTierTypeLite,
		UserPoolAddOns: &types.UserPoolAddOnsType{AdvancedSecurityMode: types.AdvancedSecurityModeTypeOff}}))
	_, err = e.c.UpdateUserPool(e.ctx, &cip.UpdateUserPoolInput{UserPoolId: &id,
		UserPoolAddOns: &types.UserPoolAddOnsType{AdvancedSecurityMode: "SOMETIMES"}})
	wantCode(t, err, "InvalidParameterException")
}

func TestRiskConfiguration(t *testing.T) {
	e := newEnv(t, emulator.Options{})
	id := e.pool("shop")
	client := must[*cip.CreateUserPoolClientOutput](t)(e.c.CreateUserPoolClient(e.ctx, &cip.CreateUserPoolClientInput{UserPoolId: &id, ClientName: aws.String("web")})).UserPoolClient.ClientId
	risk := &cip.SetRiskConfigurationInput{
		UserPoolId: &id,
		AccountTakeoverRiskConfiguration: &types.AccountTakeoverRiskConfigurationType{Actions: &types.AccountTakeoverActionsType{
			HighAction:   &types.AccountTakeoverActionType{EventAction: types.AccountTakeoverEventActionTypeMfaRequired, Notify: true},
			MediumAction: &types.AccountTakeoverActionType{EventAction: types.AccountTakeoverEventActionTypeMfaIfConfigured},
		}},
		CompromisedCredentialsRiskConfiguration: &types.CompromisedCredentialsRiskConfigurationType{
			Actions: &types.CompromisedCredentialsActionsType{EventAction: types.CompromisedCredentialsEventActionTypeBlock}, EventFilter: []types.EventFilterType{types.EventFilterTypeSignIn}},
	}
	// Without threat protection there is nothing to configure.
	_, err := e.c.SetRiskConfiguration(e.ctx, risk)
	wantCode(t, err, "UserPoolAddOnNotEnabledException")
	must[*cip.UpdateUserPoolOutput](t)(e.c.UpdateUserPool(e.ctx, &cip.UpdateUserPoolInput{UserPoolId: &id, UserPoolTier: types.UserPoolTierTypePlus,
		UserPoolAddOns: &types.UserPoolAddOnsType{AdvancedSecurityMode: types.AdvancedSecurityModeTypeEnforced}}))

	set := must[*cip.SetRiskConfigurationOutput](t)(e.c.SetRiskConfiguration(e.ctx, risk)).RiskConfiguration
	if set.AccountTakeoverRiskConfiguration.Actions.HighAction.EventAction != types.AccountTakeoverEventActionTypeMfaRequired || set.LastModifiedDate == nil {
		t.Fatalf("SetRiskConfiguration answered %+v", set)
	}
	got := must[*cip.DescribeRiskConfigurationOutput](t)(e.c.DescribeRiskConfiguration(e.ctx, &cip.DescribeRiskConfigurationInput{UserPoolId: &id})).RiskConfiguration
	if got.CompromisedCredentialsRiskConfiguration.Actions.EventAction != types.CompromisedCredentialsEventActionTypeBlock || got.ClientId != nil ||
		got.AccountTakeoverRiskConfiguration.Actions.LowAction != nil {
		t.Fatalf("DescribeRiskConfiguration of the pool: %+v", got)
	}
	// A client has its own configuration, empty until set.
	got = must[*cip.DescribeRiskConfigurationOutput](t)(e.c.DescribeRiskConfiguration(e.ctx, &cip.DescribeRiskConfigurationInput{UserPoolId: &id, ClientId: client})).RiskConfiguration
	if aws.ToString(got.ClientId) != *client || got.AccountTakeoverRiskConfiguration != nil {
		t.Fatalf("DescribeRiskConfiguration of a client without one: %+v", got)
	}
	clientRisk := *risk
	clientRisk.ClientId = client
	clientRisk.CompromisedCredentialsRiskConfiguration = nil
	must[*cip.SetRiskConfigurationOutput](t)(e.c.SetRiskConfiguration(e.ctx, &clientRisk))
	got = must[*cip.DescribeRiskConfigurationOutput](t)(e.c.DescribeRiskConfiguration(e.ctx, &cip.DescribeRiskConfigurationInput{UserPoolId: &id, ClientId: client})).RiskConfiguration
	if got.AccountTakeoverRiskConfiguration == nil || got.CompromisedCredentialsRiskConfiguration != nil {
		t.Fatalf("DescribeRiskConfiguration of the client: %+v", got)
	}

	_, err = e.c.DescribeRiskConfiguration(e.ctx, &cip.DescribeRiskConfigurationInput{UserPoolId: &id, ClientId: aws.String("1nosuchclient234567890")})
	wantCode(t, err, "ResourceNotFoundException")
	bad := *risk
	bad.CompromisedCredentialsRiskConfiguration = &types.CompromisedCredentialsRiskConfigurationType{Actions: &types.CompromisedCredentialsActionsType{EventAction: "MFA_REQUIRED"}}
	_, err = e.c.SetRiskConfiguration(e.ctx, &bad)
	wantCode(t, err, "InvalidParameterException")
}

// ListUserPoolClients pages a pool's app clients, oldest first, and none of
// another pool's.
func TestListUserPoolClients(t *testing.T) {
	clk := &clock{t: time.Now()}
	e := newEnv(t, emulator.Options{Now: clk.now})
	id, other := e.pool("shop"), e.pool("other")
	var made []string
	for _, name := range []string{"web", "ios", "android"} {
		clk.t = clk.t.Add(time.Second)
		out := must[*cip.CreateUserPoolClientOutput](t)(e.c.CreateUserPoolClient(e.ctx, &cip.CreateUserPoolClientInput{UserPoolId: &id, ClientName: aws.String(name)}))
		made = append(made, aws.ToString(out.UserPoolClient.ClientId))
	}
	must[*cip.CreateUserPoolClientOutput](t)(e.c.CreateUserPoolClient(e.ctx, &cip.CreateUserPoolClientInput{UserPoolId: &other, ClientName: aws.String("elsewhere")}))

	var listed []string
	in := &cip.ListUserPoolClientsInput{UserPoolId: &id, MaxResults: aws.Int32(2)}
	for pages := 1; ; pages++ {
		out := must[*cip.ListUserPoolClientsOutput](t)(e.c.ListUserPoolClients(e.ctx, in))
		for _, c := range out.UserPoolClients {
			listed = append(listed, aws.ToString(c.ClientId)+"="+aws.ToString(c.ClientName))
			if aws.ToString(c.UserPoolId) != id {
				t.Errorf("client %s of pool %s", aws.ToString(c.ClientId), aws.ToString(c.UserPoolId))
			}
		}
		if out.NextToken == nil {
			if pages != 2 {
				t.Errorf("%d pages of 2 for 3 clients", pages)
			}
			break
		}
		in.NextToken = out.NextToken
	}
	if want := []string{made[0] + "=web", made[1] + "=ios", made[2] + "=android"}; !slices.Equal(listed, want) {
		t.Errorf("listed %v, want %v", listed, want)
	}
	_, err := e.c.ListUserPoolClients(e.ctx, &cip.ListUserPoolClientsInput{UserPoolId: &id, NextToken: aws.String("not-a-token")})
	wantCode(t, err, emulator.CodeInvalidParameter)
	_, err = e.c.ListUserPoolClients(e.ctx, &cip.ListUserPoolClientsInput{UserPoolId: aws.String("us-east-1_Nope0000")})
	wantCode(t, err, emulator.CodeResourceNotFound)
}
