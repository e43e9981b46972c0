package cmd

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/mfactl/mfactl/internal/cognito"
	"github.com/mfactl/mfactl/internal/desiredfile"
	"github.com/mfactl/mfactl/internal/iostreams"
	"github.com/mfactl/mfactl/internal/usecase"
	"github.com/mfactl/mfactl/internal/views"
)

// ImportOptions are the inputs of `mfactl import`.
type ImportOptions struct {
	IO        *iostreams.IOStreams
	NewClient func(context.Context, cognito.Options) (usecase.Cognito, error)
	Now       func() time.Time // for the header; time.Now in production

	PoolIDs      []string
	Users        string // none | all | group:NAME | NAME,NAME...
	Out          string // FILE or DIR; stdout when empty
	UsersPerFile int
	AWS          awsFlags
}

// NewCmdImport builds `mfactl import`; runF replaces importRun in tests.
func NewCmdImport(f *Factory, runF func(context.Context, *ImportOptions) error) *cobra.Command {
	opts := &ImportOptions{IO: f.IO, NewClient: f.Cognito, AWS: awsFlags{lookupEnv: f.lookupEnv()}, Now: time.Now}
	c := &cobra.Command{
		Use:   "import --user-pool-id ID... [--users none|all|group:NAME|NAME,NAME...] [--out FILE|DIR]",
		Short: "Write desired-state YAML from the live MFA state of existing pools",
		Long: `Import reads the MFA configuration of existing user pools, and of the
users you choose, and writes it as desired-state YAML: mfactl plan on that
file shows no changes until you edit it. Every SMS, TOTP and email factor is
written with Enabled, so the file pins the whole configuration. The SMS
role's ExternalId, a secret, is never written: left out, the pool keeps it.

--users: none (the default), all (ListUsers, then AdminGetUser per user,
at Cognito's quotas), group:NAME (the members of one group), or a
comma-separated list of usernames. Users whose MFA state Cognito does not
report reliably get a comment and no guessed settings.

--out: a file, or a directory (existing, or ending in /) for one file per
pool named after its ID; with --users-per-file N the users are split into
files of at most N users. Without --out the YAML goes to stdout. Existing
files are never overwritten.`,
		Example: `  mfactl import --user-pool-id eu-west-1_AbCdEf123 > mfa/prod.yaml
  mfactl import --user-pool-id eu-west-1_AbCdEf123 --users all --out mfa/ --users-per-file 5000
  mfactl import --user-pool-id eu-west-1_AbCdEf123 --users group:admins --out mfa/admins.yaml`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if err := opts.check(); err != nil {
				return err
			}
			if runF != nil {
				return runF(c.Context(), opts)
			}
			return importRun(c.Context(), opts)
		},
	}
	fs := c.Flags()
	fs.StringArrayVar(&opts.PoolIDs, "user-pool-id", nil, "the user pool to import, such as eu-west-1_AbCdEf123 (repeatable)")
	fs.StringVar(&opts.Users, "users", "none", "which users to import: none, all, group:NAME or NAME,NAME...")
	fs.StringVar(&opts.Out, "out", "", "write to this `FILE`, or to this DIR (one file per pool); stdout when not given")
	fs.IntVar(&opts.UsersPerFile, "users-per-file", 0, "with --out DIR, at most `N` users per file (0: all in the pool's file)")
	opts.AWS.register(c)
	_ = c.MarkFlagRequired("user-pool-id")
	return c
}

func (o *ImportOptions) check() error {
	if _, err := usecase.ParseUserSelection(o.Users); err != nil {
		return &UsageError{Err: err}
	}
	if o.UsersPerFile < 0 {
		return &UsageError{Err: fmt.Errorf("--users-per-file %d: want a positive number of users", o.UsersPerFile)}
	}
	if o.UsersPerFile > 0 && !o.outIsDir() {
		return &UsageError{Err: errors.New("--users-per-file needs --out DIR"), Hint: "name a directory, e.g. --out mfa/ (a trailing / creates it)"}
	}
	return nil
}

// outIsDir: --out names an existing directory, or ends with a separator.
func (o *ImportOptions) outIsDir() bool { return outIsDir(o.Out) }

// outIsDir: an --out that names an existing directory, or ends with a separator.
func outIsDir(out string) bool {
	if out == "" || out == "-" {
		return false
	}
	if strings.HasSuffix(out, "/") || strings.HasSuffix(out, string(os.PathSeparator)) {
		return true
	}
	info, err := os.Stat(out)
	return err == nil && info.IsDir()
}

func importRun(ctx context.Context, opts *ImportOptions) error {
	sel, _ := usecase.ParseUserSelection(opts.Users)
	out := &desiredfile.Output{
		Stdout: opts.IO.Out, Path: opts.Out, Dir: opts.outIsDir(), UsersPerFile: opts.UsersPerFile,
		PoolIDs: opts.PoolIDs, Header: desiredfile.ImportHeader(opts.Now(), sel.String()),
	}
	if err := out.Check(); err != nil {
		return err
	}
	if out.Dir {
		if err := os.MkdirAll(opts.Out, 0o755); err != nil {
			return err
		}
	}
	progress, finish := opts.IO.ImportProgress()
	err := opts.AWS.session(opts.NewClient, opts.IO).Import(ctx, usecase.ImportOptions{PoolIDs: opts.PoolIDs, Users: sel, Progress: progress}, out)
	finish()
	err = errors.Join(err, out.Close(err))
	views.ImportSummary(opts.IO, out.Written(), out.WroteStdout(), err)
	return err
}
