package views

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/mfactl/mfactl/apply"
	"github.com/mfactl/mfactl/internal/cognito/cognitotest"
	"github.com/mfactl/mfactl/internal/iostreams"
	"github.com/mfactl/mfactl/internal/state"
	"github.com/mfactl/mfactl/internal/token"
	"github.com/mfactl/mfactl/internal/usecase"
)

// reportMemoryBar is the peak heap (300 MiB) a report of 1,000,000 users may take
// (issue 23).
const reportMemoryBar = 300 << 20

// BenchmarkReportMemory measures the peak heap of `mfactl report
// --user-pool-id` over a whole pool of N users, read and then printed as
// JSON (which names every user without MFA) and as CSV (a line per user),
// to io.Discard. N is 100,000, or the comma-separated sizes of
// MFACTL_BENCH_USERS (e.g. 100000,300000,1000000). Cognito is a generated
// pool (cognitotest), which makes each user as it is asked for and holds
// none, so the heap sampled (every millisecond, garbage not yet collected
// included) is the report's alone. Half the users have no MFA factor, the
// rest SMS, TOTP or email: the list of users without MFA is as long as it
// gets in a pool that has any MFA at all. held-B/user is what the report
// holds once read, without the garbage: its cost per user.
func BenchmarkReportMemory(b *testing.B) {
	for _, n := range cognitotest.BenchUsers(b, 100_000) {
		for _, f := range []Format{JSON, CSV} {
			b.Run(fmt.Sprintf("users=%d/%s", n, f), func(b *testing.B) { benchmarkReportMemory(b, n, f) })
		}
		b.Run(fmt.Sprintf("users=%d/json/resumed-at-half", n), func(b *testing.B) { benchmarkResumedReportMemory(b, n) })
	}
}

// halfWithoutMFA is user i of the benchmark's pool: no factor for even i,
// and SMS, TOTP or email for the others.
func halfWithoutMFA(i int) *state.LiveUser {
	u := &state.LiveUser{Exists: true, HasPhoneNumber: true, HasEmail: true}
	on := &state.FactorSettings{Enabled: true, PreferredMfa: true}
	switch {
	case i%2 == 0:
	case i%3 == 0:
		u.Settings.SoftwareTokenMfaSettings = on
	case i%5 == 0:
		u.Settings.EmailMfaSettings = on
	default:
		u.Settings.SMSMfaSettings = on
	}
	return u
}

// poolClient is a usecase.Cognito that reads pool and can do nothing else.
type poolClient struct {
	usecase.LiveReader
	usecase.Importing
	usecase.LegacyReading
	usecase.SelfService
	usecase.Selecting
	apply.Cognito
}

func benchmarkReportMemory(b *testing.B, n int, f Format) {
	pool := &cognitotest.GeneratedPool{N: n, User: halfWithoutMFA}
	s := usecase.NewSession(func(context.Context, *token.Token) (usecase.Cognito, error) {
		return poolClient{LiveReader: pool, Selecting: pool}, nil
	})
	io := &iostreams.IOStreams{In: strings.NewReader(""), Out: io.Discard, ErrOut: io.Discard, NoColor: true}
	view, err := NewReport(f, io, Options{})
	if err != nil {
		b.Fatal(err)
	}
	var peakBytes, heldBytes uint64
	b.ReportAllocs()
	for b.Loop() {
		runtime.GC()
		peak := cognitotest.WatchHeap()
		start := time.Now()
		rep, err := s.Report(context.Background(), usecase.ReportOptions{UserPoolId: cognitotest.GeneratedPoolID})
		if err == nil {
			err = view.Report(rep)
		}
		elapsed := time.Since(start)
		peakBytes = max(peakBytes, peak())
		if err != nil {
			b.Fatal(err)
		}
		if p := rep.Pools[0]; p.Read != n || p.Counts[usecase.StateNoMFA] != (n+1)/2 {
			b.Fatalf("read %d users, %d without MFA; want %d, %d", p.Read, p.Counts[usecase.StateNoMFA], n, (n+1)/2)
		}
		b.ReportMetric(float64(elapsed.Microseconds())/float64(n), "wall-µs/user")
		// What the report itself holds once printed: the heap after a
		// collection, less the heap before the run.
		var before, after runtime.MemStats
		rep = nil
		runtime.GC()
		runtime.ReadMemStats(&before)
		rep, _ = s.Report(context.Background(), usecase.ReportOptions{UserPoolId: cognitotest.GeneratedPoolID})
		runtime.GC()
		runtime.ReadMemStats(&after)
		runtime.KeepAlive(rep)
		heldBytes = after.HeapAlloc - min(before.HeapAlloc, after.HeapAlloc)
	}
	b.ReportMetric(float64(peakBytes)/(1<<20), "peak-MiB")
	b.ReportMetric(float64(peakBytes)/float64(n), "peak-B/user")
	b.ReportMetric(float64(heldBytes)/float64(n), "held-B/user")
	b.ReportMetric(float64(peakBytes)/reportMemoryBar, "of-300MiB")
}

// benchmarkResumedReportMemory is benchmarkReportMemory's JSON for a
// report interrupted once half its users were read, then resumed
// (--resume): the peak of the resumed run, which takes the first half's
// reads from the checkpoint.
func benchmarkResumedReportMemory(b *testing.B, n int) {
	var peakBytes uint64
	for b.Loop() {
		dir := b.TempDir()
		pool := &cognitotest.GeneratedPool{N: n, User: halfWithoutMFA}
		s := usecase.NewSession(func(context.Context, *token.Token) (usecase.Cognito, error) {
			return poolClient{LiveReader: pool, Selecting: pool}, nil
		})
		ctx, cancel := context.WithCancel(context.Background())
		pool.BeforeRead = func(reads int64) error {
			if reads == int64(n/2) {
				cancel()
			}
			return nil
		}
		opts := usecase.ReportOptions{UserPoolId: cognitotest.GeneratedPoolID, CheckpointDir: dir}
		if _, err := s.Report(ctx, opts); ctx.Err() == nil {
			b.Fatalf("the first run was not interrupted: %v", err)
		}
		pool.BeforeRead = nil
		first := pool.Reads.Load()
		s = usecase.NewSession(func(context.Context, *token.Token) (usecase.Cognito, error) {
			return poolClient{LiveReader: pool, Selecting: pool}, nil
		})
		io := &iostreams.IOStreams{In: strings.NewReader(""), Out: io.Discard, ErrOut: io.Discard, NoColor: true}
		view, _ := NewReport(JSON, io, Options{})
		runtime.GC()
		peak := cognitotest.WatchHeap()
		opts.Resume = true
		rep, err := s.Report(context.Background(), opts)
		if err == nil {
			err = view.Report(rep)
		}
		peakBytes = max(peakBytes, peak())
		if err != nil {
			b.Fatal(err)
		}
		if p := rep.Pools[0]; p.Read != n || pool.Reads.Load() != int64(n) {
			b.Fatalf("resumed: read %d users, %d reads over both runs (%d in the first); want %d", p.Read, pool.Reads.Load(), first, n)
		}
	}
	b.ReportMetric(float64(peakBytes)/(1<<20), "peak-MiB")
	b.ReportMetric(float64(peakBytes)/float64(n), "peak-B/user")
	b.ReportMetric(float64(peakBytes)/reportMemoryBar, "of-300MiB")
}
