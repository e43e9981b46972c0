package emulator

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
)

// TB is the part of testing.TB that NewTestServer needs.
type TB interface {
	Helper()
	Cleanup(func())
}

// NewTestServer starts an in-process emulator on a loopback httptest
// server that stops when the test ends, and returns it with its URL (the
// endpoint to give an SDK client as BaseEndpoint).
func NewTestServer(tb TB, opts Options) (*Server, string) {
	tb.Helper()
	s := New(opts)
	ts := httptest.NewServer(s)
	tb.Cleanup(ts.Close)
	return s, ts.URL
}

// NewRequest is a raw call of op with a JSON body, as tests send one
// without an SDK: JSON 1.1 with a SigV4-shaped Authorization header for
// region, from which the emulator takes the Region (it checks no
// signature, and neither does cognito-local).
func NewRequest(ctx context.Context, url, region, op string, body io.Reader) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, body)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService."+op)
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDTEST/20260101/"+region+"/cognito-idp/aws4_request, SignedHeaders=host;x-amz-target, Signature=0")
	return req, nil
}
