package cognito

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"syscall"
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
			measureReads(b, e, c, state.ReadSet{pool: names}, quota, nil)
		})
	}
}

// BenchmarkReadLiveRaisedQuota reads a pool's users with UserRead raised
// (UpdateProvisionedLimit on the emulator, --rate on the client) and a
// round trip added to every call: in-flight requests must grow with the
// rate and the latency (Little's law) for the reads to keep up with the
// quota. "ratio" is the achieved rate over the raised quota (1.0 is the
// floor's pace: the pool's reads cost nothing, as the budget they leave
// unspent is made up, see catchUp); throttles surfaced must be 0.
func BenchmarkReadLiveRaisedQuota(b *testing.B) {
	for _, bc := range []struct {
		quota   int
		latency time.Duration
	}{{1200, 0}, {1200, 50 * time.Millisecond}, {2000, 200 * time.Millisecond}} {
		b.Run(fmt.Sprintf("quota=%d/rtt=%s", bc.quota, bc.latency), func(b *testing.B) {
			isolateAWSEnv(b)
			const pool = "eu-west-1_Raised"
			e := startEmulator(b, emulator.Options{QuotaScale: 1, Latency: bc.latency}, "eu-west-1")
			raiseQuota(b, e.url, "eu-west-1", "UserRead", bc.quota)
			names := e.seedUsers(b, pool, 3*bc.quota) // about three seconds of reads
			c := newE2EClient(b, Options{EndpointURL: e.url, Rates: map[Category]float64{UserRead: float64(bc.quota)}})
			measureReads(b, e, c, state.ReadSet{pool: names}, float64(bc.quota), nil)
		})
	}
}

// BenchmarkReadLiveUnderCPUContention reads at 10× Cognito's quota while
// other goroutines keep every core busy, so that the readers stall now and
// then: a pacer that saves what a stall left unspent (catchUp) makes it up
// within the per-second quota; catch-up=0s is the pacer without it. "ratio" is achieved over the quota; the
// emulator enforces the quota, so throttled/op shows any overshoot.
func BenchmarkReadLiveUnderCPUContention(b *testing.B) {
	for _, saved := range []time.Duration{catchUp, 0} {
		b.Run(fmt.Sprintf("catch-up=%s", saved), func(b *testing.B) {
			defer func(was time.Duration) { catchUp = was }(catchUp)
			catchUp = saved
			benchmarkReadLiveUnderCPUContention(b)
		})
	}
}

func benchmarkReadLiveUnderCPUContention(b *testing.B) {
	isolateAWSEnv(b)
	const scale = 10.0
	quota := defaultRates[UserRead] * scale
	const pool = "eu-west-1_Busy"
	e := startEmulator(b, emulator.Options{QuotaScale: scale}, "eu-west-1")
	names := e.seedUsers(b, pool, int(3*quota))
	rates := map[Category]float64{}
	for cat, rps := range defaultRates {
		rates[cat] = rps * scale
	}
	c := newE2EClient(b, Options{EndpointURL: e.url, Rates: rates})
	measureReads(b, e, c, state.ReadSet{pool: names}, quota, burnCPU)
}

// burnCPU keeps every core busy until the function it returns is called.
func burnCPU() (stop func()) {
	done := make(chan struct{})
	var burners sync.WaitGroup
	for range 2 * runtime.GOMAXPROCS(0) {
		burners.Go(func() {
			x := 0
			for {
				select {
				case <-done:
					return
				default:
				}
				for i := range 1_000_000 { // a few ms of CPU between looks
					x += i
				}
				_ = x
			}
		})
	}
	return func() { close(done); burners.Wait() }
}

// measureReads reads rs b.N times and reports the users read a second,
// that rate over quota ("ratio") and the throttles the emulator counted. One
// untimed read first opens the connections, spends the server's initial
// burst and lets an overrated client settle: the figures are the steady
// state. load, if set, runs from then until the timed reads end.
func measureReads(b *testing.B, e *testEmulator, c *Client, rs state.ReadSet, quota float64, load func() (stop func())) {
	if _, err := c.ReadLive(context.Background(), rs, nil); err != nil {
		b.Fatal(err)
	}
	e.ResetStats()
	users := 0
	for _, names := range rs {
		users += len(names)
	}
	if load != nil {
		stop := load()
		defer stop()
	}
	b.ResetTimer()
	var elapsed time.Duration
	for range b.N {
		start := time.Now()
		if _, err := c.ReadLive(context.Background(), rs, nil); err != nil {
			b.Fatal(err)
		}
		elapsed += time.Since(start)
	}
	b.StopTimer()
	usersPerSecond := float64(b.N*users) / elapsed.Seconds()
	b.ReportMetric(usersPerSecond, "users/s")
	b.ReportMetric(usersPerSecond/quota, "ratio")
	b.ReportMetric(float64(e.Stats().Operations["AdminGetUser"].Throttled)/float64(b.N), "throttled/op")
}

// BenchmarkPacingCPU is the CPU one paced read costs over one unpaced
// read: the same reads through the same SDK client from a quota-free
// emulator in this process, once at a rate that paces (1,000/s) and once
// at a rate that never does. Both figures include the emulator's CPU,
// which the difference cancels.
func BenchmarkPacingCPU(b *testing.B) {
	isolateAWSEnv(b)
	const pool = "eu-west-1_Cpu"
	e := startEmulator(b, emulator.Options{}, "eu-west-1")
	names := e.seedUsers(b, pool, 1000)
	rs := state.ReadSet{pool: names}
	perCall := func(rps float64) time.Duration {
		c := newE2EClient(b, Options{EndpointURL: e.url, Rates: map[Category]float64{UserRead: rps, UserPoolResourceRead: rps, UserPoolRead: rps}})
		if _, err := c.ReadLive(context.Background(), rs, nil); err != nil { // warm connections
			b.Fatal(err)
		}
		before := processCPU()
		if _, err := c.ReadLive(context.Background(), rs, nil); err != nil {
			b.Fatal(err)
		}
		return (processCPU() - before) / time.Duration(len(names))
	}
	var paced, unpaced time.Duration
	for range b.N {
		unpaced += perCall(1e9)
		paced += perCall(1000)
	}
	n := time.Duration(b.N)
	b.ReportMetric(float64((paced / n).Microseconds()), "paced-cpu-µs/call")
	b.ReportMetric(float64((unpaced / n).Microseconds()), "unpaced-cpu-µs/call")
	b.ReportMetric(float64((paced-unpaced).Microseconds())/float64(b.N), "pacing-cpu-µs/call")
}

// raiseQuota raises a category's quota on the emulator, as an account
// owner would with UpdateProvisionedLimit.
func raiseQuota(t testing.TB, url, region, category string, value int) {
	t.Helper()
	body := fmt.Sprintf(`{"LimitDefinition":{"LimitClass":"API_CATEGORY","Attributes":{"Category":%q}},"RequestedLimitValue":%d}`, category, value)
	req, err := emulator.NewRequest(context.Background(), url, region, "UpdateProvisionedLimit", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		out, _ := io.ReadAll(resp.Body)
		t.Fatalf("UpdateProvisionedLimit %s=%d: %d %s", category, value, resp.StatusCode, out)
	}
}

// processCPU is the CPU time the process has used, user and system.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		panic(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
