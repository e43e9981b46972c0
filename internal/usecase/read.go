package usecase

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/mfactl/mfactl/internal/state"
	"github.com/mfactl/mfactl/internal/token"
	"github.com/mfactl/mfactl/plan"
)

// readLive reads what desired needs: for a self-service pool the token's
// user (GetUser); for any other pool what its ReadSet names, after listing
// the users of each LegacyMfaOptions: Migrate pool to find those with
// legacy MFAOptions, who are read too.
func readLive(ctx context.Context, client planReading, desired state.Desired, progress func(done, total int)) (state.Live, error) {
	for _, dp := range desired.Pools {
		if !dp.Self {
			continue
		}
		u, err := client.ReadSelf(ctx)
		if err != nil {
			return state.Live{}, err
		}
		username := dp.Users[0].Username
		u.Username = username
		if progress != nil {
			progress(1, 1)
		}
		return state.Live{Pools: map[string]*state.LivePool{dp.UserPoolId: {
			UserPoolId: dp.UserPoolId, Exists: true, Users: map[string]*state.LiveUser{username: u},
		}}}, nil
	}
	rs := desired.ReadSet()
	legacy := map[string][]string{}
	for _, dp := range desired.Pools {
		if dp.LegacyMfaOptions != state.LegacyMigrate {
			continue
		}
		names, err := client.LegacyUsers(ctx, dp.UserPoolId)
		if err != nil {
			return state.Live{}, fmt.Errorf("listing the users of %s for legacy MFAOptions: %w", dp.UserPoolId, err)
		}
		legacy[dp.UserPoolId] = names
		rs[dp.UserPoolId] = append(rs[dp.UserPoolId], names...)
	}
	live, err := client.ReadLive(ctx, rs, progress)
	for id, names := range legacy {
		if lp := live.Pools[id]; lp != nil {
			lp.LegacyScanned, lp.LegacyUsers = true, names
		}
	}
	if err != nil {
		return live, err
	}
	for _, dp := range desired.Pools {
		if lp := live.Pools[dp.UserPoolId]; lp != nil && lp.Exists {
			if err := readRisk(ctx, client, lp, state.Desired{Pools: []state.DesiredPool{dp}}); err != nil {
				return live, err
			}
		}
	}
	return live, nil
}

// readRisk reads the risk configurations desired declares for lp's pool
// (DescribeRiskConfiguration is not part of ReadLive: only declared ones
// are read).
func readRisk(ctx context.Context, client RiskReading, lp *state.LivePool, desired state.Desired) error {
	for _, dp := range desired.Pools {
		if dp.UserPoolId != lp.UserPoolId {
			continue
		}
		pool, clients := plan.ReadRiskOf(dp.Posture)
		if !pool && len(clients) == 0 {
			return nil
		}
		lp.Posture.RiskConfiguration, lp.Posture.AppClients = nil, nil
		return client.ReadRisk(ctx, lp, pool, clients)
	}
	return nil
}

// readLiveExcept is readLive for what desired needs less the users known
// already (by pool), which are added to the live state read: verification
// with the users read back as their calls returned.
func readLiveExcept(ctx context.Context, client planReading, desired state.Desired, known map[string][]*state.LiveUser) (state.Live, error) {
	if len(known) == 0 {
		return readLive(ctx, client, desired, nil)
	}
	fewer := desired
	fewer.Pools = slices.Clone(desired.Pools)
	for i := range fewer.Pools {
		dp := &fewer.Pools[i]
		have := map[string]bool{}
		for _, u := range known[dp.UserPoolId] {
			have[u.Username] = true
		}
		dp.Users = slices.DeleteFunc(slices.Clone(dp.Users), func(u state.DesiredUser) bool { return have[u.Username] })
	}
	live, err := readLive(ctx, client, fewer, nil)
	if err != nil {
		return live, err
	}
	for id, users := range known {
		lp := live.Pools[id]
		if lp == nil || !lp.Exists {
			continue
		}
		if lp.Users == nil {
			lp.Users = map[string]*state.LiveUser{}
		}
		for _, u := range users {
			lp.Users[u.Username] = u
		}
	}
	return live, nil
}

// ErrNoAccessToken: the files declare Self, and no token was given.
var ErrNoAccessToken = errors.New("the files declare Self (your own MFA settings), which mfactl reads and writes with your access token: give it with --access-token-file FILE or the environment variable " + token.EnvVar + " (never as a flag value)")

// resolveSelf turns a Self declaration into the desired state of the
// token's user, after the checks the token's claims allow.
func resolveSelf(desired state.Desired, tok *token.Token, now time.Time) (state.Desired, error) {
	if tok == nil {
		return desired, ErrNoAccessToken
	}
	if err := tok.Usable(now); err != nil {
		return desired, err
	}
	c := tok.Claims
	if pin := desired.Self.UserPoolId; pin != "" && pin != c.UserPoolId {
		return desired, fmt.Errorf("the access token from %s is for user pool %s (issuer %s), but %s declares Self for user pool %s: give a token of that pool",
			tok.Source, c.UserPoolId, c.Issuer, posOf(desired.Self.Pos), pin)
	}
	return desired.ResolveSelf(c.UserPoolId, c.Username), nil
}

func posOf(p state.Pos) string {
	if p.File == "" {
		return "the file"
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Column)
}

// readToken calls read, if there is one.
func readToken(read func() (*token.Token, error)) (*token.Token, error) {
	if read == nil {
		return nil, nil
	}
	return read()
}
