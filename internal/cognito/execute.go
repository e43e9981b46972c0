package cognito

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/mfactl/mfactl/internal/rules"
	"github.com/mfactl/mfactl/internal/state"
)

// SetUserPoolMfaConfig replaces the pool's whole MFA configuration with cfg,
// which must be complete. A call Cognito refuses returns a *CallError; a
// configuration Cognito must never receive (see poolInput) returns a plain
// error without calling Cognito. If ctx ends first, it returns ctx's error.
func (c *Client) SetUserPoolMfaConfig(ctx context.Context, poolID string, cfg state.PoolConfig) error {
	in, err := poolInput(poolID, cfg)
	if err != nil {
		return err
	}
	eums := sentEumsSms(cfg)
	return c.execute(ctx, opSetUserPoolMfaConfig, poolID, "", secretsOf(&cfg), func(ctx context.Context, api API) error {
		if eums == nil {
			_, err := api.SetUserPoolMfaConfig(ctx, in)
			return err
		}
		// The SDK cannot carry EumsSms: it goes into the serialised body.
		if _, sdk := api.(sdkClient); !sdk {
			return errNotServed
		}
		_, err := api.SetUserPoolMfaConfig(ctx, in, sendEumsSms(eums))
		return err
	})
}

// AdminSetUserMFAPreference sets the factors s carries for one user; an
// omitted block leaves that factor as it is. Errors as SetUserPoolMfaConfig.
func (c *Client) AdminSetUserMFAPreference(ctx context.Context, poolID, username string, s state.UserSettings) error {
	in, err := userInput(poolID, username, s)
	if err != nil {
		return err
	}
	return c.execute(ctx, opAdminSetUserMFAPreference, poolID, username, nil, func(ctx context.Context, api API) error {
		_, err := api.AdminSetUserMFAPreference(ctx, in)
		return err
	})
}

// The operations mfactl writes with, by Cognito's names (also the keys of
// the quota table).
const (
	opSetUserPoolMfaConfig      = "SetUserPoolMfaConfig"
	opAdminSetUserMFAPreference = "AdminSetUserMFAPreference"
)

// execute sends one call. An interrupt (ctx cancelled) stops a call only
// while it waits for its first attempt's rate budget: it is then not sent,
// and execute returns ctx's error so that apply reports it not started.
// Once sent, a call is seen through, retries included, under a context the
// interrupt does not cancel, so that its outcome is known.
func (c *Client) execute(ctx context.Context, operation, poolID, username string, secrets []string, send func(context.Context, API) error) error {
	api, err := c.api(poolID)
	if err != nil {
		return &CallError{Operation: operation, UserPoolId: poolID, Username: username,
			Message: err.Error(), Meaning: "a user pool ID is its Region, an underscore and an ID, e.g. eu-west-1_AbCdEf123"}
	}
	if err := c.awaitFirstAttempt(ctx, state.Region(poolID), operation); err != nil {
		return err
	}
	sending := withPrepaidAttempt(context.WithoutCancel(ctx))
	if err := c.withRetries(sending, operation, poolID, username, func() error { return send(sending, api) }); err != nil {
		return failure(sending, operation, poolID, username, err, secrets...)
	}
	return nil
}

// awaitFirstAttempt waits, under ctx, for the rate budget of a call's first
// attempt (the paced retryer then does not wait for it again).
func (c *Client) awaitFirstAttempt(ctx context.Context, region, operation string) error {
	if c.quotas != nil {
		if b := c.quotas.bucket(region, operation); b != nil {
			return b.wait(ctx)
		}
	}
	return ctx.Err()
}

func secretsOf(cfg *state.PoolConfig) []string {
	if sms := cfg.SmsMfaConfiguration; sms != nil && sms.SmsConfiguration != nil {
		return []string{sms.SmsConfiguration.Secret()}
	}
	return nil
}

// sentEumsSms is the EumsSms a SetUserPoolMfaConfig request for cfg
// carries, nil for none.
func sentEumsSms(cfg state.PoolConfig) *state.EumsSms {
	if sms := sentBlocks(cfg).SmsMfaConfiguration; sms != nil && sms.SmsConfiguration != nil {
		return sms.SmsConfiguration.EumsSms
	}
	return nil
}

var errEmptyUserRequest = errors.New("the user request changes no factor")

// poolInput builds SetUserPoolMfaConfig's input from a complete
// configuration. The call replaces the pool's whole MFA configuration, so
// what is left out is switched off; what is sent is sentBlocks(cfg), and
// it must be a request rules.PoolRequest accepts: ON or OPTIONAL with no
// SMS, email or TOTP enabled is refused here, since Cognito accepts some
// such requests and the pool would then demand a factor no one can use.
func poolInput(poolID string, cfg state.PoolConfig) (*cip.SetUserPoolMfaConfigInput, error) {
	sent := sentBlocks(cfg)
	if err := rules.PoolRequest(sent); err != nil {
		return nil, fmt.Errorf("SetUserPoolMfaConfig for pool %s: refusing a request Cognito must not receive: %w", poolID, err)
	}
	in := &cip.SetUserPoolMfaConfigInput{
		UserPoolId:       aws.String(poolID),
		MfaConfiguration: types.UserPoolMfaType(sent.MfaConfiguration),
	}
	if w := sent.WebAuthnConfiguration; w != nil {
		in.WebAuthnConfiguration = &types.WebAuthnConfigurationType{
			RelyingPartyId:      w.RelyingPartyId,
			UserVerification:    types.UserVerificationType(deref(w.UserVerification)),
			FactorConfiguration: types.WebAuthnFactorConfigurationType(deref(w.FactorConfiguration)),
		}
	}
	if sms := sent.SmsMfaConfiguration; sms != nil {
		if sc := sms.SmsConfiguration; sc != nil && isMask(sc.Secret()) {
			return nil, fmt.Errorf("SetUserPoolMfaConfig for pool %s: the SMS role's ExternalId is the mask %q, not the secret; it must be resolved before the call", poolID, sc.Secret())
		}
		in.SmsMfaConfiguration = &types.SmsMfaConfigType{SmsAuthenticationMessage: sms.SmsAuthenticationMessage}
		if sc := sms.SmsConfiguration; sc != nil && sc.EumsSms != nil {
			// Either SnsCallerArn or EumsSms, never both: EumsSms is
			// added to the serialised body (sendEumsSms).
			in.SmsMfaConfiguration.SmsConfiguration = &types.SmsConfigurationType{}
		} else if sc != nil {
			in.SmsMfaConfiguration.SmsConfiguration = &types.SmsConfigurationType{
				SnsCallerArn: aws.String(sc.SnsCallerArn),
				ExternalId:   optional(sc.ExternalId),
				SnsRegion:    optional(sc.SnsRegion),
			}
		}
	}
	if totp := sent.SoftwareTokenMfaConfiguration; totp != nil {
		in.SoftwareTokenMfaConfiguration = &types.SoftwareTokenMfaConfigType{Enabled: totp.Enabled}
	}
	if email := sent.EmailMfaConfiguration; email != nil {
		in.EmailMfaConfiguration = &types.EmailMfaConfigType{Message: email.Message, Subject: email.Subject}
	}
	return in, nil
}

// sentBlocks returns the part of a complete configuration that the
// request carries:
//   - OFF carries no block of a factor that answers a challenge (Cognito
//     rejects any, even one that disables its factor); a WebAuthn block is
//     still sent, as given.
//   - A factor whose block's presence enables it (SMS, email) is sent only
//     when enabled.
//   - Any other factor (TOTP) is sent whenever the configuration has the
//     block, as Enabled true or false.
func sentBlocks(cfg state.PoolConfig) state.PoolConfig {
	out := state.PoolConfig{MfaConfiguration: cfg.MfaConfiguration}
	state.WebAuthn.CopyPoolBlock(&out, cfg)
	if cfg.MfaConfiguration == state.ModeOff {
		return out
	}
	for _, f := range state.MFAFactors {
		if present, enabled := f.PoolEnabled(cfg); present && (enabled || !f.PresenceEnables) {
			f.CopyPoolBlock(&out, cfg)
		}
	}
	return out
}

// sdkUserBlock sets one factor's block of AdminSetUserMFAPreference's
// input: the SDK has a type per factor. Every state.MFAFactors entry has one.
var sdkUserBlock = map[*state.Factor]func(*cip.AdminSetUserMFAPreferenceInput, state.FactorSettings){
	state.SMS: func(in *cip.AdminSetUserMFAPreferenceInput, f state.FactorSettings) {
		in.SMSMfaSettings = &types.SMSMfaSettingsType{Enabled: f.Enabled, PreferredMfa: f.PreferredMfa}
	},
	state.TOTP: func(in *cip.AdminSetUserMFAPreferenceInput, f state.FactorSettings) {
		in.SoftwareTokenMfaSettings = &types.SoftwareTokenMfaSettingsType{Enabled: f.Enabled, PreferredMfa: f.PreferredMfa}
	},
	state.Email: func(in *cip.AdminSetUserMFAPreferenceInput, f state.FactorSettings) {
		in.EmailMfaSettings = &types.EmailMfaSettingsType{Enabled: f.Enabled, PreferredMfa: f.PreferredMfa}
	},
}

// userInput builds AdminSetUserMFAPreference's input: only the blocks the
// request has, since an omitted block leaves that factor as it is and a block
// for a factor the user cannot have can fail even when it disables it.
func userInput(poolID, username string, s state.UserSettings) (*cip.AdminSetUserMFAPreferenceInput, error) {
	if username == "" {
		return nil, fmt.Errorf("AdminSetUserMFAPreference for pool %s: the call names no user", poolID)
	}
	if !slices.ContainsFunc(state.Factors, func(f *state.Factor) bool { return f.UserHas(s) }) {
		return nil, fmt.Errorf("AdminSetUserMFAPreference for pool %s user %s: %w", poolID, username, errEmptyUserRequest)
	}
	in := &cip.AdminSetUserMFAPreferenceInput{UserPoolId: aws.String(poolID), Username: aws.String(username)}
	for _, f := range state.MFAFactors {
		if v := f.User(s); v != nil {
			sdkUserBlock[f](in, *v)
		}
	}
	if w := s.WebAuthnMfaSettings; w != nil {
		in.WebAuthnMfaSettings = &types.WebAuthnMfaSettingsType{Enabled: w.Enabled}
	}
	return in, nil
}

// isMask reports whether an ExternalId is one of the markers that replace it
// in output and plan files ("(sensitive)", "(sensitive: unchanged)", …):
// sending one would break the pool's SMS.
func isMask(externalID string) bool { return strings.HasPrefix(externalID, "(sensitive") }

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return aws.String(s)
}
