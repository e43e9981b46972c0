package schema

import (
	"fmt"
	"strings"
	"testing"
)

// largePool is one pool with n users, about 110 bytes of YAML per user.
func largePool(n int) []byte {
	var b strings.Builder
	b.WriteString("Version: 1\nUserPools:\n  - UserPoolId: eu-west-1_Big0Pool\n    MfaConfiguration: ON\n    SoftwareTokenMfaConfiguration: {Enabled: true}\n    Users:\n")
	for i := range n {
		fmt.Fprintf(&b, "      - Username: user-%06d@example.com\n        SoftwareTokenMfaSettings: {Enabled: true, PreferredMfa: true}\n", i)
	}
	return []byte(b.String())
}

// BenchmarkLoadLargePool measures loading one pool of 10,000 users
// (about 1 MiB): the cost per user of the three validation layers.
func BenchmarkLoadLargePool(b *testing.B) {
	data := largePool(10_000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if d, diags := LoadBytes("big.yaml", data); len(diags) > 0 || len(d.Pools[0].Users) != 10_000 {
			b.Fatalf("%d diagnostics", len(diags))
		}
	}
}
