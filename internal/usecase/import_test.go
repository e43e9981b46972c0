package usecase

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/mfactl/mfactl/internal/state"
	"github.com/mfactl/mfactl/internal/token"
)

// recordingSink records what import hands over, page by page.
type recordingSink struct {
	events []string
	pages  []int
}

func (r *recordingSink) BeginPool(p *state.LivePool) error {
	r.events = append(r.events, "begin "+p.UserPoolId+" "+string(p.Config.MfaConfiguration))
	return nil
}

func (r *recordingSink) Users(id string, users []*state.LiveUser) error {
	r.pages = append(r.pages, len(users))
	names := make([]string, len(users))
	for i, u := range users {
		names[i] = u.Username
	}
	r.events = append(r.events, "users "+strings.Join(names, ","))
	return nil
}

func (r *recordingSink) EndPool(id string) error {
	r.events = append(r.events, "end "+id)
	return nil
}

func TestParseUserSelection(t *testing.T) {
	for in, want := range map[string]string{"": "none", "none": "none", "all": "all", "group:admins": "group:admins", "bob, alice,bob": "bob,alice"} {
		got, err := ParseUserSelection(in)
		if err != nil || got.String() != want {
			t.Errorf("ParseUserSelection(%q) = %v, %v; want %s", in, got, err, want)
		}
	}
	for _, bad := range []string{"group:", "alice,,bob"} {
		if _, err := ParseUserSelection(bad); err == nil {
			t.Errorf("ParseUserSelection(%q) accepted", bad)
		}
	}
}

func TestImportHandsOverOnePageAtATime(t *testing.T) {
	fake := newFake()
	for i := range 130 {
		name := fmt.Sprintf("u%03d", i)
		fake.live.Users[name] = &state.LiveUser{Username: name, Exists: true}
	}
	s := importSession(fake)
	var progress []int
	sink := &recordingSink{}
	err := s.Import(context.Background(), ImportOptions{PoolIDs: []string{poolID}, Users: UserSelection{All: true},
		Progress: func(_ string, n int) { progress = append(progress, n) }}, sink)
	if err != nil {
		t.Fatal(err)
	}
	// 132 users: alice, bob and 130 more, listed in pages of 60.
	if !slices.Equal(sink.pages, []int{60, 60, 12}) || !slices.Equal(progress, []int{60, 120, 132}) || fake.listed != 3 {
		t.Fatalf("pages %v, progress %v, %d list calls", sink.pages, progress, fake.listed)
	}
	if sink.events[0] != "begin "+poolID+" OFF" || sink.events[len(sink.events)-1] != "end "+poolID {
		t.Fatalf("events: %v", sink.events)
	}
}

func TestImportSelections(t *testing.T) {
	for _, tc := range []struct {
		sel  UserSelection
		want string
	}{
		{UserSelection{}, "begin " + poolID + " OFF|end " + poolID},
		{UserSelection{Names: []string{"bob", "alice"}}, "begin " + poolID + " OFF|users bob,alice|end " + poolID},
		{UserSelection{Group: "a"}, "begin " + poolID + " OFF|users alice|end " + poolID},
	} {
		sink := &recordingSink{}
		s := importSession(newFake())
		if err := s.Import(context.Background(), ImportOptions{PoolIDs: []string{poolID}, Users: tc.sel}, sink); err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(sink.events, "|"); got != tc.want {
			t.Errorf("--users %s: %s, want %s", tc.sel, got, tc.want)
		}
	}
}

func TestImportRefusesAMissingUser(t *testing.T) {
	s := importSession(newFake())
	err := s.Import(context.Background(), ImportOptions{PoolIDs: []string{poolID}, Users: UserSelection{Names: []string{"alice", "ghost"}}}, &recordingSink{})
	if err == nil || !strings.Contains(err.Error(), "user ghost does not exist in user pool "+poolID) {
		t.Fatalf("err = %v", err)
	}
}

// importSession is a session whose client is f, for import: live state
// and listings of users.
func importSession(f *fakeCognito) *Session {
	return NewSession(func(context.Context, *token.Token) (Cognito, error) {
		return ports{LiveReader: f, Importing: f}, nil
	})
}

// riskFake answers risk reads: a configuration for the pool and for
// clients with one, none for the others; listing fails with listErr.
type riskFake struct {
	clients []string
	own     map[string]string // client → its HighAction
	listErr error
}

func (f riskFake) ListAppClients(context.Context, string) ([]string, error) {
	return f.clients, f.listErr
}

func (f riskFake) ReadRisk(_ context.Context, lp *state.LivePool, pool bool, clientIDs []string) error {
	high := func(a string) *state.RiskConfiguration {
		return &state.RiskConfiguration{AccountTakeoverRiskConfiguration: &state.AccountTakeoverRiskConfiguration{
			Actions: state.AccountTakeoverActions{HighAction: &state.AccountTakeoverAction{EventAction: a}}}}
	}
	if pool {
		lp.Posture.RiskConfiguration = high("MFA_REQUIRED")
	}
	for _, id := range clientIDs {
		c := state.AppClientPosture{ClientId: id, Exists: id != "gone"}
		if a, ok := f.own[id]; ok {
			c.RiskConfiguration = high(a)
		}
		lp.Posture.AppClients = append(lp.Posture.AppClients, c)
	}
	return nil
}

// Import keeps the risk configuration of each app client that has its own,
// and says why when the clients cannot be listed; the pool's is kept either way.
func TestImportRiskOfAppClients(t *testing.T) {
	pool := &state.LivePool{UserPoolId: poolID, Exists: true}
	f := riskFake{clients: []string{"web", "ios", "gone"}, own: map[string]string{"web": "BLOCK", "gone": "BLOCK"}}
	if err := importRisk(context.Background(), f, pool); err != nil {
		t.Fatal(err)
	}
	if got := pool.Posture.AppClients; len(got) != 1 || got[0].ClientId != "web" || got[0].RiskConfiguration == nil || pool.ClientsUnread != "" {
		t.Errorf("app clients imported: %+v (%q)", got, pool.ClientsUnread)
	}

	pool = &state.LivePool{UserPoolId: poolID, Exists: true}
	f.listErr = fmt.Errorf("ListUserPoolClients pool %s: AccessDeniedException", poolID)
	if err := importRisk(context.Background(), f, pool); err != nil {
		t.Fatal(err)
	}
	if pool.ClientsUnread != f.listErr.Error() || len(pool.Posture.AppClients) != 0 || pool.Posture.RiskConfiguration == nil || pool.RiskUnread != "" {
		t.Errorf("a denied listing: %+v, ClientsUnread %q", pool.Posture, pool.ClientsUnread)
	}
}
