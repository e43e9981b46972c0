package conformance

import (
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// The MFA posture besides SetUserPoolMfaConfig: UpdateUserPool's full
// replacement of its members, threat protection's tier, and the risk
// configurations of pools and app clients.

// postureView describes the posture members of a DescribeUserPool answer.
func (s *session) postureView() (string, error) {
	out, err := s.api.DescribeUserPool(s.ctx, &cip.DescribeUserPoolInput{UserPoolId: aws.String(s.pool)})
	if err != nil {
		return "", fmt.Errorf("DescribeUserPool: %w", err)
	}
	p := out.UserPool
	var parts []string
	parts = append(parts, "deletion="+orAbsent(string(p.DeletionProtection)))
	if d := p.DeviceConfiguration; d != nil {
		parts = append(parts, fmt.Sprintf("devices={%t,%t}", d.ChallengeRequiredOnNewDevice, d.DeviceOnlyRememberedOnUserPrompt))
	} else {
		parts = append(parts, "devices=absent")
	}
	if a := p.UserPoolAddOns; a != nil {
		parts = append(parts, "threat="+string(a.AdvancedSecurityMode))
	} else {
		parts = append(parts, "threat=absent")
	}
	parts = append(parts, "subject="+orAbsent(aws.ToString(p.EmailVerificationSubject)))
	if p.LambdaConfig != nil && p.LambdaConfig.PreSignUp != nil {
		parts = append(parts, "lambda=set")
	} else {
		parts = append(parts, "lambda=absent")
	}
	return strings.Join(parts, " "), nil
}

func orAbsent(s string) string {
	if s == "" {
		return "absent"
	}
	return s
}

// busyUpdate is an UpdateUserPool that sets several members mfactl does
// not manage, and remembered devices.
func (s *session) busyUpdate() *cip.UpdateUserPoolInput {
	return &cip.UpdateUserPoolInput{
		UserPoolId:               aws.String(s.pool),
		DeletionProtection:       types.DeletionProtectionTypeActive,
		DeviceConfiguration:      &types.DeviceConfigurationType{ChallengeRequiredOnNewDevice: true, DeviceOnlyRememberedOnUserPrompt: true},
		EmailVerificationSubject: aws.String("Verify"),
		LambdaConfig:             &types.LambdaConfigType{PreSignUp: aws.String("arn:aws:lambda:us-east-1:123456789012:function:pre")},
	}
}

func (s *session) plusWithThreatProtection() error {
	_, err := s.api.UpdateUserPool(s.ctx, &cip.UpdateUserPoolInput{UserPoolId: aws.String(s.pool), UserPoolTier: types.UserPoolTierTypePlus,
		UserPoolAddOns: &types.UserPoolAddOnsType{AdvancedSecurityMode: types.AdvancedSecurityModeTypeEnforced}})
	if err != nil {
		return fmt.Errorf("UpdateUserPool PLUS ENFORCED: %w", err)
	}
	return nil
}

func highAction(action types.AccountTakeoverEventActionType) *types.AccountTakeoverRiskConfigurationType {
	return &types.AccountTakeoverRiskConfigurationType{Actions: &types.AccountTakeoverActionsType{
		HighAction: &types.AccountTakeoverActionType{EventAction: action, Notify: false}}}
}

// riskView describes a DescribeRiskConfiguration answer.
func (s *session) riskView(clientID *string) string {
	out, err := s.api.DescribeRiskConfiguration(s.ctx, &cip.DescribeRiskConfigurationInput{UserPoolId: aws.String(s.pool), ClientId: clientID})
	if err != nil {
		return outcome(err)
	}
	rc := out.RiskConfiguration
	high := "absent"
	if a := rc.AccountTakeoverRiskConfiguration; a != nil && a.Actions != nil && a.Actions.HighAction != nil {
		high = string(a.Actions.HighAction.EventAction)
	}
	cc := "absent"
	if c := rc.CompromisedCredentialsRiskConfiguration; c != nil && c.Actions != nil {
		cc = string(c.Actions.EventAction)
	}
	return fmt.Sprintf("client=%s high=%s compromised=%s", orAbsent(aws.ToString(rc.ClientId)), high, cc)
}

var postureScenarios = []scenario{
	{
		name: "posture/update-user-pool-stores-its-members",
		want: "ok; deletion=ACTIVE devices={true,true} threat=absent subject=Verify lambda=set",
		run: func(s *session) (string, error) {
			_, err := s.api.UpdateUserPool(s.ctx, s.busyUpdate())
			if err != nil {
				return outcome(err), nil
			}
			view, err := s.postureView()
			return "ok; " + view, err
		},
	},
	{
		// UpdateUserPool is a full replacement: what a request omits
		// returns to its default (the SDK documents it; cdkd#1982
		// measured it). mfactl's UpdateUserPool always sends every member.
		name: "posture/update-user-pool-resets-omitted-members",
		want: "ok; deletion=absent devices=absent threat=absent subject=absent lambda=absent",
		run: func(s *session) (string, error) {
			if _, err := s.api.UpdateUserPool(s.ctx, s.busyUpdate()); err != nil {
				return "", fmt.Errorf("UpdateUserPool: %w", err)
			}
			_, err := s.api.UpdateUserPool(s.ctx, &cip.UpdateUserPoolInput{UserPoolId: aws.String(s.pool)})
			if err != nil {
				return outcome(err), nil
			}
			view, err := s.postureView()
			return "ok; " + view, err
		},
	},
	{
		name: "posture/threat-protection-needs-plus",
		want: "error FeatureUnavailableInTierException",
		run: func(s *session) (string, error) {
			_, err := s.api.UpdateUserPool(s.ctx, &cip.UpdateUserPoolInput{UserPoolId: aws.String(s.pool), UserPoolTier: types.UserPoolTierTypeEssentials,
				UserPoolAddOns: &types.UserPoolAddOnsType{AdvancedSecurityMode: types.AdvancedSecurityModeTypeEnforced}})
			return outcome(err), nil
		},
	},
	{
		name: "posture/risk-configuration-needs-threat-protection",
		want: "error UserPoolAddOnNotEnabledException",
		run: func(s *session) (string, error) {
			_, err := s.api.SetRiskConfiguration(s.ctx, &cip.SetRiskConfigurationInput{UserPoolId: aws.String(s.pool),
				AccountTakeoverRiskConfiguration: highAction(types.AccountTakeoverEventActionTypeMfaRequired)})
			return outcome(err), nil
		},
	},
	{
		name: "posture/risk-configuration-of-pool-and-client",
		want: "pool: client=absent high=MFA_REQUIRED compromised=BLOCK; client: client=set high=BLOCK compromised=absent; new client: client=set high=absent compromised=absent",
		run: func(s *session) (string, error) {
			if err := s.plusWithThreatProtection(); err != nil {
				return "", err
			}
			clients := make([]*string, 2)
			for i := range clients {
				out, err := s.api.CreateUserPoolClient(s.ctx, &cip.CreateUserPoolClientInput{UserPoolId: aws.String(s.pool), ClientName: aws.String(fmt.Sprintf("c%d", i))})
				if err != nil {
					return "", fmt.Errorf("CreateUserPoolClient: %w", err)
				}
				clients[i] = out.UserPoolClient.ClientId
			}
			_, err := s.api.SetRiskConfiguration(s.ctx, &cip.SetRiskConfigurationInput{UserPoolId: aws.String(s.pool),
				AccountTakeoverRiskConfiguration: highAction(types.AccountTakeoverEventActionTypeMfaRequired),
				CompromisedCredentialsRiskConfiguration: &types.CompromisedCredentialsRiskConfigurationType{
					Actions: &types.CompromisedCredentialsActionsType{EventAction: types.CompromisedCredentialsEventActionTypeBlock}}})
			if err != nil {
				return "pool: " + outcome(err), nil
			}
			_, err = s.api.SetRiskConfiguration(s.ctx, &cip.SetRiskConfigurationInput{UserPoolId: aws.String(s.pool), ClientId: clients[0],
				AccountTakeoverRiskConfiguration: highAction(types.AccountTakeoverEventActionTypeBlock)})
			if err != nil {
				return "client: " + outcome(err), nil
			}
			mask := func(v string, id *string) string { return strings.ReplaceAll(v, aws.ToString(id), "set") }
			return "pool: " + s.riskView(nil) + "; client: " + mask(s.riskView(clients[0]), clients[0]) + "; new client: " + mask(s.riskView(clients[1]), clients[1]), nil
		},
	},
	{
		name: "posture/risk-configuration-refuses-unknown-action",
		want: "error InvalidParameterException",
		run: func(s *session) (string, error) {
			if err := s.plusWithThreatProtection(); err != nil {
				return "", err
			}
			_, err := s.api.SetRiskConfiguration(s.ctx, &cip.SetRiskConfigurationInput{UserPoolId: aws.String(s.pool),
				AccountTakeoverRiskConfiguration: highAction("MFA_ALWAYS")})
			return outcome(err), nil
		},
	},
}
