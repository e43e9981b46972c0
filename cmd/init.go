package cmd

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/mfactl/mfactl/internal/cognito"
	"github.com/mfactl/mfactl/internal/desiredfile"
	"github.com/mfactl/mfactl/internal/iostreams"
	"github.com/mfactl/mfactl/internal/usecase"
)

// defaultInitFile is where mfactl init writes without --out.
const defaultInitFile = "mfa.yaml"

// InitOptions are the inputs of `mfactl init`.
type InitOptions struct {
	IO        *iostreams.IOStreams
	NewClient func(context.Context, cognito.Options) (usecase.Cognito, error)
	Now       func() time.Time

	PoolID string
	Out    string
	AWS    awsFlags
}

// NewCmdInit builds `mfactl init`; runF replaces initRun in tests.
func NewCmdInit(f *Factory, runF func(context.Context, *InitOptions) error) *cobra.Command {
	opts := &InitOptions{IO: f.IO, NewClient: f.Cognito, AWS: awsFlags{lookupEnv: f.lookupEnv()}, Now: time.Now}
	c := &cobra.Command{
		Use:   "init [--user-pool-id ID] [--out FILE]",
		Short: "Write a commented starter file, or import a pool's configuration",
		Long: `Init writes a starter desired-state file: the editor modeline, one pool,
every factor block with its allowed values in comments, and one example
user. It validates as written. With --user-pool-id it reads that pool
instead, as mfactl import --users none does (credentials needed).
It never overwrites a file (default: ` + defaultInitFile + `).`,
		Example: `  mfactl init
  mfactl init --user-pool-id eu-west-1_AbCdEf123 --out mfa/prod.yaml`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if opts.Out == "" {
				opts.Out = defaultInitFile
			}
			// --out mfa/: the starter goes into the directory (created if
			// need be), as import's files do.
			if opts.PoolID == "" && outIsDir(opts.Out) {
				if err := os.MkdirAll(opts.Out, 0o755); err != nil {
					return err
				}
				opts.Out = filepath.Join(opts.Out, defaultInitFile)
			}
			if runF != nil {
				return runF(c.Context(), opts)
			}
			return initRun(c.Context(), opts)
		},
	}
	fs := c.Flags()
	fs.StringVar(&opts.PoolID, "user-pool-id", "", "import this pool's configuration instead of writing the example")
	fs.StringVar(&opts.Out, "out", "", "the `FILE` to write (default "+defaultInitFile+"); - for stdout")
	opts.AWS.register(c)
	return c
}

func initRun(ctx context.Context, opts *InitOptions) error {
	if opts.PoolID != "" {
		return importRun(ctx, &ImportOptions{IO: opts.IO, NewClient: opts.NewClient, Now: opts.Now,
			PoolIDs: []string{opts.PoolID}, Users: "none", Out: opts.Out, AWS: opts.AWS})
	}
	data := desiredfile.Starter("")
	if opts.Out == "-" {
		_, err := opts.IO.Out.Write(data)
		return err
	}
	if err := writeNew(opts.Out, data); err != nil {
		return err
	}
	fmt.Fprintf(opts.IO.ErrOut, "Wrote %s. Put your pool's ID in it, then: mfactl plan -f %s\n", opts.Out, opts.Out)
	return nil
}

// writeNew writes a file that must not exist yet.
func writeNew(path string, data []byte) error {
	if err := desiredfile.CheckNew(path); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("%s already exists; mfactl never overwrites a file: remove it or choose another --out", path)
	}
	if err != nil {
		return err
	}
	_, err = bytes.NewReader(data).WriteTo(f)
	return errors.Join(err, f.Close())
}
