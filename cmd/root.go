// Package cmd wires mfactl's commands: options structs, flags, views, and
// the one place (Main) that maps errors to exit codes. Each command is
// NewCmdX(f, runF) + xRun(opts) so tests run it without a process.
package cmd

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/mfactl/mfactl/cognito"
)

// Version is set at build time with -ldflags "-X github.com/mfactl/mfactl/cmd.Version=...".
var Version = "dev"

// Factory hands commands their dependencies, lazily: a command that needs
// no network (validate, schema) never builds an AWS client.
type Factory struct {
	IO *IOStreams
	// Cognito builds the client plan and apply read and write through.
	Cognito func(ctx context.Context, opts cognito.Options) (LiveClient, error)
}

// NewFactory returns the production factory.
func NewFactory(io *IOStreams) *Factory {
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
	}
	root.SetIn(f.IO.In)
	root.SetOut(f.IO.Out)
	root.SetErr(f.IO.ErrOut)
	for _, add := range subcommands {
		root.AddCommand(add(f))
	}
	return root
}

// subcommands registers each command's constructor; every command file adds
// itself in an init function so that files can be added independently.
var subcommands []func(*Factory) *cobra.Command

func register(newCmd func(*Factory) *cobra.Command) { subcommands = append(subcommands, newCmd) }

// signalContext is cancelled on the first SIGINT or SIGTERM, so long
// commands can stop starting work and finish what is in flight; a second
// signal kills the process as usual.
func signalContext(parent context.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(parent)
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	go func() {
		select {
		case <-ch:
			cancel()
			signal.Stop(ch)
		case <-ctx.Done():
		}
	}()
	return ctx, func() { signal.Stop(ch); cancel() }
}
