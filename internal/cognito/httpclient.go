package cognito

import (
	"bytes"
	"fmt"
	"io"
	"net/http"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// InMemoryBodies wraps the SDK's HTTP client so that net/http gets each
// request body as an in-memory copy.
//
// For a body it does not know to be in memory, net/http flushes the headers,
// streams the body, then reads it once more to check for extra bytes. A fast
// server can answer before that last read, and the SDK closes its body as
// soon as the answer arrives; the read then fails and net/http closes the
// connection under the response being read: "use of closed network
// connection" on a call that had succeeded (aws/aws-sdk-go-v2#2737). Cognito
// request bodies are small JSON documents the SDK already holds in memory, so
// the copy is cheap, and net/http writes an in-memory body in one go.
//
// Wrap the client after the SDK's config has been loaded: the config applies
// AWS_CA_BUNDLE only to its own client type.
func InMemoryBodies(next aws.HTTPClient) aws.HTTPClient {
	return inMemoryBodies{next}
}

type inMemoryBodies struct{ next aws.HTTPClient }

func (c inMemoryBodies) Do(req *http.Request) (*http.Response, error) {
	if req.Body != nil && req.Body != http.NoBody {
		body, err := io.ReadAll(req.Body)
		_ = req.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("reading the request body: %w", err)
		}
		req = req.Clone(req.Context())
		req.Body = io.NopCloser(bytes.NewReader(body))
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	}
	return c.next.Do(req)
}
