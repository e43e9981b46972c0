package cmd

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mfactl/mfactl/emulator"
	"github.com/mfactl/mfactl/internal/cognito/cognitotest"
	"github.com/mfactl/mfactl/internal/iostreams"
)

// BenchmarkApplyAtQuota measures how close apply's writes run to Cognito's
// quota: 600 users each need one AdminSetUserMFAPreference, the emulator
// enforces UserResourceUpdate at 10× Cognito's default (250/s) and mfactl is
// told the same rate. It reports the achieved write rate and its ratio to
// the quota (1.0 = exactly at the quota, with no throttling surfaced).
func BenchmarkApplyAtQuota(b *testing.B) {
	const users, scale = 600, 10.0
	quota := emulator.CategoryRate("UserResourceUpdate") * scale

	var seed, desired strings.Builder
	seed.WriteString(`{"Pools":[{"Id":"us-east-1_Bench","MfaConfig":{"MfaConfiguration":"OPTIONAL","SoftwareTokenMfaConfiguration":{"Enabled":true}},"Users":[`)
	desired.WriteString("Version: 1\nUserPools:\n  - UserPoolId: us-east-1_Bench\n    Users:\n")
	for i := 0; i < users; i++ {
		if i > 0 {
			seed.WriteString(",")
		}
		fmt.Fprintf(&seed, `{"Username":"user%04d","TotpSecret":"JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP","MfaSettings":{"SoftwareTokenMfaSettings":{"Enabled":true}}}`, i)
		fmt.Fprintf(&desired, "      - {Username: user%04d, SoftwareTokenMfaSettings: {Enabled: true, PreferredMfa: true}}\n", i)
	}
	seed.WriteString("]}]}")
	file := filepath.Join(b.TempDir(), "users.yaml")
	if err := os.WriteFile(file, []byte(desired.String()), 0o600); err != nil {
		b.Fatal(err)
	}

	var totalWrites int
	var totalTime time.Duration
	var throttled int
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		var mu sync.Mutex
		var first, last time.Time
		emu, url := emulator.NewTestServer(b, emulator.Options{QuotaScale: scale, OnCall: func(rec emulator.CallRecord, _ time.Duration) {
			if rec.Operation != "AdminSetUserMFAPreference" || rec.Error != "" {
				return
			}
			mu.Lock()
			defer mu.Unlock()
			now := time.Now()
			if first.IsZero() {
				first = now
			}
			last = now
		}})
		if err := emu.Seed(bytes.NewReader([]byte(seed.String()))); err != nil {
			b.Fatal(err)
		}
		ios, _, out, _ := iostreams.TestStreams()
		root := NewRootCmd(NewFactory(ios))
		root.SetArgs([]string{"apply", "-f", file, "--auto-approve", "--endpoint-url", url,
			"--rate", fmt.Sprintf("UserResourceUpdate=%g", quota), "--rate", fmt.Sprintf("UserRead=%g", 120*scale)})
		b.StartTimer()
		err := root.ExecuteContext(context.Background())
		b.StopTimer()
		if err != nil {
			b.Fatalf("apply: %v\n%s", err, out)
		}
		stats := emu.Stats()
		totalWrites += stats.Operations["AdminSetUserMFAPreference"].Calls - stats.Operations["AdminSetUserMFAPreference"].Throttled
		throttled += stats.Operations["AdminSetUserMFAPreference"].Throttled
		totalTime += last.Sub(first)
	}
	rate := float64(totalWrites-b.N) / totalTime.Seconds() // n writes span n-1 intervals
	b.ReportMetric(rate, "writes/s")
	b.ReportMetric(rate/quota, "ratio-to-quota")
	b.ReportMetric(float64(throttled)/float64(b.N), "throttled/op")
}

// BenchmarkPolicyPlanAtQuota measures how close planning an AllUsers
// policy runs to the UserRead quota, the physical floor (N reads at the
// quota): the emulator enforces Cognito's quotas at 10× (UserRead 1200/s,
// UserList 300/s) and mfactl is told the same rates. Listing pages and reads
// overlap, so the ratio counts the whole plan, from its first request to its
// last. N is 12,000, or the comma-separated sizes of MFACTL_BENCH_USERS
// (100,000 takes ~90 s a run).
func BenchmarkPolicyPlanAtQuota(b *testing.B) {
	for _, n := range cognitotest.BenchUsers(b, 12000) {
		b.Run(fmt.Sprintf("users=%d", n), func(b *testing.B) { benchmarkPolicyPlanAtQuota(b, n) })
	}
}

func benchmarkPolicyPlanAtQuota(b *testing.B, users int) {
	const scale = 10.0
	quota := emulator.CategoryRate("UserRead") * scale
	file := filepath.Join(b.TempDir(), "mfa.yaml")
	policy := "Version: 1\nUserPools:\n  - UserPoolId: " + reportPool + "\n    Policies:\n      - {Name: everyone-email, Select: {AllUsers: true}, EmailMfaSettings: {Enabled: true}}\n"
	if err := os.WriteFile(file, []byte(policy), 0o600); err != nil {
		b.Fatal(err)
	}
	var totalReads int
	var totalTime time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		var mu sync.Mutex
		var first, last time.Time
		emu, url := emulator.NewTestServer(b, emulator.Options{QuotaScale: scale, OnCall: func(rec emulator.CallRecord, _ time.Duration) {
			if rec.Error != "" {
				return
			}
			mu.Lock()
			defer mu.Unlock()
			now := time.Now()
			if first.IsZero() {
				first = now
			}
			last = now
		}})
		seedMixedPool(b, emu, users)
		ios, _, out, _ := iostreams.TestStreams()
		root := NewRootCmd(NewFactory(ios))
		root.SetArgs([]string{"plan", "-f", file, "--endpoint-url", url,
			"--rate", fmt.Sprintf("UserRead=%g", quota), "--rate", fmt.Sprintf("UserList=%g", 30*scale)})
		b.StartTimer()
		err := root.ExecuteContext(context.Background())
		b.StopTimer()
		if err != nil {
			b.Fatalf("plan: %v\n%s", err, out)
		}
		stats := emu.Stats()
		reads := stats.Operations["AdminGetUser"].Calls - stats.Operations["AdminGetUser"].Throttled
		if reads != users {
			b.Fatalf("%d reads for %d users", reads, users)
		}
		totalReads += reads
		totalTime += last.Sub(first)
	}
	floor := time.Duration(float64(totalReads) / quota * float64(time.Second))
	b.ReportMetric(float64(totalReads)/totalTime.Seconds(), "reads/s")
	b.ReportMetric(floor.Seconds()/totalTime.Seconds(), "ratio-to-quota")
}

// BenchmarkApplyChangedUsers measures a whole `apply -f --auto-approve` of
// N declared users of which k change, against the emulator enforcing
// Cognito's quotas at 10× (UserRead 1,200/s, UserResourceUpdate 250/s),
// with mfactl told the same rates. It reports the AdminGetUser calls as a
// ratio to the minimum N + k (N to plan, k to verify what was written), the
// writes, and the run's time, from loading the files to the last
// verification read, as a ratio to two floors: the absolute floor, the
// slowest category's calls at its quota (max((N+k)/R, k/W); reads and
// writes have separate quotas, and the plan leaves the pool alone, so no
// stage orders them), printed as floor-s; and the floor of the same calls
// one after the other ((N+k)/R + k/W).
func BenchmarkApplyChangedUsers(b *testing.B) {
	for _, tc := range []struct{ users, changed int }{{2000, 37}, {2000, 400}, {500, 500}} {
		b.Run(fmt.Sprintf("%dof%d", tc.changed, tc.users), func(b *testing.B) {
			benchmarkApplyChanged(b, tc.users, tc.changed)
		})
	}
}

func benchmarkApplyChanged(b *testing.B, users, changed int) {
	const scale = 10.0
	readRate := emulator.CategoryRate("UserRead") * scale
	writeRate := emulator.CategoryRate("UserResourceUpdate") * scale

	// Every user has TOTP on; the first `changed` users do not prefer it
	// yet, the rest already do, as the files declare.
	var seed, desired strings.Builder
	seed.WriteString(`{"Pools":[{"Id":"us-east-1_Bench","MfaConfig":{"MfaConfiguration":"OPTIONAL","SoftwareTokenMfaConfiguration":{"Enabled":true}},"Users":[`)
	desired.WriteString("Version: 1\nUserPools:\n  - UserPoolId: us-east-1_Bench\n    Users:\n")
	for i := range users {
		if i > 0 {
			seed.WriteString(",")
		}
		settings := `,"MfaSettings":{"SoftwareTokenMfaSettings":{"Enabled":true,"PreferredMfa":true}}`
		if i < changed {
			settings = `,"MfaSettings":{"SoftwareTokenMfaSettings":{"Enabled":true}}`
		}
		fmt.Fprintf(&seed, `{"Username":"user%05d","TotpSecret":"JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"%s}`, i, settings)
		fmt.Fprintf(&desired, "      - {Username: user%05d, SoftwareTokenMfaSettings: {Enabled: true, PreferredMfa: true}}\n", i)
	}
	seed.WriteString("]}]}")
	file := filepath.Join(b.TempDir(), "users.yaml")
	if err := os.WriteFile(file, []byte(desired.String()), 0o600); err != nil {
		b.Fatal(err)
	}

	var reads, writes int
	var elapsed time.Duration
	for b.Loop() {
		b.StopTimer()
		emu, url := emulator.NewTestServer(b, emulator.Options{QuotaScale: scale})
		if err := emu.Seed(strings.NewReader(seed.String())); err != nil {
			b.Fatal(err)
		}
		ios, _, out, _ := iostreams.TestStreams()
		root := NewRootCmd(NewFactory(ios))
		root.SetArgs([]string{"apply", "-f", file, "--auto-approve", "--endpoint-url", url,
			"--rate", fmt.Sprintf("UserRead=%g", readRate), "--rate", fmt.Sprintf("UserResourceUpdate=%g", writeRate)})
		b.StartTimer()
		start := time.Now()
		err := root.ExecuteContext(context.Background())
		elapsed += time.Since(start)
		b.StopTimer()
		if err != nil || !strings.Contains(out.String(), "Verified:") {
			b.Fatalf("apply: %v\n%s", err, out)
		}
		stats := emu.Stats()
		if t := stats.Categories["UserRead"].Throttled + stats.Categories["UserResourceUpdate"].Throttled; t > 0 {
			b.Fatalf("%d requests throttled", t)
		}
		reads += stats.Operations["AdminGetUser"].Calls
		writes += stats.Operations["AdminSetUserMFAPreference"].Calls
		b.StartTimer()
	}
	n := float64(b.N)
	minReads := float64(users + changed)
	seconds := elapsed.Seconds() / n
	sequential := minReads/readRate + float64(changed)/writeRate
	absolute := max(minReads/readRate, float64(changed)/writeRate)
	b.ReportMetric(float64(reads)/n, "reads/op")
	b.ReportMetric(float64(reads)/n/minReads, "reads-ratio-to-N+k")
	b.ReportMetric(float64(writes)/n, "writes/op")
	b.ReportMetric(seconds, "s/op")
	b.ReportMetric(absolute, "floor-s")
	b.ReportMetric(seconds/absolute, "ratio-to-absolute-floor")
	b.ReportMetric(seconds/sequential, "ratio-to-sequential-floor")
}
