package plan_test

import (
	"strings"
	"testing"

	"github.com/mfactl/mfactl/internal/state"
	"github.com/mfactl/mfactl/plan"
	"github.com/mfactl/mfactl/plan/planfile"
	. "github.com/mfactl/mfactl/plan/plantest"
)

// posturePlan plans desired configuration cfg and posture p against a live
// pool in mode live with posture lp.
func posturePlan(cfg state.PoolConfig, p state.Posture, live state.PoolConfig, lp state.Posture) *plan.Plan {
	d := DesiredPool(cfg)
	d.Pools[0].Posture = p
	l := Live(live, func(pool *state.LivePool) {
		pool.Posture = lp
		pool.Prerequisites.Tier = lp.UserPoolTier
		if lp.SignInPolicy != nil {
			pool.Prerequisites.FirstAuthFactors = lp.SignInPolicy.AllowedFirstAuthFactors
		}
	})
	return plan.Build(d, l, plan.Options{})
}

// callOrder is the plan's calls as "Operation@stage".
func callOrder(p *plan.Plan) string {
	var out []string
	for _, c := range p.Calls {
		s := string(c.Operation)
		if c.ClientId != "" {
			s += "(" + c.ClientId + ")"
		}
		out = append(out, s)
	}
	return strings.Join(out, ",")
}

var enforced = &state.UserPoolAddOns{AdvancedSecurityMode: "ENFORCED"}

func risk(action string) *state.RiskConfiguration {
	return &state.RiskConfiguration{AccountTakeoverRiskConfiguration: &state.AccountTakeoverRiskConfiguration{
		Actions: state.AccountTakeoverActions{HighAction: &state.AccountTakeoverAction{EventAction: action}}}}
}

func TestPostureOrder(t *testing.T) {
	optional := state.PoolConfig{MfaConfiguration: state.ModeOptional, SoftwareTokenMfaConfiguration: TotpOn()}
	on := state.PoolConfig{MfaConfiguration: state.ModeOn, SoftwareTokenMfaConfiguration: TotpOn()}
	multi := Str(state.MultiFactorWithUserVerification)
	for _, tt := range []struct {
		name          string
		cfg, live     state.PoolConfig
		declared, was state.Posture
		want          string
	}{
		{"tier and threat protection before the risk actions, before the MFA calls",
			state.PoolConfig{MfaConfiguration: state.ModeOptional, EmailMfaConfiguration: EmailOn()}, state.PoolConfig{MfaConfiguration: state.ModeOff},
			state.Posture{UserPoolTier: "PLUS", UserPoolAddOns: enforced, RiskConfiguration: risk("MFA_REQUIRED"), AppClients: []state.AppClientPosture{{ClientId: "web1", RiskConfiguration: risk("BLOCK")}}},
			state.Posture{UserPoolTier: "LITE", AppClients: []state.AppClientPosture{{ClientId: "web1", Exists: true}}},
			"UpdateUserPool@5,SetRiskConfiguration@6,SetRiskConfiguration(web1)@6,SetUserPoolMfaConfig@1"},
		{"FactorConfiguration, then the sign-in policy, then ON",
			state.PoolConfig{MfaConfiguration: state.ModeOn, SoftwareTokenMfaConfiguration: TotpOn(), WebAuthnConfiguration: &state.WebAuthnConfiguration{FactorConfiguration: multi}}, optional,
			state.Posture{SignInPolicy: &state.SignInPolicy{AllowedFirstAuthFactors: []string{"PASSWORD", "WEB_AUTHN"}}},
			state.Posture{UserPoolTier: "ESSENTIALS", SignInPolicy: &state.SignInPolicy{AllowedFirstAuthFactors: []string{"PASSWORD"}}},
			"SetUserPoolMfaConfig@1,UpdateUserPool@7,SetUserPoolMfaConfig@3"},
		{"an OTP first factor removed before ON",
			on, optional,
			state.Posture{SignInPolicy: &state.SignInPolicy{AllowedFirstAuthFactors: []string{"PASSWORD"}}},
			state.Posture{UserPoolTier: "ESSENTIALS", SignInPolicy: &state.SignInPolicy{AllowedFirstAuthFactors: []string{"PASSWORD", "EMAIL_OTP"}}},
			"UpdateUserPool@5,SetUserPoolMfaConfig@3"},
		{"a lower tier last, after email MFA is gone",
			state.PoolConfig{MfaConfiguration: state.ModeOptional, SoftwareTokenMfaConfiguration: TotpOn(), EmailMfaConfiguration: &state.EmailMfaConfiguration{}}, state.PoolConfig{MfaConfiguration: state.ModeOptional, SoftwareTokenMfaConfiguration: TotpOn(), EmailMfaConfiguration: EmailOn()},
			state.Posture{UserPoolTier: "LITE"}, state.Posture{UserPoolTier: "ESSENTIALS"},
			"SetUserPoolMfaConfig@1,UpdateUserPool@8"},
		{"nothing declared differs: no call",
			optional, optional,
			state.Posture{UserPoolTier: "PLUS", UserPoolAddOns: enforced, DeviceConfiguration: &state.DeviceConfiguration{ChallengeRequiredOnNewDevice: true}},
			state.Posture{UserPoolTier: "PLUS", UserPoolAddOns: enforced, DeviceConfiguration: &state.DeviceConfiguration{ChallengeRequiredOnNewDevice: true}},
			""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := posturePlan(tt.cfg, tt.declared, tt.live, tt.was)
			if p.Diagnostics.HasErrors() {
				t.Fatalf("errors: %s", DiagText(p.Diagnostics))
			}
			var got []string
			for _, c := range p.Calls {
				s := string(c.Operation)
				if c.ClientId != "" {
					s += "(" + c.ClientId + ")"
				}
				got = append(got, s+"@"+string(rune('0'+c.Stage)))
			}
			if g := strings.Join(got, ","); g != tt.want {
				t.Fatalf("calls = %s, want %s", g, tt.want)
			}
		})
	}
}

func TestPostureChecksAgainstLiveState(t *testing.T) {
	optional := state.PoolConfig{MfaConfiguration: state.ModeOptional, SoftwareTokenMfaConfiguration: TotpOn()}
	on := state.PoolConfig{MfaConfiguration: state.ModeOn, SoftwareTokenMfaConfiguration: TotpOn()}
	for _, tt := range []struct {
		name          string
		cfg           state.PoolConfig
		declared, was state.Posture
		want          string // a diagnostic's code and a part of its summary
	}{
		{"threat protection on a tier without it", optional, state.Posture{UserPoolAddOns: enforced}, state.Posture{UserPoolTier: "ESSENTIALS"},
			"tier-unavailable: threat protection (AdvancedSecurityMode ENFORCED) needs the PLUS tier"},
		{"never lower the tier below what stays in use", optional, state.Posture{UserPoolTier: "ESSENTIALS"}, state.Posture{UserPoolTier: "PLUS", UserPoolAddOns: enforced},
			"tier-unavailable: threat protection (AdvancedSecurityMode ENFORCED) needs the PLUS tier"},
		{"risk actions while live threat protection is off", optional, state.Posture{RiskConfiguration: risk("BLOCK")}, state.Posture{UserPoolTier: "PLUS"},
			"risk-without-threat-protection: risk actions are declared, but threat protection is OFF"},
		{"an app client that does not exist", optional,
			state.Posture{AppClients: []state.AppClientPosture{{ClientId: "nosuch1", RiskConfiguration: risk("BLOCK")}}},
			state.Posture{UserPoolTier: "PLUS", UserPoolAddOns: enforced, AppClients: []state.AppClientPosture{{ClientId: "nosuch1"}}},
			"app-client-not-found: app client nosuch1 does not exist"},
		{"a tier change costs money", optional, state.Posture{UserPoolTier: "PLUS"}, state.Posture{UserPoolTier: "ESSENTIALS"},
			"tier-change: UserPoolTier ESSENTIALS -> PLUS changes what AWS bills"},
		{"adaptive MFA under ON", on, state.Posture{RiskConfiguration: risk("MFA_IF_CONFIGURED")}, state.Posture{UserPoolTier: "PLUS", UserPoolAddOns: enforced},
			"adaptive-mfa-under-on: MFA_IF_CONFIGURED with MfaConfiguration ON"},
		{"the live sign-in policy's OTP first factor blocks ON", on, state.Posture{SignInPolicy: &state.SignInPolicy{AllowedFirstAuthFactors: []string{"PASSWORD", "SMS_OTP"}}}, state.Posture{UserPoolTier: "ESSENTIALS"},
			"first-factor-blocks-on: MfaConfiguration ON is refused while the sign-in policy allows SMS_OTP"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := posturePlan(tt.cfg, tt.declared, optional, tt.was)
			for _, d := range p.Diagnostics {
				if strings.HasPrefix(tt.want, d.Code+": ") && strings.Contains(d.Summary, strings.TrimPrefix(tt.want, d.Code+": ")) {
					return
				}
			}
			t.Fatalf("want %q, got:\n%s", tt.want, DiagText(p.Diagnostics))
		})
	}
}

func TestPosturePlanFileRoundTrip(t *testing.T) {
	optional := state.PoolConfig{MfaConfiguration: state.ModeOptional, SoftwareTokenMfaConfiguration: TotpOn()}
	p := posturePlan(optional, state.Posture{UserPoolTier: "PLUS", UserPoolAddOns: enforced, RiskConfiguration: risk("MFA_REQUIRED"),
		SignInPolicy: &state.SignInPolicy{AllowedFirstAuthFactors: []string{"PASSWORD"}}}, optional, state.Posture{UserPoolTier: "ESSENTIALS"})
	if p.Diagnostics.HasErrors() || len(p.Calls) != 2 {
		t.Fatalf("plan: %s %s", callOrder(p), DiagText(p.Diagnostics))
	}
	var b strings.Builder
	if err := planfile.Save(&b, p); err != nil {
		t.Fatal(err)
	}
	loaded, err := planfile.Load(strings.NewReader(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	got := loaded.Calls[0].PostureRequest
	if got == nil || got.UserPoolTier != "PLUS" || got.UserPoolAddOns.AdvancedSecurityMode != "ENFORCED" || got.SignInPolicy == nil ||
		loaded.Calls[1].RiskRequest == nil || loaded.Calls[1].RiskRequest.AccountTakeoverRiskConfiguration.Actions.HighAction.EventAction != "MFA_REQUIRED" {
		t.Fatalf("calls after the round trip: %+v", loaded.Calls)
	}
	if ds := loaded.DesiredState(); ds.Pools[0].Posture.UserPoolTier != "PLUS" {
		t.Fatalf("desired state after the round trip: %+v", ds.Pools[0].Posture)
	}
	// A stage out of StageOrder is refused.
	bad := strings.Replace(b.String(), `"Stage": 6`, `"Stage": 8`, 1)
	if _, err := planfile.Load(strings.NewReader(bad)); err == nil {
		t.Fatal("a SetRiskConfiguration in stage 8 was accepted")
	}
}
