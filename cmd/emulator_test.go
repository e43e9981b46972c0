package cmd

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mfactl/mfactl/emulator"
	"github.com/mfactl/mfactl/internal/iostreams"
)

func TestEmulatorFlags(t *testing.T) {
	t.Parallel()
	ios, _, _, _ := iostreams.TestStreams()
	var got *EmulatorOptions
	c := NewCmdEmulator(&Factory{IO: ios}, func(_ context.Context, o *EmulatorOptions) error { got = o; return nil })
	c.SetArgs([]string{"--listen", "127.0.0.1:9229", "--seed", "s.yaml", "--state-file", "st.json", "--quota-scale", "0.5",
		"--fault-seed", "7", "--latency", "5ms", "--jitter", "2ms", "--fault", "GetUser=throttle:0.1", "--fault", "*=drop:0.01", "--log-requests"})
	if err := c.Execute(); err != nil {
		t.Fatal(err)
	}
	if got.Listen != "127.0.0.1:9229" || got.Seed != "s.yaml" || got.StateFile != "st.json" || got.QuotaScale != 0.5 ||
		got.FaultSeed != 7 || got.Latency != 5*time.Millisecond || got.Jitter != 2*time.Millisecond ||
		len(got.Faults) != 2 || !got.LogRequests || got.Region != "us-east-1" {
		t.Fatalf("%+v", got)
	}
	eo, err := got.emulatorOptions()
	if err != nil || len(eo.Faults) != 2 || eo.Faults[0].Kind != "TooManyRequestsException" || eo.OnCall == nil {
		t.Fatalf("%+v %v", eo, err)
	}
}

func TestEmulatorRefusesBadInput(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		opts EmulatorOptions
		want string
	}{
		{EmulatorOptions{Listen: "0.0.0.0:0"}, "loopback only"},
		{EmulatorOptions{Listen: ":0"}, "loopback only"},
		{EmulatorOptions{Listen: "10.1.2.3:80"}, "loopback only"},
		{EmulatorOptions{Listen: "[::]:0"}, "loopback only"},
		{EmulatorOptions{Listen: "127.0.0.1"}, "want HOST:PORT"},
		{EmulatorOptions{Listen: "127.0.0.1:0", Faults: []string{"GetUser=boom:1"}}, "unknown fault kind"},
		{EmulatorOptions{Listen: "127.0.0.1:0", QuotaScale: -1}, "--quota-scale"},
		{EmulatorOptions{Listen: "127.0.0.1:0", Seed: "/does/not/exist.yaml"}, "no such file"},
	} {
		ios, _, _, _ := iostreams.TestStreams()
		tt.opts.IO = ios
		err := emulatorRun(context.Background(), &tt.opts)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%+v: got %v, want an error containing %q", tt.opts, err, tt.want)
		}
	}
	for _, ok := range []string{"127.0.0.1:0", "127.9.9.9:0", "[::1]:0", "localhost:0"} {
		if err := checkLoopback(ok); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
}

// startEmulator runs emulatorRun until the returned stop is called, and
// returns the URL it printed first on stdout.
func startEmulator(t *testing.T, opts EmulatorOptions) (url string, stderr *iostreams.Buffer, stop func() error) {
	t.Helper()
	pr, pw := io.Pipe()
	stderr = &iostreams.Buffer{}
	opts.IO = &iostreams.IOStreams{In: strings.NewReader(""), Out: pw, ErrOut: stderr}
	if opts.Listen == "" {
		opts.Listen = "127.0.0.1:0"
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- emulatorRun(ctx, &opts)
		pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		cancel()
		t.Fatalf("no URL on stdout: %v (stderr: %s)", <-done, stderr.String())
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	stopped := false
	stop = func() error {
		if stopped {
			return nil
		}
		stopped = true
		cancel()
		return <-done
	}
	t.Cleanup(func() { _ = stop() })
	return strings.TrimSpace(line), stderr, stop
}

func call(t *testing.T, url, op, body string) (int, map[string]any) {
	t.Helper()
	req, _ := emulator.NewRequest(t.Context(), url, "us-east-1", op, strings.NewReader(body))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

func TestEmulatorServesUntilCancelled(t *testing.T) {
	t.Parallel()
	seed := filepath.Join(t.TempDir(), "seed.yaml")
	if err := os.WriteFile(seed, []byte("Pools: [{Id: us-east-1_Seeded, Users: [{Username: alice}]}]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	url, stderr, stop := startEmulator(t, EmulatorOptions{Seed: seed, QuotaScale: 1, LogRequests: true})
	if !strings.HasPrefix(url, "http://127.0.0.1:") {
		t.Fatalf("first stdout line %q", url)
	}
	status, out := call(t, url, "AdminGetUser", `{"UserPoolId":"us-east-1_Seeded","Username":"alice"}`)
	if status != 200 || out["Username"] != "alice" {
		t.Fatalf("AdminGetUser: %d %v", status, out)
	}
	if err := stop(); err != nil {
		t.Fatalf("clean exit: %v", err)
	}
	if _, err := http.Get(url + "/_emulator/health"); err == nil {
		t.Fatal("still serving after cancel")
	}
	log := stderr.String()
	if !strings.Contains(log, "AdminGetUser pool=us-east-1_Seeded user=alice ok") || !strings.Contains(log, "stopped") {
		t.Fatalf("stderr:\n%s", log)
	}
}

func TestEmulatorStateFilePersists(t *testing.T) {
	t.Parallel()
	state := filepath.Join(t.TempDir(), "state.json")
	url, _, stop := startEmulator(t, EmulatorOptions{StateFile: state, SaveInterval: time.Hour})
	status, out := call(t, url, "CreateUserPool", `{"PoolName":"kept","UserPoolTags":{"mfactl-emulator:UserPoolId":"us-east-1_Kept"}}`)
	if status != 200 {
		t.Fatalf("CreateUserPool: %d %v", status, out)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(state); err != nil {
		t.Fatalf("no state file after exit: %v", err)
	}

	url, _, _ = startEmulator(t, EmulatorOptions{StateFile: state})
	status, out = call(t, url, "DescribeUserPool", `{"UserPoolId":"us-east-1_Kept"}`)
	if status != 200 {
		t.Fatalf("after restart: %d %v", status, out)
	}
}

func TestEmulatorSavesPeriodically(t *testing.T) {
	t.Parallel()
	state := filepath.Join(t.TempDir(), "state.json")
	url, _, _ := startEmulator(t, EmulatorOptions{StateFile: state, SaveInterval: 20 * time.Millisecond})
	call(t, url, "CreateUserPool", `{"PoolName":"p","UserPoolTags":{"mfactl-emulator:UserPoolId":"us-east-1_Periodic"}}`)
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if data, err := os.ReadFile(state); err == nil && bytes.Contains(data, []byte("us-east-1_Periodic")) {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("state not saved while running")
}
