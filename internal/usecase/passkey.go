package usecase

import (
	"context"
	"errors"
	"fmt"

	"github.com/mfactl/mfactl/internal/state"
	"github.com/mfactl/mfactl/internal/token"
)

// Passkeys are the user's own WebAuthn calls. Cognito has no admin
// operation to list or delete a user's passkeys: only the user's access
// token can. *cognito.Client (made with a token) satisfies it.
type Passkeys interface {
	ListPasskeys(ctx context.Context) ([]state.Passkey, error)
	DeletePasskey(ctx context.Context, credentialID string) error
}

// PasskeyOptions name the signed-in user (by their token) and, to delete,
// the credential.
type PasskeyOptions struct {
	AccessToken  func() (*token.Token, error)
	CredentialID string // delete only
}

// PasskeyList is the user's passkeys.
type PasskeyList struct {
	UserPoolId string
	Username   string
	Passkeys   []state.Passkey
}

func (s *Session) passkeys(ctx context.Context, read func() (*token.Token, error), command string) (Passkeys, *token.Token, error) {
	tok, err := readToken(read)
	if err != nil {
		return nil, nil, err
	}
	if tok == nil {
		return nil, nil, fmt.Errorf("mfactl passkey %s acts for the signed-in user: give your access token with --access-token-file FILE or %s", command, token.EnvVar)
	}
	if err := tok.Usable(s.now()); err != nil {
		return nil, nil, err
	}
	c, err := s.cognito(ctx, tok)
	if err != nil {
		return nil, nil, err
	}
	p, ok := c.(Passkeys)
	if !ok {
		return nil, nil, errors.New("this Cognito client cannot make passkey calls")
	}
	return p, tok, nil
}

// ListPasskeys lists the token's user's passkeys (ListWebAuthnCredentials).
func (s *Session) ListPasskeys(ctx context.Context, opts PasskeyOptions) (*PasskeyList, error) {
	c, tok, err := s.passkeys(ctx, opts.AccessToken, "list")
	if err != nil {
		return nil, err
	}
	keys, err := c.ListPasskeys(ctx)
	if err != nil {
		return nil, err
	}
	if keys == nil {
		keys = []state.Passkey{}
	}
	return &PasskeyList{UserPoolId: tok.Claims.UserPoolId, Username: tok.Claims.Username, Passkeys: keys}, nil
}

// DeletePasskey deletes one of the token's user's passkeys
// (DeleteWebAuthnCredential) and returns what is left.
func (s *Session) DeletePasskey(ctx context.Context, opts PasskeyOptions) (*PasskeyList, error) {
	if opts.CredentialID == "" {
		return nil, errors.New("name the passkey to delete by its credential ID (mfactl passkey list shows them)")
	}
	c, _, err := s.passkeys(ctx, opts.AccessToken, "delete")
	if err != nil {
		return nil, err
	}
	if err := c.DeletePasskey(ctx, opts.CredentialID); err != nil {
		return nil, err
	}
	return s.ListPasskeys(ctx, opts)
}
