package views

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/mfactl/mfactl/apply"
	"github.com/mfactl/mfactl/internal/iostreams"
	"github.com/mfactl/mfactl/internal/untrusted"
	"github.com/mfactl/mfactl/plan"
)

// APIError is implemented by errors that carry Cognito's error code and
// message (smithy-go's APIError has this shape, so an error that wraps one
// is understood too).
type APIError interface {
	ErrorCode() string
	ErrorMessage() string
}

// Explained is implemented by errors that can say, in one sentence, what the
// failure means for the user.
type Explained interface {
	UserMeaning() string
}

// ErrorDetail is what a person is shown about a failed call.
type ErrorDetail struct {
	Code    string // Cognito's error code, e.g. InvalidParameterException; "" if none
	Message string // Cognito's message, or the error's text when there is no code
	Meaning string // what it means for the user; "" if unknown
}

// Explain extracts what the summary shows about err, looking through
// wrapped errors.
func Explain(err error) ErrorDetail {
	var d ErrorDetail
	if err == nil {
		return d
	}
	var api APIError
	if errors.As(err, &api) {
		d.Code, d.Message = api.ErrorCode(), api.ErrorMessage()
	} else {
		d.Message = err.Error()
	}
	var ex Explained
	if errors.As(err, &ex) {
		d.Meaning = ex.UserMeaning()
	}
	d.Code, d.Message = untrusted.Text(d.Code), untrusted.Text(untrusted.Redact(d.Message))
	return d
}

// namesShown is how many usernames a not-started group lists before
// "and N more".
const namesShown = 5

// ResumeHint tells the user how to finish after a partial apply.
const ResumeHint = "re-run `mfactl plan` and `mfactl apply`: the plan is recomputed from live state and converges; calls already applied will not be repeated."

// RenderSummary writes what happened: the counts, each failed call with
// Cognito's error code, message and meaning, the calls not started grouped
// by pool, and how to resume. Requests are never printed: they may hold
// secrets such as an SMS role's ExternalId. Calls are numbered from 1, in
// plan order.
func RenderSummary(w io.Writer, r *apply.Result, style iostreams.Palette) error {
	return renderSummary(w, r, style, 0)
}

// renderSummary is RenderSummary with the explanations of failures (the
// error and what it means) wrapped to width; 0: not wrapped.
func renderSummary(w io.Writer, r *apply.Result, style iostreams.Palette, width int) error {
	applied, failed, notStarted := r.Applied(), r.Failed(), r.NotStarted()
	var b strings.Builder

	ineligible := r.Ineligible()
	if r.OK() {
		switch {
		case len(r.Calls) == 0:
			fmt.Fprintf(&b, "%s nothing to do.\n", style.Green("Apply complete:"))
		case len(ineligible) > 0:
			fmt.Fprintf(&b, "%s %s applied, %s refused as ineligible.\n", style.Green("Apply complete:"), Plural(len(applied), "call"), Plural(len(ineligible), "call"))
		default:
			fmt.Fprintf(&b, "%s %s applied.\n", style.Green("Apply complete:"), Plural(len(applied), "call"))
		}
		writeIneligible(&b, ineligible, style)
		_, err := io.WriteString(w, b.String())
		return err
	}

	counts := numbers.Sprintf("%d applied, %d failed, %d not started.", len(applied), len(failed), len(notStarted))
	if len(ineligible) > 0 {
		counts = numbers.Sprintf("%d applied, %d ineligible, %d failed, %d not started.", len(applied), len(ineligible), len(failed), len(notStarted))
	}
	switch {
	case r.Interrupted:
		fmt.Fprintf(&b, "%s %s Calls in flight were allowed to finish.\n", style.Yellow("Interrupted:"), counts)
	case r.Stopped != nil:
		fmt.Fprintf(&b, "%s %s %s\n", style.Red("Apply stopped:"), counts, stopReason(r.Stopped))
	default:
		fmt.Fprintf(&b, "%s %s\n", style.Red("Apply failed:"), counts)
	}

	writeIneligible(&b, ineligible, style)
	if len(failed) > 0 {
		fmt.Fprintf(&b, "\n%s\n", style.Bold("Failed:"))
		for _, c := range failed {
			fmt.Fprintf(&b, "  #%d %s %s\n", c.Index+1, c.Call.Operation, target(c))
			d := Explain(c.Err)
			switch {
			case d.Code != "" && d.Message != "":
				writeWrapped(&b, width, 5, d.Code+":", style.Bold, d.Message)
			case d.Code != "":
				fmt.Fprintf(&b, "     %s\n", style.Bold(d.Code))
			default:
				writeWrapped(&b, width, 5, "", nil, d.Message)
			}
			if d.Meaning != "" {
				writeWrapped(&b, width, 5, "Meaning:", nil, d.Meaning)
			}
		}
	}

	if len(r.Halted) > 0 {
		fmt.Fprintf(&b, "\n%s\n", style.Bold("Stopped pools:"))
		for _, h := range r.Halted {
			fmt.Fprintf(&b, "  %s: %s\n", h.UserPoolId, untrusted.Error(h.Err))
		}
	}

	if len(applied) > 0 && isStopReason(r.Stopped) {
		// Made before the plan was complete: say which, as for the rest.
		fmt.Fprintf(&b, "\n%s\n", style.Bold("Applied before the stop:"))
		for _, g := range groupByPool(applied) {
			fmt.Fprintf(&b, "  %s: %s\n", g.pool, Plural(g.calls, "call"))
			for _, op := range g.ops {
				b.WriteString("     " + op.String(style) + "\n")
			}
		}
	}

	if len(notStarted) > 0 {
		fmt.Fprintf(&b, "\n%s\n", style.Bold("Not started:"))
		for _, g := range groupByPool(notStarted) {
			fmt.Fprintf(&b, "  %s: %s, %s\n", g.pool, Plural(g.calls, "call"), notStartedReason(r, failed, g.pool))
			for _, op := range g.ops {
				b.WriteString("     " + op.String(style) + "\n")
			}
			if left := poolLeftAt(r, g.pool); left != "" {
				b.WriteString("     " + left + "\n")
			}
		}
	}

	if len(failed) > 0 || len(r.Halted) > 0 || isStopReason(r.Stopped) && !r.Interrupted {
		fmt.Fprintf(&b, "\nFix the causes above, then %s\n", ResumeHint)
	} else {
		fmt.Fprintf(&b, "\nTo finish, %s\n", ResumeHint)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// stopReasoner is an error that says in a sentence why a run sent nothing
// more (usecase.StoppedEarlyError).
type stopReasoner interface{ StopReason() string }

func isStopReason(err error) bool {
	var r stopReasoner
	return errors.As(err, &r)
}

// stopReason says why nothing more was sent.
func stopReason(err error) string {
	var r stopReasoner
	if errors.As(err, &r) {
		return "Nothing more was sent: " + untrusted.Text(r.StopReason()) + "."
	}
	return "Nothing more was sent after the first request that could not reach Cognito."
}

// writeWrapped writes label and text at indent, wrapped to width, the
// label styled (when style is not nil).
func writeWrapped(b *strings.Builder, width, indent int, label string, style func(string) string, text string) {
	line := text
	if label != "" {
		line = label + " " + text
	}
	for i, l := range wrap(line, width, indent) {
		if i == 0 && label != "" && style != nil {
			l = strings.Repeat(" ", indent) + style(label) + strings.TrimPrefix(l, strings.Repeat(" ", indent)+label)
		}
		b.WriteString(l + "\n")
	}
}

// writeIneligible lists the users Cognito refused a policy's factor, per
// pool and policy: a policy whose Ineligible mode counts such a refusal as
// ineligible, not as a failure.
func writeIneligible(b *strings.Builder, calls []apply.CallResult, style iostreams.Palette) {
	if len(calls) == 0 {
		return
	}
	type key struct{ pool, policy string }
	var order []key
	users := map[key][]string{}
	for _, c := range calls {
		k := key{c.Call.UserPoolId, c.Call.Policy}
		if users[k] == nil {
			order = append(order, k)
		}
		users[k] = append(users[k], c.Call.Username)
	}
	fmt.Fprintf(b, "\n%s (Cognito refused the factor: no registered authenticator, or no phone_number or email)\n", style.Bold("Ineligible:"))
	for _, k := range order {
		fmt.Fprintf(b, "  %s, policy %s: %s: %s\n", k.pool, k.policy, Plural(len(users[k]), "user"), NameList(users[k], 10))
	}
}

// target names what a call acts on, without its request.
func target(c apply.CallResult) string {
	if c.Call.Username != "" {
		return fmt.Sprintf("user %s in %s", untrusted.Name(c.Call.Username), c.Call.UserPoolId)
	}
	return "pool " + c.Call.UserPoolId
}

// notStartedReason says why a pool's calls were not started: a failed call
// in that pool stopped its later stages; otherwise the run was stopped or
// interrupted.
func notStartedReason(r *apply.Result, failed []apply.CallResult, pool string) string {
	for _, c := range failed {
		if c.Call.UserPoolId == pool {
			return fmt.Sprintf("skipped after #%d failed", c.Index+1)
		}
	}
	for _, h := range r.Halted {
		if h.UserPoolId == pool {
			return fmt.Sprintf("skipped from stage %d: the pool changed while applying", h.Stage)
		}
	}
	if r.Stopped != nil && !r.Interrupted {
		return "not sent: the run stopped"
	}
	return "skipped on interrupt"
}

// poolLeftAt says in which MFA mode a pool is left when this run changed
// its mode and a later pool call that changes it again did not start (a
// pool is never narrowed, to ON for instance, over a failed user call).
func poolLeftAt(r *apply.Result, pool string) string {
	var applied, pending *plan.Call
	for i := range r.Calls {
		c := &r.Calls[i]
		if c.Call.UserPoolId != pool || c.Call.PoolRequest == nil {
			continue
		}
		switch c.Outcome {
		case apply.Applied:
			applied = &c.Call
		case apply.NotStarted:
			pending = &c.Call
		}
	}
	if applied == nil || pending == nil || applied.PoolRequest.MfaConfiguration == pending.PoolRequest.MfaConfiguration {
		return ""
	}
	return fmt.Sprintf("the pool stays MfaConfiguration %s, not %s, until these calls run", applied.PoolRequest.MfaConfiguration, pending.PoolRequest.MfaConfiguration)
}

type poolGroup struct {
	pool  string
	calls int
	ops   []*opGroup
}

// opGroup is the not-started calls of one operation in one pool.
type opGroup struct {
	op        string
	poolCalls int      // calls without a username
	users     []string // usernames, in plan order
}

func (g *opGroup) String(style iostreams.Palette) string {
	var parts []string
	if g.poolCalls == 1 {
		parts = append(parts, g.op)
	} else if g.poolCalls > 1 {
		parts = append(parts, numbers.Sprintf("%s (%d calls)", g.op, g.poolCalls))
	}
	if len(g.users) > 0 {
		shown := g.users[:min(len(g.users), namesShown)]
		s := fmt.Sprintf("%s for %s", g.op, strings.Join(shown, ", "))
		if more := len(g.users) - len(shown); more > 0 {
			s += style.Dim(numbers.Sprintf(" and %d more", more))
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, "; ")
}

// groupByPool groups calls by pool and operation, both in order of first
// appearance.
func groupByPool(calls []apply.CallResult) []*poolGroup {
	var pools []*poolGroup
	byPool := map[string]*poolGroup{}
	for _, c := range calls {
		pg := byPool[c.Call.UserPoolId]
		if pg == nil {
			pg = &poolGroup{pool: c.Call.UserPoolId}
			byPool[pg.pool] = pg
			pools = append(pools, pg)
		}
		pg.calls++
		var og *opGroup
		for _, g := range pg.ops {
			if g.op == string(c.Call.Operation) {
				og = g
			}
		}
		if og == nil {
			og = &opGroup{op: string(c.Call.Operation)}
			pg.ops = append(pg.ops, og)
		}
		if c.Call.Username != "" {
			og.users = append(og.users, c.Call.Username)
		} else {
			og.poolCalls++
		}
	}
	return pools
}
