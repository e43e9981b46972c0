package usecase

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"slices"
	"sort"
	"strings"

	"github.com/mfactl/mfactl/internal/diag"
	"github.com/mfactl/mfactl/internal/state"
	"github.com/mfactl/mfactl/plan"
)

// The states a report counts users by. Each user is counted once: legacy
// MFAOptions and unknown settings first (what Cognito shows cannot be
// trusted), then by the strongest factor enabled (TOTP, then email, then
// SMS), then no factor at all.
const (
	StateNoMFA            = "NoMFA"
	StateSMSOnly          = "SMSOnly"
	StateTOTP             = "TOTP"
	StateEmail            = "Email"
	StateLegacyMFAOptions = "LegacyMFAOptions"
	StateUnknown          = "Unknown"
)

// ReportStates lists the states in the order reports show them.
var ReportStates = []string{StateNoMFA, StateSMSOnly, StateTOTP, StateEmail, StateLegacyMFAOptions, StateUnknown}

// NoPreferredFactor is the Preferred count of users who prefer no factor.
const NoPreferredFactor = "None"

// ReportOptions say what to report on: the pools and selections of files,
// or one whole pool (optionally one group or filter).
type ReportOptions struct {
	Files []string
	Stdin io.Reader

	UserPoolId    string
	Group, Filter string

	// ReadProgress, if set, is told how far reading has got; total grows
	// as listings find users.
	ReadProgress func(done, total int)
	// CheckpointDir and Resume are PlanOptions'.
	CheckpointDir string
	Resume        bool
}

// Report is the MFA state of pools' users: read-only, from Cognito.
type Report struct {
	Pools       []PoolReport
	Diagnostics diag.List
	// Interrupted: reading stopped early (Ctrl-C); the report holds the
	// users read until then. Resume says how to go on from the reads kept
	// (--resume), when they are.
	Interrupted bool
	Resume      string
}

// PoolReport is one pool's part of a report.
type PoolReport struct {
	UserPoolId       string
	MfaConfiguration state.Mode
	// Factors are the factors the pool offers, by label.
	Factors []string
	// Selection says which users were read: "AllUsers", "Group admins",
	// "Filter ..." or, with files, what the files name and select.
	Selection string
	// Listed counts the users listed; Read those read (fewer when interrupted).
	Listed, Read int
	// Counts are the users by state (ReportStates), Preferred by the
	// factor they prefer (a label, or None).
	Counts    map[string]int
	Preferred map[string]int
	// UsersWithoutMfa are the users in state NoMFA, by name.
	UsersWithoutMfa []string
	// Unknown are the users in state Unknown, with why.
	Unknown []UnknownUser `json:",omitempty"`
	// Unreadable lists what Cognito answered for the pool that mfactl
	// cannot read: its configuration is not fully known.
	Unreadable []string `json:",omitempty"`
	// Violations are the users a policy of the files covers who do not
	// comply, and why.
	Violations []Violation
	// Users is every user read, by name, for the per-user forms (CSV).
	Users UserRows `json:"-"`
	// Posture is what besides the MFA mode decides whether a sign-in is
	// challenged for MFA.
	Posture PostureReport
}

// PostureReport is a pool's MFA posture as read.
type PostureReport struct {
	Tier             string // LITE | ESSENTIALS | PLUS; "" if Cognito did not say
	ThreatProtection string // OFF | AUDIT | ENFORCED
	// DeviceRemembering is "off", "always" or "user opt-in", with
	// ", remembered devices skip MFA" when they do.
	DeviceRemembering string
	// FirstAuthFactors is the sign-in policy (empty: Cognito did not say).
	FirstAuthFactors []string
	// RiskActions are the risk configurations read: the pool's (Client
	// empty) and those of the app clients the files name.
	RiskActions []ClientRiskActions `json:",omitempty"`
}

// ClientRiskActions is one risk configuration's actions by risk level.
type ClientRiskActions struct {
	Client                 string `json:",omitempty"`
	Low, Medium, High      string `json:",omitempty"`
	CompromisedCredentials string `json:",omitempty"`
}

// postureReport summarises a live posture.
func postureReport(p state.Posture) PostureReport {
	r := PostureReport{Tier: p.UserPoolTier, ThreatProtection: p.ThreatProtection(), DeviceRemembering: "off", FirstAuthFactors: []string{}}
	if d := p.DeviceConfiguration; d != nil {
		r.DeviceRemembering = "always"
		if d.DeviceOnlyRememberedOnUserPrompt {
			r.DeviceRemembering = "user opt-in"
		}
		if d.ChallengeRequiredOnNewDevice {
			r.DeviceRemembering += ", remembered devices skip MFA"
		}
	}
	if s := p.SignInPolicy; s != nil {
		r.FirstAuthFactors = append(r.FirstAuthFactors, s.AllowedFirstAuthFactors...)
	}
	for _, cr := range p.Risks() {
		a := ClientRiskActions{Client: cr.ClientId}
		if at := cr.RiskConfiguration.AccountTakeoverRiskConfiguration; at != nil {
			for _, l := range at.Actions.Levels() {
				if l.Action == nil {
					continue
				}
				switch l.Name {
				case "LowAction":
					a.Low = l.Action.EventAction
				case "MediumAction":
					a.Medium = l.Action.EventAction
				case "HighAction":
					a.High = l.Action.EventAction
				}
			}
		}
		if cc := cr.RiskConfiguration.CompromisedCredentialsRiskConfiguration; cc != nil {
			a.CompromisedCredentials = cc.Actions.EventAction
		}
		r.RiskActions = append(r.RiskActions, a)
	}
	return r
}

// UnknownUser is a user whose MFA settings Cognito cannot confirm.
type UnknownUser struct {
	Username string
	Reason   string
}

// Violation is a user a policy covers who does not comply with it.
type Violation struct {
	Username string
	Policy   string
	Reason   string
}

// UserReport is one user's line of a report.
type UserReport struct {
	Username  string
	State     string
	Preferred string
	Enabled   []string // factor labels
	Reason    string   // why the state is Unknown or LegacyMFAOptions
}

// HasFindings reports whether any user lacks MFA or violates a policy.
func (r *Report) HasFindings() bool {
	for _, p := range r.Pools {
		if len(p.UsersWithoutMfa) > 0 || len(p.Violations) > 0 {
			return true
		}
	}
	return false
}

// reportPolicy names the selection of a report on a whole pool.
const reportPolicy = "report"

// Report reads the pools and users opts names and counts their MFA state.
// Invalid files stop it before any API call (Report.Diagnostics). When ctx
// ends while users are read, it returns what was read with Interrupted set
// and ctx's error.
func (s *Session) Report(ctx context.Context, opts ReportOptions) (*Report, error) {
	rep := &Report{}
	var desired state.Desired
	fromFiles := len(opts.Files) > 0
	if fromFiles {
		d, diags, err := loadFiles(ctx, opts.Files, opts.Stdin)
		if err != nil {
			return nil, err
		}
		if diags.HasErrors() {
			rep.Diagnostics = diags
			return rep, nil
		}
		rep.Diagnostics = diags
		desired = d
	} else {
		sel := state.Selection{AllUsers: true}
		switch {
		case opts.Group != "":
			sel = state.Selection{Group: opts.Group}
		case opts.Filter != "":
			sel = state.Selection{Filter: opts.Filter}
		}
		desired = state.Desired{Pools: []state.DesiredPool{{UserPoolId: opts.UserPoolId,
			Policies: []state.Policy{{Name: reportPolicy, Select: sel}}}}}
	}
	client, err := s.cognito(ctx, nil)
	if err != nil {
		return nil, err
	}
	ckpt, err := openCheckpointFor("report", opts.CheckpointDir, opts.Resume, desired, s.now())
	if err != nil {
		return nil, err
	}
	rep, err = s.reportWith(ctx, client, desired, fromFiles, rep, opts, ckpt)
	if err != nil {
		err = ckpt.stop("report", err)
		var resumable *ResumableError
		if rep != nil && errors.As(err, &resumable) {
			rep.Resume = resumable.Hint()
		}
		return rep, err
	}
	return rep, ckpt.close(true)
}

// reportWith is Report once the files are loaded, with the client and the
// checkpoint (nil: none) of the reads.
func (s *Session) reportWith(ctx context.Context, client Cognito, desired state.Desired, fromFiles bool, rep *Report, opts ReportOptions, ckpt *checkpoint) (*Report, error) {
	base := 0
	progress := opts.ReadProgress
	if progress != nil {
		progress = func(done, total int) { base = total; opts.ReadProgress(done, total) }
	}
	live, err := client.ReadLive(ctx, desired.ReadSet(), progress)
	if err != nil {
		return nil, fmt.Errorf("reading live state: %w", err)
	}
	for _, dp := range desired.Pools {
		lp := live.Pools[dp.UserPoolId]
		if lp == nil || !lp.Exists || lp.Posture.ThreatProtection() == state.ThreatProtectionOff {
			continue // risk configurations exist only with threat protection
		}
		_, clients := plan.ReadRiskOf(dp.Posture)
		if err := client.ReadRisk(ctx, lp, true, clients); err != nil {
			return nil, fmt.Errorf("reading live state: %w", err)
		}
	}
	for _, dp := range desired.Pools {
		if lp := live.Pools[dp.UserPoolId]; lp != nil && !lp.Exists {
			return nil, fmt.Errorf("user pool %s does not exist (check the ID, and the AWS account and Region mfactl uses)", dp.UserPoolId)
		}
	}
	// Each user is tallied as it is read and let go: a report keeps of a
	// user only what it prints (userRow). The users the files name were
	// read with the pool.
	tallies := map[string]*poolTally{}
	for _, dp := range desired.Pools {
		t := &poolTally{}
		tallies[dp.UserPoolId] = t
		named := map[string]bool{}
		for _, u := range dp.Users {
			if lu := live.Pools[dp.UserPoolId].Users[u.Username]; lu != nil && !named[u.Username] {
				named[u.Username] = true
				t.add(lu)
			}
		}
	}
	streamed, readErr := readSelections(ctx, client, desired, live, base, opts.ReadProgress, readOptions{
		checkpoint: ckpt,
		// With files, the users out of step with a policy are kept, for
		// the plan whose changes are the violations; without, none is.
		stream: true, forget: !fromFiles,
		observe: func(poolID string, lu *state.LiveUser) { tallies[poolID].add(lu) },
	})
	switch {
	case readErr != nil && ctx.Err() != nil:
		rep.Interrupted = true
	case readErr != nil:
		return nil, fmt.Errorf("reading live state: %w", readErr)
	}

	var p *plan.Plan
	if fromFiles && !rep.Interrupted {
		p = plan.Build(desired, live, plan.Options{})
		rep.Diagnostics = append(rep.Diagnostics, p.Diagnostics...)
		rep.Diagnostics.Sort()
	}
	for _, dp := range desired.Pools {
		unnamed := 0
		if ss := streamed[dp.UserPoolId]; ss != nil {
			unnamed = ss.unnamed
		}
		rep.Pools = append(rep.Pools, poolReport(dp, live.Pools[dp.UserPoolId], p, fromFiles, tallies[dp.UserPoolId], unnamed))
	}
	sort.Slice(rep.Pools, func(i, j int) bool { return rep.Pools[i].UserPoolId < rep.Pools[j].UserPoolId })
	if rep.Interrupted {
		return rep, ctx.Err()
	}
	return rep, nil
}

// poolReport counts one pool's users, tallied as they were read; unnamed
// are the users listed whom no selection of lp names (let go once read).
// p is the plan of the files (nil for a whole pool, or when interrupted):
// its policy users that change, or that are ineligible, are the
// violations.
func poolReport(dp state.DesiredPool, lp *state.LivePool, p *plan.Plan, fromFiles bool, tally *poolTally, unnamed int) PoolReport {
	pr := PoolReport{UserPoolId: dp.UserPoolId, MfaConfiguration: lp.Config.MfaConfiguration,
		Counts: map[string]int{}, Preferred: map[string]int{}, UsersWithoutMfa: []string{}, Violations: []Violation{},
		Posture:    postureReport(lp.Posture),
		Unreadable: lp.Unreadable}
	for _, f := range state.Factors {
		if on(f, lp.Config) {
			pr.Factors = append(pr.Factors, f.Label)
		}
	}
	for _, st := range ReportStates {
		pr.Counts[st] = 0
	}
	for _, label := range preferredLabels {
		pr.Preferred[label] = 0
	}

	// The users listed: those the files name, then those the selections
	// list, each once.
	listed := map[string]bool{}
	var what []string
	if fromFiles && len(dp.Users) > 0 {
		what = append(what, "users named in the files")
	}
	for _, u := range dp.Users {
		listed[u.Username] = true
	}
	for _, pol := range dp.Policies {
		if pol.Name == reportPolicy && !fromFiles {
			what = append(what, pol.Select.String())
		} else {
			what = append(what, "policy "+pol.Name+" ("+pol.Select.String()+")")
		}
		if sel := lp.Selections[pol.Name]; sel != nil {
			for _, n := range sel.Usernames {
				listed[n] = true
			}
		}
	}
	pr.Selection = strings.Join(what, ", ")
	pr.Listed = len(listed) + unnamed

	pr.Users = tally.sorted()
	pr.Read = len(pr.Users.rows)
	withoutMfa := 0
	for _, row := range pr.Users.rows {
		pr.Counts[ReportStates[row.state]]++
		pr.Preferred[preferredLabels[row.preferred]]++
		if ReportStates[row.state] == StateNoMFA {
			withoutMfa++
		}
	}
	pr.UsersWithoutMfa = make([]string, 0, withoutMfa)
	for _, row := range pr.Users.rows {
		switch ReportStates[row.state] {
		case StateNoMFA:
			pr.UsersWithoutMfa = append(pr.UsersWithoutMfa, row.name) // the row's string, not a copy
		case StateUnknown:
			pr.Unknown = append(pr.Unknown, UnknownUser{row.name, pr.Users.reasons[row.reason]})
		}
	}
	if p != nil {
		pr.Violations = violations(p, dp.UserPoolId)
	}
	return pr
}

// preferredLabels are the values of a user's Preferred: a factor's label,
// or NoPreferredFactor.
var preferredLabels = func() []string {
	var labels []string
	for _, f := range state.MFAFactors {
		labels = append(labels, f.Label)
	}
	return append(labels, NoPreferredFactor)
}()

// userRow is what a report keeps of a user it read: its name and, as
// small numbers, its state (in ReportStates), preferred factor (in
// preferredLabels), factors enabled (bit i: state.MFAFactors[i]) and reason
// (in its UserRows' reasons): 24 bytes beside the name.
type userRow struct {
	name                      string
	state, preferred, enabled uint8
	reason                    uint32
}

// UserRows are the users of a pool a report read, by name; each row costs
// a few bytes beside the user's name, so that a report of a large pool
// holds its users' names and little more.
type UserRows struct {
	rows    []userRow
	reasons []string // the reasons rows name; 0 is none
}

// Len is how many users were read.
func (u UserRows) Len() int { return len(u.rows) }

// All yields each user's line, by name.
func (u UserRows) All() iter.Seq[UserReport] {
	return func(yield func(UserReport) bool) {
		for _, row := range u.rows {
			ur := UserReport{Username: row.name, State: ReportStates[row.state], Preferred: preferredLabels[row.preferred], Reason: u.reasons[row.reason]}
			for i, f := range state.MFAFactors {
				if row.enabled&(1<<i) != 0 {
					ur.Enabled = append(ur.Enabled, f.Label)
				}
			}
			if !yield(ur) {
				return
			}
		}
	}
}

// poolTally collects a pool's users as they are read. A user deleted
// since listed is not counted.
type poolTally struct {
	rows     []userRow
	reasons  []string
	reasonAt map[string]uint32
}

// add tallies one user read.
func (t *poolTally) add(lu *state.LiveUser) {
	if !lu.Exists {
		return
	}
	ur := classify(lu)
	row := userRow{name: lu.Username, state: uint8(slices.Index(ReportStates, ur.State)),
		preferred: uint8(slices.Index(preferredLabels, ur.Preferred)), reason: t.intern(ur.Reason)}
	for i, f := range state.MFAFactors {
		if slices.Contains(ur.Enabled, f.Label) {
			row.enabled |= 1 << i
		}
	}
	t.rows = append(t.rows, row)
}

// intern numbers a reason, so that the users who share one share its text.
func (t *poolTally) intern(reason string) uint32 {
	if t.reasonAt == nil {
		t.reasons, t.reasonAt = []string{""}, map[string]uint32{"": 0}
	}
	i, ok := t.reasonAt[reason]
	if !ok {
		i = uint32(len(t.reasons))
		t.reasons = append(t.reasons, reason)
		t.reasonAt[reason] = i
	}
	return i
}

// sorted returns the rows tallied, by name, as reports list users.
func (t *poolTally) sorted() UserRows {
	slices.SortFunc(t.rows, func(a, b userRow) int { return strings.Compare(a.name, b.name) })
	t.intern("") // a pool with no user still has the empty reason
	return UserRows{rows: t.rows, reasons: t.reasons}
}

// on reports whether the pool offers factor f.
func on(f *state.Factor, c state.PoolConfig) bool {
	present, enabled := f.PoolEnabled(c)
	if f.AnswersChallenge {
		return enabled && c.MfaConfiguration != state.ModeOff
	}
	return present
}

// classify puts a user in one state.
func classify(lu *state.LiveUser) UserReport {
	ur := UserReport{Username: lu.Username, Preferred: NoPreferredFactor}
	for _, f := range state.MFAFactors {
		v := f.User(lu.Settings)
		if v == nil || !v.Enabled {
			continue
		}
		ur.Enabled = append(ur.Enabled, f.Label)
		if v.PreferredMfa {
			ur.Preferred = f.Label
		}
	}
	enabled := func(f *state.Factor) bool {
		v := f.User(lu.Settings)
		return v != nil && v.Enabled
	}
	switch {
	case len(lu.Unreadable) > 0:
		ur.State, ur.Reason = StateUnknown, "not fully readable: Cognito's answer holds "+strings.Join(lu.Unreadable, ", ")+", which mfactl cannot read; upgrade mfactl"
	case lu.LegacySMS:
		ur.State, ur.Reason = StateLegacyMFAOptions, lu.Unknown
	case lu.Unknown != "":
		ur.State, ur.Reason = StateUnknown, lu.Unknown
	case enabled(state.TOTP):
		ur.State = StateTOTP
	case enabled(state.Email):
		ur.State = StateEmail
	case enabled(state.SMS):
		ur.State = StateSMSOnly
	default:
		ur.State = StateNoMFA
	}
	return ur
}

// violations are the users of a pool's policies who do not comply: those
// the plan would change, and those who cannot take the policy's factor.
func violations(p *plan.Plan, poolID string) []Violation {
	out := []Violation{}
	if p.Diagnostics.HasErrors() {
		return out // the diagnostics say why nothing could be planned
	}
	for _, pc := range p.Pools {
		if pc.UserPoolId != poolID {
			continue
		}
		calls := map[string]plan.Call{}
		for _, c := range p.Calls {
			if c.UserPoolId == poolID && c.Username != "" {
				calls[c.Username] = c
			}
		}
		for _, uc := range pc.Users {
			if uc.Policy == "" {
				continue
			}
			out = append(out, Violation{Username: uc.Username, Policy: uc.Policy, Reason: "not yet applied: " + changeText(uc, calls[uc.Username])})
		}
		for _, o := range pc.Policies {
			for _, u := range o.IneligibleUsers {
				out = append(out, Violation{Username: u.Username, Policy: o.Name, Reason: "ineligible: " + u.Reason})
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Username != out[j].Username {
			return out[i].Username < out[j].Username
		}
		return out[i].Policy < out[j].Policy
	})
	return out
}

// changeText says what a policy would change for a user.
func changeText(uc plan.UserChange, c plan.Call) string {
	if c.UserRequest == nil {
		return "settings differ"
	}
	var parts []string
	for _, f := range state.MFAFactors {
		if v := f.User(*c.UserRequest); v != nil {
			parts = append(parts, fmt.Sprintf("%s %s, wants %s", f.UserBlock, factorText(f.User(uc.Live), uc.Unknown != ""), factorText(v, false)))
		}
	}
	if c.Ineligible != "" {
		parts = append(parts, "Cognito may refuse TOTP if no authenticator is registered")
	}
	return strings.Join(parts, "; ")
}

func factorText(v *state.FactorSettings, unknown bool) string {
	switch {
	case unknown:
		return "unknown"
	case v == nil || !v.Enabled:
		return "off"
	case v.PreferredMfa:
		return "enabled, preferred"
	}
	return "enabled"
}
