// Package cognitotest holds fakes of what internal/cognito gives the use
// cases, shared by the tests and benchmarks of the packages above it.
package cognitotest

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

// GeneratedPoolID is the ID of every GeneratedPool.
const GeneratedPoolID = "eu-west-1_Generated"

// GeneratedPool is a Cognito pool of N users that holds none of them: it
// lists and reads each user as asked, from its number, so that a run's
// memory is its own. Every user has a phone and SMS on, but one in
// ChangeEvery, whose SMS is off; User, when set, makes them instead. A
// filter lists every third user. Users are listed by number, or with
// Shuffled in an order that is neither by number nor by name, as Cognito
// lists them. BeforeRead, if set, runs before each read (to fail it, or
// interrupt the run); Reads counts the reads.
type GeneratedPool struct {
	N, ChangeEvery int
	Shuffled       bool
	User           func(i int) *state.LiveUser
	BeforeRead     func(reads int64) error
	Reads          atomic.Int64
}

// Username is the name of user i.
func Username(i int) string { return fmt.Sprintf("user-%07d", i) }

func (g *GeneratedPool) ReadLive(_ context.Context, rs state.ReadSet, _ func(done, total int)) (state.Live, error) {
	pool := &state.LivePool{UserPoolId: GeneratedPoolID, Exists: true, EstimatedUsers: g.N, Users: map[string]*state.LiveUser{},
		Config: state.PoolConfig{MfaConfiguration: state.ModeOptional, SmsMfaConfiguration: &state.SmsMfaConfiguration{Enabled: true},
			SoftwareTokenMfaConfiguration: &state.SoftwareTokenMfaConfiguration{Enabled: true}, EmailMfaConfiguration: &state.EmailMfaConfiguration{}}}
	return state.Live{Pools: map[string]*state.LivePool{GeneratedPoolID: pool}}, nil
}

func (g *GeneratedPool) ReadRisk(context.Context, *state.LivePool, bool, []string) error { return nil }

func (g *GeneratedPool) ListUsersFiltered(ctx context.Context, _, filter string, _ []string, each func(state.ListedUser) error) error {
	for k := range g.N {
		i := k
		if g.Shuffled {
			i = shuffle(k, g.N)
		}
		if filter != "" && i%3 != 0 {
			continue
		}
		if err := each(state.ListedUser{Username: Username(i)}); err != nil {
			return err
		}
		if k%60 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
	}
	return nil
}

// shuffle is the k-th of n numbers in a fixed order of its own: a step
// prime to n through them.
func shuffle(k, n int) int {
	step := 7919 // prime: prime to n unless n is a multiple of it
	for n%step == 0 {
		step += 2
	}
	return k * step % n
}

func (g *GeneratedPool) ListUsersInGroup(context.Context, string, string, func(state.ListedUser) error) error {
	return errors.New("GeneratedPool has no groups")
}

func (g *GeneratedPool) GetGroup(context.Context, string, string) (state.Group, error) {
	return state.Group{}, nil
}

func (g *GeneratedPool) ReadUser(_ context.Context, _, username string, _ state.Mode) (*state.LiveUser, error) {
	n := g.Reads.Add(1)
	if g.BeforeRead != nil {
		if err := g.BeforeRead(n); err != nil {
			return nil, err
		}
	}
	i, err := strconv.Atoi(strings.TrimPrefix(username, "user-"))
	if err != nil {
		return nil, err
	}
	if g.User != nil {
		u := g.User(i)
		u.Username = username
		return u, nil
	}
	u := &state.LiveUser{Username: username, Exists: true, HasPhoneNumber: true,
		LastModified: time.Date(2026, 1, 1, 0, 0, i%60, 0, time.UTC)}
	if i%g.ChangeEvery != 0 {
		u.Settings.SMSMfaSettings = &state.FactorSettings{Enabled: true}
	}
	return u, nil
}

func (g *GeneratedPool) ReadersInFlight() int { return 32 }
