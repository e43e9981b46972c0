package plan

import (
	"strings"
	"testing"

	"github.com/mfactl/mfactl/internal/diag"
	"github.com/mfactl/mfactl/internal/state"
)

// What AdminGetUserAuthFactors told decides a TOTP enable: registered is a
// certain call, not registered an error naming the user; not asked keeps
// today's uncertain call.
func TestTOTPRegistrationDecidesTheEnable(t *testing.T) {
	yes, no := true, false
	registered := liveUser("alice", state.UserSettings{})
	registered.TOTPRegistered = &yes
	bare := liveUser("bob", state.UserSettings{})
	bare.TOTPRegistered = &no
	unasked := liveUser("carol", state.UserSettings{})
	l := live(state.PoolConfig{MfaConfiguration: state.ModeOptional, SoftwareTokenMfaConfiguration: totpOn()}, withUsers(registered, bare, unasked))
	cfg := state.PoolConfig{MfaConfiguration: state.ModeOptional, SoftwareTokenMfaConfiguration: totpOn()}

	p := build(t, desiredPool(cfg, user("alice", state.UserSettings{SoftwareTokenMfaSettings: enabled()}),
		user("carol", state.UserSettings{SoftwareTokenMfaSettings: enabled()})), l, Options{})
	requireNoErrors(t, p)
	for _, c := range p.Calls {
		if (c.Username == "alice") != (c.Uncertain == "") {
			t.Errorf("%s: Uncertain = %q; want it for carol only", c.Username, c.Uncertain)
		}
	}

	p = build(t, desiredPool(cfg, user("bob", state.UserSettings{SoftwareTokenMfaSettings: enabled()})), l, Options{})
	if d := findDiag(p.Diagnostics, diag.Error, "TOTP MFA cannot be enabled for user bob: the user has registered no authenticator app"); d == nil || d.Code != "totp-not-registered" {
		t.Errorf("no totp-not-registered error for bob:\n%s", diagText(p.Diagnostics))
	}
	if len(p.Calls) != 0 {
		t.Errorf("calls = %v; want none", callSummary(p))
	}
}

// A policy counts a user without an authenticator as ineligible.
func TestPolicyCountsUnregisteredUsersIneligible(t *testing.T) {
	yes, no := true, false
	registered := liveUser("alice", state.UserSettings{})
	registered.TOTPRegistered = &yes
	bare := liveUser("bob", state.UserSettings{})
	bare.TOTPRegistered = &no
	why := cannotTake(state.UserSettings{SoftwareTokenMfaSettings: enabled()}, bare)
	if why != "no authenticator app registered for TOTP MFA" {
		t.Errorf("bob: %q", why)
	}
	if why := cannotTake(state.UserSettings{SoftwareTokenMfaSettings: enabled()}, registered); why != "" {
		t.Errorf("alice: %q; want eligible", why)
	}
}

// Nothing is written to a pool or user whose reading is partial; a pool
// with nothing to change is planned with a warning.
func TestUnreadableTargetsAreNeverWritten(t *testing.T) {
	cfg := state.PoolConfig{MfaConfiguration: state.ModeOptional, SoftwareTokenMfaConfiguration: totpOn()}
	l := live(state.PoolConfig{MfaConfiguration: state.ModeOff}, withUsers(liveUser("alice", state.UserSettings{})))
	l.Pools[poolID].Unreadable = []string{"GetUserPoolMfaConfig: SmsMfaConfiguration.SmsConfiguration.Carrier"}
	p := build(t, desiredPool(cfg), l, Options{})
	d := findDiag(p.Diagnostics, diag.Error, "user pool "+poolID+" is not fully readable")
	if d == nil || !strings.Contains(d.Summary, "SmsMfaConfiguration.SmsConfiguration.Carrier") || !strings.Contains(d.Detail, "upgrade mfactl") || len(p.Calls) != 0 {
		t.Errorf("pool not refused:\n%s\ncalls %v", diagText(p.Diagnostics), callSummary(p))
	}

	l = live(cfg, withUsers(liveUser("alice", state.UserSettings{})))
	l.Pools[poolID].Unreadable = []string{"DescribeUserPool: UserPool.Carrier"}
	p = build(t, desiredPool(cfg), l, Options{})
	if d := findDiag(p.Diagnostics, diag.Warning, "user pool "+poolID+" is not fully readable"); d == nil || d.Code != "partly-read" {
		t.Errorf("no partly-read warning:\n%s", diagText(p.Diagnostics))
	}

	l.Pools[poolID].Unreadable = nil
	l.Pools[poolID].Users["alice"].Unreadable = []string{"AdminGetUser: Passkeys"}
	p = build(t, desiredPool(cfg, user("alice", state.UserSettings{SoftwareTokenMfaSettings: enabled()})), l, Options{})
	if d := findDiag(p.Diagnostics, diag.Error, "user alice of user pool "+poolID+" is not fully readable"); d == nil || len(p.Calls) != 0 {
		t.Errorf("user not refused:\n%s", diagText(p.Diagnostics))
	}
}
