package cmd

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mfactl/mfactl/emulator"
)

// These tests cover apply -f --auto-approve's one pass (usecase.PlanApply):
// in pools the plan leaves alone, users' calls start while other users
// are still being read.

// applyCalls is the -o json document's calls, as "#index status
// Operation pool user".
func applyCalls(t *testing.T, out string) (outcome string, calls []string) {
	t.Helper()
	var doc struct {
		Outcome string
		Calls   []struct {
			Index                         int
			Status, Operation, UserPoolId string
			Username                      string
		}
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("apply -o json: %v\n%s", err, out)
	}
	for _, c := range doc.Calls {
		calls = append(calls, strings.TrimSpace(fmt.Sprintf("#%d %s %s %s %s", c.Index, c.Status, c.Operation, c.UserPoolId, c.Username)))
	}
	return doc.Outcome, calls
}

// The one pass makes exactly the calls, in the plan's numbering, with the
// same outcome and end state, as planning first and applying the saved
// plan, phase after phase; and it reads each user once to plan and once
// more after its write.
func TestPipelinedApplyMakesThePhasedCalls(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pipelined, phased := newHarness(t, emulator.Options{}), newHarness(t, emulator.Options{})

	out, errOut, code := pipelined.run(ctx, "apply", "-f", examples, "--auto-approve", "-o", "json")
	if code != ExitOK {
		t.Fatalf("pipelined apply: exit %d\n%s\n%s", code, out, errOut)
	}
	outcome, got := applyCalls(t, out)

	planFile := filepath.Join(t.TempDir(), "examples.plan")
	if out, errOut, code := phased.run(ctx, "plan", "-f", examples, "--out", planFile); code != ExitOK {
		t.Fatalf("plan --out: exit %d\n%s\n%s", code, out, errOut)
	}
	phased.emu.ResetStats()
	out, errOut, code = phased.run(ctx, "apply", planFile, "-o", "json")
	if code != ExitOK {
		t.Fatalf("saved plan apply: exit %d\n%s\n%s", code, out, errOut)
	}
	wantOutcome, want := applyCalls(t, out)
	if outcome != wantOutcome || !slices.Equal(got, want) {
		t.Fatalf("pipelined apply: %s\n%s\nphased: %s\n%s", outcome, strings.Join(got, "\n"), wantOutcome, strings.Join(want, "\n"))
	}
	gotWrites, wantWrites := pipelined.writes(), phased.writes()
	slices.Sort(gotWrites)
	slices.Sort(wantWrites)
	if !slices.Equal(gotWrites, wantWrites) {
		t.Errorf("writes differ:\npipelined %v\nphased    %v", gotWrites, wantWrites)
	}
	// 20 declared users read to plan, the 16 written read back once.
	if n := pipelined.emu.Stats().Operations["AdminGetUser"].Calls; n != 20+16 {
		t.Errorf("pipelined apply made %d AdminGetUser calls, want 36", n)
	}
	for _, h := range []*harness{pipelined, phased} {
		if out, _, code := h.run(ctx, "plan", "-f", examples, "--detailed-exitcode"); code != ExitOK {
			t.Errorf("plan after apply: exit %d\n%s", code, out)
		}
	}
}

// bigPool seeds pool with n users who have TOTP on, not preferred, and
// returns files that make it preferred for each of them (and declare
// extra, which may not exist).
func bigPool(t *testing.T, h *harness, pool string, n int, extra ...string) string {
	t.Helper()
	var users []map[string]any
	var files strings.Builder
	fmt.Fprintf(&files, "Version: 1\nUserPools:\n  - UserPoolId: %s\n    Users:\n", pool)
	for i := range n {
		name := fmt.Sprintf("user%03d", i)
		users = append(users, map[string]any{"Username": name, "TotpSecret": "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP",
			"MfaSettings": map[string]any{"SoftwareTokenMfaSettings": map[string]any{"Enabled": true}}})
		fmt.Fprintf(&files, "      - {Username: %s, SoftwareTokenMfaSettings: {Enabled: true, PreferredMfa: true}}\n", name)
	}
	for _, name := range extra {
		fmt.Fprintf(&files, "      - {Username: %s, SoftwareTokenMfaSettings: {Enabled: true, PreferredMfa: true}}\n", name)
	}
	h.seed(map[string]any{"Pools": []any{map[string]any{"Id": pool,
		"MfaConfig": map[string]any{"MfaConfiguration": "OPTIONAL", "SoftwareTokenMfaConfiguration": map[string]any{"Enabled": true}},
		"Users":     users}}})
	f := filepath.Join(t.TempDir(), "users.yaml")
	if err := os.WriteFile(f, []byte(files.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return f
}

// Writes start while the plan's reads go on, and nothing is read more
// than N + k times.
func TestPipelinedApplyWritesWhileReading(t *testing.T) {
	t.Parallel()
	h := &harness{t: t}
	h.emu, h.url = emulator.NewTestServer(t, emulator.Options{QuotaScale: 10})
	const n = 300
	file := bigPool(t, h, "us-east-1_Stream1", n)
	out, errOut, code := h.run(context.Background(), "apply", "-f", file, "--auto-approve",
		"--rate", "UserRead=1200", "--rate", "UserResourceUpdate=250")
	if code != ExitOK || !strings.Contains(out, "Apply complete: 300 calls applied.") || !strings.Contains(out, "Verified:") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	firstWrite, reads := -1, 0
	for i, c := range h.emu.Stats().Calls {
		switch c.Operation {
		case "AdminSetUserMFAPreference":
			if firstWrite < 0 {
				firstWrite = i
			}
		case "AdminGetUser":
			if firstWrite < 0 {
				reads++
			}
		}
	}
	// At 1,200 reads and 250 writes a second, the plan's 300 reads take
	// 0.25 s and the writes 1.2 s: the first write comes long before the
	// last read.
	if firstWrite < 0 || reads >= n {
		t.Errorf("the first write came after %d of the %d plan reads", reads, n)
	}
	if got := h.emu.Stats().Operations["AdminGetUser"].Calls; got != n+n {
		t.Errorf("%d AdminGetUser calls, want N + k = %d", got, n+n)
	}
	if t := h.emu.Stats().Categories; t["UserRead"].Throttled+t["UserResourceUpdate"].Throttled > 0 {
		h.t.Errorf("throttled: %+v", t)
	}
}

// gate holds the read of one user until some writes are answered, and
// the writes after those until that read has been answered (and a while
// after), so that a check that fails for that user fails once calls
// have been made, with calls in flight and calls still to make.
type gate struct {
	next    http.Handler
	user    string
	after   int32
	writes  atomic.Int32
	opened  chan struct{} // closed when the held read may go
	read    chan struct{} // closed once the held read was answered
	open    sync.Once
	release sync.Once
	// refuse: the held read is refused (NotAuthorizedException) instead.
	refuse bool
}

func (g *gate) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	switch target := r.Header.Get("X-Amz-Target"); {
	case strings.HasSuffix(target, ".AdminGetUser") && bytes.Contains(body, []byte(`"Username":"`+g.user+`"`)):
		select {
		case <-g.opened:
		case <-time.After(time.Minute):
		}
		if g.refuse {
			w.Header().Set("Content-Type", "application/x-amz-json-1.1")
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, `{"__type":"NotAuthorizedException","message":"not allowed to read this one"}`)
		} else {
			g.next.ServeHTTP(w, r)
		}
		go func() {
			time.Sleep(300 * time.Millisecond) // time for mfactl to see it
			g.release.Do(func() { close(g.read) })
		}()
		return
	case strings.HasSuffix(target, ".AdminSetUserMFAPreference"):
		if g.writes.Add(1) > g.after {
			select {
			case <-g.read:
			case <-time.After(time.Minute):
			}
		}
		g.next.ServeHTTP(w, r)
		if g.writes.Load() >= g.after {
			g.open.Do(func() { close(g.opened) })
		}
		return
	}
	g.next.ServeHTTP(w, r)
}

func newGatedHarness(t *testing.T, user string, after int32, refuse bool) *harness {
	emu := emulator.New(emulator.Options{})
	srv := httptest.NewServer(&gate{next: emu, user: user, after: after, refuse: refuse, opened: make(chan struct{}), read: make(chan struct{})})
	t.Cleanup(srv.Close)
	return &harness{t: t, emu: emu, url: srv.URL}
}

var appliedCount = regexp.MustCompile(`Apply stopped: (\d+) applied, 0 failed, (\d+) not started\.`)

// A user read after calls were made can fail the plan's checks (here: it
// does not exist). No call starts after that, the calls in flight finish,
// the summary says what was made and what was not, and a run on fixed
// files makes the rest, none twice.
func TestLateCheckFailureStopsThePipelinedApply(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	const n = 60
	h := newGatedHarness(t, "zed", 5, false)
	file := bigPool(t, h, "us-east-1_Late1", n, "zed")
	out, errOut, code := h.run(ctx, "apply", "-f", file, "--auto-approve", "--concurrency", "4")
	if code != ExitError {
		t.Fatalf("exit %d, want 1\n%s\n%s", code, out, errOut)
	}
	m := appliedCount.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no stop summary:\n%s", out)
	}
	applied, _ := strconv.Atoi(m[1])
	notStarted, _ := strconv.Atoi(m[2])
	writes := len(h.writes())
	if applied != writes || applied < 5 || applied >= n {
		t.Errorf("summary says %d applied, the emulator answered %d writes; want at least 5 and fewer than %d", applied, writes, n)
	}
	for _, want := range []string{
		"user zed does not exist in user pool us-east-1_Late1",
		"Nothing more was sent: the plan failed its checks (see its errors) for a user read after these calls were made; the other users were not changed.",
		"Applied before the stop:\n  us-east-1_Late1: " + strconv.Itoa(applied) + " calls\n     AdminSetUserMFAPreference for user",
		"Plan failed: 1 error. Nothing more will be changed; the calls made before this check are in the apply summary.",
		"Fix the causes above, then re-run `mfactl plan` and `mfactl apply`",
	} {
		if !strings.Contains(out+errOut, want) {
			t.Errorf("output lacks %q:\n%s\n%s", want, out, errOut)
		}
	}
	if notStarted > 0 && !strings.Contains(out, "Not started:") {
		t.Errorf("%d not started, not listed:\n%s", notStarted, out)
	}

	// Fixed files: the rest is made, nothing twice.
	fixed := filepath.Join(t.TempDir(), "fixed.yaml")
	b, _ := os.ReadFile(file)
	os.WriteFile(fixed, bytes.ReplaceAll(b, []byte("      - {Username: zed, SoftwareTokenMfaSettings: {Enabled: true, PreferredMfa: true}}\n"), nil), 0o600)
	h.emu.ResetStats()
	out, errOut, code = h.run(ctx, "apply", "-f", fixed, "--auto-approve")
	if code != ExitOK || !strings.Contains(out, fmt.Sprintf("Apply complete: %d calls applied.", n-applied)) || !strings.Contains(out, "Verified:") {
		t.Fatalf("re-run: exit %d, want %d calls\n%s\n%s", code, n-applied, out, errOut)
	}
}

// With -o json the stopped one pass is one JSON document: the checks'
// errors, each call made (applied) or dropped (not started), the reason.
func TestLateCheckFailureIsOneJSONDocument(t *testing.T) {
	t.Parallel()
	h := newGatedHarness(t, "zed", 5, false)
	file := bigPool(t, h, "us-east-1_Late2", 60, "zed")
	out, errOut, code := h.run(context.Background(), "apply", "-f", file, "--auto-approve", "-o", "json", "--concurrency", "4")
	if code != ExitError {
		t.Fatalf("exit %d, want 1\n%s\n%s", code, out, errOut)
	}
	var doc struct {
		Outcome     string
		Diagnostics []struct{ Code, Username string }
		Calls       []struct{ Status, Username string }
		Stopped     *struct{ Message string }
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("not one JSON document: %v\n%s", err, out)
	}
	applied := 0
	for _, c := range doc.Calls {
		if c.Status == "applied" {
			applied++
		}
	}
	if doc.Outcome != "failed" || doc.Stopped == nil || !strings.Contains(doc.Stopped.Message, "zed") ||
		len(doc.Diagnostics) == 0 || doc.Diagnostics[0].Code != "user-not-found" || applied != len(h.writes()) || applied < 5 {
		t.Errorf("document (%d writes answered):\n%s", len(h.writes()), out)
	}
}

// An interrupt while the plan's reads go on and calls were made: the calls
// in flight finish, the summary names what was made, exit 130, and a
// re-run makes the rest.
func TestInterruptMidPipelineSaysWhatWasMade(t *testing.T) {
	t.Parallel()
	h := &harness{t: t}
	h.emu, h.url = emulator.NewTestServer(t, emulator.Options{QuotaScale: 1})
	const n = 150 // 1.25 s of reads at Cognito's 120 a second
	file := bigPool(t, h, "us-east-1_Intr1", n)
	ctx, cancel := context.WithCancel(context.Background())
	cancelWhen(t, func() bool { return len(h.writes()) >= 3 }, cancel)
	out, errOut, code := h.run(ctx, "apply", "-f", file, "--auto-approve", "-o", "json")
	if code != ExitInterrupted {
		t.Fatalf("exit %d, want 130\n%s\n%s", code, out, errOut)
	}
	outcome, calls := applyCalls(t, out)
	applied := 0
	for _, c := range calls {
		if strings.Contains(c, " applied ") {
			applied++
		}
	}
	if reads := h.emu.Stats().Operations["AdminGetUser"].Calls; reads >= n {
		t.Errorf("%d reads: the interrupt came after the plan's reads", reads)
	}
	if outcome != "interrupted" || applied != len(h.writes()) || applied < 3 || !strings.Contains(out, "interrupted before the plan was complete") {
		t.Errorf("outcome %s, %d applied, %d writes answered:\n%s", outcome, applied, len(h.writes()), out)
	}
	h.emu.ResetStats()
	out, errOut, code = h.run(context.Background(), "apply", "-f", file, "--auto-approve")
	if code != ExitOK || !strings.Contains(out, fmt.Sprintf("Apply complete: %d calls applied.", n-applied)) {
		t.Fatalf("re-run: exit %d, want %d calls\n%s\n%s", code, n-applied, out, errOut)
	}
}

// A read that fails once calls were made stops the one pass the same way:
// the summary says what was made, the error which read failed.
func TestLateReadFailureStopsThePipelinedApply(t *testing.T) {
	t.Parallel()
	h := newGatedHarness(t, "user040", 5, true)
	file := bigPool(t, h, "us-east-1_Late3", 60)
	out, errOut, code := h.run(context.Background(), "apply", "-f", file, "--auto-approve", "--concurrency", "4")
	if code != ExitError {
		t.Fatalf("exit %d, want 1\n%s\n%s", code, out, errOut)
	}
	m := appliedCount.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no stop summary:\n%s", out)
	}
	if applied, _ := strconv.Atoi(m[1]); applied != len(h.writes()) || applied < 5 {
		t.Errorf("summary says %d applied, the emulator answered %d writes", applied, len(h.writes()))
	}
	for _, want := range []string{
		"Nothing more was sent: reading live state failed after these calls were made, so the plan could not be completed.",
		"Error: reading live state: could not read 1 pool or user from Cognito:\n  AdminGetUser pool us-east-1_Late3 user user040: NotAuthorizedException",
		"NotAuthorizedException",
	} {
		if !strings.Contains(out+errOut, want) {
			t.Errorf("output lacks %q:\n%s\n%s", want, out, errOut)
		}
	}
}
