package token

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// jwt makes an unsigned-looking JWT with the given claims (mfactl never
// verifies the signature; Cognito does).
func jwt(t *testing.T, claims map[string]any) string {
	t.Helper()
	payload, err := json.Marshal(claims)
	if err != nil {
		t.Fatal(err)
	}
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"RS256"}`)) + "." + enc(payload) + ".c2lnbmF0dXJlLXNlY3JldA"
}

func claims(over map[string]any) map[string]any {
	c := map[string]any{
		"iss":       "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123",
		"username":  "alice",
		"sub":       "0b2c-sub",
		"client_id": "client1",
		"token_use": "access",
		"scope":     "aws.cognito.signin.user.admin",
		"exp":       time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC).Unix(),
	}
	for k, v := range over {
		if v == nil {
			delete(c, k)
		} else {
			c[k] = v
		}
	}
	return c
}

var now = time.Date(2029, 6, 1, 12, 0, 0, 0, time.UTC)

func TestParseReadsPoolAndRegionFromTheIssuer(t *testing.T) {
	raw := jwt(t, claims(nil))
	tok, err := Parse("\n"+raw+"\n", "test")
	if err != nil {
		t.Fatal(err)
	}
	c := tok.Claims
	if c.UserPoolId != "eu-west-1_AbC123" || c.Region != "eu-west-1" || c.Username != "alice" || c.Expires.Year() != 2030 {
		t.Fatalf("claims = %+v", c)
	}
	if tok.Value() != raw {
		t.Fatal("Value is not the token without its surrounding white space")
	}
	if err := tok.Usable(now); err != nil {
		t.Fatal(err)
	}
}

func TestTheTokenNeverPrints(t *testing.T) {
	raw := jwt(t, claims(nil))
	tok, err := Parse(raw, "test")
	if err != nil {
		t.Fatal(err)
	}
	js, _ := json.Marshal(struct{ T *Token }{tok})
	for _, s := range []string{fmt.Sprint(tok), fmt.Sprintf("%v %+v %#v %s", tok, tok, tok, tok), string(js)} {
		if strings.Contains(s, raw) || strings.Contains(s, "c2lnbmF0dXJl") || !strings.Contains(s, Marker) {
			t.Errorf("printed form %q shows the token or lacks the marker", s)
		}
	}
	if got := tok.Mask("sent " + raw + " twice " + raw); strings.Contains(got, raw) || strings.Count(got, Marker) != 2 {
		t.Errorf("Mask = %q", got)
	}
}

func TestBadTokensAreRefusedWithoutQuotingThem(t *testing.T) {
	secret := "s3cr3t-value-do-not-print"
	cases := map[string]struct {
		value string
		want  string
	}{
		"empty":           {"  ", "is empty"},
		"not a JWT":       {secret, "does not hold a JWT"},
		"bad base64":      {"a." + secret + "!.c", "not base64url"},
		"not JSON":        {"a." + base64.RawURLEncoding.EncodeToString([]byte(secret)) + ".c", "not a JSON object"},
		"foreign issuer":  {jwt(t, claims(map[string]any{"iss": "https://accounts.example.com", "x": secret})), "is not a Cognito user pool's"},
		"region mismatch": {jwt(t, claims(map[string]any{"iss": "https://cognito-idp.us-east-1.amazonaws.com/eu-west-1_AbC", "x": secret})), "names Region us-east-1 but user pool eu-west-1_AbC"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := Parse(c.value, "the access token file me.token")
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "me.token") {
				t.Fatalf("err = %v; want %q", err, c.want)
			}
			if strings.Contains(err.Error(), secret) {
				t.Fatalf("the error quotes the token: %v", err)
			}
		})
	}
}

func TestUsableChecksUseScopeAndExpiry(t *testing.T) {
	cases := map[string]struct {
		over map[string]any
		want string
	}{
		"id token":       {map[string]any{"token_use": "id"}, "holds an ID token"},
		"no admin scope": {map[string]any{"scope": "openid email"}, "lacks the aws.cognito.signin.user.admin scope (it has: openid email)"},
		"no scope":       {map[string]any{"scope": nil}, "(it has: none)"},
		"no username":    {map[string]any{"username": nil}, "names no user"},
		"expired":        {map[string]any{"exp": now.Add(-90 * time.Second).Unix()}, "expired at 2029-06-01T11:58:30Z (1m30s ago)"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			tok, err := Parse(jwt(t, claims(c.over)), EnvVar)
			if err != nil {
				t.Fatal(err)
			}
			if err := tok.Usable(now); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v; want %q", err, c.want)
			}
		})
	}
}

func TestReadFileAndEnv(t *testing.T) {
	raw := jwt(t, claims(nil))
	path := filepath.Join(t.TempDir(), "me.token")
	if err := os.WriteFile(path, []byte(raw+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tok, err := ReadFile(path)
	if err != nil || tok.Value() != raw || !strings.Contains(tok.Source, path) {
		t.Fatalf("ReadFile: %v %v", tok, err)
	}
	if _, err := ReadFile(filepath.Join(t.TempDir(), "missing")); err == nil || !strings.Contains(err.Error(), "no such file") {
		t.Fatalf("missing file: %v", err)
	}
	env := map[string]string{}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	if tok, err := FromEnv(lookup); tok != nil || err != nil {
		t.Fatalf("unset: %v %v", tok, err)
	}
	env[EnvVar] = raw
	if tok, err := FromEnv(lookup); err != nil || tok.Source != EnvVar {
		t.Fatalf("set: %v %v", tok, err)
	}
}

// A forged token's username claim with raw lines and escapes is refused,
// and the refusal shows it escaped (red-team item 18.7).
func TestAUsernameClaimCognitoWouldNotIssueIsRefused(t *testing.T) {
	_, err := Parse(jwt(t, claims(map[string]any{"username": "alice\n::error::forged\x1b[2J"})), "test")
	if err == nil || !strings.Contains(err.Error(), "is not a Cognito username") || strings.ContainsAny(err.Error(), "\n\x1b") {
		t.Fatalf("err = %q", err)
	}
}
