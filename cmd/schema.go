package cmd

import (
	"github.com/spf13/cobra"

	"github.com/mfactl/mfactl/internal/iostreams"

	"github.com/mfactl/mfactl/schema"
)

// SchemaOptions are the inputs of `mfactl schema`.
type SchemaOptions struct {
	IO *iostreams.IOStreams
}

// NewCmdSchema builds `mfactl schema`; runF replaces schemaRun in tests.
func NewCmdSchema(f *Factory, runF func(*SchemaOptions) error) *cobra.Command {
	opts := &SchemaOptions{IO: f.IO}
	return &cobra.Command{
		Use:   "schema",
		Short: "Print the JSON Schema of desired-state files",
		Long: `Schema prints the JSON Schema (draft 2020-12) that desired-state documents
must satisfy; it is the one mfactl validate uses. Every field has a
description, so editors with the YAML language server show help, completion
and errors as you type. Save it and point your files at it with a first line
such as:

  # yaml-language-server: $schema=./mfactl.schema.json`,
		Example: `  mfactl schema > mfactl.schema.json`,
		Args:    cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			if runF != nil {
				return runF(opts)
			}
			return schemaRun(opts)
		},
	}
}

func schemaRun(opts *SchemaOptions) error {
	_, err := opts.IO.Out.Write(schema.JSON())
	return err
}
