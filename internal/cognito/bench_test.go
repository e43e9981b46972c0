package cognito

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/mfactl/mfactl/emulator"
	"github.com/mfactl/mfactl/internal/state"
)

// BenchmarkReadLiveAgainstEmulator reads one pool's users through the real
// SDK from an emulator whose quotas are Cognito's times scale, with the
// client's rates set to the same quotas, or (overrate) to twice them, as when
// --rate is set too high or another client shares the account's quota.
// "users/s" is the achieved AdminGetUser rate and "ratio" that rate over the
// server's UserRead quota: how close mfactl runs to the fastest any client
// may go.
func BenchmarkReadLiveAgainstEmulator(b *testing.B) {
	for _, bc := range []struct {
		scale, overrate float64
	}{{1, 1}, {10, 1}, {10, 2}} {
		b.Run(fmt.Sprintf("quota=%gx/client=%gx", bc.scale, bc.overrate), func(b *testing.B) {
			scale := bc.scale
			isolateAWSEnv(b)
			quota := defaultRates[UserRead] * scale
			const pool = "eu-west-1_Bench"
			e := startEmulator(b, emulator.Options{QuotaScale: scale}, "eu-west-1")
			names := e.seedUsers(b, pool, int(3*quota)) // about three seconds of reads
			rates := map[Category]float64{}
			for c, rps := range defaultRates {
				rates[c] = rps * scale * bc.overrate
			}
			c := newE2EClient(b, Options{EndpointURL: e.url, Rates: rates})
			rs := state.ReadSet{pool: names}
			// One untimed read spends the server's initial burst and lets an
			// overrated client settle: the figure is the steady state.
			if _, err := c.ReadLive(context.Background(), rs, nil); err != nil {
				b.Fatal(err)
			}
			e.ResetStats()
			b.ResetTimer()
			var elapsed time.Duration
			for range b.N {
				start := time.Now()
				if _, err := c.ReadLive(context.Background(), rs, nil); err != nil {
					b.Fatal(err)
				}
				elapsed += time.Since(start)
			}
			usersPerSecond := float64(b.N*len(names)) / elapsed.Seconds()
			b.ReportMetric(usersPerSecond, "users/s")
			b.ReportMetric(usersPerSecond/quota, "ratio")
			b.ReportMetric(float64(e.Stats().Operations["AdminGetUser"].Throttled)/float64(b.N), "throttled/op")
		})
	}
}
