package rules

import (
	"fmt"
	"slices"

	"github.com/mfactl/mfactl/internal/diag"
	"github.com/mfactl/mfactl/internal/state"
)

// Rules on a pool's MFA posture (state.Posture) together with its MFA
// configuration. With Declared, cfg and p are the files' (what they leave
// out is unknown); with Complete, the state after apply (declared over
// live).

// TierNeed is one thing the pool's configuration needs a minimum tier for.
type TierNeed struct {
	Tier  string // the lowest tier that has it
	What  string // what needs it, for messages
	Field string // where it is declared, relative to the pool
}

// TierNeeds lists what cfg and p use that needs more than the LITE tier,
// as AWS documents: email MFA and passkeys as MFA need ESSENTIALS, threat
// protection needs PLUS.
func TierNeeds(cfg state.PoolConfig, p state.Posture) []TierNeed {
	var out []TierNeed
	if present, enabled := state.Email.PoolEnabled(cfg); present && enabled && cfg.MfaConfiguration != state.ModeOff {
		out = append(out, TierNeed{Tier: "ESSENTIALS", What: "email MFA", Field: "EmailMfaConfiguration"})
	}
	if w := cfg.WebAuthnConfiguration; w != nil && w.FactorConfiguration != nil && *w.FactorConfiguration == state.MultiFactorWithUserVerification {
		out = append(out, TierNeed{Tier: "ESSENTIALS", What: "FactorConfiguration " + state.MultiFactorWithUserVerification, Field: "WebAuthnConfiguration.FactorConfiguration"})
	}
	if mode := p.ThreatProtection(); mode != state.ThreatProtectionOff {
		out = append(out, TierNeed{Tier: "PLUS", What: "threat protection (AdvancedSecurityMode " + mode + ")", Field: "UserPoolAddOns.AdvancedSecurityMode"})
	}
	return out
}

// TierTooLow finds each need of TierNeeds that tier does not meet. An
// empty tier is unknown and meets everything (the plan warns about it).
func TierTooLow(cfg state.PoolConfig, p state.Posture, tier string) []Finding {
	if tier == "" {
		return nil
	}
	var out []Finding
	for _, n := range TierNeeds(cfg, p) {
		if state.TierRank(tier) < state.TierRank(n.Tier) {
			out = append(out, errorFinding("tier-unavailable", "", nil, "UserPoolTier",
				fmt.Sprintf("UserPoolTier %s does not have %s, which needs %s or higher", tier, n.What, n.Tier),
				fmt.Sprintf("declare UserPoolTier: %s (it changes the bill), or stop using %s", n.Tier, n.What)))
		}
	}
	return out
}

// Posture applies the rules of a posture that do not need live state.
func Posture(cfg state.PoolConfig, p state.Posture, known Known) []Finding {
	var out []Finding
	if s := p.SignInPolicy; s != nil {
		if slices.Equal(s.AllowedFirstAuthFactors, []string{"WEB_AUTHN"}) {
			out = append(out, errorFinding("webauthn-first-factor-alone", "", nil, "SignInPolicy.AllowedFirstAuthFactors",
				"WEB_AUTHN alone in AllowedFirstAuthFactors leaves users without a passkey no way to sign in and register one",
				"add PASSWORD (or EMAIL_OTP or SMS_OTP) beside WEB_AUTHN"))
		}
		if cfg.MfaConfiguration == state.ModeOn {
			for _, f := range []string{"EMAIL_OTP", "SMS_OTP"} {
				if slices.Contains(s.AllowedFirstAuthFactors, f) {
					out = append(out, errorFinding("first-factor-blocks-on", "", nil, "SignInPolicy.AllowedFirstAuthFactors",
						fmt.Sprintf("MfaConfiguration ON is refused while the sign-in policy allows %s as a first factor", f),
						"remove EMAIL_OTP and SMS_OTP from AllowedFirstAuthFactors, or use MfaConfiguration OPTIONAL"))
				}
			}
			fc := ""
			if w := cfg.WebAuthnConfiguration; w != nil && w.FactorConfiguration != nil {
				fc = *w.FactorConfiguration
			}
			if slices.Contains(s.AllowedFirstAuthFactors, "WEB_AUTHN") && fc != state.MultiFactorWithUserVerification && (known == Complete || fc != "") {
				out = append(out, errorFinding("first-factor-blocks-on", "", nil, "SignInPolicy.AllowedFirstAuthFactors",
					"MfaConfiguration ON is refused while WEB_AUTHN is a first factor and WebAuthnConfiguration.FactorConfiguration is "+orNotSet(fc),
					fmt.Sprintf("set WebAuthnConfiguration.FactorConfiguration: %s, or remove WEB_AUTHN from AllowedFirstAuthFactors", state.MultiFactorWithUserVerification)))
			}
		}
	}
	risks := p.Risks()
	if len(risks) > 0 && (known == Complete || p.UserPoolAddOns != nil) && p.ThreatProtection() == state.ThreatProtectionOff {
		field := "RiskConfiguration"
		if p.RiskConfiguration == nil {
			field = "AppClients"
		}
		out = append(out, errorFinding("risk-without-threat-protection", "", nil, field,
			"risk actions are declared, but threat protection is OFF: Cognito acts on them only with AdvancedSecurityMode AUDIT or ENFORCED (and refuses SetRiskConfiguration without it)",
			"declare UserPoolAddOns: {AdvancedSecurityMode: ENFORCED} (needs UserPoolTier PLUS), or remove the risk configuration"))
	}
	if cfg.MfaConfiguration == state.ModeOn {
		for _, r := range risks {
			if slices.Contains(r.RiskConfiguration.RiskActions(), "MFA_IF_CONFIGURED") {
				field := "RiskConfiguration.AccountTakeoverRiskConfiguration.Actions"
				if r.ClientId != "" {
					field = "AppClients"
				}
				out = append(out, Finding{Severity: diag.Warning, Code: "adaptive-mfa-under-on", Field: field,
					Summary: "MFA_IF_CONFIGURED with MfaConfiguration ON: every user is challenged for MFA anyway, so the risk action changes nothing",
					Detail:  "AWS advises MfaConfiguration OPTIONAL with adaptive authentication; or use MFA_REQUIRED or BLOCK"})
				break
			}
		}
	}
	return out
}

func orNotSet(s string) string {
	if s == "" {
		return "not set"
	}
	return s
}
