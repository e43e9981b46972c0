package usecase

import (
	"fmt"
	"slices"
	"strings"

	"github.com/mfactl/mfactl/internal/state"
)

// narrow keeps of desired only what targets name: "POOL_ID" keeps the pool
// with its configuration and all its users; "POOL_ID/USERNAME" keeps that
// user, and its pool without the pool's configuration (which is then read,
// for the checks, but not changed), unless the pool is a target itself.
// Everything else is neither read nor planned. A target the files do not
// declare is an error: a typo must not plan nothing and exit 0.
func narrow(desired state.Desired, targets []string) (state.Desired, error) {
	if len(targets) == 0 {
		return desired, nil
	}
	wholePools := map[string]bool{}
	users := map[string][]string{}
	for _, t := range targets {
		pool, user, isUser := strings.Cut(t, "/")
		if pool == "" || (isUser && user == "") {
			return state.Desired{}, fmt.Errorf("--target %q: use POOL_ID or POOL_ID/USERNAME", t)
		}
		dp := findPool(desired, pool)
		if dp == nil {
			return state.Desired{}, fmt.Errorf("--target %q: the files declare no user pool %s", t, pool)
		}
		if !isUser {
			wholePools[pool] = true
			continue
		}
		if !slices.ContainsFunc(dp.Users, func(u state.DesiredUser) bool { return u.Username == user }) {
			return state.Desired{}, fmt.Errorf("--target %q: the files declare no user %s for user pool %s", t, user, pool)
		}
		users[pool] = append(users[pool], user)
	}
	var out state.Desired
	for _, dp := range desired.Pools {
		switch {
		case wholePools[dp.UserPoolId]:
			out.Pools = append(out.Pools, dp)
		case len(users[dp.UserPoolId]) > 0:
			kept := dp
			kept.Config = state.PoolConfig{} // not managed in this plan
			kept.Users = nil
			for _, u := range dp.Users {
				if slices.Contains(users[dp.UserPoolId], u.Username) {
					kept.Users = append(kept.Users, u)
				}
			}
			out.Pools = append(out.Pools, kept)
		}
	}
	return out, nil
}

func findPool(d state.Desired, id string) *state.DesiredPool {
	for i := range d.Pools {
		if d.Pools[i].UserPoolId == id {
			return &d.Pools[i]
		}
	}
	return nil
}
