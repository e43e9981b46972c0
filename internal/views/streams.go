// Package views is everything mfactl shows: plans, apply summaries,
// diagnostics and verification for people (text, coloured on a terminal)
// and for programs (versioned JSON), and progress on stderr. Commands pick
// a view; use cases return values and never print. A new output format is
// a new view here.
package views

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"

	"github.com/mattn/go-isatty"
)

// IOStreams owns the process's streams and everything that depends on
// whether they are terminals: colour, prompts and progress (always on stderr).
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer

	StdinTTY  bool
	StdoutTTY bool
	StderrTTY bool
	// NoColor is set by NO_COLOR or a non-TTY stdout; colour is off then.
	NoColor bool
}

// System returns streams bound to the process's stdin, stdout and stderr.
func System() *IOStreams {
	isTTY := func(f *os.File) bool { return isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()) }
	s := &IOStreams{
		In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr,
		StdinTTY: isTTY(os.Stdin), StdoutTTY: isTTY(os.Stdout), StderrTTY: isTTY(os.Stderr),
	}
	_, noColor := os.LookupEnv("NO_COLOR")
	s.NoColor = noColor || !s.StdoutTTY || os.Getenv("TERM") == "dumb"
	return s
}

// TestStreams returns streams backed by buffers, none of them a TTY.
func TestStreams() (s *IOStreams, in, out, errOut *Buffer) {
	in, out, errOut = &Buffer{}, &Buffer{}, &Buffer{}
	return &IOStreams{In: in, Out: out, ErrOut: errOut, NoColor: true}, in, out, errOut
}

// Buffer is a bytes.Buffer that is safe to read while others write to it
// (progress and servers write from their own goroutines).
type Buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *Buffer) WriteString(s string) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.WriteString(s)
}

func (b *Buffer) Read(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Read(p)
}

func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

func (b *Buffer) Bytes() []byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	return bytes.Clone(b.b.Bytes())
}

func (b *Buffer) Len() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Len()
}

func (b *Buffer) Reset() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.b.Reset()
}

// Palette colours what goes to stdout: only on a terminal, and not with NO_COLOR.
func (s *IOStreams) Palette() Palette { return palette(!s.NoColor) }

// ErrPalette colours what goes to stderr: only when stderr is a terminal.
func (s *IOStreams) ErrPalette() Palette { return palette(!s.NoColor && s.StderrTTY) }

// CanPrompt reports whether a person can answer a question.
func (s *IOStreams) CanPrompt() bool { return s.StdinTTY && s.StderrTTY }

// Confirm asks a yes/no question on stderr; only "y" or "yes" is yes.
func (s *IOStreams) Confirm(question string) (bool, error) {
	fmt.Fprintf(s.ErrOut, "%s [y/N] ", question)
	line, err := bufio.NewReader(s.In).ReadString('\n')
	if err != nil && line == "" {
		return false, nil
	}
	answer := strings.ToLower(strings.TrimSpace(line))
	return answer == "y" || answer == "yes", nil
}
