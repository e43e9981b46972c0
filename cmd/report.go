package cmd

import (
	"context"
	"errors"
	"fmt"
	"regexp"

	"github.com/spf13/cobra"

	"github.com/mfactl/mfactl/internal/cognito"
	"github.com/mfactl/mfactl/internal/iostreams"
	"github.com/mfactl/mfactl/internal/rules"
	"github.com/mfactl/mfactl/internal/usecase"
	"github.com/mfactl/mfactl/internal/views"
)

// ErrFindings is returned by report with --detailed-exitcode when a user
// lacks MFA or violates a policy. It prints nothing and exits 2.
var ErrFindings = errors.New("users lack MFA or violate a policy")

// ReportOptions are the inputs of `mfactl report`.
type ReportOptions struct {
	IO        *iostreams.IOStreams
	NewClient func(context.Context, cognito.Options) (usecase.Cognito, error)

	Files            []string
	UserPoolId       string
	Group, Filter    string
	Output           string // one of views.ReportFormats
	DetailedExitCode bool
	ShowUsers        bool
	AWS              awsFlags
}

var userPoolIDPattern = regexp.MustCompile(`^[\w-]+_[0-9a-zA-Z]+$`)

// NewCmdReport builds `mfactl report`; runF replaces reportRun in tests.
func NewCmdReport(f *Factory, runF func(context.Context, *ReportOptions) error) *cobra.Command {
	opts := &ReportOptions{IO: f.IO, NewClient: f.Cognito, AWS: awsFlags{lookupEnv: f.lookupEnv()}}
	c := &cobra.Command{
		Use:   "report (-f PATH... | --user-pool-id ID [--group G | --filter F]) [-o text|json|csv|markdown] [--detailed-exitcode]",
		Short: "Count a pool's users by MFA state: who has no MFA, who relies on SMS, who violates a policy",
		Long: `Report reads the MFA state of users and counts them: no MFA factor, SMS
only, TOTP, email, legacy MFAOptions, unknown (with why), and by preferred
factor. It names the users without MFA and, with files, every user a policy
covers who does not comply, and why. It changes nothing.

With -f it reports on the pools, named users and policy selections of the
files; with --user-pool-id on a whole pool, or one group (--group) or the
users a ListUsers filter matches (--filter). Reading costs one ListUsers
page per 60 users and one AdminGetUser per user, at Cognito's quotas;
progress and an estimate of the time left go to stderr. Ctrl-C stops and
prints what was read.

Exit codes: 0 done, 1 error, 2 with --detailed-exitcode when a user lacks
MFA or violates a policy (for cron), 130 interrupted.`,
		Example: `  mfactl report --user-pool-id eu-west-1_AbCdEf123
  mfactl report --user-pool-id eu-west-1_AbCdEf123 --group admins -o csv > admins.csv
  mfactl report -f mfa/ --detailed-exitcode -o json`,
		Args: filesWithF,
		RunE: func(c *cobra.Command, _ []string) error {
			if err := opts.check(); err != nil {
				return err
			}
			if runF != nil {
				return runF(c.Context(), opts)
			}
			return reportRun(c.Context(), opts)
		},
	}
	fs := c.Flags()
	fs.StringArrayVarP(&opts.Files, "file", "f", nil, "desired-state file, directory or - for stdin (repeatable): report on its pools, users and policies")
	fs.StringVar(&opts.UserPoolId, "user-pool-id", "", "report on this whole pool, no files needed")
	fs.StringVar(&opts.Group, "group", "", "with --user-pool-id: only the members of this group")
	fs.StringVar(&opts.Filter, "filter", "", `with --user-pool-id: only the users this ListUsers filter matches, e.g. 'email ^= "support-"'`)
	fs.StringVarP(&opts.Output, "output", "o", "text", "output format: "+views.FormatNames(views.ReportFormats.Names()...))
	_ = c.RegisterFlagCompletionFunc("output", completeFormats(views.ReportFormats.Names(), ""))
	fs.BoolVar(&opts.DetailedExitCode, "detailed-exitcode", false, "exit 2 when a user lacks MFA or violates a policy")
	fs.BoolVar(&opts.ShowUsers, "show-users", false, "list every user without MFA and every violation (text and markdown)")
	opts.AWS.register(c)
	_ = fs.MarkHidden("access-token-file") // a report reads with AWS credentials only
	return c
}

// check refuses a command line that names no target, or two, before any API call.
func (o *ReportOptions) check() error {
	if _, err := views.ReportFormats.Parse(o.Output); err != nil {
		return &UsageError{Err: err}
	}
	switch {
	case len(o.Files) == 0 && o.UserPoolId == "":
		return &UsageError{Err: errors.New("report needs files or a pool"), Hint: "give -f PATH... (the pools and policies of the files) or --user-pool-id ID (a whole pool)"}
	case len(o.Files) > 0 && (o.UserPoolId != "" || o.Group != "" || o.Filter != ""):
		return &UsageError{Err: errors.New("-f cannot be combined with --user-pool-id, --group or --filter"), Hint: "files name their pools and selections; for one pool without files use --user-pool-id"}
	case o.UserPoolId == "":
	case !userPoolIDPattern.MatchString(o.UserPoolId):
		return &UsageError{Err: fmt.Errorf("--user-pool-id %q is not a user pool ID", o.UserPoolId), Hint: "a user pool ID is its Region, an underscore and an ID, e.g. eu-west-1_AbCdEf123"}
	case o.Group != "" && o.Filter != "":
		return &UsageError{Err: errors.New("--group and --filter cannot be combined"), Hint: "Cognito lists a group's members or filters the pool's users, not both: give one"}
	case o.Filter != "":
		if _, err := rules.ParseFilter(o.Filter); err != nil {
			fe := err.(*rules.FilterError)
			return &UsageError{Err: fmt.Errorf("--filter %s: %s", o.Filter, fe.Summary), Hint: fe.Detail}
		}
	}
	if len(o.Files) == 0 && (o.Group != "" || o.Filter != "") && o.UserPoolId == "" {
		return &UsageError{Err: errors.New("--group and --filter need --user-pool-id")}
	}
	return nil
}

func reportRun(ctx context.Context, opts *ReportOptions) error {
	format, _ := views.ReportFormats.Parse(opts.Output)
	view, err := views.NewReport(format, opts.IO, views.Options{ShowUsers: opts.ShowUsers})
	if err != nil {
		return err
	}
	update, finish := opts.IO.ReadProgress()
	rep, err := opts.AWS.session(opts.NewClient, opts.IO).Report(ctx, usecase.ReportOptions{
		Files: opts.Files, Stdin: opts.IO.In,
		UserPoolId: opts.UserPoolId, Group: opts.Group, Filter: opts.Filter,
		ReadProgress: update,
	})
	finish()
	if rep == nil {
		return errors.Join(err, view.Failed(err, ExitCode(err) == ExitInterrupted))
	}
	if rep.Diagnostics.HasErrors() && len(rep.Pools) == 0 {
		if err := view.InputErrors(rep.Diagnostics); err != nil {
			return err
		}
		return &SilentError{Err: rep.Diagnostics.AsError()}
	}
	if viewErr := view.Report(rep); viewErr != nil {
		return viewErr
	}
	switch {
	case err != nil: // interrupted: what was read is shown
		return err
	case rep.Diagnostics.HasErrors():
		return &SilentError{Err: rep.Diagnostics.AsError()}
	case opts.DetailedExitCode && rep.HasFindings():
		return ErrFindings
	}
	return nil
}
