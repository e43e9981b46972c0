package views

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
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
// gets in a pool that has any MFA at all.
func BenchmarkReportMemory(b *testing.B) {
	sizes := []int{100_000}
	if env := os.Getenv("MFACTL_BENCH_USERS"); env != "" {
		sizes = nil
		for _, f := range strings.Split(env, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || n <= 0 {
				b.Fatalf("MFACTL_BENCH_USERS=%q: want sizes like 100000,1000000", env)
			}
			sizes = append(sizes, n)
		}
	}
	for _, n := range sizes {
		for _, f := range []Format{JSON, CSV} {
			b.Run(fmt.Sprintf("users=%d/%s", n, f), func(b *testing.B) { benchmarkReportMemory(b, n, f) })
		}
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
	var peakBytes uint64
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
	}
	b.ReportMetric(float64(peakBytes)/(1<<20), "peak-MiB")
	b.ReportMetric(float64(peakBytes)/float64(n), "peak-B/user")
	b.ReportMetric(float64(peakBytes)/reportMemoryBar, "of-300MiB")
}
