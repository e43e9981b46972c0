// Package cmd is mfactl's command line: each command is an options struct,
// its flags, and the views it renders; what a command does is a use case
// (package usecase). Main is the one place that maps errors to exit codes.
// Each command is NewCmdX(f, runF) + xRun(opts), so tests run it without a
// process.
package cmd

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/mfactl/mfactl/internal/cognito"
	"github.com/mfactl/mfactl/internal/untrusted"
	"github.com/mfactl/mfactl/internal/usecase"
	"github.com/mfactl/mfactl/internal/views"
)

// Version is set at build time with -ldflags "-X github.com/mfactl/mfactl/cmd.Version=...".
var Version = "dev"

// Factory hands commands their dependencies, lazily: a command that needs
// no network (validate, schema) never builds an AWS client.
type Factory struct {
	IO *views.IOStreams
	// Cognito builds the client plan and apply read and write through.
	Cognito func(ctx context.Context, opts cognito.Options) (usecase.Cognito, error)
}

// NewFactory returns the production factory.
func NewFactory(io *views.IOStreams) *Factory {
	// Whatever the format, nothing mfactl prints may read as a GitHub
	// workflow command: names come from live state, where end users may
	// choose them.
	io.Out, io.ErrOut = untrusted.NoCommands(io.Out), untrusted.NoCommands(io.ErrOut)
	return &Factory{IO: io, Cognito: newCognitoClient}
}

// NewRootCmd builds the command tree.
func NewRootCmd(f *Factory) *cobra.Command {
	root := &cobra.Command{
		Use:           "mfactl",
		Short:         "Manage Amazon Cognito MFA as code",
		Long:          "mfactl validates, plans and applies Amazon Cognito user-pool MFA configuration and per-user MFA settings declared in YAML.",
		Version:       Version,
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          unknownCommand,
		RunE:          func(c *cobra.Command, _ []string) error { return c.Help() },
	}
	var noColor bool
	root.PersistentFlags().BoolVar(&noColor, "no-color", false, "never colour the output (as NO_COLOR=1 does)")
	root.PersistentPreRun = func(*cobra.Command, []string) {
		if noColor {
			f.IO.NoColor = true
		}
	}
	views.Version = Version
	root.SetIn(f.IO.In)
	root.SetOut(f.IO.Out)
	root.SetErr(f.IO.ErrOut)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return &UsageError{Err: err, Hint: fmt.Sprintf("see `%s --help`", c.CommandPath())}
	})
	root.AddCommand(
		NewCmdInit(f, nil),
		NewCmdImport(f, nil),
		NewCmdValidate(f, nil),
		NewCmdSchema(f, nil),
		NewCmdPlan(f, nil),
		NewCmdApply(f, nil),
		NewCmdShow(f, nil),
		NewCmdTOTP(f, nil),
		NewCmdResetMFA(f, nil),
		NewCmdPasskey(f, nil),
		NewCmdReport(f, nil),
		NewCmdEmulator(f, nil),
	)
	return root
}

// signalContext is cancelled on the first SIGINT or SIGTERM, so long
// commands stop starting work and finish what is in flight; it says so on
// errOut. A second signal quits at once: it is re-raised with the default
// handling restored, after saying what that means.
func signalContext(parent context.Context, errOut io.Writer) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(parent)
	done := make(chan struct{})
	ch := make(chan os.Signal, 2)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	go func() {
		select {
		case <-ch:
		case <-done:
			return
		}
		fmt.Fprintln(errOut, "\nInterrupted: starting nothing more; what is in flight (such as requests already sent to Cognito) will finish. Press Ctrl-C again to quit at once.")
		cancel()
		select {
		case sig := <-ch:
			fmt.Fprintln(errOut, "Quit: work in flight was abandoned; after an interrupted apply, run `mfactl plan` to see where Cognito stands.")
			signal.Stop(ch)
			signal.Reset(os.Interrupt, syscall.SIGTERM)
			if self, err := os.FindProcess(os.Getpid()); err == nil {
				_ = self.Signal(sig)
			}
		case <-done:
		}
	}()
	return ctx, func() {
		signal.Stop(ch)
		close(done)
		cancel()
	}
}
