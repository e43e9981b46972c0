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

// The ports: what each use case needs from Cognito, one small interface
// each, as a database driver is composed of its parts. *cognito.Client
// satisfies all of them; a test fakes only the ports its use case uses.

// LiveReader reads the live state of pools and users: plan, apply's
// staleness checks and verification, report.
type LiveReader interface {
	ReadLive(ctx context.Context, rs state.ReadSet, progress func(done, total int)) (state.Live, error)
	RiskReading
}

// RiskReading reads the risk configuration of a pool (pool set) and of app
// clients into lp.Posture: the posture's live state.
type RiskReading interface {
	ReadRisk(ctx context.Context, lp *state.LivePool, pool bool, clientIDs []string) error
}

// Importing lists a pool's users a page at a time and reads them, and
// lists its app clients (for their risk configurations): import and init.
type Importing interface {
	ListUsers(ctx context.Context, poolID, group string, page func(usernames []string) error) error
	ReadUsers(ctx context.Context, poolID string, poolMode state.Mode, usernames []string) ([]*state.LiveUser, error)
	ListAppClients(ctx context.Context, poolID string) ([]string, error)
}

// LegacyReading lists a pool's users with legacy MFAOptions (ListUsers
// pages): LegacyMfaOptions: Migrate.
type LegacyReading interface {
	LegacyUsers(ctx context.Context, poolID string) ([]string, error)
}

// SelfService reads and registers for the user of a self-service client's
// access token: ReadSelf reads them; AssociateSoftwareToken and
// VerifySoftwareToken register an authenticator app.
type SelfService interface {
	ReadSelf(ctx context.Context) (*state.LiveUser, error)
	AssociateSoftwareToken(ctx context.Context) (string, error)
	VerifySoftwareToken(ctx context.Context, code, deviceName string) error
}

// Cognito is every port, the client a Session makes: the reads above, the
// policies' listings (Selecting) and the calls of a plan (apply.Cognito).
type Cognito interface {
	LiveReader
	Importing
	LegacyReading
	SelfService
	Selecting
	apply.Cognito
}

// planReading is what reading the live state for a plan needs.
type planReading interface {
	LiveReader
	LegacyReading
	ReadSelf(ctx context.Context) (*state.LiveUser, error)
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
