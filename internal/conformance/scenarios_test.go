package conformance

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/pquerna/otp/totp"
)

// Building blocks of SetUserPoolMfaConfig requests.
const (
	smsMessage = "Your code is {####}"
	smsCaller  = "arn:aws:iam::123456789012:role/mfactl-sms"
)

var (
	totpOn  = &types.SoftwareTokenMfaConfigType{Enabled: true}
	totpOff = &types.SoftwareTokenMfaConfigType{Enabled: false} // serialised as {}: still a block
)

func smsWith(message string) *types.SmsMfaConfigType {
	return &types.SmsMfaConfigType{
		SmsAuthenticationMessage: aws.String(message),
		SmsConfiguration: &types.SmsConfigurationType{
			SnsCallerArn: aws.String(smsCaller),
			ExternalId:   aws.String("conformance-external-id"),
			SnsRegion:    aws.String("us-east-1"),
		},
	}
}

// Observations of a pool, as describePool writes them.
var (
	smsOnView           = "on(" + smsOnFields + ")"
	poolOff             = "mode=OFF sms=off totp=off"
	poolOnTotp          = "mode=ON sms=off totp=on"
	poolOptionalTotp    = "mode=OPTIONAL sms=off totp=on"
	poolOptionalSmsTotp = "mode=OPTIONAL sms=" + smsOnView + " totp=on"
)

// A user with no MFA at all, as describeUserMfa writes it.
const noUserMfa = "mfa=[] preferred=none"

// scenarios is the suite. Names are stable identifiers: targets' divergence
// tables and docs/conformance.md refer to them.
var scenarios = slices.Concat(poolScenarios, poolValidationScenarios, userScenarios, authScenarios, userMfaScenarios, legacyAndSelfScenarios, listingScenarios, fidelityScenarios, recoveryScenarios, postureScenarios)

// setThenRead sends one complete SetUserPoolMfaConfig and reports the
// normalised configuration from its response and from a later read.
func setThenRead(mode types.UserPoolMfaType, sms *types.SmsMfaConfigType, software *types.SoftwareTokenMfaConfigType) func(*session) (string, error) {
	return func(s *session) (string, error) {
		out, err := s.setMfa(mode, sms, software)
		if err != nil {
			return outcome(err), nil
		}
		read, err := s.poolView()
		if err != nil {
			return "", err
		}
		set := describePool(out.MfaConfiguration, out.SmsMfaConfiguration, out.SoftwareTokenMfaConfiguration)
		return "set: " + set + "; get: " + read, nil
	}
}

// fromOptionalSmsTotp starts from OPTIONAL with SMS and TOTP, sends one
// more request and reports its outcome and the pool's configuration after it.
func fromOptionalSmsTotp(mode types.UserPoolMfaType, sms *types.SmsMfaConfigType, software *types.SoftwareTokenMfaConfigType) func(*session) (string, error) {
	return func(s *session) (string, error) {
		if err := s.mustSetMfa(types.UserPoolMfaTypeOptional, smsWith(smsMessage), totpOn); err != nil {
			return "", err
		}
		return requestThenRead(s, mode, sms, software)
	}
}

// fromOptionalTotp is fromOptionalSmsTotp for a pool with TOTP only.
func fromOptionalTotp(mode types.UserPoolMfaType, sms *types.SmsMfaConfigType, software *types.SoftwareTokenMfaConfigType) func(*session) (string, error) {
	return func(s *session) (string, error) {
		if err := s.mustSetMfa(types.UserPoolMfaTypeOptional, nil, totpOn); err != nil {
			return "", err
		}
		return requestThenRead(s, mode, sms, software)
	}
}

func requestThenRead(s *session, mode types.UserPoolMfaType, sms *types.SmsMfaConfigType, software *types.SoftwareTokenMfaConfigType) (string, error) {
	_, err := s.setMfa(mode, sms, software)
	after, readErr := s.poolView()
	if readErr != nil {
		return "", readErr
	}
	return outcome(err) + "; " + after, nil
}

// wireAfter reports GetUserPoolMfaConfig's raw fields after the given steps.
func wireAfter(steps ...func(*session) error) func(*session) (string, error) {
	return func(s *session) (string, error) {
		for _, step := range steps {
			if err := step(s); err != nil {
				return "", err
			}
		}
		out, err := s.getMfa()
		if err != nil {
			return "", fmt.Errorf("GetUserPoolMfaConfig: %w", err)
		}
		return describeWire(out), nil
	}
}

func setStep(mode types.UserPoolMfaType, sms *types.SmsMfaConfigType, software *types.SoftwareTokenMfaConfigType) func(*session) error {
	return func(s *session) error { return s.mustSetMfa(mode, sms, software) }
}

// Pool MFA configuration: what is set is what is read, and every request
// replaces the whole configuration.
var poolScenarios = []scenario{
	{
		name: "pool/new-pool-reads-off-with-no-blocks",
		want: "MfaConfiguration=OFF",
		run:  wireAfter(),
	},
	{
		name: "pool/totp-only-pool-reads-no-sms-block",
		want: "MfaConfiguration=ON SoftwareTokenMfaConfiguration={Enabled:true}",
		run:  wireAfter(setStep(types.UserPoolMfaTypeOn, nil, totpOn)),
	},
	{
		name: "pool/off-pool-reads-no-blocks",
		want: "MfaConfiguration=OFF",
		run: wireAfter(
			setStep(types.UserPoolMfaTypeOptional, smsWith(smsMessage), totpOn),
			setStep(types.UserPoolMfaTypeOff, nil, nil)),
	},
	{
		name: "pool/on-with-totp",
		want: "set: " + poolOnTotp + "; get: " + poolOnTotp,
		run:  setThenRead(types.UserPoolMfaTypeOn, nil, totpOn),
	},
	{
		name: "pool/on-with-sms",
		want: "set: mode=ON sms=" + smsOnView + " totp=off; get: mode=ON sms=" + smsOnView + " totp=off",
		run:  setThenRead(types.UserPoolMfaTypeOn, smsWith(smsMessage), nil),
	},
	{
		name: "pool/optional-with-sms-and-totp",
		want: "set: " + poolOptionalSmsTotp + "; get: " + poolOptionalSmsTotp,
		run:  setThenRead(types.UserPoolMfaTypeOptional, smsWith(smsMessage), totpOn),
	},
	{
		// Real Cognito checks that a factor block is present, not that it is
		// enabled: mfactl must refuse this itself.
		name: "pool/on-with-disabled-totp-block-is-accepted",
		want: "set: mode=ON sms=off totp=off; get: mode=ON sms=off totp=off",
		run:  setThenRead(types.UserPoolMfaTypeOn, nil, totpOff),
	},
	{
		name: "pool/sms-message-is-replaced",
		want: "ok; mode=OPTIONAL sms=" + strings.Replace(smsOnView, "Your code is", "Code:", 1) + " totp=on",
		run:  fromOptionalSmsTotp(types.UserPoolMfaTypeOptional, smsWith("Code: {####}"), totpOn),
	},
	{
		name: "pool/off-turns-every-factor-off",
		want: "ok; " + poolOff,
		run:  fromOptionalSmsTotp(types.UserPoolMfaTypeOff, nil, nil),
	},
	{
		// A complete request without the SMS block: SMS goes off.
		name: "pool/omitted-sms-block-turns-sms-off",
		want: "ok; " + poolOnTotp,
		run:  fromOptionalSmsTotp(types.UserPoolMfaTypeOn, nil, totpOn),
	},
	{
		name: "pool/omitted-totp-block-turns-totp-off",
		want: "ok; mode=OPTIONAL sms=" + smsOnView + " totp=off",
		run:  fromOptionalSmsTotp(types.UserPoolMfaTypeOptional, smsWith(smsMessage), nil),
	},
	{
		name: "pool/disabled-totp-block-turns-totp-off",
		want: "ok; mode=OPTIONAL sms=" + smsOnView + " totp=off",
		run:  fromOptionalSmsTotp(types.UserPoolMfaTypeOptional, smsWith(smsMessage), totpOff),
	},
	{
		name: "pool/pool-id-alone-turns-mfa-off",
		want: "ok; " + poolOff,
		run:  fromOptionalTotp("", nil, nil),
	},
}

// Requests real Cognito refuses; a refused request leaves the pool as it was.
var poolValidationScenarios = []scenario{
	{
		name: "pool/rejects-on-without-a-factor",
		want: "error InvalidParameterException; " + poolOptionalTotp,
		run:  fromOptionalTotp(types.UserPoolMfaTypeOn, nil, nil),
	},
	{
		name: "pool/rejects-off-with-totp-block",
		want: "error InvalidParameterException; " + poolOptionalTotp,
		run:  fromOptionalTotp(types.UserPoolMfaTypeOff, nil, totpOn),
	},
	{
		name: "pool/rejects-off-with-disabled-totp-block",
		want: "error InvalidParameterException; " + poolOptionalTotp,
		run:  fromOptionalTotp(types.UserPoolMfaTypeOff, nil, totpOff),
	},
	{
		name: "pool/rejects-off-with-sms-block",
		want: "error InvalidParameterException; " + poolOptionalTotp,
		run:  fromOptionalTotp(types.UserPoolMfaTypeOff, smsWith(smsMessage), nil),
	},
	{
		name: "pool/rejects-sms-message-without-code-placeholder",
		want: "error InvalidParameterException; " + poolOptionalTotp,
		run:  fromOptionalTotp(types.UserPoolMfaTypeOptional, smsWith("Your code is here"), totpOn),
	},
	{
		name: "pool/rejects-sms-without-caller-arn",
		want: "error InvalidParameterException; " + poolOptionalTotp,
		run: fromOptionalTotp(types.UserPoolMfaTypeOptional,
			&types.SmsMfaConfigType{SmsAuthenticationMessage: aws.String(smsMessage)}, totpOn),
	},
	{
		name: "pool/rejects-sms-message-over-140-characters",
		want: "error InvalidParameterException; " + poolOptionalTotp,
		run:  fromOptionalTotp(types.UserPoolMfaTypeOptional, smsWith("Your code is {####}"+strings.Repeat(".", 140)), totpOn),
	},
	{
		name: "pool/rejects-sms-caller-that-is-not-an-arn",
		want: "error InvalidParameterException; " + poolOptionalTotp,
		run: func(s *session) (string, error) {
			if err := s.mustSetMfa(types.UserPoolMfaTypeOptional, nil, totpOn); err != nil {
				return "", err
			}
			sms := smsWith(smsMessage)
			sms.SmsConfiguration.SnsCallerArn = aws.String("mfactl-sms")
			return requestThenRead(s, types.UserPoolMfaTypeOptional, sms, totpOn)
		},
	},
	{
		name: "pool/rejects-unknown-mode",
		want: "error InvalidParameterException; " + poolOptionalTotp,
		run:  fromOptionalTotp("SOMETIMES", nil, totpOn),
	},
	{
		// The pool's SMS configuration also verifies phone numbers: Cognito
		// keeps SMS MFA on ("Can't turn off SMS_MFA when SMS configuration is
		// set for the user pool", amplify-backend#1481, seen on a pool that
		// signs in with phone numbers). Which settings tie the two is inferred.
		name: "pool/sms-mfa-stays-on-while-phone-numbers-are-verified",
		want: "error InvalidParameterException; " + poolOptionalSmsTotp,
		run: func(s *session) (string, error) {
			if err := s.createPoolWith(&cip.CreateUserPoolInput{
				SmsConfiguration:       smsWith(smsMessage).SmsConfiguration,
				AutoVerifiedAttributes: []types.VerifiedAttributeType{types.VerifiedAttributeTypePhoneNumber},
			}); err != nil {
				return "", err
			}
			if err := s.mustSetMfa(types.UserPoolMfaTypeOptional, smsWith(smsMessage), totpOn); err != nil {
				return "", err
			}
			return requestThenRead(s, types.UserPoolMfaTypeOptional, nil, totpOn)
		},
	},
	{
		name: "pool/unknown-pool-is-not-found",
		want: "get: error ResourceNotFoundException; set: error ResourceNotFoundException",
		run:  onPoolID("us-east-1_NoSuchPool"),
	},
	{
		name: "pool/rejects-malformed-pool-id",
		want: "get: error InvalidParameterException; set: error InvalidParameterException",
		run:  onPoolID("no pool here"),
	},
}

// onPoolID reads and writes the MFA configuration of a pool that is not the session's.
func onPoolID(id string) func(*session) (string, error) {
	return func(s *session) (string, error) {
		_, getErr := s.api.GetUserPoolMfaConfig(s.ctx, &cip.GetUserPoolMfaConfigInput{UserPoolId: aws.String(id)})
		_, setErr := s.api.SetUserPoolMfaConfig(s.ctx, &cip.SetUserPoolMfaConfigInput{
			UserPoolId:                    aws.String(id),
			MfaConfiguration:              types.UserPoolMfaTypeOptional,
			SoftwareTokenMfaConfiguration: totpOn,
		})
		return "get: " + outcome(getErr) + "; set: " + outcome(setErr), nil
	}
}

var userScenarios = []scenario{
	{
		// mfactl import lists a pool's users page by page (ListUsers,
		// PaginationToken) and reads each with AdminGetUser.
		name: "user/list-users-pages-through-every-user",
		want: "pages=[2 1] users=[alice bob carol]",
		run: func(s *session) (string, error) {
			for _, name := range []string{"alice", "bob", "carol"} {
				if err := s.createUser(name); err != nil {
					return "", err
				}
			}
			var pages []int
			var names []string
			var token *string
			for {
				out, err := s.api.ListUsers(s.ctx, &cip.ListUsersInput{UserPoolId: aws.String(s.pool), Limit: aws.Int32(2), PaginationToken: token})
				if err != nil {
					return outcome(err), nil
				}
				pages = append(pages, len(out.Users))
				for _, u := range out.Users {
					names = append(names, aws.ToString(u.Username))
				}
				if token = out.PaginationToken; aws.ToString(token) == "" || len(pages) > 5 {
					break
				}
			}
			slices.Sort(names)
			return fmt.Sprintf("pages=%v users=%v", pages, names), nil
		},
	},
	{
		// mfactl import --users group:NAME lists a group's members (ListUsersInGroup).
		name: "user/list-users-in-group-lists-its-members",
		want: "members=[bob]; missing group: error ResourceNotFoundException",
		run: func(s *session) (string, error) {
			for _, name := range []string{"alice", "bob"} {
				if err := s.createUser(name); err != nil {
					return "", err
				}
			}
			if _, err := s.api.CreateGroup(s.ctx, &cip.CreateGroupInput{UserPoolId: aws.String(s.pool), GroupName: aws.String("admins")}); err != nil {
				return "CreateGroup: " + outcome(err), nil
			}
			if _, err := s.api.AdminAddUserToGroup(s.ctx, &cip.AdminAddUserToGroupInput{UserPoolId: aws.String(s.pool), Username: aws.String("bob"), GroupName: aws.String("admins")}); err != nil {
				return "AdminAddUserToGroup: " + outcome(err), nil
			}
			out, err := s.api.ListUsersInGroup(s.ctx, &cip.ListUsersInGroupInput{UserPoolId: aws.String(s.pool), GroupName: aws.String("admins")})
			if err != nil {
				return outcome(err), nil
			}
			var names []string
			for _, u := range out.Users {
				names = append(names, aws.ToString(u.Username))
			}
			_, err = s.api.ListUsersInGroup(s.ctx, &cip.ListUsersInGroupInput{UserPoolId: aws.String(s.pool), GroupName: aws.String("nobody")})
			return fmt.Sprintf("members=%v; missing group: %s", names, outcome(err)), nil
		},
	},
	{
		name: "user/created-user-reads-back",
		want: "user=alice status=FORCE_CHANGE_PASSWORD enabled=true attributes=[email phone_number sub] " + noUserMfa,
		run: func(s *session) (string, error) {
			if err := s.createUser("alice", "email=alice@example.com", "phone_number="+phoneNumber); err != nil {
				return "", err
			}
			out, err := s.api.AdminGetUser(s.ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(s.pool), Username: aws.String("alice")})
			if err != nil {
				return "", fmt.Errorf("AdminGetUser: %w", err)
			}
			var names []string
			for _, a := range out.UserAttributes {
				names = append(names, aws.ToString(a.Name))
			}
			slices.Sort(names)
			return fmt.Sprintf("user=%s status=%s enabled=%t attributes=[%s] %s",
				aws.ToString(out.Username), out.UserStatus, out.Enabled, strings.Join(names, " "),
				describeUserMfa(out.UserMFASettingList, out.PreferredMfaSetting, out.MFAOptions)), nil
		},
	},
	{
		name: "user/unknown-user-is-not-found",
		want: "error UserNotFoundException",
		run: func(s *session) (string, error) {
			_, err := s.api.AdminGetUser(s.ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(s.pool), Username: aws.String("nobody")})
			return outcome(err), nil
		},
	},
	{
		name: "user/duplicate-username-is-rejected",
		want: "error UsernameExistsException",
		run: func(s *session) (string, error) {
			if err := s.createUser("alice"); err != nil {
				return "", err
			}
			return outcome(s.createUser("alice")), nil
		},
	},
	{
		// Pools created through the API without UsernameConfiguration match
		// usernames case-sensitively (the console's default differs).
		name: "user/usernames-are-case-sensitive",
		want: "error UserNotFoundException",
		run: func(s *session) (string, error) {
			if err := s.createUser("alice"); err != nil {
				return "", err
			}
			_, err := s.api.AdminGetUser(s.ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(s.pool), Username: aws.String("Alice")})
			return outcome(err), nil
		},
	},
	{
		name: "user/permanent-password-confirms-user",
		want: "ok; status=CONFIRMED",
		run: func(s *session) (string, error) {
			if err := s.createUser("alice"); err != nil {
				return "", err
			}
			_, err := s.api.AdminSetUserPassword(s.ctx, &cip.AdminSetUserPasswordInput{
				UserPoolId: aws.String(s.pool), Username: aws.String("alice"), Password: aws.String(password), Permanent: true,
			})
			out, getErr := s.api.AdminGetUser(s.ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(s.pool), Username: aws.String("alice")})
			if getErr != nil {
				return "", fmt.Errorf("AdminGetUser: %w", getErr)
			}
			return fmt.Sprintf("%s; status=%s", outcome(err), out.UserStatus), nil
		},
	},
}

// Sign-in and access tokens: the self-service MFA calls depend on them.
var authScenarios = []scenario{
	{
		name: "auth/password-sign-in-issues-tokens",
		want: "tokens=access,id,refresh; get-user: user=alice " + noUserMfa,
		run: func(s *session) (string, error) {
			if err := s.createUser("alice", "phone_number="+phoneNumber); err != nil {
				return "", err
			}
			if err := s.confirmUser("alice"); err != nil {
				return "", err
			}
			out, err := s.initiateAuth("alice", password)
			if err != nil {
				return outcome(err), nil
			}
			if out.AuthenticationResult == nil {
				return fmt.Sprintf("challenge=%s", out.ChallengeName), nil
			}
			var tokens []string
			for name, token := range map[string]*string{"access": out.AuthenticationResult.AccessToken, "id": out.AuthenticationResult.IdToken, "refresh": out.AuthenticationResult.RefreshToken} {
				if aws.ToString(token) != "" {
					tokens = append(tokens, name)
				}
			}
			slices.Sort(tokens)
			user, err := s.api.GetUser(s.ctx, &cip.GetUserInput{AccessToken: out.AuthenticationResult.AccessToken})
			if err != nil {
				return "tokens=" + strings.Join(tokens, ",") + "; get-user: " + outcome(err), nil
			}
			return fmt.Sprintf("tokens=%s; get-user: user=%s %s", strings.Join(tokens, ","), aws.ToString(user.Username),
				describeUserMfa(user.UserMFASettingList, user.PreferredMfaSetting, user.MFAOptions)), nil
		},
	},
	{
		name: "auth/temporary-password-asks-for-a-new-one",
		want: "challenge=NEW_PASSWORD_REQUIRED",
		run: func(s *session) (string, error) {
			if err := s.createUser("alice"); err != nil {
				return "", err
			}
			return describeSignIn(s.initiateAuth("alice", tempPassword)), nil
		},
	},
	{
		name: "auth/wrong-password-is-not-authorized",
		want: "error NotAuthorizedException",
		run: func(s *session) (string, error) {
			if err := s.createUser("alice"); err != nil {
				return "", err
			}
			if err := s.confirmUser("alice"); err != nil {
				return "", err
			}
			return describeSignIn(s.initiateAuth("alice", "Wr0ng-Password!")), nil
		},
	},
	{
		name: "auth/tampered-token-is-not-authorized",
		want: "error NotAuthorizedException",
		run: func(s *session) (string, error) {
			token, err := s.newSignedInUser("alice")
			if err != nil {
				return "", err
			}
			_, err = s.api.GetUser(s.ctx, &cip.GetUserInput{AccessToken: aws.String(tamper(token))})
			return outcome(err), nil
		},
	},
	{
		name: "auth/malformed-token-is-not-authorized",
		want: "error NotAuthorizedException",
		run: func(s *session) (string, error) {
			_, err := s.api.GetUser(s.ctx, &cip.GetUserInput{AccessToken: aws.String("not-a-token")})
			return outcome(err), nil
		},
	},
	{
		name: "auth/totp-user-is-challenged",
		want: "challenge=SOFTWARE_TOKEN_MFA",
		run: func(s *session) (string, error) {
			if _, err := totpUser(s); err != nil {
				return "", err
			}
			return describeSignIn(s.initiateAuth("alice", password)), nil
		},
	},
	{
		name: "auth/sms-user-is-challenged",
		want: "challenge=SMS_MFA",
		run: func(s *session) (string, error) {
			token, err := poolForUserMfa(s, "phone_number="+phoneNumber)
			if err != nil {
				return "", err
			}
			if err := s.mustSetPreference(token, enabledPreferred, nil); err != nil {
				return "", err
			}
			return describeSignIn(s.initiateAuth("alice", password)), nil
		},
	},
	{
		// With two factors enabled, sign-in challenges the preferred one.
		name: "auth/preferred-factor-is-challenged",
		want: "challenge=SOFTWARE_TOKEN_MFA",
		run: func(s *session) (string, error) {
			token, err := poolForUserMfa(s, "phone_number="+phoneNumber)
			if err != nil {
				return "", err
			}
			if err := s.registerTOTP(token); err != nil {
				return "", err
			}
			if err := s.mustSetPreference(token, enabledOnly, enabledPreferred); err != nil {
				return "", err
			}
			return describeSignIn(s.initiateAuth("alice", password)), nil
		},
	},
	{
		name: "auth/mfa-on-user-without-factor-must-set-one-up",
		want: "challenge=MFA_SETUP",
		run: func(s *session) (string, error) {
			if err := s.mustSetMfa(types.UserPoolMfaTypeOn, nil, totpOn); err != nil {
				return "", err
			}
			if err := s.createUser("alice"); err != nil {
				return "", err
			}
			if err := s.confirmUser("alice"); err != nil {
				return "", err
			}
			return describeSignIn(s.initiateAuth("alice", password)), nil
		},
	},
}

// describeSignIn says how an InitiateAuth call ended: an error, a challenge, or tokens.
func describeSignIn(out *cip.InitiateAuthOutput, err error) string {
	switch {
	case err != nil:
		return outcome(err)
	case out.ChallengeName != "":
		return "challenge=" + string(out.ChallengeName)
	case out.AuthenticationResult != nil:
		return "tokens"
	default:
		return "neither tokens nor a challenge"
	}
}

// tamper changes one character of a token's last part (a JWT's signature,
// or the middle of an opaque token), so that only a server that checks
// tokens notices.
func tamper(token string) string {
	i := strings.LastIndexByte(token, '.') + 1
	if i == 0 {
		i = len(token) / 2
	}
	swapped := byte('A')
	if token[i] == 'A' {
		swapped = 'B'
	}
	return token[:i] + string(swapped) + token[i+1:]
}

// poolForUserMfa enables both factors on the pool (so users may turn either
// on) and returns the access token of a new user with a phone number.
func poolForUserMfa(s *session, attrs ...string) (string, error) {
	if err := s.mustSetMfa(types.UserPoolMfaTypeOptional, smsWith(smsMessage), totpOn); err != nil {
		return "", err
	}
	return s.newSignedInUser("alice", attrs...)
}

// totpUser turns TOTP on in the pool under OPTIONAL and returns the access
// token of alice, signed in, with a verified authenticator preferred.
func totpUser(s *session) (string, error) {
	if err := s.mustSetMfa(types.UserPoolMfaTypeOptional, nil, totpOn); err != nil {
		return "", err
	}
	token, err := s.newSignedInUser("alice")
	if err != nil {
		return "", err
	}
	if err := s.registerTOTP(token); err != nil {
		return "", err
	}
	return token, s.mustSetPreference(token, nil, enabledPreferred)
}

// thenUser appends the user's MFA settings to the outcome of a call.
func thenUser(s *session, err error) (string, error) {
	view, readErr := s.userView("alice")
	if readErr != nil {
		return "", readErr
	}
	return outcome(err) + "; " + view, nil
}

// Per-user MFA: the self-service preference call, TOTP registration, and the
// admin calls mfactl uses where the target has them.
var userMfaScenarios = []scenario{
	{
		name: "mfa/sms-preference-reads-back",
		want: "ok; admin: mfa=[SMS_MFA] preferred=SMS_MFA; self: mfa=[SMS_MFA] preferred=SMS_MFA",
		run: func(s *session) (string, error) {
			token, err := poolForUserMfa(s, "phone_number="+phoneNumber)
			if err != nil {
				return "", err
			}
			setErr := s.setPreference(token, enabledPreferred, nil)
			admin, err := s.userView("alice")
			if err != nil {
				return "", err
			}
			self, err := s.api.GetUser(s.ctx, &cip.GetUserInput{AccessToken: aws.String(token)})
			if err != nil {
				return "", fmt.Errorf("GetUser: %w", err)
			}
			return fmt.Sprintf("%s; admin: %s; self: %s", outcome(setErr), admin,
				describeUserMfa(self.UserMFASettingList, self.PreferredMfaSetting, self.MFAOptions)), nil
		},
	},
	{
		name: "mfa/sms-needs-a-phone-number",
		want: "error InvalidParameterException; " + noUserMfa,
		run: func(s *session) (string, error) {
			token, err := poolForUserMfa(s, "email=alice@example.com")
			if err != nil {
				return "", err
			}
			return thenUser(s, s.setPreference(token, enabledPreferred, nil))
		},
	},
	{
		name: "mfa/sms-can-be-turned-off",
		want: "ok; " + noUserMfa,
		run: func(s *session) (string, error) {
			token, err := poolForUserMfa(s, "phone_number="+phoneNumber)
			if err != nil {
				return "", err
			}
			if err := s.mustSetPreference(token, enabledPreferred, nil); err != nil {
				return "", err
			}
			return thenUser(s, s.setPreference(token, disabled, nil))
		},
	},
	{
		name: "mfa/preferred-factor-must-be-enabled",
		want: "error InvalidParameterException; " + noUserMfa,
		run: func(s *session) (string, error) {
			token, err := poolForUserMfa(s, "phone_number="+phoneNumber)
			if err != nil {
				return "", err
			}
			return thenUser(s, s.setPreference(token, &factor{preferred: true}, nil))
		},
	},
	{
		name: "mfa/only-one-factor-can-be-preferred",
		want: "error InvalidParameterException; mfa=[SOFTWARE_TOKEN_MFA] preferred=SOFTWARE_TOKEN_MFA",
		run: func(s *session) (string, error) {
			token, err := poolForUserMfa(s, "phone_number="+phoneNumber)
			if err != nil {
				return "", err
			}
			if err := s.registerTOTP(token); err != nil {
				return "", err
			}
			if err := s.mustSetPreference(token, nil, enabledPreferred); err != nil {
				return "", err
			}
			return thenUser(s, s.setPreference(token, enabledPreferred, enabledPreferred))
		},
	},
	{
		name: "mfa/totp-needs-a-registered-authenticator",
		want: "error InvalidParameterException; " + noUserMfa,
		run: func(s *session) (string, error) {
			token, err := poolForUserMfa(s)
			if err != nil {
				return "", err
			}
			return thenUser(s, s.setPreference(token, nil, enabledPreferred))
		},
	},
	{
		// Registering an authenticator does not turn TOTP on: the preference call does.
		name: "mfa/totp-registration-leaves-mfa-off",
		want: "verify: SUCCESS; " + noUserMfa,
		run: func(s *session) (string, error) {
			token, err := poolForUserMfa(s)
			if err != nil {
				return "", err
			}
			if err := s.registerTOTP(token); err != nil {
				return "", err
			}
			view, err := s.userView("alice")
			return "verify: SUCCESS; " + view, err
		},
	},
	{
		name: "mfa/totp-preference-after-registration",
		want: "ok; mfa=[SOFTWARE_TOKEN_MFA] preferred=SOFTWARE_TOKEN_MFA",
		run: func(s *session) (string, error) {
			token, err := poolForUserMfa(s)
			if err != nil {
				return "", err
			}
			if err := s.registerTOTP(token); err != nil {
				return "", err
			}
			return thenUser(s, s.setPreference(token, nil, enabledPreferred))
		},
	},
	{
		name: "mfa/totp-wrong-code-is-rejected",
		want: "error EnableSoftwareTokenMFAException; " + noUserMfa,
		run: func(s *session) (string, error) {
			token, err := poolForUserMfa(s)
			if err != nil {
				return "", err
			}
			secret, err := s.associateTOTP(token)
			if err != nil {
				return "", err
			}
			code, err := wrongCode(secret)
			if err != nil {
				return "", err
			}
			_, verifyErr := s.verifyTOTP(token, code)
			return thenUser(s, verifyErr)
		},
	},
	{
		// Blocks left out of a preference call leave those factors, and the
		// preferred one, as they were.
		name: "mfa/omitted-factor-keeps-its-setting",
		want: "ok; mfa=[SMS_MFA SOFTWARE_TOKEN_MFA] preferred=SMS_MFA",
		run: func(s *session) (string, error) {
			token, err := poolForUserMfa(s, "phone_number="+phoneNumber)
			if err != nil {
				return "", err
			}
			if err := s.mustSetPreference(token, enabledPreferred, nil); err != nil {
				return "", err
			}
			if err := s.registerTOTP(token); err != nil {
				return "", err
			}
			return thenUser(s, s.setPreference(token, nil, enabledOnly))
		},
	},
	{
		// Under ON a user cannot go without MFA, yet Cognito answers 200 and
		// empties the list (aws-sdk-js-v3#7961): what mfactl reads back.
		name: "mfa/mfa-on-pool-accepts-turning-the-only-factor-off",
		want: "ok; " + noUserMfa,
		run: func(s *session) (string, error) {
			token, err := poolForUserMfa(s, "phone_number="+phoneNumber)
			if err != nil {
				return "", err
			}
			if err := s.mustSetPreference(token, enabledPreferred, nil); err != nil {
				return "", err
			}
			if err := s.mustSetMfa(types.UserPoolMfaTypeOn, smsWith(smsMessage), totpOn); err != nil {
				return "", err
			}
			return thenUser(s, s.setPreference(token, disabled, nil))
		},
	},
	{
		name: "mfa/admin-preference-reads-back",
		want: "ok; mfa=[SMS_MFA] preferred=SMS_MFA",
		run: func(s *session) (string, error) {
			if _, err := poolForUserMfa(s, "phone_number="+phoneNumber); err != nil {
				return "", err
			}
			return thenUser(s, s.adminSetPreference("alice", enabledPreferred, nil))
		},
	},
	{
		name: "mfa/admin-sms-needs-a-phone-number",
		want: "error InvalidParameterException; " + noUserMfa,
		run: func(s *session) (string, error) {
			if _, err := poolForUserMfa(s, "email=alice@example.com"); err != nil {
				return "", err
			}
			return thenUser(s, s.adminSetPreference("alice", enabledPreferred, nil))
		},
	},
	{
		name: "mfa/admin-totp-needs-a-registered-authenticator",
		want: "error InvalidParameterException; " + noUserMfa,
		run: func(s *session) (string, error) {
			if _, err := poolForUserMfa(s); err != nil {
				return "", err
			}
			return thenUser(s, s.adminSetPreference("alice", nil, enabledPreferred))
		},
	},
	{
		// An administrator cannot register an authenticator, but can turn
		// TOTP on once the user has registered one.
		name: "mfa/admin-totp-after-user-registration",
		want: "ok; mfa=[SOFTWARE_TOKEN_MFA] preferred=SOFTWARE_TOKEN_MFA",
		run: func(s *session) (string, error) {
			token, err := poolForUserMfa(s)
			if err != nil {
				return "", err
			}
			if err := s.registerTOTP(token); err != nil {
				return "", err
			}
			return thenUser(s, s.adminSetPreference("alice", nil, enabledPreferred))
		},
	},
	{
		// Registered, switched off, switched on again by the user.
		name: "mfa/totp-re-enabled-after-being-switched-off",
		want: "ok; mfa=[SOFTWARE_TOKEN_MFA] preferred=SOFTWARE_TOKEN_MFA",
		run: func(s *session) (string, error) {
			token, err := registeredThenSwitchedOff(s)
			if err != nil {
				return "", err
			}
			return thenUser(s, s.setPreference(token, nil, enabledPreferred))
		},
	},
	{
		// The most common support case: the user registered an
		// authenticator, TOTP is off for them (the app never called
		// SetUserMFAPreference, or it was switched off, as here by the
		// self-service call every target has), and the administrator turns
		// it back on. AdminGetUser shows no TOTP beforehand either way.
		name: "mfa/admin-re-enables-a-registered-authenticator",
		want: "ok; mfa=[SOFTWARE_TOKEN_MFA] preferred=SOFTWARE_TOKEN_MFA",
		run: func(s *session) (string, error) {
			if _, err := registeredThenSwitchedOff(s); err != nil {
				return "", err
			}
			return thenUser(s, s.adminSetPreference("alice", nil, enabledPreferred))
		},
	},
	{
		name: "mfa/admin-omitted-factor-keeps-its-setting",
		want: "ok; mfa=[SMS_MFA SOFTWARE_TOKEN_MFA] preferred=SMS_MFA",
		run: func(s *session) (string, error) {
			token, err := poolForUserMfa(s, "phone_number="+phoneNumber)
			if err != nil {
				return "", err
			}
			if err := s.mustSetPreference(token, enabledPreferred, nil); err != nil {
				return "", err
			}
			if err := s.registerTOTP(token); err != nil {
				return "", err
			}
			return thenUser(s, s.adminSetPreference("alice", nil, enabledOnly))
		},
	},
	{
		name: "mfa/admin-unknown-user-is-not-found",
		want: "error UserNotFoundException",
		run: func(s *session) (string, error) {
			if err := s.mustSetMfa(types.UserPoolMfaTypeOptional, smsWith(smsMessage), totpOn); err != nil {
				return "", err
			}
			return outcome(s.adminSetPreference("nobody", disabled, nil)), nil
		},
	},
	{
		name: "mfa/admin-legacy-sms-setting-reads-back",
		want: "ok; " + noUserMfa + " legacy=[SMS:phone_number]",
		run: func(s *session) (string, error) {
			if _, err := poolForUserMfa(s, "phone_number="+phoneNumber); err != nil {
				return "", err
			}
			_, err := s.api.AdminSetUserSettings(s.ctx, &cip.AdminSetUserSettingsInput{
				UserPoolId: aws.String(s.pool),
				Username:   aws.String("alice"),
				MFAOptions: []types.MFAOptionType{{DeliveryMedium: types.DeliveryMediumTypeSms, AttributeName: aws.String("phone_number")}},
			})
			return thenUser(s, err)
		},
	},
}

// registeredThenSwitchedOff signs alice in, registers an authenticator,
// turns TOTP on and off again, and checks that reads then show no TOTP.
func registeredThenSwitchedOff(s *session) (string, error) {
	token, err := poolForUserMfa(s)
	if err != nil {
		return "", err
	}
	if err := s.registerTOTP(token); err != nil {
		return "", err
	}
	if err := s.mustSetPreference(token, nil, enabledPreferred); err != nil {
		return "", err
	}
	if err := s.mustSetPreference(token, nil, disabled); err != nil {
		return "", err
	}
	if view, err := s.userView("alice"); err != nil || view != noUserMfa {
		return "", fmt.Errorf("after switching TOTP off, AdminGetUser shows %q (%v), want %q", view, err, noUserMfa)
	}
	return token, nil
}

// wrongCode returns a six-digit code that matches none of the time steps a
// server could accept around now.
func wrongCode(secret string) (string, error) {
	valid := map[string]bool{}
	for _, step := range []time.Duration{-60 * time.Second, -30 * time.Second, 0, 30 * time.Second, 60 * time.Second} {
		code, err := totp.GenerateCode(secret, time.Now().Add(step))
		if err != nil {
			return "", err
		}
		valid[code] = true
	}
	for _, candidate := range []string{"000000", "111111", "222222", "333333", "444444", "555555"} {
		if !valid[candidate] {
			return candidate, nil
		}
	}
	return "", fmt.Errorf("every candidate is a valid code") // five codes cannot cover six candidates
}
