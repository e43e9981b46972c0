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

// Options change how a plan is built.
type Options struct {
	// ResendWriteOnly sends declared settings that Cognito cannot report
	// (WebAuthnMfaSettings) even for users with nothing else to change.
	// Without it such a setting rides along only with another change to
	// the same user, and is otherwise reported in a warning.
	ResendWriteOnly bool
}

// Build diffs desired against live state and returns the plan: the
// reviewable changes, the ordered calls that make them, and every problem
// found. It is pure. When a check fails the plan has error diagnostics and
// no changes or calls.
func Build(desired state.Desired, live state.Live, opts Options) *Plan {
	var (
		diags diag.List
		pools []PoolChange
		calls []Call
		// planned is desired as planned: with the users LegacyMfaOptions:
		// Migrate adds and those policies give settings to; the targets,
		// and the end state apply verifies.
		planned state.Desired
		// migrated: per pool, the users LegacyMfaOptions: Migrate added.
		migrated = map[string]map[string]bool{}
	)
	for _, dp := range desired.Pools {
		pp := newPoolPlan(dp, live.Pools[dp.UserPoolId], opts)
		diags = append(diags, pp.diags...)
		if pp.change != nil {
			pools = append(pools, *pp.change)
			calls = append(calls, pp.calls...)
		}
		planned.Pools = append(planned.Pools, pp.expandedPool())
		migrated[dp.UserPoolId] = pp.migrated
	}
	diags.Sort()
	if diags.HasErrors() {
		return &Plan{Diagnostics: diags, Options: opts}
	}
	return &Plan{
		Pools:       pools,
		Calls:       calls,
		Diagnostics: diags,
		Targets:     recordDeclaration(Targets(live, planned), desired, migrated),
		SelfService: selfService(desired, live),
		Selections:  Selections(live, desired),
		Options:     opts,
	}
}

// recordDeclaration marks in targets what the files declared rather than
// what planning added: each pool's policies, and the users a legacy
// migration added. A saved plan is rebuilt from that declaration
// (CheckRebuild), so that its review form is rebuilt too.
func recordDeclaration(targets []Target, desired state.Desired, migrated map[string]map[string]bool) []Target {
	policies, ignore := map[string][]RecordedPolicy{}, map[string][]string{}
	for _, dp := range desired.Pools {
		ignore[dp.UserPoolId] = slices.Clone(dp.Ignore)
		for _, pol := range dp.Policies {
			policies[dp.UserPoolId] = append(policies[dp.UserPoolId], RecordedPolicy{Name: pol.Name, Select: pol.Select,
				Settings: copyUser(pol.Settings), Ineligible: pol.Ineligible})
		}
	}
	for i := range targets {
		t := &targets[i]
		if t.Username == "" {
			t.DesiredPolicies, t.DesiredIgnore = policies[t.UserPoolId], ignore[t.UserPoolId]
			continue
		}
		t.LegacyMigrated = migrated[t.UserPoolId][t.Username]
	}
	return targets
}

// poolPlan is the work for one pool: the normalised states, the users, the
// calls in order and what the checks found.
type poolPlan struct {
	dp   state.DesiredPool
	lp   *state.LivePool
	opts Options

	// migration and migrated: the users LegacyMfaOptions: Migrate adds.
	migration *LegacyMigration
	migrated  map[string]bool

	live    state.PoolConfig // normalised live configuration
	desired state.PoolConfig // configuration after apply
	during  state.PoolConfig // configuration while the user calls run (widened)
	users   []*userPlan
	// policies is the expansion of the pool's policies: the users they
	// give settings to are among users.
	policies *expansion

	// posture is the pool's MFA posture besides SetUserPoolMfaConfig.
	posture *posturePlan

	change *PoolChange
	calls  []Call
	diags  diag.List
	// ignored counts the warnings the pool's Ignore silenced, by rule.
	ignored map[string]int
}

// userPlan is one declared user: the normalised states and the request
// that brings one to the other (nil when the user is in sync).
type userPlan struct {
	du      state.DesiredUser
	lu      *state.LiveUser
	live    state.UserSettings
	desired state.UserSettings
	request *state.UserSettings
	// withheldWebAuthn: a declared WebAuthnMfaSettings that is not sent
	// because nothing else changes for this user (see Options).
	withheldWebAuthn bool
	// notSent says which declared blocks are left out of an unknown user's
	// request, and why.
	notSent []string
	// legacy is the user's AdminSetUserSettings request (nil: none).
	legacy *[]state.MFAOption
	// uncertain says why Cognito may refuse the request for a reason reads
	// cannot show (it enables a factor the user must have registered).
	uncertain string
}

func newPoolPlan(dp state.DesiredPool, lp *state.LivePool, opts Options) *poolPlan {
	pp := &poolPlan{dp: dp, lp: lp, opts: opts}
	if lp == nil {
		pp.errorf("internal-error", "", dp.Pos, dp.Path, fmt.Sprintf("no live state was read for user pool %s", dp.UserPoolId),
			"mfactl cannot plan what it did not read; this is a bug, please report it")
		return pp
	}
	if !lp.Exists {
		pp.errorf("pool-not-found", "", dp.Pos, dp.Path,
			fmt.Sprintf("user pool %s does not exist", dp.UserPoolId),
			fmt.Sprintf("check the UserPoolId, and the AWS account and Region mfactl uses (this ID is in %s)", state.Region(dp.UserPoolId)))
		return pp
	}
	pp.live = normalizeLivePool(lp)
	pp.desired = mergePool(dp.Config, pp.live, lp.Prerequisites.SmsConfiguration)
	if !dp.Self {
		pp.planPosture()
	}
	pp.checkDeclaredPool()
	pp.addMigratedUsers()
	pp.policies = expandPolicies(pp.dp, lp)
	for _, d := range pp.policies.diags {
		pp.add(d)
	}

	users := pp.dp.Users
	if len(pp.policies.users) > 0 {
		users = slices.Concat(pp.dp.Users, pp.policies.users)
	}
	seen := make(map[string]bool, len(users))
	pp.users = make([]*userPlan, 0, len(users))
	for _, du := range users {
		if seen[du.Username] {
			continue // the loader reports duplicates; plan each user once
		}
		seen[du.Username] = true
		if up := pp.planUser(du); up != nil {
			pp.users = append(pp.users, up)
		}
	}
	pp.during = pp.widened()
	for _, up := range pp.users {
		pp.checkUser(up)
		pp.checkLegacy(up)
	}
	pp.checkPolicies()
	pp.orderCalls()
	pp.refuseUnreadable()
	pp.checkPoolCalls()
	pp.checkPhoneNumberUses()
	if pp.posture != nil {
		pp.checkPosture()
	}
	pp.diags = dedupe(pp.diags)
	pp.warnAboutUsers()
	if !pp.diags.HasErrors() {
		pp.assertValidRequests()
	}
	if !pp.diags.HasErrors() {
		pp.change = pp.reviewableChange()
	}
	return pp
}

// planUser computes one user's request. Blocks go in only when they change,
// or, for a user whose live settings are unknown, when the plan cannot
// confirm them: Cognito's list of a user's factors can miss one that is on
// (legacy MFAOptions, TOTP set up at sign-in), so a factor it lists as
// enabled is enabled, but one it leaves out may not be off.
func (pp *poolPlan) planUser(du state.DesiredUser) *userPlan {
	lu := pp.lp.Users[du.Username]
	if lu == nil {
		pp.errorf("internal-error", du.Username, du.Pos, du.Path, fmt.Sprintf("no live state was read for user %s of user pool %s", du.Username, pp.dp.UserPoolId),
			"mfactl cannot plan what it did not read; this is a bug, please report it")
		return nil
	}
	if !lu.Exists {
		pp.errorf("user-not-found", du.Username, du.Pos, du.Path,
			fmt.Sprintf("user %s does not exist in user pool %s", du.Username, pp.dp.UserPoolId),
			"mfactl sets MFA for existing users only: create the user first, or remove it from the files")
		return nil
	}
	up := &userPlan{du: du, lu: lu, live: normalizeUser(lu.Settings), desired: mergeUser(du.Settings, lu.Settings)}
	up.live.WebAuthnMfaSettings = nil
	unknown := lu.Unknown != ""

	var req state.UserSettings
	sending := false
	for _, f := range state.MFAFactors {
		declared := f.User(du.Settings) != nil
		value := f.User(up.desired)
		changed := !sameFactor(f.User(up.live), value)
		// Cognito confirms a factor by listing it; SMS that only legacy
		// MFAOptions turn on is not listed.
		unconfirmed := unknown && declared && (value == nil || (f == state.SMS && lu.LegacySMSOnly))
		if !changed && !unconfirmed {
			continue
		}
		switch {
		case value == nil && unknown && !f.HasAttribute(lu):
			// Disabling a factor the user cannot have can fail
			// (amplify-js#5766), and it cannot be on anyway.
			up.notSent = append(up.notSent, fmt.Sprintf("%s is not sent: the user has no %s, so that factor cannot be on", f.UserBlock, f.Attribute))
			continue
		case !changed && value == nil && pp.desired.MfaConfiguration == state.ModeOn:
			// An unconfirmed "off" under ON: a disable would not take
			// effect anyway, so it is not a change to refuse.
			up.notSent = append(up.notSent, fmt.Sprintf("%s: {Enabled: false} is not sent: under MfaConfiguration ON a per-user disable does not take effect (aws-sdk-js-v3#7961)", f.UserBlock))
			continue
		}
		if value == nil {
			value = &state.FactorSettings{}
		} else {
			v := *value
			value = &v
		}
		f.SetUser(&req, value)
		sending = true
	}
	if w := du.Settings.WebAuthnMfaSettings; w != nil {
		if sending || pp.opts.ResendWriteOnly {
			v := *w
			req.WebAuthnMfaSettings = &v
			sending = true
		} else {
			up.withheldWebAuthn = true
		}
	}
	if sending {
		up.request = &req
		up.uncertain = uncertainRequest(du.Username, req, up.live, lu)
	}
	up.legacy = legacyRequest(du, lu)
	return up
}

// uncertainRequest says why Cognito may refuse req for a reason its reads
// cannot show, or returns "": req enables a factor the user must have
// registered themselves (TOTP: an authenticator app) while Cognito does not
// list it as on. A user whose factor is off may or may not have one, unless
// AdminGetUserAuthFactors told (lu.TOTPRegistered): then the call is
// certain, or the user cannot take TOTP (checkEnable, cannotTake).
func uncertainRequest(username string, req, live state.UserSettings, lu *state.LiveUser) string {
	if lu.TOTPRegistered != nil {
		return ""
	}
	for _, f := range state.MFAFactors {
		if v := f.User(req); f.Registration != "" && v != nil && v.Enabled && normalizeFactor(f.User(live)) == nil {
			return fmt.Sprintf("Cognito cannot show whether %s has registered %s; if not, Cognito refuses this call", username, f.Registration)
		}
	}
	return ""
}

// enables reports whether up's request switches factor f on (as far as
// mfactl can tell: for an unknown user every enabled block counts).
func (up *userPlan) enables(f *state.Factor) bool {
	if up.request == nil {
		return false
	}
	v := f.User(*up.request)
	return v != nil && v.Enabled && (up.lu.Unknown != "" || f.User(up.live) == nil)
}

// disables reports whether up's request switches factor f off.
func (up *userPlan) disables(f *state.Factor) bool {
	if up.request == nil {
		return false
	}
	v := f.User(*up.request)
	return v != nil && !v.Enabled && (up.lu.Unknown != "" || f.User(up.live) != nil)
}

// sends reports whether up's request carries a block for factor f.
func (up *userPlan) sends(f *state.Factor) bool {
	return up.request != nil && f.UserHas(*up.request)
}

// orderCalls turns the pool change and the user requests into calls, in
// the safe order of cognito-mfa-rules.md:
//
//  1. widen the pool: add what the user calls need, keep what they move
//     users off, and stop at OPTIONAL on the way to ON while users are
//     still being enrolled (ON first would send them to MFA_SETUP);
//  2. the user calls;
//  3. narrow the pool to exactly the desired configuration.
//
// When the widened configuration is already the desired one, there is a
// single pool call before the users; when it is the live one, a single
// call after them; when nothing differs, none.
func (pp *poolPlan) orderCalls() {
	widened := pp.during
	var before, after []Call
	switch {
	case pp.dp.Self:
		// A self-service plan neither reads nor writes the pool.
	case samePool(widened, pp.desired):
		if !samePool(pp.desired, pp.live) {
			before = append(before, pp.poolCall(StageWidenPool, pp.desired, describePoolChange(pp.live, pp.desired)))
		}
	default:
		if !samePool(widened, pp.live) {
			reason := "widen before the user calls: " + describePoolChange(pp.live, widened)
			if widened.MfaConfiguration == state.ModeOptional && pp.desired.MfaConfiguration == state.ModeOn {
				reason += "; " + pp.whyOptional()
			}
			before = append(before, pp.poolCall(StageWidenPool, widened, reason))
		}
		after = append(after, pp.poolCall(StageNarrowPool, pp.desired, "narrow after the user calls: "+describePoolChange(widened, pp.desired)))
	}
	changesFactorConfiguration := len(before) > 0 && webAuthnFactorConfiguration(*before[0].PoolRequest) != webAuthnFactorConfiguration(pp.live)
	postureBefore, postureMiddle, postureEnd := pp.postureCalls(changesFactorConfiguration)
	pp.calls = append(pp.calls, postureBefore...)
	pp.calls = append(pp.calls, before...)
	pp.calls = append(pp.calls, postureMiddle...)
	for _, up := range pp.users {
		if up.request == nil {
			continue
		}
		call := Call{Operation: AdminSetUserMFAPreference, UserPoolId: pp.dp.UserPoolId, Username: up.du.Username, Stage: StageUsers, UserRequest: up.request,
			Uncertain: up.uncertain, LegacyMigration: pp.migrated[up.du.Username]}
		if up.du.FromPolicy() {
			call.Policy = strings.Join(up.du.Policies, ", ")
			if up.uncertain != "" && up.du.Ineligible.Contains() {
				// Cognito may refuse it for lack of a registration that
				// reads cannot show: that counts as ineligible.
				call.Ineligible = up.du.Ineligible
			}
		}
		if pp.dp.Self {
			call.Operation = SetUserMFAPreference
		}
		switch {
		case call.LegacyMigration:
			call.Reason = "LegacyMfaOptions: Migrate: SMS as a current MFA setting, before its legacy entry is cleared"
		case up.lu.Unknown != "":
			call.Reason = "live settings unknown: sending the declared blocks Cognito does not confirm"
		case up.request.WebAuthnMfaSettings != nil && onlyWebAuthn(up.request):
			call.Reason = "re-sending write-only WebAuthnMfaSettings (--resend-write-only)"
		}
		pp.calls = append(pp.calls, call)
	}
	pp.calls = append(pp.calls, after...)
	pp.calls = append(pp.calls, pp.legacyCalls()...)
	pp.calls = append(pp.calls, postureEnd...)
}

// widened is the configuration the pool needs while the user calls run.
func (pp *poolPlan) widened() state.PoolConfig {
	w := copyPool(pp.desired)
	live := pp.live
	enrols, disables := pp.enrols(), len(pp.disabledFactors()) > 0
	// Keep each factor the user calls still touch: they move users off it
	// (or change their preference on it) while the pool offers it.
	for _, f := range state.MFAFactors {
		if !f.PoolHas(live) || f.PoolHas(w) {
			continue
		}
		for _, up := range pp.users {
			if up.sends(f) {
				f.CopyPoolBlock(&w, live)
				break
			}
		}
	}
	switch {
	case pp.desired.MfaConfiguration == state.ModeOn && (disables || live.MfaConfiguration != state.ModeOn && enrols):
		// ON waits until the users are enrolled (under ON a user without a
		// factor is sent to MFA_SETUP) and until they are moved off the
		// factors they lose (under ON a per-user disable does not take
		// effect, aws-sdk-js-v3#7961): OPTIONAL is the stepping stone.
		w.MfaConfiguration = state.ModeOptional
	case pp.desired.MfaConfiguration == state.ModeOn && live.MfaConfiguration != state.ModeOn && pp.signInChanges():
		// The sign-in policy changes before ON (ON is refused while it
		// allows an OTP first factor): OPTIONAL until it has.
		w.MfaConfiguration = state.ModeOptional
	case w.MfaConfiguration == state.ModeOff && hasMfaFactor(w):
		// OFF is the target but factors are kept for the user calls: stay
		// as live is, except that per-user disables do not work under ON.
		w.MfaConfiguration = live.MfaConfiguration
		if live.MfaConfiguration == state.ModeOn && disables {
			w.MfaConfiguration = state.ModeOptional
		}
	}
	return w
}

// enrols reports whether a user call switches a factor on.
func (pp *poolPlan) enrols() bool {
	for _, up := range pp.users {
		for _, f := range state.MFAFactors {
			if up.enables(f) {
				return true
			}
		}
	}
	return false
}

// disabledFactors lists the factors that user calls switch off, in table order.
func (pp *poolPlan) disabledFactors() []*state.Factor {
	var out []*state.Factor
	for _, f := range state.MFAFactors {
		if slices.ContainsFunc(pp.users, func(up *userPlan) bool { return up.disables(f) }) {
			out = append(out, f)
		}
	}
	return out
}

// whyOptional says why the pool is OPTIONAL while the user calls run,
// on its way to ON.
func (pp *poolPlan) whyOptional() string {
	off := pp.disabledFactors()
	if len(off) == 0 {
		return "OPTIONAL until the users are enrolled, ON after them"
	}
	users := "moved off " + factorLabels(off)
	if pp.live.MfaConfiguration != state.ModeOn && pp.enrols() {
		users = "enrolled and " + users
	}
	return "OPTIONAL while the users are " + users + " (under ON a per-user disable does not take effect), ON after them"
}

func (pp *poolPlan) poolCall(stage int, cfg state.PoolConfig, reason string) Call {
	req := copyPool(cfg)
	call := Call{Operation: SetUserPoolMfaConfig, UserPoolId: pp.dp.UserPoolId, Stage: stage, Reason: reason, PoolRequest: &req}
	call.ExternalIdSource = secretSource(externalID(&req), pp.lp)
	return call
}

// assertValidRequests checks Build's own guarantee that every pool request
// is one Cognito accepts. Failing it is a bug in mfactl, not in the input.
func (pp *poolPlan) assertValidRequests() {
	for _, c := range pp.calls {
		if c.PoolRequest == nil {
			continue
		}
		if err := rules.PoolRequest(*c.PoolRequest); err != nil {
			pp.errorf("internal-error", "", pp.dp.Pos, pp.dp.Path, "internal error: planned an invalid SetUserPoolMfaConfig request: "+err.Error(), "please report this bug; nothing was changed")
		}
	}
	// Under ON a per-user disable answers 200 and does not take effect
	// (aws-sdk-js-v3#7961): the user calls must never run under ON.
	if off := pp.disabledFactors(); len(off) > 0 && pp.during.MfaConfiguration == state.ModeOn {
		pp.errorf("internal-error", "", pp.dp.Pos, pp.dp.Path, fmt.Sprintf("internal error: planned to disable %s MFA for users while the pool is ON", off[0].Label), "please report this bug; nothing was changed")
	}
}

func onlyWebAuthn(s *state.UserSettings) bool {
	return !slices.ContainsFunc(state.MFAFactors, func(f *state.Factor) bool { return f.UserHas(*s) })
}

// reviewableChange is the pool's entry in Plan.Pools.
func (pp *poolPlan) reviewableChange() *PoolChange {
	pc := &PoolChange{UserPoolId: pp.dp.UserPoolId, Pos: pp.dp.Pos, Ignored: pp.ignored}
	if !samePool(pp.live, pp.desired) {
		// A plan's changes are for review only: they never hold a secret.
		live, desired := explicitPool(pp.live), explicitPool(pp.desired)
		maskSecret(&live, state.SecretMarker)
		maskSecret(&desired, string(secretSource(externalID(&desired), pp.lp)))
		pc.Live, pc.Desired = &live, &desired
	}
	for _, up := range pp.users {
		if pp.migrated[up.du.Username] {
			continue // counted in LegacyMigration
		}
		if up.request == nil && up.legacy == nil {
			pc.UsersInSync++
			continue
		}
		uc := UserChange{
			Username: up.du.Username,
			Pos:      up.du.Pos,
			Policy:   strings.Join(up.du.Policies, ", "),
			Live:     explicitUser(up.live),
			Desired:  explicitUser(up.desired),
			Unknown:  up.lu.Unknown,
		}
		if up.legacy != nil {
			uc.MFAOptions = &MFAOptionsChange{Live: orEmpty(up.lu.MFAOptions), Desired: *up.legacy}
		}
		pc.Users = append(pc.Users, uc)
	}
	pc.LegacyMigration = pp.migration
	pc.Policies = pp.policyOutcomes()
	pc.Posture = pp.postureChange()
	return pc
}

// policyOutcomes completes the expansion's outcomes with what the plan
// does for each policy's users.
func (pp *poolPlan) policyOutcomes() []PolicyOutcome {
	outcomes := slices.Clone(pp.policies.outcomes)
	byName := map[string]*PolicyOutcome{}
	for i := range outcomes {
		byName[outcomes[i].Name] = &outcomes[i]
	}
	for _, up := range pp.users {
		for _, name := range up.du.Policies {
			switch o := byName[name]; {
			case o == nil: // planned from a plan's DesiredState, policies already expanded
			case up.request == nil:
				o.InSync++
			default:
				o.Changes++
				if up.uncertain != "" {
					o.Uncertain++
				}
			}
		}
	}
	return outcomes
}

// expandedPool is the pool as planned: its configuration and every user
// planned, the files' and the policies', policies expanded.
func (pp *poolPlan) expandedPool() state.DesiredPool {
	dp := pp.dp
	dp.Policies = nil
	if pp.policies != nil && len(pp.policies.users) > 0 { // a copy of every user otherwise for nothing
		dp.Users = slices.Concat(dp.Users, pp.policies.users)
	}
	return dp
}

func samePool(a, b state.PoolConfig) bool {
	return reflect.DeepEqual(normalizePool(a), normalizePool(b))
}

// describePoolChange says in a few words what changes from one pool
// configuration to another, for Call.Reason.
func describePoolChange(from, to state.PoolConfig) string {
	var parts []string
	if from.MfaConfiguration != to.MfaConfiguration {
		parts = append(parts, fmt.Sprintf("MfaConfiguration %s -> %s", from.MfaConfiguration, to.MfaConfiguration))
	}
	for _, f := range state.Factors {
		fromOn, toOn := f.PoolHas(from), f.PoolHas(to)
		if !f.AnswersChallenge {
			// Not a switch: its block is a configuration (WebAuthn).
			fromOn, toOn = true, true
		}
		var fromBlock, toBlock state.PoolConfig
		f.CopyPoolBlock(&fromBlock, from)
		f.CopyPoolBlock(&toBlock, to)
		switch {
		case !fromOn && toOn:
			parts = append(parts, "enable "+f.Label)
		case fromOn && !toOn:
			parts = append(parts, "disable "+f.Label)
		case fromOn && !reflect.DeepEqual(fromBlock, toBlock):
			parts = append(parts, "update "+f.Label+" settings")
		}
	}
	if len(parts) == 0 {
		return "no change"
	}
	return strings.Join(parts, "; ")
}

// add records a diagnostic about this pool.
func (pp *poolPlan) add(d diag.Diagnostic) {
	d.UserPoolId = pp.dp.UserPoolId
	if d.Severity == diag.Warning && slices.Contains(pp.dp.Ignore, d.Code) {
		if pp.ignored == nil {
			pp.ignored = map[string]int{}
		}
		pp.ignored[d.Code]++
		return
	}
	pp.diags = append(pp.diags, d)
}

// errorf and warnf record a diagnostic of rule code (diag.Rules) about
// user ("" for the pool).
func (pp *poolPlan) errorf(code, user string, pos state.Pos, path, summary, detail string) {
	pp.add(diag.Diagnostic{Severity: diag.Error, Code: code, Username: user, Pos: pos, Path: path, Summary: summary, Detail: detail})
}

func (pp *poolPlan) warnf(code, user string, pos state.Pos, path, summary, detail string) {
	pp.add(diag.Diagnostic{Severity: diag.Warning, Code: code, Username: user, Pos: pos, Path: path, Summary: summary, Detail: detail})
}

// poolField returns where a pool-level field ("SmsMfaConfiguration" or
// "SmsMfaConfiguration.SmsConfiguration") is declared, or the nearest
// enclosing thing that is, and the field's path.
func (pp *poolPlan) poolField(field string) (state.Pos, string) {
	path := joinPath(pp.dp.Path, field)
	for name := field; name != ""; {
		if pos, ok := pp.dp.FieldPos[name]; ok {
			return pos, path
		}
		i := strings.LastIndex(name, ".")
		if i < 0 {
			break
		}
		name = name[:i]
	}
	return pp.dp.Pos, path
}

func joinPath(base, field string) string {
	if base == "" {
		return field
	}
	if field == "" {
		return base
	}
	return base + "." + field
}
