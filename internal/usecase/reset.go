package usecase

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mfactl/mfactl/internal/cognito"
	"github.com/mfactl/mfactl/internal/diag"
	"github.com/mfactl/mfactl/internal/state"
)

// reset-mfa: recovering users who lost a factor. It reads first, builds a
// ResetPlan (each step a Cognito call with its reason), and executes it
// only once approved; every run leaves one audit record.

// Recovery is what reset-mfa needs from Cognito. *cognito.Client satisfies it.
type Recovery interface {
	ReadLive(ctx context.Context, rs state.ReadSet, progress func(done, total int)) (state.Live, error)
	AdminSetUserMFAPreference(ctx context.Context, poolID, username string, s state.UserSettings) error
	AdminGetUserAuthFactors(ctx context.Context, poolID, username string) (*cognito.UserAuthFactors, error)
	AdminDeleteSoftwareToken(ctx context.Context, poolID, username string) error
	ListDevices(ctx context.Context, poolID, username string) ([]state.Device, error)
	ForgetDevice(ctx context.Context, poolID, username, deviceKey string) error
	GlobalSignOut(ctx context.Context, poolID, username string) error
	ResetPassword(ctx context.Context, poolID, username string) error
	Caller(ctx context.Context) (state.Caller, error)
}

// The factors --factor names.
const (
	FactorTOTP  = "totp"
	FactorSMS   = "sms"
	FactorEmail = "email"
	FactorAll   = "all"
)

// ResetFactors lists --factor's values.
var ResetFactors = []string{FactorTOTP, FactorSMS, FactorEmail, FactorAll}

// The Cognito calls a reset makes.
const (
	CallDeleteSoftwareToken = "AdminDeleteSoftwareToken"
	CallSetPreference       = "AdminSetUserMFAPreference"
	CallForgetDevice        = "AdminForgetDevice"
	CallResetPassword       = "AdminResetUserPassword"
	CallGlobalSignOut       = "AdminUserGlobalSignOut"
)

// ResetOptions are the inputs of reset-mfa.
type ResetOptions struct {
	UserPoolId    string
	Usernames     []string
	Factor        string // one of ResetFactors
	Reason        string
	Ticket        string
	SignOut       bool
	ForgetDevices bool
	ResetPassword bool
	DryRun        bool
	// Files are desired-state files (-f) to cross-check: declarations
	// that would give a user back the factor removed.
	Files []string
	Stdin io.Reader
}

// Check refuses options that cannot make a reset, before any call.
func (o ResetOptions) Check() error {
	switch {
	case o.UserPoolId == "":
		return errors.New("--user-pool-id is required")
	case len(o.Usernames) == 0:
		return errors.New("--username is required (repeat it for several users)")
	case !slices.Contains(ResetFactors, o.Factor):
		return fmt.Errorf("--factor %q: want one of %s", o.Factor, strings.Join(ResetFactors, ", "))
	case strings.TrimSpace(o.Reason) == "":
		return errors.New("--reason is required: say why, for the audit log (e.g. --reason \"lost phone, identity checked by video call\")")
	}
	if state.Region(o.UserPoolId) == "" {
		return fmt.Errorf("--user-pool-id %q is not a user pool ID: a Region, an underscore and an ID, e.g. eu-west-1_AbCdEf123", o.UserPoolId)
	}
	seen := map[string]bool{}
	for _, u := range o.Usernames {
		if strings.TrimSpace(u) == "" {
			return errors.New("--username must not be empty")
		}
		if seen[u] {
			return fmt.Errorf("--username %s is given twice", u)
		}
		seen[u] = true
	}
	return nil
}

// MFAState is a user's MFA as a reset sees it, before and after.
type MFAState struct {
	Status string `json:"status,omitempty"` // CONFIRMED, RESET_REQUIRED, ... when known
	// Enabled are the factors enabled for the user (labels: SMS, TOTP, email).
	Enabled   []string `json:"enabled"`
	Preferred string   `json:"preferred,omitempty"`
	// Authenticator: "registered", "none", or "unknown (why)" when
	// AdminGetUserAuthFactors could not be asked.
	Authenticator string `json:"authenticator"`
	// Configured is AdminGetUserAuthFactors' ConfiguredUserAuthFactors, when read.
	Configured []string `json:"configured_factors,omitempty"`
	// RememberedDevices are the keys of the devices that skip MFA.
	RememberedDevices []string `json:"remembered_devices"`
	// Unknown says why Cognito's MFA list cannot be trusted, if it cannot.
	Unknown string `json:"unknown,omitempty"`
}

// ResetStep is one Cognito call of a reset.
type ResetStep struct {
	Call      string              `json:"call"`
	Reason    string              `json:"reason"`
	Settings  *state.UserSettings `json:"settings,omitempty"`   // AdminSetUserMFAPreference's blocks
	DeviceKey string              `json:"device_key,omitempty"` // AdminForgetDevice's device
	// IfRefused is made instead when Cognito refuses this call as denied
	// (IAM) or unknown (an older Cognito or endpoint).
	IfRefused *ResetStep `json:"if_refused,omitempty"`
	// NoPathIfRefused says what the options are when this call is refused
	// and Cognito has no other admin path.
	NoPathIfRefused string `json:"no_path_if_refused,omitempty"`
}

// CallResult is what became of one step.
type CallResult struct {
	Call      string `json:"call"`
	Reason    string `json:"reason"`
	DeviceKey string `json:"device_key,omitempty"`
	// Result is "ok", "failed", or "not sent" (interrupted, or an earlier
	// step of the user failed).
	Result string `json:"result"`
	Error  string `json:"error,omitempty"`
}

// Call results.
const (
	ResultOK      = "ok"
	ResultFailed  = "failed"
	ResultNotSent = "not sent"
)

// UserReset is one user's part of a reset.
type UserReset struct {
	Username string      `json:"user"`
	Before   MFAState    `json:"before"`
	Steps    []ResetStep `json:"steps"`
	// Notes are what a person must know before approving: what the next
	// sign-in will do, what is recommended, what files say.
	Notes []string `json:"notes,omitempty"`
	// After and Calls are set once the plan ran.
	After *MFAState    `json:"after,omitempty"`
	Calls []CallResult `json:"calls"`
}

// ResetPlan is a reset before it runs: what was read and the steps.
type ResetPlan struct {
	UserPoolId string       `json:"pool"`
	Mode       state.Mode   `json:"pool_mode"`
	PoolOffers []string     `json:"pool_factors"` // labels of the factors the pool has on
	Factor     string       `json:"factor"`
	Reason     string       `json:"reason"`
	Ticket     string       `json:"ticket,omitempty"`
	Users      []*UserReset `json:"users"`
	// Files are what -f's files say of the users and the factor.
	Files   []string `json:"files,omitempty"`
	options ResetOptions
}

// Calls counts the steps of every user.
func (p *ResetPlan) Calls() int {
	n := 0
	for _, u := range p.Users {
		n += len(u.Steps)
	}
	return n
}

// DryRun reports whether the plan was made to be shown only.
func (p *ResetPlan) DryRun() bool { return p.options.DryRun }

// Outcomes of a reset, as the audit record names them.
const (
	OutcomeDone        = "done"
	OutcomeFailed      = "failed"
	OutcomeInterrupted = "interrupted"
	OutcomeDryRun      = "dry-run"
	OutcomeCancelled   = "cancelled"
	OutcomeNothingToDo = "nothing to do"
)

// AuditFormatVersion is the version of AuditRecord's JSON: a key may be
// added within a version, never renamed or removed.
const AuditFormatVersion = "1"

// AuditRecord is the one JSON line a reset appends to --audit-log.
type AuditRecord struct {
	FormatVersion string `json:"format_version"`

	Time    time.Time `json:"time"`
	Pool    string    `json:"pool"`
	Factor  string    `json:"factor"`
	Reason  string    `json:"reason"`
	Ticket  string    `json:"ticket,omitempty"`
	Who     string    `json:"who"`
	WhoFrom string    `json:"who_from"` // one of WhoFromValues
	Options struct {
		SignOut       bool `json:"sign_out"`
		ForgetDevices bool `json:"forget_devices"`
		ResetPassword bool `json:"reset_password"`
		DryRun        bool `json:"dry_run"`
	} `json:"options"`
	Users   []*UserReset `json:"users"`
	Outcome string       `json:"outcome"`
}

// Where an audit record's who comes from.
const (
	WhoFromCaller    = "sts:GetCallerIdentity" // the caller's IAM ARN
	WhoFromAccessKey = "access key ID"         // the credentials' access key ID, when the caller cannot be asked
	WhoFromUnknown   = "unknown"
)

// WhoFromValues are who_from's values.
var WhoFromValues = []string{WhoFromCaller, WhoFromAccessKey, WhoFromUnknown}

// ResetOutcomes are the outcomes an audit record names.
var ResetOutcomes = []string{OutcomeDone, OutcomeFailed, OutcomeInterrupted, OutcomeDryRun, OutcomeCancelled, OutcomeNothingToDo}

// ResetCalls are the Cognito calls a reset makes, as its steps name them.
var ResetCalls = []string{CallDeleteSoftwareToken, CallSetPreference, CallForgetDevice, CallResetPassword, CallGlobalSignOut}

// CallResults are what a call's result may be.
var CallResults = []string{ResultOK, ResultFailed, ResultNotSent}

// deniedOrUnknown reports whether Cognito refused a call as not allowed
// (IAM) or not known (an older endpoint): the cases a fallback is for.
func deniedOrUnknown(err error) bool {
	var api interface{ ErrorCode() string }
	if errors.As(err, &api) {
		switch api.ErrorCode() {
		case "AccessDeniedException", "UnknownOperationException", "InvalidAction", "UnrecognizedClientException":
			return true
		}
	}
	return errors.Is(err, ErrCallUnsupported)
}

// ErrCallUnsupported is returned by a client that cannot make a call at all.
var ErrCallUnsupported = errors.New("this client cannot make the call")

func (s *Session) recovery(ctx context.Context) (Recovery, error) {
	c, err := s.cognito(ctx, nil)
	if err != nil {
		return nil, err
	}
	r, ok := c.(Recovery)
	if !ok {
		return nil, errors.New("this Cognito client cannot make recovery calls")
	}
	return r, nil
}

// PlanReset reads the pool and each user (AdminGetUser,
// AdminGetUserAuthFactors where allowed, AdminListDevices) and builds the
// steps. Unknown pool or user, or a factor the user does not have, is an
// error: nothing is changed.
func (s *Session) PlanReset(ctx context.Context, opts ResetOptions) (*ResetPlan, error) {
	if err := opts.Check(); err != nil {
		return nil, err
	}
	var desired *state.Desired
	if len(opts.Files) > 0 {
		d, diags, err := loadFiles(ctx, opts.Files, opts.Stdin)
		if err != nil {
			return nil, err
		}
		if diags.HasErrors() {
			var first string
			for _, d := range diags {
				if d.Severity == diag.Error {
					first = d.String()
					break
				}
			}
			return nil, fmt.Errorf("the -f files are not valid, so they cannot be cross-checked; nothing was read or changed (mfactl validate -f %s shows every problem): %s", strings.Join(opts.Files, " -f "), first)
		}
		desired = &d
	}
	c, err := s.recovery(ctx)
	if err != nil {
		return nil, err
	}
	live, err := c.ReadLive(ctx, state.ReadSet{opts.UserPoolId: opts.Usernames}, nil)
	if err != nil {
		return nil, err
	}
	pool := live.Pools[opts.UserPoolId]
	if pool == nil || !pool.Exists {
		return nil, fmt.Errorf("user pool %s does not exist (or these credentials cannot see it); nothing was changed", opts.UserPoolId)
	}
	p := &ResetPlan{UserPoolId: opts.UserPoolId, Mode: pool.Config.MfaConfiguration, Factor: opts.Factor,
		Reason: opts.Reason, Ticket: opts.Ticket, options: opts}
	for _, f := range state.MFAFactors {
		if poolOffers(pool.Config, f) {
			p.PoolOffers = append(p.PoolOffers, f.Label)
		}
	}
	for _, name := range opts.Usernames {
		if u := pool.Users[name]; u == nil || !u.Exists {
			return nil, fmt.Errorf("user pool %s has no user %s; nothing was changed", opts.UserPoolId, name)
		}
	}
	p.Users = make([]*UserReset, len(opts.Usernames))
	err = eachUser(ctx, len(opts.Usernames), func(i int) error {
		facts, err := readUserFacts(ctx, c, opts.UserPoolId, pool.Users[opts.Usernames[i]])
		if err != nil {
			return err
		}
		p.Users[i], err = planUser(pool.Config, facts, opts)
		return err
	})
	if err != nil {
		return nil, err
	}
	if desired != nil {
		p.Files = crossCheck(*desired, p)
	}
	return p, nil
}

// userFacts is what a reset knows of one user.
type userFacts struct {
	user    *state.LiveUser
	factors *cognito.UserAuthFactors // nil when AdminGetUserAuthFactors could not be asked
	why     string                   // why factors is nil
	devices []state.Device
}

func readUserFacts(ctx context.Context, c Recovery, poolID string, u *state.LiveUser) (userFacts, error) {
	f := userFacts{user: u}
	af, err := c.AdminGetUserAuthFactors(ctx, poolID, u.Username)
	switch {
	case err == nil:
		f.factors = af
	case deniedOrUnknown(err):
		f.why = "AdminGetUserAuthFactors was refused: " + errorText(err)
	default:
		return f, err
	}
	devices, err := c.ListDevices(ctx, poolID, u.Username)
	if err != nil {
		return f, err
	}
	f.devices = devices
	return f, nil
}

func errorText(err error) string {
	var api interface{ ErrorCode() string }
	if errors.As(err, &api) && api.ErrorCode() != "" {
		return api.ErrorCode()
	}
	return err.Error()
}

// authenticator says whether the user has a registered authenticator:
// "registered", "none" or "unknown (why)".
func (f userFacts) authenticator() string {
	switch {
	case f.factors == nil && f.user.Settings.SoftwareTokenMfaSettings != nil && f.user.Settings.SoftwareTokenMfaSettings.Enabled:
		return "registered" // TOTP cannot be enabled without one
	case f.factors == nil:
		return "unknown (" + f.why + ")"
	case slices.Contains(f.factors.ConfiguredUserAuthFactors, "SOFTWARE_TOKEN"):
		return "registered"
	}
	return "none"
}

func (f userFacts) state() MFAState {
	s := MFAState{Status: f.user.Status, Enabled: []string{}, Authenticator: f.authenticator(), Unknown: f.user.Unknown, RememberedDevices: []string{}}
	for _, factor := range state.MFAFactors {
		fs := factor.User(f.user.Settings)
		if fs != nil && fs.Enabled {
			s.Enabled = append(s.Enabled, factor.Label)
			if fs.PreferredMfa {
				s.Preferred = factor.Label
			}
		}
	}
	if f.user.LegacySMSOnly {
		s.Enabled = append(s.Enabled, state.SMS.Label+" (legacy MFAOptions)")
	}
	if f.factors != nil {
		s.Configured = f.factors.ConfiguredUserAuthFactors
	}
	for _, d := range f.devices {
		if d.Remembered {
			s.RememberedDevices = append(s.RememberedDevices, d.Key)
		}
	}
	return s
}

// enabled reports whether the user has factor on (legacy SMS counts).
func (f userFacts) enabled(factor *state.Factor) bool {
	if factor == state.SMS && f.user.LegacySMS {
		return true
	}
	fs := factor.User(f.user.Settings)
	return fs != nil && fs.Enabled
}

// canReceive reports whether the user could answer factor's challenge
// under this pool: the pool offers it and the user has what it needs.
func (f userFacts) canReceive(cfg state.PoolConfig, factor *state.Factor) bool {
	if !poolOffers(cfg, factor) {
		return false
	}
	switch {
	case factor == state.TOTP:
		return f.authenticator() == "registered"
	case factor == state.Email && !f.enabled(state.Email) && !f.user.EmailVerified:
		return false // a new email factor only at a verified address
	}
	return factor.HasAttribute(f.user)
}

// poolOffers reports whether the pool has factor on: its block present and
// enabled (a live read can carry an explicit off block).
func poolOffers(cfg state.PoolConfig, f *state.Factor) bool {
	_, enabled := f.PoolEnabled(cfg)
	return enabled && cfg.MfaConfiguration != state.ModeOff
}

// otherFactor picks the factor a user is moved to once lost is removed:
// one they already have enabled, else email, else SMS, else TOTP (a
// registered authenticator); nil when none can reach them.
func (f userFacts) otherFactor(cfg state.PoolConfig, lost []*state.Factor) *state.Factor {
	candidates := []*state.Factor{state.Email, state.SMS, state.TOTP}
	slices.SortStableFunc(candidates, func(a, b *state.Factor) int {
		switch ea, eb := f.enabled(a), f.enabled(b); {
		case ea && !eb:
			return -1
		case eb && !ea:
			return 1
		}
		return 0
	})
	for _, c := range candidates {
		if !slices.Contains(lost, c) && f.canReceive(cfg, c) {
			return c
		}
	}
	return nil
}

// lostFactors are the factors --factor names that the user has; it is an
// error when they have none of them.
func lostFactors(f userFacts, factor string) ([]*state.Factor, error) {
	name := f.user.Username
	has := map[*state.Factor]bool{
		state.TOTP:  f.enabled(state.TOTP) || f.authenticator() == "registered",
		state.SMS:   f.enabled(state.SMS),
		state.Email: f.enabled(state.Email),
	}
	switch factor {
	case FactorTOTP:
		if !has[state.TOTP] {
			if strings.HasPrefix(f.authenticator(), "unknown") {
				return nil, fmt.Errorf("%s has TOTP off, and whether an authenticator is registered cannot be read (%s); nothing to reset", name, f.why)
			}
			return nil, fmt.Errorf("%s has no TOTP registered; nothing to reset", name)
		}
		return []*state.Factor{state.TOTP}, nil
	case FactorSMS:
		if !has[state.SMS] {
			return nil, fmt.Errorf("%s has no SMS MFA enabled; nothing to reset", name)
		}
		return []*state.Factor{state.SMS}, nil
	case FactorEmail:
		if !has[state.Email] {
			return nil, fmt.Errorf("%s has no email MFA enabled; nothing to reset", name)
		}
		return []*state.Factor{state.Email}, nil
	}
	var lost []*state.Factor
	for _, factor := range []*state.Factor{state.TOTP, state.SMS, state.Email} {
		if has[factor] {
			lost = append(lost, factor)
		}
	}
	if len(lost) == 0 {
		return nil, fmt.Errorf("%s has no MFA factor enabled or registered; nothing to reset", name)
	}
	return lost, nil
}

// planUser builds one user's steps and notes. It is pure: the pool's
// configuration and what was read of the user decide everything.
func planUser(cfg state.PoolConfig, f userFacts, opts ResetOptions) (*UserReset, error) {
	name := f.user.Username
	ur := &UserReset{Username: name, Before: f.state(), Steps: []ResetStep{}, Calls: []CallResult{}}
	lost, err := lostFactors(f, opts.Factor)
	if err != nil {
		return nil, err
	}
	other := f.otherFactor(cfg, lost)
	on := cfg.MfaConfiguration == state.ModeOn
	labels := make([]string, len(lost))
	for i, l := range lost {
		labels[i] = l.Label
	}
	lostText := strings.Join(labels, " and ")

	// The lost factors off, another one preferred: one preference call.
	// TOTP is left out of it when its authenticator is deleted first
	// (Cognito refuses a TOTP block once none is registered).
	prefer := func(withTOTP bool) *state.UserSettings {
		s := &state.UserSettings{}
		for _, l := range lost {
			if l == state.TOTP && !withTOTP {
				continue
			}
			if l.Attribute != "" && !l.HasAttribute(f.user) {
				continue // Cognito refuses a block the user has no address for
			}
			l.SetUser(s, &state.FactorSettings{})
		}
		if other != nil {
			other.SetUser(s, &state.FactorSettings{Enabled: true, PreferredMfa: true})
		}
		if *s == (state.UserSettings{}) {
			return nil
		}
		return s
	}
	preferReason := func(s *state.UserSettings) string {
		var off []string
		for _, l := range lost {
			if fs := l.User(*s); fs != nil && !fs.Enabled {
				off = append(off, l.Label)
			}
		}
		var parts []string
		if len(off) > 0 {
			parts = append(parts, "turn "+strings.Join(off, " and ")+" off for "+name)
		}
		if other != nil {
			parts = append(parts, fmt.Sprintf("make %s %s's preferred factor, so that sign-in asks for %s", other.Label, name, codeBy(other)))
		}
		return strings.Join(parts, " and ")
	}
	alreadyMoved := other != nil && f.enabled(other) && preferredIs(f.user.Settings, other)

	if slices.Contains(lost, state.TOTP) {
		del := ResetStep{Call: CallDeleteSoftwareToken, Reason: "remove " + name + "'s lost authenticator and any TOTP preference; they can register a new one"}
		if other != nil || !on {
			s := prefer(true)
			del.IfRefused = &ResetStep{Call: CallSetPreference, Settings: s, Reason: preferReason(s)}
		} else {
			del.NoPathIfRefused = fmt.Sprintf("Cognito offers no admin path: under MFA ON, with no other factor %s can receive, "+
				"turning TOTP off does not stop the TOTP challenge. Options: allow cognito-idp:AdminDeleteSoftwareToken; "+
				"or give %s an email address or phone number the pool can send codes to, then run reset-mfa again; "+
				"or have %s register a new authenticator while signed in (mfactl totp enroll)", name, name, name)
		}
		ur.Steps = append(ur.Steps, del)
	}
	onlyTOTP := len(lost) == 1 && lost[0] == state.TOTP
	if s := prefer(false); s != nil && !(onlyTOTP && alreadyMoved) {
		ur.Steps = append(ur.Steps, ResetStep{Call: CallSetPreference, Settings: s, Reason: preferReason(s)})
	}

	// What the next sign-in does, said before asking.
	switch {
	case other != nil:
		ur.Notes = append(ur.Notes, fmt.Sprintf("Next sign-in: %s is asked for %s.", name, codeBy(other)))
	case on && onlyTOTP:
		ur.Notes = append(ur.Notes, fmt.Sprintf("Next sign-in: under MFA ON with no other factor, %s gets MFA_SETUP: whoever holds the password can register a new authenticator.", name))
		if !opts.ResetPassword || !opts.SignOut {
			ur.Notes = append(ur.Notes, "Recommended: --reset-password and --sign-out, so that only the user, with a fresh password, can register it.")
		}
	case on:
		ur.Notes = append(ur.Notes, fmt.Sprintf("Next sign-in: under MFA ON, Cognito still requires MFA from %s and, with no other factor, sends the code to the email address or phone number on file (%s: the lost one), or asks for MFA_SETUP when there is none. "+
			"Cognito has no MFA call that stops this: give %s a new address first (aws cognito-idp admin-update-user-attributes), or have them register an authenticator while signed in (mfactl totp enroll).", name, lostText, name))
		if opts.ResetPassword {
			ur.Notes = append(ur.Notes, "Note: --reset-password sends the reset code to a verified email address or phone number: the lost one, unless it was changed.")
		}
	default:
		ur.Notes = append(ur.Notes, fmt.Sprintf("Next sign-in: under MFA %s, %s signs in with the password alone until they set up a factor again.", cfg.MfaConfiguration, name))
	}

	remembered := ur.Before.RememberedDevices
	if opts.ForgetDevices {
		for _, key := range remembered {
			ur.Steps = append(ur.Steps, ResetStep{Call: CallForgetDevice, DeviceKey: key, Reason: "a remembered device skips MFA"})
		}
	} else if len(remembered) > 0 {
		ur.Notes = append(ur.Notes, fmt.Sprintf("%s has %d remembered device(s), which skip MFA: add --forget-devices to forget them.", name, len(remembered)))
	}
	if opts.ResetPassword {
		ur.Steps = append(ur.Steps, ResetStep{Call: CallResetPassword, Reason: "deactivate the password (RESET_REQUIRED); Cognito sends " + name + " a reset code"})
	}
	if opts.SignOut {
		ur.Steps = append(ur.Steps, ResetStep{Call: CallGlobalSignOut, Reason: "revoke every token " + name + " holds, last, so that no session outlives the reset"})
	}
	return ur, nil
}

func preferredIs(s state.UserSettings, f *state.Factor) bool {
	fs := f.User(s)
	return fs != nil && fs.PreferredMfa
}

func codeBy(f *state.Factor) string {
	switch f {
	case state.Email:
		return "a code by email"
	case state.SMS:
		return "a code by SMS"
	}
	return "a code from their authenticator app"
}

// crossCheck says which of the files' declarations would give a user back
// a factor this reset removes.
func crossCheck(d state.Desired, p *ResetPlan) []string {
	var notes []string
	for _, dp := range d.Pools {
		if dp.UserPoolId != p.UserPoolId {
			continue
		}
		for _, ur := range p.Users {
			lost := lostOf(p.Factor, ur)
			for _, du := range dp.Users {
				if du.Username != ur.Username {
					continue
				}
				for _, f := range lost {
					fs := f.User(du.Settings)
					if fs == nil || !fs.Enabled {
						continue
					}
					pos, ok := du.DeclaredAt(f.UserBlock)
					if !ok {
						pos = du.Pos
					}
					notes = append(notes, fmt.Sprintf("%s:%d:%d declares %s with %s enabled: %s", pos.File, pos.Line, pos.Column, ur.Username, f.Label, nextPlan(f, ur.Username)))
				}
			}
			for _, pol := range dp.Policies {
				for _, f := range lost {
					if fs := f.User(pol.Settings); fs != nil && fs.Enabled {
						pos := pol.Pos
						notes = append(notes, fmt.Sprintf("%s:%d:%d: policy %s gives %s to the users it selects; if it selects %s: %s", pos.File, pos.Line, pos.Column, pol.Name, f.Label, ur.Username, nextPlan(f, ur.Username)))
					}
				}
			}
		}
	}
	return notes
}

func lostOf(factor string, ur *UserReset) []*state.Factor {
	switch factor {
	case FactorTOTP:
		return []*state.Factor{state.TOTP}
	case FactorSMS:
		return []*state.Factor{state.SMS}
	case FactorEmail:
		return []*state.Factor{state.Email}
	}
	return []*state.Factor{state.TOTP, state.SMS, state.Email}
}

func nextPlan(f *state.Factor, name string) string {
	if f == state.TOTP {
		return fmt.Sprintf("the next plan will want TOTP on for %s again, and Cognito refuses it until they register a new authenticator (apply counts %s ineligible until then); keep the file if they will enrol again, else change it", name, name)
	}
	return fmt.Sprintf("the next plan will turn %s back on for %s (the lost one); change the file before the next apply", f.Label, name)
}

// ResetHooks report a reset's progress; any may be nil.
type ResetHooks struct {
	// Call is told each call's result as it ends (concurrently for
	// different users).
	Call func(username string, r CallResult)
}

// ExecuteReset makes the plan's calls, user by user in order (each call
// paced by the client at its quota), then reads each user again. A failed
// call stops that user's remaining steps; other users go on. An interrupt
// stops before the next call: what was done is in the users' Calls. It
// returns the outcome.
func (s *Session) ExecuteReset(ctx context.Context, p *ResetPlan, hooks ResetHooks) (string, error) {
	c, err := s.recovery(ctx)
	if err != nil {
		return OutcomeFailed, err
	}
	var mu sync.Mutex
	failed, interrupted := false, false
	_ = eachUser(context.WithoutCancel(ctx), len(p.Users), func(i int) error {
		userFailed, userInterrupted := s.resetUser(ctx, c, p.UserPoolId, p.Users[i], hooks)
		mu.Lock()
		defer mu.Unlock()
		failed, interrupted = failed || userFailed, interrupted || userInterrupted
		return nil
	})
	if !interrupted {
		s.readAfter(ctx, c, p)
	}
	switch {
	case interrupted:
		return OutcomeInterrupted, ctx.Err()
	case failed:
		return OutcomeFailed, errors.New("some calls failed; see each user's calls")
	}
	return OutcomeDone, nil
}

// resetUsersAtOnce is how many users a reset reads or changes at once;
// each user's calls stay in order. The client paces every call at its
// quota, so this only has to cover the latency.
const resetUsersAtOnce = 16

// eachUser runs fn for 0..n-1, resetUsersAtOnce at a time, and returns the
// error of the lowest index that failed; after a failure or the end of
// ctx it starts no more.
func eachUser(ctx context.Context, n int, fn func(i int) error) error {
	errs := make([]error, n)
	var (
		wg     sync.WaitGroup
		failed atomic.Bool
	)
	next := make(chan int)
	for range min(resetUsersAtOnce, n) {
		wg.Go(func() {
			for i := range next {
				if errs[i] = fn(i); errs[i] != nil {
					failed.Store(true)
				}
			}
		})
	}
	for i := 0; i < n && !failed.Load() && ctx.Err() == nil; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return ctx.Err()
}

// resetUser makes one user's calls in order; a failed call stops the
// rest, and so does an interrupt. It reports whether a call failed and
// whether it was interrupted.
func (s *Session) resetUser(ctx context.Context, c Recovery, poolID string, ur *UserReset, hooks ResetHooks) (failed, interrupted bool) {
	stopped := false
	for _, step := range ur.Steps {
		r := CallResult{Call: step.Call, Reason: step.Reason, DeviceKey: step.DeviceKey, Result: ResultNotSent}
		if stopped || ctx.Err() != nil {
			interrupted = interrupted || ctx.Err() != nil
			ur.Calls = append(ur.Calls, r)
			continue
		}
		err := makeStep(ctx, c, poolID, ur.Username, step)
		if err != nil && step.IfRefused != nil && deniedOrUnknown(err) {
			r.Result, r.Error = ResultFailed, errorText(err)+" (denied or unknown: falling back)"
			ur.Calls = append(ur.Calls, r)
			hook(hooks, ur.Username, r)
			step = *step.IfRefused
			r = CallResult{Call: step.Call, Reason: step.Reason}
			err = makeStep(ctx, c, poolID, ur.Username, step)
		} else if err != nil && step.NoPathIfRefused != "" && deniedOrUnknown(err) {
			err = fmt.Errorf("%w. %s", err, step.NoPathIfRefused)
		}
		switch {
		case err == nil:
			r.Result = ResultOK
		case ctx.Err() != nil && errors.Is(err, ctx.Err()):
			interrupted = true
			r.Result = ResultNotSent
		default:
			r.Result, r.Error, stopped, failed = ResultFailed, err.Error(), true, true
		}
		ur.Calls = append(ur.Calls, r)
		hook(hooks, ur.Username, r)
	}
	return failed, interrupted
}

func hook(h ResetHooks, username string, r CallResult) {
	if h.Call != nil {
		h.Call(username, r)
	}
}

func makeStep(ctx context.Context, c Recovery, poolID, username string, step ResetStep) error {
	switch step.Call {
	case CallDeleteSoftwareToken:
		return c.AdminDeleteSoftwareToken(ctx, poolID, username)
	case CallSetPreference:
		return c.AdminSetUserMFAPreference(ctx, poolID, username, *step.Settings)
	case CallForgetDevice:
		return c.ForgetDevice(ctx, poolID, username, step.DeviceKey)
	case CallResetPassword:
		return c.ResetPassword(ctx, poolID, username)
	case CallGlobalSignOut:
		return c.GlobalSignOut(ctx, poolID, username)
	}
	return fmt.Errorf("unknown reset call %s", step.Call)
}

// readAfter reads each user again for the audit record; a failed read
// leaves After nil and says so in the notes.
func (s *Session) readAfter(ctx context.Context, c Recovery, p *ResetPlan) {
	live, err := c.ReadLive(ctx, state.ReadSet{p.UserPoolId: names(p.Users)}, nil)
	_ = eachUser(ctx, len(p.Users), func(i int) error {
		ur := p.Users[i]
		var u *state.LiveUser
		if err == nil && live.Pools[p.UserPoolId] != nil {
			u = live.Pools[p.UserPoolId].Users[ur.Username]
		}
		if u == nil {
			ur.Notes = append(ur.Notes, "Could not read the user back after the reset.")
			return nil
		}
		facts, ferr := readUserFacts(ctx, c, p.UserPoolId, u)
		if ferr != nil {
			ur.Notes = append(ur.Notes, "Could not read the user back after the reset: "+ferr.Error())
			return nil
		}
		after := facts.state()
		ur.After = &after
		return nil
	})
}

func names(users []*UserReset) []string {
	out := make([]string, len(users))
	for i, u := range users {
		out[i] = u.Username
	}
	return out
}

// Audit builds the run's audit record: who from c (never a secret).
func (s *Session) Audit(ctx context.Context, p *ResetPlan, outcome string) AuditRecord {
	rec := AuditRecord{FormatVersion: AuditFormatVersion, Time: s.now().UTC(), Pool: p.UserPoolId, Factor: p.Factor, Reason: p.Reason, Ticket: p.Ticket,
		Users: p.Users, Outcome: outcome, Who: "unknown", WhoFrom: WhoFromUnknown}
	rec.Options.SignOut, rec.Options.ForgetDevices = p.options.SignOut, p.options.ForgetDevices
	rec.Options.ResetPassword, rec.Options.DryRun = p.options.ResetPassword, p.options.DryRun
	if c, err := s.recovery(ctx); err == nil {
		if caller, err := c.Caller(context.WithoutCancel(ctx)); err == nil {
			switch {
			case caller.ARN != "":
				rec.Who, rec.WhoFrom = caller.ARN, WhoFromCaller
			case caller.AccessKeyID != "":
				rec.Who, rec.WhoFrom = caller.AccessKeyID, WhoFromAccessKey
			}
		}
	}
	return rec
}
