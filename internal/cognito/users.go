package cognito

import (
	"context"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"

	"github.com/mfactl/mfactl/internal/state"
)

// ListPageSize is how many users one ListUsers or ListUsersInGroup page
// holds: Cognito's maximum.
const ListPageSize = 60

// ListUsers calls page with the usernames of each page of a pool's users
// (ListUsers), or of a group's members when group is not "" (ListUsersInGroup),
// in Cognito's order, one page at a time: the next page is requested only
// after page returns, so a caller that writes each page out holds one page
// at most. An error from page stops the listing and is returned as it is.
func (c *Client) ListUsers(ctx context.Context, poolID, group string, page func(usernames []string) error) error {
	api, err := c.api(poolID)
	operation := "ListUsers"
	if group != "" {
		operation = "ListUsersInGroup"
	}
	if err != nil {
		return newCallError(operation, poolID, "", err)
	}
	var token *string
	for {
		var names []string
		err := c.withRetries(ctx, func() error {
			names = names[:0]
			if group != "" {
				out, err := api.ListUsersInGroup(ctx, &cip.ListUsersInGroupInput{
					UserPoolId: aws.String(poolID), GroupName: aws.String(group),
					Limit: aws.Int32(ListPageSize), NextToken: token,
				})
				if err != nil {
					return err
				}
				for _, u := range out.Users {
					names = append(names, aws.ToString(u.Username))
				}
				token = out.NextToken
				return nil
			}
			out, err := api.ListUsers(ctx, &cip.ListUsersInput{
				UserPoolId: aws.String(poolID), Limit: aws.Int32(ListPageSize), PaginationToken: token,
			})
			if err != nil {
				return err
			}
			for _, u := range out.Users {
				names = append(names, aws.ToString(u.Username))
			}
			token = out.PaginationToken
			return nil
		})
		if err != nil {
			if ctxErr := ctx.Err(); ctxErr != nil {
				return ctxErr
			}
			return newCallError(operation, poolID, "", err)
		}
		if len(names) > 0 {
			if err := page(names); err != nil {
				return err
			}
		}
		if aws.ToString(token) == "" {
			return nil
		}
	}
}

// ReadUsers reads the named users of a pool with AdminGetUser, concurrently
// and paced by the UserRead quota, and returns them in the order named. A
// user that does not exist comes back with Exists false. poolMode is the
// pool's MfaConfiguration, which decides what an empty MFA list means
// (see state.LiveUser.Unknown). The first failure is returned, as a
// *CallError, once the reads in flight have finished.
func (c *Client) ReadUsers(ctx context.Context, poolID string, poolMode state.Mode, usernames []string) ([]*state.LiveUser, error) {
	users := make([]*state.LiveUser, len(usernames))
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		failure *CallError
	)
	next := make(chan int)
	for range min(c.concurrency, len(usernames)) {
		wg.Go(func() {
			for i := range next {
				u, err := c.readUser(ctx, poolID, usernames[i], poolMode)
				if err != nil {
					mu.Lock()
					if failure == nil {
						failure = err
					}
					mu.Unlock()
					continue
				}
				users[i] = u
			}
		})
	}
feed:
	for i := range usernames {
		mu.Lock()
		failed := failure != nil
		mu.Unlock()
		if failed {
			break
		}
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if failure != nil {
		return nil, failure
	}
	return users, nil
}
