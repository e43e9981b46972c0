//go:build linux

package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mfactl/mfactl/internal/cognito/cognitotest"
)

// BenchmarkPolicyPlanProcess measures `mfactl plan` of an AllUsers policy
// over a pool of N users as a user runs it: `mfactl emulator` in a process
// of its own, seeded with the pool, Cognito's quotas at 100× (UserRead
// 12,000/s, UserList 3,000/s, mfactl told the same), and `mfactl plan` in
// another, 1 user in 1,000 changing. It reports the plan process's peak
// resident set (rusage maxrss: the Go runtime, the SDK, connections and
// reads in flight, the plan) as peak-RSS-MiB and as a ratio to the 300 MB
// it must stay under at 1,000,000 users, its wall time (exec to exit)
// against the floor of N reads at the UserRead quota, its CPU time per
// user (on a busy machine, what keeps it from the floor), the emulator's
// throttled answers (0: none for mfactl to retry or surface) and the time
// the emulator took to load the seed. Both processes are this test binary
// run as mfactl (TestMain).
//
// N is 100,000 (20–35 s on two cores), or the comma-separated sizes of
// MFACTL_BENCH_USERS (1,000,000 takes about 6 minutes):
//
//	MFACTL_BENCH_USERS=1000000 go test -run '^$' -bench PolicyPlanProcess -benchtime 1x -timeout 30m .
func BenchmarkPolicyPlanProcess(b *testing.B) {
	for _, n := range cognitotest.BenchUsers(b, 100_000) {
		b.Run(fmt.Sprintf("users=%d", n), func(b *testing.B) { benchmarkPolicyPlanProcess(b, n) })
	}
}

const (
	processBenchPool  = "us-east-1_Million"
	processBenchScale = 100.0
	changeOneIn       = 1000
	rssBarBytes       = 300e6 // issue 23: ≤ 300 MB at 1,000,000 selected users
)

func benchmarkPolicyPlanProcess(b *testing.B, users int) {
	dir := b.TempDir()
	seed := filepath.Join(dir, "seed.json")
	if err := writeProcessBenchSeed(seed, users); err != nil {
		b.Fatal(err)
	}
	policy := filepath.Join(dir, "mfa.yaml")
	if err := os.WriteFile(policy, []byte("Version: 1\nUserPools:\n  - UserPoolId: "+processBenchPool+
		"\n    Policies:\n      - {Name: everyone-sms, Select: {AllUsers: true}, SMSMfaSettings: {Enabled: true}}\n"), 0o600); err != nil {
		b.Fatal(err)
	}
	readRate, listRate := 120*processBenchScale, 30*processBenchScale
	changed := (users + changeOneIn - 1) / changeOneIn
	// The plan's own summary line, which counts what it read and judged.
	wantLine := fmt.Sprintf("policy everyone-sms (AllUsers): %s users selected; it applies to %s: %s change, %s in sync",
		grouped(users), grouped(users), grouped(changed), grouped(users-changed))

	url, seeding, emu := startProcessBenchEmulator(b, dir, seed)
	var peakKiB int64
	var wall, cpu time.Duration
	var throttled int
	for b.Loop() {
		b.StopTimer()
		emu.reset()
		plan := exec.Command(selfAsMfactl(b), "plan", "-f", policy, "--endpoint-url", url, "--detailed-exitcode",
			"--rate", fmt.Sprintf("UserRead=%g", readRate), "--rate", fmt.Sprintf("UserList=%g", listRate))
		plan.Env = processBenchEnv(dir)
		var out, errOut bytes.Buffer
		plan.Stdout, plan.Stderr = &out, &errOut
		b.StartTimer()
		start := time.Now()
		err := plan.Run()
		wall += time.Since(start)
		b.StopTimer()
		// --detailed-exitcode: 2 is a plan with changes, as this one has.
		if code := plan.ProcessState.ExitCode(); code != 2 || !strings.Contains(out.String(), wantLine) {
			b.Fatalf("plan: exit %d (%v), want 2 and %q\n%s\n%s", code, err, wantLine, out.String(), errOut.String())
		}
		peakKiB = max(peakKiB, plan.ProcessState.SysUsage().(*syscall.Rusage).Maxrss) // KiB on Linux
		cpu += plan.ProcessState.UserTime() + plan.ProcessState.SystemTime()
		st := emu.stats()
		if reads := st.Operations["AdminGetUser"].Calls; reads != users {
			b.Fatalf("%d AdminGetUser calls for %d users", reads, users)
		}
		for _, c := range st.Categories {
			throttled += c.Throttled
		}
		b.StartTimer()
	}
	n := float64(b.N)
	seconds := wall.Seconds() / n
	floor := float64(users) / readRate
	b.ReportMetric(float64(peakKiB)/1024, "peak-RSS-MiB")
	b.ReportMetric(float64(peakKiB)*1024/rssBarBytes, "ratio-to-300MB")
	b.ReportMetric(seconds, "s/op")
	b.ReportMetric(floor, "floor-s")
	b.ReportMetric(seconds/floor, "ratio-to-floor")
	b.ReportMetric(cpu.Seconds()*1e6/n/float64(users), "plan-CPU-µs/user")
	b.ReportMetric(float64(throttled)/n, "throttled/op")
	b.ReportMetric(seeding.Seconds(), "seed-s")
}

// writeProcessBenchSeed writes a JSON seed of one pool with SMS MFA and n
// users with a phone number, SMS MFA on for all but every 1,000th.
func writeProcessBenchSeed(path string, n int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	fmt.Fprintf(w, `{"Pools":[{"Id":%q,"SmsConfiguration":{"SnsCallerArn":"arn:aws:iam::123456789012:role/sms","ExternalId":"x"},`+
		`"MfaConfig":{"MfaConfiguration":"OPTIONAL","SmsMfaConfiguration":{}},"Users":[`, processBenchPool)
	for i := range n {
		if i > 0 {
			w.WriteByte(',')
		}
		fmt.Fprintf(w, `{"Username":"u%07d","Attributes":{"phone_number":"+1555%07d"}`, i, i)
		if i%changeOneIn != changeOneIn-1 {
			w.WriteString(`,"MfaSettings":{"SMSMfaSettings":{"Enabled":true}}`)
		}
		w.WriteByte('}')
	}
	w.WriteString("]}]}\n")
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// grouped writes n as the plan does, with thousands separated: 12,345.
func grouped(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// emulatorStats is the part of GET /_emulator/stats the benchmark reads.
type emulatorStats struct {
	Operations, Categories map[string]struct{ Calls, Throttled int }
}

// startProcessBenchEmulator starts `mfactl emulator` on the seed and
// returns its URL, the time from exec to the URL (loading the seed), and
// its control endpoints. It is interrupted when the benchmark ends.
func startProcessBenchEmulator(b *testing.B, dir, seed string) (string, time.Duration, emulatorControl) {
	b.Helper()
	emu := exec.Command(selfAsMfactl(b), "emulator", "--seed", seed, "--quota-scale", strconv.FormatFloat(processBenchScale, 'g', -1, 64))
	emu.Env = processBenchEnv(dir)
	var errOut bytes.Buffer
	emu.Stderr = &errOut
	stdout, err := emu.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	if err := emu.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		_ = emu.Process.Signal(os.Interrupt)
		_ = emu.Wait()
	})
	url, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		b.Fatalf("emulator: no URL (%v)\n%s", err, errOut.String())
	}
	took := time.Since(start)
	url = strings.TrimSpace(url)
	return url, took, emulatorControl{b, url}
}

// emulatorControl calls the emulator's own endpoints (/_emulator/...).
type emulatorControl struct {
	b   *testing.B
	url string
}

func (c emulatorControl) do(method, path string) *http.Response {
	c.b.Helper()
	req, err := http.NewRequest(method, c.url+path, nil)
	if err != nil {
		c.b.Fatal(err)
	}
	resp, err := (&http.Client{Timeout: time.Minute}).Do(req)
	if err != nil {
		c.b.Fatal(err)
	}
	return resp
}

// reset clears the emulator's counters (POST /_emulator/reset).
func (c emulatorControl) reset() {
	resp := c.do(http.MethodPost, "/_emulator/reset")
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		c.b.Fatalf("POST /_emulator/reset: %s", resp.Status)
	}
}

// stats reads the emulator's counters (GET /_emulator/stats).
func (c emulatorControl) stats() emulatorStats {
	resp := c.do(http.MethodGet, "/_emulator/stats")
	defer resp.Body.Close()
	var st emulatorStats
	if err := json.NewDecoder(resp.Body).Decode(&st); err != nil {
		c.b.Fatal(err)
	}
	return st
}

// selfAsMfactl is this test binary, which TestMain runs as mfactl when
// MFACTL_BENCH_AS_MAIN=1 (processBenchEnv sets it).
func selfAsMfactl(b *testing.B) string {
	self, err := os.Executable()
	if err != nil {
		b.Fatal(err)
	}
	return self
}

// processBenchEnv: mfactl as main, fake credentials, no shared AWS config,
// no instance metadata, checkpoints of reads in the benchmark's directory.
func processBenchEnv(dir string) []string {
	// MFACTL_PLAN_KEY is left out: set but empty, mfactl refuses it.
	environ := slices.DeleteFunc(os.Environ(), func(kv string) bool { return strings.HasPrefix(kv, "MFACTL_PLAN_KEY=") })
	return append(environ, "MFACTL_BENCH_AS_MAIN=1",
		"AWS_ACCESS_KEY_ID=bench", "AWS_SECRET_ACCESS_KEY=bench", "AWS_SESSION_TOKEN=", "AWS_PROFILE=",
		"AWS_EC2_METADATA_DISABLED=true", "AWS_REGION=us-east-1",
		"AWS_CONFIG_FILE="+filepath.Join(dir, "none"), "AWS_SHARED_CREDENTIALS_FILE="+filepath.Join(dir, "none"),
		"MFACTL_CHECKPOINT_DIR="+filepath.Join(dir, "checkpoints"), "NO_COLOR=1")
}
