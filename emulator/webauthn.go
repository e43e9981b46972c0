package emulator

import (
	"fmt"
	"slices"
	"strconv"
	"time"
)

// Passkeys (WebAuthn credentials). Only the user can list or delete their
// own, with their access token: Cognito has no admin operation for either.
// The emulator does not run the WebAuthn ceremony; passkeys come from seeds.

type passkey struct {
	id, name, relyingParty string
	attachment             string // platform | cross-platform | ""
	transports             []string
	created                time.Time
}

func (k *passkey) view() map[string]any {
	out := map[string]any{
		"CredentialId": k.id, "FriendlyCredentialName": k.name, "RelyingPartyId": k.relyingParty,
		"AuthenticatorTransports": k.transports, "CreatedAt": epoch(k.created),
	}
	if k.attachment != "" {
		out["AuthenticatorAttachment"] = k.attachment
	}
	return out
}

const maxPasskeysPage = 20

func listWebAuthnCredentials(s *Server, c *call) (any, error) {
	var in struct {
		AccessToken, NextToken *string
		MaxResults             *int
	}
	if err := decode(c, &in); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	_, u, err := s.userFromToken(in.AccessToken)
	if err != nil {
		return nil, err
	}
	var v validation
	limit := checkLimit(&v, "MaxResults", in.MaxResults, maxPasskeysPage)
	if err := v.err(); err != nil {
		return nil, err
	}
	start, err := pagePosition(in.NextToken, len(u.passkeys))
	if err != nil {
		return nil, err
	}
	end := min(start+limit, len(u.passkeys))
	creds := make([]map[string]any, 0, end-start)
	for _, k := range u.passkeys[start:end] {
		creds = append(creds, k.view())
	}
	out := map[string]any{"Credentials": creds}
	if end < len(u.passkeys) {
		out["NextToken"] = encodeToken(strconv.Itoa(end))
	}
	return out, nil
}

func deleteWebAuthnCredential(s *Server, c *call) (any, error) {
	var in struct{ AccessToken, CredentialId *string }
	if err := decode(c, &in); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	_, u, err := s.userFromToken(in.AccessToken)
	if err != nil {
		return nil, err
	}
	if in.CredentialId == nil {
		var v validation
		v.add("CredentialId", nil, false, "Member must not be null")
		return nil, v.err()
	}
	i := slices.IndexFunc(u.passkeys, func(k *passkey) bool { return k.id == *in.CredentialId })
	if i < 0 {
		return nil, newError(CodeResourceNotFound, "Credential not found.")
	}
	u.passkeys = slices.Delete(u.passkeys, i, i+1)
	u.modified = s.now()
	s.changed()
	return map[string]any{}, nil
}

// seedPasskey is a passkey in a seed.
type seedPasskey struct {
	CredentialId   string
	Name           string
	RelyingPartyId string
	Attachment     string   `json:",omitempty"` // platform | cross-platform
	Transports     []string `json:",omitempty"` // internal, usb, nfc, ble, hybrid
	CreatedAt      *epoch   `json:",omitempty"`
}

func buildPasskeys(u *user, seeds []seedPasskey, now time.Time) error {
	for i, sk := range seeds {
		switch {
		case sk.CredentialId == "" || sk.Name == "" || sk.RelyingPartyId == "":
			return fmt.Errorf("Passkeys[%d]: CredentialId, Name and RelyingPartyId are required", i)
		case sk.Attachment != "" && sk.Attachment != "platform" && sk.Attachment != "cross-platform":
			return fmt.Errorf("Passkeys[%d]: Attachment %q: want platform or cross-platform", i, sk.Attachment)
		case slices.ContainsFunc(u.passkeys, func(k *passkey) bool { return k.id == sk.CredentialId }):
			return fmt.Errorf("Passkeys[%d]: credential %s listed twice", i, sk.CredentialId)
		}
		k := &passkey{id: sk.CredentialId, name: sk.Name, relyingParty: sk.RelyingPartyId, attachment: sk.Attachment,
			transports: sk.Transports, created: now}
		if k.transports == nil {
			k.transports = []string{}
		}
		if sk.CreatedAt != nil {
			k.created = time.Time(*sk.CreatedAt)
		}
		u.passkeys = append(u.passkeys, k)
	}
	return nil
}

func dumpPasskeys(u *user) []seedPasskey {
	var out []seedPasskey
	for _, k := range u.passkeys {
		created := epoch(k.created)
		out = append(out, seedPasskey{CredentialId: k.id, Name: k.name, RelyingPartyId: k.relyingParty,
			Attachment: k.attachment, Transports: k.transports, CreatedAt: &created})
	}
	return out
}
