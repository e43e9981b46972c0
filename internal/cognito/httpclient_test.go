package cognito

import (
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
)

// closingBody behaves like the SDK's request body: once closed, it reads as
// empty, whoever else still holds it.
type closingBody struct {
	mu     sync.Mutex
	r      io.Reader
	closed bool
}

func (b *closingBody) Read(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return 0, io.EOF
	}
	return b.r.Read(p)
}

func (b *closingBody) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.closed = true
	return nil
}

type doFunc func(*http.Request) (*http.Response, error)

func (f doFunc) Do(r *http.Request) (*http.Response, error) { return f(r) }

// The SDK closes its request body when the response arrives, possibly while
// net/http is still reading it. What net/http sends must not depend on that.
func TestInMemoryBodiesSurviveTheSDKClosingItsBody(t *testing.T) {
	const payload = `{"UserPoolId":"us-east-1_abc","Username":"alice"}`
	sdkBody := &closingBody{r: strings.NewReader(payload)}
	req, err := http.NewRequest(http.MethodPost, "http://127.0.0.1:1/", sdkBody)
	if err != nil {
		t.Fatal(err)
	}
	req.ContentLength = int64(len(payload))

	var sent, resent string
	client := inMemoryBodies{doFunc(func(r *http.Request) (*http.Response, error) {
		_ = sdkBody.Close() // the response "arrived" before net/http finished
		b, _ := io.ReadAll(r.Body)
		sent = string(b)
		again, err := r.GetBody()
		if err != nil {
			t.Fatal(err)
		}
		b, _ = io.ReadAll(again)
		resent = string(b)
		return &http.Response{StatusCode: http.StatusOK, Body: http.NoBody}, nil
	})}
	if _, err := client.Do(req); err != nil {
		t.Fatal(err)
	}
	if sent != payload || resent != payload {
		t.Fatalf("body sent %q, GetBody %q; want %q both times", sent, resent, payload)
	}
	if req.ContentLength != int64(len(payload)) {
		t.Fatalf("ContentLength changed to %d", req.ContentLength)
	}
}

func TestInMemoryBodiesPassRequestsWithoutBodyThrough(t *testing.T) {
	req, _ := http.NewRequest(http.MethodGet, "http://127.0.0.1:1/", nil)
	var got *http.Request
	client := inMemoryBodies{doFunc(func(r *http.Request) (*http.Response, error) {
		got = r
		return &http.Response{StatusCode: http.StatusOK, Body: http.NoBody}, nil
	})}
	if _, err := client.Do(req); err != nil {
		t.Fatal(err)
	}
	if got != req {
		t.Fatal("a request without a body was copied")
	}
}
