package cmd

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/mfactl/mfactl/internal/cognito"
	"github.com/mfactl/mfactl/internal/diag"
	"github.com/mfactl/mfactl/internal/plan"
	"github.com/mfactl/mfactl/internal/schema"
	"github.com/mfactl/mfactl/internal/state"
)

func init() { register(func(f *Factory) *cobra.Command { return NewCmdPlan(f, nil) }) }

// PlanOptions are the inputs of `mfactl plan`.
type PlanOptions struct {
	IO        *IOStreams
	NewClient func(context.Context, cognito.Options) (LiveClient, error)

	Files            []string
	Output           string // text | json
	OutFile          string
	DetailedExitCode bool
	ResendWriteOnly  bool
	AWS              awsFlags
}

// NewCmdPlan builds `mfactl plan`; runF replaces planRun in tests.
func NewCmdPlan(f *Factory, runF func(context.Context, *PlanOptions) error) *cobra.Command {
	opts := &PlanOptions{IO: f.IO, NewClient: f.Cognito}
	c := &cobra.Command{
		Use:   "plan -f PATH... [--detailed-exitcode] [-o text|json] [--out PLANFILE]",
		Short: "Show what apply would change, reading live state from Cognito",
		Long: `Plan reads the live MFA state of every pool and user the files declare,
diffs it against the files and prints the ordered API calls apply would make.
It changes nothing.

Exit codes: 0 no changes (or changes without --detailed-exitcode), 1 error,
2 changes present with --detailed-exitcode (use it for drift checks).`,
		Example: `  mfactl plan -f mfa/
  mfactl plan -f mfa/ --detailed-exitcode -o json
  mfactl plan -f pool.yaml -f users/ --out mfa.plan`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if err := checkOutputFormat(opts.Output); err != nil {
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
	fs.StringVarP(&opts.Output, "output", "o", "text", "output format: text or json")
	fs.StringVar(&opts.OutFile, "out", "", "save the plan to this file for `mfactl apply PLANFILE`")
	fs.BoolVar(&opts.DetailedExitCode, "detailed-exitcode", false, "exit 2 when the plan has changes")
	fs.BoolVar(&opts.ResendWriteOnly, "resend-write-only", false, "send declared WebAuthnMfaSettings even for users with nothing else to change (Cognito cannot report them)")
	opts.AWS.register(fs)
	_ = c.MarkFlagRequired("file")
	return c
}

func planRun(ctx context.Context, opts *PlanOptions) error {
	computed, err := computePlan(ctx, planInputs{
		IO: opts.IO, NewClient: opts.NewClient, Files: opts.Files, AWS: opts.AWS,
		JSON: opts.Output == "json", Build: plan.Options{ResendWriteOnly: opts.ResendWriteOnly},
	})
	if err != nil {
		return err
	}
	p := computed.Plan
	if opts.Output == "json" {
		if err := plan.RenderJSON(opts.IO.Out, p); err != nil {
			return err
		}
	} else {
		if err := plan.RenderText(opts.IO.Out, p, opts.IO.Palette()); err != nil {
			return err
		}
	}
	if opts.OutFile != "" {
		if err := savePlanFile(opts.OutFile, p); err != nil {
			return err
		}
		fmt.Fprintf(opts.IO.ErrOut, "Saved the plan to %s. Apply it with: mfactl apply %s\n", opts.OutFile, opts.OutFile)
	}
	if opts.DetailedExitCode && p.HasChanges() {
		return ErrChangesPresent
	}
	return nil
}

// planInputs is what computing a plan needs; plan and apply share it.
type planInputs struct {
	IO        *IOStreams
	NewClient func(context.Context, cognito.Options) (LiveClient, error)
	Files     []string
	AWS       awsFlags
	JSON      bool // diagnostics as JSON on stdout instead of text on stderr
	Build     plan.Options
}

// computedPlan is a plan with what it was computed from.
type computedPlan struct {
	Plan    *plan.Plan
	Desired state.Desired
	Client  LiveClient
}

// computePlan loads the files, reads live state and builds the plan. Input
// errors stop it before any API call; plan errors (checks against live
// state) stop it before anything is applied. Both are printed here.
func computePlan(ctx context.Context, in planInputs) (*computedPlan, error) {
	desired, diags := schema.Load(in.Files, in.IO.In)
	if diags.HasErrors() {
		return nil, reportDiagnostics(in.IO, in.JSON, diags)
	}
	awsOpts, err := in.AWS.options()
	if err != nil {
		return nil, err
	}
	client, err := in.NewClient(ctx, awsOpts)
	if err != nil {
		return nil, err
	}
	progress := newReadProgress(in.IO)
	live, err := client.ReadLive(ctx, desired.ReadSet(), progress.update)
	progress.done()
	if err != nil {
		return nil, fmt.Errorf("reading live state: %w", err)
	}
	p := plan.Build(desired, live, in.Build)
	// The files' own warnings travel with the plan, so text and JSON both show them once.
	p.Diagnostics = append(diags, p.Diagnostics...)
	p.Diagnostics.Sort()
	if p.Diagnostics.HasErrors() {
		if in.JSON {
			if err := plan.RenderJSON(in.IO.Out, p); err != nil {
				return nil, err
			}
		} else if err := plan.RenderText(in.IO.ErrOut, p, in.IO.errPalette()); err != nil {
			return nil, err
		}
		return nil, &SilentError{Err: p.Diagnostics.AsError()}
	}
	return &computedPlan{Plan: p, Desired: desired, Client: client}, nil
}

// reportDiagnostics prints input errors and returns the error that makes Main exit 1.
func reportDiagnostics(io *IOStreams, asJSON bool, diags diag.List) error {
	if asJSON {
		if err := writeDiagnosticsJSON(io.Out, diags); err != nil {
			return err
		}
	} else {
		writeDiagnostics(io.ErrOut, io.errPalette(), diags)
	}
	return &SilentError{Err: diags.AsError()}
}

// savePlanFile writes the plan atomically (temp file + rename), readable only
// by its owner: it names users and pools.
func savePlanFile(path string, p *plan.Plan) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".mfactl-plan-*")
	if err != nil {
		return fmt.Errorf("saving the plan: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := plan.Save(tmp, p); err != nil {
		tmp.Close()
		return fmt.Errorf("saving the plan: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("saving the plan: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("saving the plan: %w", err)
	}
	return nil
}

func checkOutputFormat(format string) error {
	if format != "text" && format != "json" {
		return fmt.Errorf("invalid --output %q: use text or json", format)
	}
	return nil
}
