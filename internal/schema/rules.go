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

	for i, u := range p.Users {
		at := p.userFields[i]
		atUser := func(f rules.Finding, field string) {
			out = append(out, f.At(at[field], u.Path+"."+field))
		}
		for _, f := range rules.PreferredNotEnabled(u.Username, u.Settings) {
			atUser(f, f.Field)
		}
		if f := rules.MorePreferred(u.Username, u.Settings); f != nil {
			// At each preferred factor after the first: each is one to change.
			for _, factor := range f.Factors[1:] {
				atUser(*f, factor.UserBlock+".PreferredMfa")
			}
		}
		if p.configured {
			for _, factor := range state.MFAFactors {
				f := rules.FactorNotOffered(factor, u.Username, u.Settings, p.Config, rules.Declared)
				if f == nil {
					continue
				}
				fact := "the pool disables it at " + posString(p.FieldPos[f.Field])
				if f.Field == "MfaConfiguration" {
					fact = "the pool's MfaConfiguration is OFF at " + posString(p.FieldPos[f.Field])
				}
				atUser(f.Because(fact), factor.UserBlock+".Enabled")
			}
		}
		if wa := p.Config.WebAuthnConfiguration; wa != nil && wa.FactorConfiguration != nil {
			if f := rules.WebAuthnNeedsMultiFactor(u.Username, u.Settings, *wa.FactorConfiguration); f != nil {
				atUser(f.Because("FactorConfiguration is declared at "+posString(p.FieldPos["WebAuthnConfiguration.FactorConfiguration"])), f.Field)
			}
		}
		if f := rules.WebAuthnNeedsOtherFactor(u.Username, u.Settings, rules.Declared); f != nil {
			atUser(*f, f.Field)
		}
	}
	for i := range out {
		out[i].UserPoolId = p.UserPoolId
	}
	return out
}
