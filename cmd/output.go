package cmd

import (
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mfactl/mfactl/internal/cognito"
	"github.com/mfactl/mfactl/internal/iostreams"
	"github.com/mfactl/mfactl/internal/untrusted"
	"github.com/mfactl/mfactl/internal/views"
)

// outputFlags are -o and --report of a command that offers several
// formats: -o goes to stdout, each --report FORMAT=FILE to its file, so
// that one run can post a comment, annotate lines and save JUnit.
type outputFlags struct {
	Output  string
	Reports []string // FORMAT=FILE

	offered []views.Format
}

// formatRegistry is a command's registry of formats (views.PlanFormats...).
type formatRegistry interface{ Names() []views.Format }

func (o *outputFlags) register(c *cobra.Command, formats formatRegistry, withReports bool) {
	offered := formats.Names()
	o.offered = offered
	c.Flags().StringVarP(&o.Output, "output", "o", "text", "output format: "+views.FormatNames(offered...))
	_ = c.RegisterFlagCompletionFunc("output", completeFormats(offered, ""))
	if withReports {
		c.Flags().StringArrayVar(&o.Reports, "report", nil, "also write format `FORMAT=FILE` (repeatable), e.g. --report junit=mfactl.xml")
		_ = c.RegisterFlagCompletionFunc("report", completeFormats(offered, "="))
	}
}

// report is one --report: a format and the file it goes to.
type report struct {
	format views.Format
	path   string
}

// parse checks -o and every --report, before anything runs.
func (o *outputFlags) parse() (views.Format, []report, error) {
	format, err := views.ParseFormat(o.Output, o.offered...)
	if err != nil {
		return "", nil, &UsageError{Err: err}
	}
	var reports []report
	seen := map[string]bool{}
	for _, r := range o.Reports {
		name, path, ok := strings.Cut(r, "=")
		if !ok || path == "" {
			return "", nil, &UsageError{Err: fmt.Errorf("--report %q: want FORMAT=FILE", r), Hint: "e.g. --report junit=mfactl.xml --report sarif=mfactl.sarif"}
		}
		f, err := views.ParseFormat(name, o.offered...)
		if err != nil {
			return "", nil, &UsageError{Err: fmt.Errorf("--report %q: %w", r, err)}
		}
		if seen[path] {
			return "", nil, &UsageError{Err: fmt.Errorf("--report %q: %s is already the file of another --report", r, path)}
		}
		seen[path] = true
		reports = append(reports, report{format: f, path: path})
	}
	return format, reports, nil
}

// reportFiles are the streams of the --report files: each view writes to a
// buffer, and the files are written once the command has something to say.
type reportFiles struct {
	reports []report
	streams []*iostreams.IOStreams
	bufs    []*iostreams.Buffer
}

func newReportFiles(io *iostreams.IOStreams, reports []report) *reportFiles {
	rf := &reportFiles{reports: reports}
	for range reports {
		buf := &iostreams.Buffer{}
		ci := io.CI
		ci.GitHubActions = false // a file is no workflow log: only -o github annotates there
		rf.streams = append(rf.streams, &iostreams.IOStreams{In: io.In, Out: buf, ErrOut: buf, NoColor: true, CI: ci})
		rf.bufs = append(rf.bufs, buf)
	}
	return rf
}

// write writes every report file, so that none is left from an earlier
// run: runErr is what the command returns, and a view with nothing to say
// about it (text, whose errors Main prints on stderr) gets it as Main
// prints it. A file that cannot be written is an error: CI would
// otherwise upload a stale one.
func (rf *reportFiles) write(runErr error) error {
	for i, r := range rf.reports {
		if rf.bufs[i].Len() == 0 && runErr != nil && ExitCode(runErr) != ExitChanges {
			fmt.Fprintf(rf.bufs[i], "Error: %s\n", untrusted.Error(runErr))
		}
		if err := os.WriteFile(r.path, rf.bufs[i].Bytes(), 0o644); err != nil {
			return fmt.Errorf("writing --report %s=%s: %w", r.format, r.path, err)
		}
	}
	return nil
}

// completeFormats completes a format name, followed by suffix ("=" for --report).
func completeFormats(offered []views.Format, suffix string) func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		names := make([]string, len(offered))
		for i, f := range offered {
			names[i] = string(f) + suffix
		}
		directive := cobra.ShellCompDirectiveNoFileComp
		if suffix != "" {
			directive |= cobra.ShellCompDirectiveNoSpace
		}
		return names, directive
	}
}

// completeRates completes --rate with each quota category and its default rate.
func completeRates(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	var out []string
	for _, c := range cognito.Categories() {
		out = append(out, fmt.Sprintf("%s=\tdefault %g requests per second", c, cognito.DefaultRate(cognito.Category(c))))
	}
	return out, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace
}
