// Package usecase is what mfactl does, one method per use case: validate
// files, plan, apply a plan, and load a saved plan for applying. It sits
// between the commands (flags and views) and the parts that load files,
// plan, apply and talk to Cognito. Use cases take options and return
// values; they never print, and report progress through callbacks.
package usecase

import (
	"context"
	"io"
	"time"

	"github.com/mfactl/mfactl/apply"
	"github.com/mfactl/mfactl/internal/diag"
	"github.com/mfactl/mfactl/internal/state"
	"github.com/mfactl/mfactl/internal/token"
	"github.com/mfactl/mfactl/schema"
)

// Cognito is what the use cases need from Cognito: reading live state,
// listing and reading a pool's users for import, and the calls of a plan.
// *cognito.Client satisfies it; tests use the emulator.
type Cognito interface {
	ReadLive(ctx context.Context, rs state.ReadSet, progress func(done, total int)) (state.Live, error)
	ListUsers(ctx context.Context, poolID, group string, page func(usernames []string) error) error
	ReadUsers(ctx context.Context, poolID string, poolMode state.Mode, usernames []string) ([]*state.LiveUser, error)
	// LegacyUsers lists a pool's users with legacy MFAOptions (ListUsers pages).
	LegacyUsers(ctx context.Context, poolID string) ([]string, error)
	// ReadSelf reads the user of a self-service client's access token.
	ReadSelf(ctx context.Context) (*state.LiveUser, error)
	// ReadRisk reads the risk configuration of a pool (pool set) and of
	// app clients into lp.Posture.
	ReadRisk(ctx context.Context, lp *state.LivePool, pool bool, clientIDs []string) error
	// AssociateSoftwareToken and VerifySoftwareToken register an
	// authenticator app for a self-service client's user.
	AssociateSoftwareToken(ctx context.Context) (string, error)
	VerifySoftwareToken(ctx context.Context, code, deviceName string) error
	Selecting
	apply.Cognito
}

// Connect makes the Cognito client: with tok, a self-service client that
// makes the user's own calls with their access token and no AWS
// credentials; without, one that uses AWS credentials. A Session calls it
// at most once, and only for use cases that talk to Cognito.
type Connect func(ctx context.Context, tok *token.Token) (Cognito, error)

// Session runs use cases against one Cognito client, made on first use.
// It is not safe for concurrent use.
type Session struct {
	connect Connect
	client  Cognito
	token   *token.Token // the access token the client was made with, if any
	now     func() time.Time
}

// NewSession returns a session that makes its client with connect.
func NewSession(connect Connect) *Session { return &Session{connect: connect, now: time.Now} }

func (s *Session) cognito(ctx context.Context, tok *token.Token) (Cognito, error) {
	if s.client == nil {
		c, err := s.connect(ctx, tok)
		if err != nil {
			return nil, err
		}
		s.client, s.token = c, tok
	}
	return s.client, nil
}

// Validate checks desired-state files without contacting Cognito. It
// returns ctx's error as soon as ctx ends (see load).
func Validate(ctx context.Context, files []string, stdin io.Reader) (schema.Result, error) {
	return load(ctx, func() schema.Result { return schema.Read(files, stdin) })
}

// loadFiles is schema.Load under ctx (see load).
func loadFiles(ctx context.Context, files []string, stdin io.Reader) (state.Desired, diag.List, error) {
	r, err := load(ctx, func() schema.Result { return schema.Read(files, stdin) })
	return r.Desired, r.Diagnostics, err
}

// load runs a load of the files and returns its result, or ctx's error as
// soon as ctx ends: an interrupt stops mfactl at once even while a hostile
// file keeps the loader busy. The abandoned load has nothing to clean up
// and ends with the process.
func load(ctx context.Context, read func() schema.Result) (schema.Result, error) {
	if err := ctx.Err(); err != nil {
		return schema.Result{}, err
	}
	done := make(chan schema.Result, 1)
	go func() { done <- read() }()
	select {
	case r := <-done:
		return r, nil
	case <-ctx.Done():
		return schema.Result{}, ctx.Err()
	}
}
