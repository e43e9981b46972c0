package cognito

import (
	"bytes"
	"fmt"
	"io"
	"net/http"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// InMemoryBodies wraps the SDK's HTTP client so that net/http gets each
// request body as an in-memory copy. The SDK closes
// its own body as soon as the response arrives, and net/http may still be
// checking that body for extra bytes at that moment (it streams bodies it
// cannot see the size of after flushing the headers, so a fast server can
// answer first). That check then fails, and net/http closes the connection
// under the response being read: "use of closed network connection" on a
// call that had succeeded (aws/aws-sdk-go-v2#2737). Cognito request bodies
// are small JSON documents the SDK already holds in memory, so the copy is
// cheap, and a body net/http knows to be in memory is written in one go.
//
// It wraps the client after the SDK's config has been loaded, because the
// config only applies AWS_CA_BUNDLE to its own client type.
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
