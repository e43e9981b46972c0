package chaos

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mfactl/mfactl/emulator"
)

// The cases of the second red team (issue 18), judged from the emulator's
// state and call log where there is one.

const policyPool = "eu-west-1_Policies1"

// policyEmulator is an emulator seeded with fixtures/policies/seed.yaml.
func policyEmulator(t *testing.T) (*emulator.Server, string) {
	t.Helper()
	emu, url := emulator.NewTestServer(t, emulator.Options{})
	if err := emu.SeedFile("../../fixtures/policies/seed.yaml"); err != nil {
		t.Fatal(err)
	}
	return emu, url
}

// userWrites are the users the emulator's AdminSetUserMFAPreference calls
// changed, and the other writes it took.
func userWrites(emu *emulator.Server) (users map[string]bool, other int) {
	users = map[string]bool{}
	for _, c := range emu.Stats().Calls {
		switch {
		case c.Error != "":
		case c.Operation == "AdminSetUserMFAPreference":
			users[c.Username] = true
		case isWrite(c.Operation) || strings.HasPrefix(c.Operation, "AdminSet"):
			other++
		}
	}
	return users, other
}

// A saved plan of a group policy applies on unchanged state: it writes
// exactly the policy's users and the one named, and a re-plan is empty.
func TestSavedPolicyPlanRoundTrip(t *testing.T) {
	current(t)
	emu, url := policyEmulator(t)
	dir := t.TempDir()
	files := file(t, dir, "admins.yaml", "Version: 1\nUserPools:\n  - UserPoolId: "+policyPool+`
    Policies:
      - Name: admins-use-totp
        Select: {Group: admins}
        SoftwareTokenMfaSettings: {Enabled: true, PreferredMfa: true}
    Users:
      - Username: breakglass
        SMSMfaSettings: {Enabled: true, PreferredMfa: true}
`)
	planFile := filepath.Join(dir, "admins.plan")
	if r := run(t, time.Minute, "plan", "-f", files, "--out", planFile, "--endpoint-url", url); r.code != 0 {
		t.Fatalf("plan --out: exit %d\n%s", r.code, tail(r.stderr))
	}
	emu.ResetStats()
	r := run(t, time.Minute, "apply", planFile, "--endpoint-url", url)
	users, other := userWrites(emu)
	if r.code != 0 || !users["ann"] || !users["bob"] || !users["breakglass"] || len(users) != 3 || other != 0 {
		t.Fatalf("apply PLANFILE: exit %d, wrote %v and %d other writes\n%s", r.code, users, other, tail(r.stdout+r.stderr))
	}
	again := run(t, time.Minute, "plan", "-f", files, "-o", "json", "--endpoint-url", url)
	var p struct{ Calls []any }
	if err := json.Unmarshal([]byte(again.stdout), &p); err != nil || len(p.Calls) != 0 {
		t.Fatalf("re-plan: %d calls (%v)\n%s", len(p.Calls), err, tail(again.stdout))
	}
	figures.set("round trip", "a saved plan of a group policy applied on unchanged state: %d users written as planned, 0 other writes, re-plan 0 calls", len(users))
}

// A signed plan that switched MFA off, applied, then undone by another
// change (live state A -> B -> A), is refused when applied again, with no
// write; the pool stays as the other change left it.
func TestReplayAfterTheStateWentBack(t *testing.T) {
	current(t)
	emu, url := policyEmulator(t)
	dir := t.TempDir()
	off := file(t, dir, "off.yaml", "Version: 1\nUserPools:\n  - UserPoolId: "+policyPool+"\n    MfaConfiguration: \"OFF\"\n")
	on := file(t, dir, "on.yaml", "Version: 1\nUserPools:\n  - UserPoolId: "+policyPool+"\n    MfaConfiguration: OPTIONAL\n"+
		"    SoftwareTokenMfaConfiguration: {Enabled: true}\n    SmsMfaConfiguration: {Enabled: true, SmsAuthenticationMessage: \"Your code is {####}\"}\n")
	planFile := filepath.Join(dir, "off.plan")
	t.Setenv("MFACTL_PLAN_KEY", "chaos-replay")
	for _, args := range [][]string{{"plan", "-f", off, "--out", planFile}, {"apply", planFile}, {"apply", "-f", on, "--auto-approve"}} {
		if r := run(t, time.Minute, append(args, "--endpoint-url", url)...); r.code != 0 {
			t.Fatalf("%v: exit %d\n%s", args, r.code, tail(r.stderr))
		}
	}
	if st := readState(t, emu); st.mode[policyPool] != "OPTIONAL" {
		t.Fatalf("the pool is %s before the replay", st.mode[policyPool])
	}
	emu.ResetStats()
	r := run(t, time.Minute, "apply", planFile, "--endpoint-url", url)
	_, other := userWrites(emu)
	st := readState(t, emu)
	if r.code != 1 || other != 0 || st.mode[policyPool] != "OPTIONAL" || !strings.Contains(r.stderr, "stale") {
		t.Fatalf("replay: exit %d, %d writes, pool %s\n%s", r.code, other, st.mode[policyPool], tail(r.stderr))
	}
	figures.set("replay", "an applied signed plan replayed after A -> B -> A: refused as stale (exit 1), 0 writes, MFA stayed %s", st.mode[policyPool])
}

// Names end users choose, in every output format of plan, apply, report
// and validate: nothing a GitHub runner reads as a command mfactl did not
// mean, no spreadsheet formula, no live @mention in Markdown.
func TestHostileNamesInEveryFormat(t *testing.T) {
	current(t)
	names := []string{"##[stop-commands]x", "::stop-commands::x", `=HYPERLINK("http://x")`, "+cmd|'/c'!A0", "@SUM(1+1)", "-2+3", "@octocat"}
	var seed strings.Builder
	seed.WriteString("Pools:\n  - Id: " + policyPool + "\n    MfaConfig: {MfaConfiguration: OPTIONAL, SoftwareTokenMfaConfiguration: {Enabled: true}}\n    Groups: [{GroupName: admins, Precedence: 1}]\n    Users:\n")
	for _, n := range names {
		fmt.Fprintf(&seed, "      - {Username: %q, Groups: [admins], Attributes: {email: h@example.com}}\n", n)
	}
	dir := t.TempDir()
	emu, url := emulator.NewTestServer(t, emulator.Options{})
	if err := emu.SeedFile(file(t, dir, "seed.yaml", seed.String())); err != nil {
		t.Fatal(err)
	}
	var named strings.Builder
	for _, n := range names[:3] {
		fmt.Fprintf(&named, "      - Username: %q\n        SoftwareTokenMfaSettings: {Enabled: false}\n", n)
	}
	files := file(t, dir, "names.yaml", "Version: 1\nUserPools:\n  - UserPoolId: "+policyPool+"\n    Policies:\n      - Name: admins-totp\n        Select: {Group: admins}\n"+
		"        SoftwareTokenMfaSettings: {Enabled: true}\n    Users:\n"+named.String())
	t.Setenv("GITHUB_ACTIONS", "true")
	runs := [][]string{}
	for _, f := range []string{"text", "json", "cli", "markdown", "github", "junit", "sarif"} {
		runs = append(runs, []string{"plan", "-f", files, "-o", f, "--endpoint-url", url}, []string{"validate", "-f", files, "-o", f})
	}
	for _, f := range []string{"text", "json"} {
		runs = append(runs, []string{"apply", "-f", files, "--auto-approve", "-o", f, "--endpoint-url", url})
	}
	for _, f := range []string{"text", "json", "csv", "markdown"} {
		runs = append(runs, []string{"report", "--user-pool-id", policyPool, "--show-users", "-o", f, "--endpoint-url", url})
	}
	for _, args := range runs {
		r := run(t, time.Minute, args...)
		format := args[len(args)-1]
		for i, a := range args {
			if a == "-o" {
				format = args[i+1]
			}
		}
		out := r.stdout + r.stderr
		if strings.Contains(out, "##[") {
			t.Errorf("%s -o %s: ##[ in the output", args[0], format)
		}
		for _, line := range strings.Split(out, "\n") {
			// mfactl's own annotations (in a GitHub run, every format
			// has them) are the only commands allowed.
			if l := strings.TrimLeft(line, " \t"); strings.HasPrefix(l, "::") && !strings.HasPrefix(l, "::error ") && !strings.HasPrefix(l, "::warning ") && !strings.HasPrefix(l, "::notice ") {
				t.Errorf("%s -o %s: a line a runner takes for a command: %s", args[0], format, line)
			}
		}
		if format == "csv" {
			rows, err := csv.NewReader(strings.NewReader(r.stdout)).ReadAll()
			if err != nil || len(rows) < len(names) {
				t.Fatalf("report -o csv: %v\n%s", err, r.stdout)
			}
			for _, row := range rows[1:] {
				for _, cell := range row {
					if cell != "" && strings.ContainsRune("=+-@", rune(cell[0])) {
						t.Errorf("report -o csv: cell %q is a formula", cell)
					}
				}
			}
		}
	}
	if t.Failed() {
		return
	}
	figures.set("names", "%d hostile usernames (GitHub commands, formulas, a mention) through %d outputs of plan, validate, apply and report: 0 forged commands, 0 formulas", len(names), len(runs))
}

// A plan file that is a device, a named pipe or 300 MB of padding is
// refused at once by show and apply, with no API call.
func TestHostilePlanFiles(t *testing.T) {
	current(t)
	emu, url := policyEmulator(t)
	dir := t.TempDir()
	fifo := filepath.Join(dir, "plan.fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip(err)
	}
	padded := filepath.Join(dir, "padded.plan")
	f, err := os.Create(padded)
	if err != nil {
		t.Fatal(err)
	}
	f.Truncate(300 << 20)
	f.Close()
	refused, slowest, largest := 0, time.Duration(0), int64(0)
	for _, path := range []string{"/dev/zero", fifo, padded} {
		for _, cmd := range []string{"show", "apply"} {
			emu.ResetStats()
			args := []string{cmd, path}
			if cmd == "apply" {
				args = append(args, "--endpoint-url", url)
			}
			r := run(t, 20*time.Second, args...)
			if r.code != 1 || !strings.Contains(r.stderr, "reading the plan file") || len(emu.Stats().Calls) != 0 {
				t.Errorf("%s %s: exit %d, %d calls\n%s", cmd, path, r.code, len(emu.Stats().Calls), tail(r.stderr))
				continue
			}
			refused++
			slowest, largest = max(slowest, r.took), max(largest, r.rssKiB)
		}
	}
	figures.set("plan files", "%d/6 refused at once (show and apply of /dev/zero, a FIFO, a 300 MB file): slowest %.2f s, largest %d MiB resident, 0 API calls", refused, slowest.Seconds(), largest>>10)
}
