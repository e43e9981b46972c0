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
	"github.com/mfactl/mfactl/internal/cognito"
	"github.com/mfactl/mfactl/internal/iostreams"
)

// BenchmarkPlanAtProvisionedLimit measures a 2,400-user plan in an account
// whose UserRead quota was raised with UpdateProvisionedLimit to 4× the
// default (480/s): mfactl is given no --rate, so only GetProvisionedLimit
// at the start of the run can tell it. It reports the AdminGetUser rate from
// the first read to the last, its ratio to the raised quota (at the default
// it would be 0.25) and the throttled reads per plan.
func BenchmarkPlanAtProvisionedLimit(b *testing.B) {
	const users, raised = 2400, 480
	const pool = "eu-west-1_Raised0Reads"
	var seed, desired strings.Builder
	seed.WriteString(`{"Pools":[{"Id":"` + pool + `","MfaConfig":{"MfaConfiguration":"OPTIONAL","SoftwareTokenMfaConfiguration":{"Enabled":true}},"Users":[`)
	desired.WriteString("Version: 1\nUserPools:\n  - UserPoolId: " + pool + "\n    Users:\n")
	for i := range users {
		if i > 0 {
			seed.WriteString(",")
		}
		fmt.Fprintf(&seed, `{"Username":"user%04d"}`, i)
		fmt.Fprintf(&desired, "      - {Username: user%04d, SoftwareTokenMfaSettings: {Enabled: false}}\n", i)
	}
	seed.WriteString("]}]}")
	file := filepath.Join(b.TempDir(), "users.yaml")
	if err := os.WriteFile(file, []byte(desired.String()), 0o600); err != nil {
		b.Fatal(err)
	}

	var reads, throttled int
	var elapsed time.Duration
	for range b.N {
		b.StopTimer()
		var mu sync.Mutex
		var first, last time.Time
		emu, url := emulator.NewTestServer(b, emulator.Options{QuotaScale: 1, OnCall: func(rec emulator.CallRecord, _ time.Duration) {
			if rec.Operation != "AdminGetUser" || rec.Error != "" {
				return
			}
			mu.Lock()
			defer mu.Unlock()
			if now := time.Now(); first.IsZero() {
				first, last = now, now
			} else {
				last = now
			}
		}})
		if err := emu.Seed(bytes.NewReader([]byte(seed.String()))); err != nil {
			b.Fatal(err)
		}
		owner, err := cognito.New(context.Background(), cognito.Options{EndpointURL: url})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := owner.UpdateProvisionedLimit(context.Background(), "eu-west-1", cognito.UserRead, raised); err != nil {
			b.Fatal(err)
		}
		emu.ResetStats()
		ios, _, out, errOut := iostreams.TestStreams()
		root := NewRootCmd(NewFactory(ios))
		root.SetArgs([]string{"plan", "-f", file, "--endpoint-url", url})
		b.StartTimer()
		err = root.ExecuteContext(context.Background())
		b.StopTimer()
		if err != nil {
			b.Fatalf("plan: %v\n%s\n%s", err, out, errOut)
		}
		stats := emu.Stats().Operations["AdminGetUser"]
		reads += stats.Calls - stats.Throttled
		throttled += stats.Throttled
		elapsed += last.Sub(first)
	}
	rate := float64(reads-b.N) / elapsed.Seconds() // n reads span n-1 intervals
	b.ReportMetric(rate, "reads/s")
	b.ReportMetric(rate/raised, "ratio-to-raised")
	b.ReportMetric(float64(throttled)/float64(b.N), "throttled/op")
}
