package plan

import (
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/mfactl/mfactl/internal/diag"
	"github.com/mfactl/mfactl/internal/rules"
	"github.com/mfactl/mfactl/internal/state"
)

// A pool's MFA posture besides SetUserPoolMfaConfig: UpdateUserPool's
// tier, remembered devices, sign-in policy and threat protection, and
// SetRiskConfiguration for the pool and its app clients. Only declared
// members are managed. The calls go in their own stages around the MFA
// calls (StageOrder): the tier before what it gates, threat protection
// before the risk actions that rely on it, FactorConfiguration before the
// sign-in policy before ON, and a lower tier only at the end.

// posturePlan is the posture part of one pool's plan.
type posturePlan struct {
	live, desired state.Posture
	// update is what UpdateUserPool changes (declared members that differ);
	// lower is the part of it that waits to the end (a lower tier), signIn
	// the sign-in policy when it waits for FactorConfiguration.
	update, lower, signIn state.Posture
	risks                 []state.ClientRisk // complete configurations to set
}

// mergePosture is declared over live: each declared member replaces live's;
// a declared risk configuration replaces only the blocks it declares.
func mergePosture(declared, live state.Posture) state.Posture {
	out := live.Clone()
	if declared.UserPoolTier != "" {
		out.UserPoolTier = declared.UserPoolTier
	}
	if declared.DeviceConfiguration != nil {
		d := *declared.DeviceConfiguration
		out.DeviceConfiguration = &d
	}
	if declared.SignInPolicy != nil {
		out.SignInPolicy = &state.SignInPolicy{AllowedFirstAuthFactors: slices.Clone(declared.SignInPolicy.AllowedFirstAuthFactors)}
	}
	if declared.UserPoolAddOns != nil {
		c := declared.Clone()
		out.UserPoolAddOns = c.UserPoolAddOns
	}
	if declared.RiskConfiguration != nil {
		out.RiskConfiguration = mergeRisk(declared.RiskConfiguration, live.RiskConfiguration)
	}
	out.AppClients = nil
	for _, dc := range declared.AppClients {
		var lr *state.RiskConfiguration
		exists := true
		if lc := live.Client(dc.ClientId); lc != nil {
			lr, exists = lc.RiskConfiguration, lc.Exists
		}
		out.AppClients = append(out.AppClients, state.AppClientPosture{ClientId: dc.ClientId, RiskConfiguration: mergeRisk(dc.RiskConfiguration, lr), Exists: exists})
	}
	return out
}

func mergeRisk(declared, live *state.RiskConfiguration) *state.RiskConfiguration {
	if declared == nil {
		return live
	}
	out := state.RiskConfiguration{}
	if live != nil {
		out = *live
	}
	if declared.AccountTakeoverRiskConfiguration != nil {
		out.AccountTakeoverRiskConfiguration = declared.AccountTakeoverRiskConfiguration
	}
	if declared.CompromisedCredentialsRiskConfiguration != nil {
		out.CompromisedCredentialsRiskConfiguration = declared.CompromisedCredentialsRiskConfiguration
	}
	if declared.RiskExceptionConfiguration != nil {
		out.RiskExceptionConfiguration = declared.RiskExceptionConfiguration
	}
	return &out
}

// samePosture compares two values of one member, sets as sets.
func sameSignIn(a, b *state.SignInPolicy) bool {
	if a == nil || b == nil {
		return a == b
	}
	x, y := slices.Clone(a.AllowedFirstAuthFactors), slices.Clone(b.AllowedFirstAuthFactors)
	slices.Sort(x)
	slices.Sort(y)
	return slices.Equal(x, y)
}

func sameRisk(a, b *state.RiskConfiguration) bool {
	norm := func(r *state.RiskConfiguration) *state.RiskConfiguration {
		if r == nil || reflect.DeepEqual(*r, state.RiskConfiguration{}) {
			return nil
		}
		c := state.Posture{RiskConfiguration: r}.Clone().RiskConfiguration
		if cc := c.CompromisedCredentialsRiskConfiguration; cc != nil {
			slices.Sort(cc.EventFilter)
		}
		return c
	}
	return reflect.DeepEqual(norm(a), norm(b))
}

func sameAddOns(a, b *state.UserPoolAddOns) bool {
	norm := func(x *state.UserPoolAddOns) state.UserPoolAddOns {
		if x == nil {
			return state.UserPoolAddOns{AdvancedSecurityMode: state.ThreatProtectionOff}
		}
		out := *x
		if out.AdvancedSecurityMode == "" {
			out.AdvancedSecurityMode = state.ThreatProtectionOff
		}
		if f := out.AdvancedSecurityAdditionalFlows; f != nil && f.CustomAuthMode == "" {
			out.AdvancedSecurityAdditionalFlows = nil
		}
		return out
	}
	return reflect.DeepEqual(norm(a), norm(b))
}

// planPosture works out the posture's changes for pp.
func (pp *poolPlan) planPosture() {
	declared := pp.dp.Posture
	live := pp.lp.Posture
	ps := &posturePlan{live: live, desired: mergePosture(declared, live)}
	pp.posture = ps
	if declared.UserPoolTier != "" && declared.UserPoolTier != live.UserPoolTier {
		if live.UserPoolTier != "" && state.TierRank(declared.UserPoolTier) < state.TierRank(live.UserPoolTier) {
			ps.lower.UserPoolTier = declared.UserPoolTier
		} else {
			ps.update.UserPoolTier = declared.UserPoolTier
		}
	}
	if d := declared.DeviceConfiguration; d != nil && (live.DeviceConfiguration == nil || *d != *live.DeviceConfiguration) {
		ps.update.DeviceConfiguration = ps.desired.DeviceConfiguration
	}
	if declared.SignInPolicy != nil && !sameSignIn(declared.SignInPolicy, live.SignInPolicy) {
		ps.update.SignInPolicy = ps.desired.SignInPolicy
	}
	if declared.UserPoolAddOns != nil && !sameAddOns(declared.UserPoolAddOns, live.UserPoolAddOns) {
		ps.update.UserPoolAddOns = ps.desired.UserPoolAddOns
	}
	if declared.RiskConfiguration != nil && !sameRisk(ps.desired.RiskConfiguration, live.RiskConfiguration) {
		ps.risks = append(ps.risks, state.ClientRisk{RiskConfiguration: ps.desired.RiskConfiguration})
	}
	for _, dc := range ps.desired.AppClients {
		var lr *state.RiskConfiguration
		if lc := live.Client(dc.ClientId); lc != nil {
			lr = lc.RiskConfiguration
		}
		if !sameRisk(dc.RiskConfiguration, lr) {
			ps.risks = append(ps.risks, state.ClientRisk{ClientId: dc.ClientId, RiskConfiguration: dc.RiskConfiguration})
		}
	}
}

// signInChanges reports whether the plan changes the sign-in policy.
func (pp *poolPlan) signInChanges() bool {
	return pp.posture != nil && pp.posture.update.SignInPolicy != nil
}

// effectivePrerequisites are live's, with the tier and the sign-in policy
// the plan leaves the pool with.
func (pp *poolPlan) effectivePrerequisites() state.Prerequisites {
	pre := pp.lp.Prerequisites
	if pp.posture == nil {
		return pre
	}
	if t := pp.posture.desired.UserPoolTier; t != "" {
		pre.Tier = t
	}
	if s := pp.posture.desired.SignInPolicy; s != nil && pp.dp.Posture.SignInPolicy != nil {
		pre.FirstAuthFactors = slices.Sorted(slices.Values(s.AllowedFirstAuthFactors))
	}
	return pre
}

// checkPosture checks the posture against live state.
func (pp *poolPlan) checkPosture() {
	ps := pp.posture
	declared := pp.dp.Posture
	at := func(f rules.Finding) {
		pos, path := pp.poolField(f.Field)
		pp.add(f.At(pos, path))
	}
	for _, f := range rules.Posture(pp.desired, ps.desired, rules.Complete) {
		if f.Code == "first-factor-blocks-on" && (declared.SignInPolicy == nil || !samePool(pp.desired, pp.live)) {
			continue // checkPoolCalls says it, where the MFA configuration changes
		}
		if f.Code == "adaptive-mfa-under-on" && declared.RiskConfiguration == nil && len(declared.AppClients) == 0 {
			continue // not something these files declare
		}
		at(f)
	}
	tier := pp.effectivePrerequisites().Tier
	for _, n := range rules.TierNeeds(pp.desired, ps.desired) {
		// Email MFA and FactorConfiguration are checked where they are
		// enabled (checkPoolCalls) unless the files declare the tier.
		if declared.UserPoolTier == "" && n.Field != "UserPoolAddOns.AdvancedSecurityMode" {
			continue
		}
		if tier != "" && state.TierRank(tier) < state.TierRank(n.Tier) {
			field := n.Field
			if declared.UserPoolTier != "" {
				field = "UserPoolTier"
			}
			pos, path := pp.poolField(field)
			pp.errorf("tier-unavailable", "", pos, path, fmt.Sprintf("%s needs the %s tier or higher, but user pool %s would be on %s", n.What, n.Tier, pp.dp.UserPoolId, tier),
				fmt.Sprintf("declare UserPoolTier: %s (mfactl raises it first; it changes the bill); mfactl never lowers the tier below what the configuration needs", n.Tier))
		}
	}
	if declared.UserPoolTier != "" && declared.UserPoolTier != ps.live.UserPoolTier {
		pos, path := pp.poolField("UserPoolTier")
		pp.warnf("tier-change", "", pos, path, fmt.Sprintf("UserPoolTier %s -> %s changes what AWS bills for user pool %s", orNotSet(ps.live.UserPoolTier), declared.UserPoolTier, pp.dp.UserPoolId),
			"check the pricing of the "+declared.UserPoolTier+" feature plan before applying")
	}
	for i, dc := range declared.AppClients {
		if lc := ps.live.Client(dc.ClientId); lc != nil && !lc.Exists {
			pos, path := pp.poolField(fmt.Sprintf("AppClients[%d].ClientId", i))
			pp.errorf("app-client-not-found", "", pos, path, fmt.Sprintf("app client %s does not exist in user pool %s", dc.ClientId, pp.dp.UserPoolId),
				"correct the ClientId, or create the app client first")
		}
	}
	if sms := pp.lp.Prerequisites.SmsConfiguration; sms != nil && sms.EumsSms != nil && (ps.update.PoolMembersDeclared() || ps.lower.PoolMembersDeclared()) {
		pos, path := pp.poolField(PatchedFieldOf(ps.update, ps.lower))
		pp.errorf("update-user-pool-incomplete", "", pos, path,
			fmt.Sprintf("user pool %s sends SMS through AWS End User Messaging (SmsConfiguration.EumsSms), which mfactl's AWS SDK cannot send in UpdateUserPool; a request without it would reset it", pp.dp.UserPoolId),
			"change UserPoolTier, DeviceConfiguration, SignInPolicy and UserPoolAddOns of this pool another way until mfactl is built with a newer AWS SDK, or remove them from the files")
	}
}

// PatchedFieldOf names the first member either posture sets, for positions.
func PatchedFieldOf(ps ...state.Posture) string {
	for _, p := range ps {
		switch {
		case p.UserPoolTier != "":
			return "UserPoolTier"
		case p.DeviceConfiguration != nil:
			return "DeviceConfiguration"
		case p.SignInPolicy != nil:
			return "SignInPolicy"
		case p.UserPoolAddOns != nil:
			return "UserPoolAddOns"
		}
	}
	return ""
}

// postureCalls returns the posture's calls, split by where they go around
// the MFA calls: before them, after the first MFA call, and at the end.
func (pp *poolPlan) postureCalls(mfaChangesFactorConfiguration bool) (before, middle, end []Call) {
	ps := pp.posture
	if ps == nil || pp.dp.Self {
		return nil, nil, nil
	}
	first := ps.update
	if first.SignInPolicy != nil && mfaChangesFactorConfiguration {
		// FactorConfiguration -> sign-in policy -> ON (passkeys).
		ps.signIn.SignInPolicy, first.SignInPolicy = first.SignInPolicy, nil
	}
	if first.PoolMembersDeclared() {
		before = append(before, pp.updateCall(StagePoolSettings, first, "before the MFA calls: "+describePosture(ps.live, first)))
	}
	for _, r := range ps.risks {
		rc := *r.RiskConfiguration
		reason := "risk actions of the pool"
		if r.ClientId != "" {
			reason = "risk actions of app client " + r.ClientId
		}
		if first.UserPoolAddOns != nil {
			reason += ", after threat protection is on"
		}
		before = append(before, Call{Operation: SetRiskConfiguration, UserPoolId: pp.dp.UserPoolId, Stage: StageRisk, ClientId: r.ClientId, RiskRequest: &rc, Reason: reason})
	}
	if ps.signIn.SignInPolicy != nil {
		middle = append(middle, pp.updateCall(StageSignInPolicy, ps.signIn, "after FactorConfiguration, before ON: "+describePosture(ps.live, ps.signIn)))
	}
	if ps.lower.PoolMembersDeclared() {
		end = append(end, pp.updateCall(StageLowerTier, ps.lower, "last, once nothing needs the higher tier: "+describePosture(ps.live, ps.lower)))
	}
	return before, middle, end
}

func (pp *poolPlan) updateCall(stage int, set state.Posture, reason string) Call {
	req := set.Clone()
	return Call{Operation: UpdateUserPool, UserPoolId: pp.dp.UserPoolId, Stage: stage, PostureRequest: &req, Reason: reason}
}

// describePosture says what a posture call changes, for Reason.
func describePosture(live, set state.Posture) string {
	var parts []string
	if set.UserPoolTier != "" {
		parts = append(parts, fmt.Sprintf("UserPoolTier %s -> %s", orNotSet(live.UserPoolTier), set.UserPoolTier))
	}
	if set.UserPoolAddOns != nil {
		parts = append(parts, fmt.Sprintf("threat protection %s -> %s", live.ThreatProtection(), set.ThreatProtection()))
	}
	if set.DeviceConfiguration != nil {
		parts = append(parts, "remembered devices")
	}
	if set.SignInPolicy != nil {
		parts = append(parts, "sign-in policy "+strings.Join(set.SignInPolicy.AllowedFirstAuthFactors, ", "))
	}
	return strings.Join(parts, "; ")
}

// postureChange is the pool's reviewable posture change, nil when none.
func (pp *poolPlan) postureChange() *PostureChange {
	ps := pp.posture
	if ps == nil {
		return nil
	}
	set := ps.update.Clone()
	if ps.signIn.SignInPolicy != nil {
		set.SignInPolicy = ps.signIn.SignInPolicy
	}
	if ps.lower.UserPoolTier != "" {
		set.UserPoolTier = ps.lower.UserPoolTier
	}
	if !set.PoolMembersDeclared() && len(ps.risks) == 0 {
		return nil
	}
	pc := &PostureChange{Desired: set}
	if set.UserPoolTier != "" {
		pc.Live.UserPoolTier = ps.live.UserPoolTier
	}
	if set.DeviceConfiguration != nil {
		pc.Live.DeviceConfiguration = ps.live.DeviceConfiguration
	}
	if set.SignInPolicy != nil {
		pc.Live.SignInPolicy = ps.live.SignInPolicy
	}
	if set.UserPoolAddOns != nil {
		pc.Live.UserPoolAddOns = ps.live.UserPoolAddOns
	}
	for _, r := range ps.risks {
		if r.ClientId == "" {
			pc.Desired.RiskConfiguration, pc.Live.RiskConfiguration = r.RiskConfiguration, ps.live.RiskConfiguration
			continue
		}
		pc.Desired.AppClients = append(pc.Desired.AppClients, state.AppClientPosture{ClientId: r.ClientId, RiskConfiguration: r.RiskConfiguration})
		live := state.AppClientPosture{ClientId: r.ClientId}
		if lc := ps.live.Client(r.ClientId); lc != nil {
			live.RiskConfiguration = lc.RiskConfiguration
		}
		pc.Live.AppClients = append(pc.Live.AppClients, live)
	}
	return pc
}

// dedupe drops a diagnostic that repeats an earlier one's code, place and summary.
func dedupe(list diag.List) diag.List {
	seen := map[string]bool{}
	out := list[:0]
	for _, d := range list {
		k := d.Code + "\x00" + d.Path + "\x00" + d.Summary
		if !seen[k] {
			seen[k] = true
			out = append(out, d)
		}
	}
	return out
}

// ReadRiskOf says which risk configurations a pool's declared posture needs
// read: the pool's, and those of the app clients it names.
func ReadRiskOf(p state.Posture) (pool bool, clientIDs []string) {
	for _, c := range p.AppClients {
		clientIDs = append(clientIDs, c.ClientId)
	}
	return p.RiskConfiguration != nil, clientIDs
}

// PostureAsExpected is PoolAsExpected for a pool some of whose posture
// calls were applied: each member they set reads back as set, and the MFA
// configuration is the last one applied or, before any, the one the plan
// read (when the plan changes it; otherwise it is not the plan's concern).
func PostureAsExpected(p *Plan, poolID string, lp *state.LivePool, applied []Call) bool {
	if lp == nil || !lp.Exists {
		return false
	}
	var lastConfig *state.PoolConfig
	for _, c := range applied {
		switch {
		case c.PoolRequest != nil:
			lastConfig = c.PoolRequest
		case c.PostureRequest != nil:
			set := *c.PostureRequest
			if !postureHolds(set, lp.Posture) {
				return false
			}
		case c.RiskRequest != nil:
			var got *state.RiskConfiguration
			if c.ClientId == "" {
				got = lp.Posture.RiskConfiguration
			} else if lc := lp.Posture.Client(c.ClientId); lc != nil {
				got = lc.RiskConfiguration
			}
			if got != nil && !sameRisk(got, c.RiskRequest) {
				return false
			}
		}
	}
	if lastConfig != nil {
		return samePool(normalizeLivePool(lp), *lastConfig)
	}
	for _, pc := range p.Pools {
		if pc.UserPoolId == poolID && pc.Live != nil {
			live := explicitPool(normalizeLivePool(lp))
			maskSecret(&live, state.SecretMarker)
			return samePool(live, *pc.Live)
		}
	}
	return true
}

// postureHolds reports whether live has every member set sets.
func postureHolds(set, live state.Posture) bool {
	switch {
	case set.UserPoolTier != "" && set.UserPoolTier != live.UserPoolTier:
		return false
	case set.DeviceConfiguration != nil && (live.DeviceConfiguration == nil || *set.DeviceConfiguration != *live.DeviceConfiguration):
		return false
	case set.SignInPolicy != nil && !sameSignIn(set.SignInPolicy, live.SignInPolicy):
		return false
	case set.UserPoolAddOns != nil && !sameAddOns(set.UserPoolAddOns, live.UserPoolAddOns):
		return false
	}
	return true
}
