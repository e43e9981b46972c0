package chaos

import (
	"fmt"
	"math/rand/v2"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mfactl/mfactl/emulator"
)

// applyUntil starts an apply and, once the emulator has received at least
// after write calls, sends it sig. It returns the run; sig is never sent if
// the apply ends first.
func applyUntil(t *testing.T, sc *scenario, emu *emulator.Server, url string, q float64, after int, sig syscall.Signal) (result, bool) {
	t.Helper()
	args := append([]string{"apply", "-f", sc.files, "--auto-approve", "--endpoint-url", url}, rates(q)...)
	began := time.Now()
	cmd, stdout, stderr := start(t, t.Context(), args...)
	done := make(chan result, 1)
	go func() { done <- wait(t, cmd, stdout, stderr, began) }()
	sent := false
	deadline := time.After(10 * time.Minute)
	for {
		select {
		case r := <-done:
			return r, sent
		case <-deadline:
			_ = cmd.Process.Kill()
			t.Fatalf("apply ran for 10 minutes")
		case <-time.After(time.Millisecond):
			if !sent && writes(emu) >= after {
				_ = cmd.Process.Signal(sig)
				sent = true
			}
		}
	}
}

// kill -9 at random points of a large apply: each time, a re-plan shows
// exactly what the emulator's state still lacks, and a re-apply converges.
func TestKill9AtRandomPoints(t *testing.T) {
	sz := current(t)
	sc := newScenario(t, 2, sz.killUsers)
	calls := sc.totalUsers() + 3 // the ON pool's widen and narrow calls, the OPTIONAL pool's one
	rng := rand.New(rand.NewPCG(2026, 12))
	survived, least, most := 0, calls, 0
	for round := range sz.kills {
		t.Run(fmt.Sprintf("kill%02d", round+1), func(t *testing.T) {
			emu, url := sc.emulatorFor(t, emulator.Options{QuotaScale: sz.quotaScale, Latency: time.Millisecond})
			after := 1 + rng.IntN(calls-1)
			r, sent := applyUntil(t, sc, emu, url, sz.quotaScale, after, syscall.SIGKILL)
			if !sent || r.code != -int(syscall.SIGKILL) {
				t.Fatalf("apply was not killed (exit %d) at %d writes", r.code, after)
			}
			wantPools, wantUsers := sc.remainder(readState(t, emu))
			plan := run(t, 10*time.Minute, append([]string{"plan", "-f", sc.files, "-o", "json", "--endpoint-url", url}, rates(sz.quotaScale)...)...)
			gotPools, gotUsers := plannedTargets(t, plan.stdout)
			if !sameSet(gotPools, wantPools) || !sameSet(gotUsers, wantUsers) {
				t.Fatalf("killed after %d writes: the re-plan changes %d pools and %d users; the emulator's state lacks %d pools and %d users",
					after, len(gotPools), len(gotUsers), len(wantPools), len(wantUsers))
			}
			again := run(t, 10*time.Minute, append([]string{"apply", "-f", sc.files, "--auto-approve", "--endpoint-url", url}, rates(sz.quotaScale)...)...)
			pools, users := sc.remainder(readState(t, emu))
			if again.code != 0 || len(pools)+len(users) != 0 {
				t.Fatalf("re-apply after the kill: exit %d, %d pools and %d users left\n%s", again.code, len(pools), len(users), tail(again.stdout))
			}
			survived++
			least, most = min(least, len(wantUsers)), max(most, len(wantUsers))
		})
	}
	figures.set("kills", "%d/%d kill -9 at random points of a %d-call apply survived: each re-plan was exactly the emulator's remainder (%d to %d users left), each re-apply converged", survived, sz.kills, calls, least, most)
}

var interruptedLine = regexp.MustCompile(`(?m)^Interrupted: ([\d,]+) applied, ([\d,]+) failed, ([\d,]+) not started\.`)

// SIGINT and SIGTERM at random points: exit 130, and the summary's count
// of applied calls is the emulator's count of effects.
func TestInterruptsAtRandomPoints(t *testing.T) {
	sz := current(t)
	sc := newScenario(t, 2, sz.killUsers)
	calls := sc.totalUsers() + 3
	rng := rand.New(rand.NewPCG(2026, 13))
	matched := 0
	for round := range sz.signals {
		sig := syscall.SIGINT
		if round%2 == 1 {
			sig = syscall.SIGTERM
		}
		t.Run(fmt.Sprintf("%s%02d", map[syscall.Signal]string{syscall.SIGINT: "int", syscall.SIGTERM: "term"}[sig], round+1), func(t *testing.T) {
			emu, url := sc.emulatorFor(t, emulator.Options{QuotaScale: sz.quotaScale, Latency: time.Millisecond})
			// Early enough that the apply is still sending when the signal lands.
			after := 1 + rng.IntN(calls*3/4)
			r, sent := applyUntil(t, sc, emu, url, sz.quotaScale, after, sig)
			if !sent || r.code != 130 {
				t.Fatalf("exit %d after %s at %d writes; want 130\n%s\n%s", r.code, sig, after, tail(r.stdout), tail(r.stderr))
			}
			m := interruptedLine.FindStringSubmatch(r.stdout)
			if m == nil {
				t.Fatalf("no interrupted summary\n%s", tail(r.stdout))
			}
			applied, failed, notStarted := count(m[1]), count(m[2]), count(m[3])
			effects := 0
			for _, c := range emu.Stats().Calls {
				if isWrite(c.Operation) && c.Applied {
					effects++
				}
			}
			if applied != effects || failed != 0 || applied+notStarted != calls {
				t.Fatalf("summary says %d applied, %d failed, %d not started (of %d); the emulator applied %d", applied, failed, notStarted, calls, effects)
			}
			matched++
		})
	}
	figures.set("interrupts", "%d/%d SIGINT/SIGTERM at random points exited 130 with a summary that matches the emulator's log", matched, sz.signals)
}

// count reads a count of the summary, which has thousands separators.
func count(s string) int {
	n, _ := strconv.Atoi(strings.ReplaceAll(s, ",", ""))
	return n
}
