package cognito

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/mfactl/mfactl/internal/state"
)

// Selecting users: a pool's users (ListUsers, optionally filtered) or a
// group's members (ListUsersInGroup), page by page at the UserList quota,
// and a group's precedence (GetGroup). The pages carry no MFA preference
// (aws/aws-sdk#176): each listed user still costs an AdminGetUser (ReadUser).

// ListPageSize is how many users one ListUsers or ListUsersInGroup page
// holds: Cognito's maximum.
const ListPageSize = 60

// ListUsersFiltered calls each for every user of a pool that filter
// selects (a ListUsers Filter such as `email ^= "support-"`; "" for every
// user), page by page in Cognito's order. attributes, when not nil, limits
// the attributes each page carries. The next page is asked for only after
// each has returned for the users of this one, so a caller that hands
// users on holds one page at most. It stops at the first error, each's
// included; a failed call is a *CallError, or the
// *StoppedError or *NotSentError of a run that stopped.
func (c *Client) ListUsersFiltered(ctx context.Context, poolID, filter string, attributes []string, each func(state.ListedUser) error) error {
	in := &cip.ListUsersInput{UserPoolId: aws.String(poolID), Limit: aws.Int32(ListPageSize), AttributesToGet: attributes}
	if filter != "" {
		in.Filter = aws.String(filter)
	}
	return c.listUserPages(ctx, in, eachOf(each))
}

// listUserPages pages through ListUsers with in, handing each page on.
func (c *Client) listUserPages(ctx context.Context, in *cip.ListUsersInput, page func([]state.ListedUser) error) error {
	return c.listPages(ctx, "ListUsers", aws.ToString(in.UserPoolId), page, func(api API) ([]state.ListedUser, *string, error) {
		out, err := api.ListUsers(ctx, in)
		if err != nil {
			return nil, nil, err
		}
		in.PaginationToken = out.PaginationToken
		return listedUsers(out.Users), out.PaginationToken, nil
	})
}

// ListUsersInGroup is ListUsersFiltered for the members of one group. A
// group that does not exist is a *CallError with Code ResourceNotFoundException.
func (c *Client) ListUsersInGroup(ctx context.Context, poolID, group string, each func(state.ListedUser) error) error {
	return c.listGroupPages(ctx, poolID, group, eachOf(each))
}

// ListUsers calls page with the usernames of each page of a pool's users
// (ListUsers), or of a group's members when group is not "" (ListUsersInGroup),
// in Cognito's order, one page at a time: the next page is requested only
// after page returns, so a caller that writes each page out holds one page
// at most. An error from page stops the listing and is returned as it is.
func (c *Client) ListUsers(ctx context.Context, poolID, group string, page func(usernames []string) error) error {
	names := func(users []state.ListedUser) error {
		out := make([]string, len(users))
		for i, u := range users {
			out[i] = u.Username
		}
		return page(out)
	}
	if group != "" {
		return c.listGroupPages(ctx, poolID, group, names)
	}
	return c.listUserPages(ctx, &cip.ListUsersInput{UserPoolId: aws.String(poolID), Limit: aws.Int32(ListPageSize)}, names)
}

func (c *Client) listGroupPages(ctx context.Context, poolID, group string, page func([]state.ListedUser) error) error {
	in := &cip.ListUsersInGroupInput{UserPoolId: aws.String(poolID), GroupName: aws.String(group), Limit: aws.Int32(ListPageSize)}
	return c.listPages(ctx, "ListUsersInGroup", poolID, page, func(api API) ([]state.ListedUser, *string, error) {
		out, err := api.ListUsersInGroup(ctx, in)
		if err != nil {
			return nil, nil, err
		}
		in.NextToken = out.NextToken
		return listedUsers(out.Users), out.NextToken, nil
	})
}

// eachOf turns a per-user callback into a per-page one.
func eachOf(each func(state.ListedUser) error) func([]state.ListedUser) error {
	return func(users []state.ListedUser) error {
		for _, u := range users {
			if err := each(u); err != nil {
				return err
			}
		}
		return nil
	}
}

// listPages runs fetch (one request, which also moves its input to the
// next page) until Cognito gives no next token, handing each non-empty
// page to page: the one implementation of listing users.
func (c *Client) listPages(ctx context.Context, operation, poolID string, page func([]state.ListedUser) error, fetch func(API) ([]state.ListedUser, *string, error)) error {
	api, err := c.api(poolID)
	if err != nil {
		return &CallError{Operation: operation, UserPoolId: poolID, Message: err.Error(),
			Meaning: "a user pool ID is its Region, an underscore and an ID, e.g. eu-west-1_AbCdEf123"}
	}
	for {
		var users []state.ListedUser
		var next *string
		err := c.withRetries(ctx, operation, poolID, "", func() (err error) {
			users, next, err = fetch(api)
			return err
		})
		if err != nil {
			return failure(ctx, operation, poolID, "", err)
		}
		if len(users) > 0 {
			if err := page(users); err != nil {
				return err
			}
		}
		if aws.ToString(next) == "" {
			return nil
		}
	}
}

// listedUser is what a listing page carries of one user.
func listedUsers(us []types.UserType) []state.ListedUser {
	out := make([]state.ListedUser, len(us))
	for i, u := range us {
		out[i] = listedUser(u)
	}
	return out
}

func listedUser(u types.UserType) state.ListedUser {
	lu := state.ListedUser{Username: aws.ToString(u.Username), Status: string(u.UserStatus), Enabled: u.Enabled, Attributes: make(map[string]string, len(u.Attributes))}
	for _, a := range u.Attributes {
		lu.Attributes[aws.ToString(a.Name)] = aws.ToString(a.Value)
	}
	for _, o := range u.MFAOptions {
		lu.MFAOptions = append(lu.MFAOptions, state.MFAOption{DeliveryMedium: string(o.DeliveryMedium), AttributeName: aws.ToString(o.AttributeName)})
	}
	return lu
}

// GetGroup reads one group of a pool. A group that does not exist comes
// back with Exists false; any other failure is a *CallError.
func (c *Client) GetGroup(ctx context.Context, poolID, name string) (state.Group, error) {
	api, err := c.api(poolID)
	if err != nil {
		return state.Group{}, newCallError("GetGroup", poolID, "", err)
	}
	var out *cip.GetGroupOutput
	err = c.withRetries(ctx, "GetGroup", poolID, "", func() (err error) {
		out, err = api.GetGroup(ctx, &cip.GetGroupInput{UserPoolId: aws.String(poolID), GroupName: aws.String(name)})
		return err
	})
	switch {
	case err != nil && ctx.Err() != nil:
		return state.Group{}, ctx.Err()
	case errorCode(err) == "ResourceNotFoundException":
		return state.Group{Name: name}, nil
	case err != nil:
		return state.Group{}, failure(ctx, "GetGroup", poolID, "", err)
	}
	g := state.Group{Name: name, Exists: true}
	if out.Group != nil && out.Group.Precedence != nil {
		p := int(*out.Group.Precedence)
		g.Precedence = &p
	}
	return g, nil
}

// ReadUser reads one user of a pool with AdminGetUser, paced at the
// UserRead quota; poolMode is the pool's live MfaConfiguration, which
// decides whether an empty MFA list can be trusted. A user that does not
// exist comes back with Exists false (a listed user can be deleted before
// it is read); any other failure is a *CallError.
func (c *Client) ReadUser(ctx context.Context, poolID, username string, poolMode state.Mode) (*state.LiveUser, error) {
	u, err := c.readUser(ctx, poolID, username, poolMode)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, err
	}
	return u, nil
}
