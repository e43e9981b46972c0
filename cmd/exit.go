package cmd

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mfactl/mfactl/internal/untrusted"
	"github.com/mfactl/mfactl/internal/views"
)

// Exit codes, documented in the README. Only Main turns errors into them.
const (
	ExitOK          = 0   // success; no changes
	ExitError       = 1   // any error, including invalid input, usage errors and failed calls
	ExitChanges     = 2   // changes present (plan --detailed-exitcode) or drift; report --detailed-exitcode: users lack MFA or violate a policy
	ExitInterrupted = 130 // SIGINT or SIGTERM during plan or apply
)

// ErrChangesPresent is returned by plan with --detailed-exitcode when the
// plan has calls. It is not a failure and prints nothing.
var ErrChangesPresent = errors.New("changes present")

// ErrInterrupted is returned when the user interrupted a run that then
// stopped cleanly.
var ErrInterrupted = errors.New("interrupted")

// SilentError is an error whose explanation the command already printed
// (diagnostics, an apply summary); Main only maps it to exit 1.
type SilentError struct{ Err error }

func (e *SilentError) Error() string { return e.Err.Error() }
func (e *SilentError) Unwrap() error { return e.Err }

// UsageError is a command line mfactl cannot run, with a hint at what was
// probably meant.
type UsageError struct {
	Err  error
	Hint string
}

func (e *UsageError) Error() string {
	if e.Hint == "" {
		return e.Err.Error()
	}
	return e.Err.Error() + "\n" + e.Hint
}
func (e *UsageError) Unwrap() error { return e.Err }

// Main runs mfactl with the process's arguments and streams and returns the
// exit code; main() passes it to os.Exit.
func Main() int {
	io := views.System()
	root := NewRootCmd(NewFactory(io))
	root.SetArgs(os.Args[1:])
	ctx, stop := signalContext(context.Background(), io.ErrOut)
	defer stop()
	return exitCode(root.ExecuteContext(ctx), io)
}

// ExitCode is the documented exit code for the error a command returned.
func ExitCode(err error) int {
	switch {
	case err == nil:
		return ExitOK
	case errors.Is(err, ErrChangesPresent), errors.Is(err, ErrFindings):
		return ExitChanges
	case errors.Is(err, ErrInterrupted), errors.Is(err, context.Canceled):
		return ExitInterrupted
	}
	return ExitError
}

// exitCode maps an error to its exit code, printing it unless a command
// already explained it.
func exitCode(err error, io *views.IOStreams) int {
	code := ExitCode(err)
	var silent *SilentError
	if code == ExitError && !errors.As(err, &silent) {
		fmt.Fprintf(io.ErrOut, "%s %s\n", io.ErrPalette().Red("Error:"), untrusted.Error(err))
	}
	return code
}

// unknownCommand refuses arguments to mfactl itself: the first one is not
// one of its commands.
func unknownCommand(c *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	err := fmt.Errorf("unknown command %q", args[0])
	if looksLikeFile(args[0]) {
		return &UsageError{Err: err, Hint: fmt.Sprintf("to see what a file would change, give it to plan with -f: mfactl plan -f %s", args[0])}
	}
	return &UsageError{Err: err, Hint: "the commands are init, import, validate, schema, plan, show, apply, report and emulator; see `mfactl --help`"}
}

// filesWithF refuses positional arguments of a command that takes its
// files with -f, and says how to give them.
func filesWithF(c *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	return &UsageError{
		Err:  fmt.Errorf("unexpected argument %q", args[0]),
		Hint: fmt.Sprintf("desired-state files are given with -f: %s -f %s", c.CommandPath(), strings.Join(args, " -f ")),
	}
}

func looksLikeFile(arg string) bool {
	for _, ext := range []string{".yaml", ".yml", ".json", "/"} {
		if strings.HasSuffix(arg, ext) {
			return true
		}
	}
	_, err := os.Stat(arg)
	return err == nil
}
