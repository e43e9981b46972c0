package cmd

import (
	"context"
	"errors"

	"github.com/spf13/cobra"

	"github.com/mfactl/mfactl/internal/iostreams"
	"github.com/mfactl/mfactl/internal/usecase"
	"github.com/mfactl/mfactl/internal/views"
)

// ValidateOptions are the inputs of `mfactl validate`.
type ValidateOptions struct {
	IO    *iostreams.IOStreams
	Files []string
	Out   outputFlags // -o, one of views.ValidateFormats, and --report
}

// NewCmdValidate builds `mfactl validate`; runF replaces validateRun in tests.
func NewCmdValidate(f *Factory, runF func(*ValidateOptions) error) *cobra.Command {
	opts := &ValidateOptions{IO: f.IO}
	c := &cobra.Command{
		Use:   "validate [-f] PATH... [-o FORMAT] [--report FORMAT=FILE]...",
		Short: "Check desired-state files without contacting AWS",
		Long: `Validate checks desired-state files in three layers — YAML syntax and
duplicate keys, the JSON Schema (see mfactl schema), and Cognito's
cross-field rules — and reports every problem with file:line:column, the
field path, what is wrong and what is allowed. It needs no AWS credentials
and makes no network call. Paths may also be given as arguments, as
pre-commit and shell globs pass them (mfactl validate mfa/*.yaml).

Exit codes: 0 valid (warnings may be printed), 1 invalid or unreadable.`,
		Example: `  mfactl validate -f mfa/
  mfactl validate -f pool.yaml -f users/ -o json
  mfactl validate -f mfa/ -o github --report sarif=mfactl.sarif
  generate-users | mfactl validate -f -
  mfactl validate mfa/*.yaml`,
		Args: func(c *cobra.Command, args []string) error {
			if len(args) == 0 && len(opts.Files) == 0 {
				return &UsageError{Err: errors.New("no desired-state files given"), Hint: "give them with -f PATH or as arguments: mfactl validate -f mfa/"}
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			// Validation reads only; a path given as an argument is
			// validated like one given with -f (pre-commit passes them so).
			opts.Files = append(opts.Files, args...)
			if _, _, err := opts.Out.parse(); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return validateRun(c.Context(), opts)
		},
	}
	fs := c.Flags()
	fs.StringArrayVarP(&opts.Files, "file", "f", nil, "desired-state file, directory or - for stdin (repeatable)")
	opts.Out.register(c, views.ValidateFormats, true)
	return c
}

func validateRun(ctx context.Context, opts *ValidateOptions) error {
	format, reports, _ := opts.Out.parse()
	rf := newReportFiles(opts.IO, reports)
	view, err := newValidateFanOut(format, opts.IO, rf)
	if err != nil {
		return err
	}
	r, err := usecase.Validate(ctx, opts.Files, opts.IO.In)
	if err != nil {
		return errors.Join(err, view.Failed(err, ExitCode(err) == ExitInterrupted), rf.write(err))
	}
	if err := errors.Join(view.Result(r), rf.write(nil)); err != nil {
		return err
	}
	if r.Diagnostics.HasErrors() {
		return &SilentError{Err: r.Diagnostics.AsError()}
	}
	return nil
}
