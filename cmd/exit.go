package cmd

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mfactl/mfactl/internal/iostreams"
	"github.com/mfactl/mfactl/internal/untrusted"
	"github.com/mfactl/mfactl/internal/usecase"
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
	io := iostreams.System()
	root := NewRootCmd(NewFactory(io))
	root.SetArgs(os.Args[1:])
	ctx, stop := signalContext(context.Background(), io)
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
func exitCode(err error, io *iostreams.IOStreams) int {
	code := ExitCode(err)
	var silent *SilentError
	if code == ExitError && !errors.As(err, &silent) {
		fmt.Fprintf(io.ErrOut, "%s %s\n", io.ErrPalette().Red("Error:"), untrusted.Error(err))
	}
	var resumable *usecase.ResumableError
	if code == ExitInterrupted && errors.As(err, &resumable) {
		fmt.Fprintln(io.ErrOut, untrusted.Error(resumable)) // how to resume
	}
	return code
}

// unknownCommand refuses arguments to mfactl itself: the first one is not
// one of its commands. It suggests the command probably meant ("plna":
// plan), and otherwise lists them all, from the command tree itself.
func unknownCommand(c *cobra.Command, args []string) error {
	return unknownCommandOf(c.Root(), "mfactl", args)
}

// unknownCommandOf is unknownCommand for a command line that starts with
// prefix ("mfactl", or "mfactl help" for the help command's topics).
func unknownCommandOf(root *cobra.Command, prefix string, args []string) error {
	if len(args) == 0 {
		return nil
	}
	err := fmt.Errorf("unknown command %q", args[0])
	if looksLikeFile(args[0]) {
		return &UsageError{Err: err, Hint: fmt.Sprintf("to see what a file would change, give it to plan with -f: mfactl plan -f %s", args[0])}
	}
	if meant := root.SuggestionsFor(args[0]); len(meant) > 0 {
		line := strings.Join(append([]string{prefix, meant[0]}, args[1:]...), " ")
		return &UsageError{Err: err, Hint: fmt.Sprintf("did you mean %s? %s", strings.Join(meant, " or "), line)}
	}
	return &UsageError{Err: err, Hint: fmt.Sprintf("the commands are %s; see `mfactl --help`", commandList(root))}
}

// commandList names the commands a user can run: "init, import, … and completion".
func commandList(root *cobra.Command) string {
	var names []string
	for _, sub := range root.Commands() {
		if sub.IsAvailableCommand() && sub.Name() != "help" {
			names = append(names, sub.Name())
		}
	}
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// flagError explains a flag cobra could not parse. Before a command is
// found, every flag is the root's: `mfactl aply -f x` is a misspelt
// command, not an unknown -f.
func flagError(c *cobra.Command, err error) error {
	if !c.HasParent() && c.Flags().NArg() > 0 {
		// The flag set kept only the words before the failing flag; the
		// process's arguments have the whole command line to suggest.
		args := c.Flags().Args()
		if len(os.Args) > 1 && os.Args[1] == args[0] {
			args = os.Args[1:]
		}
		return unknownCommand(c, args)
	}
	return &UsageError{Err: err, Hint: fmt.Sprintf("see `%s --help`", c.CommandPath())}
}

// filesWithF refuses positional arguments of a command that takes its
// files with -f, and says how to give them. A shell glob after -f
// (-f mfa/*.yaml) gives -f the first file and leaves the rest as
// arguments: the command to run instead names them all, and the directory.
func filesWithF(c *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	given, _ := c.Flags().GetStringArray("file")
	files := append(slices.Clone(given), args...)
	hint := fmt.Sprintf("desired-state files are given with -f, each with its own: %s -f %s", c.CommandPath(), strings.Join(files, " -f "))
	if len(given) > 0 {
		hint = "a shell glob after -f gives -f only its first file; " + hint
	}
	if dir := commonDir(files); dir != "" && len(files) > 1 {
		hint += fmt.Sprintf(", or the directory: %s -f %s", c.CommandPath(), dir)
	}
	return &UsageError{Err: fmt.Errorf("unexpected argument %q", args[0]), Hint: hint}
}

// commonDir is the directory all files are in ("mfa/"), or "".
func commonDir(files []string) string {
	dir := filepath.Dir(files[0])
	for _, f := range files[1:] {
		if filepath.Dir(f) != dir {
			return ""
		}
	}
	if dir == "." {
		return "."
	}
	return dir + string(filepath.Separator)
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
