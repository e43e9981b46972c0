package cmd

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"sync"
	"testing"
	"time"

	"github.com/mfactl/mfactl/emulator"
	"github.com/mfactl/mfactl/internal/cognito/cognitotest"
	"github.com/mfactl/mfactl/internal/iostreams"
)

// BenchmarkReportResume interrupts a report of a whole pool half-way
// through its reads and resumes it with --resume: the resumed report must
// count what seedMixedPool seeded, and the emulator must have answered
// exactly one AdminGetUser per user over the two runs (none read twice).
// The emulator enforces Cognito's quotas at 10× (UserRead 1,200/s) and
// mfactl is told the same rates. It reports the reads over both runs and
// the time of both runs together as a ratio to the floor of N reads at
// the quota. N is 12,000, or the comma-separated sizes of
// MFACTL_BENCH_USERS (100,000 takes about 90 s).
func BenchmarkReportResume(b *testing.B) {
	for _, n := range cognitotest.BenchUsers(b, 12000) {
		b.Run(fmt.Sprintf("users=%d", n), func(b *testing.B) { benchmarkReportResume(b, n) })
	}
}

func benchmarkReportResume(b *testing.B, users int) {
	const scale = 10.0
	quota := emulator.CategoryRate("UserRead") * scale
	want := map[string]int{"NoMFA": 0, "SMSOnly": 0, "TOTP": 0, "Email": 0, "LegacyMFAOptions": 0, "Unknown": 0}
	for i := range users { // seedMixedPool's users, by state
		want[[]string{"NoMFA", "SMSOnly", "TOTP", "Email", "LegacyMFAOptions", "TOTP"}[i%6]]++
	}
	var reads, interruptedAt int
	var total, firstRuns, secondRuns time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		ctx, cancel := context.WithCancel(context.Background())
		var mu sync.Mutex
		got := 0
		emu, url := emulator.NewTestServer(b, emulator.Options{QuotaScale: scale, OnCall: func(rec emulator.CallRecord, _ time.Duration) {
			if rec.Operation != "AdminGetUser" || rec.Error != "" {
				return
			}
			mu.Lock()
			defer mu.Unlock()
			if got++; got == users/2 {
				cancel() // as Ctrl-C does
			}
		}})
		seedMixedPool(b, emu, users)
		run := func(ctx context.Context, extra ...string) (map[string]any, time.Duration, error) {
			ios, _, out, _ := iostreams.TestStreams()
			root := NewRootCmd(NewFactory(ios))
			root.SetArgs(append([]string{"report", "--user-pool-id", reportPool, "-o", "json", "--endpoint-url", url,
				"--rate", fmt.Sprintf("UserRead=%g", quota), "--rate", fmt.Sprintf("UserList=%g", 30*scale)}, extra...))
			start := time.Now()
			err := root.ExecuteContext(ctx)
			took := time.Since(start)
			var doc map[string]any
			if jerr := json.Unmarshal(out.Bytes(), &doc); jerr != nil {
				b.Fatalf("-o json is not one JSON document (%v):\n%s", jerr, out)
			}
			return doc, took, err
		}
		b.StartTimer()
		doc, first, err := run(ctx)
		if ExitCode(err) != ExitInterrupted || doc["Outcome"] != "interrupted" {
			b.Fatalf("the first run was not interrupted: %v, outcome %v", err, doc["Outcome"])
		}
		mu.Lock()
		interruptedAt = got
		mu.Unlock()
		doc, second, err := run(context.Background(), "--resume")
		b.StopTimer()
		cancel()
		if err != nil {
			b.Fatalf("resumed: %v", err)
		}
		counts := map[string]int{}
		for k, v := range doc["Pools"].([]any)[0].(map[string]any)["Counts"].(map[string]any) {
			counts[k] = int(v.(float64))
		}
		if !maps.Equal(counts, want) {
			b.Fatalf("the resumed report counts %v, want %v", counts, want)
		}
		stats := emu.Stats()
		reads = stats.Operations["AdminGetUser"].Calls - stats.Operations["AdminGetUser"].Throttled
		if reads != users {
			b.Fatalf("%d AdminGetUser over both runs for %d users: a user was read twice", reads, users)
		}
		total += first + second
		firstRuns += first
		secondRuns += second
	}
	floor := time.Duration(float64(users) / quota * float64(time.Second))
	b.ReportMetric(float64(reads), "reads")
	b.ReportMetric(float64(interruptedAt), "reads-before-interrupt")
	b.ReportMetric(floor.Seconds(), "floor-s")
	b.ReportMetric(total.Seconds()/float64(b.N), "s/op-both-runs")
	b.ReportMetric(firstRuns.Seconds()/float64(b.N), "s/op-interrupted")
	b.ReportMetric(secondRuns.Seconds()/float64(b.N), "s/op-resumed")
	b.ReportMetric(total.Seconds()/float64(b.N)/floor.Seconds(), "time-ratio-to-floor")
}
