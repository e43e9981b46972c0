package views

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"strings"

	"github.com/mfactl/mfactl/internal/diag"
	"github.com/mfactl/mfactl/internal/iostreams"
	"github.com/mfactl/mfactl/internal/jsondoc"
	"github.com/mfactl/mfactl/internal/untrusted"
	"github.com/mfactl/mfactl/internal/usecase"
)

// TextOptions tune the people-facing forms of a report: ShowUsers names
// every user of a list instead of the first few.
type TextOptions = Options

// The formats of a report. Markdown suits a pull request comment or a
// wiki page; CSV has one line per user, for spreadsheets.
const CSV Format = "csv"

// Report shows a report in one format.
type Report interface {
	// Report shows the report (also a partial one, when interrupted).
	Report(r *usecase.Report) error
	// InputErrors shows why the files could not be read.
	InputErrors(diags diag.List) error
	// Failed shows that the report stopped before it read anything
	// (interrupted: by Ctrl-C or SIGTERM). Text and CSV leave it to Main.
	Failed(err error, interrupted bool) error
}

// ReportFormats are the formats of `mfactl report`.
var ReportFormats = register(string(jsondoc.CommandReport),
	format(Text, func(io *iostreams.IOStreams, o Options) Report { return reportText{io, o} }),
	format(JSON, func(io *iostreams.IOStreams, _ Options) Report { return reportJSON{io} }),
	format(CSV, func(io *iostreams.IOStreams, _ Options) Report { return reportCSV{io} }),
	format(Markdown, func(io *iostreams.IOStreams, o Options) Report { return reportMarkdown{io, o} }),
)

// NewReport returns the view of a report in format f, one of
// ReportFormats. opts.ShowUsers lists every user without MFA and every
// violation in text and Markdown.
func NewReport(f Format, io *iostreams.IOStreams, opts Options) (Report, error) {
	return ReportFormats.New(f, io, opts)
}

func reportFailure(err error, interrupted bool) runFailure {
	return runFailure{command: jsondoc.CommandReport, err: err, interrupted: interrupted}
}

func (v reportText) Failed(error, bool) error { return nil }
func (v reportCSV) Failed(error, bool) error  { return nil }
func (v reportMarkdown) Failed(err error, interrupted bool) error {
	return renderFailureMarkdown(v.io.Out, reportFailure(err, interrupted))
}

// reportNamesShown is how many users a list in text or Markdown names
// without ShowUsers.
const reportNamesShown = 20

func namesLimit(opts TextOptions) int {
	if opts.ShowUsers {
		return 0
	}
	return reportNamesShown
}

// stateLabels are the states as people read them.
var stateLabels = map[string]string{
	usecase.StateNoMFA:            "no MFA factor",
	usecase.StateSMSOnly:          "SMS only",
	usecase.StateTOTP:             "TOTP",
	usecase.StateEmail:            "email",
	usecase.StateLegacyMFAOptions: "legacy MFAOptions",
	usecase.StateUnknown:          "unknown",
}

// legacyHint says how to migrate a pool's users still on legacy
// MFAOptions, which UserMFASettingList does not show; "" when there are none.
func legacyHint(p usecase.PoolReport) string {
	n := p.Counts[usecase.StateLegacyMFAOptions]
	if n == 0 {
		return ""
	}
	return fmt.Sprintf("%s on legacy MFAOptions SMS (AdminSetUserSettings): to migrate, set LegacyMfaOptions: Migrate on the pool in the files and apply; each gets SMSMfaSettings and the legacy entry is cleared (docs/file-format.md#legacy-mfaoptions)", Plural(n, "user"))
}

type reportText struct {
	io   *iostreams.IOStreams
	opts TextOptions
}

func (v reportText) Report(r *usecase.Report) error {
	w := bufio.NewWriter(v.io.Out)
	s := v.io.Palette()
	for _, p := range r.Pools {
		fmt.Fprintf(w, "%s\n", s.Bold("user pool "+p.UserPoolId))
		fmt.Fprintf(w, "  MFA %s, factors: %s\n", p.MfaConfiguration, orNone(p.Factors))
		if len(p.Unreadable) > 0 {
			fmt.Fprintf(w, "  Not fully readable: Cognito's answer holds %s, which this mfactl cannot read (upgrade mfactl); the configuration shown may be incomplete\n", strings.Join(p.Unreadable, ", "))
		}
		fmt.Fprintf(w, "  posture: %s\n", postureLine(p.Posture, false))
		for _, a := range p.Posture.RiskActions {
			fmt.Fprintf(w, "    risk actions of %s: %s\n", riskSubject(a), riskLine(a))
		}
		fmt.Fprintf(w, "  users: %s (%s)\n", readCount(p), p.Selection)
		for _, st := range usecase.ReportStates {
			line := fmt.Sprintf("    %-18s %d", stateLabels[st]+":", p.Counts[st])
			if st == usecase.StateNoMFA && p.Counts[st] > 0 {
				line = s.Yellow(line)
			}
			fmt.Fprintln(w, line)
		}
		fmt.Fprintf(w, "  preferred factor: %s\n", preferredLine(p))
		if len(p.UsersWithoutMfa) > 0 {
			fmt.Fprintf(w, "  %s %s\n", s.Yellow("without MFA:"), NameList(p.UsersWithoutMfa, namesLimit(v.opts)))
		}
		if hint := legacyHint(p); hint != "" {
			fmt.Fprintf(w, "  %s\n", s.Yellow(hint))
		}
		if len(p.Unknown) > 0 {
			fmt.Fprintf(w, "  unknown, and why:\n")
			for _, why := range unknownReasons(p) {
				fmt.Fprintf(w, "    %d: %s\n", why.n, why.reason)
			}
		}
		if len(p.Violations) > 0 {
			fmt.Fprintf(w, "  %s\n", s.Yellow(fmt.Sprintf("policy violations: %d", len(p.Violations))))
			limit := namesLimit(v.opts)
			for i, x := range p.Violations {
				if limit > 0 && i == limit {
					fmt.Fprintf(w, "    … and %d more (--show-users lists them all)\n", len(p.Violations)-limit)
					break
				}
				fmt.Fprintf(w, "    %s (policy %s): %s\n", untrusted.Name(x.Username), x.Policy, untrusted.Line(x.Reason))
			}
		}
		fmt.Fprintln(w)
	}
	if len(r.Diagnostics) > 0 {
		WriteDiagnostics(w, s, v.io.OutWidth(), r.Diagnostics)
	}
	if r.Interrupted {
		fmt.Fprintln(w, s.Yellow("Interrupted: the report shows the users read until then."))
	}
	return w.Flush()
}

func (v reportText) InputErrors(diags diag.List) error {
	WriteDiagnostics(v.io.ErrOut, v.io.ErrPalette(), v.io.ErrWidth(), diags)
	return nil
}

func readCount(p usecase.PoolReport) string {
	if p.Read == p.Listed {
		return fmt.Sprint(p.Read)
	}
	return numbers.Sprintf("%d of %d listed", p.Read, p.Listed)
}

func preferredLine(p usecase.PoolReport) string {
	var parts []string
	for _, k := range preferredOrder(p) {
		parts = append(parts, fmt.Sprintf("%s %d", k, p.Preferred[k]))
	}
	return strings.Join(parts, ", ")
}

func preferredOrder(p usecase.PoolReport) []string {
	var keys []string
	for _, k := range []string{"SMS", "TOTP", "email", usecase.NoPreferredFactor} {
		if _, ok := p.Preferred[k]; ok {
			keys = append(keys, k)
		}
	}
	return keys
}

type reasonCount struct {
	reason string
	n      int
}

// unknownReasons counts the unknown users by reason, in order of first appearance.
func unknownReasons(p usecase.PoolReport) []reasonCount {
	var out []reasonCount
	at := map[string]int{}
	for _, u := range p.Unknown {
		i, ok := at[u.Reason]
		if !ok {
			i = len(out)
			at[u.Reason] = i
			out = append(out, reasonCount{reason: u.Reason})
		}
		out[i].n++
	}
	return out
}

func orNone(items []string) string {
	if len(items) == 0 {
		return "none"
	}
	return strings.Join(items, ", ")
}

// reportJSON writes one versioned JSON document whatever happened.
type reportJSON struct{ io *iostreams.IOStreams }

func (v reportJSON) Report(r *usecase.Report) error {
	doc := jsondoc.Report{Head: jsondoc.NewHead(jsondoc.CommandReport, jsondoc.NoFindings), Pools: r.Pools, Diagnostics: r.Diagnostics, Interrupted: r.Interrupted}
	switch {
	case r.Interrupted:
		doc.Outcome = jsondoc.Interrupted
		doc.Error = &jsondoc.Error{Message: "interrupted: the report holds the users read until then"}
		if r.Resume != "" {
			doc.Error.Message += "; " + r.Resume
		}
	case r.Diagnostics.HasErrors():
		doc.Outcome = jsondoc.ChecksFailed
	case r.HasFindings():
		doc.Outcome = jsondoc.Findings
	}
	return v.write(doc)
}

func (v reportJSON) write(doc jsondoc.Report) error {
	if doc.Pools == nil {
		doc.Pools = []usecase.PoolReport{}
	}
	if doc.Diagnostics == nil {
		doc.Diagnostics = diag.List{}
	}
	return jsondoc.Write(v.io.Out, doc)
}

func (v reportJSON) InputErrors(diags diag.List) error {
	return v.write(jsondoc.Report{Head: jsondoc.NewHead(jsondoc.CommandReport, jsondoc.InvalidInput), Diagnostics: diags})
}

// Failed prints a report of nothing, with the error, which is also its
// one diagnostic.
func (v reportJSON) Failed(err error, interrupted bool) error {
	doc := jsondoc.Report{Head: jsondoc.NewHead(jsondoc.CommandReport, reportFailure(err, interrupted).outcome()), Diagnostics: diag.List{failureDiagnostic(err)}, Interrupted: interrupted}
	doc.Error = errorDoc(err)
	return v.write(doc)
}

// reportCSV writes one line per user read, with a header line.
type reportCSV struct{ io *iostreams.IOStreams }

// CSVHeader is the first line of a report in CSV.
var CSVHeader = []string{"UserPoolId", "Username", "State", "Preferred", "Enabled", "Reason", "Policy", "Violation"}

func (v reportCSV) Report(r *usecase.Report) error {
	w := csv.NewWriter(v.io.Out)
	if err := w.Write(CSVHeader); err != nil {
		return err
	}
	for _, p := range r.Pools {
		violations := map[string][]string{}
		policies := map[string][]string{}
		for _, x := range p.Violations {
			violations[x.Username] = append(violations[x.Username], x.Reason)
			policies[x.Username] = append(policies[x.Username], x.Policy)
		}
		// The pool's posture is a row of its own, with no Username.
		if err := w.Write([]string{p.UserPoolId, "", PostureState, "", "", postureLine(p.Posture, true), "", ""}); err != nil {
			return err
		}
		for u := range p.Users.All() {
			rec := []string{p.UserPoolId, u.Username, u.State, u.Preferred, strings.Join(u.Enabled, " "), u.Reason,
				strings.Join(policies[u.Username], " "), strings.Join(violations[u.Username], "; ")}
			for i := range rec {
				rec[i] = untrusted.CSV(rec[i])
			}
			if err := w.Write(rec); err != nil {
				return err
			}
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	if len(r.Diagnostics) > 0 {
		WriteDiagnostics(v.io.ErrOut, v.io.ErrPalette(), v.io.ErrWidth(), r.Diagnostics)
	}
	return nil
}

func (v reportCSV) InputErrors(diags diag.List) error {
	WriteDiagnostics(v.io.ErrOut, v.io.ErrPalette(), v.io.ErrWidth(), diags)
	return nil
}

type reportMarkdown struct {
	io   *iostreams.IOStreams
	opts TextOptions
}

func (v reportMarkdown) Report(r *usecase.Report) error {
	w := bufio.NewWriter(v.io.Out)
	fmt.Fprintln(w, "# MFA report")
	for _, p := range r.Pools {
		fmt.Fprintf(w, "\n## User pool `%s`\n\n", p.UserPoolId)
		fmt.Fprintf(w, "MFA **%s**, factors: %s. Users: %s (%s).\n\n", p.MfaConfiguration, orNone(p.Factors), readCount(p), untrusted.Markdown(p.Selection))
		fmt.Fprintf(w, "Posture: %s.\n\n", untrusted.Markdown(postureLine(p.Posture, false)))
		if len(p.Posture.RiskActions) > 0 {
			fmt.Fprintln(w, "| risk actions of | low | medium | high | compromised credentials |")
			fmt.Fprintln(w, "|---|---|---|---|---|")
			for _, a := range p.Posture.RiskActions {
				fmt.Fprintf(w, "| %s | %s | %s | %s | %s |\n", untrusted.Markdown(riskSubject(a)), orDash(a.Low), orDash(a.Medium), orDash(a.High), orDash(a.CompromisedCredentials))
			}
			fmt.Fprintln(w)
		}
		fmt.Fprintln(w, "| state | users |")
		fmt.Fprintln(w, "|---|---:|")
		for _, st := range usecase.ReportStates {
			fmt.Fprintf(w, "| %s | %d |\n", stateLabels[st], p.Counts[st])
		}
		fmt.Fprintf(w, "\nPreferred factor: %s.\n", preferredLine(p))
		if len(p.UsersWithoutMfa) > 0 {
			fmt.Fprintf(w, "\n**Without MFA (%d):** %s\n", len(p.UsersWithoutMfa), untrusted.Markdown(NameList(p.UsersWithoutMfa, namesLimit(v.opts))))
		}
		if hint := legacyHint(p); hint != "" {
			fmt.Fprintf(w, "\n%s\n", hint)
		}
		if len(p.Unknown) > 0 {
			fmt.Fprintln(w, "\n**Unknown, and why:**")
			for _, why := range unknownReasons(p) {
				fmt.Fprintf(w, "- %d: %s\n", why.n, untrusted.Markdown(why.reason))
			}
		}
		if len(p.Violations) > 0 {
			fmt.Fprintf(w, "\n**Policy violations (%d):**\n\n| user | policy | why |\n|---|---|---|\n", len(p.Violations))
			limit := namesLimit(v.opts)
			for i, x := range p.Violations {
				if limit > 0 && i == limit {
					fmt.Fprintf(w, "\n… and %d more.\n", len(p.Violations)-limit)
					break
				}
				fmt.Fprintf(w, "| %s | %s | %s |\n", untrusted.Markdown(x.Username), untrusted.Markdown(x.Policy), untrusted.Markdown(x.Reason))
			}
		}
	}
	if r.Interrupted {
		fmt.Fprintln(w, "\n_Interrupted: the report shows the users read until then._")
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if len(r.Diagnostics) > 0 {
		WriteDiagnostics(v.io.ErrOut, v.io.ErrPalette(), v.io.ErrWidth(), r.Diagnostics)
	}
	return nil
}

func (v reportMarkdown) InputErrors(diags diag.List) error {
	WriteDiagnostics(v.io.ErrOut, v.io.ErrPalette(), v.io.ErrWidth(), diags)
	return nil
}

// PostureState is the State of a CSV report's posture row (one per pool,
// with no Username).
const PostureState = "Posture"

// postureLine is a pool's posture in one line: tier, threat protection,
// remembered devices, first factors and, with risk, the risk actions.
func postureLine(p usecase.PostureReport, risk bool) string {
	parts := []string{"tier " + orDash(p.Tier), "threat protection " + p.ThreatProtection, "remembered devices " + p.DeviceRemembering}
	if len(p.FirstAuthFactors) > 0 {
		parts = append(parts, "first factors "+strings.Join(p.FirstAuthFactors, " "))
	}
	for _, a := range p.RiskActions {
		if risk {
			parts = append(parts, "risk actions of "+riskSubject(a)+": "+riskLine(a))
		}
	}
	return strings.Join(parts, "; ")
}

func riskSubject(a usecase.ClientRiskActions) string {
	if a.Client == "" {
		return "the pool"
	}
	return "app client " + untrusted.Name(a.Client)
}

func riskLine(a usecase.ClientRiskActions) string {
	return fmt.Sprintf("low %s, medium %s, high %s, compromised credentials %s", orDash(a.Low), orDash(a.Medium), orDash(a.High), orDash(a.CompromisedCredentials))
}
