package emulator

import "time"

// Threat protection's risk configuration (SetRiskConfiguration and
// DescribeRiskConfiguration): what Cognito does on risky sign-ins, for a
// whole pool or for one of its app clients. The emulator stores it
// (validateRequest checks it against the model); it does not score
// sign-ins for risk.

// CodeUserPoolAddOnNotEnabled is Cognito's answer to a risk configuration
// call on a pool without threat protection.
const CodeUserPoolAddOnNotEnabled = "UserPoolAddOnNotEnabledException"

type accountTakeoverAction struct {
	Notify      *bool
	EventAction *string
}

type notifyEmail struct {
	Subject  *string
	HtmlBody *string `json:",omitempty"`
	TextBody *string `json:",omitempty"`
}

type notifyConfiguration struct {
	From          *string      `json:",omitempty"`
	ReplyTo       *string      `json:",omitempty"`
	SourceArn     *string      `json:",omitempty"`
	BlockEmail    *notifyEmail `json:",omitempty"`
	NoActionEmail *notifyEmail `json:",omitempty"`
	MfaEmail      *notifyEmail `json:",omitempty"`
}

type accountTakeoverRiskConfiguration struct {
	NotifyConfiguration *notifyConfiguration `json:",omitempty"`
	Actions             *struct {
		LowAction    *accountTakeoverAction `json:",omitempty"`
		MediumAction *accountTakeoverAction `json:",omitempty"`
		HighAction   *accountTakeoverAction `json:",omitempty"`
	}
}

type compromisedCredentialsRiskConfiguration struct {
	EventFilter []string `json:",omitempty"`
	Actions     *struct{ EventAction *string }
}

type riskExceptionConfiguration struct {
	BlockedIPRangeList []string `json:",omitempty"`
	SkippedIPRangeList []string `json:",omitempty"`
}

// riskConfiguration is one stored configuration: the pool's (ClientId
// empty) or one app client's.
type riskConfiguration struct {
	AccountTakeoverRiskConfiguration        *accountTakeoverRiskConfiguration        `json:",omitempty"`
	CompromisedCredentialsRiskConfiguration *compromisedCredentialsRiskConfiguration `json:",omitempty"`
	RiskExceptionConfiguration              *riskExceptionConfiguration              `json:",omitempty"`
	LastModifiedDate                        *epoch                                   `json:",omitempty"`
}

type riskRequest struct {
	poolRef
	ClientId *string
}

// riskCall finds the pool and, when the request names one, its app client,
// and refuses a pool without threat protection.
func (s *Server) riskCall(c *call, in *riskRequest, a access) (*pool, string, func(), error) {
	p, unlock, err := s.poolCall(c, in, a)
	if err != nil {
		return nil, "", nil, err
	}
	clientID := deref(in.ClientId)
	if cl := s.clients[clientID]; clientID != "" && (cl == nil || cl.poolID != p.id) {
		unlock()
		return nil, "", nil, newError(CodeResourceNotFound, "User pool client %s does not exist.", clientID)
	}
	if p.threatProtection() == "OFF" {
		unlock()
		return nil, "", nil, newError(CodeUserPoolAddOnNotEnabled, "Threat protection (UserPoolAddOns.AdvancedSecurityMode) is not enabled for user pool %s.", p.id)
	}
	return p, clientID, unlock, nil
}

// riskView is RiskConfigurationType: the stored configuration with the
// pool and client it is for. A client with no configuration of its own is
// answered with no blocks (the pool's applies to it).
func riskView(p *pool, clientID string) map[string]any {
	out := map[string]any{"UserPoolId": p.id}
	if clientID != "" {
		out["ClientId"] = clientID
	}
	if rc := p.risk[clientID]; rc != nil {
		if rc.AccountTakeoverRiskConfiguration != nil {
			out["AccountTakeoverRiskConfiguration"] = rc.AccountTakeoverRiskConfiguration
		}
		if rc.CompromisedCredentialsRiskConfiguration != nil {
			out["CompromisedCredentialsRiskConfiguration"] = rc.CompromisedCredentialsRiskConfiguration
		}
		if rc.RiskExceptionConfiguration != nil {
			out["RiskExceptionConfiguration"] = rc.RiskExceptionConfiguration
		}
		if rc.LastModifiedDate != nil {
			out["LastModifiedDate"] = rc.LastModifiedDate
		}
	}
	return map[string]any{"RiskConfiguration": out}
}

func describeRiskConfiguration(s *Server, c *call) (any, error) {
	var in riskRequest
	p, clientID, unlock, err := s.riskCall(c, &in, reads)
	if err != nil {
		return nil, err
	}
	defer unlock()
	return riskView(p, clientID), nil
}

// setRiskConfiguration replaces the pool's or the client's whole risk
// configuration: an omitted block is removed. A request with no block
// removes the configuration.
func setRiskConfiguration(s *Server, c *call) (any, error) {
	var in riskRequest
	var rc riskConfiguration
	if err := decode(c, &rc); err != nil {
		return nil, err
	}
	rc.LastModifiedDate = nil // validateRequest has checked the rest against the model
	p, clientID, unlock, err := s.riskCall(c, &in, writes)
	if err != nil {
		return nil, err
	}
	defer unlock()
	if p.risk == nil {
		p.risk = map[string]*riskConfiguration{}
	}
	if rc.AccountTakeoverRiskConfiguration == nil && rc.CompromisedCredentialsRiskConfiguration == nil && rc.RiskExceptionConfiguration == nil {
		delete(p.risk, clientID)
	} else {
		now := epoch(s.now().Truncate(time.Millisecond))
		rc.LastModifiedDate = &now
		p.risk[clientID] = &rc
	}
	s.changed()
	return riskView(p, clientID), nil
}
