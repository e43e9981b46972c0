package desiredfile

import (
	"bytes"
	"encoding/json"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/mfactl/mfactl/internal/state"
)

// posture writes a pool's MFA posture as Cognito reports it, in AWS's
// member names: the tier, remembered devices, the sign-in policy, threat
// protection, and the risk configurations of the pool and of the app
// clients that have their own, so that a plan on the file is empty. What
// Cognito does not report, or could not be read, is left unmanaged, with a
// comment.
func (w *Writer) posture(p state.Posture, riskUnread, clientsUnread string) {
	if p.UserPoolTier != "" {
		w.linef("    UserPoolTier: %s", scalar(p.UserPoolTier))
	}
	if d := p.DeviceConfiguration; d != nil {
		w.linef("    DeviceConfiguration: {ChallengeRequiredOnNewDevice: %t, DeviceOnlyRememberedOnUserPrompt: %t}", d.ChallengeRequiredOnNewDevice, d.DeviceOnlyRememberedOnUserPrompt)
	} else {
		w.line("    # DeviceConfiguration: none in Cognito (devices are not remembered); left unmanaged.")
	}
	if s := p.SignInPolicy; s != nil && len(s.AllowedFirstAuthFactors) > 0 {
		names := make([]string, len(s.AllowedFirstAuthFactors))
		for i, f := range s.AllowedFirstAuthFactors {
			names[i] = scalar(f)
		}
		w.linef("    SignInPolicy: {AllowedFirstAuthFactors: [%s]}", strings.Join(names, ", "))
	}
	addOns := state.UserPoolAddOns{AdvancedSecurityMode: p.ThreatProtection()}
	if a := p.UserPoolAddOns; a != nil && a.AdvancedSecurityAdditionalFlows != nil && a.AdvancedSecurityAdditionalFlows.CustomAuthMode != "" {
		w.linef("    UserPoolAddOns: {AdvancedSecurityMode: %s, AdvancedSecurityAdditionalFlows: {CustomAuthMode: %s}}",
			scalar(addOns.AdvancedSecurityMode), scalar(a.AdvancedSecurityAdditionalFlows.CustomAuthMode))
	} else {
		w.linef("    UserPoolAddOns: {AdvancedSecurityMode: %s}", scalar(addOns.AdvancedSecurityMode))
	}
	switch {
	case riskUnread != "":
		w.linef("    # RiskConfiguration: could not be read (%s); left unmanaged.", oneLine(riskUnread))
	case p.RiskConfiguration != nil:
		w.block("    ", "RiskConfiguration", p.RiskConfiguration)
	}
	switch {
	case clientsUnread != "":
		w.linef("    # AppClients: the app clients' risk configurations could not be read (%s); left unmanaged.", oneLine(clientsUnread))
	case len(p.AppClients) > 0:
		w.line("    AppClients:")
		for _, c := range p.AppClients {
			w.linef("      - ClientId: %s", scalar(c.ClientId))
			w.block("        ", "RiskConfiguration", c.RiskConfiguration)
		}
	}
}

// block writes value as a YAML block under name, in AWS's member names
// (its JSON), keys sorted.
func (w *Writer) block(indent, name string, value any) {
	var v any
	b, _ := json.Marshal(value)
	_ = json.Unmarshal(b, &v)
	var out bytes.Buffer
	enc := yaml.NewEncoder(&out)
	enc.SetIndent(2)
	if err := enc.Encode(map[string]any{name: v}); err != nil {
		if w.err == nil {
			w.err = err
		}
		return
	}
	for _, l := range strings.Split(strings.TrimRight(out.String(), "\n"), "\n") {
		w.line(indent + l)
	}
}
