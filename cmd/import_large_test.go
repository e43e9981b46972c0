package cmd

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mfactl/mfactl/emulator"
	"github.com/mfactl/mfactl/internal/iostreams"
)

// largePoolSeed is an emulator seed of one OPTIONAL pool with SMS and TOTP
// and n users: every third with TOTP preferred, every third with SMS, every
// seventh on legacy MFAOptions (state unknown), the rest with nothing.
func largePoolSeed(pool string, n int) string {
	var b strings.Builder
	fmt.Fprintf(&b, `{"Pools":[{"Id":%q,"SmsConfiguration":{"SnsCallerArn":"arn:aws:iam::123456789012:role/sms","ExternalId":"large-ext-id"},`+
		`"MfaConfig":{"MfaConfiguration":"OPTIONAL","SoftwareTokenMfaConfiguration":{"Enabled":true},`+
		`"SmsMfaConfiguration":{"SmsAuthenticationMessage":"Code {####}","SmsConfiguration":{"SnsCallerArn":"arn:aws:iam::123456789012:role/sms","ExternalId":"large-ext-id"}}},"Users":[`, pool)
	for i := range n {
		if i > 0 {
			b.WriteString(",")
		}
		switch {
		case i%7 == 0:
			fmt.Fprintf(&b, `{"Username":"user%05d","Attributes":{"phone_number":"+15555550100"},"MFAOptions":[{"DeliveryMedium":"SMS","AttributeName":"phone_number"}]}`, i)
		case i%3 == 0:
			fmt.Fprintf(&b, `{"Username":"user%05d","TotpSecret":"JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP","MfaSettings":{"SoftwareTokenMfaSettings":{"Enabled":true,"PreferredMfa":true}}}`, i)
		case i%3 == 1:
			fmt.Fprintf(&b, `{"Username":"user%05d","Attributes":{"phone_number":"+15555550100"},"MfaSettings":{"SMSMfaSettings":{"Enabled":true}}}`, i)
		default:
			fmt.Fprintf(&b, `{"Username":"user%05d"}`, i)
		}
	}
	b.WriteString("]}]}")
	return b.String()
}

// TestImportRoundTripOnTenThousandUsers imports a pool of 10,000 users
// into files of 2,500 and plans them: no change. Quotas are lifted on both
// sides; BenchmarkImportAtQuota measures the pace at Cognito's.
func TestImportRoundTripOnTenThousandUsers(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("10,000 users: not with -short")
	}
	const pool, users = "us-east-1_Large10k", 10_000
	emu, url := emulator.NewTestServer(t, emulator.Options{})
	if err := emu.Seed(strings.NewReader(largePoolSeed(pool, users))); err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, emu: emu, url: url}
	ctx := context.Background()
	dir := t.TempDir()
	fast := []string{"--rate", "UserRead=1000000", "--rate", "UserList=1000000"}
	started := time.Now()
	_, errOut, code := h.run(ctx, append([]string{"import", "--user-pool-id", pool, "--users", "all", "--out", dir, "--users-per-file", "2500"}, fast...)...)
	if code != ExitOK {
		t.Fatalf("import: exit %d\n%s", code, errOut)
	}
	t.Logf("imported %d users in %s", users, time.Since(started).Round(time.Millisecond))
	files, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if len(files) != 5 {
		t.Fatalf("%d files, want the pool's and 4 of users: %v", len(files), files)
	}
	total, unknown := 0, 0
	for _, f := range files {
		data, _ := os.ReadFile(f)
		total += strings.Count(string(data), "- Username:")
		unknown += strings.Count(string(data), "# MFA state unknown")
		if strings.Contains(string(data), "large-ext-id") {
			t.Fatalf("%s holds the ExternalId", f)
		}
	}
	if total != users || unknown != (users+6)/7 {
		t.Fatalf("%d users written, %d unknown", total, unknown)
	}
	lists := 0
	for _, c := range emu.Stats().Calls {
		if c.Operation == "ListUsers" {
			lists++
		}
	}
	if lists != (users+59)/60 {
		t.Errorf("%d ListUsers calls, want %d pages of 60", lists, (users+59)/60)
	}
	emu.ResetStats()
	h.planIsEmptyWith(ctx, []string{dir}, fast)
}

// BenchmarkImportAtQuota imports a pool's users against the emulator
// enforcing Cognito's quotas scaled up tenfold, with and without a round
// trip added to every call, and reports the achieved AdminGetUser rate as a
// share of the UserRead quota, the time over the floor (the pool's reads,
// then every user at the UserRead quota), throttles surfaced, and the heap
// in use after import (it streams: it holds a few pages, not the pool).
func BenchmarkImportAtQuota(b *testing.B) {
	for _, latency := range []time.Duration{0, 30 * time.Millisecond} {
		b.Run(fmt.Sprintf("rtt=%s", latency), func(b *testing.B) { benchmarkImportAtQuota(b, latency) })
	}
}

func benchmarkImportAtQuota(b *testing.B, latency time.Duration) {
	const pool, users, scale = "us-east-1_Bench", 3000, 10.0
	quota := emulator.CategoryRate("UserRead") * scale
	seed := largePoolSeed(pool, users)
	var elapsed, listing time.Duration
	throttled := 0
	for range b.N {
		b.StopTimer()
		var mu sync.Mutex
		var lastList time.Time
		onCall := func(rec emulator.CallRecord, _ time.Duration) {
			if rec.Operation == "ListUsers" {
				mu.Lock()
				lastList = time.Now()
				mu.Unlock()
			}
		}
		emu, url := emulator.NewTestServer(b, emulator.Options{QuotaScale: scale, Latency: latency, OnCall: onCall})
		if err := emu.Seed(strings.NewReader(seed)); err != nil {
			b.Fatal(err)
		}
		h := &harness{emu: emu, url: url}
		out := filepath.Join(b.TempDir(), "out.yaml")
		b.StartTimer()
		started := time.Now()
		ios, _, _, errOut := iostreams.TestStreams()
		root := NewRootCmd(NewFactory(ios))
		root.SetArgs([]string{"import", "--user-pool-id", pool, "--users", "all", "--out", out, "--endpoint-url", h.url,
			"--rate", fmt.Sprintf("UserRead=%g", quota), "--rate", fmt.Sprintf("UserList=%g", emulator.CategoryRate("UserList")*scale)})
		if code := exitCode(root.ExecuteContext(context.Background()), ios); code != ExitOK {
			b.Fatalf("import: %d\n%s", code, errOut)
		}
		elapsed += time.Since(started)
		listing += lastList.Sub(started)
		for _, op := range emu.Stats().Operations {
			throttled += op.Throttled
		}
	}
	var m runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m)
	rate := float64(users*b.N) / elapsed.Seconds()
	// The pool's two reads run one after the other, then the first page is
	// listed, then each user is read at the quota, the last one a round
	// trip long.
	floor := float64(users)/quota + 4*latency.Seconds()
	b.ReportMetric(rate, "users/s")
	b.ReportMetric(rate/quota, "rate/quota")
	b.ReportMetric(elapsed.Seconds()/float64(b.N)/floor, "x-floor")
	b.ReportMetric(float64(throttled)/float64(b.N), "throttled/op")
	b.ReportMetric(listing.Seconds()/float64(b.N), "listed-s") // when the last page was listed
	b.ReportMetric(float64(m.HeapInuse)/(1<<20), "heap-MiB")
}
