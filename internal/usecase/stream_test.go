package usecase

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mfactl/mfactl/internal/cognito/cognitotest"
	"github.com/mfactl/mfactl/internal/state"
	"github.com/mfactl/mfactl/internal/token"
	"github.com/mfactl/mfactl/plan"
)

var mixedUser = cognitotest.MixedUser

const mixedPolicies = cognitotest.MixedPolicies

func generatedSession(g *generatedPool) *Session {
	return NewSession(func(context.Context, *token.Token) (Cognito, error) {
		return ports{LiveReader: g, Selecting: g}, nil
	})
}

func withKeepWhole(t *testing.T, n int) {
	t.Helper()
	old := keepWhole
	keepWhole = n
	t.Cleanup(func() { keepWhole = old })
}

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// A plan that counts the users it finds in sync instead of keeping them
// is the plan that keeps every user: the same changes, counts, calls and
// diagnostics. Only its targets and the listing it records are fewer.
func TestStreamedPlanIsThePlanOfEveryUser(t *testing.T) {
	file := writeFile(t, mixedPolicies)
	plans := map[string]*plan.Plan{}
	for name, keep := range map[string]int{"whole": math.MaxInt, "streamed": 10} {
		withKeepWhole(t, keep)
		planned, err := generatedSession(&generatedPool{N: 700, User: mixedUser}).Plan(context.Background(), PlanOptions{Files: []string{file}})
		if err != nil || planned.InputInvalid() {
			t.Fatalf("%s: %v %v", name, err, planned.Input)
		}
		plans[name] = planned.Plan
	}
	whole, streamed := plans["whole"], plans["streamed"]
	if whole.Diagnostics.HasErrors() || len(whole.Calls) == 0 || whole.UsersInSync() == 0 || len(whole.Pools[0].Policies[0].IneligibleUsers) == 0 {
		t.Fatalf("the pool does not hold every case: %d calls, %d in sync, diagnostics %v", len(whole.Calls), whole.UsersInSync(), whole.Diagnostics)
	}
	for _, part := range []struct {
		name      string
		got, want any
	}{{"changes", streamed.Pools, whole.Pools}, {"calls", streamed.Calls, whole.Calls}, {"diagnostics", streamed.Diagnostics, whole.Diagnostics}} {
		if g, w := jsonOf(t, part.got), jsonOf(t, part.want); g != w {
			t.Errorf("streamed %s differ:\n got %s\nwant %s", part.name, g, w)
		}
	}
	st := streamed.Selections[0]
	if st.Policy != "everyone-sms" || st.InSync == 0 || !strings.HasPrefix(st.InSyncDigest, "sha256-sum:") || len(streamed.Targets) >= len(whole.Targets) {
		t.Errorf("the streamed plan should count users in sync, not keep them: %+v, %d targets against %d", st, len(streamed.Targets), len(whole.Targets))
	}
	if whole.Selections[0].InSync != 0 {
		t.Errorf("a plan that kept every user counts %d in sync without naming them", whole.Selections[0].InSync)
	}
}

// A saved plan that counted users in sync without naming them applies on
// unchanged state, and is stale once one of those users changes.
func TestStreamedSavedPlanIsStaleWhenAUserCountedInSyncChanges(t *testing.T) {
	withKeepWhole(t, 10)
	g := &generatedPool{N: 200, User: mixedUser}
	s := generatedSession(g)
	planned, err := s.Plan(context.Background(), PlanOptions{Files: []string{writeFile(t, mixedPolicies)}})
	if err != nil || planned.Plan.Selections[0].InSync == 0 {
		t.Fatalf("plan: %v; selections %+v", err, planned.Plan.Selections)
	}
	path := filepath.Join(t.TempDir(), "mfa.plan")
	if err := SavePlan(path, planned.Plan, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := generatedSession(g).LoadSaved(context.Background(), SavedOptions{Path: path}); err != nil {
		t.Fatalf("unchanged state: %v", err)
	}
	// user 140 (i%7 == 0), beyond the 10 kept whole, was in sync; now its SMS is off.
	g.User = func(i int) *state.LiveUser {
		u := mixedUser(i)
		if i == 140 {
			u.Settings.SMSMfaSettings = nil
		}
		return u
	}
	_, err = generatedSession(g).LoadSaved(context.Background(), SavedOptions{Path: path})
	var stale *StaleError
	if !errors.As(err, &stale) || len(stale.Selections) != 1 || stale.Selections[0].InSync == "" || !strings.Contains(err.Error(), "counted in sync changed") {
		t.Fatalf("want a stale plan for the user counted in sync, got %v", err)
	}
}

// An interrupted report resumes from its checkpoint to the report an
// uninterrupted run makes, reading each user once over the two runs: of a
// whole pool and of files, with every user kept whole and with all but 50
// let go once tallied.
func TestReportResumesWithoutReadingAUserTwice(t *testing.T) {
	files := writeFile(t, mixedPolicies)
	for _, keep := range []int{math.MaxInt, 50} {
		for name, opts := range map[string]ReportOptions{"pool": {UserPoolId: generatedPoolID}, "files": {Files: []string{files}}} {
			t.Run(fmt.Sprintf("%s/keepWhole=%d", name, keep), func(t *testing.T) {
				withKeepWhole(t, keep)
				testReportResumes(t, opts)
			})
		}
	}
}

func testReportResumes(t *testing.T, opts ReportOptions) {
	dir := t.TempDir()
	const n = 500
	opts.CheckpointDir = dir
	want, err := generatedSession(&generatedPool{N: n, User: mixedUser}).Report(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("a run that finished left %d checkpoints", len(entries))
	}

	g := &generatedPool{N: n, User: mixedUser}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	g.BeforeRead = func(reads int64) error {
		if reads == 200 {
			cancel()
		}
		return nil
	}
	rep, err := generatedSession(g).Report(ctx, opts)
	var resumable *ResumableError
	if !errors.As(err, &resumable) || !errors.Is(err, context.Canceled) || !rep.Interrupted {
		t.Fatalf("interrupted report: %v (%T)", err, err)
	}
	if !strings.Contains(err.Error(), "--resume") || !strings.Contains(err.Error(), resumable.Checkpoint) || resumable.Kept == 0 {
		t.Errorf("the error should say how to resume and where the reads are: %v", err)
	}
	first := g.Reads.Load()

	g.BeforeRead = nil
	opts.Resume = true
	got, err := generatedSession(g).Report(context.Background(), opts)
	if err != nil {
		t.Fatalf("resumed: %v", err)
	}
	if total := g.Reads.Load(); total != int64(want.Pools[0].Listed) {
		t.Errorf("%d reads over both runs (%d before the interruption), want %d: a user was read twice", total, first, want.Pools[0].Listed)
	}
	if g, w := jsonOf(t, got.Pools), jsonOf(t, want.Pools); g != w {
		t.Errorf("the resumed report differs:\n got %s\nwant %s", g, w)
	}
	if _, err := os.Stat(resumable.Checkpoint); !os.IsNotExist(err) {
		t.Errorf("the checkpoint is left after the resumed run finished: %v", err)
	}
}

// A report that lets its users go once tallied is the report that keeps
// them all, for a whole pool, a filter and files (violations included),
// also per user (CSV's rows).
func TestReportLettingUsersGoIsTheReportKeepingThem(t *testing.T) {
	files := writeFile(t, mixedPolicies)
	for name, opts := range map[string]ReportOptions{
		"pool":   {UserPoolId: generatedPoolID},
		"filter": {UserPoolId: generatedPoolID, Filter: `email ^= "x"`},
		"files":  {Files: []string{files}},
	} {
		t.Run(name, func(t *testing.T) {
			report := func(keep int) (string, string) {
				withKeepWhole(t, keep)
				rep, err := generatedSession(&generatedPool{N: 700, User: mixedUser}).Report(context.Background(), opts)
				if err != nil {
					t.Fatal(err)
				}
				var rows []UserReport
				for _, p := range rep.Pools {
					rows = slices.AppendSeq(rows, p.Users.All())
				}
				return jsonOf(t, rep), jsonOf(t, rows)
			}
			wantReport, wantRows := report(math.MaxInt)
			gotReport, gotRows := report(20)
			if gotReport != wantReport {
				t.Errorf("the report differs when users are let go:\n got %s\nwant %s", gotReport, wantReport)
			}
			if gotRows != wantRows {
				t.Errorf("the rows differ when users are let go:\n got %s\nwant %s", gotRows, wantRows)
			}
			if !strings.Contains(wantRows, `"State":"NoMFA"`) || !strings.Contains(wantRows, `"Enabled":["SMS","TOTP"]`) {
				t.Errorf("the rows lack users of some kind: %.300s", wantRows)
			}
		})
	}
}

// Cognito does not list users by name; a report lists them by name all the
// same, whatever the order they were read in.
func TestReportListsUsersByNameWhateverTheListingsOrder(t *testing.T) {
	withKeepWhole(t, 20)
	files := writeFile(t, mixedPolicies)
	for name, opts := range map[string]ReportOptions{"pool": {UserPoolId: generatedPoolID}, "files": {Files: []string{files}}} {
		t.Run(name, func(t *testing.T) {
			report := func(shuffled bool) (*Report, string) {
				rep, err := generatedSession(&generatedPool{N: 700, User: mixedUser, Shuffled: shuffled}).Report(context.Background(), opts)
				if err != nil {
					t.Fatal(err)
				}
				return rep, jsonOf(t, slices.Collect(rep.Pools[0].Users.All()))
			}
			byNumber, byNumberRows := report(false)
			shuffled, shuffledRows := report(true)
			if g, w := jsonOf(t, shuffled), jsonOf(t, byNumber); g != w {
				t.Errorf("the report differs when the listing is shuffled:\n got %s\nwant %s", g, w)
			}
			if shuffledRows != byNumberRows {
				t.Errorf("the rows differ when the listing is shuffled:\n got %s\nwant %s", shuffledRows, byNumberRows)
			}
			p := shuffled.Pools[0]
			if !slices.IsSorted(p.UsersWithoutMfa) || len(p.UsersWithoutMfa) < 50 || p.Users.Len() != p.Read {
				t.Errorf("users without MFA not by name, or too few: %d, %v", len(p.UsersWithoutMfa), p.UsersWithoutMfa[:5])
			}
		})
	}
}

// A read that fails keeps the reads made before it, and says how to resume.
func TestPlanFailingMidReadKeepsItsReads(t *testing.T) {
	dir := t.TempDir()
	g := &generatedPool{N: 300, User: mixedUser}
	g.BeforeRead = func(reads int64) error {
		if reads == 150 {
			return errors.New("connection reset by peer")
		}
		return nil
	}
	file := writeFile(t, mixedPolicies)
	_, err := generatedSession(g).Plan(context.Background(), PlanOptions{Files: []string{file}, CheckpointDir: dir})
	var resumable *ResumableError
	if !errors.As(err, &resumable) || !strings.Contains(err.Error(), "connection reset by peer") || !strings.Contains(err.Error(), "--resume") {
		t.Fatalf("want a failure that says how to resume, got %v", err)
	}
	g.BeforeRead = nil
	before := g.Reads.Load()
	planned, err := generatedSession(g).Plan(context.Background(), PlanOptions{Files: []string{file}, CheckpointDir: dir, Resume: true})
	if err != nil || planned.Plan.Diagnostics.HasErrors() {
		t.Fatalf("resumed: %v", err)
	}
	// Users 0, 3, 6 … are listed by both policies and read once; the one
	// whose read failed is read again.
	if again := g.Reads.Load() - before; again != 300-int64(resumable.Kept) {
		t.Errorf("the resumed plan read %d users, want the %d not kept", again, 300-resumable.Kept)
	}
}

// A checkpoint is refused for another run, when too old, and when corrupt,
// with an error that names the file.
func TestCheckpointRefusals(t *testing.T) {
	desired := func(pool, policy string) state.Desired {
		return state.Desired{Pools: []state.DesiredPool{{UserPoolId: pool, Policies: []state.Policy{{Name: policy, Select: state.Selection{AllUsers: true}}}}}}
	}
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	write := func(t *testing.T, d state.Desired, lines ...string) string {
		path := filepath.Join(t.TempDir(), "plan.checkpoint.jsonl")
		c, err := openCheckpoint(checkpointOptions{Path: path, Command: "plan"}, d, now)
		if err != nil {
			t.Fatal(err)
		}
		c.record(d.Pools[0].UserPoolId, &state.LiveUser{Username: "ann", Exists: true})
		if err := c.close(false); err != nil {
			t.Fatal(err)
		}
		f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		for _, l := range lines {
			f.WriteString(l)
		}
		return path
	}
	ours := desired("eu-west-1_Ours", "everyone")
	for _, tc := range []struct {
		name    string
		made    state.Desired
		lines   []string
		resumed state.Desired
		command string
		at      time.Time
		want    string
	}{
		{name: "another policy", made: desired("eu-west-1_Ours", "admins"), resumed: ours, want: "made for other policies or users"},
		{name: "another pool", made: desired("eu-west-1_Other", "everyone"), resumed: ours, want: "is of pool eu-west-1_Other, this run reads pool eu-west-1_Ours"},
		{name: "another Region", made: desired("us-east-1_Ours", "everyone"), resumed: ours, want: "is of Region us-east-1, this run reads Region eu-west-1"},
		{name: "another command", made: ours, resumed: ours, command: "report", want: "is of mfactl plan, not report"},
		{name: "too old", made: ours, resumed: ours, at: now.Add(CheckpointMaxAge + time.Hour), want: "was started 25h0m0s ago"},
		{name: "corrupt", made: ours, lines: []string{"{\"Pool\":\"eu-west-1_Ours\"}\n"}, resumed: ours, want: "is corrupt at line 3 (not a user read)"},
		{name: "not a checkpoint", lines: nil, resumed: ours, want: "is corrupt at line 1 (not a checkpoint of mfactl)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var path string
			if tc.made.Pools == nil {
				path = filepath.Join(t.TempDir(), "x.jsonl")
				os.WriteFile(path, []byte("{\"Plan\":1}\n"), 0o600)
			} else {
				path = write(t, tc.made, tc.lines...)
			}
			command, at := orDefault(tc.command, "plan"), tc.at
			if at.IsZero() {
				at = now
			}
			_, err := openCheckpoint(checkpointOptions{Path: path, Command: command, Resume: true}, tc.resumed, at)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), path) {
				t.Fatalf("got %v\nwant an error naming %s with %q", err, path, tc.want)
			}
		})
	}
	t.Run("a last line cut short by a kill is read again, not refused", func(t *testing.T) {
		path := write(t, ours, `{"Pool":"eu-west-1_Ours","User":{"Userna`)
		c, err := openCheckpoint(checkpointOptions{Path: path, Command: "plan", Resume: true}, ours, now)
		if err != nil {
			t.Fatal(err)
		}
		if c.take("eu-west-1_Ours", "ann") == nil || c.reads() != 1 {
			t.Errorf("the complete read was not resumed")
		}
		// What this run reads follows the last whole line: resumed again, the file is whole.
		c.record("eu-west-1_Ours", &state.LiveUser{Username: "bob", Exists: true})
		if err := c.close(false); err != nil {
			t.Fatal(err)
		}
		again, err := openCheckpoint(checkpointOptions{Path: path, Command: "plan", Resume: true}, ours, now)
		if err != nil {
			t.Fatalf("resumed a second time: %v", err)
		}
		defer again.close(false)
		if again.reads() != 2 || again.take("eu-west-1_Ours", "bob") == nil {
			t.Errorf("the second run's read was not kept after the cut line: %d reads", again.reads())
		}
	})
	t.Run("no checkpoint", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "none.jsonl")
		_, err := openCheckpoint(checkpointOptions{Path: path, Command: "plan", Resume: true}, ours, now)
		if err == nil || !strings.Contains(err.Error(), "no checkpoint to resume at "+path) {
			t.Fatalf("got %v", err)
		}
	})
}

func orDefault(s, otherwise string) string {
	if s == "" {
		return otherwise
	}
	return s
}

// A run that cannot keep its reads (the directory cannot be made) plans as
// runs always did; --resume from there is refused.
func TestPlanWithoutAWritableCheckpointDirectory(t *testing.T) {
	notADir := writeFile(t, "a file, not a directory")
	file := writeFile(t, mixedPolicies)
	planned, err := generatedSession(&generatedPool{N: 50, User: mixedUser}).Plan(context.Background(), PlanOptions{Files: []string{file}, CheckpointDir: notADir})
	if err != nil || planned.Plan == nil || len(planned.Plan.Calls) == 0 {
		t.Fatalf("plan: %v", err)
	}
	_, err = generatedSession(&generatedPool{N: 50, User: mixedUser}).Plan(context.Background(), PlanOptions{Files: []string{file}, CheckpointDir: notADir, Resume: true})
	if err == nil || !strings.Contains(err.Error(), notADir) {
		t.Fatalf("--resume without a checkpoint: %v", err)
	}
}
