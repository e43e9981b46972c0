package emulator_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"

	"github.com/mfactl/mfactl/emulator"
)

// benchServer is an emulator with quotas off, on a real loopback
// listener, seeded with 1,000 users.
func benchServer(b *testing.B) string {
	b.Helper()
	s, url := emulator.NewTestServer(b, emulator.Options{QuotaScale: 0})
	if err := s.Seed(bytes.NewReader(seedJSON(1000))); err != nil {
		b.Fatal(err)
	}
	return url
}

func reportRate(b *testing.B) {
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}

// BenchmarkAdminGetUserSDK measures AdminGetUser through the real SDK
// client (signing, serialisation, deserialisation) over loopback, with as
// many concurrent callers as GOMAXPROCS.
func BenchmarkAdminGetUserSDK(b *testing.B) {
	url := benchServer(b)
	c := newClient(url, "us-east-1")
	in := &cip.AdminGetUserInput{UserPoolId: aws.String("us-east-1_Big"), Username: aws.String("user000500")}
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := c.AdminGetUser(b.Context(), in); err != nil {
				b.Error(err)
				return
			}
		}
	})
	reportRate(b)
}

// BenchmarkAdminGetUserRawHTTP measures the emulator alone: pre-built
// JSON 1.1 requests over keep-alive loopback connections.
func BenchmarkAdminGetUserRawHTTP(b *testing.B) {
	url := benchServer(b)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	body := `{"UserPoolId":"us-east-1_Big","Username":"user000500"}`
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req, _ := emulator.NewRequest(context.Background(), url, "us-east-1", "AdminGetUser", strings.NewReader(body))
			resp, err := client.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				b.Errorf("status %d", resp.StatusCode)
				return
			}
		}
	})
	reportRate(b)
}
