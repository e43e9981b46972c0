package cognito

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

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
	return c.execute(ctx, opSetUserPoolMfaConfig, poolID, "", secretsOf(&cfg), func(ctx context.Context, api API) error {
		_, err := api.SetUserPoolMfaConfig(ctx, in)
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
	err = c.withRetries(sending, func() error { return send(sending, api) })
	if err == nil {
		return nil
	}
	return newCallError(operation, poolID, username, err, secrets...)
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
		return []string{sms.SmsConfiguration.ExternalId}
	}
	return nil
}

var errEmptyUserRequest = errors.New("the user request changes no factor")

// poolInput builds SetUserPoolMfaConfig's input from a complete
// configuration. The call replaces the pool's whole MFA configuration, so
// what is left out is switched off:
//   - OFF sends no SMS, TOTP or email block at all (Cognito rejects any,
//     even one that disables its factor); a WebAuthn block is still sent.
//   - SMS and email are sent only when enabled: their presence is what
//     enables them.
//   - TOTP is sent whenever the configuration has the block, as Enabled
//     true or false.
//   - WebAuthn is re-sent as given.
//
// ON or OPTIONAL with no SMS, email or TOTP enabled is refused here: Cognito
// accepts some such requests and the pool would then demand a factor no one
// can use.
func poolInput(poolID string, cfg state.PoolConfig) (*cip.SetUserPoolMfaConfigInput, error) {
	in := &cip.SetUserPoolMfaConfigInput{
		UserPoolId:       aws.String(poolID),
		MfaConfiguration: types.UserPoolMfaType(cfg.MfaConfiguration),
	}
	if w := cfg.WebAuthnConfiguration; w != nil {
		in.WebAuthnConfiguration = &types.WebAuthnConfigurationType{
			RelyingPartyId:      w.RelyingPartyId,
			UserVerification:    types.UserVerificationType(deref(w.UserVerification)),
			FactorConfiguration: types.WebAuthnFactorConfigurationType(deref(w.FactorConfiguration)),
		}
	}
	switch cfg.MfaConfiguration {
	case state.ModeOff:
		return in, nil
	case state.ModeOn, state.ModeOptional:
	default:
		return nil, fmt.Errorf("SetUserPoolMfaConfig for pool %s: MfaConfiguration %q is not OFF, ON or OPTIONAL; the request must be a complete configuration", poolID, cfg.MfaConfiguration)
	}
	if sms := cfg.SmsMfaConfiguration; sms != nil && sms.Enabled {
		if sc := sms.SmsConfiguration; sc != nil && isMask(sc.ExternalId) {
			return nil, fmt.Errorf("SetUserPoolMfaConfig for pool %s: the SMS role's ExternalId is the mask %q, not the secret; it must be resolved before the call", poolID, sc.ExternalId)
		}
		in.SmsMfaConfiguration = &types.SmsMfaConfigType{SmsAuthenticationMessage: sms.SmsAuthenticationMessage}
		if sc := sms.SmsConfiguration; sc != nil {
			in.SmsMfaConfiguration.SmsConfiguration = &types.SmsConfigurationType{
				SnsCallerArn: aws.String(sc.SnsCallerArn),
				ExternalId:   optional(sc.ExternalId),
				SnsRegion:    optional(sc.SnsRegion),
			}
		}
	}
	if totp := cfg.SoftwareTokenMfaConfiguration; totp != nil {
		in.SoftwareTokenMfaConfiguration = &types.SoftwareTokenMfaConfigType{Enabled: totp.Enabled}
	}
	if email := cfg.EmailMfaConfiguration; email != nil && email.Enabled {
		in.EmailMfaConfiguration = &types.EmailMfaConfigType{Message: email.Message, Subject: email.Subject}
	}
	if in.SmsMfaConfiguration == nil && in.EmailMfaConfiguration == nil &&
		(in.SoftwareTokenMfaConfiguration == nil || !in.SoftwareTokenMfaConfiguration.Enabled) {
		return nil, fmt.Errorf("SetUserPoolMfaConfig for pool %s: refusing MfaConfiguration %s with no SMS, email or TOTP MFA enabled (users could not sign in)", poolID, cfg.MfaConfiguration)
	}
	return in, nil
}

// userInput builds AdminSetUserMFAPreference's input: only the blocks the
// request has, since an omitted block leaves that factor as it is and a block
// for a factor the user cannot have can fail even when it disables it.
func userInput(poolID, username string, s state.UserSettings) (*cip.AdminSetUserMFAPreferenceInput, error) {
	if username == "" {
		return nil, fmt.Errorf("AdminSetUserMFAPreference for pool %s: the call names no user", poolID)
	}
	in := &cip.AdminSetUserMFAPreferenceInput{UserPoolId: aws.String(poolID), Username: aws.String(username)}
	if f := s.SMSMfaSettings; f != nil {
		in.SMSMfaSettings = &types.SMSMfaSettingsType{Enabled: f.Enabled, PreferredMfa: f.PreferredMfa}
	}
	if f := s.SoftwareTokenMfaSettings; f != nil {
		in.SoftwareTokenMfaSettings = &types.SoftwareTokenMfaSettingsType{Enabled: f.Enabled, PreferredMfa: f.PreferredMfa}
	}
	if f := s.EmailMfaSettings; f != nil {
		in.EmailMfaSettings = &types.EmailMfaSettingsType{Enabled: f.Enabled, PreferredMfa: f.PreferredMfa}
	}
	if f := s.WebAuthnMfaSettings; f != nil {
		in.WebAuthnMfaSettings = &types.WebAuthnMfaSettingsType{Enabled: f.Enabled}
	}
	if in.SMSMfaSettings == nil && in.SoftwareTokenMfaSettings == nil && in.EmailMfaSettings == nil && in.WebAuthnMfaSettings == nil {
		return nil, fmt.Errorf("AdminSetUserMFAPreference for pool %s user %s: %w", poolID, username, errEmptyUserRequest)
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
