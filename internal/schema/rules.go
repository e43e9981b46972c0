package schema

import (
	"fmt"

	"github.com/mfactl/mfactl/internal/diag"
	"github.com/mfactl/mfactl/internal/state"
)

// The rules below are Cognito's cross-field constraints that the files
// alone decide. Where a decision needs a part the files leave unmanaged
// (live state), the plan checks it instead.

// poolFactor is one of the three factors that ON and OPTIONAL need.
type poolFactor struct {
	block   string // the pool-level block, e.g. "SmsMfaConfiguration"
	user    string // the per-user block, e.g. "SMSMfaSettings"
	label   string // for messages
	enabled *bool  // nil when the block is absent (unmanaged)
}

func poolFactors(c state.PoolConfig) []poolFactor {
	f := []poolFactor{
		{block: "SmsMfaConfiguration", user: "SMSMfaSettings", label: "SMS MFA"},
		{block: "SoftwareTokenMfaConfiguration", user: "SoftwareTokenMfaSettings", label: "TOTP MFA"},
		{block: "EmailMfaConfiguration", user: "EmailMfaSettings", label: "email MFA"},
	}
	if c.SmsMfaConfiguration != nil {
		f[0].enabled = &c.SmsMfaConfiguration.Enabled
	}
	if c.SoftwareTokenMfaConfiguration != nil {
		f[1].enabled = &c.SoftwareTokenMfaConfiguration.Enabled
	}
	if c.EmailMfaConfiguration != nil {
		f[2].enabled = &c.EmailMfaConfiguration.Enabled
	}
	return f
}

func userFactor(s state.UserSettings, block string) *state.FactorSettings {
	switch block {
	case "SMSMfaSettings":
		return s.SMSMfaSettings
	case "SoftwareTokenMfaSettings":
		return s.SoftwareTokenMfaSettings
	case "EmailMfaSettings":
		return s.EmailMfaSettings
	}
	return nil
}

// checkRules applies the cross-field rules to one merged pool.
func checkRules(p *pool) diag.List {
	var out diag.List
	report := func(sev diag.Severity, pos state.Pos, path, summary, detail string) {
		out = append(out, diag.Diagnostic{Severity: sev, Pos: pos, Path: path, Summary: summary, Detail: detail})
	}
	factors := poolFactors(p.Config)
	mode := p.Config.MfaConfiguration
	field := func(name string) (state.Pos, string) { return p.FieldPos[name], p.Path + "." + name }

	if p.configured {
		if mode == state.ModeOff {
			for _, f := range factors {
				if f.enabled != nil && *f.enabled {
					pos, path := field(f.block + ".Enabled")
					report(diag.Error, pos, path, f.label+" is enabled but MfaConfiguration is OFF",
						"Cognito refuses MFA factors while MFA is OFF: set MfaConfiguration to ON or OPTIONAL, or set Enabled: false")
				}
			}
		}
		if mode == state.ModeOn || mode == state.ModeOptional {
			allOff := true
			for _, f := range factors {
				allOff = allOff && f.enabled != nil && !*f.enabled
			}
			if allOff {
				pos, path := field("MfaConfiguration")
				report(diag.Error, pos, path,
					fmt.Sprintf("MfaConfiguration is %s but SMS, TOTP and email MFA are all disabled", mode),
					"ON and OPTIONAL need at least one of SmsMfaConfiguration, SoftwareTokenMfaConfiguration or EmailMfaConfiguration enabled; WebAuthn does not count")
			}
		}
		ignored := func(block, label string, enabled bool, fields ...string) {
			if enabled {
				return
			}
			for _, name := range fields {
				if pos, ok := p.FieldPos[block+"."+name]; ok {
					report(diag.Warning, pos, p.Path+"."+block+"."+name,
						fmt.Sprintf("%s has no effect while %s is disabled", name, label),
						"mfactl sends no settings for a disabled factor; set Enabled: true or remove "+name)
				}
			}
		}
		if c := p.Config.SmsMfaConfiguration; c != nil {
			ignored("SmsMfaConfiguration", "SMS MFA", c.Enabled, "SmsAuthenticationMessage", "SmsConfiguration")
		}
		if c := p.Config.EmailMfaConfiguration; c != nil {
			ignored("EmailMfaConfiguration", "email MFA", c.Enabled, "Message", "Subject")
		}
	}

	for i, u := range p.Users {
		at := p.userFields[i]
		userField := func(name string) (state.Pos, string) { return at[name], u.Path + "." + name }
		preferred := ""
		othersDeclared, othersEnabled := 0, 0
		for _, f := range factors {
			s := userFactor(u.Settings, f.user)
			if s == nil {
				continue
			}
			othersDeclared++
			if s.Enabled {
				othersEnabled++
			}
			if s.PreferredMfa && !s.Enabled {
				pos, path := userField(f.user + ".PreferredMfa")
				report(diag.Error, pos, path, fmt.Sprintf("%s is preferred but not enabled for %s", f.user, u.Username),
					"a preferred factor must be enabled: set Enabled: true, or PreferredMfa: false")
			}
			if s.PreferredMfa && s.Enabled && preferred != "" {
				pos, path := userField(f.user + ".PreferredMfa")
				report(diag.Error, pos, path,
					fmt.Sprintf("more than one preferred MFA factor for %s: %s is already preferred", u.Username, preferred),
					"at most one of SMSMfaSettings, SoftwareTokenMfaSettings and EmailMfaSettings may have PreferredMfa: true")
			} else if s.PreferredMfa && s.Enabled {
				preferred = f.user
			}
			if s.Enabled && p.configured {
				var why string
				switch {
				case mode == state.ModeOff:
					why = "the pool's MfaConfiguration is OFF at " + posString(p.FieldPos["MfaConfiguration"])
				case f.enabled != nil && !*f.enabled:
					why = fmt.Sprintf("the pool disables it at %s", posString(p.FieldPos[f.block+".Enabled"]))
				}
				if why != "" {
					pos, path := userField(f.user + ".Enabled")
					report(diag.Error, pos, path,
						fmt.Sprintf("%s is enabled for %s but disabled for the pool", f.label, u.Username),
						why+"; enable "+f.block+" on the pool, or set Enabled: false for the user")
				}
			}
		}
		if w := u.Settings.WebAuthnMfaSettings; w != nil && w.Enabled {
			wa := p.Config.WebAuthnConfiguration
			if wa != nil && wa.FactorConfiguration != nil && *wa.FactorConfiguration != state.MultiFactorWithUserVerification {
				pos, path := userField("WebAuthnMfaSettings.Enabled")
				report(diag.Error, pos, path,
					fmt.Sprintf("WebAuthnMfaSettings is enabled for %s but the pool's FactorConfiguration is %s", u.Username, *wa.FactorConfiguration),
					fmt.Sprintf("a passkey counts as MFA only with FactorConfiguration: %s (set at %s)",
						state.MultiFactorWithUserVerification, posString(p.FieldPos["WebAuthnConfiguration.FactorConfiguration"])))
			}
			if othersDeclared == len(factors) && othersEnabled == 0 {
				pos, path := userField("WebAuthnMfaSettings.Enabled")
				report(diag.Error, pos, path,
					fmt.Sprintf("WebAuthnMfaSettings is enabled for %s but no other MFA factor is", u.Username),
					"Cognito lets a passkey count as MFA only for a user with another enabled factor: enable SMS, TOTP or email for the user")
			}
		}
	}
	return out
}
