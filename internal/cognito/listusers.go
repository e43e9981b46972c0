package cognito

import (
	"context"
	"errors"
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"

	"github.com/mfactl/mfactl/internal/state"
)

// ListedUser is one user of a ListUsers page: what the page carries,
// which is the user's attributes, status and legacy MFAOptions, but not
// their MFA preferences (those take an AdminGetUser each).
type ListedUser struct {
	Username   string
	Attributes map[string]string // only those asked for, when asked
	MFAOptions []state.MFAOption
	Status     string
	Enabled    bool
}

// listUsersDetailed calls each for every user of a pool, page by page (60
// users a page, the most Cognito serves), paced by the UserList quota: what
// ListUsers does, with what each page carries besides the usernames. filter is a
// ListUsers Filter ("" for every user); attributes, when not nil, limits
// the attributes each page carries. It stops at the first error, each's
// included.
func (c *Client) listUsersDetailed(ctx context.Context, poolID, filter string, attributes []string, each func(ListedUser) error) error {
	api, err := c.api(poolID)
	if err != nil {
		return &CallError{Operation: "ListUsers", UserPoolId: poolID, Message: err.Error(),
			Meaning: "a user pool ID is its Region, an underscore and an ID, e.g. eu-west-1_AbCdEf123"}
	}
	in := &cip.ListUsersInput{UserPoolId: aws.String(poolID), Limit: aws.Int32(ListPageSize), AttributesToGet: attributes}
	if filter != "" {
		in.Filter = aws.String(filter)
	}
	for {
		var out *cip.ListUsersOutput
		err := c.withRetries(ctx, func() (err error) {
			out, err = api.ListUsers(ctx, in)
			return err
		})
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return newCallError("ListUsers", poolID, "", err)
		}
		for _, u := range out.Users {
			lu := ListedUser{Username: aws.ToString(u.Username), Status: string(u.UserStatus), Enabled: u.Enabled, Attributes: map[string]string{}}
			for _, a := range u.Attributes {
				lu.Attributes[aws.ToString(a.Name)] = aws.ToString(a.Value)
			}
			for _, o := range u.MFAOptions {
				lu.MFAOptions = append(lu.MFAOptions, state.MFAOption{DeliveryMedium: string(o.DeliveryMedium), AttributeName: aws.ToString(o.AttributeName)})
			}
			if err := each(lu); err != nil {
				return err
			}
		}
		if aws.ToString(out.PaginationToken) == "" {
			return nil
		}
		in.PaginationToken = out.PaginationToken
	}
}

// LegacyUsers lists a pool's users and returns, sorted, those with a
// legacy MFAOptions entry: a page per 60 users, not an AdminGetUser each,
// since ListUsers pages carry MFAOptions.
func (c *Client) LegacyUsers(ctx context.Context, poolID string) ([]string, error) {
	var names []string
	err := c.listUsersDetailed(ctx, poolID, "", []string{"phone_number"}, func(u ListedUser) error {
		if len(u.MFAOptions) > 0 {
			names = append(names, u.Username)
		}
		return nil
	})
	var ce *CallError
	if errors.As(err, &ce) && ce.Code == "ResourceNotFoundException" {
		return nil, nil // ReadLive reports the pool as missing
	}
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	return names, nil
}
