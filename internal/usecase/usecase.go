// Package usecase is what mfactl does, one method per use case: validate
// files, plan, apply a plan, and load a saved plan for applying. It sits
// between the commands (flags and views) and the parts that load files,
// plan, apply and talk to Cognito. Use cases take options and return
// values; they never print, and report progress through callbacks.
package usecase

import (
	"context"
	"io"

	"github.com/mfactl/mfactl/internal/apply"
	"github.com/mfactl/mfactl/internal/schema"
	"github.com/mfactl/mfactl/internal/state"
)

// Cognito is what the use cases need from Cognito: reading live state,
// listing and reading a pool's users for import, and the calls of a plan.
// *cognito.Client satisfies it; tests use the emulator.
type Cognito interface {
	ReadLive(ctx context.Context, rs state.ReadSet, progress func(done, total int)) (state.Live, error)
	ListUsers(ctx context.Context, poolID, group string, page func(usernames []string) error) error
	ReadUsers(ctx context.Context, poolID string, poolMode state.Mode, usernames []string) ([]*state.LiveUser, error)
	apply.Cognito
}

// Connect makes the Cognito client. A Session calls it at most once, and
// only for use cases that talk to Cognito.
type Connect func(ctx context.Context) (Cognito, error)

// Session runs use cases against one Cognito client, made on first use.
// It is not safe for concurrent use.
type Session struct {
	connect Connect
	client  Cognito
}

// NewSession returns a session that makes its client with connect.
func NewSession(connect Connect) *Session { return &Session{connect: connect} }

func (s *Session) cognito(ctx context.Context) (Cognito, error) {
	if s.client == nil {
		c, err := s.connect(ctx)
		if err != nil {
			return nil, err
		}
		s.client = c
	}
	return s.client, nil
}

// Validate checks desired-state files without contacting Cognito.
func Validate(files []string, stdin io.Reader) schema.Result { return schema.Read(files, stdin) }
