package usecase

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/mfactl/mfactl/internal/cognito/cognitotest"
	"github.com/mfactl/mfactl/internal/token"
)

// BenchmarkPolicyPlanMemory measures the peak heap of planning an AllUsers
// policy over N users, N = 100,000, 300,000 and 1,000,000 (or the
// comma-separated sizes of MFACTL_BENCH_USERS), of whom 1,000 change and the rest
// are in sync: the plan keeps the users it changes and counts the others.
// Cognito is a generated pool (cognitotest), which makes each user as it is asked for and
// holds none, so the heap sampled (every millisecond, collected garbage
// included) is the plan's alone; it answers at once, so the reads run as
// fast as one core judges them. The "changed=all" row is a plan where
// every one of 100,000 users changes: what each such user costs.
func BenchmarkPolicyPlanMemory(b *testing.B) {
	for _, n := range cognitotest.BenchUsers(b, 100_000, 300_000, 1_000_000) {
		b.Run(fmt.Sprintf("users=%d/changed=1000", n), func(b *testing.B) { benchmarkPolicyPlanMemory(b, n, n/1000) })
	}
	b.Run("users=100000/changed=all", func(b *testing.B) { benchmarkPolicyPlanMemory(b, 100_000, 1) })
	// Before: every user selected kept whole, as every plan did.
	b.Run("users=100000/changed=1000/kept-whole", func(b *testing.B) {
		defer func(k int) { keepWhole = k }(keepWhole)
		keepWhole = math.MaxInt
		benchmarkPolicyPlanMemory(b, 100_000, 100)
	})
}

func benchmarkPolicyPlanMemory(b *testing.B, n, changeEvery int) {
	file := filepath.Join(b.TempDir(), "mfa.yaml")
	policy := "Version: 1\nUserPools:\n  - UserPoolId: " + generatedPoolID + "\n    Policies:\n      - {Name: everyone-sms, Select: {AllUsers: true}, SMSMfaSettings: {Enabled: true}}\n"
	if err := os.WriteFile(file, []byte(policy), 0o600); err != nil {
		b.Fatal(err)
	}
	pool := &generatedPool{N: n, ChangeEvery: changeEvery}
	s := NewSession(func(context.Context, *token.Token) (Cognito, error) {
		return ports{LiveReader: pool, Selecting: pool}, nil
	})
	want := n / changeEvery
	var peakBytes uint64
	var inSync int
	b.ReportAllocs()
	for b.Loop() {
		runtime.GC()
		peak := watchHeap()
		start := time.Now()
		planned, err := s.Plan(context.Background(), PlanOptions{Files: []string{file}})
		elapsed := time.Since(start)
		peakBytes = max(peakBytes, peak())
		if err != nil || planned.InputInvalid() || planned.Plan.Diagnostics.HasErrors() || len(planned.Plan.Calls) != want {
			b.Fatalf("plan: %v; calls %d, want %d", err, len(planned.Plan.Calls), want)
		}
		inSync = planned.Plan.UsersInSync()
		b.ReportMetric(float64(elapsed.Microseconds())/float64(n), "wall-µs/user")
	}
	if inSync != n-want {
		b.Fatalf("%d users in sync, want %d", inSync, n-want)
	}
	b.ReportMetric(float64(peakBytes)/(1<<20), "peak-MiB")
	b.ReportMetric(float64(peakBytes)/float64(n), "peak-B/user")
}
