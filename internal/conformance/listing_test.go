package conformance

import (
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
)

// Listing and filtering: what policies select (ListUsers with a Filter,
// ListUsersInGroup) and what decides between Group policies (GetGroup's
// Precedence). Each scenario lists sorted usernames, or the outcome.

// listingUsers creates the users the listing scenarios select from.
func listingUsers(s *session) error {
	for _, u := range [][]string{
		{"support-ann", "email=ann@example.com"},
		{"support-bob", "email=bob@example.com", "family_name=Reddy"},
		{"carol", "email=support-carol@example.com", "name=Carol \"CJ\" Jones"},
		{"dave", "email=dave@example.com", "phone_number=" + phoneNumber},
	} {
		if err := s.createUser(u[0], u[1:]...); err != nil {
			return err
		}
	}
	return nil
}

// listFiltered reports the sorted usernames ListUsers returns for filter.
func listFiltered(filter string) func(*session) (string, error) {
	return func(s *session) (string, error) {
		if err := listingUsers(s); err != nil {
			return "", err
		}
		out, err := s.api.ListUsers(s.ctx, &cip.ListUsersInput{UserPoolId: aws.String(s.pool), Filter: aws.String(filter)})
		if err != nil {
			return outcome(err), nil
		}
		var names []string
		for _, u := range out.Users {
			names = append(names, aws.ToString(u.Username))
		}
		slices.Sort(names)
		return "users=[" + strings.Join(names, " ") + "]", nil
	}
}

// withGroups creates groups admins (Precedence 1) and support (none) and
// puts users in them.
func withGroups(s *session) error {
	if err := listingUsers(s); err != nil {
		return err
	}
	if _, err := s.api.CreateGroup(s.ctx, &cip.CreateGroupInput{UserPoolId: aws.String(s.pool), GroupName: aws.String("admins"), Precedence: aws.Int32(1)}); err != nil {
		return fmt.Errorf("CreateGroup admins: %w", err)
	}
	if _, err := s.api.CreateGroup(s.ctx, &cip.CreateGroupInput{UserPoolId: aws.String(s.pool), GroupName: aws.String("support")}); err != nil {
		return fmt.Errorf("CreateGroup support: %w", err)
	}
	for _, m := range [][2]string{{"admins", "carol"}, {"admins", "dave"}, {"support", "support-ann"}, {"support", "dave"}} {
		if _, err := s.api.AdminAddUserToGroup(s.ctx, &cip.AdminAddUserToGroupInput{UserPoolId: aws.String(s.pool), GroupName: aws.String(m[0]), Username: aws.String(m[1])}); err != nil {
			return fmt.Errorf("AdminAddUserToGroup %s %s: %w", m[0], m[1], err)
		}
	}
	return nil
}

var listingScenarios = []scenario{
	{name: "list/filter-prefix", want: "users=[support-ann support-bob]", run: listFiltered(`username ^= "support-"`)},
	{name: "list/filter-equals", want: "users=[dave]", run: listFiltered(`email = "dave@example.com"`)},
	{name: "list/filter-on-email-prefix", want: "users=[carol]", run: listFiltered(`email ^= "support-"`)},
	{name: "list/filter-escaped-quotes", want: "users=[carol]", run: listFiltered(`name = "Carol \"CJ\" Jones"`)},
	{name: "list/filter-no-match", want: "users=[]", run: listFiltered(`family_name = "Nobody"`)},
	{name: "list/filter-empty-lists-everyone", want: "users=[carol dave support-ann support-bob]", run: listFiltered(``)},
	{name: "list/filter-custom-attribute-is-refused", want: "error InvalidParameterException", run: listFiltered(`custom:team = "x"`)},
	{name: "list/filter-unknown-operator-is-refused", want: "error InvalidParameterException", run: listFiltered(`email != "x"`)},
	{name: "list/filter-unquoted-value-is-refused", want: "error InvalidParameterException", run: listFiltered(`email = dave`)},
	{
		name: "list/group-members",
		want: "admins=[carol dave] support=[dave support-ann]",
		run: func(s *session) (string, error) {
			if err := withGroups(s); err != nil {
				return "", err
			}
			var parts []string
			for _, g := range []string{"admins", "support"} {
				out, err := s.api.ListUsersInGroup(s.ctx, &cip.ListUsersInGroupInput{UserPoolId: aws.String(s.pool), GroupName: aws.String(g)})
				if err != nil {
					return outcome(err), nil
				}
				var names []string
				for _, u := range out.Users {
					names = append(names, aws.ToString(u.Username))
				}
				slices.Sort(names)
				parts = append(parts, g+"=["+strings.Join(names, " ")+"]")
			}
			return strings.Join(parts, " "), nil
		},
	},
	{
		name: "list/group-precedence-reads-back",
		want: "admins=1 support=none",
		run: func(s *session) (string, error) {
			if err := withGroups(s); err != nil {
				return "", err
			}
			var parts []string
			for _, g := range []string{"admins", "support"} {
				out, err := s.api.GetGroup(s.ctx, &cip.GetGroupInput{UserPoolId: aws.String(s.pool), GroupName: aws.String(g)})
				if err != nil {
					return outcome(err), nil
				}
				p := "none"
				if out.Group.Precedence != nil {
					p = fmt.Sprint(*out.Group.Precedence)
				}
				parts = append(parts, g+"="+p)
			}
			return strings.Join(parts, " "), nil
		},
	},
	{
		name: "list/missing-group-is-not-found",
		want: "error ResourceNotFoundException",
		run: func(s *session) (string, error) {
			_, err := s.api.ListUsersInGroup(s.ctx, &cip.ListUsersInGroupInput{UserPoolId: aws.String(s.pool), GroupName: aws.String("nobody")})
			return outcome(err), nil
		},
	},
}
