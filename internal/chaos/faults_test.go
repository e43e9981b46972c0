package chaos

import (
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/mfactl/mfactl/emulator"
)

// The faults a fifth of the calls meet: 5xx, throttling, connections
// dropped or reset before the call has any effect, and responses lost
// after it had its effect.
var faultRules = []emulator.FaultRule{
	{Operation: "*", Kind: emulator.CodeInternalError, Rate: 0.05},
	{Operation: "*", Kind: emulator.CodeTooManyRequests, Rate: 0.05},
	{Operation: "*", Kind: emulator.FaultDrop, Rate: 0.035},
	{Operation: "*", Kind: emulator.FaultReset, Rate: 0.035},
	{Operation: "*", Kind: emulator.FaultLost, Rate: 0.03},
}

var appliedLine = regexp.MustCompile(`(?m)^(?:Apply complete: ([\d,]+) calls? applied|Apply (?:failed|stopped): ([\d,]+) applied, ([\d,]+) failed)`)

// Every user change and pool change converges under a fifth of the calls
// failing, nothing is lost, every duplicated effect is a retried write
// whose first answer was lost, and a re-plan finds nothing to do.
func TestFaultsConverge(t *testing.T) {
	sz := current(t)
	sc := newScenario(t, sz.pools, sz.users)
	emu, url := sc.emulatorFor(t, emulator.Options{QuotaScale: sz.quotaScale, FaultSeed: 20261202, Faults: faultRules})
	common := append([]string{"--endpoint-url", url}, rates(sz.quotaScale)...)

	applied, applies := 0, 0
	var took time.Duration
	for applies < sz.faultApplyAttempts {
		applies++
		r := run(t, 30*time.Minute, append([]string{"apply", "-f", sc.files, "--auto-approve"}, common...)...)
		took += r.took
		m := appliedLine.FindStringSubmatch(r.stdout)
		if m == nil {
			t.Fatalf("apply %d: no summary (exit %d)\n%s\n%s", applies, r.code, r.stdout, tail(r.stderr))
		}
		n := count(m[1] + m[2])
		applied += n
		if r.code == 0 {
			break
		}
		t.Logf("apply %d exited %d; running it again\n%s", applies, r.code, r.stdout)
	}

	// From the emulator's own state: nothing lost.
	st := readState(t, emu)
	pools, users := sc.remainder(st)
	lost := len(pools) + len(users)
	if lost != 0 {
		t.Errorf("lost: %d pools and %d users not at their desired state after %d applies", len(pools), len(users), applies)
	}

	// From its call log: every extra effect is a retry after a lost answer.
	stats := emu.Stats()
	effects, explained, faulted := 0, 0, 0
	afterLost := map[string]bool{} // the target's last effect had its answer lost
	for _, c := range stats.Calls {
		if c.Error != "" {
			faulted++
		}
		if !isWrite(c.Operation) || !c.Applied {
			continue
		}
		key := c.Operation + " " + c.UserPoolId + " " + c.Username
		effects++
		if afterLost[key] {
			explained++ // the retry of a write whose answer was lost
		}
		afterLost[key] = c.Error == emulator.FaultLost
	}
	unexplained := effects - explained - applied
	if unexplained != 0 {
		t.Errorf("%d effects in the emulator's log, %d calls applied by mfactl, %d retries after a lost answer: %d unexplained", effects, applied, explained, unexplained)
	}

	// A re-plan finds nothing left to do.
	again := run(t, 30*time.Minute, append([]string{"plan", "-f", sc.files, "--detailed-exitcode"}, common...)...)
	if again.code != 0 {
		t.Errorf("re-plan after convergence: exit %d\n%s", again.code, tail(again.stdout))
	}

	// The same apply without faults, on a fresh emulator: what the faults cost.
	_, cleanURL := sc.emulatorFor(t, emulator.Options{QuotaScale: sz.quotaScale})
	clean := run(t, 30*time.Minute, append([]string{"apply", "-f", sc.files, "--auto-approve", "--endpoint-url", cleanURL}, rates(sz.quotaScale)...)...)
	if clean.code != 0 {
		t.Fatalf("apply without faults: exit %d\n%s", clean.code, tail(clean.stdout))
	}

	total := sc.totalUsers() + len(sc.pools)
	// At the quota, which is per Region: the users read twice (to plan, to
	// verify) and written once, Regions side by side.
	ideal := 0.0
	for _, n := range sc.usersByRegion() {
		ideal = max(ideal, 2*float64(n)/(120*sz.quotaScale)+float64(n)/(25*sz.quotaScale))
	}
	figures.set("converged", "%d/%d user changes and %d/%d pools (%.0f%%) under %.1f%% injected faults (%d of %d calls: 5xx, throttles, drops, resets, lost answers), in %d apply; re-plan: %s",
		sc.totalUsers()-len(users), sc.totalUsers(), len(sc.pools)-len(pools), len(sc.pools), 100*float64(total-lost)/float64(total),
		100*float64(faulted)/float64(len(stats.Calls)), faulted, len(stats.Calls), applies, planWord(again.code))
	figures.set("lost", "%d (from the emulator's state)", lost)
	figures.set("duplicated", "%d effects, all %d retries of a write whose answer was lost (idempotent: the same request applied twice); %d unexplained", explained, explained, unexplained)
	figures.set("speed", "under faults the apply took %.1f s, without faults %.1f s, at the quota %.1f s: %.2f of the quota achieved under faults, %.2f without (emulator quotas and --rate at %gx Cognito's)",
		took.Seconds(), clean.took.Seconds(), ideal, ideal/took.Seconds(), ideal/clean.took.Seconds(), sz.quotaScale)
}

func planWord(code int) string {
	if code == 0 {
		return "0 changes"
	}
	return fmt.Sprintf("exit %d", code)
}

func tail(s string) string {
	if len(s) > 3000 {
		return "…" + s[len(s)-3000:]
	}
	return s
}
