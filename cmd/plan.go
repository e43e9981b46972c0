package cmd

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mfactl/mfactl/internal/cognito"
	"github.com/mfactl/mfactl/internal/diag"
	"github.com/mfactl/mfactl/internal/iostreams"
	"github.com/mfactl/mfactl/internal/usecase"
	"github.com/mfactl/mfactl/internal/views"
	"github.com/mfactl/mfactl/plan"
	"github.com/mfactl/mfactl/plan/planfile"
)

// PlanOptions are the inputs of `mfactl plan`.
type PlanOptions struct {
	IO        *iostreams.IOStreams
	NewClient func(context.Context, cognito.Options) (usecase.Cognito, error)

	Files            []string
	Out              outputFlags // -o, one of views.PlanFormats, and --report
	OutFile          string
	DetailedExitCode bool
	ResendWriteOnly  bool
	Verbose          bool
	Targets          []string
	ShowUsers        bool
	AWS              awsFlags
}

// NewCmdPlan builds `mfactl plan`; runF replaces planRun in tests.
func NewCmdPlan(f *Factory, runF func(context.Context, *PlanOptions) error) *cobra.Command {
	opts := &PlanOptions{IO: f.IO, NewClient: f.Cognito, AWS: awsFlags{lookupEnv: f.lookupEnv()}}
	c := &cobra.Command{
		Use:   "plan -f PATH... [--detailed-exitcode] [-o FORMAT] [--report FORMAT=FILE]... [--target POOL_ID[/USERNAME]]... [--out PLANFILE]",
		Short: "Show what apply would change, reading live state from Cognito",
		Long: `Plan reads the live MFA state of every pool and user the files declare,
diffs it against the files and prints the ordered API calls apply would make.
It changes nothing. The plan is compact: users that change alike are
grouped and calls summarised per pool and stage; --verbose shows every
user and call. -o markdown makes a pull-request comment, -o github
annotates the files' lines in GitHub Actions, -o junit and -o sarif make
reports for CI; --report writes more formats to files in the same run.
-o cli prints the calls as aws cognito-idp commands (the SMS role's
ExternalId is read from an environment variable, never printed), for a
change someone runs or audits with the AWS CLI.

Exit codes: 0 no changes (or changes without --detailed-exitcode), 1 error,
2 changes present with --detailed-exitcode (use it for drift checks),
130 interrupted.`,
		Example: `  mfactl plan -f mfa/
  mfactl plan -f mfa/ --detailed-exitcode -o json
  mfactl plan -f pool.yaml -f users/ --out mfa.plan
  mfactl plan -f mfa/ -o markdown --report junit=mfactl.xml --report sarif=mfactl.sarif
  mfactl plan -f mfa/ --target eu-west-1_AbC123/alice`,
		Args: filesWithF,
		RunE: func(c *cobra.Command, _ []string) error {
			if _, _, err := opts.Out.parse(); err != nil {
				return err
			}
			if runF != nil {
				return runF(c.Context(), opts)
			}
			return planRun(c.Context(), opts)
		},
	}
	fs := c.Flags()
	fs.StringArrayVarP(&opts.Files, "file", "f", nil, "desired-state file, directory or - for stdin (repeatable)")
	opts.Out.register(c, views.PlanFormats, true)
	fs.StringVar(&opts.OutFile, "out", "", "save the plan to `PLANFILE`, for mfactl apply PLANFILE")
	fs.BoolVar(&opts.DetailedExitCode, "detailed-exitcode", false, "exit 2 when the plan has changes")
	fs.BoolVar(&opts.ShowUsers, "show-users", false, "list every user a policy changes and every ineligible user, not the first few and a count (-o json always has all)")
	fs.BoolVar(&opts.ResendWriteOnly, "resend-write-only", false, "send declared WebAuthnMfaSettings even for users with nothing else to change (Cognito cannot report them)")
	fs.BoolVarP(&opts.Verbose, "verbose", "v", false, "show every user and every call with its request")
	registerTargets(c, &opts.Targets)
	opts.AWS.register(c)
	_ = c.MarkFlagRequired("file")
	return c
}

func planRun(ctx context.Context, opts *PlanOptions) error {
	format, reports, _ := opts.Out.parse()
	rf := newReportFiles(opts.IO, reports)
	view, err := newPlanFanOut(views.PlanFormats, format, opts.IO, views.Options{Verbose: opts.Verbose, ShowUsers: opts.ShowUsers, FullPlan: fullPlanHint(opts.OutFile)}, rf)
	if err != nil {
		return err
	}
	err = planAndShow(ctx, opts, view)
	return errors.Join(err, rf.write(err))
}

func planAndShow(ctx context.Context, opts *PlanOptions, view planFanOut) error {
	var key []byte
	if opts.OutFile != "" {
		var err error
		if key, err = planKey(opts.AWS.lookupEnv); err != nil {
			if viewErr := view.Failed(err, false); viewErr != nil {
				return viewErr
			}
			return err
		}
	}
	update, finish := opts.IO.ReadProgress()
	planned, err := opts.AWS.session(opts.NewClient, opts.IO).Plan(ctx, usecase.PlanOptions{
		Files: opts.Files, Stdin: opts.IO.In, ReadProgress: update, Targets: opts.Targets,
		Build:       plan.Options{ResendWriteOnly: opts.ResendWriteOnly},
		AccessToken: opts.AWS.accessToken, TokenGiven: opts.AWS.AccessTokenFile != "",
	})
	finish()
	if err != nil {
		if viewErr := view.Failed(err, ExitCode(err) == ExitInterrupted); viewErr != nil {
			return viewErr
		}
		return err
	}
	p, err := showPlan(view, planned)
	if err != nil {
		return err
	}
	if opts.OutFile != "" {
		if err := usecase.SavePlan(opts.OutFile, p, key); err != nil {
			return err
		}
		view.Saved(opts.OutFile, p, opts.Files)
	}
	if opts.DetailedExitCode && p.HasChanges() {
		return ErrChangesPresent
	}
	return nil
}

// fullPlanHint says where the whole plan is, for a truncated comment.
func fullPlanHint(outFile string) string {
	if outFile == "" {
		return ""
	}
	return "the saved plan `" + outFile + "` and the log of this run"
}

// registerTargets adds --target to a command that plans.
func registerTargets(c *cobra.Command, targets *[]string) {
	c.Flags().StringArrayVar(targets, "target", nil, "plan only this pool or user, `POOL_ID` or POOL_ID/USERNAME (repeatable); the plan says it is partial")
}

// planKey is the key plan files are signed with and checked against, if
// the environment sets one. A variable that is set but empty (or blank) is
// refused: it is what a CI secret that is not defined becomes, and taking
// it for "no key" would turn signing off without a word.
func planKey(lookupEnv func(string) (string, bool)) ([]byte, error) {
	key, set := lookupEnv(planfile.KeyEnv)
	if set && strings.TrimSpace(key) == "" {
		return nil, fmt.Errorf("%s is set but empty: a CI secret that is not defined becomes an empty variable, and mfactl will not take that for \"no signing\"; set it to the key, or unset it (unset %s) to make and apply unsigned plans", planfile.KeyEnv, planfile.KeyEnv)
	}
	return []byte(key), nil
}

// stopAtInvalidFiles shows why the files could not be used, and returns the
// error that exits 1, when planning (or loading a saved plan) stopped there.
func stopAtInvalidFiles(view interface{ InputErrors(diag.List) error }, planned *usecase.Planned) error {
	if !planned.InputInvalid() {
		return nil
	}
	if err := view.InputErrors(planned.Input); err != nil {
		return err
	}
	return &SilentError{Err: planned.Input.AsError()}
}

// planShower is the part of a view that shows the outcome of planning.
type planShower interface {
	Plan(p *plan.Plan) error
	InputErrors(diags diag.List) error
}

// showPlan renders the outcome of planning; invalid files and a plan whose
// checks failed are shown and returned as the error that exits 1.
func showPlan(view planShower, planned *usecase.Planned) (*plan.Plan, error) {
	if err := stopAtInvalidFiles(view, planned); err != nil {
		return nil, err
	}
	p := planned.Plan
	if err := view.Plan(p); err != nil {
		return nil, err
	}
	if p.Diagnostics.HasErrors() {
		return nil, &SilentError{Err: p.Diagnostics.AsError()}
	}
	return p, nil
}
