package views

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/mfactl/mfactl/internal/iostreams"
	"github.com/mfactl/mfactl/internal/jsondoc"
	"github.com/mfactl/mfactl/internal/state"
	"github.com/mfactl/mfactl/internal/untrusted"
	"github.com/mfactl/mfactl/internal/usecase"
)

// ResetFormats are the formats reset-mfa offers.
var ResetFormats = []Format{Text, JSON}

// Reset renders reset-mfa: the plan before asking, each call as it ends,
// and the outcome. With JSON, stdout gets only the audit record (the line
// the audit log gets), or an error document; text goes to stderr.
type Reset struct {
	io     *iostreams.IOStreams
	format Format
}

// NewReset returns reset-mfa's view.
func NewReset(format Format, io *iostreams.IOStreams) *Reset { return &Reset{io: io, format: format} }

// out is where human text goes: stdout for text, stderr beside JSON.
func (v *Reset) out() io.Writer {
	if v.format == JSON {
		return v.io.ErrOut
	}
	return v.io.Out
}

func (v *Reset) palette() iostreams.Palette {
	if v.format == JSON {
		return v.io.ErrPalette()
	}
	return v.io.Palette()
}

// Plan shows what was read and the steps, before anything is asked.
func (v *Reset) Plan(p *usecase.ResetPlan) {
	w, pal := v.out(), v.palette()
	offers := "none"
	if len(p.PoolOffers) > 0 {
		offers = strings.Join(p.PoolOffers, ", ")
	}
	fmt.Fprintf(w, "%s user pool %s: MFA %s, factors %s\n", pal.Bold("reset-mfa"), p.UserPoolId, p.Mode, offers)
	fmt.Fprintf(w, "  factor: %s\n  reason: %s\n", p.Factor, untrusted.Line(p.Reason))
	if p.Ticket != "" {
		fmt.Fprintf(w, "  ticket: %s\n", untrusted.Line(p.Ticket))
	}
	for _, u := range p.Users {
		fmt.Fprintf(w, "\n%s\n  now: %s\n", pal.Bold(untrusted.Name(u.Username)), describeMFA(u.Before))
		for i, s := range u.Steps {
			fmt.Fprintf(w, "  %d. %s\n", i+1, describeStep(s))
			if s.IfRefused != nil {
				fmt.Fprintf(w, "     if denied or unknown: %s\n", describeStep(*s.IfRefused))
			}
			if s.NoPathIfRefused != "" {
				fmt.Fprintf(w, "     if denied or unknown: %s\n", s.NoPathIfRefused)
			}
		}
		for _, n := range u.Notes {
			fmt.Fprintf(w, "  %s\n", pal.Yellow(n))
		}
	}
	if len(p.Files) > 0 {
		fmt.Fprintf(w, "\nThe files given with -f:\n")
		for _, f := range p.Files {
			fmt.Fprintf(w, "  %s\n", untrusted.Line(f))
		}
	}
	fmt.Fprintf(w, "\nPlan: %s for %s.\n", Plural(p.Calls(), "call"), Plural(len(p.Users), "user"))
	if p.DryRun() {
		fmt.Fprintf(w, "Dry run: nothing was changed.\n")
	}
}

// Question is the confirmation asked before the calls.
func (v *Reset) Question(p *usecase.ResetPlan) string {
	return fmt.Sprintf("\nmfactl will make %s in user pool %s.\nOnly 'yes' will be accepted to approve.\n\nReset?", Plural(p.Calls(), "call"), p.UserPoolId)
}

// Call shows one call's result as it ends.
func (v *Reset) Call(username string, r usecase.CallResult) {
	pal := v.io.ErrPalette()
	mark := pal.Green("ok")
	if r.Result != usecase.ResultOK {
		mark = pal.Red(r.Result)
	}
	line := fmt.Sprintf("%s %s", r.Call, untrusted.Name(username))
	if r.DeviceKey != "" {
		line += " " + r.DeviceKey
	}
	if r.Error != "" {
		line += ": " + untrusted.Line(untrusted.Redact(r.Error))
	}
	fmt.Fprintf(v.io.ErrOut, "  %s %s\n", mark, line)
}

// Done shows the outcome (text) or prints the audit record (JSON).
func (v *Reset) Done(rec usecase.AuditRecord, auditLog string) error {
	if v.format == JSON {
		return WriteAuditLine(v.io.Out, rec)
	}
	w, pal := v.io.Out, v.io.Palette()
	if rec.Outcome != usecase.OutcomeDryRun {
		for _, u := range rec.Users {
			if u.After != nil {
				fmt.Fprintf(w, "\n%s\n  after: %s\n", pal.Bold(untrusted.Name(u.Username)), describeMFA(*u.After))
			}
			for _, c := range u.Calls {
				if c.Result != usecase.ResultOK {
					fmt.Fprintf(w, "  %s %s: %s\n", pal.Red(c.Result), c.Call, untrusted.Line(untrusted.Redact(c.Error)))
				}
			}
		}
	}
	made := 0
	for _, u := range rec.Users {
		for _, c := range u.Calls {
			if c.Result == usecase.ResultOK {
				made++
			}
		}
	}
	switch rec.Outcome {
	case usecase.OutcomeDone:
		fmt.Fprintf(w, "\n%s %s made for %s.\n", pal.Green("Reset complete:"), Plural(made, "call"), Plural(len(rec.Users), "user"))
	case usecase.OutcomeFailed:
		fmt.Fprintf(w, "\n%s %s made; the failed calls and those after them (see above) were not. Run reset-mfa again once the cause is fixed: it reads again and plans only what is left.\n", pal.Red("Reset incomplete:"), Plural(made, "call"))
	case usecase.OutcomeInterrupted:
		fmt.Fprintf(w, "\n%s %s made before the interrupt; the rest were not sent. Run reset-mfa again: it reads again and plans only what is left.\n", pal.Yellow("Reset interrupted:"), Plural(made, "call"))
	}
	if auditLog != "" {
		fmt.Fprintf(w, "Audit: one line appended to %s (who: %s).\n", untrusted.Name(auditLog), rec.Who)
	}
	return nil
}

// WriteAuditLine writes rec as the one JSON line of the audit log.
func WriteAuditLine(w io.Writer, rec usecase.AuditRecord) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(rec)
}

// Failed prints, with JSON, the document of a reset that stopped before it
// had a plan: the outcome and the error. With text it prints nothing (Main
// prints errors).
func (v *Reset) Failed(err error) error {
	if v.format != JSON {
		return nil
	}
	return writeErrorDoc(v.io.Out, err)
}

// writeErrorDoc writes a command's failure as JSON: {"outcome": "failed",
// "error": {...}}, the error redacted as in text.
func writeErrorDoc(w io.Writer, err error) error {
	doc := struct {
		Outcome string         `json:"outcome"`
		Error   *jsondoc.Error `json:"error"`
	}{usecase.OutcomeFailed, errorDoc(err)}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(doc)
}

func describeMFA(s usecase.MFAState) string {
	parts := []string{"no factor enabled"}
	if len(s.Enabled) > 0 {
		parts = []string{strings.Join(s.Enabled, ", ") + " enabled"}
	}
	if s.Preferred != "" {
		parts = append(parts, s.Preferred+" preferred")
	}
	parts = append(parts, "authenticator "+s.Authenticator)
	parts = append(parts, Plural(len(s.RememberedDevices), "remembered device"))
	if s.Status != "" {
		parts = append(parts, "status "+s.Status)
	}
	if s.Unknown != "" {
		parts = append(parts, "unsure: "+s.Unknown)
	}
	return strings.Join(parts, "; ")
}

func describeStep(s usecase.ResetStep) string {
	call := s.Call
	switch {
	case s.Settings != nil:
		call += " (" + describeSettings(*s.Settings) + ")"
	case s.DeviceKey != "":
		call += " " + s.DeviceKey
	}
	return call + ": " + s.Reason
}

// describeSettings says what a preference call sets: "TOTP off, email on and preferred".
func describeSettings(s state.UserSettings) string {
	var parts []string
	for _, f := range state.MFAFactors {
		fs := f.User(s)
		switch {
		case fs == nil:
		case fs.Enabled && fs.PreferredMfa:
			parts = append(parts, f.Label+" on and preferred")
		case fs.Enabled:
			parts = append(parts, f.Label+" on")
		default:
			parts = append(parts, f.Label+" off")
		}
	}
	return strings.Join(parts, ", ")
}
