package cognito

import (
	"context"
	"errors"
	"sort"

	"github.com/mfactl/mfactl/internal/state"
)

// LegacyUsers lists a pool's users and returns, sorted, those with a
// legacy MFAOptions entry: a page per 60 users, not an AdminGetUser each,
// since ListUsers pages carry MFAOptions.
func (c *Client) LegacyUsers(ctx context.Context, poolID string) ([]string, error) {
	var names []string
	err := c.ListUsersFiltered(ctx, poolID, "", []string{"phone_number"}, func(u state.ListedUser) error {
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
