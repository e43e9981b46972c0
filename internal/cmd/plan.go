package cmd

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/mfactl/mfactl/internal/cognito"
	"github.com/mfactl/mfactl/internal/diag"
	"github.com/mfactl/mfactl/internal/plan"
	"github.com/mfactl/mfactl/internal/usecase"
	"github.com/mfactl/mfactl/internal/views"
)

// planFormats are the formats `mfactl plan -o` offers.
var planFormats = []views.Format{views.Text, views.JSON, views.CLI}

// PlanOptions are the inputs of `mfactl plan`.
type PlanOptions struct {
	IO        *views.IOStreams
	NewClient func(context.Context, cognito.Options) (usecase.Cognito, error)

	Files            []string
	Output           string // one of planFormats
	OutFile          string
	DetailedExitCode bool
	ResendWriteOnly  bool
	AWS              awsFlags
}

// NewCmdPlan builds `mfactl plan`; runF replaces planRun in tests.
func NewCmdPlan(f *Factory, runF func(context.Context, *PlanOptions) error) *cobra.Command {
	opts := &PlanOptions{IO: f.IO, NewClient: f.Cognito}
	c := &cobra.Command{
		Use:   "plan -f PATH... [--detailed-exitcode] [-o text|json|cli] [--out PLANFILE]",
		Short: "Show what apply would change, reading live state from Cognito",
		Long: `Plan reads the live MFA state of every pool and user the files declare,
diffs it against the files and prints the ordered API calls apply would make.
It changes nothing. -o cli prints the calls as aws cognito-idp commands
(the SMS role's ExternalId is read from an environment variable, never
printed), for a change someone runs or audits with the AWS CLI.

Exit codes: 0 no changes (or changes without --detailed-exitcode), 1 error,
2 changes present with --detailed-exitcode (use it for drift checks),
130 interrupted.`,
		Example: `  mfactl plan -f mfa/
  mfactl plan -f mfa/ --detailed-exitcode -o json
  mfactl plan -f pool.yaml -f users/ --out mfa.plan`,
		Args: filesWithF,
		RunE: func(c *cobra.Command, _ []string) error {
			if _, err := views.ParseFormat(opts.Output, planFormats...); err != nil {
				return &UsageError{Err: err}
			}
			if runF != nil {
				return runF(c.Context(), opts)
			}
			return planRun(c.Context(), opts)
		},
	}
	fs := c.Flags()
	fs.StringArrayVarP(&opts.Files, "file", "f", nil, "desired-state file, directory or - for stdin (repeatable)")
	fs.StringVarP(&opts.Output, "output", "o", "text", "output format: "+views.FormatNames(planFormats...))
	fs.StringVar(&opts.OutFile, "out", "", "save the plan to `PLANFILE`, for mfactl apply PLANFILE")
	fs.BoolVar(&opts.DetailedExitCode, "detailed-exitcode", false, "exit 2 when the plan has changes")
	fs.BoolVar(&opts.ResendWriteOnly, "resend-write-only", false, "send declared WebAuthnMfaSettings even for users with nothing else to change (Cognito cannot report them)")
	opts.AWS.register(fs)
	_ = c.MarkFlagRequired("file")
	return c
}

func planRun(ctx context.Context, opts *PlanOptions) error {
	format, _ := views.ParseFormat(opts.Output, planFormats...)
	view := views.NewPlan(format, opts.IO)
	update, finish := opts.IO.ReadProgress()
	planned, err := opts.AWS.session(opts.NewClient).Plan(ctx, usecase.PlanOptions{
		Files: opts.Files, Stdin: opts.IO.In, ReadProgress: update,
		Build:       plan.Options{ResendWriteOnly: opts.ResendWriteOnly},
		AccessToken: opts.AWS.accessToken, TokenGiven: opts.AWS.AccessTokenFile != "",
	})
	finish()
	if err != nil {
		return err
	}
	p, err := showPlan(view, planned)
	if err != nil {
		return err
	}
	if opts.OutFile != "" {
		if err := usecase.SavePlan(opts.OutFile, p); err != nil {
			return err
		}
		view.Saved(opts.OutFile)
	}
	if opts.DetailedExitCode && p.HasChanges() {
		return ErrChangesPresent
	}
	return nil
}

// planShower is the part of a view that shows the outcome of planning.
type planShower interface {
	Plan(p *plan.Plan) error
	InputErrors(diags diag.List) error
}

// showPlan renders the outcome of planning; invalid files and a plan whose
// checks failed are shown and returned as the error that exits 1.
func showPlan(view planShower, planned *usecase.Planned) (*plan.Plan, error) {
	if planned.InputInvalid() {
		if err := view.InputErrors(planned.Input); err != nil {
			return nil, err
		}
		return nil, &SilentError{Err: planned.Input.AsError()}
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
