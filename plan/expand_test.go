package plan

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/mfactl/mfactl/internal/diag"
	"github.com/mfactl/mfactl/internal/state"
	"github.com/mfactl/mfactl/plan/plantest"
)

// policyWorld is a pool with SMS, TOTP and email on, live users, and
// policies whose selections list the given users.
type policyWorld struct {
	desired state.Desired
	live    state.Live
}

func newPolicyWorld(users ...*state.LiveUser) *policyWorld {
	cfg := state.PoolConfig{MfaConfiguration: state.ModeOptional, SmsMfaConfiguration: plantest.SmsOn(), SoftwareTokenMfaConfiguration: plantest.TotpOn(), EmailMfaConfiguration: plantest.EmailOn()}
	w := &policyWorld{desired: desiredPool(state.PoolConfig{}), live: live(cfg, plantest.WithUsers(users...))}
	w.pool().Selections = map[string]*state.LiveSelection{}
	return w
}

func (w *policyWorld) pool() *state.LivePool { return w.live.Pools[plantest.PoolID] }

// policy declares a policy that selects the given users (a group's
// members when sel.Group is set, with precedence).
func (w *policyWorld) policy(name string, sel state.Selection, s state.UserSettings, mode state.Ineligible, precedence *int, users ...string) {
	dp := &w.desired.Pools[0]
	if mode == "" {
		mode = state.IneligibleReport
	}
	i := len(dp.Policies)
	dp.Policies = append(dp.Policies, state.Policy{Name: name, Select: sel, Settings: s, Ineligible: mode,
		Pos: state.Pos{File: "mfa.yaml", Line: 40 + 4*i, Column: 9}, Path: "UserPools[0].Policies[" + itoa(i) + "]"})
	w.pool().Selections[name] = &state.LiveSelection{Usernames: users, GroupExists: sel.Group != "", Precedence: precedence}
}

func (w *policyWorld) name(u state.DesiredUser) {
	dp := &w.desired.Pools[0]
	u.Pos = state.Pos{File: "mfa.yaml", Line: 20 + len(dp.Users), Column: 9}
	u.Path = "UserPools[0].Users[" + itoa(len(dp.Users)) + "]"
	dp.Users = append(dp.Users, u)
}

func group(name string) state.Selection { return state.Selection{Group: name} }

var (
	everyone     = state.Selection{AllUsers: true}
	totpFirst    = state.UserSettings{SoftwareTokenMfaSettings: plantest.Preferred()}
	smsFirst     = state.UserSettings{SMSMfaSettings: plantest.Preferred()}
	emailEnabled = state.UserSettings{EmailMfaSettings: plantest.Enabled()}
)

func intp(i int) *int { return &i }

func outcome(p *Plan, name string) PolicyOutcome {
	for _, pc := range p.Pools {
		for _, o := range pc.Policies {
			if o.Name == name {
				return o
			}
		}
	}
	return PolicyOutcome{}
}

func callsFor(p *Plan) map[string]Call {
	out := map[string]Call{}
	for _, c := range p.Calls {
		if c.Username != "" {
			out[c.Username] = c
		}
	}
	return out
}

func TestGroupPolicyGivesEveryMemberItsSettings(t *testing.T) {
	w := newPolicyWorld(
		liveUser("ann", state.UserSettings{SoftwareTokenMfaSettings: plantest.Enabled()}),
		liveUser("bob", state.UserSettings{SoftwareTokenMfaSettings: plantest.Preferred()}),
		liveUser("cem", state.UserSettings{SMSMfaSettings: plantest.Enabled()}),
	)
	w.policy("admins-use-totp", group("admins"), totpFirst, "", intp(1), "cem", "ann", "bob")
	p := build(t, w.desired, w.live, Options{})
	requireNoErrors(t, p)
	calls := callsFor(p)
	if len(calls) != 2 || calls["ann"].Policy != "admins-use-totp" || *calls["ann"].UserRequest.SoftwareTokenMfaSettings != *plantest.Preferred() {
		t.Fatalf("calls = %v", callSummary(p))
	}
	// cem's TOTP is off: whether an authenticator is registered cannot be
	// read, so the call is planned, and a refusal will count as ineligible.
	if calls["cem"].Ineligible != state.IneligibleReport || calls["ann"].Ineligible != "" {
		t.Errorf("Ineligible on calls: cem %q, ann %q", calls["cem"].Ineligible, calls["ann"].Ineligible)
	}
	o := outcome(p, "admins-use-totp")
	if o.Selected != 3 || o.Applied != 3 || o.Changes != 2 || o.InSync != 1 || o.Uncertain != 1 {
		t.Errorf("outcome = %+v", o)
	}
	if d := findDiag(p.Diagnostics, diag.Warning, "switches TOTP on for 1 user whose authenticator Cognito cannot show"); d == nil || d.Pos.Line != 40 {
		t.Errorf("no uncertain warning at the policy:\n%s", diagText(p.Diagnostics))
	}
	var users []string
	for _, uc := range p.Pools[0].Users {
		users = append(users, uc.Username+"/"+uc.Policy)
	}
	if !slices.Equal(users, []string{"ann/admins-use-totp", "cem/admins-use-totp"}) {
		t.Errorf("user changes = %v (want sorted by name, with the policy)", users)
	}
	// Targets record the policy users, so staleness and verification
	// cover them; Selections record the listing.
	if len(p.Targets) != 4 || p.Targets[3].Username != "cem" || !slices.Equal(p.Targets[3].Policies, []string{"admins-use-totp"}) {
		t.Errorf("targets = %+v", p.Targets)
	}
	if len(p.Selections) != 1 || !slices.Equal(p.Selections[0].Usernames, []string{"ann", "bob", "cem"}) || p.Selections[0].Fingerprint == "" {
		t.Errorf("selections = %+v", p.Selections)
	}
	// The plan's desired state replans with the same attribution.
	again := build(t, p.DesiredState(), w.live, Options{})
	if !reflect.DeepEqual(callSummary(again), callSummary(p)) || callsFor(again)["cem"].Ineligible != state.IneligibleReport {
		t.Errorf("DesiredState replans differently: %v", callSummary(again))
	}
}

func TestNamedUserWinsOverPolicies(t *testing.T) {
	w := newPolicyWorld(liveUser("ann", state.UserSettings{}), liveUser("breakglass", state.UserSettings{}))
	w.policy("everyone-email", everyone, emailEnabled, "", nil, "ann", "breakglass")
	w.name(user("breakglass", smsFirst))
	p := build(t, w.desired, w.live, Options{})
	requireNoErrors(t, p)
	calls := callsFor(p)
	if calls["breakglass"].Policy != "" || calls["breakglass"].UserRequest.SMSMfaSettings == nil || calls["breakglass"].UserRequest.EmailMfaSettings != nil {
		t.Errorf("breakglass got %+v; want its named entry only", calls["breakglass"].UserRequest)
	}
	if calls["ann"].UserRequest.EmailMfaSettings == nil {
		t.Errorf("ann got %+v", calls["ann"].UserRequest)
	}
	if o := outcome(p, "everyone-email"); !slices.Equal(o.DeclaredByName, []string{"breakglass"}) || o.Applied != 1 {
		t.Errorf("outcome = %+v", o)
	}
}

func TestPoliciesThatAgreeMergeAndThoseThatDisagreeFail(t *testing.T) {
	w := newPolicyWorld(liveUser("ann", state.UserSettings{}), liveUser("bob", state.UserSettings{}))
	w.policy("everyone-email", everyone, emailEnabled, "", nil, "ann", "bob")
	w.policy("staff-sms", state.Selection{Filter: `email ^= "staff-"`}, smsFirst, "", nil, "ann")
	p := build(t, w.desired, w.live, Options{})
	requireNoErrors(t, p)
	req := callsFor(p)["ann"].UserRequest
	if req.EmailMfaSettings == nil || req.SMSMfaSettings == nil || callsFor(p)["ann"].Policy != "everyone-email, staff-sms" {
		t.Errorf("ann: %+v by %q; want both policies' blocks", req, callsFor(p)["ann"].Policy)
	}

	w = newPolicyWorld(liveUser("ann", state.UserSettings{}), liveUser("bob", state.UserSettings{}))
	w.policy("everyone-totp", everyone, totpFirst, "", nil, "ann", "bob")
	w.policy("staff-sms", state.Selection{Filter: `email ^= "staff-"`}, smsFirst, "", nil, "ann", "bob")
	p = build(t, w.desired, w.live, Options{})
	d := findDiag(p.Diagnostics, diag.Error, "policies everyone-totp and staff-sms disagree for 2 users: ann, bob")
	if d == nil || d.Pos.Line != 44 || len(p.Calls) != 0 {
		t.Fatalf("want one error naming both policies and the users, at the second policy:\n%s", diagText(p.Diagnostics))
	}
}

func TestGroupPrecedenceDecidesBetweenGroupPolicies(t *testing.T) {
	w := newPolicyWorld(liveUser("ann", state.UserSettings{}), liveUser("bob", state.UserSettings{}), liveUser("cem", state.UserSettings{}))
	w.policy("support-sms", group("support"), smsFirst, "", intp(5), "ann", "bob")
	w.policy("admins-email", group("admins"), state.UserSettings{EmailMfaSettings: plantest.Preferred()}, "", intp(1), "bob", "cem")
	p := build(t, w.desired, w.live, Options{})
	requireNoErrors(t, p)
	calls := callsFor(p)
	if calls["bob"].Policy != "admins-email" || calls["bob"].UserRequest.SMSMfaSettings != nil {
		t.Errorf("bob is in both groups: got %+v from %q; want admins (precedence 1) to win", calls["bob"].UserRequest, calls["bob"].Policy)
	}
	o := outcome(p, "support-sms")
	if len(o.Overridden) != 1 || o.Overridden[0].By != "admins-email" || !slices.Equal(o.Overridden[0].Usernames, []string{"bob"}) || o.Applied != 1 {
		t.Errorf("support-sms outcome = %+v; want bob overridden by admins-email", o)
	}

	// Same precedence, or none on both: neither wins.
	for _, prec := range [][2]*int{{intp(2), intp(2)}, {nil, nil}} {
		w := newPolicyWorld(liveUser("bob", state.UserSettings{}))
		w.policy("support-sms", group("support"), smsFirst, "", prec[0], "bob")
		w.policy("admins-email", group("admins"), state.UserSettings{EmailMfaSettings: plantest.Preferred()}, "", prec[1], "bob")
		p := build(t, w.desired, w.live, Options{})
		if d := findDiag(p.Diagnostics, diag.Error, "policies support-sms and admins-email disagree for 1 user: bob"); d == nil || !strings.Contains(d.Detail, "same Precedence") {
			t.Errorf("precedence %v: want a conflict:\n%s", prec, diagText(p.Diagnostics))
		}
	}
	// A group with a precedence wins over one without.
	w = newPolicyWorld(liveUser("bob", state.UserSettings{}))
	w.policy("support-sms", group("support"), smsFirst, "", nil, "bob")
	w.policy("admins-email", group("admins"), state.UserSettings{EmailMfaSettings: plantest.Preferred()}, "", intp(9), "bob")
	if p := build(t, w.desired, w.live, Options{}); callsFor(p)["bob"].Policy != "admins-email" {
		t.Errorf("a group with precedence 9 loses to one with none: %v\n%s", callSummary(p), diagText(p.Diagnostics))
	}
	// A Group policy against another kind: an error, precedence or not.
	w = newPolicyWorld(liveUser("bob", state.UserSettings{}))
	w.policy("admins-email", group("admins"), state.UserSettings{EmailMfaSettings: plantest.Preferred()}, "", intp(0), "bob")
	w.policy("everyone-sms", everyone, smsFirst, "", nil, "bob")
	if p := build(t, w.desired, w.live, Options{}); findDiag(p.Diagnostics, diag.Error, "policies admins-email and everyone-sms disagree") == nil {
		t.Errorf("want a conflict:\n%s", diagText(p.Diagnostics))
	}
}

func TestIneligibleModes(t *testing.T) {
	noPhone := liveUser("nophone", state.UserSettings{})
	noPhone.HasPhoneNumber = false
	users := func() []*state.LiveUser {
		u := *noPhone
		return []*state.LiveUser{liveUser("ann", state.UserSettings{}), &u}
	}
	for _, tc := range []struct {
		mode       state.Ineligible
		listed     []IneligibleUser
		skipped    int
		errSummary string
	}{
		{state.IneligibleReport, []IneligibleUser{{"nophone", "no phone_number for SMS MFA"}}, 0, ""},
		{state.IneligibleSkip, nil, 1, ""},
		{state.IneligibleError, []IneligibleUser{{"nophone", "no phone_number for SMS MFA"}}, 0, "policy staff-sms selects 1 user who cannot take its factor: nophone (no phone_number for SMS MFA)"},
	} {
		t.Run(string(tc.mode), func(t *testing.T) {
			w := newPolicyWorld(users()...)
			w.policy("staff-sms", everyone, smsFirst, tc.mode, nil, "ann", "nophone")
			p := build(t, w.desired, w.live, Options{})
			if tc.errSummary != "" {
				if findDiag(p.Diagnostics, diag.Error, tc.errSummary) == nil || len(p.Calls) != 0 {
					t.Fatalf("want the error %q:\n%s", tc.errSummary, diagText(p.Diagnostics))
				}
				return
			}
			requireNoErrors(t, p)
			if _, ok := callsFor(p)["nophone"]; ok || len(callsFor(p)) != 1 {
				t.Errorf("calls = %v; want ann's only", callSummary(p))
			}
			o := outcome(p, "staff-sms")
			if !reflect.DeepEqual(o.IneligibleUsers, tc.listed) || o.Skipped != tc.skipped || o.Applied != 1 {
				t.Errorf("outcome = %+v", o)
			}
		})
	}
	// Under Error, a TOTP refusal is not contained: the call carries no Ineligible.
	w := newPolicyWorld(liveUser("ann", state.UserSettings{}))
	w.policy("admins-use-totp", group("admins"), totpFirst, state.IneligibleError, nil, "ann")
	p := build(t, w.desired, w.live, Options{})
	requireNoErrors(t, p)
	if c := callsFor(p)["ann"]; c.Ineligible != "" || c.UserRequest == nil {
		t.Errorf("Error mode call = %+v", c)
	}
	if d := findDiag(p.Diagnostics, diag.Warning, "whose authenticator Cognito cannot show"); d == nil || !strings.Contains(d.Detail, "fails as any call does") {
		t.Errorf("want the uncertain warning to say a refusal fails:\n%s", diagText(p.Diagnostics))
	}
}

func TestMissingGroupIsAnError(t *testing.T) {
	w := newPolicyWorld()
	w.policy("admins-use-totp", group("admins"), totpFirst, "", nil)
	w.pool().Selections["admins-use-totp"].GroupExists = false
	p := build(t, w.desired, w.live, Options{})
	if findDiag(p.Diagnostics, diag.Error, "group admins of policy admins-use-totp does not exist") == nil {
		t.Fatalf("want an error:\n%s", diagText(p.Diagnostics))
	}
}
