package conformance

import (
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
)

// recoveryScenarios are the calls mfactl reset-mfa and mfactl passkey make
// besides the MFA preference: sign-out, remembered devices, password reset,
// and the user's own passkey calls. Devices are only tracked through the
// device-confirmation flow of a client SDK, so a new user has none here.
var recoveryScenarios = []scenario{
	{
		name: "recovery/admin-global-sign-out-revokes-tokens",
		want: "sign-out ok; get-user error NotAuthorizedException",
		run: func(s *session) (string, error) {
			token, err := s.newSignedInUser("alice")
			if err != nil {
				return "", err
			}
			_, signOut := s.api.AdminUserGlobalSignOut(s.ctx, &cip.AdminUserGlobalSignOutInput{UserPoolId: aws.String(s.pool), Username: aws.String("alice")})
			_, get := s.api.GetUser(s.ctx, &cip.GetUserInput{AccessToken: aws.String(token)})
			return "sign-out " + outcome(signOut) + "; get-user " + outcome(get), nil
		},
	},
	{
		name: "recovery/global-sign-out-of-unknown-user",
		want: "error UserNotFoundException",
		run: func(s *session) (string, error) {
			_, err := s.api.AdminUserGlobalSignOut(s.ctx, &cip.AdminUserGlobalSignOutInput{UserPoolId: aws.String(s.pool), Username: aws.String("nobody")})
			return outcome(err), nil
		},
	},
	{
		name: "recovery/new-user-has-no-devices",
		want: "devices=0 token=false",
		run: func(s *session) (string, error) {
			if err := s.createUser("alice"); err != nil {
				return "", err
			}
			out, err := s.api.AdminListDevices(s.ctx, &cip.AdminListDevicesInput{UserPoolId: aws.String(s.pool), Username: aws.String("alice")})
			if err != nil {
				return outcome(err), nil
			}
			return fmt.Sprintf("devices=%d token=%t", len(out.Devices), out.PaginationToken != nil), nil
		},
	},
	{
		name: "recovery/forget-unknown-device-is-not-found",
		want: "error ResourceNotFoundException",
		run: func(s *session) (string, error) {
			if err := s.createUser("alice"); err != nil {
				return "", err
			}
			_, err := s.api.AdminForgetDevice(s.ctx, &cip.AdminForgetDeviceInput{UserPoolId: aws.String(s.pool), Username: aws.String("alice"),
				DeviceKey: aws.String("us-east-1_00000000-0000-4000-8000-000000000000")})
			return outcome(err), nil
		},
	},
	{
		name: "recovery/reset-password-requires-a-reset-at-sign-in",
		want: "reset ok; status=RESET_REQUIRED; sign-in error PasswordResetRequiredException",
		run: func(s *session) (string, error) {
			if err := s.createUser("alice", "email=alice@example.com", "email_verified=true"); err != nil {
				return "", err
			}
			if err := s.confirmUser("alice"); err != nil {
				return "", err
			}
			_, reset := s.api.AdminResetUserPassword(s.ctx, &cip.AdminResetUserPasswordInput{UserPoolId: aws.String(s.pool), Username: aws.String("alice")})
			u, err := s.api.AdminGetUser(s.ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(s.pool), Username: aws.String("alice")})
			if err != nil {
				return "", err
			}
			_, signIn := s.initiateAuth("alice", password)
			return fmt.Sprintf("reset %s; status=%s; sign-in %s", outcome(reset), u.UserStatus, outcome(signIn)), nil
		},
	},
	{
		name: "recovery/reset-password-needs-a-verified-address",
		want: "error InvalidParameterException; status=CONFIRMED",
		run: func(s *session) (string, error) {
			if err := s.createUser("alice", "email=alice@example.com"); err != nil {
				return "", err
			}
			if err := s.confirmUser("alice"); err != nil {
				return "", err
			}
			_, reset := s.api.AdminResetUserPassword(s.ctx, &cip.AdminResetUserPasswordInput{UserPoolId: aws.String(s.pool), Username: aws.String("alice")})
			u, err := s.api.AdminGetUser(s.ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(s.pool), Username: aws.String("alice")})
			if err != nil {
				return "", err
			}
			return fmt.Sprintf("%s; status=%s", outcome(reset), u.UserStatus), nil
		},
	},
	{
		name: "passkeys/new-user-lists-none",
		want: "credentials=0",
		run: func(s *session) (string, error) {
			token, err := s.newSignedInUser("alice")
			if err != nil {
				return "", err
			}
			out, err := s.api.ListWebAuthnCredentials(s.ctx, &cip.ListWebAuthnCredentialsInput{AccessToken: aws.String(token)})
			if err != nil {
				return outcome(err), nil
			}
			return fmt.Sprintf("credentials=%d", len(out.Credentials)), nil
		},
	},
	{
		name: "passkeys/delete-unknown-credential-is-not-found",
		want: "error ResourceNotFoundException",
		run: func(s *session) (string, error) {
			token, err := s.newSignedInUser("alice")
			if err != nil {
				return "", err
			}
			_, err = s.api.DeleteWebAuthnCredential(s.ctx, &cip.DeleteWebAuthnCredentialInput{AccessToken: aws.String(token), CredentialId: aws.String("no-such-credential")})
			return outcome(err), nil
		},
	},
	{
		name: "passkeys/list-needs-a-valid-token",
		want: "error NotAuthorizedException",
		run: func(s *session) (string, error) {
			_, err := s.api.ListWebAuthnCredentials(s.ctx, &cip.ListWebAuthnCredentialsInput{AccessToken: aws.String("not.a.token")})
			return outcome(err), nil
		},
	},
}
