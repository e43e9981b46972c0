// Package cmd is mfactl's command line: each command is an options struct,
// its flags, and the views it renders; what a command does is a use case
// (package usecase). Main is the one place that maps errors to exit codes.
// Each command is NewCmdX(f, runF) + xRun(opts), so tests run it without a
// process.
package cmd

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/mfactl/mfactl/internal/buildinfo"
	"github.com/mfactl/mfactl/internal/cognito"
	"github.com/mfactl/mfactl/internal/iostreams"
	"github.com/mfactl/mfactl/internal/untrusted"
	"github.com/mfactl/mfactl/internal/usecase"
)

// Factory hands commands their dependencies, lazily: a command that needs
// no network (validate, schema) never builds an AWS client.
type Factory struct {
	IO *iostreams.IOStreams
	// Cognito builds the client plan and apply read and write through.
	Cognito func(ctx context.Context, opts cognito.Options) (usecase.Cognito, error)
	// LookupEnv reads mfactl's own variables (MFACTL_PLAN_KEY,
	// MFACTL_ACCESS_TOKEN): the process environment in production, a map
	// in tests, so tests that set them can run side by side.
	LookupEnv func(key string) (string, bool)
}

// lookupEnv is f.LookupEnv, or the process environment when none is set.
func (f *Factory) lookupEnv() func(string) (string, bool) {
	if f.LookupEnv != nil {
		return f.LookupEnv
	}
	return os.LookupEnv
}

// NewFactory returns the production factory.
func NewFactory(io *iostreams.IOStreams) *Factory {
	// Whatever the format, nothing mfactl prints may read as a GitHub
	// workflow command: names come from live state, where end users may
	// choose them.
	io.Out, io.ErrOut = untrusted.NoCommands(io.Out), untrusted.NoCommands(io.ErrOut)
	return &Factory{IO: io, Cognito: newCognitoClient, LookupEnv: os.LookupEnv}
}

// NewRootCmd builds the command tree.
func NewRootCmd(f *Factory) *cobra.Command {
	root := &cobra.Command{
		Use:           "mfactl",
		Short:         "Manage Amazon Cognito MFA as code",
		Long:          "mfactl validates, plans and applies Amazon Cognito user-pool MFA configuration and per-user MFA settings declared in YAML.",
		Version:       buildinfo.Read().Version,
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
	root.SetVersionTemplate(versionText())
	root.SetIn(f.IO.In)
	root.SetOut(f.IO.Out)
	root.SetErr(f.IO.ErrOut)
	root.SuggestionsMinimumDistance = 2 // plna, aply, pln: a letter or two off
	root.SetFlagErrorFunc(flagError)
	root.SetHelpCommand(newCmdHelp())
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
		NewCmdVersion(f, nil),
	)
	return root
}

// newCmdHelp is `mfactl help [command]`: cobra's, except that a command
// that does not exist is an error (exit 1), not the root's help.
func newCmdHelp() *cobra.Command {
	return &cobra.Command{
		Use:   "help [command]",
		Short: "Help about any command",
		Long:  "Help shows the help of any command: mfactl help plan.",
		ValidArgsFunction: func(c *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
			var names []string
			for _, sub := range c.Root().Commands() {
				if sub.IsAvailableCommand() {
					names = append(names, sub.Name())
				}
			}
			return names, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(c *cobra.Command, args []string) error {
			target, rest, err := c.Root().Find(args)
			if err == nil && len(rest) > 0 {
				err = unknownCommandOf(c.Root(), "mfactl help", rest)
			}
			if err != nil {
				return err
			}
			return target.Help()
		},
	}
}

// signalContext is cancelled on the first SIGINT or SIGTERM, so long
// commands stop starting work and finish what is in flight; it says so on
// stderr, unless the signal came at the prompt, where nothing is in flight
// and apply says so itself. A second signal quits at once: it is re-raised
// with the default handling restored, after saying what that means.
func signalContext(parent context.Context, ios *iostreams.IOStreams) (context.Context, context.CancelFunc) {
	errOut := ios.ErrOut
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
		if !ios.Prompting() {
			fmt.Fprintln(errOut, "\nInterrupted: starting nothing more; what is in flight (such as requests already sent to Cognito) will finish. Press Ctrl-C again to quit at once.")
		}
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
