package cognito

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"

	"github.com/mfactl/mfactl/emulator"
	"github.com/mfactl/mfactl/internal/state"
)

func TestListUsersPagesThroughTheEmulator(t *testing.T) {
	isolateAWSEnv(t)
	const pool = "eu-west-1_ListMany"
	e := startEmulator(t, emulator.Options{}, "eu-west-1")
	e.createPool(t, pool)
	var want []string
	for i := range 130 {
		name := fmt.Sprintf("user%03d", i)
		e.createUser(t, pool, name)
		want = append(want, name)
	}
	if _, err := e.admin.CreateGroup(context.Background(), &cip.CreateGroupInput{UserPoolId: aws.String(pool), GroupName: aws.String("admins")}); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"user007", "user100"} {
		if _, err := e.admin.AdminAddUserToGroup(context.Background(), &cip.AdminAddUserToGroupInput{
			UserPoolId: aws.String(pool), Username: aws.String(name), GroupName: aws.String("admins")}); err != nil {
			t.Fatal(err)
		}
	}
	c := newE2EClient(t, Options{EndpointURL: e.url})
	var got []string
	var pages []int
	err := c.ListUsers(context.Background(), pool, "", func(names []string) error {
		pages = append(pages, len(names))
		got = append(got, names...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(got)
	if !slices.Equal(got, want) || !slices.Equal(pages, []int{60, 60, 10}) {
		t.Fatalf("ListUsers: pages %v, %d users", pages, len(got))
	}
	var members []string
	if err := c.ListUsers(context.Background(), pool, "admins", func(names []string) error {
		members = append(members, names...)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	slices.Sort(members)
	if !slices.Equal(members, []string{"user007", "user100"}) {
		t.Fatalf("ListUsersInGroup: %v", members)
	}
	lists := 0
	for _, call := range e.Stats().Calls {
		if call.Operation == "ListUsers" {
			lists++
		}
	}
	if lists != 3 {
		t.Errorf("%d ListUsers calls, want 3", lists)
	}

	err = c.ListUsers(context.Background(), pool, "nobody-here", func([]string) error { return nil })
	var ce *CallError
	if !errors.As(err, &ce) || ce.Operation != "ListUsersInGroup" || ce.Code != "ResourceNotFoundException" {
		t.Fatalf("missing group: %v", err)
	}
}

func TestListUsersStopsWhenThePageCallbackFails(t *testing.T) {
	f := newFakeCognito()
	f.addPool("eu-west-1_A", nil, nil)
	for i := range 150 {
		f.addUser("eu-west-1_A", fmt.Sprintf("u%03d", i), user(nil, ""))
	}
	c, _ := f.client(Options{})
	stop := errors.New("disk full")
	calls := 0
	err := c.ListUsers(context.Background(), "eu-west-1_A", "", func([]string) error {
		calls++
		return stop
	})
	if !errors.Is(err, stop) || calls != 1 {
		t.Fatalf("err %v after %d pages", err, calls)
	}
	if log := f.callLog(); len(log) != 1 {
		t.Fatalf("listed on after the callback failed: %v", log)
	}
}

func TestReadUsersKeepsTheOrderAndReportsMissingUsers(t *testing.T) {
	f := newFakeCognito()
	f.addPool("eu-west-1_A", nil, nil)
	f.addUser("eu-west-1_A", "alice", user([]string{"SOFTWARE_TOKEN_MFA"}, "SOFTWARE_TOKEN_MFA"))
	f.addUser("eu-west-1_A", "bob", user(nil, "", "phone_number=+15555550100"))
	c, _ := f.client(Options{Concurrency: 2})
	users, err := c.ReadUsers(context.Background(), "eu-west-1_A", state.ModeOptional, []string{"bob", "ghost", "alice"})
	if err != nil {
		t.Fatal(err)
	}
	if users[0].Username != "bob" || !users[0].HasPhoneNumber || users[1].Exists || users[2].Settings.SoftwareTokenMfaSettings == nil ||
		!users[2].Settings.SoftwareTokenMfaSettings.PreferredMfa {
		t.Fatalf("users: %s", dump(users))
	}
	f.failNext("AdminGetUser eu-west-1_A alice", apiError("AccessDeniedException", "no"))
	_, err = c.ReadUsers(context.Background(), "eu-west-1_A", state.ModeOptional, []string{"bob", "alice"})
	var ce *CallError
	if !errors.As(err, &ce) || ce.Username != "alice" {
		t.Fatalf("want alice's failure, got %v", err)
	}
}
