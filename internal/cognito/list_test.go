package cognito

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mfactl/mfactl/emulator"
	"github.com/mfactl/mfactl/internal/state"
)

func TestEndToEndListingAndGroups(t *testing.T) {
	isolateAWSEnv(t)
	const pool = "eu-west-1_Listing"
	e := startEmulator(t, emulator.Options{}, "eu-west-1")
	var seed strings.Builder
	fmt.Fprintf(&seed, "Pools:\n  - Id: %s\n    Groups:\n      - {GroupName: admins, Precedence: 3}\n      - {GroupName: support}\n    Users:\n", pool)
	for i := range 130 {
		groups := ""
		if i%10 == 0 {
			groups = ", Groups: [admins]"
		}
		fmt.Fprintf(&seed, "      - {Username: user%03d, Attributes: {email: u%d@example.com}%s}\n", i, i, groups)
	}
	if err := e.Seed(strings.NewReader(seed.String())); err != nil {
		t.Fatal(err)
	}
	c := newE2EClient(t, Options{EndpointURL: e.url})
	ctx := context.Background()

	collect := func(list func(each func(state.ListedUser) error) error) []string {
		t.Helper()
		var names []string
		if err := list(func(u state.ListedUser) error { names = append(names, u.Username); return nil }); err != nil {
			t.Fatal(err)
		}
		return names
	}
	e.ResetStats()
	all := collect(func(each func(state.ListedUser) error) error { return c.ListUsersFiltered(ctx, pool, "", nil, each) })
	if len(all) != 130 || all[0] != "user000" || all[129] != "user129" {
		t.Fatalf("ListUsers: %d users", len(all))
	}
	if got := e.Stats().Operations["ListUsers"].Calls; got != 3 {
		t.Errorf("ListUsers of 130 users took %d pages; want 3 of at most %d", got, ListPageSize)
	}
	prefix := collect(func(each func(state.ListedUser) error) error {
		return c.ListUsersFiltered(ctx, pool, `username ^= "user12"`, nil, each)
	})
	if len(prefix) != 10 || prefix[0] != "user120" {
		t.Errorf("filtered ListUsers: %v", prefix)
	}
	admins := collect(func(each func(state.ListedUser) error) error { return c.ListUsersInGroup(ctx, pool, "admins", each) })
	if len(admins) != 13 || admins[0] != "user000" || admins[12] != "user120" {
		t.Errorf("ListUsersInGroup admins: %v", admins)
	}

	var callErr *CallError
	err := c.ListUsersInGroup(ctx, pool, "nobody", func(state.ListedUser) error { return nil })
	if !errors.As(err, &callErr) || callErr.Code != "ResourceNotFoundException" || callErr.Operation != "ListUsersInGroup" {
		t.Errorf("listing a missing group: %v", err)
	} else if !strings.Contains(callErr.Meaning, "the group does not exist") || strings.Contains(callErr.Meaning, "user pool does not exist") {
		t.Errorf("a missing group is explained as %q", callErr.Meaning)
	}
	err = c.ListUsersFiltered(ctx, pool, `custom:team = "x"`, nil, func(state.ListedUser) error { return nil })
	if !errors.As(err, &callErr) || callErr.Code != "InvalidParameterException" {
		t.Errorf("listing with a bad filter: %v", err)
	}
	stop := errors.New("stop")
	seen := 0
	err = c.ListUsersFiltered(ctx, pool, "", nil, func(state.ListedUser) error { seen++; return stop })
	if !errors.Is(err, stop) || seen != 1 {
		t.Errorf("each's error: %v after %d users; want it returned after the first", err, seen)
	}

	g, err := c.GetGroup(ctx, pool, "admins")
	if err != nil || !g.Exists || g.Precedence == nil || *g.Precedence != 3 {
		t.Errorf("GetGroup admins = %+v, %v", g, err)
	}
	g, err = c.GetGroup(ctx, pool, "support")
	if err != nil || !g.Exists || g.Precedence != nil {
		t.Errorf("GetGroup support = %+v, %v; want no precedence", g, err)
	}
	g, err = c.GetGroup(ctx, pool, "nobody")
	if err != nil || g.Exists {
		t.Errorf("GetGroup nobody = %+v, %v; want Exists false", g, err)
	}

	u, err := c.ReadUser(ctx, pool, "user007", state.ModeOff)
	if err != nil || !u.Exists || !u.HasEmail || u.HasPhoneNumber {
		t.Errorf("ReadUser user007 = %+v, %v", u, err)
	}
	u, err = c.ReadUser(ctx, pool, "ghost", state.ModeOff)
	if err != nil || u.Exists {
		t.Errorf("ReadUser ghost = %+v, %v; want Exists false", u, err)
	}
	live, err := c.ReadLive(ctx, state.ReadSet{pool: nil}, nil)
	if err != nil || live.Pools[pool].EstimatedUsers != 130 {
		t.Errorf("EstimatedUsers = %v, %v; want 130", live.Pools[pool], err)
	}
}

func TestRefusesUser(t *testing.T) {
	for _, tc := range []struct {
		e    CallError
		want bool
	}{
		{CallError{Operation: "AdminSetUserMFAPreference", Code: "InvalidParameterException", Message: "User has not verified software token mfa"}, true},
		{CallError{Operation: "AdminSetUserMFAPreference", Code: "InvalidParameterException", Message: "User does not have delivery config set to turn on SOFTWARE_TOKEN_MFA"}, true},
		// The self-service text (amplify-js#1875, #944), should the admin call answer it.
		{CallError{Operation: "AdminSetUserMFAPreference", Code: "InvalidParameterException", Message: "User has not set up software token mfa"}, true},
		{CallError{Operation: "AdminSetUserMFAPreference", Code: "InvalidParameterException", Message: "User does not have a phone_number set to turn on SMS MFA"}, true},
		{CallError{Operation: "AdminSetUserMFAPreference", Code: "InvalidParameterException", Message: "Software token MFA is not enabled for the user pool."}, false},
		{CallError{Operation: "AdminSetUserMFAPreference", Code: "TooManyRequestsException", Message: "software token"}, false},
		{CallError{Operation: "SetUserPoolMfaConfig", Code: "InvalidParameterException", Message: "software token"}, false},
	} {
		if got := tc.e.RefusesUser(); got != tc.want {
			t.Errorf("%s: RefusesUser = %v; want %v", tc.e.Message, got, tc.want)
		}
	}
}

// A listing that stops the run (nothing reachable) returns the
// *StoppedError itself, and the next one the *NotSentError: errors.As
// finds them, and no message names its call twice.
func TestListingFailuresKeepTheirTypeAndSayItOnce(t *testing.T) {
	isolateAWSEnv(t)
	c := newE2EClient(t, Options{EndpointURL: deadEndpoint(t)})
	c.sleep = func(ctx context.Context, _ time.Duration) error { return ctx.Err() }
	const pool = "eu-west-1_Gone1"
	ctx := context.Background()
	none := func(state.ListedUser) error { return nil }

	err := c.ListUsersFiltered(ctx, pool, "", nil, none)
	var stopped *StoppedError
	if !errors.As(err, &stopped) {
		t.Fatalf("ListUsers: err = %v (%T); want a *StoppedError", err, err)
	}
	var callErr *CallError
	if !errors.As(err, &callErr) || callErr.Operation != "ListUsers" {
		t.Errorf("errors.As(*CallError) = %v", callErr)
	}
	err = c.ListUsersInGroup(ctx, pool, "admins", none)
	var notSent *NotSentError
	if !errors.As(err, &notSent) {
		t.Fatalf("ListUsersInGroup after the stop: err = %v (%T); want a *NotSentError", err, err)
	}
	_, groupErr := c.GetGroup(ctx, pool, "admins")
	if !errors.As(groupErr, &notSent) {
		t.Fatalf("GetGroup after the stop: err = %v (%T); want a *NotSentError", groupErr, groupErr)
	}
	for _, e := range []error{stopped, err, groupErr} {
		if n := strings.Count(e.Error(), "ListUsers pool "+pool); n != 1 {
			t.Errorf("%q names the call %d times; want once", e, n)
		}
	}
}

// A CallError made from a stopped run's error does not repeat the call's
// name, and unwraps to it.
func TestCallErrorOfAStoppedRunSaysItOnce(t *testing.T) {
	stop := &StoppedError{Call: &CallError{Operation: "AdminGetUser", UserPoolId: "eu-west-1_A", Username: "alice", Message: "connection refused"}}
	e := newCallError("AdminGetUser", "eu-west-1_A", "alice", stop)
	if n := strings.Count(e.Error(), "AdminGetUser pool eu-west-1_A user alice"); n != 1 {
		t.Errorf("%q names the call %d times; want once", e, n)
	}
	var got *StoppedError
	if !errors.As(e, &got) || got != stop {
		t.Errorf("errors.As(*StoppedError) through the CallError: %v", got)
	}
}
