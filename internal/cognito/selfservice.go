package cognito

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/mfactl/mfactl/internal/state"
	"github.com/mfactl/mfactl/internal/token"
)

// Self-service: the calls a signed-in user makes with nothing but an access
// token. Cognito authorises them by the token, so the SDK sends them
// unsigned (its model marks them anonymous), and the client that makes them
// is built without the SDK's shared configuration or credential chain:
// with only a token, mfactl looks up no AWS credentials at all.

// NewWithToken returns a Client for the user tok names, in the Region its
// issuer names. It reads no AWS configuration and no credentials; of the
// environment it honours only what decides where requests go and how:
// AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER and AWS_ENDPOINT_URL (unless
// --endpoint-url is given or AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is true),
// AWS_CA_BUNDLE and AWS_MAX_ATTEMPTS. Its calls are paced like any other.
func NewWithToken(opts Options, tok *token.Token) (*Client, error) {
	if tok == nil {
		return nil, errors.New("NewWithToken: no access token")
	}
	rates, err := resolveRates(opts.Rates)
	if err != nil {
		return nil, err
	}
	endpoint := opts.EndpointURL
	if endpoint == "" && !strings.EqualFold(os.Getenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"), "true") {
		endpoint = firstNonEmpty(os.Getenv("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER"), os.Getenv("AWS_ENDPOINT_URL"))
	}
	if err := checkEndpoint(endpoint); err != nil {
		return nil, err
	}
	roots, err := caBundle(os.Getenv("AWS_CA_BUNDLE"))
	if err != nil {
		return nil, err
	}
	maxAttempts := opts.MaxAttempts
	if maxAttempts == 0 {
		maxAttempts, _ = strconv.Atoi(os.Getenv("AWS_MAX_ATTEMPTS"))
	}
	if maxAttempts <= 0 {
		maxAttempts = defaultMaxAttempts
	}
	concurrency := concurrencyOf(opts)
	httpClient := awshttp.NewBuildableClient().WithTransportOptions(func(t *http.Transport) {
		t.MaxIdleConnsPerHost = concurrency + 4
		if roots != nil {
			t.TLSClientConfig = &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}
		}
	})
	quotas := newLimits(rates, time.Now)
	newAPI := func(region string) API {
		o := cip.Options{
			Region:     region,
			HTTPClient: InMemoryBodies(httpClient),
			Retryer:    newPacedRetryer(region, maxAttempts, quotas),
		}
		if endpoint != "" {
			o.BaseEndpoint = aws.String(endpoint)
		}
		return cip.New(o)
	}
	c := newClient(newAPI, concurrency)
	c.quotas = quotas
	c.token = tok
	return c, nil
}

func firstNonEmpty(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}

// caBundle reads the PEM certificates AWS_CA_BUNDLE names, trusted on top
// of the system's (nil when the variable is not set).
func caBundle(path string) (*x509.CertPool, error) {
	if path == "" {
		return nil, nil
	}
	pem, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("AWS_CA_BUNDLE: %w", err)
	}
	roots, err := x509.SystemCertPool()
	if err != nil {
		roots = x509.NewCertPool()
	}
	if !roots.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("AWS_CA_BUNDLE %s holds no PEM certificate", path)
	}
	return roots, nil
}

// The self-service operations, by Cognito's names.
const (
	opGetUser                = "GetUser"
	opSetUserMFAPreference   = "SetUserMFAPreference"
	opAssociateSoftwareToken = "AssociateSoftwareToken"
	opVerifySoftwareToken    = "VerifySoftwareToken"
)

var errNoToken = errors.New("this call needs the signed-in user's access token: give it with --access-token-file FILE or " + token.EnvVar)

// selfTarget returns the pool and user the client's token names, and
// checks that poolID, when given, is that pool.
func (c *Client) selfTarget(poolID string) (string, string, error) {
	if c.token == nil {
		return "", "", errNoToken
	}
	claims := c.token.Claims
	if poolID != "" && poolID != claims.UserPoolId {
		return "", "", fmt.Errorf("the access token is for user pool %s, not %s: give a token of user pool %s", claims.UserPoolId, poolID, poolID)
	}
	return claims.UserPoolId, claims.Username, nil
}

// ReadSelf reads the token's user with GetUser. The result has the shape
// AdminGetUser's would, except that nothing is known of the pool: a user
// that no longer exists has Exists false, and an empty factor list is taken
// at its word (only the pool's mode, which the token cannot read, would say
// otherwise).
func (c *Client) ReadSelf(ctx context.Context) (*state.LiveUser, error) {
	poolID, username, err := c.selfTarget("")
	if err != nil {
		return nil, err
	}
	api, err := c.api(poolID)
	if err != nil {
		return nil, err
	}
	var out *cip.GetUserOutput
	err = c.withRetries(ctx, "GetUser", poolID, username, func() (err error) {
		out, err = api.GetUser(ctx, &cip.GetUserInput{AccessToken: aws.String(c.token.Value())})
		return err
	})
	switch {
	case ctx.Err() != nil:
		return nil, ctx.Err()
	case errorCode(err) == "UserNotFoundException":
		return &state.LiveUser{Username: username}, nil
	case err != nil:
		return nil, c.selfError(opGetUser, err)
	}
	user := liveUser(username, &cip.AdminGetUserOutput{
		Username: out.Username, UserAttributes: out.UserAttributes, MFAOptions: out.MFAOptions,
		PreferredMfaSetting: out.PreferredMfaSetting, UserMFASettingList: out.UserMFASettingList,
	}, state.ModeUnset)
	setLegacyOptions(&user, out.MFAOptions, out.UserMFASettingList)
	return &user, nil
}

// SetUserMFAPreference sets the token's user's own factors; poolID must be
// the token's pool (the plan's target). Errors as AdminSetUserMFAPreference.
func (c *Client) SetUserMFAPreference(ctx context.Context, poolID string, s state.UserSettings) error {
	poolID, username, err := c.selfTarget(poolID)
	if err != nil {
		return err
	}
	admin, err := userInput(poolID, username, s)
	if err != nil {
		return err
	}
	in := &cip.SetUserMFAPreferenceInput{
		AccessToken:              aws.String(c.token.Value()),
		SMSMfaSettings:           admin.SMSMfaSettings,
		SoftwareTokenMfaSettings: admin.SoftwareTokenMfaSettings,
		EmailMfaSettings:         admin.EmailMfaSettings,
		WebAuthnMfaSettings:      admin.WebAuthnMfaSettings,
	}
	return c.selfCall(ctx, opSetUserMFAPreference, func(ctx context.Context, api API) error {
		_, err := api.SetUserMFAPreference(ctx, in)
		return err
	})
}

// AssociateSoftwareToken starts registering an authenticator app for the
// token's user and returns the new TOTP secret (base32), itself a secret.
func (c *Client) AssociateSoftwareToken(ctx context.Context) (string, error) {
	var secret string
	err := c.selfCall(ctx, opAssociateSoftwareToken, func(ctx context.Context, api API) error {
		out, err := api.AssociateSoftwareToken(ctx, &cip.AssociateSoftwareTokenInput{AccessToken: aws.String(c.token.Value())})
		if err == nil {
			secret = aws.ToString(out.SecretCode)
		}
		return err
	})
	if err == nil && secret == "" {
		err = errors.New("AssociateSoftwareToken returned no secret")
	}
	return secret, err
}

// VerifySoftwareToken finishes registering the authenticator with a code it
// shows; deviceName may be empty.
func (c *Client) VerifySoftwareToken(ctx context.Context, code, deviceName string) error {
	return c.selfCall(ctx, opVerifySoftwareToken, func(ctx context.Context, api API) error {
		out, err := api.VerifySoftwareToken(ctx, &cip.VerifySoftwareTokenInput{
			AccessToken: aws.String(c.token.Value()), UserCode: aws.String(code), FriendlyDeviceName: optional(deviceName),
		})
		if err == nil && out.Status != types.VerifySoftwareTokenResponseTypeSuccess {
			return fmt.Errorf("VerifySoftwareToken answered %s", out.Status)
		}
		return err
	})
}

// selfCall sends one token-authorised call as execute does, with the
// token masked in any error.
func (c *Client) selfCall(ctx context.Context, operation string, send func(context.Context, API) error) error {
	poolID, username, err := c.selfTarget("")
	if err != nil {
		return err
	}
	err = c.execute(ctx, operation, poolID, username, []string{c.token.Value()}, send)
	var ce *CallError
	if errors.As(err, &ce) {
		ce.Meaning = firstNonEmpty(tokenMeaning(ce.Code, ce.Message), ce.Meaning)
	}
	return err
}

// selfError describes a failed read of the token's user.
func (c *Client) selfError(operation string, err error) error {
	poolID, username, _ := c.selfTarget("")
	e := newCallError(operation, poolID, username, err, c.token.Value())
	e.Meaning = firstNonEmpty(tokenMeaning(e.Code, e.Message), e.Meaning)
	return e
}

// tokenMeaning explains what Cognito says of a refused token: for these
// calls NotAuthorizedException is about the token, not IAM.
func tokenMeaning(code, message string) string {
	if code != "NotAuthorizedException" {
		return ""
	}
	lower := strings.ToLower(message)
	switch {
	case strings.Contains(lower, "expired"):
		return "the access token has expired: sign in again for a fresh one; nothing was changed"
	case strings.Contains(lower, "revoked"):
		return "the access token was revoked (a sign-out, GlobalSignOut or RevokeToken): sign in again; nothing was changed"
	case strings.Contains(lower, "scope"):
		return "the access token lacks the " + token.AdminScope + " scope: sign in through an app client that grants it; nothing was changed"
	}
	return "Cognito does not accept the access token: it is not a token of this user pool, or it is malformed; sign in again; nothing was changed"
}

// setLegacyOptions records a user's legacy MFAOptions as Cognito reports
// them, and whether they alone turn SMS on (listed is UserMFASettingList).
func setLegacyOptions(u *state.LiveUser, opts []types.MFAOptionType, listed []string) {
	u.MFAOptions = nil
	for _, o := range opts {
		u.MFAOptions = append(u.MFAOptions, state.MFAOption{DeliveryMedium: string(o.DeliveryMedium), AttributeName: aws.ToString(o.AttributeName)})
	}
	u.LegacySMSOnly = u.LegacySMS && !slices.Contains(listed, state.SMS.CognitoName)
}
