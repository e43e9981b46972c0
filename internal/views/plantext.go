package views

import (
	"bufio"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/mfactl/mfactl/internal/diag"
	"github.com/mfactl/mfactl/internal/iostreams"
	"github.com/mfactl/mfactl/internal/operations"
	"github.com/mfactl/mfactl/internal/state"
	"github.com/mfactl/mfactl/internal/untrusted"
	"github.com/mfactl/mfactl/plan"
)

// RenderPlanText writes p for people, compactly: for each pool that
// changes, what changes (live -> desired), users that change alike grouped;
// then the calls summarised per pool and stage, the diagnostics (the same
// problem for many users said once) and a summary line. Secrets never
// appear: it shows only the plan's review form.
func RenderPlanText(w io.Writer, p *plan.Plan, style iostreams.Palette) error {
	return renderPlanText(w, p, style, textOptions{legend: true})
}

// RenderPlanTextVerbose is RenderPlanText with every user and every call
// and its request body (secrets masked).
func RenderPlanTextVerbose(w io.Writer, p *plan.Plan, style iostreams.Palette) error {
	return renderPlanText(w, p, style, textOptions{verbose: true, legend: true})
}

// textOptions choose how much a text plan shows, and how.
type textOptions struct {
	verbose, showUsers bool
	width              int  // diagnostics are wrapped to it; 0: not wrapped
	legend             bool // explain the symbols (once per output)
	callsMade          bool // see planText.callsMade
}

// legend says what the symbols before the changed fields mean.
const legend = "Symbols: ~ changes, + adds or turns on, - removes or turns off, ! a call Cognito may refuse"

func renderPlanText(w io.Writer, p *plan.Plan, style iostreams.Palette, o textOptions) error {
	bw := bufio.NewWriter(w)
	r := textRenderer{w: bw, s: style, users: newPoolUsers(p), verbose: o.verbose, showUsers: o.showUsers, width: o.width}
	if self := p.SelfService; self != nil {
		r.line(0, r.s.Dim(fmt.Sprintf("Self-service: user %s of user pool %s, as the access token's claims say (issuer %s; read, not verified: Cognito verifies the token on every call).",
			untrusted.Name(self.Username), self.UserPoolId, untrusted.Name(self.Issuer))))
		r.line(0, "")
	}
	if len(p.Partial) > 0 {
		r.line(0, style.Yellow("Partial plan: only --target "+strings.Join(p.Partial, ", ")+" was read and planned; the rest of the files was not."))
		r.line(0, "")
	}
	if !p.Diagnostics.HasErrors() {
		shown := false
		for _, pc := range p.Pools {
			if pc.InSync() {
				continue
			}
			if o.legend && !shown {
				r.line(0, r.s.Dim(legend))
				r.line(0, "")
			}
			shown = true
			r.pool(pc)
		}
		switch {
		case len(p.Calls) == 0:
		case o.verbose:
			r.calls(p.Calls)
		default:
			r.stages(p.Calls)
		}
	}
	r.reads(p.Reads)
	r.diagnostics(shownDiagnostics(p))
	if p.HasChanges() {
		r.ignored(p.Pools)
	}
	summary := PlanSummary(p)
	if o.callsMade && p.Diagnostics.HasErrors() {
		summary = strings.Replace(summary, "Nothing will be changed.", "Nothing more will be changed; the calls made before this check are in the apply summary.", 1)
	}
	fmt.Fprintln(bw, style.Bold(summary))
	return bw.Flush()
}

// reads says what planning asked of Cognito besides live state: always the
// AdminGetUserAuthFactors calls and why a default quota was used; with
// --verbose, the rate of every category too.
func (r textRenderer) reads(reads *plan.Reads) {
	if reads == nil {
		return
	}
	shown := false
	if a := reads.AuthFactors; a.Calls > 0 {
		r.line(0, r.s.Dim(fmt.Sprintf("AdminGetUserAuthFactors: %s (UserRead, paced) to tell whether users whose TOTP is enabled registered an authenticator app: %d did, %d did not.",
			Plural(a.Calls, "call"), a.Registered, a.NotRegistered)))
		shown = true
	}
	for _, note := range reads.AuthFactors.Notes {
		r.line(0, r.s.Yellow(note))
		shown = true
	}
	var rates []string
	for _, l := range reads.Limits {
		if l.Note != "" {
			r.line(0, r.s.Yellow(l.Note))
			shown = true
		}
		rates = append(rates, fmt.Sprintf("%s %s %g/s (%s)", l.Region, l.Category, l.RPS, l.Source))
	}
	if r.verbose && len(rates) > 0 {
		r.line(0, r.s.Dim("Request rates: "+strings.Join(rates, ", ")+"."))
		shown = true
	}
	if shown {
		r.line(0, "")
	}
}

// ignored says, next to a change, how many warnings each pool's Ignore
// silenced, so that none disappears without a trace.
func (r textRenderer) ignored(pools []plan.PoolChange) {
	for _, pc := range pools {
		var parts []string
		for _, code := range slices.Sorted(maps.Keys(pc.Ignored)) {
			parts = append(parts, fmt.Sprintf("%d %s", pc.Ignored[code], code))
		}
		if len(parts) > 0 {
			r.line(0, r.s.Dim(fmt.Sprintf("Ignored in user pool %s (Ignore): %s.", pc.UserPoolId, strings.Join(parts, ", "))))
			r.line(0, "")
		}
	}
}

type textRenderer struct {
	w         *bufio.Writer
	s         iostreams.Palette
	users     poolUsers
	verbose   bool
	showUsers bool
	width     int // wrap diagnostics to it; 0: not wrapped
}

type userKey struct{ poolID, username string }

func (r textRenderer) line(indent int, text string) {
	fmt.Fprintf(r.w, "%s%s\n", strings.Repeat(" ", indent), text)
}

// wrapped writes text wrapped to the renderer's width, each line coloured.
func (r textRenderer) wrapped(indent int, text string, colour func(string) string) {
	for _, l := range wrap(text, r.width, indent) {
		r.line(0, colour(l))
	}
}

func at(pos state.Pos) string {
	if pos.File == "" {
		return ""
	}
	return fmt.Sprintf("  # %s:%d:%d", untrusted.Name(pos.File), pos.Line, pos.Column)
}

func (r textRenderer) pool(pc plan.PoolChange) {
	r.line(0, r.s.Yellow("~ user pool "+pc.UserPoolId)+r.s.Dim(at(pc.Pos)))
	diff := pc.Diff()
	diffs := poolFieldDiffs(diff.Fields)
	for i, d := range diffs {
		r.line(4, r.symbolLine(d))
		if lastSmsLine(diffs, i) && keepsSmsRole(diff) {
			r.line(6, r.s.Dim("# "+smsRoleKept))
		}
	}
	for _, d := range diffPosture(pc.Posture) {
		r.line(4, r.symbolLine(d))
	}
	if m := pc.LegacyMigration; m != nil && m.Migrated > 0 {
		r.line(4, r.s.Yellow(fmt.Sprintf("~ LegacyMfaOptions: Migrate: %s with legacy SMS MFAOptions move to SMSMfaSettings, then their MFAOptions are cleared",
			Plural(m.Migrated, "user"))))
	}
	groups := r.users.groups(pc)
	if r.verbose || !anyLarge(groups) {
		for _, uc := range pc.Users {
			r.user(uc, r.users.lines(pc.UserPoolId, uc))
		}
	} else {
		for _, g := range groups {
			if len(g.Users) < groupAtLeast {
				for _, uc := range g.Users {
					r.user(uc, r.users.lines(pc.UserPoolId, uc))
				}
				continue
			}
			r.group(g)
		}
	}
	for _, o := range pc.Policies {
		r.policy(o)
	}
	if pc.UsersInSync > 0 {
		r.line(4, r.s.Dim(Plural(pc.UsersInSync, "declared user")+" in sync"))
	}
	r.line(0, "")
}

// policyNamesShown is how many users a policy's lists name without
// --show-users.
const policyNamesShown = 5

// names lists users: the first few and a count, or all with ShowUsers.
func (r textRenderer) names(users []string) string {
	if r.showUsers {
		return NameList(users, 0)
	}
	return NameList(users, policyNamesShown)
}

// policy summarises what one policy selected and what became of its users.
func (r textRenderer) policy(o plan.PolicyOutcome) {
	line := numbers.Sprintf("policy %s (%s): %s selected; it applies to %d: %d change, %d in sync", o.Name, o.Select, Plural(o.Selected, "user"), o.Applied, o.Changes, o.InSync)
	r.line(4, r.s.Dim(line+at(o.Pos)))
	if o.Uncertain > 0 {
		outcome := "a failed call"
		if o.Ineligible.Contains() {
			outcome = "ineligible, not a failure"
		}
		r.line(8, r.s.Dim(fmt.Sprintf("%s without an authenticator Cognito can show: TOTP may be refused; under Ineligible %s that counts as %s", Plural(o.Uncertain, "user"), o.Ineligible, outcome)))
	}
	if n := len(o.DeclaredByName); n > 0 {
		r.line(8, r.s.Dim(fmt.Sprintf("%s declared by name, whose entry wins: %s", Plural(n, "user"), r.names(o.DeclaredByName))))
	}
	for _, ov := range o.Overridden {
		r.line(8, r.s.Dim(fmt.Sprintf("%s also selected by policy %s, whose group has the lower Precedence, so it applies to them: %s", Plural(len(ov.Usernames), "user"), ov.By, r.names(ov.Usernames))))
	}
	if n := len(o.IneligibleUsers); n > 0 {
		names := make([]string, n)
		for i, u := range o.IneligibleUsers {
			names[i] = u.Username + " (" + u.Reason + ")"
		}
		r.line(8, r.s.Yellow(fmt.Sprintf("%s ineligible, left out: %s", Plural(n, "user"), r.names(names))))
	}
	if o.Skipped > 0 {
		r.line(8, r.s.Dim(fmt.Sprintf("%s ineligible, skipped (Ineligible: Skip)", Plural(o.Skipped, "user"))))
	}
}

func (r textRenderer) user(uc plan.UserChange, lines []fieldDiff) {
	heading := r.s.Yellow("~ user "+untrusted.Name(uc.Username)) + r.s.Dim(at(uc.Pos))
	if uc.Policy != "" {
		heading += r.s.Dim(" — policy " + uc.Policy)
	}
	if uc.Unknown != "" {
		heading += r.s.Dim(" (live settings unknown: " + uc.Unknown + ")")
	}
	r.line(4, heading)
	for _, d := range lines {
		r.line(8, r.symbolLine(d))
	}
}

func (r textRenderer) group(g *userGroup) {
	heading := r.s.Yellow("~ " + Plural(len(g.Users), "user"))
	if g.Label != "" {
		heading += r.s.Yellow(" (" + g.Label + ")")
	}
	if g.Unknown != "" {
		heading += r.s.Dim(" (live settings unknown: " + g.Unknown + ")")
	}
	r.line(4, heading)
	for _, d := range g.groupLines() {
		r.line(8, r.symbolLine(d))
	}
	if r.showUsers {
		r.line(8, r.s.Dim(g.namesUpTo(0)))
	} else {
		r.line(8, r.s.Dim(g.names()))
	}
}

func describeFactor(f *state.FactorSettings) string {
	switch {
	case f == nil || !f.Enabled:
		return "off"
	case f.PreferredMfa:
		return "enabled, preferred"
	default:
		return "enabled"
	}
}

func (r textRenderer) symbolLine(d fieldDiff) string {
	switch d.kind {
	case '!':
		return r.s.Yellow("! " + d.to)
	case '+':
		return r.s.Green(fmt.Sprintf("+ %s: %s", d.key, d.to))
	case '-':
		return r.s.Red(fmt.Sprintf("- %s: %s", d.key, d.from))
	default:
		if before, after, ok := multiLineChange(d.from, d.to); ok {
			return r.multiLineSymbolLine(d.key, before, after)
		}
		return r.s.Yellow(fmt.Sprintf("~ %s: %s -> %s", d.key, d.from, d.to))
	}
}

// multiLineSymbolLine shows a changed multi-line text as a line diff under
// its key, indented one step deeper than the key.
func (r textRenderer) multiLineSymbolLine(key, before, after string) string {
	var b strings.Builder
	b.WriteString(r.s.Yellow("~ " + key + ":"))
	for _, line := range textLineDiff(before, after) {
		b.WriteString("\n" + strings.Repeat(" ", 12))
		switch line[0] {
		case '-':
			b.WriteString(r.s.Red(line))
		case '+':
			b.WriteString(r.s.Green(line))
		default:
			b.WriteString(line)
		}
	}
	return b.String()
}

func (r textRenderer) calls(calls []plan.Call) {
	r.line(0, r.s.Cyan("Calls, in order (pools run independently; within a pool, each stage waits for the one before):"))
	width := len(strconv.Itoa(len(calls)))
	for i := 0; i < len(calls); i++ {
		c := calls[i]
		if n := migrationRun(calls[i:]); n > 1 {
			// LegacyMfaOptions: Migrate: one line for the run of calls.
			number := fmt.Sprintf("%*d-%d.", width, i+1, i+n)
			r.line(2, r.s.Cyan(fmt.Sprintf("%s %s %s, %s", number, c.Operation, c.UserPoolId, Plural(n, "user")))+r.s.Dim(fmt.Sprintf("  [stage %d: %s]", c.Stage, operations.StageName(c.Stage))))
			r.line(2+len(number)+1, r.s.Dim("# "+c.Reason))
			i += n - 1
			continue
		}
		target := c.UserPoolId
		if c.Username != "" {
			target += " " + untrusted.Name(c.Username)
		}
		number := fmt.Sprintf("%*d.", width, i+1)
		r.line(2, r.s.Cyan(fmt.Sprintf("%s %s %s", number, c.Operation, target))+r.s.Dim(fmt.Sprintf("  [stage %d: %s]", c.Stage, operations.StageName(c.Stage))))
		indent := 2 + len(number) + 1
		if c.Reason != "" {
			r.line(indent, r.s.Dim("# "+c.Reason))
		}
		body, err := requestYAML(c)
		if err != nil {
			body = "(cannot render the request: " + err.Error() + ")"
		}
		for _, l := range strings.Split(strings.TrimRight(body, "\n"), "\n") {
			r.line(indent, l)
		}
	}
	r.line(0, "")
}

// stages summarises the calls per pool and stage, in order: "stage 2: 200
// AdminSetUserMFAPreference", with the reason of a pool call.
func (r textRenderer) stages(calls []plan.Call) {
	r.line(0, r.s.Cyan("Calls (pools run independently; within a pool, each stage waits for the one before):"))
	for _, ps := range callStages(calls) {
		r.line(2, r.s.Cyan(ps.pool))
		for _, st := range ps.stages {
			text := fmt.Sprintf("stage %d: %s", st.stage, st.counts())
			line := r.s.Cyan(text)
			if st.reason != "" {
				line += r.s.Dim("  # " + st.reason)
			}
			r.line(4, line)
		}
	}
	r.line(2, r.s.Dim("(--verbose or -o json shows every call and its request)"))
	r.line(0, "")
}

func (r textRenderer) diagnostics(l diag.List) {
	plain := func(s string) string { return s }
	for _, g := range groupDiagnostics(l) {
		label, colour := "Warning:", r.s.Yellow
		if g.Severity == diag.Error {
			label, colour = "Error:", r.s.Red
		}
		lines := wrap(label+" "+untrusted.Line(g.Summary), r.width, 0)
		// The label keeps its colour; the summary is plain, as before wrapping.
		r.line(0, colour(label)+strings.TrimPrefix(lines[0], label))
		for _, l := range lines[1:] {
			r.line(0, l)
		}
		if len(g.members) > 1 {
			limit := groupNamesShown
			if r.showUsers {
				limit = 0
			}
			r.wrapped(2, "users: "+untrusted.Line(g.users(limit)), plain)
		}
		if w := where(g.Diagnostic); w != "" {
			if more := len(g.members) - 1; more > 0 {
				w += fmt.Sprintf(" and %s", Plural(more, "more place"))
			}
			r.wrapped(2, "at "+untrusted.Line(w), r.s.Dim)
		}
		if g.Detail != "" {
			r.wrapped(2, untrusted.Line(g.Detail), plain)
		}
		r.line(0, "")
	}
}

// requestYAML renders a call's request body (secret masked) as YAML, in
// the same field names the input files use, without the identifiers the
// call's heading already shows.
func requestYAML(c plan.Call) (string, error) {
	if r := c.UserRequest; r != nil {
		// A fixed shape, and thousands of them in a large plan: written
		// directly rather than through a YAML encoder.
		var b strings.Builder
		for _, f := range state.MFAFactors {
			if v := f.User(*r); v != nil {
				fmt.Fprintf(&b, "%s: {Enabled: %t, PreferredMfa: %t}\n", f.UserBlock, v.Enabled, v.PreferredMfa)
			}
		}
		if w := r.WebAuthnMfaSettings; w != nil {
			fmt.Fprintf(&b, "WebAuthnMfaSettings: {Enabled: %t}\n", w.Enabled)
		}
		return b.String(), nil
	}
	raw, err := c.RequestJSON()
	if err != nil {
		return "", err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		return "", err
	}
	root := doc.Content[0]
	var kept []*yaml.Node
	for i := 0; i+1 < len(root.Content); i += 2 {
		if k := root.Content[i].Value; k != "UserPoolId" && k != "Username" {
			kept = append(kept, root.Content[i], root.Content[i+1])
		}
	}
	root.Content = kept
	restyle(root, true)
	var b strings.Builder
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(root); err != nil {
		return "", err
	}
	if err := enc.Close(); err != nil {
		return "", err
	}
	return b.String(), nil
}

// restyle drops the JSON styling and writes short mappings of scalars on
// one line ({Enabled: true, PreferredMfa: true}).
func restyle(n *yaml.Node, root bool) {
	n.Style = 0
	short, width := n.Kind == yaml.MappingNode, 0
	for _, c := range n.Content {
		restyle(c, false)
		width += len(c.Value) + 2
		short = short && c.Kind == yaml.ScalarNode
	}
	if short && !root && width <= 60 {
		n.Style = yaml.FlowStyle
	}
}

// fieldDiff is one line of a diff: '+' added, '-' removed, '~' changed;
// '!' is a note on the call (to: why Cognito may refuse it).
type fieldDiff struct {
	kind     byte
	key      string
	from, to string
}

// poolFieldDiffs are a plan's pool-field changes as diff lines.
func poolFieldDiffs(changes []plan.FieldChange) []fieldDiff {
	out := make([]fieldDiff, len(changes))
	for i, c := range changes {
		d := fieldDiff{kind: '~', key: c.Field, from: fieldValue(c.From, c.Secret), to: fieldValue(c.To, c.Secret)}
		switch {
		case c.From == nil:
			d.kind = '+'
		case c.To == nil:
			d.kind = '-'
		}
		out[i] = d
	}
	return out
}

// fieldValue shows a pool field's value: a switch as true or false, text
// quoted, a secret's marker as it is.
func fieldValue(v any, secret bool) string {
	switch v := v.(type) {
	case bool:
		return strconv.FormatBool(v)
	case string:
		if secret {
			return v
		}
		return strconv.Quote(v)
	}
	return ""
}

// keepsSmsRole reports whether the plan switches SMS MFA off while the
// pool keeps its SMS role (see state.PoolField.KeptWhenOff).
func keepsSmsRole(d plan.PoolDiff) bool { return slices.Contains(d.Kept, state.SMS) }

// smsRoleKept says why a plan that switches SMS MFA off shows no change
// to the SMS role.
const smsRoleKept = "the pool keeps its SMS role (SmsConfiguration): switching SMS MFA off does not remove it"

// lastSmsLine reports whether diffs[i] is the last of the SMS lines.
func lastSmsLine(diffs []fieldDiff, i int) bool {
	const sms = "SmsMfaConfiguration."
	return strings.HasPrefix(diffs[i].key, sms) && (i+1 == len(diffs) || !strings.HasPrefix(diffs[i+1].key, sms))
}

// enabledOrNil is a user's factor as the plan compares it: nil unless enabled.
func enabledOrNil(f *state.FactorSettings) *state.FactorSettings {
	if f == nil || !f.Enabled {
		return nil
	}
	return f
}

// migrationRun counts the calls of LegacyMfaOptions: Migrate at the start
// of calls that share an operation, a pool and a stage.
func migrationRun(calls []plan.Call) int {
	n := 0
	for _, c := range calls {
		if !c.LegacyMigration || c.Operation != calls[0].Operation || c.UserPoolId != calls[0].UserPoolId || c.Stage != calls[0].Stage {
			break
		}
		n++
	}
	return n
}

// describeOptions shows legacy MFAOptions as the files write them.
func describeOptions(opts []state.MFAOption) string {
	parts := make([]string, len(opts))
	for i, o := range opts {
		parts[i] = fmt.Sprintf("{DeliveryMedium: %s, AttributeName: %s}", o.DeliveryMedium, o.AttributeName)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}
