package cognito

import (
	"context"
	"sync"

	"github.com/mfactl/mfactl/internal/state"
)

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
	for range min(c.readers, len(usernames)) {
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
