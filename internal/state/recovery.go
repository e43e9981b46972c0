package state

import "time"

// What recovering a user reads besides their MFA settings.

// Device is a device a user's app tracked. A remembered one skips the MFA
// challenge when the pool remembers devices.
type Device struct {
	Key               string
	Name              string `json:",omitempty"`
	Remembered        bool
	LastAuthenticated time.Time `json:",omitzero"`
}

// Passkey is one of a user's WebAuthn credentials, as the user's own
// ListWebAuthnCredentials reports it.
type Passkey struct {
	CredentialId   string
	Name           string
	RelyingPartyId string
	Attachment     string   `json:",omitempty"` // platform | cross-platform
	Transports     []string `json:",omitempty"`
	CreatedAt      time.Time
}

// Caller is who makes mfactl's calls: the IAM identity
// (sts:GetCallerIdentity) where the credentials may ask, else the access
// key ID. Neither is a secret.
type Caller struct {
	ARN         string `json:",omitempty"`
	AccessKeyID string `json:",omitempty"`
}
