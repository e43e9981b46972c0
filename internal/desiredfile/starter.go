package desiredfile

import (
	"fmt"
	"strings"
)

// ExamplePoolID is the pool a starter names when none is given.
const ExamplePoolID = "eu-west-1_EXAMPLE1"

// Starter is the file mfactl init writes without a pool to read: one pool
// with every factor block and its allowed values in comments, and one
// example user. It validates as it is; nothing in it is applied until it
// names a real pool.
func Starter(poolID string) []byte {
	if poolID == "" {
		poolID = ExamplePoolID
	}
	return []byte(fmt.Sprintf(strings.TrimLeft(starter, "\n"), SchemaModeline, scalar(poolID)))
}

const starter = `
%s
# A starter desired-state file written by mfactl init. Edit it, then:
#   mfactl validate -f THIS_FILE   (offline)
#   mfactl plan -f THIS_FILE       (reads Cognito, changes nothing)
# A block you delete is left as it is in Cognito; to switch a factor off,
# keep its block with Enabled: false. The file format: docs/file-format.md.
# For editor help, save the schema beside it: mfactl schema > mfactl.schema.json
Version: 1
UserPools:
  - UserPoolId: %s   # <region>_<id>, as the Cognito console shows it
    # OFF: nobody is asked for a second factor. OPTIONAL: users who enabled a
    # factor are asked for it. ON: everyone; users with no factor set one up
    # at next sign-in. ON and OPTIONAL need SMS, TOTP or email enabled.
    MfaConfiguration: OPTIONAL          # OFF | ON | OPTIONAL
    # Codes from an authenticator app.
    SoftwareTokenMfaConfiguration:
      Enabled: true                     # true | false
    # Codes by text message, sent by Cognito through SNS with an IAM role.
    SmsMfaConfiguration:
      Enabled: false                    # true | false
      # SmsAuthenticationMessage: "Your code is {####}"   # 6-140 characters, one line, with {####}
      # SmsConfiguration:               # the IAM role; absent: the pool's current one
      #   SnsCallerArn: arn:aws:iam::123456789012:role/cognito-sms
      #   ExternalId: your-external-id  # a secret; absent: the pool's current one
      #   SnsRegion: eu-west-1          # absent: the pool's Region
    # Codes by email: Essentials or Plus tier, email sent through SES.
    EmailMfaConfiguration:
      Enabled: false                    # true | false
      # Message: "Your code is {####}"  # 6-20000 characters, with {####}
      # Subject: "Your sign-in code"    # 1-140 characters
    # Passkeys. No Enabled: the sign-in policy switches them on; every field is optional.
    # WebAuthnConfiguration:
    #   RelyingPartyId: auth.example.com                  # 1-127 characters
    #   UserVerification: preferred                       # required | preferred
    #   FactorConfiguration: SINGLE_FACTOR                # SINGLE_FACTOR | MULTI_FACTOR_WITH_USER_VERIFICATION
    # Users whose MFA mfactl manages; users not listed are left alone.
    Users:
      - Username: alice                 # quote names YAML could misread: "007", "true"
        # Enabling TOTP needs an authenticator the user registered themselves.
        SoftwareTokenMfaSettings: {Enabled: true, PreferredMfa: true}   # Enabled: true | false; PreferredMfa: at most one
        # SMSMfaSettings: {Enabled: false}      # needs a phone_number on the user
        # EmailMfaSettings: {Enabled: false}    # needs an email on the user
        # WebAuthnMfaSettings: {Enabled: false} # needs FactorConfiguration MULTI_FACTOR_WITH_USER_VERIFICATION
`
