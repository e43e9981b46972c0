package emulator_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"

	"github.com/mfactl/mfactl/emulator"
)

func TestGroupReads(t *testing.T) {
	e := newEnv(t, emulator.Options{})
	id := e.pool("shop")
	for i := range 65 {
		in := &cip.CreateGroupInput{UserPoolId: &id, GroupName: aws.String(fmt.Sprintf("g%02d", i))}
		if i%2 == 0 {
			in.Precedence = aws.Int32(int32(i))
		}
		must[*cip.CreateGroupOutput](t)(e.c.CreateGroup(e.ctx, in))
	}
	got := must[*cip.GetGroupOutput](t)(e.c.GetGroup(e.ctx, &cip.GetGroupInput{UserPoolId: &id, GroupName: aws.String("g04")}))
	if aws.ToString(got.Group.GroupName) != "g04" || aws.ToInt32(got.Group.Precedence) != 4 || aws.ToString(got.Group.UserPoolId) != id {
		t.Fatalf("GetGroup g04: %+v", got.Group)
	}
	odd := must[*cip.GetGroupOutput](t)(e.c.GetGroup(e.ctx, &cip.GetGroupInput{UserPoolId: &id, GroupName: aws.String("g05")}))
	if odd.Group.Precedence != nil {
		t.Fatalf("GetGroup g05: Precedence %d, want none", *odd.Group.Precedence)
	}
	_, err := e.c.GetGroup(e.ctx, &cip.GetGroupInput{UserPoolId: &id, GroupName: aws.String("nobody")})
	wantError(t, err, "ResourceNotFoundException", "Group not found.")

	var names []string
	p := cip.NewListGroupsPaginator(e.c, &cip.ListGroupsInput{UserPoolId: &id})
	for p.HasMorePages() {
		out := must[*cip.ListGroupsOutput](t)(p.NextPage(e.ctx))
		for _, g := range out.Groups {
			names = append(names, *g.GroupName)
		}
	}
	if len(names) != 65 || names[0] != "g00" || names[64] != "g64" {
		t.Fatalf("ListGroups: %d groups: %v", len(names), names)
	}

	e.user(id, "alice")
	for _, g := range []string{"g10", "g03", "g07"} {
		must[*cip.AdminAddUserToGroupOutput](t)(e.c.AdminAddUserToGroup(e.ctx, &cip.AdminAddUserToGroupInput{UserPoolId: &id, GroupName: aws.String(g), Username: aws.String("alice")}))
	}
	var groups []string
	gp := cip.NewAdminListGroupsForUserPaginator(e.c, &cip.AdminListGroupsForUserInput{UserPoolId: &id, Username: aws.String("alice"), Limit: aws.Int32(2)})
	for gp.HasMorePages() {
		out := must[*cip.AdminListGroupsForUserOutput](t)(gp.NextPage(e.ctx))
		for _, g := range out.Groups {
			groups = append(groups, *g.GroupName)
		}
	}
	if !slices.Equal(groups, []string{"g10", "g03", "g07"}) {
		t.Fatalf("AdminListGroupsForUser: %v", groups)
	}
	_, err = e.c.AdminListGroupsForUser(e.ctx, &cip.AdminListGroupsForUserInput{UserPoolId: &id, Username: aws.String("ghost")})
	wantCode(t, err, "UserNotFoundException")
}

// TestListUsersFilterSemantics pins the filter rules mfactl's offline
// validation mirrors: the allowed attributes, = and ^=, quoted values with
// backslash escapes, status and cognito:user_status.
func TestListUsersFilterSemantics(t *testing.T) {
	e := newEnv(t, emulator.Options{})
	id := "us-east-1_Filters"
	err := e.s.Seed(strings.NewReader(`
Pools:
  - Id: us-east-1_Filters
    Users:
      - {Username: support-ann, Attributes: {email: ann@example.com, name: 'Ann "the fixer"'}}
      - {Username: support-bob, Attributes: {email: bob@example.com, family_name: Reddy}, Password: Passw0rd!}
      - {Username: carol, Attributes: {email: support-carol@example.com}, Enabled: false}
`))
	if err != nil {
		t.Fatal(err)
	}
	list := func(filter string) ([]string, error) {
		out, err := e.c.ListUsers(e.ctx, &cip.ListUsersInput{UserPoolId: &id, Filter: aws.String(filter)})
		if err != nil {
			return nil, err
		}
		var names []string
		for _, u := range out.Users {
			names = append(names, *u.Username)
		}
		return names, nil
	}
	for filter, want := range map[string][]string{
		`username ^= "support-"`:                        {"support-ann", "support-bob"},
		`username="carol"`:                              {"carol"},
		`email ^= "support-"`:                           {"carol"},
		`family_name = "Reddy"`:                         {"support-bob"},
		`name = "Ann \"the fixer\""`:                    {"support-ann"},
		`status = "Disabled"`:                           {"carol"},
		`cognito:user_status = "force_change_password"`: {"support-ann", "carol"}, // compared ignoring case
		`cognito:user_status = "CONFIRMED"`:             {"support-bob"},
		`username = "Carol"`:                            nil, // usernames compare case-sensitively
		``:                                              {"support-ann", "support-bob", "carol"},
	} {
		got, err := list(filter)
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("filter %s: %v, %v; want %v", filter, got, err, want)
		}
	}
	for filter, message := range map[string]string{
		`custom:team = "x"`:         "Invalid search attribute: custom:team",
		`locale = "en"`:             "Invalid search attribute: locale",
		`email != "x"`:              "Error while parsing filter.",
		`email = x`:                 "Error while parsing filter.",
		`email = "a" or name = "b"`: "Error while parsing filter.",
	} {
		_, err := list(filter)
		wantError(t, err, "InvalidParameterException", message)
	}
}
