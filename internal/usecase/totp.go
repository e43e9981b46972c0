package usecase

import (
	"context"
	"errors"
	"fmt"
	"net/url"

	"github.com/mfactl/mfactl/internal/state"
	"github.com/mfactl/mfactl/internal/token"
)

// EnrollOptions are the inputs of registering an authenticator app for the
// signed-in user.
type EnrollOptions struct {
	AccessToken func() (*token.Token, error)
	Preferred   bool   // make TOTP the preferred factor
	DeviceName  string // FriendlyDeviceName; may be empty
	// Show is given the otpauth:// URI and the secret, for the person to
	// add to their authenticator app. Both are secrets.
	Show func(uri, secret string) error
	// ReadCode asks for the current 6-digit code; attempt counts from 1.
	ReadCode func(attempt int) (string, error)
}

// Enrolled is the outcome of an enrolment: the user's TOTP as Cognito
// reports it afterwards.
type Enrolled struct {
	UserPoolId, Username string
	TOTP                 state.FactorSettings
}

// maxCodeAttempts is how many codes a person may enter before giving up;
// the associated secret stays pending, so running again starts over.
const maxCodeAttempts = 3

// EnrollTOTP registers an authenticator app for the token's user and
// enables TOTP: AssociateSoftwareToken, the code from the app,
// VerifySoftwareToken, then SetUserMFAPreference (preferred if asked).
func (s *Session) EnrollTOTP(ctx context.Context, opts EnrollOptions) (*Enrolled, error) {
	tok, err := readToken(opts.AccessToken)
	if err != nil {
		return nil, err
	}
	if tok == nil {
		return nil, errors.New("mfactl totp enroll registers an authenticator for the signed-in user: give your access token with --access-token-file FILE or " + token.EnvVar)
	}
	if err := tok.Usable(s.now()); err != nil {
		return nil, err
	}
	client, err := s.cognito(ctx, tok)
	if err != nil {
		return nil, err
	}
	c := tok.Claims
	secret, err := client.AssociateSoftwareToken(ctx)
	if err != nil {
		return nil, err
	}
	if err := opts.Show(OTPAuthURI(c.UserPoolId, c.Username, secret), secret); err != nil {
		return nil, err
	}
	for attempt := 1; ; attempt++ {
		code, err := opts.ReadCode(attempt)
		if err != nil {
			return nil, err
		}
		err = client.VerifySoftwareToken(ctx, code, opts.DeviceName)
		if err == nil {
			break
		}
		if attempt >= maxCodeAttempts || !codeMismatch(err) {
			return nil, fmt.Errorf("the authenticator was not registered: %w", err)
		}
	}
	if err := client.SetUserMFAPreference(ctx, c.UserPoolId, state.UserSettings{
		SoftwareTokenMfaSettings: &state.FactorSettings{Enabled: true, PreferredMfa: opts.Preferred},
	}); err != nil {
		return nil, fmt.Errorf("the authenticator is registered, but enabling TOTP failed (run mfactl totp enroll again, or apply a Self file with SoftwareTokenMfaSettings): %w", err)
	}
	u, err := client.ReadSelf(ctx)
	if err != nil {
		return nil, fmt.Errorf("TOTP is enabled, but reading it back failed: %w", err)
	}
	out := &Enrolled{UserPoolId: c.UserPoolId, Username: c.Username}
	if v := u.Settings.SoftwareTokenMfaSettings; v != nil {
		out.TOTP = *v
	}
	if !out.TOTP.Enabled || (opts.Preferred && !out.TOTP.PreferredMfa) {
		return out, fmt.Errorf("Cognito accepted the calls but reports TOTP as %s", describeTOTP(out.TOTP))
	}
	return out, nil
}

// OTPAuthURI is the key URI authenticator apps read (Google Authenticator's
// format): TOTP, SHA-1, 6 digits, 30 seconds, as Cognito's codes are.
func OTPAuthURI(poolID, username, secret string) string {
	issuer := "Amazon Cognito " + poolID
	u := url.URL{Scheme: "otpauth", Host: "totp", Path: "/" + issuer + ":" + username}
	q := url.Values{}
	q.Set("secret", secret)
	q.Set("issuer", issuer)
	q.Set("algorithm", "SHA1")
	q.Set("digits", "6")
	q.Set("period", "30")
	u.RawQuery = q.Encode()
	return u.String()
}

// codeMismatch reports whether Cognito refused the code itself, which a
// person can retry.
func codeMismatch(err error) bool {
	var api interface{ ErrorCode() string }
	if errors.As(err, &api) {
		switch api.ErrorCode() {
		case "EnableSoftwareTokenMFAException", "CodeMismatchException":
			return true
		}
	}
	return false
}

func describeTOTP(f state.FactorSettings) string {
	switch {
	case !f.Enabled:
		return "off"
	case f.PreferredMfa:
		return "enabled and preferred"
	}
	return "enabled, not preferred"
}
