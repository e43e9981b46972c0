package cmd

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/mfactl/mfactl/apply"
	"github.com/mfactl/mfactl/internal/cognito"
	"github.com/mfactl/mfactl/internal/iostreams"
	"github.com/mfactl/mfactl/internal/usecase"
	"github.com/mfactl/mfactl/internal/views"
	"github.com/mfactl/mfactl/plan"
	"github.com/mfactl/mfactl/plan/planfile"
)

// ApplyOptions are the inputs of `mfactl apply`.
type ApplyOptions struct {
	IO        *iostreams.IOStreams
	NewClient func(context.Context, cognito.Options) (usecase.Cognito, error)

	PlanFile        string // set when a saved plan is applied
	Files           []string
	Output          string // one of views.ApplyFormats
	AutoApprove     bool
	ResendWriteOnly bool
	Verbose         bool
	Targets         []string
	Concurrency     int
	Verify          string // changed | all
	MaxPlanAge      time.Duration
	AWS             awsFlags
}

// NewCmdApply builds `mfactl apply`; runF replaces applyRun in tests.
func NewCmdApply(f *Factory, runF func(context.Context, *ApplyOptions) error) *cobra.Command {
	opts := &ApplyOptions{IO: f.IO, NewClient: f.Cognito, AWS: awsFlags{lookupEnv: f.lookupEnv()}}
	c := &cobra.Command{
		Use:   "apply (-f PATH... [--auto-approve] [--target POOL_ID[/USERNAME]]... | PLANFILE) [-o text|json]",
		Short: "Make Cognito match the files, or execute a saved plan",
		Long: `Apply plans from the files (or loads a saved plan), then executes exactly the
plan's calls, pool by pool and stage by stage, and finally re-reads what
it changed to confirm it matches (--verify all re-reads every target).

With files it shows the plan and asks before changing anything (only
"yes" approves); without a terminal it refuses unless --auto-approve is
given. A saved plan is shown and applied without asking, but only if
nothing it read has changed since. -o json prints one JSON document with
the outcome (applied, failed, interrupted or not started) and every call's.

Exit codes: 0 applied (or nothing to do), 1 error or a call failed,
130 interrupted (calls in flight finish; the summary says what was applied).`,
		Example: `  mfactl apply -f mfa/
  mfactl apply -f mfa/ --auto-approve
  mfactl plan -f mfa/ --out mfa.plan && mfactl apply mfa.plan`,
		Args: applyArgs,
		RunE: func(c *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.PlanFile = args[0]
			}
			if _, err := usecase.ParseVerifyScope(opts.Verify); err != nil {
				return &UsageError{Err: err}
			}
			if opts.Concurrency < 1 {
				return &UsageError{Err: fmt.Errorf("--concurrency %d: want at least 1 call in flight", opts.Concurrency), Hint: fmt.Sprintf("the default is %d; the rate limits, not this, set the pace", apply.DefaultConcurrency)}
			}
			if opts.PlanFile == "" && len(opts.Files) == 0 {
				return &UsageError{Err: errors.New("nothing to apply"), Hint: "give desired-state files with -f, or a saved plan file: mfactl apply -f mfa/ or mfactl apply mfa.plan"}
			}
			if _, err := views.ApplyFormats.Parse(opts.Output); err != nil {
				return &UsageError{Err: err}
			}
			if opts.PlanFile != "" && len(opts.Targets) > 0 {
				return &UsageError{Err: errors.New("--target cannot narrow a saved plan"), Hint: "make the partial plan with mfactl plan --target ... --out PLANFILE, then apply it"}
			}
			if runF != nil {
				return runF(c.Context(), opts)
			}
			return applyRun(c.Context(), opts)
		},
	}
	fs := c.Flags()
	fs.StringArrayVarP(&opts.Files, "file", "f", nil, "desired-state file, directory or - for stdin (repeatable); with PLANFILE, only used to supply secrets the plan file does not hold")
	fs.BoolVar(&opts.AutoApprove, "auto-approve", false, "apply without asking (required when stdin is not a terminal)")
	fs.BoolVar(&opts.ResendWriteOnly, "resend-write-only", false, "send declared WebAuthnMfaSettings even for users with nothing else to change")
	fs.IntVar(&opts.Concurrency, "concurrency", apply.DefaultConcurrency, "calls in flight per stage of a pool (the rate limits set the pace)")
	fs.StringVarP(&opts.Output, "output", "o", "text", "output format: "+views.FormatNames(views.ApplyFormats.Names()...))
	_ = c.RegisterFlagCompletionFunc("output", completeFormats(views.ApplyFormats.Names(), ""))
	fs.BoolVarP(&opts.Verbose, "verbose", "v", false, "show every user and every call with its request")
	fs.DurationVar(&opts.MaxPlanAge, "max-plan-age", planfile.DefaultMaxAge, "refuse a saved plan made longer ago than this (0: no limit); make the plan again instead")
	fs.StringVar(&opts.Verify, "verify", string(usecase.VerifyChanged), "what to read again after apply: changed (the pools and users apply wrote) or all (every target)")
	registerTargets(c, &opts.Targets)
	opts.AWS.register(c)
	return c
}

// applyArgs takes one saved plan, and explains the arguments people give
// apply instead: desired-state files or a directory without -f, or the
// rest of a shell glob after -f.
func applyArgs(c *cobra.Command, args []string) error {
	if len(args) == 1 && !isDesiredState(args[0]) {
		return nil // a saved plan
	}
	given, _ := c.Flags().GetStringArray("file")
	if len(args) != 1 || len(given) > 0 {
		return filesWithF(c, args)
	}
	what := "a desired-state file"
	if info, err := os.Stat(args[0]); err == nil && info.IsDir() {
		what = "a directory"
	}
	return &UsageError{
		Err:  fmt.Errorf("%s is %s, not a saved plan", args[0], what),
		Hint: fmt.Sprintf("apply desired-state files with -f: mfactl apply -f %s", args[0]),
	}
}

// isDesiredState: arg names a directory or a YAML file, which apply takes
// with -f; a saved plan is a JSON file.
func isDesiredState(arg string) bool {
	if ext := strings.ToLower(filepath.Ext(arg)); ext == ".yaml" || ext == ".yml" {
		return true
	}
	info, err := os.Stat(arg)
	return (err == nil && info.IsDir()) || strings.HasSuffix(arg, "/")
}

func applyRun(ctx context.Context, opts *ApplyOptions) error {
	format, _ := views.ApplyFormats.Parse(opts.Output)
	view, err := views.NewApply(format, opts.IO, views.Options{Verbose: opts.Verbose})
	if err != nil {
		return err
	}
	err = applyAndShow(ctx, opts, view)
	if verr := view.Done(err, ExitCode(err) == ExitInterrupted); verr != nil {
		return verr
	}
	if err != nil && format == views.JSON && ExitCode(err) == ExitError {
		return &SilentError{Err: err} // the JSON document says it
	}
	return err
}

func applyAndShow(ctx context.Context, opts *ApplyOptions, view views.Apply) error {
	session := opts.AWS.session(opts.NewClient, opts.IO)
	if opts.PlanFile != "" {
		return applySavedPlan(ctx, session, view, opts)
	}
	if opts.AutoApprove {
		return planAndExecute(ctx, session, view, opts)
	}
	update, finish := opts.IO.ReadProgress()
	planned, err := session.Plan(ctx, planOptions(opts, update))
	finish()
	if err != nil {
		return err
	}
	p, err := showPlan(view, planned)
	if err != nil || !p.HasChanges() {
		return err
	}
	if !opts.AutoApprove {
		// Nothing to do needs no approval; only now is a missing terminal a mistake.
		if !opts.IO.CanPrompt() {
			return fmt.Errorf("refusing to apply %s without confirmation: mfactl can only ask when stdin and stderr are a terminal; review the plan, then run again with --auto-approve", views.Plural(len(p.Calls), "call"))
		}
		ok, err := opts.IO.Confirm(ctx, "\n"+approvalQuestion(p))
		if errors.Is(err, iostreams.ErrPromptInterrupted) {
			fmt.Fprintln(opts.IO.ErrOut, "\nInterrupted at the prompt: nothing was sent to Cognito.")
			return ErrInterrupted
		}
		if err != nil {
			return err
		}
		if !ok {
			return views.ErrApplyCancelled
		}
	}
	return execute(ctx, session, view, opts, p)
}

func planOptions(opts *ApplyOptions, progress func(done, total int)) usecase.PlanOptions {
	return usecase.PlanOptions{
		Files: opts.Files, Stdin: opts.IO.In, ReadProgress: progress, Targets: opts.Targets,
		Build:       plan.Options{ResendWriteOnly: opts.ResendWriteOnly},
		AccessToken: opts.AWS.accessToken, TokenGiven: opts.AWS.AccessTokenFile != "",
	}
}

// planAndExecute plans and applies in one pass when nobody is asked
// (--auto-approve): users' calls that depend on nothing but their own read
// start while the others are read (usecase.PlanApply). The plan is shown
// once it is complete, as it would be before a phased apply.
func planAndExecute(ctx context.Context, session *usecase.Session, view views.Apply, opts *ApplyOptions) error {
	update, finishReads := opts.IO.ReadProgress()
	var shownErr error
	var progress *iostreams.Progress
	scope, _ := usecase.ParseVerifyScope(opts.Verify) // checked with the flags
	_, applied, err := session.PlanApply(ctx, planOptions(opts, update), usecase.ApplyOptions{Concurrency: opts.Concurrency, Verify: scope},
		func(planned *usecase.Planned) apply.Hooks {
			finishReads()
			if planned.CallsMade && planned.Plan.Diagnostics.HasErrors() {
				shownErr = view.PlanAfterCalls(planned.Plan)
				return nil
			}
			var p *plan.Plan
			if p, shownErr = showPlan(view, planned); shownErr != nil || !p.HasChanges() {
				return nil
			}
			progress = opts.IO.ApplyProgress(len(p.Calls))
			return views.ApplyHooks(progress)
		})
	finishReads()
	progress.Finish()
	if applied == nil {
		return cmp.Or(err, shownErr)
	}
	return showApplied(view, applied)
}

// approvalQuestion says what "yes" approves: "Apply 21 calls to 3 pools?
// Only 'yes' is accepted:", naming the pool when there is one.
func approvalQuestion(p *plan.Plan) string {
	var pools []string
	for _, pc := range p.Pools {
		if !pc.InSync() {
			pools = append(pools, pc.UserPoolId)
		}
	}
	target := views.Plural(len(pools), "pool")
	if len(pools) == 1 {
		target = "pool " + pools[0]
	}
	return fmt.Sprintf("Apply %s to %s? Only 'yes' is accepted:", views.Plural(len(p.Calls), "call"), target)
}

// applySavedPlan runs a plan file after checking that what it read has not
// changed since.
func applySavedPlan(ctx context.Context, session *usecase.Session, view views.Apply, opts *ApplyOptions) error {
	key, err := planKey(opts.AWS.lookupEnv)
	if err != nil {
		return err
	}
	update, finish := opts.IO.ReadProgress()
	saved, err := session.LoadSaved(ctx, usecase.SavedOptions{Path: opts.PlanFile, Files: opts.Files, Stdin: opts.IO.In, Key: key, MaxAge: opts.MaxPlanAge, ReadProgress: update,
		AccessToken: opts.AWS.accessToken, TokenGiven: opts.AWS.AccessTokenFile != ""})
	finish()
	if err != nil {
		return err
	}
	if err := stopAtInvalidFiles(view, saved); err != nil {
		return err
	}
	if err := view.SavedPlan(opts.PlanFile, saved.Plan); err != nil {
		return err
	}
	if !saved.Plan.HasChanges() {
		return nil
	}
	return execute(ctx, session, view, opts, saved.Plan)
}

// execute applies p with progress on stderr, shows the outcome and returns
// the error that sets the exit code.
func execute(ctx context.Context, session *usecase.Session, view views.Apply, opts *ApplyOptions, p *plan.Plan) error {
	progress := opts.IO.ApplyProgress(len(p.Calls))
	scope, _ := usecase.ParseVerifyScope(opts.Verify) // checked with the flags
	applied, err := session.Apply(ctx, p, usecase.ApplyOptions{Concurrency: opts.Concurrency, Hooks: views.ApplyHooks(progress), Verify: scope})
	progress.Finish()
	if err != nil {
		return err
	}
	return showApplied(view, applied)
}

// showApplied shows the outcome and returns the error that sets the exit
// code.
func showApplied(view views.Apply, applied *usecase.Applied) error {
	if err := view.Applied(applied); err != nil {
		return err
	}
	var early *usecase.StoppedEarlyError
	switch r := applied.Result; {
	case r.Interrupted:
		return ErrInterrupted
	case errors.As(r.Stopped, &early):
		if early.Checks {
			return &SilentError{Err: r.Stopped} // the plan's diagnostics say why
		}
		return r.Stopped // which read failed, say
	case !r.OK():
		return &SilentError{Err: fmt.Errorf("%d calls failed", len(r.Failed()))}
	case applied.Verification.Err != nil:
		return applied.Verification.Err
	case !applied.Verification.OK():
		return &SilentError{Err: errors.New("live state does not match after apply")}
	}
	return nil
}
