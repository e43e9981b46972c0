package conformance

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// fidelityScenarios are behaviours an independent probe (December 2026)
// found the emulator getting wrong, each with the report it rests on.
var fidelityScenarios = []scenario{
	{
		// AssociateSoftwareToken documentation; amplify-js#1226, #3844: the
		// old authenticator stops working as soon as a new one is
		// associated, so under OPTIONAL the user signs in with the password.
		name: "auth/re-associating-stops-the-old-authenticator",
		want: "tokens",
		run: func(s *session) (string, error) {
			token, err := totpUser(s)
			if err != nil {
				return "", err
			}
			if _, err := s.associateTOTP(token); err != nil {
				return "", err
			}
			return describeSignIn(s.initiateAuth("alice", password)), nil
		},
	},
	{
		// amplify-js#11260: SetUserMFAPreference enabling SMS while the pool
		// has SMS off was accepted.
		name: "mfa/sms-while-the-pool-has-sms-off-is-accepted",
		want: "ok; mfa=[SMS_MFA] preferred=none",
		run: func(s *session) (string, error) {
			if err := s.mustSetMfa(types.UserPoolMfaTypeOptional, nil, totpOn); err != nil {
				return "", err
			}
			token, err := s.newSignedInUser("alice", "phone_number="+phoneNumber)
			if err != nil {
				return "", err
			}
			return thenUser(s, s.setPreference(token, enabledOnly, nil))
		},
	},
	{
		// aws-cdk#12075, cloudformation-coverage-roadmap#769: "SMS
		// configuration and Auto verification for phone_number are required
		// when MFA is required/optional".
		name: "pool/create-with-mfa-needs-phone-auto-verification",
		want: "error InvalidParameterException",
		run: func(s *session) (string, error) {
			_, err := s.api.CreateUserPool(s.ctx, &cip.CreateUserPoolInput{
				PoolName:         aws.String("mfa-at-creation"),
				MfaConfiguration: types.UserPoolMfaTypeOptional,
				SmsConfiguration: smsWith(smsMessage).SmsConfiguration,
			})
			return outcome(err), nil
		},
	},
}
