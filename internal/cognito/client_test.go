package cognito

import (
	"context"
	"encoding/pem"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/aws/smithy-go/logging"

	"github.com/mfactl/mfactl/internal/state"
)

// isolateAWSEnv gives a test static fake credentials and no shared config,
// endpoint, profile or instance metadata from the machine, so nothing it does
// can reach AWS. The variables are restored when the test ends.
func isolateAWSEnv(t testing.TB) {
	t.Helper()
	empty := filepath.Join(t.TempDir(), "empty")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]string{
		"AWS_ACCESS_KEY_ID":           "AKIDENVIRONMENT",
		"AWS_SECRET_ACCESS_KEY":       "environment-secret",
		"AWS_CONFIG_FILE":             empty,
		"AWS_SHARED_CREDENTIALS_FILE": empty,
		"AWS_EC2_METADATA_DISABLED":   "true",
	} {
		t.Setenv(k, v)
	}
	for _, k := range []string{"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_REGION", "AWS_DEFAULT_REGION",
		"AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
		"AWS_MAX_ATTEMPTS", "AWS_RETRY_MODE", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN",
		"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI"} {
		unsetEnv(t, k)
	}
}

// unsetEnv removes a variable for the rest of the test.
func unsetEnv(t testing.TB, k string) {
	t.Setenv(k, "") // restores the old value at cleanup
	os.Unsetenv(k)
}

// recorder is a minimal Cognito endpoint: every operation answers an empty
// JSON object, and each request's operation and signing credential scope are
// recorded.
type recorder struct {
	mu       sync.Mutex
	requests []string // "Operation AccessKeyId/date/region/service"
}

func (rec *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	op := strings.TrimPrefix(r.Header.Get("X-Amz-Target"), "AWSCognitoIdentityProviderService.")
	_, credential, _ := strings.Cut(r.Header.Get("Authorization"), "Credential=")
	credential, _, _ = strings.Cut(credential, "/aws4_request")
	key, scope, _ := strings.Cut(credential, "/")
	_, scope, _ = strings.Cut(scope, "/") // drop the date
	rec.mu.Lock()
	rec.requests = append(rec.requests, op+" "+key+" "+scope)
	rec.mu.Unlock()
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	_, _ = io.WriteString(w, "{}")
}

func (rec *recorder) log() []string {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return append([]string(nil), rec.requests...)
}

// readOnePool reads one pool with one user through a Client built by New.
func readOnePool(t *testing.T, opts Options, poolID string) {
	t.Helper()
	c, err := New(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	live, err := c.ReadLive(context.Background(), state.ReadSet{poolID: {"alice"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if p := live.Pools[poolID]; p == nil || !p.Exists || p.Config.MfaConfiguration != state.ModeOff {
		t.Fatalf("pool = %s", dump(p))
	}
}

func TestNewHonoursEndpointSettings(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  map[string]string // "%s" is the recorder's URL
		flag bool
	}{
		{name: "AWS_ENDPOINT_URL", env: map[string]string{"AWS_ENDPOINT_URL": "%s"}},
		{name: "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER",
			env: map[string]string{"AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER": "%s", "AWS_ENDPOINT_URL": "http://127.0.0.1:1"}},
		{name: "--endpoint-url beats both",
			env:  map[string]string{"AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER": "http://127.0.0.1:1", "AWS_ENDPOINT_URL": "http://127.0.0.1:1"},
			flag: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			isolateAWSEnv(t)
			rec := &recorder{}
			srv := httptest.NewServer(rec)
			defer srv.Close()
			for k, v := range tc.env {
				t.Setenv(k, strings.ReplaceAll(v, "%s", srv.URL))
			}
			opts := Options{MaxAttempts: 1}
			if tc.flag {
				opts.EndpointURL = srv.URL
			}
			readOnePool(t, opts, "eu-west-1_Abc")
			if n := len(rec.log()); n != 3 {
				t.Errorf("endpoint got %d requests; want 3: %q", n, rec.log())
			}
		})
	}
}

func TestNewSignsEachPoolInItsOwnRegion(t *testing.T) {
	isolateAWSEnv(t)
	rec := &recorder{}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	c, err := New(context.Background(), Options{EndpointURL: srv.URL, Region: "ap-southeast-2", MaxAttempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ReadLive(context.Background(), state.ReadSet{"eu-west-1_A": nil, "us-east-2_B": nil}, nil); err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, r := range rec.log() {
		_, scope, _ := strings.Cut(r, " ")
		got[scope]++
	}
	want := map[string]int{"AKIDENVIRONMENT eu-west-1/cognito-idp": 2, "AKIDENVIRONMENT us-east-2/cognito-idp": 2}
	if len(got) != len(want) || got["AKIDENVIRONMENT eu-west-1/cognito-idp"] != 2 || got["AKIDENVIRONMENT us-east-2/cognito-idp"] != 2 {
		t.Errorf("signed as %v; want %v", got, want)
	}
}

func TestNewUsesTheProfile(t *testing.T) {
	isolateAWSEnv(t)
	unsetEnv(t, "AWS_ACCESS_KEY_ID")
	unsetEnv(t, "AWS_SECRET_ACCESS_KEY")
	credentials := filepath.Join(t.TempDir(), "credentials")
	err := os.WriteFile(credentials, []byte(
		"[default]\naws_access_key_id = AKIDDEFAULT\naws_secret_access_key = default-secret\n"+
			"[ops]\naws_access_key_id = AKIDOPS\naws_secret_access_key = ops-secret\n"), 0o600)
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", credentials)
	rec := &recorder{}
	srv := httptest.NewServer(rec)
	defer srv.Close()

	readOnePool(t, Options{EndpointURL: srv.URL, Profile: "ops", MaxAttempts: 1}, "eu-west-1_A")
	readOnePool(t, Options{EndpointURL: srv.URL, MaxAttempts: 1}, "eu-west-1_A")
	log := rec.log()
	if len(log) != 6 || !strings.Contains(log[0], " AKIDOPS ") || !strings.Contains(log[5], " AKIDDEFAULT ") {
		t.Errorf("requests = %q; want the ops profile's key, then the default's", log)
	}

	_, err = New(context.Background(), Options{Profile: "nope"})
	if err == nil || !strings.Contains(err.Error(), "nope") {
		t.Errorf("unknown profile: err = %v; want it named", err)
	}
	for _, secret := range []string{"ops-secret", "default-secret"} {
		if err != nil && strings.Contains(err.Error(), secret) {
			t.Errorf("error %q shows a secret key", err)
		}
	}
}

// With AWS_CA_BUNDLE set the SDK needs a buildable HTTP client; New must
// work with it set (and trust that bundle) and unset.
func TestNewWithAndWithoutCABundle(t *testing.T) {
	t.Run("set", func(t *testing.T) {
		isolateAWSEnv(t)
		srv := httptest.NewTLSServer(&recorder{})
		defer srv.Close()
		bundle := filepath.Join(t.TempDir(), "ca.pem")
		pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
		if err := os.WriteFile(bundle, pemBytes, 0o600); err != nil {
			t.Fatal(err)
		}
		t.Setenv("AWS_CA_BUNDLE", bundle)
		readOnePool(t, Options{EndpointURL: srv.URL, MaxAttempts: 1}, "eu-west-1_A")
	})
	t.Run("unset", func(t *testing.T) {
		isolateAWSEnv(t)
		unsetEnv(t, "AWS_CA_BUNDLE")
		srv := httptest.NewServer(&recorder{})
		defer srv.Close()
		readOnePool(t, Options{EndpointURL: srv.URL, MaxAttempts: 1}, "eu-west-1_A")
	})
}

func TestNewRejectsBadOptions(t *testing.T) {
	isolateAWSEnv(t)
	if _, err := New(context.Background(), Options{Rates: map[Category]float64{"Everything": 5}}); err == nil ||
		!strings.Contains(err.Error(), "UserRead") {
		t.Errorf("err = %v; want it to list the valid categories", err)
	}
	for _, endpoint := range []string{"127.0.0.1:9229", "ftp://127.0.0.1", "http://", "::"} {
		if _, err := New(context.Background(), Options{EndpointURL: endpoint}); err == nil || !strings.Contains(err.Error(), endpoint) {
			t.Errorf("--endpoint-url %q: err = %v; want it refused by name", endpoint, err)
		}
	}
}

func TestNewHonoursTheProfilesEndpointURL(t *testing.T) {
	isolateAWSEnv(t)
	rec := &recorder{}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	config := filepath.Join(t.TempDir(), "config")
	if err := os.WriteFile(config, []byte("[profile local]\nendpoint_url = "+srv.URL+"\naws_access_key_id = AKIDLOCAL\naws_secret_access_key = local-secret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_CONFIG_FILE", config)
	readOnePool(t, Options{Profile: "local", MaxAttempts: 1}, "eu-west-1_A")
	if n := len(rec.log()); n != 3 {
		t.Errorf("endpoint got %d requests; want 3", n)
	}
}

func TestMissingCredentialsAreExplained(t *testing.T) {
	isolateAWSEnv(t)
	unsetEnv(t, "AWS_ACCESS_KEY_ID")
	unsetEnv(t, "AWS_SECRET_ACCESS_KEY")
	srv := httptest.NewServer(&recorder{})
	defer srv.Close()
	c, err := New(context.Background(), Options{EndpointURL: srv.URL, MaxAttempts: 1})
	if err != nil {
		t.Fatalf("New needs no credentials yet: %v", err)
	}
	_, err = c.ReadLive(context.Background(), state.ReadSet{"eu-west-1_A": nil}, nil)
	var callErr *CallError
	if !errors.As(err, &callErr) || !strings.Contains(callErr.Meaning, "no usable AWS credentials") {
		t.Fatalf("err = %v; want it explained as missing credentials", err)
	}
	// What to do first; the SDK's chain, which few can read, last.
	if msg := err.Error(); !strings.HasPrefix(msg, "no usable AWS credentials were found: pick a profile") || strings.Index(msg, "get credentials") < strings.Index(msg, "aws sso login") {
		t.Errorf("message does not lead with the action:\n%s", msg)
	}
}

func TestAMissingProfileIsNamed(t *testing.T) {
	isolateAWSEnv(t)
	_, err := New(context.Background(), Options{Profile: "nosuch", EndpointURL: "http://127.0.0.1:9"})
	if err == nil || !strings.HasPrefix(err.Error(), `AWS profile "nosuch" does not exist in the shared config and credentials files`) || !strings.Contains(err.Error(), "aws configure list-profiles") {
		t.Fatalf("err = %v", err)
	}
}

func TestNewHonoursMaxAttemptsFromTheEnvironment(t *testing.T) {
	isolateAWSEnv(t)
	t.Setenv("AWS_MAX_ATTEMPTS", "2")
	var calls int
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		calls++
		mu.Unlock()
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = io.WriteString(w, `{"__type":"InternalErrorException","message":"boom"}`)
	}))
	defer srv.Close()
	c, err := New(context.Background(), Options{EndpointURL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.ReadLive(context.Background(), state.ReadSet{"eu-west-1_A": nil}, nil)
	var readErr *ReadError
	if !errors.As(err, &readErr) || readErr.Failures[0].Code != "InternalErrorException" {
		t.Fatalf("err = %v; want the pool's InternalErrorException", err)
	}
	if calls != 2 {
		t.Errorf("%d attempts; want AWS_MAX_ATTEMPTS=2", calls)
	}
}

func TestQuietLoggerDropsOnlyTheIMDSv1Fallback(t *testing.T) {
	var b strings.Builder
	l := quietLogger{&b}
	l.Logf(logging.Warn, "falling back to IMDSv1: %v", "token request failed")
	if b.Len() != 0 {
		t.Fatalf("the IMDSv1 fallback reached stderr: %q", b.String())
	}
	l.Logf(logging.Warn, "Response has no supported checksum")
	if !strings.Contains(b.String(), "WARN Response has no supported checksum") {
		t.Fatalf("another SDK warning was dropped: %q", b.String())
	}
}
