package cmd

import (
	"context"
	"errors"
	"fmt"
	"os"
)

// Exit codes, documented in the README. Only Main turns errors into them.
const (
	ExitOK          = 0   // success; no changes
	ExitError       = 1   // any error, including invalid input and failed calls
	ExitChanges     = 2   // changes present (plan --detailed-exitcode) or drift
	ExitInterrupted = 130 // SIGINT during apply
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

// Main runs mfactl with the process's arguments and streams and returns the
// exit code; main() passes it to os.Exit.
func Main() int {
	io := System()
	root := NewRootCmd(NewFactory(io))
	root.SetArgs(os.Args[1:])
	ctx, stop := signalContext(context.Background(), io.ErrOut)
	defer stop()
	return exitCode(root.ExecuteContext(ctx), io)
}

// ExitCode is the documented exit code for the error a command returned.
func ExitCode(err error) int {
	var silent *SilentError
	switch {
	case err == nil:
		return ExitOK
	case errors.Is(err, ErrChangesPresent):
		return ExitChanges
	case errors.Is(err, ErrInterrupted), errors.Is(err, context.Canceled):
		return ExitInterrupted
	case errors.As(err, &silent):
		return ExitError
	}
	return ExitError
}

// exitCode maps an error to its exit code, printing it unless a command
// already explained it.
func exitCode(err error, io *IOStreams) int {
	code := ExitCode(err)
	var silent *SilentError
	if code == ExitError && !errors.As(err, &silent) {
		fmt.Fprintf(io.ErrOut, "%s %s\n", io.errPalette().Red("Error:"), err)
	}
	return code
}

// errPalette colours stderr only when stderr is a terminal.
func (s *IOStreams) errPalette() Palette {
	return Palette{enabled: !s.NoColor && s.StderrTTY}
}
