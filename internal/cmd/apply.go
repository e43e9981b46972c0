package cmd

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/mfactl/mfactl/internal/apply"
	"github.com/mfactl/mfactl/internal/cognito"
	"github.com/mfactl/mfactl/internal/plan"
	"github.com/mfactl/mfactl/internal/schema"
	"github.com/mfactl/mfactl/internal/state"
)

func init() { register(func(f *Factory) *cobra.Command { return NewCmdApply(f, nil) }) }

// ApplyOptions are the inputs of `mfactl apply`.
type ApplyOptions struct {
	IO        *IOStreams
	NewClient func(context.Context, cognito.Options) (LiveClient, error)

	PlanFile        string // set when a saved plan is applied
	Files           []string
	AutoApprove     bool
	ResendWriteOnly bool
	Concurrency     int
	AWS             awsFlags
}

// NewCmdApply builds `mfactl apply`; runF replaces applyRun in tests.
func NewCmdApply(f *Factory, runF func(context.Context, *ApplyOptions) error) *cobra.Command {
	opts := &ApplyOptions{IO: f.IO, NewClient: f.Cognito}
	c := &cobra.Command{
		Use:   "apply (-f PATH... [--auto-approve] | PLANFILE)",
		Short: "Make Cognito match the files, or execute a saved plan",
		Long: `Apply plans from the files (or loads a saved plan), then executes exactly the
plan's calls, pool by pool and stage by stage, and finally re-reads the
targets to confirm they match.

With files it shows the plan and asks before changing anything; without a
terminal it refuses unless --auto-approve is given. A saved plan is applied
without asking, but only if nothing it read has changed since.

Exit codes: 0 applied (or nothing to do), 1 error or a call failed,
130 interrupted (calls in flight finish; the summary says what was applied).`,
		Example: `  mfactl apply -f mfa/
  mfactl apply -f mfa/ --auto-approve
  mfactl plan -f mfa/ --out mfa.plan && mfactl apply mfa.plan`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.PlanFile = args[0]
			}
			if opts.PlanFile == "" && len(opts.Files) == 0 {
				return errors.New("nothing to apply: give desired-state files with -f, or a saved plan file")
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
	opts.AWS.register(fs)
	return c
}

func applyRun(ctx context.Context, opts *ApplyOptions) error {
	if opts.PlanFile != "" {
		return applySavedPlan(ctx, opts)
	}
	// Refuse before reading anything: a pipeline without --auto-approve is a mistake.
	if !opts.AutoApprove && !opts.IO.CanPrompt() {
		return errors.New("refusing to apply without confirmation: mfactl can only ask when stdin and stderr are a terminal; review with `mfactl plan` and pass --auto-approve")
	}
	computed, err := computePlan(ctx, planInputs{
		IO: opts.IO, NewClient: opts.NewClient, Files: opts.Files, AWS: opts.AWS,
		Build: plan.Options{ResendWriteOnly: opts.ResendWriteOnly},
	})
	if err != nil {
		return err
	}
	p := computed.Plan
	if err := plan.RenderText(opts.IO.Out, p, opts.IO.Palette()); err != nil {
		return err
	}
	if !p.HasChanges() {
		return nil
	}
	if !opts.AutoApprove {
		ok, err := opts.IO.Confirm(fmt.Sprintf("\nApply %s?", plural(len(p.Calls), "call")))
		if err != nil {
			return err
		}
		if !ok {
			return errors.New("apply cancelled; nothing was changed")
		}
	}
	if err := execute(ctx, opts, computed.Client, p); err != nil {
		return err
	}
	return verify(ctx, opts.IO, computed.Client, computed.Desired)
}

// applySavedPlan runs a plan file after checking that what it read has not
// changed since.
func applySavedPlan(ctx context.Context, opts *ApplyOptions) error {
	p, err := loadPlanFile(opts.PlanFile)
	if err != nil {
		return err
	}
	var desired *state.Desired
	if len(opts.Files) > 0 {
		d, diags := schema.Load(opts.Files, opts.IO.In)
		if diags.HasErrors() {
			return reportDiagnostics(opts.IO, false, diags)
		}
		desired = &d
	}
	if !p.HasChanges() {
		fmt.Fprintln(opts.IO.Out, "The saved plan has no changes. Nothing to apply.")
		return nil
	}
	awsOpts, err := opts.AWS.options()
	if err != nil {
		return err
	}
	client, err := opts.NewClient(ctx, awsOpts)
	if err != nil {
		return err
	}
	progress := newReadProgress(opts.IO)
	live, err := client.ReadLive(ctx, p.ReadSet(), progress.update)
	progress.done()
	if err != nil {
		return fmt.Errorf("reading live state to check the saved plan: %w", err)
	}
	if stale := plan.StaleTargets(p, live); len(stale) > 0 {
		return staleError(opts.PlanFile, stale)
	}
	if err := plan.ResolveSecrets(p, live, desired); err != nil {
		return err
	}
	fmt.Fprintf(opts.IO.Out, "Applying the saved plan %s.\n%s\n", opts.PlanFile, p.Summary())
	if err := execute(ctx, opts, client, p); err != nil {
		return err
	}
	return verify(ctx, opts.IO, client, desiredFromPlan(p))
}

// execute runs the plan's calls with progress on stderr and prints the
// summary; it returns the error that sets the exit code.
func execute(ctx context.Context, opts *ApplyOptions, client LiveClient, p *plan.Plan) error {
	hooks, finish := applyProgress(opts.IO, len(p.Calls))
	result := apply.Run(ctx, p, apply.Dispatch(client), apply.Options{Concurrency: opts.Concurrency, Hooks: hooks})
	finish()
	if err := apply.RenderSummary(opts.IO.Out, result, opts.IO.Palette()); err != nil {
		return err
	}
	switch {
	case result.Interrupted:
		return ErrInterrupted
	case !result.OK():
		return &SilentError{Err: fmt.Errorf("%d calls failed", len(result.Failed()))}
	}
	return nil
}

// verify re-reads the targets and plans again: after a successful apply
// nothing should be left to do. Whatever still differs is shown and is an error.
func verify(ctx context.Context, io *IOStreams, client LiveClient, desired state.Desired) error {
	live, err := client.ReadLive(ctx, desired.ReadSet(), nil)
	if err != nil {
		return fmt.Errorf("applied, but re-reading live state to confirm failed: %w", err)
	}
	again := plan.Build(desired, live, plan.Options{})
	if !again.HasChanges() && !again.Diagnostics.HasErrors() {
		fmt.Fprintf(io.Out, "%s %s\n", io.Palette().Green("Verified:"), verifiedLine(desired))
		return nil
	}
	fmt.Fprintln(io.Out, io.Palette().Yellow("Verification: live state still differs after apply:"))
	if again.Diagnostics.HasErrors() {
		writeDiagnostics(io.Out, io.Palette(), again.Diagnostics)
	} else {
		_ = plan.RenderText(io.Out, again, io.Palette())
	}
	return &SilentError{Err: errors.New("live state does not match after apply")}
}

func verifiedLine(desired state.Desired) string {
	users := 0
	for _, dp := range desired.Pools {
		users += len(dp.Users)
	}
	return fmt.Sprintf("%s and %s match the desired state.", plural(len(desired.Pools), "pool"), plural(users, "user"))
}

func applyProgress(io *IOStreams, total int) (apply.Hooks, func()) {
	switch {
	case io.StderrTTY && total > 1:
		bar := apply.NewProgressBar(io.ErrOut, total)
		return bar, bar.Done
	case total >= 10:
		return apply.NewLineProgress(io.ErrOut, total, max(total/10, 1)), func() {}
	}
	return nil, func() {}
}

func loadPlanFile(path string) (*plan.Plan, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reading the plan file: %w", err)
	}
	defer f.Close()
	p, err := plan.Load(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return p, nil
}

// desiredFromPlan is the state a saved plan converges to: each pool's last
// (complete) SetUserPoolMfaConfig request — which holds the resolved
// secrets, unlike the reviewable PoolChange — and each changed user's settings.
func desiredFromPlan(p *plan.Plan) state.Desired {
	finalConfig := map[string]state.PoolConfig{}
	for _, c := range p.Calls {
		if c.PoolRequest != nil {
			finalConfig[c.UserPoolId] = *c.PoolRequest
		}
	}
	var d state.Desired
	for _, pc := range p.Pools {
		dp := state.DesiredPool{UserPoolId: pc.UserPoolId, Config: finalConfig[pc.UserPoolId]}
		for _, uc := range pc.Users {
			dp.Users = append(dp.Users, state.DesiredUser{Username: uc.Username, Settings: uc.Desired})
		}
		d.Pools = append(d.Pools, dp)
	}
	return d
}

func staleError(path string, stale []plan.Target) error {
	msg := fmt.Sprintf("the saved plan %s is stale: live state changed since it was made for", path)
	for i, t := range stale {
		if i == 10 {
			msg += fmt.Sprintf("\n  … and %d more", len(stale)-10)
			break
		}
		if t.Username != "" {
			msg += fmt.Sprintf("\n  user %s in pool %s", t.Username, t.UserPoolId)
		} else {
			msg += fmt.Sprintf("\n  pool %s", t.UserPoolId)
		}
	}
	return errors.New(msg + "\nRun `mfactl plan` again to make a new plan.")
}
