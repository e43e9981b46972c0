package usecase

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/aws/smithy-go"

	"github.com/mfactl/mfactl/internal/cognito"
	"github.com/mfactl/mfactl/internal/state"
	"github.com/mfactl/mfactl/internal/token"
)

// Pools for planUser: MFA mode plus the factors the pool has on.
func resetPool(mode state.Mode, factors ...*state.Factor) state.PoolConfig {
	cfg := state.PoolConfig{MfaConfiguration: mode}
	for _, f := range factors {
		switch f {
		case state.TOTP:
			cfg.SoftwareTokenMfaConfiguration = &state.SoftwareTokenMfaConfiguration{Enabled: true}
		case state.SMS:
			cfg.SmsMfaConfiguration = &state.SmsMfaConfiguration{Enabled: true}
		case state.Email:
			cfg.EmailMfaConfiguration = &state.EmailMfaConfiguration{Enabled: true}
		}
	}
	return cfg
}

// resetUser is a user with factors enabled (the first preferred), the
// given attributes and, when registered, an authenticator.
func resetUser(registered bool, phone, email bool, enabled ...*state.Factor) userFacts {
	u := &state.LiveUser{Username: "alice", Exists: true, HasPhoneNumber: phone, HasEmail: email, EmailVerified: email}
	for i, f := range enabled {
		f.SetUser(&u.Settings, &state.FactorSettings{Enabled: true, PreferredMfa: i == 0})
	}
	af := &cognito.UserAuthFactors{ConfiguredUserAuthFactors: []string{"PASSWORD"}}
	if registered {
		af.ConfiguredUserAuthFactors = append(af.ConfiguredUserAuthFactors, "SOFTWARE_TOKEN")
	}
	return userFacts{user: u, factors: af}
}

// steps writes a plan's steps compactly: "Call(settings)|fallback".
func steps(ur *UserReset) string {
	var out []string
	for _, s := range ur.Steps {
		text := s.Call
		if s.Settings != nil {
			text += "(" + settingsText(*s.Settings) + ")"
		}
		if s.IfRefused != nil {
			text += "|else " + s.IfRefused.Call + "(" + settingsText(*s.IfRefused.Settings) + ")"
		}
		if s.NoPathIfRefused != "" {
			text += "|else no path"
		}
		out = append(out, text)
	}
	return strings.Join(out, " ")
}

func settingsText(s state.UserSettings) string {
	var parts []string
	for _, f := range state.MFAFactors {
		if fs := f.User(s); fs != nil {
			v := f.Label + "=off"
			if fs.Enabled {
				v = f.Label + "=on"
			}
			if fs.PreferredMfa {
				v += "*"
			}
			parts = append(parts, v)
		}
	}
	return strings.Join(parts, ",")
}

func TestPlanUserFollowsThePoolsRules(t *testing.T) {
	for _, tc := range []struct {
		name  string
		pool  state.PoolConfig
		user  userFacts
		opts  ResetOptions
		steps string
		note  string // a note that must be there
	}{
		{
			name:  "totp lost, email to fall back on, ON",
			pool:  resetPool(state.ModeOn, state.TOTP, state.Email),
			user:  resetUser(true, false, true, state.TOTP),
			opts:  ResetOptions{Factor: FactorTOTP},
			steps: "AdminDeleteSoftwareToken|else AdminSetUserMFAPreference(TOTP=off,email=on*) AdminSetUserMFAPreference(email=on*)",
			note:  "Next sign-in: alice is asked for a code by email.",
		},
		{
			name:  "totp lost, email already preferred: only the delete",
			pool:  resetPool(state.ModeOptional, state.TOTP, state.Email),
			user:  resetUser(true, false, true, state.Email, state.TOTP),
			opts:  ResetOptions{Factor: FactorTOTP},
			steps: "AdminDeleteSoftwareToken|else AdminSetUserMFAPreference(TOTP=off,email=on*)",
		},
		{
			name:  "totp lost, ON, no other factor: MFA_SETUP said, no admin path if refused",
			pool:  resetPool(state.ModeOn, state.TOTP, state.Email),
			user:  resetUser(true, false, false, state.TOTP),
			opts:  ResetOptions{Factor: FactorTOTP},
			steps: "AdminDeleteSoftwareToken|else no path",
			note:  "Recommended: --reset-password and --sign-out",
		},
		{
			name:  "totp lost, OPTIONAL, no other factor: the fallback turns TOTP off",
			pool:  resetPool(state.ModeOptional, state.TOTP),
			user:  resetUser(true, true, true, state.TOTP),
			opts:  ResetOptions{Factor: FactorTOTP, ResetPassword: true},
			steps: "AdminDeleteSoftwareToken|else AdminSetUserMFAPreference(TOTP=off) AdminResetUserPassword",
			note:  "signs in with the password alone",
		},
		{
			name:  "totp registered but off still counts",
			pool:  resetPool(state.ModeOptional, state.TOTP, state.SMS),
			user:  resetUser(true, true, false, state.SMS),
			opts:  ResetOptions{Factor: FactorTOTP, SignOut: true},
			steps: "AdminDeleteSoftwareToken|else AdminSetUserMFAPreference(SMS=on*,TOTP=off) AdminUserGlobalSignOut",
		},
		{
			name:  "phone lost, TOTP to fall back on",
			pool:  resetPool(state.ModeOn, state.SMS, state.TOTP),
			user:  resetUser(true, true, false, state.SMS, state.TOTP),
			opts:  ResetOptions{Factor: FactorSMS},
			steps: "AdminSetUserMFAPreference(SMS=off,TOTP=on*)",
			note:  "a code from their authenticator app",
		},
		{
			name:  "phone lost, ON, nothing else: said plainly",
			pool:  resetPool(state.ModeOn, state.SMS),
			user:  resetUser(false, true, false, state.SMS),
			opts:  ResetOptions{Factor: FactorSMS},
			steps: "AdminSetUserMFAPreference(SMS=off)",
			note:  "Cognito still requires MFA from alice",
		},
		{
			name:  "mailbox lost, SMS to fall back on",
			pool:  resetPool(state.ModeOptional, state.SMS, state.Email),
			user:  resetUser(false, true, true, state.Email),
			opts:  ResetOptions{Factor: FactorEmail},
			steps: "AdminSetUserMFAPreference(SMS=on*,email=off)",
		},
		{
			name:  "all: every factor removed, devices forgotten, signed out last",
			pool:  resetPool(state.ModeOn, state.SMS, state.TOTP, state.Email),
			user:  withDevices(resetUser(true, true, true, state.TOTP, state.SMS), "k1", "k2"),
			opts:  ResetOptions{Factor: FactorAll, ForgetDevices: true, SignOut: true},
			steps: "AdminDeleteSoftwareToken|else AdminSetUserMFAPreference(SMS=off,TOTP=off,email=on*) AdminSetUserMFAPreference(SMS=off,email=on*) AdminForgetDevice AdminForgetDevice AdminUserGlobalSignOut",
		},
		{
			name:  "an unverified email address is not a factor to move to",
			pool:  resetPool(state.ModeOptional, state.TOTP, state.Email),
			user:  unverified(resetUser(true, false, true, state.TOTP)),
			opts:  ResetOptions{Factor: FactorTOTP},
			steps: "AdminDeleteSoftwareToken|else AdminSetUserMFAPreference(TOTP=off)",
			note:  "signs in with the password alone",
		},
		{
			name:  "remembered devices left: said",
			pool:  resetPool(state.ModeOn, state.TOTP, state.Email),
			user:  withDevices(resetUser(true, false, true, state.TOTP), "k1"),
			opts:  ResetOptions{Factor: FactorTOTP},
			steps: "AdminDeleteSoftwareToken|else AdminSetUserMFAPreference(TOTP=off,email=on*) AdminSetUserMFAPreference(email=on*)",
			note:  "1 remembered device(s), which skip MFA: add --forget-devices",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ur, err := planUser(tc.pool, tc.user, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			if got := steps(ur); got != tc.steps {
				t.Errorf("steps:\n got %s\nwant %s", got, tc.steps)
			}
			if tc.note != "" && !strings.Contains(strings.Join(ur.Notes, "\n"), tc.note) {
				t.Errorf("notes lack %q: %q", tc.note, ur.Notes)
			}
		})
	}
}

func withDevices(f userFacts, keys ...string) userFacts {
	for _, k := range keys {
		f.devices = append(f.devices, state.Device{Key: k, Remembered: true})
	}
	f.devices = append(f.devices, state.Device{Key: "not-remembered"})
	return f
}

func TestPlanUserRefusesAFactorTheUserDoesNotHave(t *testing.T) {
	pool := resetPool(state.ModeOn, state.TOTP, state.Email, state.SMS)
	for _, tc := range []struct {
		user   userFacts
		factor string
		want   string
	}{
		{resetUser(false, true, true, state.Email), FactorTOTP, "alice has no TOTP registered; nothing to reset"},
		{resetUser(false, true, true, state.Email), FactorSMS, "alice has no SMS MFA enabled; nothing to reset"},
		{resetUser(true, true, true, state.TOTP), FactorEmail, "alice has no email MFA enabled; nothing to reset"},
		{resetUser(false, true, true), FactorAll, "alice has no MFA factor enabled or registered; nothing to reset"},
		{userFacts{user: &state.LiveUser{Username: "alice", Exists: true}, why: "AdminGetUserAuthFactors was refused: AccessDeniedException"}, FactorTOTP,
			"alice has TOTP off, and whether an authenticator is registered cannot be read (AdminGetUserAuthFactors was refused: AccessDeniedException)"},
	} {
		_, err := planUser(pool, tc.user, ResetOptions{Factor: tc.factor})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.factor, err, tc.want)
		}
	}
}

func TestResetOptionsCheck(t *testing.T) {
	ok := ResetOptions{UserPoolId: "eu-west-1_A", Usernames: []string{"alice"}, Factor: FactorTOTP, Reason: "lost"}
	if err := ok.Check(); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		edit func(*ResetOptions)
		want string
	}{
		{func(o *ResetOptions) { o.UserPoolId = "" }, "--user-pool-id is required"},
		{func(o *ResetOptions) { o.UserPoolId = "nope" }, "is not a user pool ID"},
		{func(o *ResetOptions) { o.Usernames = nil }, "--username is required"},
		{func(o *ResetOptions) { o.Usernames = []string{"a", "a"} }, "--username a is given twice"},
		{func(o *ResetOptions) { o.Factor = "" }, `--factor "": want one of totp, sms, email, all`},
		{func(o *ResetOptions) { o.Reason = "  " }, "--reason is required"},
	} {
		o := ok
		tc.edit(&o)
		if err := o.Check(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v, want %q", err, tc.want)
		}
	}
}

// fakeRecovery is a Cognito for ExecuteReset: one pool ON with TOTP and
// email, alice with TOTP and a remembered device. Each write is logged;
// afterWrite runs after each.
type fakeRecovery struct {
	Cognito    // the rest is never called
	writes     []string
	afterWrite func()
	// noEmail: the pool offers TOTP alone and alice has no email address;
	// deleteErr is AdminDeleteSoftwareToken's answer.
	noEmail   bool
	deleteErr error
}

func (f *fakeRecovery) ReadLive(_ context.Context, rs state.ReadSet, _ func(int, int)) (state.Live, error) {
	u := &state.LiveUser{Username: "alice", Exists: true, HasEmail: !f.noEmail, EmailVerified: !f.noEmail}
	state.TOTP.SetUser(&u.Settings, &state.FactorSettings{Enabled: true, PreferredMfa: true})
	cfg := resetPool(state.ModeOn, state.TOTP, state.Email)
	if f.noEmail {
		cfg = resetPool(state.ModeOn, state.TOTP)
	}
	return state.Live{Pools: map[string]*state.LivePool{poolID: {UserPoolId: poolID, Exists: true,
		Config: cfg, Users: map[string]*state.LiveUser{"alice": u}}}}, nil
}
func (f *fakeRecovery) AdminGetUserAuthFactors(context.Context, string, string) (*cognito.UserAuthFactors, error) {
	return &cognito.UserAuthFactors{ConfiguredUserAuthFactors: []string{"PASSWORD", "SOFTWARE_TOKEN"}}, nil
}
func (f *fakeRecovery) ListDevices(context.Context, string, string) ([]state.Device, error) {
	return []state.Device{{Key: "eu-west-1_k1", Remembered: true}}, nil
}
func (f *fakeRecovery) write(op string) error {
	f.writes = append(f.writes, op)
	if f.afterWrite != nil {
		f.afterWrite()
	}
	return nil
}
func (f *fakeRecovery) AdminDeleteSoftwareToken(context.Context, string, string) error {
	if f.deleteErr != nil {
		return f.deleteErr
	}
	return f.write("AdminDeleteSoftwareToken")
}
func (f *fakeRecovery) AdminSetUserMFAPreference(context.Context, string, string, state.UserSettings) error {
	return f.write("AdminSetUserMFAPreference")
}
func (f *fakeRecovery) ForgetDevice(context.Context, string, string, string) error {
	return f.write("AdminForgetDevice")
}
func (f *fakeRecovery) GlobalSignOut(context.Context, string, string) error {
	return f.write("AdminUserGlobalSignOut")
}
func (f *fakeRecovery) ResetPassword(context.Context, string, string) error {
	return f.write("AdminResetUserPassword")
}
func (f *fakeRecovery) Caller(context.Context) (state.Caller, error) {
	return state.Caller{AccessKeyID: "AKIDFAKE"}, nil
}

func TestExecuteResetStopsAtAnInterruptAndSaysWhatWasDone(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	fake := &fakeRecovery{afterWrite: cancel} // Ctrl-C during the first call
	s := NewSession(func(context.Context, *token.Token) (Cognito, error) { return fake, nil })
	p, err := s.PlanReset(ctx, ResetOptions{UserPoolId: poolID, Usernames: []string{"alice"}, Factor: FactorTOTP,
		Reason: "lost phone", SignOut: true, ForgetDevices: true})
	if err != nil {
		t.Fatal(err)
	}
	outcome, err := s.ExecuteReset(ctx, p, ResetHooks{})
	if outcome != OutcomeInterrupted || !errors.Is(err, context.Canceled) {
		t.Fatalf("outcome %q, %v", outcome, err)
	}
	if !slices.Equal(fake.writes, []string{"AdminDeleteSoftwareToken"}) {
		t.Errorf("writes after the interrupt: %v", fake.writes)
	}
	var got []string
	for _, c := range p.Users[0].Calls {
		got = append(got, c.Call+"="+c.Result)
	}
	want := "AdminDeleteSoftwareToken=ok AdminSetUserMFAPreference=not sent AdminForgetDevice=not sent AdminUserGlobalSignOut=not sent"
	if strings.Join(got, " ") != want {
		t.Errorf("calls:\n got %s\nwant %s", strings.Join(got, " "), want)
	}
	rec := s.Audit(ctx, p, outcome)
	if rec.Who != "AKIDFAKE" || rec.WhoFrom != "access key ID" || rec.Outcome != OutcomeInterrupted {
		t.Errorf("audit: %+v", rec)
	}
}

// Under ON with no other factor, a refused AdminDeleteSoftwareToken has no
// fallback: the user's remaining calls are not made, and the error says
// what the options are.
func TestExecuteResetSaysWhenThereIsNoAdminPath(t *testing.T) {
	fake := &fakeRecovery{noEmail: true, deleteErr: &smithy.GenericAPIError{Code: "AccessDeniedException", Message: "not authorized"}}
	s := NewSession(func(context.Context, *token.Token) (Cognito, error) { return fake, nil })
	ctx := context.Background()
	p, err := s.PlanReset(ctx, ResetOptions{UserPoolId: poolID, Usernames: []string{"alice"}, Factor: FactorTOTP, Reason: "lost phone", SignOut: true})
	if err != nil {
		t.Fatal(err)
	}
	outcome, err := s.ExecuteReset(ctx, p, ResetHooks{})
	if outcome != OutcomeFailed || err == nil {
		t.Fatalf("outcome %q, %v", outcome, err)
	}
	calls := p.Users[0].Calls
	if len(calls) != 2 || calls[0].Result != ResultFailed || !strings.Contains(calls[0].Error, "Cognito offers no admin path") ||
		calls[1].Call != CallGlobalSignOut || calls[1].Result != ResultNotSent {
		t.Errorf("calls: %+v", calls)
	}
	if len(fake.writes) != 0 {
		t.Errorf("writes: %v", fake.writes)
	}
}

func unverified(f userFacts) userFacts {
	f.user.EmailVerified = false
	return f
}
