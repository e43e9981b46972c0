package usecase

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/mfactl/mfactl/internal/cognito/cognitotest"
	"github.com/mfactl/mfactl/internal/state"
	"github.com/mfactl/mfactl/internal/token"
)

// localCost is what one size of BenchmarkPlanLocal measured, per user.
type localCost struct {
	users              int
	cpuPerUser         time.Duration // user + system CPU of the process, GC included
	peakBytes, perUser float64       // peak heap during one run
}

var localCosts sync.Map // users → localCost, for the 1M extrapolation

// BenchmarkPlanLocal measures mfactl's own cost of planning N declared
// users, without Cognito's: loading and validating the files (10,000
// users per file), diffing against live state (already read, as ReadLive
// returns it) and ordering the calls: Session.Plan with a Cognito that
// answers at once. It reports CPU time per user (all threads, GC
// included), wall time per user and the peak heap of one run, and at 1M
// users also the extrapolation from the three smaller sizes.
func BenchmarkPlanLocal(b *testing.B) {
	for _, n := range []int{1_000, 10_000, 100_000, 1_000_000} {
		b.Run(fmt.Sprintf("users=%d", n), func(b *testing.B) { benchmarkPlanLocal(b, n) })
	}
}

func benchmarkPlanLocal(b *testing.B, n int) {
	const perFile = 10_000
	dir := b.TempDir()
	var files []string
	for first := 0; first < n; first += perFile {
		path := filepath.Join(dir, fmt.Sprintf("users-%03d.yaml", first/perFile))
		if err := os.WriteFile(path, benchUsersFile(first, min(n, first+perFile), first == 0), 0o600); err != nil {
			b.Fatal(err)
		}
		files = append(files, path)
	}
	live := benchLive(n)
	s := NewSession(func(context.Context, *token.Token) (Cognito, error) {
		return ports{LiveReader: liveOnly{live: live}}, nil
	})
	want := n / 10 // users that change

	b.ReportAllocs()
	runtime.GC()
	peak := watchHeap()
	before := cpuTime()
	b.ResetTimer()
	for b.Loop() {
		planned, err := s.Plan(context.Background(), PlanOptions{Files: files})
		if err != nil || planned.InputInvalid() || planned.Plan.Diagnostics.HasErrors() || len(planned.Plan.Calls) != want {
			b.Fatalf("plan: %v; %d input diagnostics; calls %d, want %d", err, len(planned.Input), len(planned.Plan.Calls), want)
		}
	}
	b.StopTimer()
	cpu := cpuTime() - before
	c := localCost{users: n, cpuPerUser: cpu / time.Duration(b.N*n), peakBytes: float64(peak())}
	c.perUser = c.peakBytes / float64(n)
	localCosts.Store(n, c)
	b.ReportMetric(float64(c.cpuPerUser.Nanoseconds())/1e3, "cpu-µs/user")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n)/1e3, "wall-µs/user")
	b.ReportMetric(c.peakBytes/(1<<20), "peak-MiB")
	b.ReportMetric(c.perUser, "peak-B/user")
	if n == 1_000_000 {
		cpuFit, memFit := extrapolate(1_000_000)
		b.ReportMetric(cpuFit.Seconds(), "fit-cpu-s@1M")
		b.ReportMetric(memFit/(1<<20), "fit-peak-MiB@1M")
	}
}

// extrapolate fits cost = fixed + n × per-user through the smaller sizes
// (least squares) and returns the fit's CPU time and peak heap at n.
func extrapolate(n int) (time.Duration, float64) {
	var xs, cpu, mem []float64
	localCosts.Range(func(k, v any) bool {
		if c := v.(localCost); c.users < n {
			xs = append(xs, float64(c.users))
			cpu = append(cpu, float64(c.cpuPerUser)*float64(c.users))
			mem = append(mem, c.peakBytes)
		}
		return true
	})
	fit := func(ys []float64) float64 {
		if len(xs) < 2 {
			return 0
		}
		var sx, sy, sxx, sxy float64
		for i, x := range xs {
			sx, sy, sxx, sxy = sx+x, sy+ys[i], sxx+x*x, sxy+x*ys[i]
		}
		k := float64(len(xs))
		slope := (k*sxy - sx*sy) / (k*sxx - sx*sx)
		return (sy-slope*sx)/k + slope*float64(n)
	}
	return time.Duration(fit(cpu)), fit(mem)
}

// benchUsersFile declares users [from, to) of one pool: OPTIONAL with SMS
// and TOTP; even users on SMS, odd ones on TOTP, in the two spellings
// people write (block and flow mappings). The first file also sets the
// pool-level fields.
func benchUsersFile(from, to int, poolFields bool) []byte {
	var b strings.Builder
	b.WriteString("Version: 1\nUserPools:\n  - UserPoolId: eu-west-1_Bench0Pool\n")
	if poolFields {
		b.WriteString("    MfaConfiguration: OPTIONAL\n    SmsMfaConfiguration: {Enabled: true}\n    SoftwareTokenMfaConfiguration:\n      Enabled: true\n")
	}
	b.WriteString("    Users:\n")
	for i := from; i < to; i++ {
		if i%2 == 0 {
			fmt.Fprintf(&b, "      - Username: user-%07d@example.com\n        SMSMfaSettings: {Enabled: true, PreferredMfa: true}\n", i)
		} else {
			fmt.Fprintf(&b, "      - Username: user-%07d@example.com\n        SoftwareTokenMfaSettings:\n          Enabled: true\n          PreferredMfa: true\n", i)
		}
	}
	return []byte(b.String())
}

// benchLive is the pool as ReadLive reports it: every user exists with a
// phone number; one in ten is not enrolled yet, the others are as declared.
func benchLive(n int) state.Live {
	on := func(preferred bool) *state.FactorSettings {
		return &state.FactorSettings{Enabled: true, PreferredMfa: preferred}
	}
	off := &state.FactorSettings{}
	pool := &state.LivePool{UserPoolId: "eu-west-1_Bench0Pool", Exists: true,
		Config: state.PoolConfig{MfaConfiguration: state.ModeOptional, SmsMfaConfiguration: &state.SmsMfaConfiguration{Enabled: true},
			SoftwareTokenMfaConfiguration: &state.SoftwareTokenMfaConfiguration{Enabled: true}, EmailMfaConfiguration: &state.EmailMfaConfiguration{}},
		Users: make(map[string]*state.LiveUser, n)}
	for i := range n {
		name := fmt.Sprintf("user-%07d@example.com", i)
		u := &state.LiveUser{Username: name, Exists: true, HasPhoneNumber: true,
			Settings: state.UserSettings{SMSMfaSettings: off, SoftwareTokenMfaSettings: on(false), EmailMfaSettings: off}}
		if i%10 != 0 {
			if i%2 == 0 {
				u.Settings.SMSMfaSettings, u.Settings.SoftwareTokenMfaSettings = on(true), off
			} else {
				u.Settings.SoftwareTokenMfaSettings = on(true)
			}
		}
		pool.Users[name] = u
	}
	return state.Live{Pools: map[string]*state.LivePool{pool.UserPoolId: pool}}
}

// liveOnly is a Cognito that has already been read: ReadLive answers at
// once with the same live state. Planning calls nothing else.
type liveOnly struct{ live state.Live }

func (l liveOnly) ReadLive(context.Context, state.ReadSet, func(done, total int)) (state.Live, error) {
	return l.live, nil
}

// cpuTime is the CPU time the process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		panic(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// watchHeap is cognitotest.WatchHeap.
var watchHeap = cognitotest.WatchHeap

func (l liveOnly) ReadRisk(context.Context, *state.LivePool, bool, []string) error { return nil }
