package views

import (
	"fmt"
	"io"
	"strings"

	"github.com/mfactl/mfactl/internal/diag"
	"github.com/mfactl/mfactl/internal/iostreams"
	"github.com/mfactl/mfactl/internal/untrusted"
	"github.com/mfactl/mfactl/plan"
)

// CommentLimit is GitHub's limit on the body of a pull-request comment, in
// characters.
const CommentLimit = 65536

// commentBudget is what the Markdown views fill: the limit less room for
// what comment actions add (a hidden marker of a sticky comment, a header).
const commentBudget = CommentLimit - 1536

// MarkdownOptions shape the Markdown of a plan or of validation.
type MarkdownOptions struct {
	CI iostreams.CI // links to source lines and to the run
	// FullPlan says where the whole plan is when the comment is truncated
	// ("the saved plan mfa.plan"); the run's log when empty and known.
	FullPlan string
	// Budget is the most characters to write; commentBudget when 0.
	Budget int
}

func (o MarkdownOptions) budget() int {
	if o.Budget > 0 {
		return o.Budget
	}
	return commentBudget
}

// RenderPlanMarkdown writes p as a pull-request comment: the headline, the
// errors and warnings with links to their lines, a collapsible section per
// pool that changes, with its diff and its calls per stage, and last the
// summary line of the text view (PlanSummary). It stays under GitHub's
// comment limit: what does not fit is left out, and a line says what and
// where the full plan is; the summary line is always there. Secrets never
// appear.
func RenderPlanMarkdown(w io.Writer, p *plan.Plan, o MarkdownOptions) error {
	md := newMarkdown(o)
	md.closeWith(fmt.Sprintf("**%s**\n", untrusted.Markdown(PlanSummary(p))))
	md.add(fmt.Sprintf("### mfactl plan: %s\n\n", untrusted.Markdown(PlanHeadline(p))))
	if len(p.Partial) > 0 {
		md.add(fmt.Sprintf("> **Partial plan**: only `--target %s` was read and planned.\n", strings.Join(p.Partial, ", ")))
	}
	md.diagnostics(shownDiagnostics(p))
	if !p.Diagnostics.HasErrors() {
		users := newPoolUsers(p)
		stages := map[string]*poolStages{}
		for _, ps := range callStages(p.Calls) {
			stages[ps.pool] = ps
		}
		for _, pc := range p.Pools {
			if !pc.InSync() {
				md.pool(pc, users, stages[pc.UserPoolId])
			}
		}
		if n := p.PoolsInSync(); n > 0 && md.fits(0) {
			md.add(fmt.Sprintf("%s in sync.\n", Plural(n, "more pool")))
		}
	}
	return md.finish(w)
}

// RenderDiagnosticsMarkdown writes the outcome of validation (or of a plan
// that stopped at the files) as a comment: a headline and every problem
// with a link to its line.
func RenderDiagnosticsMarkdown(w io.Writer, headline string, l diag.List, o MarkdownOptions) error {
	md := newMarkdown(o)
	md.add(fmt.Sprintf("### %s\n\n", untrusted.Markdown(headline)))
	md.diagnostics(l)
	return md.finish(w)
}

// markdown builds a comment within a budget, counting what it leaves out.
type markdown struct {
	o      MarkdownOptions
	b      strings.Builder
	budget int
	full   bool // something did not fit: add nothing more

	droppedPools, droppedDiags int
	closing                    string // written last, whatever fits before it
}

// truncationReserve is kept free for the line that says what was left out.
const truncationReserve = 600

func newMarkdown(o MarkdownOptions) *markdown {
	return &markdown{o: o, budget: o.budget() - truncationReserve}
}

// closeWith keeps room for s, a paragraph, at the end of the comment.
func (md *markdown) closeWith(s string) {
	md.closing = s
	md.budget -= len("\n") + len(s)
}

func (md *markdown) fits(n int) bool { return !md.full && md.b.Len()+n <= md.budget }

// add writes s, or nothing if it does not fit; it reports which.
func (md *markdown) add(s string) bool {
	if !md.fits(len(s)) {
		md.full = true
		return false
	}
	md.b.WriteString(s)
	return true
}

func (md *markdown) finish(w io.Writer) error {
	if md.droppedPools > 0 || md.droppedDiags > 0 {
		var left []string
		if md.droppedDiags > 0 {
			left = append(left, Plural(md.droppedDiags, "error or warning")+" (grouped)")
		}
		if md.droppedPools > 0 {
			left = append(left, Plural(md.droppedPools, "pool")+"' changes")
		}
		where := md.o.FullPlan
		if where == "" && md.o.CI.RunURL != "" {
			where = fmt.Sprintf("the [log of this run](%s)", md.o.CI.RunURL)
		}
		if where == "" {
			where = "the output of the same command with `-o text`"
		}
		fmt.Fprintf(&md.b, "\n> **Truncated** to stay under GitHub's %d-character comment limit: %s not shown. The full plan is in %s.\n",
			CommentLimit, strings.Join(left, " and "), where)
	}
	if md.closing != "" {
		if !strings.HasSuffix(md.b.String(), "\n\n") {
			md.b.WriteString("\n")
		}
		md.b.WriteString(md.closing)
	}
	_, err := io.WriteString(w, md.b.String())
	return err
}

func (md *markdown) diagnostics(l diag.List) {
	groups := groupDiagnostics(l)
	for _, severity := range []diag.Severity{diag.Error, diag.Warning} {
		heading := "**Errors**\n\n"
		if severity == diag.Warning {
			heading = "**Warnings**\n\n"
		}
		first := true
		for _, g := range groups {
			if g.Severity != severity {
				continue
			}
			if first && !md.add(heading) {
				md.droppedDiags++
				continue
			}
			first = false
			if !md.add(md.diagnostic(g)) {
				md.droppedDiags++
			}
		}
		if !first {
			md.add("\n")
		}
	}
}

func (md *markdown) diagnostic(g diagGroup) string {
	var b strings.Builder
	icon := ":warning:"
	if g.Severity == diag.Error {
		icon = ":x:"
	}
	fmt.Fprintf(&b, "- %s %s", icon, untrusted.Markdown(g.Summary))
	if loc := md.location(g.Diagnostic); loc != "" {
		b.WriteString(" (" + loc)
		if more := len(g.members) - 1; more > 0 {
			fmt.Fprintf(&b, " and %s", Plural(more, "more place"))
		}
		b.WriteString(")")
	}
	if len(g.members) > 1 {
		b.WriteString("<br>users: " + untrusted.Markdown(markdownUsers(g)))
	}
	if g.Detail != "" {
		b.WriteString("<br>" + untrusted.Markdown(g.Detail))
	}
	fmt.Fprintf(&b, " <sub>[%s](%s)</sub>\n", diag.RuleOf(g.Diagnostic).ID, diag.HelpURI(diag.RuleOf(g.Diagnostic).ID))
	return b.String()
}

// markdownUsersLimit is how long a group's list of users may be in a
// comment or job summary before it names only the first few.
const markdownUsersLimit = 4000

// markdownUsers names every user of a group (the job summary is where the
// full list is), unless the list would crowd out the rest of the comment.
func markdownUsers(g diagGroup) string {
	if all := g.users(0); len(all) <= markdownUsersLimit {
		return all
	}
	return g.users(groupNamesShown) + " (--show-users lists them all)"
}

// location is a diagnostic's file:line, linked to the line when the run
// says where the files are.
func (md *markdown) location(d diag.Diagnostic) string {
	file := sourcePath(md.o.CI, d.Pos.File)
	if file == "" {
		if d.Path != "" {
			return "`" + d.Path + "`"
		}
		return ""
	}
	text := fmt.Sprintf("%s:%d", file, d.Pos.Line)
	if md.o.CI.SourceURL != "" {
		return fmt.Sprintf("[`%s`](%s/%s#L%d)", text, md.o.CI.SourceURL, file, d.Pos.Line)
	}
	return "`" + text + "`"
}

func (md *markdown) pool(pc plan.PoolChange, users poolUsers, stages *poolStages) {
	if md.full {
		md.droppedPools++
		return
	}
	var what string
	switch n := len(pc.Users); {
	case pc.Desired != nil && n > 0:
		what = fmt.Sprintf("the pool configuration and %s change", Plural(n, "user"))
	case pc.Desired != nil || pc.Posture != nil:
		what = "the pool configuration changes"
	case n == 1:
		what = "1 user changes"
	default:
		what = numbers.Sprintf("%d users change", n)
	}
	summary := fmt.Sprintf("<details><summary><code>%s</code>: %s", htmlEscape(pc.UserPoolId), what)
	if pc.UsersInSync > 0 {
		summary += fmt.Sprintf(", %s in sync", Plural(pc.UsersInSync, "user"))
	}
	summary += "</summary>\n\n"

	var diff []string
	diff = append(diff, "  user pool "+pc.UserPoolId+atLine(md, pc.Pos.File, pc.Pos.Line))
	poolDiff := pc.Diff()
	for _, d := range poolFieldDiffs(poolDiff.Fields) {
		diff = append(diff, diffLines(d, "")...)
	}
	if keepsSmsRole(poolDiff) {
		diff = append(diff, "  # "+smsRoleKept)
	}
	for _, d := range diffPosture(pc.Posture) {
		diff = append(diff, diffLines(d, "")...)
	}
	user := func(uc plan.UserChange, lines []fieldDiff) {
		heading := "  user " + untrusted.Name(uc.Username)
		if uc.Unknown != "" {
			heading += " (live settings unknown)"
		}
		diff = append(diff, heading)
		for _, d := range lines {
			diff = append(diff, diffLines(d, "    ")...)
		}
	}
	groups := users.groups(pc)
	if !anyLarge(groups) {
		for _, uc := range pc.Users {
			user(uc, users.lines(pc.UserPoolId, uc))
		}
	}
	for _, g := range groups {
		switch {
		case !anyLarge(groups):
		case len(g.Users) >= groupAtLeast:
			heading := "  " + Plural(len(g.Users), "user")
			if g.Label != "" {
				heading += " (" + g.Label + ")"
			}
			heading += ": " + g.names()
			if g.Unknown != "" {
				heading += " (live settings unknown)"
			}
			diff = append(diff, heading)
			for _, d := range g.groupLines() {
				diff = append(diff, diffLines(d, "    ")...)
			}
		default:
			for _, uc := range g.Users {
				user(uc, users.lines(pc.UserPoolId, uc))
			}
		}
	}
	var calls strings.Builder
	if stages != nil {
		calls.WriteString("\nCalls, in order (each stage waits for the one before):\n\n")
		for _, st := range stages.stages {
			fmt.Fprintf(&calls, "1. stage %d: %s", st.stage, st.markdownCounts())
			if st.reason != "" {
				calls.WriteString(" — " + untrusted.Markdown(st.reason))
			}
			calls.WriteString("\n")
		}
	}
	body := summary + fenced("diff", diff) + calls.String() + "\n</details>\n\n"
	if md.add(body) {
		return
	}
	// Too long: the diff is cut to what fits, and says so.
	md.full = false
	room := md.budget - md.b.Len() - len(summary) - len(calls.String()) - 200
	var kept []string
	size := 0
	for _, l := range diff {
		if size+len(l)+1 > room {
			break
		}
		kept = append(kept, l)
		size += len(l) + 1
	}
	if len(kept) < 2 {
		md.full = true
		md.droppedPools++
		return
	}
	kept = append(kept, fmt.Sprintf("  # ... %d more lines of this pool's diff not shown", len(diff)-len(kept)))
	if !md.add(summary + fenced("diff", kept) + calls.String() + "\n</details>\n\n") {
		md.droppedPools++
	}
	md.full = true
}

func atLine(md *markdown, file string, line int) string {
	if f := sourcePath(md.o.CI, file); f != "" {
		return fmt.Sprintf("  # %s:%d", f, line)
	}
	return ""
}

// diffLines is a field change as a diff block shows it: - the old value,
// + the new one.
func diffLines(d fieldDiff, indent string) []string {
	switch d.kind {
	case '!':
		return []string{"! " + indent + d.to}
	case '+':
		return []string{"+ " + indent + d.key + ": " + d.to}
	case '-':
		return []string{"- " + indent + d.key + ": " + d.from}
	}
	return []string{"- " + indent + d.key + ": " + d.from, "+ " + indent + d.key + ": " + d.to}
}

// fenced is a code block that no line of its content can close.
func fenced(lang string, lines []string) string {
	fence := "```"
	for _, l := range lines {
		for strings.Contains(l, fence) {
			fence += "`"
		}
	}
	return fence + lang + "\n" + strings.Join(lines, "\n") + "\n" + fence + "\n"
}

func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// mdCode is s as inline code, whatever backticks it holds.
func mdCode(s string) string {
	fence := "`"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	return fence + s + fence
}
