package conformance

import (
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// The calls of self-service mode (GetUser, SetUserMFAPreference with a
// token) and of legacy MFAOptions (AdminSetUserSettings, ListUsers pages),
// as mfactl uses them.

var legacySMS = []types.MFAOptionType{{DeliveryMedium: types.DeliveryMediumTypeSms, AttributeName: aws.String("phone_number")}}

func (s *session) setLegacy(user string, opts []types.MFAOptionType) error {
	_, err := s.api.AdminSetUserSettings(s.ctx, &cip.AdminSetUserSettingsInput{
		UserPoolId: aws.String(s.pool), Username: aws.String(user), MFAOptions: opts,
	})
	return err
}

// selfView is GetUser's normalised view of the token's user.
func (s *session) selfView(token string) string {
	out, err := s.api.GetUser(s.ctx, &cip.GetUserInput{AccessToken: aws.String(token)})
	if err != nil {
		return outcome(err)
	}
	return describeUserMfa(out.UserMFASettingList, out.PreferredMfaSetting, out.MFAOptions)
}

var legacyAndSelfScenarios = []scenario{
	{
		// What self-service mode reads: the same fields as AdminGetUser,
		// legacy MFAOptions included.
		name: "self/get-user-shows-legacy-mfa-options",
		want: "ok; self: " + noUserMfa + " legacy=[SMS:phone_number]",
		run: func(s *session) (string, error) {
			token, err := poolForUserMfa(s, "phone_number="+phoneNumber)
			if err != nil {
				return "", err
			}
			err = s.setLegacy("alice", legacySMS)
			return outcome(err) + "; self: " + s.selfView(token), nil
		},
	},
	{
		// What self-service apply writes, read back by the user.
		name: "self/set-preference-reads-back-with-get-user",
		want: "ok; self: mfa=[SMS_MFA] preferred=SMS_MFA",
		run: func(s *session) (string, error) {
			token, err := poolForUserMfa(s, "phone_number="+phoneNumber)
			if err != nil {
				return "", err
			}
			err = s.setPreference(token, enabledPreferred, nil)
			return outcome(err) + "; self: " + s.selfView(token), nil
		},
	},
	{
		name: "self/set-preference-with-a-malformed-token-is-not-authorized",
		want: "error NotAuthorizedException",
		run: func(s *session) (string, error) {
			if _, err := poolForUserMfa(s, "phone_number="+phoneNumber); err != nil {
				return "", err
			}
			return outcome(s.setPreference("not.a.token", enabledPreferred, nil)), nil
		},
	},
	{
		// Cognito does not document what an empty list does; the emulator
		// clears the legacy entries (docs/cognito.md).
		name: "legacy/empty-list-clears-mfa-options",
		want: "ok; " + noUserMfa,
		run: func(s *session) (string, error) {
			if _, err := poolForUserMfa(s, "phone_number="+phoneNumber); err != nil {
				return "", err
			}
			if err := s.setLegacy("alice", legacySMS); err != nil {
				return outcome(err), nil
			}
			return thenUser(s, s.setLegacy("alice", []types.MFAOptionType{}))
		},
	},
	{
		name: "legacy/sms-entry-needs-a-phone-number",
		want: "error InvalidParameterException; " + noUserMfa,
		run: func(s *session) (string, error) {
			if _, err := poolForUserMfa(s, "email=alice@example.com"); err != nil {
				return "", err
			}
			return thenUser(s, s.setLegacy("alice", legacySMS))
		},
	},
	{
		// How LegacyMfaOptions: Migrate finds legacy users: a page per 60
		// users, not an AdminGetUser each.
		name: "legacy/list-users-pages-carry-mfa-options",
		want: "alice=[SMS:phone_number] bob=[]",
		run: func(s *session) (string, error) {
			if _, err := poolForUserMfa(s, "phone_number="+phoneNumber); err != nil {
				return "", err
			}
			if err := s.createUser("bob", "phone_number="+phoneNumber); err != nil {
				return "", err
			}
			if err := s.setLegacy("alice", legacySMS); err != nil {
				return outcome(err), nil
			}
			out, err := s.api.ListUsers(s.ctx, &cip.ListUsersInput{UserPoolId: aws.String(s.pool), Limit: aws.Int32(60)})
			if err != nil {
				return outcome(err), nil
			}
			var users []string
			for _, u := range out.Users {
				var opts []string
				for _, o := range u.MFAOptions {
					opts = append(opts, string(o.DeliveryMedium)+":"+aws.ToString(o.AttributeName))
				}
				users = append(users, fmt.Sprintf("%s=[%s]", aws.ToString(u.Username), strings.Join(opts, " ")))
			}
			return strings.Join(users, " "), nil
		},
	},
	{
		// A migration's first call: whether it also clears the legacy entry
		// is not documented; the emulator clears it, and mfactl clears it
		// afterwards either way.
		name: "legacy/sms-preference-after-a-legacy-entry",
		want: "ok; mfa=[SMS_MFA] preferred=SMS_MFA",
		run: func(s *session) (string, error) {
			if _, err := poolForUserMfa(s, "phone_number="+phoneNumber); err != nil {
				return "", err
			}
			if err := s.setLegacy("alice", legacySMS); err != nil {
				return outcome(err), nil
			}
			return thenUser(s, s.adminSetPreference("alice", enabledPreferred, nil))
		},
	},
}
