package chaos

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/mfactl/mfactl/emulator"
)

// size is how big each scenario is, by MFACTL_CHAOS.
type size struct {
	users, pools       int     // the fault run
	killUsers, kills   int     // kill -9 rounds, each on a fresh emulator
	signals            int     // SIGINT/SIGTERM rounds
	concurrentRounds   int     // two applies at once
	concurrentUsers    int     // users in the pool both applies write
	quotaScale         float64 // emulator quotas and mfactl --rate, times Cognito's
	faultApplyAttempts int     // applies allowed to converge under faults
}

var sizes = map[string]size{
	"ci":   {users: 1000, pools: 2, killUsers: 300, kills: 5, signals: 4, concurrentRounds: 2, concurrentUsers: 200, quotaScale: 8, faultApplyAttempts: 3},
	"full": {users: 10000, pools: 4, killUsers: 2000, kills: 20, signals: 10, concurrentRounds: 5, concurrentUsers: 500, quotaScale: 4, faultApplyAttempts: 3},
}

var (
	scale   = os.Getenv("MFACTL_CHAOS")
	binary  string // the mfactl built for the suite
	figures = &figureLog{}
)

func TestMain(m *testing.M) {
	if _, ok := sizes[scale]; !ok {
		if scale != "" {
			fmt.Fprintf(os.Stderr, "MFACTL_CHAOS=%q: want ci or full\n", scale)
			os.Exit(2)
		}
		fmt.Println("chaos: skipped (set MFACTL_CHAOS=ci or full, or run make chaos)")
		os.Exit(m.Run())
	}
	dir, err := os.MkdirTemp("", "mfactl-chaos-")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "mfactl")
	build := exec.Command("go", "build", "-o", binary, "github.com/mfactl/mfactl")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building mfactl:", err)
		os.Exit(2)
	}
	code := m.Run()
	os.RemoveAll(dir)
	figures.write()
	os.Exit(code)
}

func current(t *testing.T) size {
	t.Helper()
	s, ok := sizes[scale]
	if !ok {
		t.Skip("set MFACTL_CHAOS=ci or full (make chaos)")
	}
	return s
}

// figureLog collects the suite's figures, printed as its last lines (and
// to $MFACTL_CHAOS_FIGURES, which make chaos prints after go test).
type figureLog struct {
	mu    sync.Mutex
	lines map[string]string
}

func (f *figureLog) set(key, format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.lines == nil {
		f.lines = map[string]string{}
	}
	f.lines[key] = fmt.Sprintf(format, args...)
}

func (f *figureLog) write() {
	f.mu.Lock()
	defer f.mu.Unlock()
	keys := make([]string, 0, len(f.lines))
	for k := range f.lines {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	fmt.Fprintf(&b, "chaos figures (MFACTL_CHAOS=%s):\n", scale)
	for _, k := range keys {
		fmt.Fprintf(&b, "  %-12s %s\n", k+":", f.lines[k])
	}
	fmt.Print(b.String())
	if path := os.Getenv("MFACTL_CHAOS_FIGURES"); path != "" {
		_ = os.WriteFile(path, []byte(b.String()), 0o644)
	}
}

// peakRSS is the largest resident set of the suite's plan and apply runs
// on the scenarios, in KiB (the hostile inputs report their own).
var peakRSS struct {
	sync.Mutex
	kib    int64
	ignore bool // while the hostile inputs run
}

func notePeak(kib int64) {
	peakRSS.Lock()
	defer peakRSS.Unlock()
	if peakRSS.ignore {
		return
	}
	peakRSS.kib = max(peakRSS.kib, kib)
	figures.set("peak memory", "%.0f MiB resident (the largest plan or apply of the suite)", float64(peakRSS.kib)/1024)
}

// result is one finished mfactl run.
type result struct {
	stdout, stderr string
	code           int
	took           time.Duration
	rssKiB         int64
}

// env is the process environment of every mfactl run: fake credentials,
// no shared config, no instance metadata service, checkpoints of reads
// (--resume) in the test's own directory.
func env(t *testing.T) []string {
	dir := t.TempDir()
	// MFACTL_PLAN_KEY is left out: set but empty, mfactl refuses it.
	environ := slices.DeleteFunc(os.Environ(), func(kv string) bool { return strings.HasPrefix(kv, "MFACTL_PLAN_KEY=") })
	return append(environ,
		"AWS_ACCESS_KEY_ID=chaos", "AWS_SECRET_ACCESS_KEY=chaos", "AWS_SESSION_TOKEN=",
		"AWS_EC2_METADATA_DISABLED=true", "AWS_REGION=us-east-1", "AWS_PROFILE=",
		"AWS_CONFIG_FILE="+filepath.Join(dir, "none"), "AWS_SHARED_CREDENTIALS_FILE="+filepath.Join(dir, "none"),
		"MFACTL_CHECKPOINT_DIR="+filepath.Join(dir, "checkpoints"), "NO_COLOR=1")
}

// rates are --rate flags matching the emulator's quotas at scale q.
func rates(q float64) []string {
	var out []string
	for cat, rps := range map[string]float64{"UserRead": 120, "UserResourceUpdate": 25, "UserPoolRead": 15, "UserPoolResourceRead": 20, "UserPoolResourceUpdate": 15} {
		out = append(out, "--rate", fmt.Sprintf("%s=%g", cat, rps*q))
	}
	return out
}

// start starts mfactl; wait collects it.
func start(t *testing.T, ctx context.Context, args ...string) (*exec.Cmd, *bytes.Buffer, *bytes.Buffer) {
	t.Helper()
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Env = env(t)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, &stdout, &stderr
}

func wait(t *testing.T, cmd *exec.Cmd, stdout, stderr *bytes.Buffer, began time.Time) result {
	t.Helper()
	err := cmd.Wait()
	r := result{stdout: stdout.String(), stderr: stderr.String(), took: time.Since(began), code: cmd.ProcessState.ExitCode()}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.rssKiB = ru.Maxrss
		notePeak(ru.Maxrss)
	}
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		r.code = -int(ws.Signal())
	} else if err != nil && r.code < 0 {
		t.Fatalf("mfactl %v: %v", cmd.Args[1:], err)
	}
	return r
}

// run runs mfactl to the end, within limit.
func run(t *testing.T, limit time.Duration, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	began := time.Now()
	cmd, stdout, stderr := start(t, ctx, args...)
	r := wait(t, cmd, stdout, stderr, began)
	if ctx.Err() != nil {
		t.Fatalf("mfactl %v did not finish within %s\n%s", args, limit, r.stderr)
	}
	return r
}

// scenario is a set of pools seeded "by hand" (OPTIONAL with TOTP, an SMS
// role, users with phone numbers and no MFA) and files that change every
// one of them: SMS on for the pool (even pools then ON, odd ones OPTIONAL)
// and SMS enabled and preferred for every user.
type scenario struct {
	seed  string // seed file
	files string // directory of desired-state files
	pools []string
	users map[string][]string // pool → usernames
}

func newScenario(t *testing.T, pools, users int) *scenario {
	t.Helper()
	dir := t.TempDir()
	sc := &scenario{seed: filepath.Join(dir, "seed.json"), files: filepath.Join(dir, "mfa"), users: map[string][]string{}}
	if err := os.Mkdir(sc.files, 0o755); err != nil {
		t.Fatal(err)
	}
	type seedUser struct {
		Username   string
		Attributes map[string]string
	}
	type seedPool struct {
		Id               string
		SmsConfiguration map[string]string
		MfaConfig        map[string]any
		Users            []seedUser
	}
	var seed struct{ Pools []seedPool }
	n := 0
	for p := range pools {
		id := fmt.Sprintf("eu-west-1_Chaos%03d", p)
		if p%2 == 1 {
			id = fmt.Sprintf("us-east-1_Chaos%03d", p)
		}
		sc.pools = append(sc.pools, id)
		sp := seedPool{Id: id,
			SmsConfiguration: map[string]string{"SnsCallerArn": "arn:aws:iam::123456789012:role/chaos-sms", "ExternalId": "chaos-secret-" + id, "SnsRegion": "us-east-1"},
			MfaConfig:        map[string]any{"MfaConfiguration": "OPTIONAL", "SoftwareTokenMfaConfiguration": map[string]bool{"Enabled": true}}}
		mode := "ON"
		if p%2 == 1 {
			mode = "OPTIONAL"
		}
		writeFile(t, filepath.Join(sc.files, id+".yaml"), fmt.Sprintf("Version: 1\nUserPools:\n  - UserPoolId: %s\n    MfaConfiguration: %s\n    SoftwareTokenMfaConfiguration: {Enabled: true}\n    SmsMfaConfiguration: {Enabled: true}\n", id, mode))
		// Users in files of 1,000, as a team would split them.
		var chunk strings.Builder
		files := 0
		flush := func() {
			if chunk.Len() > 0 {
				writeFile(t, filepath.Join(sc.files, fmt.Sprintf("%s-users-%03d.yaml", id, files)), chunk.String())
				files++
				chunk.Reset()
			}
		}
		for i := range share(users, pools, p) {
			name := fmt.Sprintf("user%05d", n)
			n++
			sc.users[id] = append(sc.users[id], name)
			sp.Users = append(sp.Users, seedUser{Username: name, Attributes: map[string]string{"phone_number": fmt.Sprintf("+1555%07d", n)}})
			if i%1000 == 0 {
				flush()
				fmt.Fprintf(&chunk, "Version: 1\nUserPools:\n  - UserPoolId: %s\n    Users:\n", id)
			}
			fmt.Fprintf(&chunk, "      - Username: %s\n        SMSMfaSettings: {Enabled: true, PreferredMfa: true}\n", name)
		}
		flush()
		seed.Pools = append(seed.Pools, sp)
	}
	b, _ := json.Marshal(seed)
	writeFile(t, sc.seed, string(b))
	return sc
}

// share is how many of users pool p of pools gets.
func share(users, pools, p int) int {
	n := users / pools
	if p < users%pools {
		n++
	}
	return n
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func (sc *scenario) usersByRegion() map[string]int {
	out := map[string]int{}
	for id, u := range sc.users {
		region, _, _ := strings.Cut(id, "_")
		out[region] += len(u)
	}
	return out
}

func (sc *scenario) totalUsers() int {
	n := 0
	for _, u := range sc.users {
		n += len(u)
	}
	return n
}

// emulatorFor starts an emulator seeded with the scenario.
func (sc *scenario) emulatorFor(t *testing.T, opts emulator.Options) (*emulator.Server, string) {
	t.Helper()
	opts.CallLogLimit = 10_000_000
	emu, url := emulator.NewTestServer(t, opts)
	if err := emu.SeedFile(sc.seed); err != nil {
		t.Fatal(err)
	}
	emu.ResetStats()
	return emu, url
}

// liveState is the emulator's own state, from its state file: each pool's
// mode and whether SMS is on, and which users have SMS enabled and preferred.
type liveState struct {
	mode  map[string]string
	sms   map[string]bool
	users map[string]map[string]bool
}

func readState(t *testing.T, emu *emulator.Server) liveState {
	t.Helper()
	path := filepath.Join(t.TempDir(), "state.json")
	if err := emu.SaveState(path); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Pools []struct {
			Id        string
			MfaConfig struct {
				MfaConfiguration    string
				SmsMfaConfiguration *json.RawMessage
			}
			Users []struct {
				Username    string
				MfaSettings *struct {
					SMSMfaSettings *struct{ Enabled, PreferredMfa bool }
				}
			}
		}
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	st := liveState{mode: map[string]string{}, sms: map[string]bool{}, users: map[string]map[string]bool{}}
	for _, p := range doc.Pools {
		st.mode[p.Id] = p.MfaConfig.MfaConfiguration
		st.sms[p.Id] = p.MfaConfig.SmsMfaConfiguration != nil
		st.users[p.Id] = map[string]bool{}
		for _, u := range p.Users {
			st.users[p.Id][u.Username] = u.MfaSettings != nil && u.MfaSettings.SMSMfaSettings != nil &&
				u.MfaSettings.SMSMfaSettings.Enabled && u.MfaSettings.SMSMfaSettings.PreferredMfa
		}
	}
	return st
}

// remainder is what the emulator's state still lacks of the scenario's
// files: the pools not at their desired configuration, the users not yet
// changed.
func (sc *scenario) remainder(st liveState) (pools map[string]bool, users map[string]bool) {
	pools, users = map[string]bool{}, map[string]bool{}
	for i, id := range sc.pools {
		want := "ON"
		if i%2 == 1 {
			want = "OPTIONAL"
		}
		if st.mode[id] != want || !st.sms[id] {
			pools[id] = true
		}
		for _, u := range sc.users[id] {
			if !st.users[id][u] {
				users[id+"/"+u] = true
			}
		}
	}
	return pools, users
}

// plannedTargets is what `mfactl plan -o json` would change: the pools
// with a call and the users with a call.
func plannedTargets(t *testing.T, stdout string) (pools map[string]bool, users map[string]bool) {
	t.Helper()
	var doc struct {
		Calls []struct{ Operation, UserPoolId, Username string }
	}
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
		t.Fatalf("plan -o json: %v\n%s", err, stdout)
	}
	pools, users = map[string]bool{}, map[string]bool{}
	for _, c := range doc.Calls {
		if c.Username == "" {
			pools[c.UserPoolId] = true
		} else {
			users[c.UserPoolId+"/"+c.Username] = true
		}
	}
	return pools, users
}

// writes counts the write calls the emulator has received so far.
func writes(emu *emulator.Server) int {
	ops := emu.Stats().Operations
	return ops["SetUserPoolMfaConfig"].Calls + ops["AdminSetUserMFAPreference"].Calls
}

func isWrite(op string) bool {
	return op == "SetUserPoolMfaConfig" || op == "AdminSetUserMFAPreference"
}

func sameSet(a, b map[string]bool) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if !b[k] {
			return false
		}
	}
	return true
}
