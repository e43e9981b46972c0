package cmd

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/mfactl/mfactl/emulator"
	"github.com/mfactl/mfactl/internal/iostreams"
	"github.com/mfactl/mfactl/internal/views"
)

const reportPool = "eu-west-1_Report10k"

// The emulator here enforces no quota: mfactl is told a high one, so that
// the test measures behaviour, not Cognito's pace (make bench does that).
const (
	fastReads = "--rate=UserRead=20000"
	fastLists = "--rate=UserList=5000"
)

// seedMixedPool seeds n users in six states, by i mod 6: no factor, SMS,
// TOTP (preferred), email, legacy MFAOptions SMS, SMS and TOTP.
func seedMixedPool(t testing.TB, emu *emulator.Server, n int) {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, `{"Pools":[{"Id":%q,"UserPoolTier":"ESSENTIALS",
  "SmsConfiguration":{"SnsCallerArn":"arn:aws:iam::123456789012:role/sms","ExternalId":"x"},
  "EmailConfiguration":{"EmailSendingAccount":"DEVELOPER","SourceArn":"arn:aws:ses:eu-west-1:123456789012:identity/example.com"},
  "AccountRecoverySetting":{"RecoveryMechanisms":[{"Name":"verified_phone_number","Priority":1}]},
  "MfaConfig":{"MfaConfiguration":"OPTIONAL","SoftwareTokenMfaConfiguration":{"Enabled":true},"SmsMfaConfiguration":{},"EmailMfaConfiguration":{}},
  "Users":[`, reportPool)
	for i := range n {
		if i > 0 {
			b.WriteString(",")
		}
		u := fmt.Sprintf(`{"Username":"u%05d","Attributes":{"phone_number":"+1555%07d","email":"u%d@example.com"},"TotpSecret":"JBSWY3DPEHPK3PXP"`, i, i, i)
		switch i % 6 {
		case 1:
			u += `,"MfaSettings":{"SMSMfaSettings":{"Enabled":true}}`
		case 2:
			u += `,"MfaSettings":{"SoftwareTokenMfaSettings":{"Enabled":true,"PreferredMfa":true}}`
		case 3:
			u += `,"MfaSettings":{"EmailMfaSettings":{"Enabled":true}}`
		case 4:
			u += `,"MFAOptions":[{"DeliveryMedium":"SMS","AttributeName":"phone_number"}]`
		case 5:
			u += `,"MfaSettings":{"SMSMfaSettings":{"Enabled":true,"PreferredMfa":true},"SoftwareTokenMfaSettings":{"Enabled":true}}`
		}
		b.WriteString(u + "}")
	}
	b.WriteString("]}]}")
	if err := emu.Seed(strings.NewReader(b.String())); err != nil {
		t.Fatal(err)
	}
}

// emulatorCounts classifies the users of the emulator's own state file,
// independently of mfactl: the states the report must find.
func emulatorCounts(t *testing.T, emu *emulator.Server) (map[string]int, []string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "state.json")
	if err := emu.SaveState(path); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var st struct {
		Pools []struct {
			Users []struct {
				Username    string
				MFAOptions  []json.RawMessage
				MfaSettings map[string]struct{ Enabled bool }
			}
		}
	}
	if err := json.Unmarshal(data, &st); err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	var none []string
	for _, u := range st.Pools[0].Users {
		on := func(block string) bool { return u.MfaSettings[block].Enabled }
		switch {
		case len(u.MFAOptions) > 0:
			counts["LegacyMFAOptions"]++
		case on("SoftwareTokenMfaSettings"):
			counts["TOTP"]++
		case on("EmailMfaSettings"):
			counts["Email"]++
		case on("SMSMfaSettings"):
			counts["SMSOnly"]++
		default:
			counts["NoMFA"]++
			none = append(none, u.Username)
		}
	}
	sort.Strings(none)
	return counts, none
}

func TestReportCountsAPoolOf10000Users(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("reads 10,000 users")
	}
	emu, url := emulator.NewTestServer(t, emulator.Options{})
	seedMixedPool(t, emu, 10000)
	h := &harness{t: t, emu: emu, url: url}
	out, errOut, code := h.run(context.Background(), "report", "--user-pool-id", reportPool, "-o", "json", "--detailed-exitcode", "--endpoint-url", url, fastReads, fastLists)
	if code != ExitChanges {
		t.Fatalf("exit %d (want 2: users lack MFA)\n%s", code, errOut)
	}
	var rep struct {
		FormatVersion string
		Pools         []struct {
			UserPoolId, MfaConfiguration string
			Counts, Preferred            map[string]int
			UsersWithoutMfa              []string
			Violations                   []json.RawMessage
			Read                         int
		}
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	want, none := emulatorCounts(t, emu)
	p := rep.Pools[0]
	for _, st := range []string{"NoMFA", "SMSOnly", "TOTP", "Email", "LegacyMFAOptions"} {
		if p.Counts[st] != want[st] {
			t.Errorf("Counts[%s] = %d; the emulator holds %d", st, p.Counts[st], want[st])
		}
	}
	if rep.FormatVersion == "" || p.UserPoolId != reportPool || p.MfaConfiguration != "OPTIONAL" || p.Read != 10000 || p.Counts["Unknown"] != 0 {
		t.Errorf("report = %+v", p)
	}
	if !slices.Equal(p.UsersWithoutMfa, none) || p.Violations == nil {
		t.Errorf("UsersWithoutMfa: %d users, want %d", len(p.UsersWithoutMfa), len(none))
	}
	// Preferred: TOTP for i%6 == 2, SMS for i%6 == 5.
	prefTOTP, prefSMS := 0, 0
	for i := range 10000 {
		switch i % 6 {
		case 2:
			prefTOTP++
		case 5:
			prefSMS++
		}
	}
	if p.Preferred["TOTP"] != prefTOTP || p.Preferred["SMS"] != prefSMS {
		t.Errorf("Preferred = %v", p.Preferred)
	}
	// Reading cost one ListUsers page per 60 users and one AdminGetUser each.
	ops := emu.Stats().Operations
	if ops["ListUsers"].Calls != 167 || ops["AdminGetUser"].Calls != 10000 {
		t.Errorf("ListUsers %d calls, AdminGetUser %d; want 167 and 10000", ops["ListUsers"].Calls, ops["AdminGetUser"].Calls)
	}
	csvOut, _, code := h.run(context.Background(), "report", "--user-pool-id", reportPool, "-o", "csv", "--endpoint-url", url, fastReads, fastLists)
	// The header, the pool's posture row, and one row per user.
	if lines := strings.Count(csvOut, "\n"); code != ExitOK || lines != 10002 || !strings.HasPrefix(csvOut, strings.Join(views.CSVHeader, ",")+"\n") ||
		!strings.Contains(csvOut, "\n"+reportPool+",,"+views.PostureState+",,,tier ESSENTIALS; threat protection OFF") {
		t.Errorf("csv: exit %d, %d lines:\n%.400s", code, lines, csvOut)
	}
}

// Ctrl-C while reading: report stops, prints what it read, and exits 130.
func TestReportInterruptedPrintsWhatWasRead(t *testing.T) {
	t.Parallel()
	emu, url := emulator.NewTestServer(t, emulator.Options{Latency: 2 * time.Millisecond})
	seedMixedPool(t, emu, 3000)
	ios, _, out, errOut := iostreams.TestStreams()
	root := NewRootCmd(NewFactory(ios))
	root.SetArgs([]string{"report", "--user-pool-id", reportPool, "--endpoint-url", url})
	ctx, cancel := context.WithCancel(context.Background())
	cancelWhen(t, func() bool { return emu.Stats().Operations["AdminGetUser"].Calls >= 500 }, cancel)
	code := exitCode(root.ExecuteContext(ctx), ios)
	if code != ExitInterrupted || !strings.Contains(out.String(), "Interrupted: the report shows the users read until then.") {
		t.Fatalf("exit %d\n%s\n%s", code, out.String(), errOut.String())
	}
	if !strings.Contains(out.String(), " of ") || strings.Contains(out.String(), "users: 3000 (") {
		t.Errorf("the partial report does not say how many of the listed users it read:\n%s", out.String())
	}
}

func TestReportUsageErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"report"}, "report needs files or a pool"},
		{[]string{"report", "-f", "x.yaml", "--user-pool-id", "eu-west-1_A"}, "-f cannot be combined"},
		{[]string{"report", "--user-pool-id", "nope"}, `"nope" is not a user pool ID`},
		{[]string{"report", "--user-pool-id", "eu-west-1_A", "--group", "g", "--filter", `email = "x"`}, "--group and --filter cannot be combined"},
		{[]string{"report", "--user-pool-id", "eu-west-1_A", "--filter", `custom:team = "x"`}, "cannot be searched"},
		{[]string{"report", "--user-pool-id", "eu-west-1_A", "-o", "yaml"}, "use text, json, csv or markdown"},
	} {
		ios, _, _, errOut := iostreams.TestStreams()
		root := NewRootCmd(NewFactory(ios))
		root.SetArgs(tc.args)
		code := exitCode(root.ExecuteContext(context.Background()), ios)
		if code != ExitError || !strings.Contains(errOut.String(), tc.want) {
			t.Errorf("%v: exit %d, %q; want 1 and %q", tc.args, code, errOut.String(), tc.want)
		}
	}
}
