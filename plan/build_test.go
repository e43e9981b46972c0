package plan

import (
	"reflect"
	"strings"
	"testing"

	"github.com/mfactl/mfactl/internal/diag"

	"github.com/mfactl/mfactl/internal/state"
)

func TestNoPhantomDiffs(t *testing.T) {
	webAuthn := &state.WebAuthnConfiguration{RelyingPartyId: str("auth.example.com"), UserVerification: str("preferred")}
	liveCfg := state.PoolConfig{MfaConfiguration: state.ModeOptional, SoftwareTokenMfaConfiguration: totpOn(), WebAuthnConfiguration: webAuthn}
	l := live(liveCfg, withUsers(
		liveUser("alice", state.UserSettings{SoftwareTokenMfaSettings: preferred()}),
		liveUser("bob", state.UserSettings{}),
	))
	tests := []struct {
		name string
		cfg  state.PoolConfig
		bob  state.UserSettings
	}{
		{"off blocks left out", state.PoolConfig{MfaConfiguration: state.ModeOptional, SoftwareTokenMfaConfiguration: totpOn()},
			state.UserSettings{}},
		{"off blocks written as Enabled: false", state.PoolConfig{
			MfaConfiguration:              state.ModeOptional,
			SoftwareTokenMfaConfiguration: totpOn(),
			SmsMfaConfiguration:           &state.SmsMfaConfiguration{},
			EmailMfaConfiguration:         &state.EmailMfaConfiguration{},
		}, state.UserSettings{SMSMfaSettings: disabled(), EmailMfaSettings: disabled(), SoftwareTokenMfaSettings: disabled()}},
		{"nothing pool-level managed", state.PoolConfig{}, state.UserSettings{}},
		{"WebAuthn repeated as it is live", state.PoolConfig{WebAuthnConfiguration: &state.WebAuthnConfiguration{RelyingPartyId: str("auth.example.com")}},
			state.UserSettings{}},
		{"empty WebAuthn block", state.PoolConfig{WebAuthnConfiguration: &state.WebAuthnConfiguration{}}, state.UserSettings{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := desiredPool(tt.cfg,
				user("alice", state.UserSettings{SoftwareTokenMfaSettings: preferred()}),
				user("bob", tt.bob))
			p := build(t, d, l, Options{})
			requireNoErrors(t, p)
			if p.HasChanges() || !p.Pools[0].InSync() {
				t.Fatalf("phantom diff: calls %v, change %+v", callSummary(p), p.Pools[0])
			}
			if got := p.PoolsInSync(); got != 1 {
				t.Fatalf("PoolsInSync = %d, want 1", got)
			}
			if got := p.UsersInSync(); got != 2 {
				t.Fatalf("UsersInSync = %d, want 2", got)
			}
		})
	}
}

func TestUnmanagedFieldsCarryOver(t *testing.T) {
	webAuthn := &state.WebAuthnConfiguration{RelyingPartyId: str("auth.example.com"), FactorConfiguration: str(state.SingleFactor)}
	l := live(state.PoolConfig{MfaConfiguration: state.ModeOptional, SmsMfaConfiguration: smsOn(), SoftwareTokenMfaConfiguration: totpOn(), WebAuthnConfiguration: webAuthn})
	// Only the SMS message and WebAuthn's UserVerification are managed.
	d := desiredPool(state.PoolConfig{
		SmsMfaConfiguration:   &state.SmsMfaConfiguration{Enabled: true, SmsAuthenticationMessage: str("Code: {####}")},
		WebAuthnConfiguration: &state.WebAuthnConfiguration{UserVerification: str("required")},
	})
	p := build(t, d, l, Options{})
	requireNoErrors(t, p)
	if len(p.Calls) != 1 {
		t.Fatalf("calls = %v, want one pool call", callSummary(p))
	}
	want := state.PoolConfig{
		MfaConfiguration:              state.ModeOptional,
		SoftwareTokenMfaConfiguration: totpOn(),
		SmsMfaConfiguration:           &state.SmsMfaConfiguration{Enabled: true, SmsAuthenticationMessage: str("Code: {####}"), SmsConfiguration: role(secret)},
		WebAuthnConfiguration:         &state.WebAuthnConfiguration{RelyingPartyId: str("auth.example.com"), UserVerification: str("required"), FactorConfiguration: str(state.SingleFactor)},
	}
	if got := *p.Calls[0].PoolRequest; !reflect.DeepEqual(got, want) {
		t.Fatalf("request:\n got %s\nwant %s", mustJSON(t, got), mustJSON(t, want))
	}
	if p.Calls[0].ExternalIdSource != SecretFromLive {
		t.Fatalf("ExternalIdSource = %q, want %q", p.Calls[0].ExternalIdSource, SecretFromLive)
	}
}

func TestSmsRoleFromDescribeUserPool(t *testing.T) {
	// SMS is off, so GetUserPoolMfaConfig has no role; DescribeUserPool does.
	l := live(state.PoolConfig{MfaConfiguration: state.ModeOptional, SoftwareTokenMfaConfiguration: totpOn()})
	d := desiredPool(state.PoolConfig{SmsMfaConfiguration: &state.SmsMfaConfiguration{Enabled: true}})
	p := build(t, d, l, Options{})
	requireNoErrors(t, p)
	req := p.Calls[0].PoolRequest
	if req.SmsMfaConfiguration == nil || !reflect.DeepEqual(req.SmsMfaConfiguration.SmsConfiguration, role(secret)) {
		t.Fatalf("SMS role not taken from DescribeUserPool: %s", mustJSON(t, req))
	}
	if p.Calls[0].ExternalIdSource != SecretFromLive {
		t.Fatalf("ExternalIdSource = %q, want %q", p.Calls[0].ExternalIdSource, SecretFromLive)
	}
}

func TestTurningOffKeepsWebAuthnAndDropsFactorBlocks(t *testing.T) {
	webAuthn := &state.WebAuthnConfiguration{RelyingPartyId: str("auth.example.com")}
	l := live(state.PoolConfig{MfaConfiguration: state.ModeOptional, SoftwareTokenMfaConfiguration: totpOn(), WebAuthnConfiguration: webAuthn})
	d := desiredPool(state.PoolConfig{MfaConfiguration: state.ModeOff})
	p := build(t, d, l, Options{})
	requireNoErrors(t, p)
	want := state.PoolConfig{MfaConfiguration: state.ModeOff, WebAuthnConfiguration: webAuthn}
	if len(p.Calls) != 1 || !reflect.DeepEqual(*p.Calls[0].PoolRequest, want) {
		t.Fatalf("calls = %s, want one request %s", mustJSON(t, p.Calls), mustJSON(t, want))
	}
}

func TestUserChanges(t *testing.T) {
	tests := []struct {
		name     string
		live     state.UserSettings
		declared state.UserSettings
		want     *state.UserSettings // the request; nil for no call
	}{
		{"enable SMS",
			state.UserSettings{}, state.UserSettings{SMSMfaSettings: enabled()},
			&state.UserSettings{SMSMfaSettings: enabled()}},
		{"only the block that changes is sent",
			state.UserSettings{SoftwareTokenMfaSettings: enabled()},
			state.UserSettings{SoftwareTokenMfaSettings: enabled(), SMSMfaSettings: preferred()},
			&state.UserSettings{SMSMfaSettings: preferred()}},
		{"move the preference: the unmanaged preferred block loses it explicitly",
			state.UserSettings{SMSMfaSettings: preferred(), SoftwareTokenMfaSettings: enabled()},
			state.UserSettings{SoftwareTokenMfaSettings: preferred()},
			&state.UserSettings{SMSMfaSettings: enabled(), SoftwareTokenMfaSettings: preferred()}},
		{"move the preference to TOTP and disable SMS in one call",
			state.UserSettings{SMSMfaSettings: preferred(), SoftwareTokenMfaSettings: enabled()},
			state.UserSettings{SoftwareTokenMfaSettings: preferred(), SMSMfaSettings: disabled()},
			&state.UserSettings{SMSMfaSettings: disabled(), SoftwareTokenMfaSettings: preferred()}},
		{"disabling a factor that is off is no change",
			state.UserSettings{}, state.UserSettings{EmailMfaSettings: disabled()}, nil},
		{"a preference on a disabled factor live is off",
			state.UserSettings{EmailMfaSettings: &state.FactorSettings{PreferredMfa: true}}, state.UserSettings{EmailMfaSettings: disabled()}, nil},
	}
	cfg := state.PoolConfig{MfaConfiguration: state.ModeOptional, SmsMfaConfiguration: smsOn(), SoftwareTokenMfaConfiguration: totpOn(), EmailMfaConfiguration: emailOn()}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := build(t, desiredPool(state.PoolConfig{}, user("alice", tt.declared)), live(cfg, withUsers(liveUser("alice", tt.live))), Options{})
			requireNoErrors(t, p)
			if tt.want == nil {
				if p.HasChanges() {
					t.Fatalf("want no call, got %s", mustJSON(t, p.Calls))
				}
				return
			}
			if len(p.Calls) != 1 || !reflect.DeepEqual(p.Calls[0].UserRequest, tt.want) {
				t.Fatalf("calls = %s, want one request %s", mustJSON(t, p.Calls), mustJSON(t, tt.want))
			}
		})
	}
}

func TestOrdering(t *testing.T) {
	users := func(settings ...state.UserSettings) liveOpt {
		var us []*state.LiveUser
		for i, s := range settings {
			us = append(us, liveUser([]string{"alice", "bob", "carol"}[i], s))
		}
		return withUsers(us...)
	}
	tests := []struct {
		name    string
		live    state.Live
		desired state.Desired
		want    []string
	}{
		{
			name: "OFF to ON with users to enrol: OPTIONAL, users, ON",
			live: live(state.PoolConfig{MfaConfiguration: state.ModeOff}, users(state.UserSettings{}, state.UserSettings{})),
			desired: desiredPool(state.PoolConfig{MfaConfiguration: state.ModeOn, SmsMfaConfiguration: smsOn()},
				user("alice", state.UserSettings{SMSMfaSettings: preferred()}),
				user("bob", state.UserSettings{SMSMfaSettings: enabled()})),
			want: []string{"SetUserPoolMfaConfig@1(OPTIONAL)", "AdminSetUserMFAPreference@2(alice)", "AdminSetUserMFAPreference@2(bob)", "SetUserPoolMfaConfig@3(ON)"},
		},
		{
			name: "OPTIONAL to ON with users to enrol: users, then ON",
			live: live(state.PoolConfig{MfaConfiguration: state.ModeOptional, SmsMfaConfiguration: smsOn()}, users(state.UserSettings{})),
			desired: desiredPool(state.PoolConfig{MfaConfiguration: state.ModeOn},
				user("alice", state.UserSettings{SMSMfaSettings: preferred()})),
			want: []string{"AdminSetUserMFAPreference@2(alice)", "SetUserPoolMfaConfig@3(ON)"},
		},
		{
			name: "OFF to ON with every user enrolled already: one call",
			live: live(state.PoolConfig{MfaConfiguration: state.ModeOff}, users(state.UserSettings{SoftwareTokenMfaSettings: enabled()})),
			desired: desiredPool(state.PoolConfig{MfaConfiguration: state.ModeOn, SoftwareTokenMfaConfiguration: totpOn()},
				user("alice", state.UserSettings{SoftwareTokenMfaSettings: enabled()})),
			want: []string{"SetUserPoolMfaConfig@1(ON)"},
		},
		{
			name: "removing SMS that users prefer: users first, then narrow",
			live: live(state.PoolConfig{MfaConfiguration: state.ModeOptional, SmsMfaConfiguration: smsOn(), SoftwareTokenMfaConfiguration: totpOn()},
				users(state.UserSettings{SMSMfaSettings: preferred(), SoftwareTokenMfaSettings: enabled()})),
			desired: desiredPool(state.PoolConfig{SmsMfaConfiguration: &state.SmsMfaConfiguration{}},
				user("alice", state.UserSettings{SoftwareTokenMfaSettings: preferred(), SMSMfaSettings: disabled()})),
			want: []string{"AdminSetUserMFAPreference@2(alice)", "SetUserPoolMfaConfig@3(OPTIONAL)"},
		},
		{
			name: "adding a factor users then enable: widen first, in one call",
			live: live(state.PoolConfig{MfaConfiguration: state.ModeOptional, SoftwareTokenMfaConfiguration: totpOn()}, users(state.UserSettings{})),
			desired: desiredPool(state.PoolConfig{EmailMfaConfiguration: emailOn()},
				user("alice", state.UserSettings{EmailMfaSettings: enabled()})),
			want: []string{"SetUserPoolMfaConfig@1(OPTIONAL)", "AdminSetUserMFAPreference@2(alice)"},
		},
		{
			name: "swapping SMS for email: add email, users, remove SMS",
			live: live(state.PoolConfig{MfaConfiguration: state.ModeOptional, SmsMfaConfiguration: smsOn()},
				users(state.UserSettings{SMSMfaSettings: preferred()})),
			desired: desiredPool(state.PoolConfig{SmsMfaConfiguration: &state.SmsMfaConfiguration{}, EmailMfaConfiguration: emailOn()},
				user("alice", state.UserSettings{EmailMfaSettings: preferred(), SMSMfaSettings: disabled()})),
			want: []string{"SetUserPoolMfaConfig@1(OPTIONAL)", "AdminSetUserMFAPreference@2(alice)", "SetUserPoolMfaConfig@3(OPTIONAL)"},
		},
		{
			name: "ON to OPTIONAL with per-user disables: OPTIONAL first",
			live: live(state.PoolConfig{MfaConfiguration: state.ModeOn, SoftwareTokenMfaConfiguration: totpOn(), SmsMfaConfiguration: smsOn()},
				users(state.UserSettings{SMSMfaSettings: enabled(), SoftwareTokenMfaSettings: preferred()})),
			desired: desiredPool(state.PoolConfig{MfaConfiguration: state.ModeOptional},
				user("alice", state.UserSettings{SMSMfaSettings: disabled()})),
			want: []string{"SetUserPoolMfaConfig@1(OPTIONAL)", "AdminSetUserMFAPreference@2(alice)"},
		},
		{
			name: "ON to OFF with per-user disables: OPTIONAL, users, OFF",
			live: live(state.PoolConfig{MfaConfiguration: state.ModeOn, SmsMfaConfiguration: smsOn()},
				users(state.UserSettings{SMSMfaSettings: preferred()})),
			desired: desiredPool(state.PoolConfig{MfaConfiguration: state.ModeOff},
				user("alice", state.UserSettings{SMSMfaSettings: disabled()})),
			want: []string{"SetUserPoolMfaConfig@1(OPTIONAL)", "AdminSetUserMFAPreference@2(alice)", "SetUserPoolMfaConfig@3(OFF)"},
		},
		{
			name: "ON pool drops SMS while users move to TOTP: OPTIONAL with both, users, ON",
			live: live(state.PoolConfig{MfaConfiguration: state.ModeOn, SmsMfaConfiguration: smsOn(), SoftwareTokenMfaConfiguration: totpOn()},
				users(state.UserSettings{SMSMfaSettings: preferred(), SoftwareTokenMfaSettings: enabled()})),
			desired: desiredPool(state.PoolConfig{SmsMfaConfiguration: &state.SmsMfaConfiguration{}},
				user("alice", state.UserSettings{SoftwareTokenMfaSettings: preferred(), SMSMfaSettings: disabled()})),
			want: []string{"SetUserPoolMfaConfig@1(OPTIONAL)", "AdminSetUserMFAPreference@2(alice)", "SetUserPoolMfaConfig@3(ON)"},
		},
		{
			name: "ON pool keeps its factors while users move off SMS: OPTIONAL, users, ON",
			live: live(state.PoolConfig{MfaConfiguration: state.ModeOn, SmsMfaConfiguration: smsOn(), SoftwareTokenMfaConfiguration: totpOn()},
				users(state.UserSettings{SMSMfaSettings: preferred(), SoftwareTokenMfaSettings: enabled()})),
			desired: desiredPool(state.PoolConfig{},
				user("alice", state.UserSettings{SoftwareTokenMfaSettings: preferred(), SMSMfaSettings: disabled()})),
			want: []string{"SetUserPoolMfaConfig@1(OPTIONAL)", "AdminSetUserMFAPreference@2(alice)", "SetUserPoolMfaConfig@3(ON)"},
		},
		{
			name: "OPTIONAL to ON with users moved off a factor: users, then ON",
			live: live(state.PoolConfig{MfaConfiguration: state.ModeOptional, SmsMfaConfiguration: smsOn(), SoftwareTokenMfaConfiguration: totpOn()},
				users(state.UserSettings{SMSMfaSettings: preferred(), SoftwareTokenMfaSettings: enabled()})),
			desired: desiredPool(state.PoolConfig{MfaConfiguration: state.ModeOn},
				user("alice", state.UserSettings{SoftwareTokenMfaSettings: preferred(), SMSMfaSettings: disabled()})),
			want: []string{"AdminSetUserMFAPreference@2(alice)", "SetUserPoolMfaConfig@3(ON)"},
		},
		{
			name: "ON pool with a preference change only: no stepping stone",
			live: live(state.PoolConfig{MfaConfiguration: state.ModeOn, SmsMfaConfiguration: smsOn(), SoftwareTokenMfaConfiguration: totpOn()},
				users(state.UserSettings{SMSMfaSettings: preferred(), SoftwareTokenMfaSettings: enabled()})),
			desired: desiredPool(state.PoolConfig{},
				user("alice", state.UserSettings{SoftwareTokenMfaSettings: preferred()})),
			want: []string{"AdminSetUserMFAPreference@2(alice)"},
		},
		{
			name:    "a pool change alone: one call",
			live:    live(state.PoolConfig{MfaConfiguration: state.ModeOptional, SoftwareTokenMfaConfiguration: totpOn()}),
			desired: desiredPool(state.PoolConfig{MfaConfiguration: state.ModeOn}),
			want:    []string{"SetUserPoolMfaConfig@1(ON)"},
		},
		{
			name:    "in sync: no call",
			live:    live(state.PoolConfig{MfaConfiguration: state.ModeOptional, SoftwareTokenMfaConfiguration: totpOn()}, users(state.UserSettings{SoftwareTokenMfaSettings: enabled()})),
			desired: desiredPool(state.PoolConfig{MfaConfiguration: state.ModeOptional}, user("alice", state.UserSettings{SoftwareTokenMfaSettings: enabled()})),
			want:    nil,
		},
		{
			name: "user calls alone",
			live: live(state.PoolConfig{MfaConfiguration: state.ModeOptional, SoftwareTokenMfaConfiguration: totpOn()},
				users(state.UserSettings{SoftwareTokenMfaSettings: enabled()})),
			desired: desiredPool(state.PoolConfig{}, user("alice", state.UserSettings{SoftwareTokenMfaSettings: preferred()})),
			want:    []string{"AdminSetUserMFAPreference@2(alice)"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := build(t, tt.desired, tt.live, Options{})
			requireNoErrors(t, p)
			if got := callSummary(p); !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("calls:\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestWidenKeepsFactorsUsersAreMovedOff(t *testing.T) {
	l := live(state.PoolConfig{MfaConfiguration: state.ModeOptional, SmsMfaConfiguration: smsOn()},
		withUsers(liveUser("alice", state.UserSettings{SMSMfaSettings: preferred()})))
	d := desiredPool(state.PoolConfig{SmsMfaConfiguration: &state.SmsMfaConfiguration{}, EmailMfaConfiguration: emailOn()},
		user("alice", state.UserSettings{EmailMfaSettings: preferred(), SMSMfaSettings: disabled()}))
	p := build(t, d, l, Options{})
	requireNoErrors(t, p)
	widen, narrow := p.Calls[0].PoolRequest, p.Calls[2].PoolRequest
	if widen.SmsMfaConfiguration == nil || widen.EmailMfaConfiguration == nil {
		t.Fatalf("widen must offer both SMS and email while users move: %s", mustJSON(t, widen))
	}
	if narrow.SmsMfaConfiguration != nil || narrow.EmailMfaConfiguration == nil {
		t.Fatalf("narrow must be exactly the desired state (email, no SMS): %s", mustJSON(t, narrow))
	}
	if want := "narrow after the user calls: disable SMS"; p.Calls[2].Reason != want {
		t.Fatalf("narrow reason = %q, want %q", p.Calls[2].Reason, want)
	}
}

func TestMovingUsersOffAFactorUnderOn(t *testing.T) {
	l := live(state.PoolConfig{MfaConfiguration: state.ModeOn, SmsMfaConfiguration: smsOn(), SoftwareTokenMfaConfiguration: totpOn()},
		withUsers(liveUser("alice", state.UserSettings{SMSMfaSettings: preferred(), SoftwareTokenMfaSettings: enabled()})))
	d := desiredPool(state.PoolConfig{SmsMfaConfiguration: &state.SmsMfaConfiguration{}},
		user("alice", state.UserSettings{SoftwareTokenMfaSettings: preferred(), SMSMfaSettings: disabled()}))
	p := build(t, d, l, Options{})
	requireNoErrors(t, p)
	if len(p.Calls) != 3 {
		t.Fatalf("calls = %v", callSummary(p))
	}
	widen, narrow := p.Calls[0], p.Calls[2]
	if widen.PoolRequest.SmsMfaConfiguration == nil || !widen.PoolRequest.SoftwareTokenMfaConfiguration.Enabled {
		t.Fatalf("widen must offer SMS and TOTP while users move: %s", mustJSON(t, widen.PoolRequest))
	}
	if want := "widen before the user calls: MfaConfiguration ON -> OPTIONAL; OPTIONAL while the users are moved off SMS (under ON a per-user disable does not take effect), ON after them"; widen.Reason != want {
		t.Fatalf("widen reason:\n got %q\nwant %q", widen.Reason, want)
	}
	want := state.PoolConfig{MfaConfiguration: state.ModeOn, SoftwareTokenMfaConfiguration: totpOn()}
	if !reflect.DeepEqual(normalizePool(*narrow.PoolRequest), normalizePool(want)) {
		t.Fatalf("narrow = %s, want %s", mustJSON(t, narrow.PoolRequest), mustJSON(t, want))
	}
	if req := p.Calls[1].UserRequest; !sameFactor(req.SMSMfaSettings, disabled()) || !sameFactor(req.SoftwareTokenMfaSettings, preferred()) {
		t.Fatalf("user request = %s", mustJSON(t, req))
	}
}

func TestEnablingTOTPCognitoDoesNotListIsUncertain(t *testing.T) {
	l := live(state.PoolConfig{MfaConfiguration: state.ModeOff}, withUsers(
		liveUser("alice", state.UserSettings{}), // registered or not: reads cannot tell
		liveUser("bob", state.UserSettings{SoftwareTokenMfaSettings: enabled()}),
		liveUser("carol", state.UserSettings{SoftwareTokenMfaSettings: enabled()}),
		liveUser("dave", state.UserSettings{}),
	))
	d := desiredPool(state.PoolConfig{MfaConfiguration: state.ModeOn, SoftwareTokenMfaConfiguration: totpOn()},
		user("alice", state.UserSettings{SoftwareTokenMfaSettings: preferred()}),
		user("bob", state.UserSettings{SoftwareTokenMfaSettings: preferred()}), // listed: certain
		user("carol", state.UserSettings{SoftwareTokenMfaSettings: disabled()}),
		user("dave", state.UserSettings{SoftwareTokenMfaSettings: enabled()}))
	p := build(t, d, l, Options{})
	requireNoErrors(t, p)
	want := []string{"SetUserPoolMfaConfig@1(OPTIONAL)", "AdminSetUserMFAPreference@2(alice)", "AdminSetUserMFAPreference@2(bob)",
		"AdminSetUserMFAPreference@2(carol)", "AdminSetUserMFAPreference@2(dave)", "SetUserPoolMfaConfig@3(ON)"}
	if got := callSummary(p); !reflect.DeepEqual(got, want) {
		t.Fatalf("calls:\n got %q\nwant %q", got, want)
	}
	uncertain := map[string]string{}
	for _, c := range p.Calls {
		uncertain[c.Username] = c.Uncertain
	}
	if want := "Cognito cannot show whether alice has registered an authenticator app; if not, Cognito refuses this call"; uncertain["alice"] != want {
		t.Fatalf("alice's call: Uncertain = %q, want %q", uncertain["alice"], want)
	}
	if uncertain["bob"] != "" || uncertain["carol"] != "" || uncertain[""] != "" || uncertain["dave"] == "" {
		t.Fatalf("Uncertain on the wrong calls: %q", uncertain)
	}
	if n := p.UncertainCalls(); n != 2 {
		t.Fatalf("UncertainCalls = %d, want 2", n)
	}
	w := findDiag(p.Diagnostics, diag.Warning, "Cognito cannot show whether 2 declared users have registered an authenticator app")
	if w == nil || !strings.HasSuffix(w.Summary, ": alice, dave") || w.Path != "UserPools[0].Users" {
		t.Fatalf("no warning naming alice and dave:\n%s", diagText(p.Diagnostics))
	}
	if !strings.Contains(w.Detail, "does not start this pool's last stage (MfaConfiguration OPTIONAL -> ON)") {
		t.Fatalf("the warning does not say the pool stays short of ON: %s", w.Detail)
	}
}

func TestPlanChangesForReview(t *testing.T) {
	l := live(state.PoolConfig{MfaConfiguration: state.ModeOff}, withUsers(liveUser("alice", state.UserSettings{}), liveUser("bob", state.UserSettings{})))
	d := desiredPool(state.PoolConfig{MfaConfiguration: state.ModeOptional, SmsMfaConfiguration: smsOn()},
		user("alice", state.UserSettings{SMSMfaSettings: preferred()}),
		user("bob", state.UserSettings{}))
	p := build(t, d, l, Options{})
	requireNoErrors(t, p)
	pc := p.Pools[0]
	if pc.Live == nil || pc.Live.MfaConfiguration != state.ModeOff || pc.Desired.MfaConfiguration != state.ModeOptional {
		t.Fatalf("pool change = %s", mustJSON(t, pc))
	}
	if got := externalID(pc.Desired); got != string(SecretFromLive) {
		t.Fatalf("desired ExternalId in the review = %q, want the marker", got)
	}
	if len(pc.Users) != 1 || pc.Users[0].Username != "alice" || pc.UsersInSync != 1 {
		t.Fatalf("user changes = %s", mustJSON(t, pc))
	}
	if pc.Users[0].Pos != d.Pools[0].Users[0].Pos || pc.Pos != d.Pools[0].Pos {
		t.Fatalf("changes do not point at the declarations: %s", mustJSON(t, pc))
	}
	if counts := p.CallCounts(); counts[SetUserPoolMfaConfig] != 1 || counts[AdminSetUserMFAPreference] != 1 {
		t.Fatalf("CallCounts = %v", counts)
	}
}

func TestBuildIsPure(t *testing.T) {
	l := live(state.PoolConfig{MfaConfiguration: state.ModeOptional, SmsMfaConfiguration: smsOn()},
		withUsers(liveUser("alice", state.UserSettings{SMSMfaSettings: preferred()})))
	d := desiredPool(state.PoolConfig{MfaConfiguration: state.ModeOn, SmsMfaConfiguration: &state.SmsMfaConfiguration{Enabled: true, SmsConfiguration: &state.SmsConfiguration{ExternalId: newSecret}}},
		user("alice", state.UserSettings{SMSMfaSettings: enabled()}))
	before := mustJSON(t, []any{d, l})
	p1 := build(t, d, l, Options{})
	// Mutating the plan must not reach the inputs either.
	p1.Calls[0].PoolRequest.SmsMfaConfiguration.SmsConfiguration.ExternalId = "x"
	if after := mustJSON(t, []any{d, l}); after != before {
		t.Fatalf("Build changed its inputs")
	}
	p2 := build(t, d, l, Options{})
	if got := externalID(p2.Calls[0].PoolRequest); got != newSecret {
		t.Fatalf("plans share state: ExternalId = %q", got)
	}
	if p2.Calls[0].ExternalIdSource != SecretFromFiles {
		t.Fatalf("ExternalIdSource = %q, want %q", p2.Calls[0].ExternalIdSource, SecretFromFiles)
	}
}
