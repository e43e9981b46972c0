package cmd

import (
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mfactl/mfactl/internal/iostreams"
	"github.com/mfactl/mfactl/internal/jsondoc"
	"github.com/mfactl/mfactl/schema"
)

// SchemaOptions are the inputs of `mfactl schema`.
type SchemaOptions struct {
	IO *iostreams.IOStreams
	// Output is the command whose -o json document's schema to print;
	// empty for the desired-state files'.
	Output string
}

// NewCmdSchema builds `mfactl schema`; runF replaces schemaRun in tests.
func NewCmdSchema(f *Factory, runF func(*SchemaOptions) error) *cobra.Command {
	opts := &SchemaOptions{IO: f.IO}
	c := &cobra.Command{
		Use:   "schema [--output " + strings.Join(documentNames(), "|") + "]",
		Short: "Print the JSON Schema of desired-state files, or of a command's -o json",
		Long: `Schema prints the JSON Schema (draft 2020-12) that desired-state documents
must satisfy; it is the one mfactl validate uses. Every field has a
description, so editors with the YAML language server show help, completion
and errors as you type. Save it and point your files at it with a first line
such as:

  # yaml-language-server: $schema=./mfactl.schema.json

With --output COMMAND it prints instead the JSON Schema of the document
that command prints with -o json (docs/json.md): every path, success or
failure, prints one document that it accepts. For reset-mfa that is its
audit record, the line --audit-log appends (docs/recovery.md).`,
		Example: `  mfactl schema > mfactl.schema.json
  mfactl schema --output plan > mfactl-plan.schema.json
  mfactl schema --output reset-mfa > mfactl-audit.schema.json`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			if opts.Output != "" && !slices.Contains(jsondoc.Commands, jsondoc.Command(opts.Output)) {
				return &UsageError{Err: fmt.Errorf("invalid --output %q: use %s", opts.Output, strings.Join(documentNames(), ", ")),
					Hint: "leave --output out for the schema of desired-state files"}
			}
			if runF != nil {
				return runF(opts)
			}
			return schemaRun(opts)
		},
	}
	c.Flags().StringVarP(&opts.Output, "output", "o", "", "print the schema of this command's -o json document: "+strings.Join(documentNames(), ", "))
	_ = c.RegisterFlagCompletionFunc("output", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return documentNames(), cobra.ShellCompDirectiveNoFileComp
	})
	return c
}

func documentNames() []string {
	out := make([]string, len(jsondoc.Commands))
	for i, c := range jsondoc.Commands {
		out[i] = string(c)
	}
	return out
}

func schemaRun(opts *SchemaOptions) error {
	text := schema.JSON()
	if opts.Output != "" {
		var err error
		if text, err = jsondoc.Schema(jsondoc.Command(opts.Output)); err != nil {
			return err
		}
	}
	_, err := opts.IO.Out.Write(text)
	return err
}
