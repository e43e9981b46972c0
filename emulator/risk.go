package emulator

import "time"

// Threat protection's risk configuration (SetRiskConfiguration and
// DescribeRiskConfiguration): what Cognito does on risky sign-ins, for a
// whole pool or for one of its app clients. The emulator stores and
// validates it; it does not score sign-ins for risk.

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

func (rc *riskConfiguration) validate(v *validation) {
	if a := rc.AccountTakeoverRiskConfiguration; a != nil {
		if a.Actions == nil {
			v.add("AccountTakeoverRiskConfiguration.Actions", nil, false, "Member must not be null")
		} else {
			for name, act := range map[string]*accountTakeoverAction{"LowAction": a.Actions.LowAction, "MediumAction": a.Actions.MediumAction, "HighAction": a.Actions.HighAction} {
				if act == nil {
					continue
				}
				path := "AccountTakeoverRiskConfiguration.Actions." + name
				if act.Notify == nil {
					v.add(path+".Notify", nil, false, "Member must not be null")
				}
				v.required(path+".EventAction", act.EventAction)
				v.enum(path+".EventAction", act.EventAction, "BLOCK", "MFA_IF_CONFIGURED", "MFA_REQUIRED", "NO_ACTION")
			}
		}
		if n := a.NotifyConfiguration; n != nil {
			v.requiredStr("AccountTakeoverRiskConfiguration.NotifyConfiguration.SourceArn", n.SourceArn, 20, 2048, patArn)
			for name, e := range map[string]*notifyEmail{"BlockEmail": n.BlockEmail, "NoActionEmail": n.NoActionEmail, "MfaEmail": n.MfaEmail} {
				if e == nil {
					continue
				}
				path := "AccountTakeoverRiskConfiguration.NotifyConfiguration." + name
				v.requiredStr(path+".Subject", e.Subject, 1, 140, nil)
				v.str(path+".HtmlBody", e.HtmlBody, 6, 20000, nil)
				v.str(path+".TextBody", e.TextBody, 6, 20000, nil)
			}
		}
	}
	if cc := rc.CompromisedCredentialsRiskConfiguration; cc != nil {
		if cc.Actions == nil {
			v.add("CompromisedCredentialsRiskConfiguration.Actions", nil, false, "Member must not be null")
		} else {
			v.required("CompromisedCredentialsRiskConfiguration.Actions.EventAction", cc.Actions.EventAction)
			v.enum("CompromisedCredentialsRiskConfiguration.Actions.EventAction", cc.Actions.EventAction, "BLOCK", "NO_ACTION")
		}
		for _, f := range cc.EventFilter {
			v.enum("CompromisedCredentialsRiskConfiguration.EventFilter.member", &f, "SIGN_IN", "PASSWORD_CHANGE", "SIGN_UP")
		}
	}
	if re := rc.RiskExceptionConfiguration; re != nil {
		for path, list := range map[string][]string{"RiskExceptionConfiguration.BlockedIPRangeList": re.BlockedIPRangeList, "RiskExceptionConfiguration.SkippedIPRangeList": re.SkippedIPRangeList} {
			if len(list) > 200 {
				v.problems = append(v.problems, "Value at '"+member(path)+"' failed to satisfy constraint: Member must have length less than or equal to 200")
			}
		}
	}
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
	var v validation
	v.secret("ClientId", in.ClientId, 1, 128, patClientID)
	if err := v.err(); err != nil {
		unlock()
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
	rc.LastModifiedDate = nil
	var v validation
	rc.validate(&v)
	if err := v.err(); err != nil {
		return nil, err
	}
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
