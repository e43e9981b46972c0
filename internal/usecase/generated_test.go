package usecase

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/mfactl/mfactl/internal/state"
)

const generatedPoolID = "eu-west-1_Generated"

// generatedPool is a Cognito pool of n users that holds none of them: it
// lists and reads each user as asked, from its number. Every user has a
// phone and SMS on, but one in changeEvery, whose SMS is off; user, when
// set, makes them instead. A filter lists every third user. beforeRead, if
// set, runs before each read (to fail it, or interrupt the run).
type generatedPool struct {
	n, changeEvery int
	user           func(i int) *state.LiveUser
	beforeRead     func(reads int64) error
	reads          atomic.Int64
}

func (g *generatedPool) ReadLive(_ context.Context, rs state.ReadSet, _ func(done, total int)) (state.Live, error) {
	pool := &state.LivePool{UserPoolId: generatedPoolID, Exists: true, EstimatedUsers: g.n, Users: map[string]*state.LiveUser{},
		Config: state.PoolConfig{MfaConfiguration: state.ModeOptional, SmsMfaConfiguration: &state.SmsMfaConfiguration{Enabled: true},
			SoftwareTokenMfaConfiguration: &state.SoftwareTokenMfaConfiguration{Enabled: true}, EmailMfaConfiguration: &state.EmailMfaConfiguration{}}}
	return state.Live{Pools: map[string]*state.LivePool{generatedPoolID: pool}}, nil
}

func (g *generatedPool) ReadRisk(context.Context, *state.LivePool, bool, []string) error { return nil }

func (g *generatedPool) ListUsersFiltered(ctx context.Context, _, filter string, _ []string, each func(state.ListedUser) error) error {
	for i := range g.n {
		if filter != "" && i%3 != 0 {
			continue
		}
		if err := each(state.ListedUser{Username: fmt.Sprintf("user-%07d", i)}); err != nil {
			return err
		}
		if i%60 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
	}
	return nil
}

func (g *generatedPool) ListUsersInGroup(context.Context, string, string, func(state.ListedUser) error) error {
	return errors.New("generatedPool has no groups")
}

func (g *generatedPool) GetGroup(context.Context, string, string) (state.Group, error) {
	return state.Group{}, nil
}

func (g *generatedPool) ReadUser(_ context.Context, _, username string, _ state.Mode) (*state.LiveUser, error) {
	n := g.reads.Add(1)
	if g.beforeRead != nil {
		if err := g.beforeRead(n); err != nil {
			return nil, err
		}
	}
	i, err := strconv.Atoi(strings.TrimPrefix(username, "user-"))
	if err != nil {
		return nil, err
	}
	if g.user != nil {
		u := g.user(i)
		u.Username = username
		return u, nil
	}
	u := &state.LiveUser{Username: username, Exists: true, HasPhoneNumber: true,
		LastModified: time.Date(2026, 1, 1, 0, 0, i%60, 0, time.UTC)}
	if i%g.changeEvery != 0 {
		u.Settings.SMSMfaSettings = &state.FactorSettings{Enabled: true}
	}
	return u, nil
}

func (g *generatedPool) ReadersInFlight() int { return 32 }
