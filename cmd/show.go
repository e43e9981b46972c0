package cmd

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/mfactl/mfactl/internal/iostreams"
	"github.com/mfactl/mfactl/internal/usecase"
	"github.com/mfactl/mfactl/internal/views"
)

// ShowOptions are the inputs of `mfactl show`.
type ShowOptions struct {
	IO       *iostreams.IOStreams
	PlanFile string
	Output   string // one of views.ShowFormats
	Verbose  bool

	lookupEnv func(string) (string, bool) // the Factory's, for MFACTL_PLAN_KEY
}

// NewCmdShow builds `mfactl show`; runF replaces showRun in tests.
func NewCmdShow(f *Factory, runF func(*ShowOptions) error) *cobra.Command {
	opts := &ShowOptions{IO: f.IO, lookupEnv: f.lookupEnv()}
	c := &cobra.Command{
		Use:   "show PLANFILE [-o FORMAT] [--verbose]",
		Short: "Render a saved plan without contacting AWS",
		Long: `Show renders a plan saved with mfactl plan --out as plan would have shown
it: as text, JSON, AWS CLI commands, or a CI format (markdown, github,
junit, sarif; see docs/ci.md). It needs no credentials and makes no
network call, so one CI job can save a plan and another post it for review.
It does not check whether the plan is still current: apply does that.`,
		Example: `  mfactl plan -f mfa/ --out mfa.plan
  mfactl show mfa.plan
  mfactl show mfa.plan -o json > plan.json`,
		Args: func(c *cobra.Command, args []string) error {
			if len(args) != 1 {
				return &UsageError{Err: fmt.Errorf("show takes one plan file, not %d arguments", len(args)), Hint: "mfactl show PLANFILE"}
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			if _, err := views.ShowFormats.Parse(opts.Output); err != nil {
				return &UsageError{Err: err}
			}
			opts.PlanFile = args[0]
			if runF != nil {
				return runF(opts)
			}
			return showRun(opts)
		},
	}
	c.Flags().StringVarP(&opts.Output, "output", "o", "text", "output format: "+views.FormatNames(views.ShowFormats.Names()...))
	_ = c.RegisterFlagCompletionFunc("output", completeFormats(views.ShowFormats.Names(), ""))
	c.Flags().BoolVarP(&opts.Verbose, "verbose", "v", false, "show every user and every call with its request")
	return c
}

func showRun(opts *ShowOptions) error {
	format, _ := views.ShowFormats.Parse(opts.Output)
	view, err := views.ShowFormats.New(format, opts.IO, views.Options{Verbose: opts.Verbose, FullPlan: fullPlanHint(opts.PlanFile)})
	if err != nil {
		return err
	}
	key, err := planKey(opts.lookupEnv)
	if err != nil {
		return errors.Join(err, view.Failed(err, false))
	}
	p, err := usecase.ShowSaved(opts.PlanFile, key)
	if err != nil {
		return errors.Join(err, view.Failed(err, false))
	}
	return view.Plan(p)
}
