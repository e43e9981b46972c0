package plan

import (
	"crypto/sha256"
	"encoding/hex"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/mfactl/mfactl/internal/state"
)

func TestFingerprintIgnoresRepresentation(t *testing.T) {
	a := live(state.PoolConfig{MfaConfiguration: state.ModeOptional, SoftwareTokenMfaConfiguration: totpOn()},
		withUsers(liveUser("alice", state.UserSettings{SoftwareTokenMfaSettings: preferred()})))
	lpA := a.Pools[poolID]
	lpA.Prerequisites.FirstAuthFactors = []string{"PASSWORD", "EMAIL_OTP"}
	lpA.Prerequisites.AutoVerifiedAttributes = []string{"phone_number", "email"}

	// The same state with off blocks left out and a set in another order.
	b := live(state.PoolConfig{MfaConfiguration: state.ModeOptional, SoftwareTokenMfaConfiguration: totpOn()},
		withUsers(liveUser("alice", state.UserSettings{SoftwareTokenMfaSettings: preferred()})))
	lpB := b.Pools[poolID]
	lpB.Config.SmsMfaConfiguration, lpB.Config.EmailMfaConfiguration = nil, nil
	lpB.Users["alice"].Settings.SMSMfaSettings = nil
	lpB.Prerequisites.FirstAuthFactors = []string{"EMAIL_OTP", "PASSWORD"}
	lpB.Prerequisites.AutoVerifiedAttributes = []string{"email", "phone_number"}

	for _, name := range []string{"", "alice"} {
		if Fingerprint(poolID, lpA, name) != Fingerprint(poolID, lpB, name) {
			t.Errorf("fingerprint of %q differs between two forms of the same state", name)
		}
	}
	if !reflect.DeepEqual(lpA.Prerequisites.FirstAuthFactors, []string{"PASSWORD", "EMAIL_OTP"}) {
		t.Errorf("Fingerprint changed its input")
	}
	if fp := Fingerprint(poolID, lpA, ""); !strings.HasPrefix(fp, "sha256:") || len(fp) != len("sha256:")+64 {
		t.Errorf("fingerprint %q is not sha256:<hex>", fp)
	}
}

// Plan files hold fingerprints: one that changed with the ExternalId's value
// would let anyone holding the file test guesses at the secret offline.
func TestFingerprintDoesNotDependOnTheSecretsValue(t *testing.T) {
	lp := live(state.PoolConfig{MfaConfiguration: state.ModeOptional, SmsMfaConfiguration: smsOn()}).Pools[poolID]
	lp.Prerequisites.SmsConfiguration = &state.SmsConfiguration{SnsCallerArn: "arn:aws:iam::123456789012:role/sms", ExternalId: "guess-1"}
	before := Fingerprint(poolID, lp, "")
	lp.Config.SmsMfaConfiguration.SmsConfiguration.ExternalId = "guess-2"
	lp.Prerequisites.SmsConfiguration.ExternalId = "guess-2"
	if after := Fingerprint(poolID, lp, ""); after != before {
		t.Fatal("the fingerprint changes with the ExternalId's value")
	}
}

func TestFingerprintChangesWithState(t *testing.T) {
	base := func() *state.LivePool {
		l := live(state.PoolConfig{MfaConfiguration: state.ModeOptional, SmsMfaConfiguration: smsOn()},
			withUsers(liveUser("alice", state.UserSettings{SMSMfaSettings: preferred()})))
		return l.Pools[poolID]
	}
	tests := []struct {
		name     string
		username string
		change   func(*state.LivePool)
	}{
		{"mode", "", func(lp *state.LivePool) { lp.Config.MfaConfiguration = state.ModeOn }},
		{"whether an SMS secret is set", "", func(lp *state.LivePool) { lp.Config.SmsMfaConfiguration.SmsConfiguration.ExternalId = "" }},
		{"the tier", "", func(lp *state.LivePool) { lp.Prerequisites.Tier = "LITE" }},
		{"the sign-in policy", "", func(lp *state.LivePool) { lp.Prerequisites.FirstAuthFactors = []string{"SMS_OTP"} }},
		{"recovery priority", "", func(lp *state.LivePool) {
			lp.Prerequisites.RecoveryMechanisms = []string{"verified_phone_number", "verified_email"}
		}},
		{"phone-number verification", "", func(lp *state.LivePool) { lp.Prerequisites.AutoVerifiedAttributes = []string{"phone_number"} }},
		{"sign-in attributes", "", func(lp *state.LivePool) { lp.Prerequisites.UsernameAttributes = []string{"phone_number"} }},
		{"alias attributes", "", func(lp *state.LivePool) { lp.Prerequisites.AliasAttributes = []string{"email"} }},
		{"existence", "", func(lp *state.LivePool) { lp.Exists = false }},
		{"a preference", "alice", func(lp *state.LivePool) { lp.Users["alice"].Settings.SMSMfaSettings.PreferredMfa = false }},
		{"a phone number", "alice", func(lp *state.LivePool) { lp.Users["alice"].HasPhoneNumber = false }},
		{"trust", "alice", func(lp *state.LivePool) { lp.Users["alice"].Unknown = "legacy MFAOptions" }},
		{"deletion", "alice", func(lp *state.LivePool) { delete(lp.Users, "alice") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lp := base()
			before := Fingerprint(poolID, lp, tt.username)
			tt.change(lp)
			if Fingerprint(poolID, lp, tt.username) == before {
				t.Fatalf("fingerprint unchanged")
			}
		})
	}
	t.Run("a user change leaves the pool's fingerprint alone", func(t *testing.T) {
		lp := base()
		before := Fingerprint(poolID, lp, "")
		lp.Users["alice"].HasEmail = false
		if Fingerprint(poolID, lp, "") != before {
			t.Fatal("pool fingerprint covers users")
		}
	})
}

func TestTargetsAndStaleness(t *testing.T) {
	l := live(state.PoolConfig{MfaConfiguration: state.ModeOff},
		withUsers(liveUser("bob", state.UserSettings{}), liveUser("alice", state.UserSettings{})))
	other := &state.LivePool{UserPoolId: "ap-south-1_Other", Exists: true}
	l.Pools[other.UserPoolId] = other
	sms := state.UserSettings{SMSMfaSettings: &state.FactorSettings{Enabled: true}}
	desired := state.Desired{Pools: []state.DesiredPool{
		{UserPoolId: poolID, Config: state.PoolConfig{MfaConfiguration: state.ModeOptional},
			Users: []state.DesiredUser{{Username: "bob", Settings: sms}, {Username: "alice"}, {Username: "bob"}}},
		{UserPoolId: other.UserPoolId},
	}}

	targets := Targets(l, desired)
	var names []string
	for _, tg := range targets {
		names = append(names, tg.UserPoolId+"/"+tg.Username)
	}
	// Declaration order, the order of the plan's calls: apply rebuilds the
	// calls from the targets and compares them in order.
	want := []string{poolID + "/", poolID + "/bob", poolID + "/alice", "ap-south-1_Other/"}
	if !reflect.DeepEqual(names, want) {
		t.Fatalf("targets = %v, want %v", names, want)
	}
	p := &Plan{Targets: targets}
	again := p.DesiredState()
	if len(again.Pools) != 2 || again.Pools[0].Config.MfaConfiguration != state.ModeOptional ||
		len(again.Pools[0].Users) != 2 || !reflect.DeepEqual(again.Pools[0].Users[0].Settings, sms) || again.Pools[0].Users[1].Username != "alice" {
		t.Fatalf("DesiredState = %+v; want what the targets were made from", again)
	}
	sms.SMSMfaSettings.Enabled = false
	if !again.Pools[0].Users[0].Settings.SMSMfaSettings.Enabled {
		t.Fatal("targets alias the desired state they were made from")
	}
	if got := p.ReadSet(); !reflect.DeepEqual(got, state.ReadSet{poolID: {"bob", "alice"}, other.UserPoolId: {}}) {
		t.Fatalf("ReadSet = %v", got)
	}
	if stale := StaleTargets(p, l); len(stale) != 0 {
		t.Fatalf("fresh plan is stale: %v", stale)
	}
	l.Pools[poolID].Users["alice"].Settings.EmailMfaSettings.Enabled = true
	stale := StaleTargets(p, l)
	if len(stale) != 1 || stale[0].Username != "alice" || !reflect.DeepEqual(stale[0], targets[2]) {
		t.Fatalf("stale = %+v, want alice's recorded target", stale)
	}
	delete(l.Pools, other.UserPoolId)
	if stale := StaleTargets(p, l); len(stale) != 2 {
		t.Fatalf("a pool gone missing is not stale: %+v", stale)
	}
}

func TestWrittenStateIsTheDesiredStateOfWhatTheCallsWrite(t *testing.T) {
	sms := state.UserSettings{SMSMfaSettings: preferred()}
	totp := state.UserSettings{SoftwareTokenMfaSettings: preferred()}
	const quiet, poolOnly = "ap-south-1_Quiet", "us-east-1_PoolOnly"
	d := state.Desired{Pools: []state.DesiredPool{
		{UserPoolId: poolID, Config: state.PoolConfig{MfaConfiguration: state.ModeOptional, SmsMfaConfiguration: smsOn()},
			Users: []state.DesiredUser{user("bob", sms), user("alice", totp), user("carol", sms)}},
		{UserPoolId: quiet, Users: []state.DesiredUser{user("dave", totp)}},
		{UserPoolId: poolOnly, Config: state.PoolConfig{MfaConfiguration: state.ModeOff}, Users: []state.DesiredUser{user("erin", state.UserSettings{})}},
	}}
	p := &Plan{Targets: Targets(state.Live{}, d), Calls: []Call{
		{Operation: AdminSetUserMFAPreference, UserPoolId: poolID, Username: "carol", Stage: StageUsers},
		{Operation: AdminSetUserMFAPreference, UserPoolId: poolID, Username: "bob", Stage: StageUsers},
		{Operation: SetUserPoolMfaConfig, UserPoolId: poolOnly, Stage: StageNarrowPool},
	}}
	got := p.WrittenState()
	all := p.DesiredState()
	// Pools in target order (declaration order), users in declaration order;
	// the quiet pool and the users without a call are left out, the rest is
	// as recorded.
	want := state.Desired{Pools: []state.DesiredPool{
		{UserPoolId: poolID, Config: all.Pools[0].Config, Users: []state.DesiredUser{all.Pools[0].Users[0], all.Pools[0].Users[2]}},
		{UserPoolId: poolOnly, Config: all.Pools[2].Config},
	}}
	if all.Pools[0].UserPoolId != poolID || all.Pools[2].UserPoolId != poolOnly || !reflect.DeepEqual(got, want) {
		t.Fatalf("WrittenState = %+v\nwant %+v", got, want)
	}
	if rs := got.ReadSet(); !reflect.DeepEqual(rs, state.ReadSet{poolID: {"bob", "carol"}, poolOnly: {}}) {
		t.Fatalf("its ReadSet = %v", rs)
	}
}

// A pool or user that went from A to B and back to A is not the one a plan
// read: the date Cognito moves on each write is in the fingerprint (the
// replay of red-team item 18.2).
func TestFingerprintTellsAPoolThatWentBackFromTheOneReadBefore(t *testing.T) {
	before, after := time.UnixMilli(1_700_000_000_000), time.UnixMilli(1_700_000_100_000)
	live := func(at time.Time) *state.LivePool {
		return &state.LivePool{Exists: true, Config: state.PoolConfig{MfaConfiguration: state.ModeOff}, LastModified: at,
			Users: map[string]*state.LiveUser{"alice": {Username: "alice", Exists: true, LastModified: at}}}
	}
	for _, user := range []string{"", "alice"} {
		if Fingerprint(poolID, live(before), user) == Fingerprint(poolID, live(after), user) {
			t.Errorf("target %q: the fingerprint does not change with LastModified", user)
		}
		if first, again := Fingerprint(poolID, live(before), user), Fingerprint(poolID, live(before), user); first != again {
			t.Errorf("target %q: the fingerprint is not stable", user)
		}
	}
}

// TestFingerprintKeyHoldsAllTheData keeps fingerprinter exact: its key must
// tell apart any two users' data that differ in more than the name, and its
// spliced encoding must be encoding/json's.
func TestFingerprintKeyHoldsAllTheData(t *testing.T) {
	for typ, fields := range map[reflect.Type]int{
		reflect.TypeFor[userFingerprintData](): 10, reflect.TypeFor[state.UserSettings](): 4,
		reflect.TypeFor[state.FactorSettings](): 2, reflect.TypeFor[state.WebAuthnSettings](): 1,
	} {
		if typ.NumField() != fields {
			t.Errorf("%s has %d fields, not %d: userFingerprintKey must hold the new ones", typ, typ.NumField(), fields)
		}
	}
	blocks := []*state.FactorSettings{nil, {}, {Enabled: true}, {PreferredMfa: true}, {Enabled: true, PreferredMfa: true}}
	var users []*state.LiveUser
	names := []string{"alice", `quo"te`, "<b>&", "jörg", "tab\there", "x\u2028y", "\xff"}
	for i, sms := range blocks {
		for j, totp := range blocks {
			for _, email := range blocks[:3] {
				for flags := range 32 {
					users = append(users, &state.LiveUser{Username: names[(i+j+flags)%len(names)], Exists: true,
						HasPhoneNumber: flags&1 != 0, HasEmail: flags&2 != 0, LegacySMS: flags&4 != 0, Unknown: []string{"", "legacy"}[flags>>3&1],
						LegacySMSOnly: flags&16 != 0, LastModified: []time.Time{{}, time.UnixMilli(1_700_000_000_123)}[flags&1],
						Settings: state.UserSettings{SMSMfaSettings: sms, SoftwareTokenMfaSettings: totp, EmailMfaSettings: email}})
				}
			}
		}
	}
	users = append(users, &state.LiveUser{Username: "gone"}, &state.LiveUser{Username: "webauthn", Exists: true,
		Settings: state.UserSettings{WebAuthnMfaSettings: &state.WebAuthnSettings{Enabled: true}}},
		&state.LiveUser{Username: "legacy1", Exists: true, MFAOptions: []state.MFAOption{{DeliveryMedium: "SMS", AttributeName: "phone_number"}}},
		&state.LiveUser{Username: "legacy2", Exists: true, MFAOptions: []state.MFAOption{{DeliveryMedium: "SMS", AttributeName: "email"}}},
		&state.LiveUser{Username: "legacy3", Exists: true, MFAOptions: []state.MFAOption{}})
	fp := newFingerprinter() // one for all: each user after the first of its form is spliced
	for _, u := range append(users, users...) {
		lp := &state.LivePool{Users: map[string]*state.LiveUser{u.Username: u}}
		sum := sha256.Sum256(append([]byte(poolID+"\n"), marshal(userFingerprint(lp, u.Username))...))
		if got, want := fp.of(poolID, lp, u.Username), "sha256:"+hex.EncodeToString(sum[:]); got != want {
			t.Fatalf("fingerprint of %+v = %s, want %s", *u, got, want)
		}
	}
}
