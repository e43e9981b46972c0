package cmd

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/mfactl/mfactl/internal/schema"
)

func init() { register(func(f *Factory) *cobra.Command { return NewCmdValidate(f, nil) }) }

// ValidateOptions are the inputs of `mfactl validate`.
type ValidateOptions struct {
	IO     *IOStreams
	Files  []string
	Output string // text | json
}

// NewCmdValidate builds `mfactl validate`; runF replaces validateRun in tests.
func NewCmdValidate(f *Factory, runF func(*ValidateOptions) error) *cobra.Command {
	opts := &ValidateOptions{IO: f.IO}
	c := &cobra.Command{
		Use:   "validate -f PATH... [-o text|json]",
		Short: "Check desired-state files without contacting AWS",
		Long: `Validate checks desired-state files in three layers — YAML syntax and
duplicate keys, the JSON Schema (see mfactl schema), and Cognito's
cross-field rules — and reports every problem with file:line:column, the
field path, what is wrong and what is allowed. It needs no AWS credentials
and makes no network call.

Exit codes: 0 valid (warnings may be printed), 1 invalid or unreadable.`,
		Example: `  mfactl validate -f mfa/
  mfactl validate -f pool.yaml -f users/ -o json
  generate-users | mfactl validate -f -`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if err := checkOutputFormat(opts.Output); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return validateRun(opts)
		},
	}
	fs := c.Flags()
	fs.StringArrayVarP(&opts.Files, "file", "f", nil, "desired-state file, directory or - for stdin (repeatable)")
	fs.StringVarP(&opts.Output, "output", "o", "text", "output format: text or json")
	_ = c.MarkFlagRequired("file")
	return c
}

func validateRun(opts *ValidateOptions) error {
	r := schema.Read(opts.Files, opts.IO.In)
	if opts.Output == "json" {
		if err := writeDiagnosticsJSON(opts.IO.Out, r.Diagnostics); err != nil {
			return err
		}
		if r.Diagnostics.HasErrors() {
			return &SilentError{Err: r.Diagnostics.AsError()}
		}
		return nil
	}
	if r.Diagnostics.HasErrors() {
		writeDiagnostics(opts.IO.ErrOut, opts.IO.errPalette(), r.Diagnostics)
		return &SilentError{Err: r.Diagnostics.AsError()}
	}
	writeDiagnostics(opts.IO.ErrOut, opts.IO.errPalette(), r.Diagnostics) // warnings
	users := 0
	for _, p := range r.Desired.Pools {
		users += len(p.Users)
	}
	summary := fmt.Sprintf("%s valid: %s, %s", plural(len(r.Files), "file"),
		plural(len(r.Desired.Pools), "pool"), plural(users, "user"))
	if n := len(r.Diagnostics); n > 0 {
		summary += fmt.Sprintf(" (%s)", plural(n, "warning"))
	}
	fmt.Fprintln(opts.IO.Out, opts.IO.Palette().Green(summary))
	return nil
}
