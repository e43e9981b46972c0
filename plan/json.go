package plan

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/mfactl/mfactl/internal/state"
)

// The JSON form of a call, shared by plan files (package planfile) and
// the public -o json documents (package jsondoc): the operation, its
// target and its request body as Cognito receives it, secrets masked.

// The request bodies, as Cognito receives them. Cognito's SMS and email
// blocks have no Enabled field: a present block is on.
type poolRequestBody struct {
	UserPoolId                    string
	MfaConfiguration              state.Mode                           `json:",omitempty"`
	SmsMfaConfiguration           *smsMfaConfigBody                    `json:",omitempty"`
	SoftwareTokenMfaConfiguration *state.SoftwareTokenMfaConfiguration `json:",omitempty"`
	EmailMfaConfiguration         *emailMfaConfigBody                  `json:",omitempty"`
	WebAuthnConfiguration         *state.WebAuthnConfiguration         `json:",omitempty"`
}

type smsMfaConfigBody struct {
	SmsAuthenticationMessage *string                 `json:",omitempty"`
	SmsConfiguration         *state.SmsConfiguration `json:",omitempty"`
}

type emailMfaConfigBody struct {
	Message *string `json:",omitempty"`
	Subject *string `json:",omitempty"`
}

// userRequestBody is AdminSetUserMFAPreference's body: the user's blocks
// have Cognito's names and shape already.
type userRequestBody struct {
	UserPoolId string
	Username   string
	state.UserSettings
}

// selfRequestBody is SetUserMFAPreference's body: the access token (always
// its marker here) and the user's blocks.
type selfRequestBody struct {
	AccessToken string
	state.UserSettings
}

// legacyRequestBody is AdminSetUserSettings's body.
type legacyRequestBody struct {
	UserPoolId string
	Username   string
	MFAOptions []state.MFAOption
}

// updateRequestBody is what an UpdateUserPool call sets, in the request's
// shape; the call sends every other member as DescribeUserPool returns it.
type updateRequestBody struct {
	UserPoolId          string
	UserPoolTier        string                     `json:",omitempty"`
	DeviceConfiguration *state.DeviceConfiguration `json:",omitempty"`
	Policies            *signInPolicyBody          `json:",omitempty"`
	UserPoolAddOns      *state.UserPoolAddOns      `json:",omitempty"`
}

type signInPolicyBody struct {
	SignInPolicy *state.SignInPolicy
}

// riskRequestBody is SetRiskConfiguration's body.
type riskRequestBody struct {
	UserPoolId string
	ClientId   string `json:",omitempty"`
	state.RiskConfiguration
}

type callJSON struct {
	Operation       Operation
	UserPoolId      string
	Username        string `json:",omitempty"`
	Stage           int
	Reason          string           `json:",omitempty"`
	Uncertain       string           `json:",omitempty"`
	LegacyMigration bool             `json:",omitempty"`
	Policy          string           `json:",omitempty"`
	Ineligible      state.Ineligible `json:",omitempty"`
	Request         json.RawMessage
}

// RequestBody returns the body of the API request c makes, as Cognito
// receives it, with the secret masked.
func (c Call) RequestBody() any {
	switch {
	case c.PoolRequest != nil:
		req := maskedRequest(c)
		body := poolRequestBody{
			UserPoolId:                    c.UserPoolId,
			MfaConfiguration:              req.MfaConfiguration,
			SoftwareTokenMfaConfiguration: req.SoftwareTokenMfaConfiguration,
			WebAuthnConfiguration:         req.WebAuthnConfiguration,
		}
		if s := req.SmsMfaConfiguration; s != nil && s.Enabled {
			body.SmsMfaConfiguration = &smsMfaConfigBody{SmsAuthenticationMessage: s.SmsAuthenticationMessage, SmsConfiguration: s.SmsConfiguration}
		}
		if e := req.EmailMfaConfiguration; e != nil && e.Enabled {
			body.EmailMfaConfiguration = &emailMfaConfigBody{Message: e.Message, Subject: e.Subject}
		}
		return body
	case c.UserRequest != nil && c.Operation == SetUserMFAPreference:
		return selfRequestBody{AccessToken: AccessTokenMarker, UserSettings: *c.UserRequest}
	case c.UserRequest != nil:
		return userRequestBody{UserPoolId: c.UserPoolId, Username: c.Username, UserSettings: *c.UserRequest}
	case c.LegacyRequest != nil:
		return legacyRequestBody{UserPoolId: c.UserPoolId, Username: c.Username, MFAOptions: orEmpty(*c.LegacyRequest)}
	case c.PostureRequest != nil:
		p := c.PostureRequest
		body := updateRequestBody{UserPoolId: c.UserPoolId, UserPoolTier: p.UserPoolTier, DeviceConfiguration: p.DeviceConfiguration, UserPoolAddOns: p.UserPoolAddOns}
		if p.SignInPolicy != nil {
			body.Policies = &signInPolicyBody{SignInPolicy: p.SignInPolicy}
		}
		return body
	case c.RiskRequest != nil:
		return riskRequestBody{UserPoolId: c.UserPoolId, ClientId: c.ClientId, RiskConfiguration: *c.RiskRequest}
	}
	return nil
}

// RequestJSON is RequestBody as JSON, as Cognito receives it (secret masked).
func (c Call) RequestJSON() ([]byte, error) { return marshalNoEscape(c.RequestBody()) }

// MarshalJSON writes the call with its full request body (secret masked).
func (c Call) MarshalJSON() ([]byte, error) {
	body := c.RequestBody()
	if body == nil {
		return nil, fmt.Errorf("%s call for %s has no request", c.Operation, c.UserPoolId)
	}
	raw, err := marshalNoEscape(body)
	if err != nil {
		return nil, err
	}
	return marshalNoEscape(callJSON{Operation: c.Operation, UserPoolId: c.UserPoolId, Username: c.Username, Stage: c.Stage, Reason: c.Reason,
		Uncertain: c.Uncertain, LegacyMigration: c.LegacyMigration, Policy: c.Policy, Ineligible: c.Ineligible, Request: raw})
}

// UnmarshalJSON reads a call written by MarshalJSON. A secret comes back
// as its source (ExternalIdSource) with an empty value; anything else in
// its place is refused.
func (c *Call) UnmarshalJSON(data []byte) error {
	var cj callJSON
	if err := json.Unmarshal(data, &cj); err != nil {
		return err
	}
	*c = Call{Operation: cj.Operation, UserPoolId: cj.UserPoolId, Username: cj.Username, Stage: cj.Stage, Reason: cj.Reason, Uncertain: cj.Uncertain, LegacyMigration: cj.LegacyMigration,
		Policy: cj.Policy, Ineligible: cj.Ineligible}
	if len(cj.Request) == 0 || string(cj.Request) == "null" {
		return fmt.Errorf("%s call for %s has no Request", cj.Operation, cj.UserPoolId)
	}
	switch cj.Operation {
	case SetUserPoolMfaConfig:
		var body poolRequestBody
		if err := decodeStrict(cj.Request, &body); err != nil {
			return fmt.Errorf("SetUserPoolMfaConfig request for %s: %w", cj.UserPoolId, err)
		}
		if body.UserPoolId != cj.UserPoolId || cj.Username != "" {
			return fmt.Errorf("SetUserPoolMfaConfig call for %s has a request for %s", cj.UserPoolId, body.UserPoolId)
		}
		req := state.PoolConfig{
			MfaConfiguration:              body.MfaConfiguration,
			SoftwareTokenMfaConfiguration: body.SoftwareTokenMfaConfiguration,
			WebAuthnConfiguration:         body.WebAuthnConfiguration,
		}
		if s := body.SmsMfaConfiguration; s != nil {
			req.SmsMfaConfiguration = &state.SmsMfaConfiguration{Enabled: true, SmsAuthenticationMessage: s.SmsAuthenticationMessage, SmsConfiguration: s.SmsConfiguration}
		}
		if e := body.EmailMfaConfiguration; e != nil {
			req.EmailMfaConfiguration = &state.EmailMfaConfiguration{Enabled: true, Message: e.Message, Subject: e.Subject}
		}
		if hasSmsRole(&req) {
			switch id := SecretSource(externalID(&req)); id {
			case "":
			case SecretFromLive, SecretFromFiles:
				c.ExternalIdSource = id
				setExternalID(&req, "")
			default:
				return fmt.Errorf("SetUserPoolMfaConfig request for %s holds an ExternalId value; plan files never carry secrets (expected %q or %q)", cj.UserPoolId, SecretFromLive, SecretFromFiles)
			}
		}
		c.PoolRequest = &req
	case AdminSetUserMFAPreference:
		var body userRequestBody
		if err := decodeStrict(cj.Request, &body); err != nil {
			return fmt.Errorf("AdminSetUserMFAPreference request for %s in %s: %w", cj.Username, cj.UserPoolId, err)
		}
		if body.UserPoolId != cj.UserPoolId || body.Username != cj.Username || cj.Username == "" {
			return fmt.Errorf("AdminSetUserMFAPreference call for user %q of %s has a request for user %q of %s", cj.Username, cj.UserPoolId, body.Username, body.UserPoolId)
		}
		c.UserRequest = &body.UserSettings
	case SetUserMFAPreference:
		var body selfRequestBody
		if err := decodeStrict(cj.Request, &body); err != nil {
			return fmt.Errorf("SetUserMFAPreference request for %s in %s: %w", cj.Username, cj.UserPoolId, err)
		}
		if body.AccessToken != AccessTokenMarker {
			return fmt.Errorf("SetUserMFAPreference request for %s in %s holds an AccessToken value; plan files never carry the access token (expected %q)", cj.Username, cj.UserPoolId, AccessTokenMarker)
		}
		c.UserRequest = &body.UserSettings
	case AdminSetUserSettings:
		var body legacyRequestBody
		if err := decodeStrict(cj.Request, &body); err != nil {
			return fmt.Errorf("AdminSetUserSettings request for %s in %s: %w", cj.Username, cj.UserPoolId, err)
		}
		if body.UserPoolId != cj.UserPoolId || body.Username != cj.Username || cj.Username == "" || body.MFAOptions == nil {
			return fmt.Errorf("AdminSetUserSettings call for user %q of %s has a request for user %q of %s, or no MFAOptions", cj.Username, cj.UserPoolId, body.Username, body.UserPoolId)
		}
		opts := body.MFAOptions
		c.LegacyRequest = &opts
	case UpdateUserPool:
		var body updateRequestBody
		if err := decodeStrict(cj.Request, &body); err != nil {
			return fmt.Errorf("UpdateUserPool request for %s: %w", cj.UserPoolId, err)
		}
		if body.UserPoolId != cj.UserPoolId || cj.Username != "" {
			return fmt.Errorf("UpdateUserPool call for %s has a request for %s", cj.UserPoolId, body.UserPoolId)
		}
		set := state.Posture{UserPoolTier: body.UserPoolTier, DeviceConfiguration: body.DeviceConfiguration, UserPoolAddOns: body.UserPoolAddOns}
		if body.Policies != nil {
			set.SignInPolicy = body.Policies.SignInPolicy
		}
		if !set.PoolMembersDeclared() {
			return fmt.Errorf("UpdateUserPool call for %s sets nothing", cj.UserPoolId)
		}
		c.PostureRequest = &set
	case SetRiskConfiguration:
		var body riskRequestBody
		if err := decodeStrict(cj.Request, &body); err != nil {
			return fmt.Errorf("SetRiskConfiguration request for %s: %w", cj.UserPoolId, err)
		}
		if body.UserPoolId != cj.UserPoolId || cj.Username != "" {
			return fmt.Errorf("SetRiskConfiguration call for %s has a request for %s", cj.UserPoolId, body.UserPoolId)
		}
		rc := body.RiskConfiguration
		c.ClientId, c.RiskRequest = body.ClientId, &rc
	default:
		return fmt.Errorf("unknown operation %q (known: %s)", cj.Operation, operationNames())
	}
	return nil
}

func decodeStrict(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

func marshalNoEscape(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}

func operationNames() string {
	names := make([]string, len(Operations))
	for i, op := range Operations {
		names[i] = string(op)
	}
	return strings.Join(names, ", ")
}

// StageRank is a stage's place in StageOrder (-1 for an unknown stage).
func StageRank(stage int) int { return slices.Index(StageOrder, stage) }
