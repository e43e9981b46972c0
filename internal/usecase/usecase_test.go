package usecase

import (
	"context"
	"errors"
	"io"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mfactl/mfactl/apply"
	"github.com/mfactl/mfactl/internal/state"
	"github.com/mfactl/mfactl/internal/token"
)

const poolID = "eu-west-1_Test1"

const desiredYAML = `Version: 1
UserPools:
  - UserPoolId: eu-west-1_Test1
    MfaConfiguration: OPTIONAL
    SmsMfaConfiguration: {Enabled: true}
    Users:
      - Username: alice
        SMSMfaSettings: {Enabled: true, PreferredMfa: true}
      - Username: bob
`

// fakeCognito holds one pool's live state; writes change it unless
// ignoreWrites is set (a Cognito that answers 200 and does nothing).
type fakeCognito struct {
	live         state.LivePool
	groups       map[string][]string // group → members
	listings     int                 // ListUsersFiltered and ListUsersInGroup calls
	reads        int
	listed       int // ListUsers pages
	readSets     []state.ReadSet
	userReads    []string // ReadUser calls, by username
	writes       []string
	ignoreWrites bool
	// ignoreUserWrites drops only the user calls.
	ignoreUserWrites bool

	mu sync.Mutex // for the calls PlanApply makes concurrently: ReadUser, AdminSetUserMFAPreference
	// readAfter holds the read of a user until a write was made ("user
	// alice"), for at most 10 s; readsGaveUp lists the users whose read
	// stopped waiting without the write.
	readAfter   map[string]string
	readsGaveUp []string
}

func newFake() *fakeCognito {
	off := func() *state.FactorSettings { return &state.FactorSettings{} }
	user := func(name string) *state.LiveUser {
		return &state.LiveUser{Username: name, Exists: true, HasPhoneNumber: true,
			Settings: state.UserSettings{SMSMfaSettings: off(), SoftwareTokenMfaSettings: off(), EmailMfaSettings: off()}}
	}
	return &fakeCognito{live: state.LivePool{
		UserPoolId: poolID, Exists: true,
		Config: state.PoolConfig{MfaConfiguration: state.ModeOff, SmsMfaConfiguration: &state.SmsMfaConfiguration{},
			SoftwareTokenMfaConfiguration: &state.SoftwareTokenMfaConfiguration{}, EmailMfaConfiguration: &state.EmailMfaConfiguration{}},
		Prerequisites: state.Prerequisites{SmsConfiguration: &state.SmsConfiguration{SnsCallerArn: "arn:aws:iam::123456789012:role/sms", ExternalId: "ext-1"}},
		Users:         map[string]*state.LiveUser{"alice": user("alice"), "bob": user("bob")},
	}}
}

func (f *fakeCognito) ReadLive(_ context.Context, rs state.ReadSet, _ func(done, total int)) (state.Live, error) {
	f.reads++
	f.readSets = append(f.readSets, rs)
	lp := f.live
	lp.Users = map[string]*state.LiveUser{}
	for _, name := range rs[poolID] {
		u := *f.live.Users[name]
		lp.Users[name] = &u
	}
	return state.Live{Pools: map[string]*state.LivePool{poolID: &lp}}, nil
}

func (f *fakeCognito) SetUserPoolMfaConfig(_ context.Context, id string, cfg state.PoolConfig) error {
	f.writes = append(f.writes, "pool "+id)
	if !f.ignoreWrites {
		f.live.Config = cfg
	}
	return nil
}

func (f *fakeCognito) AdminSetUserMFAPreference(_ context.Context, id, username string, s state.UserSettings) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.writes = append(f.writes, "user "+username)
	if !f.ignoreWrites && !f.ignoreUserWrites && s.SMSMfaSettings != nil {
		u := *f.live.Users[username]
		u.Settings.SMSMfaSettings = s.SMSMfaSettings
		f.live.Users[username] = &u
	}
	return nil
}

func (f *fakeCognito) SetUserMFAPreference(context.Context, string, state.UserSettings) error {
	return errors.New("fakeCognito: no self-service")
}

func (f *fakeCognito) AdminSetUserSettings(context.Context, string, string, []state.MFAOption) error {
	return errors.New("fakeCognito: no legacy MFAOptions")
}

// ReadersInFlight reads with a few workers, so that reads overlap.
func (f *fakeCognito) ReadersInFlight() int { return 4 }

// The fake lists every user for AllUsers and the members of groups; it
// filters nothing (filters are tested against the emulator).
func (f *fakeCognito) ListUsersFiltered(_ context.Context, _, filter string, _ []string, each func(state.ListedUser) error) error {
	if filter != "" {
		return errors.New("the fake does not filter")
	}
	return f.listNames(slices.Sorted(maps.Keys(f.live.Users)), each)
}

func (f *fakeCognito) ListUsersInGroup(_ context.Context, _, group string, each func(state.ListedUser) error) error {
	return f.listNames(f.groups[group], each)
}

func (f *fakeCognito) listNames(names []string, each func(state.ListedUser) error) error {
	f.listings++
	for _, n := range names {
		if err := each(state.ListedUser{Username: n}); err != nil {
			return err
		}
	}
	return nil
}

func (f *fakeCognito) GetGroup(_ context.Context, _, name string) (state.Group, error) {
	_, ok := f.groups[name]
	return state.Group{Name: name, Exists: ok}, nil
}

func (f *fakeCognito) ReadUser(_ context.Context, _, username string, _ state.Mode) (*state.LiveUser, error) {
	if write := f.readAfter[username]; write != "" {
		made := false
		for deadline := time.Now().Add(10 * time.Second); !made && time.Now().Before(deadline); time.Sleep(time.Millisecond) {
			f.mu.Lock()
			made = slices.Contains(f.writes, write)
			f.mu.Unlock()
		}
		if !made {
			f.mu.Lock()
			f.readsGaveUp = append(f.readsGaveUp, username)
			f.mu.Unlock()
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reads++
	f.userReads = append(f.userReads, username)
	u, ok := f.live.Users[username]
	if !ok {
		return &state.LiveUser{Username: username}, nil
	}
	v := *u
	return &v, nil
}

func writeFile(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "mfa.yaml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// ports assembles a Cognito from fakes of the ports a test uses; a port
// left out panics when called.
type ports struct {
	LiveReader
	Importing
	LegacyReading
	SelfService
	Selecting
	apply.Cognito
}

// sessionOf is a session whose client is f: live state, the policies'
// listings and a plan's calls, and no import, legacy MFAOptions or
// self-service.
func sessionOf(f *fakeCognito, connects *int) *Session {
	return NewSession(func(context.Context, *token.Token) (Cognito, error) {
		*connects++
		return ports{LiveReader: f, Selecting: f, Cognito: f}, nil
	})
}

func TestPlanStopsAtInvalidFilesWithoutConnecting(t *testing.T) {
	connects := 0
	s := sessionOf(newFake(), &connects)
	planned, err := s.Plan(context.Background(), PlanOptions{Files: []string{writeFile(t, "Version: 1\nUserPools: [{UserPoolId: nope}]\n")}})
	if err != nil {
		t.Fatal(err)
	}
	if !planned.InputInvalid() || !planned.Input.HasErrors() || connects != 0 {
		t.Fatalf("planned = %+v, connects = %d; want input errors and no client", planned, connects)
	}
}

func TestApplyVerifiesAgainstThePlansDesiredState(t *testing.T) {
	for _, tc := range []struct {
		name             string
		ignoreUserWrites bool
		verified         bool
	}{{"Cognito takes the calls", false, true}, {"Cognito drops the user calls", true, false}} {
		t.Run(tc.name, func(t *testing.T) {
			f, connects := newFake(), 0
			f.ignoreUserWrites = tc.ignoreUserWrites
			s := sessionOf(f, &connects)
			planned, err := s.Plan(context.Background(), PlanOptions{Files: []string{writeFile(t, desiredYAML)}})
			if err != nil || planned.InputInvalid() || planned.Plan.Diagnostics.HasErrors() {
				t.Fatalf("plan: %v %+v", err, planned)
			}
			applied, err := s.Apply(context.Background(), planned.Plan, ApplyOptions{Verify: VerifyAll})
			if err != nil {
				t.Fatal(err)
			}
			if !applied.Result.OK() || applied.Verification == nil {
				t.Fatalf("result = %+v", applied)
			}
			if got := applied.Verification.OK(); got != tc.verified {
				t.Fatalf("verified = %v; want %v (again: %+v)", got, tc.verified, applied.Verification.Again)
			}
			if v := applied.Verification; len(v.Desired.Pools) != 1 || len(v.Desired.Pools[0].Users) != 2 {
				t.Errorf("verified %+v; want the pool and both declared users", v.Desired)
			}
			if want := []string{"pool " + poolID, "user alice"}; len(f.writes) != 2 || f.writes[0] != want[0] || f.writes[1] != want[1] {
				t.Errorf("writes = %q; want %q", f.writes, want)
			}
			if connects != 1 || f.reads != 4 {
				t.Errorf("connects = %d, reads = %d; want one client, a read to plan, one of the pool before each of its two stages and one to verify", connects, f.reads)
			}
		})
	}
}

func TestApplyVerifiesOnlyWhatItWroteByDefault(t *testing.T) {
	for _, tc := range []struct {
		name             string
		ignoreUserWrites bool
		verified         bool
	}{{"Cognito takes the calls", false, true}, {"Cognito drops the user calls", true, false}} {
		t.Run(tc.name, func(t *testing.T) {
			f, connects := newFake(), 0
			// Dropping the pool call too would stop the pool before its
			// user stage (TestApplyStopsAPoolThatMovedBetweenStages).
			f.ignoreUserWrites = tc.ignoreUserWrites
			s := sessionOf(f, &connects)
			planned, err := s.Plan(context.Background(), PlanOptions{Files: []string{writeFile(t, desiredYAML)}})
			if err != nil || planned.InputInvalid() {
				t.Fatalf("plan: %v %+v", err, planned)
			}
			f.readSets = nil
			applied, err := s.Apply(context.Background(), planned.Plan, ApplyOptions{})
			if err != nil || !applied.Result.OK() {
				t.Fatalf("apply: %v %+v", err, applied)
			}
			v := applied.Verification
			if v.OK() != tc.verified || v.Scope != VerifyChanged {
				t.Fatalf("verified = %v in scope %q; want %v in scope changed (again: %+v)", v.OK(), v.Scope, tc.verified, v.Again)
			}
			// alice gets a call and bob none: bob is not read again. (The
			// reads of the pool alone are apply's checks before each stage.)
			f.readSets = slices.DeleteFunc(f.readSets, func(rs state.ReadSet) bool { return len(rs) == 1 && len(rs[poolID]) == 0 })
			if want := []state.ReadSet{{poolID: {"alice"}}}; !reflect.DeepEqual(f.readSets, want) {
				t.Errorf("verification read %v; want %v", f.readSets, want)
			}
			if len(v.Desired.Pools) != 1 || len(v.Desired.Pools[0].Users) != 1 || v.Desired.Pools[0].Users[0].Username != "alice" {
				t.Errorf("verified %+v; want the pool and alice", v.Desired)
			}
			// Restricted, but the same definition: the plan's recorded desired state.
			all := planned.Plan.DesiredState()
			if !reflect.DeepEqual(v.Desired.Pools[0].Config, all.Pools[0].Config) || !reflect.DeepEqual(v.Desired.Pools[0].Users[0], all.Pools[0].Users[0]) {
				t.Errorf("verified %+v; want the plan's desired state of the pool and alice %+v", v.Desired, all)
			}
		})
	}
}

// Where the plan leaves a pool alone, each user is read back for
// verification as its call returns, not again once every call is done.
func TestApplyReadsEachUserBackAsItsCallReturns(t *testing.T) {
	for _, tc := range []struct {
		name             string
		ignoreUserWrites bool
		verified         bool
	}{{"Cognito takes the calls", false, true}, {"Cognito drops the user calls", true, false}} {
		t.Run(tc.name, func(t *testing.T) {
			f, connects := newFake(), 0
			s := sessionOf(f, &connects)
			file := writeFile(t, desiredYAML)
			first, err := s.Plan(context.Background(), PlanOptions{Files: []string{file}})
			if err != nil || first.InputInvalid() {
				t.Fatalf("plan: %v %+v", err, first)
			}
			if applied, err := s.Apply(context.Background(), first.Plan, ApplyOptions{}); err != nil || !applied.Verification.OK() {
				t.Fatalf("first apply: %v %+v", err, applied)
			}
			// Someone turns alice's SMS off again: only a user call to make.
			alice := *f.live.Users["alice"]
			alice.Settings.SMSMfaSettings = &state.FactorSettings{}
			f.live.Users["alice"] = &alice
			f.ignoreUserWrites = tc.ignoreUserWrites
			planned, err := s.Plan(context.Background(), PlanOptions{Files: []string{file}})
			if err != nil || len(planned.Plan.Calls) != 1 || planned.Plan.Calls[0].Username != "alice" {
				t.Fatalf("plan: %v; calls %+v, want alice's only", err, planned.Plan.Calls)
			}
			f.readSets, f.userReads = nil, nil
			applied, err := s.Apply(context.Background(), planned.Plan, ApplyOptions{})
			if err != nil || !applied.Result.OK() {
				t.Fatalf("apply: %v %+v", err, applied)
			}
			if v := applied.Verification; v.OK() != tc.verified {
				t.Fatalf("verified = %v; want %v (again: %+v)", v.OK(), tc.verified, v.Again)
			}
			if want := []string{"alice"}; !reflect.DeepEqual(f.userReads, want) {
				t.Errorf("read back %q; want %q", f.userReads, want)
			}
			for _, rs := range f.readSets {
				if len(rs[poolID]) != 0 {
					t.Errorf("verification read %v again; want only the pool", rs)
				}
			}
		})
	}
}

// A Cognito that drops the pool call (or another writer that undoes it)
// is noticed before the next stage: the pool stops there, and its user
// calls are not sent under a configuration nobody planned.
func TestApplyStopsAPoolThatMovedBetweenStages(t *testing.T) {
	f, connects := newFake(), 0
	f.ignoreWrites = true
	s := sessionOf(f, &connects)
	planned, err := s.Plan(context.Background(), PlanOptions{Files: []string{writeFile(t, desiredYAML)}})
	if err != nil || planned.InputInvalid() {
		t.Fatalf("plan: %v %+v", err, planned)
	}
	applied, err := s.Apply(context.Background(), planned.Plan, ApplyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	r := applied.Result
	var moved *PoolMovedError
	if r.OK() || len(r.Halted) != 1 || !errors.As(r.Halted[0].Err, &moved) || moved.Stage != 2 || applied.Verification != nil {
		t.Fatalf("result = %+v; want the pool halted before stage 2", r)
	}
	if len(f.writes) != 1 || f.writes[0] != "pool "+poolID {
		t.Errorf("writes = %q; want only the widen call", f.writes)
	}
}

func TestLoadSavedRefusesAStalePlanAndAppliesAFreshOne(t *testing.T) {
	f, connects := newFake(), 0
	s := sessionOf(f, &connects)
	files := []string{writeFile(t, desiredYAML)}
	planned, err := s.Plan(context.Background(), PlanOptions{Files: files})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "mfa.plan")
	if err := SavePlan(path, planned.Plan, nil); err != nil {
		t.Fatal(err)
	}

	bob := *f.live.Users["bob"]
	bob.HasPhoneNumber = false
	f.live.Users["bob"] = &bob
	_, err = s.LoadSaved(context.Background(), SavedOptions{Path: path, Files: files})
	var stale *StaleError
	if !errors.As(err, &stale) || len(stale.Targets) != 1 || stale.Targets[0].Username != "bob" {
		t.Fatalf("err = %v; want bob's target stale", err)
	}

	bob.HasPhoneNumber = true
	saved, err := s.LoadSaved(context.Background(), SavedOptions{Path: path, Files: files})
	if err != nil {
		t.Fatal(err)
	}
	applied, err := s.Apply(context.Background(), saved.Plan, ApplyOptions{})
	if err != nil || !applied.Result.OK() || !applied.Verification.OK() {
		t.Fatalf("apply of the saved plan: %v %+v", err, applied)
	}
}

// ListUsers pages the fake's users in sorted order, 60 at a time; a group
// is every user whose name starts with it.
func (f *fakeCognito) ListUsers(_ context.Context, _ string, group string, page func([]string) error) error {
	names := slices.Sorted(maps.Keys(f.live.Users))
	names = slices.DeleteFunc(names, func(n string) bool { return !strings.HasPrefix(n, group) })
	for chunk := range slices.Chunk(names, 60) {
		f.listed++
		if err := page(chunk); err != nil {
			return err
		}
	}
	return nil
}

func (f *fakeCognito) ReadUsers(_ context.Context, _ string, _ state.Mode, names []string) ([]*state.LiveUser, error) {
	out := make([]*state.LiveUser, len(names))
	for i, n := range names {
		if u, ok := f.live.Users[n]; ok {
			c := *u
			out[i] = &c
		} else {
			out[i] = &state.LiveUser{Username: n}
		}
	}
	return out, nil
}

// An interrupt stops loading at once, even while the loader is still busy
// (here: waiting on a stdin that never ends).
func TestAnInterruptStopsLoadingAtOnce(t *testing.T) {
	stdin, w := io.Pipe()
	defer w.Close()
	ctx, cancel := context.WithCancel(context.Background())
	errs := make(chan error, 3)
	go func() {
		_, err := Validate(ctx, []string{"-"}, stdin)
		errs <- err
	}()
	connects, reportConnects := 0, 0
	s := sessionOf(newFake(), &connects)
	go func() {
		_, err := s.Plan(ctx, PlanOptions{Files: []string{"-"}, Stdin: stdin})
		errs <- err
	}()
	reports := sessionOf(newFake(), &reportConnects)
	go func() {
		_, err := reports.Report(ctx, ReportOptions{Files: []string{"-"}, Stdin: stdin})
		errs <- err
	}()
	cancel()
	for range 3 {
		select {
		case err := <-errs:
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("err = %v; want context.Canceled", err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("loading went on after the interrupt")
		}
	}
	if connects != 0 || reportConnects != 0 {
		t.Fatal("an interrupted plan or report connected to Cognito")
	}
}

func (f *fakeCognito) ReadRisk(context.Context, *state.LivePool, bool, []string) error {
	return errors.New("fakeCognito: no risk configurations")
}

func (f *fakeCognito) ListAppClients(context.Context, string) ([]string, error) {
	return nil, errors.New("fakeCognito: no app clients")
}

func (f *fakeCognito) UpdateUserPool(context.Context, string, state.Posture) error {
	return errors.New("fakeCognito: no posture calls")
}

func (f *fakeCognito) SetRiskConfiguration(context.Context, string, string, state.RiskConfiguration) error {
	return errors.New("fakeCognito: no posture calls")
}
