package apply

import (
	"context"
	"fmt"

	"github.com/mfactl/mfactl/internal/state"
	"github.com/mfactl/mfactl/plan"
)

// Cognito is the part of a Cognito client that a plan's calls use, one
// method per Operation. *cognito.Client satisfies it.
type Cognito interface {
	SetUserPoolMfaConfig(ctx context.Context, poolID string, cfg state.PoolConfig) error
	AdminSetUserMFAPreference(ctx context.Context, poolID, username string, s state.UserSettings) error
	// SetUserMFAPreference is the signed-in user's own call: the client
	// holds their access token, whose pool must be poolID.
	SetUserMFAPreference(ctx context.Context, poolID string, s state.UserSettings) error
	AdminSetUserSettings(ctx context.Context, poolID, username string, opts []state.MFAOption) error
	// UpdateUserPool sets the members set declares and keeps every other.
	UpdateUserPool(ctx context.Context, poolID string, set state.Posture) error
	// SetRiskConfiguration replaces the risk configuration of a pool
	// (clientID "") or of one of its app clients.
	SetRiskConfiguration(ctx context.Context, poolID, clientID string, rc state.RiskConfiguration) error
}

// Dispatch returns the Executor that makes each plan call with the Cognito
// method of its Operation. A call whose shape does not match its operation
// (which Build never makes) fails without reaching Cognito.
func Dispatch(c Cognito) Executor { return dispatcher{c} }

type dispatcher struct{ c Cognito }

func (d dispatcher) Execute(ctx context.Context, call plan.Call) error {
	switch call.Operation {
	case plan.SetUserPoolMfaConfig:
		if call.PoolRequest == nil || call.UserRequest != nil {
			return fmt.Errorf("%s for pool %s: the call must carry a pool request and nothing else", call.Operation, call.UserPoolId)
		}
		return d.c.SetUserPoolMfaConfig(ctx, call.UserPoolId, *call.PoolRequest)
	case plan.AdminSetUserMFAPreference:
		if call.UserRequest == nil || call.PoolRequest != nil {
			return fmt.Errorf("%s for pool %s user %s: the call must carry a user request and nothing else", call.Operation, call.UserPoolId, call.Username)
		}
		return d.c.AdminSetUserMFAPreference(ctx, call.UserPoolId, call.Username, *call.UserRequest)
	case plan.SetUserMFAPreference:
		if call.UserRequest == nil || call.PoolRequest != nil || call.LegacyRequest != nil {
			return fmt.Errorf("%s for pool %s user %s: the call must carry a user request and nothing else", call.Operation, call.UserPoolId, call.Username)
		}
		return d.c.SetUserMFAPreference(ctx, call.UserPoolId, *call.UserRequest)
	case plan.AdminSetUserSettings:
		if call.LegacyRequest == nil || call.PoolRequest != nil || call.UserRequest != nil {
			return fmt.Errorf("%s for pool %s user %s: the call must carry MFAOptions and nothing else", call.Operation, call.UserPoolId, call.Username)
		}
		return d.c.AdminSetUserSettings(ctx, call.UserPoolId, call.Username, *call.LegacyRequest)
	case plan.UpdateUserPool:
		if call.PostureRequest == nil || call.PoolRequest != nil || call.UserRequest != nil {
			return fmt.Errorf("%s for pool %s: the call must carry the members it sets and nothing else", call.Operation, call.UserPoolId)
		}
		return d.c.UpdateUserPool(ctx, call.UserPoolId, *call.PostureRequest)
	case plan.SetRiskConfiguration:
		if call.RiskRequest == nil || call.PoolRequest != nil || call.UserRequest != nil {
			return fmt.Errorf("%s for pool %s: the call must carry a risk configuration and nothing else", call.Operation, call.UserPoolId)
		}
		return d.c.SetRiskConfiguration(ctx, call.UserPoolId, call.ClientId, *call.RiskRequest)
	}
	return fmt.Errorf("unknown operation %q for pool %s", call.Operation, call.UserPoolId)
}
