// Package applytest builds plans of a known shape and executes them with
// a scriptable fake, for the tests of apply and of what shows its results.
package applytest

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/mfactl/mfactl/internal/state"
	"github.com/mfactl/mfactl/plan"
)

// Pool describes one pool's calls: an optional widening call, a user call
// for each of Users, and an optional narrowing call.
type Pool struct {
	ID            string
	Widen, Narrow bool
	Users         []string
}

// Plan returns the plan of pools, in order. Pool requests carry an SMS
// role with the ExternalId Secret, so tests can check it never shows.
func Plan(pools ...Pool) *plan.Plan {
	p := &plan.Plan{}
	for _, pp := range pools {
		if pp.Widen {
			p.Calls = append(p.Calls, PoolCall(pp.ID, plan.StageWidenPool))
		}
		for _, u := range pp.Users {
			p.Calls = append(p.Calls, UserCall(pp.ID, u))
		}
		if pp.Narrow {
			p.Calls = append(p.Calls, PoolCall(pp.ID, plan.StageNarrowPool))
		}
	}
	return p
}

// Secret is the ExternalId of every pool request Plan makes.
const Secret = "s3cr3t-external-id"

// PoolCall is a SetUserPoolMfaConfig call of pool in stage.
func PoolCall(pool string, stage int) plan.Call {
	return plan.Call{
		Operation:  plan.SetUserPoolMfaConfig,
		UserPoolId: pool,
		Stage:      stage,
		PoolRequest: &state.PoolConfig{
			MfaConfiguration: state.ModeOptional,
			SmsMfaConfiguration: &state.SmsMfaConfiguration{
				Enabled:          true,
				SmsConfiguration: &state.SmsConfiguration{SnsCallerArn: "arn:aws:iam::123456789012:role/sms", ExternalId: Secret},
			},
		},
	}
}

// UserCall is an AdminSetUserMFAPreference call for user of pool.
func UserCall(pool, user string) plan.Call {
	return plan.Call{
		Operation:   plan.AdminSetUserMFAPreference,
		UserPoolId:  pool,
		Username:    user,
		Stage:       plan.StageUsers,
		UserRequest: &state.UserSettings{SMSMfaSettings: &state.FactorSettings{Enabled: true, PreferredMfa: true}},
	}
}

// Users returns n usernames: prefix000, prefix001, …
func Users(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s%03d", prefix, i)
	}
	return out
}

// Key names a call as "pool/stage/username", the keys of Executor.Fail.
func Key(c plan.Call) string { return fmt.Sprintf("%s/%d/%s", c.UserPoolId, c.Stage, c.Username) }

// Executor is an apply.Executor that takes Delay per call and fails the
// calls whose Key is in Fail with that error. Safe for concurrent use.
type Executor struct {
	Delay time.Duration
	Fail  map[string]error

	mu    sync.Mutex
	calls []string // keys, in the order calls arrived
}

func (e *Executor) Execute(_ context.Context, c plan.Call) error {
	e.mu.Lock()
	e.calls = append(e.calls, Key(c))
	e.mu.Unlock()
	time.Sleep(e.Delay)
	return e.Fail[Key(c)]
}

// Calls returns the keys of the calls made so far, in arrival order.
func (e *Executor) Calls() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]string(nil), e.calls...)
}
