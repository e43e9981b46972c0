package chaos

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mfactl/mfactl/emulator"
)

// Two applies of different files on one pool at once. Cognito has no
// conditional writes, so neither can stop the other; what must hold is
// that no apply claims success for a state that is not there: the one that
// finishes last, if it exits 0, left the pool as its files say (its
// verification saw the final state), and any apply whose work was undone
// under it says so (a stopped pool or a verification difference, exit 1).
func TestTwoAppliesOnOnePool(t *testing.T) {
	sz := current(t)
	dir := t.TempDir()
	const pool = "us-east-1_Twin001"
	type seedUser struct {
		Username    string
		Attributes  map[string]string
		MfaSettings map[string]any
	}
	var users []seedUser
	var onUsers, offUsers strings.Builder
	for i := range sz.concurrentUsers {
		name := fmt.Sprintf("twin%04d", i)
		users = append(users, seedUser{Username: name, Attributes: map[string]string{"phone_number": fmt.Sprintf("+1555%07d", i)},
			MfaSettings: map[string]any{"SMSMfaSettings": map[string]bool{"Enabled": true}}})
		fmt.Fprintf(&onUsers, "      - Username: %s\n        SMSMfaSettings: {Enabled: true, PreferredMfa: true}\n", name)
		fmt.Fprintf(&offUsers, "      - Username: %s\n        SMSMfaSettings: {Enabled: false}\n", name)
	}
	seed, _ := json.Marshal(map[string]any{"Pools": []any{map[string]any{
		"Id":               pool,
		"SmsConfiguration": map[string]string{"SnsCallerArn": "arn:aws:iam::123456789012:role/twin-sms", "ExternalId": "twin-secret", "SnsRegion": "us-east-1"},
		"MfaConfig":        map[string]any{"MfaConfiguration": "OPTIONAL", "SmsMfaConfiguration": map[string]any{}, "SoftwareTokenMfaConfiguration": map[string]bool{"Enabled": true}},
		"Users":            users,
	}}})
	seedPath := filepath.Join(dir, "seed.json")
	writeFile(t, seedPath, string(seed))
	// A: SMS for everyone, then the pool ON. B: SMS off for everyone and
	// for the pool, which stays OPTIONAL with TOTP.
	fileA, fileB := filepath.Join(dir, "a.yaml"), filepath.Join(dir, "b.yaml")
	writeFile(t, fileA, "Version: 1\nUserPools:\n  - UserPoolId: "+pool+"\n    MfaConfiguration: ON\n    SmsMfaConfiguration: {Enabled: true}\n    SoftwareTokenMfaConfiguration: {Enabled: true}\n    Users:\n"+onUsers.String())
	writeFile(t, fileB, "Version: 1\nUserPools:\n  - UserPoolId: "+pool+"\n    MfaConfiguration: OPTIONAL\n    SmsMfaConfiguration: {Enabled: false}\n    SoftwareTokenMfaConfiguration: {Enabled: true}\n    Users:\n"+offUsers.String())

	rng := rand.New(rand.NewPCG(2026, 14))
	var outcomes []string
	stoppedPools, differences := 0, 0
	for round := range sz.concurrentRounds {
		t.Run(fmt.Sprintf("round%d", round+1), func(t *testing.T) {
			emu, url := emulator.NewTestServer(t, emulator.Options{QuotaScale: sz.quotaScale, Latency: time.Millisecond})
			if err := emu.SeedFile(seedPath); err != nil {
				t.Fatal(err)
			}
			type finished struct {
				name string
				r    result
				at   time.Time
			}
			done := make(chan finished, 2)
			launch := func(name, file string, delay time.Duration) {
				time.Sleep(delay)
				args := append([]string{"apply", "-f", file, "--auto-approve", "--endpoint-url", url}, rates(sz.quotaScale)...)
				began := time.Now()
				cmd, stdout, stderr := start(t, t.Context(), args...)
				r := wait(t, cmd, stdout, stderr, began)
				done <- finished{name, r, time.Now()}
			}
			go launch("A", fileA, 0)
			go launch("B", fileB, time.Duration(rng.IntN(200))*time.Millisecond)
			first, last := <-done, <-done

			matches := func(file string) bool {
				r := run(t, 5*time.Minute, append([]string{"plan", "-f", file, "--detailed-exitcode", "--endpoint-url", url}, rates(sz.quotaScale)...)...)
				return r.code == 0
			}
			finalA, finalB := matches(fileA), matches(fileB)
			final := "neither file"
			switch {
			case finalA:
				final = "A's files"
			case finalB:
				final = "B's files"
			}
			if last.r.code == 0 && !map[string]bool{"A": finalA, "B": finalB}[last.name] {
				t.Fatalf("%s finished last with exit 0, but the pool matches %s\n%s", last.name, final, tail(last.r.stdout))
			}
			for _, f := range []finished{first, last} {
				if strings.Contains(f.r.stdout, "Stopped pools:") {
					stoppedPools++
				}
				if strings.Contains(f.r.stdout, "Verification: live state still differs") {
					differences++
				}
			}
			outcomes = append(outcomes, fmt.Sprintf("%s exit %d then %s exit %d, pool left as %s", first.name, first.r.code, last.name, last.r.code, final))
		})
	}
	figures.set("concurrent", "%d rounds of two applies on one pool: no apply claimed a state that was not there; %d stopped a pool that moved under it, %d reported a verification difference (%s)",
		sz.concurrentRounds, stoppedPools, differences, strings.Join(outcomes, "; "))
}
