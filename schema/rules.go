package schema

import (
	"fmt"

	"github.com/mfactl/mfactl/internal/diag"
	"github.com/mfactl/mfactl/internal/rules"
	"github.com/mfactl/mfactl/internal/state"
)

// The rules below are Cognito's cross-field constraints that the files
// alone decide: package rules reads the files' configuration as Declared
// (what they leave unmanaged is unknown, and a rule that needs it is
// left to the plan, which knows live state). This file says where each
// finding belongs, and adds the only rule of its own: settings declared on
// a disabled factor.

// checkRules applies the cross-field rules to one merged pool.
func checkRules(p *pool) diag.List {
	var out diag.List
	field := func(name string) (state.Pos, string) { return p.FieldPos[name], p.Path + "." + name }
	atPool := func(f rules.Finding) {
		pos, path := field(f.Field)
		out = append(out, f.At(pos, path))
	}

	if p.configured {
		for _, f := range rules.EnabledUnderOff(p.Config, p.Config.MfaConfiguration, true) {
			atPool(f)
		}
		if f := rules.ModeNeedsFactor(p.Config, rules.Declared); f != nil {
			atPool(*f)
		}
		for _, f := range rules.Posture(p.Config, p.Posture, rules.Declared) {
			atPool(f)
		}
		if p.Posture.UserPoolTier != "" {
			for _, f := range rules.TierTooLow(p.Config, p.Posture, p.Posture.UserPoolTier) {
				atPool(f)
			}
		}
		if f := rules.SmsSender(p.Config); f != nil {
			atPool(*f)
		}
		for _, f := range state.MFAFactors {
			if present, enabled := f.PoolEnabled(p.Config); present && !enabled {
				for _, name := range f.PoolSettings {
					if pos, ok := p.FieldPos[f.PoolBlock+"."+name]; ok {
						out = append(out, diag.Diagnostic{Severity: diag.Warning, Code: "setting-without-effect", UserPoolId: p.UserPoolId, Pos: pos, Path: p.Path + "." + f.PoolBlock + "." + name,
							Summary: fmt.Sprintf("%s has no effect while %s MFA is disabled", name, f.Label),
							Detail:  "mfactl sends no settings for a disabled factor; set Enabled: true or remove " + name})
					}
				}
			}
		}
	}

	for _, u := range p.Users {
		out = append(out, settingsRules(p, rules.User(u.Username), u.Settings, func(field string) (state.Pos, string) {
			pos, _ := u.DeclaredAt(field)
			return pos, u.Path + "." + field
		})...)
	}
	for _, pol := range p.Policies {
		out = append(out, policyRules(p, pol)...)
	}
	for i := range out {
		out[i].UserPoolId = p.UserPoolId
	}
	return out
}

// settingsRules applies the rules on a user's settings blocks, which a
// policy's blocks obey as well; where places a field of the entry.
func settingsRules(p *pool, who rules.Subject, s state.UserSettings, where func(field string) (state.Pos, string)) diag.List {
	var out diag.List
	add := func(f rules.Finding, field string) {
		pos, path := where(field)
		out = append(out, f.At(pos, path))
	}
	for _, f := range rules.PreferredNotEnabled(who, s) {
		add(f, f.Field)
	}
	if f := rules.MorePreferred(who, s); f != nil {
		// At each preferred factor after the first: each is one to change.
		for _, factor := range f.Factors[1:] {
			add(*f, factor.UserBlock+".PreferredMfa")
		}
	}
	if p.configured {
		for _, factor := range state.MFAFactors {
			f := rules.FactorNotOffered(factor, who, s, p.Config, rules.Declared)
			if f == nil {
				continue
			}
			fact := "the pool disables it at " + posString(p.FieldPos[f.Field])
			if f.Field == "MfaConfiguration" {
				fact = "the pool's MfaConfiguration is OFF at " + posString(p.FieldPos[f.Field])
			}
			add(f.Because(fact), factor.UserBlock+".Enabled")
		}
	}
	if wa := p.Config.WebAuthnConfiguration; wa != nil && wa.FactorConfiguration != nil {
		if f := rules.WebAuthnNeedsMultiFactor(who, s, *wa.FactorConfiguration); f != nil {
			add(f.Because("FactorConfiguration is declared at "+posString(p.FieldPos["WebAuthnConfiguration.FactorConfiguration"])), f.Field)
		}
	}
	if f := rules.WebAuthnNeedsOtherFactor(who, s, rules.Declared); f != nil {
		add(*f, f.Field)
	}
	return out
}

// policyRules checks one policy: its filter as Cognito would parse it, that
// it sets something, and its settings blocks by the users' rules.
func policyRules(p *pool, pol state.Policy) diag.List {
	where := func(field string) (state.Pos, string) { return pol.PosOf(field), pol.Path + "." + field }
	var out diag.List
	if pol.Select.Filter != "" {
		if _, err := rules.ParseFilter(pol.Select.Filter); err != nil {
			fe := err.(*rules.FilterError)
			detail := fe.Detail
			if best := closest(fe.Attribute, rules.FilterAttributes); fe.Attribute != "" && best != "" {
				detail = "did you mean " + best + "? " + detail
			}
			pos, path := where("Select.Filter")
			out = append(out, diag.Diagnostic{Severity: diag.Error, Code: "filter-invalid", UserPoolId: p.UserPoolId, Pos: pos, Path: path,
				Summary: fmt.Sprintf("the Select.Filter of policy %s is not one Cognito accepts: %s", pol.Name, fe.Summary), Detail: detail})
		}
	}
	if pol.Settings == (state.UserSettings{}) {
		out = append(out, diag.Diagnostic{Severity: diag.Error, Code: "policy-sets-nothing", UserPoolId: p.UserPoolId, Pos: pol.Pos, Path: pol.Path,
			Summary: fmt.Sprintf("policy %s sets nothing", pol.Name),
			Detail:  "give it the settings its users should have: one or more of SMSMfaSettings, SoftwareTokenMfaSettings, EmailMfaSettings and WebAuthnMfaSettings"})
	}
	return append(out, settingsRules(p, rules.Policy(pol.Name), pol.Settings, where)...)
}
