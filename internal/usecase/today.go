package usecase

// What today's Cognito offers beyond the SDK's model (internal/cognito's
// newer.go), used where a Cognito client has it: the provisioned quotas a
// run paces at, and AdminGetUserAuthFactors to decide the TOTP enables
// reads cannot show.

import (
	"context"
	"sort"

	"github.com/mfactl/mfactl/internal/cognito"
	"github.com/mfactl/mfactl/internal/state"
	"github.com/mfactl/mfactl/plan"
)

// limitReader and registrationReader are optional on a Cognito client:
// *cognito.Client has both; a client without them keeps the defaults and
// today's uncertain TOTP path.
type limitReader interface {
	UseProvisionedLimits(ctx context.Context, regions []string, categories []cognito.Category) []cognito.LimitUsed
}

type registrationReader interface {
	TOTPRegistrations(ctx context.Context, poolID string, usernames []string) (registered map[string]bool, asked int, skipped string, err error)
}

// runCategories are the categories a plan reads with and apply writes
// with: a plan made by apply -f is applied by the same client.
var runCategories = []cognito.Category{cognito.UserPoolRead, cognito.UserPoolResourceRead, cognito.UserRead, cognito.UserList,
	cognito.UserPoolResourceUpdate, cognito.UserResourceUpdate}

// useProvisionedLimits paces client at the provisioned quota of each
// category in each Region of desired's pools (once per run) and returns
// what it paces at, for the plan's Reads.
func useProvisionedLimits(ctx context.Context, client Cognito, desired state.Desired, categories []cognito.Category) []plan.Limit {
	lr, ok := client.(limitReader)
	if !ok {
		return nil
	}
	seen := map[string]bool{}
	var regions []string
	for _, p := range desired.Pools {
		if r := state.Region(p.UserPoolId); r != "" && !seen[r] {
			seen[r] = true
			regions = append(regions, r)
		}
	}
	sort.Strings(regions)
	var out []plan.Limit
	for _, u := range lr.UseProvisionedLimits(ctx, regions, categories) {
		out = append(out, plan.Limit{Region: u.Region, Category: string(u.Category), RPS: u.RPS, Source: u.Source, Note: u.Note})
	}
	return out
}

// decideTOTP asks AdminGetUserAuthFactors about each user whose call the
// plan build makes marks uncertain (a TOTP enable reads cannot show), and
// records the answers in live (LiveUser.TOTPRegistered); it returns the
// plan built on them and what it cost. A client without the call, denied
// or not knowing it, leaves those users uncertain.
func decideTOTP(ctx context.Context, client Cognito, live state.Live, build func(state.Live) *plan.Plan) (*plan.Plan, plan.AuthFactorReads, error) {
	p := build(live)
	var cost plan.AuthFactorReads
	rr, ok := client.(registrationReader)
	if !ok {
		return p, cost, nil
	}
	uncertain := map[string][]string{}
	for _, c := range p.Calls {
		if c.Uncertain != "" && c.Username != "" {
			uncertain[c.UserPoolId] = append(uncertain[c.UserPoolId], c.Username)
		}
	}
	if len(uncertain) == 0 {
		return p, cost, nil
	}
	pools := make([]string, 0, len(uncertain))
	for id := range uncertain {
		pools = append(pools, id)
	}
	sort.Strings(pools)
	for _, id := range pools {
		registered, asked, skipped, err := rr.TOTPRegistrations(ctx, id, uncertain[id])
		cost.Calls += asked
		if skipped != "" {
			cost.Notes = append(cost.Notes, skipped)
		}
		if err != nil {
			if ctx.Err() != nil {
				return nil, cost, ctx.Err()
			}
			cost.Notes = append(cost.Notes, "AdminGetUserAuthFactors failed for some users of "+id+"; they stay uncertain: "+err.Error())
		}
		for name, yes := range registered {
			if lu := live.Pools[id].Users[name]; lu != nil {
				lu.TOTPRegistered = &yes
				if yes {
					cost.Registered++
				} else {
					cost.NotRegistered++
				}
			}
		}
	}
	return build(live), cost, nil
}
