// Package token reads a Cognito user's access token: the one credential of
// self-service mode. mfactl reads its claims (the issuer names the pool and
// its Region) without verifying its signature, which only Cognito can do;
// Cognito verifies it on every call.
//
// A Token is a secret, like an SMS role's ExternalId: its value never
// reaches output, logs, errors or plan files. Token's String, GoString and
// MarshalJSON show a marker instead, so that printing one by mistake leaks
// nothing; Value is the one way to the secret, for the request itself.
package token

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/mfactl/mfactl/internal/untrusted"
)

// EnvVar is the environment variable that may hold the token. There is no
// flag for the value itself: a flag's value would be in the shell history
// and in every process list.
const EnvVar = "MFACTL_ACCESS_TOKEN"

// AdminScope is the scope Cognito requires of an access token for the
// self-service user operations (GetUser, SetUserMFAPreference, the
// software-token calls).
const AdminScope = "aws.cognito.signin.user.admin"

// Marker replaces the token wherever it would be shown.
const Marker = "(sensitive: access token)"

// Token is a parsed access token.
type Token struct {
	value  string
	Claims Claims
	// Source says where the token came from, for messages: "the file
	// me.token" or "MFACTL_ACCESS_TOKEN". Never the value.
	Source string
}

// Claims are the claims mfactl reads. Their values are not secret (they
// name the pool and the user) but they are not verified either.
type Claims struct {
	Issuer   string // https://cognito-idp.<region>.amazonaws.com/<pool ID>
	Username string
	Subject  string
	ClientID string
	TokenUse string // "access" for an access token, "id" for an ID token
	Scopes   []string
	Expires  time.Time // zero when the token has no exp claim
	// UserPoolId and Region are what the issuer names.
	UserPoolId string
	Region     string
}

// Value is the token itself, for the one place that sends it to Cognito.
func (t *Token) Value() string { return t.value }

func (t *Token) String() string   { return Marker }
func (t *Token) GoString() string { return Marker }

// MarshalJSON writes the marker, never the token.
func (t *Token) MarshalJSON() ([]byte, error) { return json.Marshal(Marker) }

// Mask replaces the token in s with the marker: for any text that might
// quote a request (an error from a transport, say).
func (t *Token) Mask(s string) string {
	if t == nil || t.value == "" {
		return s
	}
	return strings.ReplaceAll(s, t.value, Marker)
}

// issuerPattern is the issuer of a Cognito user pool's tokens.
var issuerPattern = regexp.MustCompile(`^https://cognito-idp\.([a-z0-9-]+)\.amazonaws\.com/(([a-z0-9-]+)_[0-9a-zA-Z]+)$`)

// Parse reads an access token. source names where it came from in errors,
// which never quote the token.
func Parse(value, source string) (*Token, error) {
	value = strings.TrimSpace(value)
	if value == "" {
		return nil, fmt.Errorf("%s is empty: it should hold the signed-in user's access token", source)
	}
	parts := strings.Split(value, ".")
	if len(parts) != 3 {
		return nil, fmt.Errorf("%s does not hold a JWT (three base64url parts separated by dots): give the access token Cognito returned at sign-in (AuthenticationResult.AccessToken)", source)
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return nil, fmt.Errorf("%s: the token's payload is not base64url", source)
	}
	var raw struct {
		Iss      string `json:"iss"`
		Username string `json:"username"`
		Sub      string `json:"sub"`
		ClientID string `json:"client_id"`
		TokenUse string `json:"token_use"`
		Scope    string `json:"scope"`
		Exp      *json.Number
	}
	if err := json.Unmarshal(payload, &raw); err != nil {
		return nil, fmt.Errorf("%s: the token's payload is not a JSON object of claims", source)
	}
	if raw.Username != "" && !usernamePattern.MatchString(raw.Username) {
		return nil, fmt.Errorf("%s: the token's username claim %s is not a Cognito username (1 to 128 letters, marks, numbers, symbols or punctuation): it is not a token Cognito issued", source, untrusted.Name(raw.Username))
	}
	c := Claims{Issuer: raw.Iss, Username: raw.Username, Subject: raw.Sub, ClientID: raw.ClientID,
		TokenUse: raw.TokenUse, Scopes: strings.Fields(raw.Scope)}
	if raw.Exp != nil {
		if secs, err := raw.Exp.Int64(); err == nil {
			c.Expires = time.Unix(secs, 0).UTC()
		}
	}
	m := issuerPattern.FindStringSubmatch(c.Issuer)
	if m == nil {
		return nil, fmt.Errorf("%s: the token's issuer %q is not a Cognito user pool's (https://cognito-idp.<region>.amazonaws.com/<user pool ID>)", source, c.Issuer)
	}
	if m[1] != m[3] {
		return nil, fmt.Errorf("%s: the token's issuer %q names Region %s but user pool %s", source, c.Issuer, m[1], m[2])
	}
	c.Region, c.UserPoolId = m[1], m[2]
	return &Token{value: value, Claims: c, Source: source}, nil
}

// usernamePattern is Cognito's: a claim that is not one was not written by
// Cognito, and would carry raw lines into messages.
var usernamePattern = regexp.MustCompile(`^[\p{L}\p{M}\p{S}\p{N}\p{P}]{1,128}$`)

// ReadFile reads a token from a file (surrounding white space is dropped).
func ReadFile(path string) (*Token, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, fmt.Errorf("reading the access token file %s: %v", path, err)
	}
	return Parse(string(data), "the access token file "+path)
}

// FromEnv reads the token from EnvVar; nil when it is not set.
func FromEnv(lookup func(string) (string, bool)) (*Token, error) {
	v, ok := lookup(EnvVar)
	if !ok {
		return nil, nil
	}
	return Parse(v, EnvVar)
}

// Usable checks, before any call, what the claims alone show: that this is
// an access token, with the scope the self-service calls need, and not
// expired at now. Cognito checks all of it again, and the signature.
func (t *Token) Usable(now time.Time) error {
	c := t.Claims
	switch {
	case c.TokenUse == "id":
		return fmt.Errorf("%s holds an ID token: give the access token (AuthenticationResult.AccessToken), which Cognito accepts for the user's own calls", t.Source)
	case c.TokenUse != "access":
		return fmt.Errorf("%s does not hold an access token (token_use is %q)", t.Source, c.TokenUse)
	case !slices.Contains(c.Scopes, AdminScope):
		return fmt.Errorf("the access token from %s lacks the %s scope (it has: %s), which Cognito requires to read and change the user's own MFA: sign in through an app client whose allowed OAuth scopes include it, or with InitiateAuth, whose tokens always carry it",
			t.Source, AdminScope, orNone(c.Scopes))
	case c.Username == "":
		return fmt.Errorf("the access token from %s names no user (no username claim)", t.Source)
	case !c.Expires.IsZero() && !now.Before(c.Expires):
		return fmt.Errorf("the access token from %s expired at %s (%s ago): sign in again for a fresh one (Cognito access tokens last 5 minutes to 1 day, 1 hour by default)",
			t.Source, c.Expires.Format(time.RFC3339), now.Sub(c.Expires).Round(time.Second))
	}
	return nil
}

func orNone(scopes []string) string {
	if len(scopes) == 0 {
		return "none"
	}
	return strings.Join(scopes, " ")
}
